//! The locations the detector watches: each [`Site`] is a plain field (or container) of the
//! server with its declaring line, and a [`Location`] is a site of one object.

use std::fmt;

/// What a location stands for: a plain field (or container) of the server, with the line that
/// declares it (TrinityCore master, `src/server/game/`).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Site {
    /// `BaseEntity::m_inWorld` (`IsInWorld`).
    InWorld,
    /// The position (`Position::m_positionX` and its siblings): the area it is in.
    Position,
    /// `Player::m_areaUpdateId`.
    AreaUpdateId,
    /// `Player::m_QuestStatus`, the quest log.
    QuestLog,
    /// `Player::m_RewardedQuests`, the rewarded quests.
    RewardedQuests,
    /// The rest of the player's state handlers and the AI read and write (`m_activePlayerData`:
    /// items, combat, health, talents).
    PlayerData,
    /// `WorldObject::m_Events`, the object's `EventProcessor` (its `m_time` and `m_events`, one
    /// location): `Spell::prepare` adds the spell's `SpellEvent`, `WorldObject::Update` runs it.
    Events,
    /// `Unit::m_ownedAuras`.
    OwnedAuras,
    /// `Unit::m_appliedAuras`.
    AppliedAuras,
    /// The unit value 49416's effect changes (`m_invisibilityDetect`, SPELL_AURA_MOD_INVISIBILITY_DETECT).
    Modifier,
    /// `Aura::m_isRemoved`.
    AuraRemoved,
    /// `Aura::m_applications`.
    AuraApplications,
    /// `Aura::m_updateTargetMapInterval`, the timer of `UpdateTargetMap`.
    UpdateTargetMapInterval,
    /// `Aura::m_stackAmount`.
    StackAmount,
    /// `UnitAura::_staticApplications`: the targets (and effect masks) a spell gave the aura.
    StaticApplications,
    /// `AuraApplication::_effectMask`.
    EffectMask,
    /// `AuraApplication::_effectsToApply`.
    EffectsToApply,
    /// `AuraApplication::_removeMode`.
    RemoveMode,
    /// `WorldSession::forceExit`, set by `KickPlayer`.
    ForceExit,
    /// `WorldSession::_player`.
    SessionPlayer,
    /// The state bots share across players: the group (`Group::m_memberSlots`), and what the
    /// model does not tell apart from it (guild, mail, trade, channels).
    Group,
    /// `Group::m_memberMgr`: the members' `GroupReference`s, linked by `SetGroup`.
    GroupMembers,
    /// `Player::m_group`: the player's reference to its group (`GetGroup`).
    PlayerGroup,
    /// `Map::m_mapRefManager`, the map's player list.
    MapPlayers,
    /// `Unit::m_auraPctModifiersGroup`: the stat modifier the party buff's effect sets
    /// (`SetStatPctModifier`, from `HandleModTotalPercentStat`).
    StatModifier,
    /// `CombatManager::_pveRefs` of a unit's `m_combatManager`: its combat references.
    CombatRefs,
    /// `Unit::m_attackers`: the units attacking it.
    Attackers,
    /// `Unit::m_attacking`: its victim.
    Attacking,
    /// `Map::_objectsStore`: the map's creatures (and other non-player objects) by guid, read by
    /// `ObjectAccessor::GetUnit`/`GetCreature`.
    ObjectsStore,
}

named! {
    impl Site {
        /// Every site (the map's player list last).
        const ALL;
        /// The server's name of the field.
        fn name;
    }
    InWorld => "BaseEntity::m_inWorld",
    Position => "Position::m_positionX",
    AreaUpdateId => "Player::m_areaUpdateId",
    QuestLog => "Player::m_QuestStatus",
    RewardedQuests => "Player::m_RewardedQuests",
    PlayerData => "Player::m_activePlayerData",
    Events => "WorldObject::m_Events",
    OwnedAuras => "Unit::m_ownedAuras",
    AppliedAuras => "Unit::m_appliedAuras",
    Modifier => "WorldObject::m_invisibilityDetect",
    AuraRemoved => "Aura::m_isRemoved",
    AuraApplications => "Aura::m_applications",
    UpdateTargetMapInterval => "Aura::m_updateTargetMapInterval",
    StackAmount => "Aura::m_stackAmount",
    StaticApplications => "UnitAura::_staticApplications",
    EffectMask => "AuraApplication::_effectMask",
    EffectsToApply => "AuraApplication::_effectsToApply",
    RemoveMode => "AuraApplication::_removeMode",
    ForceExit => "WorldSession::forceExit",
    SessionPlayer => "WorldSession::_player",
    Group => "Group::m_memberSlots",
    GroupMembers => "Group::m_memberMgr",
    PlayerGroup => "Player::m_group",
    MapPlayers => "Map::m_mapRefManager",
    StatModifier => "Unit::m_auraPctModifiersGroup",
    CombatRefs => "CombatManager::_pveRefs",
    Attackers => "Unit::m_attackers",
    Attacking => "Unit::m_attacking",
    ObjectsStore => "Map::_objectsStore",
}

impl Site {
    /// The file (under `src/server/game/`) and line that declare it.
    pub fn declared(self) -> (&'static str, u32) {
        match self {
            Site::InWorld => ("Entities/Object/BaseEntity.h", 362),
            Site::Position => ("Entities/Object/Position.h", 64),
            Site::AreaUpdateId => ("Entities/Player/Player.h", 3364),
            Site::QuestLog => ("Entities/Player/Player.h", 3299),
            Site::RewardedQuests => ("Entities/Player/Player.h", 3303),
            Site::PlayerData => ("Entities/Player/Player.h", 3132),
            Site::Events => ("Entities/Object/Object.h", 587),
            Site::OwnedAuras => ("Entities/Unit/Unit.h", 1963),
            Site::AppliedAuras => ("Entities/Unit/Unit.h", 1964),
            Site::Modifier => ("Entities/Object/Object.h", 413),
            Site::AuraRemoved => ("Spells/Auras/SpellAuras.h", 417),
            Site::AuraApplications => ("Spells/Auras/SpellAuras.h", 415),
            Site::UpdateTargetMapInterval => ("Spells/Auras/SpellAuras.h", 409),
            Site::StackAmount => ("Spells/Auras/SpellAuras.h", 413),
            Site::StaticApplications => ("Spells/Auras/SpellAuras.h", 464),
            Site::EffectMask => ("Spells/Auras/SpellAuras.h", 72),
            Site::EffectsToApply => ("Spells/Auras/SpellAuras.h", 70),
            Site::RemoveMode => ("Spells/Auras/SpellAuras.h", 67),
            Site::ForceExit => ("Server/WorldSession.h", 2170),
            Site::SessionPlayer => ("Server/WorldSession.h", 2129),
            Site::Group => ("Groups/Group.h", 426),
            Site::GroupMembers => ("Groups/Group.h", 427),
            Site::PlayerGroup => ("Entities/Player/Player.h", 3381),
            Site::MapPlayers => ("Maps/Map.h", 669),
            Site::StatModifier => ("Entities/Unit/Unit.h", 1977),
            Site::CombatRefs => ("Combat/CombatManager.h", 142),
            Site::Attackers => ("Entities/Unit/Unit.h", 1941),
            Site::Attacking => ("Entities/Unit/Unit.h", 1942),
            Site::ObjectsStore => ("Maps/Map.h", 840),
        }
    }

    /// The declaring file's base name (`SpellAuras.h`).
    pub fn file(self) -> &'static str {
        let path = self.declared().0;
        path.rsplit('/').next().unwrap_or(path)
    }

    /// The declaring line.
    pub fn line(self) -> u32 {
        self.declared().1
    }
}

/// One location: a site of one object. `owner` is the player, bot session or map index (0 for
/// the group); `index` the aura or application index (0 for the others).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Location {
    /// What it stands for.
    pub site: Site,
    /// Whose it is.
    pub owner: u8,
    /// Which aura or application.
    pub index: u8,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let who = match self.site {
            Site::ForceExit | Site::SessionPlayer => format!("bot{} ", self.owner),
            Site::MapPlayers => format!("map{} (p{}) ", self.owner, self.index),
            Site::ObjectsStore => format!("map{} ", self.owner),
            Site::Group | Site::GroupMembers => String::new(),
            Site::AuraRemoved
            | Site::AuraApplications
            | Site::UpdateTargetMapInterval
            | Site::StackAmount
            | Site::StaticApplications => format!("p{} aura#{} ", self.owner, self.index),
            Site::EffectMask | Site::EffectsToApply | Site::RemoveMode => {
                format!("p{} app#{} ", self.owner, self.index)
            }
            _ => format!("p{} ", self.owner),
        };
        write!(f, "{who}{} ({}:{})", self.site.name(), self.site.file(), self.site.line())
    }
}
