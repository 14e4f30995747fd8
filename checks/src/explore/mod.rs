//! Explores one cell of the matrix — a (policy, AI placement, scenario, dispatch) — under one checker,
//! counts the schedules it ran, and keeps the first counterexample of each broken invariant.
//! [`explore`] is the one entry point; one file per engine sits behind it:
//!
//! | file | engine |
//! |---|---|
//! | [`loom`] | loom: every schedule up to a preemption bound ([`Loom`], [`run_loom`]) |
//! | [`shuttle`] | shuttle: random, PCT and DFS, with recorded, replayable schedules ([`Shuttle`], [`run_shuttle`], [`replay`]) |
//! | [`std_threads`] | real OS threads (timing-dependent, not in the default matrix) |
//! | [`play`] | one model run per schedule under either engine, each outcome handed to a closure ([`each_outcome`], [`Play`]) |
//! | [`hooks`] | the engines' panic hooks, kept to engine threads ([`engine`]) |
//! | `tally` (private) | what one exploration's schedules did: schedules, violations by invariant, assert line and race kind, the first counterexample of each |
//! | [`bounds`] | the minimal loom bound of each finding |
//!
//! Neither engine is asked to find a panic: the model records a tripped assert instead of
//! panicking (the server would stop; the model's thread stops), so exploration runs to its end
//! and every schedule is judged on all eight invariants. That is what makes the counts exact
//! (loom reports none) and lets one run show both the assert and, say, a double effect. Loom
//! gives no schedule: its counterexample keeps the failing iteration and its trace, and the same
//! violation is then re-found under shuttle ([`refind_with_shuttle`]) to get a schedule that
//! replays.

pub mod bounds;
pub mod hooks;
pub mod loom;
pub mod play;
pub mod shuttle;
pub mod std_threads;
mod tally;

pub use self::loom::{run_loom, Loom};
pub use self::play::{each_outcome, last_outcome, Engine, LoomEngine, Play, ShuttleEngine};
pub use self::shuttle::{
    parse_schedule, refind_with_shuttle, replay, run_shuttle, schedule_string, shuttle_config, Recording, ReplayError,
    Shuttle,
};
pub use self::std_threads::StdEngine;
pub use hooks::{engine, init};

use ::shuttle::scheduler::{DfsScheduler, PctScheduler, RandomScheduler};
use model::outcome::{Event, Lane};
use model::race::{Race, RaceKey};
use model::{AiPlacement, AssertFailure, Dispatch, Invariant, Policy, ScenarioName, Violation};
use std::collections::BTreeMap;
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

model::named! {
    impl Checker {
        /// All checkers, in report order.
        const ALL;
        /// Name.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    Loom => "loom",
    Random => "shuttle-random",
    Pct => "shuttle-pct",
    Dfs => "shuttle-dfs",
    Std => "std",
}

impl Checker {
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

model::named! {
    impl Strength {
        /// All three, strongest first.
        const ALL;
        /// The JSON name.
        fn name;
    }
    Proved => "proved",
    Bounded => "bounded",
    Sampled => "sampled",
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

/// How deep one result searched. The JSON's `bound` field is [`Depth::json_bound`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Depth {
    /// loom, up to this many preemptions.
    Preemptions(usize),
    /// loom, every schedule (no preemption bound).
    Unbounded,
    /// shuttle's PCT scheduler at this depth.
    Pct(usize),
    /// A checker with no depth: shuttle's random scheduler and DFS, OS threads.
    Undepthed,
}

impl Depth {
    /// loom's preemption bound: `Some(k)` for [`Depth::Preemptions`], `None` otherwise (unbounded,
    /// or not loom).
    pub fn preemption_bound(self) -> Option<usize> {
        match self {
            Depth::Preemptions(k) => Some(k),
            _ => None,
        }
    }
    /// The number the JSON's `bound` field carries: the preemption bound or the PCT depth.
    pub fn json_bound(self) -> Option<usize> {
        match self {
            Depth::Preemptions(k) | Depth::Pct(k) => Some(k),
            Depth::Unbounded | Depth::Undepthed => None,
        }
    }
}

/// One cell of the matrix.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Cell {
    /// Policy.
    pub policy: Policy,
    /// Where the bot AI runs.
    pub ai: AiPlacement,
    /// Scenario.
    pub scenario: ScenarioName,
    /// Bot dispatch mode.
    pub dispatch: Dispatch,
}

impl std::fmt::Display for Cell {
    /// The cell's title in every report, replay and explanation:
    /// `scenario / policy / ai=<placement> / dispatch`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} / {} / ai={} / {}",
            self.scenario.name(),
            self.policy.name(),
            self.ai.name(),
            self.dispatch.name()
        )
    }
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
    /// How deep the search went: loom's preemption bound, or PCT's depth.
    pub depth: Depth,
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
    /// The violation to report: the first broken invariant in [`Invariant::ALL`] order (the
    /// order [`model::Outcome::judge`] judges them in); for `assert`, the crash line,
    /// SpellAuras.cpp:174, when any schedule tripped it.
    pub fn reported(&self) -> Option<&Counterexample> {
        let first = Invariant::ALL.iter().find_map(|i| self.first.get(i))?;
        if first.violation.invariant == Invariant::Assert {
            if let Some(c) = self.first_by_line.get(&AssertFailure::AlreadyApplied) {
                return Some(c);
            }
        }
        Some(first)
    }
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
///
/// Two bots of one group leave it in the same tick: with no deferral, even joined at once by
/// the barrier, their handlers race on the group, in every schedule, so loom finds it with no
/// preemption at all.
///
/// ```
/// use checks::explore::{explore, Budget, Cell, Checker, Strength};
/// use model::{AiPlacement, Dispatch, Invariant, Policy, ScenarioName};
///
/// let cell = Cell {
///     policy: Policy::UNSYNCHRONIZED,
///     ai: AiPlacement::Worker,
///     scenario: ScenarioName::GroupLeave,
///     dispatch: Dispatch::Barrier,
/// };
/// let r = explore(cell, Checker::Loom, Budget { bound: Some(0), ..Budget::default() });
/// assert_eq!(r.strength, Strength::Bounded);
/// assert!(r.schedules >= 1);
/// assert!(r.first.contains_key(&Invariant::DataRace), "{:?}", r.violating);
/// assert_eq!(r.first[&Invariant::DataRace].schedule_index, 1, "the first schedule shows it");
/// ```
pub fn explore(cell: Cell, checker: Checker, budget: Budget) -> CellResult {
    let start = Instant::now();
    let n = budget.schedules;
    let loom_depth = budget.bound.map_or(Depth::Unbounded, Depth::Preemptions);
    let (tally, exhaustive, depth) = match checker {
        Checker::Loom => (self::loom::explore_loom(cell, budget.bound), true, loom_depth),
        Checker::Random => {
            let (t, only) = self::shuttle::explore_shuttle(cell, RandomScheduler::new_from_seed(budget.seed, n), None);
            (t, only, Depth::Undepthed)
        }
        Checker::Pct => {
            let (t, only) = self::shuttle::explore_shuttle(
                cell,
                PctScheduler::new_from_seed(budget.seed, budget.pct_depth, n),
                None,
            );
            (t, only, Depth::Pct(budget.pct_depth))
        }
        Checker::Dfs => {
            let (t, only) = self::shuttle::explore_shuttle(cell, DfsScheduler::new(Some(n), false), None);
            let done = only || (t.schedules as usize) < n;
            (t, done, Depth::Undepthed)
        }
        Checker::Std => (std_threads::explore_std(cell, n), false, Depth::Undepthed),
    };
    let strength = match (checker, exhaustive, depth) {
        (Checker::Loom, _, Depth::Preemptions(_)) => Strength::Bounded,
        (Checker::Loom, _, _) => Strength::Proved,
        (Checker::Std, _, _) => Strength::Sampled,
        (_, true, _) => Strength::Proved,
        (_, false, _) => Strength::Sampled,
    };
    CellResult {
        cell,
        checker,
        schedules: tally.schedules,
        exhaustive,
        depth,
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
