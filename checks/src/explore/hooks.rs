//! The engines' panic hooks, kept to engine threads: [`engine`] wraps every loom and shuttle
//! run, and [`init`] orders the hooks once per process.

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
/// [`crate::matrix::run_jobs`] calls it before it starts its worker threads, so that several
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
