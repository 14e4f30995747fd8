//! The pinned truth of every cell: which invariants the model shows broken there, which asserts
//! trip, which fields race, and how each is reached (the smallest loom bound that shows it; the
//! shuttle checkers that find it within the pinned budget).
//!
//! The truths are data, `checks/data/pins.toml` ([`table`]), written from runs by `verify bless`
//! ([`bless`]) and reviewed as a diff, each row with its human-written reason. A result matches
//! its cell's truth when:
//! - its cell has a row (a cell nobody pinned is a mismatch, never a silent "holds");
//! - it breaks no invariant, trips no assert and races on no field outside the row (a new
//!   violation is a regression);
//! - loom at bound `b` finds exactly the findings whose pinned loom bound is at most `b` (and, at
//!   a bound within the row's search, nothing loom did not find when pinned); a deeper search
//!   than the row's that finds more is new knowledge, reported as such, to bless;
//! - a shuttle checker run with the pinned seed and budget finds exactly what the row says it
//!   found (the seeds and budgets are fixed, so "found within this budget" is as deterministic
//!   as loom's verdict: a sampled finding that disappears is a mismatch too);
//! - the crash line's [`MUST_TRIP`] rules hold: the checkers named there trip
//!   SpellAuras.cpp:174.
//!
//! Two paths recur in the reasons. The disconnection path, under every bot policy with
//! fire-and-forget: a second update of the bot finds the update lock busy and returns `false`,
//! the world thread's phase 3 logs the player out and erases the session with its queued
//! packets (`exactly-once`), and the first update, still running, reads the freed player
//! (`use-after-free`) and races the logout's writes of `m_inWorld` and `_player` (`data-race`).
//! And the worker's own reads: with fire-and-forget the manager's and the AI's reads of the
//! player on the bot worker overlap the next tick's writes by the map and world threads.

pub mod bless;
pub mod table;

use crate::explore::bounds::Finding;
use crate::explore::{Budget, Cell, CellResult, Checker, Strength};
use model::outcome::Lane;
use model::race::{Race, Site};
use model::{AiPlacement, AssertFailure, Dispatch, Invariant, Policy, ScenarioName};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use table::{Row, Table};

/// Where `verify bless` writes the table, and the file built into the binary.
pub const PINS_FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/data/pins.toml");

/// The table built into this binary, parsed once.
pub fn pins() -> Result<&'static Table, String> {
    static PINS: OnceLock<Result<Table, String>> = OnceLock::new();
    PINS.get_or_init(|| {
        Table::parse(include_str!("../../data/pins.toml")).map_err(|e| format!("checks/data/pins.toml: {e}"))
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// The row that pins `cell`, if the table parses and has one.
pub fn pin(cell: Cell) -> Option<&'static Row> {
    pins().ok()?.row(cell)
}

/// The invariants the model shows broken in a cell (reachable by some schedule).
pub fn broken(cell: Cell) -> BTreeSet<Invariant> {
    pin(cell).map(|r| r.truth.broken().collect()).unwrap_or_default()
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
        cell: Cell {
            policy: Policy::UNSYNCHRONIZED,
            ai: AiPlacement::Worker,
            scenario: ScenarioName::QuestReward49416,
            dispatch: Dispatch::FireAndForget,
        },
        loom_bound: 2,
        shuttle: &[Checker::Random, Checker::Pct],
        shuttle_schedules: 2_000,
    },
    MustTrip {
        cell: Cell {
            policy: Policy::UNSYNCHRONIZED,
            ai: AiPlacement::Worker,
            scenario: ScenarioName::MoveStop49416,
            dispatch: Dispatch::FireAndForget,
        },
        loom_bound: 3,
        shuttle: &[Checker::Random],
        shuttle_schedules: 2_000,
    },
    MustTrip {
        cell: Cell {
            policy: Policy::SEED_DEFERRAL,
            ai: AiPlacement::Worker,
            scenario: ScenarioName::MoveStop49416,
            dispatch: Dispatch::FireAndForget,
        },
        loom_bound: 3,
        shuttle: &[Checker::Random],
        shuttle_schedules: 2_000,
    },
];

/// How a finding is named in a verdict: `use-after-free`, `SpellAuras.cpp:174`, `data race on
/// Group::m_memberSlots (Group.h:426)`.
fn what(f: Finding) -> String {
    match f {
        Finding::Invariant(i) => i.name().to_string(),
        Finding::Assert(a) => a.location(),
        Finding::Race(_) => f.to_string(),
    }
}

/// Why a result (run with `budget`) does not match its cell's truth, or `None` when it does.
pub fn mismatch(result: &CellResult, budget: &Budget) -> Option<String> {
    match pins() {
        Ok(table) => mismatch_in(table, result, budget),
        Err(e) => Some(e),
    }
}

/// [`mismatch`] against `table` instead of the built-in one.
pub fn mismatch_in(table: &Table, result: &CellResult, budget: &Budget) -> Option<String> {
    let c = result.cell;
    let Some(row) = table.row(c) else {
        return Some(format!("no pinned truth for {c}: run `cargo run --release -- bless` and review the diff"));
    };
    let truth = &row.truth;
    let found = bless::found(result);
    // loom's search: `None` when every schedule was explored.
    let loom_bound = match (result.checker, result.strength) {
        (Checker::Loom, Strength::Proved) => Some(None),
        (Checker::Loom, _) => Some(result.depth.preemption_bound()),
        _ => None,
    };
    let within = loom_bound.is_none_or(|b| truth.loom.covers(b));
    if let Some(&new) = found.iter().find(|f| !truth.has(**f)) {
        let said = match new {
            Finding::Invariant(i) => format!("{i} is broken here, which the pinned truth says holds"),
            Finding::Assert(a) => format!("{} trips here, which the pinned truth says never does", a.location()),
            Finding::Race(s) => {
                let kind = result.race_kinds.keys().find(|k| k.site == s).map(|k| k.to_string()).unwrap_or_default();
                format!("a data race on {} ({kind}), a field the pinned truth says never races here", s.name())
            }
        };
        return Some(if within {
            format!("{said} ({})", truth.loom.strength())
        } else {
            format!(
                "{said}: new knowledge beyond the pinned search ({}); pin it with `cargo run --release -- bless`",
                truth.loom.strength()
            )
        });
    }
    if let Some(bound) = loom_bound {
        let at = bound.map_or("every schedule".to_string(), |b| format!("bound {b}"));
        for (&f, reach) in &truth.findings {
            let expect = match (reach.loom, bound) {
                (Some(k), Some(b)) => Some(k <= b),
                (Some(_), None) => Some(true),
                (None, _) if within => Some(false),
                (None, _) => None,
            };
            match (expect, found.contains(&f)) {
                (Some(true), false) => return Some(format!("loom at {at} no longer finds {}", what(f))),
                (Some(false), true) => {
                    return Some(format!("loom at {at} finds {}, which loom did not find when pinned", what(f)))
                }
                _ => {}
            }
        }
    } else if matches!(result.checker, Checker::Random | Checker::Pct | Checker::Dfs)
        && table.search.same_shuttle_budget(c, budget)
    {
        let name = result.checker.name();
        for (&f, reach) in &truth.findings {
            match (reach.shuttle.contains(&result.checker), found.contains(&f)) {
                (true, false) => {
                    return Some(format!(
                        "{name} no longer finds {} within its pinned budget ({} schedules, seed {:#x})",
                        what(f),
                        budget.schedules,
                        budget.seed
                    ))
                }
                (false, true) => {
                    return Some(format!("{name} finds {}, which it did not find when pinned (same budget)", what(f)))
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
        if applies && !result.assert_lines.contains_key(&AssertFailure::AlreadyApplied) {
            return Some("SpellAuras.cpp:174 is no longer tripped".to_string());
        }
    }
    None
}

/// The gate's verdict on a result of a user's classifier (run as `seed-deferral`): what it
/// breaks beyond the truth pinned for the complete, fail-closed classifier in the same scenario,
/// AI placement and dispatch mode, one line each (empty: the classifier adds nothing). The dispatch mode
/// breaks some invariants whatever the classifier (the disconnection path with fire-and-forget,
/// the removed bot's packets on `seed-load`); those are not the classifier's to fix.
pub fn beyond_complete(result: &CellResult) -> Vec<String> {
    let reference = pin(Cell { policy: Policy::COMPLETE_DEFERRAL, ..result.cell });
    let has = |f: Finding| reference.is_some_and(|r| r.truth.has(f));
    let mut out = Vec::new();
    for inv in result.first.keys() {
        if *inv != Invariant::Assert && !has(Finding::Invariant(*inv)) {
            out.push(format!("{inv} (a complete classifier keeps it here)"));
        }
    }
    for a in result.assert_lines.keys() {
        if !has(Finding::Assert(*a)) {
            out.push(format!("{} (a complete classifier never trips it here)", a.location()));
        }
    }
    let sites: BTreeSet<_> = result.race_kinds.keys().map(|k| k.site).collect();
    for s in sites {
        if !has(Finding::Race(s)) {
            out.push(format!("data race on {} (a complete classifier leaves none there)", s.name()));
        }
    }
    out
}

/// The sites of the group: the state two members of one group share, whatever map each is on.
const GROUP_SITES: [Site; 2] = [Site::Group, Site::GroupMembers];

/// TrinityCore's own race: its routing takes a PROCESS_INPLACE packet on whichever thread sees it
/// first, the player's map thread included (`MapSessionFilter::Process`, Server/WorldSession.cpp:
/// 71-72), and three INPLACE handlers write the group (`CMSG_SET_PARTY_LEADER` →
/// `Group::ChangeLeader`, Handlers/GroupHandler.cpp:303-317; `CMSG_READY_CHECK_RESPONSE` →
/// `Group::SetMemberReadyCheck`, 578-586) or a guild (`CMSG_SEND_TEXT_EMOTE` →
/// `Player::UpdateCriteria` → `Guild::UpdateCriteria`, Entities/Player/Player.cpp:28214-28229).
/// Two members of one group on two maps therefore race on it from their two map threads, in
/// TrinityCore itself. A race is TrinityCore's own when the policy is TrinityCore's routing, the
/// field is the group's and both accesses come from map threads.
pub fn trinitycore_own_race(policy: Policy, race: &Race) -> bool {
    policy.routes_by_map()
        && GROUP_SITES.contains(&race.location.site)
        && [race.first.lane, race.second.lane].iter().all(|l| matches!(l, Lane::Map { .. }))
}

/// Whether a pinned finding of `policy` is TrinityCore's own race ([`trinitycore_own_race`]): under
/// TrinityCore's routing, `data-race` and a race on a group field. (Under that routing the world
/// thread never runs while the map threads do — `MapUpdater::wait` — so a race on the group there
/// is one between map threads.)
pub fn trinitycore_own(policy: Policy, finding: Finding) -> bool {
    policy.routes_by_map()
        && match finding {
            Finding::Invariant(i) => i == Invariant::DataRace,
            Finding::Race(site) => GROUP_SITES.contains(&site),
            Finding::Assert(_) => false,
        }
}

/// The (policy, AI placement, dispatch) combinations whose pinned truth holds on every named
/// scenario, TrinityCore's own race aside ([`trinitycore_own`]), in report order (policy, then
/// placement, then dispatch mode; a placement only with the policies it pairs with): what the
/// fuzz target `schedule` may not break on any scenario it makes up.
pub fn safe_cells() -> Vec<(Policy, AiPlacement, Dispatch)> {
    let mut out = Vec::new();
    for policy in Policy::ALL {
        for ai in AiPlacement::ALL.into_iter().filter(|ai| ai.pairs_with(policy)) {
            for dispatch in Dispatch::ALL.into_iter().filter(|&d| ai.pairs(policy, d)) {
                if ScenarioName::ALL.iter().all(|&scenario| {
                    pin(Cell { policy, ai, scenario, dispatch })
                        .is_some_and(|r| r.truth.findings.keys().all(|&f| trinitycore_own(policy, f)))
                }) {
                    out.push((policy, ai, dispatch));
                }
            }
        }
    }
    out
}
