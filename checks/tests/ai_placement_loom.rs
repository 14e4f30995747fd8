//! The bot AI's actions under loom, one mechanism per test: where the AI runs
//! ([`AiPlacement`]) decides which of its writes meet another thread.
//!
//! `cargo test -p checks --release --test ai_placement_loom` (loom at bounds 0-2 on the three AI
//! scenarios, and exhaustive searches of the cells whose threads never overlap: a few seconds).

use checks::explore::{each_outcome, explore, Budget, Cell, CellResult, Checker, LoomEngine, Play};
use model::creature::CREATURE_BASE;
use model::outcome::{Event, Lane};
use model::race::Site;
use model::{AiPlacement, Crash, Dispatch, Invariant, Policy, ScenarioName};

fn loom(
    policy: Policy,
    ai: AiPlacement,
    scenario: ScenarioName,
    dispatch: Dispatch,
    bound: Option<usize>,
) -> CellResult {
    explore(Cell { policy, ai, scenario, dispatch }, Checker::Loom, Budget { bound, ..Budget::default() })
}

/// Asserts that loom finds nothing in the cell, up to bound 1 first (a broken placement fails
/// there at once, before an exhaustive search of its larger space could take long), then with
/// no bound: the search saturates, so nothing can happen in any schedule.
fn never_breaks(policy: Policy, ai: AiPlacement, scenario: ScenarioName, dispatch: Dispatch) {
    let what = format!("{} / {} / {} / {}", scenario.name(), policy.name(), ai.name(), dispatch.name());
    let bounded = loom(policy, ai, scenario, dispatch, Some(1));
    assert!(bounded.first.is_empty(), "{what}: {:?}", bounded.first.keys().collect::<Vec<_>>());
    let r = loom(policy, ai, scenario, dispatch, None);
    assert!(r.exhaustive, "{what}: the search saturates");
    assert!(r.first.is_empty(), "{what}: {:?}", r.first.keys().collect::<Vec<_>>());
}

/// The sites of every race the search found, with the unit whose field it is.
fn raced(r: &CellResult) -> Vec<(Site, u8)> {
    r.first_by_race.values().map(|race| (race.location.site, race.location.owner)).collect()
}

/// Two bots of one group attack one creature from their own workers. The barrier joins the
/// workers only after both ran: they run at the same time, and each one's
/// `target->SetInCombatWith(bot)` / `Attack` writes the creature's `_pveRefs` and `m_attackers`
/// (CombatManager.cpp:245-246, Unit.cpp:6051): with no preemption at all loom already shows the
/// race on the creature's combat state, whatever the packet policy.
#[test]
fn two_workers_attacking_one_creature_race_under_the_barrier() {
    for policy in [Policy::SEED_DEFERRAL, Policy::COMPLETE_DEFERRAL, Policy::MAP_ROUTING] {
        let r = loom(policy, AiPlacement::Worker, ScenarioName::AttackCreature, Dispatch::Barrier, Some(0));
        let sites = raced(&r);
        assert!(
            sites.iter().any(|&(s, owner)| owner == CREATURE_BASE && matches!(s, Site::CombatRefs | Site::Attackers)),
            "{}: the two workers race on c0's combat state: {sites:?}",
            policy.name()
        );
        assert!(r.first.contains_key(&Invariant::DataRace));
    }
}

/// The same attacks queued (`sBotActionMgr->QueueAction`) and run by `ProcessActions` on the world
/// thread after the map update: every write to the creature is the world thread's, and loom
/// finds no race up to bound 2, with either dispatch. The queued actions do run there: the
/// trace shows both attacks on the world thread's lane.
#[test]
fn queued_attacks_run_on_the_world_thread_and_race_nothing() {
    for dispatch in [Dispatch::Barrier, Dispatch::FireAndForget] {
        let r =
            loom(Policy::COMPLETE_DEFERRAL, AiPlacement::ActionQueue, ScenarioName::AttackCreature, dispatch, Some(2));
        assert!(r.first.is_empty(), "{}: {:?}", dispatch.name(), r.first.keys().collect::<Vec<_>>());
        let racy =
            loom(Policy::COMPLETE_DEFERRAL, AiPlacement::Worker, ScenarioName::AttackCreature, dispatch, Some(0));
        let c = racy.first.get(&Invariant::DataRace).expect("the same cell with the worker AI races");
        let ran: Vec<Lane> = c.trace.iter().filter(|e| matches!(e.1, Event::AiActs { .. })).map(|e| e.0).collect();
        assert!(ran.iter().all(|l| matches!(l, Lane::Bot { .. })), "the worker AI acts on the workers: {ran:?}");
    }
    let play = Play::new(
        ScenarioName::AttackCreature.build(),
        Policy::COMPLETE_DEFERRAL,
        AiPlacement::ActionQueue,
        Dispatch::Barrier,
    );
    let lanes = each_outcome(LoomEngine { bound: Some(0) }, play, Vec::new(), |lanes: &mut Vec<Vec<Lane>>, o| {
        lanes.push(o.trace.iter().filter(|e| matches!(e.1, Event::ActionRun { .. })).map(|e| e.0).collect());
    });
    assert!(!lanes.is_empty());
    for runs in lanes {
        assert_eq!(runs, vec![Lane::World, Lane::World], "both queued attacks run on the world thread");
    }
}

/// The map-thread AI (mod-playerbots' placement) of two bots on one map: both AIs run inside the
/// one map update, one after the other, with the creature's own update. No two of their
/// accesses can overlap: loom's search saturates (every schedule) with no finding.
#[test]
fn the_map_thread_ai_of_two_bots_on_one_map_never_overlaps() {
    for policy in [Policy::MAP_ROUTING, Policy::COMPLETE_DEFERRAL] {
        never_breaks(policy, AiPlacement::MapThread, ScenarioName::AttackCreature, Dispatch::Barrier);
    }
}

/// Two bots of one group on two maps, each map-thread AI leaving the group in the same tick:
/// the two map threads run `Group::RemoveMember` at once, and the group (world-global state)
/// races, up to its deletion under the other leave (`Group::Disband`, Group.cpp:799). With the
/// group operations queued to the world thread (mod-playerbots' pull request #1816) the two
/// leaves run one after the other: loom's search saturates with no finding.
#[test]
fn two_bots_on_two_maps_race_on_their_group_unless_group_actions_are_queued() {
    let direct =
        loom(Policy::MAP_ROUTING, AiPlacement::MapThread, ScenarioName::GroupTwoMaps, Dispatch::Barrier, Some(1));
    let sites = raced(&direct);
    assert!(
        sites.iter().any(|&(s, _)| matches!(s, Site::Group | Site::GroupMembers | Site::PlayerGroup)),
        "the two map threads race on the group: {sites:?}"
    );
    let uaf = direct.first.get(&Invariant::UseAfterFree).expect("one leave touches the group the other deleted");
    assert!(uaf.trace.iter().any(|e| matches!(e.1, Event::Crash { crash: Crash::GroupUseAfterFree { .. }, .. })));
    never_breaks(Policy::MAP_ROUTING, AiPlacement::MapThreadGroupQueue, ScenarioName::GroupTwoMaps, Dispatch::Barrier);
}

/// A bot keeps the party buff up from its worker (`if (HasSpell && !HasAura) CastSpell`,
/// BaselineRotationManager.cpp:527-529); the cast's hit creates the aura in the human member's
/// `m_ownedAuras` and `m_appliedAuras` (the member owns it: Spell.cpp:3234, Unit.cpp:3552,
/// 3615). With fire-and-forget the next tick's map update runs the member's `_UpdateSpells` on
/// the map thread meanwhile: the worker's writes race the map thread on the member's auras.
/// Inside `Player::Update` the same upkeep races nothing (loom saturates).
#[test]
fn the_worker_buff_races_the_members_map_update() {
    let r = loom(Policy::SEED_DEFERRAL, AiPlacement::Worker, ScenarioName::PartyBuff, Dispatch::FireAndForget, Some(1));
    let sites = raced(&r);
    assert!(
        sites.iter().any(|&(s, owner)| owner == 1 && matches!(s, Site::OwnedAuras | Site::AppliedAuras)),
        "the worker's buff meets p1's map update on p1's aura containers: {sites:?}"
    );
    never_breaks(Policy::MAP_ROUTING, AiPlacement::MapThread, ScenarioName::PartyBuff, Dispatch::FireAndForget);
}
