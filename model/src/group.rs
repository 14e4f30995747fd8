//! The run's one group and `CMSG_LEAVE_GROUP`: `HandleLeaveGroupOpcode` →
//! `Player::RemoveFromGroup` → `Group::RemoveMember` → `Group::Disband`.
//!
//! Source lines are `src/server/game/Groups/Group.cpp` of TrinityCore master unless another file
//! is named. The group is a plain object of the server: none of these paths takes a lock, so
//! none does here. A group left with fewer than two members is disbanded, and `Disband` ends
//! with `delete this`: a second leave that read its still-set `m_group` before the first leave's
//! disband touches freed memory, and stops there as the server would.

use crate::aura::bits;
use crate::crash::{Crash, Step};
use crate::field::Field;
use crate::outcome::{Cx, Event};
use crate::player::Player;
use crate::race::Site;
use crate::sync::Backend;

/// The group the players that start in one are members of (`Group`, Group.h).
pub struct Group<B: Backend> {
    /// `m_memberSlots` (Group.h:426): bit `i` while player `i` has a slot.
    slots: Field<B>,
    /// `m_memberMgr` (Group.h:427): bit `i` while player `i`'s `GroupReference` is linked.
    members: Field<B>,
}

impl<B: Backend> Group<B> {
    /// The group of the players whose bit is set in `members` (empty: no group).
    pub fn new(members: u32) -> Self {
        Group { slots: Field::new(Site::Group, 0, 0, members), members: Field::new(Site::GroupMembers, 0, 0, members) }
    }

    /// Every access to the group goes through here first: a group that `Disband` deleted is
    /// freed memory, and touching it stops the thread of `player`'s leave.
    fn touch(&self, cx: Cx, player: u8) -> Step {
        if cx.ghost.group_freed() {
            return Err(cx.crash(player, Crash::GroupUseAfterFree { player }));
        }
        Ok(())
    }

    /// `m_memberSlots`, read.
    fn read_slots(&self, cx: Cx, player: u8) -> Step<u32> {
        self.touch(cx, player)?;
        Ok(self.slots.read(cx))
    }

    /// `m_memberMgr`, read (`GetMembers()`, `m_memberMgr.size()`).
    fn read_members(&self, cx: Cx, player: u8) -> Step<u32> {
        self.touch(cx, player)?;
        Ok(self.members.read(cx))
    }

    /// `m_group.unlink()` of `member` seen from the group: its reference leaves `m_memberMgr`
    /// (a read and a write of the list).
    fn unlink(&self, cx: Cx, player: u8, member: u8) -> Step {
        let v = self.read_members(cx, player)?;
        self.members.write(cx, v & !(1 << member));
        Ok(())
    }

    /// `~GroupReference() { unlink(); }` (Groups/GroupReference.h:37) of a deleted member: its
    /// reference leaves `m_memberMgr`; its slot in `m_memberSlots` stays (an offline member).
    pub fn member_deleted(&self, cx: Cx, member: u8) -> Step {
        self.unlink(cx, member, member)
    }

    /// `WorldSession::HandleLeaveGroupOpcode` (GroupHandler.cpp:343-370) for `player`, in the
    /// source's order: `GetGroup(packet.PartyIndex)` reads `m_group` (345); nothing without a
    /// group (347-348; the model has no invites, 346, and no battlegrounds, 350); then
    /// `RemoveFromGroup(GROUP_REMOVEMETHOD_LEAVE)` (363) → `RemoveFromGroup(GetGroup(), …)`
    /// (Player.h:2188) reads `m_group` again, returns without one (Player.cpp:2221-2222) and
    /// calls `Group::RemoveMember` (2224). The party-index check of `GetGroup(partyIndex)`
    /// (Player.cpp:25536-25551) reads the group's category: folded into the touch of
    /// `RemoveMember`.
    pub fn leave(&self, cx: Cx, players: &[Player<B>], player: u8) -> Step {
        let leaver = &players[player as usize];
        if !leaver.get_group(cx)? {
            return Ok(());
        }
        if !leaver.get_group(cx)? {
            return Ok(());
        }
        self.remove_member(cx, players, player)
    }

    /// `Group::RemoveMember(guid, GROUP_REMOVEMETHOD_LEAVE)` (574-688): for every other member
    /// of `GetMembers()` (583), `RemoveAllGroupBuffsFromCaster` on that member's auras with the
    /// leaver as caster (589) and on the leaver's with the member as caster (590); then
    /// `GetMembersCount()` (602, `m_memberSlots.size()`): with more than two members the leaver's
    /// `SetGroup(nullptr)` (615), the erase from `m_memberSlots` (639-644), and `Disband` when
    /// `m_memberMgr` is left with fewer than two (672-673); with two or fewer, `Disband` (685).
    /// Left out: `BroadcastGroupUpdate` (576, folded into the first touch), scripts (578),
    /// `FailCriteria` (599), the visibility and party-type updates (618-626), the database and
    /// `DelinkMember` (630-636), the leader change (647-657), the updates sent (659, 677), LFG and
    /// battleground groups (595-596, 607-608, 661-669).
    fn remove_member(&self, cx: Cx, players: &[Player<B>], player: u8) -> Step {
        let leaver = &players[player as usize];
        for other in bits(self.read_members(cx, player)?).filter(|&m| m != player) {
            let member = &players[other as usize];
            member.touch(cx)?;
            member.auras.remove_group_buffs_from(cx, player)?;
            leaver.auras.remove_group_buffs_from(cx, other)?;
        }
        let count = self.read_slots(cx, player)?.count_ones();
        cx.event(Event::GroupCount { player, members: count as u8 });
        if count <= 2 {
            return self.disband(cx, players, player);
        }
        leaver.unlink_group(cx)?;
        self.unlink(cx, player, player)?;
        let slots = self.read_slots(cx, player)?;
        self.slots.write(cx, slots & !(1 << player));
        if self.read_members(cx, player)?.count_ones() < 2 {
            return self.disband(cx, players, player);
        }
        Ok(())
    }

    /// `Group::Disband` (735-800), in `player`'s leave: for each slot of `m_memberSlots` (740)
    /// whose player `FindConnectedPlayer` finds (742-744; a deleted player is not found),
    /// `SetGroup(nullptr)` (756): the member's `m_group` and the group's `m_memberMgr`; then
    /// `m_memberSlots.clear()` (773), and `sGroupMgr->RemoveGroup(this); delete this;` (798-799).
    /// Left out: scripts (737), the packets sent (766-768), invites (775), the database
    /// (777-796).
    fn disband(&self, cx: Cx, players: &[Player<B>], player: u8) -> Step {
        for m in bits(self.read_slots(cx, player)?) {
            if cx.ghost.freed(m) {
                continue;
            }
            players[m as usize].unlink_group(cx)?;
            self.unlink(cx, player, m)?;
        }
        self.touch(cx, player)?;
        self.slots.write(cx, 0);
        cx.ghost.free_group(cx.lane, player);
        Ok(())
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows which fields it stands for (their locations), not their values: a read would be an
/// engine access.
impl<B: Backend> std::fmt::Debug for Group<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Group").field("slots", &self.slots).field("members", &self.members).finish()
    }
}
