//! The seed's performance claims, measured: classification cost (its eight hash sets looked up
//! in turn against a dense table indexed by opcode, in one run), the deferred queue's push and
//! pop (uncontended, and with a producer and a consumer thread), and the bytes per session.
//!
//! Run: `cargo bench -p checks --bench classifier -- --warm-up-time 1 --measurement-time 3`
//! Figures and the machine they came from are in BENCHMARKS.md.

use checks::audit::baseline::{self, DenseTable};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use model::classifier::{Classifier, CompleteClassifier, SeedClassifier};
use model::opcodes::{Opcode, Payload, OPCODE_COUNT};
use model::outcome::{Cx, Ghost, Lane};
use model::scenario::{mixed_packet, SplitMix, SEED_LOAD_SEED};
use model::session::BotSession;
use model::sync::Std;
use model::Packet;
use std::collections::VecDeque;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Lookups per iteration.
const LOOKUPS: usize = 4096;
/// Packets per iteration of the queue benchmarks.
const PACKETS: usize = 4096;

/// Opcodes drawn from the `seed-load` mix (fixed seed), and uniformly from the table.
fn workloads() -> [(&'static str, Vec<Opcode>); 2] {
    let mut rng = SplitMix(SEED_LOAD_SEED);
    let mix = (0..LOOKUPS).map(|_| mixed_packet(&mut rng).0).collect();
    let mut rng = SplitMix(SEED_LOAD_SEED ^ 1);
    let uniform = (0..LOOKUPS).map(|_| Opcode::from_index(rng.below(OPCODE_COUNT as u64) as usize)).collect();
    [("seed-load-mix", mix), ("uniform", uniform)]
}

fn count_deferred<C: Classifier>(c: &C, ops: &[Opcode]) -> usize {
    ops.iter().filter(|&&op| c.requires_main_thread(black_box(op))).count()
}

fn classify(c: &mut Criterion) {
    let seed = SeedClassifier::get();
    let dense = DenseTable::of(seed);
    for (name, ops) in workloads() {
        assert_eq!(count_deferred(seed, &ops), count_deferred(&dense, &ops), "the two agree");
        let mut g = c.benchmark_group(format!("classify/{name}"));
        g.throughput(Throughput::Elements(ops.len() as u64));
        g.bench_function("dense-table", |b| b.iter(|| count_deferred(&dense, black_box(&ops))));
        g.bench_function("seed-hash-sets", |b| b.iter(|| count_deferred(seed, black_box(&ops))));
        g.bench_function("complete-rules", |b| b.iter(|| count_deferred(&CompleteClassifier, black_box(&ops))));
        g.finish();
    }
}

fn packet(id: u32) -> Packet {
    Packet { id, opcode: Opcode::CMSG_CAST_SPELL, payload: Payload::default() }
}

fn queue(c: &mut Criterion) {
    let mut g = c.benchmark_group("deferred-queue");
    g.throughput(Throughput::Elements(PACKETS as u64));
    // The seed's design: a queue behind a mutex; one lock per push, one per pop.
    g.bench_function("mutex-vecdeque/push+pop", |b| {
        let q = Mutex::new(VecDeque::new());
        b.iter(|| {
            for i in 0..PACKETS as u32 {
                q.lock().unwrap().push_back(packet(i));
                black_box(q.lock().unwrap().pop_front());
            }
        })
    });
    // The model's session: queue_deferred also records a ghost event and the detector its edges.
    g.bench_function("bot-session/queue_deferred+next_deferred", |b| {
        let session = BotSession::<Std>::new(0);
        let lane = Lane::Bot { bot: 0, tick: 1 };
        b.iter_batched(
            || Ghost::new(1, 0),
            |ghost| {
                for i in 0..PACKETS as u32 {
                    session.queue_deferred(Cx::new(&ghost, lane), packet(i));
                    black_box(session.next_deferred(Cx::new(&ghost, lane)));
                }
            },
            BatchSize::LargeInput,
        )
    });
    // A bot worker pushes while the main thread pops: the lock is contended.
    g.bench_function("mutex-vecdeque/two-threads", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let q = Mutex::new(VecDeque::with_capacity(PACKETS));
                let start = Instant::now();
                std::thread::scope(|s| {
                    s.spawn(|| {
                        for i in 0..PACKETS as u32 {
                            q.lock().unwrap().push_back(packet(i));
                        }
                    });
                    let mut got = 0;
                    while got < PACKETS {
                        if black_box(q.lock().unwrap().pop_front()).is_some() {
                            got += 1;
                        } else {
                            std::hint::spin_loop();
                        }
                    }
                });
                total += start.elapsed();
            }
            total
        })
    });
    g.finish();
}

fn sizes(_: &mut Criterion) {
    let b = baseline::session_bytes();
    println!(
        "bytes: BotSession<Std> {} (receive queue, deferred queue, their mutexes, bot id, in-world flag); \
         Mutex<VecDeque<Packet>> {}; Packet {}",
        b.bot_session, b.deferred_queue_and_mutex, b.packet
    );
}

criterion_group!(benches, sizes, classify, queue);
criterion_main!(benches);
