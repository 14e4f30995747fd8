//! The aura lifecycle of one unit (a player or a creature), for the two aura spells the model
//! knows ([`AuraSpell`]: 49416 and the party buff): `m_ownedAuras`, `m_appliedAuras` (one
//! container each per unit, shared by both spells as the server's multimaps are), each `Aura`
//! with its spell, caster, `m_isRemoved` and its application of the target, each
//! `AuraApplication` with its `_effectMask`, `_effectsToApply` and remove mode, and
//! `AuraApplication::_HandleEffect`.
//!
//! Every read and write of a server field is a separate access ([`Field`]), in the order
//! of the source; each function cites the lines it stands for (TrinityCore master,
//! `src/server/game/Spells/Auras/SpellAuras.cpp` and `src/server/game/Entities/Unit/Unit.cpp`).
//! None of these paths takes a lock in the server, so none does here.
//!
//! Two threads that both miss the lookup of `Aura::TryRefreshStackOrCreate` create two auras,
//! each with its own application and `_effectMask`: they never share one mask. What that breaks
//! (two auras of one non-stacking spell, an effect applied on a removed aura, two threads in one
//! container at once) is recorded as `aura-integrity`, apart from the asserts.

use crate::crash::{AssertFailure, Step};
use crate::field::{Field, Lock};
use crate::outcome::{Container, Cx, Event};
use crate::race::{LockId, LockKind, Site};
use crate::sync::Backend;
use std::sync::atomic::{AtomicU8, Ordering::Relaxed};

mod hit;
mod target_map;

/// Spell 6673 "Battle Shout" (`BATTLE_SHOUT`, the crash-era module's
/// `BaselineRotationManager.cpp:453`): a warrior's party and raid buff, taken as one
/// `SPELL_EFFECT_APPLY_AURA` effect on `TARGET_UNIT_CASTER_AREA_RAID` with an attack-power
/// percentage aura (the spell data is DB2, not in the source tree), in every modelled player's
/// spellbook. Its hit gives each target in the caster's raid an aura the target owns.
pub const SPELL_PARTY_BUFF: u32 = 6673;

/// The spells whose auras the model keeps. Each aura object knows its spell and its caster
/// (`m_spellInfo`, `m_casterGuid`: const once constructed); the unit's containers hold the auras
/// of both.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
#[repr(u8)]
pub enum AuraSpell {
    /// 49416 "Generic Quest Invisibility Detection 1": the `spell_area` autocast, cast by the
    /// player on itself; its location check is its `spell_area` row.
    Invisibility = 0,
    /// 6673 "Battle Shout" ([`SPELL_PARTY_BUFF`]): cast by a player on its party; a
    /// group buff (`SpellInfo::IsGroupBuff`, SpellInfo.cpp:1850-1866: an effect on the caster's
    /// area raid), with no location requirement.
    PartyBuff = 1,
}

impl AuraSpell {
    /// The spell of `id`, when the model keeps its auras.
    pub fn of(id: u32) -> Option<AuraSpell> {
        match id {
            crate::player::SPELL_49416 => Some(AuraSpell::Invisibility),
            SPELL_PARTY_BUFF => Some(AuraSpell::PartyBuff),
            _ => None,
        }
    }
    /// The spell id.
    pub fn id(self) -> u32 {
        match self {
            AuraSpell::Invisibility => crate::player::SPELL_49416,
            AuraSpell::PartyBuff => SPELL_PARTY_BUFF,
        }
    }
    /// `SpellInfo::IsGroupBuff`.
    pub fn is_group_buff(self) -> bool {
        match self {
            AuraSpell::Invisibility => false,
            AuraSpell::PartyBuff => true,
        }
    }
    fn from_slot(slot: u8) -> AuraSpell {
        if slot == AuraSpell::PartyBuff as u8 {
            AuraSpell::PartyBuff
        } else {
            AuraSpell::Invisibility
        }
    }
}

/// `AuraRemoveMode` values the model uses (0 is `AURA_REMOVE_NONE`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[repr(u32)]
pub enum RemoveMode {
    /// `AURA_REMOVE_BY_DEFAULT`: no-stack removal, `RemoveAllAuras`, `RemoveAurasDueToSpell`.
    Default = 1,
    /// `AURA_REMOVE_BY_INTERRUPT`: `UpdateAreaDependentAuras` leaving the area.
    Interrupt = 2,
    /// `AURA_REMOVE_BY_CANCEL`: `CMSG_CANCEL_AURA` of the party buff (it never reaches 49416:
    /// `Player::cancel_aura`).
    Cancel = 3,
}

/// One `AuraApplication` of an aura on its target.
pub struct AuraApplication<B: Backend> {
    effect_mask: Field<B>,
    effects_to_apply: Field<B>,
    remove_mode: Field<B>,
}

/// One `Aura` (a `UnitAura` owned by the player).
pub struct Aura<B: Backend> {
    /// `m_isRemoved`.
    removed: Field<B>,
    /// `m_applications[target]`: 0 for none, else the application's index + 1.
    target_app: Field<B>,
    /// `m_updateTargetMapInterval`: 0 in a new aura (SpellAuras.cpp:483).
    update_interval: Field<B>,
    /// `m_stackAmount`: 1 in a new aura (the cast's `AuraStackAmount`).
    stack_amount: Field<B>,
    /// `_staticApplications[owner]`: the effect mask a spell gave the owner (0: none yet).
    static_apps: Field<B>,
}

/// The auras of one unit (a player or a creature): its containers, its aura and application
/// objects, and the unit values the single effect of each spell changes (49416:
/// SPELL_AURA_MOD_INVISIBILITY_DETECT's amount; the party buff: its attack-power percentage
/// modifier, `SetStatPctModifier` into `m_auraPctModifiersGroup`).
pub struct UnitAuras<B: Backend> {
    /// The unit (a player's index, or a creature's unit index after the players).
    pub player: u8,
    /// `m_ownedAuras`: bit `i` when aura `i` is in it.
    owned: Field<B>,
    /// `m_appliedAuras`: bit `a` when application `a` is in it.
    applied: Field<B>,
    /// The unit value each spell's effect changes, by [`AuraSpell`].
    modifiers: [Field<B>; 2],
    auras: Vec<Aura<B>>,
    apps: Vec<AuraApplication<B>>,
    /// The aura each application belongs to (`AuraApplication::_base`, const once constructed).
    base: Vec<AtomicU8>,
    /// Each aura's spell ([`AuraSpell`] as `u8`) and caster (`m_casterGuid`): const once
    /// constructed, set before the aura is published in a container.
    spell: Vec<AtomicU8>,
    caster: Vec<AtomicU8>,
    /// The candidate fix's mutex of each application's `_HandleEffect` (empty without it).
    effect_locks: Vec<Lock<B, ()>>,
    /// `new UnitAura` / `new AuraApplication`: memory allocation is thread-safe, so these
    /// counters stand outside the engines.
    next_aura: AtomicU8,
    next_app: AtomicU8,
}

/// The set bits of `mask`, lowest first (the objects a bitmask container holds).
pub(crate) fn bits(mask: u32) -> impl Iterator<Item = u8> {
    (0..32u8).filter(move |b| mask & (1 << b) != 0)
}

impl<B: Backend> UnitAuras<B> {
    /// No aura yet; room for `capacity` auras (one run never creates more than its casts and
    /// heartbeats can) and three times as many applications, at most 32 of each (a container is a
    /// bitmask): each spell hit creates at most one application, and `UpdateTargetMap` at most
    /// two per aura (one for a new aura, one after it found the application without a target);
    /// with `effect_lock`, each application's `_HandleEffect` runs under its own mutex.
    pub fn new(player: u8, capacity: usize, effect_lock: bool) -> Self {
        let apps = (3 * capacity).clamp(1, 32);
        let capacity = capacity.clamp(1, 32);
        UnitAuras {
            player,
            owned: Field::new(Site::OwnedAuras, player, 0, 0),
            applied: Field::new(Site::AppliedAuras, player, 0, 0),
            modifiers: [Field::new(Site::Modifier, player, 0, 0), Field::new(Site::StatModifier, player, 0, 0)],
            auras: (0..capacity as u8)
                .map(|i| Aura {
                    removed: Field::new(Site::AuraRemoved, player, i, 0),
                    target_app: Field::new(Site::AuraApplications, player, i, 0),
                    update_interval: Field::new(Site::UpdateTargetMapInterval, player, i, 0),
                    stack_amount: Field::new(Site::StackAmount, player, i, 1),
                    static_apps: Field::new(Site::StaticApplications, player, i, 0),
                })
                .collect(),
            apps: (0..apps as u8)
                .map(|a| AuraApplication {
                    effect_mask: Field::new(Site::EffectMask, player, a, 0),
                    effects_to_apply: Field::new(Site::EffectsToApply, player, a, 0),
                    remove_mode: Field::new(Site::RemoveMode, player, a, 0),
                })
                .collect(),
            base: (0..apps).map(|_| AtomicU8::new(0)).collect(),
            spell: (0..capacity).map(|_| AtomicU8::new(0)).collect(),
            caster: (0..capacity).map(|_| AtomicU8::new(player)).collect(),
            effect_locks: if effect_lock {
                (0..apps as u8)
                    .map(|a| Lock::new(LockId { kind: LockKind::HandleEffect, owner: player, index: a }, ()))
                    .collect()
            } else {
                Vec::new()
            },
            next_aura: AtomicU8::new(0),
            next_app: AtomicU8::new(0),
        }
    }

    fn alloc(counter: &AtomicU8, capacity: usize) -> u8 {
        let i = counter.fetch_add(1, Relaxed);
        assert!((i as usize) < capacity, "the model sized its aura pool too small ({capacity})");
        i
    }

    /// Inserts or erases `bit` in a container: a plain read, then a plain write. Another thread
    /// running between the two is inside the same container at once.
    fn modify(&self, cx: Cx, which: Container, index: u8, insert: bool) {
        let cell = match which {
            Container::Owned => &self.owned,
            Container::Applied => &self.applied,
        };
        let v = cell.read(cx);
        cx.ghost.container_enter(cx.lane, self.player, which);
        let bit = 1u32 << index;
        let event = Event::Container { player: self.player, which, index, insert };
        cell.write_as(cx, if insert { v | bit } else { v & !bit }, event);
        cx.ghost.container_exit(cx.lane, self.player, which);
    }

    /// The spell of aura `aura`.
    fn spell_of(&self, aura: u8) -> AuraSpell {
        AuraSpell::from_slot(self.spell[aura as usize].load(Relaxed))
    }

    /// The auras of `spell` among the bits of `owned` (an `m_ownedAuras` value).
    fn auras_of(&self, owned: u32, spell: AuraSpell) -> u32 {
        bits(owned).filter(|&i| self.spell_of(i) == spell).fold(0, |m, i| m | 1 << i)
    }

    /// The applications of `spell`'s auras among the bits of `applied` (an `m_appliedAuras` value).
    fn apps_of(&self, applied: u32, spell: AuraSpell) -> u32 {
        bits(applied)
            .filter(|&a| self.spell_of(self.base[a as usize].load(Relaxed)) == spell)
            .fold(0, |m, a| m | 1 << a)
    }

    /// A walk of `m_appliedAuras` that only reads it (`Map::Update`'s look for the casters of
    /// the auras applied on a player, Map.cpp:743-752).
    pub fn read_applied(&self, cx: Cx) {
        let _ = self.applied.read(cx);
    }

    /// `Unit::HasAura(spell)` (Unit.cpp:4903-4906 → `GetAuraApplication`): any application of
    /// the spell in `m_appliedAuras`.
    pub fn has_aura(&self, cx: Cx, spell: AuraSpell) -> bool {
        let v = self.applied.read(cx);
        let present = self.apps_of(v, spell) != 0;
        cx.event(Event::HasAura { player: self.player, spell: spell.id(), present });
        present
    }

    /// `Aura::Create` → `new UnitAura` (SpellAuras.cpp:435, 2514-2521) → `Unit::_AddAura`
    /// (Unit.cpp:3549-3584): `m_ownedAuras.emplace` (3552), `_RemoveNoStackAurasDueToAura(aura,
    /// true)` (3554), and no aura when the new one was removed meanwhile (3556-3557; `Create`
    /// returns null, SpellAuras.cpp:438-439); then `AddStaticApplication` of the owner (442-450),
    /// and again no aura when removed (465-466). The aura is in `m_ownedAuras` before its owner
    /// is in `_staticApplications`: an `UpdateTargetMap` between the two finds no target.
    fn create_aura(&self, cx: Cx, spell: AuraSpell, caster: u8) -> Step<Option<u8>> {
        let i = Self::alloc(&self.next_aura, self.auras.len());
        self.spell[i as usize].store(spell as u8, Relaxed);
        self.caster[i as usize].store(caster, Relaxed);
        cx.ghost.aura_created(cx.lane, self.player, i);
        self.modify(cx, Container::Owned, i, true);
        self.remove_no_stack(cx, Container::Owned, i)?;
        let removed = &self.auras[i as usize].removed;
        if removed.read(cx) != 0 {
            return Ok(None);
        }
        self.add_static_application(cx, i);
        if removed.read(cx) != 0 {
            return Ok(None);
        }
        Ok(Some(i))
    }

    /// `Unit::_RemoveNoStackAurasDueToAura` (Unit.cpp:3814-3832): every other aura of the
    /// container that cannot stack with the new one goes. Two auras of one spell from the same
    /// caster never stack, and auras of different spells always do (each run casts each buff
    /// from one caster on a target), so every other aura of the same spell goes: owned ones by
    /// `RemoveOwnedAuras` (3828-3829), applied ones by `RemoveAppliedAuras` (3830-3831). `index`
    /// is the new aura (owned) or the new application (applied).
    fn remove_no_stack(&self, cx: Cx, which: Container, index: u8) -> Step {
        match which {
            Container::Owned => {
                let spell = self.spell_of(index);
                let others = self.auras_of(self.owned.read(cx), spell) & !(1 << index);
                for j in bits(others) {
                    self.remove_owned_aura(cx, j, RemoveMode::Default)?;
                }
            }
            Container::Applied => {
                let spell = self.spell_of(self.base[index as usize].load(Relaxed));
                let others = self.apps_of(self.applied.read(cx), spell) & !(1 << index);
                for b in bits(others) {
                    self.remove_applied(cx, b, RemoveMode::Default)?;
                }
            }
        }
        Ok(())
    }

    /// `Unit::_CreateAuraApplication` (Unit.cpp:3588-3628): no application for a removed aura
    /// (3594-3598, a logged error, not an assert), the assert that the aura is not applied on the
    /// target yet (3602), `new AuraApplication` with `_effectsToApply` = the effect (3614), the
    /// insert into `m_appliedAuras` (3615), then `Aura::_ApplyForTarget` sets
    /// `m_applications[target]` (3626; SpellAuras.cpp:596).
    fn create_application(&self, cx: Cx, aura: u8) -> Step<Option<u32>> {
        let au = &self.auras[aura as usize];
        if au.removed.read(cx) != 0 {
            return Ok(None);
        }
        if au.target_app.read(cx) != 0 {
            return Err(cx.trip(self.player, AssertFailure::AppliedOnTargetTwice));
        }
        let a = Self::alloc(&self.next_app, self.apps.len());
        self.base[a as usize].store(aura, Relaxed);
        self.apps[a as usize].effects_to_apply.write(cx, 1);
        cx.event(Event::ApplicationCreated { player: self.player, aura, app: a });
        self.modify(cx, Container::Applied, a, true);
        au.target_app.write(cx, a as u32 + 1);
        Ok(Some(a as u32))
    }

    /// `Unit::_ApplyAura` (Unit.cpp:3644-3698): `_RemoveNoStackAurasDueToAura(aura, false)`
    /// (3648), the return when the application got a remove mode (3650-3651; the identical checks
    /// at 3664 and 3673 have no modelled access before them and are folded into it), then
    /// `_HandleEffect(i, true)` for the effect (3683).
    fn apply_aura(&self, cx: Cx, app: u8) -> Step {
        self.remove_no_stack(cx, Container::Applied, app)?;
        if self.apps[app as usize].remove_mode.read(cx) != 0 {
            return Ok(());
        }
        self.handle_effect(cx, app, 0, true)
    }

    /// `Unit::RemoveAura(iterator, mode)` (Unit.cpp:3927-3938), the way `RemoveAppliedAuras`
    /// and `RemoveAurasDueToSpell` remove: nothing when the application is already being removed
    /// (3931-3932), else `_UnapplyAura` (3934), then `Aura::Remove` → `RemoveOwnedAura(Aura*)`
    /// (3937; SpellAuras.cpp:2541-2546), which returns for a removed aura (Unit.cpp:3885).
    fn remove_applied(&self, cx: Cx, app: u8, mode: RemoveMode) -> Step {
        if self.apps[app as usize].remove_mode.read(cx) != 0 {
            return Ok(());
        }
        self.unapply(cx, app, mode)?;
        let aura = self.base[app as usize].load(Relaxed);
        if self.auras[aura as usize].removed.read(cx) != 0 {
            return Ok(());
        }
        self.remove_owned_aura(cx, aura, mode)
    }

    /// `Unit::RemoveOwnedAura(iterator, mode)` (Unit.cpp:3850-3869): the assert (3853), the erase
    /// from `m_ownedAuras` (3859), then `Aura::_Remove` (3866; SpellAuras.cpp:639-659): its own
    /// assert (641), `m_isRemoved = true` (642), and `_UnapplyAura(aurApp)` for its application
    /// of the target (648).
    fn remove_owned_aura(&self, cx: Cx, aura: u8, mode: RemoveMode) -> Step {
        let p = self.player;
        let au = &self.auras[aura as usize];
        if au.removed.read(cx) != 0 {
            return Err(cx.trip(p, AssertFailure::OwnedAuraRemovedTwice));
        }
        self.modify(cx, Container::Owned, aura, false);
        if au.removed.read(cx) != 0 {
            return Err(cx.trip(p, AssertFailure::AuraRemovedTwice));
        }
        au.removed.write(cx, 1);
        cx.ghost.aura_removed(cx.lane, p, aura);
        match au.target_app.read(cx) {
            0 => Ok(()),
            a => self.unapply_pointer(cx, aura, a as u8 - 1, mode),
        }
    }

    /// `Unit::_UnapplyAura(AuraApplication*, mode)` (Unit.cpp:3793-3812): the application must
    /// be its aura's application of the target (3796) and be in `m_appliedAuras`, else `ABORT()`
    /// (3811).
    fn unapply_pointer(&self, cx: Cx, aura: u8, app: u8, mode: RemoveMode) -> Step {
        if self.auras[aura as usize].target_app.read(cx) != app as u32 + 1 {
            return Err(cx.trip(self.player, AssertFailure::ForeignApplication));
        }
        if self.applied.read(cx) & (1 << app) == 0 {
            return Err(cx.trip(self.player, AssertFailure::ApplicationNotInList));
        }
        self.unapply(cx, app, mode)
    }

    /// `Unit::_UnapplyAura(iterator, mode)` (Unit.cpp:3701-3791): the assert that no remove mode
    /// is set (3705), `SetRemoveMode` (3708), the erase from `m_appliedAuras` (3720),
    /// `Aura::_UnapplyForTarget` erasing `m_applications[target]` (3749; SpellAuras.cpp:627),
    /// `_HandleEffect(i, false)` for each effect `HasEffect` says is applied (3752-3754), and the
    /// assert that none is left (3757).
    fn unapply(&self, cx: Cx, app: u8, mode: RemoveMode) -> Step {
        let p = self.player;
        let a = &self.apps[app as usize];
        if a.remove_mode.read(cx) != 0 {
            return Err(cx.trip(p, AssertFailure::UnapplyingRemovedApplication));
        }
        a.remove_mode.write(cx, mode as u32);
        cx.ghost.remove_mode_set(cx.lane, p, app);
        self.modify(cx, Container::Applied, app, false);
        let aura = self.base[app as usize].load(Relaxed);
        self.auras[aura as usize].target_app.write(cx, 0);
        if a.effect_mask.read(cx) & 1 != 0 {
            self.handle_effect(cx, app, 0, false)?;
        }
        if a.effect_mask.read(cx) != 0 {
            return Err(cx.trip(p, AssertFailure::EffectLeftAfterUnapply));
        }
        Ok(())
    }

    /// `AuraApplication::_HandleEffect(effIndex, apply)` (SpellAuras.cpp:159-186): the asserts
    /// at 168 and 169, then on apply the second read at 174, `_effectMask |= 1<<effIndex` (175,
    /// a plain read and write) and `HandleEffect` (176); on remove the assert at 180, the clear
    /// (181) and `HandleEffect(.., false)` (182). `HandleEffect` changes the unit's modifier, an
    /// unsynchronized field too. Returns the tripped assert, if any; the caller stops, as the
    /// server would.
    ///
    /// With the seed's "future enhancement" (`Policy::effect_lock`) the whole body runs under the
    /// application's mutex: what its callers check before calling it (`HasAura` before the
    /// autocast, the spell hit's `HasEffect`, the area update's compare) stays outside.
    pub fn handle_effect(&self, cx: Cx, app: u8, eff: u8, apply: bool) -> Step {
        let _mutex = self.effect_locks.get(app as usize).map(|m| m.lock(cx));
        let bit = 1u32 << eff;
        let p = self.player;
        let a = &self.apps[app as usize];
        let mask = a.effect_mask.read_as(cx, |mask| Event::EffectRead { player: p, app, line: 168, mask });
        if (mask & bit != 0) == apply {
            return Err(cx.trip(p, AssertFailure::HasEffectMismatch));
        }
        if a.effects_to_apply.read(cx) & bit == 0 {
            return Err(cx.trip(p, AssertFailure::NotInEffectsToApply));
        }
        let line = if apply { 174 } else { 180 };
        let mask = a.effect_mask.read_as(cx, |mask| Event::EffectRead { player: p, app, line, mask });
        if apply && mask & bit != 0 {
            return Err(cx.trip(p, AssertFailure::AlreadyApplied));
        }
        if !apply && mask & bit == 0 {
            return Err(cx.trip(p, AssertFailure::NotApplied));
        }
        let mask = a.effect_mask.read(cx);
        let stored = if apply { mask | bit } else { mask & !bit };
        a.effect_mask.write_as(cx, stored, Event::EffectStore { player: p, app, mask: stored });
        if apply {
            let aura = self.base[app as usize].load(Relaxed);
            cx.ghost.effect_applied(cx.lane, p, app, aura, self.spell_of(aura) as u8);
        } else {
            cx.ghost.effect_removed(p, app);
        }
        let modifier = &self.modifiers[self.spell_of(self.base[app as usize].load(Relaxed)) as usize];
        let v = modifier.read(cx);
        let v = if apply { v.wrapping_add(1) } else { v.wrapping_sub(1) };
        modifier.write_as(cx, v, Event::Modifier { player: p, value: v });
        Ok(())
    }

    /// Every owned aura of `spell` through `RemoveOwnedAura(iter, mode)` (Unit.cpp:3850-3869).
    /// What `UpdateAreaDependentAuras` does to auras whose location check fails
    /// (Player.cpp:27168-27175, `AURA_REMOVE_BY_INTERRUPT`; 49416's location check is its
    /// `spell_area` row, the party buff has none), and `HandleCancelAuraOpcode`'s
    /// `RemoveOwnedAura(spellId, ObjectGuid::Empty, AURA_REMOVE_BY_CANCEL)`
    /// (SpellHandler.cpp:310) of the party buff.
    pub fn remove_owned(&self, cx: Cx, spell: AuraSpell, mode: RemoveMode) -> Step {
        let owned = self.auras_of(self.owned.read(cx), spell);
        for i in bits(owned) {
            self.remove_owned_aura(cx, i, mode)?;
        }
        Ok(())
    }

    /// `Unit::RemoveAllGroupBuffsFromCaster(caster)` (Unit.cpp:4658-4670), run by
    /// `Group::RemoveMember` (Group.cpp:589-590) on a group member's auras from whichever thread
    /// runs the leave: a walk of `m_ownedAuras` (4660) that removes, through
    /// `RemoveOwnedAura(iter)` (4665), each aura `caster` cast that is a group buff (4663,
    /// `SpellInfo::IsGroupBuff`, SpellInfo.cpp:1850-1866: an effect targeting the party or raid).
    /// 49416 is cast by the player itself (the `spell_area` autocast) with a self target, so it is
    /// neither: the walk removes only the party buffs `caster` cast.
    pub fn remove_group_buffs_from(&self, cx: Cx, caster: u8) -> Step {
        let p = self.player;
        let owned = self.owned.read_as(cx, |v| Event::GroupBuffWalk { player: p, caster, auras: v.count_ones() as u8 });
        for i in bits(owned) {
            let (aura_caster, is_group_buff) =
                (self.caster[i as usize].load(Relaxed), self.spell_of(i).is_group_buff());
            if aura_caster == caster && is_group_buff {
                self.remove_owned_aura(cx, i, RemoveMode::Default)?;
            }
        }
        Ok(())
    }

    /// `Unit::RemoveAurasDueToSpell(spell)` (Unit.cpp:4073-4087): every application of the spell
    /// in `m_appliedAuras` through `RemoveAura(iter)` (4081).
    pub fn remove_auras_due_to_spell(&self, cx: Cx, spell: AuraSpell, mode: RemoveMode) -> Step {
        let applied = self.apps_of(self.applied.read(cx), spell);
        for a in bits(applied) {
            self.remove_applied(cx, a, mode)?;
        }
        Ok(())
    }

    /// `Unit::RemoveAllAuras` (Unit.cpp:4481-4526), from `LogoutPlayer`'s cleanup: until both
    /// containers are empty, `_UnapplyAura(iter)` for every application (4488-4489), then
    /// `RemoveOwnedAura(iter)` for every owned aura (4492-4493); it gives up after 50 passes.
    pub fn remove_all(&self, cx: Cx) -> Step {
        for _ in 0..=50 {
            let applied = self.applied.read(cx);
            let owned = self.owned.read(cx);
            if applied == 0 && owned == 0 {
                break;
            }
            for a in bits(applied) {
                self.unapply(cx, a, RemoveMode::Default)?;
            }
            for i in bits(self.owned.read(cx)) {
                self.remove_owned_aura(cx, i, RemoveMode::Default)?;
            }
        }
        Ok(())
    }

    /// The final values the invariants look at: (`HasAura(49416)`, the sum of both spells'
    /// modifiers, every application's `_effectMask` by index). Each spell's modifier counts its
    /// applied effects, so the sum counts every applied effect, as the ghost does.
    pub fn snapshot(&self) -> (bool, u32, Vec<u32>) {
        let used = (self.next_app.load(Relaxed) as usize).min(self.apps.len());
        (
            self.apps_of(self.applied.final_value(), AuraSpell::Invisibility) != 0,
            self.modifiers.iter().map(|m| m.final_value()).fold(0u32, u32::wrapping_add),
            self.apps[..used].iter().map(|a| a.effect_mask.final_value()).collect(),
        )
    }
}

// The Debug impls stay at the end: reports cite the field accesses above by file and line.

/// Shows which fields it stands for (their locations), not their values: a read would be an
/// engine access.
impl<B: Backend> std::fmt::Debug for AuraApplication<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuraApplication")
            .field("effect_mask", &self.effect_mask)
            .field("effects_to_apply", &self.effects_to_apply)
            .field("remove_mode", &self.remove_mode)
            .finish()
    }
}

/// Shows which fields it stands for, not their values.
impl<B: Backend> std::fmt::Debug for Aura<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aura")
            .field("removed", &self.removed)
            .field("target_app", &self.target_app)
            .field("update_interval", &self.update_interval)
            .field("stack_amount", &self.stack_amount)
            .field("static_apps", &self.static_apps)
            .finish()
    }
}

/// Shows the player, its containers' and objects' fields (locations, not values), each
/// application's aura and the allocation counters (plain atomics outside the engines).
impl<B: Backend> std::fmt::Debug for UnitAuras<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UnitAuras")
            .field("player", &self.player)
            .field("owned", &self.owned)
            .field("applied", &self.applied)
            .field("modifiers", &self.modifiers)
            .field("auras", &self.auras)
            .field("apps", &self.apps)
            .field("base", &self.base)
            .field("spell", &self.spell)
            .field("caster", &self.caster)
            .field("effect_locks", &self.effect_locks)
            .field("next_aura", &self.next_aura)
            .field("next_app", &self.next_app)
            .finish()
    }
}
