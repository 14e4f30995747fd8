//! The fuzz harness: fuzzer bytes → a case → a run → a verdict. The cargo-fuzz targets in
//! `fuzz/fuzz_targets/` are one-line wrappers of [`Target::fuzz`], and
//! `checks/tests/fuzz_regressions.rs` replays every committed corpus and regression file through
//! [`Target::judge`] on stable, so a fuzzer's find and its replay are the same code.
//!
//! | target | input | judged on |
//! |---|---|---|
//! | `schedule` | a [`ScheduleCase`] under a safe cell (policy, AI placement, dispatch), then schedule bytes | no invariant ever breaks |
//! | `schedule_unsynchronized` | the same case, run `unsynchronized` + fire-and-forget | the race (an assert or a double effect) is what the fuzzer hunts |
//! | `packets` | a safe cell and a player start, then a raw wire stream | decode errors typed, no packet lost or run twice, no invariant breaks |
//!
//! The schedule comes from the input through [`ByteScheduler`]: at every scheduling point with
//! more than one runnable task the next byte picks one; when the bytes run out the running task
//! keeps running (the first runnable one if it blocked), so every input names exactly one
//! schedule; a step cap bounds a run. The byte layout is plain (one byte per choice, taken
//! modulo the number of options, two little-endian bytes for an opcode index), so a case can be
//! written back as bytes ([`ScheduleCase::encode`]) and the seed corpus is generated from the
//! named scenarios.
//!
//! | file | part |
//! |---|---|
//! | this one | the target registry ([`Target`]), the limits, the judge of a run |
//! | [`scheduler`] | [`ByteScheduler`]: fuzz bytes choose the schedule |
//! | [`codec`] | [`ScheduleCase`]: fuzz bytes ↔ scenario, cell and packets |
//! | [`wire`] | the `packets` target's judge of a raw wire stream |
//! | [`corpus`] | the seed corpus of each target |

pub mod codec;
pub mod corpus;
pub mod scheduler;
pub mod wire;

pub use codec::ScheduleCase;
pub use corpus::seeds;
pub use scheduler::{run_on_bytes, ByteScheduler};
pub use wire::{encode_packets_input, judge_packets, judge_packets_at};

use model::player::{AREA_4755, AREA_4756, QUEST_14078, QUEST_14099, SPELL_49416};
use model::quest::QuestStatus as Q;
use model::{AiPlacement, Dispatch, Policy, Violation};
use std::fmt;
use std::sync::OnceLock;

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

/// A cell as the fuzz targets name it: (policy, AI placement, dispatch mode).
pub type FuzzCell = (Policy, AiPlacement, Dispatch);

/// The (policy, AI placement, dispatch) cells whose pinned truth holds on every named scenario
/// ([`crate::expected::safe_cells`]): TrinityCore's own routing with the AI inside
/// `Player::Update` and its group operations queued, behind the barrier (with the AI on the
/// worker, map routing races on the AI scenarios). (Complete deferral behind the barrier keeps every aura invariant, but a
/// removed bot loses its queued packets, so it breaks `exactly-once` on `seed-load` and is not
/// here.) An input picks one in two bytes: the (policy, dispatch) pair among [`safe_pairs`], then
/// the placement among [`safe_placements`] of that pair.
pub fn safe_cells() -> &'static [FuzzCell] {
    static SAFE: OnceLock<Vec<FuzzCell>> = OnceLock::new();
    SAFE.get_or_init(crate::expected::safe_cells)
}

/// The (policy, dispatch) pairs of the [`safe_cells`], each once, in their order.
pub fn safe_pairs() -> &'static [(Policy, Dispatch)] {
    static PAIRS: OnceLock<Vec<(Policy, Dispatch)>> = OnceLock::new();
    PAIRS.get_or_init(|| {
        let mut out: Vec<(Policy, Dispatch)> = Vec::new();
        for &(policy, _, dispatch) in safe_cells() {
            if !out.contains(&(policy, dispatch)) {
                out.push((policy, dispatch));
            }
        }
        out
    })
}

/// The AI placements that make a safe cell with `policy` and `dispatch`, in report order (each
/// pairs with `policy`: [`AiPlacement::pairs_with`]).
pub fn safe_placements(policy: Policy, dispatch: Dispatch) -> Vec<AiPlacement> {
    safe_cells().iter().filter(|c| c.0 == policy && c.2 == dispatch).map(|c| c.1).collect()
}

/// The cell the `schedule_unsynchronized` target runs: the seed's rollback switch with the AI on
/// the bot worker and the fire-and-forget dispatch of the version that carries the fix.
pub const RACY_CELL: FuzzCell = (Policy::UNSYNCHRONIZED, AiPlacement::Worker, Dispatch::FireAndForget);

/// Spell ids a fuzzed packet carries.
pub const SPELLS: [u32; 4] = [0, SPELL_49416, 21562, model::aura::SPELL_PARTY_BUFF];
/// Areas a position or `m_areaUpdateId` takes.
pub const AREAS: [u32; 3] = [0, AREA_4755, AREA_4756];
/// Quest ids a fuzzed packet carries (14099 last, so that the bytes of an input written before
/// it read as before).
pub const QUESTS: [u32; 3] = [0, QUEST_14078, QUEST_14099];
/// The statuses (14078, 14099) a fuzzed player starts with. The first two keep the meaning of the
/// input format's earlier quest byte: 0 was "not in the log" (nothing), 1 "in the log" (then
/// enough for the row: now 14078 rewarded).
pub const QUEST_STARTS: [(Q, Q); 6] = [
    (Q::None, Q::None),
    (Q::Rewarded, Q::None),
    (Q::Complete, Q::None),
    (Q::Incomplete, Q::None),
    (Q::Rewarded, Q::Incomplete),
    (Q::Rewarded, Q::Complete),
];

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

model::named! {
    impl Target {
        /// All targets.
        const ALL;
        /// The name of the target, its file in `fuzz/fuzz_targets/` and its corpus folder.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    Schedule => "schedule",
    ScheduleUnsynchronized => "schedule_unsynchronized",
    Packets => "packets",
}

impl Target {
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
        /// Where the bot AI ran.
        ai: AiPlacement,
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
            Finding::Violated { policy, ai, dispatch, violations } => {
                write!(f, "{} / ai={} / {}:", policy.name(), ai.name(), dispatch.name())?;
                violations.iter().try_for_each(|v| write!(f, " [{v}]"))
            }
            Finding::Race(v) => write!(f, "the race: {v}"),
            Finding::Wire(what) => write!(f, "wire: {what}"),
            Finding::StepCap => write!(f, "the run passed the step cap of {STEP_CAP} scheduling decisions"),
        }
    }
}

fn judge_outcome((policy, ai, dispatch): FuzzCell, violations: Vec<Violation>) -> Result<(), Finding> {
    if (policy, ai, dispatch) == RACY_CELL {
        match violations.into_iter().find(|v| v.invariant.concerns_aura_state()) {
            Some(v) => Err(Finding::Race(v)),
            None => Ok(()),
        }
    } else if violations.is_empty() {
        Ok(())
    } else {
        Err(Finding::Violated { policy, ai, dispatch, violations })
    }
}
