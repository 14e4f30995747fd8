//! Figures for BENCHMARKS.md: shuttle throughput on `crash-49416` beside an empty-body baseline
//! in the same process, and schedules to the first assert of `unsynchronized`
//! `quest-reward-49416` (the shortest path to the crash line the server has) under random, PCT
//! (median over 100 seeds) and DFS.
//!
//! `cargo run --release -p checks --example exploration_figures`

use checks::explore::{each_outcome, explore, Budget, Cell, Checker, Play, ShuttleEngine};
use model::world::RunOptions;
use model::{Dispatch, Invariant, Policy, ScenarioName};
use shuttle::scheduler::{DfsScheduler, PctScheduler, RandomScheduler, Scheduler};
use std::time::Instant;

fn first_find<S: Scheduler + 'static>(scheduler: S, limit: usize) -> Option<usize> {
    let play = Play::new(
        ScenarioName::QuestReward49416.build(),
        Policy::UNSYNCHRONIZED,
        model::AiPlacement::Worker,
        Dispatch::FireAndForget,
    );
    let (_, found) = each_outcome(ShuttleEngine(scheduler), play, (0usize, None::<usize>), |st, o| {
        st.0 += 1;
        if st.1.is_none() && o.check().iter().any(|v| v.invariant == Invariant::Assert) {
            st.1 = Some(st.0);
        }
    });
    found.filter(|&n| n <= limit)
}

fn median(mut v: Vec<usize>) -> usize {
    v.sort_unstable();
    v[v.len() / 2]
}

fn main() {
    let n = 5_000;
    let t = Instant::now();
    checks::explore::run_shuttle(RandomScheduler::new_from_seed(1, n), || {
        shuttle::thread::spawn(|| {}).join().unwrap();
    });
    let base = n as f64 / t.elapsed().as_secs_f64();
    let cell = Cell {
        policy: Policy::UNSYNCHRONIZED,
        ai: model::AiPlacement::Worker,
        scenario: ScenarioName::Crash49416,
        dispatch: Dispatch::FireAndForget,
    };
    let r = explore(cell, Checker::Random, Budget { schedules: n, ..Budget::default() });
    let model = r.schedules as f64 / r.elapsed.as_secs_f64();
    println!("shuttle random: empty body (one spawn+join) {base:.0} schedules/s; crash-49416 {model:.0} schedules/s; ratio {:.3}", model / base);
    // The same body with no trace recorded (the ghost counters only), and with no invariant
    // judged: what the ghost recorder and the judging cost beside the engine's own work.
    let play = Play::of(cell);
    let bare = |trace_cap: usize, detect_races: bool| {
        let play = play.clone().options(RunOptions { trace_cap, detect_races });
        let t = Instant::now();
        each_outcome(ShuttleEngine(RandomScheduler::new_from_seed(1, n)), play, (), |_, o| {
            std::hint::black_box((o.trace.len(), o.races.len()));
        });
        n as f64 / t.elapsed().as_secs_f64()
    };
    let (traced, untraced) = (bare(model::world::DEFAULT_TRACE_CAP, true), bare(0, true));
    println!(
        "crash-49416 runs alone (no judging): {traced:.0} schedules/s traced, {untraced:.0} untraced; \
         ratios to the empty body {:.3} / {:.3}; judging and tallying leave {:.3} of the traced rate",
        traced / base,
        untraced / base,
        model / traced
    );
    // The happens-before detector's cost: the same untraced run without it, alternated twice
    // so that a drift of the machine shows.
    let (with1, without1, with2, without2) = (bare(0, true), bare(0, false), bare(0, true), bare(0, false));
    let (with, without) = ((with1 + with2) / 2.0, (without1 + without2) / 2.0);
    println!(
        "data-race detector: {with:.0} schedules/s with it, {without:.0} without ({with1:.0}/{with2:.0} and \
         {without1:.0}/{without2:.0}); ratio {:.3}",
        with / without
    );

    let limit = 2_000;
    let random: Vec<usize> =
        (0..100u64).filter_map(|seed| first_find(RandomScheduler::new_from_seed(seed, limit), limit)).collect();
    let pct: Vec<usize> =
        (0..100u64).filter_map(|seed| first_find(PctScheduler::new_from_seed(seed, 3, limit), limit)).collect();
    println!(
        "schedules to first assert, random: found by {}/100 seeds, median {}",
        random.len(),
        median(random.clone())
    );
    println!(
        "schedules to first assert, PCT depth 3: found by {}/100 seeds, median {}",
        pct.len(),
        median(pct.clone())
    );
    match first_find(DfsScheduler::new(Some(limit), false), limit) {
        Some(k) => println!("schedules to first assert, DFS: {k}"),
        None => println!("schedules to first assert, DFS: not found within {limit}"),
    }
}
