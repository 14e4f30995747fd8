//! The seed document (a verbatim copy of the reference text) read as data: the opcode names it
//! uses, the ones this table spells differently or splits into families, and the set sizes it
//! states beside those of its data file.

use model::classifier::{Classifier, Route, SeedClassifier};
use model::opcodes::{Opcode, SeedCategory, SEED_DEFERRED};
use serde::Serialize;
use std::collections::BTreeSet;

/// The seed document (a verbatim copy of the reference text), read for the opcode names it uses.
pub const SEED_DOCUMENT: &str = include_str!("../../data/seed-000_1de4a96e0794a43a.txt");

/// Names the seed document uses that this table spells differently, with the table's name.
/// Source: the seed's own data file, which lists the group invite as `CMSG_PARTY_INVITE`.
pub const SEED_ALIASES: &[(&str, &str)] = &[("CMSG_GROUP_INVITE", "CMSG_PARTY_INVITE")];

/// A name the seed document uses that is not a name of this table.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Rename {
    /// The seed document's name.
    pub seed_name: &'static str,
    /// How it resolves.
    pub resolution: Resolution,
    /// The table's opcodes, with where the seed's classifier sends each.
    pub table: Vec<Routed>,
}

/// How a name of the seed document resolves in this table.
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// One opcode of another name ([`SEED_ALIASES`]).
    Renamed,
    /// Every opcode whose name extends it.
    Family,
    /// No opcode.
    Missing,
}

/// An opcode and the seed's route for it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Routed {
    /// TrinityCore's name.
    pub name: &'static str,
    /// The seed's route.
    #[serde(serialize_with = "crate::report::by_name")]
    pub seed_route: Route,
}

/// One of the seed's sets: the size its document states and the size of its data file.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct SetSize {
    /// The category.
    #[serde(serialize_with = "crate::report::by_name")]
    pub category: SeedCategory,
    /// Opcodes the document's `s_<category>Opcodes` listing names plus its "N more", if it has one.
    pub document: Option<usize>,
    /// Opcodes of the category in the seed's data file.
    pub data_file: usize,
}

/// The distinct `CMSG_*` names of the seed document, sorted.
pub fn seed_document_names() -> BTreeSet<&'static str> {
    let doc = SEED_DOCUMENT;
    let mut names = BTreeSet::new();
    let mut rest = 0;
    while let Some(at) = doc[rest..].find("CMSG_") {
        let start = rest + at;
        let len = doc[start..]
            .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
            .unwrap_or(doc.len() - start);
        let name = doc[start..start + len].trim_end_matches('_');
        if name.len() > "CMSG_".len() {
            names.insert(name);
        }
        rest = start + len;
    }
    names
}

fn routed(op: Opcode) -> Routed {
    Routed { name: op.name(), seed_route: SeedClassifier::get().route(op) }
}

/// Every name of the seed document that is not a name of this table, in name order, with how it
/// resolves: one opcode of another name ([`SEED_ALIASES`]), the family of opcodes whose names
/// extend it, or nothing.
pub fn renamed() -> Vec<Rename> {
    seed_document_names()
        .into_iter()
        .filter(|name| Opcode::from_name(name).is_none())
        .map(|seed_name| {
            if let Some(&(_, table)) = SEED_ALIASES.iter().find(|(s, _)| *s == seed_name) {
                let table = Opcode::from_name(table).map(routed).into_iter().collect();
                return Rename { seed_name, resolution: Resolution::Renamed, table };
            }
            let prefix = format!("{seed_name}_");
            let family: Vec<Routed> = Opcode::all().filter(|op| op.name().starts_with(&prefix)).map(routed).collect();
            let resolution = if family.is_empty() { Resolution::Missing } else { Resolution::Family };
            Rename { seed_name, resolution, table: family }
        })
        .collect()
}

/// The size the seed document states for a category's set: the `CMSG_` lines of its
/// `s_<category>Opcodes = { .. };` listing plus its `// ... N more` line.
fn document_set_size(category: SeedCategory) -> Option<usize> {
    let head = format!("s_{}Opcodes = {{", category.name());
    let start = SEED_DOCUMENT.find(&head)? + head.len();
    let body = &SEED_DOCUMENT[start..start + SEED_DOCUMENT[start..].find("};")?];
    let listed = body.lines().filter(|l| l.trim_start().starts_with("CMSG_")).count();
    let more: usize = body
        .lines()
        .filter_map(|l| l.trim().strip_prefix("// ... "))
        .filter_map(|l| l.split_whitespace().next()?.parse::<usize>().ok())
        .sum();
    Some(listed + more)
}

/// Each of the seed's eight sets, in [`SeedCategory::ALL`] order: the size its document states
/// beside the number of its opcodes in the seed's data file ([`SEED_DEFERRED`]).
pub fn set_sizes() -> Vec<SetSize> {
    SeedCategory::ALL
        .iter()
        .map(|&c| SetSize {
            category: c,
            document: document_set_size(c),
            data_file: SEED_DEFERRED.iter().filter(|(cat, _)| *cat == c).count(),
        })
        .collect()
}
