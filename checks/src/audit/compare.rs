//! "Which fix to ship": the candidate fixes side by side, every column read off runs.
//!
//! A row is one candidate, a (policy, AI placement, dispatch) combination. Its verdict columns are the union, over
//! every scenario and checker of the matrix, of what its cells break: one column per invariant,
//! in [`Invariant::ALL`] order, each written by [`column()`] and filled by `broke` (an exhaustive
//! `match` each, so a new invariant gets its column where it is decided): the asserts tripped,
//! the fields raced on, and whether each other invariant broke. Its cost columns come from one deterministic run of `seed-load` (shuttle's
//! random scheduler, fixed seed, first schedule): the share of handlers that ran on a bot worker,
//! and the ticks a packet waited between the tick it was sent for and the tick its handler ran.

use crate::expected::{self, bless, table::LoomSearch};
use crate::explore::bounds::Finding;
use crate::explore::{last_outcome, Cell, Play, ShuttleEngine};
use crate::matrix::Row;
use crate::report::assert_short;
use model::outcome::{Outcome, ThreadKind};
use model::race::Site;
use model::{AiPlacement, AssertFailure, Dispatch, Invariant, Policy, ScenarioName};
use serde::Serialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One candidate fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// Its policy.
    pub policy: Policy,
    /// Where its bot AI runs.
    pub ai: AiPlacement,
    /// Its dispatch mode.
    pub dispatch: Dispatch,
    /// What it is, and where it comes from.
    pub what: &'static str,
}

/// The candidates, in the table's order: today's module (the module as it crashed, the seed's fix
/// and its own "future enhancement", a per-player lock, the barrier), then the later module's
/// designs, then TrinityCore's own routing with each AI placement, then complete deferral.
pub const CANDIDATES: &[Candidate] = &[
    Candidate {
        policy: Policy::UNSYNCHRONIZED,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "no fix: the crash-era module (every handler on the bot worker)",
    },
    Candidate {
        policy: Policy::SEED_DEFERRAL,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "the seed's fix as shipped: 62 opcodes deferred",
    },
    Candidate {
        policy: Policy::SEED_EFFECT_LOCK,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "the seed's fix and its \"future enhancement\": a mutex in `_HandleEffect`",
    },
    Candidate {
        policy: Policy::EFFECT_LOCK,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "the `_HandleEffect` mutex alone",
    },
    Candidate {
        policy: Policy::PLAYER_LOCK,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "a per-player lock on the worker, the map update and logout",
    },
    Candidate {
        policy: Policy::SEED_DEFERRAL,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::Barrier,
        what: "the seed's classifier with the barrier (every update joined)",
    },
    Candidate {
        policy: Policy::SEED_DEFERRAL,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::BoundedWait,
        what: "the later module's bounded `WaitForCompletion`",
    },
    Candidate {
        policy: Policy::SEED_AURA_CACHE,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::BoundedWait,
        what: "the later module: bounded wait and `AuraStateCache`",
    },
    Candidate {
        policy: Policy::SEED_DEFERRAL,
        ai: AiPlacement::ActionQueue,
        dispatch: Dispatch::BoundedWait,
        what: "the later module: bounded wait, `AuraStateCache` and the action queue (`BotActionMgr`)",
    },
    Candidate {
        policy: Policy::MAP_ROUTING,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "TrinityCore's routing, the bot worker pool kept for the AI",
    },
    Candidate {
        policy: Policy::MAP_ROUTING,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::Barrier,
        what: "TrinityCore's routing, AI on the bot worker pool joined each tick",
    },
    Candidate {
        policy: Policy::MAP_ROUTING,
        ai: AiPlacement::ActionQueue,
        dispatch: Dispatch::FireAndForget,
        what: "TrinityCore's routing, AI decisions on the pool, actions queued to the world thread",
    },
    Candidate {
        policy: Policy::MAP_ROUTING,
        ai: AiPlacement::MapThread,
        dispatch: Dispatch::Barrier,
        what: "TrinityCore's routing, AI inside `Player::Update` (mod-playerbots before its pull request #1816)",
    },
    Candidate {
        policy: Policy::MAP_ROUTING,
        ai: AiPlacement::MapThreadGroupQueue,
        dispatch: Dispatch::Barrier,
        what: "TrinityCore's routing, AI inside `Player::Update`, group operations queued to the world thread (mod-playerbots since #1816)",
    },
    Candidate {
        policy: Policy::COMPLETE_DEFERRAL,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::FireAndForget,
        what: "complete, fail-closed deferral",
    },
    Candidate {
        policy: Policy::COMPLETE_DEFERRAL,
        ai: AiPlacement::Worker,
        dispatch: Dispatch::Barrier,
        what: "complete, fail-closed deferral with the barrier",
    },
    Candidate {
        policy: Policy::COMPLETE_DEFERRAL,
        ai: AiPlacement::ActionQueue,
        dispatch: Dispatch::FireAndForget,
        what: "complete, fail-closed deferral, AI actions queued to the world thread",
    },
    Candidate {
        policy: Policy::COMPLETE_DEFERRAL,
        ai: AiPlacement::MapThread,
        dispatch: Dispatch::FireAndForget,
        what: "complete, fail-closed deferral, AI inside `Player::Update` on the map thread",
    },
    Candidate {
        policy: Policy::COMPLETE_DEFERRAL,
        ai: AiPlacement::MapThreadGroupQueue,
        dispatch: Dispatch::FireAndForget,
        what: "complete, fail-closed deferral, AI inside `Player::Update`, group operations queued to the world thread",
    },
];

/// The seed of the one `seed-load` schedule the cost columns are read from.
pub const LOAD_SEED: u64 = 0x49416;

/// What one candidate breaks and costs.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    /// `policy / ai / dispatch`.
    pub candidate: String,
    /// Where its bot AI runs ([`ai_runs`]).
    pub ai_runs: &'static str,
    /// What it is.
    pub what: &'static str,
    /// What it breaks, one column per invariant in [`Invariant::ALL`] order (in the JSON, one
    /// key per invariant, [`Column::key`]).
    #[serde(flatten)]
    pub broken: Broken,
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
    /// How far the pinned truths of its small scenarios searched, the weakest of them: how far a
    /// "no" in this row holds beyond the runs it was read from (`proved`, `loom to bound K`).
    pub pinned_search: String,
    /// What the pinned truths know it breaks that these runs did not reach (a deeper loom bound),
    /// e.g. `Unit.cpp:3811 (loom 4, move-stop-49416)`.
    pub deeper: Vec<String>,
}

impl Comparison {
    /// What it breaks of `invariant`.
    pub fn broke(&self, invariant: Invariant) -> &Broke {
        &self.broken.0[invariant as usize].1
    }
}

/// What a candidate breaks of each invariant, in [`Invariant::ALL`] order (each invariant at its
/// index).
#[derive(Clone, Debug)]
pub struct Broken(Vec<(Invariant, Broke)>);

impl Serialize for Broken {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (invariant, broke) in &self.0 {
            map.serialize_entry(column(*invariant).key, broke)?;
        }
        map.end()
    }
}

/// What a candidate breaks of one invariant, over every scenario and checker.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Broke {
    /// Whether it broke.
    Flag(bool),
    /// What broke it: the assert lines (`assert`), the fields raced on (`data-race`); empty when
    /// it held.
    Which(Vec<String>),
}

impl Broke {
    /// True when it broke.
    pub fn any(&self) -> bool {
        match self {
            Broke::Flag(b) => *b,
            Broke::Which(items) => !items.is_empty(),
        }
    }
    /// The assert lines or fields (empty for a flag).
    pub fn items(&self) -> &[String] {
        match self {
            Broke::Flag(_) => &[],
            Broke::Which(items) => items,
        }
    }
}

/// How one invariant shows in the table.
#[derive(Debug)]
pub struct Column {
    /// The JSON key.
    pub key: &'static str,
    /// The Markdown header.
    pub header: &'static str,
    /// The text report's words for it.
    pub text: &'static str,
    /// For a list column, what more than three items collapse to (`16 fields`); `None` lists them
    /// all.
    pub many: Option<&'static str>,
}

/// The column of `invariant`: the one place a new invariant gets its column.
pub fn column(invariant: Invariant) -> Column {
    let (key, header, text, many) = match invariant {
        Invariant::Assert => ("asserts", "asserts", "asserts", None),
        Invariant::UseAfterFree => ("use_after_free", "use after free", "use-after-free", None),
        Invariant::DoubleEffect => ("double_effect", "double effect", "double-effect", None),
        Invariant::AuraIntegrity => ("aura_integrity", "aura-integrity", "aura-integrity", None),
        Invariant::ExactlyOnce => ("lost_packets", "lost packets", "lost packets", None),
        Invariant::Order => ("reordering", "reordering", "reordering", None),
        Invariant::DataRace => ("races", "data races", "data races on", Some("fields")),
        Invariant::Placement => ("off_placement", "off placement", "off TrinityCore's placement", None),
    };
    Column { key, header, text, many }
}

/// What the candidate's rows `mine` break of `invariant`: the assert lines tripped, the fields
/// raced on, or whether the invariant broke.
fn broke(mine: &[&Row], invariant: Invariant) -> Broke {
    match invariant {
        Invariant::Assert => {
            let asserts: BTreeSet<AssertFailure> =
                mine.iter().flat_map(|r| r.result.assert_lines.keys().copied()).collect();
            Broke::Which(asserts.iter().map(|&a| assert_short(a)).collect())
        }
        Invariant::DataRace => {
            let races: BTreeSet<Site> = mine.iter().flat_map(|r| r.result.race_kinds.keys().map(|k| k.site)).collect();
            Broke::Which(races.iter().map(|s| s.name().to_string()).collect())
        }
        Invariant::UseAfterFree
        | Invariant::DoubleEffect
        | Invariant::AuraIntegrity
        | Invariant::ExactlyOnce
        | Invariant::Order
        | Invariant::Placement => Broke::Flag(mine.iter().any(|r| r.result.first.contains_key(&invariant))),
    }
}

/// The rows of `rows` for `candidate`.
fn rows_of<'a>(rows: &'a [Row], c: &Candidate) -> impl Iterator<Item = &'a Row> + 'a {
    let key = (c.policy, c.ai, c.dispatch);
    rows.iter().filter(move |r| (r.result.cell.policy, r.result.cell.ai, r.result.cell.dispatch) == key)
}

/// The "AI runs" column: where a placement runs the bot AI, in words.
pub fn ai_runs(ai: AiPlacement) -> &'static str {
    match ai {
        AiPlacement::Worker => "bot worker",
        AiPlacement::ActionQueue => "worker decides, world thread acts",
        AiPlacement::MapThread => "map thread",
        AiPlacement::MapThreadGroupQueue => "map thread, group operations on the world thread",
    }
}

/// One run of `seed-load` under the candidate: shuttle's random scheduler with [`LOAD_SEED`], its
/// first schedule, so the figures are the same on every machine.
pub fn load_run(policy: Policy, ai: AiPlacement, dispatch: Dispatch) -> Outcome {
    let scheduler = shuttle::scheduler::RandomScheduler::new_from_seed(LOAD_SEED, 1);
    let play = Play::new(ScenarioName::SeedLoad.build(), policy, ai, dispatch).trace_cap(0);
    last_outcome(ShuttleEngine(scheduler), play).expect("shuttle ran the one schedule")
}

/// Compares every candidate over the matrix `rows` (which must hold the candidates' cells).
pub fn compare(rows: &[Row]) -> Vec<Comparison> {
    CANDIDATES.iter().map(|c| compare_one(rows, c)).collect()
}

fn compare_one(rows: &[Row], c: &Candidate) -> Comparison {
    let mine: Vec<&Row> = rows_of(rows, c).collect();
    let load = load_run(c.policy, c.ai, c.dispatch);
    let ran = load.runs.len().max(1);
    let on_worker = load.runs.iter().filter(|r| r.lane.kind() == ThreadKind::BotWorker).count();
    let latencies: Vec<u32> = load.packets.iter().filter_map(|p| p.latency()).collect();
    let latency_mean = latencies.iter().map(|&l| l as f64).sum::<f64>() / latencies.len().max(1) as f64;
    Comparison {
        candidate: format!("{} / {} / {}", c.policy.name(), c.ai.name(), c.dispatch.name()),
        ai_runs: ai_runs(c.ai),
        what: c.what,
        broken: Broken(Invariant::ALL.iter().map(|&i| (i, broke(&mine, i))).collect()),
        bot_worker_pct: (on_worker as f64 * 1000.0 / ran as f64).round() / 10.0,
        latency_mean: (latency_mean * 100.0).round() / 100.0,
        latency_max: latencies.iter().copied().max().unwrap_or(0),
        core_change: c.policy.core_change(),
        clean: mine.iter().all(|r| r.result.first.is_empty()),
        pinned_search: pinned_search(c),
        deeper: deeper(&mine, c),
    }
}

/// The weakest loom search among the pinned truths of the candidate's small scenarios.
fn pinned_search(c: &Candidate) -> String {
    let searches = ScenarioName::small()
        .into_iter()
        .filter_map(|scenario| expected::pin(Cell { policy: c.policy, ai: c.ai, scenario, dispatch: c.dispatch }))
        .map(|row| row.truth.loom);
    let weakest = searches.min_by_key(|s| match s {
        LoomSearch::NotRun => 0,
        LoomSearch::UpTo(k) => 1 + k,
        LoomSearch::Every => usize::MAX,
    });
    match weakest {
        Some(LoomSearch::Every) => "proved".to_string(),
        Some(LoomSearch::UpTo(k)) => format!("loom to bound {k}"),
        Some(LoomSearch::NotRun) | None => "not pinned".to_string(),
    }
}

/// The invariants and asserts the candidate's pinned truths hold, at a loom bound deeper than its
/// rows `mine` searched, that none of those rows found: each with the smallest bound and the first
/// scenario that shows it.
fn deeper(mine: &[&Row], c: &Candidate) -> Vec<String> {
    let found: BTreeSet<Finding> = mine.iter().flat_map(|r| bless::found(&r.result)).collect();
    let mut first: Vec<(Finding, usize, ScenarioName)> = Vec::new();
    for scenario in ScenarioName::ALL {
        let Some(row) = expected::pin(Cell { policy: c.policy, ai: c.ai, scenario, dispatch: c.dispatch }) else {
            continue;
        };
        for (&f, reach) in &row.truth.findings {
            let (Some(k), false, false) = (reach.loom, found.contains(&f), matches!(f, Finding::Race(_))) else {
                continue;
            };
            match first.iter_mut().find(|(g, _, _)| *g == f) {
                Some(e) if k < e.1 => *e = (f, k, scenario),
                Some(_) => {}
                None => first.push((f, k, scenario)),
            }
        }
    }
    first.sort();
    first
        .into_iter()
        .map(|(f, k, scenario)| {
            let what = match f {
                Finding::Assert(a) => assert_short(a),
                other => other.to_string(),
            };
            format!("{what} (loom {k}, {})", scenario.name())
        })
        .collect()
}

fn yes(b: bool) -> &'static str {
    if b {
        "**yes**"
    } else {
        "no"
    }
}

/// One invariant's Markdown cell.
fn markdown_cell(invariant: Invariant, broke: &Broke) -> String {
    match broke {
        Broke::Flag(b) => yes(*b).to_string(),
        Broke::Which(items) => match (items.len(), column(invariant).many) {
            (0, _) => "none".to_string(),
            (n, Some(many)) if n > 3 => format!("**{n} {many}**"),
            _ => format!("**{}**", items.join(", ")),
        },
    }
}

/// The comparison as a Markdown table, with a legend.
pub fn render_markdown(table: &[Comparison]) -> String {
    let headers: Vec<&str> = Invariant::ALL.iter().map(|&i| column(i).header).collect();
    let mut out = format!(
        "| candidate | AI runs | {} | on bot worker | added latency (mean / max ticks) | core change | \"no\" holds | deeper |\n",
        headers.join(" | ")
    );
    let _ = writeln!(out, "|---|---|{}---:|---:|---|---|---|", "---|".repeat(headers.len()));
    for c in table {
        let cells: Vec<String> = c.broken.0.iter().map(|(i, b)| markdown_cell(*i, b)).collect();
        let _ = writeln!(
            out,
            "| `{}`: {} | {} | {} | {:.1}% | {:.2} / {} | {} | {} | {} |",
            c.candidate,
            c.what,
            c.ai_runs,
            cells.join(" | "),
            c.bot_worker_pct,
            c.latency_mean,
            c.latency_max,
            if c.core_change { "yes" } else { "no" },
            c.pinned_search,
            if c.deeper.is_empty() { "none".to_string() } else { format!("**{}**", c.deeper.join(", ")) },
        );
    }
    out
}

/// The comparison as text: one block per candidate.
pub fn render_text(table: &[Comparison]) -> String {
    let mut out = String::new();
    for c in table {
        let _ = writeln!(out, "{}: {}", c.candidate, c.what);
        let _ = writeln!(out, "    AI runs on: {}", c.ai_runs);
        let broken: Vec<String> = c
            .broken
            .0
            .iter()
            .filter(|(_, b)| b.any())
            .map(|(i, b)| match b {
                Broke::Flag(_) => column(*i).text.to_string(),
                Broke::Which(items) => format!("{} {}", column(*i).text, items.join(", ")),
            })
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
        let deeper = if c.deeper.is_empty() { "nothing".to_string() } else { c.deeper.join(", ") };
        let _ = writeln!(out, "    pinned search: {}; found only deeper: {deeper}", c.pinned_search);
    }
    out
}

/// The (policy, AI placement, dispatch) combinations the comparison needs from the matrix: the
/// cells users ask about, which the default run explores on every scenario.
pub fn cells() -> Vec<(Policy, AiPlacement, Dispatch)> {
    CANDIDATES.iter().map(|c| (c.policy, c.ai, c.dispatch)).collect()
}
