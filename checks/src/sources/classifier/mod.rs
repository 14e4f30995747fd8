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

mod cpp;
mod problems;
mod tsv;

pub use problems::{nearest_names, ClassifierError, Duplicate, Problem};
pub use tsv::CLASSIFIER_FORMAT;

use super::{numbered_lines, read_lossy};
use model::opcodes::{Opcode, SeedCategory};
use problems::{duplicates, unknown_opcodes};
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
        Format::Cpp => cpp::parse_cpp(text, &mut source.sets),
        Format::Tsv => tsv::parse_tsv(path, text, &mut source.sets),
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
