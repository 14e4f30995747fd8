//! A classifier's opcode sets, read from the module's `PacketDeferralClassifier.cpp` or from our
//! TSV (`model/data/seed-classifier-opcodes.tsv`), and validated against the opcode table.
//!
//! The C++ reader accepts every definition of a `set`/`unordered_set`/`flat_set` with an
//! initializer list, with or without `std::`/`::std::`, `static`, `const` before or after the
//! type, qualified (`PacketDeferralClassifier::s_spellOpcodes`) or not, `= { … }` or `{ … }`,
//! anywhere in the file and in any order. Entries are opcode names, optionally qualified
//! (`OpcodeClient::CMSG_CAST_SPELL` reads as `CMSG_CAST_SPELL`); a trailing comma is fine.
//! Comments, string literals and `#if 0` branches are not code (see [`super::cpp`]), so an
//! opcode named in a comment is not an entry. A declaration without an initializer (the header's
//! `static const ::std::unordered_set<OpcodeClient> s_spellOpcodes;`) is not a set.
//!
//! The TSV reader needs a header starting `category<TAB>opcode`; only those two columns are
//! read, and rows of one category form one set, in the order the categories first appear.
//!
//! [`SET_CATEGORIES`] is the one place the module's set names are matched to the TSV's
//! categories.

use super::cpp::{self, Tok, TokKind};
use super::{numbered_lines, read_lossy, tsv};
use model::opcodes::{Opcode, SeedCategory};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// One opcode named in a set.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Entry {
    /// The opcode's name as written, qualifier stripped, e.g. `CMSG_CAST_SPELL`.
    pub opcode: String,
    /// The 1-based line it is on.
    pub line: usize,
}

/// One named set of opcodes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OpcodeSet {
    /// The C++ variable without qualifier (e.g. `s_spellOpcodes`), or the TSV category.
    pub name: String,
    /// The line of the name (C++), or of the category's first row (TSV).
    pub line: usize,
    /// The entries, in file order.
    pub entries: Vec<Entry>,
}

impl OpcodeSet {
    /// The seed category this set stands for: by [`SET_CATEGORIES`] for a C++ set name, by
    /// [`SeedCategory::name`] for a TSV category; `None` for any other name.
    pub fn category(&self) -> Option<SeedCategory> {
        category_of(&self.name)
    }
}

/// A classifier as read from one file.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ClassifierSource {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its sets, in file order.
    pub sets: Vec<OpcodeSet>,
}

impl ClassifierSource {
    /// Every entry with its set, in file order.
    pub fn entries(&self) -> impl Iterator<Item = (&OpcodeSet, &Entry)> {
        self.sets.iter().flat_map(|s| s.entries.iter().map(move |e| (s, e)))
    }

    /// Checks every entry against `known` (the opcode table's names): each name not in it is a
    /// [`Problem::UnknownOpcode`] with its line and up to three nearest known names, and all of
    /// them are reported. Names listed more than once (in one set or in two) are returned as
    /// warnings.
    pub fn validate(&self, known: &[&str]) -> Result<Vec<Duplicate>, ClassifierError> {
        let problems = unknown_opcodes(self, known);
        if problems.is_empty() {
            Ok(duplicates(self))
        } else {
            Err(ClassifierError { path: self.path.clone(), problems })
        }
    }
}

/// The module's set names and the seed categories of `model/data/seed-classifier-opcodes.tsv`
/// they hold: the one place the two spellings are matched.
pub const SET_CATEGORIES: [(&str, SeedCategory); 8] = [
    ("s_spellOpcodes", SeedCategory::Spell),
    ("s_itemOpcodes", SeedCategory::Item),
    ("s_resurrectionOpcodes", SeedCategory::Resurrection),
    ("s_movementOpcodes", SeedCategory::Movement),
    ("s_combatOpcodes", SeedCategory::Combat),
    ("s_questOpcodes", SeedCategory::Quest),
    ("s_groupOpcodes", SeedCategory::Group),
    ("s_tradeOpcodes", SeedCategory::Trade),
];

/// The seed category of a set name: a C++ name of [`SET_CATEGORIES`] or a TSV category name
/// (`spell`, `item`, …).
pub fn category_of(set_name: &str) -> Option<SeedCategory> {
    SET_CATEGORIES
        .iter()
        .find(|(n, _)| *n == set_name)
        .map(|&(_, c)| c)
        .or_else(|| SeedCategory::ALL.into_iter().find(|c| c.name() == set_name))
}

/// The classifier a file gives, as the model runs it: every entry of a set in that set's
/// category. A set whose name is none of the module's eight is an error, as is every problem
/// [`load_classifier`] reports.
pub fn seed_classifier(path: &Path) -> Result<(model::classifier::SeedClassifier, Loaded), ClassifierError> {
    let loaded = load_classifier(path, &model_opcode_names())?;
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    for set in &loaded.source.sets {
        match set.category() {
            Some(c) => {
                entries.extend(set.entries.iter().filter_map(|e| Opcode::from_name(&e.opcode)).map(|op| (c, op)))
            }
            None => problems.push(Problem::UnknownSet { set: set.name.clone(), line: set.line }),
        }
    }
    if !problems.is_empty() {
        return Err(ClassifierError { path: path.to_path_buf(), problems });
    }
    Ok((model::classifier::SeedClassifier::from_entries(&entries), loaded))
}

/// The names of the model's opcode table (`model::opcodes::Opcode`), for [`ClassifierSource::validate`].
pub fn model_opcode_names() -> Vec<&'static str> {
    Opcode::all().map(Opcode::name).collect()
}

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

/// The file's format.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    /// The module's C++.
    Cpp,
    /// Our TSV (`category<TAB>opcode<TAB>…`).
    Tsv,
}

impl Format {
    /// `.tsv` by extension (any case), or by a first non-blank line starting `category<TAB>opcode`;
    /// C++ otherwise.
    pub fn detect(path: &Path, text: &str) -> Format {
        let by_ext = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
        let first = numbered_lines(text).map(|(_, l)| l).find(|l| !l.trim().is_empty()).unwrap_or("");
        if by_ext || first.trim_start_matches('\u{feff}').starts_with("category\topcode") {
            Format::Tsv
        } else {
            Format::Cpp
        }
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

/// A classifier that parsed and validated.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Loaded {
    /// The sets.
    pub source: ClassifierSource,
    /// Opcodes listed more than once.
    pub duplicates: Vec<Duplicate>,
}

/// Reads and parses a classifier file (format by [`Format::detect`]), without checking names.
pub fn read_classifier(path: &Path) -> Result<ClassifierSource, ClassifierError> {
    let text = read_lossy(path).map_err(|reason| ClassifierError {
        path: path.to_path_buf(),
        problems: vec![Problem::Unreadable { reason }],
    })?;
    parse_classifier(path, &text)
}

/// Parses classifier text; `path` names it in errors and picks the format with the text.
pub fn parse_classifier(path: &Path, text: &str) -> Result<ClassifierSource, ClassifierError> {
    let (source, problems) = parse_inner(path, text);
    if problems.is_empty() {
        Ok(source)
    } else {
        Err(ClassifierError { path: path.to_path_buf(), problems })
    }
}

/// Reads, parses and validates a classifier file against `known` (see
/// [`ClassifierSource::validate`]). Syntax problems and unknown names are reported together.
pub fn load_classifier(path: &Path, known: &[&str]) -> Result<Loaded, ClassifierError> {
    let text = read_lossy(path).map_err(|reason| ClassifierError {
        path: path.to_path_buf(),
        problems: vec![Problem::Unreadable { reason }],
    })?;
    load_classifier_str(path, &text, known)
}

/// [`load_classifier`] on text already read.
pub fn load_classifier_str(path: &Path, text: &str, known: &[&str]) -> Result<Loaded, ClassifierError> {
    let (source, mut problems) = parse_inner(path, text);
    problems.extend(unknown_opcodes(&source, known));
    problems.sort_by_key(|p| p.line().unwrap_or(0));
    if problems.is_empty() {
        let duplicates = duplicates(&source);
        Ok(Loaded { source, duplicates })
    } else {
        Err(ClassifierError { path: path.to_path_buf(), problems })
    }
}

/// The sets that parsed, and every problem met.
fn parse_inner(path: &Path, text: &str) -> (ClassifierSource, Vec<Problem>) {
    let mut source = ClassifierSource { path: path.to_path_buf(), sets: Vec::new() };
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return (source, vec![Problem::Empty]);
    }
    let mut problems = match Format::detect(path, text) {
        Format::Cpp => parse_cpp(text, &mut source.sets),
        Format::Tsv => parse_tsv(path, text, &mut source.sets),
    };
    if source.sets.is_empty() && problems.is_empty() {
        problems.push(Problem::NoSets);
    }
    for s in &source.sets {
        if s.entries.is_empty() {
            problems.push(Problem::EmptySet { set: s.name.clone(), line: s.line });
        }
    }
    problems.sort_by_key(|p| p.line().unwrap_or(0));
    (source, problems)
}

const SET_TYPES: [&str; 3] = ["set", "unordered_set", "flat_set"];

/// The set name a declaration header defines, when the header is `… set<…> … name =` or
/// `… set<…> … name` (brace initialization) with no parentheses.
fn set_header(h: &[Tok]) -> Option<&Tok> {
    let lt = h.iter().position(|t| t.is_punct("<"))?;
    if lt == 0 || !SET_TYPES.contains(&h[lt - 1].text.as_str()) || h[lt - 1].kind != TokKind::Ident {
        return None;
    }
    if h.iter().any(|t| t.is_punct("(")) {
        return None;
    }
    let body = if h.last().is_some_and(|t| t.is_punct("=")) { &h[..h.len() - 1] } else { h };
    let name = body.last()?;
    (name.kind == TokKind::Ident && body.len() > lt + 1).then_some(name)
}

fn parse_cpp(text: &str, sets: &mut Vec<OpcodeSet>) -> Vec<Problem> {
    let toks = match cpp::code_tokens(text) {
        Ok(t) => t,
        Err(e) => return vec![Problem::Lex { line: e.line, message: e.message }],
    };
    let mut problems = Vec::new();
    let mut header = 0usize;
    let mut i = 0usize;
    while i < toks.len() {
        let t = &toks[i];
        if t.is_punct(";") || t.is_punct("}") {
            header = i + 1;
        } else if t.is_punct("{") {
            if let Some(name) = set_header(&toks[header.min(i)..i]) {
                let mut set = OpcodeSet { name: name.text.clone(), line: name.line, entries: Vec::new() };
                let Some(close) = cpp::matching(&toks, i) else {
                    problems.push(Problem::Unterminated { set: set.name, line: set.line });
                    break;
                };
                for item in toks[i + 1..close].split(|t| t.is_punct(",")) {
                    if item.is_empty() {
                        continue;
                    }
                    match opcode_name(item) {
                        Some(tok) => set.entries.push(Entry { opcode: tok.text.clone(), line: tok.line }),
                        None => problems.push(Problem::NotAName {
                            set: set.name.clone(),
                            line: item[0].line,
                            text: item.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" "),
                        }),
                    }
                }
                sets.push(set);
                i = close;
            }
            header = i + 1;
        }
        i += 1;
    }
    problems
}

/// The last identifier of `[::]Ident(::Ident)*`, or `None` for anything else.
fn opcode_name(item: &[Tok]) -> Option<&Tok> {
    let item = if item.first().is_some_and(|t| t.is_punct("::")) { &item[1..] } else { item };
    let mut expect_ident = true;
    for t in item {
        let ok = if expect_ident { t.kind == TokKind::Ident } else { t.is_punct("::") };
        if !ok {
            return None;
        }
        expect_ident = !expect_ident;
    }
    if expect_ident {
        return None; // empty, or ends with `::`
    }
    item.last()
}

/// The columns of a classifier TSV that are read: `category` and `opcode`, then any others;
/// `#` lines are comments.
pub const CLASSIFIER_FORMAT: tsv::Format =
    tsv::Format { columns: &["category", "opcode"], more_columns: true, comments: true };

fn parse_tsv(path: &Path, text: &str, sets: &mut Vec<OpcodeSet>) -> Vec<Problem> {
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

/// Up to three names of `known` nearest to `name` by edit distance (case ignored), nearest
/// first, ties in name order.
pub fn nearest_names(name: &str, known: &[&str]) -> Vec<String> {
    let upper = name.to_ascii_uppercase();
    let mut scored: Vec<(usize, &str)> = known.iter().map(|k| (strsim::levenshtein(&upper, k), *k)).collect();
    scored.sort_unstable();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, k)| k.to_string()).collect()
}

fn unknown_opcodes(source: &ClassifierSource, known: &[&str]) -> Vec<Problem> {
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

fn duplicates(source: &ClassifierSource) -> Vec<Duplicate> {
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
