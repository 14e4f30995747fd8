//! The scenarios, each a value any backend runs ([`crate::world::run`]).
//!
//! The nine small ones fit loom (at most [`LOOM_MAX_THREADS`] threads including the world thread,
//! see [`Scenario::threads`]: [`ScenarioName::is_small`] asks the built scenario); `seed-load` is
//! for shuttle and std.

use crate::ai::AiAction;
use crate::opcodes::{HandlerKind, Opcode, Payload};
use crate::player::{PlayerStart, AREA_4755, AREA_4756, QUEST_14078, SPELL_49416};
use crate::quest::QuestStatus as Q;

/// The scenario names.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ScenarioName {
    /// The seed's story: a bot's cast of 49416 runs per policy while its map's update autocasts
    /// the same aura.
    Crash49416,
    /// A bot's CMSG_MOVE_STOP into area 4756 while the map heartbeat updates the area.
    MoveStop49416,
    /// A bot turns in quest 14078 (`CMSG_QUEST_GIVER_CHOOSE_REWARD` → `RewardQuest`, whose
    /// `SendQuestUpdate` autocasts 49416 in area 4756 once 14078 is rewarded) while the map
    /// heartbeat updates the area.
    QuestReward49416,
    /// A cast followed by a movement packet, for the order property.
    CastThenMove,
    /// One bot's stream in TrinityCore's three processing places: a THREADSAFE stop, a
    /// THREADUNSAFE write, an INPLACE cancel. The head-of-line order and the placement rule that
    /// map routing relies on are proved on it, not only sampled.
    MixedPlaces,
    /// Two bots, the two members of one group, on one map, both leave the group in the same tick
    /// (`CMSG_LEAVE_GROUP` → `Group::RemoveMember` → `Group::Disband`, which deletes the group):
    /// the races between two bots' workers, explored exhaustively rather than only sampled in
    /// `seed-load`.
    GroupLeave,
    /// Two bots, the two members of one group, on one map with a creature; each bot's AI attacks
    /// it in tick 1 (the rotation's `SetInCombatWith` both ways and `Attack`), in the tick whose
    /// map update also updates the creature.
    AttackCreature,
    /// A bot and a human player, the two members of one group, on one map; the bot's AI keeps
    /// the party buff up (`if (!HasAura && HasSpell) CastSpell`) in both ticks, its hit landing
    /// on both players, while the map update of tick 2 updates both players' auras.
    PartyBuff,
    /// Two bots, the two members of one group, on two maps; each bot's AI leaves the group in
    /// tick 1, whose map updates run both maps at once: the group is world-global state two map
    /// threads (or two workers) reach together.
    GroupTwoMaps,
    /// Many bots and maps, mixed traffic drawn from the opcode table, AI actions drawn from the
    /// AI's table.
    SeedLoad,
}

named! {
    impl ScenarioName {
        /// All seven, in report order.
        const ALL;
        /// The scenario's name.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    Crash49416 => "crash-49416",
    MoveStop49416 => "move-stop-49416",
    QuestReward49416 => "quest-reward-49416",
    CastThenMove => "cast-then-move",
    MixedPlaces => "mixed-places",
    GroupLeave => "group-leave",
    AttackCreature => "attack-creature",
    PartyBuff => "party-buff",
    GroupTwoMaps => "group-two-maps",
    SeedLoad => "seed-load",
}

/// The most threads loom allows, the main (world) thread included.
pub const LOOM_MAX_THREADS: usize = 5;

impl ScenarioName {
    /// The small scenarios, which loom can explore, in [`ScenarioName::ALL`] order.
    pub fn small() -> Vec<ScenarioName> {
        ScenarioName::ALL.into_iter().filter(|s| s.is_small()).collect()
    }
    /// True when loom can explore it: its run spawns at most [`LOOM_MAX_THREADS`] threads, the
    /// world thread included ([`Scenario::threads`] of the built scenario).
    pub fn is_small(self) -> bool {
        static SMALL: std::sync::OnceLock<Vec<bool>> = std::sync::OnceLock::new();
        let small = SMALL.get_or_init(|| ScenarioName::ALL.map(|s| s.build().threads() <= LOOM_MAX_THREADS).to_vec());
        small[self as usize]
    }
    /// The scenario.
    pub fn build(self) -> Scenario {
        let one = |start: PlayerStart, packets: Vec<(Opcode, Payload)>| Scenario {
            name: self.name().to_string(),
            maps: 1,
            players: vec![start],
            traffic: vec![vec![packets]],
            ticks: 2,
            // The map timer fires on tick 2 only (MapManager::Update skips ticks until its timer
            // passes), with the player's heartbeat due: the bot update of tick 1 can still be
            // running then.
            map_update_ticks: vec![2],
            heartbeat_ticks: vec![2],
            logouts: vec![],
            humans: vec![],
            creatures: vec![],
            respawns: vec![],
            ai: vec![],
        };
        let cast = (Opcode::CMSG_CAST_SPELL, Payload { spell: SPELL_49416, ..Payload::default() });
        match self {
            // In area 4756 with 14078 rewarded and 14099 not taken (the row fits), the area not yet
            // processed since arriving: the next heartbeat autocasts 49416, while the bot casts it
            // too.
            ScenarioName::Crash49416 => {
                one(PlayerStart { area: AREA_4756, area_update_id: AREA_4755, ..start(Q::Rewarded) }, vec![cast])
            }
            // In area 4755 with 14078 rewarded and 14099 not taken; the bot stops in 4756.
            ScenarioName::MoveStop49416 => one(
                PlayerStart { area: AREA_4755, area_update_id: AREA_4755, ..start(Q::Rewarded) },
                vec![(Opcode::CMSG_MOVE_STOP, Payload { area: AREA_4756, ..Payload::default() })],
            ),
            // Just arrived in area 4756 with 14078 complete (its objectives done, not turned in) and
            // 14099 not taken: the row does not fit yet. The bot turns 14078 in; from then on the
            // row fits, and both the reward's quest update and the heartbeat's area update
            // autocast 49416.
            ScenarioName::QuestReward49416 => one(
                PlayerStart { area: AREA_4756, area_update_id: AREA_4755, ..start(Q::Complete) },
                vec![(Opcode::CMSG_QUEST_GIVER_CHOOSE_REWARD, Payload { quest: QUEST_14078, ..Payload::default() })],
            ),
            // In area 4755 with neither quest: no autocast; a cast then a stop in the same area.
            ScenarioName::CastThenMove => one(
                PlayerStart { area: AREA_4755, area_update_id: AREA_4755, ..start(Q::None) },
                vec![cast, (Opcode::CMSG_MOVE_STOP, Payload { area: AREA_4755, ..Payload::default() })],
            ),
            // In area 4755 with neither quest: a stop in place (THREADSAFE), a toy added
            // (THREADUNSAFE), a cancel of a non-49416 aura (INPLACE). Under map routing the world
            // filter stops at the stop (head of line), the map takes it and stops at the toy, the
            // next tick's world update takes the toy and the cancel: two map updates.
            ScenarioName::MixedPlaces => Scenario {
                map_update_ticks: vec![1, 2],
                ..one(
                    PlayerStart { area: AREA_4755, area_update_id: AREA_4755, ..start(Q::None) },
                    vec![
                        (Opcode::CMSG_MOVE_STOP, Payload { area: AREA_4755, ..Payload::default() }),
                        (Opcode::CMSG_ADD_TOY, Payload::default()),
                        (Opcode::CMSG_CANCEL_AURA, Payload { spell: 21562, ..Payload::default() }),
                    ],
                )
            },
            // Two players, the two members of one group, in area 4755 with neither quest (no aura
            // in play); each bot sends CMSG_LEAVE_GROUP for tick 1. The first leave disbands the
            // group of two (Group.cpp:685) and deletes it (799); the second finds no group when
            // it runs after, and touches the deleted group when it read its `m_group` before. One
            // tick and no map update keep it to three threads: the two bots' workers run at the
            // same time under both dispatch modes.
            ScenarioName::GroupLeave => {
                let start =
                    PlayerStart { area: AREA_4755, area_update_id: AREA_4755, in_group: true, ..start(Q::None) };
                let leave = vec![vec![(Opcode::CMSG_LEAVE_GROUP, Payload::default())]];
                Scenario {
                    name: self.name().to_string(),
                    maps: 1,
                    players: vec![start, start],
                    traffic: vec![leave.clone(), leave],
                    ticks: 1,
                    map_update_ticks: vec![],
                    heartbeat_ticks: vec![],
                    logouts: vec![],
                    humans: vec![],
                    creatures: vec![],
                    respawns: vec![],
                    ai: vec![],
                }
            }
            // Two group members on map 0 with creature c0; each AI attacks c0 in tick 1. The map
            // timer fires on tick 1 (the creature's update), which runs before the bot
            // manager's update of the tick: the two workers meet each other on the creature, and a
            // map-thread AI runs inside that map update. One tick keeps it to four threads.
            ScenarioName::AttackCreature => {
                let attack = vec![vec![AiAction::Attack { creature: 0 }]];
                Scenario { creatures: vec![0], ai: vec![attack.clone(), attack], ..self.two_members() }
            }
            // Bot p0 and human p1, one group, map 0, area 4755 with neither quest (no 49416). The
            // bot's AI keeps the party buff up in tick 1; the map timer fires on tick 2: the cast
            // can still run when tick 2's map update runs both players' `_UpdateSpells`, which
            // apply the new auras by `UpdateTargetMap`.
            ScenarioName::PartyBuff => Scenario {
                ticks: 2,
                map_update_ticks: vec![2],
                humans: vec![1],
                ai: vec![vec![vec![AiAction::KeepBuff]], vec![]],
                ..self.two_members()
            },
            // Two group members, p0 on map 0 and p1 on map 1; each AI leaves the group in tick 1
            // (the first leave disbands the group of two and deletes it, as in `group-leave`).
            // Both maps update in tick 1: five threads with the bot workers.
            ScenarioName::GroupTwoMaps => {
                let two = self.two_members();
                let leave = vec![vec![AiAction::LeaveGroup]];
                Scenario {
                    maps: 2,
                    players: vec![two.players[0], PlayerStart { map: 1, ..two.players[0] }],
                    ai: vec![leave.clone(), leave],
                    ..two
                }
            }
            ScenarioName::SeedLoad => seed_load(SEED_LOAD_BOTS, SEED_LOAD_TICKS, SEED_LOAD_PER_TICK),
        }
    }
}

impl ScenarioName {
    /// The AI scenarios' start: two bots, the two members of one group, in area 4755 of map 0
    /// with neither quest (no 49416 in play), sending no packet; one tick, whose map update runs.
    fn two_members(self) -> Scenario {
        let member = PlayerStart { in_group: true, ..start(Q::None) };
        Scenario {
            name: self.name().to_string(),
            maps: 1,
            players: vec![member, member],
            traffic: vec![vec![], vec![]],
            ticks: 1,
            map_update_ticks: vec![1],
            heartbeat_ticks: vec![],
            logouts: vec![],
            humans: vec![],
            creatures: vec![],
            respawns: vec![],
            ai: vec![],
        }
    }
}

/// A player on map 0 in area 4755 (area update done) with quest 14078 in `quest_14078` and 14099
/// not taken: the small scenarios' start, their area and area update set where they differ.
fn start(quest_14078: Q) -> PlayerStart {
    PlayerStart {
        map: 0,
        area: AREA_4755,
        area_update_id: AREA_4755,
        quest_14078,
        quest_14099: Q::None,
        in_group: false,
    }
}

/// A scenario: the world's start, what each bot sends on each tick, and the tick plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scenario {
    /// Name.
    pub name: String,
    /// Number of maps.
    pub maps: u8,
    /// Players (one per bot), where they start.
    pub players: Vec<PlayerStart>,
    /// `traffic[bot][t - 1]`: the packets bot `bot` sends for tick `t`. Tick 1's are in the queue
    /// before the first tick; later ticks' are sent by the bot AI at the end of the previous
    /// tick's session update.
    pub traffic: Vec<Vec<Vec<(Opcode, Payload)>>>,
    /// Scripted world ticks.
    pub ticks: u32,
    /// Ticks on which the map timer fires (`MapManager::Update` runs the maps).
    pub map_update_ticks: Vec<u32>,
    /// Ticks on which player heartbeats are due (area update, autocast).
    pub heartbeat_ticks: Vec<u32>,
    /// `(tick, bot)`: the bot logs out in that tick's `UpdateSessions`.
    pub logouts: Vec<(u32, u8)>,
    /// The players that are human (not bots): no bot session, no AI, no traffic; they stand in
    /// the world, in a group, on a map.
    pub humans: Vec<u8>,
    /// The creatures, by the map each is on (creature `c` is unit
    /// [`crate::creature::CREATURE_BASE`] + `c`).
    pub creatures: Vec<u8>,
    /// `(tick, creature)`: the creature is not on its map before that tick's map update, whose
    /// `ProcessRespawns` adds it (into `_objectsStore`).
    pub respawns: Vec<(u32, u8)>,
    /// `ai[bot][t - 1]`: what bot `bot`'s AI does in its update of tick `t`, besides its reads
    /// and the packets it sends (empty: it only reads).
    pub ai: Vec<Vec<Vec<AiAction>>>,
}

impl Scenario {
    /// The packets `bot` sends for tick `tick`.
    pub fn packets(&self, bot: usize, tick: u32) -> &[(Opcode, Payload)] {
        self.traffic.get(bot).and_then(|t| t.get(tick as usize - 1)).map(|v| v.as_slice()).unwrap_or(&[])
    }
    /// Threads a run spawns at most, the world thread included (loom allows
    /// [`LOOM_MAX_THREADS`]).
    pub fn threads(&self) -> usize {
        let map_threads =
            self.map_update_ticks.iter().filter(|&&t| t >= 1 && t <= self.ticks).count() * self.maps as usize;
        1 + map_threads + self.ticks as usize * (self.players.len() - self.humans.len())
    }
    /// What `bot`'s AI does in its update of tick `tick`.
    pub fn ai_actions(&self, bot: usize, tick: u32) -> &[AiAction] {
        self.ai.get(bot).and_then(|t| t.get(tick as usize - 1)).map(|v| v.as_slice()).unwrap_or(&[])
    }
    /// Total AI actions the bots take.
    pub fn ai_action_count(&self) -> usize {
        self.ai.iter().flatten().map(|v| v.len()).sum()
    }
    /// Total packets the bots send.
    pub fn packet_count(&self) -> usize {
        self.traffic.iter().flatten().map(|v| v.len()).sum()
    }
}

/// Bots in `seed-load`.
pub const SEED_LOAD_BOTS: usize = 8;
/// Ticks in `seed-load`.
pub const SEED_LOAD_TICKS: u32 = 4;
/// Packets per bot per tick in `seed-load`.
pub const SEED_LOAD_PER_TICK: usize = 5;

/// The traffic mix of `seed-load`, by handler kind, in percent. Movement dominates bot traffic
/// (the seed's "movement ACKs"), then casts, chat and queries; the opcode of each kind is drawn
/// uniformly from the table's handled opcodes of that kind.
pub const SEED_LOAD_MIX: [(HandlerKind, u32); 10] = [
    (HandlerKind::Move, 30),
    (HandlerKind::MoveStop, 8),
    (HandlerKind::Cast, 12),
    (HandlerKind::AuraRemove, 3),
    (HandlerKind::SessionLocal, 10),
    (HandlerKind::StaticQuery, 7),
    (HandlerKind::SharedRead, 10),
    (HandlerKind::PlayerWrite, 10),
    (HandlerKind::QuestUpdate, 3),
    (HandlerKind::WorldGlobal, 7),
];

/// A deterministic generator (SplitMix64): the same traffic on every run and machine.
#[derive(Clone, Debug)]
pub struct SplitMix(pub u64);

impl SplitMix {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The fixed seed of `seed-load`'s traffic.
pub const SEED_LOAD_SEED: u64 = 0x5EED_4941_6000_0001;
/// The fixed seed of `seed-load`'s AI actions (a stream of its own: the traffic stays the same).
pub const SEED_LOAD_AI_SEED: u64 = 0x5EED_4941_6000_00A1;

/// One bot's AI actions for one tick of the `seed-load` mix: a third keep the party buff up, a
/// third attack the creature of the bot's map (creature `map`), a third only read.
pub fn mixed_ai(rng: &mut SplitMix, map: u8) -> Vec<AiAction> {
    match rng.below(3) {
        0 => vec![AiAction::KeepBuff],
        1 => vec![AiAction::Attack { creature: map }],
        _ => vec![],
    }
}

/// One packet of the `seed-load` mix.
pub fn mixed_packet(rng: &mut SplitMix) -> (Opcode, Payload) {
    let total: u32 = SEED_LOAD_MIX.iter().map(|(_, w)| w).sum();
    let mut pick = rng.below(total as u64) as u32;
    let kind = SEED_LOAD_MIX
        .iter()
        .find(|(_, w)| {
            if pick < *w {
                true
            } else {
                pick -= w;
                false
            }
        })
        .map(|(k, _)| *k)
        .unwrap_or(HandlerKind::Move);
    let of_kind = kind.opcodes();
    let opcode = of_kind[rng.below(of_kind.len() as u64) as usize];
    let area = if rng.below(2) == 0 { AREA_4755 } else { AREA_4756 };
    let payload = match kind {
        HandlerKind::Cast | HandlerKind::AuraRemove => {
            Payload { spell: if rng.below(2) == 0 { SPELL_49416 } else { 21562 }, ..Payload::default() }
        }
        HandlerKind::Move | HandlerKind::MoveStop => Payload { area, ..Payload::default() },
        HandlerKind::QuestUpdate => Payload { quest: QUEST_14078, ..Payload::default() },
        _ => Payload::default(),
    };
    (opcode, payload)
}

/// The quest statuses (14078, 14099) of `seed-load`'s bots, by index modulo 4: rewarded (the row
/// fits in 4756: accepting 14078 is refused, removing it is refused, the heartbeat autocasts),
/// none (an accept of 14078 makes it incomplete), complete (a reward makes it rewarded and the
/// row fit, a removal makes it none), and rewarded with 14099 complete (the row does not fit:
/// the heartbeat removes 49416).
pub const SEED_LOAD_QUESTS: [(Q, Q); 4] =
    [(Q::Rewarded, Q::None), (Q::None, Q::None), (Q::Complete, Q::None), (Q::Rewarded, Q::Complete)];

/// `seed-load`: `bots` bots on two maps with a creature each, `ticks` ticks of `per_tick`
/// packets and one draw of AI actions each, the map timer firing every tick with heartbeats every
/// other tick, and the last bot logging out in the last tick.
pub fn seed_load(bots: usize, ticks: u32, per_tick: usize) -> Scenario {
    let mut rng = SplitMix(SEED_LOAD_SEED);
    let players = (0..bots)
        .map(|i| PlayerStart {
            map: (i % 2) as u8,
            area: if i % 3 == 0 { AREA_4755 } else { AREA_4756 },
            area_update_id: AREA_4755,
            quest_14078: SEED_LOAD_QUESTS[i % SEED_LOAD_QUESTS.len()].0,
            quest_14099: SEED_LOAD_QUESTS[i % SEED_LOAD_QUESTS.len()].1,
            // No group: its world-global traffic is judged as the shared-state stand-in, and a
            // leave finds no group.
            in_group: false,
        })
        .collect();
    let traffic = (0..bots)
        .map(|_| (0..ticks).map(|_| (0..per_tick).map(|_| mixed_packet(&mut rng)).collect()).collect())
        .collect();
    let mut ai_rng = SplitMix(SEED_LOAD_AI_SEED);
    let ai = (0..bots).map(|i| (0..ticks).map(|_| mixed_ai(&mut ai_rng, (i % 2) as u8)).collect()).collect();
    Scenario {
        name: ScenarioName::SeedLoad.name().to_string(),
        maps: 2,
        players,
        traffic,
        ticks,
        map_update_ticks: (1..=ticks).collect(),
        heartbeat_ticks: (1..=ticks).filter(|t| t % 2 == 0).collect(),
        logouts: vec![(ticks, (bots - 1) as u8)],
        humans: vec![],
        // One creature on each map (creature `m` on map `m`); map 1's respawns in tick 3 (its
        // `_objectsStore` insert on the map thread, against the workers' lookups).
        creatures: vec![0, 1],
        respawns: vec![(3, 1)],
        ai,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "Small" is read off the built scenarios: the six fit loom's thread limit, `seed-load`
    /// does not, and `small()` lists them in `ALL` order.
    #[test]
    fn small_is_the_scenarios_that_fit_loom() {
        for name in ScenarioName::ALL {
            let threads = name.build().threads();
            assert_eq!(name.is_small(), threads <= LOOM_MAX_THREADS, "{}: {threads} threads", name.name());
        }
        let small = ScenarioName::small();
        assert_eq!(small, ScenarioName::ALL[..9], "the nine small scenarios, in ALL order");
        assert!(!ScenarioName::SeedLoad.is_small());
    }
}
