//! One way to run a scenario under an engine: [`each_outcome`] plays a [`Play`] (a scenario, a
//! policy, an AI placement, a dispatch mode and what to record) once per schedule an [`Engine`] explores, and
//! hands each run's [`Outcome`] to a closure with state the caller gets back at the end.
//! [`last_outcome`] keeps the outcome of the last run (one schedule, a replay).
//!
//! Every exploration of a model run goes through here: [`super::explore`]'s loom and shuttle
//! explorations, replay, the fuzz targets' byte scheduler, the hole hunt and the candidates'
//! load run. [`run_loom`] and [`run_shuttle`] stay for bodies that are not a whole model run
//! (the micro-models of the tests).
//!
//! The closure runs on the engine's thread, after the model run, under a `std` mutex the engines
//! do not see: it adds no scheduling point, as the model's ghost state adds none.

use super::loom::{run_loom, Loom};
use super::shuttle::{run_shuttle, Shuttle};
use super::Cell;
use model::sync::Backend;
use model::world::{run_with_options, RunOptions, DEFAULT_TRACE_CAP};
use model::{AiPlacement, Dispatch, Outcome, Policy, Scenario};
use std::sync::{Arc, Mutex, PoisonError};

/// An engine and its settings, as [`each_outcome`] takes them: [`LoomEngine`], [`ShuttleEngine`],
/// or OS threads ([`super::StdEngine`]).
pub trait Engine {
    /// The backend the model runs on under this engine.
    type Backend: Backend;
    /// Runs `body` once per schedule the engine explores.
    fn run(self, body: impl Fn() + Send + Sync + 'static);
}

/// loom over every schedule up to `bound` preemptions (`None`: every schedule), through
/// [`run_loom`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoomEngine {
    /// The preemption bound.
    pub bound: Option<usize>,
}

impl Engine for LoomEngine {
    type Backend = Loom;
    fn run(self, body: impl Fn() + Send + Sync + 'static) {
        run_loom(self.bound, body);
    }
}

/// shuttle with a scheduler (random, PCT, DFS, replay, or a wrapper of these), through
/// [`run_shuttle`].
#[derive(Debug)]
pub struct ShuttleEngine<S>(pub S);

impl<S: shuttle::scheduler::Scheduler + 'static> Engine for ShuttleEngine<S> {
    type Backend = Shuttle;
    fn run(self, body: impl Fn() + Send + Sync + 'static) {
        run_shuttle(self.0, body);
    }
}

/// What one model run plays: a scenario (one of the named ones built, or one made for the
/// purpose), under a policy, an AI placement and a dispatch mode, recording what `options` asks
/// for.
#[derive(Clone, Debug)]
pub struct Play {
    /// The scenario.
    pub scenario: Arc<Scenario>,
    /// The policy.
    pub policy: Policy,
    /// Where the bot AI runs.
    pub ai: AiPlacement,
    /// The bot dispatch mode.
    pub dispatch: Dispatch,
    /// What the run records: by default a trace of up to [`DEFAULT_TRACE_CAP`] events, and the
    /// data-race detector on.
    pub options: RunOptions,
}

impl Play {
    /// `scenario` under `policy`, `ai` and `dispatch`, with the default [`RunOptions`].
    pub fn new(scenario: impl Into<Arc<Scenario>>, policy: Policy, ai: AiPlacement, dispatch: Dispatch) -> Self {
        let options = RunOptions { trace_cap: DEFAULT_TRACE_CAP, detect_races: true };
        Play { scenario: scenario.into(), policy, ai, dispatch, options }
    }

    /// The cell's scenario, built, under its policy, AI placement and dispatch mode.
    pub fn of(cell: Cell) -> Self {
        Play::new(cell.scenario.build(), cell.policy, cell.ai, cell.dispatch)
    }

    /// The same, keeping at most `trace_cap` trace events (0 while exploring: kept schedules are
    /// replayed with a trace afterwards).
    pub fn trace_cap(self, trace_cap: usize) -> Self {
        Play { options: RunOptions { trace_cap, ..self.options }, ..self }
    }

    /// The same, with these options.
    pub fn options(self, options: RunOptions) -> Self {
        Play { options, ..self }
    }
}

/// Plays `play` once per schedule `engine` explores and calls `on_outcome` with `state` and each
/// run's outcome, in the order the engine ran them; returns the state. A panic in `on_outcome`
/// is a failure of the schedule, as a panic in the body of [`run_loom`] or [`run_shuttle`] is.
///
/// ```
/// use checks::explore::{each_outcome, LoomEngine, Play};
/// use model::{AiPlacement, Dispatch, Policy, ScenarioName};
///
/// // Two bots leave one group in the same tick: count the schedules, and those with a race.
/// let play =
///     Play::new(ScenarioName::GroupLeave.build(), Policy::UNSYNCHRONIZED, AiPlacement::Worker, Dispatch::Barrier);
/// let (schedules, racy) = each_outcome(LoomEngine { bound: Some(0) }, play, (0, 0), |(n, racy), outcome| {
///     *n += 1;
///     *racy += !outcome.races.is_empty() as u32;
/// });
/// assert!(schedules > 0);
/// assert_eq!(racy, schedules, "the two leaves race in every schedule");
/// ```
pub fn each_outcome<E: Engine, T: Send + 'static>(
    engine: E,
    play: Play,
    state: T,
    on_outcome: impl FnMut(&mut T, Outcome) + Send + 'static,
) -> T {
    // The state is taken back out of the mutex, not out of the `Arc`: an engine that cuts an
    // execution short (a replay past its schedule, a step cap) need not drop the body's copy.
    let shared = Arc::new(Mutex::new((Some(state), on_outcome)));
    let body = shared.clone();
    engine.run(move || {
        let outcome = run_with_options::<E::Backend>(&play.scenario, play.policy, play.ai, play.dispatch, play.options);
        let mut guard = body.lock().unwrap_or_else(PoisonError::into_inner);
        let (state, on_outcome) = &mut *guard;
        on_outcome(state.as_mut().expect("the state is taken only once the engine returned"), outcome);
    });
    let state = shared.lock().unwrap_or_else(PoisonError::into_inner).0.take();
    state.expect("the state is taken once")
}

/// Plays `play` under `engine` and returns the outcome of the last run the engine completed
/// (`None` when none did): for an engine that runs one schedule, its outcome.
pub fn last_outcome<E: Engine>(engine: E, play: Play) -> Option<Outcome> {
    each_outcome(engine, play, None, |last, outcome| *last = Some(outcome))
}
