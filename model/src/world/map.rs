//! `Map::Update` of one map, on its map worker.

use super::World;
use crate::combat::Combat;
use crate::crash::Step;
use crate::outcome::{Event, Lane};
use crate::session::Filter;
use crate::sync::Backend;

impl<B: Backend> World<B> {
    /// `Map::Update` of `map` (on its map worker, Map.cpp:676-760): the sessions of its in-world
    /// players with the map filter (`map-routing`, 683-693), then for each player in the world
    /// (716-721): `Player::Update` (724; [`crate::player::Player::update`]: `m_Events.Update`,
    /// the heartbeat's `UpdateZoneAndAreaId` when due, then `_UpdateSpells`' `UpdateTargetMap`),
    /// at whose end a map-thread AI runs (`OnPlayerAfterUpdate`, [`World::ai_update`]); the
    /// visit of the cells near it (726), which updates each creature there once
    /// (`Creature::Update`); the creatures it is in combat with (731-741: `IsInCombat`, then
    /// `GetPvECombatRefs()`, one read of its combat state); and the casters of the auras applied
    /// on it (743-752: a walk of `GetAppliedAuras()`, one read of `m_appliedAuras`).
    pub(super) fn update_map(&self, map: u8, tick: u32, heartbeat: bool) -> Step {
        let cx = self.cx(Lane::Map { map, tick });
        cx.event(Event::MapUpdate(map));
        // `ProcessRespawns` (Map.cpp:696-698): a creature due back is added to the map
        // (`AddToMap` → `Creature::AddToWorld`, Creature.cpp:362: the insert into
        // `_objectsStore`).
        for &(t, c) in &self.scenario.respawns {
            if t == tick && self.creatures.get(c as usize).is_some_and(|cr| cr.map == map) {
                let store = &self.objects[map as usize];
                let v = store.read(cx);
                store.write(cx, v | 1 << c);
            }
        }
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || self.on_map[i].read(cx) == 0 {
                continue;
            }
            if self.policy.routes_by_map() && player.in_world(cx)? {
                self.process_session(cx, &self.sessions[i], Filter::Map)?;
            }
        }
        let mut creatures_updated = false;
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || self.on_map[i].read(cx) == 0 {
                continue;
            }
            let _player_lock = self.hold_player(cx, player.id);
            if !player.in_world(cx)? {
                continue;
            }
            player.update(cx, heartbeat)?;
            let bot = player.id;
            if self.ai.on_map_thread() && !self.scenario.humans.contains(&bot) && player.in_world(cx)? {
                self.ai_update(cx, bot, tick)?;
                if !self.policy.routes_by_map() {
                    self.send_next_packets(cx, bot, tick);
                }
            }
            if !creatures_updated {
                creatures_updated = true;
                let units: Vec<&Combat<B>> = self.players.iter().map(|p| &p.combat).collect();
                let spawned = |c: usize| self.scenario.respawns.iter().all(|&(t, rc)| rc as usize != c || t <= tick);
                for (_, creature) in self.creatures.iter().enumerate().filter(|(c, cr)| cr.map == map && spawned(*c)) {
                    creature.update(cx, &units)?;
                }
            }
            let _ = player.combat.combat_refs(cx);
            player.auras.read_applied(cx);
        }
        Ok(())
    }
}
