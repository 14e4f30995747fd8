//! `CMSG_LEAVE_GROUP` on one thread: `Group::RemoveMember` walks every other member's
//! `m_ownedAuras` for group buffs, and a group of two is disbanded and deleted on the first leave,
//! so the second leave finds no group.
//!
//! `cargo test -p model --release --test group_leave`

use model::group::Group;
use model::outcome::{Cx, Event, Ghost, Lane};
use model::player::{Player, PlayerStart, AREA_4755};
use model::quest::QuestStatus;
use model::sync::Std;
use model::world::run;
use model::{AiPlacement, Dispatch, Policy, ScenarioName};
use std::sync::Arc;

fn member(id: u8) -> Player<Std> {
    let start = PlayerStart {
        map: 0,
        area: AREA_4755,
        area_update_id: AREA_4755,
        quest_14078: QuestStatus::None,
        quest_14099: QuestStatus::None,
        in_group: true,
    };
    Player::new(id, start, 4, false)
}

/// Sequential leaves of a group of two: the first leave counts two members
/// (`GetMembersCount() <= 2`, Group.cpp:602) and disbands the group (685): both members'
/// `m_group` are cleared and the group is deleted (799). The second leave then reads no group
/// from its `m_group` and returns (GroupHandler.cpp:347-348) without touching the deleted
/// group: no crash when the leaves do not overlap.
#[test]
fn one_leave_disbands_a_group_of_two_and_the_second_finds_no_group() {
    let ghost = Ghost::new(2, 1_000);
    let cx = Cx::new(&ghost, Lane::World);
    let players = [member(0), member(1)];
    let group = Group::<Std>::new(0b11);

    assert_eq!(group.leave(cx, &players, 0), Ok(()));
    let first = ghost.events();
    assert!(first.contains(&(Lane::World, Event::GroupCount { player: 0, members: 2 })), "{first:?}");
    assert!(first.contains(&(Lane::World, Event::GroupUnlinked { player: 1 })), "{first:?}");
    assert_eq!(first.last(), Some(&(Lane::World, Event::GroupFreed { player: 0 })), "the disband deletes the group");
    assert!(ghost.group_freed());

    assert_eq!(group.leave(cx, &players, 1), Ok(()), "the second leave finds no group and stops");
    let second = &ghost.events()[first.len()..];
    assert_eq!(second, [(Lane::World, Event::GroupRead { player: 1, linked: false })]);
    assert!(!ghost.crashed());
}

/// The leave removes the leaver's group buffs from the other member (Group.cpp:589): the
/// leaver's thread walks the *other* player's `m_ownedAuras` (`RemoveAllGroupBuffsFromCaster`,
/// Unit.cpp:4658-4670), then the leaver's own with the other as caster (590). 49416 is no group
/// buff, so nothing is removed.
#[test]
fn the_leave_walks_the_other_members_owned_auras() {
    let ghost = Ghost::new(2, 1_000);
    let cx = Cx::new(&ghost, Lane::World);
    let players = [member(0), member(1)];
    Group::<Std>::new(0b11).leave(cx, &players, 0).unwrap();
    let t = ghost.events();
    let other = t.iter().position(|e| *e == (Lane::World, Event::GroupBuffWalk { player: 1, caster: 0, auras: 0 }));
    let own = t.iter().position(|e| *e == (Lane::World, Event::GroupBuffWalk { player: 0, caster: 1, auras: 0 }));
    assert!(other.is_some() && own.is_some() && other < own, "{t:?}");
    assert!(!t.iter().any(|e| matches!(e.1, Event::Container { .. })), "no aura removed: {t:?}");
}

/// The `group-leave` scenario under TrinityCore's own routing: both leaves are THREADUNSAFE and
/// run one after the other on the world thread; the first disbands the group, the second finds
/// none, and every invariant holds.
#[test]
fn group_leave_under_map_routing_disbands_once_and_breaks_nothing() {
    let scenario = Arc::new(ScenarioName::GroupLeave.build());
    let outcome = run::<Std>(&scenario, Policy::MAP_ROUTING, AiPlacement::Worker, Dispatch::Barrier);
    assert_eq!(outcome.check(), vec![]);
    let t = &outcome.trace;
    let freed: Vec<_> = t.iter().filter(|e| matches!(e.1, Event::GroupFreed { .. })).collect();
    assert_eq!(freed, [&(Lane::World, Event::GroupFreed { player: 0 })]);
    assert!(t.contains(&(Lane::World, Event::GroupRead { player: 1, linked: false })), "{t:?}");
}

/// A member deleted by its logout leaves the group's `m_memberMgr` (its `m_group` is a
/// `GroupReference`, whose destructor unlinks it: Groups/GroupReference.h:37) and keeps its slot
/// (an offline member). The other member's later leave then walks only linked members, counts
/// two slots and disbands the group, and `Disband`'s `FindConnectedPlayer` skips the deleted one:
/// no thread touches the deleted player. (The `schedule` fuzz target found the model touching
/// it, `fuzz/regressions/schedule/map-routing-leave-after-logout-*`.)
#[test]
fn a_leave_after_the_other_members_logout_touches_no_deleted_player() {
    let ghost = Ghost::new(2, 1_000);
    let cx = Cx::new(&ghost, Lane::World);
    let players = [member(0), member(1)];
    let group = Group::<Std>::new(0b11);

    assert_eq!(players[1].logout_cleanup(cx), Ok(()));
    assert_eq!(players[1].get_group(cx), Ok(true));
    assert_eq!(group.member_deleted(cx, 1), Ok(()));
    players[1].delete(cx);
    assert!(ghost.freed(1));

    let before = ghost.events().len();
    assert_eq!(group.leave(cx, &players, 0), Ok(()));
    let leave = &ghost.events()[before..];
    assert!(!leave.iter().any(|e| matches!(e.1, Event::GroupBuffWalk { player: 1, .. })), "{leave:?}");
    assert!(leave.contains(&(Lane::World, Event::GroupCount { player: 0, members: 2 })), "{leave:?}");
    assert!(ghost.group_freed());
    assert!(!ghost.crashed(), "{:?}", ghost.events());
}
