//! The parsing layer for checking a classifier against its sources: the module's own
//! `PacketDeferralClassifier.cpp`, a TrinityCore checkout, and the citations of `FIDELITY.md`.
//!
//! - [`classifier`]: a classifier, from the module's C++ or from our TSV, as named sets of opcodes,
//!   each entry with its line, validated against the opcode table with nearest-name suggestions;
//! - [`trinitycore`]: a checkout's `Opcodes.h` (wire values) and `Opcodes.cpp` (`DEFINE_HANDLER`
//!   rows), joined into the shape of `model/data/trinitycore-client-opcodes.tsv`;
//! - [`drift`]: the citation fingerprints of `checks/data/citations.tsv`, checked against a
//!   checkout (did a cited function move or change?) and against `FIDELITY.md`'s table;
//! - [`cpp`]: the small C++ lexer and function finder the three share;
//! - [`tsv`]: the one reader of the tab-separated tables (the opcode table, the seed classifier,
//!   the citations).
//!
//! [`cpp`], [`trinitycore`] and [`tsv`] live in the `cpp-sources` crate, which has no
//! dependencies: the model's build script reads the opcode table (bundled, or a checkout's with
//! `TRINITYCORE_DIR`) and the seed classifier with the same parsers.
//!
//! Nothing here panics on bad input: files are read as bytes (invalid UTF-8 is replaced, line
//! numbers are kept), and every failure is a typed error that names the file and, where there is
//! one, the line.

pub mod classifier;
pub mod drift;

pub use cpp_sources::{cpp, numbered_lines, read_lossy, trinitycore, tsv};

/// The opcode table this build runs on (`model::opcodes::OPCODES`, generated from the bundled TSV
/// or from `TRINITYCORE_DIR`'s checkout), as rows to compare with a checkout's.
pub fn built_table() -> Vec<trinitycore::OpcodeRow> {
    model::opcodes::table_rows()
}

/// Where the built table comes from, in words: `the bundled table` or `the table of DIR`.
pub fn built_table_source() -> String {
    match model::opcodes::TABLE_SOURCE {
        "bundled" => "the bundled table".to_string(),
        dir => format!("the table of {dir}"),
    }
}
