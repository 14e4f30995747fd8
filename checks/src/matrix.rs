//! The verification matrix, run: which cells and checkers run ([`Plan`]), each job explored on a
//! pool of worker threads ([`run_jobs`], [`run_job`]), its smallest loom bounds folded in and its
//! verdict against the pinned truth ([`crate::expected`]) kept on its [`Row`]. The walk goes
//! one way: plan → [`crate::explore`] → [`crate::explore::bounds`] → [`crate::expected`]; the
//! rows are rendered by [`crate::report`].

use crate::expected;
use crate::explore::{explore, refind_with_shuttle, Budget, Cell, CellResult, Checker, Counterexample};
use model::{AiPlacement, Dispatch, Invariant, Policy, ScenarioName};

/// Shuttle schedules per checker for a scenario too large for loom (`seed-load`: about a
/// millisecond each; a small scenario gets [`Budget::default`]'s).
pub const LARGE_SCHEDULES: usize = 300;

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Policies.
    pub policies: Vec<Policy>,
    /// AI placements (each cell keeps only those that pair with its policy,
    /// [`AiPlacement::pairs_with`]).
    pub placements: Vec<AiPlacement>,
    /// Scenarios.
    pub scenarios: Vec<ScenarioName>,
    /// Dispatch modes.
    pub dispatches: Vec<Dispatch>,
    /// Checkers.
    pub checkers: Vec<Checker>,
    /// Budget.
    pub budget: Budget,
    /// `(k, n)`: run only the k-th of n shares (1-based).
    pub shard: Option<(usize, usize)>,
    /// Only these (policy, AI placement, dispatch) combinations, when set (the candidate fixes:
    /// `--compare`, and the default run).
    pub only: Option<Vec<(Policy, AiPlacement, Dispatch)>>,
}

impl Plan {
    /// Everything (every policy × every AI placement it pairs with × every dispatch mode × every
    /// scenario), with the default checkers (std is opt-in: its results depend on timing).
    pub fn full(budget: Budget) -> Self {
        Plan {
            policies: Policy::ALL.to_vec(),
            placements: AiPlacement::ALL.to_vec(),
            scenarios: ScenarioName::ALL.to_vec(),
            dispatches: Dispatch::ALL.to_vec(),
            checkers: vec![Checker::Loom, Checker::Random, Checker::Pct, Checker::Dfs],
            budget,
            shard: None,
            only: None,
        }
    }
    /// The cells of the plan, in report order (scenario, policy, AI placement, dispatch mode),
    /// before sharding: the product of its axes, each placement only with the policies it pairs
    /// with, narrowed to [`Plan::only`] when set.
    pub fn cells(&self) -> Vec<Cell> {
        let mut cells = Vec::new();
        for &scenario in &self.scenarios {
            for &policy in &self.policies {
                for &ai in self.placements.iter().filter(|ai| ai.pairs_with(policy)) {
                    for &dispatch in self.dispatches.iter().filter(|&&d| ai.pairs(policy, d)) {
                        if self.only.as_ref().is_none_or(|o| o.contains(&(policy, ai, dispatch))) {
                            cells.push(Cell { policy, ai, scenario, dispatch });
                        }
                    }
                }
            }
        }
        cells
    }
    /// The (cell, checker) jobs of the plan, in report order, after sharding. A shard takes
    /// whole cells, every `n`-th one (the cell's checkers stay together), so the expensive loom
    /// searches spread over the shards instead of all landing in the one that gets the loom jobs.
    pub fn jobs(&self) -> Vec<(Cell, Checker)> {
        let cells = self.cells();
        let mut jobs = Vec::new();
        for (i, &cell) in cells.iter().enumerate() {
            if self.shard.is_none_or(|(k, n)| i % n == k - 1) {
                jobs.extend(self.checkers.iter().filter(|c| c.runs(cell.scenario)).map(|&c| (cell, c)));
            }
        }
        jobs
    }
    /// The budget for one job: a scenario too large for loom gets [`LARGE_SCHEDULES`] shuttle
    /// schedules unless the number was set explicitly.
    pub fn budget_for(&self, cell: Cell, explicit_budget: bool) -> Budget {
        let mut b = self.budget;
        if !cell.scenario.is_small() && !explicit_budget {
            b.schedules = LARGE_SCHEDULES;
        }
        b
    }
}

/// One result with its verdict against the pinned truth.
#[derive(Clone, Debug)]
pub struct Row {
    /// The exploration's result.
    pub result: CellResult,
    /// The reported counterexample, with a replayable schedule where one was found.
    pub counterexample: Option<Counterexample>,
    /// Why it does not match the pinned truth.
    pub mismatch: Option<String>,
    /// For a loom result, the smallest bound at which loom shows each finding.
    pub minimal: Vec<crate::explore::bounds::MinimalBound>,
}

impl Row {
    /// `scenario / policy / ai=<placement> / dispatch / checker`.
    pub fn title(&self) -> String {
        let c = self.result.cell;
        format!("{c} / {}", self.result.checker.name())
    }
}

/// Runs `jobs` on `threads` worker threads and returns their rows in the order of `jobs`,
/// whatever order they finish in: the report is the same for any number of threads. `done` is
/// called as each job finishes (for a progress bar).
pub fn run_jobs(jobs: &[(Cell, Checker, Budget)], threads: usize, done: impl Fn(Cell, Checker) + Sync) -> Vec<Row> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    crate::explore::init();
    let next = AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Row>>> = jobs.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|scope| {
        for _ in 0..threads.clamp(1, jobs.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(cell, checker, budget)) = jobs.get(i) else { break };
                let row = run_job(cell, checker, budget);
                *slots[i].lock().unwrap_or_else(|p| p.into_inner()) = Some(row);
                done(cell, checker);
            });
        }
    });
    slots.into_iter().map(|s| s.into_inner().unwrap_or_else(|p| p.into_inner()).expect("every job ran")).collect()
}

/// The deepest bound `--prove` takes a cell to: the bounded wait's schedules grow about
/// twentyfold per preemption (about a minute per cell at bound 3), so its cells stop at 2; the
/// party buff's fire-and-forget cells, whose cast hits two players while the next tick's map
/// update runs both, stop at 3 (`--scenario party-buff --policy seed-deferral --dispatch
/// fire-and-forget --checker loom --bound 4`: 761,526 schedules, 97 s, against 52,822 and 6.4 s
/// at bound 3).
pub fn max_prove_bound(cell: Cell) -> usize {
    match (cell.scenario, cell.dispatch) {
        (_, Dispatch::BoundedWait) => 2,
        (ScenarioName::PartyBuff, Dispatch::FireAndForget) => 3,
        _ => usize::MAX,
    }
}

/// Runs one job and judges it.
pub fn run_job(cell: Cell, checker: Checker, budget: Budget) -> Row {
    if let (Checker::Loom, Some(max)) = (checker, budget.prove) {
        let mut series = crate::explore::deepen(cell, max.min(max_prove_bound(cell)));
        let minimal = crate::explore::bounds::fold(&series);
        let result = series.pop().expect("bound 0 at least");
        let counterexample = result.reported().cloned();
        return finish_job_with(result, counterexample, budget, minimal);
    }
    let result = explore(cell, checker, budget);
    let counterexample = result.reported().cloned();
    finish_job(result, counterexample, budget)
}

/// [`run_job`], reporting the counterexample of `invariant` (none when it holds).
pub fn run_job_for(cell: Cell, checker: Checker, budget: Budget, invariant: Invariant) -> Row {
    let result = explore(cell, checker, budget);
    let counterexample = match invariant {
        Invariant::Assert => result.reported().filter(|c| c.violation.invariant == Invariant::Assert).cloned(),
        other => result.first.get(&other).cloned(),
    };
    finish_job(result, counterexample, budget)
}

fn finish_job(result: CellResult, counterexample: Option<Counterexample>, budget: Budget) -> Row {
    let minimal = crate::explore::bounds::minimal_for(&result);
    finish_job_with(result, counterexample, budget, minimal)
}

fn finish_job_with(
    result: CellResult,
    mut counterexample: Option<Counterexample>,
    budget: Budget,
    minimal: Vec<crate::explore::bounds::MinimalBound>,
) -> Row {
    let (cell, checker) = (result.cell, result.checker);
    if let Some(c) = counterexample.as_mut() {
        if c.schedule.is_none() && checker == Checker::Loom {
            if let Some(found) = refind_with_shuttle(cell, &c.violation, budget) {
                c.schedule = found.schedule;
                c.preemptions = found.preemptions;
            }
        }
    }
    let mismatch = expected::mismatch(&result, &budget);
    Row { result, counterexample, mismatch, minimal }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The full plan is every policy × every AI placement it pairs with × every dispatch mode ×
    /// every scenario, each once, and nothing else; the candidates' plan is the candidates' cells on
    /// every scenario.
    #[test]
    fn the_full_plan_is_the_product_of_the_paired_axes() {
        let cells = Plan::full(Budget::default()).cells();
        let paired: usize = Policy::ALL
            .iter()
            .map(|&p| {
                AiPlacement::ALL.iter().map(|a| Dispatch::ALL.iter().filter(|&&d| a.pairs(p, d)).count()).sum::<usize>()
            })
            .sum();
        assert_eq!(cells.len(), ScenarioName::ALL.len() * paired);
        assert!(cells.iter().all(|c| c.ai.pairs(c.policy, c.dispatch)));
        let mut unique = cells.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), cells.len());
        for ai in AiPlacement::ALL {
            assert!(cells.iter().any(|c| c.ai == ai), "no cell of {}", ai.name());
        }
        let only = crate::audit::compare::cells();
        let candidates = Plan { only: Some(only.clone()), ..Plan::full(Budget::default()) }.cells();
        assert_eq!(candidates.len(), only.len() * ScenarioName::ALL.len());
        assert!(candidates.iter().all(|c| only.contains(&(c.policy, c.ai, c.dispatch))));
    }

    /// The shards of a plan partition its jobs: together they are the whole plan, in no shard
    /// twice, and each cell's jobs (its loom search with its shuttle runs) in one shard; no shard
    /// is left with only cheap checkers.
    #[test]
    fn shards_partition_the_plan_by_cell() {
        let full = Plan::full(Budget::default());
        let all = full.jobs();
        let n = 4;
        let mut seen = Vec::new();
        for k in 1..=n {
            let shard = Plan { shard: Some((k, n)), ..full.clone() }.jobs();
            assert!(shard.iter().any(|(_, c)| *c == Checker::Loom), "shard {k}/{n} has no loom job");
            for (cell, _) in &shard {
                let whole = all.iter().filter(|(c, _)| c == cell).count();
                assert_eq!(shard.iter().filter(|(c, _)| c == cell).count(), whole, "{cell} split across shards");
            }
            seen.extend(shard);
        }
        seen.sort();
        let mut expected = all.clone();
        expected.sort();
        assert_eq!(seen, expected);
    }
}
