//! The crash line, SpellAuras.cpp:174, under both engines, on the paths the server has: the
//! quest-reward and movement-stop autocasts of 49416 racing the map heartbeat. The seed's own
//! story, a bot's `CMSG_CAST_SPELL` of 49416, is judged as the server runs it: the spell is not
//! in the bot's spellbook, so the cast is dropped before any aura is touched.
//!
//! `cargo test -p checks --release --test crash_49416` (loom at preemption bounds 2 and 3: the
//! quest-reward race needs 2 preemptions to reach line 174, the movement-stop race 3).

use checks::explore::{each_outcome, LoomEngine, Play, ShuttleEngine};
use checks::explore::{explore, refind_with_shuttle, replay, Budget, Cell, Checker};
use model::{AssertFailure, Dispatch, Invariant, Policy, ScenarioName};
use shuttle::scheduler::RandomScheduler;

const CRASH_174: &str = "ASSERT(!(_effectMask & (1<<effIndex))) failed at SpellAuras.cpp:174";

fn cell(policy: Policy, scenario: ScenarioName) -> Cell {
    Cell { policy, ai: model::AiPlacement::Worker, scenario, dispatch: Dispatch::FireAndForget }
}

/// Panics with the server's assert text when a run trips SpellAuras.cpp:174, as the server would.
fn crash_on_174(outcome: &model::Outcome) {
    if let Some(v) = outcome.check().into_iter().find(|v| v.assert == Some(AssertFailure::AlreadyApplied)) {
        panic!("{v}");
    }
}

/// loom at bound 2 finds a schedule of `quest-reward-49416` under `unsynchronized` that trips
/// line 174: the bot's quest reward (14078 rewarded: the row fits) autocasts and creates the aura, the map heartbeat's autocast finds it and
/// applies the same application, and the two `_HandleEffect`s interleave.
#[test]
#[should_panic(expected = "ASSERT(!(_effectMask & (1<<effIndex))) failed at SpellAuras.cpp:174")]
fn loom_quest_reward_unsynchronized_trips_174() {
    let play = Play::new(
        ScenarioName::QuestReward49416.build(),
        Policy::UNSYNCHRONIZED,
        model::AiPlacement::Worker,
        Dispatch::FireAndForget,
    );
    each_outcome(LoomEngine { bound: Some(2) }, play, (), |_, outcome| crash_on_174(&outcome));
}

/// shuttle's random scheduler, fixed seed, finds the same crash line.
#[test]
#[should_panic(expected = "ASSERT(!(_effectMask & (1<<effIndex))) failed at SpellAuras.cpp:174")]
fn shuttle_quest_reward_unsynchronized_trips_174() {
    let play = Play::new(
        ScenarioName::QuestReward49416.build(),
        Policy::UNSYNCHRONIZED,
        model::AiPlacement::Worker,
        Dispatch::FireAndForget,
    );
    let scheduler = RandomScheduler::new_from_seed(Budget::default().seed, 2_000);
    each_outcome(ShuttleEngine(scheduler), play, (), |_, outcome| crash_on_174(&outcome));
}

/// The seed's story as the server runs it: a bot's `CMSG_CAST_SPELL` of 49416 never reaches an
/// aura (49416 is not in the spellbook), so exhaustively to bound 3 no policy trips any assert
/// on `crash-49416`, and none breaks `double-effect` or `aura-integrity`.
#[test]
fn the_seeds_cast_of_49416_is_dropped_and_trips_nothing() {
    for policy in Policy::ALL {
        let r = explore(
            cell(policy, ScenarioName::Crash49416),
            Checker::Loom,
            Budget { bound: Some(3), ..Budget::default() },
        );
        for inv in [Invariant::Assert, Invariant::DoubleEffect, Invariant::AuraIntegrity] {
            assert!(!r.first.contains_key(&inv), "{} at bound 3: {inv} broken", policy.name());
        }
        assert!(r.schedules > 1 || policy == Policy::MAP_ROUTING, "{}: no concurrency explored", policy.name());
    }
}

/// Exhaustively to bound 3, and over 2,000 seeded shuttle schedules, the seed's deferral keeps
/// every aura invariant on the quest-reward path it defers: no assert, no double effect, no
/// aura-integrity break.
#[test]
fn seed_deferral_removes_the_race_it_defers() {
    let c = cell(Policy::SEED_DEFERRAL, ScenarioName::QuestReward49416);
    for (checker, budget) in [
        (Checker::Loom, Budget { bound: Some(3), ..Budget::default() }),
        (Checker::Random, Budget::default()),
        (Checker::Pct, Budget::default()),
    ] {
        let r = explore(c, checker, budget);
        for inv in [Invariant::Assert, Invariant::DoubleEffect, Invariant::AuraIntegrity] {
            assert!(!r.first.contains_key(&inv), "{}: {inv} broken", checker.name());
        }
        assert!(r.schedules > 1, "{}: no concurrency explored", checker.name());
    }
}

/// The unsynchronized count is exact and reproducible: loom at bound 2 explores the same number
/// of schedules, and the same ones trip 174, on every run.
#[test]
fn loom_counts_are_reproducible() {
    let c = cell(Policy::UNSYNCHRONIZED, ScenarioName::QuestReward49416);
    let a = explore(c, Checker::Loom, Budget::default());
    let b = explore(c, Checker::Loom, Budget::default());
    assert_eq!(a.schedules, b.schedules);
    assert_eq!(a.assert_lines, b.assert_lines);
    assert!(a.assert_lines.contains_key(&AssertFailure::AlreadyApplied), "{:?}", a.assert_lines);
    assert_eq!(a.reported().map(|c| c.violation.to_string()).as_deref(), Some(CRASH_174));
}

/// The seed's fix does not remove the crash line: with fire-and-forget dispatch, loom at
/// preemption bound 3 finds a schedule of `move-stop-49416` under `seed-deferral` in which the
/// bot's CMSG_MOVE_STOP (left on the worker) and the map heartbeat both reach the 49416 autocast
/// and one of them trips SpellAuras.cpp:174 — the line of the crash report. Its counterexample
/// is re-found under shuttle and replays to the same assert.
#[test]
fn seed_deferral_still_trips_174_through_move_stop() {
    let c = cell(Policy::SEED_DEFERRAL, ScenarioName::MoveStop49416);
    let budget = Budget { bound: Some(3), ..Budget::default() };
    let r = explore(c, Checker::Loom, budget);
    let found = r.first_by_line.get(&AssertFailure::AlreadyApplied).expect("loom at bound 3 trips SpellAuras.cpp:174");
    assert_eq!(found.violation.to_string(), CRASH_174);
    let again = refind_with_shuttle(c, &found.violation, budget).expect("shuttle re-finds it");
    let schedule = again.schedule.expect("with a schedule");
    let replayed = replay(c, &schedule).expect("the schedule replays");
    assert!(replayed.check().iter().any(|v| v.assert == Some(AssertFailure::AlreadyApplied)));
}
