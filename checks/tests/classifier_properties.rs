//! Properties of every classifier the model has, over TrinityCore's whole client opcode table
//! (all 1,008 opcodes, exhaustively) and over arbitrary `u32` wire values (proptest, fixed seed).
//!
//! Run: `cargo test -p checks --release --test classifier_properties`
//! Failing proptest cases are kept in `classifier_properties.proptest-regressions` beside this
//! file and replayed first on every run; commit that file. The seed-classifier finding is an insta
//! snapshot in the top-level `snapshots/` folder.

mod common;

use checks::audit::baseline::DenseTable;
use checks::audit::gaps;
use model::classifier::{Classifier, CompleteClassifier, Policy, Route, SeedClassifier, TrinityCoreRouting};
use model::opcodes::{
    decode_wire, DecodeError, HandlerKind, Opcode, Payload, Place, SeedCategory, OPCODES, OPCODE_COUNT, SEED_DEFERRED,
};
use model::outcome::{Cx, Ghost, Lane};
use model::session::{BotSession, Filter};
use model::sync::Std;
use proptest::prelude::*;
use proptest::test_runner::{FileFailurePersistence, RngSeed};
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x5EED_C1A5_51F1_E400),
        failure_persistence: Some(Box::new(FileFailurePersistence::WithSource("proptest-regressions"))),
        ..ProptestConfig::default()
    }
}

/// Every classifier of the model: the four policies' classifiers.
fn classifiers() -> Vec<&'static dyn Classifier> {
    Policy::ALL.iter().map(|p| p.classifier()).collect()
}

/// Each policy's classifier tabulated once, walking the table in order.
fn references() -> &'static [DenseTable] {
    static TABLES: OnceLock<Vec<DenseTable>> = OnceLock::new();
    TABLES.get_or_init(|| Policy::ALL.iter().map(|p| DenseTable::of(p.classifier())).collect())
}

/// The deferral classifiers send an opcode either to the bot worker or to the main thread.
fn is_deferral(c: &dyn Classifier) -> bool {
    c.name() != TrinityCoreRouting.name()
}

/// A wire value from the table or an arbitrary `u32` (mostly not in the table).
fn wire_value() -> impl Strategy<Value = u32> {
    prop_oneof![any::<u32>(), (0..OPCODE_COUNT).prop_map(|i| Opcode::from_index(i).value())]
}

fn in_table(value: u32) -> bool {
    OPCODES.iter().any(|i| i.value == value)
}

/// Every classifier gives every opcode exactly one route, the same on every call, and
/// `requires_main_thread` is exactly "the route is not the bot worker". The deferral classifiers
/// route only to the bot worker or the main thread; TrinityCore's routing follows the opcode's
/// processing place.
#[test]
fn every_opcode_has_one_stable_route() {
    for c in classifiers() {
        for op in Opcode::all() {
            let route = c.route(op);
            assert_eq!(c.route(op), route, "{}: {op} changed route between calls", c.name());
            assert_eq!(c.requires_main_thread(op), route != Route::BotWorker, "{}: {op}", c.name());
            if is_deferral(c) {
                assert!(matches!(route, Route::BotWorker | Route::MainThread), "{}: {op} -> {route:?}", c.name());
            } else {
                let expected = match op.info().place {
                    Place::ThreadSafe => Route::MapThread,
                    Place::ThreadUnsafe => Route::MainThread,
                    Place::Inplace => Route::EitherThread,
                };
                assert_eq!(route, expected, "{}: {op}", c.name());
            }
        }
    }
}

/// A reason is given exactly when the route is not the bot worker. For the deferral classifiers
/// that is exactly when the route is the main thread; TrinityCore's routing never uses the bot
/// worker, so it gives a reason for every opcode.
#[test]
fn reason_present_exactly_when_off_the_bot_worker() {
    for c in classifiers() {
        for op in Opcode::all() {
            let route = c.route(op);
            let reason = c.deferral_reason(op);
            assert_eq!(reason.is_some(), route != Route::BotWorker, "{}: {op} {route:?} {reason:?}", c.name());
            assert_eq!(c.deferral_reason(op), reason, "{}: {op} changed reason between calls", c.name());
            if is_deferral(c) {
                assert_eq!(reason.is_some(), route == Route::MainThread, "{}: {op}", c.name());
            } else {
                assert!(reason.is_some() && route != Route::BotWorker, "{}: {op}", c.name());
            }
            if let Some(r) = reason {
                assert!(!r.trim().is_empty(), "{}: {op} has an empty reason", c.name());
            }
        }
    }
}

/// Each of the seed's eight categories is non-empty and disjoint from the others, so the first
/// set that holds an opcode is the only one: the order of the lookups cannot change the route.
/// `category()` names the one category the seed's data file gives the opcode, and the seed's
/// reason is that category's.
#[test]
fn seed_categories_are_nonempty_and_disjoint() {
    let seed = SeedClassifier::get();
    for c in SeedCategory::ALL {
        assert!(SEED_DEFERRED.iter().any(|(cat, _)| *cat == c), "category {} is empty", c.name());
    }
    for op in Opcode::all() {
        let cats: BTreeSet<SeedCategory> = SEED_DEFERRED.iter().filter(|(_, o)| *o == op).map(|(c, _)| *c).collect();
        assert!(cats.len() <= 1, "{op} is in several categories: {cats:?}");
        assert_eq!(SEED_DEFERRED.iter().filter(|(_, o)| *o == op).count(), cats.len(), "{op} listed twice");
        assert_eq!(seed.category(op), cats.first().copied(), "{op}");
        assert_eq!(seed.deferral_reason(op), seed.category(op).map(SeedClassifier::reason), "{op}");
    }
}

/// `statistics()` adds up: the per-category counts are in the seed's order, they sum to the
/// deferred count, the deferred count is the number of opcodes the seed routes to the main
/// thread, and the total is the table's size.
#[test]
fn seed_statistics_add_up_to_the_table() {
    let seed = SeedClassifier::get();
    let stats = seed.statistics();
    assert_eq!(stats.total, OPCODE_COUNT);
    assert_eq!(stats.total, 1008);
    assert_eq!(stats.per_category.iter().map(|(c, _)| *c).collect::<Vec<_>>(), SeedCategory::ALL.to_vec());
    for &(c, n) in &stats.per_category {
        assert_eq!(n, Opcode::all().filter(|&op| seed.category(op) == Some(c)).count(), "{}", c.name());
        assert!(n > 0, "{}", c.name());
    }
    assert_eq!(stats.per_category.iter().map(|(_, n)| n).sum::<usize>(), stats.deferred);
    assert_eq!(stats.deferred, Opcode::all().filter(|&op| seed.route(op) == Route::MainThread).count());
    assert_eq!(stats.deferred, SEED_DEFERRED.len());
    assert_eq!(stats.deferred + Opcode::all().filter(|&op| seed.route(op) == Route::BotWorker).count(), stats.total);
}

/// Soundness of the complete classifier: it keeps on the bot worker only opcodes whose handler
/// kind touches no shared game state, and it keeps every such handled opcode there.
#[test]
fn complete_classifier_is_sound() {
    for op in Opcode::all() {
        let on_worker = CompleteClassifier.route(op) == Route::BotWorker;
        if on_worker {
            assert!(!op.kind().touches_shared_state(), "{op} ({}) stays on the worker", op.kind().name());
        }
        assert_eq!(
            on_worker,
            matches!(op.kind(), HandlerKind::SessionLocal | HandlerKind::StaticQuery),
            "{op} ({})",
            op.kind().name()
        );
    }
}

/// The complete classifier is at least as strict as the seed's: every opcode the seed defers, the
/// complete classifier defers too.
#[test]
fn complete_classifier_defers_everything_the_seed_defers() {
    for &(_, op) in SEED_DEFERRED.iter() {
        assert_eq!(CompleteClassifier.route(op), Route::MainThread, "{op}");
    }
}

/// The seed's soundness gap, pinned: the exact list of handled opcodes the seed leaves on the
/// bot worker whose handler touches shared game state. Any change to the seed's sets, the table or
/// the handler-kind rules that moves an opcode in or out of this list shows up as a snapshot diff.
/// The list includes the movement-stop family that reaches the area autocast and spell-capable
/// uses such as GAME_OBJ_USE, SPELL_CLICK, USE_TOY and SPELL_EMPOWER_*.
#[test]
fn seed_classifier_leaves_shared_state_on_the_worker() {
    let unsound = gaps::seed_unsound();
    for name in [
        "CMSG_MOVE_STOP",
        "CMSG_MOVE_FALL_LAND",
        "CMSG_GAME_OBJ_USE",
        "CMSG_SPELL_CLICK",
        "CMSG_USE_TOY",
        "CMSG_SPELL_EMPOWER_RELEASE",
        "CMSG_SPELL_EMPOWER_RESTART",
    ] {
        assert!(unsound.iter().any(|op| op.name() == name), "{name} is no longer left on the worker");
    }
    for op in &unsound {
        assert_eq!(SeedClassifier::get().route(*op), Route::BotWorker);
        assert!(op.kind().touches_shared_state());
    }
    let listing: String = unsound
        .iter()
        .map(|op| format!("{:<60} {:<22} {}\n", op.name(), op.info().place.tc_name(), op.kind().name()))
        .collect();
    let mut settings = common::snapshot_settings();
    settings.set_info(&format!("{} opcodes", unsound.len()));
    settings.bind(|| insta::assert_snapshot!("seed_classifier_shared_state_on_worker", listing));
}

/// The dense table the benchmarks use as a baseline is the same function as the classifier it
/// was built from: same route and same reason for every opcode.
/// TrinityCore runs a PROCESS_THREADSAFE opcode on the player's map thread, beside other maps'
/// threads: no such handler may be judged a writer of state shared between players
/// (world-global), or map routing would race with itself. The four the world-global prefixes
/// once took are shared reads (`HandleWhoOpcode`, MiscHandler.cpp:95-246; `HandleDFGetSystemInfo`
/// and `HandleDFGetJoinStatus`, LFGHandler.cpp:106-138; `HandleAcceptWargameInvite`,
/// BattleGroundHandler.cpp:895-906), their THREADUNSAFE neighbours stay world-global, and the
/// THREADSAFE opcodes of a kind other than move, move-stop, shared-read and session-local are the
/// reviewed list: casts and writes of the player's own state.
#[test]
fn threadsafe_handlers_write_no_state_shared_between_players() {
    let threadsafe: Vec<Opcode> =
        Opcode::all().filter(|o| o.info().place == Place::ThreadSafe && o.kind() != HandlerKind::Unhandled).collect();
    for o in &threadsafe {
        assert_ne!(o.kind(), HandlerKind::WorldGlobal, "{o}");
    }
    for name in ["CMSG_WHO", "CMSG_DF_GET_SYSTEM_INFO", "CMSG_DF_GET_JOIN_STATUS", "CMSG_ACCEPT_WARGAME_INVITE"] {
        assert_eq!(Opcode::from_name(name).unwrap().kind(), HandlerKind::SharedRead, "{name}");
    }
    for name in ["CMSG_WHO_IS", "CMSG_DF_JOIN", "CMSG_DF_LEAVE", "CMSG_LEAVE_GROUP"] {
        assert_eq!(Opcode::from_name(name).unwrap().kind(), HandlerKind::WorldGlobal, "{name}");
    }
    let plain = [HandlerKind::Move, HandlerKind::MoveStop, HandlerKind::SharedRead, HandlerKind::SessionLocal];
    let reviewed: Vec<(&str, &str)> =
        threadsafe.iter().filter(|o| !plain.contains(&o.kind())).map(|o| (o.name(), o.kind().name())).collect();
    assert_eq!(
        reviewed,
        [
            ("CMSG_ACTIVATE_TAXI", "player-write"),
            ("CMSG_CANCEL_CAST", "player-write"),
            ("CMSG_CAST_SPELL", "cast"),
            ("CMSG_ENABLE_TAXI_NODE", "player-write"),
            ("CMSG_KEYBOUND_OVERRIDE", "player-write"),
            ("CMSG_SPELL_EMPOWER_RELEASE", "cast"),
            ("CMSG_SPELL_EMPOWER_RESTART", "cast"),
            ("CMSG_TAXI_QUERY_AVAILABLE_NODES", "player-write"),
            ("CMSG_TAXI_REQUEST_EARLY_LANDING", "player-write"),
        ]
    );
}

#[test]
fn dense_table_agrees_with_its_classifier() {
    for c in classifiers() {
        let dense = DenseTable::of(c);
        assert_eq!(dense.name(), c.name());
        for op in Opcode::all() {
            assert_eq!(dense.route(op), c.route(op), "{}: {op}", c.name());
            assert_eq!(dense.deferral_reason(op), c.deferral_reason(op), "{}: {op}", c.name());
        }
    }
}

proptest! {
    #![proptest_config(config(2048))]

    /// A classifier has no hidden state: looking opcodes up in any order, interleaved across
    /// classifiers, gives each the route and reason it has when the table is walked in order.
    #[test]
    fn routes_do_not_depend_on_lookup_order(
        lookups in prop::collection::vec((0..Policy::ALL.len(), 0..OPCODE_COUNT), 1..64)
    ) {
        let reference = references();
        for (p, i) in lookups {
            let c = Policy::ALL[p].classifier();
            let op = Opcode::from_index(i);
            prop_assert_eq!(c.route(op), reference[p].route(op));
            prop_assert_eq!(c.deferral_reason(op), reference[p].deferral_reason(op));
        }
    }

    /// Fail-closed decoding: a wire value outside the table is a typed error
    /// (`DecodeError::UnknownOpcode` carrying the value), never a panic and never an opcode; a
    /// value in the table decodes to the opcode with that value. No classifier can be asked about
    /// an unknown value, because it has no `Opcode`.
    #[test]
    fn wire_values_outside_the_table_are_rejected(value in wire_value(), payload in any::<[u8; 12]>(), n in 0u8..=12) {
        let mut bytes = value.to_le_bytes().to_vec();
        bytes.push(n);
        bytes.extend_from_slice(&payload[..n as usize]);
        let (decoded, used) = decode_wire(&bytes);
        prop_assert_eq!(used, 5 + n as usize);
        match Opcode::from_value(value) {
            Ok(op) => {
                prop_assert!(in_table(value));
                prop_assert_eq!(op.value(), value);
                prop_assert_eq!(decoded.map(|(o, _)| o), Ok(op));
            }
            Err(e) => {
                prop_assert!(!in_table(value));
                prop_assert_eq!(e, DecodeError::UnknownOpcode(value));
                prop_assert_eq!(decoded.map(|(o, _)| o), Err(DecodeError::UnknownOpcode(value)));
            }
        }
    }

    /// An unknown wire value in a packet stream never reaches a queue, so no worker (and no
    /// main thread) ever runs it: the session's receive queue holds exactly the stream's known
    /// packets, in order, with their payloads; every packet, known or not, got an id; the
    /// deferred queue stays empty.
    #[test]
    fn unknown_wire_values_never_reach_a_queue(
        stream in prop::collection::vec((wire_value(), any::<(u32, u32, u32)>()), 0..24)
    ) {
        let session = BotSession::<Std>::new(0);
        let ghost = Ghost::new(1, 0);
        let mut bytes = Vec::new();
        let mut known = Vec::new();
        for &(value, (spell, area, quest)) in &stream {
            let payload = Payload { spell, area, quest };
            bytes.extend_from_slice(&value.to_le_bytes());
            bytes.push(12);
            for w in [spell, area, quest] {
                bytes.extend_from_slice(&w.to_le_bytes());
            }
            if let Ok(op) = Opcode::from_value(value) {
                known.push((op, payload));
            }
        }
        let ids = session.receive_wire(Cx::new(&ghost, Lane::Bot { bot: 0, tick: 0 }), &bytes);
        prop_assert_eq!(ids.len(), stream.len());
        prop_assert_eq!(session.queue_lengths(), (known.len(), 0));
        let mut queued = Vec::new();
        while let Some(p) = session.next(Cx::new(&ghost, Lane::Bot { bot: 0, tick: 0 }), Filter::Bot, true) {
            queued.push((p.opcode, p.payload));
        }
        prop_assert_eq!(queued, known);
    }
}
