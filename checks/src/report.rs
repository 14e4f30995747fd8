//! The verification matrix: which cells and checkers run, their results as rows, and the three
//! renderings (text with timings, JSON without, Markdown).

use crate::expected;
use crate::explore::{explore, refind_with_shuttle, Budget, Cell, CellResult, Checker, Counterexample, Strength};
use crate::trace;
use model::{Dispatch, Invariant, Policy, ScenarioName};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// The classifier file a user gave (`--classifier`), for the replay commands.
static CLASSIFIER_FILE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records the classifier file the run's `seed-deferral` policies use, so that every replay
/// command printed names it.
pub fn set_classifier_file(path: &str) {
    let _ = CLASSIFIER_FILE.set(path.to_string());
}

/// The command that replays `schedule` of `cell` (with the user's classifier when one was given).
pub fn replay_command(cell: Cell, schedule: &str) -> String {
    let classifier =
        CLASSIFIER_FILE.get().map(|p| format!(" --classifier '{}'", p.replace('\'', "'\\''"))).unwrap_or_default();
    format!(
        "cargo run --release --{classifier} replay {} {} {} --dispatch {}",
        cell.policy.name(),
        cell.scenario.name(),
        schedule,
        cell.dispatch.name()
    )
}

/// Shuttle schedules for `seed-load` (about a millisecond each).
pub const SEED_LOAD_SCHEDULES: usize = 300;

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Policies.
    pub policies: Vec<Policy>,
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
    /// Only these (policy, dispatch) pairs, when set (the candidate fixes of `--compare`).
    pub pairs: Option<Vec<(Policy, Dispatch)>>,
}

impl Plan {
    /// Everything, with the default checkers (std is opt-in: its results depend on timing).
    pub fn full(budget: Budget) -> Self {
        Plan {
            policies: Policy::ALL.to_vec(),
            scenarios: ScenarioName::ALL.to_vec(),
            dispatches: Dispatch::ALL.to_vec(),
            checkers: vec![Checker::Loom, Checker::Random, Checker::Pct, Checker::Dfs],
            budget,
            shard: None,
            pairs: None,
        }
    }
    /// The (cell, checker) jobs of the plan, in report order, after sharding.
    pub fn jobs(&self) -> Vec<(Cell, Checker)> {
        let mut jobs = Vec::new();
        for &scenario in &self.scenarios {
            for &policy in &self.policies {
                for &dispatch in &self.dispatches {
                    if self.pairs.as_ref().is_some_and(|p| !p.contains(&(policy, dispatch))) {
                        continue;
                    }
                    for &checker in &self.checkers {
                        if checker.runs(scenario) {
                            jobs.push((Cell { policy, scenario, dispatch }, checker));
                        }
                    }
                }
            }
        }
        match self.shard {
            Some((k, n)) => jobs.into_iter().enumerate().filter(|(i, _)| i % n == k - 1).map(|(_, j)| j).collect(),
            None => jobs,
        }
    }
    /// The budget for one job (seed-load gets fewer shuttle schedules unless set explicitly).
    pub fn budget_for(&self, cell: Cell, explicit_budget: bool) -> Budget {
        let mut b = self.budget;
        if cell.scenario == ScenarioName::SeedLoad && !explicit_budget {
            b.schedules = SEED_LOAD_SCHEDULES;
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
    pub minimal: Vec<crate::bounds::MinimalBound>,
}

impl Row {
    /// `scenario / policy / dispatch / checker`.
    pub fn title(&self) -> String {
        let c = self.result.cell;
        format!("{} / {} / {} / {}", c.scenario.name(), c.policy.name(), c.dispatch.name(), self.result.checker.name())
    }
}

/// Runs `jobs` on `threads` worker threads and returns their rows in the order of `jobs`,
/// whatever order they finish in: the report is the same for any number of threads. `done` is
/// called as each job finishes (for a progress bar).
pub fn run_jobs(jobs: &[(Cell, Checker, Budget)], threads: usize, done: impl Fn(Cell, Checker) + Sync) -> Vec<Row> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    crate::engines::init();
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
/// twentyfold per preemption (about a minute per cell at bound 3), so its cells stop at 2.
pub fn max_prove_bound(cell: Cell) -> usize {
    if cell.dispatch == Dispatch::BoundedWait {
        2
    } else {
        usize::MAX
    }
}

/// Runs one job and judges it.
pub fn run_job(cell: Cell, checker: Checker, budget: Budget) -> Row {
    if let (Checker::Loom, Some(max)) = (checker, budget.prove) {
        let mut series = crate::explore::deepen(cell, max.min(max_prove_bound(cell)));
        let minimal = crate::bounds::fold(&series);
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
    let minimal = crate::bounds::minimal_for(&result);
    finish_job_with(result, counterexample, budget, minimal)
}

fn finish_job_with(
    result: CellResult,
    mut counterexample: Option<Counterexample>,
    budget: Budget,
    minimal: Vec<crate::bounds::MinimalBound>,
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
    let mismatch = expected::mismatch(&result);
    Row { result, counterexample, mismatch, minimal }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    results: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    policy: &'a str,
    scenario: &'a str,
    dispatch: &'a str,
    checker: &'a str,
    schedules: u64,
    exhaustive: bool,
    bound: Option<usize>,
    strength: &'a str,
    verdict: &'a str,
    violation: Option<JsonViolation>,
    violations: Vec<JsonBroken>,
    schedule: Option<String>,
    matches_expected: bool,
}

#[derive(Serialize)]
struct JsonViolation {
    invariant: String,
    file: Option<&'static str>,
    line: Option<u32>,
    message: String,
}

/// One broken invariant of a result: its first counterexample's place, how many schedules broke
/// it, and for `assert` every assert tripped.
#[derive(Serialize)]
struct JsonBroken {
    invariant: &'static str,
    file: Option<&'static str>,
    line: Option<u32>,
    message: String,
    schedules: u64,
    /// loom only: the smallest preemption bound that shows it.
    min_bound: Option<usize>,
    /// loom only: the schedules loom explored at `min_bound - 1` without finding it.
    none_below: Option<u64>,
    asserts: Vec<JsonAssert>,
    /// For `data-race`: every kind of race seen (field, the two accesses), with its first example.
    races: Vec<JsonRace>,
}

/// One kind of data race of a result.
#[derive(Serialize)]
struct JsonRace {
    field: &'static str,
    file: &'static str,
    line: u32,
    /// `bot worker write / map worker read`.
    accesses: String,
    schedules: u64,
    /// The first schedule's two accesses, with lanes and model lines.
    example: String,
}

#[derive(Serialize)]
struct JsonAssert {
    file: &'static str,
    line: u32,
    schedules: u64,
    min_bound: Option<usize>,
    none_below: Option<u64>,
}

fn json_violation(x: &Counterexample) -> JsonViolation {
    JsonViolation {
        invariant: x.violation.invariant.name().to_string(),
        file: x.violation.source().map(|s| s.0),
        line: x.violation.source().map(|s| s.1),
        message: x.violation.to_string(),
    }
}

fn json_broken(row: &Row) -> Vec<JsonBroken> {
    use crate::bounds::Finding;
    let r = &row.result;
    let minimal = |f: Finding| row.minimal.iter().find(|m| m.finding == f);
    r.first
        .iter()
        .map(|(inv, c)| {
            let m = minimal(Finding::Invariant(*inv));
            let asserts = if *inv == Invariant::Assert {
                r.assert_lines
                    .iter()
                    .map(|(a, n)| {
                        let m = minimal(Finding::Assert(*a));
                        JsonAssert {
                            file: a.file(),
                            line: a.line(),
                            schedules: *n,
                            min_bound: m.map(|m| m.bound),
                            none_below: m.and_then(|m| m.none_below),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let races = if *inv == Invariant::DataRace {
                r.race_kinds
                    .iter()
                    .map(|(k, n)| {
                        let [(ta, ka), (tb, kb)] = k.accesses;
                        JsonRace {
                            field: k.site.name(),
                            file: k.site.file(),
                            line: k.site.line(),
                            accesses: format!("{} {} / {} {}", ta.name(), ka.name(), tb.name(), kb.name()),
                            schedules: *n,
                            example: r.first_by_race.get(k).map(|race| race.to_string()).unwrap_or_default(),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            JsonBroken {
                invariant: inv.name(),
                file: c.violation.source().map(|s| s.0),
                line: c.violation.source().map(|s| s.1),
                message: c.violation.to_string(),
                schedules: r.violating.get(inv).copied().unwrap_or(0),
                min_bound: m.map(|m| m.bound),
                none_below: m.and_then(|m| m.none_below),
                asserts,
                races,
            }
        })
        .collect()
}

/// The JSON report (a stable contract; no timings, so the same arguments give the same bytes).
pub fn render_json(rows: &[Row]) -> String {
    let results = rows
        .iter()
        .map(|r| {
            let c = r.result.cell;
            JsonRow {
                policy: c.policy.name(),
                scenario: c.scenario.name(),
                dispatch: c.dispatch.name(),
                checker: r.result.checker.name(),
                schedules: r.result.schedules,
                exhaustive: r.result.exhaustive,
                bound: r.result.bound,
                strength: r.result.strength.name(),
                verdict: if r.counterexample.is_some() { "violated" } else { "holds" },
                violation: r.counterexample.as_ref().map(json_violation),
                violations: json_broken(r),
                schedule: r.counterexample.as_ref().and_then(|x| x.schedule.clone()),
                matches_expected: r.mismatch.is_none(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&JsonReport { results }).expect("serializable") + "\n"
}

/// The data races each (policy, dispatch) leaves, over every scenario and checker of `rows`:
/// one line per kind of race (field, the two accesses' thread kinds), with the cells that show
/// it and its first example (scenario order, then checker order). Model line numbers are left
/// out so that the listing only changes when a finding does.
pub fn render_races(rows: &[Row]) -> String {
    use model::race::RaceKey;
    /// The scenarios that show one kind of race, and its first example.
    type Seen = (Vec<&'static str>, String);
    let mut by: BTreeMap<(Policy, Dispatch), BTreeMap<RaceKey, Seen>> = BTreeMap::new();
    for r in rows {
        let c = r.result.cell;
        let kinds = by.entry((c.policy, c.dispatch)).or_default();
        for (key, race) in &r.result.first_by_race {
            let (scenarios, _) =
                kinds.entry(*key).or_insert_with(|| (Vec::new(), format!("{}: {}", c.scenario.name(), race.summary())));
            if !scenarios.contains(&c.scenario.name()) {
                scenarios.push(c.scenario.name());
            }
        }
    }
    let mut out = String::new();
    for policy in Policy::ALL {
        for dispatch in Dispatch::ALL {
            let Some(kinds) = by.get(&(policy, dispatch)) else { continue };
            let _ = writeln!(out, "### {} / {}", policy.name(), dispatch.name());
            if kinds.is_empty() {
                let _ = writeln!(out, "no data race\n");
                continue;
            }
            for (key, (scenarios, example)) in kinds {
                let _ = writeln!(out, "- {key} — in {}\n  - e.g. {example}", scenarios.join(", "));
            }
            let _ = writeln!(out);
        }
    }
    out
}

/// An assert's short name in tables: `:174` for SpellAuras.cpp (the crash file), else
/// `Unit.cpp:3705`.
pub fn assert_short(a: model::AssertFailure) -> String {
    if a.file() == "SpellAuras.cpp" {
        format!(":{}", a.line())
    } else {
        a.location()
    }
}

/// The short text of one result: how much was explored, or what broke.
pub fn cell_text(r: &CellResult) -> String {
    let how = match (r.strength, r.bound) {
        (Strength::Proved, Some(k)) if r.checker == Checker::Loom => {
            format!("proved, {} schedules (saturated at bound {k})", r.schedules)
        }
        (Strength::Proved, _) => format!("proved, {} schedule{}", r.schedules, if r.schedules == 1 { "" } else { "s" }),
        (Strength::Bounded, Some(k)) => format!("exhaustive to bound {k}, {} schedules", r.schedules),
        _ => format!("{} schedules sampled", r.schedules),
    };
    if r.first.is_empty() {
        return format!("holds ({how})");
    }
    let broken: Vec<String> = r
        .first
        .keys()
        .map(|inv| match inv {
            Invariant::Assert => {
                let lines: Vec<String> = r.assert_lines.keys().map(|a| assert_short(*a)).collect();
                format!("assert {}", lines.join(","))
            }
            other => other.name().to_string(),
        })
        .collect();
    format!("violated: {} ({how})", broken.join(", "))
}

fn row_key(r: &Row) -> (ScenarioName, Policy, Dispatch) {
    let c = r.result.cell;
    (c.scenario, c.policy, c.dispatch)
}

/// The text or Markdown table: one line per cell, one column per checker.
pub fn render_table(rows: &[Row], markdown: bool, timings: bool) -> String {
    let mut checkers: Vec<Checker> = rows.iter().map(|r| r.result.checker).collect();
    checkers.sort();
    checkers.dedup();
    let mut out = String::new();
    let mut keys: Vec<_> = rows.iter().map(row_key).collect();
    keys.dedup();
    if markdown {
        let _ = write!(out, "| scenario | policy | dispatch |");
        for c in &checkers {
            let _ = write!(out, " {} |", c.name());
        }
        out.push('\n');
        out.push_str(&"|---".repeat(3 + checkers.len()));
        out.push_str("|\n");
    }
    for key in keys {
        let cells: Vec<String> = checkers
            .iter()
            .map(|c| {
                rows.iter()
                    .find(|r| row_key(r) == key && r.result.checker == *c)
                    .map(|r| {
                        let mut t = cell_text(&r.result);
                        if r.mismatch.is_some() {
                            t.push_str(" MISMATCH");
                        }
                        if timings {
                            let _ = write!(t, " [{:.2?}]", r.result.elapsed);
                        }
                        t
                    })
                    .unwrap_or_else(|| "-".to_string())
            })
            .collect();
        if markdown {
            let _ = writeln!(out, "| {} | {} | {} | {} |", key.0.name(), key.1.name(), key.2.name(), cells.join(" | "));
        } else {
            let _ = writeln!(out, "{} / {} / {}", key.0.name(), key.1.name(), key.2.name());
            for (c, t) in checkers.iter().zip(cells) {
                if t != "-" {
                    let _ = writeln!(out, "    {:<15} {}", c.name(), t);
                }
            }
        }
    }
    out
}

/// The minimal bound of a counterexample's violation, when loom found it.
fn minimal_of<'a>(row: &'a Row, c: &Counterexample) -> Option<&'a crate::bounds::MinimalBound> {
    let target = match c.violation.assert {
        Some(a) => crate::bounds::Finding::Assert(a),
        None => crate::bounds::Finding::Invariant(c.violation.invariant),
    };
    row.minimal.iter().find(|m| m.finding == target)
}

/// One counterexample per violated cell (loom's where it ran), as lanes or Mermaid.
pub fn render_counterexamples(rows: &[Row], markdown: bool) -> String {
    let mut out = String::new();
    let mut keys: Vec<_> = rows.iter().map(row_key).collect();
    keys.dedup();
    for key in keys {
        let mut candidates: Vec<&Row> =
            rows.iter().filter(|r| row_key(r) == key && r.counterexample.is_some()).collect();
        candidates.sort_by_key(|r| r.result.checker);
        let Some(row) = candidates.first() else { continue };
        let c = row.counterexample.as_ref().expect("filtered");
        let cut = trace::cut(&c.trace, &c.violation);
        let (scenario, policy, dispatch) = key;
        if markdown {
            let _ = writeln!(out, "### {} / {} / {}\n", scenario.name(), policy.name(), dispatch.name());
            let _ = writeln!(
                out,
                "**{}** (found by {}, schedule {})\n",
                c.violation,
                row.result.checker.name(),
                c.schedule_index
            );
            out.push_str(&trace::render_mermaid(&cut));
        } else {
            let _ = writeln!(out, "== {} / {} / {}: {}", scenario.name(), policy.name(), dispatch.name(), c.violation);
            let _ = writeln!(out, "   found by {} at schedule {}", row.result.checker.name(), c.schedule_index);
            if let Some(m) = minimal_of(row, c) {
                let _ = writeln!(out, "   {}", crate::bounds::describe(m));
            }
            out.push_str(&trace::render_lanes(&cut));
        }
        if let Some(s) = &c.schedule {
            let _ = writeln!(
                out,
                "{}replay: {}\n",
                if markdown { "\n" } else { "   " },
                replay_command(row.result.cell, s)
            );
        } else {
            out.push('\n');
        }
    }
    out
}

/// Time spent per checker.
pub fn render_timings(rows: &[Row]) -> String {
    let mut out = String::new();
    for checker in Checker::ALL {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.result.checker == checker).collect();
        if mine.is_empty() {
            continue;
        }
        let time: Duration = mine.iter().map(|r| r.result.elapsed).sum();
        let schedules: u64 = mine.iter().map(|r| r.result.schedules).sum();
        let _ =
            writeln!(out, "{:<15} {:>4} cells {:>9} schedules {:>10.2?}", checker.name(), mine.len(), schedules, time);
    }
    out
}
