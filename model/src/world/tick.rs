//! One `World::Update` (World.cpp:2184-2495) on the world thread: `World::UpdateSessions`,
//! `MapManager::Update`, then `OnWorldUpdate` (the aura cache, the bot session manager and the
//! deferred packets).

use super::{Caller, World};
use crate::classifier::Dispatch;
use crate::crash::Step;
use crate::field::{self, Thread};
use crate::outcome::{Cx, Event, Lane, Refusal};
use crate::policy::AiPlacement;
use crate::session::{BotSession, Filter, MAX_PACKETS_PER_UPDATE};
use crate::sync::Backend;
use std::sync::Arc;

impl<B: Backend> World<B> {
    /// One `World::Update`. `Err` when the server crashed.
    pub(super) fn tick(
        world: &Arc<Self>,
        tick: u32,
        dispatch: Dispatch,
        pending: &mut Vec<Thread<B, ()>>,
        quiet: bool,
    ) -> Step {
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
        // 3. OnWorldUpdate: the aura cache, the bot session manager (under map routing only to
        // run the AI on the pool), the deferred packets; then the queued AI actions (the
        // module's `ProcessActions` after the module updates and before the next map update;
        // mod-playerbots' operations in its own `OnUpdate`).
        if world.ai_reads_cache() {
            world.fill_aura_cache()?;
        }
        if !routing || world.ai.on_worker() {
            World::update_sessions(world, tick, dispatch, pending, quiet)?;
        }
        if world.policy.defers() {
            world.process_all_deferred(cx)?;
        }
        if matches!(world.ai, AiPlacement::ActionQueue | AiPlacement::MapThreadGroupQueue) {
            world.process_actions(cx)?;
        }
        Ok(())
    }

    /// `WorldSession::Update` with a filter (WorldSession.cpp:366-596): head-of-line, up to the
    /// per-update limit, on `cx`: the world thread (`Filter::World`) or the player's map worker
    /// (`Filter::Map`).
    pub(super) fn process_session(&self, cx: Cx, session: &BotSession<B>, filter: Filter) -> Step {
        for _ in 0..MAX_PACKETS_PER_UPDATE {
            let in_world = session.has_player(cx) && self.players[session.bot as usize].in_world(cx)?;
            let Some(packet) = session.next(cx, filter, in_world) else { break };
            self.run_handler(cx, session.bot, packet, Caller::Session)?;
        }
        Ok(())
    }

    /// `AuraStateCache::UpdateBotAuras` for every bot in the world, on the world thread
    /// (`BotActionProcessor::Update`): under the cache's exclusive lock, `GetAura` of each
    /// tracked spell (49416 and the party buff), each of which reads `m_appliedAuras` like
    /// `HasAura` (AuraStateCache.cpp).
    pub(super) fn fill_aura_cache(&self) -> Step {
        let cx = self.cx(Lane::World);
        let mut cache = self.aura_cache.lock(cx);
        for (i, player) in self.players.iter().enumerate() {
            if self.scenario.humans.contains(&(i as u8))
                || cx.ghost.freed(player.id)
                || !self.sessions[i].has_player(cx)
            {
                continue;
            }
            if player.in_world(cx)? {
                cache[i] = [
                    player.has_aura(cx, crate::player::SPELL_49416)?,
                    player.has_aura(cx, crate::aura::SPELL_PARTY_BUFF)?,
                ];
            }
        }
        Ok(())
    }

    /// `BotWorldSessionMgr::ProcessAllDeferredPackets` (world thread): the sessions with deferred
    /// packets, collected under `_sessionsMutex`, then `ProcessDeferredPackets` of each (at most
    /// 50).
    pub(super) fn process_all_deferred(&self, cx: Cx) -> Step {
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
}
