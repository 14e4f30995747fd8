//! The default command, also `verify`: run the cells users ask about (the candidate fixes of
//! `--compare`, on every scenario), the full product (`--all`), or the cells the filters select
//! from the full product, or `--compare` the candidate fixes, and judge every result against its
//! pinned truth, or, with `--classifier`, against what a complete, fail-closed classifier breaks
//! in the same cell.

use crate::args::{named, parse_bound, parse_jobs, parse_shard, CellFilter, Jobs, LoomBound};
use crate::global::Global;
use checks::audit::compare;
use checks::audit::gate::Verdict;
use checks::explore::{Budget, Checker};
use checks::matrix::{self, Plan, Row};
use checks::report::{self, Format};
use indicatif::{ProgressBar, ProgressStyle};
use model::classifier::SeedClassifier;
use model::Policy;
use std::process::ExitCode;

#[derive(clap::Args, Debug, Clone)]
pub struct Args {
    #[command(flatten)]
    cells: CellFilter,
    /// Checkers (default: all but std, which is timing-dependent).
    #[arg(long, value_delimiter = ',', value_parser = named::<Checker>())]
    checker: Vec<Checker>,
    /// Seed of the shuttle random and PCT schedulers.
    #[arg(long, default_value_t = Budget::default().seed)]
    seed: u64,
    /// Schedules per shuttle checker (and runs for std); seed-load uses 300 unless this is given.
    #[arg(long)]
    budget: Option<usize>,
    /// loom's preemption bound: a number, or `none` (also `complete`) to explore every schedule
    /// and prove what holds.
    #[arg(long, default_value = "2", value_parser = parse_bound)]
    bound: LoomBound,
    /// The prove profile: loom deepens its bound from 0 up to this one (default 4 with a bare
    /// `--prove`), stopping where one more preemption adds no schedule: there it has explored
    /// every schedule and what holds is proved; elsewhere it says which bound it reached.
    #[arg(long, num_args = 0..=1, default_missing_value = "4", value_name = "MAX_BOUND")]
    prove: Option<usize>,
    /// PCT depth.
    #[arg(long, default_value_t = Budget::default().pct_depth)]
    depth: usize,
    /// Worker threads: cells are explored in parallel, and the output (the JSON byte for byte) is
    /// the same for any number (default: every core).
    #[arg(long, default_value = "all", value_parser = parse_jobs)]
    jobs: Jobs,
    /// Run only share K of N of the matrix (e.g. 2/4), for splitting it across machines.
    #[arg(long, value_parser = parse_shard)]
    shard: Option<(usize, usize)>,
    /// Compare the candidate fixes: run their cells (every scenario, the chosen checkers) and
    /// print the "Which fix to ship" table instead of the matrix.
    #[arg(long, conflicts_with_all = ["policy", "dispatch", "ai"])]
    compare: bool,
    /// Run the full product: every policy × every AI placement it pairs with × every dispatch
    /// mode × every scenario (without it and without filters, only the candidate fixes'
    /// cells run; any filter selects from the full product).
    #[arg(long, conflicts_with = "compare")]
    all: bool,
    /// Output format.
    #[arg(long, value_parser = named::<Format>(), default_value = "text")]
    format: Format,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        run_matrix(&self)
    }
}

fn budget(args: &Args) -> Budget {
    let d = Budget::default();
    Budget {
        bound: args.bound.0,
        schedules: args.budget.unwrap_or(d.schedules),
        pct_depth: args.depth,
        seed: args.seed,
        prove: args.prove,
    }
}

fn run_matrix(args: &Args) -> ExitCode {
    let mut plan = Plan::full(budget(args));
    let gate = SeedClassifier::installed();
    if gate && !args.compare {
        plan.policies = vec![Policy::SEED_DEFERRAL];
    }
    // The cells users ask about: the candidate fixes, unless the full product or a part of it
    // (any filter, or a user's classifier, whose gate judges every seed-deferral cell) is asked for.
    if args.compare || !(args.all || args.cells.any() || gate) {
        plan.only = Some(compare::cells());
    }
    if !args.cells.policy.is_empty() {
        plan.policies = args.cells.policy.clone();
    }
    if !args.cells.scenario.is_empty() {
        plan.scenarios = args.cells.scenario.clone();
    }
    if !args.cells.dispatch.is_empty() {
        plan.dispatches = args.cells.dispatch.clone();
    }
    if !args.cells.ai.is_empty() {
        plan.placements = args.cells.ai.clone();
    }
    if !args.checker.is_empty() {
        plan.checkers = args.checker.clone();
    }
    plan.shard = args.shard;
    let jobs = plan.jobs();
    if jobs.is_empty() {
        // A filter that selects nothing must not read as "everything holds".
        eprintln!(
            "verify: these filters select no result: loom and shuttle-dfs explore only the small \
             scenarios (every one but seed-load), and a shard past the matrix is empty"
        );
        return ExitCode::from(2);
    }
    let bar = ProgressBar::new(jobs.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let explicit = args.budget.is_some();
    let work: Vec<_> =
        jobs.into_iter().map(|(cell, checker)| (cell, checker, plan.budget_for(cell, explicit))).collect();
    let rows = matrix::run_jobs(&work, args.jobs.0, |cell, checker| {
        bar.set_message(format!(
            "{} {} ai={} {} {}",
            cell.scenario.name(),
            cell.policy.name(),
            cell.ai.name(),
            cell.dispatch.name(),
            checker.name()
        ));
        bar.inc(1);
    });
    bar.finish_and_clear();
    // In gate mode the user's classifier has no pinned truth: its rows are judged against what
    // a complete, fail-closed classifier breaks in the same cell instead.
    let verdict = Verdict::judge(&rows, gate);
    if args.compare {
        let table = compare::compare(&rows);
        match args.format {
            Format::Json => out!("{}", serde_json::to_string_pretty(&table).expect("serializable") + "\n"),
            Format::Markdown => out!("{}", compare::render_markdown(&table)),
            Format::Text => out!("{}", compare::render_text(&table)),
        }
    } else {
        print_matrix(&rows, args.format);
    }
    for r in &verdict.mismatches {
        eprintln!("MISMATCH {}: {}", r.title(), r.mismatch.as_deref().unwrap_or(""));
    }
    if gate {
        for (r, beyond) in &verdict.gate_failures {
            for b in beyond {
                eprintln!("GATE {}: {b}", r.title());
            }
            let schedule = r.counterexample.as_ref().and_then(|c| c.schedule.as_deref());
            if let Some(s) = schedule {
                eprintln!("     replay: {}", report::replay_command(r.result.cell, s));
            }
        }
        let gated = verdict.gated;
        if verdict.passed() {
            eprintln!("verify: gate passed: the classifier adds no violation in {gated} results");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "verify: gate failed: {} of {gated} results break what a complete, fail-closed classifier does not",
            verdict.gate_failures.len()
        );
        return ExitCode::FAILURE;
    }
    if verdict.passed() {
        eprintln!("verify: {} results, all match the pinned truths", rows.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("verify: {} of {} results differ from the pinned truths", verdict.mismatches.len(), rows.len());
        ExitCode::FAILURE
    }
}

fn print_matrix(rows: &[Row], format: Format) {
    match format {
        Format::Json => out!("{}", report::render_json(rows)),
        Format::Markdown => {
            outln!("## Verdicts\n");
            out!("{}", report::render_table(rows, true, false));
            outln!("\n## Data races each policy leaves\n");
            out!("{}", report::render_races(rows));
            outln!("\n## Counterexamples\n");
            out!("{}", report::render_counterexamples(rows, true));
        }
        Format::Text => {
            out!("{}", report::render_table(rows, false, true));
            outln!("\nData races each policy leaves:\n");
            out!("{}", report::render_races(rows));
            outln!("\nCounterexamples (cut to the events that matter):\n");
            out!("{}", report::render_counterexamples(rows, false));
            outln!("Time per checker:");
            out!("{}", report::render_timings(rows));
        }
    }
}
