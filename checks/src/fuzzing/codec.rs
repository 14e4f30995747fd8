//! The `schedule` targets' input: a [`ScheduleCase`] (bots, maps, ticks, packets, a cell) read
//! from fuzz bytes with `arbitrary`, and written back as the same bytes
//! ([`ScheduleCase::encode`]), so that the seed corpus is generated from the named scenarios.

use super::*;
use arbitrary::Unstructured;
use model::ai::AiAction;
use model::opcodes::Payload;
use model::player::PlayerStart;
use model::{AiPlacement, Dispatch, HandlerKind, Outcome, Policy, Scenario};
use std::fmt;
use std::sync::Arc;

/// One `schedule` input: a scenario, the cell it runs under, and the schedule bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleCase {
    /// The scenario (within [`MAX_BOTS`], [`MAX_MAPS`], [`MAX_TICKS`], [`MAX_PACKETS_PER_TICK`]).
    pub scenario: Scenario,
    /// The policy.
    pub policy: Policy,
    /// Where the bot AI runs.
    pub ai: AiPlacement,
    /// The dispatch mode.
    pub dispatch: Dispatch,
    /// What is left of the input: the schedule choices.
    pub choices: Vec<u8>,
}

/// Reads one byte and picks from `options` by it (modulo); an exhausted input reads 0.
pub(super) fn pick<T: Copy>(u: &mut Unstructured<'_>, options: &[T]) -> T {
    options[u.arbitrary::<u8>().unwrap_or(0) as usize % options.len()]
}

/// The index that [`pick`] (or a two-byte read, for opcodes) turns into `value`.
pub(super) fn index_of<T: PartialEq + fmt::Debug>(options: &[T], value: &T) -> usize {
    options.iter().position(|o| o == value).unwrap_or_else(|| panic!("{value:?} is not among the options"))
}

/// The byte that [`pick`] reads as `value`.
pub(super) fn byte_of<T: PartialEq + fmt::Debug>(options: &[T], value: &T) -> u8 {
    index_of(options, value) as u8
}

/// A safe cell, from two bytes: the first picks the (policy, dispatch) pair among
/// [`safe_pairs`], the second the AI placement among [`safe_placements`] of that pair (so only
/// placements that pair with the policy, [`AiPlacement::pairs_with`]).
pub(super) fn pick_cell(u: &mut Unstructured<'_>) -> FuzzCell {
    let (policy, dispatch) = pick(u, safe_pairs());
    let ai = pick(u, &safe_placements(policy, dispatch));
    (policy, ai, dispatch)
}

/// The AI actions a fuzzed bot takes in a tick, by the high four bits of its tick byte (modulo):
/// none, the buff upkeep, an attack on the creature of its map, a group leave.
pub const AI_ACTIONS: usize = 4;

/// The AI actions of `code` ([`AI_ACTIONS`]) for a bot on `map`.
pub(super) fn ai_action(code: u8, map: u8) -> Vec<AiAction> {
    match code as usize % AI_ACTIONS {
        0 => vec![],
        1 => vec![AiAction::KeepBuff],
        2 => vec![AiAction::Attack { creature: map }],
        _ => vec![AiAction::LeaveGroup],
    }
}

/// The code [`ai_action`] reads as `actions` for a bot on `map`.
pub(super) fn ai_byte(actions: &[AiAction], map: u8) -> u8 {
    (0..AI_ACTIONS as u8).find(|&c| ai_action(c, map) == actions).expect("a fuzzed tick has at most one AI action")
}

/// The two bytes that [`pick_cell`] reads as `cell`.
pub(super) fn encode_cell((policy, ai, dispatch): FuzzCell) -> [u8; 2] {
    [byte_of(safe_pairs(), &(policy, dispatch)), byte_of(&safe_placements(policy, dispatch), &ai)]
}

/// A player start: its map, area and last processed area, then one byte whose low seven bits pick
/// the statuses of 14078 and 14099 ([`QUEST_STARTS`], modulo) and whose bit 7 makes the player a
/// member of the run's group.
pub(super) fn player_start(u: &mut Unstructured<'_>, maps: u8) -> PlayerStart {
    let map = u.arbitrary::<u8>().unwrap_or(0) % maps;
    let area = pick(u, &AREAS);
    let area_update_id = pick(u, &AREAS);
    let flags = u.arbitrary::<u8>().unwrap_or(0);
    let (quest_14078, quest_14099) = QUEST_STARTS[(flags & 0x7f) as usize % QUEST_STARTS.len()];
    PlayerStart { map, area, area_update_id, quest_14078, quest_14099, in_group: flags & 0x80 != 0 }
}

pub(super) fn encode_player_start(out: &mut Vec<u8>, p: &PlayerStart) {
    let flags = byte_of(&QUEST_STARTS, &(p.quest_14078, p.quest_14099)) | (p.in_group as u8) << 7;
    out.extend([p.map, byte_of(&AREAS, &p.area), byte_of(&AREAS, &p.area_update_id), flags]);
}

/// The world byte (the second of the scenario): bit 0 adds a second map ([`MAX_MAPS`] is 2),
/// bit 1 makes the last player human (no session, no packets, no AI; when there are at least two
/// players), bit 2 adds a respawn (when an AI attacks, so that there are creatures): bit 3 picks
/// its creature (modulo the maps), bits 4-5 its tick (modulo the ticks). A byte of 0 or 1 is the
/// older format's maps byte: every input written before humans and respawns reads the same.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WorldByte {
    pub maps: u8,
    pub human: bool,
    /// `(tick, creature)`, before the modulo.
    pub respawn: Option<(u8, u8)>,
}

const _: () = assert!(MAX_MAPS == 2, "the world byte gives the maps one bit");

impl WorldByte {
    pub fn read(b: u8) -> WorldByte {
        WorldByte {
            maps: 1 + (b & 1),
            human: b & 2 != 0,
            respawn: (b & 4 != 0).then_some((1 + (b >> 4 & 3), b >> 3 & 1)),
        }
    }

    pub fn write(self) -> u8 {
        let respawn = self.respawn.map_or(0, |(tick, creature)| 4 | (creature & 1) << 3 | (tick - 1) << 4);
        (self.maps - 1) | (self.human as u8) << 1 | respawn
    }
}

/// Ticks `1..=ticks` whose bit is set in `mask`.
pub(super) fn ticks_of_mask(mask: u8, ticks: u32) -> Vec<u32> {
    (1..=ticks).filter(|t| mask & (1 << (t - 1)) != 0).collect()
}

pub(super) fn mask_of_ticks(ticks: &[u32]) -> u8 {
    ticks.iter().fold(0, |m, t| m | 1 << (t - 1))
}

impl ScheduleCase {
    /// Reads a case. Any bytes make a case: an exhausted input reads zeros. The first two bytes
    /// pick the cell: the (policy, dispatch) pair among [`safe_pairs`], then the AI placement among
    /// [`safe_placements`] of that pair. With `racy`,
    /// the two cell bytes are read and then replaced by [`RACY_CELL`], so both schedule targets
    /// share one input format and one corpus format.
    pub fn decode(data: &[u8], racy: bool) -> ScheduleCase {
        let mut u = Unstructured::new(data);
        let byte = |u: &mut Unstructured<'_>| u.arbitrary::<u8>().unwrap_or(0);
        let (policy, ai, dispatch) = if racy {
            byte(&mut u);
            byte(&mut u);
            RACY_CELL
        } else {
            pick_cell(&mut u)
        };
        let bots = 1 + byte(&mut u) as usize % MAX_BOTS;
        let world = WorldByte::read(byte(&mut u));
        let maps = world.maps;
        let ticks = 1 + byte(&mut u) as u32 % MAX_TICKS;
        let map_update_ticks = ticks_of_mask(byte(&mut u), ticks);
        let heartbeat_ticks = ticks_of_mask(byte(&mut u), ticks);
        let logout = byte(&mut u) as usize % (bots * ticks as usize + 1);
        // The last player is human when the world byte says so and another player is a bot.
        let human = (world.human && bots >= 2).then_some(bots as u8 - 1);
        let logouts = match logout {
            0 => vec![],
            k => vec![(1 + ((k - 1) / bots) as u32, ((k - 1) % bots) as u8)],
        };
        // A human has no session to log out.
        let logouts = logouts.into_iter().filter(|&(_, b)| Some(b) != human).collect();
        let mut players = Vec::new();
        let mut traffic = Vec::new();
        let mut actions: Vec<Vec<Vec<AiAction>>> = Vec::new();
        for bot in 0..bots {
            players.push(player_start(&mut u, maps));
            if Some(bot as u8) == human {
                // A human sends no packet and runs no AI: no tick bytes.
                traffic.push(vec![vec![]; ticks as usize]);
                actions.push(vec![vec![]; ticks as usize]);
                continue;
            }
            let mut per_tick = Vec::new();
            let mut ai_per_tick = Vec::new();
            for _ in 0..ticks {
                // The tick's byte: the packet count in the low four bits, the AI's action
                // ([`AI_ACTIONS`]) in the high four.
                let b = byte(&mut u);
                let n = (b & 0x0f) as usize % (MAX_PACKETS_PER_TICK + 1);
                let map = players.last().map_or(0, |p: &PlayerStart| p.map);
                ai_per_tick.push(ai_action(b >> 4, map));
                let packets = (0..n)
                    .map(|_| {
                        let of_kind = pick(&mut u, &HandlerKind::ALL).opcodes();
                        let opcode = of_kind[u.arbitrary::<u16>().unwrap_or(0) as usize % of_kind.len()];
                        let payload = Payload {
                            spell: pick(&mut u, &SPELLS),
                            area: pick(&mut u, &AREAS),
                            quest: pick(&mut u, &QUESTS),
                        };
                        (opcode, payload)
                    })
                    .collect();
                per_tick.push(packets);
            }
            traffic.push(per_tick);
            actions.push(ai_per_tick);
        }
        // No AI action at all reads as no AI table (the named scenarios' form).
        if actions.iter().flatten().all(|v| v.is_empty()) {
            actions.clear();
        }
        // One creature per map, when an AI attacks.
        let attacks = actions.iter().flatten().flatten().any(|a| matches!(a, AiAction::Attack { .. }));
        let creatures: Vec<u8> = if attacks { (0..maps).collect() } else { vec![] };
        // The respawn names a creature of a map; with no creature there is none.
        let respawns = match world.respawn {
            Some((tick, creature)) if !creatures.is_empty() => {
                vec![(1 + (tick as u32 - 1) % ticks, creature % maps)]
            }
            _ => vec![],
        };
        let scenario = Scenario {
            name: "fuzzed".to_string(),
            maps,
            players,
            traffic,
            ticks,
            map_update_ticks,
            heartbeat_ticks,
            logouts,
            humans: human.into_iter().collect(),
            creatures,
            respawns,
            ai: actions,
        };
        ScheduleCase { scenario, policy, ai, dispatch, choices: u.take_rest().to_vec() }
    }

    /// The bytes [`ScheduleCase::decode`] reads back as this case. Panics when the case is out of
    /// the fuzzed bounds or holds a value the input format cannot express.
    pub fn encode(&self) -> Vec<u8> {
        let s = &self.scenario;
        let cell = (self.policy, self.ai, self.dispatch);
        let cell_bytes = if cell == RACY_CELL { [0, 0] } else { encode_cell(cell) };
        let bots = s.players.len();
        assert!(
            (1..=MAX_BOTS).contains(&bots) && (1..=MAX_MAPS).contains(&s.maps) && (1..=MAX_TICKS).contains(&s.ticks)
        );
        assert!(s.logouts.len() <= 1, "at most one logout");
        let human = match s.humans[..] {
            [] => false,
            [h] if h as usize == bots - 1 && bots >= 2 => true,
            _ => panic!("at most one human, the last of at least two players: {:?}", s.humans),
        };
        let respawn = match s.respawns[..] {
            [] => None,
            [(tick, creature)] => {
                assert!(!s.creatures.is_empty() && creature < s.maps, "a respawn names a creature of a map");
                Some((tick as u8, creature))
            }
            _ => panic!("at most one respawn: {:?}", s.respawns),
        };
        let world = WorldByte { maps: s.maps, human, respawn };
        let logout = s.logouts.first().map_or(0, |&(t, b)| 1 + (t as usize - 1) * bots + b as usize);
        let mut out = vec![
            cell_bytes[0],
            cell_bytes[1],
            bots as u8 - 1,
            world.write(),
            s.ticks as u8 - 1,
            mask_of_ticks(&s.map_update_ticks),
            mask_of_ticks(&s.heartbeat_ticks),
            logout as u8,
        ];
        for (bot, start) in s.players.iter().enumerate() {
            encode_player_start(&mut out, start);
            if human && bot == bots - 1 {
                continue;
            }
            for tick in 1..=s.ticks {
                let packets = s.packets(bot, tick);
                assert!(packets.len() <= MAX_PACKETS_PER_TICK);
                let action = ai_byte(s.ai_actions(bot, tick), start.map);
                out.push(packets.len() as u8 | action << 4);
                for (opcode, p) in packets {
                    out.push(byte_of(&HandlerKind::ALL, &opcode.kind()));
                    out.extend((index_of(opcode.kind().opcodes(), opcode) as u16).to_le_bytes());
                    out.extend([byte_of(&SPELLS, &p.spell), byte_of(&AREAS, &p.area), byte_of(&QUESTS, &p.quest)]);
                }
            }
        }
        out.extend(&self.choices);
        out
    }

    /// Runs the case on its schedule. `None` when the run passed the step cap.
    pub fn run(&self, trace_cap: usize) -> Option<Outcome> {
        run_on_bytes(&Arc::new(self.scenario.clone()), self.policy, self.ai, self.dispatch, &self.choices, trace_cap)
    }

    /// The verdict: under a safe cell, every violation is a finding, `data-race` included, unless
    /// every race of the run is TrinityCore's own (two map threads on the group under its own
    /// routing, [`crate::expected::trinitycore_own_race`]); under [`RACY_CELL`], the race's
    /// consequences are (an assert, a use after free, a double effect, an aura-integrity break):
    /// `data-race` itself breaks on every input there, since nothing is synchronized, and would
    /// make every input a find.
    pub fn judge(&self) -> Result<(), Finding> {
        let outcome = self.run(FUZZ_TRACE_CAP).ok_or(Finding::StepCap)?;
        let mut violations = outcome.check();
        if outcome.races.iter().all(|r| crate::expected::trinitycore_own_race(self.policy, r)) {
            violations.retain(|v| v.invariant != model::Invariant::DataRace);
        }
        judge_outcome((self.policy, self.ai, self.dispatch), violations)
    }
}
