//! `verify`: does the packet-deferral fix remove the aura race, and what does it break?
//!
//! With no subcommand it runs the cells users ask about (the candidate fixes of `--compare`, on
//! every scenario and checker; `--all` runs the full product of policies × AI placements ×
//! dispatch modes × scenarios, and any filter selects from it) and exits non-zero when any result
//! differs from the truth pinned for it.
//!
//! One file per command: its options (`Args`) and what it does (`Args::run`). A new command is
//! its file, its `mod` line and one arm of `commands!` below.

#[macro_use]
mod out;
mod args;
mod global;

mod bless;
mod classify;
mod drift;
mod explain;
mod gaps;
mod holes;
mod matrix;
mod replay;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "verify",
    version,
    about = "Verify the playerbot packet-deferral fix against the aura race (SpellAuras.cpp:174)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    matrix: matrix::Args,
    #[command(flatten)]
    global: global::Global,
}

/// The subcommands, one arm each: the variant (its doc comment is its help) and the module whose
/// `Args` it parses and runs.
macro_rules! commands {
    ($($(#[$doc:meta])* $variant:ident => $module:ident,)*) => {
        #[derive(Subcommand, Debug)]
        enum Command {
            $($(#[$doc])* $variant($module::Args),)*
        }

        impl Command {
            fn run(self, global: &global::Global) -> ExitCode {
                match self {
                    $(Command::$variant(args) => args.run(global),)*
                }
            }
        }
    };
}

commands! {
    /// Run the matrix: the candidate fixes' cells by default, the full product with `--all`, the
    /// cells the filters select from it (the matrix options work before or after `verify`).
    Verify => matrix,
    /// Replay a shuttle schedule of one cell and show what it breaks.
    Replay => replay,
    /// Explain one cell: its first counterexample as lanes (Markdown: a Mermaid diagram).
    Explain => explain,
    /// Where an opcode runs under each policy: by name (CMSG_CAST_SPELL, cast_spell) or wire value (0x2B0023).
    Classify => classify,
    /// Hunt the holes of the seed-deferral classifier (yours with `--classifier`): one small
    /// scenario per handler kind it keeps on the bot worker, explored by loom, each shown with a
    /// counterexample or harmless up to the bound. Exit 1 when a hole breaks something.
    Holes => holes,
    /// Hold the model's citations and opcode table against the checkout `--trinitycore DIR`:
    /// every FIDELITY.md row citing a TrinityCore file is checked (function still there, cited
    /// statement still near its line), and the checkout's client opcode table is compared with
    /// the one this build runs on. Exit 0 when nothing drifted, 1 with the rows to re-read, 2 on
    /// bad input.
    Drift => drift,
    /// Write the pinned truths from runs: explore the chosen cells (default: every cell of the full product) as deep
    /// as the prove profile (loom to bound 4, 2 for the bounded wait; shuttle random, PCT and DFS
    /// with the default seed and budget), rewrite `checks/data/pins.toml` with what they find,
    /// and list what changed. Review it as a diff: a changed cell keeps its reason only while it
    /// breaks the same invariants and trips the same asserts. Exit 1 while a row has no reason.
    Bless => bless,
    /// The seed's classifier against TrinityCore's processing places: what it leaves on the bot worker.
    Gaps => gaps,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(code) = cli.global.apply(matches!(cli.command, Some(Command::Drift(_)))) {
        return code;
    }
    match cli.command {
        None => cli.matrix.run(&cli.global),
        Some(command) => command.run(&cli.global),
    }
}
