//! The ghost recorder: the state the server does not have and the checkers need, recorded by
//! every thread of a run behind one `std` mutex, and taken into an [`Outcome`] at the end.

use super::invariants::{Outcome, PlayerEnd};
use super::lane::{Container, Event, Integrity, Lane, PacketLog, Refusal, Reject, Run};
use crate::crash::{AssertFailure, Crash};
use crate::opcodes::Opcode;
use crate::race::{Access, Detector, Kind, Location, LockId, Race};
use std::sync::{Arc, Mutex, MutexGuard, TryLockError};

/// Ghost bookkeeping of one application.
#[derive(Clone, Copy, Default, Debug)]
struct AppGhost {
    aura: u8,
    /// The spell of its aura ([`crate::aura::AuraSpell`] as `u8`).
    spell: u8,
    /// Effects applied on it right now, counted by `HandleEffect` calls.
    active: i32,
    /// Its remove mode was set.
    removing: bool,
}

#[derive(Default)]
struct PlayerGhost {
    apps: Vec<AppGhost>,
    removed_auras: Vec<bool>,
    inside: [Option<Lane>; 2],
    freed: bool,
}

impl PlayerGhost {
    /// The bookkeeping of application `app`, created on first use.
    fn app(&mut self, app: u8) -> &mut AppGhost {
        if self.apps.len() <= app as usize {
            self.apps.resize(app as usize + 1, AppGhost::default());
        }
        &mut self.apps[app as usize]
    }
}

#[derive(Default)]
struct GhostState {
    trace: Vec<(Lane, Event)>,
    trace_cap: usize,
    trace_dropped: u64,
    packets: Vec<PacketLog>,
    runs: Vec<Run>,
    players: Vec<PlayerGhost>,
    double: Option<(u8, u8, Lane)>,
    integrity: Vec<(Lane, u8, Integrity)>,
    crashes: Vec<(Lane, u8, Crash)>,
    /// The group was deleted (`Group::Disband`, `delete this`).
    group_freed: bool,
    /// The world tick the world thread is in.
    tick: u32,
    /// The happens-before detector; `None` when the run does not look for races.
    detector: Option<Detector>,
}

impl GhostState {
    fn push(&mut self, lane: Lane, event: Event) {
        if self.trace.len() < self.trace_cap {
            self.trace.push((lane, event));
        } else {
            self.trace_dropped += 1;
        }
    }
    fn check_access(&mut self, location: Location, lane: Lane, kind: Kind, at: &'static std::panic::Location<'static>) {
        let Some(d) = self.detector.as_mut() else { return };
        let seq = (self.trace.len() as u64 + self.trace_dropped) as u32;
        if let Some(race) = d.access(location, Access { lane, kind, at, seq }) {
            self.push(lane, Event::DataRace(race));
        }
    }
    fn integrity(&mut self, lane: Lane, player: u8, what: Integrity) {
        self.push(lane, Event::Integrity { player, what });
        self.integrity.push((lane, player, what));
    }
}

/// Trace events reserved up front (a small scenario's run records about a hundred).
const TRACE_RESERVE: usize = 256;

/// The ghost recorder of one run, shared by every thread of the run.
#[derive(Clone)]
pub struct Ghost(Arc<Mutex<GhostState>>);

/// A summary of what the run recorded so far (the trace itself is [`Ghost::events`]). It only
/// tries the recorder's lock, so it cannot block or deadlock a thread that holds it.
impl std::fmt::Debug for Ghost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut out = f.debug_struct("Ghost");
        let state = match self.0.try_lock() {
            Ok(state) => Some(state),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        match state {
            Some(state) => out
                .field("tick", &state.tick)
                .field("events", &state.trace.len())
                .field("events_dropped", &state.trace_dropped)
                .field("packets", &state.packets.len())
                .field("players", &state.players.len())
                .field("detector", &state.detector.is_some()),
            None => out.field("state", &format_args!("<locked>")),
        };
        out.finish_non_exhaustive()
    }
}

impl Ghost {
    /// A recorder for `players` players, keeping at most `trace_cap` trace events, with the
    /// data-race detector.
    pub fn new(players: usize, trace_cap: usize) -> Self {
        Self::with_detector(players, trace_cap, true)
    }
    /// [`Ghost::new`], with or without the data-race detector (without it, `data-race` cannot
    /// break: for measuring what the detector costs).
    pub fn with_detector(players: usize, trace_cap: usize, detect: bool) -> Self {
        Ghost(Arc::new(Mutex::new(GhostState {
            detector: detect.then(Detector::default),
            trace_cap,
            // One allocation for a small scenario's whole trace, not a dozen as it grows.
            trace: Vec::with_capacity(trace_cap.min(TRACE_RESERVE)),
            players: (0..players).map(|_| PlayerGhost::default()).collect(),
            ..Default::default()
        })))
    }
    fn state(&self) -> MutexGuard<'_, GhostState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
    /// The world thread starts tick `tick`.
    pub fn set_tick(&self, tick: u32) {
        self.state().tick = tick;
    }
    /// Appends a trace event.
    pub fn event(&self, lane: Lane, event: Event) {
        self.state().push(lane, event);
    }
    /// Runs `f` on the detector, when the run has one.
    fn detect(&self, f: impl FnOnce(&mut Detector)) {
        if let Some(d) = self.state().detector.as_mut() {
            f(d);
        }
    }
    /// `parent` starts `child` (a happens-before edge).
    pub fn fork(&self, parent: Lane, child: Lane) {
        self.detect(|d| d.fork(parent, child));
    }
    /// `parent` joined `child` (a happens-before edge).
    pub fn join(&self, parent: Lane, child: Lane) {
        self.detect(|d| d.join(parent, child));
    }
    /// `lane` acquired `lock`.
    pub fn acquire(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.acquire(lane, lock));
    }
    /// `lane` released `lock`.
    pub fn release(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.release(lane, lock));
    }
    /// `lane` took `lock` shared (a reader).
    pub fn acquire_shared(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.acquire_shared(lane, lock));
    }
    /// `lane` released its shared hold of `lock`.
    pub fn release_shared(&self, lane: Lane, lock: LockId) {
        self.detect(|d| d.release_shared(lane, lock));
    }
    /// `lane` accessed `location` from the model line `at`.
    pub fn access(&self, lane: Lane, location: Location, kind: Kind, at: &'static std::panic::Location<'static>) {
        self.state().check_access(location, lane, kind, at);
    }
    /// [`Ghost::access`] and the trace event `event`, under one lock of the recorder.
    pub fn access_as(
        &self,
        lane: Lane,
        location: Location,
        kind: Kind,
        at: &'static std::panic::Location<'static>,
        event: Event,
    ) {
        let mut s = self.state();
        s.push(lane, event);
        s.check_access(location, lane, kind, at);
    }
    /// The data races found so far.
    pub fn races(&self) -> Vec<Race> {
        self.state().detector.as_ref().map(|d| d.races().to_vec()).unwrap_or_default()
    }
    /// The trace recorded so far.
    pub fn events(&self) -> Vec<(Lane, Event)> {
        self.state().trace.clone()
    }
    /// Records a tripped assert and hands back the crash.
    pub fn trip(&self, lane: Lane, player: u8, failure: AssertFailure) -> Crash {
        self.crash(lane, player, Crash::Assert(failure))
    }
    /// Records a crash and hands it back.
    pub fn crash(&self, lane: Lane, player: u8, crash: Crash) -> Crash {
        let mut s = self.state();
        s.push(lane, Event::Crash { player, crash });
        s.crashes.push((lane, player, crash));
        crash
    }
    /// `new UnitAura` of aura `aura` on `player`.
    pub fn aura_created(&self, lane: Lane, player: u8, aura: u8) {
        self.event(lane, Event::AuraCreated { player, aura });
    }
    /// Aura `aura` of `player` got `m_isRemoved`.
    pub fn aura_removed(&self, lane: Lane, player: u8, aura: u8) {
        let mut s = self.state();
        s.push(lane, Event::AuraRemoved { player, aura });
        let g = &mut s.players[player as usize];
        if g.removed_auras.len() <= aura as usize {
            g.removed_auras.resize(aura as usize + 1, false);
        }
        g.removed_auras[aura as usize] = true;
    }
    /// Application `app` of `player` got its remove mode.
    pub fn remove_mode_set(&self, lane: Lane, player: u8, app: u8) {
        let mut s = self.state();
        s.push(lane, Event::RemoveMode { player, app });
        s.players[player as usize].app(app).removing = true;
    }
    /// A thread starts writing `which` of `player`: two at once break `aura-integrity`.
    pub fn container_enter(&self, lane: Lane, player: u8, which: Container) {
        let mut s = self.state();
        let slot = which as usize;
        match s.players[player as usize].inside[slot] {
            Some(other) if other != lane => s.integrity(lane, player, Integrity::ConcurrentContainer { which, other }),
            _ => s.players[player as usize].inside[slot] = Some(lane),
        }
    }
    /// The thread is done writing `which`.
    pub fn container_exit(&self, lane: Lane, player: u8, which: Container) {
        let mut s = self.state();
        let inside = &mut s.players[player as usize].inside[which as usize];
        if *inside == Some(lane) {
            *inside = None;
        }
    }
    /// `HandleEffect(.., true)` ran on application `app` (of aura `aura`, of spell `spell`) of
    /// `player`: the same effect twice on one application is `double-effect`; an effect on a
    /// removed aura, or two applications of one spell with their effect at once, is
    /// `aura-integrity`.
    pub fn effect_applied(&self, lane: Lane, player: u8, app: u8, aura: u8, spell: u8) {
        let mut s = self.state();
        let g = &mut s.players[player as usize];
        g.app(app).aura = aura;
        g.app(app).spell = spell;
        g.app(app).active += 1;
        let twice = g.apps[app as usize].active > 1;
        let removed = g.apps[app as usize].removing || g.removed_auras.get(aura as usize).copied().unwrap_or(false);
        let other = g
            .apps
            .iter()
            .enumerate()
            .find(|(i, a)| *i != app as usize && a.active > 0 && a.spell == spell)
            .map(|(i, _)| i as u8);
        if twice && s.double.is_none() {
            s.double = Some((player, app, lane));
        }
        if removed {
            s.integrity(lane, player, Integrity::EffectOnRemovedAura { app });
        }
        if let Some(first) = other {
            s.integrity(lane, player, Integrity::TwoAuras { first, second: app });
        }
    }
    /// `HandleEffect(.., false)` ran on application `app` of `player`.
    pub fn effect_removed(&self, player: u8, app: u8) {
        let mut s = self.state();
        s.players[player as usize].app(app).active -= 1;
    }
    /// `Map::RemovePlayerFromMap(_player, true)` deleted `player`.
    pub fn free(&self, lane: Lane, player: u8) {
        let mut s = self.state();
        s.push(lane, Event::PlayerFreed { player });
        s.players[player as usize].freed = true;
    }
    /// True once `player` was deleted.
    pub fn freed(&self, player: u8) -> bool {
        self.state().players[player as usize].freed
    }
    /// `Group::Disband` deleted the group (`delete this`, Group.cpp:799) in `player`'s leave.
    pub fn free_group(&self, lane: Lane, player: u8) {
        let mut s = self.state();
        s.push(lane, Event::GroupFreed { player });
        s.group_freed = true;
    }
    /// True once the group was deleted.
    pub fn group_freed(&self) -> bool {
        self.state().group_freed
    }
    /// A packet entered `bot`'s receive queue; returns its id.
    pub fn received(&self, lane: Lane, bot: u8, opcode: Option<Opcode>) -> u32 {
        let mut s = self.state();
        let id = s.packets.len() as u32;
        // A bot's update sends the next tick's packets (tick 0 stands for the bots' side before
        // the first tick); the world thread receives a tick's packets at its start.
        let sent_for = match lane {
            Lane::Bot { tick, .. } => tick + 1,
            _ => s.tick.max(1),
        };
        s.packets.push(PacketLog { bot, opcode, ran: 0, rejected: Vec::new(), lost: None, sent_for, ran_in: None });
        if let Some(opcode) = opcode {
            s.push(lane, Event::Received { bot, id, opcode });
        }
        id
    }
    /// A packet's handler starts.
    pub fn ran(&self, run: Run) {
        let mut s = self.state();
        let tick = match run.lane {
            Lane::Bot { tick, .. } | Lane::Map { tick, .. } => tick,
            Lane::World => s.tick,
        };
        s.packets[run.id as usize].ran += 1;
        s.packets[run.id as usize].ran_in = Some(tick);
        s.runs.push(run);
        s.push(run.lane, Event::Handled { bot: run.bot, id: run.id, opcode: run.opcode });
    }
    /// A packet was dropped.
    pub fn rejected(&self, lane: Lane, bot: u8, id: u32, reason: Reject) {
        let mut s = self.state();
        s.packets[id as usize].rejected.push(reason);
        s.push(lane, Event::Rejected { bot, id, reason });
    }
    /// A packet went with its erased session.
    pub fn lost(&self, lane: Lane, bot: u8, id: u32, opcode: Opcode, why: Refusal) {
        let mut s = self.state();
        s.packets[id as usize].lost = Some(why);
        s.push(lane, Event::Lost { bot, id, opcode });
    }
    /// Packets that have run, been dropped or been lost so far.
    pub fn progress(&self) -> usize {
        let s = self.state();
        s.runs.len() + s.packets.iter().map(|p| p.rejected.len() + p.lost.is_some() as usize).sum::<usize>()
    }
    /// True once any thread crashed (the server is down).
    pub fn crashed(&self) -> bool {
        !self.state().crashes.is_empty()
    }
    /// The first crash of the run, if any.
    pub fn first_crash(&self) -> Option<Crash> {
        self.state().crashes.first().map(|c| c.2)
    }
    /// Takes the recorded ghost state into an outcome.
    pub(crate) fn finish(&self, players: Vec<PlayerEnd>, undrained: Vec<(u8, usize, usize)>) -> Outcome {
        let mut s = self.state();
        Outcome {
            trace: std::mem::take(&mut s.trace),
            trace_dropped: s.trace_dropped,
            packets: std::mem::take(&mut s.packets),
            runs: std::mem::take(&mut s.runs),
            crashes: std::mem::take(&mut s.crashes),
            double_effect: s.double,
            integrity: std::mem::take(&mut s.integrity),
            races: s.detector.as_ref().map(|d| d.races().to_vec()).unwrap_or_default(),
            active: s.players.iter().map(|g| g.apps.iter().map(|a| a.active).collect()).collect(),
            players,
            undrained,
        }
    }
}
