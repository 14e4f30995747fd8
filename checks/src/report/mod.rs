//! The renderings of the matrix's rows ([`crate::matrix::Row`]): [`json`] (no timings),
//! [`tables`] (text with timings, or Markdown) and [`trace`] (counterexamples as lanes or a
//! Mermaid diagram), and what every report shares: the [`Format`]s and the replay command.

pub mod json;
pub mod tables;
pub mod trace;

pub use json::render_json;
pub use tables::{assert_short, cell_text, render_counterexamples, render_races, render_table, render_timings};

use crate::explore::Cell;

/// An output format of every report: the matrix, `explain`, `gaps` and `--compare`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Format {
    /// Plain text with aligned columns (the matrix adds timings).
    Text,
    /// Pretty-printed JSON, without timings: the same command gives the same bytes.
    Json,
    /// GitHub-flavoured Markdown, counterexamples as Mermaid diagrams.
    Markdown,
}

model::named! {
    impl Format {
        /// All three.
        const ALL;
        /// Name, as the command line spells it.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    Text => "text",
    Json => "json",
    Markdown => "markdown",
}

/// Serializes a named enum as its name (what the CLI parses and the reports print), so that the
/// JSON of a typed field is the same string as before it was typed.
pub fn by_name<S: serde::Serializer, T: model::Named>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.name())
}

/// The classifier file a user gave (`--classifier`), for the replay commands.
static CLASSIFIER_FILE: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Records the classifier file the run's `seed-deferral` policies use, so that every replay
/// command printed names it.
pub fn set_classifier_file(path: &str) {
    let _ = CLASSIFIER_FILE.set(path.to_string());
}

/// The command that replays `schedule` of `cell` (with the user's classifier when one was given).
pub fn replay_command(cell: Cell, schedule: &str) -> String {
    let classifier =
        CLASSIFIER_FILE.get().map(|p| format!(" --classifier '{}'", p.replace('\'', "'\\''"))).unwrap_or_default();
    format!(
        "cargo run --release --{classifier} replay {} {} {} --ai {} --dispatch {}",
        cell.policy.name(),
        cell.scenario.name(),
        schedule,
        cell.ai.name(),
        cell.dispatch.name()
    )
}
