//! The trace vocabulary: the events a run records, why a packet was dropped or its session
//! disconnected, the aura containers and the breaks of the aura lifecycle, and the per-packet and
//! per-run logs the invariants are judged on. The lanes themselves are in [`crate::lane`] (shared
//! with the race detector), re-exported at [`crate::outcome`].

use crate::ai::AiAction;
use crate::crash::Crash;
pub(super) use crate::lane::Lane;
use crate::opcodes::{DecodeError, HandlerKind, Opcode};
use crate::quest::QuestStatus;
use crate::race::Race;
use std::fmt;

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

named! {
    impl Container {
        /// Both, in declaration order.
        const ALL;
        /// The server's name.
        fn name;
    }
    Owned => "m_ownedAuras",
    Applied => "m_appliedAuras",
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
    HasAura { player: u8, spell: u32, present: bool },
    /// The bot AI read 49416 from the `AuraStateCache` instead.
    CachedAura { player: u8, spell: u32, present: bool },
    /// A cast request was dropped: the player does not know the spell.
    CastDropped { player: u8, spell: u32 },
    /// `TryRefreshStackOrCreate` looked 49416 up in `m_ownedAuras`.
    AuraLookup { player: u8, found: Option<u8> },
    /// `ModStackAmount` of the aura it found: `SetStackAmount`, then `ChangeAmount(REAPPLY)`.
    StackRefresh { player: u8, aura: u8 },
    /// `ChangeAmount(.., REAPPLY)` re-handled the effect of an application: its remove mode was
    /// read (`HandleEffect(aurApp, REAPPLY, true)` runs when it is 0).
    Reapply { player: u8, app: u8, mode: u32 },
    /// `Aura::UpdateOwner` runs `Aura::UpdateTargetMap` of an owned aura (map thread).
    UpdateTargetMap { player: u8, aura: u8 },
    /// `Spell::prepare` added the spell's `SpellEvent` to the caster's `m_Events`.
    SpellEventAdded { player: u8 },
    /// `WorldObject::Update` ran `m_Events.Update`: `ran` events were due and executed.
    EventsUpdated { player: u8, ran: u32 },
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
    /// A quest of 49416's `spell_area` row changed status (`m_QuestStatus` written).
    Quest { player: u8, quest: u32, status: QuestStatus },
    /// Some other player state was written.
    PlayerWrite { player: u8 },
    /// `GetGroup()` read the player's `m_group`: linked to the group or not.
    GroupRead { player: u8, linked: bool },
    /// `Group::RemoveMember` for the leaving `player` read `GetMembersCount()`.
    GroupCount { player: u8, members: u8 },
    /// `RemoveAllGroupBuffsFromCaster(caster)` walked `player`'s `m_ownedAuras` (holding `auras`
    /// auras of 49416, none a group buff).
    GroupBuffWalk { player: u8, caster: u8, auras: u8 },
    /// `SetGroup(nullptr)`: the player's `m_group` unlinked.
    GroupUnlinked { player: u8 },
    /// `Group::Disband` deleted the group (`delete this`), in `player`'s leave.
    GroupFreed { player: u8 },
    /// `CombatManager::SetInCombatWith`: `unit`'s `_pveRefs` gets `other`.
    CombatWith { unit: u8, other: u8 },
    /// `Unit::Attack`: `unit`'s `m_attacking` is `victim`, and `victim`'s `m_attackers` gets it.
    Attack { unit: u8, victim: u8 },
    /// `Creature::Update` of the creature (its unit index).
    CreatureUpdate { creature: u8 },
    /// The bot AI acts directly (on whichever thread runs it).
    AiActs { bot: u8, action: AiAction },
    /// The bot AI queues an action for the world thread (`sBotActionMgr->QueueAction`).
    ActionQueued { bot: u8, action: AiAction },
    /// `BotActionManager::ProcessActions` on the world thread runs a queued action.
    ActionRun { bot: u8, action: AiAction },
    /// `ObjectAccessor::GetUnit` looked the creature up in its map's `_objectsStore`.
    TargetLookup { bot: u8, creature: u8, found: bool },
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
    /// The player (or bot: a bot owns the player of the same index) the event is about; `None`
    /// for the world's own events (ticks, map and bot joins, the group's deletion).
    pub fn subject(&self) -> Option<u8> {
        use Event::*;
        match *self {
            // The group's deletion is every member's business: a counterexample always shows it.
            Tick(_) | MapUpdate(_) | MapsJoined | BotsJoined | BotsWaited { .. } | DeferredPass | GroupFreed { .. } => {
                None
            }
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
            | StackRefresh { player, .. }
            | Reapply { player, .. }
            | UpdateTargetMap { player, .. }
            | SpellEventAdded { player }
            | EventsUpdated { player, .. }
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
            | GroupRead { player, .. }
            | GroupCount { player, .. }
            | GroupBuffWalk { player, .. }
            | GroupUnlinked { player }
            | Crash { player, .. }
            | Integrity { player, .. } => Some(player),
            CombatWith { unit, .. } | Attack { unit, .. } => Some(unit),
            CreatureUpdate { creature } => Some(creature),
            AiActs { bot, .. } | ActionQueued { bot, .. } | ActionRun { bot, .. } | TargetLookup { bot, .. } => {
                Some(bot)
            }
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
                | StackRefresh { .. }
                | Reapply { .. }
                | UpdateTargetMap { .. }
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
                | GroupRead { .. }
                | GroupCount { .. }
                | GroupBuffWalk { .. }
                | GroupUnlinked { .. }
                | GroupFreed { .. }
                | CombatWith { .. }
                | Attack { .. }
                | AiActs { .. }
                | ActionQueued { .. }
                | ActionRun { .. }
                | TargetLookup { .. }
                | Crash { .. }
                | Integrity { .. }
                | DataRace(_)
                | RaceFirstAccess(_)
        )
    }
}

/// A unit's name in traces: `p3` for a player, `c0` for a creature.
fn unit(u: u8) -> String {
    crate::creature::unit_name(u)
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
            HasAura { player, spell, present } => write!(f, "{} HasAura({spell}) = {present}", unit(player)),
            CachedAura { player, spell, present } => write!(f, "p{player} AuraStateCache: {spell} = {present}"),
            CastDropped { player, spell } => write!(f, "p{player} cast of {spell} dropped: spell not known"),
            AuraLookup { player, found: Some(i) } => write!(f, "p{player} TryRefreshStackOrCreate finds aura#{i}"),
            AuraLookup { player, found: None } => write!(f, "p{player} TryRefreshStackOrCreate finds no aura"),
            StackRefresh { player, aura } => {
                write!(f, "p{player} aura#{aura} ModStackAmount: SetStackAmount(1), ChangeAmount(REAPPLY)")
            }
            Reapply { player, app, mode: 0 } => write!(f, "p{player} app#{app} ChangeAmount: HandleEffect(REAPPLY)"),
            Reapply { player, app, mode } => {
                write!(f, "p{player} app#{app} ChangeAmount: remove mode {mode}, no HandleEffect(REAPPLY)")
            }
            UpdateTargetMap { player, aura } => write!(f, "p{player} aura#{aura} UpdateOwner: UpdateTargetMap"),
            SpellEventAdded { player } => write!(f, "p{player} Spell::prepare: m_Events.AddEvent(SpellEvent)"),
            EventsUpdated { player, ran } => write!(f, "p{player} m_Events.Update: {ran} event(s) run"),
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
            Quest { player, quest, status } => write!(f, "p{player} quest {quest} now {}", status.name()),
            PlayerWrite { player } => write!(f, "p{player} player state write"),
            GroupRead { player, linked } => {
                write!(f, "p{player} GetGroup() = {}", if linked { "the group" } else { "none" })
            }
            GroupCount { player, members } => {
                write!(f, "p{player} leaves: GetMembersCount() = {members}")
            }
            GroupBuffWalk { player, caster, auras } => {
                write!(f, "p{player} RemoveAllGroupBuffsFromCaster(p{caster}): {auras} owned aura(s)")
            }
            GroupUnlinked { player } => write!(f, "p{player} SetGroup(nullptr)"),
            CombatWith { unit: u, other } => write!(f, "{} SetInCombatWith({}): _pveRefs insert", unit(u), unit(other)),
            Attack { unit: u, victim } => {
                write!(f, "{} Attack({}): m_attacking, {}'s m_attackers insert", unit(u), unit(victim), unit(victim))
            }
            CreatureUpdate { creature } => write!(f, "{} Creature::Update", unit(creature)),
            AiActs { bot, action } => write!(f, "bot{bot} AI: {action}"),
            ActionQueued { bot, action } => write!(f, "bot{bot} AI: QueueAction({action})"),
            ActionRun { bot, action } => write!(f, "ProcessActions: bot{bot} {action}"),
            TargetLookup { bot, creature, found } => {
                write!(
                    f,
                    "bot{bot} ObjectAccessor::GetUnit({}) = {}",
                    unit(creature),
                    if found { "found" } else { "none" }
                )
            }
            GroupFreed { player } => write!(f, "group deleted (Group::Disband in p{player}'s leave)"),
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
