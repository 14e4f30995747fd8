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
//! - every data race found is on a field the cell's truth names ([`Pin::races`]);
//! - the crash line's [`MUST_TRIP`] rules hold: the checkers named there trip
//!   SpellAuras.cpp:174.
//!
//! Two paths recur. The disconnection path, under every bot policy with fire-and-forget: a
//! second update of the bot finds the update lock busy and returns `false`, the world thread's
//! phase 3 logs the player out and erases the session with its queued packets (`exactly-once`, 2
//! preemptions), and the first update, still running, reads the freed player (`use-after-free`,
//! 3) and races the logout's writes of `m_inWorld` and `_player` (`data-race`). And the worker's
//! own reads: with fire-and-forget the manager's and the AI's reads of the player on the bot
//! worker overlap the next tick's writes by the map and world threads, so `data-race` breaks in
//! every fire-and-forget cell of a bot policy, whatever the classifier defers.

mod candidates;

use crate::explore::{Cell, CellResult, Checker, Strength};
use model::race::Site;
use model::{AssertFailure, Dispatch, Invariant, Policy, ScenarioName};
use std::collections::BTreeSet;

use AssertFailure::{
    AlreadyApplied as A174, ApplicationNotInList as U3811, AppliedOnTargetTwice as U3602, AuraRemovedTwice as A641,
    EffectLeftAfterUnapply as U3757, ForeignApplication as U3796, HasEffectMismatch as A168, NotApplied as A180,
    OwnedAuraRemovedTwice as U3853, UnapplyingRemovedApplication as U3705,
};
use Invariant::{Assert, AuraIntegrity, DataRace, DoubleEffect, ExactlyOnce, Order, Placement, UseAfterFree};

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
    /// Every field a data race may be found on, by any checker, as a union of groups (a race on
    /// another field is a regression).
    pub races: &'static [&'static [Site]],
    /// Why.
    pub why: &'static str,
}

const FAF: &[Dispatch] = &[Dispatch::FireAndForget];
const BARRIER: &[Dispatch] = &[Dispatch::Barrier];
const BOTH: &[Dispatch] = &[Dispatch::FireAndForget, Dispatch::Barrier];
const UNSYNC: &[Policy] = &[Policy::UNSYNCHRONIZED];
const SEED: &[Policy] = &[Policy::SEED_DEFERRAL];
const COMPLETE: &[Policy] = &[Policy::COMPLETE_DEFERRAL];
const DEFERRAL: &[Policy] = &[Policy::SEED_DEFERRAL, Policy::COMPLETE_DEFERRAL];
const BOT_POLICIES: &[Policy] = &[Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL, Policy::COMPLETE_DEFERRAL];
const ROUTING: &[Policy] = &[Policy::MAP_ROUTING];

use Reach::{BeyondLoom as Beyond, Loom, Sampled};
use ScenarioName::{CastThenMove, Crash49416, GroupLeave, MixedPlaces, MoveStop49416, QuestAccept49416, SeedLoad};

/// The disconnection path's races: the world thread's `LogoutPlayer` writes `m_inWorld` and
/// `_player` while the update it did not wait for reads them (3 preemptions).
pub(super) const LOGOUT: &[Site] = &[Site::InWorld, Site::SessionPlayer];

/// What a bot worker reads on its own while the world and map threads write: the manager's and
/// the AI's reads of the player (`IsInWorld`, the player's state and position, `HasAura`), the
/// kick flag and `_player`. Fire-and-forget overlaps them with the next tick's writes.
pub(super) const WORKER_READS: &[Site] =
    &[Site::InWorld, Site::Position, Site::PlayerData, Site::AppliedAuras, Site::ForceExit, Site::SessionPlayer];

/// The aura lifecycle's fields, which two threads' spell hits and removals race on:
/// `m_ownedAuras` to `_removeMode`, in [`Site::ALL`]'s order.
pub(super) const AURA_LIFECYCLE: &[Site] = Site::ALL.split_at(5).1.split_at(8).0;
const _: () = assert!(matches!(AURA_LIFECYCLE[0], Site::OwnedAuras) && matches!(AURA_LIFECYCLE[7], Site::RemoveMode));

/// Every field but the map's player list (written by `LogoutPlayer` on the world thread, read by
/// map workers, which never run at the same time as the world thread); it is the last of
/// [`Site::ALL`].
pub(super) const ALL_BUT_MAP_LIST: &[Site] = Site::ALL.split_at(Site::ALL.len() - 1).0;
const _: () = assert!(matches!(Site::ALL[Site::ALL.len() - 1], Site::MapPlayers));

/// What a deferral policy breaks with fire-and-forget once no aura race is left: the
/// disconnection path (a busy update lock disconnects the bot: its queued packets are lost, 2
/// preemptions; the running update then reads the freed player, 3) and the worker's own reads of
/// the player against the next tick's writes (`data-race`, 0).
const DEFERRAL_FAF: &[(Invariant, Reach)] = &[(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2))];

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
        dispatches: FAF,
        broken: &[(DataRace, Loom(0)), (Placement, Loom(0))],
        asserts: &[],
        races: &[&[Site::AppliedAuras]],
        why: "49416 is not in the bot's spellbook: its CMSG_CAST_SPELL is dropped before any aura is touched \
              (Player.cpp:32374-32397); the cast handler still runs on the bot worker, and the AI's HasAura there \
              reads m_appliedAuras while the next tick's heartbeat autocasts into it",
    },
    Pin {
        scenario: Crash49416,
        policies: UNSYNC,
        dispatches: BARRIER,
        broken: &[(Placement, Loom(0))],
        asserts: &[],
        races: &[],
        why: "the cast is dropped, and behind the barrier nothing overlaps; the cast handler runs on the bot worker",
    },
    Pin {
        scenario: Crash49416,
        policies: DEFERRAL,
        dispatches: FAF,
        broken: DEFERRAL_FAF,
        asserts: &[],
        races: &[LOGOUT, &[Site::AppliedAuras]],
        why: "the deferred cast is lost when a busy update lock disconnects the bot; the running update then reads \
              the freed player; the AI's reads on the worker race the heartbeat and the logout",
    },
    Pin {
        scenario: MoveStop49416,
        policies: &[Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL],
        dispatches: FAF,
        broken: &[
            (Assert, Loom(2)),
            (UseAfterFree, Beyond(4)),
            (DoubleEffect, Loom(2)),
            (AuraIntegrity, Loom(2)),
            (DataRace, Loom(0)),
            (Placement, Loom(0)),
        ],
        asserts: MOVE_STOP_RACE,
        races: &[LOGOUT, AURA_LIFECYCLE, &[Site::Position, Site::AreaUpdateId]],
        why: "CMSG_MOVE_STOP stays on the bot worker (the seed defers none of the stop family): its area update \
              races the map heartbeat's, and both autocast 49416; the create-then-find path trips :174",
    },
    Pin {
        scenario: MoveStop49416,
        policies: DEFERRAL,
        dispatches: FAF,
        broken: DEFERRAL_FAF,
        asserts: &[],
        races: &[LOGOUT, &[Site::Position, Site::AppliedAuras]],
        why: "complete deferral runs the stop on the world thread; the AI's reads on the worker still race it, and \
              the disconnection path is left",
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
            (DataRace, Loom(0)),
            (Placement, Loom(0)),
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
        races: &[LOGOUT, AURA_LIFECYCLE, &[Site::QuestLog]],
        why: "the quest accept's SendQuestUpdate autocast on the bot worker races the heartbeat's: :174 at 2 \
              preemptions",
    },
    Pin {
        scenario: QuestAccept49416,
        policies: DEFERRAL,
        dispatches: FAF,
        broken: DEFERRAL_FAF,
        asserts: &[],
        races: &[LOGOUT, &[Site::AppliedAuras]],
        why: "the quest accept is deferred and no aura race is left; the AI's HasAura on the worker races the \
              world thread's autocast; the deferred packet is lost on disconnection",
    },
    Pin {
        scenario: CastThenMove,
        policies: SEED,
        dispatches: FAF,
        broken: &[
            (UseAfterFree, Loom(3)),
            (DataRace, Loom(0)),
            (ExactlyOnce, Loom(2)),
            (Order, Loom(0)),
            (Placement, Loom(0)),
        ],
        asserts: &[],
        races: &[LOGOUT, &[Site::Position]],
        why: "the deferred cast runs after the stop received after it, which stays on the worker and writes the \
              position the heartbeat reads; and the disconnection path",
    },
    Pin {
        scenario: CastThenMove,
        policies: SEED,
        dispatches: BARRIER,
        broken: &[(Order, Loom(0)), (Placement, Loom(0))],
        asserts: &[],
        races: &[],
        why: "the deferred cast runs after the stop received after it",
    },
    Pin {
        scenario: CastThenMove,
        policies: COMPLETE,
        dispatches: FAF,
        broken: DEFERRAL_FAF,
        asserts: &[],
        races: &[LOGOUT, &[Site::Position]],
        why: "two updates of one session never overlap (the update lock), so complete deferral keeps order; the \
              AI's reads on the worker race the world thread's stop; the disconnection path is left",
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
            (DataRace, Sampled),
            (ExactlyOnce, Sampled),
            (Placement, Sampled),
        ],
        asserts: LOAD_ASSERTS,
        races: &[ALL_BUT_MAP_LIST],
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
            (DataRace, Sampled),
            (ExactlyOnce, Sampled),
            (Order, Sampled),
            (Placement, Sampled),
        ],
        asserts: LOAD_ASSERTS,
        races: &[ALL_BUT_MAP_LIST],
        why: "the movement-stop family left on the worker races the heartbeat; the world-global opcodes it keeps \
              there race each other; deferral reorders; the disconnection path",
    },
    Pin {
        scenario: SeedLoad,
        policies: &[Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL],
        dispatches: BARRIER,
        broken: &[(DataRace, Sampled), (ExactlyOnce, Sampled), (Order, Sampled), (Placement, Sampled)],
        asserts: &[],
        races: &[&[Site::Group]],
        why: "no race with the maps behind the barrier, but two bots' world-global packets race on their workers; \
              deferral reorders; the removed bot's queued packets are lost",
    },
    Pin {
        scenario: SeedLoad,
        policies: COMPLETE,
        dispatches: FAF,
        broken: &[(UseAfterFree, Sampled), (DataRace, Sampled), (ExactlyOnce, Sampled)],
        asserts: &[],
        races: &[WORKER_READS],
        why: "the disconnection path; the worker's own reads of the player race the world and map threads",
    },
    Pin {
        scenario: SeedLoad,
        policies: COMPLETE,
        dispatches: BARRIER,
        broken: &[(ExactlyOnce, Sampled)],
        asserts: &[],
        races: &[],
        why: "the removed bot's queued packets are lost (RemovePlayerBot erases the session with them)",
    },
    Pin {
        scenario: CastThenMove,
        policies: UNSYNC,
        dispatches: FAF,
        broken: &[(UseAfterFree, Beyond(4)), (DataRace, Loom(0)), (Placement, Loom(0))],
        asserts: &[],
        races: &[LOGOUT, &[Site::Position]],
        why: "the cast of 49416 is dropped and the stop stays in its area: no aura race, but the stop's position \
              write races the heartbeat's read; a busy update lock still disconnects the bot while its first \
              update runs",
    },
    Pin {
        scenario: CastThenMove,
        policies: UNSYNC,
        dispatches: BARRIER,
        broken: &[(Placement, Loom(0))],
        asserts: &[],
        races: &[],
        why: "the cast of 49416 is dropped and the stop stays in its area: nothing races; handlers run on the worker",
    },
    Pin {
        scenario: MoveStop49416,
        policies: &[Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL],
        dispatches: BARRIER,
        broken: &[(Placement, Loom(0))],
        asserts: &[],
        races: &[],
        why: "behind the barrier the bot update never overlaps a map update",
    },
    Pin {
        scenario: QuestAccept49416,
        policies: UNSYNC,
        dispatches: BARRIER,
        broken: &[(Placement, Loom(0))],
        asserts: &[],
        races: &[],
        why: "behind the barrier the bot update never overlaps a map update",
    },
    // mixed-places: the stop, the toy and the cancel in TrinityCore's three processing places.
    Pin {
        scenario: MixedPlaces,
        policies: UNSYNC,
        dispatches: FAF,
        broken: &[(UseAfterFree, Beyond(4)), (DataRace, Loom(0)), (Placement, Loom(0))],
        asserts: &[],
        races: &[LOGOUT, &[Site::Position]],
        why: "every handler on the bot worker, the stop's position write against the next heartbeat; a busy \
              update lock disconnects the bot while its first update runs",
    },
    Pin {
        scenario: MixedPlaces,
        policies: &[Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL],
        dispatches: BARRIER,
        broken: &[(Placement, Loom(0))],
        asserts: &[],
        races: &[],
        why: "the stop and the toy run on the bot worker; the seed defers only the cancel, which comes last, so \
              order holds",
    },
    Pin {
        scenario: MixedPlaces,
        policies: SEED,
        dispatches: FAF,
        broken: &[(UseAfterFree, Loom(3)), (DataRace, Loom(0)), (ExactlyOnce, Loom(2)), (Placement, Loom(0))],
        asserts: &[],
        races: &[LOGOUT, &[Site::Position, Site::PlayerData]],
        why: "the stop and the toy run on the bot worker; the deferred cancel is lost on disconnection",
    },
    Pin {
        scenario: MixedPlaces,
        policies: COMPLETE,
        dispatches: FAF,
        broken: DEFERRAL_FAF,
        asserts: &[],
        races: &[LOGOUT, &[Site::Position, Site::PlayerData]],
        why: "everything is deferred and runs in order; the AI's reads on the worker race the world thread's \
              handlers; the disconnection path is left",
    },
    // group-leave: two bots' workers at once.
    Pin {
        scenario: GroupLeave,
        policies: &[Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL],
        dispatches: BOTH,
        broken: &[(DataRace, Loom(0)), (Placement, Loom(0))],
        asserts: &[],
        races: &[&[Site::Group]],
        why: "the seed does not defer CMSG_LEAVE_GROUP: both bots' workers erase from the group's member list at \
              once, behind the barrier too (it only orders bots against the maps, not against each other)",
    },
];

/// What holds everywhere no pin names: the bot policies behind the barrier on the small
/// scenarios, and TrinityCore's own routing everywhere.
const HOLDS: Pin = Pin {
    scenario: Crash49416,
    policies: BOT_POLICIES,
    dispatches: BOTH,
    broken: &[],
    asserts: &[],
    races: &[],
    why: "",
};

/// The reason TrinityCore's routing holds.
pub const ROUTING_HOLDS: &str =
    "map routing runs each session's packets on the world thread or the owning map's worker, ordered by the tick";

/// The pin of a cell: map routing holds everywhere; else the first of [`PINS`] (the bot
/// policies with fire-and-forget and the barrier) and then of [`candidates::PINS`] (the candidate
/// fixes, and every bot policy with the bounded wait) that names it.
pub fn pin(cell: Cell) -> Pin {
    if ROUTING.contains(&cell.policy) {
        return Pin { scenario: cell.scenario, policies: ROUTING, why: ROUTING_HOLDS, ..HOLDS };
    }
    PINS.iter()
        .chain(candidates::PINS)
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
        cell: Cell { policy: Policy::UNSYNCHRONIZED, scenario: QuestAccept49416, dispatch: Dispatch::FireAndForget },
        loom_bound: 2,
        shuttle: &[Checker::Random, Checker::Pct],
        shuttle_schedules: 2_000,
    },
    MustTrip {
        cell: Cell { policy: Policy::UNSYNCHRONIZED, scenario: MoveStop49416, dispatch: Dispatch::FireAndForget },
        loom_bound: 3,
        shuttle: &[Checker::Random],
        shuttle_schedules: 2_000,
    },
    MustTrip {
        cell: Cell { policy: Policy::SEED_DEFERRAL, scenario: MoveStop49416, dispatch: Dispatch::FireAndForget },
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
    if let Some(k) = result.race_kinds.keys().find(|k| !pin.races.iter().any(|g| g.contains(&k.site))) {
        return Some(format!("a data race on {} ({k}), a field the pinned truth says never races here", k.site.name()));
    }
    if result.checker == Checker::Loom {
        // A proved result (unbounded, or saturated) has seen every schedule.
        let bound = if result.strength == Strength::Proved { None } else { result.depth.preemption_bound() };
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
            Checker::Loom => result.depth.preemption_bound().is_none_or(|b| b >= rule.loom_bound),
            other => rule.shuttle.contains(&other) && result.schedules >= rule.shuttle_schedules,
        };
        if applies && !result.assert_lines.contains_key(&A174) {
            return Some("SpellAuras.cpp:174 is no longer tripped".to_string());
        }
    }
    None
}

/// The gate's verdict on a result of a user's classifier (run as `seed-deferral`): what it
/// breaks beyond the truth pinned for the complete, fail-closed classifier in the same scenario
/// and dispatch mode, one line each (empty: the classifier adds nothing). The dispatch mode
/// breaks some invariants whatever the classifier (the disconnection path with fire-and-forget,
/// the removed bot's packets on `seed-load`); those are not the classifier's to fix.
pub fn beyond_complete(result: &CellResult) -> Vec<String> {
    let c = result.cell;
    let reference = pin(Cell { policy: Policy::COMPLETE_DEFERRAL, ..c });
    let mut out = Vec::new();
    for inv in result.first.keys() {
        if *inv != Invariant::Assert && !reference.broken.iter().any(|(b, _)| b == inv) {
            out.push(format!("{inv} (a complete classifier keeps it here)"));
        }
    }
    for a in result.assert_lines.keys() {
        if !reference.asserts.iter().any(|(b, _)| b == a) {
            out.push(format!("{} (a complete classifier never trips it here)", a.location()));
        }
    }
    let mut sites: Vec<Site> = result.race_kinds.keys().map(|k| k.site).collect();
    sites.dedup();
    for s in sites {
        if !reference.races.iter().any(|g| g.contains(&s)) {
            out.push(format!("data race on {} (a complete classifier leaves none there)", s.name()));
        }
    }
    out
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
