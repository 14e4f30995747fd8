//! The one reader of the suite's tab-separated tables: the bundled opcode table
//! (`model/data/trinitycore-client-opcodes.tsv`), the seed's classifier
//! (`model/data/seed-classifier-opcodes.tsv`, read by the build script and by the classifier
//! checks) and the citation fingerprints (`checks/data/citations.tsv`).
//!
//! A [`Format`] names the columns. The first line that is not blank (nor, where the format has
//! them, a `#` comment) must be the header: exactly those columns, or, for a format that allows
//! more, those columns first. Each later line is a [`Row`] with its line number and its columns,
//! trimmed; a row needs every named column, non-empty. A byte-order mark and a `\r` before the
//! `\n` are ignored. [`rows`] yields the rows and the [`Problem`]s in line order, every bad row
//! reported; a bad header stops the reading, and a text without one ends in
//! [`ProblemKind::NoHeader`].

use std::fmt;
use std::path::{Path, PathBuf};

/// The shape of one table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Format {
    /// The header's columns, in order.
    pub columns: &'static [&'static str],
    /// Whether the header and the rows may have more columns after these (they are not read).
    pub more_columns: bool,
    /// Whether lines starting with `#` are comments.
    pub comments: bool,
}

impl Format {
    /// The header line: the columns joined by tabs.
    pub fn header(&self) -> String {
        self.columns.join("\t")
    }

    /// The header as an error shows it: tabs written `\t`, in backticks, with `…` where more
    /// columns may follow.
    fn shown(&self) -> String {
        let more = if self.more_columns { "…" } else { "" };
        format!("`{}{more}`", self.columns.join("\\t"))
    }
}

/// One row: its line and its columns (trimmed; at least the format's, each non-empty).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Row<'t> {
    /// The 1-based line.
    pub line: usize,
    /// The columns, trimmed.
    pub cols: Vec<&'t str>,
}

impl<'t> Row<'t> {
    /// The first `N` columns, for destructuring (`let [name, value] = row.first();`). `N` must
    /// not exceed the format's column count.
    pub fn first<const N: usize>(&self) -> [&'t str; N] {
        std::array::from_fn(|i| self.cols[i])
    }
}

/// What is wrong.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ProblemKind {
    /// The text has no header: nothing but blank lines (and comments).
    NoHeader,
    /// The first line is not the header.
    BadHeader {
        /// The line as written.
        found: String,
    },
    /// A row with too few or too many columns.
    Columns {
        /// How many it has.
        got: usize,
    },
    /// A row with a blank column.
    EmptyColumn {
        /// The column's name.
        column: &'static str,
    },
}

/// One problem of a table, at its file and (except for [`ProblemKind::NoHeader`]) its line.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: Option<usize>,
    /// The table's shape.
    pub format: Format,
    /// What is wrong.
    pub kind: ProblemKind,
}

impl Problem {
    /// What is wrong, without the file and the line.
    pub fn message(&self) -> String {
        let f = &self.format;
        let n = f.columns.len();
        match &self.kind {
            ProblemKind::NoHeader => format!("empty: no header (expected {})", f.shown()),
            ProblemKind::BadHeader { found } => {
                let found: String = found.replace('\t', "\\t").chars().take(80).collect();
                format!("expected the header {}, got `{found}`", f.shown())
            }
            ProblemKind::Columns { got } => {
                let at_least = if f.more_columns { "at least " } else { "" };
                format!("expected {at_least}{n} tab-separated columns ({}), got {got}", f.columns.join(", "))
            }
            ProblemKind::EmptyColumn { column } => format!("the column `{column}` is empty"),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: {}", self.file.display(), self.message()),
            None => write!(f, "{}: {}", self.file.display(), self.message()),
        }
    }
}

impl std::error::Error for Problem {}

/// The rows of `text` in `format` (`file` names it in problems); see the module doc.
pub fn rows<'t>(file: &'t Path, text: &'t str, format: Format) -> Rows<'t> {
    Rows { file, format, lines: text.split('\n').enumerate(), header: false, done: false }
}

/// The iterator [`rows`] returns: each row, or the problem of its line, in line order.
#[derive(Debug)]
pub struct Rows<'t> {
    file: &'t Path,
    format: Format,
    lines: std::iter::Enumerate<std::str::Split<'t, char>>,
    header: bool,
    done: bool,
}

impl<'t> Iterator for Rows<'t> {
    type Item = Result<Row<'t>, Problem>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let (file, format) = (self.file, self.format);
        let problem = |line, kind| Some(Err(Problem { file: file.to_path_buf(), line, format, kind }));
        for (i, raw) in self.lines.by_ref() {
            let line = i + 1;
            let l = raw.strip_suffix('\r').unwrap_or(raw).trim_start_matches('\u{feff}');
            if l.trim().is_empty() || (format.comments && l.starts_with('#')) {
                continue;
            }
            if !self.header {
                if !is_header(format, l) {
                    self.done = true;
                    return problem(Some(line), ProblemKind::BadHeader { found: l.to_string() });
                }
                self.header = true;
                continue;
            }
            let cols: Vec<&str> = l.split('\t').map(str::trim).collect();
            let n = format.columns.len();
            if cols.len() < n || (cols.len() > n && !format.more_columns) {
                return problem(Some(line), ProblemKind::Columns { got: cols.len() });
            }
            if let Some(k) = cols[..n].iter().position(|c| c.is_empty()) {
                let column = format.columns[k];
                return problem(Some(line), ProblemKind::EmptyColumn { column });
            }
            return Some(Ok(Row { line, cols }));
        }
        self.done = true;
        if self.header {
            None
        } else {
            problem(None, ProblemKind::NoHeader)
        }
    }
}

/// Whether `l` is the header of `format`.
fn is_header(format: Format, l: &str) -> bool {
    let mut cols = l.split('\t').map(str::trim);
    let named = format.columns.iter().all(|c| cols.next() == Some(c));
    named && (format.more_columns || cols.next().is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: Format = Format { columns: &["a", "b"], more_columns: false, comments: true };

    fn read(text: &str, format: Format) -> Vec<Result<(usize, Vec<&str>), String>> {
        rows(Path::new("t.tsv"), text, format).map(|r| r.map(|r| (r.line, r.cols)).map_err(|p| p.to_string())).collect()
    }

    #[test]
    fn rows_come_with_their_lines_comments_and_blanks_skipped() {
        let got = read("\u{feff}# c\n\na\tb\r\n x \t y\n\n# a\tb\n", F);
        assert_eq!(got, [Ok((4, vec!["x", "y"]))]);
        let no_comments = Format { comments: false, ..F };
        assert_eq!(
            read("a\tb\n# c\n", no_comments),
            [Err("t.tsv:2: expected 2 tab-separated columns (a, b), got 1".into())]
        );
    }

    #[test]
    fn every_bad_row_is_reported() {
        let got = read("a\tb\n1\n1\t\n1\t2\t3\n1\t2\n", F);
        assert_eq!(
            got,
            [
                Err("t.tsv:2: expected 2 tab-separated columns (a, b), got 1".into()),
                Err("t.tsv:3: the column `b` is empty".into()),
                Err("t.tsv:4: expected 2 tab-separated columns (a, b), got 3".into()),
                Ok((5, vec!["1", "2"])),
            ]
        );
    }

    #[test]
    fn a_bad_or_missing_header_names_the_columns() {
        assert_eq!(read("\na\tc\n1\t2\n", F), [Err("t.tsv:2: expected the header `a\\tb`, got `a\\tc`".into())]);
        assert_eq!(read("# only\n \n", F), [Err("t.tsv: empty: no header (expected `a\\tb`)".into())]);
        assert_eq!(read("a\tb\n", F), []);
    }

    #[test]
    fn more_columns_may_follow_where_the_format_allows() {
        let open = Format { more_columns: true, ..F };
        assert_eq!(read("a\tb\tc\n1\t2\t\n1\n", open)[0], Ok((2, vec!["1", "2", ""])));
        assert_eq!(
            read("a\tb\tc\n1\n", open),
            [Err("t.tsv:2: expected at least 2 tab-separated columns (a, b), got 1".into())]
        );
        assert_eq!(read("a\n", open), [Err("t.tsv:1: expected the header `a\\tb…`, got `a`".into())]);
        assert_eq!(read("a\tb\tc\n", F), [Err("t.tsv:1: expected the header `a\\tb`, got `a\\tb\\tc`".into())]);
    }
}
