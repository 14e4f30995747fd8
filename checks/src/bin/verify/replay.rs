//! `replay`: one shuttle schedule of one cell, and what it breaks.

use crate::args::named;
use crate::global::Global;
use checks::explore::{self, Cell};
use checks::report::trace;
use model::{Dispatch, Policy, ScenarioName};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Policy.
    #[arg(value_parser = named::<Policy>())]
    policy: Policy,
    /// Scenario.
    #[arg(value_parser = named::<ScenarioName>())]
    scenario: ScenarioName,
    /// The schedule string a report printed.
    schedule: String,
    /// Bot dispatch mode.
    #[arg(long, value_parser = named::<Dispatch>(), default_value = "fire-and-forget")]
    dispatch: Dispatch,
    /// Show the whole trace instead of the cut one.
    #[arg(long)]
    full: bool,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        let Args { policy, scenario, schedule, dispatch, full } = self;
        replay(policy, scenario, dispatch, &schedule, full)
    }
}

fn replay(policy: Policy, scenario: ScenarioName, dispatch: Dispatch, schedule: &str, full: bool) -> ExitCode {
    let cell = Cell { policy, scenario, dispatch };
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
