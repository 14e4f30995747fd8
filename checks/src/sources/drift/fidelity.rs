//! `FIDELITY.md`'s table read for its TrinityCore citations ([`fidelity_citations`]), and held
//! against `citations.tsv` ([`check_fidelity_consistency`]).

use super::{Citation, GAME_DIR};
use crate::sources::numbered_lines;
use std::collections::BTreeSet;
use std::fmt;

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
