//! loom: exhaustive exploration up to a preemption bound. The [`Loom`] backend of
//! [`model::sync::Backend`], the one loom configuration ([`run_loom`]), and the exploration of a
//! cell ([`explore_loom`]).
//!
//! Plain server fields are read with `fetch_add(0)` and written with `swap` under loom (see
//! `model::sync` for why: loom's plain loads may return stale values, which is weak-memory
//! behaviour the crash does not need; read-modify-write accesses keep each access a separate
//! scheduling point and sequentially consistent).

use super::hooks::engine;
use super::tally::Tally;
use super::Cell;
use model::sync::Backend;
use model::world::run;
use std::sync::atomic::Ordering::SeqCst;
use std::sync::{Arc, Mutex};

/// loom: exhaustive exploration up to a preemption bound.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loom;

impl Backend for Loom {
    const NAME: &'static str = "loom";
    type Mutex<T: Send + 'static> = loom::sync::Mutex<T>;
    type Guard<'a, T: Send + 'static> = loom::sync::MutexGuard<'a, T>;
    type Plain = loom::sync::atomic::AtomicU32;
    type Handle<T: Send + 'static> = loom::thread::JoinHandle<T>;

    fn mutex<T: Send + 'static>(value: T) -> Self::Mutex<T> {
        loom::sync::Mutex::new(value)
    }
    fn lock<T: Send + 'static>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T> {
        mutex.lock().unwrap_or_else(|p| p.into_inner())
    }
    fn try_lock<T: Send + 'static>(mutex: &Self::Mutex<T>) -> Option<Self::Guard<'_, T>> {
        match mutex.try_lock() {
            Ok(g) => Some(g),
            Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
    fn plain(value: u32) -> Self::Plain {
        loom::sync::atomic::AtomicU32::new(value)
    }
    fn read(cell: &Self::Plain) -> u32 {
        cell.fetch_add(0, SeqCst)
    }
    fn write(cell: &Self::Plain, value: u32) {
        cell.swap(value, SeqCst);
    }
    fn spawn<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> Self::Handle<T> {
        loom::thread::spawn(body)
    }
    fn join<T: Send + 'static>(handle: Self::Handle<T>) -> T {
        handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    }
    fn yield_now() {
        loom::thread::yield_now()
    }
}

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
    let scenario = Arc::new(cell.scenario.build());
    assert!(scenario.threads() <= 5, "{} needs {} threads; loom allows 5", scenario.name, scenario.threads());
    let tally = Arc::new(Mutex::new(Tally::default()));
    let t = tally.clone();
    run_loom(bound, move || {
        let outcome = run::<Loom>(&scenario, cell.policy, cell.dispatch);
        t.lock().unwrap().record(outcome);
    });
    Arc::try_unwrap(tally).ok().expect("loom dropped its closure").into_inner().unwrap()
}
