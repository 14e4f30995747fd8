//! `Map::Update` of one map, on its map worker.

use super::World;
use crate::crash::Step;
use crate::outcome::{Event, Lane};
use crate::session::Filter;
use crate::sync::Backend;

impl<B: Backend> World<B> {
    /// `Map::Update` of `map` (on its map worker, Map.cpp:676-724): the sessions of its in-world
    /// players with the map filter (`map-routing`, 683-693), then each player's `Player::Update`
    /// (724; it returns for a player not in world, Player.cpp:955-956), on every map update,
    /// heartbeat or not ([`crate::player::Player::update`]: `m_Events.Update`, the heartbeat's
    /// `UpdateZoneAndAreaId` when due, then `_UpdateSpells`' `UpdateTargetMap`).
    pub(super) fn update_map(&self, map: u8, tick: u32, heartbeat: bool) -> Step {
        let cx = self.cx(Lane::Map { map, tick });
        cx.event(Event::MapUpdate(map));
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || self.on_map[i].read(cx) == 0 {
                continue;
            }
            if self.policy.routes_by_map() && player.in_world(cx)? {
                self.process_session(cx, &self.sessions[i], Filter::Map)?;
            }
        }
        for (i, player) in self.players.iter().enumerate() {
            if player.map != map || self.on_map[i].read(cx) == 0 {
                continue;
            }
            let _player_lock = self.hold_player(cx, player.id);
            if !player.in_world(cx)? {
                continue;
            }
            player.update(cx, heartbeat)?;
        }
        Ok(())
    }
}
