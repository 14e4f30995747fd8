//! The options every command takes, `--classifier` and `--trinitycore`, and what they do before
//! the command runs.

use model::classifier::SeedClassifier;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Global {
    /// Your classifier: the module's `PacketDeferralClassifier.cpp`, or a TSV of `category
    /// opcode` rows. It replaces the seed's in every `seed-deferral` policy (matrix, `replay`,
    /// `explain`, `classify`, `gaps`), and `verify` then runs as a gate: exit 0 when the
    /// classifier adds no violation to what a complete, fail-closed classifier shows under the
    /// same dispatch, 1 when it does (each with its counterexample and replay command), 2 on a
    /// file it cannot read or parse.
    #[arg(long, global = true, value_name = "FILE")]
    pub classifier: Option<std::path::PathBuf>,
    /// Your TrinityCore checkout (the directory holding `src/server/game/`). The suite runs on
    /// the client opcode table it is built on: the bundled one, or the checkout's when built with
    /// `TRINITYCORE_DIR=DIR`. With this option every command first holds that table against
    /// DIR's `Opcodes.h` and `Opcodes.cpp` and stops (exit 2, with the command that rebuilds on
    /// DIR) when they differ; `drift` also checks the model's citations against DIR.
    #[arg(long, global = true, value_name = "DIR")]
    pub trinitycore: Option<std::path::PathBuf>,
}

impl Global {
    /// Holds the built table against `--trinitycore`'s (not for `drift`, which lists the
    /// differences itself) and installs `--classifier`: `Err` with the exit code when either
    /// fails.
    pub fn apply(&self, drift: bool) -> Result<(), ExitCode> {
        if let (Some(dir), false) = (&self.trinitycore, drift) {
            if let Err(e) = same_table(dir) {
                eprintln!("verify: {}: {e}", dir.display());
                return Err(ExitCode::from(2));
            }
        }
        if let Some(path) = &self.classifier {
            match checks::sources::classifier::seed_classifier(path) {
                Ok((classifier, loaded)) => {
                    for d in &loaded.duplicates {
                        eprintln!("verify: warning: {d}");
                    }
                    if !SeedClassifier::install(classifier) {
                        eprintln!("verify: the classifier could not be installed (one was already in use)");
                        return Err(ExitCode::from(2));
                    }
                    checks::report::set_classifier_file(&path.display().to_string());
                }
                Err(e) => {
                    eprintln!("verify: {e}");
                    return Err(ExitCode::from(2));
                }
            }
        }
        Ok(())
    }
}

/// Holds the table this build runs on against the checkout at `dir`: `Err` with the message and
/// exit code when the checkout cannot be read (2) or its table differs (2, with the command that
/// rebuilds the suite on it).
fn same_table(dir: &std::path::Path) -> Result<(), String> {
    use checks::sources::trinitycore;
    let theirs = trinitycore::read_checkout(dir).map_err(|e| e.to_string())?;
    let diffs = trinitycore::diff(&checks::sources::built_table(), &theirs.rows);
    if diffs.is_empty() {
        return Ok(());
    }
    let mut msg = format!(
        "this build runs on {}, and the checkout's client opcode table differs from it in {} opcode{}:",
        checks::sources::built_table_source(),
        diffs.len(),
        if diffs.len() == 1 { "" } else { "s" }
    );
    for d in diffs.iter().take(SHOWN_DIFFS) {
        msg.push_str(&format!("\n  {d}"));
    }
    if diffs.len() > SHOWN_DIFFS {
        msg.push_str(&format!(
            "\n  … and {} more (`verify drift --trinitycore DIR` lists them all)",
            diffs.len() - SHOWN_DIFFS
        ));
    }
    let args: Vec<String> = std::env::args().skip(1).map(|a| shell_quote(&a)).collect();
    msg.push_str(&format!(
        "\nbuild the suite on it (the opcode enum is generated at build time):\n  TRINITYCORE_DIR={} cargo run --release -- {}",
        shell_quote(&std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf()).display().to_string()),
        args.join(" ")
    ));
    Err(msg)
}

/// Differences `same_table` shows before pointing to `drift`.
const SHOWN_DIFFS: usize = 10;

/// `s` quoted for a POSIX shell when it needs it.
fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_./=:,+@%".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}
