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

use crate::cpp::{self, Tok, TokKind};
use crate::{numbered_lines, read_lossy};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// `Opcodes.h`, relative to a checkout.
pub const OPCODES_H: &str = "src/server/game/Server/Protocol/Opcodes.h";
/// `Opcodes.cpp`, relative to a checkout.
pub const OPCODES_CPP: &str = "src/server/game/Server/Protocol/Opcodes.cpp";
/// The header line of the TSV.
pub const TSV_HEADER: &str = "opcode\tvalue\tstatus\tprocessing\thandler";

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
    /// A TSV row or header that does not fit [`TSV_HEADER`].
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

/// Parses a C++ integer literal: hex, binary, octal or decimal, with `'` separators and
/// `u`/`l` suffixes.
fn parse_int(s: &str) -> Option<u64> {
    let s: String = s.chars().filter(|&c| c != '\'').collect();
    let s = s.trim_end_matches(['u', 'U', 'l', 'L']);
    if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        u64::from_str_radix(h, 16).ok()
    } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        u64::from_str_radix(b, 2).ok()
    } else if s.len() > 1 && s.starts_with('0') {
        u64::from_str_radix(&s[1..], 8).ok()
    } else {
        s.parse().ok()
    }
}

/// `constexpr`/`const` integral constants of the file (`constexpr uint32 UNKNOWN_OPCODE = 0xBADD;`).
fn constants(toks: &[Tok]) -> HashMap<String, i128> {
    let mut out = HashMap::new();
    for k in 1..toks.len().saturating_sub(2) {
        if toks[k].is_punct("=")
            && toks[k - 1].kind == TokKind::Ident
            && toks[k + 1].kind == TokKind::Number
            && toks[k + 2].is_punct(";")
            && toks[k.saturating_sub(5)..k].iter().any(|t| t.is_ident("constexpr") || t.is_ident("const"))
        {
            if let Some(v) = parse_int(&toks[k + 1].text) {
                out.insert(toks[k - 1].text.clone(), i128::from(v));
            }
        }
    }
    out
}

/// A small evaluator for enum initializers.
struct Expr<'a> {
    toks: &'a [Tok],
    pos: usize,
    env: &'a HashMap<String, i128>,
    /// How many `(` and unary signs deep the evaluator is (bounded, so input cannot exhaust the stack).
    depth: usize,
}

/// The deepest nesting an enum initializer may have.
const MAX_DEPTH: usize = 64;

impl Expr<'_> {
    fn peek(&self, p: &str) -> bool {
        self.toks.get(self.pos).is_some_and(|t| t.is_punct(p))
    }
    fn peek2(&self, p: &str) -> bool {
        self.peek(p) && self.toks.get(self.pos + 1).is_some_and(|t| t.is_punct(p))
    }
    fn or(&mut self) -> Result<i128, String> {
        let mut v = self.shift()?;
        while self.peek("|") {
            self.pos += 1;
            v |= self.shift()?;
        }
        Ok(v)
    }
    fn shift(&mut self) -> Result<i128, String> {
        let mut v = self.add()?;
        loop {
            let left = self.peek2("<");
            if !left && !self.peek2(">") {
                return Ok(v);
            }
            self.pos += 2;
            let by = self.add()?;
            if !(0..64).contains(&by) {
                return Err(format!("shift by {by}"));
            }
            v = if left { v.checked_mul(1i128 << by).ok_or("shift overflows")? } else { v >> by };
        }
    }
    fn add(&mut self) -> Result<i128, String> {
        let mut v = self.unary()?;
        loop {
            if self.peek("+") {
                self.pos += 1;
                v = v.checked_add(self.unary()?).ok_or("overflow")?;
            } else if self.peek("-") {
                self.pos += 1;
                v = v.checked_sub(self.unary()?).ok_or("overflow")?;
            } else {
                return Ok(v);
            }
        }
    }
    fn unary(&mut self) -> Result<i128, String> {
        if self.depth >= MAX_DEPTH {
            return Err(format!("nested more than {MAX_DEPTH} deep"));
        }
        self.depth += 1;
        let v = self.unary_inner();
        self.depth -= 1;
        v
    }
    fn unary_inner(&mut self) -> Result<i128, String> {
        if self.peek("-") {
            self.pos += 1;
            return self.unary()?.checked_neg().ok_or_else(|| "overflow".into());
        }
        if self.peek("+") {
            self.pos += 1;
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<i128, String> {
        let Some(t) = self.toks.get(self.pos) else { return Err("expression ends early".into()) };
        self.pos += 1;
        match t.kind {
            TokKind::Number => {
                parse_int(&t.text).map(i128::from).ok_or_else(|| format!("`{}` is not an integer", t.text))
            }
            TokKind::Punct if t.text == "(" => {
                let v = self.or()?;
                if !self.peek(")") {
                    return Err("`(` without `)`".into());
                }
                self.pos += 1;
                Ok(v)
            }
            TokKind::Punct if t.text == "::" && self.toks.get(self.pos).is_some_and(|n| n.kind == TokKind::Ident) => {
                self.primary()
            }
            TokKind::Ident => {
                let mut name = &t.text;
                while self.peek("::") && self.toks.get(self.pos + 1).is_some_and(|n| n.kind == TokKind::Ident) {
                    name = &self.toks[self.pos + 1].text;
                    self.pos += 2;
                }
                self.env.get(name).copied().ok_or_else(|| format!("{name} is not defined before it"))
            }
            _ => Err(format!("unexpected `{}`", t.text)),
        }
    }
}

/// The members of `enum OpcodeClient` in `text` (the text of `Opcodes.h`; `file` names it in
/// errors), with their values. Every bad value is reported.
pub fn parse_opcode_enum(file: &Path, text: &str) -> Result<Vec<EnumEntry>, TrinityError> {
    let toks = tokens(file, text)?;
    let start = (0..toks.len()).find(|&k| {
        toks[k].is_ident("enum") && {
            let mut j = k + 1;
            if toks.get(j).is_some_and(|t| t.is_ident("class") || t.is_ident("struct")) {
                j += 1;
            }
            toks.get(j).is_some_and(|t| t.is_ident("OpcodeClient"))
        }
    });
    let no_enum = || TrinityError { problems: vec![problem(file, None, TcProblemKind::NoEnum)] };
    let start = start.ok_or_else(no_enum)?;
    let open = (start..toks.len()).find(|&k| toks[k].is_punct("{") || toks[k].is_punct(";")).ok_or_else(no_enum)?;
    if !toks[open].is_punct("{") {
        return Err(no_enum());
    }
    let Some(close) = cpp::matching(&toks, open) else {
        return Err(TrinityError {
            problems: vec![problem(
                file,
                Some(toks[open].line),
                TcProblemKind::Lex { message: "enum OpcodeClient's `{` is never closed".into() },
            )],
        });
    };
    let mut env = constants(&toks);
    let mut entries = Vec::new();
    let mut problems = Vec::new();
    let mut next: Option<i128> = Some(0);
    for item in split_top(&toks[open + 1..close]) {
        if item.is_empty() {
            continue;
        }
        let name = &item[0];
        if name.kind != TokKind::Ident || (item.len() > 1 && !item[1].is_punct("=")) {
            let text = item.iter().map(|t| t.text.as_str()).collect::<Vec<_>>().join(" ");
            problems.push(problem(
                file,
                Some(name.line),
                TcProblemKind::BadValue { name: text, message: "not `NAME` or `NAME = value`".into() },
            ));
            next = None;
            continue;
        }
        let value = if item.len() > 1 {
            let mut e = Expr { toks: &item[2..], pos: 0, env: &env, depth: 0 };
            e.or().and_then(|v| {
                if e.pos == item.len() - 2 {
                    Ok(v)
                } else {
                    Err("unexpected tokens after the value".into())
                }
            })
        } else {
            next.ok_or_else(|| "follows a member without a value".to_string())
        };
        match value.and_then(|v| u32::try_from(v).map_err(|_| format!("{v} does not fit in uint32"))) {
            Ok(v) => {
                env.insert(name.text.clone(), i128::from(v));
                entries.push(EnumEntry { name: name.text.clone(), value: v, line: name.line });
                next = Some(i128::from(v) + 1);
            }
            Err(message) => {
                problems.push(problem(
                    file,
                    Some(name.line),
                    TcProblemKind::BadValue { name: name.text.clone(), message },
                ));
                next = None;
            }
        }
    }
    if problems.is_empty() {
        Ok(entries)
    } else {
        Err(TrinityError { problems })
    }
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

/// `Ident(::Ident)*` as one string, or `None`.
fn qualified(toks: &[Tok]) -> Option<String> {
    let toks = if toks.first().is_some_and(|t| t.is_punct("::")) { &toks[1..] } else { toks };
    let mut s = String::new();
    for (k, t) in toks.iter().enumerate() {
        let ok = if k % 2 == 0 { t.kind == TokKind::Ident } else { t.is_punct("::") };
        if !ok {
            return None;
        }
        s.push_str(&t.text);
    }
    (toks.len() % 2 == 1).then_some(s)
}

/// The last component of a qualified name.
fn last_part(s: &str) -> &str {
    s.rsplit("::").next().unwrap_or(s)
}

/// The `DEFINE_HANDLER(…)` uses of `text` (the text of `Opcodes.cpp`; `file` names it in
/// errors), in file order. Every malformed use is reported.
pub fn parse_handlers(file: &Path, text: &str) -> Result<Vec<HandlerDef>, TrinityError> {
    let toks = tokens(file, text)?;
    let mut defs = Vec::new();
    let mut problems = Vec::new();
    let mut k = 0;
    while k < toks.len() {
        if !(toks[k].is_ident("DEFINE_HANDLER") && toks.get(k + 1).is_some_and(|t| t.is_punct("("))) {
            k += 1;
            continue;
        }
        let line = toks[k].line;
        let bad = |message: String| problem(file, Some(line), TcProblemKind::BadHandler { message });
        let Some(close) = cpp::matching(&toks, k + 1) else {
            problems.push(bad("`(` is never closed".into()));
            break;
        };
        let args = split_top(&toks[k + 2..close]);
        k = close + 1;
        if args.len() != 4 {
            problems.push(bad(format!("{} arguments, expected 4 (opcode, status, processing, handler)", args.len())));
            continue;
        }
        let handler_toks = if args[3].first().is_some_and(|t| t.is_punct("&")) { &args[3][1..] } else { args[3] };
        let parts = [qualified(args[0]), qualified(args[1]), qualified(args[2]), qualified(handler_toks)];
        match parts {
            [Some(op), Some(st), Some(pr), Some(h)] => defs.push(HandlerDef {
                opcode: last_part(&op).to_string(),
                status: last_part(&st).to_string(),
                processing: last_part(&pr).to_string(),
                handler: h,
                line,
            }),
            _ => {
                let shown: Vec<String> =
                    args.iter().map(|a| a.iter().map(|t| t.text.as_str()).collect::<String>()).collect();
                problems.push(bad(format!("expected four names, got ({})", shown.join(", "))));
            }
        }
    }
    if defs.is_empty() && problems.is_empty() {
        problems.push(problem(file, None, TcProblemKind::NoHandlers));
    }
    if problems.is_empty() {
        Ok(defs)
    } else {
        Err(TrinityError { problems })
    }
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

/// The rows as the bundled TSV: [`TSV_HEADER`], then one line per row, value as `0x%X`, each line
/// ending in `\n`, in the order given.
pub fn to_tsv(rows: &[OpcodeRow]) -> String {
    let mut out = String::with_capacity(64 * (rows.len() + 1));
    out.push_str(TSV_HEADER);
    out.push('\n');
    for r in rows {
        out.push_str(&format!("{}\t0x{:X}\t{}\t{}\t{}\n", r.name, r.value, r.status, r.processing, r.handler));
    }
    out
}

/// Parses the TSV [`to_tsv`] writes (`file` names it in errors); each row's `line` is its TSV
/// line. Every bad row is reported.
pub fn parse_tsv(file: &Path, text: &str) -> Result<Vec<OpcodeRow>, TrinityError> {
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut header = false;
    for (line, raw) in numbered_lines(text) {
        let l = raw.trim_start_matches('\u{feff}');
        if l.trim().is_empty() {
            continue;
        }
        if !header {
            if l != TSV_HEADER {
                problems.push(problem(
                    file,
                    Some(line),
                    TcProblemKind::BadRow {
                        message: format!("expected the header `{}`", TSV_HEADER.replace('\t', "\\t")),
                    },
                ));
                break;
            }
            header = true;
            continue;
        }
        let cols: Vec<&str> = l.split('\t').collect();
        let bad = |message: String| problem(file, Some(line), TcProblemKind::BadRow { message });
        if cols.len() != 5 || cols.iter().any(|c| c.trim().is_empty()) {
            problems.push(bad(format!("expected 5 non-empty columns, got {}", cols.len())));
            continue;
        }
        let v = cols[1].trim();
        let value = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(h) => u32::from_str_radix(h, 16).ok(),
            None => v.parse().ok(),
        };
        let Some(value) = value else {
            problems.push(bad(format!("value `{v}` is not a uint32")));
            continue;
        };
        rows.push(OpcodeRow {
            name: cols[0].trim().to_string(),
            value,
            status: cols[2].trim().to_string(),
            processing: cols[3].trim().to_string(),
            handler: cols[4].trim().to_string(),
            line,
        });
    }
    if !header && problems.is_empty() {
        problems.push(problem(file, None, TcProblemKind::BadRow { message: "empty: no header".into() }));
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(TrinityError { problems })
    }
}

/// Reads a TSV written by [`to_tsv`] (e.g. `model/data/trinitycore-client-opcodes.tsv`).
pub fn read_tsv(path: &Path) -> Result<Vec<OpcodeRow>, TrinityError> {
    let text = read_lossy(path)
        .map_err(|reason| TrinityError { problems: vec![problem(path, None, TcProblemKind::Unreadable { reason })] })?;
    parse_tsv(path, &text)
}
