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
    use checks::sources::drift;
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
    let tally = drift::tally(&citations, FIDELITY, dir, &checks::sources::built_table());
    for problem in &tally.consistency {
        outln!("citations: {problem}");
    }
    let moved = tally.drifted();
    outln!("{} citations of {} FIDELITY.md rows held against {}:", tally.citations.len(), tally.rows(), dir.display());
    for d in &moved {
        outln!("  re-read {d}");
    }
    outln!("  {} in place, {} drifted", tally.citations.len() - moved.len(), moved.len());
    match &tally.table {
        Ok(table) => {
            outln!(
                "client opcode table: {} opcodes in the checkout, {} in {} this build runs on, {} differences",
                table.theirs,
                table.ours,
                checks::sources::built_table_source(),
                table.diffs.len()
            );
            for d in &table.diffs {
                outln!("  {d}");
            }
        }
        Err(e) => {
            eprintln!("verify drift: {e}");
            return ExitCode::from(2);
        }
    }
    match tally.to_re_read() {
        0 => ExitCode::SUCCESS,
        bad => {
            eprintln!("verify drift: {bad} things to re-read before trusting the verdicts on this checkout");
            ExitCode::FAILURE
        }
    }
}
