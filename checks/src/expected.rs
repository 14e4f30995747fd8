//! The expected truth of every cell: which invariants the model shows broken there.
//!
//! These are findings, pinned so that any change is seen. They were read off exhaustive loom
//! runs (preemption bound 2 and 3) and the seeded shuttle runs of `verify`; where the seed's fix
//! fails, the README says so. A result matches its cell's truth when:
//! - it breaks no invariant outside the cell's set (a new violation is a regression);
//! - loom at bound ≥ 2, which sees every schedule the races need, breaks exactly the set;
//! - on `crash-49416` under `unsynchronized` with fire-and-forget dispatch, loom, shuttle-random
//!   and shuttle-pct all trip the crash line, SpellAuras.cpp:174;
//! - on `move-stop-49416` with fire-and-forget dispatch, loom at bound ≥ 4 trips line 174 under
//!   `unsynchronized` and under the seed's fix alike (at bound 2 and 3 it shows lines 168/169).

use crate::explore::{CellResult, Checker};
use model::{Dispatch, Invariant, Policy, ScenarioName};
use std::collections::BTreeSet;

use Invariant::{Assert, DoubleEffect, Order, ThreadKind};

/// The invariants the model shows broken in a cell (reachable by some schedule).
pub fn broken(policy: Policy, scenario: ScenarioName, dispatch: Dispatch) -> BTreeSet<Invariant> {
    use Dispatch::{Barrier, FireAndForget as Faf};
    use Policy::*;
    use ScenarioName::*;
    let race = [Assert, DoubleEffect, ThreadKind];
    let set: &[Invariant] = match (policy, scenario, dispatch) {
        // TrinityCore's own rule keeps everything, everywhere.
        (MapRouting, _, _) => &[],
        // The complete classifier: safe with the barrier; with fire-and-forget two updates of
        // one bot session overlap and can queue its packets out of order.
        (CompleteDeferral, CastThenMove | SeedLoad, Faf) => &[Order],
        (CompleteDeferral, _, _) => &[],
        // Running every handler on the bot worker: the race needs the bot update to overlap the
        // next tick's map update, which only fire-and-forget allows.
        (Unsynchronized, CastThenMove, Faf) => &[Order, ThreadKind],
        (Unsynchronized, SeedLoad, Faf) => &[Assert, DoubleEffect, Order, ThreadKind],
        (Unsynchronized, _, Faf) => &race,
        (Unsynchronized, _, Barrier) => &[ThreadKind],
        // The seed's fix: holds for what it defers (the cast, the quest accept), not for the
        // movement-stop path to the same autocast, and reorders a session's packets.
        (SeedDeferral, Crash49416 | QuestAccept49416, _) => &[],
        (SeedDeferral, MoveStop49416, Faf) => &race,
        (SeedDeferral, MoveStop49416, Barrier) => &[ThreadKind],
        (SeedDeferral, CastThenMove, _) => &[Order, ThreadKind],
        (SeedDeferral, SeedLoad, Faf) => &[Assert, DoubleEffect, Order, ThreadKind],
        (SeedDeferral, SeedLoad, Barrier) => &[Order, ThreadKind],
    };
    set.iter().copied().collect()
}

/// Why a result does not match its cell's truth, or `None` when it does.
pub fn mismatch(result: &CellResult) -> Option<String> {
    let c = result.cell;
    let expected = broken(c.policy, c.scenario, c.dispatch);
    let found: BTreeSet<Invariant> = result.first.keys().copied().collect();
    if let Some(new) = found.difference(&expected).next() {
        return Some(format!("{new} is broken here, which the pinned truth says holds"));
    }
    if result.checker == Checker::Loom && result.bound.unwrap_or(0) >= 2 {
        if let Some(missing) = expected.difference(&found).next() {
            return Some(format!("loom no longer finds {missing} broken"));
        }
    }
    let crash_cell = c.policy == Policy::Unsynchronized
        && c.scenario == ScenarioName::Crash49416
        && c.dispatch == Dispatch::FireAndForget;
    let must_trip_174 = crash_cell
        && (matches!(result.checker, Checker::Random | Checker::Pct)
            || (result.checker == Checker::Loom && result.bound.unwrap_or(0) >= 2));
    let move_stop_174 = c.scenario == ScenarioName::MoveStop49416
        && c.dispatch == Dispatch::FireAndForget
        && matches!(c.policy, Policy::Unsynchronized | Policy::SeedDeferral)
        && result.checker == Checker::Loom
        && result.bound.unwrap_or(0) >= 4;
    if (must_trip_174 || move_stop_174) && !result.assert_lines.contains_key(&model::AssertFailure::AlreadyApplied) {
        return Some("SpellAuras.cpp:174 is no longer tripped".to_string());
    }
    None
}
