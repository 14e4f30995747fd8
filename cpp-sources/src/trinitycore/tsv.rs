//! The bundled TSV (`model/data/trinitycore-client-opcodes.tsv`): what [`to_tsv`] writes from a
//! checkout, and its reader.

use super::{problem, OpcodeRow, TcProblemKind, TrinityError};
use crate::{numbered_lines, read_lossy};
use std::path::Path;

/// The header line of the TSV.
pub const TSV_HEADER: &str = "opcode\tvalue\tstatus\tprocessing\thandler";

/// The rows as the bundled TSV: [`TSV_HEADER`], then one line per row, value as `0x%X`, each line
/// ending in `\n`, in the order given.
pub fn to_tsv(rows: &[OpcodeRow]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(TSV_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&format!("{}\t0x{:X}\t{}\t{}\t{}\n", r.name, r.value, r.status, r.processing, r.handler));
    }
    out
}

/// Parses the TSV [`to_tsv`] writes (`file` names it in errors); each row's `line` is its TSV
/// line. Every bad row is reported.
pub fn parse_tsv(file: &Path, text: &str) -> Result<Vec<OpcodeRow>, TrinityError> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut header = false;
    for (line, raw) in numbered_lines(text) {
        let l = raw.trim_start_matches('\u{feff}');
        if l.trim().is_empty() {
            continue;
        }
        if !header {
            if l != TSV_HEADER {
                problems.push(problem(
                    file,
                    Some(line),
                    TcProblemKind::BadRow {
                        message: format!("expected the header `{}`", TSV_HEADER.replace('\t', "\\t")),
                    },
                ));
                break;
            }
            header = true;
            continue;
        }
        let cols: Vec<&str> = l.split('\t').collect();
        let bad = |message: String| problem(file, Some(line), TcProblemKind::BadRow { message });
        if cols.len() != 5 || cols.iter().any(|c| c.trim().is_empty()) {
            problems.push(bad(format!("expected 5 non-empty columns, got {}", cols.len())));
            continue;
        }
        let v = cols[1].trim();
        let value = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(h) => u32::from_str_radix(h, 16).ok(),
            None => v.parse().ok(),
        };
        let Some(value) = value else {
            problems.push(bad(format!("value `{v}` is not a uint32")));
            continue;
        };
        rows.push(OpcodeRow {
            name: cols[0].trim().to_string(),
            value,
            status: cols[2].trim().to_string(),
            processing: cols[3].trim().to_string(),
            handler: cols[4].trim().to_string(),
            line,
        });
    }
    if !header && problems.is_empty() {
        problems.push(problem(file, None, TcProblemKind::BadRow { message: "empty: no header".into() }));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(TrinityError { problems })
    }
}

/// Reads a TSV written by [`to_tsv`] (e.g. `model/data/trinitycore-client-opcodes.tsv`).
pub fn read_tsv(path: &Path) -> Result<Vec<OpcodeRow>, TrinityError> {
    let text = read_lossy(path)
        .map_err(|reason| TrinityError { problems: vec![problem(path, None, TcProblemKind::Unreadable { reason })] })?;
    parse_tsv(path, &text)
}
