//! The world tick (World.cpp), the map updates, the bot session manager, and the handlers.
//!
//! One tick on the world thread, in the server's order:
//! 1. `World::UpdateSessions`: logouts due this tick; under `map-routing`, each session's
//!    packets the world filter takes; the leftovers of logged-out sessions (dropped as not in
//!    world).
//! 2. `MapManager::Update`: when the map timer fires, every map's `Map::Update` on a map worker,
//!    then `MapUpdater::wait`, modelled as joining the workers (the same happens-before edge).
//!    `Map::Update` runs its players' packets the map filter takes (`map-routing` only), then
//!    each player's update: heartbeat (when due) → area update → autocast.
//! 3. `OnWorldUpdate`: the bot session manager submits every in-world bot's session update to a
//!    bot worker (fire-and-forget, or joined at once with the barrier), then
//!    `ProcessAllDeferredPackets` (deferral policies).
//!
//! After the scripted ticks the run shuts down: outstanding bot updates are joined, then quiet
//! ticks (no heartbeat, no new traffic) run until every queue is empty, or until a quiet tick
//! moves no packet at all (then what is left can never run, and `exactly-once` says so). Nothing else runs by
//! then, so their map and bot updates are called in place, still on their own lanes, instead of
//! spawning threads that could not interleave with anything.

use crate::aura::AssertFailure;
use crate::classifier::{Dispatch, Policy};
use crate::opcodes::{HandlerKind, Opcode, Packet, Status};
use crate::outcome::{Event, Ghost, Lane, Outcome, PlayerEnd, Reject, Run};
use crate::player::Player;
use crate::scenario::Scenario;
use crate::session::{BotSession, Filter, MAX_PACKETS_PER_UPDATE};
use crate::sync::Backend;
use std::sync::Arc;

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
    /// State shared between players (groups, trades, mail, guilds, channels).
    global: B::Cell,
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
    let world = Arc::new(World::<B>::new(scenario.clone(), policy, trace_cap));
    world.preload();
    let mut pending = Vec::new();
    for tick in 1..=scenario.ticks {
        World::tick(&world, tick, dispatch, &mut pending, false);
    }
    if !pending.is_empty() {
        for handle in pending.drain(..) {
            B::join(handle);
        }
        world.ghost.event(Lane::World, Event::BotsJoined);
    }
    // Quiet ticks until every queue is empty; a quiet tick that moves no packet means the rest
    // can never run, and they are reported as undrained.
    let mut tick = scenario.ticks;
    while !world.ghost.crashed() && !world.drained() {
        let before = world.ghost.progress();
        tick += 1;
        World::tick(&world, tick, Dispatch::Barrier, &mut pending, true);
        if world.ghost.progress() == before {
            break;
        }
    }
    world.finish()
}

impl<B: Backend> World<B> {
    fn new(scenario: Arc<Scenario>, policy: Policy, trace_cap: usize) -> Self {
        let n = scenario.players.len();
        World {
            policy,
            players: scenario.players.iter().enumerate().map(|(i, s)| Player::new(i as u8, *s)).collect(),
            sessions: (0..n).map(|i| BotSession::new(i as u8)).collect(),
            global: B::cell(0),
            ghost: Ghost::new(n, trace_cap),
            scenario,
        }
    }

    /// The packets the bots sent before the first tick.
    fn preload(&self) {
        for (bot, session) in self.sessions.iter().enumerate() {
            for &(opcode, payload) in self.scenario.packets(bot, 1) {
                session.receive(&self.ghost, Lane::Bot { bot: bot as u8, tick: 0 }, opcode, payload);
            }
        }
    }

    fn drained(&self) -> bool {
        self.sessions.iter().all(|s| s.queue_lengths() == (0, 0))
    }

    fn finish(&self) -> Outcome {
        let players = self
            .players
            .iter()
            .map(|p| {
                let (has_aura, effect_mask, modifier) = p.aura_snapshot();
                PlayerEnd { map: p.map, has_aura, effect_mask, modifier }
            })
            .collect();
        let undrained = self
            .sessions
            .iter()
            .filter_map(|s| {
                let (r, d) = s.queue_lengths();
                (r + d > 0).then_some((s.bot, r, d))
            })
            .collect();
        self.ghost.finish(players, undrained)
    }

    /// One `World::Update`.
    fn tick(world: &Arc<Self>, tick: u32, dispatch: Dispatch, pending: &mut Vec<B::Handle<()>>, quiet: bool) {
        let ghost = &world.ghost;
        ghost.event(Lane::World, Event::Tick(tick));
        // 1. UpdateSessions.
        for &(t, bot) in &world.scenario.logouts {
            if t == tick && world.sessions[bot as usize].in_world() {
                world.sessions[bot as usize].logout(ghost, Lane::World);
            }
        }
        for session in &world.sessions {
            if (world.policy == Policy::MapRouting || !session.in_world())
                && world.process_session(Lane::World, session, Filter::World).is_err()
            {
                return;
            }
        }
        // 2. MapManager::Update.
        if quiet || world.scenario.map_update_ticks.contains(&tick) {
            let heartbeat = !quiet && world.scenario.heartbeat_ticks.contains(&tick);
            if quiet {
                for map in 0..world.scenario.maps {
                    world.update_map(map, tick, heartbeat);
                }
            } else {
                let handles: Vec<_> = (0..world.scenario.maps)
                    .map(|map| {
                        let w = world.clone();
                        B::spawn(move || w.update_map(map, tick, heartbeat))
                    })
                    .collect();
                for h in handles {
                    B::join(h);
                }
            }
            ghost.event(Lane::World, Event::MapsJoined);
        }
        // 3. OnWorldUpdate: bot session manager, then the deferred packets.
        let mut submitted = Vec::new();
        for session in &world.sessions {
            if !session.in_world() {
                continue;
            }
            let bot = session.bot;
            ghost.event(Lane::World, Event::BotDispatch(bot));
            if quiet {
                world.update_bot(bot, tick);
            } else {
                let w = world.clone();
                submitted.push(B::spawn(move || w.update_bot(bot, tick)));
            }
        }
        match dispatch {
            Dispatch::Barrier => {
                if !submitted.is_empty() {
                    for h in submitted {
                        B::join(h);
                    }
                    ghost.event(Lane::World, Event::BotsJoined);
                }
            }
            Dispatch::FireAndForget => pending.extend(submitted),
        }
        if world.policy.defers() {
            ghost.event(Lane::World, Event::DeferredPass);
            for session in &world.sessions {
                if world.process_deferred(session).is_err() {
                    return;
                }
            }
        }
    }

    /// `Map::Update` of `map` (on its map worker).
    fn update_map(&self, map: u8, tick: u32, heartbeat: bool) {
        let lane = Lane::Map { map, tick };
        self.ghost.event(lane, Event::MapUpdate(map));
        if self.policy == Policy::MapRouting {
            for session in &self.sessions {
                let player = &self.players[session.bot as usize];
                if player.map == map && session.in_world() && self.process_session(lane, session, Filter::Map).is_err()
                {
                    return;
                }
            }
        }
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || !self.sessions[i].in_world() {
                continue;
            }
            if heartbeat {
                self.ghost.event(lane, Event::Heartbeat { player: player.id });
                if player.update_area(&self.ghost, lane).is_err() {
                    return;
                }
            }
        }
    }

    /// `BotSession::Update` (on a bot worker): the session's packets per the policy, then the
    /// bot AI, which sends the next tick's packets.
    fn update_bot(&self, bot: u8, tick: u32) {
        let lane = Lane::Bot { bot, tick };
        let session = &self.sessions[bot as usize];
        if self.policy != Policy::MapRouting {
            let classifier = self.policy.classifier();
            for _ in 0..MAX_PACKETS_PER_UPDATE {
                let Some(packet) = session.next(Filter::Bot) else { break };
                if classifier.requires_main_thread(packet.opcode) {
                    session.queue_deferred(&self.ghost, lane, packet);
                } else if self.run_handler(lane, bot, packet).is_err() {
                    return;
                }
            }
        }
        for &(opcode, payload) in self.scenario.packets(bot as usize, tick + 1) {
            session.receive(&self.ghost, lane, opcode, payload);
        }
    }

    /// `WorldSession::Update` with a filter: head-of-line, up to the per-update limit.
    fn process_session(&self, lane: Lane, session: &BotSession<B>, filter: Filter) -> Result<(), AssertFailure> {
        for _ in 0..MAX_PACKETS_PER_UPDATE {
            let Some(packet) = session.next(filter) else { break };
            self.run_handler(lane, session.bot, packet)?;
        }
        Ok(())
    }

    /// `BotSession::ProcessDeferredPackets` (world thread): at most 50.
    fn process_deferred(&self, session: &BotSession<B>) -> Result<usize, AssertFailure> {
        session.process_deferred(|packet| self.run_handler(Lane::World, session.bot, packet))
    }

    /// `opHandle->Call(session, packet)`: the status check, then what the handler kind does.
    pub fn run_handler(&self, lane: Lane, bot: u8, packet: Packet) -> Result<(), AssertFailure> {
        let ghost = &self.ghost;
        let opcode: Opcode = packet.opcode;
        let kind = opcode.kind();
        if kind == HandlerKind::Unhandled {
            ghost.rejected(lane, bot, packet.id, Reject::Unhandled);
            return Ok(());
        }
        let session = &self.sessions[bot as usize];
        let needs_player = matches!(opcode.info().status, Status::LoggedIn | Status::Transfer);
        if needs_player && !session.in_world() {
            ghost.rejected(lane, bot, packet.id, Reject::NotInWorld);
            return Ok(());
        }
        let player = &self.players[bot as usize];
        ghost.ran(Run { bot, id: packet.id, opcode, kind, lane, player_map: player.map });
        let p = packet.payload;
        match kind {
            HandlerKind::Unhandled | HandlerKind::SessionLocal | HandlerKind::StaticQuery => Ok(()),
            HandlerKind::SharedRead => {
                std::hint::black_box(player.read_state());
                Ok(())
            }
            HandlerKind::MoveStop => {
                player.set_position(ghost, lane, p.area);
                player.update_area(ghost, lane)
            }
            HandlerKind::Move => {
                player.set_position(ghost, lane, p.area);
                Ok(())
            }
            HandlerKind::Cast => player.cast_spell(ghost, lane, p.spell),
            HandlerKind::AuraRemove => player.remove_aura(ghost, lane, p.spell),
            HandlerKind::QuestUpdate => {
                player.update_quest(ghost, lane, p.quest, opcode != Opcode::CMSG_QUEST_LOG_REMOVE_QUEST)
            }
            HandlerKind::PlayerWrite => {
                player.write_state(ghost, lane);
                Ok(())
            }
            HandlerKind::WorldGlobal => {
                let v = B::read(&self.global);
                B::write(&self.global, v.wrapping_add(1));
                Ok(())
            }
        }
    }
}
