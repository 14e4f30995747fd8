//! The `verify` command as a user runs it: bad input is a clear message and exit status 2, never
//! a panic.
//!
//! `cargo test -p checks --release --test cli`

mod common;

use std::process::Command;

/// `verify args`: exit code and standard error.
fn verify(args: &[&str]) -> (i32, String) {
    let (code, _, stderr) = common::verify(args);
    (code, stderr)
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
        (&["--policy", "seed"], "invalid value 'seed' for '--policy <POLICY>'"),
        (&["replay", "unsynchronized", "quest-reward-49416", "zz"], "not a valid shuttle schedule string"),
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

/// The results of `verify ARGS --format json`, as (policy, scenario, dispatch, checker).
fn cells(args: &[&str]) -> Vec<[String; 4]> {
    let out = Command::new(env!("CARGO_BIN_EXE_verify")).args(args).args(["--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let field = |r: &serde_json::Value, k: &str| r[k].as_str().unwrap_or_else(|| panic!("no {k} in {r}")).to_string();
    json["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| [field(r, "policy"), field(r, "scenario"), field(r, "dispatch"), field(r, "checker")])
        .collect()
}

/// Narrows the matrix to one scenario, dispatch mode and checker (the policy is left to add).
const ONE_CELL: [&str; 6] = ["--checker", "loom", "--scenario", "crash-49416", "--dispatch", "barrier"];

/// Each filter runs exactly what it names, for every value it accepts: with the other three
/// narrowed to one value each (shuttle-random for seed-load, which loom does not explore), `--policy P` (resp. `--scenario`, `--dispatch`, `--checker`)
/// gives exactly one result, and it is P's. A filter that matched the wrong name (or every
/// name) would run another cell, or more than one. Two values give exactly those two. The gate
/// scripts and the README's examples rely on these filters.
#[test]
fn filters_run_exactly_what_they_name() {
    use checks::explore::Checker;
    use model::{Dispatch, Policy, ScenarioName};
    let base = ["seed-deferral", "crash-49416", "barrier", "loom"];
    let flags = ["--policy", "--scenario", "--dispatch", "--checker"];
    let names: [Vec<&str>; 4] = [
        Policy::ALL.iter().map(|p| p.name()).collect(),
        ScenarioName::ALL.iter().map(|s| s.name()).collect(),
        Dispatch::ALL.iter().map(|d| d.name()).collect(),
        Checker::ALL.iter().map(|c| c.name()).collect(),
    ];
    for (i, values) in names.iter().enumerate() {
        for value in values {
            let mut chosen = base;
            chosen[i] = value;
            // loom explores only the small scenarios; seed-load is sampled by shuttle.
            if ScenarioName::from_name(chosen[1]).is_some_and(|s| !s.is_small()) {
                chosen[3] = Checker::Random.name();
            }
            let mut args = vec!["--budget", "20"];
            for (flag, v) in flags.iter().zip(chosen) {
                args.extend([*flag, v]);
            }
            let got = cells(&args);
            assert_eq!(got.len(), 1, "{args:?} ran {got:?}");
            assert_eq!(got[0].each_ref().map(String::as_str), chosen, "{args:?} ran another cell");
        }
    }
    let got = cells(&[&ONE_CELL[..], &["--policy", "unsynchronized,map-routing"]].concat());
    let policies: Vec<&str> = got.iter().map(|c| c[0].as_str()).collect();
    assert_eq!(policies, ["unsynchronized", "map-routing"]);
}

/// Filters that select nothing (loom on seed-load) exit 2 with the reason, rather than print an
/// empty matrix that reads as "everything holds".
#[test]
fn filters_that_select_nothing_are_an_error() {
    let (code, stderr) = verify(&["--checker", "loom", "--scenario", "seed-load"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("these filters select no result"), "{stderr}");
}

/// The matrix options work after the `verify` subcommand too (`verify verify --format json`).
#[test]
fn the_verify_subcommand_takes_the_matrix_options() {
    let got = cells(&[&["verify"][..], &ONE_CELL, &["--policy", "map-routing"]].concat());
    assert_eq!(got, [["map-routing", "crash-49416", "barrier", "loom"].map(String::from)]);
}
