//! The bot session's lifecycle under loom: the update lock, the disconnection queue, and
//! `LogoutPlayer` racing an update that is still running.
//!
//! `cargo test -p checks --release --test session_lifecycle_loom` (loom at bounds 2 and 3 on
//! `crash-49416` under `seed-deferral`, fire-and-forget: a few seconds).

use checks::explore::{explore, Budget, Cell, Checker};
use model::outcome::{Event, Lane, Refusal};
use model::{Dispatch, Invariant, Policy, ScenarioName};

fn cell() -> Cell {
    Cell {
        policy: Policy::SEED_DEFERRAL,
        ai: model::AiPlacement::Worker,
        scenario: ScenarioName::Crash49416,
        dispatch: Dispatch::FireAndForget,
    }
}

fn position(trace: &[(Lane, Event)], what: impl Fn(&(Lane, Event)) -> bool) -> Option<usize> {
    trace.iter().position(what)
}

/// Two overlapping submissions of one session: the update of tick 2 finds the update lock held by
/// the update of tick 1, returns `false` and pushes the bot onto `_asyncDisconnections`; the world
/// thread pops it, logs the player out and erases the session, and the deferred cast still queued
/// is reported lost by `exactly-once`, with that reason. loom at bound 2 finds it; at bound 1 it
/// proves it cannot happen.
#[test]
fn a_busy_update_lock_disconnects_the_bot_and_loses_its_queued_packets() {
    let r = explore(cell(), Checker::Loom, Budget { bound: Some(2), ..Budget::default() });
    let c = r.first.get(&Invariant::ExactlyOnce).expect("loom at bound 2 finds the lost packet");
    assert!(c.violation.message.contains("lost"), "{}", c.violation.message);
    assert!(c.violation.message.contains(Refusal::LockBusy.text()), "{}", c.violation.message);
    let t = &c.trace;
    let second = Lane::Bot { bot: 0, tick: 2 };
    let busy =
        position(t, |e| *e == (second, Event::UpdateLockBusy(0))).expect("the second update finds the lock busy");
    let refused = position(t, |e| *e == (second, Event::UpdateRefused { bot: 0, why: Refusal::LockBusy }))
        .expect("and returns false");
    let popped = position(t, |e| *e == (Lane::World, Event::DisconnectPopped(0))).expect("the world thread pops it");
    let erased = position(t, |e| *e == (Lane::World, Event::SessionErased(0))).expect("and erases the session");
    let lost = position(t, |e| matches!(e.1, Event::Lost { bot: 0, .. })).expect("the queued cast is lost");
    assert!(busy < refused && refused < popped && popped < erased && erased < lost, "{t:?}");
    let below = explore(cell(), Checker::Loom, Budget { bound: Some(1), ..Budget::default() });
    assert!(!below.first.contains_key(&Invariant::ExactlyOnce), "bound 1 cannot overlap the two updates");
}

/// `LogoutPlayer` on the world thread racing an update of the same bot still running on its
/// worker is explored: at bound 3 loom finds a schedule in which the world thread deletes the
/// player between the first update's check of its player pointer and its read of `IsInWorld`,
/// and the worker then touches the freed player (`use-after-free`).
#[test]
fn logout_racing_a_running_update_is_explored() {
    let r = explore(cell(), Checker::Loom, Budget { bound: Some(3), ..Budget::default() });
    let c = r.first.get(&Invariant::UseAfterFree).expect("loom at bound 3 finds the use after free");
    let t = &c.trace;
    let first = Lane::Bot { bot: 0, tick: 1 };
    let logout = position(t, |e| *e == (Lane::World, Event::Logout(0))).expect("the world thread logs the bot out");
    let freed = position(t, |e| *e == (Lane::World, Event::PlayerFreed { player: 0 })).expect("and deletes the player");
    let touched =
        position(t, |e| e.0 == first && matches!(e.1, Event::Crash { .. })).expect("the first update touches it");
    let started = position(t, |e| e.0 == first).expect("the first update ran");
    assert!(started < logout && logout < freed && freed < touched, "{t:?}");
    let below = explore(cell(), Checker::Loom, Budget { bound: Some(2), ..Budget::default() });
    assert!(!below.first.contains_key(&Invariant::UseAfterFree), "bound 2 proves it needs 3 preemptions");
}

/// The deferred queue under its mutex: the bot worker's `QueueDeferredPacket` and the world
/// thread's `ProcessDeferredPackets`, which does not take the update lock and so runs at the same
/// time, neither lose nor repeat a packet: over every schedule, each of two packets the worker
/// defers runs exactly once, in queue order.
#[test]
fn deferring_while_the_world_thread_drains_loses_and_repeats_nothing() {
    use checks::explore::Loom;
    use model::opcodes::{Opcode, Packet, Payload};
    use model::outcome::{Cx, Ghost};
    use model::session::BotSession;
    use std::sync::Arc;
    checks::explore::run_loom(Some(3), || {
        let ghost = Ghost::new(1, 0);
        let session = Arc::new(BotSession::<Loom>::new(0));
        let (s, g) = (session.clone(), ghost.clone());
        let worker = loom::thread::spawn(move || {
            for id in 0..2 {
                let packet = Packet { id, opcode: Opcode::CMSG_CAST_SPELL, payload: Payload::default() };
                s.queue_deferred(Cx::new(&g, Lane::Bot { bot: 0, tick: 1 }), packet);
            }
        });
        let mut ran = Vec::new();
        session
            .process_deferred(Cx::new(&ghost, Lane::World), |p| {
                ran.push(p.id);
                Ok(())
            })
            .unwrap();
        worker.join().unwrap();
        while let Some(p) = session.next_deferred(Cx::new(&ghost, Lane::World)) {
            ran.push(p.id);
        }
        assert_eq!(ran, vec![0, 1], "each deferred packet runs once, in order");
    });
}
