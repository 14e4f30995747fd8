//! What the bot AI does besides reading: the actions of `BotAI::UpdateAI` that write the world,
//! each from its source (the crash-era module, `src/modules/Playerbot/`; see `FIDELITY.md` for
//! the versions and lines). A scenario scripts which actions each bot's AI takes in each tick
//! ([`crate::scenario::Scenario::ai`]); where they run is the cell's
//! [`crate::policy::AiPlacement`].

use std::fmt;

/// One action of the bot AI.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum AiAction {
    /// A class helper's buff upkeep, a check-then-act (`WarriorBaselineRotation::ApplyBuffs`,
    /// BaselineRotationManager.cpp:524-531, reached from `ClassAI::UpdateBuffs`, ClassAI.cpp:241):
    /// `if (bot->HasSpell(BATTLE_SHOUT) && !bot->HasAura(BATTLE_SHOUT))
    /// bot->CastSpell(bot, BATTLE_SHOUT)` (527-529), with Battle Shout
    /// ([`crate::aura::SPELL_PARTY_BUFF`], in the spellbook: `HasSpell` lets it through). Its hit
    /// lands on the bot and on each group member on its map, each owning its aura.
    KeepBuff,
    /// The baseline rotation's attack (`ExecuteBaselineRotation`, BaselineRotationManager.cpp:
    /// 64-81): the target found by `ClassAI::GetNearestEnemy` (ClassAI.cpp:406-457: the spatial
    /// grid's guids, then `ObjectAccessor::GetCreature(*bot, guid)`, 443, a find in the map's
    /// `_objectsStore`); then `if (!bot->IsInCombatWith(target))` (72) `bot->SetInCombatWith(target);
    /// target->SetInCombatWith(bot);` (74-75), and `if (bot->GetVictim() != target)
    /// bot->Attack(target, true);` (80-81).
    Attack {
        /// The creature (its index in the scenario's creatures).
        creature: u8,
    },
    /// The AI's own group write: the bot leaves its group (`Player::RemoveFromGroup` →
    /// `Group::RemoveMember`; the crash-era AI calls it directly, BotAI.cpp:166-167; the later
    /// module has `BotAction::LEAVE_GROUP`, and mod-playerbots queues it as a
    /// `GroupRemoveMemberOperation` since its pull request #1816).
    LeaveGroup,
}

impl AiAction {
    /// True for an action on state shared between players across maps (the group): what
    /// mod-playerbots' world-thread operation queue takes.
    pub fn is_world_global(self) -> bool {
        match self {
            AiAction::LeaveGroup => true,
            AiAction::KeepBuff | AiAction::Attack { .. } => false,
        }
    }
}

impl fmt::Display for AiAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            AiAction::KeepBuff => write!(f, "keep buff {}", crate::aura::SPELL_PARTY_BUFF),
            AiAction::Attack { creature } => write!(f, "attack c{creature}"),
            AiAction::LeaveGroup => f.write_str("leave the group"),
        }
    }
}
