//! The bundled TSV (`model/data/trinitycore-client-opcodes.tsv`): what [`to_tsv`] writes from a
//! checkout, and its reader.

use super::{problem, OpcodeRow, TcProblemKind, TrinityError};
use crate::{read_lossy, tsv};
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

/// The TSV's columns (the header is [`TSV_HEADER`]); no comments.
pub const TSV_FORMAT: tsv::Format = tsv::Format {
    columns: &["opcode", "value", "status", "processing", "handler"],
    more_columns: false,
    comments: false,
};

/// Parses the TSV [`to_tsv`] writes (`file` names it in errors); each row's `line` is its TSV
/// line. Every bad row is reported.
pub fn parse_tsv(file: &Path, text: &str) -> Result<Vec<OpcodeRow>, TrinityError> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for row in tsv::rows(file, text, TSV_FORMAT) {
        let row = match row {
            Ok(row) => row,
            Err(p) => {
                problems.push(problem(file, p.line, TcProblemKind::BadRow { message: p.message() }));
                continue;
            }
        };
        let [name, v, status, processing, handler] = row.first();
        let value = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(h) => u32::from_str_radix(h, 16).ok(),
            None => v.parse().ok(),
        };
        let Some(value) = value else {
            let message = format!("value `{v}` is not a uint32");
            problems.push(problem(file, Some(row.line), TcProblemKind::BadRow { message }));
            continue;
        };
        rows.push(OpcodeRow {
            name: name.to_string(),
            value,
            status: status.to_string(),
            processing: processing.to_string(),
            handler: handler.to_string(),
            line: row.line,
        });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_is_the_formats() {
        assert_eq!(TSV_FORMAT.header(), TSV_HEADER);
    }
}
