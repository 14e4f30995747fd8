//! The seed corpus of each target, generated from the named scenarios and a few wire streams.

use super::*;
use model::opcodes::Payload;
use model::player::SPELL_49416;
use model::{Opcode, Scenario};

/// The seed corpus of `target`, as (file name, bytes): the four small named scenarios and a
/// 3-bot, 3-tick cut of `seed-load`, on the fallback schedule (no choice bytes), under every safe
/// cell (`schedule`), or once (`schedule_unsynchronized`, which ignores the cell bytes); for
/// `packets`, each small scenario's traffic on the wire, and a stream with one frame of each
/// decode error between valid ones.
pub fn seeds(target: Target) -> Vec<(String, Vec<u8>)> {
    use model::opcodes::encode_wire;
    use model::ScenarioName;
    let mut scenarios: Vec<Scenario> = ScenarioName::small().iter().map(|n| n.build()).collect();
    let mut load = model::scenario::seed_load(MAX_BOTS, MAX_TICKS, MAX_PACKETS_PER_TICK);
    load.name = "seed-load-3x3x6".to_string();
    scenarios.push(load);
    let case = |scenario: &Scenario, (policy, ai, dispatch): FuzzCell| {
        ScheduleCase { scenario: scenario.clone(), policy, ai, dispatch, choices: vec![] }.encode()
    };
    match target {
        Target::Schedule => scenarios
            .iter()
            .flat_map(|s| {
                safe_cells()
                    .iter()
                    .map(|&cell| {
                        let name = format!("seed-{}-{}-{}-{}", s.name, cell.0.name(), cell.1.name(), cell.2.name());
                        (name, case(s, cell))
                    })
                    .collect::<Vec<_>>()
            })
            .collect(),
        Target::ScheduleUnsynchronized => {
            scenarios.iter().map(|s| (format!("seed-{}", s.name), case(s, RACY_CELL))).collect()
        }
        Target::Packets => {
            let cell = safe_cells()[0];
            let mut out: Vec<_> = scenarios[..ScenarioName::small().len()]
                .iter()
                .map(|s| {
                    let wire: Vec<u8> =
                        s.traffic.iter().flatten().flatten().flat_map(|&(o, p)| encode_wire(o, p)).collect();
                    (format!("seed-{}", s.name), encode_packets_input(cell, &s.players[0], &wire))
                })
                .collect();
            let cast = encode_wire(Opcode::CMSG_CAST_SPELL, Payload { spell: SPELL_49416, ..Payload::default() });
            let mut wire = cast.clone();
            wire.extend([0xff, 0xff, 0xff, 0xff, 0]); // an unknown opcode value
            wire.extend(&cast);
            wire.extend([cast[0], cast[1], cast[2], cast[3], 13]); // a payload longer than 12 bytes
            wire.extend(&cast);
            wire.extend(&cast[..9]); // cut short
            out.push(("seed-malformed".to_string(), encode_packets_input(cell, &scenarios[0].players[0], &wire)));
            out
        }
    }
}
