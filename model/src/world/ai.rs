//! The bot AI (`BotAI::UpdateAI`) wherever the cell places it ([`AiPlacement`]), what it does
//! ([`AiAction`]), the action queue the later module runs on the world thread, and the casts and
//! attacks those actions are made of.
//!
//! Module line numbers are `src/modules/Playerbot/` files (see `FIDELITY.md` for the versions);
//! TrinityCore's are master, `src/server/game/`.

use super::World;
use crate::ai::AiAction;
use crate::aura::{bits, AuraSpell, SPELL_PARTY_BUFF};
use crate::combat::Combat;
use crate::crash::Step;
use crate::creature::CREATURE_BASE;
use crate::outcome::{Cx, Event};
use crate::player::{SPELLBOOK, SPELL_49416};
use crate::policy::AiPlacement;
use crate::sync::Backend;

impl<B: Backend> World<B> {
    /// True when the AI's aura reads go to the `AuraStateCache` instead of the live containers:
    /// the cache candidate, and the action queue's design, which reads its snapshots.
    pub(super) fn ai_reads_cache(&self) -> bool {
        self.policy.aura_cache() || self.ai == AiPlacement::ActionQueue
    }

    /// `BotAI::UpdateAI` of `bot` for tick `tick` (BotAI.cpp:214-531), on `cx`'s thread (the bot
    /// worker, or the player's map thread): its live reads of the player (251 `IsInWorld`, 315
    /// `GetVictim`, 321 `GetGroup`: one read of the player's state; 690 `IsInCombat`, a read of
    /// its combat state), the rotation's `HasAura` (or the cache), then the tick's actions: done
    /// at once where the AI runs, or queued for the world thread ([`AiPlacement::queues`]: every
    /// action with the action queue, the group operations with mod-playerbots' queue).
    pub(super) fn ai_update(&self, cx: Cx, bot: u8, tick: u32) -> Step {
        let player = &self.players[bot as usize];
        cx.event(Event::BotAi(bot));
        player.read_state(cx)?;
        let _ = player.combat.combat_refs(cx);
        if self.ai_reads_cache() {
            let cached = self.aura_cache.lock_shared(cx)[bot as usize];
            cx.event(Event::CachedAura { player: bot, spell: SPELL_49416, present: cached[0] });
        } else {
            player.has_aura(cx, SPELL_49416)?;
        }
        for &action in self.scenario.ai_actions(bot as usize, tick) {
            if self.ai.queues(action) {
                self.queue_action(cx, bot, action);
            } else {
                cx.event(Event::AiActs { bot, action });
                self.act(cx, bot, action)?;
            }
        }
        Ok(())
    }

    /// The AI's side of a queue: with the action queue, the decision from the snapshots, then
    /// `sBotActionMgr->QueueAction` (BotActionManager.h:71-80, a push under the
    /// `ProducerConsumerQueue`'s mutex); the buff's `HasAura` reads the `AuraStateCache`, the
    /// attack's target comes from the spatial grid's snapshot (a double buffer the world thread
    /// swaps; not a live map structure, not modelled). With mod-playerbots' queue, the group
    /// operation is pushed as it is (`PlayerbotWorldThreadProcessor::QueueOperation`, under its
    /// `m_queueMutex`).
    fn queue_action(&self, cx: Cx, bot: u8, action: AiAction) {
        if self.ai == AiPlacement::ActionQueue && action == AiAction::KeepBuff {
            let cached = self.aura_cache.lock_shared(cx)[bot as usize];
            cx.event(Event::CachedAura { player: bot, spell: SPELL_PARTY_BUFF, present: cached[1] });
            if cached[1] || !SPELLBOOK.contains(&SPELL_PARTY_BUFF) {
                return;
            }
        }
        cx.event(Event::ActionQueued { bot, action });
        self.actions.lock(cx).push_back((bot, action));
    }

    /// The world thread's drain of the queue: `BotActionManager::ProcessActions`
    /// (BotActionManager.h:107-112; the module's core patch calls it in `World::Update` after
    /// the module updates and before the next map update), or mod-playerbots'
    /// `PlayerbotWorldThreadProcessor::Update` (`WorldScript::OnUpdate`): every queued action, in
    /// order, executed there (the buff's cast without a new check: the worker decided it).
    pub(super) fn process_actions(&self, cx: Cx) -> Step {
        let queued: Vec<(u8, AiAction)> = self.actions.lock(cx).drain(..).collect();
        for (bot, action) in queued {
            cx.event(Event::ActionRun { bot, action });
            let player = &self.players[bot as usize];
            if cx.ghost.freed(player.id) || !player.in_world(cx)? {
                continue;
            }
            match action {
                AiAction::KeepBuff => self.cast_spell(cx, bot, AuraSpell::PartyBuff)?,
                AiAction::Attack { .. } | AiAction::LeaveGroup => self.act(cx, bot, action)?,
            }
        }
        Ok(())
    }

    /// One action, done on `cx`'s thread.
    fn act(&self, cx: Cx, bot: u8, action: AiAction) -> Step {
        let player = &self.players[bot as usize];
        match action {
            // The warrior helper's upkeep: `if (bot->HasSpell(X) && !bot->HasAura(X))
            // bot->CastSpell(bot, X)`. `HasSpell` reads the spellbook (`m_spells`,
            // Player.cpp:3787-3792), which nothing in a run writes: not a modelled field.
            AiAction::KeepBuff => {
                if SPELLBOOK.contains(&SPELL_PARTY_BUFF) && !player.has_aura(cx, SPELL_PARTY_BUFF)? {
                    self.cast_spell(cx, bot, AuraSpell::PartyBuff)?;
                }
                Ok(())
            }
            AiAction::Attack { creature } => self.attack(cx, bot, creature),
            AiAction::LeaveGroup => self.group.leave(cx, &self.players, bot),
        }
    }

    /// The rotation's attack ([`AiAction::Attack`]): `ObjectAccessor::GetCreature(*bot, guid)`
    /// (ObjectAccessor.cpp:220-223) → `Map::GetCreature` (Map.cpp:3600-3603) → a find in the bot's
    /// map's `_objectsStore`; then `IsInCombatWith` (a lookup in the bot's `_pveRefs`),
    /// `bot->SetInCombatWith(target)` and `target->SetInCombatWith(bot)` when not, and
    /// `bot->Attack(target, true)` when `GetVictim()` is not the target.
    fn attack(&self, cx: Cx, bot: u8, creature: u8) -> Step {
        let player = &self.players[bot as usize];
        player.touch(cx)?;
        let unit = CREATURE_BASE + creature;
        let Some(target) = self.creatures.get(creature as usize) else { return Ok(()) };
        let found = target.map == player.map && self.objects[player.map as usize].read(cx) & 1 << creature != 0;
        cx.event(Event::TargetLookup { bot, creature: unit, found });
        if !found {
            return Ok(());
        }
        if !player.combat.in_combat_with(cx, unit) {
            player.combat.set_in_combat_with(cx, &target.combat);
            target.combat.set_in_combat_with(cx, &player.combat);
        }
        let victim = player.combat.victim(cx);
        if victim != Some(unit) {
            player.combat.attack(cx, &target.combat, victim.and_then(|v| self.combat_of(v)));
        }
        Ok(())
    }

    /// The combat state of unit `unit` (a player's or a creature's).
    fn combat_of(&self, unit: u8) -> Option<&Combat<B>> {
        match unit.checked_sub(CREATURE_BASE) {
            Some(c) => self.creatures.get(c as usize).map(|c| &c.combat),
            None => self.players.get(unit as usize).map(|p| &p.combat),
        }
    }

    /// `Unit::CastSpell(caster, spell)` of an aura spell, on `cx`'s thread: `Spell::prepare`
    /// (the caster's `m_Events`, [`crate::player::Player::prepare`]), then the cast's hits, at
    /// once for a spell with no travel time (`Spell::cast` → `handle_immediate`): each target's
    /// `DoSpellEffectHit` → `TryRefreshStackOrCreate` with the target as the aura's owner
    /// ([`crate::aura::UnitAuras::spell_hit`]). The party buff's targets are the caster's area
    /// raid ([`World::party_targets`]).
    pub(super) fn cast_spell(&self, cx: Cx, caster: u8, spell: AuraSpell) -> Step {
        let player = &self.players[caster as usize];
        player.touch(cx)?;
        player.prepare(cx);
        let targets = match spell {
            AuraSpell::PartyBuff => self.party_targets(cx, caster)?,
            AuraSpell::Invisibility => 1 << caster,
        };
        for t in bits(targets) {
            let target = &self.players[t as usize];
            target.touch(cx)?;
            target.auras.spell_hit(cx, spell, caster)?;
        }
        Ok(())
    }

    /// `TARGET_UNIT_CASTER_AREA_RAID`'s targets (`Spell::SelectImplicitAreaTargets` with
    /// `WorldObjectSpellAreaTargetCheck`): the caster, and each other player on its map that is
    /// in the world and `IsInRaidWith` the caster (both players' `GetGroup()`: one read of each
    /// `m_group`). The grid search's range and line-of-sight checks pass.
    fn party_targets(&self, cx: Cx, caster: u8) -> Step<u32> {
        let me = &self.players[caster as usize];
        let mut targets = 1u32 << caster;
        if !me.get_group(cx)? {
            return Ok(targets);
        }
        for (i, other) in self.players.iter().enumerate() {
            if i as u8 == caster || other.map != me.map || cx.ghost.freed(other.id) {
                continue;
            }
            if other.in_world(cx)? && other.get_group(cx)? {
                targets |= 1 << i;
            }
        }
        Ok(targets)
    }
}
