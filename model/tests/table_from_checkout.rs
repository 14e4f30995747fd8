//! The model built on a TrinityCore checkout's opcode table (`TRINITYCORE_DIR`), end to end.
//!
//! A checkout is written from the bundled table with three changes a newer server version could
//! bring (an opcode added, one removed, one moved to another processing place), the model is
//! built on it by `build.rs` in a separate target directory, and its `opcode_table` example
//! prints the table the build runs on. Invariants:
//!
//! - the built table is exactly the checkout's: every row, in `Opcodes.cpp` order (so the
//!   generated `Opcode` enum, wire index and handler places all come from the checkout);
//! - the build names its source, and the added opcode, which no handler-kind rule names, is
//!   listed as a guessed (fail-closed, player-write) kind;
//! - a checkout without the opcode files, or a relative `TRINITYCORE_DIR`, stops the build with
//!   a message naming the problem, never a build on the bundled table.

use cpp_sources::trinitycore::{parse_tsv, to_tsv, write_checkout, OpcodeRow};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs the `opcode_table` example of the model built with `TRINITYCORE_DIR=dir`.
fn build_on(dir: &Path) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let target = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("table-from-checkout");
    Command::new(cargo)
        .args(["run", "-q", "-p", "model", "--example", "opcode_table"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("TRINITYCORE_DIR", dir)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo")
}

fn scratch(name: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn the_model_builds_on_a_checkouts_table() {
    let bundled_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/trinitycore-client-opcodes.tsv");
    let bundled = std::fs::read_to_string(&bundled_path).unwrap();
    let mut rows = parse_tsv(&bundled_path, &bundled).unwrap();
    // A newer server: one opcode gone, one moved to the map thread, one added.
    rows.retain(|r| r.name != "CMSG_SET_SHEATHED");
    let sort = rows.iter_mut().find(|r| r.name == "CMSG_SORT_BAGS").unwrap();
    assert_ne!(sort.processing, "PROCESS_THREADSAFE");
    sort.processing = "PROCESS_THREADSAFE".into();
    assert!(rows.iter().all(|r| r.value != 0x3AFFFF));
    rows.push(OpcodeRow {
        name: "CMSG_FUTURE_THING".into(),
        value: 0x3AFFFF,
        status: "STATUS_LOGGEDIN".into(),
        processing: "PROCESS_THREADSAFE".into(),
        handler: "WorldSession::HandleFutureThing".into(),
        line: 0,
    });
    let dir = scratch("newer-checkout");
    write_checkout(&dir, &rows).unwrap();

    let out = build_on(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the build on the checkout failed:\n{stderr}");
    assert_eq!(String::from_utf8_lossy(&out.stdout), to_tsv(&rows), "the built table is not the checkout's");
    assert!(
        stderr.contains(&format!("table: {} ({} opcodes)", dir.display(), rows.len())),
        "the build does not name its table:\n{stderr}"
    );
    let guessed = stderr.lines().find(|l| l.starts_with("guessed handler kinds")).unwrap_or("");
    assert!(guessed.split(' ').any(|n| n == "CMSG_FUTURE_THING"), "the new opcode is not listed as guessed: {guessed}");
    assert!(!guessed.split(' ').any(|n| n == "CMSG_SET_SHEATHED"), "a removed opcode is still listed: {guessed}");
}

#[test]
fn a_bad_checkout_stops_the_build() {
    let empty = scratch("not-a-checkout");
    let out = build_on(&empty);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a build on a directory without Opcodes.h succeeded");
    assert!(stderr.contains("cannot read its opcode table") && stderr.contains("Opcodes.h"), "{stderr}");

    let out = build_on(Path::new("relative/TrinityCore"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a build on a relative TRINITYCORE_DIR succeeded");
    assert!(stderr.contains("must be an absolute path"), "{stderr}");
}
