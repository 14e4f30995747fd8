//! The player: aura lookup and triggered casts (Spell.cpp:3020-3031), aura removal, position and
//! area, `UpdateZoneAndAreaId` with its compare-then-set of `m_areaUpdateId` (Player.cpp:6489),
//! the `spell_area` autocast of spell 49416 (Player.cpp:27155-27185, 16509), and quests.
//!
//! Every field is a plain server field ([`Backend::Cell`]): none of these paths takes a lock in
//! the server, so none does here.

use crate::aura::{AssertFailure, AuraApplication};
use crate::outcome::{Event, Ghost, Lane};
use crate::sync::Backend;

/// Spell 49416 "Generic Quest Invisibility Detection 1": one effect, the canonical aura.
pub const SPELL_49416: u32 = 49416;
/// The area whose `spell_area` row autocasts 49416.
pub const AREA_4756: u32 = 4756;
/// A neighbouring area with no `spell_area` row for 49416.
pub const AREA_4755: u32 = 4755;
/// The quest whose being in the log is the row's `quest_start` condition.
pub const QUEST_14078: u32 = 14078;

/// One player (each bot owns one).
pub struct Player<B: Backend> {
    /// Player index (same as its bot session's).
    pub id: u8,
    /// The map the player is on.
    pub map: u8,
    /// Whether the player owns an aura of spell 49416 (`HasAura`).
    aura_present: B::Cell,
    /// The player's application of 49416.
    pub aura: AuraApplication<B>,
    /// The area of the current position.
    area: B::Cell,
    /// `m_areaUpdateId`: the area the last area update processed.
    area_update_id: B::Cell,
    /// Quest 14078 in the quest log (1) or not (0).
    quest: B::Cell,
    /// Everything else player handlers write (items, combat, talents, pets).
    state: B::Cell,
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
    /// Quest 14078 already in the log.
    pub has_quest: bool,
}

impl<B: Backend> Player<B> {
    /// A player at `start`, with no aura.
    pub fn new(id: u8, start: PlayerStart) -> Self {
        Player {
            id,
            map: start.map,
            aura_present: B::cell(0),
            aura: AuraApplication::new(id),
            area: B::cell(start.area),
            area_update_id: B::cell(start.area_update_id),
            quest: B::cell(start.has_quest as u32),
            state: B::cell(0),
        }
    }

    /// `HasAura(spell)`: one read. Only 49416 has an application in the model.
    pub fn has_aura(&self, ghost: &Ghost, lane: Lane, spell: u32) -> bool {
        let present = spell == SPELL_49416 && B::read(&self.aura_present) != 0;
        ghost.event(lane, Event::HasAura { player: self.id, present });
        present
    }

    /// A cast of `spell` on this player reaching its hit: `Aura::TryRefreshStackOrCreate` (find
    /// the existing aura or create the application), then Spell.cpp:3020-3031: drop the effect
    /// bits `HasEffect` says are applied, and `_ApplyAura` → `_HandleEffect(i, true)` for each
    /// left. A check-then-act with no lock. Spells other than 49416 only write player state.
    pub fn cast_spell(&self, ghost: &Ghost, lane: Lane, spell: u32) -> Result<(), AssertFailure> {
        if spell != SPELL_49416 {
            self.write_state(ghost, lane);
            return Ok(());
        }
        if B::read(&self.aura_present) == 0 {
            B::write(&self.aura_present, 1);
            self.aura.set_effects_to_apply(1);
            ghost.event(lane, Event::AuraCreated { player: self.id });
        } else {
            ghost.event(lane, Event::AuraRefreshed { player: self.id });
        }
        let mut left = self.aura.effects_to_apply();
        for eff in 0..32u8 {
            if left & (1 << eff) != 0 && self.aura.has_effect(eff) {
                left &= !(1 << eff);
            }
        }
        for eff in 0..32u8 {
            if left & (1 << eff) != 0 {
                self.aura.handle_effect(ghost, lane, eff, true)?;
            }
        }
        Ok(())
    }

    /// `RemoveAura(spell)`: `_HandleEffect(i, false)` for each applied effect, then the
    /// application goes.
    pub fn remove_aura(&self, ghost: &Ghost, lane: Lane, spell: u32) -> Result<(), AssertFailure> {
        if spell != SPELL_49416 {
            self.write_state(ghost, lane);
            return Ok(());
        }
        if B::read(&self.aura_present) == 0 {
            return Ok(());
        }
        let mask = self.aura.effect_mask();
        for eff in 0..32u8 {
            if mask & (1 << eff) != 0 {
                self.aura.handle_effect(ghost, lane, eff, false)?;
            }
        }
        B::write(&self.aura_present, 0);
        self.aura.set_effects_to_apply(0);
        ghost.event(lane, Event::AuraRemoved { player: self.id });
        Ok(())
    }

    /// A movement packet's new position.
    pub fn set_position(&self, ghost: &Ghost, lane: Lane, area: u32) {
        B::write(&self.area, area);
        ghost.event(lane, Event::Position { player: self.id, area });
    }

    /// `UpdateZoneAndAreaId` (Player.cpp:6489): compare `m_areaUpdateId` with the position's
    /// area, then set it and run `UpdateAreaDependentAuras`. A second check-then-act.
    pub fn update_area(&self, ghost: &Ghost, lane: Lane) -> Result<(), AssertFailure> {
        let area = B::read(&self.area);
        ghost.event(lane, Event::AreaRead { player: self.id, area });
        let last = B::read(&self.area_update_id);
        ghost.event(lane, Event::AreaCompare { player: self.id, last, area });
        if last != area {
            B::write(&self.area_update_id, area);
            self.spell_area_autocast(ghost, lane, area)?;
        }
        Ok(())
    }

    /// The `spell_area` row of 49416 (area 4756, quest 14078, autocast + autoremove):
    /// `if (!HasAura(id)) CastSpell(this, id, true)` when the player fits it, removal when not.
    fn spell_area_autocast(&self, ghost: &Ghost, lane: Lane, area: u32) -> Result<(), AssertFailure> {
        let fits = area == AREA_4756 && B::read(&self.quest) != 0;
        let has = self.has_aura(ghost, lane, SPELL_49416);
        if fits && !has {
            ghost.event(lane, Event::Autocast { player: self.id });
            self.cast_spell(ghost, lane, SPELL_49416)
        } else if !fits && has {
            self.remove_aura(ghost, lane, SPELL_49416)
        } else {
            Ok(())
        }
    }

    /// Quest accept, complete or removal (`AddQuest` / `RewardQuest` / removal →
    /// `SendQuestUpdate`, Player.cpp:16509): changes the log, then the same autocast for the
    /// current area. Quests other than 14078 only write player state.
    pub fn update_quest(&self, ghost: &Ghost, lane: Lane, quest: u32, accept: bool) -> Result<(), AssertFailure> {
        if quest != QUEST_14078 {
            self.write_state(ghost, lane);
            return Ok(());
        }
        B::write(&self.quest, accept as u32);
        ghost.event(lane, Event::Quest { player: self.id, accepted: accept });
        let area = B::read(&self.area_update_id);
        self.spell_area_autocast(ghost, lane, area)
    }

    /// Any other write to the player's state: a plain read and write.
    pub fn write_state(&self, ghost: &Ghost, lane: Lane) {
        let v = B::read(&self.state);
        B::write(&self.state, v.wrapping_add(1));
        ghost.event(lane, Event::PlayerWrite { player: self.id });
    }

    /// A read of live player state (a query's reply).
    pub fn read_state(&self) -> u32 {
        B::read(&self.state) ^ B::read(&self.area)
    }

    /// The final values the invariants look at: (`HasAura`, `_effectMask`, modifier).
    pub fn aura_snapshot(&self) -> (bool, u32, u32) {
        (B::read(&self.aura_present) != 0, self.aura.effect_mask(), self.aura.modifier())
    }
}
