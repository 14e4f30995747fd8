//! loom: exhaustive exploration up to a preemption bound. The [`Loom`] backend of
//! [`model::sync::Backend`], the one loom configuration ([`run_loom`]), and the exploration of a
//! cell (`explore_loom`, through [`super::each_outcome`]).
//!
//! Plain server fields are read with `fetch_add(0)` and written with `swap` under loom (see
//! `model::sync` for why: loom's plain loads may return stale values, which is weak-memory
//! behaviour the crash does not need; read-modify-write accesses keep each access a separate
//! scheduling point and sequentially consistent).

use super::hooks::engine;
use super::play::{each_outcome, LoomEngine, Play};
use super::tally::Tally;
use super::Cell;
use model::scenario::LOOM_MAX_THREADS;
use std::sync::atomic::Ordering::SeqCst;

/// loom: exhaustive exploration up to a preemption bound.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loom;

model::sync_backend!(
    Loom,
    "loom",
    sync = loom::sync,
    thread = loom::thread,
    read = |field| field.fetch_add(0, SeqCst),
    write = |field, value| {
        field.swap(value, SeqCst);
    },
);

/// Runs `body` over every schedule up to `bound` preemptions (`None`: every schedule) under loom,
/// inside [`engine`]: at most 100,000 branches per schedule, no checkpoint file, no log. Every
/// loom run of this crate goes through here.
pub fn run_loom(bound: Option<usize>, body: impl Fn() + Sync + Send + 'static) {
    engine(|| {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = bound;
        builder.max_branches = 100_000;
        builder.checkpoint_file = None;
        builder.log = false;
        builder.location = false;
        builder.check(body);
    });
}

/// Explores `cell` over every loom schedule up to `bound` preemptions.
pub(super) fn explore_loom(cell: Cell, bound: Option<usize>) -> Tally {
    let play = Play::of(cell);
    let scenario = &play.scenario;
    assert!(
        scenario.threads() <= LOOM_MAX_THREADS,
        "{} needs {} threads; loom allows {LOOM_MAX_THREADS}",
        scenario.name,
        scenario.threads()
    );
    each_outcome(LoomEngine { bound }, play, Tally::default(), |tally, outcome| {
        tally.record(outcome);
    })
}
