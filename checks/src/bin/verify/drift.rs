//! `drift`: the model's citations and opcode table held against a TrinityCore checkout.

use crate::global::Global;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {}

impl Args {
    pub fn run(self, global: &Global) -> ExitCode {
        match &global.trinitycore {
            Some(dir) => drift(dir),
            None => {
                eprintln!("verify drift: name the checkout to hold the model against: --trinitycore DIR");
                ExitCode::from(2)
            }
        }
    }
}

/// The citation fingerprints and FIDELITY.md, built in so that `drift` runs from anywhere.
const CITATIONS: &str = include_str!("../../../data/citations.tsv");
const FIDELITY: &str = include_str!("../../../../FIDELITY.md");

fn drift(dir: &std::path::Path) -> ExitCode {
    use checks::sources::{drift, trinitycore};
    if !dir.join(drift::GAME_DIR).is_dir() {
        eprintln!("verify drift: {} is not a TrinityCore checkout (no {})", dir.display(), drift::GAME_DIR);
        return ExitCode::from(2);
    }
    let citations = match drift::parse_citations(std::path::Path::new("checks/data/citations.tsv"), CITATIONS) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("verify drift: {e}");
            return ExitCode::from(2);
        }
    };
    let mut bad = 0;
    for problem in drift::check_fidelity_consistency(FIDELITY, &citations) {
        outln!("citations: {problem}");
        bad += 1;
    }
    let results = drift::check_drift(&citations, dir);
    let moved: Vec<_> = results.iter().filter(|d| d.kind != drift::DriftKind::Ok).collect();
    outln!(
        "{} citations of {} FIDELITY.md rows held against {}:",
        results.len(),
        {
            let mut rows: Vec<u32> = results.iter().map(|d| d.row).collect();
            rows.dedup();
            rows.len()
        },
        dir.display()
    );
    for d in &moved {
        outln!("  re-read {d}");
    }
    outln!("  {} in place, {} drifted", results.len() - moved.len(), moved.len());
    bad += moved.len();
    match trinitycore::read_checkout(dir) {
        Ok(theirs) => {
            let ours = checks::sources::built_table();
            let diffs = trinitycore::diff(&ours, &theirs.rows);
            outln!(
                "client opcode table: {} opcodes in the checkout, {} in {} this build runs on, {} differences",
                theirs.rows.len(),
                ours.len(),
                checks::sources::built_table_source(),
                diffs.len()
            );
            for d in &diffs {
                outln!("  {d}");
            }
            bad += diffs.len();
        }
        Err(e) => {
            eprintln!("verify drift: {e}");
            return ExitCode::from(2);
        }
    }
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        eprintln!("verify drift: {bad} things to re-read before trusting the verdicts on this checkout");
        ExitCode::FAILURE
    }
}
