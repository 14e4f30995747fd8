//! The sync backend: the one seam between the model and the engine that runs it.
//!
//! Every shared access of the model goes through [`Backend`]: the plain `uint32` fields of the
//! server ([`Backend::Plain`], read and written as separate accesses), mutexes, thread spawn and
//! join, and yields. Each engine implements the trait once (std threads here, loom and shuttle in
//! the `checks` crate), so the same model source runs unchanged under all three, and in one
//! process, because the trait is generic (associated types with lifetimes) rather than a cfg.
//!
//! What each engine can and cannot check:
//! - **std** runs real OS threads: races happen only by luck of timing; good for stress runs and
//!   benchmarks, proves nothing.
//! - **loom** explores every interleaving up to a preemption bound, at most 5 threads including
//!   the main one. It models `SeqCst` as `AcqRel`, and plain loads and stores of atomics may see
//!   stale values (weak memory). The server's plain fields are therefore modelled with
//!   read-modify-write accesses (a read is `fetch_add(0)`, a write is `swap`): each access stays a
//!   separate scheduling point but is sequentially consistent, so loom explores interleavings, the
//!   kind of race the crash needs, and not weak-memory staleness, which the x86 server does not
//!   show for these fields. The safe paths get their ordering only from mutexes and joins, as in
//!   the server.
//! - **shuttle** samples schedules (random, PCT) or enumerates them (DFS, no partial-order
//!   reduction); every access is sequentially consistent.
//!
//! Ghost state (the trace and the counters the invariants are judged on, see
//! [`crate::outcome`]) deliberately lives *outside* the backend, behind a `std` mutex that no
//! engine sees: recording never adds a scheduling point and never changes what is explored.

use std::ops::DerefMut;

/// One engine's primitives. Implemented by [`Std`] here and by the loom and shuttle backends of
/// the `checks` crate.
pub trait Backend: Sized + Send + Sync + 'static {
    /// Name shown in reports (`std`, `loom`, `shuttle`).
    const NAME: &'static str;
    /// A mutex guarding `T`.
    type Mutex<T: Send + 'static>: Send + Sync + 'static;
    /// The guard of a locked [`Backend::Mutex`].
    type Guard<'a, T: Send + 'static>: DerefMut<Target = T>
    where
        Self: 'a;
    /// A plain, unsynchronized `uint32` field of the server. Reads and writes are separate
    /// accesses (and separate scheduling points), never one atomic read-modify-write.
    type Plain: Send + Sync + 'static;
    /// The handle of a spawned thread.
    type Handle<T: Send + 'static>: Send + 'static;

    /// A new mutex.
    fn mutex<T: Send + 'static>(value: T) -> Self::Mutex<T>;
    /// Locks a mutex (blocking).
    fn lock<T: Send + 'static>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T>;
    /// Locks a mutex if it is free; `None` when another thread holds it.
    fn try_lock<T: Send + 'static>(mutex: &Self::Mutex<T>) -> Option<Self::Guard<'_, T>>;
    /// A new plain field.
    fn plain(value: u32) -> Self::Plain;
    /// Reads a plain field.
    fn read(cell: &Self::Plain) -> u32;
    /// Writes a plain field.
    fn write(cell: &Self::Plain, value: u32);
    /// Spawns a thread.
    fn spawn<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> Self::Handle<T>;
    /// Joins a thread: everything it did happens-before the return. A panic in the thread is
    /// re-raised.
    fn join<T: Send + 'static>(handle: Self::Handle<T>) -> T;
    /// A scheduling hint for spin loops.
    fn yield_now();
}

/// Implements [`Backend`] for an engine whose `sync` and `thread` modules mirror `std`'s, as
/// std's, loom's and shuttle's do: `sync::{Mutex, MutexGuard, atomic::AtomicU32}` and
/// `thread::{JoinHandle, spawn, yield_now}`. A poisoned lock is taken anyway (a panicking thread
/// is the model's finding, not the engine's), and a panic in a joined thread is re-raised. Only
/// the plain field's read and write differ between engines, and are given. The loom backend of
/// `checks` is `read = |field| field.fetch_add(0, SeqCst), write = |field, value| {
/// field.swap(value, SeqCst); }`; here, OS threads whose plain fields are sequentially
/// consistent, running the model:
///
/// ```
/// use model::sync::Backend;
/// use model::{AiPlacement, Dispatch, Policy, ScenarioName};
/// use std::sync::atomic::Ordering::SeqCst;
/// use std::sync::Arc;
///
/// /// OS threads, with sequentially consistent plain fields.
/// #[derive(Debug, Clone, Copy, Default)]
/// struct SeqCstThreads;
///
/// model::sync_backend!(
///     SeqCstThreads,
///     "std-seqcst",
///     sync = std::sync,
///     thread = std::thread,
///     read = |field| field.load(SeqCst),
///     write = |field, value| field.store(value, SeqCst),
/// );
///
/// let field = SeqCstThreads::plain(1);
/// SeqCstThreads::write(&field, 2);
/// assert_eq!(SeqCstThreads::read(&field), 2);
/// assert_eq!(SeqCstThreads::join(SeqCstThreads::spawn(|| 7)), 7);
/// let scenario = Arc::new(ScenarioName::MixedPlaces.build());
/// let outcome = model::world::run::<SeqCstThreads>(&scenario, Policy::MAP_ROUTING, AiPlacement::Worker, Dispatch::Barrier);
/// assert!(outcome.check().is_empty(), "{:?}", outcome.check());
/// ```
#[macro_export]
macro_rules! sync_backend {
    (
        $engine:ty, $name:literal,
        sync = $($sync:ident)::+,
        thread = $($thread:ident)::+,
        read = |$r:ident| $read:expr,
        write = |$w:ident, $v:ident| $write:expr $(,)?
    ) => {
        impl $crate::sync::Backend for $engine {
            const NAME: &'static str = $name;
            type Mutex<T: Send + 'static> = $($sync)::+::Mutex<T>;
            type Guard<'a, T: Send + 'static> = $($sync)::+::MutexGuard<'a, T>;
            type Plain = $($sync)::+::atomic::AtomicU32;
            type Handle<T: Send + 'static> = $($thread)::+::JoinHandle<T>;

            fn mutex<T: Send + 'static>(value: T) -> Self::Mutex<T> {
                $($sync)::+::Mutex::new(value)
            }
            fn lock<T: Send + 'static>(mutex: &Self::Mutex<T>) -> Self::Guard<'_, T> {
                mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
            }
            fn try_lock<T: Send + 'static>(mutex: &Self::Mutex<T>) -> Option<Self::Guard<'_, T>> {
                match mutex.try_lock() {
                    Ok(g) => Some(g),
                    Err(std::sync::TryLockError::Poisoned(p)) => Some(p.into_inner()),
                    Err(std::sync::TryLockError::WouldBlock) => None,
                }
            }
            fn plain(value: u32) -> Self::Plain {
                $($sync)::+::atomic::AtomicU32::new(value)
            }
            fn read($r: &Self::Plain) -> u32 {
                $read
            }
            fn write($w: &Self::Plain, $v: u32) {
                $write
            }
            fn spawn<T: Send + 'static>(body: impl FnOnce() -> T + Send + 'static) -> Self::Handle<T> {
                $($thread)::+::spawn(body)
            }
            fn join<T: Send + 'static>(handle: Self::Handle<T>) -> T {
                handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            }
            fn yield_now() {
                $($thread)::+::yield_now()
            }
        }
    };
}

/// Real OS threads and `std::sync`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Std;

sync_backend!(
    Std,
    "std",
    sync = std::sync,
    thread = std::thread,
    read = |field| field.load(std::sync::atomic::Ordering::Relaxed),
    write = |field, value| field.store(value, std::sync::atomic::Ordering::Relaxed),
);
