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
//! - [`tally()`] does both and holds a checkout's opcode table against ours: what `verify
//!   drift` lists.

mod tally;

pub use tally::{tally, TableDrift, Tally};

use super::cpp::{self, FunctionDef};
use super::{numbered_lines, read_lossy};
use std::collections::{BTreeSet, HashMap};
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

/// Parses `citations.tsv` text (`path` names it in errors). Every bad row is reported.
pub fn parse_citations(path: &Path, text: &str) -> Result<Vec<Citation>, CitationError> {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut header = false;
    for (line, raw) in numbered_lines(text) {
        let l = raw.trim_start_matches('\u{feff}');
        if l.trim().is_empty() || l.starts_with('#') {
            continue;
        }
        if !header {
            if l != CITATIONS_HEADER {
                problems.push((Some(line), format!("expected the header `{}`", CITATIONS_HEADER.replace('\t', "\\t"))));
                break;
            }
            header = true;
            continue;
        }
        let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
        if cols.len() != 6 || cols.iter().any(|c| c.is_empty()) {
            problems.push((Some(line), format!("expected 6 non-empty tab-separated columns, got {}", cols.len())));
            continue;
        }
        let (Ok(row), Ok(line_start), Ok(line_end)) =
            (cols[0].parse::<u32>(), cols[2].parse::<usize>(), cols[3].parse::<usize>())
        else {
            problems.push((Some(line), "row, line_start and line_end must be whole numbers".into()));
            continue;
        };
        if line_start == 0 || line_end < line_start {
            problems.push((Some(line), format!("bad line range {line_start}-{line_end}")));
            continue;
        }
        if normalize(cols[5]).is_empty() {
            problems.push((Some(line), "the fingerprint is blank".into()));
            continue;
        }
        out.push(Citation {
            row,
            file: cols[1].to_string(),
            line_start,
            line_end,
            function: cols[4].to_string(),
            fingerprint: cols[5].to_string(),
        });
    }
    if !header && problems.is_empty() {
        problems.push((None, "empty: no header".into()));
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

/// One TC `file:lines` cited in `FIDELITY.md`'s table.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct CitedRange {
    /// The row's `#`.
    pub row: u32,
    /// The file, relative to a checkout's root.
    pub file: String,
    /// The first line.
    pub line_start: usize,
    /// The last line.
    pub line_end: usize,
}

impl fmt::Display for CitedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line_start == self.line_end {
            write!(f, "row {}: {}:{}", self.row, self.file, self.line_start)
        } else {
            write!(f, "row {}: {}:{}-{}", self.row, self.file, self.line_start, self.line_end)
        }
    }
}

/// Splits a Markdown table line into cells; `|` inside backticks or escaped as `\|` does not split.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut code = false;
    let mut chars = line.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                code = !code;
                cur.push(c);
            }
            '\\' if chars.peek() == Some(&'|') => {
                cur.push('|');
                chars.next();
            }
            '|' if !code => out.push(std::mem::take(&mut cur)),
            _ => cur.push(c),
        }
    }
    out.push(cur);
    // A row starts and ends with `|`: drop the empty text outside them.
    if out.first().is_some_and(|s| s.trim().is_empty()) {
        out.remove(0);
    }
    if out.last().is_some_and(|s| s.trim().is_empty()) {
        out.pop();
    }
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// A piece of a cell: plain text or a code span.
enum Piece<'a> {
    Text(&'a str),
    Code(&'a str),
}

fn pieces(cell: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    for (i, part) in cell.split('`').enumerate() {
        out.push(if i % 2 == 0 { Piece::Text(part) } else { Piece::Code(part) });
    }
    out
}

/// Who a source cell's text speaks for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scope {
    None,
    Tc,
    Pb,
}

/// The scope markers (`TC`, `PB`, `PB′`) of a text piece, as whole words, in order.
fn markers(text: &str) -> Vec<Scope> {
    let mut out = Vec::new();
    let words = text.split(|c: char| !(c.is_alphanumeric() || c == '′' || c == '\''));
    for w in words {
        match w.trim_end_matches(['′', '\'']) {
            "TC" => out.push(Scope::Tc),
            "PB" => out.push(Scope::Pb),
            _ => {}
        }
    }
    out
}

/// `N` or `N-M` (a hyphen or an en dash).
fn parse_range(s: &str) -> Option<(usize, usize)> {
    let s = s.trim();
    let (a, b) = match s.split_once(['-', '–']) {
        Some((a, b)) => (a.trim(), b.trim()),
        None => (s, s),
    };
    let (a, b) = (a.parse::<usize>().ok()?, b.parse::<usize>().ok()?);
    (a >= 1 && b >= a).then_some((a, b))
}

fn is_source_path(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && !s.contains(char::is_whitespace)
        && [".cpp", ".h", ".hpp", ".inl", ".cc"].iter().any(|e| s.ends_with(e))
}

/// `path:range` → (path, range).
fn path_range(s: &str) -> Option<(&str, (usize, usize))> {
    let (p, r) = s.rsplit_once(':')?;
    if !is_source_path(p) {
        return None;
    }
    Some((p.trim(), parse_range(r)?))
}

/// A citation before its file name is resolved.
struct Raw {
    row: u32,
    path: String,
    range: (usize, usize),
}

/// The TC `file:lines` citations of `FIDELITY.md`'s table, and the problems met reading them.
///
/// What counts, row by row:
/// - in the source cell, text after a `TC` marker (up to a `PB` or `PB′`) is TC. Its code spans
///   `path:N-M` or `path:N` cite; a span that is only `N-M` cites the last path named before it
///   in the same TC part;
/// - when the source cell names TC and not PB, `path:N-M` spans in the other cells cite too;
/// - when a TC part says "as cited" after a bare path (`Unit.cpp`), each parenthesis of the
///   behaviour cell that starts with a line range (`(3927-3938)`, `(3850-3869, assert 3853)`)
///   cites that path;
/// - lines in parentheses after a span (`(lookup 3501, refresh 3541)`) point inside the range
///   and are not citations of their own.
///
/// Paths starting `src/` are relative to the root; other paths are below [`GAME_DIR`]; a bare
/// file name stands for the one path with that name cited anywhere in the table.
pub fn fidelity_citations(fidelity_md: &str) -> (Vec<CitedRange>, Vec<String>) {
    let mut raws: Vec<Raw> = Vec::new();
    let mut problems = Vec::new();
    let mut saw_table = false;
    for (line_no, line) in numbered_lines(fidelity_md) {
        if !line.trim_start().starts_with('|') {
            continue;
        }
        let c = cells(line);
        let Some(row) = c.first().and_then(|s| s.parse::<u32>().ok()) else { continue };
        saw_table = true;
        if c.len() < 5 {
            problems.push(format!("FIDELITY.md:{line_no}: row {row} has {} cells, expected 5", c.len()));
            continue;
        }
        let (behaviour, source) = (&c[1], &c[2]);
        let mut scope = Scope::None;
        let mut has_tc = false;
        let mut has_pb = false;
        let mut last_path: Option<String> = None;
        // The first path named without lines in the current TC part, and the one "as cited" names.
        let mut bare_path: Option<String> = None;
        let mut as_cited_path: Option<String> = None;
        for piece in pieces(source) {
            match piece {
                Piece::Text(t) => {
                    for m in markers(t) {
                        scope = m;
                        has_tc |= m == Scope::Tc;
                        has_pb |= m == Scope::Pb;
                        last_path = None;
                        bare_path = None;
                    }
                    if scope == Scope::Tc && t.contains("as cited") && as_cited_path.is_none() {
                        as_cited_path = bare_path.clone();
                    }
                }
                Piece::Code(code) if scope == Scope::Tc => {
                    if let Some((p, range)) = path_range(code) {
                        raws.push(Raw { row, path: p.to_string(), range });
                        last_path = Some(p.to_string());
                    } else if let Some(range) = parse_range(code) {
                        match &last_path {
                            Some(p) => raws.push(Raw { row, path: p.clone(), range }),
                            None => problems.push(format!("row {row}: `{code}` follows no file")),
                        }
                    } else if is_source_path(code) {
                        last_path = Some(code.trim().to_string());
                        bare_path.get_or_insert_with(|| code.trim().to_string());
                    }
                }
                Piece::Code(_) => {}
            }
        }
        if has_tc && !has_pb {
            for other in c.iter().enumerate().filter(|(k, _)| *k != 0 && *k != 2).map(|(_, s)| s) {
                for piece in pieces(other) {
                    if let Piece::Code(code) = piece {
                        if let Some((p, range)) = path_range(code) {
                            raws.push(Raw { row, path: p.to_string(), range });
                        }
                    }
                }
            }
        }
        if let Some(p) = as_cited_path {
            for range in paren_ranges(behaviour) {
                raws.push(Raw { row, path: p.clone(), range });
            }
        }
    }
    if !saw_table {
        problems.push("FIDELITY.md: no table rows (`| 1 | … |`)".into());
    }
    // Resolve paths: a bare name is the one cited path with that file name.
    let full: BTreeSet<String> = raws.iter().filter(|r| r.path.contains('/')).map(|r| rooted(&r.path)).collect();
    let mut out = BTreeSet::new();
    for r in raws {
        let file = if r.path.contains('/') {
            rooted(&r.path)
        } else {
            let same: Vec<&String> = full.iter().filter(|f| f.rsplit('/').next() == Some(r.path.as_str())).collect();
            match same.as_slice() {
                [one] => (*one).clone(),
                [] => {
                    problems.push(format!("row {}: `{}` names no path cited elsewhere in the table", r.row, r.path));
                    continue;
                }
                _ => {
                    problems.push(format!("row {}: `{}` could be any of {:?}", r.row, r.path, same));
                    continue;
                }
            }
        };
        out.insert(CitedRange { row: r.row, file, line_start: r.range.0, line_end: r.range.1 });
    }
    (out.into_iter().collect(), problems)
}

fn rooted(p: &str) -> String {
    if p.starts_with("src/") {
        p.to_string()
    } else {
        format!("{GAME_DIR}{}", p.trim_start_matches('/'))
    }
}

/// The line ranges that open a parenthesis in plain text: `(3927-3938)`, `(3850-3869, …)`.
fn paren_ranges(cell: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for piece in pieces(cell) {
        let Piece::Text(t) = piece else { continue };
        for (k, _) in t.match_indices('(') {
            let rest = &t[k + 1..];
            let end = rest.find([')', ',']).unwrap_or(rest.len());
            if let Some(r) = parse_range(&rest[..end]) {
                out.push(r);
            }
        }
    }
    out
}

/// Every TC `file:lines` cited in `FIDELITY.md`'s table (see [`fidelity_citations`]) must have
/// a row in `citations`, and every row of `citations` must be cited there. Returns one message
/// per mismatch (and per problem reading the table); empty when the two agree.
pub fn check_fidelity_consistency(fidelity_md: &str, citations: &[Citation]) -> Vec<String> {
    let (cited, mut messages) = fidelity_citations(fidelity_md);
    let cited: BTreeSet<CitedRange> = cited.into_iter().collect();
    let mut rows = BTreeSet::new();
    for c in citations {
        let r = CitedRange { row: c.row, file: c.file.clone(), line_start: c.line_start, line_end: c.line_end };
        if !rows.insert(r.clone()) {
            messages.push(format!("citations.tsv lists {r} twice"));
        }
    }
    for r in cited.difference(&rows) {
        messages.push(format!("FIDELITY.md cites {r}, which has no row in citations.tsv"));
    }
    for r in rows.difference(&cited) {
        messages.push(format!("citations.tsv has {r}, which FIDELITY.md does not cite"));
    }
    messages
}
