//! The fuzz harness: fuzzer bytes → a case → a run → a verdict. The cargo-fuzz targets in
//! `fuzz/fuzz_targets/` are one-line wrappers of [`Target::fuzz`], and
//! `checks/tests/fuzz_regressions.rs` replays every committed corpus and regression file through
//! [`Target::judge`] on stable, so a fuzzer's find and its replay are the same code.
//!
//! | target | input | judged on |
//! |---|---|---|
//! | `schedule` | a [`ScheduleCase`] under a safe cell, then schedule bytes | no invariant ever breaks |
//! | `schedule_unsynchronized` | the same case, run `unsynchronized` + fire-and-forget | the race (an assert or a double effect) is what the fuzzer hunts |
//! | `packets` | a cell and a player start, then a raw wire stream | decode errors typed, no packet lost or run twice, no invariant breaks |
//!
//! The schedule comes from the input through [`ByteScheduler`]: at every scheduling point with
//! more than one runnable task the next byte picks one; when the bytes run out the running task
//! keeps running (the first runnable one if it blocked), so every input names exactly one
//! schedule; a step cap bounds a run. The byte layout is plain (one byte per choice, taken
//! modulo the number of options, two little-endian bytes for an opcode index), so a case can be
//! written back as bytes ([`ScheduleCase::encode`]) and the seed corpus is generated from the
//! named scenarios.

use crate::engines::Shuttle;
use arbitrary::Unstructured;
use model::opcodes::{decode_wire, DecodeError, Payload, OPCODES};
use model::outcome::{Ghost, Lane, Reject};
use model::player::{PlayerStart, AREA_4755, AREA_4756, QUEST_14078, SPELL_49416};
use model::scenario::SplitMix;
use model::session::{BotSession, Filter};
use model::sync::Std;
use model::world::run_with_trace_cap;
use model::{Dispatch, HandlerKind, Invariant, Opcode, Outcome, Policy, Scenario, Violation};
use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

/// Bots of a fuzzed scenario, at most.
pub const MAX_BOTS: usize = 3;
/// Maps of a fuzzed scenario, at most.
pub const MAX_MAPS: u8 = 2;
/// Scripted ticks of a fuzzed scenario, at most.
pub const MAX_TICKS: u32 = 3;
/// Packets one bot sends for one tick, at most.
pub const MAX_PACKETS_PER_TICK: usize = 6;
/// The `packets` target sends its decoded packets this many a tick. Under `map-routing` the
/// world and map filters read a session's queue head-of-line, so a stream whose opcodes
/// alternate between world-thread and map-thread places advances by only two packets a tick (one
/// on each thread); the model's shutdown drains until every queue is empty, so any rate is
/// judged correctly (`fuzz/regressions/packets/map-routing-slow-drain-*` is the stream that once
/// showed a fixed drain limit reporting such a delay as a loss).
pub const WIRE_PACKETS_PER_TICK: usize = 2;
/// The `packets` target runs at most this many decoded packets in a world (all of the stream is
/// decoded and checked).
pub const WIRE_RUN_PACKETS: usize = 64;
/// Scheduling decisions one run may take. The model has no loop that waits on another thread,
/// so every run ends well within it (the largest `schedule` case takes under a thousand steps);
/// reaching it is reported as a finding.
pub const STEP_CAP: usize = 200_000;
/// Trace events kept per fuzzed run: none, the verdicts read the ghost counters only. Replay a
/// case with [`ScheduleCase::run`] and a larger cap to read its trace.
pub const FUZZ_TRACE_CAP: usize = 0;

/// The (policy, dispatch) cells whose pinned truth holds on every named scenario
/// ([`crate::expected::safe_cells`]): TrinityCore's own routing in both dispatch modes. (Complete
/// deferral behind the barrier keeps every aura invariant, but a removed bot loses its queued
/// packets, so it breaks `exactly-once` on `seed-load` and is not here.)
pub fn safe_cells() -> &'static [(Policy, Dispatch)] {
    static SAFE: OnceLock<Vec<(Policy, Dispatch)>> = OnceLock::new();
    SAFE.get_or_init(crate::expected::safe_cells)
}

/// The cell the `schedule_unsynchronized` target runs: the seed's rollback switch with the
/// fire-and-forget dispatch of the version that carries the fix.
pub const RACY_CELL: (Policy, Dispatch) = (Policy::Unsynchronized, Dispatch::FireAndForget);

/// Spell ids a fuzzed packet carries.
pub const SPELLS: [u32; 3] = [0, SPELL_49416, 21562];
/// Areas a position or `m_areaUpdateId` takes.
pub const AREAS: [u32; 3] = [0, AREA_4755, AREA_4756];
/// Quest ids a fuzzed packet carries.
pub const QUESTS: [u32; 2] = [0, QUEST_14078];

/// The fuzz targets.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Target {
    /// Arbitrary scenarios and schedules under the safe cells: no invariant may break.
    Schedule,
    /// The same inputs run `unsynchronized` with fire-and-forget: the fuzzer hunts the race.
    ScheduleUnsynchronized,
    /// A raw wire stream fed to a bot session under a safe cell.
    Packets,
}

impl Target {
    /// All targets.
    pub const ALL: [Target; 3] = [Target::Schedule, Target::ScheduleUnsynchronized, Target::Packets];
    /// The name of the target, its file in `fuzz/fuzz_targets/` and its corpus folder.
    pub fn name(self) -> &'static str {
        match self {
            Target::Schedule => "schedule",
            Target::ScheduleUnsynchronized => "schedule_unsynchronized",
            Target::Packets => "packets",
        }
    }
    /// Parses a name.
    pub fn from_name(name: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.name() == name)
    }
    /// Judges one input. `Err` is what the fuzzer stops on: a violation under a safe cell, a wire
    /// packet lost or run twice, a run past the step cap, or (for `schedule_unsynchronized`) the
    /// race it hunts.
    pub fn judge(self, data: &[u8]) -> Result<(), Finding> {
        match self {
            Target::Schedule => ScheduleCase::decode(data, false).judge(),
            Target::ScheduleUnsynchronized => ScheduleCase::decode(data, true).judge(),
            Target::Packets => judge_packets(data),
        }
    }
    /// The fuzz target's body: panics with the finding.
    pub fn fuzz(self, data: &[u8]) {
        if let Err(finding) = self.judge(data) {
            panic!("{} found: {finding}", self.name());
        }
    }
}

/// What a target stops on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// An invariant broke under a cell expected to be safe.
    Violated {
        /// The policy.
        policy: Policy,
        /// The dispatch mode.
        dispatch: Dispatch,
        /// Every broken invariant (its first instance).
        violations: Vec<Violation>,
    },
    /// `unsynchronized` tripped a server assert, used a freed player, applied an effect twice or
    /// broke the aura lifecycle.
    Race(Violation),
    /// The wire path lost, duplicated or mis-decoded a packet.
    Wire(String),
    /// The run took more than [`STEP_CAP`] scheduling decisions.
    StepCap,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Violated { policy, dispatch, violations } => {
                write!(f, "{} / {}:", policy.name(), dispatch.name())?;
                violations.iter().try_for_each(|v| write!(f, " [{v}]"))
            }
            Finding::Race(v) => write!(f, "the race: {v}"),
            Finding::Wire(what) => write!(f, "wire: {what}"),
            Finding::StepCap => write!(f, "the run passed the step cap of {STEP_CAP} scheduling decisions"),
        }
    }
}

/// A shuttle scheduler that takes its choices from fuzzer bytes. One execution per scheduler.
pub struct ByteScheduler {
    choices: Vec<u8>,
    next: usize,
    steps: usize,
    started: bool,
    rng: SplitMix,
    capped: Arc<Mutex<bool>>,
}

impl ByteScheduler {
    /// A scheduler for one execution that takes its choices from `choices`.
    pub fn new(choices: &[u8]) -> Self {
        ByteScheduler {
            choices: choices.to_vec(),
            next: 0,
            steps: 0,
            started: false,
            rng: SplitMix(0x49416),
            capped: Arc::new(Mutex::new(false)),
        }
    }
}

impl Scheduler for ByteScheduler {
    fn new_execution(&mut self) -> Option<Schedule> {
        if std::mem::replace(&mut self.started, true) {
            return None;
        }
        Some(Schedule::new(0))
    }
    fn next_task(&mut self, runnable: &[&Task], current: Option<TaskId>, _is_yielding: bool) -> Option<TaskId> {
        if self.steps == STEP_CAP {
            *self.capped.lock().unwrap() = true;
            return None;
        }
        self.steps += 1;
        if runnable.len() > 1 {
            if let Some(&b) = self.choices.get(self.next) {
                self.next += 1;
                return Some(runnable[b as usize % runnable.len()].id());
            }
        }
        let keep = current.filter(|c| runnable.iter().any(|t| t.id() == *c));
        Some(keep.unwrap_or_else(|| runnable[0].id()))
    }
    fn next_u64(&mut self) -> u64 {
        self.rng.next_u64()
    }
}

/// Runs `scenario` under `policy` and `dispatch` on shuttle, on the schedule `choices` names.
/// `None` when the run passed the step cap.
pub fn run_on_bytes(
    scenario: &Arc<Scenario>,
    policy: Policy,
    dispatch: Dispatch,
    choices: &[u8],
    trace_cap: usize,
) -> Option<Outcome> {
    let scheduler = ByteScheduler::new(choices);
    let capped = scheduler.capped.clone();
    let slot = Arc::new(Mutex::new(None));
    let (s, scenario) = (slot.clone(), scenario.clone());
    crate::engines::run_shuttle(scheduler, move || {
        *s.lock().unwrap() = Some(run_with_trace_cap::<Shuttle>(&scenario, policy, dispatch, trace_cap));
    });
    let outcome = slot.lock().unwrap().take();
    if *capped.lock().unwrap() {
        return None;
    }
    outcome
}

/// One `schedule` input: a scenario, the cell it runs under, and the schedule bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScheduleCase {
    /// The scenario (within [`MAX_BOTS`], [`MAX_MAPS`], [`MAX_TICKS`], [`MAX_PACKETS_PER_TICK`]).
    pub scenario: Scenario,
    /// The policy.
    pub policy: Policy,
    /// The dispatch mode.
    pub dispatch: Dispatch,
    /// What is left of the input: the schedule choices.
    pub choices: Vec<u8>,
}

/// The handled opcodes of each handler kind, in table order (fuzzed packets pick a kind, then
/// one of its opcodes, so rare kinds are as easy to reach as common ones).
fn opcodes_of_kind(kind: HandlerKind) -> &'static [Opcode] {
    static BY_KIND: OnceLock<Vec<Vec<Opcode>>> = OnceLock::new();
    let all = BY_KIND.get_or_init(|| {
        HandlerKind::ALL.iter().map(|&k| OPCODES.iter().map(|i| i.opcode).filter(|o| o.kind() == k).collect()).collect()
    });
    &all[HandlerKind::ALL.iter().position(|&k| k == kind).unwrap()]
}

/// Reads one byte and picks from `options` by it (modulo); an exhausted input reads 0.
fn pick<T: Copy>(u: &mut Unstructured<'_>, options: &[T]) -> T {
    options[u.arbitrary::<u8>().unwrap_or(0) as usize % options.len()]
}

/// The index that [`pick`] (or a two-byte read, for opcodes) turns into `value`.
fn index_of<T: PartialEq + fmt::Debug>(options: &[T], value: &T) -> usize {
    options.iter().position(|o| o == value).unwrap_or_else(|| panic!("{value:?} is not among the options"))
}

/// The byte that [`pick`] reads as `value`.
fn byte_of<T: PartialEq + fmt::Debug>(options: &[T], value: &T) -> u8 {
    index_of(options, value) as u8
}

fn player_start(u: &mut Unstructured<'_>, maps: u8) -> PlayerStart {
    PlayerStart {
        map: u.arbitrary::<u8>().unwrap_or(0) % maps,
        area: pick(u, &AREAS),
        area_update_id: pick(u, &AREAS),
        has_quest: u.arbitrary::<u8>().unwrap_or(0) & 1 == 1,
    }
}

fn encode_player_start(out: &mut Vec<u8>, p: &PlayerStart) {
    out.extend([p.map, byte_of(&AREAS, &p.area), byte_of(&AREAS, &p.area_update_id), p.has_quest as u8]);
}

/// Ticks `1..=ticks` whose bit is set in `mask`.
fn ticks_of_mask(mask: u8, ticks: u32) -> Vec<u32> {
    (1..=ticks).filter(|t| mask & (1 << (t - 1)) != 0).collect()
}

fn mask_of_ticks(ticks: &[u32]) -> u8 {
    ticks.iter().fold(0, |m, t| m | 1 << (t - 1))
}

impl ScheduleCase {
    /// Reads a case. Any bytes make a case: an exhausted input reads zeros. With `racy`, the
    /// cell byte is read and then replaced by [`RACY_CELL`], so both schedule targets share one
    /// input format and one corpus format.
    pub fn decode(data: &[u8], racy: bool) -> ScheduleCase {
        let mut u = Unstructured::new(data);
        let byte = |u: &mut Unstructured<'_>| u.arbitrary::<u8>().unwrap_or(0);
        let (policy, dispatch) = if racy {
            byte(&mut u);
            RACY_CELL
        } else {
            pick(&mut u, safe_cells())
        };
        let bots = 1 + byte(&mut u) as usize % MAX_BOTS;
        let maps = 1 + byte(&mut u) % MAX_MAPS;
        let ticks = 1 + byte(&mut u) as u32 % MAX_TICKS;
        let map_update_ticks = ticks_of_mask(byte(&mut u), ticks);
        let heartbeat_ticks = ticks_of_mask(byte(&mut u), ticks);
        let logout = byte(&mut u) as usize % (bots * ticks as usize + 1);
        let logouts = match logout {
            0 => vec![],
            k => vec![(1 + ((k - 1) / bots) as u32, ((k - 1) % bots) as u8)],
        };
        let mut players = Vec::new();
        let mut traffic = Vec::new();
        for _ in 0..bots {
            players.push(player_start(&mut u, maps));
            let mut per_tick = Vec::new();
            for _ in 0..ticks {
                let n = byte(&mut u) as usize % (MAX_PACKETS_PER_TICK + 1);
                let packets = (0..n)
                    .map(|_| {
                        let of_kind = opcodes_of_kind(pick(&mut u, &HandlerKind::ALL));
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
        }
        let scenario = Scenario {
            name: "fuzzed".to_string(),
            maps,
            players,
            traffic,
            ticks,
            map_update_ticks,
            heartbeat_ticks,
            logouts,
        };
        ScheduleCase { scenario, policy, dispatch, choices: u.take_rest().to_vec() }
    }

    /// The bytes [`ScheduleCase::decode`] reads back as this case. Panics when the case is out of
    /// the fuzzed bounds or holds a value the input format cannot express.
    pub fn encode(&self) -> Vec<u8> {
        let s = &self.scenario;
        let cell = (self.policy, self.dispatch);
        let cell_byte = if cell == RACY_CELL { 0 } else { byte_of(safe_cells(), &cell) };
        let bots = s.players.len();
        assert!(
            (1..=MAX_BOTS).contains(&bots) && (1..=MAX_MAPS).contains(&s.maps) && (1..=MAX_TICKS).contains(&s.ticks)
        );
        assert!(s.logouts.len() <= 1, "at most one logout");
        let logout = s.logouts.first().map_or(0, |&(t, b)| 1 + (t as usize - 1) * bots + b as usize);
        let mut out = vec![
            cell_byte,
            bots as u8 - 1,
            s.maps - 1,
            s.ticks as u8 - 1,
            mask_of_ticks(&s.map_update_ticks),
            mask_of_ticks(&s.heartbeat_ticks),
            logout as u8,
        ];
        for (bot, start) in s.players.iter().enumerate() {
            encode_player_start(&mut out, start);
            for tick in 1..=s.ticks {
                let packets = s.packets(bot, tick);
                assert!(packets.len() <= MAX_PACKETS_PER_TICK);
                out.push(packets.len() as u8);
                for (opcode, p) in packets {
                    out.push(byte_of(&HandlerKind::ALL, &opcode.kind()));
                    out.extend((index_of(opcodes_of_kind(opcode.kind()), opcode) as u16).to_le_bytes());
                    out.extend([byte_of(&SPELLS, &p.spell), byte_of(&AREAS, &p.area), byte_of(&QUESTS, &p.quest)]);
                }
            }
        }
        out.extend(&self.choices);
        out
    }

    /// Runs the case on its schedule. `None` when the run passed the step cap.
    pub fn run(&self, trace_cap: usize) -> Option<Outcome> {
        run_on_bytes(&Arc::new(self.scenario.clone()), self.policy, self.dispatch, &self.choices, trace_cap)
    }

    /// The verdict: under a safe cell, every violation is a finding, `data-race` included;
    /// under [`RACY_CELL`], the race's consequences are (an assert, a use after free, a double
    /// effect, an aura-integrity break): `data-race` itself breaks on every input there, since
    /// nothing is synchronized, and would make every input a find.
    pub fn judge(&self) -> Result<(), Finding> {
        let outcome = self.run(FUZZ_TRACE_CAP).ok_or(Finding::StepCap)?;
        judge_outcome(self.policy, self.dispatch, outcome.check())
    }
}

fn judge_outcome(policy: Policy, dispatch: Dispatch, violations: Vec<Violation>) -> Result<(), Finding> {
    if (policy, dispatch) == RACY_CELL {
        let race = |i: Invariant| {
            matches!(
                i,
                Invariant::Assert | Invariant::UseAfterFree | Invariant::DoubleEffect | Invariant::AuraIntegrity
            )
        };
        match violations.into_iter().find(|v| race(v.invariant)) {
            Some(v) => Err(Finding::Race(v)),
            None => Ok(()),
        }
    } else if violations.is_empty() {
        Ok(())
    } else {
        Err(Finding::Violated { policy, dispatch, violations })
    }
}

/// Whether a decode error says what the bytes of its frame say. A frame is 4 bytes of
/// little-endian opcode value, 1 byte of payload length (at most 12), then the payload.
fn error_fits(e: DecodeError, frame: &[u8]) -> bool {
    let declared = frame.get(4).map(|&n| n as usize);
    match e {
        DecodeError::Truncated { have, need } => {
            have == frame.len() && have < need && (need == 5 || Some(need - 5) == declared)
        }
        DecodeError::PayloadTooLong(n) => Some(n) == declared && n > 12 && frame.len() == 5,
        DecodeError::UnknownOpcode(v) => {
            frame.len() >= 5
                && v == u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]])
                && Opcode::from_value(v).is_err()
        }
    }
}

/// `packets`: the first byte picks a safe cell, the next four the player's start (as in
/// [`ScheduleCase`]), the rest is the wire stream.
///
/// 1. `BotSession::receive_wire` takes the stream (std backend, one session): it must not panic,
///    must give one id per frame in order, must queue exactly the frames that decode (same opcode,
///    same payload), and every frame that does not must carry the error its bytes call for.
/// 2. The first [`WIRE_RUN_PACKETS`] queued packets then run in a world (one bot, one map, the
///    map timer and heartbeats every tick, [`WIRE_PACKETS_PER_TICK`] packets a tick) under the
///    cell: no invariant may break, so each packet ran once or was dropped once with a reason,
///    and the outcome accounts for every one of them.
pub fn judge_packets(data: &[u8]) -> Result<(), Finding> {
    judge_packets_at(data, WIRE_PACKETS_PER_TICK)
}

/// [`judge_packets`] sending `per_tick` packets a tick.
pub fn judge_packets_at(data: &[u8], per_tick: usize) -> Result<(), Finding> {
    let mut u = Unstructured::new(data);
    let (policy, dispatch) = pick(&mut u, safe_cells());
    let start = PlayerStart { map: 0, ..player_start(&mut u, 1) };
    let wire = u.take_rest();

    let ghost = Ghost::new(1, 0);
    let session = BotSession::<Std>::new(0);
    let ids = session.receive_wire(&ghost, Lane::Bot { bot: 0, tick: 0 }, wire);
    let mut queued = std::iter::from_fn(|| session.next(&ghost, Lane::Bot { bot: 0, tick: 0 }, Filter::Bot, true))
        .collect::<Vec<_>>()
        .into_iter();
    let mut packets = Vec::new();
    let (mut offset, mut frames) = (0, 0u32);
    while offset < wire.len() {
        let (frame, used) = decode_wire(&wire[offset..]);
        if !(1..=wire.len() - offset).contains(&used) {
            return Err(Finding::Wire(format!("frame #{frames} at byte {offset}: decode_wire used {used} bytes")));
        }
        match frame {
            Ok((opcode, payload)) => match queued.next() {
                Some(p) if p.id == frames && p.opcode == opcode && p.payload == payload => {
                    packets.push((opcode, payload))
                }
                other => return Err(Finding::Wire(format!("frame #{frames} decodes to {opcode}, queued {other:?}"))),
            },
            Err(e) if !error_fits(e, &wire[offset..offset + used]) => {
                return Err(Finding::Wire(format!("frame #{frames} at byte {offset}: {e} does not fit its bytes")))
            }
            Err(_) => {}
        }
        offset += used;
        frames += 1;
    }
    if ids != (0..frames).collect::<Vec<_>>() {
        return Err(Finding::Wire(format!("{frames} frames, ids {ids:?}")));
    }
    if let Some(extra) = queued.next() {
        return Err(Finding::Wire(format!("queued a packet no frame decodes to: {extra:?}")));
    }

    packets.truncate(WIRE_RUN_PACKETS);
    let ticks = packets.len().div_ceil(per_tick).max(1) as u32;
    let mut traffic: Vec<Vec<_>> = packets.chunks(per_tick).map(|c| c.to_vec()).collect();
    traffic.resize(ticks as usize, Vec::new());
    let scenario = Arc::new(Scenario {
        name: "wire".to_string(),
        maps: 1,
        players: vec![start],
        traffic: vec![traffic],
        ticks,
        map_update_ticks: (1..=ticks).collect(),
        heartbeat_ticks: (1..=ticks).collect(),
        logouts: vec![],
    });
    let outcome = run_on_bytes(&scenario, policy, dispatch, &[], FUZZ_TRACE_CAP).ok_or(Finding::StepCap)?;
    let logged: Vec<_> = outcome.packets.iter().map(|p| p.opcode).collect();
    if logged != packets.iter().map(|(o, _)| Some(*o)).collect::<Vec<_>>() {
        return Err(Finding::Wire(format!("the world received {logged:?}, the wire decoded {packets:?}")));
    }
    if let Some((id, p)) =
        outcome.packets.iter().enumerate().find(|(_, p)| p.rejected.iter().any(|r| matches!(r, Reject::Decode(_))))
    {
        return Err(Finding::Wire(format!("packet #{id} {p:?} decoded, then dropped as undecodable")));
    }
    judge_outcome(policy, dispatch, outcome.check())
}

/// The bytes [`judge_packets`] reads as `cell`, a player start on map 0, and `wire`.
pub fn encode_packets_input(cell: (Policy, Dispatch), start: &PlayerStart, wire: &[u8]) -> Vec<u8> {
    let mut out = vec![byte_of(safe_cells(), &cell)];
    encode_player_start(&mut out, &PlayerStart { map: 0, ..*start });
    out.extend(wire);
    out
}

/// The seed corpus of `target`, as (file name, bytes): the four small named scenarios and a
/// 3-bot, 3-tick cut of `seed-load`, on the fallback schedule (no choice bytes), under every safe
/// cell (`schedule`), or once (`schedule_unsynchronized`, which ignores the cell byte); for
/// `packets`, each small scenario's traffic on the wire, and a stream with one frame of each
/// decode error between valid ones.
pub fn seeds(target: Target) -> Vec<(String, Vec<u8>)> {
    use model::opcodes::encode_wire;
    use model::ScenarioName;
    let mut scenarios: Vec<Scenario> = ScenarioName::SMALL.iter().map(|n| n.build()).collect();
    let mut load = model::scenario::seed_load(MAX_BOTS, MAX_TICKS, MAX_PACKETS_PER_TICK);
    load.name = "seed-load-3x3x6".to_string();
    scenarios.push(load);
    let case = |scenario: &Scenario, (policy, dispatch): (Policy, Dispatch)| {
        ScheduleCase { scenario: scenario.clone(), policy, dispatch, choices: vec![] }.encode()
    };
    match target {
        Target::Schedule => scenarios
            .iter()
            .flat_map(|s| {
                safe_cells()
                    .iter()
                    .map(|&cell| (format!("seed-{}-{}-{}", s.name, cell.0.name(), cell.1.name()), case(s, cell)))
                    .collect::<Vec<_>>()
            })
            .collect(),
        Target::ScheduleUnsynchronized => {
            scenarios.iter().map(|s| (format!("seed-{}", s.name), case(s, RACY_CELL))).collect()
        }
        Target::Packets => {
            let cell = safe_cells()[0];
            let mut out: Vec<_> = scenarios[..ScenarioName::SMALL.len()]
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
