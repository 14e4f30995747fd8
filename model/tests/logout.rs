//! Packets that arrive or wait across a logout, on the std backend with the barrier dispatch
//! (one schedule: every bot update is joined before the tick goes on).
//!
//! `cargo test -p model --release --test logout`

use model::opcodes::{Opcode, Payload};
use model::outcome::Reject;
use model::player::{PlayerStart, AREA_4755, SPELL_49416};
use model::sync::Std;
use model::world::run;
use model::{Dispatch, Policy, Scenario};
use std::sync::Arc;

fn scenario() -> Arc<Scenario> {
    let cast = (Opcode::CMSG_CAST_SPELL, Payload { spell: SPELL_49416, ..Payload::default() });
    let chat = (Opcode::CMSG_CHAT_MESSAGE_SAY, Payload::default());
    let query = (Opcode::CMSG_QUERY_CREATURE, Payload::default());
    Arc::new(Scenario {
        name: "logout".into(),
        maps: 1,
        players: vec![PlayerStart { map: 0, area: AREA_4755, area_update_id: AREA_4755, has_quest: false }],
        // Tick 1: a cast and a chat line, run (or deferred) before the logout of tick 2.
        // Tick 2: sent by the bot AI at the end of tick 1's update, still queued when the bot
        // logs out at the start of tick 2.
        traffic: vec![vec![vec![cast, chat], vec![cast, query]]],
        ticks: 2,
        map_update_ticks: vec![1, 2],
        heartbeat_ticks: vec![],
        logouts: vec![(2, 0)],
    })
}

/// Under every policy, a packet still queued when its bot logs out is neither run on a player
/// that has left the world nor lost: it is dropped once, with the reason "player not in world"
/// (or run, when it needs no player), and every invariant but the policy's own findings holds.
#[test]
fn packets_queued_across_a_logout_are_dropped_with_a_reason() {
    for policy in Policy::ALL {
        let outcome = run::<Std>(&scenario(), policy, Dispatch::Barrier);
        assert_eq!(outcome.packets.len(), 4, "{}", policy.name());
        // The tick-1 cast: under the deferral policies it waits in the deferred queue only
        // until tick 1's deferred pass, so it runs; everywhere it runs exactly once.
        assert_eq!(outcome.packets[0].ran, 1, "{}: {:?}", policy.name(), outcome.packets[0]);
        // The tick-2 cast arrives before the logout and is taken after it.
        assert_eq!(outcome.packets[2].ran, 0, "{}", policy.name());
        assert_eq!(outcome.packets[2].rejected, vec![Reject::NotInWorld], "{}", policy.name());
        // The creature query needs a logged-in session too (STATUS_LOGGEDIN).
        assert_eq!(outcome.packets[3].rejected, vec![Reject::NotInWorld], "{}", policy.name());
        let broken: Vec<_> = outcome.check().into_iter().map(|v| v.invariant).collect();
        assert!(!broken.contains(&model::Invariant::ExactlyOnce), "{}: {broken:?}", policy.name());
        assert!(outcome.undrained.is_empty(), "{}: {:?}", policy.name(), outcome.undrained);
    }
}
