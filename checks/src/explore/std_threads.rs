//! Real OS threads: the model's own [`model::sync::Std`] backend, run repeatedly. What they find
//! depends on the machine's timing, so this checker is not in the default matrix.

use super::tally::Tally;
use super::Cell;
use model::sync::Std;
use model::world::run;
use std::sync::Arc;

/// Runs `cell` `runs` times on OS threads.
pub(super) fn explore_std(cell: Cell, runs: usize) -> Tally {
    let scenario = Arc::new(cell.scenario.build());
    let mut tally = Tally::default();
    for _ in 0..runs {
        tally.record(run::<Std>(&scenario, cell.policy, cell.dispatch));
    }
    tally
}
