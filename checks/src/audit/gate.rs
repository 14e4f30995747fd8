//! The verdict of a matrix run: which results differ from the truth pinned for them, and, when
//! the user's classifier replaces the seed's (`--classifier`), whether it passes the gate. The
//! user's classifier has no pinned truth: its `seed-deferral` results are judged instead against
//! what a complete, fail-closed classifier breaks in the same cell
//! ([`crate::expected::beyond_complete`]).

use crate::expected;
use crate::matrix::Row;
use model::Policy;

/// Whether the gate judges `row` (rather than its pinned truth): in gate mode, every row of the
/// policy the user's classifier replaces whose AI placement and dispatch mode make a cell of the
/// complete classifier too (the reference it is judged against).
pub fn judged_by_gate(gate: bool, row: &Row) -> bool {
    let c = row.result.cell;
    gate && c.policy == Policy::SEED_DEFERRAL && c.ai.pairs(Policy::COMPLETE_DEFERRAL, c.dispatch)
}

/// The rows the gate judges that break something a complete classifier keeps, each with what
/// (none outside gate mode).
pub fn gate_failures(rows: &[Row], gate: bool) -> Vec<(&Row, Vec<String>)> {
    rows.iter()
        .filter(|r| judged_by_gate(gate, r))
        .filter_map(|r| {
            let beyond = expected::beyond_complete(&r.result);
            (!beyond.is_empty()).then_some((r, beyond))
        })
        .collect()
}

/// A run's verdict.
#[derive(Debug)]
pub struct Verdict<'a> {
    /// The rows judged by their pinned truth that differ from it.
    pub mismatches: Vec<&'a Row>,
    /// [`gate_failures`].
    pub gate_failures: Vec<(&'a Row, Vec<String>)>,
    /// How many rows the gate judged.
    pub gated: usize,
}

impl<'a> Verdict<'a> {
    /// Judges `rows`, in gate mode when `gate` (a classifier of the user's is installed).
    pub fn judge(rows: &'a [Row], gate: bool) -> Self {
        Verdict {
            // In gate mode the user's classifier runs as `seed-deferral`: its rows are judged by the
            // gate or not at all (a placement with no complete cell to compare with), never by
            // the seed's pins.
            mismatches: rows
                .iter()
                .filter(|r| !(gate && r.result.cell.policy == Policy::SEED_DEFERRAL) && r.mismatch.is_some())
                .collect(),
            gate_failures: gate_failures(rows, gate),
            gated: rows.iter().filter(|r| judged_by_gate(gate, r)).count(),
        }
    }

    /// Every row matches its pinned truth, and the gate's rows break nothing a complete
    /// classifier keeps.
    pub fn passed(&self) -> bool {
        self.mismatches.is_empty() && self.gate_failures.is_empty()
    }
}
