//! The world tick (World.cpp), the map updates, the bot session manager, and the handlers.
//!
//! One tick on the world thread, in the server's order (`World::Update`, World.cpp:2184-2495):
//! 1. `World::UpdateSessions` (2325): under `map-routing` the bots are ordinary sessions whose
//!    packets arrive from the network at the start of their tick; each session's packets the
//!    world filter takes run here, and a logout due this tick runs `LogoutPlayer` here. Under the
//!    bot policies the bot module's sessions are not in the world's session list; a logout due
//!    this tick is `BotWorldSessionMgr::RemovePlayerBot` (BotWorldSessionMgr.cpp:252-295):
//!    `KickPlayer` (287), then the guid onto `_asyncDisconnections` (292).
//! 2. `MapManager::Update` (2369; MapManager.cpp:327-360): when the map timer fires, every map's
//!    `Map::Update` on a map worker, then `MapUpdater::wait` (MapUpdater.cpp:64-69), modelled as
//!    joining the workers (the same happens-before edge). `Map::Update` (Map.cpp:676-724) runs
//!    its in-world players' sessions with the map filter (`map-routing` only), then each
//!    player's update: heartbeat (when due) → `UpdateZoneAndAreaId` → autocast.
//! 3. `sScriptMgr->OnWorldUpdate` (2486) → `PlayerbotWorldScript::UpdateBotSystems`
//!    (PlayerbotWorldScript.cpp:235-242), bot policies only: the bot session manager's
//!    `UpdateSessions` (phase 1: collect the sessions under `_sessionsMutex`; phase 2: one task
//!    per session on a bot worker, fire-and-forget or joined at once with the barrier; then
//!    drain `_asyncDisconnections` and, phase 3, `LogoutPlayer(true)` and erase each session),
//!    then `ProcessAllDeferredPackets` (deferral policies).
//!
//! Module line numbers are `src/modules/Playerbot/Session/` files of the crash-era module (see
//! `FIDELITY.md` for the versions).
//!
//! After the scripted ticks the run shuts down: outstanding bot updates are joined, then quiet
//! ticks (no heartbeat, no new traffic) run until every queue is empty, or until a quiet tick
//! moves no packet at all (then what is left can never run, and `exactly-once` says so). Nothing
//! else runs by then, so their map and bot updates are called in place, still on their own
//! lanes, instead of spawning threads that could not interleave with anything.
//!
//! The steps live in one file each: the tick itself and the world thread's own work (`tick.rs`:
//! steps 1 and 3 but the manager), the bot session manager and its tasks (`bots.rs`), the map
//! update (`map.rs`), disconnection and logout (`logout.rs`), and the handlers (`handler.rs`).

use crate::ai::AiAction;
use crate::classifier::{Dispatch, Policy};
use crate::creature::{Creature, CREATURE_BASE};
use crate::field::{self, Field, Held, Lock};
use crate::group::Group;
use crate::outcome::{Cx, Event, Ghost, Lane, Outcome, PlayerEnd, Refusal};
use crate::player::{Player, PlayerStart};
use crate::policy::AiPlacement;
use crate::race::{LockId, LockKind, Site};
use crate::scenario::Scenario;
use crate::session::BotSession;
use crate::sync::Backend;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

mod ai;
mod bots;
mod handler;
mod logout;
mod map;
mod tick;

/// Who calls a handler: the status checks differ.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Caller {
    /// `BotSession::Update` on a bot worker.
    BotWorker,
    /// `BotSession::ProcessDeferredPackets` on the world thread.
    Deferred,
    /// TrinityCore's `WorldSession::Update` (world thread or map worker).
    Session,
}

/// Trace events kept per run by default.
pub const DEFAULT_TRACE_CAP: usize = 20_000;

/// The server state of one run.
pub struct World<B: Backend> {
    /// The dispatch policy.
    pub policy: Policy,
    /// Where the bot AI runs.
    pub ai: AiPlacement,
    /// Players, one per bot.
    pub players: Vec<Player<B>>,
    /// Bot sessions.
    pub sessions: Vec<BotSession<B>>,
    /// The creatures (unit `CREATURE_BASE + c`).
    pub creatures: Vec<Creature<B>>,
    /// Each map's `_objectsStore`: bit `c` while creature `c` is in it.
    objects: Vec<Field<B>>,
    /// The bot action queue (`BotActionQueue`, a `ProducerConsumerQueue`: a mutex and a deque):
    /// what the workers' AI decided, for `ProcessActions` on the world thread.
    actions: Lock<B, VecDeque<(u8, AiAction)>>,
    /// Each map's player list (`Map::m_mapRefManager`): 1 while player `i` is on its map.
    on_map: Vec<Field<B>>,
    /// The bot session manager's `_botSessions` behind `_sessionsMutex`: `true` while session
    /// `i` is in it.
    managed: Lock<B, Vec<bool>>,
    /// `_asyncDisconnections`: the guids of bots whose update returned `false`. A lock-free queue
    /// in the module; a mutex gives the same push → pop ordering.
    disconnections: Lock<B, VecDeque<u8>>,
    /// Why each bot's update last returned `false` (reporting only, outside the engines).
    refusals: Mutex<Vec<Option<Refusal>>>,
    /// State shared between players (groups, trades, mail, guilds, channels) as the world-global
    /// handlers other than the leave touch it: one location with the group's `m_memberSlots`.
    global: Field<B>,
    /// The group of the players that start in one (two or more), for `CMSG_LEAVE_GROUP`.
    group: Group<B>,
    /// The candidate per-player locks (`Policy::player_lock`; empty without it).
    player_locks: Vec<Lock<B, ()>>,
    /// `ThreadPool::WaitForCompletion`'s view of the bot updates: the last tick whose update of
    /// each bot has finished.
    completed: Lock<B, Vec<u32>>,
    /// The `AuraStateCache` (`Policy::aura_cache`, and the action queue's design): per player,
    /// whether 49416 and the party buff were applied when the world thread last filled it,
    /// behind the cache's `std::shared_mutex`.
    aura_cache: Lock<B, Vec<[bool; 2]>>,
    /// Ghost recorder.
    pub ghost: Ghost,
    scenario: Arc<Scenario>,
}

/// Runs `scenario` under `policy`, with the bot AI where `ai` places it and the bot updates
/// dispatched by `dispatch`, on backend `B`, from the calling thread (the world thread), and
/// returns what happened.
pub fn run<B: Backend>(scenario: &Arc<Scenario>, policy: Policy, ai: AiPlacement, dispatch: Dispatch) -> Outcome {
    run_with_trace_cap::<B>(scenario, policy, ai, dispatch, DEFAULT_TRACE_CAP)
}

/// [`run`] keeping at most `trace_cap` trace events.
pub fn run_with_trace_cap<B: Backend>(
    scenario: &Arc<Scenario>,
    policy: Policy,
    ai: AiPlacement,
    dispatch: Dispatch,
    trace_cap: usize,
) -> Outcome {
    run_with_options::<B>(scenario, policy, ai, dispatch, RunOptions { trace_cap, detect_races: true })
}

/// What a run records besides the server's behaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// Trace events kept.
    pub trace_cap: usize,
    /// Whether the happens-before detector runs (without it `data-race` cannot break; for
    /// measuring its cost).
    pub detect_races: bool,
}

/// [`run`] with explicit [`RunOptions`].
pub fn run_with_options<B: Backend>(
    scenario: &Arc<Scenario>,
    policy: Policy,
    ai: AiPlacement,
    dispatch: Dispatch,
    options: RunOptions,
) -> Outcome {
    let world = Arc::new(World::<B>::new(scenario.clone(), policy, ai, options));
    world.preload();
    let mut pending = Vec::new();
    for tick in 1..=scenario.ticks {
        if World::tick(&world, tick, dispatch, &mut pending, false).is_err() {
            break;
        }
    }
    if !pending.is_empty() {
        for thread in pending.drain(..) {
            field::join(world.cx(Lane::World), thread);
        }
        world.cx(Lane::World).event(Event::BotsJoined);
    }
    // Quiet ticks until every queue is empty; a quiet tick that moves no packet means the rest
    // can never run, and they are reported as undrained.
    let mut tick = scenario.ticks;
    while !world.ghost.crashed() && !world.drained() {
        let before = world.ghost.progress();
        tick += 1;
        if World::tick(&world, tick, Dispatch::Barrier, &mut pending, true).is_err() {
            break;
        }
        if world.ghost.progress() == before {
            break;
        }
    }
    world.finish()
}

/// How many auras one unit may create in a run: every cast, quest change or movement-stop
/// packet any bot sends and every AI action any bot takes (a party buff lands on the group), and
/// every heartbeat, can create at most one. The applications are sized from it
/// (`UnitAuras::new`): the map update's `UpdateTargetMap` creates applications too.
fn aura_capacity(scenario: &Scenario) -> usize {
    scenario.packet_count() + scenario.ai_action_count() + scenario.heartbeat_ticks.len() + 1
}

/// `(bot, receive, deferred)` when a session still holds packets in either of its queues.
pub fn undrained_queues<B: Backend>(session: &BotSession<B>) -> Option<(u8, usize, usize)> {
    let (r, d) = session.queue_lengths();
    (r + d > 0).then_some((session.bot, r, d))
}

impl<B: Backend> World<B> {
    fn new(scenario: Arc<Scenario>, policy: Policy, ai: AiPlacement, options: RunOptions) -> Self {
        let n = scenario.players.len();
        let capacity = aura_capacity(&scenario);
        // Units: the players, then (from `CREATURE_BASE`) the creatures.
        let units = if scenario.creatures.is_empty() { n } else { CREATURE_BASE as usize + scenario.creatures.len() };
        // The players that start in a group form one group, when they are two or more (a regular
        // group of one is disbanded, Group.cpp:672-673).
        let members = scenario.players.iter().enumerate().fold(0u32, |m, (i, s)| m | (s.in_group as u32) << i);
        let members = if members.count_ones() >= 2 { members } else { 0 };
        World {
            policy,
            ai,
            players: scenario
                .players
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let start = PlayerStart { in_group: members & (1 << i) != 0, ..*s };
                    Player::new(i as u8, start, capacity, policy.effect_lock())
                })
                .collect(),
            sessions: (0..n).map(|i| BotSession::new(i as u8)).collect(),
            creatures: scenario
                .creatures
                .iter()
                .enumerate()
                .map(|(c, &map)| Creature::new(CREATURE_BASE + c as u8, map, capacity, policy.effect_lock()))
                .collect(),
            objects: (0..scenario.maps)
                .map(|m| {
                    let later = |c: usize| scenario.respawns.iter().any(|&(_, rc)| rc as usize == c);
                    let here = scenario.creatures.iter().enumerate().filter(|&(c, &cm)| cm == m && !later(c));
                    Field::new(Site::ObjectsStore, m, 0, here.fold(0, |v, (c, _)| v | 1 << c))
                })
                .collect(),
            actions: Lock::new(LockId::of(LockKind::ActionQueue, 0), VecDeque::new()),
            on_map: scenario
                .players
                .iter()
                .enumerate()
                .map(|(i, s)| Field::new(Site::MapPlayers, s.map, i as u8, 1))
                .collect(),
            managed: Lock::new(
                LockId::of(LockKind::Sessions, 0),
                (0..n as u8).map(|i| !scenario.humans.contains(&i)).collect(),
            ),
            disconnections: Lock::new(LockId::of(LockKind::Disconnections, 0), VecDeque::new()),
            refusals: Mutex::new(vec![None; n]),
            global: Field::new(Site::Group, 0, 0, 0),
            group: Group::new(members),
            player_locks: if policy.player_lock() {
                (0..n as u8).map(|p| Lock::new(LockId::of(LockKind::Player, p), ())).collect()
            } else {
                Vec::new()
            },
            completed: Lock::new(LockId::of(LockKind::Completion, 0), vec![0; n]),
            aura_cache: Lock::new(LockId::of(LockKind::AuraCache, 0), vec![[false; 2]; n]),
            ghost: Ghost::with_detector(units, options.trace_cap, options.detect_races),
            scenario,
        }
    }

    /// The packets the bots sent before the first tick (each bot's side, before the world's
    /// first tick starts anything).
    fn preload(&self) {
        for (bot, session) in self.sessions.iter().enumerate() {
            let lane = Lane::Bot { bot: bot as u8, tick: 0 };
            field::in_place(self.cx(Lane::World), lane, || {
                for &(opcode, payload) in self.scenario.packets(bot, 1) {
                    session.receive(self.cx(lane), opcode, payload);
                }
            });
        }
    }

    /// Whether `bot`'s session is still in `_botSessions`, read under `_sessionsMutex` on `cx`'s lane.
    fn is_managed(&self, cx: Cx, bot: u8) -> bool {
        self.managed.lock(cx)[bot as usize]
    }

    /// The candidate per-player lock of `player`, held on `cx`'s lane until the guard drops (`None`
    /// when the policy has none).
    fn hold_player<'a>(&'a self, cx: Cx<'a>, player: u8) -> Option<Held<'a, B, ()>> {
        self.player_locks.get(player as usize).map(|l| l.lock(cx))
    }

    /// Bookkeeping: every managed session's queues are empty.
    fn drained(&self) -> bool {
        let managed = self.managed.inspect(|m| m.clone());
        self.sessions.iter().all(|s| !managed[s.bot as usize] || s.queue_lengths() == (0, 0))
    }

    /// The end of the run: every packet left in an erased session's queues is lost, with the
    /// reason its update returned `false`; what is left in a managed session is undrained.
    fn finish(&self) -> Outcome {
        let refusals = self.refusals.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let managed = self.managed.inspect(|m| m.clone());
        let mut undrained = Vec::new();
        for s in &self.sessions {
            if managed[s.bot as usize] {
                undrained.extend(undrained_queues(s));
            } else {
                let why = refusals[s.bot as usize].unwrap_or(Refusal::SessionGone);
                for p in s.drain_all() {
                    self.ghost.lost(Lane::World, s.bot, p.id, p.opcode, why);
                }
            }
        }
        let players = self
            .players
            .iter()
            .map(|p| {
                let (has_aura, modifier, effect_masks) = p.aura_snapshot();
                PlayerEnd { map: p.map, has_aura, modifier, effect_masks, freed: self.ghost.freed(p.id) }
            })
            .collect();
        self.ghost.finish(players, undrained)
    }

    /// The context of a step of this run on `lane`.
    fn cx(&self, lane: Lane) -> Cx<'_> {
        Cx::new(&self.ghost, lane)
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows the policy, the scenario's name, the players and sessions, the world's locks and fields
/// (ids and locations, not values: a look would be an engine access) and the ghost's summary.
impl<B: Backend> std::fmt::Debug for World<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("policy", &self.policy)
            .field("ai", &self.ai)
            .field("scenario", &self.scenario.name)
            .field("players", &self.players)
            .field("sessions", &self.sessions)
            .field("creatures", &self.creatures)
            .field("objects", &self.objects)
            .field("actions", &self.actions)
            .field("on_map", &self.on_map)
            .field("managed", &self.managed)
            .field("disconnections", &self.disconnections)
            .field("refusals", &self.refusals)
            .field("global", &self.global)
            .field("group", &self.group)
            .field("player_locks", &self.player_locks)
            .field("completed", &self.completed)
            .field("aura_cache", &self.aura_cache)
            .field("ghost", &self.ghost)
            .finish()
    }
}
