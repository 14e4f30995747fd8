//! The bot session manager's update (`BotWorldSessionMgr::UpdateSessions`) and what each of its
//! tasks runs on a bot worker (`BotSession::Update`, the bot AI, the manager's reads).

use super::{Caller, World};
use crate::classifier::Dispatch;
use crate::crash::Step;
use crate::field::{self, Thread};
use crate::outcome::{Cx, Event, Lane, Refusal};
use crate::session::{Filter, MAX_PACKETS_PER_UPDATE};
use crate::sync::Backend;
use std::sync::Arc;

impl<B: Backend> World<B> {
    /// `BotWorldSessionMgr::UpdateSessions`, the fire-and-forget version (or joined at once with
    /// the barrier).
    pub(super) fn update_sessions(
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
        world.process_disconnections(cx)
    }

    /// One manager task (on a bot worker, BotWorldSessionMgr.cpp:590-688): lock the `weak_ptr`
    /// to the session (594; gone → disconnect, 598), `Update` (616; `false` → disconnect, 621),
    /// then the player (633): none or not in the world → disconnect (634-646); else read
    /// `IsInCombat`, `GetGroup`, `isMoving` and `GetHealthPct` on the worker (650-667).
    ///
    /// Under map routing the bot sessions are ordinary sessions and the pool keeps the AI alone:
    /// the task is `BotAI::UpdateAI` of a player in the world, nothing else.
    pub(super) fn bot_task(&self, bot: u8, tick: u32) {
        let cx = self.cx(Lane::Bot { bot, tick });
        if self.policy.routes_by_map() {
            let _player_lock = self.hold_player(cx, bot);
            let _ = self.pool_ai(cx, bot, tick);
            return;
        }
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

    /// The pool's AI-only task under map routing: `BotAI::UpdateAI` of a player in the world.
    fn pool_ai(&self, cx: Cx, bot: u8, tick: u32) -> Step {
        if self.sessions[bot as usize].has_player(cx) && self.players[bot as usize].in_world(cx)? {
            self.ai_update(cx, bot, tick)?;
        }
        Ok(())
    }

    /// `BotSession::Update` (on a bot worker, BotSession.cpp:555-1061): `None` when it ran, or
    /// why it returned `false`. The update lock (561-578), the kick check (599-605), then the
    /// receive queue (672-879: at most [`MAX_PACKETS_PER_UPDATE`], deferred ones included,
    /// 697), each packet deferred (685-699) or run behind the worker's status checks (712-820),
    /// then, when the AI runs on the worker, the bot AI when the player is in the world
    /// (889-1023): `BotAI::UpdateAI` ([`World::ai_update`]) and the next tick's packets it
    /// sends. `cx` is the bot's worker for the tick.
    pub(super) fn update_bot(&self, bot: u8, tick: u32, cx: Cx) -> Step<Option<Refusal>> {
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
        if self.ai.on_worker() && session.has_player(cx) && player.in_world(cx)? {
            self.ai_update(cx, bot, tick)?;
            self.send_next_packets(cx, bot, tick);
        }
        Ok(None)
    }

    /// The packets the AI sends for the next tick, into the bot's receive queue (from whichever
    /// thread runs the AI; the queue is a `LockedQueue`).
    pub(super) fn send_next_packets(&self, cx: Cx, bot: u8, tick: u32) {
        let session = &self.sessions[bot as usize];
        for &(opcode, payload) in self.scenario.packets(bot as usize, tick + 1) {
            session.receive(cx, opcode, payload);
        }
    }
}
