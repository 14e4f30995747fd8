//! Generates the opcode table, the single source of truth for the opcode space.
//!
//! By default it is read from `data/trinitycore-client-opcodes.tsv`: TrinityCore's 1,008 client
//! opcodes (name, wire value, session status, processing place, handler). With the environment
//! variable `TRINITYCORE_DIR` set to a TrinityCore checkout, it is read from that checkout's
//! `Opcodes.h` (wire values) and `Opcodes.cpp` (`DEFINE_HANDLER` lines) instead, so that the whole
//! suite runs on that server version. Both go through `cpp-sources`, the parser the checks use,
//! and the bundled TSV is what that parser writes from a checkout (see `checks/tests/sources_parse.rs`).
//! `data/seed-classifier-opcodes.tsv` holds the seed's 62 deferred opcodes by category. Nothing
//! here is retyped by hand: the `Opcode` enum, the table, the wire-value index, the seed's
//! category list and the table's origin are all written from the files.
//!
//! Each opcode's handler kind is computed here, once, by the handler-kind rules of
//! `src/opcodes/rules.rs`, which this script compiles as a module of its own (with
//! `src/named.rs`, whose macro it uses): every `OpcodeInfo` row carries its `kind` and `basis`,
//! and `OPCODES_OF_KIND` lists the opcodes of each kind, for whichever table was read.
//!
//! A bad table stops the build with the file, the line and what is wrong.

// The crate's own files, shared with it: the name-table macro, then the handler-kind rules.
#[allow(dead_code)]
#[macro_use]
#[path = "src/named.rs"]
mod named;
#[allow(dead_code)]
#[path = "src/opcodes/rules.rs"]
mod rules;

use cpp_sources::trinitycore::{self, OpcodeRow};
use cpp_sources::{read_lossy, tsv};
use rules::{kind_basis_of, HandlerKind, KindBasis};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

/// The seed classifier's columns; `#` lines are comments (as for the checks' classifier reader).
const SEED_FORMAT: tsv::Format = tsv::Format {
    columns: &["category", "opcode", "tc_status", "tc_processing", "tc_handler"],
    more_columns: false,
    comments: true,
};

/// Stops the build with a message cargo shows as it is.
fn fail(message: String) -> ! {
    eprintln!("error: {message}");
    panic!("{message}");
}

/// The table and a description of where it came from.
fn read_table(bundled: &Path) -> (Vec<OpcodeRow>, String) {
    println!("cargo:rerun-if-env-changed=TRINITYCORE_DIR");
    match env::var_os("TRINITYCORE_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => {
            let dir = Path::new(&dir);
            if dir.is_relative() {
                fail(format!(
                    "TRINITYCORE_DIR={} must be an absolute path (the build script runs in model/)",
                    dir.display()
                ));
            }
            for rel in [trinitycore::OPCODES_H, trinitycore::OPCODES_CPP] {
                println!("cargo:rerun-if-changed={}", dir.join(rel).display());
            }
            match trinitycore::read_checkout(dir) {
                Ok(t) => (t.rows, format!("{}", dir.display())),
                Err(e) => fail(format!("TRINITYCORE_DIR={}: cannot read its opcode table:\n{e}", dir.display())),
            }
        }
        None => match trinitycore::read_tsv(bundled) {
            Ok(rows) => (rows, "bundled".to_string()),
            Err(e) => fail(format!("the bundled opcode table:\n{e}")),
        },
    }
}

fn main() {
    let dir = env::var("CARGO_MANIFEST_DIR").unwrap();
    let table_path = Path::new(&dir).join("data/trinitycore-client-opcodes.tsv");
    let seed_path = Path::new(&dir).join("data/seed-classifier-opcodes.tsv");
    println!("cargo:rerun-if-changed={}", table_path.display());
    println!("cargo:rerun-if-changed={}", seed_path.display());
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/named.rs");
    println!("cargo:rerun-if-changed=src/opcodes/rules.rs");

    let (table, source) = read_table(&table_path);
    let seed = read_lossy(&seed_path).unwrap_or_else(|e| fail(format!("{}: cannot be read: {e}", seed_path.display())));

    struct Row {
        name: String,
        value: u32,
        status: &'static str,
        place: &'static str,
        handler: String,
        kind: HandlerKind,
        basis: KindBasis,
    }
    let mut rows = Vec::new();
    for r in &table {
        let status = match r.status.as_str() {
            "STATUS_AUTHED" => "Authed",
            "STATUS_LOGGEDIN" => "LoggedIn",
            "STATUS_TRANSFER" => "Transfer",
            "STATUS_LOGGEDIN_OR_RECENTLY_LOGGOUT" => "LoggedInOrRecentlyLoggedOut",
            "STATUS_NEVER" => "Never",
            "STATUS_UNHANDLED" => "Unhandled",
            "STATUS_IGNORED" => "Ignored",
            other => fail(format!("{source}: line {} ({}): unknown session status {other}", r.line, r.name)),
        };
        let place = match r.processing.as_str() {
            "PROCESS_INPLACE" => "Inplace",
            "PROCESS_THREADUNSAFE" => "ThreadUnsafe",
            "PROCESS_THREADSAFE" => "ThreadSafe",
            other => fail(format!("{source}: line {} ({}): unknown processing place {other}", r.line, r.name)),
        };
        let (kind, basis) = kind_basis_of(&r.name, &r.status, &r.handler);
        rows.push(Row { name: r.name.clone(), value: r.value, status, place, handler: r.handler.clone(), kind, basis });
    }
    let names: BTreeSet<&str> = rows.iter().map(|r| r.name.as_str()).collect();
    if names.len() != rows.len() {
        fail(format!("{source}: opcode names must be unique"));
    }
    let values: BTreeSet<u32> = rows.iter().map(|r| r.value).collect();
    if values.len() != rows.len() {
        fail(format!("{source}: wire values must be unique"));
    }

    let mut out = String::new();
    writeln!(out, "// @generated by model/build.rs from the opcode table ({source}) and data/seed-classifier-opcodes.tsv. Do not edit.").unwrap();
    writeln!(
        out,
        "/// Where the opcode table was read from: `bundled` (model/data/trinitycore-client-opcodes.tsv), or the"
    )
    .unwrap();
    writeln!(out, "/// TrinityCore checkout `TRINITYCORE_DIR` named at build time.").unwrap();
    writeln!(out, "pub const TABLE_SOURCE: &str = {source:?};\n").unwrap();
    writeln!(out, "/// Every client opcode of TrinityCore's table, in the table's (alphabetical) order.").unwrap();
    writeln!(out, "#[allow(non_camel_case_types, missing_docs)]").unwrap();
    writeln!(out, "#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]").unwrap();
    writeln!(out, "#[repr(u16)]\npub enum Opcode {{").unwrap();
    for (i, r) in rows.iter().enumerate() {
        writeln!(out, "    {} = {},", r.name, i).unwrap();
    }
    writeln!(out, "}}\n").unwrap();
    writeln!(out, "/// Number of client opcodes in the table.\npub const OPCODE_COUNT: usize = {};\n", rows.len())
        .unwrap();
    writeln!(out, "/// The table, indexed by `Opcode as usize`.").unwrap();
    writeln!(out, "pub static OPCODES: [OpcodeInfo; {}] = [", rows.len()).unwrap();
    for r in &rows {
        writeln!(
            out,
            "    OpcodeInfo {{ opcode: Opcode::{n}, name: \"{n}\", value: {v:#08X}, status: Status::{s}, place: Place::{p}, handler: \"{h}\", kind: HandlerKind::{k:?}, basis: KindBasis::{b:?} }},",
            n = r.name, v = r.value, s = r.status, p = r.place, h = r.handler, k = r.kind, b = r.basis
        )
        .unwrap();
    }
    writeln!(out, "];\n").unwrap();
    writeln!(out, "/// The opcodes of each handler kind, in `HandlerKind::ALL` order, each in table order").unwrap();
    writeln!(out, "/// (see [`HandlerKind::opcodes`]).").unwrap();
    writeln!(out, "pub static OPCODES_OF_KIND: [&[Opcode]; {}] = [", HandlerKind::ALL.len()).unwrap();
    for kind in HandlerKind::ALL {
        writeln!(out, "    // {}", kind.name()).unwrap();
        writeln!(out, "    &[").unwrap();
        for r in rows.iter().filter(|r| r.kind == kind) {
            writeln!(out, "        Opcode::{},", r.name).unwrap();
        }
        writeln!(out, "    ],").unwrap();
    }
    writeln!(out, "];\n").unwrap();
    let mut by_value: Vec<(u32, &str)> = rows.iter().map(|r| (r.value, r.name.as_str())).collect();
    by_value.sort();
    writeln!(out, "/// `(wire value, opcode)` sorted by wire value, for decoding.").unwrap();
    writeln!(out, "pub static BY_VALUE: [(u32, Opcode); {}] = [", by_value.len()).unwrap();
    for (v, n) in &by_value {
        writeln!(out, "    ({v:#08X}, Opcode::{n}),").unwrap();
    }
    writeln!(out, "];\n").unwrap();

    let mut seed_rows = Vec::new();
    let seed_file = seed_path.display();
    for row in tsv::rows(&seed_path, &seed, SEED_FORMAT) {
        let row = row.unwrap_or_else(|p| fail(p.to_string()));
        let at = format!("{seed_file}:{}", row.line);
        let [category, opcode, _, _, handler] = row.first();
        let cat = match category {
            "spell" => "Spell",
            "item" => "Item",
            "resurrection" => "Resurrection",
            "movement" => "Movement",
            "combat" => "Combat",
            "quest" => "Quest",
            "group" => "Group",
            "trade" => "Trade",
            other => fail(format!("{at}: unknown category {other}")),
        };
        // The seed is a fixed document: on the bundled table every entry must match it; on a
        // checkout's, an opcode the server no longer has cannot be deferred and is left out.
        let bundled = source == "bundled";
        let Some(table_row) = rows.iter().find(|r| r.name == opcode) else {
            if bundled {
                fail(format!("{at}: {opcode} is not in the opcode table"));
            }
            println!("cargo:warning=the seed's {opcode} is not in {source}'s opcode table: left out of its classifier");
            continue;
        };
        if bundled && table_row.handler != handler {
            fail(format!("{at}: handler {handler} disagrees with the opcode table: {}", table_row.handler));
        }
        seed_rows.push((cat, opcode.to_string()));
    }
    writeln!(out, "/// The seed's deferred opcodes with their category, in the seed table's order.").unwrap();
    writeln!(out, "pub static SEED_DEFERRED: [(SeedCategory, Opcode); {}] = [", seed_rows.len()).unwrap();
    for (c, n) in &seed_rows {
        writeln!(out, "    (SeedCategory::{c}, Opcode::{n}),").unwrap();
    }
    writeln!(out, "];").unwrap();

    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("opcodes_generated.rs");
    fs::write(dest, out).expect("write generated opcode table");
}
