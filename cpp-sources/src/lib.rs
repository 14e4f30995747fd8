//! Readers of the C++ sources the suite is held against, with no dependencies so that the
//! model's build script reads the opcode table with the very parser the checks use.
//!
//! - [`cpp`]: a small C++ lexer (comments, literals, preprocessor branches) and function finder;
//! - [`trinitycore`]: a checkout's `Opcodes.h` (wire values) and `Opcodes.cpp` (`DEFINE_HANDLER`
//!   rows), joined into the shape of `model/data/trinitycore-client-opcodes.tsv`, and that TSV;
//! - [`tsv`]: the one reader of the suite's tab-separated tables (header, rows with their lines,
//!   comments), which the opcode table's, the seed classifier's and the citations' readers share.
//!
//! Nothing here panics on bad input: files are read as bytes (invalid UTF-8 is replaced, line
//! numbers are kept), and every failure is a typed error that names the file and, where there is
//! one, the line.

pub mod cpp;
pub mod trinitycore;
pub mod tsv;

use std::path::Path;

/// Reads a file as text: invalid UTF-8 is replaced by U+FFFD, which keeps every line in place.
/// The error is the OS's reason, for the caller to pair with the path.
pub fn read_lossy(path: &Path) -> Result<String, String> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(String::from_utf8_lossy(&bytes).into_owned()),
        Err(e) => Err(e.to_string()),
    }
}

/// The lines of `text` without their `\n` or `\r\n`, numbered from 1.
pub fn numbered_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).enumerate().map(|(i, l)| (i + 1, l))
}
