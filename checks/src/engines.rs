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

/// A panic hook as the process holds it.
type Hook = dyn Fn(&std::panic::PanicHookInfo<'_>) + Sync + Send + 'static;

thread_local! {
    /// How many engine runs ([`engine`]) this thread is inside.
    static IN_ENGINE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f`, which runs loom or shuttle, with the engines' panic hooks in charge of this
/// thread's panics (see [`init`]). Every engine run of this crate goes through it; a test that
/// drives loom or shuttle itself wraps its run in it too.
pub fn engine<R>(f: impl FnOnce() -> R) -> R {
    init();
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            IN_ENGINE.with(|c| c.set(c.get() - 1));
        }
    }
    IN_ENGINE.with(|c| c.set(c.get() + 1));
    let _leave = Leave;
    f()
}

/// Orders the process-wide panic hooks so that loom's internal unwinds stay silent, and keeps
/// both engines' hooks away from every other panic.
///
/// loom runs threads as generators whose cancellation unwinds; the `generator` crate installs,
/// once, a panic hook that swallows those and delegates everything else. shuttle installs, once,
/// a hook that prints "Task failed" and the failing task for every panic it sees, which outside
/// an execution reads "Tried to get ExecutionState … NotSet". Whichever is installed last sees a
/// panic first, so shuttle's must go in first: a one-schedule shuttle run, then a one-thread loom
/// model. Then the two are put behind one hook that hands a panic to them only on a thread
/// inside [`engine`], and every other panic (a failing assertion of a test that runs no engine,
/// a bug in a report) to the hook the process had before, as if no engine had ever run.
///
/// [`crate::report::run_jobs`] calls it before it starts its worker threads, so that several
/// explorations can run at once: the hooks are process-wide but decide per thread (the
/// generator hook by the thread's running coroutine, shuttle's by the thread's execution state,
/// ours by the thread's [`engine`] depth), so a panic in one worker's exploration is handled by
/// that worker's engine alone.
pub fn init() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let before: std::sync::Arc<Hook> = std::panic::take_hook().into();
        let forward = before.clone();
        std::panic::set_hook(Box::new(move |info| forward(info)));
        IN_ENGINE.with(|c| c.set(c.get() + 1));
        let mut config = shuttle::Config::new();
        config.silence_warnings = true;
        shuttle::Runner::new(shuttle::scheduler::RandomScheduler::new_from_seed(0, 1), config).run(|| {});
        loom::model(|| loom::thread::spawn(|| {}).join().unwrap());
        IN_ENGINE.with(|c| c.set(c.get() - 1));
        let engines: std::sync::Arc<Hook> = std::panic::take_hook().into();
        std::panic::set_hook(Box::new(
            move |info| {
                if IN_ENGINE.with(|c| c.get()) > 0 {
                    engines(info)
                } else {
                    before(info)
                }
            },
        ));
    });
}
