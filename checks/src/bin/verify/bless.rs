//! `bless`: the pinned truths written from runs (`checks/data/pins.toml`), to review as a diff.

use crate::args::{parse_jobs, CellFilter, Jobs};
use crate::global::Global;
use checks::expected::{self, bless, table::Table};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    cells: CellFilter,
    /// Worker threads (default: every core).
    #[arg(long, default_value = "all", value_parser = parse_jobs)]
    jobs: Jobs,
    /// The table to rewrite (default: the project's `checks/data/pins.toml`, which the next build
    /// compiles in).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The table on disk (reasons written since the last build count), else the built-in one.
fn previous(path: &Path) -> Result<Table, String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Table::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => expected::pins().cloned(),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

impl Args {
    pub fn run(self, global: &Global) -> ExitCode {
        if global.classifier.is_some() {
            eprintln!("verify bless: the pinned truths are the seed classifier's: bless without --classifier");
            return ExitCode::from(2);
        }
        let path = self.out.unwrap_or_else(|| PathBuf::from(expected::PINS_FILE));
        let previous = match previous(&path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("verify bless: {e}");
                return ExitCode::from(2);
            }
        };
        let cells = self.cells.cells();
        let bar = ProgressBar::new(bless::jobs(&cells).len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} [{elapsed}]")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        let next = bless::bless(&previous, &cells, self.jobs.0, |cell, checker| {
            bar.set_message(format!("{cell} / {}", checker.name()));
            bar.inc(1);
        });
        bar.finish_and_clear();
        if let Err(e) = std::fs::write(&path, next.write()) {
            eprintln!("verify bless: {}: {e}", path.display());
            return ExitCode::from(2);
        }
        let changes = bless::changes(&previous, &next);
        for c in &changes {
            outln!("{c}");
        }
        eprintln!(
            "verify bless: {} cells explored, {} changed; {} written ({} rows): review it with git diff",
            cells.len(),
            changes.len(),
            path.display(),
            next.rows.len()
        );
        let unexplained = next.rows.iter().filter(|r| r.why.trim().is_empty()).count();
        if unexplained > 0 {
            eprintln!(
                "verify bless: {unexplained} rows have no reason yet: write each empty `why` in {}",
                path.display()
            );
            return ExitCode::FAILURE;
        }
        ExitCode::SUCCESS
    }
}
