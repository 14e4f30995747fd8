//! The TSV reader: `category<TAB>opcode<TAB>…` rows, one set per category in the order the
//! categories first appear.

use super::{Entry, OpcodeSet, Problem};
use crate::sources::tsv;
use std::collections::HashMap;
use std::path::Path;

/// The columns of a classifier TSV that are read: `category` and `opcode`, then any others;
/// `#` lines are comments.
pub const CLASSIFIER_FORMAT: tsv::Format =
    tsv::Format { columns: &["category", "opcode"], more_columns: true, comments: true };

pub(super) fn parse_tsv(path: &Path, text: &str, sets: &mut Vec<OpcodeSet>) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for row in tsv::rows(path, text, CLASSIFIER_FORMAT) {
        let row = match row {
            Ok(row) => row,
            Err(p) => {
                match (p.kind, p.line) {
                    (tsv::ProblemKind::BadHeader { .. }, Some(line)) => problems.push(Problem::BadHeader { line }),
                    (_, Some(line)) => problems.push(Problem::BadRow { line }),
                    // Only comments: no set, which the caller reports.
                    (_, None) => {}
                }
                continue;
            }
        };
        let [category, opcode] = row.first();
        let k = *index.entry(category.to_string()).or_insert_with(|| {
            sets.push(OpcodeSet { name: category.to_string(), line: row.line, entries: Vec::new() });
            sets.len() - 1
        });
        sets[k].entries.push(Entry { opcode: opcode.to_string(), line: row.line });
    }
    problems
}
