//! A unit's combat state as the bot AI's attack and the map update touch it: its combat
//! references (`CombatManager::_pveRefs`, with what the combat start sets from them: the in-combat
//! flags, the creature AI's engagement and threat list), its attacker set (`m_attackers`) and its
//! victim (`m_attacking`).
//!
//! Source lines are TrinityCore master, `src/server/game/Combat/CombatManager.cpp` and
//! `src/server/game/Entities/Unit/Unit.cpp`. None of these paths takes a lock in the server.

use crate::aura::bits;
use crate::field::Field;
use crate::outcome::{Cx, Event};
use crate::race::Site;
use crate::sync::Backend;

/// The combat state of one unit (a player or a creature, by unit index).
pub struct Combat<B: Backend> {
    /// The unit.
    pub unit: u8,
    /// `_pveRefs`: bit `u` while the unit is in combat with unit `u`.
    refs: Field<B>,
    /// `m_attackers`: bit `u` while unit `u` attacks it.
    attackers: Field<B>,
    /// `m_attacking`: the victim's unit index + 1 (0: none).
    attacking: Field<B>,
}

impl<B: Backend> Combat<B> {
    /// Out of combat, attacking nothing, attacked by nothing.
    pub fn new(unit: u8) -> Self {
        Combat {
            unit,
            refs: Field::new(Site::CombatRefs, unit, 0, 0),
            attackers: Field::new(Site::Attackers, unit, 0, 0),
            attacking: Field::new(Site::Attacking, unit, 0, 0),
        }
    }

    /// `CombatManager::SetInCombatWith(who)` (CombatManager.cpp:215-250) of this unit's manager:
    /// the lookup of `who` in `_pveRefs` (226; a PvE reference: one of the two is a creature, so
    /// the `_pvpRefs` lookup at 219 finds nothing and is left out), a found reference is
    /// refreshed (228-229, the reference's own timer: not modelled); else a new reference goes
    /// into both managers by `PutReference` (245-246; 412-426: `_pveRefs[guid]`, a read and a
    /// write of each map), and `UpdateOwnerCombatState` of both (249-250) sets them in combat
    /// (the in-combat flags, the creature AI's engagement and threat entry, folded into the
    /// same writes).
    pub fn set_in_combat_with(&self, cx: Cx, who: &Combat<B>) {
        let mine = self.refs.read(cx);
        if mine & 1 << who.unit != 0 {
            return;
        }
        self.refs.write_as(cx, mine | 1 << who.unit, Event::CombatWith { unit: self.unit, other: who.unit });
        let theirs = who.refs.read(cx);
        who.refs.write_as(cx, theirs | 1 << self.unit, Event::CombatWith { unit: who.unit, other: self.unit });
    }

    /// `IsInCombatWith(who)` (Unit.h:1063 → `CombatManager::IsInCombatWith`): a lookup of `who`
    /// in `_pveRefs`.
    pub fn in_combat_with(&self, cx: Cx, who: u8) -> bool {
        self.refs.read(cx) & 1 << who != 0
    }

    /// `Unit::Attack(victim, meleeAttack)` (Unit.cpp:5984-6060): with a victim already
    /// (`m_attacking`, 6024) and it is this one, nothing changes (6026-6043); else the old victim
    /// loses this attacker (6047-6048, `_removeAttacker`), `m_attacking = victim` (6050) and
    /// `victim->_addAttacker(this)` (6051; 5951-5954: `m_attackers.insert`). The alive, evade,
    /// mount and game-master checks (5986-6012) pass; the unit state, target and packets
    /// (6052-6060) touch no modelled field.
    pub fn attack(&self, cx: Cx, victim: &Combat<B>, old: Option<&Combat<B>>) {
        let current = self.attacking.read(cx);
        if current == victim.unit as u32 + 1 {
            return;
        }
        if let Some(old) = old.filter(|o| current == o.unit as u32 + 1) {
            let v = old.attackers.read(cx);
            old.attackers.write(cx, v & !(1 << self.unit));
        }
        self.attacking.write_as(cx, victim.unit as u32 + 1, Event::Attack { unit: self.unit, victim: victim.unit });
        let v = victim.attackers.read(cx);
        victim.attackers.write(cx, v | 1 << self.unit);
    }

    /// The unit's victim (`GetVictim()`, Unit.h:729: a read of `m_attacking`), as a unit index.
    pub fn victim(&self, cx: Cx) -> Option<u8> {
        self.attacking.read(cx).checked_sub(1).map(|v| v as u8)
    }

    /// The units it is in combat with: a read of `_pveRefs` (`GetPvECombatRefs()`,
    /// CombatManager.h:111; `IsInCombat`'s flag is set from it, folded into the same read).
    pub fn combat_refs(&self, cx: Cx) -> u32 {
        self.refs.read(cx)
    }

    /// The first unit it is in combat with (the creature's current victim from its threat list).
    pub fn first_ref(refs: u32) -> Option<u8> {
        bits(refs).next()
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows which fields it stands for (their locations), not their values.
impl<B: Backend> std::fmt::Debug for Combat<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Combat")
            .field("unit", &self.unit)
            .field("refs", &self.refs)
            .field("attackers", &self.attackers)
            .field("attacking", &self.attacking)
            .finish()
    }
}
