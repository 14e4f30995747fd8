//! The gap report: the seed's classifier (or yours, with `--classifier`) held against
//! TrinityCore's own processing places over the whole client opcode table, what it leaves on the
//! bot worker by handler kind, the opcodes the handler-kind rules had to guess, the seed
//! document's names and set sizes ([`super::seed_document`]) and the seed's worker-share claim
//! measured on `seed-load` ([`super::worker_share`]). [`report`] builds it;
//! [`render()`] renders it as text, JSON or Markdown.
//!
//! Everything here is deterministic: tables are walked in table order and groups are kept in
//! `BTreeMap`s or `Vec`s.

mod render;

pub use render::render;

use super::seed_document::{renamed, set_sizes, Rename, SetSize};
use super::worker_share::{worker_share, Share};
use model::classifier::{Classifier, CompleteClassifier, Dispatch, Route, SeedClassifier};
use model::opcodes::{HandlerKind, KindBasis, Opcode, Place, Status, OPCODE_COUNT};
use model::scenario::ScenarioName;
use model::AiPlacement;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The handler kinds that can reach `AuraApplication::_HandleEffect`: casts and spell-capable
/// uses, aura removals, the movement-stop family (area update, then the `spell_area` autocast)
/// and quest-log changes (`SendQuestUpdate`, then the same autocast).
pub const SPELL_CAPABLE: [HandlerKind; 4] =
    [HandlerKind::Cast, HandlerKind::AuraRemove, HandlerKind::MoveStop, HandlerKind::QuestUpdate];

/// The whole report.
#[derive(Clone, Debug, Serialize)]
pub struct GapReport {
    /// Where this build's opcode table comes from: `bundled`, or the TrinityCore checkout it was
    /// built on (`TRINITYCORE_DIR`).
    pub table: &'static str,
    /// Client opcodes in the table.
    pub opcodes: usize,
    /// Opcodes TrinityCore handles: status not UNHANDLED, NEVER or IGNORED, and a real handler
    /// (not `Handle_NULL`, `Handle_EarlyProccess` or `Handle_Deprecated`).
    pub handled: usize,
    /// Opcodes whose status alone says handled (MODEL.md's count), real handler or not.
    pub handled_by_status: usize,
    /// Opcodes the seed defers to the main thread.
    pub seed_deferred: usize,
    /// Handled opcodes by TrinityCore's processing place and by where each classifier sends them.
    pub places: Vec<PlaceCounts>,
    /// Handled THREADSAFE and THREADUNSAFE opcodes the seed leaves on the bot worker, by kind.
    pub left_on_worker: Vec<PlaceGap>,
    /// Spell-capable opcodes ([`SPELL_CAPABLE`]) the seed leaves on the bot worker, by kind.
    pub spell_capable_on_worker: Vec<KindGroup>,
    /// Handled opcodes no handler-kind rule names: their kind is the fail-closed guess,
    /// player-write (`model::opcodes::KindBasis::Guessed`). A new or renamed opcode of the
    /// table lands here; each is worth a look at its handler.
    pub guessed: Vec<Entry>,
    /// Opcode names of the seed document that this table spells differently.
    pub renamed: Vec<Rename>,
    /// Set sizes the seed document states beside those of its data file.
    pub set_sizes: Vec<SetSize>,
    /// Where `seed-load`'s packets ran, per policy.
    pub worker_share: Vec<Share>,
}

/// One processing place's counts (handled opcodes only).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlaceCounts {
    /// TrinityCore's name of the place.
    #[serde(serialize_with = "crate::report::by_name")]
    pub place: Place,
    /// Handled opcodes with this place.
    pub handled: usize,
    /// Sent to the main thread by the seed.
    pub seed_main_thread: usize,
    /// Left on the bot worker by the seed.
    pub seed_bot_worker: usize,
    /// Of those, the ones whose handler touches shared game state.
    pub seed_bot_worker_shared_state: usize,
    /// Left on the bot worker by the complete classifier.
    pub complete_bot_worker: usize,
}

/// One opcode in a list.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Entry {
    /// TrinityCore's name.
    pub name: &'static str,
    /// TrinityCore's processing place.
    #[serde(serialize_with = "crate::report::by_name")]
    pub place: Place,
}

/// Opcodes of one handler kind.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct KindGroup {
    /// The handler kind's name.
    #[serde(serialize_with = "crate::report::by_name")]
    pub kind: HandlerKind,
    /// Whether that kind touches shared game state.
    pub shared_state: bool,
    /// The opcodes, in table order.
    pub opcodes: Vec<Entry>,
}

/// The opcodes of one place that the seed leaves on the bot worker.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PlaceGap {
    /// TrinityCore's name of the place.
    #[serde(serialize_with = "crate::report::by_name")]
    pub place: Place,
    /// All of them.
    pub count: usize,
    /// Those whose handler touches shared game state.
    pub shared_state: usize,
    /// By handler kind, in [`HandlerKind::ALL`] order.
    pub by_kind: Vec<KindGroup>,
}

fn handled(op: Opcode) -> bool {
    op.kind() != HandlerKind::Unhandled
}

fn entry(op: Opcode) -> Entry {
    Entry { name: op.name(), place: op.info().place }
}

/// Groups `ops` by handler kind, in [`HandlerKind::ALL`] order, leaving out empty kinds.
fn by_kind(ops: impl Iterator<Item = Opcode>) -> Vec<KindGroup> {
    let mut groups: BTreeMap<HandlerKind, Vec<Entry>> = BTreeMap::new();
    for op in ops {
        groups.entry(op.kind()).or_default().push(entry(op));
    }
    groups
        .into_iter()
        .map(|(k, opcodes)| KindGroup { kind: k, shared_state: k.touches_shared_state(), opcodes })
        .collect()
}

/// Handled opcodes the seed leaves on the bot worker, in table order.
pub fn seed_left_on_worker() -> impl Iterator<Item = Opcode> {
    Opcode::all().filter(|&op| handled(op) && SeedClassifier::get().route(op) == Route::BotWorker)
}

/// The opcodes the seed leaves on the bot worker whose handler touches shared game state: the
/// seed's soundness gap, in table order.
pub fn seed_unsound() -> Vec<Opcode> {
    seed_left_on_worker().filter(|op| op.kind().touches_shared_state()).collect()
}

const PLACES: [Place; 3] = [Place::ThreadSafe, Place::ThreadUnsafe, Place::Inplace];

fn place_counts() -> Vec<PlaceCounts> {
    let seed = SeedClassifier::get();
    PLACES
        .iter()
        .map(|&place| {
            let ops: Vec<Opcode> = Opcode::all().filter(|&op| handled(op) && op.info().place == place).collect();
            let on_worker = |c: &dyn Classifier, op: Opcode| c.route(op) == Route::BotWorker;
            PlaceCounts {
                place,
                handled: ops.len(),
                seed_main_thread: ops.iter().filter(|&&op| !on_worker(seed, op)).count(),
                seed_bot_worker: ops.iter().filter(|&&op| on_worker(seed, op)).count(),
                seed_bot_worker_shared_state: ops
                    .iter()
                    .filter(|&&op| on_worker(seed, op) && op.kind().touches_shared_state())
                    .count(),
                complete_bot_worker: ops.iter().filter(|&&op| on_worker(&CompleteClassifier, op)).count(),
            }
        })
        .collect()
}

fn left_on_worker() -> Vec<PlaceGap> {
    [Place::ThreadSafe, Place::ThreadUnsafe]
        .iter()
        .map(|&place| {
            let ops: Vec<Opcode> = seed_left_on_worker().filter(|op| op.info().place == place).collect();
            PlaceGap {
                place,
                count: ops.len(),
                shared_state: ops.iter().filter(|op| op.kind().touches_shared_state()).count(),
                by_kind: by_kind(ops.into_iter()),
            }
        })
        .collect()
}

/// The report, with the worker share measured on the documented `seed-load` scenario under
/// [`Dispatch::Barrier`], the AI on the bot worker (the seed's module).
pub fn report() -> GapReport {
    let seed = SeedClassifier::get();
    let spell_capable = seed_left_on_worker().filter(|op| SPELL_CAPABLE.contains(&op.kind())).collect::<Vec<_>>();
    GapReport {
        table: model::opcodes::TABLE_SOURCE,
        opcodes: OPCODE_COUNT,
        handled: Opcode::all().filter(|&op| handled(op)).count(),
        handled_by_status: Opcode::all()
            .filter(|op| !matches!(op.info().status, Status::Unhandled | Status::Never | Status::Ignored))
            .count(),
        seed_deferred: seed.statistics().deferred,
        places: place_counts(),
        left_on_worker: left_on_worker(),
        spell_capable_on_worker: by_kind(spell_capable.into_iter()),
        guessed: Opcode::all()
            .filter(|&op| handled(op) && model::opcodes::kind_basis(op.info()).1 == KindBasis::Guessed)
            .map(|op| Entry { name: op.name(), place: op.info().place })
            .collect(),
        renamed: renamed(),
        set_sizes: set_sizes(),
        worker_share: worker_share(&Arc::new(ScenarioName::SeedLoad.build()), AiPlacement::Worker, Dispatch::Barrier),
    }
}
