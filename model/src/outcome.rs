//! Ghost state, the event trace, and the five invariants a run is judged on.
//!
//! Ghost state is what the server does not have and the checkers need: which packet ran where,
//! how many times an effect was really applied, what tripped. It lives behind a `std` mutex that
//! no engine sees (see [`crate::sync`]), so recording adds no scheduling point, and it counts
//! effect applications itself instead of inferring them from the modelled fields, which a lost
//! update can hide.

use crate::aura::{AssertFailure, ASSERT_FILE};
use crate::opcodes::{DecodeError, HandlerKind, Opcode, Place};
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
    /// The opcode needs a player in the world and the session has logged out.
    NotInWorld,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reject::Decode(e) => write!(f, "decode error: {e}"),
            Reject::Unhandled => f.write_str("unhandled opcode"),
            Reject::NotInWorld => f.write_str("player not in world"),
        }
    }
}

/// One trace event. Fields name the bot or player (same index), the packet id, the opcode, and
/// the values read or written.
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
    /// `ProcessAllDeferredPackets` begins.
    DeferredPass,
    /// A bot logs out (world thread).
    Logout(u8),
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
    /// The application of 49416 was created.
    AuraCreated { player: u8 },
    /// The existing aura was found and refreshed.
    AuraRefreshed { player: u8 },
    /// The aura was removed.
    AuraRemoved { player: u8 },
    /// `_effectMask` read at an assert line.
    EffectRead { player: u8, line: u32, mask: u32 },
    /// `_effectMask` stored.
    EffectStore { player: u8, mask: u32 },
    /// The effect's modifier stored.
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
    /// A server assert tripped.
    Assert { player: u8, failure: AssertFailure },
}

impl Event {
    /// The player (or bot: a bot owns the player of the same index) the event is about.
    pub fn subject(&self) -> Option<u8> {
        use Event::*;
        match *self {
            Tick(_) | MapUpdate(_) | MapsJoined | BotsJoined | DeferredPass => None,
            BotDispatch(b) | Logout(b) => Some(b),
            Received { bot, .. } | Deferred { bot, .. } | Handled { bot, .. } | Rejected { bot, .. } => Some(bot),
            Heartbeat { player }
            | HasAura { player, .. }
            | AuraCreated { player }
            | AuraRefreshed { player }
            | AuraRemoved { player }
            | EffectRead { player, .. }
            | EffectStore { player, .. }
            | Modifier { player, .. }
            | Position { player, .. }
            | AreaRead { player, .. }
            | AreaCompare { player, .. }
            | Autocast { player }
            | Quest { player, .. }
            | PlayerWrite { player }
            | Assert { player, .. } => Some(player),
        }
    }
    /// True for the events that move shared state of the aura or the area (the ones a
    /// counterexample is cut down to, with the handler and lifecycle events around them).
    pub fn is_state_access(&self) -> bool {
        use Event::*;
        matches!(
            self,
            HasAura { .. }
                | AuraCreated { .. }
                | AuraRefreshed { .. }
                | AuraRemoved { .. }
                | EffectRead { .. }
                | EffectStore { .. }
                | Modifier { .. }
                | Position { .. }
                | AreaRead { .. }
                | AreaCompare { .. }
                | Autocast { .. }
                | Quest { .. }
                | Assert { .. }
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
            DeferredPass => f.write_str("ProcessAllDeferredPackets"),
            Logout(b) => write!(f, "LogoutPlayer(bot{b})"),
            Received { bot, id, opcode } => write!(f, "bot{bot} receives #{id} {opcode}"),
            Deferred { bot, id, opcode } => write!(f, "bot{bot} defers #{id} {opcode}"),
            Handled { bot, id, opcode } => write!(f, "bot{bot} runs #{id} {opcode}"),
            Rejected { bot, id, reason } => write!(f, "bot{bot} drops #{id}: {reason}"),
            Heartbeat { player } => write!(f, "p{player} Player::Heartbeat"),
            HasAura { player, present } => write!(f, "p{player} HasAura(49416) = {present}"),
            AuraCreated { player } => write!(f, "p{player} create AuraApplication(49416)"),
            AuraRefreshed { player } => write!(f, "p{player} refresh aura 49416"),
            AuraRemoved { player } => write!(f, "p{player} aura 49416 removed"),
            EffectRead { player, line, mask } => write!(f, "p{player} {ASSERT_FILE}:{line} reads _effectMask = {mask}"),
            EffectStore { player, mask } => write!(f, "p{player} _effectMask := {mask}"),
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
            Assert { player, failure } => write!(f, "p{player} {failure}"),
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

#[derive(Default)]
struct GhostState {
    trace: Vec<(Lane, Event)>,
    trace_cap: usize,
    trace_dropped: u64,
    packets: Vec<PacketLog>,
    runs: Vec<Run>,
    active: Vec<i32>,
    double: Option<(u8, Lane)>,
    asserts: Vec<(Lane, u8, AssertFailure)>,
}

/// The ghost recorder of one run, shared by every thread of the run.
#[derive(Clone)]
pub struct Ghost(Arc<Mutex<GhostState>>);

impl Ghost {
    /// A recorder for `players` players, keeping at most `trace_cap` trace events.
    pub fn new(players: usize, trace_cap: usize) -> Self {
        Ghost(Arc::new(Mutex::new(GhostState { trace_cap, active: vec![0; players], ..Default::default() })))
    }
    fn state(&self) -> MutexGuard<'_, GhostState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// Appends a trace event.
    pub fn event(&self, lane: Lane, event: Event) {
        let mut s = self.state();
        if s.trace.len() < s.trace_cap {
            s.trace.push((lane, event));
        } else {
            s.trace_dropped += 1;
        }
    }
    /// Records a tripped assert and hands it back.
    pub fn trip(&self, lane: Lane, player: u8, failure: AssertFailure) -> AssertFailure {
        self.event(lane, Event::Assert { player, failure });
        self.state().asserts.push((lane, player, failure));
        failure
    }
    /// An effect's `HandleEffect(.., true)` ran on `player`.
    pub fn effect_applied(&self, lane: Lane, player: u8) {
        let mut s = self.state();
        s.active[player as usize] += 1;
        if s.active[player as usize] > 1 && s.double.is_none() {
            s.double = Some((player, lane));
        }
    }
    /// An effect's `HandleEffect(.., false)` ran on `player`.
    pub fn effect_removed(&self, player: u8) {
        self.state().active[player as usize] -= 1;
    }
    /// A packet entered `bot`'s receive queue; returns its id.
    pub fn received(&self, lane: Lane, bot: u8, opcode: Option<Opcode>) -> u32 {
        let mut s = self.state();
        let id = s.packets.len() as u32;
        s.packets.push(PacketLog { bot, opcode, ran: 0, rejected: Vec::new() });
        if let Some(opcode) = opcode {
            if s.trace.len() < s.trace_cap {
                s.trace.push((lane, Event::Received { bot, id, opcode }));
            }
        }
        id
    }
    /// A packet's handler starts.
    pub fn ran(&self, run: Run) {
        let mut s = self.state();
        s.packets[run.id as usize].ran += 1;
        s.runs.push(run);
        if s.trace.len() < s.trace_cap {
            s.trace.push((run.lane, Event::Handled { bot: run.bot, id: run.id, opcode: run.opcode }));
        }
    }
    /// A packet was dropped.
    pub fn rejected(&self, lane: Lane, bot: u8, id: u32, reason: Reject) {
        let mut s = self.state();
        s.packets[id as usize].rejected.push(reason);
        if s.trace.len() < s.trace_cap {
            s.trace.push((lane, Event::Rejected { bot, id, reason }));
        }
    }
    /// Packets that have run or been dropped so far.
    pub fn progress(&self) -> usize {
        let s = self.state();
        s.runs.len() + s.packets.iter().map(|p| p.rejected.len()).sum::<usize>()
    }
    /// True once any thread tripped an assert (the server is down).
    pub fn crashed(&self) -> bool {
        !self.state().asserts.is_empty()
    }
    /// Takes the recorded ghost state into an outcome.
    pub(crate) fn finish(&self, players: Vec<PlayerEnd>, undrained: Vec<(u8, usize, usize)>) -> Outcome {
        let mut s = self.state();
        Outcome {
            trace: std::mem::take(&mut s.trace),
            trace_dropped: s.trace_dropped,
            packets: std::mem::take(&mut s.packets),
            runs: std::mem::take(&mut s.runs),
            asserts: std::mem::take(&mut s.asserts),
            double_effect: s.double,
            active: s.active.clone(),
            players,
            undrained,
        }
    }
}

/// A player's state at the end of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlayerEnd {
    /// Map index.
    pub map: u8,
    /// `HasAura(49416)`.
    pub has_aura: bool,
    /// `_effectMask`.
    pub effect_mask: u32,
    /// The effect's modifier.
    pub modifier: u32,
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
    /// Every tripped assert.
    pub asserts: Vec<(Lane, u8, AssertFailure)>,
    /// The first time a player had one effect applied twice at once.
    pub double_effect: Option<(u8, Lane)>,
    /// Ghost count of applied effects per player at the end.
    pub active: Vec<i32>,
    /// Players at the end.
    pub players: Vec<PlayerEnd>,
    /// Bot sessions whose queues were not empty at the end: (bot, receive, deferred).
    pub undrained: Vec<(u8, usize, usize)>,
}

/// The five invariants.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Invariant {
    /// No server assert tripped.
    Assert,
    /// The effect's modifier equals the effects really applied: no effect was ever applied twice
    /// at once, and at the end the modifier, the mask bit and the ghost count agree.
    DoubleEffect,
    /// Every received packet ran exactly once or was dropped once with a recorded reason; none was
    /// lost or run twice; the queues are empty at the end.
    ExactlyOnce,
    /// A session's state-changing packets ran in the order they were received.
    Order,
    /// Every handler that touches shared game state ran on a thread that owned the state at that
    /// moment: the world thread, or the worker of the player's map for an opcode TrinityCore lets
    /// that worker run (THREADSAFE or INPLACE); never on a bot worker.
    ThreadKind,
}

impl Invariant {
    /// All five, in report order.
    pub const ALL: [Invariant; 5] =
        [Invariant::Assert, Invariant::DoubleEffect, Invariant::ExactlyOnce, Invariant::Order, Invariant::ThreadKind];
    /// The invariant's name.
    pub fn name(self) -> &'static str {
        match self {
            Invariant::Assert => "assert",
            Invariant::DoubleEffect => "double-effect",
            Invariant::ExactlyOnce => "exactly-once",
            Invariant::Order => "order",
            Invariant::ThreadKind => "thread-kind",
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
    /// The player (or bot) it concerns.
    pub subject: Option<u8>,
    /// What happened.
    pub message: String,
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
    /// Judges the run on the five invariants; the violations come in [`Invariant::ALL`] order,
    /// one per broken invariant (its first instance). When an assert tripped the server is down:
    /// `exactly-once` and `order`, which speak of a server that goes on, are not judged.
    pub fn check(&self) -> Vec<Violation> {
        let mut out = Vec::new();
        // assert: no server assert tripped.
        if let Some(&(lane, player, failure)) = self.asserts.first() {
            out.push(Violation {
                invariant: Invariant::Assert,
                assert: Some(failure),
                subject: Some(player),
                message: format!("{failure} on {lane}"),
            });
        }
        // double-effect: never two applications of one effect at once; at the end the modifier,
        // the mask bit and the ghost count agree.
        if let Some((player, lane)) = self.double_effect {
            out.push(Violation {
                invariant: Invariant::DoubleEffect,
                assert: None,
                subject: Some(player),
                message: format!("effect 0 of 49416 applied twice on p{player} (second by {lane}) with no assert"),
            });
        } else if self.asserts.is_empty() {
            for (p, end) in self.players.iter().enumerate() {
                let ghost = self.active[p];
                if end.modifier as i64 != ghost as i64 || (end.effect_mask & 1) as i32 != ghost {
                    out.push(Violation {
                        invariant: Invariant::DoubleEffect,
                        assert: None,
                        subject: Some(p as u8),
                        message: format!(
                            "p{p}: modifier {} and _effectMask {} disagree with {ghost} applied effect(s)",
                            end.modifier, end.effect_mask
                        ),
                    });
                    break;
                }
            }
        }
        if self.asserts.is_empty() {
            // exactly-once: each packet ran once xor was dropped once; queues drained.
            let bad = self.packets.iter().enumerate().find(|(_, p)| p.ran + p.rejected.len() as u32 != 1);
            if let Some((id, p)) = bad {
                let what = if p.ran + p.rejected.len() as u32 == 0 {
                    "lost".to_string()
                } else {
                    format!("ran {} time(s), dropped {} time(s)", p.ran, p.rejected.len())
                };
                out.push(Violation {
                    invariant: Invariant::ExactlyOnce,
                    assert: None,
                    subject: Some(p.bot),
                    message: format!(
                        "bot{} packet #{id} {}: {what}",
                        p.bot,
                        p.opcode.map(|o| o.name()).unwrap_or("(undecodable)")
                    ),
                });
            } else if let Some(&(bot, recv, deferred)) = self.undrained.first() {
                out.push(Violation {
                    invariant: Invariant::ExactlyOnce,
                    assert: None,
                    subject: Some(bot),
                    message: format!("bot{bot} queues not drained: {recv} received, {deferred} deferred"),
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
                            subject: Some(r.bot),
                            message: format!(
                                "bot{} ran #{} {} after #{prev} {prev_op}, which it received later",
                                r.bot, r.id, r.opcode
                            ),
                        });
                        break 'runs;
                    }
                }
                last[r.bot as usize] = Some((r.id, r.opcode));
            }
        }
        // thread-kind: shared state only on the thread that owns it.
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
                    invariant: Invariant::ThreadKind,
                    assert: None,
                    subject: Some(r.bot),
                    message: format!(
                        "#{} {} ({}, {}) ran on {} ({})",
                        r.id,
                        r.opcode,
                        r.kind.name(),
                        r.opcode.info().place.tc_name(),
                        r.lane,
                        r.lane.kind().name()
                    ),
                });
                break;
            }
        }
        out
    }
}
