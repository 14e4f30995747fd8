//! Disconnection and logout: `_asyncDisconnections`, the manager's phase 3, and
//! `WorldSession::LogoutPlayer`.

use super::World;
use crate::crash::Step;
use crate::outcome::{Cx, Event, Refusal};
use crate::sync::Backend;

impl<B: Backend> World<B> {
    /// Pushes `bot` onto `_asyncDisconnections`, on `cx`: the world thread (a kick) or the bot's
    /// worker (its update returned `false`).
    pub(super) fn disconnect(&self, cx: Cx, bot: u8, why: Refusal) {
        cx.event(Event::UpdateRefused { bot, why });
        self.refusals.lock().unwrap_or_else(|p| p.into_inner())[bot as usize].get_or_insert(why);
        self.disconnections.lock(cx).push_back(bot);
        cx.event(Event::DisconnectQueued(bot));
    }

    /// The disconnections queued so far (BotWorldSessionMgr.cpp:720-724), then phase 3 (the
    /// fire-and-forget variant that logs the player out): under `_sessionsMutex`,
    /// `LogoutPlayer(true)` when the player is in the world, then the session is erased with its
    /// queues. On the world thread, `cx`.
    pub(super) fn process_disconnections(&self, cx: Cx) -> Step {
        loop {
            let Some(bot) = self.disconnections.lock(cx).pop_front() else { break };
            cx.event(Event::DisconnectPopped(bot));
            let mut managed = self.managed.lock(cx);
            if !managed[bot as usize] {
                continue;
            }
            let in_world = {
                let _player_lock = self.hold_player(cx, bot);
                self.sessions[bot as usize].has_player(cx) && self.players[bot as usize].in_world(cx)?
            };
            if in_world {
                self.logout_player(cx, bot)?;
            }
            managed[bot as usize] = false;
            cx.event(Event::SessionErased(bot));
        }
        Ok(())
    }

    /// `WorldSession::LogoutPlayer(true)` (WorldSession.cpp:599-753) on the world thread: the
    /// player's cleanup ([`Player::logout_cleanup`]: out of the world, every aura removed), then
    /// its deletion with its removal from the map (727-728), then `SetPlayer(nullptr)` (730).
    /// The deletion runs `~Player`, whose `m_group` member unlinks itself from its group's
    /// `m_memberMgr` (`~GroupReference() { unlink(); }`, Groups/GroupReference.h:37): a deleted
    /// member keeps its slot in `m_memberSlots` (`UninviteFromGroup`, 698, only drops
    /// invitations), but the group's walks over its linked members no longer reach it.
    ///
    /// [`Player::logout_cleanup`]: crate::player::Player::logout_cleanup
    pub(super) fn logout_player(&self, cx: Cx, bot: u8) -> Step {
        let _player_lock = self.hold_player(cx, bot);
        cx.event(Event::Logout(bot));
        self.on_map[bot as usize].write(cx, 0);
        let player = &self.players[bot as usize];
        player.logout_cleanup(cx)?;
        if player.get_group(cx)? {
            self.group.member_deleted(cx, bot)?;
        }
        player.delete(cx);
        self.sessions[bot as usize].clear_player(cx);
        Ok(())
    }
}
