//! The parsing layer: classifier files (C++ and TSV) and a TrinityCore checkout's opcode table.

mod common;

use checks::sources::classifier::{
    category_of, load_classifier, load_classifier_str, model_opcode_names, parse_classifier, read_classifier,
    Duplicate, Entry, Format, OpcodeSet, Problem, SET_CATEGORIES,
};
use checks::sources::trinitycore::{
    parse_opcode_enum, parse_tsv, read_checkout, read_tsv, to_tsv, EnumEntry, TcProblemKind, OPCODES_CPP, OPCODES_H,
};
use model::opcodes::SeedCategory;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{fixture, repo, scratch};

fn entries(set: &OpcodeSet) -> Vec<(&str, usize)> {
    set.entries.iter().map(|e| (e.opcode.as_str(), e.line)).collect()
}

// ---------------------------------------------------------------------------------------------
// Classifier
// ---------------------------------------------------------------------------------------------

#[test]
fn seed_fixture_reads_as_the_seed_table() {
    let known = model_opcode_names();
    let cpp = load_classifier(&fixture("classifier/seed_classifier.cpp"), &known).unwrap();
    let tsv = load_classifier(&repo("model/data/seed-classifier-opcodes.tsv"), &known).unwrap();
    assert!(cpp.duplicates.is_empty(), "{:?}", cpp.duplicates);
    assert!(tsv.duplicates.is_empty(), "{:?}", tsv.duplicates);

    let names: Vec<&str> = cpp.source.sets.iter().map(|s| s.name.as_str()).collect();
    let expected: Vec<&str> = SET_CATEGORIES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, expected);
    let set_lines: Vec<usize> = cpp.source.sets.iter().map(|s| s.line).collect();
    assert_eq!(set_lines, [18, 35, 55, 66, 77, 88, 102, 116]);

    // (category, opcode) in file order, C++ set names mapped through SET_CATEGORIES.
    let pairs = |src: &checks::sources::classifier::ClassifierSource| -> Vec<(String, String)> {
        src.entries().map(|(s, e)| (s.category().unwrap().name().to_string(), e.opcode.clone())).collect()
    };
    let from_cpp = pairs(&cpp.source);
    let from_tsv = pairs(&tsv.source);
    assert_eq!(from_cpp.len(), 62);
    assert_eq!(from_cpp, from_tsv);

    // The raw data file, read independently of the parser.
    let raw = std::fs::read_to_string(repo("model/data/seed-classifier-opcodes.tsv")).unwrap();
    let raw_pairs: Vec<(String, String)> = raw
        .lines()
        .skip(1)
        .map(|l| {
            let mut c = l.split('\t');
            (c.next().unwrap().to_string(), c.next().unwrap().to_string())
        })
        .collect();
    assert_eq!(from_cpp, raw_pairs);

    // Opcodes named only in comments or strings are not entries.
    for ghost in
        ["CMSG_CAST_SPELL_EMBEDDED", "CMSG_MOVE_WORLDPORT_ACK", "CMSG_AREA_TRIGGER_FAKE", "CMSG_FAKE_IN_STRING"]
    {
        assert!(cpp.source.entries().all(|(_, e)| e.opcode != ghost), "{ghost} read as an entry");
    }
    let first = &cpp.source.sets[0].entries[0];
    assert_eq!(first, &Entry { opcode: "CMSG_CAST_SPELL".into(), line: 19 });
    let last = cpp.source.entries().last().unwrap().1;
    assert_eq!(last, &Entry { opcode: "CMSG_MAIL_TAKE_MONEY".into(), line: 125 });
}

/// A set as (name, line, [(opcode, line)]).
type Shape<'a> = (&'a str, usize, Vec<(&'a str, usize)>);

fn expected_styles() -> Vec<Shape<'static>> {
    vec![
        ("s_spellOpcodes", 14, vec![("CMSG_CAST_SPELL", 16), ("CMSG_CANCEL_AURA", 17), ("CMSG_PET_CAST_SPELL", 17)]),
        ("s_itemOpcodes", 20, vec![("CMSG_USE_ITEM", 20), ("CMSG_OPEN_ITEM", 20)]),
        ("s_combatOpcodes", 22, vec![("CMSG_ATTACK_SWING", 24), ("CMSG_ATTACK_STOP", 25), ("CMSG_SET_SELECTION", 28)]),
        ("s_tradeOpcodes", 34, vec![("CMSG_ACCEPT_TRADE", 34), ("CMSG_CANCEL_TRADE", 34)]),
        ("s_questOpcodes", 44, vec![("CMSG_QUEST_GIVER_ACCEPT_QUEST", 45)]),
    ]
}

fn shape(sets: &[OpcodeSet]) -> Vec<Shape<'_>> {
    sets.iter().map(|s| (s.name.as_str(), s.line, entries(s))).collect()
}

#[test]
fn every_set_form_comments_and_literals() {
    let path = fixture("classifier/styles.cpp");
    let src = read_classifier(&path).unwrap();
    assert_eq!(shape(&src.sets), expected_styles());
    assert_eq!(src.path, path);
    let known = model_opcode_names();
    assert_eq!(src.validate(&known).unwrap(), Vec::<Duplicate>::new());
}

#[test]
fn crlf_and_invalid_utf8_keep_line_numbers() {
    let path = fixture("classifier/styles.cpp");
    let text = std::fs::read_to_string(&path).unwrap();
    let crlf = text.replace('\n', "\r\n");
    let src = parse_classifier(Path::new("styles-crlf.cpp"), &crlf).unwrap();
    assert_eq!(shape(&src.sets), expected_styles());

    // Latin-1 bytes in a comment: not UTF-8, read lossily, lines unchanged.
    let mut bytes = text.into_bytes();
    let cafe = bytes.windows(5).position(|w| w == "Café".as_bytes()).unwrap();
    bytes.splice(cafe + 3..cafe + 5, [0xE9u8]);
    assert!(std::str::from_utf8(&bytes).is_err());
    let dir = scratch("latin1");
    let file = dir.join("latin1.cpp");
    std::fs::write(&file, &bytes).unwrap();
    let src = read_classifier(&file).unwrap();
    assert_eq!(shape(&src.sets), expected_styles());
}

#[test]
fn misspelled_opcodes_are_all_reported_with_nearest_names() {
    let path = fixture("classifier/misspelled.cpp");
    let known = model_opcode_names();
    let err = load_classifier(&path, &known).unwrap_err();
    assert_eq!(err.path, path);
    assert_eq!(err.problems.len(), 2, "{err}");
    let Problem::UnknownOpcode { line, name, nearest } = &err.problems[0] else { panic!("{err}") };
    assert_eq!((*line, name.as_str()), (6, "CMSG_CAST_SPEL"));
    assert_eq!(nearest.first().map(String::as_str), Some("CMSG_CAST_SPELL"));
    assert!(nearest.len() <= 3 && !nearest.is_empty());
    let Problem::UnknownOpcode { line, name, nearest } = &err.problems[1] else { panic!("{err}") };
    assert_eq!((*line, name.as_str()), (12, "CMSG_AUTO_EQIUP_ITEM"));
    assert!(nearest.iter().any(|n| n == "CMSG_AUTO_EQUIP_ITEM"), "{nearest:?}");

    let text = err.to_string();
    let Problem::UnknownOpcode { nearest, .. } = &err.problems[0] else { unreachable!() };
    assert_eq!(
        text.lines().next().unwrap(),
        format!("{}:6: CMSG_CAST_SPEL is not a known opcode; nearest: {}", path.display(), nearest.join(", "))
    );
    assert_eq!(text.lines().count(), 2);

    // Parsing alone (no table) accepts the names.
    assert_eq!(read_classifier(&path).unwrap().entries().count(), 5);
}

#[test]
fn empty_files_sets_and_unclosed_braces_are_errors() {
    let known = model_opcode_names();
    let problems = |rel: &str| load_classifier(&fixture(rel), &known).unwrap_err().problems;
    assert_eq!(problems("classifier/empty.cpp"), [Problem::Empty]);
    assert_eq!(problems("classifier/no_sets.cpp"), [Problem::NoSets]);
    assert_eq!(problems("classifier/empty_set.cpp"), [Problem::EmptySet { set: "s_itemOpcodes".into(), line: 7 }]);
    assert_eq!(problems("classifier/unclosed.cpp"), [Problem::Unterminated { set: "s_spellOpcodes".into(), line: 2 }]);
    let blank = parse_classifier(Path::new("blank.tsv"), " \n\t\n").unwrap_err();
    assert_eq!(blank.problems, [Problem::Empty]);
    let unclosed_comment = parse_classifier(Path::new("c.cpp"), "int a;\n/* CMSG_CAST_SPELL\n").unwrap_err();
    assert_eq!(
        unclosed_comment.problems,
        [Problem::Lex { line: 2, message: "block comment `/*` is never closed".into() }]
    );
}

#[test]
fn an_unreadable_path_names_the_path_and_the_reason() {
    let path = fixture("classifier/does-not-exist.cpp");
    let err = read_classifier(&path).unwrap_err();
    let [Problem::Unreadable { reason }] = err.problems.as_slice() else { panic!("{err:?}") };
    let os = std::fs::read(&path).unwrap_err().to_string();
    assert_eq!(reason, &os);
    assert_eq!(err.to_string(), format!("{}: cannot be read: {os}", path.display()));
}

#[test]
fn duplicates_are_warnings() {
    let known = model_opcode_names();
    let loaded = load_classifier(&fixture("classifier/duplicates.cpp"), &known).unwrap();
    assert_eq!(
        loaded.duplicates,
        [
            Duplicate {
                opcode: "CMSG_CAST_SPELL".into(),
                first_set: "s_spellOpcodes".into(),
                first_line: 3,
                set: "s_spellOpcodes".into(),
                line: 5
            },
            Duplicate {
                opcode: "CMSG_USE_ITEM".into(),
                first_set: "s_spellOpcodes".into(),
                first_line: 4,
                set: "s_itemOpcodes".into(),
                line: 9
            },
        ]
    );
}

#[test]
fn tsv_rows_and_names_are_checked_together() {
    let known = model_opcode_names();
    let err = load_classifier(&fixture("classifier/bad_rows.tsv"), &known).unwrap_err();
    assert_eq!(err.problems.len(), 2, "{err}");
    assert_eq!(err.problems[0], Problem::BadRow { line: 3 });
    let Problem::UnknownOpcode { line: 5, name, nearest } = &err.problems[1] else { panic!("{err}") };
    assert_eq!(name, "CMSG_USE_ITME");
    assert_eq!(nearest[0], "CMSG_USE_ITEM");

    let no_header = load_classifier_str(Path::new("x.tsv"), "spell\tCMSG_CAST_SPELL\n", &known).unwrap_err();
    assert_eq!(no_header.problems, [Problem::BadHeader { line: 1 }]);
    let header_only = load_classifier_str(Path::new("x.tsv"), "category\topcode\n", &known).unwrap_err();
    assert_eq!(header_only.problems, [Problem::NoSets]);
}

#[test]
fn format_by_extension_or_header() {
    let tsv = "category\topcode\nspell\tCMSG_CAST_SPELL\n";
    assert_eq!(Format::detect(Path::new("a.tsv"), ""), Format::Tsv);
    assert_eq!(Format::detect(Path::new("a.TSV"), "int a;"), Format::Tsv);
    assert_eq!(Format::detect(Path::new("a.txt"), &format!("\n{tsv}")), Format::Tsv);
    assert_eq!(Format::detect(Path::new("a.cpp"), "// category\topcode\n"), Format::Cpp);
    let src = parse_classifier(Path::new("from-stdin"), tsv).unwrap();
    assert_eq!(shape(&src.sets), [("spell", 2, vec![("CMSG_CAST_SPELL", 2)])]);
}

#[test]
fn set_names_map_to_the_seed_categories() {
    let got: Vec<(&str, &str)> = SET_CATEGORIES.iter().map(|(n, c)| (*n, c.name())).collect();
    assert_eq!(
        got,
        [
            ("s_spellOpcodes", "spell"),
            ("s_itemOpcodes", "item"),
            ("s_resurrectionOpcodes", "resurrection"),
            ("s_movementOpcodes", "movement"),
            ("s_combatOpcodes", "combat"),
            ("s_questOpcodes", "quest"),
            ("s_groupOpcodes", "group"),
            ("s_tradeOpcodes", "trade"),
        ]
    );
    assert_eq!(category_of("trade"), Some(SeedCategory::Trade));
    assert_eq!(category_of("s_questOpcodes"), Some(SeedCategory::Quest));
    assert_eq!(category_of("s_otherOpcodes"), None);
}

// ---------------------------------------------------------------------------------------------
// TrinityCore
// ---------------------------------------------------------------------------------------------

#[test]
fn trinitycore_fixture_round_trips() {
    let dir = fixture("tc");
    let table = read_checkout(&dir).unwrap();
    let expected = std::fs::read_to_string(fixture("tc/expected.tsv")).unwrap();
    assert_eq!(to_tsv(&table.rows), expected);
    assert_eq!(table.missing_handlers, [EnumEntry { name: "CMSG_NEXT_THING".into(), value: 0x3A0101, line: 25 }]);
    assert!(table.repeated_handlers.is_empty());
    let cast = table.rows.iter().find(|r| r.name == "CMSG_CAST_SPELL").unwrap();
    assert_eq!((cast.line, cast.handler.as_str()), (20, "WorldSession::HandleCastSpellOpcode"));

    // TSV → rows → TSV.
    let back = parse_tsv(Path::new("expected.tsv"), &expected).unwrap();
    assert_eq!(back.len(), 14);
    assert_eq!(to_tsv(&back), expected);
    assert_eq!((back[0].line, back[13].line), (2, 15));
    for (a, b) in back.iter().zip(&table.rows) {
        assert_eq!(
            (&a.name, a.value, &a.status, &a.processing, &a.handler),
            (&b.name, b.value, &b.status, &b.processing, &b.handler)
        );
    }
}

#[test]
fn handlers_without_an_enum_member_are_all_errors() {
    let err = read_checkout(&fixture("tc_bad")).unwrap_err();
    let got: Vec<(Option<usize>, &TcProblemKind)> = err.problems.iter().map(|p| (p.line, &p.kind)).collect();
    assert_eq!(
        got,
        [
            (Some(10), &TcProblemKind::NotInEnum { opcode: "CMSG_CAST_SPEL".into() }),
            (Some(13), &TcProblemKind::NotInEnum { opcode: "CMSG_MISSING_FROM_ENUM".into() }),
        ]
    );
    assert!(err.problems.iter().all(|p| p.file == fixture("tc_bad").join(OPCODES_CPP)));
    let first = err.to_string().lines().next().unwrap().to_string();
    assert!(
        first.ends_with(
            "Opcodes.cpp:10: DEFINE_HANDLER(CMSG_CAST_SPEL, …): CMSG_CAST_SPEL is not a member of enum OpcodeClient"
        ),
        "{first}"
    );
}

#[test]
fn a_missing_checkout_names_both_files() {
    let dir = fixture("no-such-checkout");
    let err = read_checkout(&dir).unwrap_err();
    let files: Vec<PathBuf> = err.problems.iter().map(|p| p.file.clone()).collect();
    assert_eq!(files, [dir.join(OPCODES_H), dir.join(OPCODES_CPP)]);
    assert!(err.problems.iter().all(|p| matches!(p.kind, TcProblemKind::Unreadable { .. })));
}

#[test]
fn bad_enum_values_and_handlers_are_reported() {
    let h =
        "enum OpcodeClient : uint32\n{\n    A = 1,\n    B = C + 1,\n    D = 0x1FFFFFFFF,\n    E,\n    F = A + 2,\n};\n";
    let err = parse_opcode_enum(Path::new("Opcodes.h"), h).unwrap_err();
    let got: Vec<(Option<usize>, String)> = err
        .problems
        .iter()
        .map(|p| match &p.kind {
            TcProblemKind::BadValue { name, .. } => (p.line, name.clone()),
            k => panic!("{k:?}"),
        })
        .collect();
    assert_eq!(got, [(Some(4), "B".to_string()), (Some(5), "D".to_string()), (Some(6), "E".to_string())]);
    assert_eq!(
        parse_opcode_enum(Path::new("Opcodes.h"), "enum OpcodeServer { X = 1 };").unwrap_err().problems[0].kind,
        TcProblemKind::NoEnum
    );
    let cpp = "DEFINE_HANDLER(CMSG_A, STATUS_LOGGEDIN, &WorldSession::HandleA);\nDEFINE_HANDLER(CMSG_B, STATUS_LOGGEDIN, PROCESS_INPLACE, 42);\n";
    let err = checks::sources::trinitycore::parse_handlers(Path::new("Opcodes.cpp"), cpp).unwrap_err();
    let lines: Vec<Option<usize>> = err.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(1), Some(2)]);
    assert!(matches!(err.problems[0].kind, TcProblemKind::BadHandler { .. }));
}

#[test]
fn bundled_table_parses() {
    let rows = read_tsv(&repo("model/data/trinitycore-client-opcodes.tsv")).unwrap();
    assert_eq!(rows.len(), model_opcode_names().len());
    assert_eq!((rows[0].name.as_str(), rows[0].value), ("CMSG_ABANDON_NPE_RESPONSE", 0x3A02A4));
    let text = std::fs::read_to_string(repo("model/data/trinitycore-client-opcodes.tsv")).unwrap();
    assert_eq!(to_tsv(&rows), text);
    // Bundled table → a checkout's Opcodes.h and Opcodes.cpp → the checkout parser → the same
    // TSV, byte for byte: the writer the build tests use is the parser's exact inverse.
    let dir = scratch("bundled-as-checkout");
    checks::sources::trinitycore::write_checkout(&dir, &rows).unwrap();
    let table = read_checkout(&dir).unwrap();
    assert_eq!(to_tsv(&table.rows), text);
    assert!(table.missing_handlers.is_empty() && table.repeated_handlers.is_empty());
    // And it is the table this build runs on.
    assert_eq!(to_tsv(&checks::sources::built_table()), text);
}

/// The bare git mirror of the TrinityCore tree the bundled table was read from (override with
/// `TRINITYCORE_GIT_DIR`).
fn mirror() -> Option<PathBuf> {
    let dir = std::env::var_os("TRINITYCORE_GIT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/.mirror/Suzakiro+RoleplayCore_Test/repo"));
    dir.is_dir().then_some(dir)
}

/// `git show HEAD:<rel>` of the mirror into `dest/<rel>`.
fn extract(git_dir: &Path, rel: &str, dest: &Path) -> Result<(), String> {
    let out = Command::new("git")
        .arg(format!("--git-dir={}", git_dir.display()))
        .args(["show", &format!("HEAD:{rel}")])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let path = dest.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).map_err(|e| e.to_string())?;
    std::fs::write(path, out.stdout).map_err(|e| e.to_string())
}

#[test]
fn real_trinitycore_files_reproduce_the_bundled_table() {
    let Some(git_dir) = mirror() else {
        println!("note: no TrinityCore mirror; skipping the comparison with the real Opcodes.h/.cpp");
        return;
    };
    let dir = scratch("real-opcodes");
    for rel in [OPCODES_H, OPCODES_CPP] {
        if let Err(e) = extract(&git_dir, rel, &dir) {
            println!("note: cannot extract {rel} from the mirror ({e}); skipping");
            return;
        }
    }
    let table = read_checkout(&dir).unwrap_or_else(|e| panic!("{e}"));
    let bundled = read_tsv(&repo("model/data/trinitycore-client-opcodes.tsv")).unwrap();
    assert_eq!(table.rows.len(), bundled.len());
    for (real, ours) in table.rows.iter().zip(&bundled) {
        assert_eq!(
            (&real.name, real.value, &real.status, &real.processing, &real.handler),
            (&ours.name, ours.value, &ours.status, &ours.processing, &ours.handler),
            "Opcodes.cpp line {} vs TSV line {}",
            real.line,
            ours.line
        );
    }
    let text = std::fs::read_to_string(repo("model/data/trinitycore-client-opcodes.tsv")).unwrap();
    assert_eq!(to_tsv(&table.rows), text);
    assert_eq!(table.missing_handlers, []);
    assert_eq!(table.repeated_handlers, []);
}

// ---------------------------------------------------------------------------------------------
// Bad input never panics
// ---------------------------------------------------------------------------------------------

/// Runs every parser of the layer over `text`, for their results to be dropped: only a panic
/// (or a stack overflow) fails.
fn parse_everything(text: &str) {
    let known = ["CMSG_CAST_SPELL", "CMSG_USE_ITEM"];
    let _ = load_classifier_str(Path::new("x.cpp"), text, &known);
    let _ = load_classifier_str(Path::new("x.tsv"), text, &known);
    let _ = parse_opcode_enum(Path::new("Opcodes.h"), text);
    let _ = checks::sources::trinitycore::parse_handlers(Path::new("Opcodes.cpp"), text);
    let _ = parse_tsv(Path::new("t.tsv"), text);
    let _ = checks::sources::cpp::functions(text);
    let _ = checks::sources::drift::parse_citations(Path::new("c.tsv"), text);
    let _ = checks::sources::drift::fidelity_citations(text);
}

#[test]
fn truncated_and_garbled_inputs_never_panic() {
    let nasty = [
        "",
        "{",
        "}}}}",
        "'",
        "\"",
        "R\"",
        "R\"abc(",
        "u8'",
        "#if 0\n",
        "#endif\n#endif\n#else\n",
        "/*",
        "// \\\n",
        "enum OpcodeClient",
        "enum OpcodeClient : uint32 {",
        "enum OpcodeClient { A = , B = (, C = 0x, D = 99999999999999999999999, E = 1 << 200, F = -1, };",
        "enum OpcodeClient { A = 0x7FFFFFFFFFFFFFFF << 63 << 63 };",
        "DEFINE_HANDLER(",
        "DEFINE_HANDLER()",
        "DEFINE_HANDLER(,,,);",
        "std::unordered_set<OpcodeClient> s = {",
        "std::unordered_set<OpcodeClient> s = { , , :: , OpcodeClient::, ::, 1, f(x), {a} };",
        "set<",
        "set< = {}",
        "template<",
        "class { void f() {",
        "operator",
        "a::b::(){}",
        "Foo::Foo() : a{ {",
        "| 1 | x | TC `a.cpp:1-` `9-1` `:5` `.cpp:` `x.h` as cited | (1-2 | (",
        "| 1 | (3-4) | TC `Unit.cpp` as cited | `b/Unit.cpp:1` |",
        "row\tfile\tline_start\tline_end\tfunction\tfingerprint\n1\ta\t18446744073709551615\t18446744073709551615\tf\tx\n",
        "category\topcode\n\t\n\tCMSG\nx\t\n",
        "\u{feff}",
        "é\u{301}日本\r\n\r\n",
    ];
    let deep = format!("enum OpcodeClient {{ A = {}1{} }};", "(".repeat(100_000), ")".repeat(100_000));
    let signs = format!("enum OpcodeClient {{ A = {}1 }};", "- ".repeat(100_000));
    let colons = format!("enum OpcodeClient {{ A = {}B }};", ":: ".repeat(100_000));
    for text in nasty.iter().copied().chain([deep.as_str(), signs.as_str(), colons.as_str()]) {
        parse_everything(text);
    }
    let deep_err = parse_opcode_enum(Path::new("Opcodes.h"), &deep).unwrap_err();
    assert!(matches!(&deep_err.problems[0].kind, TcProblemKind::BadValue { message, .. } if message.contains("deep")));

    // Every prefix of every fixture.
    let mut files = Vec::new();
    let mut stack = vec![fixture("")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 14, "{files:?}");
    for f in files {
        let text = String::from_utf8_lossy(&std::fs::read(&f).unwrap()).into_owned();
        for (cut, _) in text.char_indices() {
            parse_everything(&text[..cut]);
        }
    }
}
