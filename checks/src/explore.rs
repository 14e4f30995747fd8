//! Explores one cell of the matrix — a (policy, scenario, dispatch) triple — under one checker,
//! counts the schedules it ran, and keeps the first counterexample of each broken invariant.
//!
//! Neither engine is asked to find a panic: the model records a tripped assert instead of
//! panicking (the server would stop; the model's thread stops), so exploration runs to its end
//! and every schedule is judged on all seven invariants. That is what makes the counts exact
//! (loom reports none) and lets one run show both the assert and, say, a double effect.
//!
//! Shuttle schedules are captured in-process by [`Recording`], a scheduler wrapper that writes
//! down every choice of the scheduler it wraps; a kept schedule replays with shuttle's
//! `ReplayScheduler` ([`replay`]). Loom gives no schedule: its counterexample keeps the failing
//! iteration and its trace, and the same violation is then re-found under shuttle
//! ([`refind_with_shuttle`]) to get a schedule that replays.

use crate::engines::{Loom, Shuttle};
use model::outcome::{Event, Lane};
use model::race::{Race, RaceKey};
use model::sync::Std;
use model::world::{run, run_with_trace_cap};
use model::{AssertFailure, Dispatch, Invariant, Outcome, Policy, Scenario, ScenarioName, Violation};
use shuttle::scheduler::{
    DfsScheduler, PctScheduler, RandomScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId,
};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A way to explore schedules.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Checker {
    /// loom: every schedule up to a preemption bound.
    Loom,
    /// shuttle's random scheduler, fixed seed.
    Random,
    /// shuttle's PCT scheduler, fixed seed and depth.
    Pct,
    /// shuttle's depth-first enumeration (no partial-order reduction), up to a budget.
    Dfs,
    /// Real OS threads: whatever the machine's timing gives.
    Std,
}

impl Checker {
    /// All checkers, in report order.
    pub const ALL: [Checker; 5] = [Checker::Loom, Checker::Random, Checker::Pct, Checker::Dfs, Checker::Std];
    /// Name.
    pub fn name(self) -> &'static str {
        match self {
            Checker::Loom => "loom",
            Checker::Random => "shuttle-random",
            Checker::Pct => "shuttle-pct",
            Checker::Dfs => "shuttle-dfs",
            Checker::Std => "std",
        }
    }
    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Checker> {
        Checker::ALL.into_iter().find(|c| c.name() == name)
    }
    /// Whether the checker can run `scenario` (loom and DFS only the small ones).
    pub fn runs(self, scenario: ScenarioName) -> bool {
        !matches!(self, Checker::Loom | Checker::Dfs) || scenario.is_small()
    }
    /// Whether the same arguments give the same counts on every run.
    pub fn deterministic(self) -> bool {
        self != Checker::Std
    }
}

/// How strong a result is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Strength {
    /// Every schedule was explored: loom with no preemption bound, shuttle's DFS run to its end,
    /// or a cell with a single schedule. "holds" is a proof.
    Proved,
    /// loom explored every schedule up to a preemption bound. "holds" is a proof for schedules
    /// with at most that many preemptions.
    Bounded,
    /// Schedules were sampled (shuttle random or PCT, DFS cut by its budget, std). "holds" means
    /// none of them broke anything.
    Sampled,
}

impl Strength {
    /// The JSON name.
    pub fn name(self) -> &'static str {
        match self {
            Strength::Proved => "proved",
            Strength::Bounded => "bounded",
            Strength::Sampled => "sampled",
        }
    }
}

/// How far to explore.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// loom's preemption bound; `None` explores every schedule.
    pub bound: Option<usize>,
    /// Schedules for the shuttle schedulers and runs for std.
    pub schedules: usize,
    /// PCT depth (the races modelled need two preemptions, so depth 3).
    pub pct_depth: usize,
    /// Seed of the random and PCT schedulers.
    pub seed: u64,
    /// The prove profile: loom explores bound 0, 1, 2, ... up to this bound and stops as soon as
    /// one more preemption adds no schedule (the search has saturated: every schedule is
    /// explored, and "holds" is proved). `bound` is then ignored for loom.
    pub prove: Option<usize>,
}

impl Default for Budget {
    fn default() -> Self {
        Budget { bound: Some(2), schedules: 2_000, pct_depth: 3, seed: 0x49416, prove: None }
    }
}

/// One cell of the matrix.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Cell {
    /// Policy.
    pub policy: Policy,
    /// Scenario.
    pub scenario: ScenarioName,
    /// Bot dispatch mode.
    pub dispatch: Dispatch,
}

/// The first schedule that broke one invariant.
#[derive(Clone, Debug)]
pub struct Counterexample {
    /// What broke.
    pub violation: Violation,
    /// Which explored schedule (1-based) first showed it.
    pub schedule_index: u64,
    /// The run's whole trace.
    pub trace: Vec<(Lane, Event)>,
    /// A shuttle schedule that replays it (shuttle checkers; loom after [`refind_with_shuttle`]).
    pub schedule: Option<String>,
    /// How many times that shuttle schedule preempts a thread that could have gone on (an upper
    /// bound on the preemptions the violation needs).
    pub preemptions: Option<usize>,
}

/// What exploring one cell under one checker found.
#[derive(Clone, Debug)]
pub struct CellResult {
    /// The cell.
    pub cell: Cell,
    /// The checker.
    pub checker: Checker,
    /// Schedules run.
    pub schedules: u64,
    /// True when every schedule (up to the bound, for loom) was run.
    pub exhaustive: bool,
    /// loom's preemption bound (`None`: unbounded), or PCT's depth.
    pub bound: Option<usize>,
    /// How strong the result is.
    pub strength: Strength,
    /// For each broken invariant, how many schedules broke it.
    pub violating: BTreeMap<Invariant, u64>,
    /// For each broken invariant, its first counterexample.
    pub first: BTreeMap<Invariant, Counterexample>,
    /// For each tripped assert, how many schedules tripped it.
    pub assert_lines: BTreeMap<AssertFailure, u64>,
    /// For each tripped assert, its first counterexample.
    pub first_by_line: BTreeMap<AssertFailure, Counterexample>,
    /// For each kind of data race (field and the two accesses' thread kinds), how many schedules
    /// showed it, anywhere in the run (not only as the run's first race).
    pub race_kinds: BTreeMap<RaceKey, u64>,
    /// For each kind of data race, its first instance (the two accesses name their lanes and
    /// model lines; the schedule that showed it is not kept).
    pub first_by_race: BTreeMap<RaceKey, Race>,
    /// Wall time.
    pub elapsed: Duration,
}

impl CellResult {
    /// The violation to report: the first broken invariant in invariant order; for `assert`,
    /// the crash line, SpellAuras.cpp:174, when any schedule tripped it.
    pub fn reported(&self) -> Option<&Counterexample> {
        let first = self.first.values().next()?;
        if first.violation.invariant == Invariant::Assert {
            if let Some(c) = self.first_by_line.get(&AssertFailure::AlreadyApplied) {
                return Some(c);
            }
        }
        Some(first)
    }
}

/// What the schedules of one exploration did, collected across executions.
#[derive(Default)]
struct Tally {
    schedules: u64,
    violating: BTreeMap<Invariant, u64>,
    first: BTreeMap<Invariant, Counterexample>,
    assert_lines: BTreeMap<AssertFailure, u64>,
    first_by_line: BTreeMap<AssertFailure, Counterexample>,
    race_kinds: BTreeMap<RaceKey, u64>,
    first_by_race: BTreeMap<RaceKey, Race>,
}

impl Tally {
    /// Judges one execution's outcome. Returns true when it showed an invariant broken, or an
    /// assert line tripped, for the first time (its schedule is worth keeping).
    fn record(&mut self, outcome: Outcome) -> bool {
        self.schedules += 1;
        let index = self.schedules;
        let mut new = false;
        let example = |v: &Violation| Counterexample {
            violation: v.clone(),
            schedule_index: index,
            trace: outcome.trace.clone(),
            schedule: None,
            preemptions: None,
        };
        // Judged without messages; described (in the same order) only when a counterexample is
        // kept.
        let violations = outcome.judge(false);
        let mut described: Option<Vec<Violation>> = None;
        let mut counted = Vec::new();
        for (i, v) in violations.iter().enumerate() {
            if !counted.contains(&v.invariant) {
                counted.push(v.invariant);
                *self.violating.entry(v.invariant).or_default() += 1;
            }
            if let Some(a) = v.assert {
                *self.assert_lines.entry(a).or_default() += 1;
                if let std::collections::btree_map::Entry::Vacant(e) = self.first_by_line.entry(a) {
                    new = true;
                    e.insert(example(&described.get_or_insert_with(|| outcome.check())[i]));
                }
            }
            if let std::collections::btree_map::Entry::Vacant(e) = self.first.entry(v.invariant) {
                new = true;
                e.insert(example(&described.get_or_insert_with(|| outcome.check())[i]));
            }
        }
        // Every kind of race the run showed, not only its first: counted once per schedule.
        let mut kinds: Vec<RaceKey> = Vec::new();
        for race in &outcome.races {
            let key = race.key();
            if !kinds.contains(&key) {
                kinds.push(key);
                *self.race_kinds.entry(key).or_default() += 1;
                self.first_by_race.entry(key).or_insert(*race);
            }
        }
        new
    }

    /// Every kept counterexample.
    fn examples(&mut self) -> impl Iterator<Item = &mut Counterexample> {
        self.first.values_mut().chain(self.first_by_line.values_mut())
    }

    /// Gives every counterexample the trace of its execution, by replaying its schedule (shuttle
    /// explores without recording traces: a quarter of a run's time goes into the trace).
    fn attach_traces(&mut self, cell: Cell) {
        let mut traces: BTreeMap<u64, Vec<(Lane, Event)>> = BTreeMap::new();
        for c in self.examples() {
            let Some(schedule) = &c.schedule else { continue };
            let trace = traces
                .entry(c.schedule_index)
                .or_insert_with(|| replay(cell, schedule).map(|o| o.trace).unwrap_or_default());
            c.trace.clone_from(trace);
        }
    }

    /// Gives every counterexample the schedule string of its execution and its preemptions.
    fn attach_schedules(&mut self, schedules: &BTreeMap<u64, (String, usize)>) {
        for c in self.examples() {
            if let Some((s, p)) = schedules.get(&c.schedule_index) {
                c.schedule = Some(s.clone());
                c.preemptions = Some(*p);
            }
        }
    }
}

/// A scheduler wrapper that writes down every choice of the scheduler it wraps, so a chosen
/// execution's schedule can be kept and replayed (shuttle only prints failing schedules, and
/// only for panics).
pub struct Recording<S> {
    inner: S,
    state: Arc<Mutex<RecordingState>>,
}

#[derive(Default)]
struct RecordingState {
    current: Option<Schedule>,
    /// Preemptions of the current execution: switches away from a task that could go on and did
    /// not yield.
    preemptions: usize,
    /// Set by the test body when the current execution is worth keeping: its index.
    keep: Option<u64>,
    /// True once any scheduling decision had more than one runnable task.
    branching: bool,
    kept: BTreeMap<u64, (Schedule, usize)>,
}

impl RecordingState {
    fn close(&mut self) {
        if let Some(s) = self.current.take() {
            if let Some(index) = self.keep.take() {
                self.kept.insert(index, (s, self.preemptions));
            }
        }
        self.preemptions = 0;
    }
}

impl<S: Scheduler> Scheduler for Recording<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        let mut st = self.state.lock().unwrap();
        st.close();
        let s = self.inner.new_execution()?;
        st.current = Some(s.clone());
        Some(s)
    }
    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        let t = self.inner.next_task(runnable, current, is_yielding)?;
        let mut st = self.state.lock().unwrap();
        st.branching |= runnable.len() > 1;
        if let Some(c) = current {
            if c != t && !is_yielding && runnable.iter().any(|r| r.id() == c) {
                st.preemptions += 1;
            }
        }
        if let Some(s) = st.current.as_mut() {
            s.push_task(t);
        }
        Some(t)
    }
    fn next_u64(&mut self) -> u64 {
        if let Some(s) = self.state.lock().unwrap().current.as_mut() {
            s.push_random();
        }
        self.inner.next_u64()
    }
}

/// Runs `scheduler` over the cell, keeping each invariant's first schedule. A cell with no
/// concurrency at all (every decision had one runnable task: the barrier joins each thread as
/// soon as it is spawned) has exactly one schedule; it is run once and reported exhaustive, since
/// PCT refuses such a body.
fn explore_shuttle<S: Scheduler + 'static>(
    cell: Cell,
    scheduler: S,
    stop_at_first: Option<(Invariant, Option<AssertFailure>)>,
) -> (Tally, bool) {
    let (probe, branching) = explore_shuttle_with(cell, RandomScheduler::new_from_seed(0, 1), None);
    if !branching {
        return (probe, true);
    }
    (explore_shuttle_with(cell, scheduler, stop_at_first).0, false)
}

fn explore_shuttle_with<S: Scheduler + 'static>(
    cell: Cell,
    scheduler: S,
    stop_at_first: Option<(Invariant, Option<AssertFailure>)>,
) -> (Tally, bool) {
    let scenario = Arc::new(cell.scenario.build());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let rec_state = Arc::new(Mutex::new(RecordingState::default()));
    let recording =
        Recording { inner: StopWhen { inner: scheduler, stop: Arc::new(Mutex::new(false)) }, state: rec_state.clone() };
    let stop = recording.inner.stop.clone();
    {
        let tally = tally.clone();
        let rec_state = rec_state.clone();
        crate::engines::run_shuttle(recording, move || {
            // No trace while exploring: the kept schedules are replayed with one afterwards.
            let outcome = run_with_trace_cap::<Shuttle>(&scenario, cell.policy, cell.dispatch, 0);
            let mut t = tally.lock().unwrap();
            if t.record(outcome) {
                rec_state.lock().unwrap().keep = Some(t.schedules);
            }
            let found = match stop_at_first {
                Some((_, Some(line))) => t.first_by_line.contains_key(&line),
                Some((inv, None)) => t.first.contains_key(&inv),
                None => false,
            };
            if found {
                *stop.lock().unwrap() = true;
            }
        });
    }
    let mut st = rec_state.lock().unwrap();
    st.close();
    let branching = st.branching;
    let mut tally = Arc::try_unwrap(tally).ok().expect("runner dropped its closure").into_inner().unwrap();
    let strings: BTreeMap<u64, (String, usize)> =
        st.kept.iter().map(|(&i, (s, p))| (i, (schedule_string(s), *p))).collect();
    tally.attach_schedules(&strings);
    tally.attach_traces(cell);
    (tally, branching)
}

/// Stops a scheduler early once a flag is set (used when re-finding a loom counterexample).
struct StopWhen<S> {
    inner: S,
    stop: Arc<Mutex<bool>>,
}

impl<S: Scheduler> Scheduler for StopWhen<S> {
    fn new_execution(&mut self) -> Option<Schedule> {
        if *self.stop.lock().unwrap() {
            return None;
        }
        self.inner.new_execution()
    }
    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, is_yielding: bool) -> Option<TaskId> {
        self.inner.next_task(runnable, current, is_yielding)
    }
    fn next_u64(&mut self) -> u64 {
        self.inner.next_u64()
    }
}

fn explore_loom(cell: Cell, bound: Option<usize>) -> Tally {
    let scenario = Arc::new(cell.scenario.build());
    assert!(scenario.threads() <= 5, "{} needs {} threads; loom allows 5", scenario.name, scenario.threads());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let t = tally.clone();
    crate::engines::run_loom(bound, move || {
        let outcome = run::<Loom>(&scenario, cell.policy, cell.dispatch);
        t.lock().unwrap().record(outcome);
    });
    Arc::try_unwrap(tally).ok().expect("loom dropped its closure").into_inner().unwrap()
}

fn explore_std(cell: Cell, runs: usize) -> Tally {
    let scenario = Arc::new(cell.scenario.build());
    let mut tally = Tally::default();
    for _ in 0..runs {
        tally.record(run::<Std>(&scenario, cell.policy, cell.dispatch));
    }
    tally
}

/// The prove profile under loom: bounds `0..=max_bound` in turn, stopping at the first bound
/// whose schedule count equals the one before (saturated). Returns every bound's result; the
/// last is marked [`Strength::Proved`] when the search saturated.
pub fn deepen(cell: Cell, max_bound: usize) -> Vec<CellResult> {
    let mut series: Vec<CellResult> = Vec::new();
    for bound in 0..=max_bound {
        let mut r = explore(cell, Checker::Loom, Budget { bound: Some(bound), ..Budget::default() });
        let saturated = series.last().is_some_and(|prev| prev.schedules == r.schedules);
        if saturated {
            r.strength = Strength::Proved;
        }
        series.push(r);
        if saturated {
            break;
        }
    }
    series
}

/// Explores `cell` under `checker` with `budget`.
pub fn explore(cell: Cell, checker: Checker, budget: Budget) -> CellResult {
    let start = Instant::now();
    let n = budget.schedules;
    let (tally, exhaustive, bound) = match checker {
        Checker::Loom => (explore_loom(cell, budget.bound), true, budget.bound),
        Checker::Random => {
            let (t, only) = explore_shuttle(cell, RandomScheduler::new_from_seed(budget.seed, n), None);
            (t, only, None)
        }
        Checker::Pct => {
            let (t, only) = explore_shuttle(cell, PctScheduler::new_from_seed(budget.seed, budget.pct_depth, n), None);
            (t, only, Some(budget.pct_depth))
        }
        Checker::Dfs => {
            let (t, only) = explore_shuttle(cell, DfsScheduler::new(Some(n), false), None);
            let done = only || (t.schedules as usize) < n;
            (t, done, None)
        }
        Checker::Std => (explore_std(cell, n), false, None),
    };
    let strength = match (checker, exhaustive, bound) {
        (Checker::Loom, _, Some(_)) => Strength::Bounded,
        (Checker::Loom, _, None) => Strength::Proved,
        (Checker::Std, _, _) => Strength::Sampled,
        (_, true, _) => Strength::Proved,
        (_, false, _) => Strength::Sampled,
    };
    CellResult {
        cell,
        checker,
        schedules: tally.schedules,
        exhaustive,
        bound,
        strength,
        violating: tally.violating,
        first: tally.first,
        assert_lines: tally.assert_lines,
        first_by_line: tally.first_by_line,
        race_kinds: tally.race_kinds,
        first_by_race: tally.first_by_race,
        elapsed: start.elapsed(),
    }
}

/// Searches shuttle schedules (PCT at depths 3 and 4, two seeds each, then the random
/// scheduler) for the same violation as `target` (same invariant and, for `assert`, same line), up to `budget.schedules` schedules
/// per try; returns the counterexample with its replayable schedule.
pub fn refind_with_shuttle(cell: Cell, target: &Violation, budget: Budget) -> Option<Counterexample> {
    for seed in [budget.seed, budget.seed.wrapping_add(1)] {
        for depth in [budget.pct_depth, budget.pct_depth + 1] {
            let (tally, _) = explore_shuttle(
                cell,
                PctScheduler::new_from_seed(seed, depth, budget.schedules),
                Some((target.invariant, target.assert)),
            );
            let found = match target.assert {
                Some(a) => tally.first_by_line.get(&a),
                None => tally.first.get(&target.invariant),
            };
            if let Some(c) = found {
                return Some(c.clone());
            }
        }
    }
    // Then the random scheduler, run to its budget (stopping it early makes it print its seed).
    let (tally, _) = explore_shuttle(cell, RandomScheduler::new_from_seed(budget.seed, budget.schedules), None);
    match target.assert {
        Some(a) => tally.first_by_line.get(&a).cloned(),
        None => tally.first.get(&target.invariant).cloned(),
    }
}

/// Why a schedule string could not be replayed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReplayError {
    /// Not a schedule string of this shuttle version.
    BadSchedule(String),
}

impl std::fmt::Display for ReplayError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReplayError::BadSchedule(s) => write!(f, "not a valid shuttle schedule string: {s:?}"),
        }
    }
}

impl std::error::Error for ReplayError {}

/// A schedule as one line of hex (shuttle wraps its strings every few dozen characters, which
/// breaks a replay command pasted into a shell).
pub fn schedule_string(schedule: &Schedule) -> String {
    shuttle_engine::scheduler::serialization::serialize_schedule(schedule).split_whitespace().collect()
}

/// Parses a schedule string; `None` for anything that is not one. shuttle's parser indexes into
/// what it decodes without checking, so a truncated or empty string would panic inside it: the
/// string is checked first, and a panic that still gets through is caught and reported as a bad
/// schedule (with the process's panic hook silenced meanwhile).
pub fn parse_schedule(schedule: &str) -> Option<Schedule> {
    let hex: String = schedule.chars().filter(|c| !c.is_whitespace()).collect();
    if hex.len() < 8 || hex.len() % 2 != 0 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let parsed = std::panic::catch_unwind(|| shuttle_engine::scheduler::serialization::deserialize_schedule(&hex));
    std::panic::set_hook(hook);
    parsed.ok().flatten()
}

/// Replays one shuttle schedule of `cell` and returns its outcome.
pub fn replay(cell: Cell, schedule: &str) -> Result<Outcome, ReplayError> {
    let decoded = parse_schedule(schedule).ok_or_else(|| ReplayError::BadSchedule(schedule.to_string()))?;
    let scenario: Arc<Scenario> = Arc::new(cell.scenario.build());
    let slot = Arc::new(Mutex::new(None));
    let s = slot.clone();
    let mut scheduler = ReplayScheduler::new_from_schedule(decoded);
    scheduler.set_allow_incomplete();
    crate::engines::run_shuttle(scheduler, move || {
        *s.lock().unwrap() = Some(run::<Shuttle>(&scenario, cell.policy, cell.dispatch));
    });
    let outcome = slot.lock().unwrap().take();
    outcome.ok_or_else(|| ReplayError::BadSchedule(schedule.to_string()))
}
