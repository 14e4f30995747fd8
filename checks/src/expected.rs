//! The pinned truth of every cell: which invariants the model shows broken there, which asserts
//! trip, and how many preemptions loom needs to show each.
//!
//! These are findings, pinned so that any change is seen, each with its reason. They were read
//! off exhaustive loom runs at bounds 0 to 4 (`cargo run --release -p checks --example
//! minimal_bounds -- 4`) and seeded shuttle runs (random and PCT, 3,000 schedules on
//! `seed-load`); a truth is pinned only where loom, at the bound it needs, and shuttle agree, and
//! what only shuttle finds says so ([`Reach::BeyondLoom`]). A result matches its cell's truth
//! when:
//! - it breaks no invariant and trips no assert outside the cell's truth (a new violation is a
//!   regression);
//! - loom at bound `b` finds exactly the invariants and asserts whose [`Reach::Loom`] bound is at
//!   most `b`, and none pinned beyond loom at a bound it was pinned at;
//! - the crash line's [`MUST_TRIP`] rules hold: the checkers named there trip
//!   SpellAuras.cpp:174.

use crate::explore::{Cell, CellResult, Checker, Strength};
use model::{AssertFailure, Dispatch, Invariant, Policy, ScenarioName};
use std::collections::BTreeSet;

use AssertFailure::{
    AlreadyApplied as A174, ApplicationNotInList as U3811, AppliedOnTargetTwice as U3602, AuraRemovedTwice as A641,
    EffectLeftAfterUnapply as U3757, ForeignApplication as U3796, HasEffectMismatch as A168, NotApplied as A180,
    OwnedAuraRemovedTwice as U3853, UnapplyingRemovedApplication as U3705,
};
use Invariant::{Assert, AuraIntegrity, DoubleEffect, ExactlyOnce, Order, ThreadKind, UseAfterFree};

/// How a finding is reached.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Reach {
    /// loom finds it at this preemption bound and above, and proves it absent below.
    Loom(usize),
    /// loom finds none up to this bound; shuttle finds it (it needs more preemptions).
    BeyondLoom(usize),
    /// A scenario loom cannot explore: shuttle finds it.
    Sampled,
}

/// The truth of one group of cells.
#[derive(Clone, Copy, Debug)]
pub struct Pin {
    /// The scenario.
    pub scenario: ScenarioName,
    /// The policies it covers.
    pub policies: &'static [Policy],
    /// The dispatch modes it covers.
    pub dispatches: &'static [Dispatch],
    /// The invariants broken, with their reach.
    pub broken: &'static [(Invariant, Reach)],
    /// The asserts tripped, with their reach.
    pub asserts: &'static [(AssertFailure, Reach)],
    /// Why.
    pub why: &'static str,
}

const FAF: &[Dispatch] = &[Dispatch::FireAndForget];
const BARRIER: &[Dispatch] = &[Dispatch::Barrier];
const BOTH: &[Dispatch] = &[Dispatch::FireAndForget, Dispatch::Barrier];
const UNSYNC: &[Policy] = &[Policy::Unsynchronized];
const SEED: &[Policy] = &[Policy::SeedDeferral];
const COMPLETE: &[Policy] = &[Policy::CompleteDeferral];
const DEFERRAL: &[Policy] = &[Policy::SeedDeferral, Policy::CompleteDeferral];
const BOT_POLICIES: &[Policy] = &[Policy::Unsynchronized, Policy::SeedDeferral, Policy::CompleteDeferral];
const ROUTING: &[Policy] = &[Policy::MapRouting];

use Reach::{BeyondLoom as Beyond, Loom, Sampled};
use ScenarioName::{CastThenMove, Crash49416, MixedPlaces, MoveStop49416, QuestAccept49416, SeedLoad};

/// Every packet the deferral policies leave queued in a session that is erased is lost: a
/// second update of the bot finds the update lock busy, returns `false`, and the world thread's
/// phase 3 logs the player out and erases the session (2 preemptions); the first update, still
/// running, then reads the freed player (3).
const DISCONNECT: &[(Invariant, Reach)] = &[(UseAfterFree, Loom(3)), (ExactlyOnce, Loom(2))];

/// The movement-stop and quest-accept races, unsynchronized: the bot's autocast and the map
/// heartbeat's both reach `TryRefreshStackOrCreate`.
const MOVE_STOP_RACE: &[(AssertFailure, Reach)] = &[
    (A168, Loom(3)),
    (A174, Loom(3)),
    (A641, Loom(4)),
    (U3602, Loom(2)),
    (U3757, Loom(3)),
    (U3811, Loom(4)),
    (U3853, Loom(4)),
];

/// Every assert the small scenarios trip, sampled on `seed-load`, where they all can happen.
const LOAD_ASSERTS: &[(AssertFailure, Reach)] = &[
    (A168, Sampled),
    (A174, Sampled),
    (A180, Sampled),
    (A641, Sampled),
    (U3602, Sampled),
    (U3705, Sampled),
    (U3757, Sampled),
    (U3796, Sampled),
    (U3811, Sampled),
    (U3853, Sampled),
];

/// The pinned truths, first match wins.
pub const PINS: &[Pin] = &[
    Pin {
        scenario: Crash49416,
        policies: UNSYNC,
        dispatches: BOTH,
        broken: &[(ThreadKind, Loom(0))],
        asserts: &[],
        why: "49416 is not in the bot's spellbook: its CMSG_CAST_SPELL is dropped before any aura is touched \
              (Player.cpp:32374-32397); the cast handler still runs on the bot worker",
    },
    Pin {
        scenario: Crash49416,
        policies: DEFERRAL,
        dispatches: FAF,
        broken: DISCONNECT,
        asserts: &[],
        why: "the deferred cast is lost when a busy update lock disconnects the bot; the running update then reads \
              the freed player",
    },
    Pin {
        scenario: MoveStop49416,
        policies: &[Policy::Unsynchronized, Policy::SeedDeferral],
        dispatches: FAF,
        broken: &[
            (Assert, Loom(2)),
            (UseAfterFree, Beyond(4)),
            (DoubleEffect, Loom(2)),
            (AuraIntegrity, Loom(2)),
            (ThreadKind, Loom(0)),
        ],
        asserts: MOVE_STOP_RACE,
        why: "CMSG_MOVE_STOP stays on the bot worker (the seed defers none of the stop family): its area update \
              races the map heartbeat's, and both autocast 49416; the create-then-find path trips :174",
    },
    Pin {
        scenario: MoveStop49416,
        policies: DEFERRAL,
        dispatches: FAF,
        broken: DISCONNECT,
        asserts: &[],
        why: "complete deferral runs the stop on the world thread; what is left is the disconnection path",
    },
    Pin {
        scenario: QuestAccept49416,
        policies: UNSYNC,
        dispatches: FAF,
        broken: &[
            (Assert, Loom(1)),
            (UseAfterFree, Beyond(4)),
            (DoubleEffect, Loom(2)),
            (AuraIntegrity, Loom(1)),
            (ThreadKind, Loom(0)),
        ],
        asserts: &[
            (A168, Loom(2)),
            (A174, Loom(2)),
            (A641, Loom(3)),
            (U3602, Loom(1)),
            (U3705, Beyond(4)),
            (U3757, Loom(3)),
            (U3796, Beyond(4)),
            (U3811, Loom(3)),
            (U3853, Loom(3)),
        ],
        why: "the quest accept's SendQuestUpdate autocast on the bot worker races the heartbeat's: :174 at 2 \
              preemptions",
    },
    Pin {
        scenario: QuestAccept49416,
        policies: DEFERRAL,
        dispatches: FAF,
        broken: DISCONNECT,
        asserts: &[],
        why: "the quest accept is deferred and no aura race is left; the deferred packet is lost on disconnection",
    },
    Pin {
        scenario: CastThenMove,
        policies: SEED,
        dispatches: FAF,
        broken: &[(UseAfterFree, Loom(3)), (ExactlyOnce, Loom(2)), (Order, Loom(0)), (ThreadKind, Loom(0))],
        asserts: &[],
        why: "the deferred cast runs after the stop received after it, which stays on the worker; and the \
              disconnection path",
    },
    Pin {
        scenario: CastThenMove,
        policies: SEED,
        dispatches: BARRIER,
        broken: &[(Order, Loom(0)), (ThreadKind, Loom(0))],
        asserts: &[],
        why: "the deferred cast runs after the stop received after it",
    },
    Pin {
        scenario: CastThenMove,
        policies: COMPLETE,
        dispatches: FAF,
        broken: DISCONNECT,
        asserts: &[],
        why: "two updates of one session never overlap (the update lock), so complete deferral keeps order; the \
              disconnection path is left",
    },
    Pin {
        scenario: SeedLoad,
        policies: UNSYNC,
        dispatches: FAF,
        broken: &[
            (Assert, Sampled),
            (UseAfterFree, Sampled),
            (DoubleEffect, Sampled),
            (AuraIntegrity, Sampled),
            (ExactlyOnce, Sampled),
            (ThreadKind, Sampled),
        ],
        asserts: LOAD_ASSERTS,
        why: "every race of the small scenarios, many bots at once; the removed bot's queued packets are lost",
    },
    Pin {
        scenario: SeedLoad,
        policies: SEED,
        dispatches: FAF,
        broken: &[
            (Assert, Sampled),
            (UseAfterFree, Sampled),
            (DoubleEffect, Sampled),
            (AuraIntegrity, Sampled),
            (ExactlyOnce, Sampled),
            (Order, Sampled),
            (ThreadKind, Sampled),
        ],
        asserts: LOAD_ASSERTS,
        why: "the movement-stop family left on the worker races the heartbeat; deferral reorders; the disconnection \
              path",
    },
    Pin {
        scenario: SeedLoad,
        policies: SEED,
        dispatches: BARRIER,
        broken: &[(ExactlyOnce, Sampled), (Order, Sampled), (ThreadKind, Sampled)],
        asserts: &[],
        why: "no race behind the barrier; deferral reorders; the removed bot's queued packets are lost",
    },
    Pin {
        scenario: SeedLoad,
        policies: UNSYNC,
        dispatches: BARRIER,
        broken: &[(ExactlyOnce, Sampled), (ThreadKind, Sampled)],
        asserts: &[],
        why: "no race behind the barrier; the removed bot's queued packets are lost",
    },
    Pin {
        scenario: SeedLoad,
        policies: COMPLETE,
        dispatches: FAF,
        broken: &[(UseAfterFree, Sampled), (ExactlyOnce, Sampled)],
        asserts: &[],
        why: "the disconnection path",
    },
    Pin {
        scenario: SeedLoad,
        policies: COMPLETE,
        dispatches: BARRIER,
        broken: &[(ExactlyOnce, Sampled)],
        asserts: &[],
        why: "the removed bot's queued packets are lost (RemovePlayerBot erases the session with them)",
    },
    Pin {
        scenario: CastThenMove,
        policies: UNSYNC,
        dispatches: FAF,
        broken: &[(UseAfterFree, Beyond(4)), (ThreadKind, Loom(0))],
        asserts: &[],
        why: "the cast of 49416 is dropped and the stop stays in its area: no aura race; a busy update lock still \
              disconnects the bot while its first update runs",
    },
    Pin {
        scenario: CastThenMove,
        policies: UNSYNC,
        dispatches: BARRIER,
        broken: &[(ThreadKind, Loom(0))],
        asserts: &[],
        why: "the cast of 49416 is dropped and the stop stays in its area: nothing races; handlers run on the worker",
    },
    Pin {
        scenario: MoveStop49416,
        policies: &[Policy::Unsynchronized, Policy::SeedDeferral],
        dispatches: BARRIER,
        broken: &[(ThreadKind, Loom(0))],
        asserts: &[],
        why: "behind the barrier the bot update never overlaps a map update",
    },
    Pin {
        scenario: QuestAccept49416,
        policies: UNSYNC,
        dispatches: BARRIER,
        broken: &[(ThreadKind, Loom(0))],
        asserts: &[],
        why: "behind the barrier the bot update never overlaps a map update",
    },
    // mixed-places: the stop, the toy and the cancel in TrinityCore's three processing places.
    Pin {
        scenario: MixedPlaces,
        policies: UNSYNC,
        dispatches: FAF,
        broken: &[(UseAfterFree, Beyond(4)), (ThreadKind, Loom(0))],
        asserts: &[],
        why: "every handler on the bot worker; a busy update lock disconnects the bot while its first update runs",
    },
    Pin {
        scenario: MixedPlaces,
        policies: &[Policy::Unsynchronized, Policy::SeedDeferral],
        dispatches: BARRIER,
        broken: &[(ThreadKind, Loom(0))],
        asserts: &[],
        why: "the stop and the toy run on the bot worker; the seed defers only the cancel, which comes last, so \
              order holds",
    },
    Pin {
        scenario: MixedPlaces,
        policies: SEED,
        dispatches: FAF,
        broken: &[(UseAfterFree, Loom(3)), (ExactlyOnce, Loom(2)), (ThreadKind, Loom(0))],
        asserts: &[],
        why: "the stop and the toy run on the bot worker; the deferred cancel is lost on disconnection",
    },
    Pin {
        scenario: MixedPlaces,
        policies: COMPLETE,
        dispatches: FAF,
        broken: DISCONNECT,
        asserts: &[],
        why: "everything is deferred and runs in order; the disconnection path is left",
    },
];

/// What holds everywhere no pin names: the bot policies behind the barrier on the small
/// scenarios, and TrinityCore's own routing everywhere.
const HOLDS: Pin =
    Pin { scenario: Crash49416, policies: BOT_POLICIES, dispatches: BOTH, broken: &[], asserts: &[], why: "" };

/// The reason TrinityCore's routing holds.
pub const ROUTING_HOLDS: &str =
    "map routing runs each session's packets on the world thread or the owning map's worker, ordered by the tick";

/// The pin of a cell.
pub fn pin(cell: Cell) -> Pin {
    if ROUTING.contains(&cell.policy) {
        return Pin { scenario: cell.scenario, policies: ROUTING, why: ROUTING_HOLDS, ..HOLDS };
    }
    PINS.iter()
        .find(|p| {
            p.scenario == cell.scenario && p.policies.contains(&cell.policy) && p.dispatches.contains(&cell.dispatch)
        })
        .copied()
        .unwrap_or(Pin { scenario: cell.scenario, why: "nothing the policy runs races", ..HOLDS })
}

/// The invariants the model shows broken in a cell (reachable by some schedule).
pub fn broken(policy: Policy, scenario: ScenarioName, dispatch: Dispatch) -> BTreeSet<Invariant> {
    pin(Cell { policy, scenario, dispatch }).broken.iter().map(|(i, _)| *i).collect()
}

/// A rule on the crash line: the named checkers must trip SpellAuras.cpp:174 in this cell.
#[derive(Clone, Copy, Debug)]
pub struct MustTrip {
    /// The cell.
    pub cell: Cell,
    /// loom trips it from this bound on.
    pub loom_bound: usize,
    /// The shuttle checkers that trip it with the default seed, within
    /// [`MustTrip::shuttle_schedules`] schedules.
    pub shuttle: &'static [Checker],
    /// The schedules those checkers need (with the default seed).
    pub shuttle_schedules: u64,
}

/// Where the crash line must trip: on the paths the server has, under and without the seed's fix.
pub const MUST_TRIP: &[MustTrip] = &[
    MustTrip {
        cell: Cell { policy: Policy::Unsynchronized, scenario: QuestAccept49416, dispatch: Dispatch::FireAndForget },
        loom_bound: 2,
        shuttle: &[Checker::Random, Checker::Pct],
        shuttle_schedules: 2_000,
    },
    MustTrip {
        cell: Cell { policy: Policy::Unsynchronized, scenario: MoveStop49416, dispatch: Dispatch::FireAndForget },
        loom_bound: 3,
        shuttle: &[Checker::Random],
        shuttle_schedules: 2_000,
    },
    MustTrip {
        cell: Cell { policy: Policy::SeedDeferral, scenario: MoveStop49416, dispatch: Dispatch::FireAndForget },
        loom_bound: 3,
        shuttle: &[Checker::Random],
        shuttle_schedules: 2_000,
    },
];

/// Whether loom at `bound` (`None`: every schedule) must find a finding of this reach (`Some`),
/// must not (`Some(false)`), or may either way (`None`).
fn loom_expects(reach: Reach, bound: Option<usize>) -> Option<bool> {
    match (reach, bound) {
        (Reach::Loom(k), Some(b)) => Some(k <= b),
        (Reach::BeyondLoom(k), Some(b)) if b <= k => Some(false),
        (Reach::Loom(_) | Reach::BeyondLoom(_), None) => Some(true),
        _ => None,
    }
}

/// Why a result does not match its cell's truth, or `None` when it does.
pub fn mismatch(result: &CellResult) -> Option<String> {
    let c = result.cell;
    let pin = pin(c);
    let found: BTreeSet<Invariant> = result.first.keys().copied().collect();
    if let Some(new) = found.iter().find(|i| !pin.broken.iter().any(|(b, _)| b == *i)) {
        return Some(format!("{new} is broken here, which the pinned truth says holds"));
    }
    if let Some(a) = result.assert_lines.keys().find(|a| !pin.asserts.iter().any(|(b, _)| b == *a)) {
        return Some(format!("{} trips here, which the pinned truth says never does", a.location()));
    }
    if result.checker == Checker::Loom {
        // A proved result (unbounded, or saturated) has seen every schedule.
        let bound = if result.strength == Strength::Proved { None } else { result.bound };
        let at = bound.map_or("every schedule".to_string(), |b| format!("bound {b}"));
        for &(inv, reach) in pin.broken {
            match (loom_expects(reach, bound), found.contains(&inv)) {
                (Some(true), false) => return Some(format!("loom at {at} no longer finds {inv} broken")),
                (Some(false), true) => return Some(format!("loom at {at} finds {inv}, pinned as {reach:?}")),
                _ => {}
            }
        }
        for &(a, reach) in pin.asserts {
            match (loom_expects(reach, bound), result.assert_lines.contains_key(&a)) {
                (Some(true), false) => return Some(format!("loom at {at} no longer trips {}", a.location())),
                (Some(false), true) => {
                    return Some(format!("loom at {at} trips {}, pinned as {reach:?}", a.location()))
                }
                _ => {}
            }
        }
    }
    for rule in MUST_TRIP.iter().filter(|r| r.cell == c) {
        let applies = match result.checker {
            Checker::Loom => result.bound.is_none_or(|b| b >= rule.loom_bound),
            other => rule.shuttle.contains(&other) && result.schedules >= rule.shuttle_schedules,
        };
        if applies && !result.assert_lines.contains_key(&A174) {
            return Some("SpellAuras.cpp:174 is no longer tripped".to_string());
        }
    }
    None
}

/// The (policy, dispatch) cells whose pinned truth holds on every named scenario: what the fuzz
/// target `schedule` may not break on any scenario it makes up.
pub fn safe_cells() -> Vec<(Policy, Dispatch)> {
    let mut out = Vec::new();
    for policy in Policy::ALL {
        for dispatch in Dispatch::ALL {
            if ScenarioName::ALL.iter().all(|&scenario| broken(policy, scenario, dispatch).is_empty()) {
                out.push((policy, dispatch));
            }
        }
    }
    out
}
