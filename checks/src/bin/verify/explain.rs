//! `explain`: one cell's first counterexample as lanes (Markdown: a Mermaid diagram), with the
//! smallest bound that shows it and the schedule that replays it.

use crate::args::{named, parse_bound, CellArgs, LoomBound};
use crate::global::Global;
use checks::explore::bounds;
use checks::explore::{Budget, Cell, Checker};
use checks::matrix;
use checks::report::{self, trace, Format};
use model::Invariant;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    #[command(flatten)]
    cell: CellArgs,
    /// Output format (text or markdown).
    #[arg(long, value_parser = named::<Format>(), default_value = "text")]
    format: Format,
    /// loom's preemption bound for the search (a number, or `none`).
    #[arg(long, default_value = "2", value_parser = parse_bound)]
    bound: LoomBound,
    /// Which invariant's counterexample to show (default: the first broken one; for
    /// `assert`, SpellAuras.cpp:174 when tripped).
    #[arg(long, value_parser = named::<Invariant>())]
    invariant: Option<Invariant>,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        match self.cell.cell() {
            Ok(cell) => explain(cell, self.format, self.bound, self.invariant),
            Err(e) => {
                eprintln!("verify explain: {e}");
                ExitCode::from(2)
            }
        }
    }
}

fn explain(cell: Cell, format: Format, LoomBound(bound): LoomBound, invariant: Option<Invariant>) -> ExitCode {
    let checker = if cell.scenario.is_small() { Checker::Loom } else { Checker::Pct };
    let budget = Budget { schedules: matrix::LARGE_SCHEDULES, bound, ..Budget::default() };
    let mut row = match invariant {
        None => matrix::run_job(cell, checker, budget),
        Some(i) => matrix::run_job_for(cell, checker, budget, i),
    };
    let title = cell.to_string();
    let mut found_by = checker;
    let mut note = None;
    if let (None, Some(i), Checker::Loom) = (&row.counterexample, invariant, checker) {
        // loom finds none within its bound: say so, and look further with the random scheduler.
        let within = bound.map_or("in any schedule".to_string(), |b| format!("up to preemption bound {b}"));
        note = Some(format!("loom finds no {i} {within} ({} schedules)", row.result.schedules));
        let sampled = Budget { schedules: EXPLAIN_SAMPLES, ..budget };
        row = matrix::run_job_for(cell, Checker::Random, sampled, i);
        found_by = Checker::Random;
    }
    let Some(c) = row.counterexample else {
        outln!("{title}: every invariant holds ({})", report::cell_text(&row.result));
        if let Some(n) = note {
            outln!("{n}");
        }
        return ExitCode::SUCCESS;
    };
    let cut = trace::cut(&c.trace, &c.violation);
    let strength = report::cell_text(&row.result);
    if format == Format::Markdown {
        outln!("### {title}\n\n**{}**, found by {} ({strength})\n", c.violation, found_by.name());
    } else {
        outln!("{title}: {}\nfound by {} ({strength})", c.violation, found_by.name());
    }
    if let Some(n) = &note {
        outln!("{n}");
    }
    if let (Checker::Loom, Some(bound)) = (found_by, bound) {
        let target = match c.violation.assert {
            Some(a) => bounds::Finding::Assert(a),
            None => bounds::Finding::Invariant(c.violation.invariant),
        };
        if let Some(m) = bounds::minimal_bounds(cell, bound).into_iter().find(|m| m.finding == target) {
            outln!("{}", bounds::describe(&m));
        }
    }
    if let Some(p) = c.preemptions {
        outln!("its replayable shuttle schedule preempts {p} time{}", if p == 1 { "" } else { "s" });
    }
    outln!();
    if format == Format::Markdown {
        out!("{}", trace::render_mermaid(&cut));
    } else {
        out!("{}", trace::render_lanes(&cut));
    }
    if let Some(s) = c.schedule {
        outln!("\nreplay: {}", report::replay_command(cell, &s));
    }
    ExitCode::SUCCESS
}

/// Schedules the random scheduler tries when loom finds nothing within its bound.
const EXPLAIN_SAMPLES: usize = 20_000;
