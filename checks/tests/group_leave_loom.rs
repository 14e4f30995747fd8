//! Two leaves of one group of two under loom, and the leave's walk of another player's auras
//! against that player's own map thread.
//!
//! `cargo test -p checks --release --test group_leave_loom` (loom at bounds 0 and 1 on
//! `group-leave` under `unsynchronized`: well under a second).

use checks::explore::{explore, Budget, Cell, Checker};
use checks::fuzzing::run_on_bytes;
use model::opcodes::{Opcode, Payload};
use model::outcome::{Event, Lane};
use model::player::{PlayerStart, AREA_4755, AREA_4756};
use model::quest::QuestStatus;
use model::race::{Kind, Site};
use model::{Crash, Dispatch, Invariant, Policy, Scenario, ScenarioName};
use std::sync::Arc;

/// Each bot's leave on its own worker (unsynchronized, with either dispatch): one preemption
/// lets a leave read its still-set `m_group` (GroupHandler.cpp:345, Player.h:2188), or enter
/// `Disband`, before the other leave's `Disband` deletes the group of two (Group.cpp:685, 799);
/// it then touches the deleted group, and `use-after-free` names the group. With no preemption
/// the two leaves run one after the other and the second finds no group: loom proves it.
#[test]
fn the_second_leave_of_a_group_of_two_touches_the_deleted_group() {
    for dispatch in [Dispatch::FireAndForget, Dispatch::Barrier] {
        let cell = Cell {
            policy: Policy::UNSYNCHRONIZED,
            ai: model::AiPlacement::Worker,
            scenario: ScenarioName::GroupLeave,
            dispatch,
        };
        let r = explore(cell, Checker::Loom, Budget { bound: Some(1), ..Budget::default() });
        let c = r.first.get(&Invariant::UseAfterFree).expect("loom at bound 1 finds the deleted group touched");
        let m = &c.violation.message;
        assert!(m.contains("touched the group") && m.contains("Group::Disband deleted it"), "{m}");
        let t = &c.trace;
        let freed = t.iter().position(|e| matches!(e.1, Event::GroupFreed { .. })).expect("a leave deletes the group");
        let touched = t
            .iter()
            .position(|e| matches!(e.1, Event::Crash { crash: Crash::GroupUseAfterFree { .. }, .. }))
            .expect("the other leave touches it");
        assert!(freed < touched && t[freed].0 != t[touched].0, "{t:?}");
        let none = explore(cell, Checker::Loom, Budget { bound: Some(0), ..Budget::default() });
        assert!(!none.first.contains_key(&Invariant::UseAfterFree), "sequential leaves touch no freed group");
    }
}

/// Bot 0 leaves on its worker in tick 1 (fire-and-forget, so the update is still unordered with
/// tick 2) while tick 2's map update runs player 1's heartbeat, whose `spell_area` autocast
/// inserts 49416 into player 1's `m_ownedAuras` on the map thread. The leave's
/// `RemoveAllGroupBuffsFromCaster` (Group.cpp:589) reads that same container from bot 0's
/// worker: `data-race` reports the cross-player access on `p1 Unit::m_ownedAuras`, a read by the
/// leaver's worker against the write by player 1's map thread.
#[test]
fn the_leave_reads_the_other_members_auras_against_its_map_thread() {
    let start = |area, quest_14078| PlayerStart {
        map: 0,
        area,
        area_update_id: AREA_4755,
        quest_14078,
        quest_14099: QuestStatus::None,
        in_group: true,
    };
    let scenario = Arc::new(Scenario {
        name: "group-leave-against-heartbeat".into(),
        maps: 1,
        players: vec![start(AREA_4755, QuestStatus::None), start(AREA_4756, QuestStatus::Rewarded)],
        traffic: vec![vec![vec![(Opcode::CMSG_LEAVE_GROUP, Payload::default())]], vec![]],
        ticks: 2,
        map_update_ticks: vec![2],
        heartbeat_ticks: vec![2],
        logouts: vec![],
        humans: vec![],
        creatures: vec![],
        respawns: vec![],
        ai: vec![],
    });
    let outcome = run_on_bytes(
        &scenario,
        Policy::UNSYNCHRONIZED,
        model::AiPlacement::Worker,
        Dispatch::FireAndForget,
        &[],
        10_000,
    )
    .expect("within the step cap");
    let walk = Lane::Bot { bot: 0, tick: 1 };
    assert!(outcome
        .trace
        .iter()
        .any(|e| e.0 == walk && matches!(e.1, Event::GroupBuffWalk { player: 1, caster: 0, .. })));
    let race = outcome
        .races
        .iter()
        .find(|r| r.location.site == Site::OwnedAuras && r.location.owner == 1)
        .unwrap_or_else(|| panic!("no race on p1 m_ownedAuras: {:?}", outcome.races));
    let by = |lane: Lane, kind: Kind| [race.first, race.second].iter().any(|a| (a.lane, a.kind) == (lane, kind));
    assert!(by(walk, Kind::Read), "{race}");
    assert!(by(Lane::Map { map: 0, tick: 2 }, Kind::Write), "{race}");
}
