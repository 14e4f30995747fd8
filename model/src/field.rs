//! The instrumented primitives the model is written in: a plain server field that knows what it
//! stands for, a mutex that reports its acquires and releases, and spawn and join that report
//! their edges.
//!
//! Each access of a [`Field`] is one access of the engine (a scheduling point under loom and
//! shuttle) and one access recorded for the happens-before detector ([`crate::race`]), and it can
//! carry its trace event in the same call. No access can reach the engine without reaching the
//! detector, so a forgotten log line cannot hide a race. [`Lock`], [`spawn`] and [`join`] are the
//! only sources of happens-before edges, as mutexes and threads are in the server.

use crate::outcome::{Cx, Event, Lane};
use crate::race::{Kind, Location, LockId, Site};
use crate::sync::Backend;
use std::fmt;
use std::ops::{Deref, DerefMut};

/// A plain, unsynchronized field of the server (`uint32`, `bool`, a pointer, or a container
/// whose insert or erase the model reduces to one read and one write).
pub struct Field<B: Backend> {
    cell: B::Plain,
    location: Location,
}

/// Shows the location only: reading the value would be an engine access (a scheduling point).
impl<B: Backend> fmt::Debug for Field<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field").field("location", &self.location).finish_non_exhaustive()
    }
}

impl<B: Backend> Field<B> {
    /// The field `site` of object `owner` (aura or application `index`), holding `value`. The
    /// initial value is written before any thread starts, as a constructor's is.
    pub fn new(site: Site, owner: u8, index: u8, value: u32) -> Self {
        Field { cell: B::plain(value), location: Location { site, owner, index } }
    }

    /// The location it stands for.
    pub fn location(&self) -> Location {
        self.location
    }

    /// Reads the field on `cx`'s lane.
    #[track_caller]
    pub fn read(&self, cx: Cx) -> u32 {
        let value = B::read(&self.cell);
        cx.ghost.access(cx.lane, self.location, Kind::Read, std::panic::Location::caller());
        value
    }

    /// Reads the field on `cx`'s lane and records the trace event `event` makes of the value.
    #[track_caller]
    pub fn read_as(&self, cx: Cx, event: impl FnOnce(u32) -> Event) -> u32 {
        let value = B::read(&self.cell);
        cx.ghost.access_as(cx.lane, self.location, Kind::Read, std::panic::Location::caller(), event(value));
        value
    }

    /// Writes the field on `cx`'s lane.
    #[track_caller]
    pub fn write(&self, cx: Cx, value: u32) {
        B::write(&self.cell, value);
        cx.ghost.access(cx.lane, self.location, Kind::Write, std::panic::Location::caller());
    }

    /// Writes the field on `cx`'s lane and records the trace event `event`.
    #[track_caller]
    pub fn write_as(&self, cx: Cx, value: u32, event: Event) {
        B::write(&self.cell, value);
        cx.ghost.access_as(cx.lane, self.location, Kind::Write, std::panic::Location::caller(), event);
    }

    /// The value at the end of a run, for the invariants: not a server access, not recorded.
    pub fn final_value(&self) -> u32 {
        B::read(&self.cell)
    }
}

/// A mutex of the server. Acquiring it joins the clock of its last release; releasing it (when
/// the [`Held`] guard drops) publishes the holder's clock.
pub struct Lock<B: Backend, T: Send + 'static> {
    mutex: B::Mutex<T>,
    id: LockId,
}

/// A held [`Lock`]. The release is recorded before the engine's guard unlocks, so the next
/// acquirer always finds it.
pub struct Held<'a, B: Backend, T: Send + 'static> {
    guard: B::Guard<'a, T>,
    cx: Cx<'a>,
    id: LockId,
    shared: bool,
}

/// Shows the lock's id only: looking at the guarded value would take the engine's mutex.
impl<B: Backend, T: Send + 'static> fmt::Debug for Lock<B, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lock").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Shows which lock is held, by which lane, and whether shared; not the engine's guard.
impl<B: Backend, T: Send + 'static> fmt::Debug for Held<'_, B, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Held")
            .field("id", &self.id)
            .field("lane", &self.cx.lane)
            .field("shared", &self.shared)
            .finish_non_exhaustive()
    }
}

impl<B: Backend, T: Send + 'static> Lock<B, T> {
    /// A new mutex `id` guarding `value`.
    pub fn new(id: LockId, value: T) -> Self {
        Lock { mutex: B::mutex(value), id }
    }

    /// Locks it on `cx`'s lane (blocking).
    pub fn lock<'a>(&'a self, cx: Cx<'a>) -> Held<'a, B, T> {
        let guard = B::lock(&self.mutex);
        cx.ghost.acquire(cx.lane, self.id);
        Held { guard, cx, id: self.id, shared: false }
    }

    /// Takes it shared on `cx`'s lane, as a reader of a `std::shared_mutex`: the reader sees what the
    /// last writer did and publishes to the next writer only, never to another reader. (The
    /// engines still run readers one at a time: that narrows the schedules, not the edges.)
    pub fn lock_shared<'a>(&'a self, cx: Cx<'a>) -> Held<'a, B, T> {
        let guard = B::lock(&self.mutex);
        cx.ghost.acquire_shared(cx.lane, self.id);
        Held { guard, cx, id: self.id, shared: true }
    }

    /// Locks it on `cx`'s lane if it is free; `None` (and no edge) when another thread holds it.
    pub fn try_lock<'a>(&'a self, cx: Cx<'a>) -> Option<Held<'a, B, T>> {
        let guard = B::try_lock(&self.mutex)?;
        cx.ghost.acquire(cx.lane, self.id);
        Some(Held { guard, cx, id: self.id, shared: false })
    }

    /// Runs `f` on the guarded value for the run's own bookkeeping (is everything drained, what
    /// is left at the end): the engine's lock is taken, since another thread may hold it, but no
    /// edge is recorded, because the server does no such thing.
    pub fn inspect<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        f(&mut B::lock(&self.mutex))
    }
}

impl<B: Backend, T: Send + 'static> Deref for Held<'_, B, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<B: Backend, T: Send + 'static> DerefMut for Held<'_, B, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.guard
    }
}

impl<B: Backend, T: Send + 'static> Drop for Held<'_, B, T> {
    fn drop(&mut self) {
        // Runs before the fields drop: the release is recorded while the lock is still held.
        if self.shared {
            self.cx.ghost.release_shared(self.cx.lane, self.id);
        } else {
            self.cx.ghost.release(self.cx.lane, self.id);
        }
    }
}

/// A thread started with [`spawn`].
pub struct Thread<B: Backend, T: Send + 'static> {
    handle: B::Handle<T>,
    lane: Lane,
}

/// Shows the thread's lane; the engine's join handle is left out.
impl<B: Backend, T: Send + 'static> fmt::Debug for Thread<B, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Thread").field("lane", &self.lane).finish_non_exhaustive()
    }
}

/// The parent, `cx`'s lane, starts a thread that runs `body` as `child`: everything the parent
/// did before happens before anything the thread does (a thread start, or a task handed to a
/// pool's queue).
pub fn spawn<B: Backend, T: Send + 'static>(
    cx: Cx,
    child: Lane,
    body: impl FnOnce() -> T + Send + 'static,
) -> Thread<B, T> {
    cx.ghost.fork(cx.lane, child);
    Thread { handle: B::spawn(body), lane: child }
}

/// The parent, `cx`'s lane, waits for `thread`: everything the thread did happens before the
/// return.
pub fn join<B: Backend, T: Send + 'static>(cx: Cx, thread: Thread<B, T>) -> T {
    let value = B::join(thread.handle);
    cx.ghost.join(cx.lane, thread.lane);
    value
}

/// The parent, `cx`'s lane, runs `child`'s work in place (the quiet ticks after the scripted
/// ones, when nothing else runs): the same edges as a spawn followed at once by a join.
pub fn in_place<T>(cx: Cx, child: Lane, body: impl FnOnce() -> T) -> T {
    cx.ghost.fork(cx.lane, child);
    let value = body();
    cx.ghost.join(cx.lane, child);
    value
}
