//! A creature on a map: a unit with its own auras (the same aura model as a player's,
//! [`UnitAuras`]) and combat state ([`Combat`]), updated by its map's `Map::Update`.
//!
//! Source lines are TrinityCore master, `src/server/game/` (`Entities/Creature/Creature.cpp`,
//! `Entities/Unit/Unit.cpp`, `AI/CreatureAI.cpp`, `Maps/Map.cpp`).

use crate::aura::UnitAuras;
use crate::combat::Combat;
use crate::crash::Step;
use crate::outcome::{Cx, Event};
use crate::sync::Backend;

/// The unit index of the first creature: players are `0..CREATURE_BASE`, creature `c` is
/// `CREATURE_BASE + c` (a unit index is a bit of the combat bitmasks, so both stay below 32).
pub const CREATURE_BASE: u8 = 16;

/// A unit's name in traces and reports: `p3` for player 3, `c0` for the first creature.
pub fn unit_name(unit: u8) -> String {
    match unit.checked_sub(CREATURE_BASE) {
        Some(c) => format!("c{c}"),
        None => format!("p{unit}"),
    }
}

/// One creature (a hostile mob the bots attack).
pub struct Creature<B: Backend> {
    /// Its unit index (after the players').
    pub id: u8,
    /// Its map.
    pub map: u8,
    /// Its auras: containers, auras and applications, as a player's.
    pub auras: UnitAuras<B>,
    /// Its combat state.
    pub combat: Combat<B>,
}

/// The `diff` of a map update, as the players get it ([`crate::player::MAP_UPDATE_DIFF_MS`]).
const DIFF_MS: u32 = crate::player::MAP_UPDATE_DIFF_MS;

impl<B: Backend> Creature<B> {
    /// A live creature with no aura, in combat with nothing; room for `aura_capacity` auras.
    pub fn new(id: u8, map: u8, aura_capacity: usize, effect_lock: bool) -> Self {
        Creature { id, map, auras: UnitAuras::new(id, aura_capacity, effect_lock), combat: Combat::new(id) }
    }

    /// `Creature::Update(diff)` of a live creature (Creature.cpp:828-1013, the `ALIVE` case,
    /// 924-1008), on its map's thread, reached from `Map::Update`'s visit of the cells near each
    /// player (Map.cpp:724-726, `Trinity::ObjectUpdater`): `Unit::Update` (936; Unit.cpp:427-450)
    /// → `_UpdateSpells` (444: the aura loop, [`UnitAuras::update_owned_auras`]) and
    /// `m_combatManager.Update` (450; CombatManager.cpp:163-176, which walks `_pvpRefs` only: a
    /// creature has none, not modelled); then `Unit::AIUpdateTick` (961; Unit.cpp:10289-10297) →
    /// `CreatureAI::UpdateVictim` (CreatureAI.cpp:248-265): not engaged, nothing (250-251);
    /// else `SelectVictim` reads the threat list (Creature.cpp:1347-1352; both folded into one
    /// read of the combat state) and `AttackStart` of a victim that is not the current one
    /// (261-263: `Unit::Attack`, on the map thread). `m_Events`, the boundary check, melee
    /// swings and regeneration touch no modelled field.
    pub fn update(&self, cx: Cx, units: &[&Combat<B>]) -> Step {
        cx.event(Event::CreatureUpdate { creature: self.id });
        self.auras.update_owned_auras(cx, DIFF_MS)?;
        let refs = self.combat.combat_refs(cx);
        let Some(victim) = Combat::<B>::first_ref(refs) else { return Ok(()) };
        if self.combat.victim(cx) != Some(victim) {
            if let Some(target) = units.iter().find(|c| c.unit == victim) {
                self.combat.attack(cx, target, None);
            }
        }
        Ok(())
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows the creature's index, map, auras and combat state (locations, not values).
impl<B: Backend> std::fmt::Debug for Creature<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Creature")
            .field("id", &self.id)
            .field("map", &self.map)
            .field("auras", &self.auras)
            .field("combat", &self.combat)
            .finish()
    }
}
