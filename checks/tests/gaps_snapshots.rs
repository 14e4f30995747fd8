//! The gap report and the worker share, pinned.
//!
//! Run: `cargo test -p checks --release --test gaps_snapshots`
//! (after a deliberate change: `INSTA_UPDATE=always cargo test -p checks --release --test gaps_snapshots`,
//! then read and commit the files in `snapshots/`).

mod common;

use checks::audit::gaps::render;
use checks::audit::gaps::{self, GapReport};
use checks::audit::worker_share::worker_share;
use checks::report::Format;
use model::classifier::{Dispatch, Policy};
use model::outcome::Lane;
use model::scenario::ScenarioName;
use model::sync::Std;
use model::Opcode;
use std::sync::{Arc, OnceLock};

use common::snapshot_settings as settings;

fn report() -> &'static GapReport {
    static REPORT: OnceLock<GapReport> = OnceLock::new();
    REPORT.get_or_init(gaps::report)
}

/// The text render of the gap report is exactly the committed one: any change to the table,
/// the handler-kind rules, the seed's sets or the measured worker share shows up as a diff.
#[test]
fn gap_report_text() {
    settings().bind(|| insta::assert_snapshot!("gap_report_text", render(report(), Format::Text)));
}

/// The Markdown render of the gap report is exactly the committed one.
#[test]
fn gap_report_markdown() {
    settings().bind(|| insta::assert_snapshot!("gap_report_markdown", render(report(), Format::Markdown)));
}

/// The JSON render is exactly the committed one, parses back, and carries the same counts as
/// the report it came from.
#[test]
fn gap_report_json() {
    let json = render(report(), Format::Json);
    let value: serde_json::Value = serde_json::from_str(&json).expect("the JSON render parses");
    assert_eq!(value["opcodes"], 1008);
    assert_eq!(value["seed_deferred"], 62);
    settings().bind(|| insta::assert_snapshot!("gap_report_json", json));
}

/// Two reports built independently render to the same bytes in every format: nothing in the
/// report depends on hash order, thread timing or the clock.
#[test]
fn gap_report_is_deterministic() {
    let again = gaps::report();
    for format in Format::ALL {
        assert_eq!(render(report(), format), render(&again, format), "{}", format.name());
    }
}

/// Every format name parses back to its format.
#[test]
fn format_names_round_trip() {
    for format in Format::ALL {
        assert_eq!(Format::from_name(format.name()), Some(format));
    }
    assert_eq!(Format::from_name("yaml"), None);
}

/// Every packet of seed-load is accounted for under every policy (ran once, dropped, or lost
/// with the session of the bot removed in the last tick), and the lanes add up to the runs.
#[test]
fn worker_share_accounts_for_every_packet() {
    let scenario = Arc::new(ScenarioName::SeedLoad.build());
    for share in &report().worker_share {
        assert_eq!(share.received, scenario.packet_count(), "{}", share.policy.name());
        assert_eq!(share.ran + share.dropped + share.lost, share.received, "{}", share.policy.name());
        assert_eq!(share.bot_worker + share.main_thread + share.map_thread, share.ran, "{}", share.policy.name());
        assert_eq!(share.asserts, 0, "{}: barrier dispatch serializes map and bot updates", share.policy.name());
    }
}

/// The measured shares, pinned: with barrier dispatch the unsynchronized policy runs every
/// handler on the bot worker, TrinityCore's routing runs none there, the complete classifier
/// keeps only session-local work and static queries there, and the seed keeps the pinned share,
/// above the claimed 80-85% because it leaves almost every kind of traffic on the worker.
#[test]
fn worker_share_pinned() {
    let share = |p: Policy| {
        report()
            .worker_share
            .iter()
            .find(|s| s.policy == p)
            .unwrap_or_else(|| panic!("no share for {}", p.name()))
            .clone()
    };
    assert_eq!(share(Policy::UNSYNCHRONIZED).bot_worker_pct, 100.0);
    assert_eq!(share(Policy::MAP_ROUTING).bot_worker, 0);
    let seed = share(Policy::SEED_DEFERRAL);
    let complete = share(Policy::COMPLETE_DEFERRAL);
    assert!(complete.bot_worker < seed.bot_worker, "the complete classifier defers more than the seed");
    settings().bind(|| {
        insta::assert_snapshot!(
            "worker_share_seed_load",
            report()
                .worker_share
                .iter()
                .map(|s| format!(
                    "{:<18} ran {:>3}  bot {:>3}  main {:>3}  map {:>3}  bot share {:>5.1}%  mix {:>5.1}%",
                    s.policy.name(),
                    s.ran,
                    s.bot_worker,
                    s.main_thread,
                    s.map_thread,
                    s.bot_worker_pct,
                    s.expected_bot_worker_pct
                ))
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
}

/// With barrier dispatch on the std backend, the lane each packet runs on (thread and tick) is
/// the same on every run: map updates are joined before bot updates start, bot updates are
/// joined before the deferred pass, and concurrent bot updates touch disjoint players. Packet ids
/// are handed out in receive order across bots, which does depend on timing, so a packet is
/// named by its bot and its place in that bot's stream. Checked by running every policy ten
/// times and comparing each packet's opcode and lane.
#[test]
fn barrier_lanes_do_not_depend_on_timing() {
    let scenario = Arc::new(ScenarioName::SeedLoad.build());
    for policy in Policy::ALL {
        let lanes = || {
            let outcome = model::world::run::<Std>(&scenario, policy, model::AiPlacement::Worker, Dispatch::Barrier);
            let mut seen = vec![0usize; scenario.players.len()];
            let name: Vec<(u8, usize)> = outcome
                .packets
                .iter()
                .map(|p| {
                    seen[p.bot as usize] += 1;
                    (p.bot, seen[p.bot as usize])
                })
                .collect();
            let mut lanes: Vec<((u8, usize), Opcode, Lane)> =
                outcome.runs.iter().map(|r| (name[r.id as usize], r.opcode, r.lane)).collect();
            lanes.sort_by_key(|&(n, _, _)| n);
            lanes
        };
        let first = lanes();
        assert!(!first.is_empty());
        for _ in 0..9 {
            assert_eq!(lanes(), first, "{}", policy.name());
        }
    }
    for _ in 0..3 {
        assert_eq!(worker_share(&scenario, model::AiPlacement::Worker, Dispatch::Barrier), report().worker_share);
    }
}
