//! The byte scheduler: fuzz bytes choose the schedule. At every scheduling point with more than
//! one runnable task the next byte picks one; when the bytes run out the running task keeps
//! running (the first runnable one if it blocked), so every input names exactly one schedule; a
//! step cap bounds a run.

use super::*;
use crate::explore::{last_outcome, Play, ShuttleEngine};
use model::scenario::SplitMix;
use model::{AiPlacement, Dispatch, Outcome, Policy, Scenario};
use shuttle::scheduler::{Schedule, Scheduler, Task, TaskId};
use std::sync::{Arc, Mutex};

/// A shuttle scheduler that takes its choices from fuzzer bytes. One execution per scheduler.
#[derive(Debug)]
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

/// Runs `scenario` under `policy`, `ai` and `dispatch` on shuttle, on the schedule `choices` names.
/// `None` when the run passed the step cap.
pub fn run_on_bytes(
    scenario: &Arc<Scenario>,
    policy: Policy,
    ai: AiPlacement,
    dispatch: Dispatch,
    choices: &[u8],
    trace_cap: usize,
) -> Option<Outcome> {
    let scheduler = ByteScheduler::new(choices);
    let capped = scheduler.capped.clone();
    let play = Play::new(scenario.clone(), policy, ai, dispatch).trace_cap(trace_cap);
    let outcome = last_outcome(ShuttleEngine(scheduler), play);
    if *capped.lock().unwrap() {
        return None;
    }
    outcome
}
