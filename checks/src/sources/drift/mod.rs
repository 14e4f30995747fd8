//! Citation drift: does each TrinityCore line range that `FIDELITY.md` cites still hold what it
//! held when it was read?
//!
//! `checks/data/citations.tsv` has one row per cited `file:lines` of a TC row of the table:
//! `row  file  line_start  line_end  function  fingerprint` (tab-separated, `#` lines are
//! comments). `file` is relative to a checkout's root, `function` is the C++ function that
//! encloses `line_start` (as [`super::cpp::functions`] names it), and `fingerprint` is a short
//! statement from the cited lines, found within [`WINDOW`] lines of `line_start`.
//!
//! - [`check_drift`] holds the rows against a checkout: the function must still be defined in
//!   the file and the fingerprint must be on a line within [`WINDOW`] of the cited start
//!   ([`DriftKind::Ok`]); otherwise it is looked for in the whole function
//!   ([`DriftKind::Moved`] with its new line, or [`DriftKind::Changed`]); a missing file or
//!   function is [`DriftKind::Missing`]. Fingerprints are compared with all whitespace removed,
//!   so re-indenting or re-spacing a line is not drift.
//! - [`check_fidelity_consistency`] holds the rows against `FIDELITY.md` itself, so the two files
//!   cannot silently diverge (see [`fidelity_citations`] for what counts as a citation).

mod fidelity;

pub use fidelity::{check_fidelity_consistency, fidelity_citations, CitedRange};

use super::cpp::{self, FunctionDef};
use super::{numbered_lines, read_lossy, tsv};
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How far from the cited start (in lines, either way) a fingerprint may be and still count as
/// in place.
pub const WINDOW: usize = 40;

/// The header line of `citations.tsv`.
pub const CITATIONS_HEADER: &str = "row\tfile\tline_start\tline_end\tfunction\tfingerprint";

/// Where TrinityCore's game sources sit in a checkout; `FIDELITY.md` cites paths below it.
pub const GAME_DIR: &str = "src/server/game/";

/// One cited line range with its fingerprint.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Citation {
    /// The `#` of the `FIDELITY.md` row.
    pub row: u32,
    /// The file, relative to a checkout's root.
    pub file: String,
    /// The first cited line.
    pub line_start: usize,
    /// The last cited line (equal to `line_start` for one line).
    pub line_end: usize,
    /// The function enclosing `line_start`, e.g. `AuraApplication::_HandleEffect`.
    pub function: String,
    /// A statement from the cited lines, e.g. `ASSERT(!(_effectMask & (1<<effIndex)));`.
    pub fingerprint: String,
}

/// A `citations.tsv` that does not parse.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CitationError {
    /// The file.
    pub path: PathBuf,
    /// Each problem, with its line where it has one.
    pub problems: Vec<(Option<usize>, String)>,
}

impl fmt::Display for CitationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (line, msg)) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match line {
                Some(l) => write!(f, "{}:{l}: {msg}", self.path.display())?,
                None => write!(f, "{}: {msg}", self.path.display())?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for CitationError {}

/// The columns of `citations.tsv` (the header is [`CITATIONS_HEADER`]); `#` lines are comments.
pub const CITATIONS_FORMAT: tsv::Format = tsv::Format {
    columns: &["row", "file", "line_start", "line_end", "function", "fingerprint"],
    more_columns: false,
    comments: true,
};

/// Parses `citations.tsv` text (`path` names it in errors). Every bad row is reported.
pub fn parse_citations(path: &Path, text: &str) -> Result<Vec<Citation>, CitationError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for row in tsv::rows(path, text, CITATIONS_FORMAT) {
        let row = match row {
            Ok(row) => row,
            Err(p) => {
                problems.push((p.line, p.message()));
                continue;
            }
        };
        let line = row.line;
        let [row_no, file, start, end, function, fingerprint] = row.first();
        let (Ok(row), Ok(line_start), Ok(line_end)) =
            (row_no.parse::<u32>(), start.parse::<usize>(), end.parse::<usize>())
        else {
            problems.push((Some(line), "row, line_start and line_end must be whole numbers".into()));
            continue;
        };
        if line_start == 0 || line_end < line_start {
            problems.push((Some(line), format!("bad line range {line_start}-{line_end}")));
            continue;
        }
        out.push(Citation {
            row,
            file: file.to_string(),
            line_start,
            line_end,
            function: function.to_string(),
            fingerprint: fingerprint.to_string(),
        });
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(CitationError { path: path.to_path_buf(), problems })
    }
}

/// Reads and parses a `citations.tsv`.
pub fn read_citations(path: &Path) -> Result<Vec<Citation>, CitationError> {
    let text = read_lossy(path).map_err(|reason| CitationError {
        path: path.to_path_buf(),
        problems: vec![(None, format!("cannot be read: {reason}"))],
    })?;
    parse_citations(path, &text)
}

/// What is missing.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Missing {
    /// The file is gone (or cannot be read or lexed).
    File {
        /// The reason.
        reason: String,
    },
    /// The file is there, the function is not.
    Function,
}

/// How a citation fares against a checkout.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DriftKind {
    /// The fingerprint is within [`WINDOW`] lines of the cited start.
    Ok,
    /// The fingerprint is elsewhere in the function.
    Moved {
        /// The line it is on now.
        new_line: usize,
    },
    /// The function is there, the fingerprint is not in it.
    Changed,
    /// The file or the function is gone.
    Missing(Missing),
}

/// One citation's result.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Drift {
    /// The `FIDELITY.md` row.
    pub row: u32,
    /// The file.
    pub file: String,
    /// The first cited line.
    pub line_start: usize,
    /// The last cited line.
    pub line_end: usize,
    /// The function.
    pub function: String,
    /// The result.
    pub kind: DriftKind,
}

impl fmt::Display for Drift {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}: {}:{}-{} ({}): ", self.row, self.file, self.line_start, self.line_end, self.function)?;
        match &self.kind {
            DriftKind::Ok => write!(f, "ok"),
            DriftKind::Moved { new_line } => write!(f, "moved: the fingerprint is now on line {new_line}"),
            DriftKind::Changed => write!(f, "changed: the function no longer holds the fingerprint"),
            DriftKind::Missing(Missing::File { reason }) => write!(f, "missing file: {reason}"),
            DriftKind::Missing(Missing::Function) => write!(f, "missing: no function {} in the file", self.function),
        }
    }
}

/// A text with all whitespace removed.
fn normalize(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A read file: its lines (whitespace removed) and its function definitions.
struct Source {
    lines: Vec<String>,
    defs: Vec<FunctionDef>,
}

fn load(path: &Path) -> Result<Source, String> {
    let text = read_lossy(path)?;
    let defs = cpp::functions(&text).map_err(|e| format!("cannot be lexed: {e}"))?;
    let lines = numbered_lines(&text).map(|(_, l)| normalize(l)).collect();
    Ok(Source { lines, defs })
}

/// Holds each citation against the checkout at `tc_dir` (see the module doc). One result per
/// citation, in the order given; each file is read once.
pub fn check_drift(citations: &[Citation], tc_dir: &Path) -> Vec<Drift> {
    let mut files: HashMap<&str, Result<Source, String>> = HashMap::new();
    citations
        .iter()
        .map(|c| {
            let src = files.entry(c.file.as_str()).or_insert_with(|| load(&tc_dir.join(&c.file)));
            let kind = match src {
                Err(reason) => DriftKind::Missing(Missing::File { reason: reason.clone() }),
                Ok(src) => judge(c, src),
            };
            Drift {
                row: c.row,
                file: c.file.clone(),
                line_start: c.line_start,
                line_end: c.line_end,
                function: c.function.clone(),
                kind,
            }
        })
        .collect()
}

fn judge(c: &Citation, src: &Source) -> DriftKind {
    let defs: Vec<&FunctionDef> = src.defs.iter().filter(|d| d.name == c.function).collect();
    if defs.is_empty() {
        return DriftKind::Missing(Missing::Function);
    }
    let fp = normalize(&c.fingerprint);
    let has = |line: usize| line >= 1 && src.lines.get(line - 1).is_some_and(|l| l.contains(&fp));
    let lo = c.line_start.saturating_sub(WINDOW).max(1);
    if (lo..=c.line_start.saturating_add(WINDOW)).any(has) {
        return DriftKind::Ok;
    }
    match defs.iter().flat_map(|d| d.line..=d.end).find(|&l| has(l)) {
        Some(new_line) => DriftKind::Moved { new_line },
        None => DriftKind::Changed,
    }
}
