//! The `verify` command as a user runs it: bad input is a clear message and exit status 2, never
//! a panic.
//!
//! `cargo test -p checks --release --test cli`

mod common;

use std::collections::BTreeSet;
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
    let cases: [(&[&str], &str); 10] = [
        (&["--bound", "x"], "bad bound \"x\""),
        (&["--bound", "3.5"], "bad bound"),
        (&["--jobs", "0"], "bad jobs \"0\""),
        (&["--jobs", "many"], "bad jobs"),
        (&["--shard", "3/2"], "bad shard"),
        (&["--policy", "seed"], "invalid value 'seed' for '--policy <POLICY>'"),
        (&["replay", "unsynchronized", "quest-reward-49416", "zz"], "not a valid shuttle schedule string"),
        (&["--ai", "main-thread"], "invalid value 'main-thread' for '--ai <AI>'"),
        (&["--compare", "--ai", "worker"], "cannot be used with"),
        (
            &["replay", "unsynchronized", "quest-reward-49416", "91", "--ai", "map-thread"],
            "--ai map-thread with unsynchronized / fire-and-forget is not a cell of the matrix",
        ),
    ];
    for (args, message) in cases {
        let (code, stderr) = verify(args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `--bound none` explores every schedule and says so: a cell with a single schedule is proved
/// (map routing with the AI inside the map update: no bot worker runs).
#[test]
fn bound_none_proves() {
    let out = Command::new(env!("CARGO_BIN_EXE_verify"))
        .args(["--bound", "none", "--checker", "loom", "--scenario", "crash-49416", "--policy", "map-routing"])
        .args(["--ai", "map-thread"])
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

/// The results of `verify ARGS --format json`, as (policy, scenario, dispatch, checker, ai), and
/// verify's exit status.
fn results(args: &[&str]) -> (Option<i32>, Vec<[String; 5]>) {
    let out = Command::new(env!("CARGO_BIN_EXE_verify")).args(args).args(["--format", "json"]).output().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)));
    let field = |r: &serde_json::Value, k: &str| r[k].as_str().unwrap_or_else(|| panic!("no {k} in {r}")).to_string();
    let rows = json["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| [field(r, "policy"), field(r, "scenario"), field(r, "dispatch"), field(r, "checker"), field(r, "ai")])
        .collect();
    (out.status.code(), rows)
}

/// The results of `verify ARGS --format json`, as (policy, scenario, dispatch, checker, ai); every
/// result matches its pinned truth.
fn cells_with_ai(args: &[&str]) -> Vec<[String; 5]> {
    let (code, rows) = results(args);
    assert_eq!(code, Some(0), "{args:?}");
    rows
}

/// The results of `verify ARGS --format json` on the bot worker AI, as (policy, scenario,
/// dispatch, checker); every result matches its pinned truth.
fn cells(args: &[&str]) -> Vec<[String; 4]> {
    cells_with_ai(args)
        .into_iter()
        .map(|[p, s, d, c, ai]| {
            assert_eq!(ai, "worker", "{args:?}: {p} {s} {d} {c}");
            [p, s, d, c]
        })
        .collect()
}

/// The (policy, ai, dispatch) combinations and the scenarios of `verify ARGS --format json`,
/// whatever its verdict (a selection, not a verdict, is under test: a cell not pinned yet is a
/// mismatch, exit 1, and still runs); bad arguments (exit 2) fail.
fn selected(args: &[&str]) -> (BTreeSet<(String, String, String)>, BTreeSet<String>) {
    let (code, rows) = results(args);
    assert!(matches!(code, Some(0 | 1)), "{args:?}: exit {code:?}");
    let combos = rows.iter().map(|[p, _, d, _, ai]| (p.clone(), ai.clone(), d.clone())).collect();
    (combos, rows.into_iter().map(|[_, s, ..]| s).collect())
}

/// Narrows the matrix to one scenario, dispatch mode, checker and AI placement (the bot worker, which
/// pairs with every policy; the policy is left to add).
const ONE_CELL: [&str; 8] =
    ["--checker", "loom", "--scenario", "crash-49416", "--dispatch", "barrier", "--ai", "worker"];

/// Each filter runs exactly what it names, for every value it accepts: with the other three
/// narrowed to one value each and the AI on the bot worker (shuttle-random for seed-load, which
/// loom does not explore), `--policy P` (resp. `--scenario`, `--dispatch`, `--checker`)
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
            let mut args = vec!["--budget", "20", "--ai", "worker"];
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

/// `--ai P` runs exactly the cells of placement P, each with only the policies and dispatch modes
/// it pairs with (`AiPlacement::pairs`): with the scenario and checker narrowed to one value,
/// `--ai worker` gives every policy and dispatch mode, a moved AI its designs' pairs; and a filter
/// alone selects from the full product (`--ai map-thread` gives every map-thread cell).
#[test]
fn the_ai_filter_runs_exactly_the_placements_it_names() {
    use model::{AiPlacement, Dispatch, Policy};
    for ai in AiPlacement::ALL {
        let one = ["--checker", "loom", "--scenario", "crash-49416", "--ai", ai.name()];
        let (combos, scenarios) = selected(&one);
        let expected: BTreeSet<_> = Policy::ALL
            .iter()
            .flat_map(|&p| Dispatch::ALL.map(|d| (p, d)))
            .filter(|&(p, d)| ai.pairs(p, d))
            .map(|(p, d)| (p.name().to_string(), ai.name().to_string(), d.name().to_string()))
            .collect();
        assert_eq!(combos, expected, "--ai {}", ai.name());
        assert_eq!(scenarios, BTreeSet::from(["crash-49416".to_string()]));
    }
    let (combos, _) =
        selected(&["--ai", "map-thread", "--checker", "shuttle-random", "--budget", "1", "--scenario", "crash-49416"]);
    let expected: BTreeSet<_> = Policy::ALL
        .iter()
        .flat_map(|p| Dispatch::ALL.map(|d| (*p, d)))
        .filter(|&(p, d)| AiPlacement::MapThread.pairs(p, d))
        .map(|(p, d)| (p.name().to_string(), "map-thread".to_string(), d.name().to_string()))
        .collect();
    assert_eq!(combos, expected);
}

/// With no filter the run is the cells users ask about: the `--compare` candidates, on every
/// scenario; `--all` is the full product, every policy × every placement it pairs with × every
/// dispatch mode, on every scenario.
#[test]
fn the_default_run_is_the_candidates_and_all_is_the_full_product() {
    use checks::audit::compare::CANDIDATES;
    use model::{AiPlacement, Dispatch, Policy, ScenarioName};
    let every_scenario: BTreeSet<String> = ScenarioName::ALL.iter().map(|s| s.name().to_string()).collect();
    let one_schedule = ["--checker", "shuttle-random", "--budget", "1"];
    let (combos, scenarios) = selected(&one_schedule);
    let candidates: BTreeSet<_> = CANDIDATES
        .iter()
        .map(|c| (c.policy.name().to_string(), c.ai.name().to_string(), c.dispatch.name().to_string()))
        .collect();
    assert_eq!(combos, candidates);
    assert_eq!(scenarios, every_scenario);
    let (combos, scenarios) = selected(&[&["--all"][..], &one_schedule].concat());
    let mut full = BTreeSet::new();
    for p in Policy::ALL {
        for ai in AiPlacement::ALL.into_iter().filter(|ai| ai.pairs_with(p)) {
            for d in Dispatch::ALL.into_iter().filter(|&d| ai.pairs(p, d)) {
                full.insert((p.name().to_string(), ai.name().to_string(), d.name().to_string()));
            }
        }
    }
    assert_eq!(combos, full);
    assert_eq!(scenarios, every_scenario);
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
