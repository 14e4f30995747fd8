//! What a run produced ([`Outcome`]) and the eight invariants it is judged on: one function per
//! invariant, each beside the invariant it checks, called in [`Invariant::ALL`] order from one
//! exhaustive `match` (a new invariant does not compile until it is decided there), and the
//! families the invariants fall in, as methods of [`Invariant`] (an exhaustive `match` each).

use super::lane::{Event, Integrity, Lane, PacketLog, Run};
use crate::crash::{AssertFailure, Crash};
use crate::opcodes::{Opcode, Place};
use crate::race::Race;
use std::fmt;

/// A player's state at the end of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerEnd {
    /// Map index.
    pub map: u8,
    /// `HasAura(49416)`.
    pub has_aura: bool,
    /// The sum of the modifiers the auras' effects change (49416's and the party buff's).
    pub modifier: u32,
    /// Each application's `_effectMask`.
    pub effect_masks: Vec<u32>,
    /// Deleted by `LogoutPlayer`.
    pub freed: bool,
}

/// Everything a run produced.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// The event trace, in the order the engine ran the events.
    pub trace: Vec<(Lane, Event)>,
    /// Events past the trace cap (not recorded).
    pub trace_dropped: u64,
    /// Every received packet, by id.
    pub packets: Vec<PacketLog>,
    /// Every handler run, in order.
    pub runs: Vec<Run>,
    /// Every crash: tripped asserts and uses after free.
    pub crashes: Vec<(Lane, u8, Crash)>,
    /// The first time one application had its effect applied twice at once: (player, app, lane).
    pub double_effect: Option<(u8, u8, Lane)>,
    /// Every break of the aura lifecycle.
    pub integrity: Vec<(Lane, u8, Integrity)>,
    /// Every data race, in the order found.
    pub races: Vec<Race>,
    /// Ghost count of applied effects per player and application at the end.
    pub active: Vec<Vec<i32>>,
    /// Players at the end.
    pub players: Vec<PlayerEnd>,
    /// Bot sessions still in the manager whose queues were not empty at the end: (bot, receive,
    /// deferred).
    pub undrained: Vec<(u8, usize, usize)>,
}

/// The eight invariants.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Invariant {
    /// No server assert tripped (which file and line if one did).
    Assert,
    /// No thread touched a player after `LogoutPlayer` deleted it, nor the group after
    /// `Group::Disband` deleted it.
    UseAfterFree,
    /// No application had its effect applied twice at once (both threads past line 174), and at
    /// the end the modifier, the effect masks and the ghost counts agree.
    DoubleEffect,
    /// The aura lifecycle holds: never two auras of 49416 applied on one player at once, never an
    /// effect applied on a removed aura, never two threads in one aura container at once.
    AuraIntegrity,
    /// Every received packet ran exactly once or was dropped once with a recorded reason; none was
    /// lost with an erased session or run twice; the queues are empty at the end.
    ExactlyOnce,
    /// A session's state-changing packets ran in the order they were received.
    Order,
    /// No two accesses to one plain server field race: whenever two threads touch one field and
    /// one of them writes, one access happens before the other through a spawn, a join or a
    /// mutex (the happens-before detector, [`crate::race`]). In C++ every schedule that breaks
    /// it is undefined behaviour, whether or not an assert trips.
    DataRace,
    /// Every handler that touches shared game state ran where TrinityCore's placement rule puts
    /// it: the world thread, or the worker of the player's map for an opcode TrinityCore lets that
    /// worker run (THREADSAFE or INPLACE); never on a bot worker. Conformance to the server's
    /// rule of which thread may run which opcode, judged from where each handler ran; it says
    /// nothing of whether two accesses raced (that is `data-race`).
    Placement,
}

named! {
    impl Invariant {
        /// All eight, in report order.
        const ALL;
        /// The invariant's name.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    Assert => "assert",
    UseAfterFree => "use-after-free",
    DoubleEffect => "double-effect",
    AuraIntegrity => "aura-integrity",
    ExactlyOnce => "exactly-once",
    Order => "order",
    DataRace => "data-race",
    Placement => "placement",
}

impl Invariant {
    /// True for the invariants about the aura state and the player it lives on (`assert`,
    /// `use-after-free`, `double-effect`, `aura-integrity`): the race the seed's fix was written
    /// against. Their counterexamples keep the player's state accesses, and the fuzzer's racy
    /// cell hunts exactly these.
    pub fn concerns_aura_state(self) -> bool {
        match self {
            Invariant::Assert | Invariant::UseAfterFree | Invariant::DoubleEffect | Invariant::AuraIntegrity => true,
            Invariant::ExactlyOnce | Invariant::Order | Invariant::DataRace | Invariant::Placement => false,
        }
    }

    /// True for the invariants that speak of a server that goes on (`exactly-once`, `order`):
    /// they are not judged when the server crashed.
    pub fn needs_a_running_server(self) -> bool {
        match self {
            Invariant::ExactlyOnce | Invariant::Order => true,
            Invariant::Assert
            | Invariant::UseAfterFree
            | Invariant::DoubleEffect
            | Invariant::AuraIntegrity
            | Invariant::DataRace
            | Invariant::Placement => false,
        }
    }
}

impl fmt::Display for Invariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A broken invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    /// Which invariant.
    pub invariant: Invariant,
    /// The tripped assert, for `assert`.
    pub assert: Option<AssertFailure>,
    /// The two accesses, for `data-race`.
    pub race: Option<Race>,
    /// The player (or bot) it concerns.
    pub subject: Option<u8>,
    /// What happened.
    pub message: String,
}

impl Violation {
    /// A violation with no assert line and no race: every invariant but `assert` and
    /// `data-race`, which carry theirs.
    fn of(invariant: Invariant, subject: u8, message: String) -> Violation {
        Violation { invariant, assert: None, race: None, subject: Some(subject), message }
    }
    /// The server file and line it points at: the assert's line, or the declaration of the field
    /// a data race is on.
    pub fn source(&self) -> Option<(&'static str, u32)> {
        match (self.assert, self.race) {
            (Some(a), _) => Some((a.file(), a.line())),
            (None, Some(r)) => Some((r.location.site.file(), r.location.site.line())),
            (None, None) => None,
        }
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.assert {
            Some(a) => write!(f, "{a}"),
            None => write!(f, "{}: {}", self.invariant, self.message),
        }
    }
}

impl Outcome {
    /// True when some thread crashed: the server is down.
    pub fn crashed(&self) -> bool {
        !self.crashes.is_empty()
    }

    /// Judges the run on the eight invariants; the violations come in [`Invariant::ALL`] order,
    /// one per broken invariant (its first instance). For `assert`, every distinct tripped
    /// assert gives one violation, in the order they tripped. When the server crashed, the
    /// invariants that [speak of a server that goes on](Invariant::needs_a_running_server)
    /// (`exactly-once`, `order`) are not judged, nor the end-state agreement of `double-effect`.
    pub fn check(&self) -> Vec<Violation> {
        self.judge(true)
    }

    /// [`Outcome::check`] with the messages left empty unless `describe`: what an exploration
    /// calls on every schedule, describing only the ones whose counterexample it keeps.
    pub fn judge(&self, describe: bool) -> Vec<Violation> {
        let m = Describe(describe);
        let crashed = self.crashed();
        let judged = Invariant::ALL.into_iter().filter(|i| !(crashed && i.needs_a_running_server()));
        judged.flat_map(|i| self.violations_of(i, m)).collect()
    }

    /// The violations of one invariant: the one place each invariant's check is called.
    fn violations_of(&self, invariant: Invariant, m: Describe) -> Vec<Violation> {
        match invariant {
            Invariant::Assert => assert(self, m),
            Invariant::UseAfterFree => use_after_free(self, m).into_iter().collect(),
            Invariant::DoubleEffect => double_effect(self, m).into_iter().collect(),
            Invariant::AuraIntegrity => aura_integrity(self, m).into_iter().collect(),
            Invariant::ExactlyOnce => exactly_once(self, m).into_iter().collect(),
            Invariant::Order => order(self, m).into_iter().collect(),
            Invariant::DataRace => data_race(self, m).into_iter().collect(),
            Invariant::Placement => placement(self, m).into_iter().collect(),
        }
    }
}

/// Whether a judgement writes its violations' messages. An exploration judges every schedule
/// it runs and describes only the ones whose counterexample it keeps, so a message is formatted
/// only when asked for.
#[derive(Clone, Copy)]
struct Describe(bool);

impl Describe {
    /// The message `text` formats when describing; an empty string, without calling `text`,
    /// otherwise.
    fn message(self, text: impl FnOnce() -> String) -> String {
        if self.0 {
            text()
        } else {
            String::new()
        }
    }
}

/// `assert`: no server assert tripped. Every distinct tripped assert (file, line and condition)
/// is one violation, in the order it first tripped, naming the player and the thread it tripped
/// on.
fn assert(o: &Outcome, m: Describe) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut seen = Vec::new();
    for &(lane, player, crash) in &o.crashes {
        if let Crash::Assert(failure) = crash {
            if !seen.contains(&failure) {
                seen.push(failure);
                out.push(Violation {
                    invariant: Invariant::Assert,
                    assert: Some(failure),
                    race: None,
                    subject: Some(player),
                    message: m.message(|| format!("{failure} on {lane}")),
                });
            }
        }
    }
    out
}

/// `use-after-free`: no thread touched a player after `LogoutPlayer` deleted it
/// (`Map::RemovePlayerFromMap(_player, true)`), nor the group after `Group::Disband` deleted it
/// (`delete this`, Group.cpp:799). The first such touch is the violation.
fn use_after_free(o: &Outcome, m: Describe) -> Option<Violation> {
    let &(lane, player, crash) = o.crashes.iter().find(|c| c.2.is_use_after_free())?;
    Some(Violation::of(
        Invariant::UseAfterFree,
        player,
        m.message(|| match crash {
            Crash::GroupUseAfterFree { .. } => {
                format!("{lane} touched the group in p{player}'s leave after Group::Disband deleted it")
            }
            _ => format!("{lane} touched p{player} after LogoutPlayer deleted it ({crash})"),
        }),
    ))
}

/// `double-effect`: never one effect applied twice on one application at once (both threads
/// past SpellAuras.cpp:174 with no assert); the first time it happened is the violation. When it
/// never did and the server did not crash, at the end of the run every player still allocated
/// has its modifier, its applications' effect bits and the ghost's count of applied effects
/// agree, in total and per application; the first player where they do not is the violation.
fn double_effect(o: &Outcome, m: Describe) -> Option<Violation> {
    if let Some((player, app, lane)) = o.double_effect {
        return Some(Violation::of(
            Invariant::DoubleEffect,
            player,
            m.message(|| {
                format!("effect 0 of 49416 applied twice on p{player}'s app#{app} (second by {lane}) with no assert")
            }),
        ));
    }
    if o.crashed() {
        return None;
    }
    for (p, end) in o.players.iter().enumerate() {
        if end.freed {
            continue;
        }
        let ghost: i32 = o.active[p].iter().sum();
        let masks: i32 = end.effect_masks.iter().map(|m| (m & 1) as i32).sum();
        let per_app = end
            .effect_masks
            .iter()
            .enumerate()
            .all(|(a, m)| (m & 1) as i32 == o.active[p].get(a).copied().unwrap_or(0));
        if end.modifier as i64 != ghost as i64 || !per_app {
            return Some(Violation::of(
                Invariant::DoubleEffect,
                p as u8,
                m.message(|| {
                    format!(
                        "p{p}: modifier {} and {masks} effect bit(s) set disagree with {ghost} applied effect(s)",
                        end.modifier
                    )
                }),
            ));
        }
    }
    None
}

/// `aura-integrity`: the aura lifecycle holds: never two auras of 49416 applied on one player at
/// once, never an effect applied on a removed aura, never two threads in one aura container at
/// once. The first break of the lifecycle the ghost recorded is the violation.
fn aura_integrity(o: &Outcome, m: Describe) -> Option<Violation> {
    let &(lane, player, what) = o.integrity.first()?;
    Some(Violation::of(Invariant::AuraIntegrity, player, m.message(|| format!("p{player}: {what} (by {lane})"))))
}

/// `data-race`: no two accesses to one plain server field race: whenever two threads touch one
/// field and one of them writes, one access happens before the other through a spawn, a join or
/// a mutex. The happens-before detector ([`crate::race`]) found the races as the run went; the
/// first one is the violation, with both accesses.
fn data_race(o: &Outcome, m: Describe) -> Option<Violation> {
    let race = o.races.first()?;
    Some(Violation {
        invariant: Invariant::DataRace,
        assert: None,
        race: Some(*race),
        subject: Some(race.location.owner),
        message: m.message(|| race.to_string()),
    })
}

/// `exactly-once`: every received packet ran exactly once or was dropped once with a recorded
/// reason; none was lost with an erased session or ran twice; and no bot session still in the
/// manager has packets left in its queues at the end. The first packet that broke it is the
/// violation (a lost packet says how many were lost in all), else the first session left
/// undrained. It speaks of a server that goes on, so it is not judged when the server crashed
/// ([`Invariant::needs_a_running_server`]).
fn exactly_once(o: &Outcome, m: Describe) -> Option<Violation> {
    let bad = o.packets.iter().enumerate().find(|(_, p)| p.lost.is_some() || p.ran + p.rejected.len() as u32 != 1);
    if let Some((id, p)) = bad {
        let what = match p.lost {
            Some(why) => format!("lost: the session was erased with it queued ({})", why.text()),
            None if p.ran + p.rejected.len() as u32 == 0 => "lost".to_string(),
            None => format!("ran {} time(s), dropped {} time(s)", p.ran, p.rejected.len()),
        };
        let lost = o.packets.iter().filter(|p| p.lost.is_some()).count();
        let more = if lost > 1 { format!(" ({lost} packets lost in all)") } else { String::new() };
        return Some(Violation::of(
            Invariant::ExactlyOnce,
            p.bot,
            m.message(|| {
                format!(
                    "bot{} packet #{id} {}: {what}{more}",
                    p.bot,
                    p.opcode.map(|o| o.name()).unwrap_or("(undecodable)")
                )
            }),
        ));
    }
    let &(bot, recv, deferred) = o.undrained.first()?;
    Some(Violation::of(
        Invariant::ExactlyOnce,
        bot,
        m.message(|| format!("bot{bot} queues not drained: {recv} received, {deferred} deferred")),
    ))
}

/// `order`: a session's state-changing packets ran in the order they were received (their ids
/// are the receive order). The first run of such a packet after one received later, in the same
/// session, is the violation. It speaks of a server that goes on, so it is not judged when the
/// server crashed ([`Invariant::needs_a_running_server`]).
fn order(o: &Outcome, m: Describe) -> Option<Violation> {
    let mut last: Vec<Option<(u32, Opcode)>> = vec![None; o.players.len()];
    for r in &o.runs {
        if !r.kind.changes_state() {
            continue;
        }
        if let Some((prev, prev_op)) = last[r.bot as usize] {
            if r.id < prev {
                return Some(Violation::of(
                    Invariant::Order,
                    r.bot,
                    m.message(|| {
                        format!(
                            "bot{} ran #{} {} after #{prev} {prev_op}, which it received later",
                            r.bot, r.id, r.opcode
                        )
                    }),
                ));
            }
        }
        last[r.bot as usize] = Some((r.id, r.opcode));
    }
    None
}

/// `placement`: every handler that touches shared game state ran where TrinityCore's placement
/// rule puts it: the world thread, or the worker of the player's own map for an opcode
/// TrinityCore lets that worker run (THREADSAFE or INPLACE, not THREADUNSAFE); never on a bot
/// worker. It judges conformance to the server's rule from where each handler ran, not whether
/// two accesses raced (that is `data-race`). The first misplaced run is the violation.
fn placement(o: &Outcome, m: Describe) -> Option<Violation> {
    for r in &o.runs {
        if !r.kind.touches_shared_state() {
            continue;
        }
        let ok = match r.lane {
            Lane::World => true,
            Lane::Map { map, .. } => map == r.player_map && r.opcode.info().place != Place::ThreadUnsafe,
            Lane::Bot { .. } => false,
        };
        if !ok {
            return Some(Violation::of(
                Invariant::Placement,
                r.bot,
                m.message(|| {
                    format!(
                        "#{} {} ({}, {}) ran on {} ({})",
                        r.id,
                        r.opcode,
                        r.kind.name(),
                        r.opcode.info().place.tc_name(),
                        r.lane,
                        r.lane.kind().name()
                    )
                }),
            ));
        }
    }
    None
}
