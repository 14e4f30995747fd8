//! `verify bless`: the pin table written from runs.
//!
//! Each cell is explored the way the deepest profile the project ships explores it: loom
//! deepening its bound from 0 until the search saturates or reaches the prove profile's bound
//! ([`crate::matrix::max_prove_bound`]), and shuttle's random, PCT and DFS schedulers with the
//! default seed and budget. What the runs find, and how (the smallest loom bound, the shuttle
//! checkers), is the cell's [`Truth`]. A cell keeps its reason while it breaks the same
//! invariants and trips the same asserts as before; otherwise its reason is cleared, and a test
//! fails until someone writes the new one.

use super::table::{LoomSearch, Reach, Row, Search, Table, Truth};
use crate::explore::bounds::Finding;
use crate::explore::{Budget, Cell, Checker, Strength};
use crate::matrix::{self, Plan};
use model::{AiPlacement, Dispatch, Policy, ScenarioName};
use std::collections::{BTreeMap, BTreeSet};

/// The prove profile's deepest loom bound, which blessing searches to.
pub const LOOM_MAX_BOUND: usize = 4;

/// The budget blessing searches with.
pub fn search() -> Search {
    let d = Budget::default();
    Search {
        loom_max_bound: LOOM_MAX_BOUND,
        bounded_wait_max_bound: matrix::max_prove_bound(Cell {
            policy: Policy::ALL[0],
            ai: AiPlacement::ALL[0],
            scenario: ScenarioName::ALL[0],
            dispatch: Dispatch::BoundedWait,
        })
        .min(LOOM_MAX_BOUND),
        shuttle_schedules: d.schedules,
        large_schedules: matrix::LARGE_SCHEDULES,
        seed: d.seed,
        pct_depth: d.pct_depth,
    }
}

/// The (cell, checker, budget) jobs that bless `cells`.
pub fn jobs(cells: &[Cell]) -> Vec<(Cell, Checker, Budget)> {
    let plan = Plan::full(Budget { prove: Some(LOOM_MAX_BOUND), ..Budget::default() });
    let mut out = Vec::new();
    for &cell in cells {
        for &checker in &plan.checkers {
            if checker.runs(cell.scenario) {
                out.push((cell, checker, plan.budget_for(cell, false)));
            }
        }
    }
    out
}

/// Explores `cells` on `threads` worker threads (`done` is called as each job finishes) and
/// returns `previous` with their measured truths ([`merge`]).
pub fn bless(previous: &Table, cells: &[Cell], threads: usize, done: impl Fn(Cell, Checker) + Sync) -> Table {
    let rows = matrix::run_jobs(&jobs(cells), threads, done);
    let truths: BTreeMap<Cell, Truth> = cells
        .iter()
        .map(|&cell| (cell, truth(&rows.iter().filter(|r| r.result.cell == cell).collect::<Vec<_>>())))
        .collect();
    merge(previous, &truths)
}

/// The truth of one cell, from its rows (one per checker of [`jobs`]).
pub fn truth(rows: &[&matrix::Row]) -> Truth {
    let mut loom = LoomSearch::NotRun;
    let mut findings: BTreeMap<Finding, Reach> = BTreeMap::new();
    for row in rows {
        let r = &row.result;
        if r.checker == Checker::Loom {
            loom = match (r.strength, r.depth.preemption_bound()) {
                (Strength::Proved, _) | (_, None) => LoomSearch::Every,
                (_, Some(k)) => LoomSearch::UpTo(k),
            };
            for m in &row.minimal {
                findings.entry(m.finding).or_default().loom = Some(m.bound);
            }
            continue;
        }
        for f in found(r) {
            findings.entry(f).or_default().shuttle.insert(r.checker);
        }
    }
    Truth { loom, findings }
}

/// Everything a result found: the invariants broken, the asserts tripped, the fields raced on.
pub fn found(r: &crate::explore::CellResult) -> BTreeSet<Finding> {
    let mut out: BTreeSet<Finding> = r.violating.keys().map(|i| Finding::Invariant(*i)).collect();
    out.extend(r.assert_lines.keys().map(|a| Finding::Assert(*a)));
    out.extend(r.race_kinds.keys().map(|k| Finding::Race(k.site)));
    out
}

/// Whether a reason written for `old` still explains `new`: the same invariants broken and the
/// same asserts tripped.
fn same_story(old: &Truth, new: &Truth) -> bool {
    old.broken().eq(new.broken()) && old.asserts().eq(new.asserts())
}

/// The new table: `blessed` cells with their measured truths (reasons carried from `previous`
/// where the same invariants broke and the same asserts tripped), every other cell of
/// `previous` as it was.
pub fn merge(previous: &Table, blessed: &BTreeMap<Cell, Truth>) -> Table {
    let mut cells: BTreeMap<Cell, (Truth, String)> = BTreeMap::new();
    for row in &previous.rows {
        for cell in row.cells() {
            cells.insert(cell, (row.truth.clone(), row.why.clone()));
        }
    }
    for (&cell, truth) in blessed {
        let why = match previous.row(cell) {
            Some(old) if same_story(&old.truth, truth) => old.why.clone(),
            _ => String::new(),
        };
        cells.insert(cell, (truth.clone(), why));
    }
    let search = if blessed.is_empty() { previous.search } else { search() };
    Table::new(search, group(&cells)).expect("one row per cell")
}

/// Rows from cells: per scenario, each (policy, AI placement)'s dispatch modes grouped by
/// identical truth and reason, then the policy's placements with identical groups merged, then
/// policies with identical groups merged; in report order. A row's policies all pair with all its
/// placements, since a policy joins a row only with the same placements.
fn group(cells: &BTreeMap<Cell, (Truth, String)>) -> Vec<Row> {
    /// Dispatch modes (or placements and dispatch modes) with one truth and reason.
    type Group<'a, K> = (K, &'a Truth, &'a String);
    let mut rows = Vec::new();
    for scenario in ScenarioName::ALL {
        let mut here: Vec<Row> = Vec::new();
        for policy in Policy::ALL {
            let mut by_placement: Vec<Group<(Vec<AiPlacement>, Vec<Dispatch>)>> = Vec::new();
            for ai in AiPlacement::ALL.into_iter().filter(|ai| ai.pairs_with(policy)) {
                let mut groups: Vec<Group<Vec<Dispatch>>> = Vec::new();
                for dispatch in Dispatch::ALL.into_iter().filter(|&d| ai.pairs(policy, d)) {
                    let Some((truth, why)) = cells.get(&Cell { policy, ai, scenario, dispatch }) else { continue };
                    match groups.iter_mut().find(|(_, t, w)| *t == truth && *w == why) {
                        Some(g) => g.0.push(dispatch),
                        None => groups.push((vec![dispatch], truth, why)),
                    }
                }
                for (dispatches, truth, why) in groups {
                    match by_placement.iter_mut().find(|((_, d), t, w)| *d == dispatches && *t == truth && *w == why) {
                        Some(g) => g.0 .0.push(ai),
                        None => by_placement.push(((vec![ai], dispatches), truth, why)),
                    }
                }
            }
            for ((placements, dispatches), truth, why) in by_placement {
                match here.iter_mut().find(|r| {
                    r.placements == placements && r.dispatches == dispatches && &r.truth == truth && &r.why == why
                }) {
                    Some(row) => row.policies.push(policy),
                    None => here.push(Row {
                        scenario,
                        policies: vec![policy],
                        placements,
                        dispatches,
                        truth: truth.clone(),
                        why: why.clone(),
                    }),
                }
            }
        }
        rows.extend(here);
    }
    rows
}

/// What changed between two tables, one line per cell whose truth changed.
pub fn changes(previous: &Table, next: &Table) -> Vec<String> {
    let mut out = Vec::new();
    for row in &next.rows {
        for cell in row.cells() {
            match previous.row(cell) {
                None => out.push(format!("{cell}: new")),
                Some(old) if old.truth != row.truth => {
                    let old_f: BTreeSet<_> = old.truth.findings.keys().collect();
                    let new_f: BTreeSet<_> = row.truth.findings.keys().collect();
                    let gone: Vec<String> = old_f.difference(&new_f).map(|f| f.to_string()).collect();
                    let added: Vec<String> = new_f.difference(&old_f).map(|f| f.to_string()).collect();
                    let mut what = Vec::new();
                    if !added.is_empty() {
                        what.push(format!("now finds {}", added.join(", ")));
                    }
                    if !gone.is_empty() {
                        what.push(format!("no longer finds {}", gone.join(", ")));
                    }
                    if what.is_empty() {
                        what.push("the same findings, reached differently".to_string());
                    }
                    out.push(format!("{cell}: {}", what.join("; ")));
                }
                Some(_) => {}
            }
        }
    }
    out
}
