//! What `verify drift` counts: the citations held against `FIDELITY.md` and against a checkout,
//! and the checkout's client opcode table against the one this build runs on. Every entry is a
//! thing to re-read before trusting the verdicts on that checkout.

use super::{check_drift, check_fidelity_consistency, Citation, Drift, DriftKind};
use crate::sources::trinitycore::{self, OpcodeRow, RowDiff, TrinityError};
use std::path::Path;

/// The drift of one checkout.
#[derive(Clone, Debug)]
pub struct Tally {
    /// Where `FIDELITY.md`'s table and the citations disagree.
    pub consistency: Vec<String>,
    /// Every citation held against the checkout, in citation order.
    pub citations: Vec<Drift>,
    /// The checkout's client opcode table against ours, or why it could not be read.
    pub table: Result<TableDrift, TrinityError>,
}

/// The checkout's client opcode table against the one this build runs on.
#[derive(Clone, Debug)]
pub struct TableDrift {
    /// Opcodes in the checkout's table.
    pub theirs: usize,
    /// Opcodes in ours.
    pub ours: usize,
    /// Each opcode added, gone or changed.
    pub diffs: Vec<RowDiff>,
}

/// Holds `citations` against `fidelity_md` (the text of `FIDELITY.md`) and against the checkout
/// at `dir`, and `ours` (the table this build runs on) against the checkout's table.
pub fn tally(citations: &[Citation], fidelity_md: &str, dir: &Path, ours: &[OpcodeRow]) -> Tally {
    Tally {
        consistency: check_fidelity_consistency(fidelity_md, citations),
        citations: check_drift(citations, dir),
        table: trinitycore::read_checkout(dir).map(|theirs| TableDrift {
            theirs: theirs.rows.len(),
            ours: ours.len(),
            diffs: trinitycore::diff(ours, &theirs.rows),
        }),
    }
}

impl Tally {
    /// The `FIDELITY.md` rows the citations cover (one row's citations are consecutive).
    pub fn rows(&self) -> usize {
        let mut rows: Vec<u32> = self.citations.iter().map(|d| d.row).collect();
        rows.dedup();
        rows.len()
    }

    /// The citations that did not hold.
    pub fn drifted(&self) -> Vec<&Drift> {
        self.citations.iter().filter(|d| d.kind != DriftKind::Ok).collect()
    }

    /// Things to re-read: every disagreement, drifted citation and table difference (none for an
    /// unreadable table, which is an error of its own).
    pub fn to_re_read(&self) -> usize {
        self.consistency.len() + self.drifted().len() + self.table.as_ref().map_or(0, |t| t.diffs.len())
    }
}
