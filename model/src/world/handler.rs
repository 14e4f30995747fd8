//! `opHandle->Call` behind the caller's status checks: what each handler kind does.

use super::{Caller, World};
use crate::crash::Step;
use crate::opcodes::{HandlerKind, Opcode, Packet, Status};
use crate::outcome::{Cx, Reject, Run};
use crate::sync::Backend;

impl<B: Backend> World<B> {
    /// `opHandle->Call(session, packet)` behind the caller's status checks: STATUS_LOGGEDIN runs
    /// only for a player in the world (every caller); STATUS_LOGGEDIN_OR_RECENTLY_LOGGOUT does
    /// nothing without a player (its handlers check); STATUS_TRANSFER only for a player not in it
    /// (the bot worker, BotSession.cpp:758-764, and `WorldSession::Update`, WorldSession.cpp:
    /// 448-452), but unconditionally from `ProcessDeferredPackets` (BotSession.cpp:1245-1251);
    /// then what the handler kind does. `cx` is the thread `caller` runs it on.
    pub fn run_handler(&self, cx: Cx, bot: u8, packet: Packet, caller: Caller) -> Step {
        let lane = cx.lane;
        let opcode: Opcode = packet.opcode;
        let kind = opcode.kind();
        if kind == HandlerKind::Unhandled {
            cx.ghost.rejected(lane, bot, packet.id, Reject::Unhandled);
            return Ok(());
        }
        let session = &self.sessions[bot as usize];
        let player = &self.players[bot as usize];
        let reject = match opcode.info().status {
            Status::LoggedIn => (!session.has_player(cx) || !player.in_world(cx)?).then_some(Reject::NotInWorld),
            // Run with or without a player; without one, the handler itself finds none and does
            // nothing ("not expected _player or must checked in packet handler",
            // WorldSession.cpp:428-445; BotSession.cpp:747-751).
            Status::LoggedInOrRecentlyLoggedOut => (!session.has_player(cx)).then_some(Reject::NotInWorld),
            Status::Transfer if caller != Caller::Deferred => {
                if !session.has_player(cx) {
                    Some(Reject::NotInWorld)
                } else {
                    player.in_world(cx)?.then_some(Reject::InWorld)
                }
            }
            _ => None,
        };
        if let Some(reason) = reject {
            cx.ghost.rejected(lane, bot, packet.id, reason);
            return Ok(());
        }
        cx.ghost.ran(Run { bot, id: packet.id, opcode, kind, lane, player_map: player.map });
        if opcode.info().status == Status::Authed && !session.has_player(cx) {
            // An account-level handler (character list, realm ticket) with no player: it touches
            // the session only.
            return Ok(());
        }
        let p = packet.payload;
        match kind {
            HandlerKind::Unhandled | HandlerKind::SessionLocal | HandlerKind::StaticQuery => Ok(()),
            HandlerKind::SharedRead => player.read_state(cx).map(|v| {
                std::hint::black_box(v);
            }),
            HandlerKind::MoveStop => {
                player.set_position(cx, p.area)?;
                player.update_zone_and_area(cx)
            }
            HandlerKind::Move => player.set_position(cx, p.area),
            HandlerKind::Cast => {
                if !player.cast_request(cx, p.spell)? {
                    return Ok(());
                }
                match crate::aura::AuraSpell::of(p.spell) {
                    Some(spell) => self.cast_spell(cx, bot, spell)?,
                    None => player.prepare(cx),
                }
                player.write_state(cx)
            }
            HandlerKind::AuraRemove => player.cancel_aura(cx, p.spell),
            HandlerKind::QuestUpdate => player.update_quest(cx, opcode, p.quest),
            HandlerKind::PlayerWrite => player.write_state(cx),
            // The leave is modelled as the server runs it (`crate::group`); every other
            // world-global handler stays one read and write of the shared state.
            HandlerKind::WorldGlobal if opcode == Opcode::CMSG_LEAVE_GROUP => self.group.leave(cx, &self.players, bot),
            HandlerKind::WorldGlobal => {
                let v = self.global.read(cx);
                self.global.write(cx, v.wrapping_add(1));
                Ok(())
            }
        }
    }
}
