//! Minimal counterexamples: for each invariant a cell breaks, and each assert it trips, the
//! smallest loom preemption bound at which loom finds it, with the exhaustive run at one bound
//! less that finds none (the proof that fewer preemptions cannot show it).

use crate::explore::{explore, Budget, Cell, CellResult, Checker};
use model::race::Site;
use model::{AssertFailure, Invariant};
use std::collections::BTreeMap;
use std::fmt;

/// What a minimal bound is given for: a broken invariant, or one tripped assert.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Finding {
    /// An invariant (for `assert`, any assert).
    Invariant(Invariant),
    /// One assert line.
    Assert(AssertFailure),
    /// A data race on one field (any two accesses).
    Race(Site),
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Invariant(i) => write!(f, "{i}"),
            Finding::Assert(a) => write!(f, "assert {}", a.location()),
            Finding::Race(s) => write!(f, "data race on {} ({}:{})", s.name(), s.file(), s.line()),
        }
    }
}

/// The smallest bound at which loom finds one finding.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MinimalBound {
    /// What was found.
    pub finding: Finding,
    /// The smallest preemption bound at which loom finds it.
    pub bound: usize,
    /// Schedules loom explored at that bound, and how many of them show it.
    pub schedules: u64,
    /// How many of them show it.
    pub showing: u64,
    /// Schedules loom explored exhaustively at `bound - 1` without finding it (`None` at bound 0,
    /// where nothing smaller exists).
    pub none_below: Option<u64>,
}

/// Explores `cell` under loom at bounds `0..=max_bound` and gives, for everything found at some
/// bound, the smallest such bound. Findings are in [`Finding`] order.
pub fn minimal_bounds(cell: Cell, max_bound: usize) -> Vec<MinimalBound> {
    let results: Vec<CellResult> = (0..=max_bound)
        .map(|bound| explore(cell, Checker::Loom, Budget { bound: Some(bound), ..Budget::default() }))
        .collect();
    fold(&results)
}

/// The minimal bounds of what a loom result at bound `b` found, exploring bounds `0..b` beside
/// it (a small cost: each bound explores a fraction of the next). For an unbounded result,
/// bounds up to [`UNBOUNDED_SEARCH`] are tried; a finding none of them shows has no entry.
/// Empty for other checkers, or when nothing was found.
pub fn minimal_for(result: &CellResult) -> Vec<MinimalBound> {
    if result.checker != Checker::Loom || result.first.is_empty() {
        return Vec::new();
    }
    let top = result.depth.preemption_bound().unwrap_or(UNBOUNDED_SEARCH + 1);
    let mut results: Vec<CellResult> = (0..top)
        .map(|bound| explore(result.cell, Checker::Loom, Budget { bound: Some(bound), ..Budget::default() }))
        .collect();
    if result.depth.preemption_bound().is_some() {
        results.push(result.clone());
    }
    fold(&results)
}

/// The largest bound tried for the minimal bounds of an unbounded (proved) result.
pub const UNBOUNDED_SEARCH: usize = 3;

/// The minimal bounds found in a series of loom results at bounds 0, 1, 2, ...
pub fn fold(results: &[CellResult]) -> Vec<MinimalBound> {
    let mut found: BTreeMap<Finding, MinimalBound> = BTreeMap::new();
    let mut previous: Option<u64> = None;
    for (bound, r) in results.iter().enumerate() {
        let mut here: Vec<(Finding, u64)> = r.violating.iter().map(|(i, n)| (Finding::Invariant(*i), *n)).collect();
        here.extend(r.assert_lines.iter().map(|(a, n)| (Finding::Assert(*a), *n)));
        // Schedules per field: the most of any one kind of race on it (a lower bound: two kinds
        // can show in different schedules).
        let mut sites: BTreeMap<Site, u64> = BTreeMap::new();
        for (k, n) in &r.race_kinds {
            let e = sites.entry(k.site).or_default();
            *e = (*e).max(*n);
        }
        here.extend(sites.into_iter().map(|(s, n)| (Finding::Race(s), n)));
        for (finding, n) in here {
            found.entry(finding).or_insert(MinimalBound {
                finding,
                bound,
                schedules: r.schedules,
                showing: n,
                none_below: previous,
            });
        }
        previous = Some(r.schedules);
    }
    found.into_values().collect()
}

/// "needs k preemptions (none with k−1: proved, N schedules)".
pub fn describe(m: &MinimalBound) -> String {
    match m.none_below {
        None => format!("{}: needs 0 preemptions ({} of {} schedules at bound 0)", m.finding, m.showing, m.schedules),
        Some(n) => format!(
            "{}: needs {} preemption{} (none with {}: proved, {n} schedules; {} of {} schedules at bound {})",
            m.finding,
            m.bound,
            if m.bound == 1 { "" } else { "s" },
            m.bound - 1,
            m.showing,
            m.schedules,
            m.bound
        ),
    }
}
