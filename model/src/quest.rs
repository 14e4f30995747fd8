//! Quest state as far as 49416's `spell_area` row reads it: the row, the `QuestStatus` values,
//! and what each quest-update handler does to a quest's status.
//!
//! The row (`sql/old/11.x/world/25081_2025_10_29/2025_09_30_00_world.sql:60`, first added in
//! `sql/old/11.x/world/24092_2024_11_16/2024_09_30_00_world.sql:8`):
//! `(spell 49416, area 4756, quest_start 14078, quest_end 14099, aura_spell 0, racemask 0,
//! gender 2, flags 3, quest_start_status 64, quest_end_status 1|8|32)`. Gender 2 is
//! `GENDER_NONE` and the race mask is empty, so `SpellArea::IsFitToRequirements`
//! (`Spells/SpellMgr.cpp:730-751`) tests the area (742-744) and the two status masks (746-752):
//! `(1 << GetQuestStatus(quest)) & status`. Flags 3 are `SPELL_AREA_FLAG_AUTOCAST |
//! SPELL_AREA_FLAG_AUTOREMOVE` (`Spells/SpellMgr.h:483-484`).

use crate::opcodes::Opcode;

/// The row's `quest_start`.
pub const QUEST_14078: u32 = 14078;
/// The row's `quest_end`.
pub const QUEST_14099: u32 = 14099;
/// The two quests the row names, in the order the player's quest fields keep them.
pub const ROW_QUESTS: [u32; 2] = [QUEST_14078, QUEST_14099];

/// `QuestStatus` (`Quests/QuestDef.h:145-155`). `m_QuestStatus` holds the active ones
/// (incomplete, complete, failed); rewarded is not stored there but read from
/// `m_RewardedQuests` (`Player::GetQuestStatus`, `Entities/Player/Player.cpp:16394-16406`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(u32)]
pub enum QuestStatus {
    /// `QUEST_STATUS_NONE`: neither in the log nor rewarded.
    None = 0,
    /// `QUEST_STATUS_COMPLETE`: in the log, objectives done, not yet turned in.
    Complete = 1,
    /// `QUEST_STATUS_INCOMPLETE`: in the log (what `AddQuest` sets, Player.cpp:15282).
    Incomplete = 3,
    /// `QUEST_STATUS_FAILED`.
    Failed = 5,
    /// `QUEST_STATUS_REWARDED`: turned in (`m_RewardedQuests`).
    Rewarded = 6,
}

impl QuestStatus {
    /// Every status, in `QuestDef.h` order (not `named!`: the values have gaps).
    pub const ALL: [QuestStatus; 5] =
        [QuestStatus::None, QuestStatus::Complete, QuestStatus::Incomplete, QuestStatus::Failed, QuestStatus::Rewarded];
    /// The status as the trace shows it.
    pub fn name(self) -> &'static str {
        match self {
            QuestStatus::None => "none",
            QuestStatus::Complete => "complete",
            QuestStatus::Incomplete => "incomplete",
            QuestStatus::Failed => "failed",
            QuestStatus::Rewarded => "rewarded",
        }
    }
    /// The status stored in `m_QuestStatus` as the model encodes it (0 is "no entry").
    pub fn from_code(code: u32) -> QuestStatus {
        QuestStatus::ALL.into_iter().find(|s| *s as u32 == code).unwrap_or(QuestStatus::None)
    }
    /// True when the quest has an entry in `m_QuestStatus` (the quest log).
    pub fn is_active(self) -> bool {
        matches!(self, QuestStatus::Complete | QuestStatus::Incomplete | QuestStatus::Failed)
    }
}

/// The row's `quest_start_status`: 64 = `1 << QUEST_STATUS_REWARDED`.
pub const QUEST_START_STATUS: u32 = 1 << QuestStatus::Rewarded as u32;
/// The row's `quest_end_status`: 1|8|32 = none, incomplete or failed (not complete, not
/// rewarded).
pub const QUEST_END_STATUS: u32 =
    1 << QuestStatus::None as u32 | 1 << QuestStatus::Incomplete as u32 | 1 << QuestStatus::Failed as u32;

/// The `quest_start` test of `SpellArea::IsFitToRequirements` (Spells/SpellMgr.cpp:746-748):
/// `(1 << GetQuestStatus(14078)) & quest_start_status`.
pub fn start_fits(start: QuestStatus) -> bool {
    (1 << start as u32) & QUEST_START_STATUS != 0
}

/// The `quest_end` test (SpellMgr.cpp:750-752): `(1 << GetQuestStatus(14099)) & quest_end_status`.
pub fn end_fits(end: QuestStatus) -> bool {
    (1 << end as u32) & QUEST_END_STATUS != 0
}

/// What a quest-update handler does to the quest it names, once past its own gate.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum QuestAction {
    /// `CMSG_QUEST_GIVER_ACCEPT_QUEST` (`HandleQuestgiverAcceptQuestOpcode`,
    /// Handlers/QuestHandler.cpp:105-166), `CMSG_QUEST_CONFIRM_ACCEPT` (498-526) and
    /// `CMSG_ADVENTURE_MAP_START_QUEST` (Handlers/AdventureMapHandler.cpp:54-70): `CanTakeQuest`
    /// (its `SatisfyQuestStatus`: status none, Player.cpp:16147-16171), then
    /// `AddQuestAndCheckCompletion` → `AddQuest` (incomplete, 15261-15343).
    Accept,
    /// `CMSG_QUEST_GIVER_CHOOSE_REWARD` (`HandleQuestgiverChooseRewardOpcode`,
    /// QuestHandler.cpp:255-401): status complete (374-375, `CanRewardQuest` 15046 and 15058),
    /// then `RewardQuest` (396; Player.cpp:15494-15769).
    Reward,
    /// `CMSG_QUEST_LOG_REMOVE_QUEST` (`HandleQuestLogRemoveQuest`, QuestHandler.cpp:432-496): the
    /// quest in the log slot (438), `RemoveActiveQuest` (446; Player.cpp:16437-16468).
    Remove,
    /// `CMSG_QUEST_GIVER_COMPLETE_QUEST` (`HandleQuestgiverCompleteQuest`,
    /// QuestHandler.cpp:532-588): reads the status (567, 574) and replies with the request-items
    /// or offer-reward window; the status does not change.
    Offer,
}

impl QuestAction {
    /// The action of a quest-update opcode's handler, by the opcode's name (so that a user's
    /// table, whose `Opcode` values differ, maps the same way). A quest-update opcode not named
    /// here is taken as an accept, the action that writes the log.
    pub fn of(opcode: Opcode) -> QuestAction {
        match opcode.name() {
            "CMSG_QUEST_GIVER_CHOOSE_REWARD" => QuestAction::Reward,
            "CMSG_QUEST_LOG_REMOVE_QUEST" => QuestAction::Remove,
            "CMSG_QUEST_GIVER_COMPLETE_QUEST" => QuestAction::Offer,
            _ => QuestAction::Accept,
        }
    }
    /// Whether the handler goes on for a quest in `status` (its gate), and the status it leaves.
    pub fn apply(self, status: QuestStatus) -> Option<QuestStatus> {
        match self {
            QuestAction::Accept => (status == QuestStatus::None).then_some(QuestStatus::Incomplete),
            QuestAction::Reward => (status == QuestStatus::Complete).then_some(QuestStatus::Rewarded),
            QuestAction::Remove => status.is_active().then_some(QuestStatus::None),
            QuestAction::Offer => None,
        }
    }
}

/// The index of `quest` in [`ROW_QUESTS`] (the player's quest fields keep only these two).
pub fn row_slot(quest: u32) -> Option<usize> {
    ROW_QUESTS.iter().position(|&q| q == quest)
}
