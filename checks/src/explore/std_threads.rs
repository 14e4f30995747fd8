//! Real OS threads: the model's own [`model::sync::Std`] backend, run repeatedly. What they find
//! depends on the machine's timing, so this checker is not in the default matrix.

use super::play::{each_outcome, Engine, Play};
use super::tally::Tally;
use super::Cell;
use model::sync::Std;

/// OS threads, `runs` runs one after another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StdEngine {
    /// How many runs.
    pub runs: usize,
}

impl Engine for StdEngine {
    type Backend = Std;
    fn run(self, body: impl Fn() + Send + Sync + 'static) {
        for _ in 0..self.runs {
            body();
        }
    }
}

/// Runs `cell` `runs` times on OS threads.
pub(super) fn explore_std(cell: Cell, runs: usize) -> Tally {
    each_outcome(StdEngine { runs }, Play::of(cell), Tally::default(), |tally, outcome| {
        tally.record(outcome);
    })
}
