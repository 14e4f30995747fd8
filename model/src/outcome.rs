//! Ghost state, the event trace, and the eight invariants a run is judged on.
//!
//! Ghost state is what the server does not have and the checkers need: which packet ran where,
//! how many times an effect was really applied, what tripped. It lives behind a `std` mutex that
//! no engine sees (see [`crate::sync`]), so recording adds no scheduling point, and it counts
//! effect applications itself instead of inferring them from the modelled fields, which a lost
//! update can hide.

use crate::crash::{AssertFailure, Crash};
use crate::opcodes::{DecodeError, HandlerKind, Opcode, Place};
use crate::race::{Access, Detector, Kind, Location, LockId, Race};
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};

/// Which thread an event happened on.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Lane {
    /// The world thread (`World::Update`).
    World,
    /// The map-updater worker running `Map::Update` of `map` in tick `tick`.
    Map {
        /// Map index.
        map: u8,
        /// World tick.
        tick: u32,
    },
    /// The bot thread-pool worker running bot `bot`'s session update of tick `tick`.
    Bot {
        /// Bot index.
        bot: u8,
        /// World tick.
        tick: u32,
    },
}

/// The kind of thread a lane is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ThreadKind {
    /// The world thread.
    World,
    /// A map-updater worker.
    MapWorker,
    /// A bot thread-pool worker.
    BotWorker,
}

impl ThreadKind {
    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            ThreadKind::World => "world",
            ThreadKind::MapWorker => "map worker",
            ThreadKind::BotWorker => "bot worker",
        }
    }
}

impl Lane {
    /// The lane's thread kind.
    pub fn kind(self) -> ThreadKind {
        match self {
            Lane::World => ThreadKind::World,
            Lane::Map { .. } => ThreadKind::MapWorker,
            Lane::Bot { .. } => ThreadKind::BotWorker,
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::World => f.write_str("world"),
            Lane::Map { map, tick } => write!(f, "map{map}@t{tick}"),
            Lane::Bot { bot, tick } => write!(f, "bot{bot}@t{tick}"),
        }
    }
}

/// Why a received packet did not run.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reject {
    /// The wire bytes did not decode.
    Decode(DecodeError),
    /// Status UNHANDLED, NEVER or IGNORED, or `Handle_NULL`: the server drops it.
    Unhandled,
    /// The opcode needs a player in the world (STATUS_LOGGEDIN) and it is not, or the session
    /// has none any more.
    NotInWorld,
    /// A STATUS_TRANSFER opcode while the player is in the world.
    InWorld,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::Decode(e) => write!(f, "decode error: {e}"),
            Reject::Unhandled => f.write_str("unhandled opcode"),
            Reject::NotInWorld => f.write_str("player not in world"),
            Reject::InWorld => f.write_str("transfer opcode while the player is in world"),
        }
    }
}

/// Why a bot's guid was pushed onto `_asyncDisconnections` (BotWorldSessionMgr.cpp).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Refusal {
    /// `BotSession::Update` returned `false` because `try_lock_for(100ms)` of `_updateMutex`
    /// ran out: another update of the session held it (BotSession.cpp:561-578).
    LockBusy,
    /// `BotSession::Update` returned `false` because a kick or logout was requested
    /// (`forceExit`, `m_playerLogout`; BotSession.cpp:599-605), as `RemovePlayerBot` does.
    Kicked,
    /// After a successful update the task found no player, or a player not in the world
    /// (BotWorldSessionMgr.cpp:634-646).
    NotInWorld,
    /// The task's `weak_ptr` to the session no longer locked: the session was erased
    /// (BotWorldSessionMgr.cpp:594-598).
    SessionGone,
}

impl Refusal {
    /// Short text.
    pub fn text(self) -> &'static str {
        match self {
            Refusal::LockBusy => "Update returned false: another thread is updating this bot",
            Refusal::Kicked => "Update returned false: kick or logout requested",
            Refusal::NotInWorld => "the player is not in the world after its update",
            Refusal::SessionGone => "the session was already gone",
        }
    }
}

/// An aura container of a unit.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Container {
    /// `m_ownedAuras`.
    Owned,
    /// `m_appliedAuras`.
    Applied,
}

impl Container {
    /// The server's name.
    pub fn name(self) -> &'static str {
        match self {
            Container::Owned => "m_ownedAuras",
            Container::Applied => "m_appliedAuras",
        }
    }
}

/// A break of the aura lifecycle that no assert catches.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Integrity {
    /// Two applications of 49416 have their effect applied on one player at once: two auras of
    /// one non-stacking spell.
    TwoAuras {
        /// The application applied first.
        first: u8,
        /// The application applied second.
        second: u8,
    },
    /// An effect was applied on an aura already removed (`m_isRemoved`, or its application's
    /// remove mode set).
    EffectOnRemovedAura {
        /// The application.
        app: u8,
    },
    /// Two threads modified the same container at once.
    ConcurrentContainer {
        /// The container.
        which: Container,
        /// The thread already inside it.
        other: Lane,
    },
}

impl fmt::Display for Integrity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Integrity::TwoAuras { first, second } => {
                write!(f, "two auras of 49416 applied at once (applications #{first} and #{second})")
            }
            Integrity::EffectOnRemovedAura { app } => {
                write!(f, "effect applied on a removed aura (application #{app})")
            }
            Integrity::ConcurrentContainer { which, other } => {
                write!(f, "{} modified while {other} was modifying it", which.name())
            }
        }
    }
}

/// One trace event. Fields name the bot or player (same index), the packet id, the opcode, the
/// aura or application index, and the values read or written.
#[allow(missing_docs)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Event {
    /// A world tick begins.
    Tick(u32),
    /// `Map::Update` of a map begins.
    MapUpdate(u8),
    /// `MapUpdater::wait` returned: every map update of the tick is joined.
    MapsJoined,
    /// The bot session manager submits a bot's session update.
    BotDispatch(u8),
    /// Every bot update submitted so far is joined (barrier dispatch, or shutdown).
    BotsJoined,
    /// `ThreadPool::WaitForCompletion` returned: `finished` updates were waited for, `running`
    /// still run (the timeout passed).
    BotsWaited { finished: u8, running: u8 },
    /// `ProcessAllDeferredPackets` begins.
    DeferredPass,
    /// `RemovePlayerBot`: the bot is kicked (world thread).
    Kicked(u8),
    /// `LogoutPlayer` of a bot's player begins (world thread).
    Logout(u8),
    /// The player left the world (`m_isInWorld = false`).
    RemovedFromWorld { player: u8 },
    /// `Map::RemovePlayerFromMap(_player, true)` deleted the player.
    PlayerFreed { player: u8 },
    /// `try_lock_for` of the session's update lock found it held.
    UpdateLockBusy(u8),
    /// The task queued the bot for disconnection.
    UpdateRefused { bot: u8, why: Refusal },
    /// The bot's guid was pushed onto `_asyncDisconnections`.
    DisconnectQueued(u8),
    /// The world thread popped the bot's guid from `_asyncDisconnections`.
    DisconnectPopped(u8),
    /// The session was erased from the manager, with its queues.
    SessionErased(u8),
    /// A packet went with an erased session's queues.
    Lost { bot: u8, id: u32, opcode: Opcode },
    /// The bot AI's update and the manager's reads of the player, on the worker.
    BotAi(u8),
    /// A packet enters a bot session's receive queue.
    Received { bot: u8, id: u32, opcode: Opcode },
    /// A packet is queued for the main thread.
    Deferred { bot: u8, id: u32, opcode: Opcode },
    /// A handler runs.
    Handled { bot: u8, id: u32, opcode: Opcode },
    /// A packet is dropped with a reason.
    Rejected { bot: u8, id: u32, reason: Reject },
    /// `Player::Heartbeat` of a player runs.
    Heartbeat { player: u8 },
    /// `HasAura(49416)` was read.
    HasAura { player: u8, present: bool },
    /// The bot AI read 49416 from the `AuraStateCache` instead.
    CachedAura { player: u8, present: bool },
    /// A cast request was dropped: the player does not know the spell.
    CastDropped { player: u8, spell: u32 },
    /// `TryRefreshStackOrCreate` looked 49416 up in `m_ownedAuras`.
    AuraLookup { player: u8, found: Option<u8> },
    /// `new UnitAura` of 49416.
    AuraCreated { player: u8, aura: u8 },
    /// `_CreateAuraApplication`.
    ApplicationCreated { player: u8, aura: u8, app: u8 },
    /// A container insert or erase.
    Container { player: u8, which: Container, index: u8, insert: bool },
    /// `m_isRemoved = true`.
    AuraRemoved { player: u8, aura: u8 },
    /// An application's remove mode was set.
    RemoveMode { player: u8, app: u8 },
    /// The spell hit's `HasEffect` pre-check (Spell.cpp:3026-3028) read `_effectMask`.
    HitCheck { player: u8, app: u8, mask: u32 },
    /// `_effectMask` read at an assert line.
    EffectRead { player: u8, app: u8, line: u32, mask: u32 },
    /// `_effectMask` stored.
    EffectStore { player: u8, app: u8, mask: u32 },
    /// The unit modifier the effect changes was stored.
    Modifier { player: u8, value: u32 },
    /// A movement packet wrote the position.
    Position { player: u8, area: u32 },
    /// `UpdateZoneAndAreaId` read the position's area.
    AreaRead { player: u8, area: u32 },
    /// `UpdateZoneAndAreaId` read `m_areaUpdateId` (`last`) and compared it with that area.
    AreaCompare { player: u8, last: u32, area: u32 },
    /// The `spell_area` autocast decided to cast 49416.
    Autocast { player: u8 },
    /// The quest log changed.
    Quest { player: u8, accepted: bool },
    /// Some other player state was written.
    PlayerWrite { player: u8 },
    /// The thread stopped: an assert tripped, or it touched a freed player.
    Crash { player: u8, crash: Crash },
    /// The aura lifecycle broke without an assert.
    Integrity { player: u8, what: Integrity },
    /// Two accesses to one field raced: neither happens before the other (recorded at the
    /// second access).
    DataRace(Race),
    /// The first access of a race, shown in its lane where it happened (only in cut traces; the
    /// run records the race at its second access).
    RaceFirstAccess(Race),
}

impl Event {
    /// The player (or bot: a bot owns the player of the same index) the event is about.
    pub fn subject(&self) -> Option<u8> {
        use Event::*;
        match *self {
            Tick(_) | MapUpdate(_) | MapsJoined | BotsJoined | BotsWaited { .. } | DeferredPass => None,
            BotDispatch(b) | Logout(b) | Kicked(b) | UpdateLockBusy(b) | DisconnectQueued(b) | DisconnectPopped(b)
            | SessionErased(b) | BotAi(b) => Some(b),
            UpdateRefused { bot, .. }
            | Lost { bot, .. }
            | Received { bot, .. }
            | Deferred { bot, .. }
            | Handled { bot, .. }
            | Rejected { bot, .. } => Some(bot),
            RemovedFromWorld { player }
            | PlayerFreed { player }
            | Heartbeat { player }
            | HasAura { player, .. }
            | CachedAura { player, .. }
            | CastDropped { player, .. }
            | AuraLookup { player, .. }
            | AuraCreated { player, .. }
            | ApplicationCreated { player, .. }
            | Container { player, .. }
            | AuraRemoved { player, .. }
            | RemoveMode { player, .. }
            | HitCheck { player, .. }
            | EffectRead { player, .. }
            | EffectStore { player, .. }
            | Modifier { player, .. }
            | Position { player, .. }
            | AreaRead { player, .. }
            | AreaCompare { player, .. }
            | Autocast { player }
            | Quest { player, .. }
            | PlayerWrite { player }
            | Crash { player, .. }
            | Integrity { player, .. } => Some(player),
            DataRace(r) | RaceFirstAccess(r) => Some(r.location.owner),
        }
    }
    /// True for the session lifecycle events (lock, refusal, disconnection, logout, erase): a
    /// counterexample keeps them for its subject whatever the invariant.
    pub fn is_session_lifecycle(&self) -> bool {
        use Event::*;
        matches!(
            self,
            Kicked(_)
                | Logout(_)
                | RemovedFromWorld { .. }
                | PlayerFreed { .. }
                | UpdateLockBusy(_)
                | UpdateRefused { .. }
                | DisconnectQueued(_)
                | DisconnectPopped(_)
                | SessionErased(_)
                | Lost { .. }
        )
    }
    /// True for the events that move shared state of the auras or the area (the ones a
    /// counterexample is cut down to, with the handler and lifecycle events around them).
    pub fn is_state_access(&self) -> bool {
        use Event::*;
        matches!(
            self,
            HasAura { .. }
                | CachedAura { .. }
                | CastDropped { .. }
                | AuraLookup { .. }
                | AuraCreated { .. }
                | ApplicationCreated { .. }
                | Container { .. }
                | AuraRemoved { .. }
                | RemoveMode { .. }
                | HitCheck { .. }
                | EffectRead { .. }
                | EffectStore { .. }
                | Modifier { .. }
                | Position { .. }
                | AreaRead { .. }
                | AreaCompare { .. }
                | Autocast { .. }
                | Quest { .. }
                | Crash { .. }
                | Integrity { .. }
                | DataRace(_)
                | RaceFirstAccess(_)
        )
    }
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Event::*;
        match *self {
            Tick(t) => write!(f, "tick {t}"),
            MapUpdate(m) => write!(f, "Map::Update(map {m})"),
            MapsJoined => f.write_str("MapUpdater::wait returns"),
            BotDispatch(b) => write!(f, "submit bot{b} session update"),
            BotsJoined => f.write_str("bot updates joined"),
            BotsWaited { finished, running: 0 } => write!(f, "WaitForCompletion: {finished} bot update(s) finished"),
            BotsWaited { finished, running } => write!(
                f,
                "WaitForCompletion times out ({finished} finished, {running} in flight): PROCEEDING, logouts deferred"
            ),
            DeferredPass => f.write_str("ProcessAllDeferredPackets"),
            Kicked(b) => write!(f, "RemovePlayerBot(bot{b}): KickPlayer"),
            Logout(b) => write!(f, "LogoutPlayer(bot{b})"),
            RemovedFromWorld { player } => write!(f, "p{player} RemoveFromWorld"),
            PlayerFreed { player } => write!(f, "p{player} deleted (RemovePlayerFromMap)"),
            UpdateLockBusy(b) => write!(f, "bot{b} _updateMutex busy"),
            UpdateRefused { bot, why } => write!(f, "bot{bot} disconnect: {}", why.text()),
            DisconnectQueued(b) => write!(f, "bot{b} pushed onto _asyncDisconnections"),
            DisconnectPopped(b) => write!(f, "bot{b} popped from _asyncDisconnections"),
            SessionErased(b) => write!(f, "bot{b} session erased"),
            Lost { bot, id, opcode } => write!(f, "bot{bot} #{id} {opcode} lost with the session"),
            BotAi(b) => write!(f, "bot{b} AI update and manager reads"),
            Received { bot, id, opcode } => write!(f, "bot{bot} receives #{id} {opcode}"),
            Deferred { bot, id, opcode } => write!(f, "bot{bot} defers #{id} {opcode}"),
            Handled { bot, id, opcode } => write!(f, "bot{bot} runs #{id} {opcode}"),
            Rejected { bot, id, reason } => write!(f, "bot{bot} drops #{id}: {reason}"),
            Heartbeat { player } => write!(f, "p{player} Player::Heartbeat"),
            HasAura { player, present } => write!(f, "p{player} HasAura(49416) = {present}"),
            CachedAura { player, present } => write!(f, "p{player} AuraStateCache: 49416 = {present}"),
            CastDropped { player, spell } => write!(f, "p{player} cast of {spell} dropped: spell not known"),
            AuraLookup { player, found: Some(i) } => write!(f, "p{player} TryRefreshStackOrCreate finds aura#{i}"),
            AuraLookup { player, found: None } => write!(f, "p{player} TryRefreshStackOrCreate finds no aura"),
            AuraCreated { player, aura } => write!(f, "p{player} new UnitAura aura#{aura}"),
            ApplicationCreated { player, aura, app } => {
                write!(f, "p{player} aura#{aura}: new AuraApplication app#{app}")
            }
            Container { player, which, index, insert } => {
                let kind = if which == crate::outcome::Container::Owned { "aura" } else { "app" };
                let op = if insert { "insert" } else { "erase" };
                write!(f, "p{player} {}.{op}({kind}#{index})", which.name())
            }
            AuraRemoved { player, aura } => write!(f, "p{player} aura#{aura} m_isRemoved = true"),
            RemoveMode { player, app } => write!(f, "p{player} app#{app} SetRemoveMode"),
            HitCheck { player, app, mask } => {
                write!(f, "p{player} Spell.cpp:3026 app#{app} HasEffect: _effectMask = {mask}")
            }
            EffectRead { player, app, line, mask } => {
                write!(f, "p{player} SpellAuras.cpp:{line} app#{app} reads _effectMask = {mask}")
            }
            EffectStore { player, app, mask } => write!(f, "p{player} app#{app} _effectMask := {mask}"),
            Modifier { player, value } => write!(f, "p{player} HandleEffect: modifier := {value}"),
            Position { player, area } => write!(f, "p{player} position in area {area}"),
            AreaRead { player, area } => write!(f, "p{player} UpdateZoneAndAreaId reads area {area}"),
            AreaCompare { player, last, area } => {
                write!(f, "p{player} UpdateZoneAndAreaId reads m_areaUpdateId {last} (vs {area})")
            }
            Autocast { player } => write!(f, "p{player} spell_area autocast 49416"),
            Quest { player, accepted } => {
                write!(f, "p{player} quest 14078 {}", if accepted { "accepted" } else { "removed" })
            }
            PlayerWrite { player } => write!(f, "p{player} player state write"),
            Crash { player: _, crash } => write!(f, "{crash}"),
            Integrity { player, what } => write!(f, "p{player} aura-integrity: {what}"),
            DataRace(r) => write!(f, "data race on {r}"),
            RaceFirstAccess(r) => write!(
                f,
                "{} of {} ({}), unordered with the {} by {} below",
                r.first.kind.name(),
                r.location,
                r.first.model_line(),
                r.second.kind.name(),
                r.second.lane
            ),
        }
    }
}

/// What happened to one received packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PacketLog {
    /// The bot session that received it.
    pub bot: u8,
    /// Its opcode (`None` when the wire bytes did not decode).
    pub opcode: Option<Opcode>,
    /// How many times its handler ran.
    pub ran: u32,
    /// Why it was dropped, each time it was.
    pub rejected: Vec<Reject>,
    /// Why its session was erased with it in a queue, if it was.
    pub lost: Option<Refusal>,
    /// The world tick it was sent for: the tick whose bot update (or, under map routing, whose
    /// session update) first could take it.
    pub sent_for: u32,
    /// The world tick its handler last ran in.
    pub ran_in: Option<u32>,
}

impl PacketLog {
    /// Ticks between the tick it was sent for and the tick its handler ran in (what deferral
    /// adds), when it ran.
    pub fn latency(&self) -> Option<u32> {
        self.ran_in.map(|t| t.saturating_sub(self.sent_for))
    }
}

/// One handler run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    /// The bot session.
    pub bot: u8,
    /// The packet.
    pub id: u32,
    /// Its opcode.
    pub opcode: Opcode,
    /// What the handler does.
    pub kind: HandlerKind,
    /// Where it ran.
    pub lane: Lane,
    /// The map of the player it ran for.
    pub player_map: u8,
}

/// Ghost bookkeeping of one application.
#[derive(Clone, Copy, Default, Debug)]
struct AppGhost {
    aura: u8,
    /// Effects applied on it right now, counted by `HandleEffect` calls.
    active: i32,
    /// Its remove mode was set.
    removing: bool,
}

#[derive(Default)]
struct PlayerGhost {
    apps: Vec<AppGhost>,
    removed_auras: Vec<bool>,
    inside: [Option<Lane>; 2],
    freed: bool,
}

impl PlayerGhost {
    /// The bookkeeping of application `app`, created on first use.
    fn app(&mut self, app: u8) -> &mut AppGhost {
        if self.apps.len() <= app as usize {
            self.apps.resize(app as usize + 1, AppGhost::default());
        }
        &mut self.apps[app as usize]
    }
}

#[derive(Default)]
struct GhostState {
    trace: Vec<(Lane, Event)>,
    trace_cap: usize,
    trace_dropped: u64,
    packets: Vec<PacketLog>,
    runs: Vec<Run>,
    players: Vec<PlayerGhost>,
    double: Option<(u8, u8, Lane)>,
    integrity: Vec<(Lane, u8, Integrity)>,
    crashes: Vec<(Lane, u8, Crash)>,
    /// The world tick the world thread is in.
    tick: u32,
    /// The happens-before detector; `None` when the run does not look for races.
    detector: Option<Detector>,
}

impl GhostState {
    fn push(&mut self, lane: Lane, event: Event) {
        if self.trace.len() < self.trace_cap {
            self.trace.push((lane, event));
        } else {
            self.trace_dropped += 1;
        }
    }
    fn check_access(&mut self, location: Location, lane: Lane, kind: Kind, at: &'static std::panic::Location<'static>) {
        let Some(d) = self.detector.as_mut() else { return };
        let seq = (self.trace.len() as u64 + self.trace_dropped) as u32;
        if let Some(race) = d.access(location, Access { lane, kind, at, seq }) {
            self.push(lane, Event::DataRace(race));
        }
    }
    fn integrity(&mut self, lane: Lane, player: u8, what: Integrity) {
        self.push(lane, Event::Integrity { player, what });
        self.integrity.push((lane, player, what));
    }
}

/// Trace events reserved up front (a small scenario's run records about a hundred).
const TRACE_RESERVE: usize = 256;

/// The ghost recorder of one run, shared by every thread of the run.
#[derive(Clone)]
pub struct Ghost(Arc<Mutex<GhostState>>);

impl Ghost {
    /// A recorder for `players` players, keeping at most `trace_cap` trace events, with the
    /// data-race detector.
    pub fn new(players: usize, trace_cap: usize) -> Self {
        Self::with_detector(players, trace_cap, true)
    }
    /// [`Ghost::new`], with or without the data-race detector (without it, `data-race` cannot
    /// break: for measuring what the detector costs).
    pub fn with_detector(players: usize, trace_cap: usize, detect: bool) -> Self {
        Ghost(Arc::new(Mutex::new(GhostState {
            detector: detect.then(Detector::default),
            trace_cap,
            // One allocation for a small scenario's whole trace, not a dozen as it grows.
            trace: Vec::with_capacity(trace_cap.min(TRACE_RESERVE)),
            players: (0..players).map(|_| PlayerGhost::default()).collect(),
            ..Default::default()
        })))
    }
    fn state(&self) -> MutexGuard<'_, GhostState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// The world thread starts tick `tick`.
    pub fn set_tick(&self, tick: u32) {
        self.state().tick = tick;
    }
    /// Appends a trace event.
    pub fn event(&self, lane: Lane, event: Event) {
        self.state().push(lane, event);
    }
    /// Runs `f` on the detector, when the run has one.
    fn detect(&self, f: impl FnOnce(&mut Detector)) {
        if let Some(d) = self.state().detector.as_mut() {
            f(d);
        }
    }
    /// `parent` starts `child` (a happens-before edge).
    pub fn fork(&self, parent: Lane, child: Lane) {
        self.detect(|d| d.fork(parent, child));
    }
    /// `parent` joined `child` (a happens-before edge).
    pub fn join(&self, parent: Lane, child: Lane) {
        self.detect(|d| d.join(parent, child));
    }
    /// `lane` acquired `lock`.
    pub fn acquire(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.acquire(lane, lock));
    }
    /// `lane` released `lock`.
    pub fn release(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.release(lane, lock));
    }
    /// `lane` took `lock` shared (a reader).
    pub fn acquire_shared(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.acquire_shared(lane, lock));
    }
    /// `lane` released its shared hold of `lock`.
    pub fn release_shared(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.release_shared(lane, lock));
    }
    /// `lane` accessed `location` from the model line `at`.
    pub fn access(&self, lane: Lane, location: Location, kind: Kind, at: &'static std::panic::Location<'static>) {
        self.state().check_access(location, lane, kind, at);
    }
    /// [`Ghost::access`] and the trace event `event`, under one lock of the recorder.
    pub fn access_as(
        &self,
        lane: Lane,
        location: Location,
        kind: Kind,
        at: &'static std::panic::Location<'static>,
        event: Event,
    ) {
        let mut s = self.state();
        s.push(lane, event);
        s.check_access(location, lane, kind, at);
    }
    /// The data races found so far.
    pub fn races(&self) -> Vec<Race> {
        self.state().detector.as_ref().map(|d| d.races().to_vec()).unwrap_or_default()
    }
    /// The trace recorded so far.
    pub fn events(&self) -> Vec<(Lane, Event)> {
        self.state().trace.clone()
    }
    /// Records a tripped assert and hands back the crash.
    pub fn trip(&self, lane: Lane, player: u8, failure: AssertFailure) -> Crash {
        self.crash(lane, player, Crash::Assert(failure))
    }
    /// Records a crash and hands it back.
    pub fn crash(&self, lane: Lane, player: u8, crash: Crash) -> Crash {
        let mut s = self.state();
        s.push(lane, Event::Crash { player, crash });
        s.crashes.push((lane, player, crash));
        crash
    }
    /// `new UnitAura` of aura `aura` on `player`.
    pub fn aura_created(&self, lane: Lane, player: u8, aura: u8) {
        self.event(lane, Event::AuraCreated { player, aura });
    }
    /// Aura `aura` of `player` got `m_isRemoved`.
    pub fn aura_removed(&self, lane: Lane, player: u8, aura: u8) {
        let mut s = self.state();
        s.push(lane, Event::AuraRemoved { player, aura });
        let g = &mut s.players[player as usize];
        if g.removed_auras.len() <= aura as usize {
            g.removed_auras.resize(aura as usize + 1, false);
        }
        g.removed_auras[aura as usize] = true;
    }
    /// Application `app` of `player` got its remove mode.
    pub fn remove_mode_set(&self, lane: Lane, player: u8, app: u8) {
        let mut s = self.state();
        s.push(lane, Event::RemoveMode { player, app });
        s.players[player as usize].app(app).removing = true;
    }
    /// A thread starts writing `which` of `player`: two at once break `aura-integrity`.
    pub fn container_enter(&self, lane: Lane, player: u8, which: Container) {
        let mut s = self.state();
        let slot = which as usize;
        match s.players[player as usize].inside[slot] {
            Some(other) if other != lane => s.integrity(lane, player, Integrity::ConcurrentContainer { which, other }),
            _ => s.players[player as usize].inside[slot] = Some(lane),
        }
    }
    /// The thread is done writing `which`.
    pub fn container_exit(&self, lane: Lane, player: u8, which: Container) {
        let mut s = self.state();
        let inside = &mut s.players[player as usize].inside[which as usize];
        if *inside == Some(lane) {
            *inside = None;
        }
    }
    /// `HandleEffect(.., true)` ran on application `app` (of aura `aura`) of `player`: the same
    /// effect twice on one application is `double-effect`; an effect on a removed aura, or two
    /// applications with their effect at once, is `aura-integrity`.
    pub fn effect_applied(&self, lane: Lane, player: u8, app: u8, aura: u8) {
        let mut s = self.state();
        let g = &mut s.players[player as usize];
        g.app(app).aura = aura;
        g.app(app).active += 1;
        let twice = g.apps[app as usize].active > 1;
        let removed = g.apps[app as usize].removing || g.removed_auras.get(aura as usize).copied().unwrap_or(false);
        let other = g.apps.iter().enumerate().find(|(i, a)| *i != app as usize && a.active > 0).map(|(i, _)| i as u8);
        if twice && s.double.is_none() {
            s.double = Some((player, app, lane));
        }
        if removed {
            s.integrity(lane, player, Integrity::EffectOnRemovedAura { app });
        }
        if let Some(first) = other {
            s.integrity(lane, player, Integrity::TwoAuras { first, second: app });
        }
    }
    /// `HandleEffect(.., false)` ran on application `app` of `player`.
    pub fn effect_removed(&self, player: u8, app: u8) {
        let mut s = self.state();
        s.players[player as usize].app(app).active -= 1;
    }
    /// `Map::RemovePlayerFromMap(_player, true)` deleted `player`.
    pub fn free(&self, lane: Lane, player: u8) {
        let mut s = self.state();
        s.push(lane, Event::PlayerFreed { player });
        s.players[player as usize].freed = true;
    }
    /// True once `player` was deleted.
    pub fn freed(&self, player: u8) -> bool {
        self.state().players[player as usize].freed
    }
    /// A packet entered `bot`'s receive queue; returns its id.
    pub fn received(&self, lane: Lane, bot: u8, opcode: Option<Opcode>) -> u32 {
        let mut s = self.state();
        let id = s.packets.len() as u32;
        // A bot's update sends the next tick's packets (tick 0 stands for the bots' side before
        // the first tick); the world thread receives a tick's packets at its start.
        let sent_for = match lane {
            Lane::Bot { tick, .. } => tick + 1,
            _ => s.tick.max(1),
        };
        s.packets.push(PacketLog { bot, opcode, ran: 0, rejected: Vec::new(), lost: None, sent_for, ran_in: None });
        if let Some(opcode) = opcode {
            s.push(lane, Event::Received { bot, id, opcode });
        }
        id
    }
    /// A packet's handler starts.
    pub fn ran(&self, run: Run) {
        let mut s = self.state();
        let tick = match run.lane {
            Lane::Bot { tick, .. } | Lane::Map { tick, .. } => tick,
            Lane::World => s.tick,
        };
        s.packets[run.id as usize].ran += 1;
        s.packets[run.id as usize].ran_in = Some(tick);
        s.runs.push(run);
        s.push(run.lane, Event::Handled { bot: run.bot, id: run.id, opcode: run.opcode });
    }
    /// A packet was dropped.
    pub fn rejected(&self, lane: Lane, bot: u8, id: u32, reason: Reject) {
        let mut s = self.state();
        s.packets[id as usize].rejected.push(reason);
        s.push(lane, Event::Rejected { bot, id, reason });
    }
    /// A packet went with its erased session.
    pub fn lost(&self, lane: Lane, bot: u8, id: u32, opcode: Opcode, why: Refusal) {
        let mut s = self.state();
        s.packets[id as usize].lost = Some(why);
        s.push(lane, Event::Lost { bot, id, opcode });
    }
    /// Packets that have run, been dropped or been lost so far.
    pub fn progress(&self) -> usize {
        let s = self.state();
        s.runs.len() + s.packets.iter().map(|p| p.rejected.len() + p.lost.is_some() as usize).sum::<usize>()
    }
    /// True once any thread crashed (the server is down).
    pub fn crashed(&self) -> bool {
        !self.state().crashes.is_empty()
    }
    /// The first crash of the run, if any.
    pub fn first_crash(&self) -> Option<Crash> {
        self.state().crashes.first().map(|c| c.2)
    }
    /// Takes the recorded ghost state into an outcome.
    pub(crate) fn finish(&self, players: Vec<PlayerEnd>, undrained: Vec<(u8, usize, usize)>) -> Outcome {
        let mut s = self.state();
        Outcome {
            trace: std::mem::take(&mut s.trace),
            trace_dropped: s.trace_dropped,
            packets: std::mem::take(&mut s.packets),
            runs: std::mem::take(&mut s.runs),
            crashes: std::mem::take(&mut s.crashes),
            double_effect: s.double,
            integrity: std::mem::take(&mut s.integrity),
            races: s.detector.as_ref().map(|d| d.races().to_vec()).unwrap_or_default(),
            active: s.players.iter().map(|g| g.apps.iter().map(|a| a.active).collect()).collect(),
            players,
            undrained,
        }
    }
}

/// A player's state at the end of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerEnd {
    /// Map index.
    pub map: u8,
    /// `HasAura(49416)`.
    pub has_aura: bool,
    /// The modifier 49416's effect changes.
    pub modifier: u32,
    /// Each application's `_effectMask`.
    pub effect_masks: Vec<u32>,
    /// Deleted by `LogoutPlayer`.
    pub freed: bool,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The event trace, in the order the engine ran the events.
    pub trace: Vec<(Lane, Event)>,
    /// Events past the trace cap (not recorded).
    pub trace_dropped: u64,
    /// Every received packet, by id.
    pub packets: Vec<PacketLog>,
    /// Every handler run, in order.
    pub runs: Vec<Run>,
    /// Every crash: tripped asserts and uses after free.
    pub crashes: Vec<(Lane, u8, Crash)>,
    /// The first time one application had its effect applied twice at once: (player, app, lane).
    pub double_effect: Option<(u8, u8, Lane)>,
    /// Every break of the aura lifecycle.
    pub integrity: Vec<(Lane, u8, Integrity)>,
    /// Every data race, in the order found.
    pub races: Vec<Race>,
    /// Ghost count of applied effects per player and application at the end.
    pub active: Vec<Vec<i32>>,
    /// Players at the end.
    pub players: Vec<PlayerEnd>,
    /// Bot sessions still in the manager whose queues were not empty at the end: (bot, receive,
    /// deferred).
    pub undrained: Vec<(u8, usize, usize)>,
}

/// The eight invariants.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Invariant {
    /// No server assert tripped (which file and line if one did).
    Assert,
    /// No thread touched a player after `LogoutPlayer` deleted it.
    UseAfterFree,
    /// No application had its effect applied twice at once (both threads past line 174), and at
    /// the end the modifier, the effect masks and the ghost counts agree.
    DoubleEffect,
    /// The aura lifecycle holds: never two auras of 49416 applied on one player at once, never an
    /// effect applied on a removed aura, never two threads in one aura container at once.
    AuraIntegrity,
    /// Every received packet ran exactly once or was dropped once with a recorded reason; none was
    /// lost with an erased session or run twice; the queues are empty at the end.
    ExactlyOnce,
    /// A session's state-changing packets ran in the order they were received.
    Order,
    /// No two accesses to one plain server field race: whenever two threads touch one field and
    /// one of them writes, one access happens before the other through a spawn, a join or a
    /// mutex (the happens-before detector, [`crate::race`]). In C++ every schedule that breaks
    /// it is undefined behaviour, whether or not an assert trips.
    DataRace,
    /// Every handler that touches shared game state ran where TrinityCore's placement rule puts
    /// it: the world thread, or the worker of the player's map for an opcode TrinityCore lets that
    /// worker run (THREADSAFE or INPLACE); never on a bot worker. Conformance to the server's
    /// rule of which thread may run which opcode, judged from where each handler ran; it says
    /// nothing of whether two accesses raced (that is `data-race`).
    Placement,
}

impl Invariant {
    /// All eight, in report order.
    pub const ALL: [Invariant; 8] = [
        Invariant::Assert,
        Invariant::UseAfterFree,
        Invariant::DoubleEffect,
        Invariant::AuraIntegrity,
        Invariant::DataRace,
        Invariant::ExactlyOnce,
        Invariant::Order,
        Invariant::Placement,
    ];
    /// The invariant's name.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::Assert => "assert",
            Invariant::UseAfterFree => "use-after-free",
            Invariant::DoubleEffect => "double-effect",
            Invariant::AuraIntegrity => "aura-integrity",
            Invariant::ExactlyOnce => "exactly-once",
            Invariant::DataRace => "data-race",
            Invariant::Order => "order",
            Invariant::Placement => "placement",
        }
    }
    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.name() == name)
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which invariant.
    pub invariant: Invariant,
    /// The tripped assert, for `assert`.
    pub assert: Option<AssertFailure>,
    /// The two accesses, for `data-race`.
    pub race: Option<Race>,
    /// The player (or bot) it concerns.
    pub subject: Option<u8>,
    /// What happened.
    pub message: String,
}

impl Violation {
    /// The server file and line it points at: the assert's line, or the declaration of the field
    /// a data race is on.
    pub fn source(&self) -> Option<(&'static str, u32)> {
        match (self.assert, self.race) {
            (Some(a), _) => Some((a.file(), a.line())),
            (None, Some(r)) => Some((r.location.site.file(), r.location.site.line())),
            (None, None) => None,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.assert {
            Some(a) => write!(f, "{a}"),
            None => write!(f, "{}: {}", self.invariant, self.message),
        }
    }
}

impl Outcome {
    /// True when some thread crashed: the server is down.
    pub fn crashed(&self) -> bool {
        !self.crashes.is_empty()
    }

    /// Judges the run on the eight invariants; the violations come in [`Invariant::ALL`] order,
    /// one per broken invariant (its first instance). For `assert`, every distinct tripped
    /// assert gives one violation, in the order they tripped. When the server crashed,
    /// `exactly-once` and `order`, which speak of a server that goes on, are not judged, nor the
    /// end-state agreement of `double-effect`.
    pub fn check(&self) -> Vec<Violation> {
        self.judge(true)
    }

    /// [`Outcome::check`] with the messages left empty unless `describe`: what an exploration
    /// calls on every schedule, describing only the ones whose counterexample it keeps.
    pub fn judge(&self, describe: bool) -> Vec<Violation> {
        let m = |text: &dyn Fn() -> String| if describe { text() } else { String::new() };
        let mut out = Vec::new();
        // assert: no server assert tripped.
        let mut seen = Vec::new();
        for &(lane, player, crash) in &self.crashes {
            if let Crash::Assert(failure) = crash {
                if !seen.contains(&failure) {
                    seen.push(failure);
                    out.push(Violation {
                        invariant: Invariant::Assert,
                        assert: Some(failure),
                        race: None,
                        subject: Some(player),
                        message: m(&|| format!("{failure} on {lane}")),
                    });
                }
            }
        }
        // use-after-free: no thread touched a deleted player.
        if let Some(&(lane, player, crash)) = self.crashes.iter().find(|c| matches!(c.2, Crash::UseAfterFree { .. })) {
            out.push(Violation {
                invariant: Invariant::UseAfterFree,
                assert: None,
                race: None,
                subject: Some(player),
                message: m(&|| format!("{lane} touched p{player} after LogoutPlayer deleted it ({crash})")),
            });
        }
        // double-effect: never one effect applied twice on one application; at the end the
        // modifier, the masks and the ghost counts agree.
        if let Some((player, app, lane)) = self.double_effect {
            out.push(Violation {
                invariant: Invariant::DoubleEffect,
                assert: None,
                race: None,
                subject: Some(player),
                message: m(&|| {
                    format!(
                        "effect 0 of 49416 applied twice on p{player}'s app#{app} (second by {lane}) with no assert"
                    )
                }),
            });
        } else if !self.crashed() {
            for (p, end) in self.players.iter().enumerate() {
                if end.freed {
                    continue;
                }
                let ghost: i32 = self.active[p].iter().sum();
                let masks: i32 = end.effect_masks.iter().map(|m| (m & 1) as i32).sum();
                let per_app = end
                    .effect_masks
                    .iter()
                    .enumerate()
                    .all(|(a, m)| (m & 1) as i32 == self.active[p].get(a).copied().unwrap_or(0));
                if end.modifier as i64 != ghost as i64 || !per_app {
                    out.push(Violation {
                        invariant: Invariant::DoubleEffect,
                        assert: None,
                        race: None,
                        subject: Some(p as u8),
                        message: m(&|| {
                            format!(
                            "p{p}: modifier {} and {masks} effect bit(s) set disagree with {ghost} applied effect(s)",
                            end.modifier
                        )
                        }),
                    });
                    break;
                }
            }
        }
        // aura-integrity: the first break of the lifecycle.
        if let Some(&(lane, player, what)) = self.integrity.first() {
            out.push(Violation {
                invariant: Invariant::AuraIntegrity,
                assert: None,
                race: None,
                subject: Some(player),
                message: m(&|| format!("p{player}: {what} (by {lane})")),
            });
        }
        // data-race: the first race of the run.
        if let Some(race) = self.races.first() {
            out.push(Violation {
                invariant: Invariant::DataRace,
                assert: None,
                race: Some(*race),
                subject: Some(race.location.owner),
                message: m(&|| race.to_string()),
            });
        }
        if !self.crashed() {
            // exactly-once: each packet ran once xor was dropped once; none lost; queues drained.
            let bad =
                self.packets.iter().enumerate().find(|(_, p)| p.lost.is_some() || p.ran + p.rejected.len() as u32 != 1);
            if let Some((id, p)) = bad {
                let what = match p.lost {
                    Some(why) => format!("lost: the session was erased with it queued ({})", why.text()),
                    None if p.ran + p.rejected.len() as u32 == 0 => "lost".to_string(),
                    None => format!("ran {} time(s), dropped {} time(s)", p.ran, p.rejected.len()),
                };
                let lost = self.packets.iter().filter(|p| p.lost.is_some()).count();
                let more = if lost > 1 { format!(" ({lost} packets lost in all)") } else { String::new() };
                out.push(Violation {
                    invariant: Invariant::ExactlyOnce,
                    assert: None,
                    race: None,
                    subject: Some(p.bot),
                    message: m(&|| {
                        format!(
                            "bot{} packet #{id} {}: {what}{more}",
                            p.bot,
                            p.opcode.map(|o| o.name()).unwrap_or("(undecodable)")
                        )
                    }),
                });
            } else if let Some(&(bot, recv, deferred)) = self.undrained.first() {
                out.push(Violation {
                    invariant: Invariant::ExactlyOnce,
                    assert: None,
                    race: None,
                    subject: Some(bot),
                    message: m(&|| format!("bot{bot} queues not drained: {recv} received, {deferred} deferred")),
                });
            }
            // order: per session, state-changing runs in receive order.
            let mut last: Vec<Option<(u32, Opcode)>> = vec![None; self.players.len()];
            'runs: for r in &self.runs {
                if !r.kind.changes_state() {
                    continue;
                }
                if let Some((prev, prev_op)) = last[r.bot as usize] {
                    if r.id < prev {
                        out.push(Violation {
                            invariant: Invariant::Order,
                            assert: None,
                            race: None,
                            subject: Some(r.bot),
                            message: m(&|| {
                                format!(
                                    "bot{} ran #{} {} after #{prev} {prev_op}, which it received later",
                                    r.bot, r.id, r.opcode
                                )
                            }),
                        });
                        break 'runs;
                    }
                }
                last[r.bot as usize] = Some((r.id, r.opcode));
            }
        }
        // placement: shared state only where TrinityCore's placement rule puts it.
        for r in &self.runs {
            if !r.kind.touches_shared_state() {
                continue;
            }
            let ok = match r.lane {
                Lane::World => true,
                Lane::Map { map, .. } => map == r.player_map && r.opcode.info().place != Place::ThreadUnsafe,
                Lane::Bot { .. } => false,
            };
            if !ok {
                out.push(Violation {
                    invariant: Invariant::Placement,
                    assert: None,
                    race: None,
                    subject: Some(r.bot),
                    message: m(&|| {
                        format!(
                            "#{} {} ({}, {}) ran on {} ({})",
                            r.id,
                            r.opcode,
                            r.kind.name(),
                            r.opcode.info().place.tc_name(),
                            r.lane,
                            r.lane.kind().name()
                        )
                    }),
                });
                break;
            }
        }
        out
    }
}
