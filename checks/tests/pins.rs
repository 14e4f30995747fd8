//! The pin table (`checks/data/pins.toml`) and the verdict read against it.
//!
//! `cargo test -p checks --release --test pins`: the table is whole, canonical and explained;
//! every way a result can differ from its row (a new finding, a loom finding lost or found below
//! its bound, a shuttle finding that vanishes or appears within the pinned budget, a cell with no
//! row) is reported; blessing keeps a reason only while the story is the same.

use checks::expected::table::{LoomSearch, Reach, Row, Table, Truth};
use checks::expected::{self, bless};
use checks::explore::bounds::Finding;
use checks::explore::{explore, Budget, Cell, Checker};
use model::{AiPlacement, Dispatch, Invariant, Policy, ScenarioName};
use std::collections::{BTreeMap, BTreeSet};

fn table() -> &'static Table {
    expected::pins().expect("checks/data/pins.toml parses")
}

/// The table names every cell of the matrix (every policy × every AI placement it pairs with ×
/// every dispatch mode × every scenario) exactly once (two rows on one cell fail to parse), so no
/// cell falls back to an unstated "holds".
#[test]
fn every_cell_has_exactly_one_row() {
    let mut missing = Vec::new();
    for scenario in ScenarioName::ALL {
        for policy in Policy::ALL {
            for ai in AiPlacement::ALL.into_iter().filter(|ai| ai.pairs_with(policy)) {
                for dispatch in Dispatch::ALL.into_iter().filter(|&d| ai.pairs(policy, d)) {
                    let cell = Cell { policy, ai, scenario, dispatch };
                    if table().row(cell).is_none() {
                        missing.push(cell.to_string());
                    }
                }
            }
        }
    }
    assert!(missing.is_empty(), "cells with no pinned truth (run `verify bless`): {missing:?}");
}

/// Nothing lands unexplained: every row carries a reason written by hand.
#[test]
fn every_row_has_a_reason() {
    let unexplained: Vec<String> = table().rows.iter().filter(|r| r.why.trim().is_empty()).map(|r| r.title()).collect();
    assert!(unexplained.is_empty(), "rows with no `why` in checks/data/pins.toml: {unexplained:#?}");
}

/// The file is in its one canonical layout, so a bless diff shows only what changed.
#[test]
fn the_file_is_canonical() {
    let text = std::fs::read_to_string(expected::PINS_FILE).expect("read pins.toml");
    let parsed = Table::parse(&text).expect("parses");
    assert_eq!(parsed.write(), text, "pins.toml is not in the layout `verify bless` writes");
    assert_eq!(&parsed, table(), "the file differs from the table built into the binary: rebuild");
}

/// A loom row records the search the prove profile makes, so the prove profile cannot find
/// more than the table knows.
#[test]
fn loom_rows_are_searched_as_deep_as_the_prove_profile() {
    let s = table().search;
    for row in &table().rows {
        let first = Cell {
            policy: row.policies[0],
            ai: row.placements[0],
            scenario: row.scenario,
            dispatch: row.dispatches[0],
        };
        let deepest = checks::matrix::max_prove_bound(first).min(s.loom_max_bound);
        match row.truth.loom {
            LoomSearch::NotRun => {
                assert!(!row.scenario.is_small(), "{}: loom not run on a small scenario", row.scenario.name())
            }
            LoomSearch::UpTo(k) => assert_eq!(k, deepest, "{} {:?}", row.scenario.name(), row.dispatches),
            LoomSearch::Every => {}
        }
    }
}

/// Bad input is an error naming the row and the value, never a panic.
#[test]
fn bad_tables_are_refused_with_the_reason() {
    let text = std::fs::read_to_string(expected::PINS_FILE).expect("read pins.toml");
    let cases = [
        (text.replacen("\"data-race\"", "\"data-rase\"", 1), "unknown invariant \"data-rase\""),
        (text.replacen("loom = \"", "loom = \"bound x", 1), "expected \"every schedule\""),
        (text.replacen("\"shuttle-random\"", "\"loom\"", 1), "not a shuttle checker"),
        (text.replacen("[[pin]]", "[[pin]]\nextra = 1", 1), "unknown field"),
        (format!("{text}\n{}", &text[text.find("[[pin]]").unwrap()..]), "both pin"),
        (text.replacen("placements = [\"worker\"]\n", "", 1), "no `placements`"),
        (
            text.replacen("placements = [\"worker\"]", "placements = [\"workers\"]", 1),
            "unknown AI placement \"workers\"",
        ),
        (text.replacen("placements = [\"worker\"]", "placements = []", 1), "at least one policy, one AI placement"),
        (
            text.replacen("placements = [\"worker\"]", "placements = [\"worker\", \"map-thread\"]", 1),
            "the AI placement map-thread does not pair with the policy unsynchronized",
        ),
    ];
    for (bad, says) in cases {
        let err = Table::parse(&bad).expect_err(says);
        assert!(err.contains(says), "{err:?} should say {says:?}");
    }
}

fn cell(policy: Policy, scenario: ScenarioName, dispatch: Dispatch) -> Cell {
    Cell { policy, ai: AiPlacement::Worker, scenario, dispatch }
}

/// `table` with the row of `cell` changed by `edit` (the cell split off into a row of its own).
fn edited(cell: Cell, edit: impl FnMut(&mut Truth)) -> Table {
    let t = table();
    let mut edit = edit;
    let mut rows: Vec<Row> = Vec::new();
    for row in &t.rows {
        let rest = row.clone();
        if row.cells().any(|c| c == cell) {
            let alone = |c: Cell| Row {
                policies: vec![c.policy],
                placements: vec![c.ai],
                dispatches: vec![c.dispatch],
                ..rest.clone()
            };
            let mut own = alone(cell);
            edit(&mut own.truth);
            rows.push(own);
            for c in row.cells().filter(|c| *c != cell) {
                rows.push(alone(c));
            }
            continue;
        }
        rows.push(rest);
    }
    Table::new(t.search, rows).expect("one row per cell")
}

/// The group race behind the barrier: found by loom with no preemption and by every shuttle
/// checker.
const GROUP: (Policy, ScenarioName, Dispatch) = (Policy::SEED_DEFERRAL, ScenarioName::GroupLeave, Dispatch::Barrier);

#[test]
fn a_result_matches_its_own_row() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    for checker in [Checker::Loom, Checker::Random] {
        let budget = Budget::default();
        let r = explore(c, checker, budget);
        assert_eq!(expected::mismatch(&r, &budget), None, "{c} / {}", checker.name());
    }
}

#[test]
fn a_finding_outside_the_row_is_a_regression() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let t = edited(c, |t| {
        t.findings.remove(&Finding::Invariant(Invariant::DataRace));
    });
    let budget = Budget::default();
    let m = expected::mismatch_in(&t, &explore(c, Checker::Loom, budget), &budget).expect("a mismatch");
    assert!(m.starts_with("data-race is broken here, which the pinned truth says holds"), "{m}");
}

/// A search deeper than the row's that finds more is not a contradiction of the pin but new
/// knowledge: it is still a mismatch (nothing lands unpinned), and it says to bless.
#[test]
fn a_finding_beyond_the_pinned_search_is_new_knowledge_to_bless() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let t = edited(c, |t| {
        t.loom = LoomSearch::UpTo(1);
        t.findings.remove(&Finding::Invariant(Invariant::Placement));
    });
    let budget = Budget::default();
    let m = expected::mismatch_in(&t, &explore(c, Checker::Loom, budget), &budget).expect("a mismatch");
    assert!(m.starts_with("placement is broken here, which the pinned truth says holds: new knowledge"), "{m}");
    assert!(m.contains("none up to loom bound 1") && m.contains("bless"), "{m}");
}

#[test]
fn loom_finding_a_pinned_finding_below_its_bound_is_a_mismatch() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let t = edited(c, |t| {
        t.findings.get_mut(&Finding::Invariant(Invariant::Placement)).expect("pinned").loom = Some(3);
    });
    let budget = Budget::default();
    let m = expected::mismatch_in(&t, &explore(c, Checker::Loom, budget), &budget).expect("a mismatch");
    assert_eq!(m, "loom at bound 2 finds placement, which loom did not find when pinned");
}

#[test]
fn loom_losing_a_finding_within_its_bound_is_a_mismatch() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let budget = Budget::default();
    let mut r = explore(c, Checker::Loom, budget);
    r.violating.remove(&Invariant::Placement);
    assert_eq!(expected::mismatch(&r, &budget).as_deref(), Some("loom at bound 2 no longer finds placement"));
}

/// The issue this rule exists for: the removed bot's lost packets on `seed-load` are found
/// only by sampling; if they vanished, a sampled cell must go red.
#[test]
fn a_sampled_finding_that_vanishes_is_a_mismatch() {
    let c = cell(Policy::COMPLETE_DEFERRAL, ScenarioName::SeedLoad, Dispatch::Barrier);
    let budget = Budget { schedules: table().search.large_schedules, ..Budget::default() };
    let mut r = explore(c, Checker::Random, budget);
    assert_eq!(expected::mismatch(&r, &budget), None);
    r.violating.remove(&Invariant::ExactlyOnce);
    let m = expected::mismatch(&r, &budget).expect("a mismatch");
    assert!(m.starts_with("shuttle-random no longer finds exactly-once within its pinned budget"), "{m}");
    // With another budget the same result proves nothing either way.
    let other = Budget { schedules: 7, ..budget };
    assert_eq!(expected::mismatch(&r, &other), None);
}

#[test]
fn a_shuttle_finding_the_row_does_not_credit_is_a_mismatch() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let t = edited(c, |t| {
        t.findings.get_mut(&Finding::Invariant(Invariant::Placement)).expect("pinned").shuttle.clear();
    });
    let budget = Budget::default();
    let m = expected::mismatch_in(&t, &explore(c, Checker::Random, budget), &budget).expect("a mismatch");
    assert_eq!(m, "shuttle-random finds placement, which it did not find when pinned (same budget)");
}

#[test]
fn a_cell_with_no_row_is_a_mismatch() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let t = table();
    let rows = t.rows.iter().filter(|r| !r.cells().any(|x| x == c)).cloned().collect();
    let t = Table::new(t.search, rows).expect("valid");
    let budget = Budget::default();
    let m = expected::mismatch_in(&t, &explore(c, Checker::Loom, budget), &budget).expect("a mismatch");
    assert!(m.starts_with("no pinned truth for group-leave / seed-deferral / ai=worker / barrier"), "{m}");
}

fn truth(findings: &[(Finding, Option<usize>)]) -> Truth {
    Truth {
        loom: LoomSearch::UpTo(4),
        findings: findings.iter().map(|&(f, loom)| (f, Reach { loom, shuttle: BTreeSet::new() })).collect(),
    }
}

/// Blessing keeps a cell's reason while it breaks the same invariants and trips the same
/// asserts (a bound that moves is the same story), and clears it when the story changes, so a
/// changed row cannot land with a stale explanation.
#[test]
fn blessing_keeps_a_reason_only_for_the_same_story() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let race = Finding::Invariant(Invariant::DataRace);
    let uaf = Finding::Invariant(Invariant::UseAfterFree);
    let base = edited(c, |t| *t = truth(&[(race, Some(0))]));
    let moved = bless::merge(&base, &BTreeMap::from([(c, truth(&[(race, Some(1))]))]));
    assert_eq!(moved.row(c).expect("pinned").why, base.row(c).expect("pinned").why);
    let grown = bless::merge(&base, &BTreeMap::from([(c, truth(&[(race, Some(0)), (uaf, None)]))]));
    assert_eq!(grown.row(c).expect("pinned").why, "");
    assert_eq!(bless::changes(&base, &grown), vec![format!("{c}: now finds use-after-free")]);
    // Every other cell is kept as it was.
    let other = cell(Policy::MAP_ROUTING, ScenarioName::GroupLeave, Dispatch::Barrier);
    assert_eq!(grown.row(other).map(|r| &r.truth), base.row(other).map(|r| &r.truth));
}

/// The writer and the parser agree on any reason text.
#[test]
fn reasons_round_trip() {
    let c = cell(GROUP.0, GROUP.1, GROUP.2);
    let mut t = edited(c, |_| {});
    let i = t.rows.iter().position(|r| r.cells().any(|x| x == c)).expect("row");
    t.rows[i].why = "quotes \" and \\ backslashes, a tab\tand ünïcode".to_string();
    let back = Table::parse(&t.write()).expect("parses");
    assert_eq!(back.rows[i].why, t.rows[i].why);
    assert_eq!(back.write(), t.write());
}

/// Blessing groups cells over AI placements as over policies and dispatch modes: the two
/// map-thread placements of map routing on `group-leave` hold the same truth and share one row (a
/// product of its policies, placements and dispatch modes); blessing the same truths again keeps
/// that row and reports no change, and the written table reads back the same.
#[test]
fn blessing_groups_cells_over_placements() {
    let on_map = Cell {
        policy: Policy::MAP_ROUTING,
        ai: AiPlacement::MapThread,
        scenario: ScenarioName::GroupLeave,
        dispatch: Dispatch::Barrier,
    };
    let queued = Cell { ai: AiPlacement::MapThreadGroupQueue, ..on_map };
    let base = table();
    let row = base.row(on_map).expect("pinned");
    assert_eq!(row.placements, [AiPlacement::MapThread, AiPlacement::MapThreadGroupQueue]);
    assert_eq!(base.row(queued), Some(row));
    let same = row.truth.clone();
    let next = bless::merge(base, &BTreeMap::from([(queued, same.clone()), (on_map, same)]));
    assert_eq!(next.row(on_map), next.row(queued));
    assert_eq!(next.row(on_map).map(|r| &r.why), Some(&row.why));
    assert!(bless::changes(base, &next).is_empty());
    let back = Table::parse(&next.write()).expect("parses");
    assert_eq!(back.write(), next.write());
}
