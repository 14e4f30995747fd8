//! The happens-before data-race detector: vector clocks per lane, per lock and per location, in
//! the FastTrack / ThreadSanitizer way.
//!
//! Two accesses to one plain C++ field race when at least one is a write and neither happens
//! before the other. In C++ every such schedule is undefined behaviour, whatever the asserts say;
//! an assert trips on only a few of them. The detector sees every access the model makes to a
//! server field ([`crate::field::Field`]) and every synchronization the model does
//! ([`crate::field::Lock`], [`crate::field::spawn`], [`crate::field::join`]); it lives in the
//! ghost state, outside the engines, so it adds no scheduling point, and it judges each schedule
//! the same way under loom, shuttle, std and the fuzzer.
//!
//! Happens-before edges come only from the model's synchronization, as in the server:
//! - thread spawn (everything the parent did before the spawn happens before the child) and join
//!   (everything the child did happens before the return), including `MapUpdater::wait`;
//! - mutex release → the next acquire of the same mutex (receive queue, deferred queue, the
//!   session update lock, `_sessionsMutex`, and the disconnection queue, whose push → pop is the
//!   edge `_asyncDisconnections` gives).
//!
//! Accesses to the fields themselves never create an edge: under loom they are read-modify-write
//! atomics only so that loom explores interleavings (see [`crate::sync`]); in the server they are
//! plain fields.
//!
//! The algorithm: each lane (thread) has a vector clock, its own entry incremented at each
//! release and fork. Each lock keeps the clock of its last release. Each location keeps the epoch
//! (lane, clock) of its last write and the epochs of the reads since that write. A write races
//! with the last write and every read since it that do not happen before it; a read races with
//! the last write if that does not happen before it.

mod site;

pub use site::{Location, Site};

use crate::lane::{Lane, ThreadKind};
use std::collections::BTreeMap;
use std::fmt;

/// A read or a write.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Kind {
    /// A read.
    Read,
    /// A write.
    Write,
}

named! {
    impl Kind {
        /// Both, in declaration order.
        const ALL;
        /// `read` or `write`.
        fn name;
    }
    Read => "read",
    Write => "write",
}

/// One access: who made it, which kind, and the model line that made it (whose doc comment cites
/// the server statement).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Access {
    /// The lane.
    pub lane: Lane,
    /// Read or write.
    pub kind: Kind,
    /// The model's source line.
    pub at: &'static std::panic::Location<'static>,
    /// How many trace events the run had recorded before it: where a trace shows it.
    pub seq: u32,
}

impl Access {
    /// The model line that made it (`model/src/aura.rs:212`).
    pub fn model_line(&self) -> String {
        format!("{}:{}", short_path(self.at.file()), self.at.line())
    }
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} by {} ({})", self.kind.name(), self.lane, self.model_line())
    }
}

/// `model/src/aura.rs` from whatever path the compiler recorded.
fn short_path(path: &str) -> &str {
    path.find("model/").map_or(path, |i| &path[i..])
}

/// Two accesses to one location, at least one a write, neither happening before the other.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Race {
    /// The location.
    pub location: Location,
    /// The earlier access (in the engine's order).
    pub first: Access,
    /// The access that found the race.
    pub second: Access,
}

impl Race {
    /// What identifies a race across schedules and objects: the field, and which kind of thread
    /// made which kind of access (in a fixed order, whichever came first in the schedule).
    pub fn key(&self) -> RaceKey {
        let a = (self.first.lane.kind(), self.first.kind);
        let b = (self.second.lane.kind(), self.second.kind);
        RaceKey { site: self.location.site, accesses: [a.min(b), a.max(b)] }
    }
}

/// A race as it is counted across schedules: the field and the two (thread kind, access kind)
/// pairs, ordered.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct RaceKey {
    /// The field.
    pub site: Site,
    /// The two accesses' thread kinds and kinds.
    pub accesses: [(ThreadKind, Kind); 2],
}

impl fmt::Display for RaceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [(ta, ka), (tb, kb)] = self.accesses;
        write!(
            f,
            "{} ({}:{}): {} {} / {} {}",
            self.site.name(),
            self.site.file(),
            self.site.line(),
            ta.name(),
            ka.name(),
            tb.name(),
            kb.name()
        )
    }
}

impl fmt::Display for Race {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} races {}", self.location, self.second, self.first)
    }
}

impl Race {
    /// The race without the model's line numbers (which move with every edit of the model): the
    /// location, and each access's kind and lane.
    pub fn summary(&self) -> String {
        format!(
            "{}: {} by {} races {} by {}",
            self.location,
            self.second.kind.name(),
            self.second.lane,
            self.first.kind.name(),
            self.first.lane
        )
    }
}

/// The model's synchronization objects.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum LockKind {
    /// A session's `_recvQueue` (`LockedQueue`'s mutex).
    Recv,
    /// A session's `_deferredPacketMutex`.
    Deferred,
    /// A session's `_updateMutex`.
    Update,
    /// The bot session manager's `_sessionsMutex`.
    Sessions,
    /// `_asyncDisconnections`: push → pop.
    Disconnections,
    /// The candidate mutex of one `AuraApplication::_HandleEffect`.
    HandleEffect,
    /// The candidate per-player lock.
    Player,
    /// The `AuraStateCache`'s lock.
    AuraCache,
    /// What `ThreadPool::WaitForCompletion` waits on: a finished task's completion.
    Completion,
    /// The bot action queue's mutex (`BotActionQueue` over `ProducerConsumerQueue`).
    ActionQueue,
    /// A lock of a detector test model.
    Test,
}

/// One synchronization object: a kind and whose it is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct LockId {
    /// Which lock.
    pub kind: LockKind,
    /// Whose (session or player index; 0 for the global ones).
    pub owner: u8,
    /// Which of the owner's (the application, for `HandleEffect`; else 0).
    pub index: u8,
}

impl LockId {
    /// The lock `kind` of `owner`.
    pub const fn of(kind: LockKind, owner: u8) -> Self {
        LockId { kind, owner, index: 0 }
    }
}

/// A vector clock, indexed by lane number; missing entries are 0.
#[derive(Clone, Default, Debug, PartialEq, Eq)]
struct Clock(Vec<u32>);

impl Clock {
    fn get(&self, lane: usize) -> u32 {
        self.0.get(lane).copied().unwrap_or(0)
    }
    fn set(&mut self, lane: usize, value: u32) {
        if self.0.len() <= lane {
            self.0.resize(lane + 1, 0);
        }
        self.0[lane] = value;
    }
    fn join(&mut self, other: &Clock) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a = (*a).max(*b);
        }
    }
}

/// An access at a point of its lane's history.
#[derive(Clone, Copy, Debug)]
struct Epoch {
    lane: usize,
    clock: u32,
    access: Access,
}

#[derive(Default, Debug)]
struct LocState {
    write: Option<Epoch>,
    reads: Vec<Epoch>,
}

/// A lock's clocks: `write` from its last exclusive release; `read` joined from every shared
/// release since (a reader publishes to the next writer only, as `std::shared_mutex` does).
#[derive(Default, Debug, Clone)]
struct LockClocks {
    write: Clock,
    read: Clock,
}

/// The detector of one run. Lanes, locks and locations are found by key; nothing iterates over
/// them, so the maps' order never reaches a verdict or a report (races are kept in the order
/// found).
#[derive(Default, Debug)]
pub struct Detector {
    /// Each lane's number (the order it was first seen), which indexes `clocks`.
    lanes: BTreeMap<Lane, usize>,
    clocks: Vec<Clock>,
    /// Each lock's clock of its last exclusive release, and what its shared holders released.
    locks: BTreeMap<LockId, LockClocks>,
    locations: BTreeMap<Location, LocState>,
    races: Vec<Race>,
}

impl Detector {
    /// The lane's number, registering a new lane with its own entry at 1.
    fn lane(&mut self, lane: Lane) -> usize {
        if let Some(&i) = self.lanes.get(&lane) {
            return i;
        }
        let i = self.clocks.len();
        self.lanes.insert(lane, i);
        let mut clock = Clock::default();
        clock.set(i, 1);
        self.clocks.push(clock);
        i
    }

    fn tick(&mut self, lane: usize) {
        let c = self.clocks[lane].get(lane);
        self.clocks[lane].set(lane, c + 1);
    }

    /// `parent` starts `child`: everything `parent` did so far happens before anything `child` does.
    pub fn fork(&mut self, parent: Lane, child: Lane) {
        let p = self.lane(parent);
        let c = self.lane(child);
        let parent_clock = self.clocks[p].clone();
        self.clocks[c].join(&parent_clock);
        self.tick(p);
    }

    /// `parent` joined `child`: everything `child` did happens before what `parent` does next.
    pub fn join(&mut self, parent: Lane, child: Lane) {
        let p = self.lane(parent);
        let c = self.lane(child);
        let child_clock = self.clocks[c].clone();
        self.clocks[p].join(&child_clock);
        self.tick(c);
    }

    /// `lane` acquired `lock`: it sees everything done before the lock's last release.
    pub fn acquire(&mut self, lane: Lane, lock: LockId) {
        let l = self.lane(lane);
        let c = self.lock(lock).clone();
        self.clocks[l].join(&c.write);
        self.clocks[l].join(&c.read);
    }

    /// `lane` released `lock`.
    pub fn release(&mut self, lane: Lane, lock: LockId) {
        let l = self.lane(lane);
        let clock = self.clocks[l].clone();
        *self.lock(lock) = LockClocks { write: clock, read: Clock::default() };
        self.tick(l);
    }

    /// `lane` took `lock` shared (a reader of a `std::shared_mutex`): it sees what the last
    /// writer did, and nothing of the other readers.
    pub fn acquire_shared(&mut self, lane: Lane, lock: LockId) {
        let l = self.lane(lane);
        let c = self.lock(lock).write.clone();
        self.clocks[l].join(&c);
    }

    /// `lane` released its shared hold of `lock`: the next writer sees what it did.
    pub fn release_shared(&mut self, lane: Lane, lock: LockId) {
        let l = self.lane(lane);
        let clock = self.clocks[l].clone();
        self.lock(lock).read.join(&clock);
        self.tick(l);
    }

    fn lock(&mut self, lock: LockId) -> &mut LockClocks {
        self.locks.entry(lock).or_default()
    }

    /// `access` of `location`. Returns the race it makes, if any; every race is also kept (see
    /// [`Detector::races`]).
    pub fn access(&mut self, location: Location, access: Access) -> Option<Race> {
        let l = self.lane(access.lane);
        let now = &self.clocks[l];
        let epoch = Epoch { lane: l, clock: now.get(l), access };
        let before = |e: &Epoch| e.lane == l || e.clock <= now.get(e.lane);
        let state = self.locations.entry(location).or_default();
        let mut race = state.write.filter(|w| !before(w)).map(|w| w.access);
        match access.kind {
            Kind::Read => {
                state.reads.retain(|r| r.lane != l);
                state.reads.push(epoch);
            }
            Kind::Write => {
                if race.is_none() {
                    race = state.reads.iter().find(|r| !before(r)).map(|r| r.access);
                }
                state.reads.clear();
                state.write = Some(epoch);
            }
        }
        let race = race.map(|first| Race { location, first, second: access });
        if let Some(r) = race {
            self.races.push(r);
        }
        race
    }

    /// Every race found so far, in the order found.
    pub fn races(&self) -> &[Race] {
        &self.races
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Lane = Lane::Bot { bot: 0, tick: 1 };
    const B: Lane = Lane::Map { map: 0, tick: 1 };
    const LOC: Location = Location { site: Site::EffectMask, owner: 0, index: 0 };

    #[track_caller]
    fn acc(lane: Lane, kind: Kind) -> Access {
        Access { lane, kind, at: std::panic::Location::caller(), seq: 0 }
    }

    /// A forked pair with no synchronization: a write then a read race; two reads do not.
    #[test]
    fn clocks_order_only_what_synchronizes() {
        let mut d = Detector::default();
        d.fork(Lane::World, A);
        d.fork(Lane::World, B);
        assert_eq!(d.access(LOC, acc(A, Kind::Read)), None);
        assert_eq!(d.access(LOC, acc(B, Kind::Read)), None, "two readers never race");
        let r = d.access(LOC, acc(B, Kind::Write)).expect("a write after an unordered read races");
        assert_eq!((r.first.lane, r.first.kind, r.second.lane, r.second.kind), (A, Kind::Read, B, Kind::Write));
        d.join(Lane::World, A);
        d.join(Lane::World, B);
        assert_eq!(d.access(LOC, acc(Lane::World, Kind::Write)), None, "after both joins the parent is ordered");
    }
}
