//! A TrinityCore checkout's client opcode table: the wire values of `enum OpcodeClient` in
//! `Opcodes.h` joined with the `DEFINE_HANDLER(opcode, status, processing, handler);` lines of
//! `Opcodes.cpp`, in the shape of `model/data/trinitycore-client-opcodes.tsv`.
//!
//! - Enum values may be literals (`0x3A02A4`), left out (previous plus one), or expressions over
//!   earlier members and `constexpr` constants (`CMSG_BATTLE_PET_DELETE_PET + 1`,
//!   `UNKNOWN_OPCODE`): `+`, `-`, `|`, `<<`, `>>`, parentheses.
//! - `DEFINE_HANDLER` may span lines; the handler may be written with or without `&`
//!   (`&WorldSession::Handle_NULL`, `WorldSession::Handle_Deprecated`); commented-out lines and
//!   `#if 0` branches are not read, other `#ifdef` branches are (see [`crate::cpp`]). The
//!   `#define DEFINE_HANDLER` line itself is a directive, not a use.
//! - A `DEFINE_HANDLER` whose opcode is not in the enum is an error at its file and line; all of
//!   them are reported. Enum members without a `DEFINE_HANDLER` are listed in
//!   [`TrinityTable::missing_handlers`], and a second `DEFINE_HANDLER` of one opcode (TrinityCore
//!   refuses it at start-up, keeping the first) in [`TrinityTable::repeated_handlers`].
//! - Rows come in `Opcodes.cpp` order, which is the bundled table's order; [`to_tsv`] keeps the
//!   order it is given.
//!
//! | file | what it reads |
//! |---|---|
//! | `opcodes_h.rs` | `Opcodes.h`: the members of `enum OpcodeClient` ([`parse_opcode_enum`]) |
//! | `expr.rs` | the enum initializers: integer literals, `constexpr` constants and the small expression evaluator |
//! | `opcodes_cpp.rs` | `Opcodes.cpp`: the `DEFINE_HANDLER(…)` uses ([`parse_handlers`]) |
//! | `tsv.rs` | the bundled TSV: [`to_tsv`], [`parse_tsv`], [`read_tsv`] |
//! | `mod.rs` | the rows, the errors, [`join`], [`read_checkout`], [`diff`] and [`write_checkout`] |

mod expr;
mod opcodes_cpp;
mod opcodes_h;
mod tsv;

pub use opcodes_cpp::parse_handlers;
pub use opcodes_h::parse_opcode_enum;
pub use tsv::{parse_tsv, read_tsv, to_tsv, TSV_FORMAT, TSV_HEADER};

use crate::cpp::{self, Tok};
use crate::read_lossy;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// `Opcodes.h`, relative to a checkout.
pub const OPCODES_H: &str = "src/server/game/Server/Protocol/Opcodes.h";
/// `Opcodes.cpp`, relative to a checkout.
pub const OPCODES_CPP: &str = "src/server/game/Server/Protocol/Opcodes.cpp";

/// One member of `enum OpcodeClient`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct EnumEntry {
    /// The name, e.g. `CMSG_CAST_SPELL`.
    pub name: String,
    /// The wire value.
    pub value: u32,
    /// The line in `Opcodes.h`.
    pub line: usize,
}

/// One `DEFINE_HANDLER(…)` of `Opcodes.cpp`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HandlerDef {
    /// The opcode, qualifier stripped.
    pub opcode: String,
    /// The session status, e.g. `STATUS_LOGGEDIN`.
    pub status: String,
    /// The processing place, e.g. `PROCESS_THREADSAFE`.
    pub processing: String,
    /// The handler without `&`, e.g. `WorldSession::HandleCastSpellOpcode`.
    pub handler: String,
    /// The line of `DEFINE_HANDLER`.
    pub line: usize,
}

/// One row of the client opcode table.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OpcodeRow {
    /// The opcode, e.g. `CMSG_CAST_SPELL`.
    pub name: String,
    /// The wire value from `Opcodes.h`.
    pub value: u32,
    /// The session status, e.g. `STATUS_LOGGEDIN`.
    pub status: String,
    /// The processing place, e.g. `PROCESS_THREADSAFE`.
    pub processing: String,
    /// The handler, e.g. `WorldSession::HandleCastSpellOpcode` or `WorldSession::Handle_NULL`.
    pub handler: String,
    /// The line of its `DEFINE_HANDLER` in `Opcodes.cpp` (or of its row, when read from a TSV).
    pub line: usize,
}

/// A checkout's client opcode table.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TrinityTable {
    /// One row per opcode with a `DEFINE_HANDLER`, in `Opcodes.cpp` order.
    pub rows: Vec<OpcodeRow>,
    /// Enum members without a `DEFINE_HANDLER`, in enum order.
    pub missing_handlers: Vec<EnumEntry>,
    /// Second and later `DEFINE_HANDLER`s of an opcode (the first is the row).
    pub repeated_handlers: Vec<HandlerDef>,
}

/// What is wrong.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum TcProblemKind {
    /// The file could not be read.
    Unreadable {
        /// The OS's reason.
        reason: String,
    },
    /// A block comment or raw string literal is never closed.
    Lex {
        /// What is unclosed.
        message: String,
    },
    /// `Opcodes.h` has no `enum OpcodeClient { … }`.
    NoEnum,
    /// `Opcodes.cpp` has no `DEFINE_HANDLER(…)`.
    NoHandlers,
    /// An enum member whose value cannot be computed.
    BadValue {
        /// The member.
        name: String,
        /// Why.
        message: String,
    },
    /// A `DEFINE_HANDLER` that is not `(opcode, status, processing, handler)`.
    BadHandler {
        /// Why.
        message: String,
    },
    /// A `DEFINE_HANDLER` whose opcode is not a member of `enum OpcodeClient`.
    NotInEnum {
        /// The opcode.
        opcode: String,
    },
    /// A TSV row or header that does not fit [`TSV_FORMAT`].
    BadRow {
        /// Why.
        message: String,
    },
}

/// One problem, at a file and (where there is one) a line.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TcProblem {
    /// The file.
    pub file: PathBuf,
    /// The 1-based line.
    pub line: Option<usize>,
    /// What is wrong.
    pub kind: TcProblemKind,
}

impl fmt::Display for TcProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{l}: ", self.file.display())?,
            None => write!(f, "{}: ", self.file.display())?,
        }
        match &self.kind {
            TcProblemKind::Unreadable { reason } => write!(f, "cannot be read: {reason}"),
            TcProblemKind::Lex { message } => write!(f, "{message}"),
            TcProblemKind::NoEnum => write!(f, "no `enum OpcodeClient {{ … }}`"),
            TcProblemKind::NoHandlers => write!(f, "no `DEFINE_HANDLER(…)`"),
            TcProblemKind::BadValue { name, message } => write!(f, "value of {name}: {message}"),
            TcProblemKind::BadHandler { message } => write!(f, "DEFINE_HANDLER: {message}"),
            TcProblemKind::NotInEnum { opcode } => {
                write!(f, "DEFINE_HANDLER({opcode}, …): {opcode} is not a member of enum OpcodeClient")
            }
            TcProblemKind::BadRow { message } => write!(f, "{message}"),
        }
    }
}

/// Every problem found in a checkout (or a TSV).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TrinityError {
    /// The problems, file by file, in line order.
    pub problems: Vec<TcProblem>,
}

impl fmt::Display for TrinityError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for TrinityError {}

fn problem(file: &Path, line: Option<usize>, kind: TcProblemKind) -> TcProblem {
    TcProblem { file: file.to_path_buf(), line, kind }
}

fn tokens(file: &Path, text: &str) -> Result<Vec<Tok>, TrinityError> {
    cpp::code_tokens(text).map_err(|e| TrinityError {
        problems: vec![problem(file, Some(e.line), TcProblemKind::Lex { message: e.message })],
    })
}

/// Splits tokens at the commas outside parentheses.
fn split_top(toks: &[Tok]) -> Vec<&[Tok]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (k, t) in toks.iter().enumerate() {
        if t.is_punct("(") || t.is_punct("{") || t.is_punct("[") {
            depth += 1;
        } else if t.is_punct(")") || t.is_punct("}") || t.is_punct("]") {
            depth -= 1;
        } else if depth == 0 && t.is_punct(",") {
            out.push(&toks[from..k]);
            from = k + 1;
        }
    }
    out.push(&toks[from..]);
    out
}

/// Joins the enum and the handlers into rows (see the module doc); `cpp_file` names
/// `Opcodes.cpp` in the errors.
pub fn join(cpp_file: &Path, members: &[EnumEntry], handlers: &[HandlerDef]) -> Result<TrinityTable, TrinityError> {
    let values: HashMap<&str, u32> = members.iter().map(|m| (m.name.as_str(), m.value)).collect();
    let mut defined: HashSet<&str> = HashSet::new();
    let mut rows = Vec::new();
    let mut repeated_handlers = Vec::new();
    let mut problems = Vec::new();
    for h in handlers {
        let Some(&value) = values.get(h.opcode.as_str()) else {
            problems.push(problem(cpp_file, Some(h.line), TcProblemKind::NotInEnum { opcode: h.opcode.clone() }));
            continue;
        };
        if !defined.insert(&h.opcode) {
            repeated_handlers.push(h.clone());
            continue;
        }
        rows.push(OpcodeRow {
            name: h.opcode.clone(),
            value,
            status: h.status.clone(),
            processing: h.processing.clone(),
            handler: h.handler.clone(),
            line: h.line,
        });
    }
    if !problems.is_empty() {
        return Err(TrinityError { problems });
    }
    let missing_handlers = members.iter().filter(|m| !defined.contains(m.name.as_str())).cloned().collect();
    Ok(TrinityTable { rows, missing_handlers, repeated_handlers })
}

/// Reads `Opcodes.h` and `Opcodes.cpp` of the checkout at `dir` and joins them. Problems of both
/// files are reported together.
pub fn read_checkout(dir: &Path) -> Result<TrinityTable, TrinityError> {
    let h_path = dir.join(OPCODES_H);
    let cpp_path = dir.join(OPCODES_CPP);
    let h = read_lossy(&h_path);
    let c = read_lossy(&cpp_path);
    let mut problems = Vec::new();
    let members = match &h {
        Ok(text) => parse_opcode_enum(&h_path, text).map_err(|e| problems.extend(e.problems)).ok(),
        Err(reason) => {
            problems.push(problem(&h_path, None, TcProblemKind::Unreadable { reason: reason.clone() }));
            None
        }
    };
    let handlers = match &c {
        Ok(text) => parse_handlers(&cpp_path, text).map_err(|e| problems.extend(e.problems)).ok(),
        Err(reason) => {
            problems.push(problem(&cpp_path, None, TcProblemKind::Unreadable { reason: reason.clone() }));
            None
        }
    };
    match (members, handlers) {
        (Some(m), Some(hd)) if problems.is_empty() => join(&cpp_path, &m, &hd),
        _ => Err(TrinityError { problems }),
    }
}

/// One difference between two opcode tables (rows are matched by name; order and lines are
/// ignored).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RowDiff {
    /// In the second table only.
    Added(OpcodeRow),
    /// In the first table only.
    Removed(OpcodeRow),
    /// In both, with another value, status, processing place or handler.
    Changed {
        /// The first table's row.
        ours: OpcodeRow,
        /// The second table's row.
        theirs: OpcodeRow,
    },
}

impl fmt::Display for RowDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cols = |r: &OpcodeRow| format!("{:#X} {} {} {}", r.value, r.status, r.processing, r.handler);
        match self {
            RowDiff::Added(r) => write!(f, "new: {} ({})", r.name, cols(r)),
            RowDiff::Removed(r) => write!(f, "gone: {} ({})", r.name, cols(r)),
            RowDiff::Changed { ours, theirs } => {
                write!(f, "changed: {}: {} → {}", ours.name, cols(ours), cols(theirs))
            }
        }
    }
}

/// The differences from `ours` to `theirs`, by opcode name in byte order.
pub fn diff(ours: &[OpcodeRow], theirs: &[OpcodeRow]) -> Vec<RowDiff> {
    use std::collections::BTreeMap;
    let key = |r: &OpcodeRow| (r.value, r.status.clone(), r.processing.clone(), r.handler.clone());
    let a: BTreeMap<&str, &OpcodeRow> = ours.iter().map(|r| (r.name.as_str(), r)).collect();
    let b: BTreeMap<&str, &OpcodeRow> = theirs.iter().map(|r| (r.name.as_str(), r)).collect();
    let names: std::collections::BTreeSet<&str> = a.keys().chain(b.keys()).copied().collect();
    names
        .into_iter()
        .filter_map(|n| match (a.get(n), b.get(n)) {
            (Some(o), Some(t)) if key(o) != key(t) => {
                Some(RowDiff::Changed { ours: (*o).clone(), theirs: (*t).clone() })
            }
            (Some(_), Some(_)) => None,
            (Some(o), None) => Some(RowDiff::Removed((*o).clone())),
            (None, Some(t)) => Some(RowDiff::Added((*t).clone())),
            (None, None) => None,
        })
        .collect()
}

/// Writes `rows` as a checkout's `Opcodes.h` (the `OpcodeClient` enum) and `Opcodes.cpp` (one
/// `DEFINE_HANDLER` each, in row order) under `dir`, in TrinityCore's layout: the inverse of
/// [`read_checkout`], for tests and for trying a table change before it lands in a server.
pub fn write_checkout(dir: &Path, rows: &[OpcodeRow]) -> std::io::Result<()> {
    let mut h = String::from("#include \"Define.h\"\n\nenum OpcodeClient : uint32\n{\n");
    for r in rows {
        h.push_str(&format!("    {:<64}= 0x{:06X},\n", r.name, r.value));
    }
    h.push_str("};\n");
    let mut c = String::from("void OpcodeTable::Initialize()\n{\n");
    for r in rows {
        c.push_str(&format!("    DEFINE_HANDLER({}, {}, {}, &{});\n", r.name, r.status, r.processing, r.handler));
    }
    c.push_str("}\n");
    for (rel, text) in [(OPCODES_H, h), (OPCODES_CPP, c)] {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}
