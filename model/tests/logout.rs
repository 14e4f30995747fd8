//! Packets that arrive or wait across a logout, and what a run leaves queued, on the std backend
//! with the barrier dispatch (one schedule: every bot update is joined before the tick goes on).
//!
//! `cargo test -p model --release --test logout`

use model::opcodes::{Opcode, Payload};
use model::outcome::{Cx, Lane, Refusal, Reject};
use model::player::{PlayerStart, AREA_4755};
use model::quest::QuestStatus;
use model::session::BotSession;
use model::sync::Std;
use model::world::{run, undrained_queues};
use model::{AiPlacement, Dispatch, Invariant, Policy, Scenario};
use std::sync::Arc;

fn scenario() -> Arc<Scenario> {
    let cast = (Opcode::CMSG_CAST_SPELL, Payload { spell: 21562, ..Payload::default() });
    let chat = (Opcode::CMSG_CHAT_MESSAGE_SAY, Payload::default());
    let query = (Opcode::CMSG_QUERY_CREATURE, Payload::default());
    Arc::new(Scenario {
        name: "logout".into(),
        maps: 1,
        players: vec![PlayerStart {
            map: 0,
            area: AREA_4755,
            area_update_id: AREA_4755,
            quest_14078: QuestStatus::None,
            quest_14099: QuestStatus::None,
            in_group: false,
        }],
        // Tick 1: a cast and a chat line, run (or deferred and run) in tick 1.
        // Tick 2: sent by the bot AI at the end of tick 1's update (under map routing, arriving
        // from the network at the start of tick 2), still queued when the bot logs out in tick 2.
        traffic: vec![vec![vec![cast, chat], vec![cast, query]]],
        ticks: 2,
        map_update_ticks: vec![1, 2],
        heartbeat_ticks: vec![],
        logouts: vec![(2, 0)],
        humans: vec![],
        creatures: vec![],
        respawns: vec![],
        ai: vec![],
    })
}

/// TrinityCore's own session (map routing) keeps the session after `LogoutPlayer`: a packet still
/// queued is taken after the logout and dropped once, with the reason "player not in world".
#[test]
fn a_trinitycore_session_drops_packets_queued_across_a_logout_with_a_reason() {
    let outcome = run::<Std>(&scenario(), Policy::MAP_ROUTING, AiPlacement::Worker, Dispatch::Barrier);
    assert_eq!(outcome.packets.len(), 4);
    assert_eq!(outcome.packets[0].ran, 1, "{:?}", outcome.packets[0]);
    assert_eq!(outcome.packets[2].rejected, vec![Reject::NotInWorld]);
    assert_eq!(outcome.packets[3].rejected, vec![Reject::NotInWorld]);
    assert!(outcome.check().is_empty(), "{:?}", outcome.check());
    assert!(outcome.players[0].freed);
}

/// The bot module removes a bot with `RemovePlayerBot` (kick, then the disconnection queue); the
/// manager's phase 3 logs the player out and erases the session with its queues. The packets
/// still queued are neither run nor dropped: they are lost, and `exactly-once` reports each with
/// the reason its session went.
#[test]
fn a_removed_bot_loses_its_queued_packets_and_exactly_once_says_why() {
    for policy in [Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL, Policy::COMPLETE_DEFERRAL] {
        let outcome = run::<Std>(&scenario(), policy, AiPlacement::Worker, Dispatch::Barrier);
        assert_eq!(outcome.packets.len(), 4, "{}", policy.name());
        assert_eq!(outcome.packets[0].ran, 1, "{}: {:?}", policy.name(), outcome.packets[0]);
        for id in [2, 3] {
            let p = &outcome.packets[id];
            assert_eq!((p.ran, p.rejected.len(), p.lost), (0, 0, Some(Refusal::Kicked)), "{}: #{id}", policy.name());
        }
        let v = outcome.check().into_iter().find(|v| v.invariant == Invariant::ExactlyOnce);
        let v = v.unwrap_or_else(|| panic!("{}: exactly-once holds", policy.name()));
        assert!(v.message.contains("lost") && v.message.contains("kick or logout requested"), "{}", v.message);
        assert!(v.message.contains("2 packets lost in all"), "{}", v.message);
        assert!(outcome.players[0].freed, "{}", policy.name());
        assert!(outcome.undrained.is_empty(), "{}: an erased session is not undrained", policy.name());
    }
}

/// A session that still holds packets in only one of its two queues is undrained: one packet in
/// the receive queue alone, or in the deferred queue alone, is enough.
#[test]
fn packets_left_in_either_queue_alone_are_undrained() {
    let ghost = model::outcome::Ghost::new(1, 0);
    let received = BotSession::<Std>::new(0);
    received.receive(Cx::new(&ghost, Lane::World), Opcode::CMSG_CAST_SPELL, Payload::default());
    assert_eq!(undrained_queues(&received), Some((0, 1, 0)));
    let deferred = BotSession::<Std>::new(0);
    deferred.queue_deferred(
        Cx::new(&ghost, Lane::World),
        model::Packet { id: 0, opcode: Opcode::CMSG_CAST_SPELL, payload: Payload::default() },
    );
    assert_eq!(undrained_queues(&deferred), Some((0, 0, 1)));
    assert_eq!(undrained_queues(&BotSession::<Std>::new(0)), None);
}
