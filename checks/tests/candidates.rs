//! The candidate fixes' headline results, each asserted on loom's exhaustive search (bound 2 or
//! 3) or on the schedules it explored:
//!
//! - the seed's "future enhancement", a mutex in `_HandleEffect`, does not remove the crash it was
//!   meant for: the server still aborts, at :168 instead of :174 (with its replayable
//!   counterexample), and the movement stop still breaks the aura lifecycle;
//! - the later module's bounded wait is explored in both outcomes, and with a timed-out update
//!   the seed's movement stop still trips an assert;
//! - the `AuraStateCache` removes the AI's `HasAura` race and nothing the handlers do;
//! - a per-player lock removes every aura race and use after free, and leaves the group's race.

use checks::explore::{explore, replay, Budget, Cell, CellResult, Checker};
use model::outcome::Event;
use model::race::Site;
use model::{AssertFailure, Dispatch, Invariant, Policy, ScenarioName};

fn loom(policy: Policy, scenario: ScenarioName, dispatch: Dispatch, bound: usize) -> CellResult {
    let cell = Cell { policy, ai: model::AiPlacement::Worker, scenario, dispatch };
    explore(cell, Checker::Loom, Budget { bound: Some(bound), ..Budget::default() })
}

fn race_sites(r: &CellResult) -> Vec<Site> {
    let mut s: Vec<Site> = r.race_kinds.keys().map(|k| k.site).collect();
    s.dedup();
    s
}

/// The mutex turns :174 into :168 on the quest reward, the path where :174 needs the fewest
/// preemptions: the second thread's first read, inside the critical section, sees the bit the
/// first one set. The server still aborts. Its shuttle counterexample replays to the same assert.
#[test]
fn the_handle_effect_mutex_moves_the_abort_from_174_to_168() {
    let r = loom(Policy::EFFECT_LOCK, ScenarioName::QuestReward49416, Dispatch::FireAndForget, 2);
    assert!(!r.assert_lines.contains_key(&AssertFailure::AlreadyApplied), "{:?}", r.assert_lines);
    assert!(r.assert_lines.contains_key(&AssertFailure::HasEffectMismatch), "{:?}", r.assert_lines);
    assert!(r.first.contains_key(&Invariant::AuraIntegrity));
    let without = loom(Policy::UNSYNCHRONIZED, ScenarioName::QuestReward49416, Dispatch::FireAndForget, 2);
    assert!(without.assert_lines.contains_key(&AssertFailure::AlreadyApplied), "the baseline trips :174");

    let cell = Cell {
        policy: Policy::EFFECT_LOCK,
        ai: model::AiPlacement::Worker,
        scenario: ScenarioName::QuestReward49416,
        dispatch: Dispatch::FireAndForget,
    };
    let c = checks::explore::refind_with_shuttle(
        cell,
        &r.first_by_line[&AssertFailure::HasEffectMismatch].violation,
        Budget::default(),
    )
    .expect("shuttle re-finds :168");
    let schedule = c.schedule.expect("a replayable schedule");
    let outcome = replay(cell, &schedule).expect("the schedule replays");
    let tripped: Vec<AssertFailure> = outcome.check().iter().filter_map(|v| v.assert).collect();
    assert!(tripped.contains(&AssertFailure::HasEffectMismatch), "{tripped:?}");
    assert!(!tripped.contains(&AssertFailure::AlreadyApplied), "{tripped:?}");
}

/// With the seed's classifier the mutex leaves the movement stop's race: Unit.cpp:3602 and
/// aura-integrity at bound 2, never :174 (exhaustively to bound 3).
#[test]
fn the_seed_with_the_mutex_still_breaks_the_aura_lifecycle_on_the_movement_stop() {
    let r = loom(Policy::SEED_EFFECT_LOCK, ScenarioName::MoveStop49416, Dispatch::FireAndForget, 3);
    assert!(r.assert_lines.contains_key(&AssertFailure::AppliedOnTargetTwice), "{:?}", r.assert_lines);
    assert!(r.first.contains_key(&Invariant::AuraIntegrity));
    assert!(!r.assert_lines.contains_key(&AssertFailure::AlreadyApplied), "{:?}", r.assert_lines);
    let seed = loom(Policy::SEED_DEFERRAL, ScenarioName::MoveStop49416, Dispatch::FireAndForget, 3);
    assert!(seed.assert_lines.contains_key(&AssertFailure::AlreadyApplied), "without the mutex :174 trips at 3");
}

/// Both outcomes of the bounded wait are explored: a run where every update finished in time and
/// one where the world thread proceeded with an update still running. With the latter the seed's
/// movement stop still trips Unit.cpp:3602 and breaks aura-integrity.
#[test]
fn the_bounded_wait_is_explored_both_ways_and_does_not_stop_the_race() {
    use checks::explore::{each_outcome, LoomEngine, Play};
    let play = Play::new(
        ScenarioName::MoveStop49416.build(),
        Policy::SEED_DEFERRAL,
        model::AiPlacement::Worker,
        Dispatch::BoundedWait,
    );
    let seen = each_outcome(LoomEngine { bound: Some(1) }, play, (false, false), |s, o| {
        for (_, e) in &o.trace {
            if let Event::BotsWaited { running, .. } = e {
                if *running == 0 {
                    s.0 = true;
                } else {
                    s.1 = true;
                }
            }
        }
    });
    assert_eq!(seen, (true, true), "(every update in time, one still running)");
    let r = loom(Policy::SEED_DEFERRAL, ScenarioName::MoveStop49416, Dispatch::BoundedWait, 2);
    assert!(r.assert_lines.contains_key(&AssertFailure::AppliedOnTargetTwice), "{:?}", r.assert_lines);
    assert!(r.first.contains_key(&Invariant::AuraIntegrity));
}

/// The cache takes the AI's `HasAura` off the worker: the quest reward (deferred by the seed)
/// has no data race left at bound 2, where the seed alone races on `m_appliedAuras`; the stop's
/// handler, still on the worker, races as before.
#[test]
fn the_aura_cache_removes_the_ai_read_and_not_the_handlers_races() {
    let seed = loom(Policy::SEED_DEFERRAL, ScenarioName::QuestReward49416, Dispatch::FireAndForget, 2);
    assert_eq!(race_sites(&seed), [Site::AppliedAuras]);
    let cached = loom(Policy::SEED_AURA_CACHE, ScenarioName::QuestReward49416, Dispatch::FireAndForget, 2);
    assert!(cached.race_kinds.is_empty(), "{:?}", cached.race_kinds);
    let stop = loom(Policy::SEED_AURA_CACHE, ScenarioName::MoveStop49416, Dispatch::FireAndForget, 2);
    assert!(stop.assert_lines.contains_key(&AssertFailure::AppliedOnTargetTwice));
    assert!(race_sites(&stop).contains(&Site::AreaUpdateId));
}

/// A per-player lock on every thread removes every aura race and the use after free on the
/// movement stop and the quest reward (exhaustively to bound 3), and leaves two bots' group race:
/// the group's `m_memberSlots` and `m_memberMgr`, and the other member's `m_group`, which the
/// leave's `Disband` clears from the leaver's thread (Group.cpp:756) without that member's lock.
#[test]
fn a_per_player_lock_leaves_only_what_is_not_the_players() {
    for scenario in [ScenarioName::MoveStop49416, ScenarioName::QuestReward49416] {
        let r = loom(Policy::PLAYER_LOCK, scenario, Dispatch::FireAndForget, 3);
        let broken: Vec<Invariant> = r.first.keys().copied().collect();
        assert_eq!(broken, [Invariant::Placement], "{}: {broken:?}", scenario.name());
    }
    let group = loom(Policy::PLAYER_LOCK, ScenarioName::GroupLeave, Dispatch::Barrier, 2);
    assert_eq!(race_sites(&group), [Site::Group, Site::GroupMembers, Site::PlayerGroup]);
}
