//! What can be wrong with a classifier file ([`Problem`], gathered in a [`ClassifierError`]), the
//! warning for an opcode listed twice ([`Duplicate`]), and the checks against the opcode table
//! that find unknown names (with the nearest known ones) and duplicates.

use super::{ClassifierSource, SET_CATEGORIES};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

/// An opcode listed more than once: a warning, not an error.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Duplicate {
    /// The opcode.
    pub opcode: String,
    /// The set of its first listing.
    pub first_set: String,
    /// The line of its first listing.
    pub first_line: usize,
    /// The set of this later listing.
    pub set: String,
    /// The line of this later listing.
    pub line: usize,
}

impl fmt::Display for Duplicate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}: {} in {} is already listed in {} (line {})",
            self.line, self.opcode, self.set, self.first_set, self.first_line
        )
    }
}

/// One thing wrong with a classifier file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Problem {
    /// The file could not be read.
    Unreadable {
        /// The OS's reason.
        reason: String,
    },
    /// The file is empty or only whitespace.
    Empty,
    /// A block comment or raw string literal is never closed.
    Lex {
        /// Where it starts.
        line: usize,
        /// What is unclosed.
        message: String,
    },
    /// No opcode set was found.
    NoSets,
    /// A set has no entries.
    EmptySet {
        /// The set.
        set: String,
        /// Its line.
        line: usize,
    },
    /// A set's `{` is never closed.
    Unterminated {
        /// The set.
        set: String,
        /// Its line.
        line: usize,
    },
    /// An item of a set that is not an opcode name (a number, a call, a nested list).
    NotAName {
        /// The set.
        set: String,
        /// The item's line.
        line: usize,
        /// The item as written.
        text: String,
    },
    /// A TSV without its header.
    BadHeader {
        /// The line where the header was expected.
        line: usize,
    },
    /// A TSV row without a category and an opcode.
    BadRow {
        /// The row's line.
        line: usize,
    },
    /// A set that is none of the module's eight (its name says which category it is).
    UnknownSet {
        /// The set.
        set: String,
        /// Its line.
        line: usize,
    },
    /// An entry that is not in the opcode table.
    UnknownOpcode {
        /// The entry's line.
        line: usize,
        /// The name as written.
        name: String,
        /// Up to three known names nearest by edit distance, nearest first.
        nearest: Vec<String>,
    },
}

impl Problem {
    /// The line the problem is on, if it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Problem::Unreadable { .. } | Problem::Empty | Problem::NoSets => None,
            Problem::Lex { line, .. }
            | Problem::EmptySet { line, .. }
            | Problem::Unterminated { line, .. }
            | Problem::NotAName { line, .. }
            | Problem::BadHeader { line }
            | Problem::BadRow { line }
            | Problem::UnknownSet { line, .. }
            | Problem::UnknownOpcode { line, .. } => Some(*line),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Unreadable { reason } => write!(f, "cannot be read: {reason}"),
            Problem::Empty => write!(f, "is empty: a classifier needs at least one opcode set"),
            Problem::Lex { message, .. } => write!(f, "{message}"),
            Problem::NoSets => write!(f, "has no opcode set (no `std::unordered_set<OpcodeClient> … = {{ … }}`)"),
            Problem::EmptySet { set, .. } => write!(f, "set {set} has no entries"),
            Problem::Unterminated { set, .. } => write!(f, "set {set}: `{{` is never closed"),
            Problem::NotAName { set, text, .. } => write!(f, "set {set}: `{text}` is not an opcode name"),
            Problem::BadHeader { .. } => write!(f, "expected the header `category\\topcode…`"),
            Problem::BadRow { .. } => write!(f, "a row needs a category and an opcode, separated by a tab"),
            Problem::UnknownSet { set, .. } => write!(
                f,
                "set {set} is none of the module's eight ({}); the suite needs each set's category",
                SET_CATEGORIES.map(|(n, _)| n).join(", ")
            ),
            Problem::UnknownOpcode { name, nearest, .. } => {
                write!(f, "{name} is not a known opcode")?;
                if !nearest.is_empty() {
                    write!(f, "; nearest: {}", nearest.join(", "))?;
                }
                Ok(())
            }
        }
    }
}

/// Everything wrong with one classifier file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClassifierError {
    /// The file.
    pub path: PathBuf,
    /// Every problem found, in line order where they have lines.
    pub problems: Vec<Problem>,
}

impl fmt::Display for ClassifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            match p.line() {
                Some(line) => write!(f, "{}:{line}: {p}", self.path.display())?,
                None => write!(f, "{}: {p}", self.path.display())?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ClassifierError {}

/// Up to three names of `known` nearest to `name` by edit distance (case ignored), nearest
/// first, ties in name order.
pub fn nearest_names(name: &str, known: &[&str]) -> Vec<String> {
    let upper = name.to_ascii_uppercase();
    let mut scored: Vec<(usize, &str)> = known.iter().map(|k| (strsim::levenshtein(&upper, k), *k)).collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k.to_string()).collect()
}

pub(super) fn unknown_opcodes(source: &ClassifierSource, known: &[&str]) -> Vec<Problem> {
    let table: HashSet<&str> = known.iter().copied().collect();
    source
        .entries()
        .filter(|(_, e)| !table.contains(e.opcode.as_str()))
        .map(|(_, e)| Problem::UnknownOpcode {
            line: e.line,
            name: e.opcode.clone(),
            nearest: nearest_names(&e.opcode, known),
        })
        .collect()
}

pub(super) fn duplicates(source: &ClassifierSource) -> Vec<Duplicate> {
    let mut first: HashMap<&str, (&str, usize)> = HashMap::new();
    let mut out = Vec::new();
    for (set, e) in source.entries() {
        match first.get(e.opcode.as_str()) {
            Some(&(first_set, first_line)) => out.push(Duplicate {
                opcode: e.opcode.clone(),
                first_set: first_set.to_string(),
                first_line,
                set: set.name.clone(),
                line: e.line,
            }),
            None => {
                first.insert(&e.opcode, (&set.name, e.line));
            }
        }
    }
    out
}
