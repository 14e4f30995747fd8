//! The tally of one exploration: schedules, violations by invariant, assert line and race kind,
//! and the first counterexample of each, collected across executions.

use super::{replay, Cell, Counterexample};
use model::outcome::{Event, Lane};
use model::race::{Race, RaceKey};
use model::{AssertFailure, Invariant, Outcome, Violation};
use std::collections::BTreeMap;

/// What the schedules of one exploration did, collected across executions.
#[derive(Default)]
pub(super) struct Tally {
    pub(super) schedules: u64,
    pub(super) violating: BTreeMap<Invariant, u64>,
    pub(super) first: BTreeMap<Invariant, Counterexample>,
    pub(super) assert_lines: BTreeMap<AssertFailure, u64>,
    pub(super) first_by_line: BTreeMap<AssertFailure, Counterexample>,
    pub(super) race_kinds: BTreeMap<RaceKey, u64>,
    pub(super) first_by_race: BTreeMap<RaceKey, Race>,
}

impl Tally {
    /// Judges one execution's outcome. Returns true when it showed an invariant broken, or an
    /// assert line tripped, for the first time (its schedule is worth keeping).
    pub(super) fn record(&mut self, outcome: Outcome) -> bool {
        self.schedules += 1;
        let index = self.schedules;
        let mut new = false;
        let example = |v: &Violation| Counterexample {
            violation: v.clone(),
            schedule_index: index,
            trace: outcome.trace.clone(),
            schedule: None,
            preemptions: None,
        };
        // Judged without messages; described (in the same order) only when a counterexample is
        // kept.
        let violations = outcome.judge(false);
        let mut described: Option<Vec<Violation>> = None;
        let mut counted = Vec::new();
        for (i, v) in violations.iter().enumerate() {
            if !counted.contains(&v.invariant) {
                counted.push(v.invariant);
                *self.violating.entry(v.invariant).or_default() += 1;
            }
            if let Some(a) = v.assert {
                *self.assert_lines.entry(a).or_default() += 1;
                if let std::collections::btree_map::Entry::Vacant(e) = self.first_by_line.entry(a) {
                    new = true;
                    e.insert(example(&described.get_or_insert_with(|| outcome.check())[i]));
                }
            }
            if let std::collections::btree_map::Entry::Vacant(e) = self.first.entry(v.invariant) {
                new = true;
                e.insert(example(&described.get_or_insert_with(|| outcome.check())[i]));
            }
        }
        // Every kind of race the run showed, not only its first: counted once per schedule.
        let mut kinds: Vec<RaceKey> = Vec::new();
        for race in &outcome.races {
            let key = race.key();
            if !kinds.contains(&key) {
                kinds.push(key);
                *self.race_kinds.entry(key).or_default() += 1;
                self.first_by_race.entry(key).or_insert(*race);
            }
        }
        new
    }

    /// Every kept counterexample.
    pub(super) fn examples(&mut self) -> impl Iterator<Item = &mut Counterexample> {
        self.first.values_mut().chain(self.first_by_line.values_mut())
    }

    /// Gives every counterexample the trace of its execution, by replaying its schedule (shuttle
    /// explores without recording traces: a quarter of a run's time goes into the trace).
    pub(super) fn attach_traces(&mut self, cell: Cell) {
        let mut traces: BTreeMap<u64, Vec<(Lane, Event)>> = BTreeMap::new();
        for c in self.examples() {
            let Some(schedule) = &c.schedule else { continue };
            let trace = traces
                .entry(c.schedule_index)
                .or_insert_with(|| replay(cell, schedule).map(|o| o.trace).unwrap_or_default());
            c.trace.clone_from(trace);
        }
    }

    /// Gives every counterexample the schedule string of its execution and its preemptions.
    pub(super) fn attach_schedules(&mut self, schedules: &BTreeMap<u64, (String, usize)>) {
        for c in self.examples() {
            if let Some((s, p)) = schedules.get(&c.schedule_index) {
                c.schedule = Some(s.clone());
                c.preemptions = Some(*p);
            }
        }
    }
}
