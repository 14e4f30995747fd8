//! The `verify` command as a user runs it: bad input is a clear message and exit status 2, never
//! a panic.
//!
//! `cargo test -p checks --release --test cli`

use std::process::Command;

fn verify(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_verify")).args(args).output().expect("verify runs");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// A bad `--bound`, `--jobs`, `--shard`, policy, schedule or opcode exits 2 with a message that
/// names the value, and nothing panics.
#[test]
fn bad_values_are_clear_errors() {
    let cases: [(&[&str], &str); 7] = [
        (&["--bound", "x"], "bad bound \"x\""),
        (&["--bound", "3.5"], "bad bound"),
        (&["--jobs", "0"], "bad jobs \"0\""),
        (&["--jobs", "many"], "bad jobs"),
        (&["--shard", "3/2"], "bad shard"),
        (&["--policy", "seed"], "unknown policy \"seed\""),
        (&["replay", "unsynchronized", "quest-accept-49416", "zz"], "not a valid shuttle schedule string"),
    ];
    for (args, message) in cases {
        let (code, stderr) = verify(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `--bound none` explores every schedule and says so: a cell with a single schedule is proved.
#[test]
fn bound_none_proves() {
    let out = Command::new(env!("CARGO_BIN_EXE_verify"))
        .args(["--bound", "none", "--checker", "loom", "--scenario", "crash-49416", "--policy", "map-routing"])
        .args(["--format", "json"])
        .output()
        .expect("verify runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    for r in json["results"].as_array().expect("results") {
        assert_eq!(r["strength"], "proved", "{r}");
        assert!(r["bound"].is_null(), "{r}");
        assert_eq!(r["schedules"], 1, "{r}");
    }
}
