//! `replay`: one shuttle schedule of one cell, and what it breaks.

use crate::args::CellArgs;
use crate::global::Global;
use checks::explore::{self, Cell};
use checks::report::trace;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    cell: CellArgs,
    /// The schedule string a report printed.
    schedule: String,
    /// Show the whole trace instead of the cut one.
    #[arg(long)]
    full: bool,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        match self.cell.cell() {
            Ok(cell) => replay(cell, &self.schedule, self.full),
            Err(e) => {
                eprintln!("verify replay: {e}");
                ExitCode::from(2)
            }
        }
    }
}

fn replay(cell: Cell, schedule: &str, full: bool) -> ExitCode {
    let outcome = match explore::replay(cell, schedule) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("verify replay: {e}");
            return ExitCode::from(2);
        }
    };
    let violations = outcome.check();
    if violations.is_empty() {
        outln!("{cell}: every invariant holds on this schedule");
        if full {
            out!("{}", trace::render_lanes(&outcome.trace));
        }
    }
    for v in &violations {
        outln!("{cell}: {v}");
        let t = if full { outcome.trace.clone() } else { trace::cut(&outcome.trace, v) };
        out!("{}", trace::render_lanes(&t));
    }
    ExitCode::SUCCESS
}
