//! The seed's crash under both engines: the unsynchronized path trips SpellAuras.cpp:174, the
//! deferral path and TrinityCore's own routing never do.
//!
//! `cargo test -p checks --release --test crash_49416` (loom at preemption bound 2, the bound at
//! which every race the small scenarios model is found: `crash-49416`'s already shows at bound 1,
//! because the bot update of tick 1 starts late for free; the move-stop race needs 2).

use checks::engines::{Loom, Shuttle};
use checks::explore::{explore, Budget, Cell, Checker};
use model::world::run;
use model::{Dispatch, Policy, ScenarioName};
use std::sync::Arc;

const CRASH_174: &str = "ASSERT(!(_effectMask & (1<<effIndex))) failed at SpellAuras.cpp:174";

fn cell(policy: Policy) -> Cell {
    Cell { policy, scenario: ScenarioName::Crash49416, dispatch: Dispatch::FireAndForget }
}

/// Panics with the server's assert text when a run trips an assert, as the server would.
fn crash_on_assert(outcome: &model::Outcome) {
    if let Some(v) = outcome.check().into_iter().find(|v| v.assert.is_some()) {
        panic!("{v}");
    }
}

/// loom finds a schedule of `crash-49416` under `unsynchronized` that trips line 174.
#[test]
#[should_panic(expected = "ASSERT(!(_effectMask & (1<<effIndex))) failed at SpellAuras.cpp:174")]
fn loom_unsynchronized_trips_174() {
    checks::engines::init();
    let scenario = Arc::new(ScenarioName::Crash49416.build());
    let mut builder = loom::model::Builder::new();
    builder.preemption_bound = Some(2);
    builder.check(move || crash_on_assert(&run::<Loom>(&scenario, Policy::Unsynchronized, Dispatch::FireAndForget)));
}

/// shuttle's random scheduler, fixed seed, finds the same crash.
#[test]
#[should_panic(expected = "ASSERT(!(_effectMask & (1<<effIndex))) failed at SpellAuras.cpp:174")]
fn shuttle_unsynchronized_trips_174() {
    checks::engines::init();
    let scenario = Arc::new(ScenarioName::Crash49416.build());
    shuttle::check_random_with_seed(
        move || crash_on_assert(&run::<Shuttle>(&scenario, Policy::Unsynchronized, Dispatch::FireAndForget)),
        Budget::default().seed,
        2_000,
    );
}

/// Exhaustively to bound 2, and over 2,000 seeded shuttle schedules, the seed's deferral and
/// TrinityCore's routing keep all five invariants on `crash-49416`; the counts are real.
#[test]
fn deferral_and_map_routing_keep_every_invariant() {
    for policy in [Policy::SeedDeferral, Policy::MapRouting] {
        for checker in [Checker::Loom, Checker::Random, Checker::Pct] {
            let r = explore(cell(policy), checker, Budget::default());
            println!("{} {}: {} schedules, exhaustive {}", policy.name(), checker.name(), r.schedules, r.exhaustive);
            assert!(
                r.first.is_empty(),
                "{} {}: {:?}",
                policy.name(),
                checker.name(),
                r.first.values().next().map(|c| c.violation.to_string())
            );
            assert!(
                r.schedules > 1,
                "{} {} explored a single schedule: no concurrency was exercised",
                policy.name(),
                checker.name()
            );
        }
    }
}

/// The unsynchronized count is exact and reproducible: loom at bound 2 explores the same number
/// of schedules, and the same ones trip 174, on every run.
#[test]
fn loom_counts_are_reproducible() {
    let a = explore(cell(Policy::Unsynchronized), Checker::Loom, Budget::default());
    let b = explore(cell(Policy::Unsynchronized), Checker::Loom, Budget::default());
    assert_eq!(a.schedules, b.schedules);
    assert_eq!(a.assert_lines, b.assert_lines);
    assert!(a.assert_lines.contains_key(&174), "{:?}", a.assert_lines);
    assert_eq!(a.reported().map(|c| c.violation.to_string()).as_deref(), Some(CRASH_174));
}

/// The seed's fix does not remove the crash line: with fire-and-forget dispatch, loom at
/// preemption bound 4 finds a schedule of `move-stop-49416` under `seed-deferral` in which the
/// bot's CMSG_MOVE_STOP (left on the worker) and the map heartbeat both reach the 49416 autocast
/// and one of them trips SpellAuras.cpp:174 — the line of the crash report. Its counterexample
/// is re-found under shuttle and replays to the same assert.
#[test]
fn seed_deferral_still_trips_174_through_move_stop() {
    let cell =
        Cell { policy: Policy::SeedDeferral, scenario: ScenarioName::MoveStop49416, dispatch: Dispatch::FireAndForget };
    let budget = Budget { bound: 4, ..Budget::default() };
    let r = explore(cell, Checker::Loom, budget);
    println!("seed-deferral move-stop-49416 loom bound 4: {} schedules, asserts {:?}", r.schedules, r.assert_lines);
    let c = r.first_by_line.get(&174).expect("loom at bound 4 trips SpellAuras.cpp:174 under the seed's fix");
    assert_eq!(c.violation.to_string(), CRASH_174);
    let found = checks::explore::refind_with_shuttle(cell, &c.violation, budget).expect("shuttle re-finds it");
    let schedule = found.schedule.expect("with a schedule");
    let replayed = checks::explore::replay(cell, &schedule).expect("the schedule replays");
    assert!(replayed.check().iter().any(|v| v.assert.map(|a| a.line()) == Some(174)));
}
