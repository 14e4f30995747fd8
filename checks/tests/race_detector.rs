//! The happens-before detector on hand-written micro-models, each run under loom over every
//! schedule: the detector must find a race exactly where the model's synchronization leaves two
//! accesses unordered, in every schedule, whatever order the engine ran them in.

use checks::explore::Loom;
use model::field::{self, Field, Lock};
use model::outcome::{Cx, Ghost, Lane};
use model::race::{Kind, LockId, LockKind, Race, Site};
use std::sync::{Arc, Mutex};

const T1: Lane = Lane::Bot { bot: 0, tick: 1 };
const T2: Lane = Lane::Bot { bot: 1, tick: 1 };
const MAIN: Lane = Lane::World;

fn lock(owner: u8) -> LockId {
    LockId::of(LockKind::Test, owner)
}

/// Shared state of one micro-model run.
struct Model {
    ghost: Ghost,
    field: Field<Loom>,
    a: Lock<Loom, ()>,
    b: Lock<Loom, ()>,
}

impl Model {
    /// The model's recorder on `lane`.
    fn on(&self, lane: Lane) -> Cx<'_> {
        Cx::new(&self.ghost, lane)
    }
}

/// Runs `body` (given the model) under loom over every schedule; returns, per schedule, the
/// races the detector found.
fn explore(body: fn(Arc<Model>)) -> Vec<Vec<Race>> {
    let seen: Arc<Mutex<Vec<Vec<Race>>>> = Arc::default();
    let s = seen.clone();
    checks::explore::run_loom(None, move || {
        let model = Arc::new(Model {
            ghost: Ghost::new(0, 0),
            field: Field::new(Site::Group, 0, 0, 0),
            a: Lock::new(lock(0), ()),
            b: Lock::new(lock(1), ()),
        });
        body(model.clone());
        s.lock().unwrap().push(model.ghost.races());
    });
    Arc::try_unwrap(seen).unwrap().into_inner().unwrap()
}

/// Two threads, one field, no synchronization: a write and a read race in every schedule, and
/// the race names both accesses.
#[test]
fn unsynchronized_write_and_read_race_in_every_schedule() {
    let runs = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || m1.field.write(m1.on(T1), 1));
        m.field.read(m.on(T2));
        field::join(m.on(MAIN), t);
    });
    assert!(runs.len() > 1, "loom explored {} schedule(s)", runs.len());
    for races in &runs {
        assert_eq!(races.len(), 1, "{races:?}");
        let r = races[0];
        let mut kinds = [(r.first.lane, r.first.kind), (r.second.lane, r.second.kind)];
        kinds.sort();
        assert_eq!(kinds, [(T1, Kind::Write), (T2, Kind::Read)]);
        assert_eq!(r.location.site, Site::Group);
    }
}

/// The same two accesses, each under one mutex: ordered in every schedule, no race.
#[test]
fn a_mutex_around_both_accesses_orders_them() {
    let runs = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || {
            let _g = m1.a.lock(m1.on(T1));
            m1.field.write(m1.on(T1), 1);
        });
        {
            let _g = m.a.lock(m.on(MAIN));
            m.field.read(m.on(MAIN));
        }
        field::join(m.on(MAIN), t);
    });
    assert!(runs.len() > 1, "loom explored {} schedule(s)", runs.len());
    assert!(runs.iter().all(Vec::is_empty), "{runs:?}");
}

/// A write in a thread, then a join, then the parent's write: the join orders them.
#[test]
fn a_join_orders_the_child_before_the_parent() {
    let runs = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || m1.field.write(m1.on(T1), 1));
        field::join(m.on(MAIN), t);
        m.field.write(m.on(MAIN), 2);
    });
    assert!(runs.iter().all(Vec::is_empty), "{runs:?}");
    // Without the join edge the same accesses race: the detector does not order by the engine's
    // schedule.
    let runs = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || m1.field.write(m1.on(T1), 1));
        loom::thread::yield_now();
        m.field.write(m.on(MAIN), 2);
        field::join(m.on(MAIN), t);
    });
    assert!(runs.iter().all(|r| r.len() == 1), "{runs:?}");
}

/// Two readers never race.
#[test]
fn two_readers_do_not_race() {
    let runs = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || {
            m1.field.read(m1.on(T1));
        });
        m.field.read(m.on(T2));
        field::join(m.on(MAIN), t);
    });
    assert!(runs.len() > 1);
    assert!(runs.iter().all(Vec::is_empty), "{runs:?}");
}

/// A write, the release of lock A, then another thread's acquire and read: ordered only when
/// the reader acquires the same lock A; with lock B the read races the write in the schedules
/// where it comes after it (and in the others too: they are unordered either way).
#[test]
fn release_then_acquire_orders_only_through_the_same_lock() {
    fn writer_then_reader(m: Arc<Model>, same: bool) {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || {
            let _g = m1.a.lock(m1.on(T1));
            m1.field.write(m1.on(T1), 1);
        });
        {
            let _g = if same { m.a.lock(m.on(MAIN)) } else { m.b.lock(m.on(MAIN)) };
            m.field.read(m.on(MAIN));
        }
        field::join(m.on(MAIN), t);
    }
    let same = explore(|m| writer_then_reader(m, true));
    assert!(same.iter().all(Vec::is_empty), "{same:?}");
    let other = explore(|m| writer_then_reader(m, false));
    assert!(other.len() > 1);
    assert!(other.iter().all(|r| r.len() == 1 && r[0].location.site == Site::Group), "{other:?}");
}

/// A shared (reader) hold of a `std::shared_mutex` publishes to the next writer only: a write
/// under a shared hold and a read under another shared hold race (readers do not order each
/// other), while a writer's exclusive hold orders it against both.
#[test]
fn shared_holds_order_readers_against_writers_only() {
    let readers = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || {
            let _g = m1.a.lock_shared(m1.on(T1));
            m1.field.write(m1.on(T1), 1);
        });
        {
            let _g = m.a.lock_shared(m.on(MAIN));
            m.field.read(m.on(MAIN));
        }
        field::join(m.on(MAIN), t);
    });
    assert!(readers.len() > 1);
    assert!(readers.iter().all(|r| r.len() == 1), "{readers:?}");
    let writer = explore(|m| {
        let m1 = m.clone();
        let t = field::spawn::<Loom, _>(m.on(MAIN), T1, move || {
            let _g = m1.a.lock_shared(m1.on(T1));
            m1.field.read(m1.on(T1));
        });
        {
            let _g = m.a.lock(m.on(MAIN));
            m.field.write(m.on(MAIN), 1);
        }
        field::join(m.on(MAIN), t);
    });
    assert!(writer.iter().all(Vec::is_empty), "{writer:?}");
}
