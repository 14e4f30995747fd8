//! The whole verification matrix against its pinned truths, its snapshots (verdicts without
//! timings, every counterexample trace, the classification table), replay of every kept
//! schedule, and byte-identical JSON.
//!
//! `cargo test -p checks --release --test verify_matrix` (about 90 s on 2 cores: loom at bound 2, 2,000
//! seeded schedules per shuttle checker, 300 on seed-load). Deeper loom bounds run under
//! `cargo test -p checks --release --test loom_deep -- --ignored`.

mod common;

use checks::explore::{replay, Budget, Checker};
use checks::matrix::{self, Plan, Row};
use checks::report;
use checks::report::trace;
use model::classifier::{Classifier, CompleteClassifier, SeedClassifier, TrinityCoreRouting};
use model::opcodes::OPCODES;
use model::Invariant;
use std::fmt::Write as _;
use std::sync::OnceLock;

use common::snapshot_settings as settings;

/// The default budget: loom at bound 2, 2,000 seeded schedules per shuttle checker (the crash
/// line's shuttle rules need that many), 300 on seed-load.
fn budget() -> Budget {
    Budget::default()
}

/// The matrix, run once for all the tests of this file.
fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let plan = Plan::full(budget());
        matrix::run_jobs(&work(&plan), 2, |_, _| {})
    })
}

fn work(plan: &Plan) -> Vec<(checks::explore::Cell, Checker, Budget)> {
    plan.jobs().into_iter().map(|(cell, checker)| (cell, checker, plan.budget_for(cell, false))).collect()
}

/// Every result matches the truth pinned for its cell (see `checks::expected`): no invariant
/// the model keeps is broken, loom still finds every finding, and the crash line is tripped.
#[test]
fn every_result_matches_its_pinned_truth() {
    let bad: Vec<String> =
        rows().iter().filter_map(|r| r.mismatch.as_ref().map(|m| format!("{}: {m}", r.title()))).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// The verdict matrix, without timings.
#[test]
fn verdict_matrix_snapshot() {
    settings().bind(|| insta::assert_snapshot!("verdict_matrix", report::render_table(rows(), true, false)));
}

/// "Which fix to ship": every candidate's row, read off the matrix and one fixed `seed-load`
/// schedule. TrinityCore's own routing with the AI inside `Player::Update` and its group operations
/// queued breaks nothing; with the AI on the bot worker pool it does (the AI's own races);
/// complete deferral with the barrier trips no assert but loses the packets of a removed bot and
/// keeps the worker AI's races; the seed's fix with its own "future enhancement" still aborts
/// (:168), and the later module's bounded wait still does too.
#[test]
fn which_fix_to_ship_snapshot() {
    use checks::audit::compare::{compare, render_markdown};
    let table = compare(rows());
    let row = |name: &str| table.iter().find(|c| c.candidate == name).unwrap_or_else(|| panic!("no row {name}"));
    assert!(row("map-routing / map-thread+group-queue / barrier").clean);
    assert!(row("map-routing / worker / barrier").broke(Invariant::DataRace).any());
    assert!(row("map-routing / map-thread / barrier").broke(Invariant::UseAfterFree).any());
    let complete = row("complete-deferral / worker / barrier");
    let asserts = |name: &str| row(name).broke(Invariant::Assert).items().to_vec();
    assert!(!complete.clean && complete.broke(Invariant::ExactlyOnce).any());
    assert!(!complete.broke(Invariant::Assert).any() && complete.broke(Invariant::DataRace).any());
    assert!(asserts("seed-deferral+effect-lock / worker / fire-and-forget").contains(&":168".to_string()));
    assert!(!asserts("seed-deferral+effect-lock / worker / fire-and-forget").contains(&":174".to_string()));
    assert!(!asserts("seed-deferral / worker / bounded-wait").is_empty());
    settings().bind(|| insta::assert_snapshot!("which_fix_to_ship", render_markdown(&table)));
}

/// The data races each policy leaves with each dispatch mode, over every scenario and checker:
/// the field, the two accesses, the scenarios that show it, and a first example. A policy that
/// leaves none says so; a new kind of race, or one that goes, changes this snapshot.
#[test]
fn races_by_policy_snapshot() {
    let listing = report::render_races(rows());
    assert!(listing.contains("### map-routing / ai=map-thread+group-queue / barrier\nno data race"), "{listing}");
    assert!(!listing.contains("### map-routing / ai=worker / fire-and-forget\nno data race"), "{listing}");
    settings().bind(|| insta::assert_snapshot!("races_by_policy", listing));
}

/// Each violated cell's counterexample, cut to the events that matter, with its replay line.
#[test]
fn counterexample_traces_snapshot() {
    settings().bind(|| insta::assert_snapshot!("counterexample_traces", report::render_counterexamples(rows(), false)));
}

/// Replaying a kept shuttle schedule reproduces the same violation and the same cut trace; a
/// loom counterexample's re-found shuttle schedule reproduces the same violation.
#[test]
fn every_kept_schedule_replays_to_the_same_violation() {
    let mut replayed = 0;
    for r in rows() {
        let Some(c) = &r.counterexample else { continue };
        let Some(schedule) = &c.schedule else {
            panic!("{:?} {}: counterexample without a replayable schedule", r.result.cell, r.result.checker.name())
        };
        let outcome = replay(r.result.cell, schedule).expect("a schedule the report printed replays");
        let again = outcome
            .check()
            .into_iter()
            .find(|v| v.invariant == c.violation.invariant && v.assert == c.violation.assert)
            .unwrap_or_else(|| panic!("{:?}: replay lost {}", r.result.cell, c.violation));
        if r.result.checker != Checker::Loom {
            assert_eq!(again, c.violation);
            assert_eq!(trace::cut(&outcome.trace, &again), trace::cut(&c.trace, &c.violation));
        }
        replayed += 1;
    }
    assert!(replayed >= 20, "only {replayed} counterexamples replayed");
}

/// The same arguments give byte-identical JSON, on one worker thread or two.
#[test]
fn json_is_byte_identical_across_runs_and_worker_counts() {
    let plan = Plan {
        scenarios: vec![model::ScenarioName::QuestReward49416, model::ScenarioName::CastThenMove],
        ..Plan::full(budget())
    };
    let run = |threads: usize| report::render_json(&matrix::run_jobs(&work(&plan), threads, |_, _| {}));
    let (a, b) = (run(1), run(2));
    assert!(a.contains("\"line\": 174"), "the crash line is in the report");
    assert_eq!(a, b);
}

/// Where every opcode of the table runs under each classifier, with its handler kind.
#[test]
fn classification_table_snapshot() {
    let mut out = String::from("opcode\tvalue\tplace\tkind\tseed\tcomplete\tmap-routing\n");
    for info in OPCODES.iter() {
        let op = info.opcode;
        let _ = writeln!(
            out,
            "{}\t{:#08X}\t{}\t{}\t{}\t{}\t{}",
            info.name,
            info.value,
            info.place.tc_name(),
            op.kind().name(),
            SeedClassifier::get().route(op).name(),
            CompleteClassifier.route(op).name(),
            TrinityCoreRouting.route(op).name()
        );
    }
    settings().bind(|| insta::assert_snapshot!("classification_table", out));
}

/// A schedule string that is empty, not hex, or cut short is a clear error, never a panic
/// (shuttle's own parser indexes into what it decodes without checking).
#[test]
fn a_bad_schedule_is_an_error_not_a_panic() {
    let cell = checks::explore::Cell {
        policy: model::Policy::UNSYNCHRONIZED,
        ai: model::AiPlacement::Worker,
        scenario: model::ScenarioName::QuestReward49416,
        dispatch: model::Dispatch::FireAndForget,
    };
    for bad in ["", "  ", "zz", "9102", "91025780e5f8b1e193dff3bd01"] {
        assert!(replay(cell, bad).is_err(), "{bad:?} replayed");
    }
    let good = rows().iter().find_map(|r| r.counterexample.as_ref()?.schedule.clone()).expect("some schedule");
    assert!(!good.contains(char::is_whitespace), "a schedule string is one line: {good:?}");
}

/// Every loom finding of a violated cell carries its minimal bound and the proof at one less:
/// on `quest-reward-49416` unsynchronized, line 174 needs 2 preemptions and loom's 100 schedules
/// at bound 1 show none; Unit.cpp:3602 needs 1, and the single schedule at bound 0 shows none.
#[test]
fn loom_findings_carry_their_minimal_bound() {
    use checks::explore::bounds::Finding;
    use model::{AiPlacement, AssertFailure, Dispatch, Policy, ScenarioName};
    let row = rows()
        .iter()
        .find(|r| {
            let c = r.result.cell;
            r.result.checker == Checker::Loom
                && c.scenario == ScenarioName::QuestReward49416
                && c.policy == Policy::UNSYNCHRONIZED
                && c.ai == AiPlacement::Worker
                && c.dispatch == Dispatch::FireAndForget
        })
        .expect("the loom row");
    let of = |f: Finding| row.minimal.iter().find(|m| m.finding == f).copied().expect("a minimal bound");
    let crash = of(Finding::Assert(AssertFailure::AlreadyApplied));
    assert_eq!((crash.bound, crash.none_below), (2, Some(105)));
    let twice = of(Finding::Assert(AssertFailure::AppliedOnTargetTwice));
    assert_eq!((twice.bound, twice.none_below), (1, Some(1)));
    for r in rows().iter().filter(|r| r.result.checker == Checker::Loom) {
        for inv in r.result.first.keys() {
            assert!(
                r.minimal.iter().any(|m| m.finding == Finding::Invariant(*inv)),
                "{}: {inv} has no minimal bound",
                r.title()
            );
        }
    }
}
