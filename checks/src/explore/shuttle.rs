//! shuttle: random, PCT and DFS schedulers. The [`Shuttle`] backend of
//! [`model::sync::Backend`], the one shuttle configuration ([`run_shuttle`]), the exploration of
//! a cell with its schedules recorded ([`Recording`]), the re-finding of a loom counterexample
//! with a replayable schedule ([`refind_with_shuttle`]), and replay ([`replay`]).
//!
//! Under shuttle every access is sequentially consistent already, so plain loads and stores are
//! used. Shuttle schedules are captured in-process by [`Recording`], a scheduler wrapper that
//! writes down every choice of the scheduler it wraps; a kept schedule replays with shuttle's
//! `ReplayScheduler`.

use super::hooks::engine;
use super::play::{each_outcome, last_outcome, Play, ShuttleEngine};
use super::tally::Tally;
use super::{Budget, Cell, Counterexample};
use model::{AssertFailure, Invariant, Outcome, Violation};
use shuttle::scheduler::{PctScheduler, RandomScheduler, ReplayScheduler, Schedule, Scheduler, Task, TaskId};
use std::collections::BTreeMap;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};

/// shuttle: random, PCT and DFS schedulers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shuttle;

model::sync_backend!(
    Shuttle,
    "shuttle",
    sync = shuttle::sync,
    thread = shuttle::thread,
    read = |field| field.load(SeqCst),
    write = |field, value| field.store(value, SeqCst),
);

/// The one shuttle configuration of every run: 1 MiB task stacks (the model's deepest call
/// chain, a logout inside a map update inside a tick, needs more than shuttle's default), no
/// warnings, and no failure file or printout: a counterexample is kept by the caller as a
/// replayable schedule string.
pub fn shuttle_config() -> shuttle::Config {
    let mut config = shuttle::Config::new();
    config.stack_size = 1 << 20;
    config.silence_warnings = true;
    config.failure_persistence = shuttle::FailurePersistence::None;
    config
}

/// Runs `body` once per schedule that `scheduler` gives, under shuttle with [`shuttle_config`],
/// inside [`engine`]. Every shuttle run of this crate goes through here.
pub fn run_shuttle<S: shuttle::scheduler::Scheduler + 'static>(scheduler: S, body: impl Fn() + Send + Sync + 'static) {
    engine(|| shuttle::Runner::new(scheduler, shuttle_config()).run(body));
}

/// A scheduler wrapper that writes down every choice of the scheduler it wraps, so a chosen
/// execution's schedule can be kept and replayed (shuttle only prints failing schedules, and
/// only for panics).
#[derive(Debug)]
pub struct Recording<S> {
    inner: S,
    state: Arc<Mutex<RecordingState>>,
}

#[derive(Default, Debug)]
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
pub(super) fn explore_shuttle<S: Scheduler + 'static>(
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
    let rec_state = Arc::new(Mutex::new(RecordingState::default()));
    let recording =
        Recording { inner: StopWhen { inner: scheduler, stop: Arc::new(Mutex::new(false)) }, state: rec_state.clone() };
    let stop = recording.inner.stop.clone();
    let keep = rec_state.clone();
    // No trace while exploring: the kept schedules are replayed with one afterwards.
    let play = Play::of(cell).trace_cap(0);
    let mut tally = each_outcome(ShuttleEngine(recording), play, Tally::default(), move |t, outcome| {
        if t.record(outcome) {
            keep.lock().unwrap().keep = Some(t.schedules);
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
    let mut st = rec_state.lock().unwrap();
    st.close();
    let branching = st.branching;
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
    let mut scheduler = ReplayScheduler::new_from_schedule(decoded);
    scheduler.set_allow_incomplete();
    last_outcome(ShuttleEngine(scheduler), Play::of(cell)).ok_or_else(|| ReplayError::BadSchedule(schedule.to_string()))
}
