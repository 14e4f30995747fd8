//! Citation drift: `checks/data/citations.tsv` against a TrinityCore checkout and against
//! `FIDELITY.md`.

mod common;

use checks::sources::drift::{
    check_drift, check_fidelity_consistency, fidelity_citations, parse_citations, read_citations, tally, Citation,
    CitedRange, Drift, DriftKind, Missing, CITATIONS_FORMAT, CITATIONS_HEADER,
};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{manifest, repo, scratch};

fn real_citations() -> Vec<Citation> {
    read_citations(&manifest("data/citations.tsv")).unwrap_or_else(|e| panic!("{e}"))
}

fn fidelity() -> String {
    std::fs::read_to_string(repo("FIDELITY.md")).unwrap()
}

fn kinds(drifts: &[Drift]) -> Vec<(u32, DriftKind)> {
    drifts.iter().map(|d| (d.row, d.kind.clone())).collect()
}

// ---------------------------------------------------------------------------------------------
// Drift against a checkout
// ---------------------------------------------------------------------------------------------

const FIXTURE_FILE: &str = "src/server/game/Spells/Auras/SpellAuras.cpp";

/// A copy of the drift fixture's checkout whose one source file is `edit`ed.
fn fixture_checkout(name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let dir = scratch(name);
    let text = std::fs::read_to_string(manifest("tests/fixtures/sources/drift/tc").join(FIXTURE_FILE)).unwrap();
    let path = dir.join(FIXTURE_FILE);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, edit(text)).unwrap();
    dir
}

fn fixture_citations() -> Vec<Citation> {
    read_citations(&manifest("tests/fixtures/sources/drift/citations.tsv")).unwrap_or_else(|e| panic!("{e}"))
}

fn insert_lines_at_top(text: String, n: usize) -> String {
    format!("{}{text}", "// padding\n".repeat(n))
}

#[test]
fn fixture_in_place_is_ok() {
    let cites = fixture_citations();
    assert_eq!(cites.len(), 4);
    let dir = fixture_checkout("base", |t| t);
    assert_eq!(
        kinds(&check_drift(&cites, &dir)),
        [(1, DriftKind::Ok), (6, DriftKind::Ok), (10, DriftKind::Ok), (12, DriftKind::Ok)]
    );
    // A shift smaller than the window is still in place.
    let dir = fixture_checkout("shift10", |t| insert_lines_at_top(t, 10));
    assert!(check_drift(&cites, &dir).iter().all(|d| d.kind == DriftKind::Ok));
    // Re-spacing a fingerprint's line is not drift.
    let dir = fixture_checkout("respace", |t| {
        t.replace("ASSERT(!(_effectMask & (1<<effIndex)));", "ASSERT( ! ( _effectMask & ( 1 << effIndex ) ) );")
    });
    assert_eq!(check_drift(&cites, &dir)[0].kind, DriftKind::Ok);
}

#[test]
fn shifted_functions_are_moved() {
    let dir = fixture_checkout("shift60", |t| insert_lines_at_top(t, 60));
    let drifts = check_drift(&fixture_citations(), &dir);
    assert_eq!(
        kinds(&drifts),
        [
            (1, DriftKind::Moved { new_line: 74 }),
            (6, DriftKind::Moved { new_line: 90 }),
            (10, DriftKind::Moved { new_line: 101 }),
            (12, DriftKind::Moved { new_line: 111 }),
        ]
    );
    assert_eq!(
        drifts[0].to_string(),
        "row 1: src/server/game/Spells/Auras/SpellAuras.cpp:8-25 (AuraApplication::_HandleEffect): moved: the \
         fingerprint is now on line 74"
    );
}

#[test]
fn deleted_function_is_missing_and_edited_statement_is_changed() {
    let dir = fixture_checkout("edits", |t| {
        let start = t.find("void Aura::_ApplyForTarget").unwrap();
        let end = start + t[start..].find("}\n").unwrap() + 2;
        let t = format!("{}{}", &t[..start], &t[end..]);
        t.replace("ASSERT(!(_effectMask & (1<<effIndex)));", "ASSERT(!HasEffect(effIndex));")
    });
    assert_eq!(
        kinds(&check_drift(&fixture_citations(), &dir)),
        [(1, DriftKind::Changed), (6, DriftKind::Missing(Missing::Function)), (10, DriftKind::Ok), (12, DriftKind::Ok),]
    );
}

#[test]
fn a_missing_file_is_missing() {
    let dir = scratch("empty-checkout");
    let drifts = check_drift(&fixture_citations(), &dir);
    assert_eq!(drifts.len(), 4);
    for d in &drifts {
        let DriftKind::Missing(Missing::File { reason }) = &d.kind else { panic!("{d}") };
        assert_eq!(reason, &std::fs::read(dir.join(FIXTURE_FILE)).unwrap_err().to_string());
    }
}

#[test]
fn citation_file_errors_name_their_lines() {
    let text = "row\tfile\tline_start\tline_end\tfunction\tfingerprint\n\
                1\ta.cpp\t10\t5\tF\tx;\n\
                # a comment\n\
                2\ta.cpp\t10\t12\tF\n\
                x\ta.cpp\t1\t2\tF\ty;\n\
                3\ta.cpp\t1\t2\tF\t   \n";
    let err = parse_citations(Path::new("c.tsv"), text).unwrap_err();
    let lines: Vec<Option<usize>> = err.problems.iter().map(|(l, _)| *l).collect();
    assert_eq!(lines, [Some(2), Some(4), Some(5), Some(6)]);
    assert!(err.to_string().starts_with("c.tsv:2: bad line range 10-5"), "{err}");
    let messages: Vec<&str> = err.problems.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        messages[1..],
        [
            "expected 6 tab-separated columns (row, file, line_start, line_end, function, fingerprint), got 5",
            "row, line_start and line_end must be whole numbers",
            "the column `fingerprint` is empty",
        ]
    );
    let err = parse_citations(Path::new("c.tsv"), "1\ta\t1\t1\tF\tx\n").unwrap_err();
    assert_eq!(err.problems[0].0, Some(1));
    assert_eq!(
        err.to_string(),
        "c.tsv:1: expected the header `row\\tfile\\tline_start\\tline_end\\tfunction\\tfingerprint`, got `1\\ta\\t1\\t1\\tF\\tx`"
    );
    assert_eq!(CITATIONS_FORMAT.header(), CITATIONS_HEADER);
}

/// A `FIDELITY.md` whose table cites exactly the fixture citations.
const FIXTURE_FIDELITY: &str = "\
| # | modelled behaviour | source | simplification | verdicts it could change |
|---|---|---|---|---|
| 1 | the assert | TC `Spells/Auras/SpellAuras.cpp:8-25` | none | none |
| 6 | the insert | TC `Spells/Auras/SpellAuras.cpp:27-31` | none | none |
| 10 | the removal | TC `Spells/Auras/SpellAuras.cpp:33-44` | none | none |
| 12 | the counter | TC `Spells/Auras/SpellAuras.cpp:49-52` | none | none |
";

/// `verify drift`'s tally: a thing to re-read per disagreement with `FIDELITY.md`, per drifted
/// citation and per difference of the checkout's opcode table from ours; a table that cannot be
/// read is an error and counts nothing; a row cited twice is one row.
#[test]
fn the_tally_counts_every_thing_to_re_read() {
    let cites = fixture_citations();
    let in_place = fixture_checkout("tally-in-place", |t| t);
    let t = tally(&cites, FIXTURE_FIDELITY, &in_place, &[]);
    assert!(t.consistency.is_empty(), "{:?}", t.consistency);
    assert_eq!((t.citations.len(), t.rows(), t.drifted().len()), (4, 4, 0));
    assert!(t.table.is_err());
    assert_eq!(t.to_re_read(), 0);

    let moved = fixture_checkout("tally-moved", |t| insert_lines_at_top(t, 60));
    let mut twice = cites.clone();
    twice.insert(1, cites[0].clone());
    let t = tally(&twice, FIXTURE_FIDELITY, &moved, &[]);
    assert_eq!(t.consistency.len(), 1, "{:?}", t.consistency);
    assert_eq!((t.citations.len(), t.rows(), t.drifted().len()), (5, 4, 5));
    assert_eq!(t.to_re_read(), 6);

    let protocol = "src/server/game/Server/Protocol";
    for f in ["Opcodes.h", "Opcodes.cpp"] {
        std::fs::create_dir_all(moved.join(protocol)).unwrap();
        std::fs::copy(manifest("tests/fixtures/sources/tc").join(protocol).join(f), moved.join(protocol).join(f))
            .unwrap();
    }
    let theirs = checks::sources::trinitycore::read_checkout(&moved).unwrap().rows;
    let t = tally(&cites, FIXTURE_FIDELITY, &moved, &theirs);
    let table = t.table.as_ref().unwrap();
    assert_eq!((table.theirs, table.ours, table.diffs.len()), (14, 14, 0));
    assert_eq!(t.to_re_read(), 4);
    let t = tally(&cites, FIXTURE_FIDELITY, &moved, &theirs[1..]);
    assert_eq!(t.table.as_ref().unwrap().diffs.len(), 1);
    assert_eq!(t.to_re_read(), 5);
}

/// The bare git mirror of the TrinityCore tree `FIDELITY.md` cites (override with
/// `TRINITYCORE_GIT_DIR`).
fn mirror() -> Option<PathBuf> {
    let dir = std::env::var_os("TRINITYCORE_GIT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/.mirror/Suzakiro+RoleplayCore_Test/repo"));
    dir.is_dir().then_some(dir)
}

#[test]
fn real_sources_hold_every_fingerprint() {
    let Some(git_dir) = mirror() else {
        println!("note: no TrinityCore mirror; skipping the drift check on the real sources");
        return;
    };
    let cites = real_citations();
    let dir = scratch("real");
    let files: BTreeSet<&str> = cites.iter().map(|c| c.file.as_str()).collect();
    for rel in files {
        let out = Command::new("git")
            .arg(format!("--git-dir={}", git_dir.display()))
            .args(["show", &format!("HEAD:{rel}")])
            .output();
        let out = match out {
            Ok(o) if o.status.success() => o.stdout,
            Ok(o) => {
                println!("note: cannot extract {rel}: {}; skipping", String::from_utf8_lossy(&o.stderr).trim());
                return;
            }
            Err(e) => {
                println!("note: cannot run git ({e}); skipping");
                return;
            }
        };
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, out).unwrap();
    }
    let drifts = check_drift(&cites, &dir);
    let bad: Vec<String> = drifts.iter().filter(|d| d.kind != DriftKind::Ok).map(ToString::to_string).collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    assert_eq!(drifts.len(), cites.len());
}

// ---------------------------------------------------------------------------------------------
// FIDELITY.md against citations.tsv
// ---------------------------------------------------------------------------------------------

#[test]
fn fidelity_and_citations_agree() {
    let messages = check_fidelity_consistency(&fidelity(), &real_citations());
    assert!(messages.is_empty(), "{}", messages.join("\n"));
}

#[test]
fn fidelity_citations_cover_every_tc_form() {
    let (cited, problems) = fidelity_citations(&fidelity());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(cited.len(), 145);
    let has = |row: u32, file: &str, a: usize, b: usize| {
        cited.contains(&CitedRange { row, file: file.into(), line_start: a, line_end: b })
    };
    // A bare range after a file (row 4), a bare file name (row 2), a range in another cell (row 1),
    // "as cited" (row 10), a root-relative path (row 19), a TC part after a PB part (row 28).
    assert!(has(4, "src/server/game/Spells/Auras/SpellAuras.cpp", 2514, 2521));
    assert!(has(2, "src/server/game/Entities/Unit/Unit.cpp", 3486, 3547));
    assert!(has(1, "src/server/game/Entities/Unit/Unit.cpp", 3834, 3847));
    assert!(has(10, "src/server/game/Entities/Unit/Unit.cpp", 3927, 3938));
    assert!(has(10, "src/server/game/Spells/Auras/SpellAuras.cpp", 639, 659));
    assert!(has(19, "src/common/Threading/LockedQueue.h", 74, 87));
    assert!(has(28, "src/server/game/World/World.cpp", 2486, 2486));
    // PB rows and line lists inside a range are not citations.
    let tc_rows = [28, 34, 36, 37, 41, 42, 43, 44, 45, 46, 48, 49, 50];
    assert!(cited.iter().all(|c| c.row <= 21 || tc_rows.contains(&c.row)));
    assert!(!has(4, "src/server/game/Spells/Auras/SpellAuras.cpp", 435, 435));
    let rows: BTreeSet<u32> = cited.iter().map(|c| c.row).collect();
    assert_eq!(rows, (1..=21).chain(tc_rows).collect());
}

#[test]
fn a_mutated_fidelity_is_caught() {
    let md = fidelity();
    let cites = real_citations();

    let changed = md.replacen("`Spells/Auras/SpellAuras.cpp:159-186`", "`Spells/Auras/SpellAuras.cpp:159-187`", 1);
    assert_ne!(changed, md);
    assert_eq!(
        check_fidelity_consistency(&changed, &cites),
        [
            "FIDELITY.md cites row 1: src/server/game/Spells/Auras/SpellAuras.cpp:159-187, which has no row in citations.tsv",
            "citations.tsv has row 1: src/server/game/Spells/Auras/SpellAuras.cpp:159-186, which FIDELITY.md does not cite",
        ]
    );

    let dropped = md.replacen("; TC `World.cpp:2486`", "", 1);
    assert_ne!(dropped, md);
    assert_eq!(
        check_fidelity_consistency(&dropped, &cites),
        ["citations.tsv has row 28: src/server/game/World/World.cpp:2486, which FIDELITY.md does not cite"]
    );

    let mut fewer = cites.clone();
    fewer.retain(|c| !(c.row == 16 && c.line_start == 550));
    assert_eq!(
        check_fidelity_consistency(&md, &fewer),
        ["FIDELITY.md cites row 16: src/server/game/Handlers/MovementHandler.cpp:550, which has no row in citations.tsv"]
    );

    assert_eq!(check_fidelity_consistency("no table here", &[]), ["FIDELITY.md: no table rows (`| 1 | … |`)"]);
}
