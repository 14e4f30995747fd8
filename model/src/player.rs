//! The player: its auras ([`UnitAuras`]), its spellbook, position and area,
//! `UpdateZoneAndAreaId` with its compare-then-set of `m_areaUpdateId`, the `spell_area`
//! autocast of spell 49416, quests, and what `LogoutPlayer` does to it.
//!
//! Source lines are `src/server/game/Entities/Player/Player.cpp` of TrinityCore master unless
//! another file is named. Every field is a plain server field ([`Field`]): none of these
//! paths takes a lock in the server, so none does here.

use crate::aura::{AuraSpell, RemoveMode, UnitAuras};
use crate::combat::Combat;
use crate::crash::{Crash, Step};
use crate::field::Field;
use crate::opcodes::Opcode;
use crate::outcome::{Cx, Event};
use crate::quest::{end_fits, row_slot, start_fits, QuestAction, QuestStatus, ROW_QUESTS};
use crate::race::Site;
use crate::sync::Backend;

/// Spell 49416 "Generic Quest Invisibility Detection 1": one effect, the canonical aura. No
/// player learns it; it reaches players only through `spell_area` autocasts.
pub const SPELL_49416: u32 = 49416;
/// The area whose `spell_area` row autocasts 49416.
pub const AREA_4756: u32 = 4756;
/// A neighbouring area with no `spell_area` row for 49416.
pub const AREA_4755: u32 = 4755;
pub use crate::quest::{QUEST_14078, QUEST_14099};
/// The spells every modelled player knows: Power Word: Fortitude (21562, a spell the model keeps
/// no aura of) and Battle Shout ([`crate::aura::SPELL_PARTY_BUFF`], the warrior helper's party
/// buff). 49416 is not one of them: it is never learned.
pub const SPELLBOOK: [u32; 2] = [21562, crate::aura::SPELL_PARTY_BUFF];
/// The `diff` of each modelled map update, in milliseconds: `MapUpdateInterval`'s default
/// (World.cpp:740; `MapManager::Update` passes the time since the last map update,
/// MapManager.cpp:327-360). It is far below `UPDATE_TARGET_MAP_INTERVAL` (500 ms): an aura's
/// `UpdateTargetMap` runs on the first map update after its creation and then once every 50 map
/// updates.
pub const MAP_UPDATE_DIFF_MS: u32 = 10;

/// One player (each bot owns one).
pub struct Player<B: Backend> {
    /// Player index (same as its bot session's).
    pub id: u8,
    /// The map the player is on.
    pub map: u8,
    /// The player's auras (49416 and the party buff).
    pub auras: UnitAuras<B>,
    /// The player's combat state (references, attackers, victim).
    pub combat: Combat<B>,
    /// `m_inWorld` (`IsInWorld`).
    in_world: Field<B>,
    /// The area of the current position.
    area: Field<B>,
    /// `m_areaUpdateId`: the area the last area update processed.
    area_update_id: Field<B>,
    /// `m_QuestStatus` (Player.h:3299), the quest log, as far as the row reads it: the status of
    /// 14078 in the low byte and of 14099 in the next (0: no entry).
    quest_status: Field<B>,
    /// `m_RewardedQuests` (Player.h:3303): bit 0 for 14078, bit 1 for 14099.
    rewarded: Field<B>,
    /// Everything else handlers and the bot AI read or write (items, combat, health, talents).
    state: Field<B>,
    /// `m_group` (Player.h:3381): 1 while linked to the group, 0 for none.
    group: Field<B>,
    /// `m_Events`: how many events it holds (each a finished spell's `SpellEvent`).
    events: Field<B>,
}

/// Where a player starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlayerStart {
    /// Map index.
    pub map: u8,
    /// Area of the position.
    pub area: u32,
    /// `m_areaUpdateId`; different from `area` when the position moved since the last area update.
    pub area_update_id: u32,
    /// The status of quest 14078 (the row's `quest_start`).
    pub quest_14078: QuestStatus,
    /// The status of quest 14099 (the row's `quest_end`).
    pub quest_14099: QuestStatus,
    /// A member of the run's one group (the group exists when two or more players start in it).
    pub in_group: bool,
}

impl PlayerStart {
    /// The start values of `m_QuestStatus` and `m_RewardedQuests`: an active status is an entry
    /// of the log, rewarded is a member of the rewarded set, none is neither.
    fn quest_fields(&self) -> (u32, u32) {
        [self.quest_14078, self.quest_14099].into_iter().enumerate().fold((0, 0), |(log, rewarded), (i, s)| match s {
            QuestStatus::Rewarded => (log, rewarded | 1 << i),
            s if s.is_active() => (log | (s as u32) << (8 * i), rewarded),
            _ => (log, rewarded),
        })
    }
}

impl<B: Backend> Player<B> {
    /// A player at `start`, in the world, with no aura, room for `aura_capacity` auras; with
    /// `effect_lock`, `_HandleEffect` runs under a mutex.
    pub fn new(id: u8, start: PlayerStart, aura_capacity: usize, effect_lock: bool) -> Self {
        Player {
            id,
            map: start.map,
            auras: UnitAuras::new(id, aura_capacity, effect_lock),
            combat: Combat::new(id),
            in_world: Field::new(Site::InWorld, id, 0, 1),
            area: Field::new(Site::Position, id, 0, start.area),
            area_update_id: Field::new(Site::AreaUpdateId, id, 0, start.area_update_id),
            quest_status: Field::new(Site::QuestLog, id, 0, start.quest_fields().0),
            rewarded: Field::new(Site::RewardedQuests, id, 0, start.quest_fields().1),
            state: Field::new(Site::PlayerData, id, 0, 0),
            group: Field::new(Site::PlayerGroup, id, 0, start.in_group as u32),
            events: Field::new(Site::Events, id, 0, 0),
        }
    }

    /// Every access to the player goes through here first: a player that `LogoutPlayer` deleted
    /// is freed memory, and touching it stops the thread (the server's behaviour is undefined
    /// from there on).
    pub fn touch(&self, cx: Cx) -> Step {
        if cx.ghost.freed(self.id) {
            return Err(cx.crash(self.id, Crash::UseAfterFree { player: self.id }));
        }
        Ok(())
    }

    /// `IsInWorld()`: one read.
    pub fn in_world(&self, cx: Cx) -> Step<bool> {
        self.touch(cx)?;
        Ok(self.in_world.read(cx) != 0)
    }

    /// `HasAura(spell)`. Only 49416 and the party buff have auras in the model (any other spell
    /// is never applied: false, with no read).
    pub fn has_aura(&self, cx: Cx, spell: u32) -> Step<bool> {
        self.touch(cx)?;
        Ok(AuraSpell::of(spell).is_some_and(|s| self.auras.has_aura(cx, s)))
    }

    /// A cast request from a packet (`CMSG_CAST_SPELL` and the other spell-capable handlers).
    /// `HandleCastSpellOpcode` (SpellHandler.cpp:241-274) queues it with `RequestSpellCast`,
    /// which runs `ExecutePendingSpellCastRequest` at once when nothing is being cast
    /// (Player.cpp:32308-32319); that drops a spell the player does not know (`// check known
    /// spell`, `HasActiveSpell`, 32374-32397) before any aura is touched and before
    /// `Spell::prepare`: false for a dropped cast. A known spell reaches `spell->prepare(targets)`
    /// (32451) and its hits (the world's `cast_spell`: the party buff's on the caster's party).
    pub fn cast_request(&self, cx: Cx, spell: u32) -> Step<bool> {
        self.touch(cx)?;
        if !SPELLBOOK.contains(&spell) {
            cx.event(Event::CastDropped { player: self.id, spell });
            return Ok(false);
        }
        Ok(true)
    }

    /// `CastSpell(this, 49416, true)`: a triggered cast skips the spellbook, goes through
    /// `Spell::prepare` ([`Player::prepare`]) and reaches its hit ([`UnitAuras::spell_hit`]).
    fn autocast(&self, cx: Cx) -> Step {
        cx.event(Event::Autocast { player: self.id });
        self.prepare(cx);
        self.auras.spell_hit(cx, AuraSpell::Invisibility, self.id)
    }

    /// What `Spell::prepare` does to the caster's `m_Events` (Spell.cpp:3456-3458): `new
    /// SpellEvent`, then `m_Events.AddEvent(_spellEvent, m_Events.CalculateTime(1ms))`.
    /// `CalculateTime` reads `m_time` (EventProcessor.h:113); `AddEvent` inserts into `m_events`
    /// (EventProcessor.cpp:113-119): a read and a write of the processor.
    pub fn prepare(&self, cx: Cx) {
        let v = self.events.read(cx);
        self.events.write_as(cx, v + 1, Event::SpellEventAdded { player: self.id });
    }

    /// `m_Events.Update(diff)` (Object.cpp:255; EventProcessor.cpp:40-80): `m_time += p_time`
    /// (43, a read and a write), then each event due is erased (51) and executed (55). Every
    /// event the model adds is a `SpellEvent` due 1 ms after it was added, so due at the next
    /// update; its spell has finished (the model's casts are instant), and `SpellEvent::Execute`
    /// returns true for a finished, deletable spell (Spell.cpp:8455-8467): the event is deleted
    /// (58). The processor is left empty.
    fn update_events(&self, cx: Cx) {
        let due = self.events.read(cx);
        self.events.write_as(cx, 0, Event::EventsUpdated { player: self.id, ran: due });
    }

    /// `Player::Update(diff)` (953-983) of a player in the world, on its map thread: `Unit::Update`
    /// (978; Unit.cpp:427-444) → `WorldObject::Update` (Unit.cpp:439; Object.cpp:253-263), which
    /// runs `m_Events.Update` (255) and then the heartbeat when it is due (257-262:
    /// `Player::Heartbeat` → `UpdateZoneAndAreaId`, 1169-1184, 1177); back in `Unit::Update`, the
    /// return for a unit no longer in the world (Unit.cpp:441-442), then `_UpdateSpells` (444;
    /// 2972-3014), whose aura loop runs `Aura::UpdateOwner` of every owned aura (2990-2996;
    /// [`UnitAuras::update_owned_auras`]) with `MAP_UPDATE_DIFF_MS`. The rest of `Player::Update`
    /// (the pending cast request, 982-983, and everything after) is left out.
    pub fn update(&self, cx: Cx, heartbeat: bool) -> Step {
        self.touch(cx)?;
        self.update_events(cx);
        if heartbeat {
            cx.event(Event::Heartbeat { player: self.id });
            self.update_zone_and_area(cx)?;
        }
        if !self.in_world(cx)? {
            return Ok(());
        }
        self.auras.update_owned_auras(cx, MAP_UPDATE_DIFF_MS)
    }

    /// `CMSG_CANCEL_AURA` of `spell` (`HandleCancelAuraOpcode`, SpellHandler.cpp:285-311): the
    /// spell info is looked up through the player's map (287, `_player->GetMap()`: the player is
    /// touched), and a spell with `SPELL_ATTR0_NO_AURA_CANCEL` is left alone (292-293). Every
    /// spell a `spell_area` row autocasts gets that attribute at load (`LoadSpellAreas`,
    /// Spells/SpellMgr.cpp:2333-2337), 49416 among them: its cancel reads no player field and
    /// changes nothing. Other spells reach `RemoveOwnedAura(spellId, ObjectGuid::Empty,
    /// AURA_REMOVE_BY_CANCEL)` (310): the party buff's auras the player owns go; for a spell the
    /// model keeps no aura of, it only writes player state.
    pub fn cancel_aura(&self, cx: Cx, spell: u32) -> Step {
        self.touch(cx)?;
        match AuraSpell::of(spell) {
            Some(AuraSpell::Invisibility) => Ok(()),
            Some(AuraSpell::PartyBuff) => self.auras.remove_owned(cx, AuraSpell::PartyBuff, RemoveMode::Cancel),
            None => self.write_state(cx),
        }
    }

    /// A movement packet's new position (`UpdatePosition`, MovementHandler.cpp:550).
    pub fn set_position(&self, cx: Cx, area: u32) -> Step {
        self.touch(cx)?;
        self.area.write_as(cx, area, Event::Position { player: self.id, area });
        Ok(())
    }

    /// `Player::UpdateZoneAndAreaId` (6489-6503), from the heartbeat (`Player::Heartbeat`, 1177)
    /// and from the movement-stop family (MovementHandler.cpp:593-605): the position's area
    /// (6492) compared with `m_areaUpdateId` (6500); when they differ, `UpdateArea` (7668-7731)
    /// sets `m_areaUpdateId` (7673) and runs `UpdateAreaDependentAuras` (7686). The zone compare
    /// (6494) is folded: the model has one zone.
    pub fn update_zone_and_area(&self, cx: Cx) -> Step {
        self.touch(cx)?;
        let area = self.area.read_as(cx, |area| Event::AreaRead { player: self.id, area });
        let last = self.area_update_id.read_as(cx, |last| Event::AreaCompare { player: self.id, last, area });
        if last != area {
            self.area_update_id.write(cx, area);
            self.update_area_dependent_auras(cx, area)?;
        }
        Ok(())
    }

    /// `Player::GetQuestStatus(quest)` (16394-16406) for a quest of the row: the entry of
    /// `m_QuestStatus` (16398-16400), else `GetQuestRewardStatus` (16402-16403; 16377-16392),
    /// which for a quest neither seasonal nor repeatable is `IsQuestRewarded`, a find in
    /// `m_RewardedQuests` (25502-25505).
    pub fn quest_status(&self, cx: Cx, quest: u32) -> QuestStatus {
        let Some(slot) = row_slot(quest) else { return QuestStatus::None };
        let entry = QuestStatus::from_code(self.quest_status.read(cx) >> (8 * slot) & 0xff);
        if entry.is_active() {
            return entry;
        }
        if self.rewarded.read(cx) & 1 << slot != 0 {
            QuestStatus::Rewarded
        } else {
            QuestStatus::None
        }
    }

    /// Whether the player fits 49416's `spell_area` row: `SpellArea::IsFitToRequirements`
    /// (Spells/SpellMgr.cpp:730-751) tests the area first (742-744), then
    /// `(1 << GetQuestStatus(14078)) & 64` (746-748: 14078 rewarded), then
    /// `(1 << GetQuestStatus(14099)) & (1|8|32)` (750-752: 14099 none, incomplete or failed).
    fn fits_row(&self, cx: Cx, area: u32) -> bool {
        if area != AREA_4756 {
            return false;
        }
        start_fits(self.quest_status(cx, ROW_QUESTS[0])) && end_fits(self.quest_status(cx, ROW_QUESTS[1]))
    }

    /// `Player::UpdateAreaDependentAuras` (27165-27183): (a) every owned aura whose location
    /// check fails goes (27168-27175); (b) the `spell_area` autocast `if (!HasAura(id))
    /// CastSpell(this, id, true)` (27178-27182).
    fn update_area_dependent_auras(&self, cx: Cx, area: u32) -> Step {
        let fits = self.fits_row(cx, area);
        if !fits {
            return self.auras.remove_owned(cx, AuraSpell::Invisibility, RemoveMode::Interrupt);
        }
        if !self.has_aura(cx, SPELL_49416)? {
            self.autocast(cx)?;
        }
        Ok(())
    }

    /// A quest-update handler of `opcode` naming `quest`, through its gate
    /// ([`QuestAction::apply`] on `GetQuestStatus`). Past the gate: an accept `AddQuest`s
    /// (Player.cpp:15273-15282, an insert into `m_QuestStatus`); a reward runs `RewardQuest`'s
    /// `RemoveActiveQuest(quest, false)` (15521, the erase from `m_QuestStatus`, 16439-16451) and
    /// `SetRewardedQuest` (15523, the insert into `m_RewardedQuests`, 15771-15776); a removal
    /// `RemoveActiveQuest` (QuestHandler.cpp:446). Each then runs `SendQuestUpdate` (accept
    /// 15343, reward 15732, removal 16460). Quests the row does not name only write player state.
    pub fn update_quest(&self, cx: Cx, opcode: Opcode, quest: u32) -> Step {
        self.touch(cx)?;
        let Some(slot) = row_slot(quest) else { return self.write_state(cx) };
        let action = QuestAction::of(opcode);
        let Some(status) = action.apply(self.quest_status(cx, quest)) else { return Ok(()) };
        let shift = 8 * slot;
        let log = self.quest_status.read(cx) & !(0xff << shift);
        let entry = if status.is_active() { (status as u32) << shift } else { 0 };
        self.quest_status.write_as(cx, log | entry, Event::Quest { player: self.id, quest, status });
        if status == QuestStatus::Rewarded {
            let rewarded = self.rewarded.read(cx);
            self.rewarded.write(cx, rewarded | 1 << slot);
        }
        self.send_quest_update(cx)
    }

    /// `SendQuestUpdate` (16509-16559) for a quest of 49416's row (`mSpellAreaForQuestMap` holds
    /// the row under both 14078 and 14099, Spells/SpellMgr.cpp:2464-2477): the zone and area of
    /// the current position (16516-16517); for the row (`AUTOCAST | AUTOREMOVE`), when the
    /// player does not fit it `RemoveAurasDueToSpell(49416)` (16521-16522, 16553-16554), else the
    /// autocast `if (!HasAura) CastSpell` (16523-16524, 16549-16551).
    fn send_quest_update(&self, cx: Cx) -> Step {
        let area = self.area.read(cx);
        if self.fits_row(cx, area) {
            if !self.has_aura(cx, SPELL_49416)? {
                self.autocast(cx)?;
            }
            Ok(())
        } else {
            self.auras.remove_auras_due_to_spell(cx, AuraSpell::Invisibility, RemoveMode::Default)
        }
    }

    /// Any other write to the player's state (items, combat, talents: the handlers the model
    /// does not tell apart, `HandlerKind::PlayerWrite`): a plain read and write.
    pub fn write_state(&self, cx: Cx) -> Step {
        self.touch(cx)?;
        let v = self.state.read(cx);
        self.state.write_as(cx, v.wrapping_add(1), Event::PlayerWrite { player: self.id });
        Ok(())
    }

    /// A read of live player state: a query's reply; the bot AI's reads (BotAI.cpp:236-362) and
    /// the manager's reads of `IsInCombat`, `GetGroup`, `isMoving`, `GetHealthPct`
    /// (BotWorldSessionMgr.cpp:650-667).
    pub fn read_state(&self, cx: Cx) -> Step<u32> {
        self.touch(cx)?;
        Ok(self.state.read(cx) ^ self.area.read(cx))
    }

    /// `GetGroup()` (Player.h:2868, `m_group.getTarget()`): one read of `m_group`; true when the
    /// player is linked to the group.
    pub fn get_group(&self, cx: Cx) -> Step<bool> {
        self.touch(cx)?;
        Ok(self.group.read_as(cx, |v| Event::GroupRead { player: self.id, linked: v != 0 }) != 0)
    }

    /// `SetGroup(nullptr)` (Player.cpp:25553-25556): `m_group.unlink()`, a write of the player's
    /// `m_group` (the group's side of the unlink is the caller's). The visibility update (25565)
    /// is left out.
    pub fn unlink_group(&self, cx: Cx) -> Step {
        self.touch(cx)?;
        self.group.write_as(cx, 0, Event::GroupUnlinked { player: self.id });
        Ok(())
    }

    /// What `WorldSession::LogoutPlayer` (WorldSession.cpp:599-753) does to the player before
    /// deleting it, on the world thread: `CleanupsBeforeDelete` (722) →
    /// `Unit::CleanupBeforeRemoveFromMap` (Unit.cpp:10435-10462) → `RemoveFromWorld`
    /// (10442-10443, `m_isInWorld = false`) and `RemoveAllAuras` (10455).
    pub fn logout_cleanup(&self, cx: Cx) -> Step {
        self.touch(cx)?;
        self.in_world.write_as(cx, 0, Event::RemovedFromWorld { player: self.id });
        self.auras.remove_all(cx)
    }

    /// `Map::RemovePlayerFromMap(_player, true)` (WorldSession.cpp:727-728) deletes the player
    /// (`DeleteFromWorld`, Map.cpp:960-961). Whatever touches it after that touches freed memory.
    pub fn delete(&self, cx: Cx) {
        cx.ghost.free(cx.lane, self.id);
    }

    /// The final values the invariants look at: (`HasAura`, the modifier, each application's
    /// `_effectMask`).
    pub fn aura_snapshot(&self) -> (bool, u32, Vec<u32>) {
        self.auras.snapshot()
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows the player's index, map and auras, and which fields it stands for (not their values: a
/// read would be an engine access).
impl<B: Backend> std::fmt::Debug for Player<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player")
            .field("id", &self.id)
            .field("map", &self.map)
            .field("auras", &self.auras)
            .field("combat", &self.combat)
            .field("in_world", &self.in_world)
            .field("area", &self.area)
            .field("area_update_id", &self.area_update_id)
            .field("quest_status", &self.quest_status)
            .field("rewarded", &self.rewarded)
            .field("state", &self.state)
            .field("group", &self.group)
            .field("events", &self.events)
            .finish()
    }
}
