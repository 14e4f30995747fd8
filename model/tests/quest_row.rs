//! 49416's `spell_area` row on one thread: which quest updates and area updates cast it, which
//! remove it, and that a cancel leaves it (the row's statuses, `SendQuestUpdate`,
//! `UpdateAreaDependentAuras`, `HandleCancelAuraOpcode`).
//!
//! `cargo test -p model --release --test quest_row`

use model::opcodes::Opcode;
use model::outcome::{Cx, Event, Ghost, Lane};
use model::player::{Player, PlayerStart, AREA_4755, AREA_4756, QUEST_14078, QUEST_14099, SPELL_49416};
use model::quest::QuestStatus;
use model::sync::Std;

/// A player in area 4756 with the given statuses of 14078 and 14099; `area_update_id` 4755
/// makes the next area update run `UpdateArea`.
fn player(quest_14078: QuestStatus, quest_14099: QuestStatus) -> Player<Std> {
    let start =
        PlayerStart { map: 0, area: AREA_4756, area_update_id: AREA_4755, quest_14078, quest_14099, in_group: false };
    Player::new(0, start, 4, false)
}

fn world(ghost: &Ghost) -> Cx<'_> {
    Cx::new(ghost, Lane::World)
}

fn events(ghost: &Ghost) -> Vec<Event> {
    ghost.events().into_iter().map(|(_, e)| e).collect()
}

fn autocasts(ghost: &Ghost) -> usize {
    events(ghost).iter().filter(|e| matches!(e, Event::Autocast { .. })).count()
}

/// A player with the given statuses after the quest-update handler of `opcode` naming `quest`,
/// and the ghost that recorded it.
fn after(quest_14078: QuestStatus, quest_14099: QuestStatus, opcode: Opcode, quest: u32) -> (Ghost, Player<Std>) {
    let ghost = Ghost::new(1, 1_000);
    let p = player(quest_14078, quest_14099);
    p.update_quest(world(&ghost), opcode, quest).unwrap();
    (ghost, p)
}

const REWARD: Opcode = Opcode::CMSG_QUEST_GIVER_CHOOSE_REWARD;
const ACCEPT: Opcode = Opcode::CMSG_QUEST_GIVER_ACCEPT_QUEST;

/// `HasAura(49416)`, read through the player.
fn has_49416(player: &Player<Std>) -> bool {
    player.aura_snapshot().0
}

/// Accepting 14078 makes it incomplete, which the row's `quest_start_status` (64, rewarded only)
/// does not admit: `SendQuestUpdate` takes the `AUTOREMOVE && !fit` branch
/// (Player.cpp:16521-16522) and removes an applied 49416, and never reaches the autocast.
#[test]
fn the_accept_of_14078_in_4756_removes_49416_and_casts_nothing() {
    let ghost = Ghost::new(1, 1_000);
    let p = player(QuestStatus::None, QuestStatus::None);
    p.auras.spell_hit(world(&ghost), model::aura::AuraSpell::Invisibility, 0).unwrap();
    assert!(has_49416(&p), "49416 applied before the accept");
    p.update_quest(world(&ghost), ACCEPT, QUEST_14078).unwrap();
    assert_eq!(p.quest_status(world(&ghost), QUEST_14078), QuestStatus::Incomplete);
    assert!(!has_49416(&p), "the accept's autoremove took 49416 off: {:?}", events(&ghost));
    assert_eq!(autocasts(&ghost), 0, "{:?}", events(&ghost));
}

/// The reward of a complete 14078 (`RewardQuest` → `SendQuestUpdate`, Player.cpp:15732) makes it
/// rewarded: in 4756, with 14099 none, the row fits and 49416 is autocast.
#[test]
fn the_reward_of_14078_in_4756_casts_49416() {
    let (ghost, p) = after(QuestStatus::Complete, QuestStatus::None, REWARD, QUEST_14078);
    assert_eq!(p.quest_status(world(&ghost), QUEST_14078), QuestStatus::Rewarded);
    assert_eq!(autocasts(&ghost), 1, "{:?}", events(&ghost));
    assert_eq!(p.aura_snapshot(), (true, 1, vec![1]));
}

/// The row's `quest_end_status` (1|8|32) excludes a complete or rewarded 14099: the reward of
/// 14078 then removes instead of casting.
#[test]
fn the_reward_of_14078_casts_nothing_when_14099_is_complete_or_rewarded() {
    for end in [QuestStatus::Complete, QuestStatus::Rewarded] {
        let (ghost, p) = after(QuestStatus::Complete, end, REWARD, QUEST_14078);
        assert_eq!(p.quest_status(world(&ghost), QUEST_14078), QuestStatus::Rewarded, "14099 {end:?}");
        assert_eq!(autocasts(&ghost), 0, "14099 {end:?}: {:?}", events(&ghost));
        assert!(!has_49416(&p), "14099 {end:?}");
    }
}

/// The reward handler's gate: only a complete quest is rewarded (QuestHandler.cpp:374-375). A
/// reward of an incomplete 14078 changes nothing and casts nothing.
#[test]
fn the_reward_of_an_incomplete_14078_is_refused() {
    let (ghost, p) = after(QuestStatus::Incomplete, QuestStatus::None, REWARD, QUEST_14078);
    assert_eq!(p.quest_status(world(&ghost), QUEST_14078), QuestStatus::Incomplete);
    assert_eq!(autocasts(&ghost), 0, "{:?}", events(&ghost));
    assert!(!events(&ghost).iter().any(|e| matches!(e, Event::Quest { .. })), "{:?}", events(&ghost));
}

/// With 14078 rewarded, accepting 14099 (incomplete: admitted by `quest_end_status`) is a
/// quest update of the row too (`mSpellAreaForQuestMap` holds it under 14099,
/// SpellMgr.cpp:2476): it autocasts 49416.
#[test]
fn the_accept_of_14099_casts_49416() {
    let (ghost, p) = after(QuestStatus::Rewarded, QuestStatus::None, ACCEPT, QUEST_14099);
    assert_eq!(p.quest_status(world(&ghost), QUEST_14099), QuestStatus::Incomplete);
    assert_eq!(autocasts(&ghost), 1, "{:?}", events(&ghost));
}

/// The heartbeat's area update into 4756 (`UpdateAreaDependentAuras`, Player.cpp:27178-27182)
/// casts 49416 only when the row fits: 14078 rewarded, not merely in the log (incomplete or
/// complete).
#[test]
fn the_heartbeat_in_4756_casts_only_when_14078_is_rewarded() {
    for (start, casts) in
        [(QuestStatus::Incomplete, false), (QuestStatus::Complete, false), (QuestStatus::Rewarded, true)]
    {
        let ghost = Ghost::new(1, 1_000);
        let p = player(start, QuestStatus::None);
        p.update_zone_and_area(world(&ghost)).unwrap();
        assert_eq!(autocasts(&ghost), casts as usize, "14078 {start:?}: {:?}", events(&ghost));
        assert_eq!(has_49416(&p), casts, "14078 {start:?}");
    }
}

/// The area update's removal part (Player.cpp:27168-27175, the location check is the row):
/// in 4756 with 14078 merely in the log, an applied 49416 is removed.
#[test]
fn the_heartbeat_in_4756_removes_49416_when_14078_is_only_in_the_log() {
    let ghost = Ghost::new(1, 1_000);
    let p = player(QuestStatus::Incomplete, QuestStatus::None);
    p.auras.spell_hit(world(&ghost), model::aura::AuraSpell::Invisibility, 0).unwrap();
    p.update_zone_and_area(world(&ghost)).unwrap();
    assert!(!has_49416(&p), "{:?}", events(&ghost));
}

/// `CMSG_CANCEL_AURA` of 49416 returns at the `SPELL_ATTR0_NO_AURA_CANCEL` check
/// (SpellHandler.cpp:292-293; the attribute is set on every `spell_area` autocast spell,
/// SpellMgr.cpp:2333-2337): the aura stays applied and nothing is written. A cancel of another
/// spell still reaches `RemoveOwnedAura` and writes player state.
#[test]
fn a_cancel_of_49416_leaves_it_applied() {
    let ghost = Ghost::new(1, 1_000);
    let p = player(QuestStatus::Rewarded, QuestStatus::None);
    p.update_zone_and_area(world(&ghost)).unwrap();
    assert!(has_49416(&p));
    let before = events(&ghost).len();
    p.cancel_aura(world(&ghost), SPELL_49416).unwrap();
    assert_eq!(p.aura_snapshot(), (true, 1, vec![1]), "{:?}", &events(&ghost)[before..]);
    assert_eq!(events(&ghost).len(), before, "the cancel of 49416 wrote: {:?}", &events(&ghost)[before..]);
    p.cancel_aura(world(&ghost), 21562).unwrap();
    assert_eq!(events(&ghost)[before..], [Event::PlayerWrite { player: 0 }]);
    assert!(has_49416(&p));
}
