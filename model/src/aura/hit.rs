//! A spell's hit on a unit (`Spell.cpp`, `SpellEffects.cpp`): `TryRefreshStackOrCreate`,
//! the refresh of an aura it found (`ModStackAmount`), `EffectApplyAura` and
//! `DoDamageAndTriggers`.

use super::{bits, AuraSpell, UnitAuras};
use crate::crash::Step;
use crate::outcome::{Cx, Event};
use crate::sync::Backend;

impl<B: Backend> UnitAuras<B> {
    /// A cast of `spell` by `caster` reaching its hit on this unit (Spell.cpp), in the source's
    /// order, on the caster's thread (the aura is owned by the target, whoever casts it):
    /// 1. `Spell::DoSpellEffectHit` (Spell.cpp:3229-3296): `Aura::TryRefreshStackOrCreate`
    ///    ([`UnitAuras::try_refresh_or_create`], 3245), and for an aura it found (a refresh),
    ///    `AddStaticApplication` of the target (3291-3292).
    /// 2. `Spell::EffectApplyAura` (SpellEffects.cpp:1132-1146): nothing for a removed aura
    ///    (1137), else the aura's application of the target, created by
    ///    `UnitAuras::create_application` when it has none (1143).
    /// 3. `Spell::TargetInfo::DoDamageAndTriggers` (Spell.cpp:3020-3031): the effects to apply
    ///    less those `HasEffect` says are applied; `Unit::_ApplyAura` for what is left.
    pub fn spell_hit(&self, cx: Cx, spell: AuraSpell, caster: u8) -> Step {
        let p = self.player;
        let Some((aura, refresh)) = self.try_refresh_or_create(cx, spell, caster)? else { return Ok(()) };
        let au = &self.auras[aura as usize];
        if refresh {
            self.add_static_application(cx, aura);
        }
        if au.removed.read(cx) != 0 {
            return Ok(());
        }
        let target_app = au.target_app.read(cx);
        let app = match target_app {
            0 => match self.create_application(cx, aura)? {
                Some(a) => a,
                None => return Ok(()),
            },
            a => a - 1,
        } as u8;
        let a = &self.apps[app as usize];
        let mut eff = a.effects_to_apply.read(cx) & 1;
        if eff != 0 {
            let mask = a.effect_mask.read_as(cx, |mask| Event::HitCheck { player: p, app, mask });
            if mask & 1 != 0 {
                eff = 0;
            }
        }
        if eff != 0 {
            self.apply_aura(cx, app)?;
        }
        Ok(())
    }

    /// `Aura::TryRefreshStackOrCreate(createInfo, false)` (SpellAuras.cpp:353-391): look the aura
    /// of `spell` from `caster` up in `m_ownedAuras` (`_TryStackingOrRefreshingExistingAura`,
    /// Unit.cpp:3501); found, it is
    /// refreshed (`ModStackAmount`, Unit.cpp:3541: `UnitAuras::mod_stack_amount`) and given
    /// back unless that removed it (SpellAuras.cpp:374-375); not found, `UnitAuras::create_aura`
    /// (390). Returns the aura and whether it was found, or `None` when the spell has no aura
    /// to apply.
    pub fn try_refresh_or_create(&self, cx: Cx, spell: AuraSpell, caster: u8) -> Step<Option<(u8, bool)>> {
        let p = self.player;
        let owned = self.owned.read(cx);
        let found = bits(self.auras_of(owned, spell))
            .find(|&i| self.caster[i as usize].load(std::sync::atomic::Ordering::Relaxed) == caster);
        cx.event(Event::AuraLookup { player: p, found });
        match found {
            Some(i) => {
                self.mod_stack_amount(cx, i)?;
                if self.auras[i as usize].removed.read(cx) != 0 {
                    return Ok(None);
                }
                Ok(Some((i, true)))
            }
            None => Ok(self.create_aura(cx, spell, caster)?.map(|i| (i, false))),
        }
    }

    /// `UnitAura::AddStaticApplication(owner, effMask)` (SpellAuras.cpp:2658-2671):
    /// `_staticApplications[guid] |= effMask` (2670), a read and a write; 49416's one effect is
    /// `SPELL_EFFECT_APPLY_AURA`, so the mask stays 1 (2661-2665).
    pub(super) fn add_static_application(&self, cx: Cx, aura: u8) {
        let cell = &self.auras[aura as usize].static_apps;
        let v = cell.read(cx);
        cell.write(cx, v | 1);
    }

    /// `Aura::ModStackAmount(1, AURA_REMOVE_BY_DEFAULT, ..)` (SpellAuras.cpp:1096-1132) of an
    /// aura the lookup found, in the source's order:
    /// 1. `m_stackAmount + num` (1098; the read at 1117 is folded into it: no modelled access
    ///    between). 49416 does not stack (`StackAmount` 0, assumed), so the new amount is 1
    ///    (1102-1106): no removal (1111-1115).
    /// 2. `SetStackAmount` (1059-1079): `m_stackAmount` stored (1061); `GetApplicationVector`
    ///    (1065, 1345-1354): the target's application when its `_effectMask` is not 0; its
    ///    `GetRemoveMode` (1068) before `HandleAuraSpecificMods(.., false, true)` (left out);
    ///    `AuraEffect::ChangeAmount(amount, false, true)` of the effect (1071-1072,
    ///    `UnitAuras::change_amount_reapply`); `GetRemoveMode` again (1075), folded into
    ///    `change_amount_reapply`'s last read (no modelled access between).
    /// 3. `RefreshTimers` and `SetCharges` (1122-1128) touch durations and charges only; the
    ///    client-update flags (`SetNeedClientUpdateForTargets`, 1078, 1130) are left out.
    fn mod_stack_amount(&self, cx: Cx, aura: u8) -> Step {
        let au = &self.auras[aura as usize];
        let _ = au.stack_amount.read(cx);
        au.stack_amount.write_as(cx, 1, Event::StackRefresh { player: self.player, aura });
        if let Some(app) = self.application_with_effect(cx, aura) {
            let _ = self.apps[app as usize].remove_mode.read(cx);
        }
        self.change_amount_reapply(cx, aura);
        Ok(())
    }

    /// `AuraEffect::ChangeAmount(newAmount, false, true)` (SpellAuraEffects.cpp:1094-1135) for
    /// 49416's effect, whose amount does not change: the handle mask is
    /// `AURA_EFFECT_HANDLE_REAPPLY` alone (1097-1101). `GetApplicationList` (1107; 770-778):
    /// the target's application when `HasEffect`. For it: `_RegisterAuraEffect(this, false)` and
    /// `HandleEffect(aurApp, REAPPLY, false)` (1111-1112), then unless it has a remove mode
    /// (1126) `_RegisterAuraEffect(this, true)` and `HandleEffect(aurApp, REAPPLY, true)`
    /// (1129-1130). `AuraEffect::HandleEffect` (1137-1181) is not `AuraApplication::_HandleEffect`:
    /// it asserts only on the mode (1140-1146), registers only for `HANDLE_REAL` (1150), and
    /// `HandleModInvisibilityDetect` returns for a mode outside `CHANGE_AMOUNT_MASK` (1652-1653):
    /// neither `_effectMask` nor the modifier is touched. What is left are reads of the
    /// application's remove mode (1126, 1165, 1173: one read, no modelled access between);
    /// `m_modAuras` is not modelled (FIDELITY row 1).
    fn change_amount_reapply(&self, cx: Cx, aura: u8) {
        let p = self.player;
        if let Some(app) = self.application_with_effect(cx, aura) {
            let _ = self.apps[app as usize].remove_mode.read_as(cx, |mode| Event::Reapply { player: p, app, mode });
        }
    }

    /// The aura's application of the target when its effect is applied: a read of
    /// `m_applications` and, for an application, of its `_effectMask`
    /// (`Aura::GetApplicationVector`, SpellAuras.cpp:1347-1349; `AuraEffect::GetApplicationList`,
    /// SpellAuraEffects.cpp:772-775).
    fn application_with_effect(&self, cx: Cx, aura: u8) -> Option<u8> {
        match self.auras[aura as usize].target_app.read(cx) {
            0 => None,
            a => {
                let app = (a - 1) as u8;
                (self.apps[app as usize].effect_mask.read(cx) & 1 != 0).then_some(app)
            }
        }
    }
}
