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

use crate::classifier::{Dispatch, Policy};
use crate::crash::Step;
use crate::field::{self, Field, Held, Lock, Thread};
use crate::opcodes::{HandlerKind, Opcode, Packet, Status};
use crate::outcome::{Cx, Event, Ghost, Lane, Outcome, PlayerEnd, Refusal, Reject, Run};
use crate::player::Player;
use crate::race::{LockId, LockKind, Site};
use crate::scenario::Scenario;
use crate::session::{BotSession, Filter, MAX_PACKETS_PER_UPDATE};
use crate::sync::Backend;
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

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
    /// Players, one per bot.
    pub players: Vec<Player<B>>,
    /// Bot sessions.
    pub sessions: Vec<BotSession<B>>,
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
    /// State shared between players (groups, trades, mail, guilds, channels).
    global: Field<B>,
    /// The candidate per-player locks (`Policy::player_lock`; empty without it).
    player_locks: Vec<Lock<B, ()>>,
    /// `ThreadPool::WaitForCompletion`'s view of the bot updates: the last tick whose update of
    /// each bot has finished.
    completed: Lock<B, Vec<u32>>,
    /// The `AuraStateCache` (`Policy::aura_cache`): per player, whether 49416 was applied when
    /// the world thread last filled it, behind the cache's `std::shared_mutex`.
    aura_cache: Lock<B, Vec<bool>>,
    /// Ghost recorder.
    pub ghost: Ghost,
    scenario: Arc<Scenario>,
}

/// Runs `scenario` under `policy` and `dispatch` on backend `B`, from the calling thread (the
/// world thread), and returns what happened.
pub fn run<B: Backend>(scenario: &Arc<Scenario>, policy: Policy, dispatch: Dispatch) -> Outcome {
    run_with_trace_cap::<B>(scenario, policy, dispatch, DEFAULT_TRACE_CAP)
}

/// [`run`] keeping at most `trace_cap` trace events.
pub fn run_with_trace_cap<B: Backend>(
    scenario: &Arc<Scenario>,
    policy: Policy,
    dispatch: Dispatch,
    trace_cap: usize,
) -> Outcome {
    run_with_options::<B>(scenario, policy, dispatch, RunOptions { trace_cap, detect_races: true })
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
    dispatch: Dispatch,
    options: RunOptions,
) -> Outcome {
    let world = Arc::new(World::<B>::new(scenario.clone(), policy, options));
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

/// How many auras (and applications) one player may create in a run: every cast, quest change or
/// movement-stop packet it is sent, and every heartbeat, can create at most one.
fn aura_capacity(scenario: &Scenario, bot: usize) -> usize {
    scenario.traffic.get(bot).map_or(0, |t| t.iter().map(|v| v.len()).sum::<usize>())
        + scenario.heartbeat_ticks.len()
        + 1
}

/// `(bot, receive, deferred)` when a session still holds packets in either of its queues.
pub fn undrained_queues<B: Backend>(session: &BotSession<B>) -> Option<(u8, usize, usize)> {
    let (r, d) = session.queue_lengths();
    (r + d > 0).then_some((session.bot, r, d))
}

impl<B: Backend> World<B> {
    fn new(scenario: Arc<Scenario>, policy: Policy, options: RunOptions) -> Self {
        let n = scenario.players.len();
        World {
            policy,
            players: scenario
                .players
                .iter()
                .enumerate()
                .map(|(i, s)| Player::new(i as u8, *s, aura_capacity(&scenario, i), policy.effect_lock()))
                .collect(),
            sessions: (0..n).map(|i| BotSession::new(i as u8)).collect(),
            on_map: scenario
                .players
                .iter()
                .enumerate()
                .map(|(i, s)| Field::new(Site::MapPlayers, s.map, i as u8, 1))
                .collect(),
            managed: Lock::new(LockId::of(LockKind::Sessions, 0), vec![true; n]),
            disconnections: Lock::new(LockId::of(LockKind::Disconnections, 0), VecDeque::new()),
            refusals: Mutex::new(vec![None; n]),
            global: Field::new(Site::Group, 0, 0, 0),
            player_locks: if policy.player_lock() {
                (0..n as u8).map(|p| Lock::new(LockId::of(LockKind::Player, p), ())).collect()
            } else {
                Vec::new()
            },
            completed: Lock::new(LockId::of(LockKind::Completion, 0), vec![0; n]),
            aura_cache: Lock::new(LockId::of(LockKind::AuraCache, 0), vec![false; n]),
            ghost: Ghost::with_detector(n, options.trace_cap, options.detect_races),
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

    /// One `World::Update`. `Err` when the server crashed.
    fn tick(world: &Arc<Self>, tick: u32, dispatch: Dispatch, pending: &mut Vec<Thread<B, ()>>, quiet: bool) -> Step {
        let cx = world.cx(Lane::World);
        cx.ghost.set_tick(tick);
        cx.event(Event::Tick(tick));
        // 1. World::UpdateSessions.
        let routing = world.policy.routes_by_map();
        if routing && tick > 1 && !quiet {
            for (bot, session) in world.sessions.iter().enumerate() {
                for &(opcode, payload) in world.scenario.packets(bot, tick) {
                    session.receive(cx, opcode, payload);
                }
            }
        }
        for &(t, bot) in &world.scenario.logouts {
            if t != tick {
                continue;
            }
            if routing {
                if world.sessions[bot as usize].has_player(cx) {
                    world.logout_player(cx, bot)?;
                }
            } else {
                world.sessions[bot as usize].kick(cx);
                world.disconnect(cx, bot, Refusal::Kicked);
            }
        }
        if routing {
            for session in &world.sessions {
                world.process_session(cx, session, Filter::World)?;
            }
        }
        // 2. MapManager::Update.
        if quiet || world.scenario.map_update_ticks.contains(&tick) {
            let heartbeat = !quiet && world.scenario.heartbeat_ticks.contains(&tick);
            if quiet {
                for map in 0..world.scenario.maps {
                    field::in_place(cx, Lane::Map { map, tick }, || {
                        let _ = world.update_map(map, tick, heartbeat);
                    });
                }
            } else {
                let threads: Vec<_> = (0..world.scenario.maps)
                    .map(|map| {
                        let w = world.clone();
                        field::spawn::<B, _>(cx, Lane::Map { map, tick }, move || {
                            let _ = w.update_map(map, tick, heartbeat);
                        })
                    })
                    .collect();
                for t in threads {
                    field::join(cx, t);
                }
            }
            cx.event(Event::MapsJoined);
        }
        if let Some(crash) = cx.ghost.first_crash() {
            return Err(crash);
        }
        // 3. OnWorldUpdate: the aura cache (candidate), the bot session manager, then the deferred
        // packets.
        if world.policy.aura_cache() {
            world.fill_aura_cache()?;
        }
        if !routing {
            World::update_sessions(world, tick, dispatch, pending, quiet)?;
        }
        if world.policy.defers() {
            world.process_all_deferred(cx)?;
        }
        Ok(())
    }

    /// `BotWorldSessionMgr::UpdateSessions`, the fire-and-forget version (or joined at once with
    /// the barrier).
    fn update_sessions(
        world: &Arc<Self>,
        tick: u32,
        dispatch: Dispatch,
        pending: &mut Vec<Thread<B, ()>>,
        quiet: bool,
    ) -> Step {
        let cx = world.cx(Lane::World);
        // Phase 1: the sessions, collected under _sessionsMutex.
        let bots: Vec<u8> = {
            let managed = world.managed.lock(cx);
            (0..managed.len() as u8).filter(|&b| managed[b as usize]).collect()
        };
        // Phase 2: one task per session; the future is discarded.
        let mut submitted = Vec::new();
        for bot in bots {
            cx.event(Event::BotDispatch(bot));
            let lane = Lane::Bot { bot, tick };
            if quiet {
                field::in_place(cx, lane, || world.bot_task(bot, tick));
            } else {
                let w = world.clone();
                let task = field::spawn::<B, _>(cx, lane, move || {
                    w.bot_task(bot, tick);
                    // The pool's completed-task count (`RecordTaskCompletion`), which only the
                    // bounded wait reads.
                    if dispatch == Dispatch::BoundedWait {
                        w.completed.lock(w.cx(lane))[bot as usize] = tick;
                    }
                });
                submitted.push((bot, task));
            }
        }
        // `canProcessLogouts`: false when a bounded wait gave up with updates still running.
        let mut can_process_logouts = true;
        match dispatch {
            Dispatch::Barrier => {
                if !submitted.is_empty() {
                    for (_, t) in submitted {
                        field::join(cx, t);
                    }
                    cx.event(Event::BotsJoined);
                }
            }
            Dispatch::FireAndForget => pending.extend(submitted.into_iter().map(|(_, t)| t)),
            Dispatch::BoundedWait => {
                if !submitted.is_empty() {
                    // The timeout passes (a yield: the updates may finish meanwhile, or not); the
                    // updates seen finished are waited for, the others keep running.
                    B::yield_now();
                    let finished = world.completed.lock(cx).clone();
                    let (mut done, mut running) = (0u8, 0u8);
                    for (bot, t) in submitted {
                        if finished[bot as usize] == tick {
                            field::join(cx, t);
                            done += 1;
                        } else {
                            pending.push(t);
                            running += 1;
                        }
                    }
                    cx.event(Event::BotsWaited { finished: done, running });
                    can_process_logouts = running == 0;
                }
            }
        }
        if !can_process_logouts {
            return Ok(());
        }
        // The disconnections queued so far (720-724), then phase 3 (the fire-and-forget variant
        // that logs the player out): under _sessionsMutex, LogoutPlayer(true) when the player is
        // in the world, then the session is erased with its queues.
        loop {
            let Some(bot) = world.disconnections.lock(cx).pop_front() else { break };
            cx.event(Event::DisconnectPopped(bot));
            let mut managed = world.managed.lock(cx);
            if !managed[bot as usize] {
                continue;
            }
            let in_world = {
                let _player_lock = world.hold_player(cx, bot);
                world.sessions[bot as usize].has_player(cx) && world.players[bot as usize].in_world(cx)?
            };
            if in_world {
                world.logout_player(cx, bot)?;
            }
            managed[bot as usize] = false;
            cx.event(Event::SessionErased(bot));
        }
        Ok(())
    }

    /// Pushes `bot` onto `_asyncDisconnections`, on `cx`: the world thread (a kick) or the bot's
    /// worker (its update returned `false`).
    fn disconnect(&self, cx: Cx, bot: u8, why: Refusal) {
        cx.event(Event::UpdateRefused { bot, why });
        self.refusals.lock().unwrap_or_else(|p| p.into_inner())[bot as usize].get_or_insert(why);
        self.disconnections.lock(cx).push_back(bot);
        cx.event(Event::DisconnectQueued(bot));
    }

    /// One manager task (on a bot worker, BotWorldSessionMgr.cpp:590-688): lock the `weak_ptr`
    /// to the session (594; gone → disconnect, 598), `Update` (616; `false` → disconnect, 621),
    /// then the player (633): none or not in the world → disconnect (634-646); else read
    /// `IsInCombat`, `GetGroup`, `isMoving` and `GetHealthPct` on the worker (650-667).
    fn bot_task(&self, bot: u8, tick: u32) {
        let cx = self.cx(Lane::Bot { bot, tick });
        if !self.is_managed(cx, bot) {
            return self.disconnect(cx, bot, Refusal::SessionGone);
        }
        let player = &self.players[bot as usize];
        match self.update_bot(bot, tick, cx) {
            Err(_) => {}
            Ok(Some(why)) => self.disconnect(cx, bot, why),
            Ok(None) => {
                let _player_lock = self.hold_player(cx, bot);
                let in_world = self.sessions[bot as usize].has_player(cx) && player.in_world(cx) == Ok(true);
                if self.ghost.crashed() {
                    return;
                }
                if !in_world {
                    return self.disconnect(cx, bot, Refusal::NotInWorld);
                }
                let _ = player.read_state(cx);
            }
        }
    }

    /// `BotSession::Update` (on a bot worker, BotSession.cpp:555-1061): `None` when it ran, or
    /// why it returned `false`. The update lock (561-578), the kick check (599-605), then the
    /// receive queue (672-879: at most [`MAX_PACKETS_PER_UPDATE`], deferred ones included,
    /// 697), each packet deferred (685-699) or run behind the worker's status checks (712-820),
    /// then the bot AI when the player is in the world (889-1023): `BotAI::UpdateAI` reads the
    /// player (BotAI.cpp:236-362: `IsInWorld`, `IsInCombat`, `GetGroup`, `GetVictim`; the
    /// rotation's `HasAura`) and sends the next tick's packets. `cx` is the bot's worker for the
    /// tick.
    fn update_bot(&self, bot: u8, tick: u32, cx: Cx) -> Step<Option<Refusal>> {
        let session = &self.sessions[bot as usize];
        let player = &self.players[bot as usize];
        let Some(_guard) = session.try_lock_update(cx) else { return Ok(Some(Refusal::LockBusy)) };
        if session.kicked(cx) {
            return Ok(Some(Refusal::Kicked));
        }
        let _player_lock = self.hold_player(cx, bot);
        let classifier = self.policy.classifier();
        for _ in 0..MAX_PACKETS_PER_UPDATE {
            let Some(packet) = session.next(cx, Filter::Bot, true) else { break };
            if classifier.requires_main_thread(packet.opcode) {
                session.queue_deferred(cx, packet);
            } else {
                self.run_handler(cx, bot, packet, Caller::BotWorker)?;
            }
        }
        if session.has_player(cx) && player.in_world(cx)? {
            cx.event(Event::BotAi(bot));
            player.read_state(cx)?;
            if self.policy.aura_cache() {
                let cached = self.aura_cache.lock_shared(cx)[bot as usize];
                cx.event(Event::CachedAura { player: bot, present: cached });
            } else {
                player.has_aura(cx, crate::player::SPELL_49416)?;
            }
            for &(opcode, payload) in self.scenario.packets(bot as usize, tick + 1) {
                session.receive(cx, opcode, payload);
            }
        }
        Ok(None)
    }

    /// `AuraStateCache::UpdateBotAuras` for every bot in the world, on the world thread
    /// (`BotActionProcessor::Update`): under the cache's exclusive lock, `GetAura` of each
    /// tracked spell, which reads `m_appliedAuras` like `HasAura` (AuraStateCache.cpp).
    fn fill_aura_cache(&self) -> Step {
        let cx = self.cx(Lane::World);
        let mut cache = self.aura_cache.lock(cx);
        for (i, player) in self.players.iter().enumerate() {
            if cx.ghost.freed(player.id) || !self.sessions[i].has_player(cx) {
                continue;
            }
            if player.in_world(cx)? {
                cache[i] = player.has_aura(cx, crate::player::SPELL_49416)?;
            }
        }
        Ok(())
    }

    /// `WorldSession::LogoutPlayer(true)` (WorldSession.cpp:599-753) on the world thread: the
    /// player's cleanup ([`Player::logout_cleanup`]: out of the world, every aura removed,
    /// deleted with its removal from the map, 727-728), then `SetPlayer(nullptr)` (730).
    fn logout_player(&self, cx: Cx, bot: u8) -> Step {
        let _player_lock = self.hold_player(cx, bot);
        cx.event(Event::Logout(bot));
        self.on_map[bot as usize].write(cx, 0);
        self.players[bot as usize].logout_cleanup(cx)?;
        self.sessions[bot as usize].clear_player(cx);
        Ok(())
    }

    /// `Map::Update` of `map` (on its map worker, Map.cpp:676-724): the sessions of its in-world
    /// players with the map filter (`map-routing`, 683-693), then each player's `Player::Update`
    /// (724; it returns for a player not in world, Player.cpp:955-956), whose heartbeat runs
    /// `UpdateZoneAndAreaId` (Player.cpp:1177).
    fn update_map(&self, map: u8, tick: u32, heartbeat: bool) -> Step {
        let cx = self.cx(Lane::Map { map, tick });
        cx.event(Event::MapUpdate(map));
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || self.on_map[i].read(cx) == 0 {
                continue;
            }
            if self.policy.routes_by_map() && player.in_world(cx)? {
                self.process_session(cx, &self.sessions[i], Filter::Map)?;
            }
        }
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || self.on_map[i].read(cx) == 0 {
                continue;
            }
            let _player_lock = self.hold_player(cx, player.id);
            if !player.in_world(cx)? {
                continue;
            }
            if heartbeat {
                cx.event(Event::Heartbeat { player: player.id });
                player.update_zone_and_area(cx)?;
            }
        }
        Ok(())
    }

    /// `WorldSession::Update` with a filter (WorldSession.cpp:366-596): head-of-line, up to the
    /// per-update limit, on `cx`: the world thread (`Filter::World`) or the player's map worker
    /// (`Filter::Map`).
    fn process_session(&self, cx: Cx, session: &BotSession<B>, filter: Filter) -> Step {
        for _ in 0..MAX_PACKETS_PER_UPDATE {
            let in_world = session.has_player(cx) && self.players[session.bot as usize].in_world(cx)?;
            let Some(packet) = session.next(cx, filter, in_world) else { break };
            self.run_handler(cx, session.bot, packet, Caller::Session)?;
        }
        Ok(())
    }

    /// `BotWorldSessionMgr::ProcessAllDeferredPackets` (world thread): the sessions with deferred
    /// packets, collected under `_sessionsMutex`, then `ProcessDeferredPackets` of each (at most
    /// 50).
    fn process_all_deferred(&self, cx: Cx) -> Step {
        cx.event(Event::DeferredPass);
        let bots: Vec<u8> = {
            let managed = self.managed.lock(cx);
            (0..managed.len() as u8)
                .filter(|&b| managed[b as usize] && self.sessions[b as usize].has_deferred(cx))
                .collect()
        };
        for bot in bots {
            self.sessions[bot as usize]
                .process_deferred(cx, |packet| self.run_handler(cx, bot, packet, Caller::Deferred))?;
        }
        Ok(())
    }

    /// The context of a step of this run on `lane`.
    fn cx(&self, lane: Lane) -> Cx<'_> {
        Cx::new(&self.ghost, lane)
    }

    /// `opHandle->Call(session, packet)` behind the caller's status checks: STATUS_LOGGEDIN runs
    /// only for a player in the world (every caller); STATUS_LOGGEDIN_OR_RECENTLY_LOGGOUT does
    /// nothing without a player (its handlers check); STATUS_TRANSFER only for a player not in it
    /// (the bot worker, BotSession.cpp:758-764, and `WorldSession::Update`, WorldSession.cpp:
    /// 448-452), but unconditionally from `ProcessDeferredPackets` (BotSession.cpp:1245-1251);
    /// then what the handler kind does. `cx` is the thread `caller` runs it on.
    pub fn run_handler(&self, cx: Cx, bot: u8, packet: Packet, caller: Caller) -> Step {
        let lane = cx.lane;
        let opcode: Opcode = packet.opcode;
        let kind = opcode.kind();
        if kind == HandlerKind::Unhandled {
            cx.ghost.rejected(lane, bot, packet.id, Reject::Unhandled);
            return Ok(());
        }
        let session = &self.sessions[bot as usize];
        let player = &self.players[bot as usize];
        let reject = match opcode.info().status {
            Status::LoggedIn => (!session.has_player(cx) || !player.in_world(cx)?).then_some(Reject::NotInWorld),
            // Run with or without a player; without one, the handler itself finds none and does
            // nothing ("not expected _player or must checked in packet handler",
            // WorldSession.cpp:428-445; BotSession.cpp:747-751).
            Status::LoggedInOrRecentlyLoggedOut => (!session.has_player(cx)).then_some(Reject::NotInWorld),
            Status::Transfer if caller != Caller::Deferred => {
                if !session.has_player(cx) {
                    Some(Reject::NotInWorld)
                } else {
                    player.in_world(cx)?.then_some(Reject::InWorld)
                }
            }
            _ => None,
        };
        if let Some(reason) = reject {
            cx.ghost.rejected(lane, bot, packet.id, reason);
            return Ok(());
        }
        cx.ghost.ran(Run { bot, id: packet.id, opcode, kind, lane, player_map: player.map });
        if opcode.info().status == Status::Authed && !session.has_player(cx) {
            // An account-level handler (character list, realm ticket) with no player: it touches
            // the session only.
            return Ok(());
        }
        let p = packet.payload;
        match kind {
            HandlerKind::Unhandled | HandlerKind::SessionLocal | HandlerKind::StaticQuery => Ok(()),
            HandlerKind::SharedRead => player.read_state(cx).map(|v| {
                std::hint::black_box(v);
            }),
            HandlerKind::MoveStop => {
                player.set_position(cx, p.area)?;
                player.update_zone_and_area(cx)
            }
            HandlerKind::Move => player.set_position(cx, p.area),
            HandlerKind::Cast => player.cast_request(cx, p.spell),
            HandlerKind::AuraRemove => player.cancel_aura(cx, p.spell),
            HandlerKind::QuestUpdate => player.update_quest(cx, p.quest, opcode != Opcode::CMSG_QUEST_LOG_REMOVE_QUEST),
            HandlerKind::PlayerWrite => player.write_state(cx),
            HandlerKind::WorldGlobal => {
                let v = self.global.read(cx);
                self.global.write(cx, v.wrapping_add(1));
                Ok(())
            }
        }
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows the policy, the scenario's name, the players and sessions, the world's locks and fields
/// (ids and locations, not values: a look would be an engine access) and the ghost's summary.
impl<B: Backend> std::fmt::Debug for World<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("policy", &self.policy)
            .field("scenario", &self.scenario.name)
            .field("players", &self.players)
            .field("sessions", &self.sessions)
            .field("on_map", &self.on_map)
            .field("managed", &self.managed)
            .field("disconnections", &self.disconnections)
            .field("refusals", &self.refusals)
            .field("global", &self.global)
            .field("player_locks", &self.player_locks)
            .field("completed", &self.completed)
            .field("aura_cache", &self.aura_cache)
            .field("ghost", &self.ghost)
            .finish()
    }
}
