//! "Which fix to ship": the candidate fixes side by side, every column read off runs.
//!
//! A row is one candidate, a (policy, dispatch) pair. Its verdict columns are the union, over
//! every scenario and checker of the matrix, of what its cells break (`asserts`, `double-effect`,
//! `aura-integrity`, `use-after-free`, `data-race` with its fields, `exactly-once`, `order`,
//! `placement`). Its cost columns come from one deterministic run of `seed-load` (shuttle's
//! random scheduler, fixed seed, first schedule): the share of handlers that ran on a bot worker,
//! and the ticks a packet waited between the tick it was sent for and the tick its handler ran.

use crate::explore::Shuttle;
use crate::matrix::Row;
use crate::report::assert_short;
use model::outcome::{Outcome, ThreadKind};
use model::race::Site;
use model::{AssertFailure, Dispatch, Invariant, Policy, ScenarioName};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

/// One candidate fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its policy.
    pub policy: Policy,
    /// Its dispatch mode.
    pub dispatch: Dispatch,
    /// What it is, and where it comes from.
    pub what: &'static str,
}

/// The candidates, in the table's order: the module as it crashed, the seed's fix and its own
/// "future enhancement", the later module's versions, a per-player lock, and the references.
pub const CANDIDATES: &[Candidate] = &[
    Candidate {
        policy: Policy::Unsynchronized,
        dispatch: Dispatch::FireAndForget,
        what: "no fix: the crash-era module (every handler on the bot worker)",
    },
    Candidate {
        policy: Policy::SeedDeferral,
        dispatch: Dispatch::FireAndForget,
        what: "the seed's fix as shipped: 62 opcodes deferred",
    },
    Candidate {
        policy: Policy::SeedEffectLock,
        dispatch: Dispatch::FireAndForget,
        what: "the seed's fix and its \"future enhancement\": a mutex in `_HandleEffect`",
    },
    Candidate {
        policy: Policy::EffectLock,
        dispatch: Dispatch::FireAndForget,
        what: "the `_HandleEffect` mutex alone",
    },
    Candidate {
        policy: Policy::SeedDeferral,
        dispatch: Dispatch::BoundedWait,
        what: "the later module's bounded `WaitForCompletion`",
    },
    Candidate {
        policy: Policy::SeedAuraCache,
        dispatch: Dispatch::BoundedWait,
        what: "the later module: bounded wait and `AuraStateCache`",
    },
    Candidate {
        policy: Policy::PlayerLock,
        dispatch: Dispatch::FireAndForget,
        what: "a per-player lock on the worker, the map update and logout",
    },
    Candidate {
        policy: Policy::SeedDeferral,
        dispatch: Dispatch::Barrier,
        what: "the seed's classifier with the barrier (every update joined)",
    },
    Candidate {
        policy: Policy::CompleteDeferral,
        dispatch: Dispatch::FireAndForget,
        what: "complete, fail-closed deferral",
    },
    Candidate {
        policy: Policy::CompleteDeferral,
        dispatch: Dispatch::Barrier,
        what: "complete, fail-closed deferral with the barrier",
    },
    Candidate {
        policy: Policy::MapRouting,
        dispatch: Dispatch::Barrier,
        what: "TrinityCore's own routing: bots as ordinary sessions",
    },
];

/// The seed of the one `seed-load` schedule the cost columns are read from.
pub const LOAD_SEED: u64 = 0x49416;

/// What one candidate breaks and costs.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// `policy / dispatch`.
    pub candidate: String,
    /// What it is.
    pub what: &'static str,
    /// Every assert tripped, in any scenario.
    pub asserts: Vec<String>,
    /// One effect applied twice without an assert.
    pub double_effect: bool,
    /// `aura-integrity` broken.
    pub aura_integrity: bool,
    /// `use-after-free` broken.
    pub use_after_free: bool,
    /// The fields a data race was found on.
    pub races: Vec<&'static str>,
    /// Packets lost (`exactly-once` broken).
    pub lost_packets: bool,
    /// A session's packets reordered (`order` broken).
    pub reordering: bool,
    /// Handlers off TrinityCore's placement rule (`placement` broken).
    pub off_placement: bool,
    /// Percent of `seed-load`'s handler runs on a bot worker.
    pub bot_worker_pct: f64,
    /// Mean ticks between the tick a `seed-load` packet was sent for and the tick it ran.
    pub latency_mean: f64,
    /// The most ticks any `seed-load` packet waited.
    pub latency_max: u32,
    /// It changes TrinityCore itself, not only the module.
    pub core_change: bool,
    /// Every invariant holds on every scenario and checker.
    pub clean: bool,
}

/// The rows of `rows` for `candidate`.
fn rows_of<'a>(rows: &'a [Row], c: &Candidate) -> impl Iterator<Item = &'a Row> + 'a {
    let (policy, dispatch) = (c.policy, c.dispatch);
    rows.iter().filter(move |r| r.result.cell.policy == policy && r.result.cell.dispatch == dispatch)
}

/// One run of `seed-load` under the candidate: shuttle's random scheduler with [`LOAD_SEED`], its
/// first schedule, so the figures are the same on every machine.
pub fn load_run(policy: Policy, dispatch: Dispatch) -> Outcome {
    let scenario = Arc::new(ScenarioName::SeedLoad.build());
    let slot = Arc::new(Mutex::new(None));
    let s = slot.clone();
    let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(LOAD_SEED, 1);
    crate::explore::run_shuttle(scheduler, move || {
        *s.lock().unwrap() = Some(model::world::run_with_trace_cap::<Shuttle>(&scenario, policy, dispatch, 0));
    });
    let outcome = slot.lock().unwrap().take();
    outcome.expect("shuttle ran the one schedule")
}

/// Compares every candidate over the matrix `rows` (which must hold the candidates' cells).
pub fn compare(rows: &[Row]) -> Vec<Comparison> {
    CANDIDATES.iter().map(|c| compare_one(rows, c)).collect()
}

fn compare_one(rows: &[Row], c: &Candidate) -> Comparison {
    let mine: Vec<&Row> = rows_of(rows, c).collect();
    let broken = |i: Invariant| mine.iter().any(|r| r.result.first.contains_key(&i));
    let asserts: BTreeSet<AssertFailure> = mine.iter().flat_map(|r| r.result.assert_lines.keys().copied()).collect();
    let races: BTreeSet<Site> = mine.iter().flat_map(|r| r.result.race_kinds.keys().map(|k| k.site)).collect();
    let load = load_run(c.policy, c.dispatch);
    let ran = load.runs.len().max(1);
    let on_worker = load.runs.iter().filter(|r| r.lane.kind() == ThreadKind::BotWorker).count();
    let latencies: Vec<u32> = load.packets.iter().filter_map(|p| p.latency()).collect();
    let latency_mean = latencies.iter().map(|&l| l as f64).sum::<f64>() / latencies.len().max(1) as f64;
    Comparison {
        candidate: format!("{} / {}", c.policy.name(), c.dispatch.name()),
        what: c.what,
        asserts: asserts.iter().map(|&a| assert_short(a)).collect(),
        double_effect: broken(Invariant::DoubleEffect),
        aura_integrity: broken(Invariant::AuraIntegrity),
        use_after_free: broken(Invariant::UseAfterFree),
        races: races.iter().map(|s| s.name()).collect(),
        lost_packets: broken(Invariant::ExactlyOnce),
        reordering: broken(Invariant::Order),
        off_placement: broken(Invariant::Placement),
        bot_worker_pct: (on_worker as f64 * 1000.0 / ran as f64).round() / 10.0,
        latency_mean: (latency_mean * 100.0).round() / 100.0,
        latency_max: latencies.iter().copied().max().unwrap_or(0),
        core_change: c.policy.core_change(),
        clean: mine.iter().all(|r| r.result.first.is_empty()),
    }
}

fn yes(b: bool) -> &'static str {
    if b {
        "**yes**"
    } else {
        "no"
    }
}

/// The comparison as a Markdown table, with a legend.
pub fn render_markdown(table: &[Comparison]) -> String {
    let mut out = String::new();
    out.push_str(
        "| candidate | asserts | double effect | aura-integrity | use after free | data races | lost packets | \
         reordering | off placement | on bot worker | added latency (mean / max ticks) | core change |\n",
    );
    out.push_str("|---|---|---|---|---|---|---|---|---|---:|---:|---|\n");
    for c in table {
        let asserts = if c.asserts.is_empty() { "none".to_string() } else { format!("**{}**", c.asserts.join(", ")) };
        let races = match c.races.len() {
            0 => "none".to_string(),
            n if n <= 3 => format!("**{}**", c.races.join(", ")),
            n => format!("**{n} fields**"),
        };
        let _ = writeln!(
            out,
            "| `{}`: {} | {asserts} | {} | {} | {} | {races} | {} | {} | {} | {:.1}% | {:.2} / {} | {} |",
            c.candidate,
            c.what,
            yes(c.double_effect),
            yes(c.aura_integrity),
            yes(c.use_after_free),
            yes(c.lost_packets),
            yes(c.reordering),
            yes(c.off_placement),
            c.bot_worker_pct,
            c.latency_mean,
            c.latency_max,
            if c.core_change { "yes" } else { "no" },
        );
    }
    out
}

/// The comparison as text: one block per candidate.
pub fn render_text(table: &[Comparison]) -> String {
    let mut out = String::new();
    for c in table {
        let _ = writeln!(out, "{}: {}", c.candidate, c.what);
        let broken: Vec<String> = [
            (!c.asserts.is_empty()).then(|| format!("asserts {}", c.asserts.join(","))),
            c.double_effect.then(|| "double-effect".to_string()),
            c.aura_integrity.then(|| "aura-integrity".to_string()),
            c.use_after_free.then(|| "use-after-free".to_string()),
            (!c.races.is_empty()).then(|| format!("data races on {}", c.races.join(", "))),
            c.lost_packets.then(|| "lost packets".to_string()),
            c.reordering.then(|| "reordering".to_string()),
            c.off_placement.then(|| "off TrinityCore's placement".to_string()),
        ]
        .into_iter()
        .flatten()
        .collect();
        let _ =
            writeln!(out, "    breaks: {}", if broken.is_empty() { "nothing".to_string() } else { broken.join("; ") });
        let _ = writeln!(
            out,
            "    seed-load: {:.1}% of handlers on a bot worker, {:.2} ticks added on average ({} at most); core change: {}",
            c.bot_worker_pct,
            c.latency_mean,
            c.latency_max,
            if c.core_change { "yes" } else { "no" }
        );
    }
    out
}

/// The (policy, dispatch) pairs the comparison needs from the matrix.
pub fn cells() -> Vec<(Policy, Dispatch)> {
    CANDIDATES.iter().map(|c| (c.policy, c.dispatch)).collect()
}
