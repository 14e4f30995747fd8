//! The loom and shuttle backends: the same [`model::sync::Backend`] as std threads, with every
//! access a scheduling point of the engine.
//!
//! Plain server fields are read with `fetch_add(0)` and written with `swap` under loom (see
//! `model::sync` for why: loom's plain loads may return stale values, which is weak-memory
//! behaviour the crash does not need; read-modify-write accesses keep each access a separate
//! scheduling point and sequentially consistent). Under shuttle, every access is sequentially
//! consistent already, so plain loads and stores are used.

use model::sync::Backend;
use std::sync::atomic::Ordering::SeqCst;

/// loom: exhaustive exploration up to a preemption bound.
#[derive(Debug, Clone, Copy, Default)]
pub struct Loom;

impl Backend for Loom {
    const NAME: &'static str = "loom";
    type Mutex<T: Send + 'static> = loom::sync::Mutex<T>;
    type Guard<'a, T: Send + 'static> = loom::sync::MutexGuard<'a, T>;
    type Cell = loom::sync::atomic::AtomicU32;
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
    fn cell(value: u32) -> Self::Cell {
        loom::sync::atomic::AtomicU32::new(value)
    }
    fn read(cell: &Self::Cell) -> u32 {
        cell.fetch_add(0, SeqCst)
    }
    fn write(cell: &Self::Cell, value: u32) {
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

/// shuttle: random, PCT and DFS schedulers.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shuttle;

impl Backend for Shuttle {
    const NAME: &'static str = "shuttle";
    type Mutex<T: Send + 'static> = shuttle::sync::Mutex<T>;
    type Guard<'a, T: Send + 'static> = shuttle::sync::MutexGuard<'a, T>;
    type Cell = shuttle::sync::atomic::AtomicU32;
    type Handle<T: Send + 'static> = shuttle::thread::JoinHandle<T>;

    fn mutex<T: Send + 'static>(value: T) -> Self::Mutex<T> {
        shuttle::sync::Mutex::new(value)
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
    fn cell(value: u32) -> Self::Cell {
        shuttle::sync::atomic::AtomicU32::new(value)
    }
    fn read(cell: &Self::Cell) -> u32 {
        cell.load(SeqCst)
    }
    fn write(cell: &Self::Cell, value: u32) {
        cell.store(value, SeqCst)
    }
    fn spawn<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> Self::Handle<T> {
        shuttle::thread::spawn(body)
    }
    fn join<T: Send + 'static>(handle: Self::Handle<T>) -> T {
        handle.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
    }
    fn yield_now() {
        shuttle::thread::yield_now()
    }
}

/// Orders the process-wide panic hooks so that loom's internal unwinds stay silent.
///
/// loom runs threads as generators whose cancellation unwinds; the `generator` crate installs,
/// once, a panic hook that swallows those and delegates everything else. shuttle installs, once,
/// a hook that prints "Task failed" for every panic it sees. Whichever is installed last sees a
/// panic first, so shuttle's must go in first: a one-schedule shuttle run, then a one-thread loom
/// model. Every entry point of this crate calls this before running an engine, and
/// [`crate::report::run_jobs`] calls it before it starts its worker threads, so that several
/// explorations can run at once: both hooks are process-wide but decide per thread (the
/// generator hook by the thread's running coroutine, shuttle's by the thread's execution state),
/// so a panic in one worker's exploration is handled by that worker's engine alone.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let mut config = shuttle::Config::new();
        config.silence_warnings = true;
        shuttle::Runner::new(shuttle::scheduler::RandomScheduler::new_from_seed(0, 1), config).run(|| {});
        loom::model(|| loom::thread::spawn(|| {}).join().unwrap());
    });
}
