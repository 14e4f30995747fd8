//! What the map thread does to the auras a player owns on every map update:
//! `Unit::_UpdateSpells`' aura loop, `Aura::UpdateOwner` and `Aura::UpdateTargetMap`
//! (`src/server/game/Spells/Auras/SpellAuras.cpp`). An aura another thread created is applied
//! here by itself, racing that thread's own `EffectApplyAura` and `DoDamageAndTriggers`.

use super::{bits, RemoveMode, UnitAuras};
use crate::crash::Step;
use crate::outcome::{Cx, Event};
use crate::sync::Backend;

/// `UPDATE_TARGET_MAP_INTERVAL` (SpellAuraDefines.h:58), in milliseconds.
pub const UPDATE_TARGET_MAP_INTERVAL: u32 = 500;

impl<B: Backend> UnitAuras<B> {
    /// The aura loop of `Unit::_UpdateSpells(diff)` (Unit.cpp:2990-2996): `Aura::UpdateOwner`
    /// for each aura in `m_ownedAuras` (one read of the container).
    pub fn update_owned_auras(&self, cx: Cx, diff: u32) -> Step {
        let owned = self.owned.read(cx);
        for aura in bits(owned) {
            self.update_owner(cx, aura, diff)?;
        }
        Ok(())
    }

    /// `Aura::UpdateOwner(diff, owner)` (SpellAuras.cpp:820-856): `UpdateTargetMap` when
    /// `m_updateTargetMapInterval <= diff` (842-843), else the interval less `diff` (844-845).
    /// `Aura::Update` (840: duration, periodic costs), the effects' `Update` (848-849) and
    /// `_DeleteRemovedApplications` (855) touch no modelled field.
    fn update_owner(&self, cx: Cx, aura: u8, diff: u32) -> Step {
        let interval = &self.auras[aura as usize].update_interval;
        let left = interval.read(cx);
        if left <= diff {
            self.update_target_map(cx, aura)
        } else {
            interval.write(cx, left - diff);
            Ok(())
        }
    }

    /// `Aura::UpdateTargetMap(caster, true)` (SpellAuras.cpp:661-796) for 49416, whose only
    /// target is its owner, in the source's order:
    /// 1. nothing for a removed aura (663-664); `m_updateTargetMapInterval =
    ///    UPDATE_TARGET_MAP_INTERVAL` (666);
    /// 2. `UnitAura::FillTargetMap` (672; 2548-2568): the owner with the mask of its
    ///    `_staticApplications` entry, when a spell has put it there (2560-2568); the rest of
    ///    `FillTargetMap` adds area-aura targets only (2577-2584: 49416's effect is
    ///    `SPELL_EFFECT_APPLY_AURA`);
    /// 3. the applications (677-706): one whose target is not in the map is to be removed
    ///    (681-682); one whose `_effectMask` equals the target's mask needs nothing (699-704);
    ///    the immunity and `CanBeAppliedOn` checks (687-696) pass for the owner;
    /// 4. registering (709-776): `GetApplicationOfTarget` (712); for a target without one the
    ///    immunity, `CanBeAppliedOn`, `IsHighestExclusiveAura` and stacking checks (713-749)
    ///    pass for the owner (it is the owner: no stacking walk, 735; no `ABORT`, 756);
    ///    `UpdateApplyEffectMask(mask, true)` for an existing application (765-768), else
    ///    `_CreateAuraApplication` (772, `UnitAuras::create_application`);
    /// 5. `_UnapplyAura(aurApp, AURA_REMOVE_BY_DEFAULT)` of the targets to remove, when they
    ///    still have an application (779-781);
    /// 6. for a target left in the map that has an application (789), `_ApplyAura` (793,
    ///    `UnitAuras::apply_aura`; the assert at 792 holds: the target is the owner).
    fn update_target_map(&self, cx: Cx, aura: u8) -> Step {
        let au = &self.auras[aura as usize];
        cx.event(Event::UpdateTargetMap { player: self.player, aura });
        if au.removed.read(cx) != 0 {
            return Ok(());
        }
        au.update_interval.write(cx, UPDATE_TARGET_MAP_INTERVAL);
        let mut target = match au.static_apps.read(cx) & 1 {
            0 => None,
            mask => Some(mask),
        };
        let mut remove_target = false;
        if let Some(app) = app_index(au.target_app.read(cx)) {
            match target {
                None => remove_target = true,
                Some(mask) => {
                    if self.apps[app as usize].effect_mask.read(cx) == mask {
                        target = None;
                    }
                }
            }
        }
        if target.is_some() {
            if let Some(app) = app_index(au.target_app.read(cx)) {
                self.update_apply_effect_mask(cx, app);
                target = None;
            } else {
                self.create_application(cx, aura)?;
            }
        }
        if remove_target {
            if let Some(app) = app_index(au.target_app.read(cx)) {
                self.unapply_pointer(cx, aura, app, RemoveMode::Default)?;
            }
        }
        if target.is_some() {
            if let Some(app) = app_index(au.target_app.read(cx)) {
                self.apply_aura(cx, app)?;
            }
        }
        Ok(())
    }

    /// `AuraApplication::UpdateApplyEffectMask(newEffMask, true)` (SpellAuras.cpp:188-214): it
    /// returns when `_effectsToApply` is the new mask (190-191), which it always is for 49416's
    /// one effect (every application is created with `_effectsToApply` = 1 before it is in
    /// `m_applications`); the unapply (197-201) and the effect handling (204-213) for a mask that
    /// differs are never reached.
    fn update_apply_effect_mask(&self, cx: Cx, app: u8) {
        let _ = self.apps[app as usize].effects_to_apply.read(cx);
    }
}

/// The application index an `m_applications` value stands for (0 is none).
fn app_index(value: u32) -> Option<u8> {
    value.checked_sub(1).map(|a| a as u8)
}
