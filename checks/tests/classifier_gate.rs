//! `verify --classifier FILE` as the gate of the module's repository: the user's classifier runs
//! as `seed-deferral`, and the exit status says whether it adds any violation to what a complete,
//! fail-closed classifier shows in the same cell (0), does (1, with a counterexample and the
//! replay command that names the file), or cannot be read (2).
//!
//! `cargo test -p checks --release --test classifier_gate`

mod common;

use model::classifier::{Classifier, CompleteClassifier, Route};
use model::Opcode;
use std::path::{Path, PathBuf};

use common::{scratch, verify};

/// A TSV classifier that defers what the complete classifier defers, less `without`.
fn complete_tsv(dir: &Path, name: &str, without: &[&str]) -> PathBuf {
    let mut text = String::from("category\topcode\n");
    for op in Opcode::all() {
        if CompleteClassifier.route(op) != Route::BotWorker && !without.contains(&op.name()) {
            text.push_str(&format!("spell\t{}\n", op.name()));
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write the classifier");
    path
}

const CELLS: [&str; 6] =
    ["--checker", "loom", "--scenario", "move-stop-49416,quest-reward-49416,cast-then-move", "--format", "json"];

/// A classifier that defers every state-changing opcode passes, with both dispatch modes.
#[test]
fn a_classifier_that_defers_every_state_changing_opcode_passes() {
    let path = complete_tsv(&scratch("gate-complete"), "complete.tsv", &[]);
    let (code, stdout, stderr) = verify(&[&["--classifier", path.to_str().unwrap()][..], &CELLS[..]].concat());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("gate passed"), "{stderr}");
    assert!(stdout.contains("\"policy\": \"seed-deferral\""), "the classifier ran as seed-deferral");
}

/// Taking `CMSG_MOVE_STOP` or the quest reward out of that classifier turns the gate red, with
/// the counterexample's invariant or assert and a replay command that names the file.
#[test]
fn removing_the_stop_or_the_quest_reward_turns_the_gate_red() {
    let dir = scratch("gate-holes");
    for (name, opcode, scenario) in [
        ("no-stop.tsv", "CMSG_MOVE_STOP", "move-stop-49416"),
        ("no-quest.tsv", "CMSG_QUEST_GIVER_CHOOSE_REWARD", "quest-reward-49416"),
    ] {
        let path = complete_tsv(&dir, name, &[opcode]);
        let (code, _, stderr) = verify(&[&["--classifier", path.to_str().unwrap()][..], &CELLS[..]].concat());
        assert_eq!(code, 1, "{opcode}: {stderr}");
        let gate_line = format!("GATE {scenario} / seed-deferral / ai=worker / fire-and-forget / loom:");
        assert!(stderr.contains(&gate_line), "{opcode}: {stderr}");
        assert!(stderr.contains("SpellAuras.cpp:") || stderr.contains("Unit.cpp:"), "an assert: {stderr}");
        assert!(stderr.contains(&format!("--classifier '{}' replay seed-deferral", path.display())), "{stderr}");
    }
}

/// The seed's classifier read from its C++ form gives exactly the verdicts of the bundled one.
#[test]
fn the_seeds_cpp_gives_todays_verdicts() {
    let cpp = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/classifier/seed_classifier.cpp");
    let args = ["--policy", "seed-deferral", "--checker", "loom", "--scenario", "move-stop-49416,cast-then-move"];
    let (_, bundled, _) = verify(&[&args[..], &["--format", "json"]].concat());
    let (code, from_cpp, stderr) =
        verify(&[&["--classifier", cpp.to_str().unwrap()][..], &args[..], &["--format", "json"]].concat());
    assert_eq!(code, 1, "the seed's classifier fails the gate: {stderr}");
    // Same results but for the pinned-truth flag, which gate mode does not use.
    let strip = |s: &str| s.lines().filter(|l| !l.contains("matches_expected")).collect::<Vec<_>>().join("\n");
    assert_eq!(strip(&bundled), strip(&from_cpp));
}

/// Bad paths, unreadable or empty files exit 2 with the file's name and what is wrong; nothing
/// panics.
#[test]
fn bad_classifier_files_exit_2() {
    let dir = scratch("gate-bad");
    let empty = dir.join("empty.cpp");
    std::fs::write(&empty, "").unwrap();
    let no_sets = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/classifier/no_sets.cpp");
    let misspelled = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources/classifier/misspelled.cpp");
    let unknown_set = dir.join("unknown-set.cpp");
    std::fs::write(
        &unknown_set,
        "static std::unordered_set<OpcodeClient> const s_miscOpcodes = { CMSG_CAST_SPELL };\n",
    )
    .unwrap();
    let missing = dir.join("missing.cpp");
    for (path, message) in [
        (missing.as_path(), "cannot be read"),
        (empty.as_path(), "is empty"),
        (no_sets.as_path(), "has no opcode set"),
        (misspelled.as_path(), "CMSG_CAST_SPEL is not a known opcode; nearest: CMSG_CAST_SPELL"),
        (unknown_set.as_path(), "set s_miscOpcodes is none of the module's eight"),
    ] {
        let (code, _, stderr) = verify(&["--classifier", path.to_str().unwrap(), "classify", "CMSG_CAST_SPELL"]);
        assert_eq!(code, 2, "{}: {stderr}", path.display());
        assert!(stderr.contains(message), "{}: {stderr}", path.display());
        assert!(stderr.contains(&path.display().to_string()), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// `verify drift --trinitycore DIR` on a checkout that is not the one the model was read from:
/// the citations whose file or function is gone are listed as rows to re-read, the opcode
/// table's differences are listed, and the exit status is 1; a directory that is no checkout is
/// 2. (The real tree the model cites holds every citation: `checks/tests/sources_drift.rs`.)
#[test]
fn drift_lists_what_to_re_read() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sources");
    let dir = scratch("drift-checkout");
    let copy = |from: &Path, to: &Path| {
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    };
    let protocol = "src/server/game/Server/Protocol";
    for f in ["Opcodes.h", "Opcodes.cpp"] {
        copy(&fixtures.join("tc").join(protocol).join(f), &dir.join(protocol).join(f));
    }
    let auras = "src/server/game/Spells/Auras/SpellAuras.cpp";
    copy(&fixtures.join("drift/tc").join(auras), &dir.join(auras));
    let (code, stdout, stderr) = verify(&["drift", "--trinitycore", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stdout.contains("re-read row 2: src/server/game/Spells/Auras/SpellAuras.cpp:353-391"), "{stdout}");
    assert!(stdout.contains("no function Aura::TryRefreshStackOrCreate in the file"), "{stdout}");
    assert!(stdout.contains("re-read row 4: src/server/game/Entities/Unit/Unit.cpp:3549-3584"), "{stdout}");
    assert!(stdout.contains("missing file"), "{stdout}");
    assert!(
        stdout
            .contains("client opcode table: 14 opcodes in the checkout, 1008 in the bundled table this build runs on"),
        "{stdout}"
    );
    assert!(
        stdout.contains(
            "changed: CMSG_CAST_SPELL: 0x3A017C STATUS_LOGGEDIN PROCESS_THREADSAFE WorldSession::HandleCastSpellOpcode → \
             0x3A01D0 STATUS_LOGGEDIN PROCESS_THREADSAFE WorldSession::HandleCastSpellOpcode"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("gone: CMSG_ADD_TOY (0x"), "{stdout}");
    let (code, _, stderr) = verify(&["drift", "--trinitycore", fixtures.join("classifier").to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("is not a TrinityCore checkout"), "{stderr}");
}

/// `--trinitycore DIR` on any command holds the table this build runs on against DIR's: the same
/// table (written from the bundled one) lets the command run, a different one stops it with exit
/// 2, the differences and the command that rebuilds the suite on DIR; no checkout is exit 2.
/// `drift` without a checkout is exit 2 too.
#[test]
fn a_checkout_with_another_table_asks_for_a_build_on_it() {
    let bundled = cpp_sources::trinitycore::read_tsv(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../model/data/trinitycore-client-opcodes.tsv"),
    )
    .unwrap();
    let same = scratch("same-table-checkout");
    let write = |dir: &Path, rows| cpp_sources::trinitycore::write_checkout(dir, rows).unwrap();
    write(&same, &bundled);
    let (code, stdout, stderr) = verify(&["classify", "CMSG_CAST_SPELL", "--trinitycore", same.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("CMSG_CAST_SPELL (0x3A017C)"), "{stdout}");

    let other = scratch("other-table-checkout");
    let mut rows = bundled.clone();
    rows.iter_mut().find(|r| r.name == "CMSG_SORT_BAGS").unwrap().processing = "PROCESS_THREADSAFE".into();
    write(&other, &rows);
    let (code, stdout, stderr) = verify(&["--trinitycore", other.to_str().unwrap(), "classify", "CMSG_CAST_SPELL"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stdout.is_empty(), "the command ran on the wrong table: {stdout}");
    assert!(stderr.contains("differs from it in 1 opcode:"), "{stderr}");
    assert!(stderr.contains("changed: CMSG_SORT_BAGS"), "{stderr}");
    let canonical = std::fs::canonicalize(&other).unwrap();
    assert!(
        stderr.contains(&format!("TRINITYCORE_DIR={} cargo run --release -- --trinitycore", canonical.display())),
        "{stderr}"
    );

    let (code, _, stderr) = verify(&["--trinitycore", "/nonexistent/tc", "gaps"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("/nonexistent/tc") && stderr.contains("Opcodes.h"), "{stderr}");
    let (code, _, stderr) = verify(&["drift"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--trinitycore DIR"), "{stderr}");
}

/// `verify holes`: the seed's classifier leaves holes that loom shows (the movement-stop family
/// against the heartbeat, world-global handlers of two bots even with the barrier); a classifier
/// that defers every state-changing opcode keeps no kind on the worker, so there is nothing to
/// hunt and the exit status is 0.
#[test]
fn holes_are_shown_with_counterexamples() {
    let (code, stdout, stderr) = verify(&["holes"]);
    assert_eq!(code, 1, "{stderr}");
    let section = |kind: &str| {
        let start = stdout.find(&format!("## {kind} —")).unwrap_or_else(|| panic!("no {kind} section: {stdout}"));
        let rest = &stdout[start + 3..];
        rest[..rest.find("\n## ").unwrap_or(rest.len())].to_string()
    };
    let stop = section("move-stop");
    assert!(stop.contains("CMSG_MOVE_STOP"), "the section lists the opcodes it covers: {stop}");
    assert!(stop.contains("- ai=worker / fire-and-forget: **data-race"), "{stop}");
    let group = section("world-global");
    assert!(group.contains("- ai=worker / barrier: **data-race: Group::m_memberSlots"), "{group}");
    assert!(
        section("cast").contains("- ai=worker / fire-and-forget: nothing beyond a complete classifier"),
        "the cast is dropped"
    );

    let path = complete_tsv(&scratch("holes-complete"), "complete.tsv", &[]);
    let (code, stdout, stderr) = verify(&["--classifier", path.to_str().unwrap(), "holes"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stderr.contains("0 of 0 kinds"), "{stderr}");
}

/// One loom row at bound 0 (every cell below shows what it breaks in its one schedule).
fn loom_row(policy: model::Policy, dispatch: model::Dispatch) -> checks::matrix::Row {
    use checks::explore::{Budget, Cell, Checker};
    let cell = Cell { policy, ai: model::AiPlacement::Worker, scenario: model::ScenarioName::GroupLeave, dispatch };
    checks::matrix::run_job(cell, Checker::Loom, Budget { bound: Some(0), ..Budget::default() })
}

/// The verdict the gate gives, without the binary: in gate mode the `seed-deferral` rows are
/// judged against a complete classifier (the seed's leaves the group race under the barrier,
/// which complete deferral closes: at loom bound 0, the second leaver's read of its `m_group`
/// against the first leave's `Disband` clearing it), and every other row against its pinned truth; outside it,
/// every row against its pinned truth.
#[test]
fn the_gate_judges_seed_deferral_rows_against_a_complete_classifier() {
    use checks::audit::gate::{gate_failures, judged_by_gate, Verdict};
    use model::{Dispatch, Policy};
    let mut rows = vec![
        loom_row(Policy::SEED_DEFERRAL, Dispatch::Barrier),
        loom_row(Policy::COMPLETE_DEFERRAL, Dispatch::Barrier),
    ];
    let plain = Verdict::judge(&rows, false);
    assert!(plain.passed() && plain.gated == 0 && plain.gate_failures.is_empty(), "{plain:?}");
    assert!(!judged_by_gate(false, &rows[0]));
    assert!(judged_by_gate(true, &rows[0]) && !judged_by_gate(true, &rows[1]));

    let failures = gate_failures(&rows, true);
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert!(std::ptr::eq(failures[0].0, &rows[0]));
    let race = "data race on Player::m_group (a complete classifier leaves none there)";
    assert!(failures[0].1.iter().any(|b| b == race), "{:?}", failures[0].1);
    let gated = Verdict::judge(&rows, true);
    assert_eq!((gated.gated, gated.gate_failures.len(), gated.mismatches.len()), (1, 1, 0));
    assert!(!gated.passed());

    // A row that differs from its pinned truth fails the run, unless the gate judges it.
    for r in &mut rows {
        r.mismatch = Some("pinned otherwise".into());
    }
    let plain = Verdict::judge(&rows, false);
    assert_eq!(plain.mismatches.len(), 2);
    assert!(!plain.passed());
    let gated = Verdict::judge(&rows, true);
    assert_eq!(gated.mismatches.len(), 1);
    assert!(std::ptr::eq(gated.mismatches[0], &rows[1]));
}
