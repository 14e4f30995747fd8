//! `verify`: does the packet-deferral fix remove the aura race, and what does it break?
//!
//! With no subcommand it runs the whole matrix (policies × scenarios × dispatch modes ×
//! checkers) and exits non-zero when any result differs from the truth pinned for it.

use checks::audit::{compare, gaps};
use checks::expected;
use checks::explore::bounds;
use checks::explore::{self, Budget, Cell, Checker};
use checks::report::trace;
use checks::report::{self, Format, Plan, Row};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use model::classifier::{Classifier, CompleteClassifier, SeedClassifier, TrinityCoreRouting};
use model::{Dispatch, Invariant, Named, Opcode, Policy, ScenarioName};
use std::process::ExitCode;

/// `println!` that does not panic when stdout is closed early (`verify | head`).
macro_rules! outln {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout(), $($t)*);
    }};
}

/// `print!` that does not panic when stdout is closed early.
macro_rules! out {
    ($($t:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stdout(), $($t)*);
    }};
}

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
    matrix: MatrixArgs,
    /// Your classifier: the module's `PacketDeferralClassifier.cpp`, or a TSV of `category
    /// opcode` rows. It replaces the seed's in every `seed-deferral` policy (matrix, `replay`,
    /// `explain`, `classify`, `gaps`), and `verify` then runs as a gate: exit 0 when the
    /// classifier adds no violation to what a complete, fail-closed classifier shows under the
    /// same dispatch, 1 when it does (each with its counterexample and replay command), 2 on a
    /// file it cannot read or parse.
    #[arg(long, global = true, value_name = "FILE")]
    classifier: Option<std::path::PathBuf>,
    /// Your TrinityCore checkout (the directory holding `src/server/game/`). The suite runs on
    /// the client opcode table it is built on: the bundled one, or the checkout's when built with
    /// `TRINITYCORE_DIR=DIR`. With this option every command first holds that table against
    /// DIR's `Opcodes.h` and `Opcodes.cpp` and stops (exit 2, with the command that rebuilds on
    /// DIR) when they differ; `drift` also checks the model's citations against DIR.
    #[arg(long, global = true, value_name = "DIR")]
    trinitycore: Option<std::path::PathBuf>,
}

#[derive(clap::Args, Debug, Clone)]
struct MatrixArgs {
    /// Policies to run (default: all): the four classifiers, then the candidate fixes.
    #[arg(long, value_delimiter = ',', value_parser = named::<Policy>())]
    policy: Vec<Policy>,
    /// Scenarios (default: all; loom and shuttle-dfs run the small ones, every scenario but seed-load).
    #[arg(long, value_delimiter = ',', value_parser = named::<ScenarioName>())]
    scenario: Vec<ScenarioName>,
    /// Bot dispatch modes (default: all).
    #[arg(long, value_delimiter = ',', value_parser = named::<Dispatch>())]
    dispatch: Vec<Dispatch>,
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
    #[arg(long, conflicts_with_all = ["policy", "dispatch"])]
    compare: bool,
    /// Output format.
    #[arg(long, value_parser = named::<Format>(), default_value = "text")]
    format: Format,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run the matrix (the default; the matrix options work before or after `verify`).
    Verify(MatrixArgs),
    /// Replay a shuttle schedule of one cell and show what it breaks.
    Replay {
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
    },
    /// Explain one cell: its first counterexample as lanes (Markdown: a Mermaid diagram).
    Explain {
        /// Policy.
        #[arg(value_parser = named::<Policy>())]
        policy: Policy,
        /// Scenario.
        #[arg(value_parser = named::<ScenarioName>())]
        scenario: ScenarioName,
        /// Bot dispatch mode.
        #[arg(long, value_parser = named::<Dispatch>(), default_value = "fire-and-forget")]
        dispatch: Dispatch,
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
    },
    /// Where an opcode runs under each policy: by name (CMSG_CAST_SPELL, cast_spell) or wire value (0x2B0023).
    Classify {
        /// Opcode name or wire value.
        opcode: String,
    },
    /// Hunt the holes of the seed-deferral classifier (yours with `--classifier`): one small
    /// scenario per handler kind it keeps on the bot worker, explored by loom, each shown with a
    /// counterexample or harmless up to the bound. Exit 1 when a hole breaks something.
    Holes {
        /// loom's preemption bound.
        #[arg(long, default_value_t = 2)]
        bound: usize,
    },
    /// Hold the model's citations and opcode table against the checkout `--trinitycore DIR`:
    /// every FIDELITY.md row citing a TrinityCore file is checked (function still there, cited
    /// statement still near its line), and the checkout's client opcode table is compared with
    /// the one this build runs on. Exit 0 when nothing drifted, 1 with the rows to re-read, 2 on
    /// bad input.
    Drift,
    /// Write the pinned truths from runs: explore the chosen cells (default: every cell) as deep
    /// as the prove profile (loom to bound 4, 2 for the bounded wait; shuttle random, PCT and DFS
    /// with the default seed and budget), rewrite `checks/data/pins.toml` with what they find,
    /// and list what changed. Review it as a diff; a changed cell keeps its reason only while it
    /// breaks the same invariants and trips the same asserts. Exit 1 while a row has no reason.
    Bless {
        /// Policies to bless (default: all).
        #[arg(long, value_delimiter = ',', value_parser = named::<Policy>())]
        policy: Vec<Policy>,
        /// Scenarios to bless (default: all).
        #[arg(long, value_delimiter = ',', value_parser = named::<ScenarioName>())]
        scenario: Vec<ScenarioName>,
        /// Dispatch modes to bless (default: all).
        #[arg(long, value_delimiter = ',', value_parser = named::<Dispatch>())]
        dispatch: Vec<Dispatch>,
        /// Worker threads (default: every core).
        #[arg(long, default_value = "all", value_parser = parse_jobs)]
        jobs: Jobs,
        /// Where to write the table (default: the project's `checks/data/pins.toml`).
        #[arg(long, value_name = "FILE")]
        out: Option<std::path::PathBuf>,
    },
    /// The seed's classifier against TrinityCore's processing places: what it leaves on the bot worker.
    Gaps {
        /// Output format.
        #[arg(long, value_parser = named::<Format>(), default_value = "text")]
        format: Format,
    },
}

/// The parser of a named enum's values: exactly its names, which clap lists in `--help` and in
/// the error for any other value.
fn named<T: Named + Send + Sync>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::{PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(T::ALL.iter().map(|v| v.name()))
        .try_map(|s| T::from_name(&s).ok_or_else(|| format!("no value named {s:?}")))
}

/// Worker threads for `--jobs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Jobs(usize);

fn parse_jobs(s: &str) -> Result<Jobs, String> {
    match s.trim() {
        "all" => Ok(Jobs(std::thread::available_parallelism().map_or(1, |n| n.get()))),
        n => match n.parse::<usize>() {
            Ok(j) if j >= 1 => Ok(Jobs(j)),
            _ => Err(format!("bad jobs {s:?}: expected a number of worker threads (1, 2, ...) or `all`")),
        },
    }
}

/// loom's preemption bound as given on the command line: `None` for every schedule.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct LoomBound(Option<usize>);

fn parse_bound(s: &str) -> Result<LoomBound, String> {
    match s.trim() {
        "none" | "complete" => Ok(LoomBound(None)),
        n => n.parse::<usize>().map(|b| LoomBound(Some(b))).map_err(|_| {
            format!("bad bound {s:?}: expected a preemption bound (0, 1, 2, ...) or `none` to explore every schedule")
        }),
    }
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let err = || format!("bad shard {s:?}: expected K/N with 1 <= K <= N, e.g. 2/4");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| err())?, n.trim().parse().map_err(|_| err())?);
    if k == 0 || n == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

fn budget(args: &MatrixArgs) -> Budget {
    let d = Budget::default();
    Budget {
        bound: args.bound.0,
        schedules: args.budget.unwrap_or(d.schedules),
        pct_depth: args.depth,
        seed: args.seed,
        prove: args.prove,
    }
}

fn run_matrix(args: &MatrixArgs) -> ExitCode {
    let mut plan = Plan::full(budget(args));
    let gate = SeedClassifier::installed();
    if gate && !args.compare {
        plan.policies = vec![Policy::SEED_DEFERRAL];
    }
    if !args.policy.is_empty() {
        plan.policies = args.policy.clone();
    }
    if !args.scenario.is_empty() {
        plan.scenarios = args.scenario.clone();
    }
    if !args.dispatch.is_empty() {
        plan.dispatches = args.dispatch.clone();
    }
    if !args.checker.is_empty() {
        plan.checkers = args.checker.clone();
    }
    plan.shard = args.shard;
    if args.compare {
        plan.pairs = Some(compare::cells());
    }
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
    let rows = report::run_jobs(&work, args.jobs.0, |cell, checker| {
        bar.set_message(format!(
            "{} {} {} {}",
            cell.scenario.name(),
            cell.policy.name(),
            cell.dispatch.name(),
            checker.name()
        ));
        bar.inc(1);
    });
    bar.finish_and_clear();
    // In gate mode the user's classifier has no pinned truth: its rows are judged against what
    // a complete, fail-closed classifier breaks in the same cell instead.
    let judged_by_gate = |r: &Row| gate && r.result.cell.policy == Policy::SEED_DEFERRAL;
    let mismatches: Vec<&Row> = rows.iter().filter(|r| !judged_by_gate(r) && r.mismatch.is_some()).collect();
    let gate_failures: Vec<(&Row, Vec<String>)> = rows
        .iter()
        .filter(|r| judged_by_gate(r))
        .filter_map(|r| {
            let beyond = expected::beyond_complete(&r.result);
            (!beyond.is_empty()).then_some((r, beyond))
        })
        .collect();
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
    for r in &mismatches {
        eprintln!("MISMATCH {}: {}", r.title(), r.mismatch.as_deref().unwrap_or(""));
    }
    if gate {
        for (r, beyond) in &gate_failures {
            for b in beyond {
                eprintln!("GATE {}: {b}", r.title());
            }
            let schedule = r.counterexample.as_ref().and_then(|c| c.schedule.as_deref());
            if let Some(s) = schedule {
                eprintln!("     replay: {}", report::replay_command(r.result.cell, s));
            }
        }
        let gated = rows.iter().filter(|r| judged_by_gate(r)).count();
        if gate_failures.is_empty() && mismatches.is_empty() {
            eprintln!("verify: gate passed: the classifier adds no violation in {gated} results");
            return ExitCode::SUCCESS;
        }
        eprintln!(
            "verify: gate failed: {} of {gated} results break what a complete, fail-closed classifier does not",
            gate_failures.len()
        );
        return ExitCode::FAILURE;
    }
    if mismatches.is_empty() {
        eprintln!("verify: {} results, all match the pinned truths", rows.len());
        ExitCode::SUCCESS
    } else {
        eprintln!("verify: {} of {} results differ from the pinned truths", mismatches.len(), rows.len());
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

fn explain(
    policy: Policy,
    scenario: ScenarioName,
    dispatch: Dispatch,
    format: Format,
    LoomBound(bound): LoomBound,
    invariant: Option<Invariant>,
) -> ExitCode {
    let cell = Cell { policy, scenario, dispatch };
    let checker = if scenario.is_small() { Checker::Loom } else { Checker::Pct };
    let budget = Budget { schedules: report::SEED_LOAD_SCHEDULES, bound, ..Budget::default() };
    let mut row = match invariant {
        None => report::run_job(cell, checker, budget),
        Some(i) => report::run_job_for(cell, checker, budget, i),
    };
    let title = cell.to_string();
    let mut found_by = checker;
    let mut note = None;
    if let (None, Some(i), Checker::Loom) = (&row.counterexample, invariant, checker) {
        // loom finds none within its bound: say so, and look further with the random scheduler.
        let within = bound.map_or("in any schedule".to_string(), |b| format!("up to preemption bound {b}"));
        note = Some(format!("loom finds no {i} {within} ({} schedules)", row.result.schedules));
        let sampled = Budget { schedules: EXPLAIN_SAMPLES, ..budget };
        row = report::run_job_for(cell, Checker::Random, sampled, i);
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

fn classify(query: &str) -> ExitCode {
    let q = query.trim();
    let parsed = if let Some(hex) = q.strip_prefix("0x").or_else(|| q.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).map_err(|_| format!("{q:?} is not a hexadecimal wire value")).and_then(|v| {
            Opcode::from_value(v).map_err(|e| format!("{e}: not a client opcode of the table; a bot session drops it"))
        })
    } else if let Ok(v) = q.parse::<u32>() {
        Opcode::from_value(v).map_err(|e| format!("{e}: not a client opcode of the table; a bot session drops it"))
    } else {
        Opcode::from_name(q).ok_or_else(|| format!("no client opcode named {q:?} in the table"))
    };
    let op = match parsed {
        Ok(op) => op,
        Err(e) => {
            eprintln!("verify classify: {e}");
            return ExitCode::from(2);
        }
    };
    let info = op.info();
    outln!("{} ({:#08X})", info.name, info.value);
    outln!("  handler          {} ({:?})", info.handler, info.status);
    outln!("  TrinityCore      {}", info.place.tc_name());
    outln!("  handler kind     {} (touches shared state: {})", op.kind().name(), op.kind().touches_shared_state());
    let seed = SeedClassifier::get();
    let cat = seed.category(op).map(|c| c.name()).unwrap_or("none");
    let rows: [(&str, &dyn Classifier); 3] =
        [("seed-deferral", seed), ("complete-deferral", &CompleteClassifier), ("map-routing", &TrinityCoreRouting)];
    outln!("  seed category    {cat}");
    for (name, c) in rows {
        outln!("  {:<16} {} — {}", name, c.route(op).name(), c.deferral_reason(op).unwrap_or("runs on the bot worker"));
    }
    ExitCode::SUCCESS
}

/// The citation fingerprints and FIDELITY.md, built in so that `drift` runs from anywhere.
const CITATIONS: &str = include_str!("../data/citations.tsv");
const FIDELITY: &str = include_str!("../../FIDELITY.md");

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

fn bless(
    policies: &[Policy],
    scenarios: &[ScenarioName],
    dispatches: &[Dispatch],
    Jobs(threads): Jobs,
    out: Option<&std::path::Path>,
) -> ExitCode {
    use checks::expected::bless as b;
    use checks::expected::table::Table;
    let path = out.unwrap_or(std::path::Path::new(expected::PINS_FILE));
    // The table on disk (hand-written reasons since the last build count), else the built one.
    let previous = {
        match std::fs::read_to_string(path) {
            Ok(text) => match Table::parse(&text) {
                Ok(t) => t,
                Err(e) => {
                    eprintln!("verify bless: {}: {e}", path.display());
                    return ExitCode::from(2);
                }
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => match expected::pins() {
                Ok(t) => t.clone(),
                Err(e) => {
                    eprintln!("verify bless: {e}");
                    return ExitCode::from(2);
                }
            },
            Err(e) => {
                eprintln!("verify bless: {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
    };
    fn pick<T: Copy>(all: &[T], chosen: &[T]) -> Vec<T> {
        if chosen.is_empty() {
            all.to_vec()
        } else {
            chosen.to_vec()
        }
    }
    let mut cells = Vec::new();
    for scenario in pick(&ScenarioName::ALL, scenarios) {
        for policy in pick(&Policy::ALL, policies) {
            for dispatch in pick(&Dispatch::ALL, dispatches) {
                cells.push(Cell { policy, scenario, dispatch });
            }
        }
    }
    let work = b::jobs(&cells);
    let bar = ProgressBar::new(work.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let rows = report::run_jobs(&work, threads, |cell, checker| {
        bar.set_message(format!("{cell} {}", checker.name()));
        bar.inc(1);
    });
    bar.finish_and_clear();
    let mut truths = std::collections::BTreeMap::new();
    for &cell in &cells {
        let of_cell: Vec<&Row> = rows.iter().filter(|r| r.result.cell == cell).collect();
        truths.insert(cell, b::truth(&of_cell));
    }
    let next = b::merge(&previous, &truths);
    if let Err(e) = std::fs::write(path, next.write()) {
        eprintln!("verify bless: {}: {e}", path.display());
        return ExitCode::from(2);
    }
    let changes = b::changes(&previous, &next);
    for c in &changes {
        outln!("{c}");
    }
    let unexplained = next.rows.iter().filter(|r| r.why.trim().is_empty()).count();
    eprintln!(
        "verify bless: {} cells explored, {} changed; {} written ({} rows)",
        cells.len(),
        changes.len(),
        path.display(),
        next.rows.len()
    );
    if unexplained > 0 {
        eprintln!(
            "verify bless: {unexplained} rows have no reason yet: write each `why` in {}, then rebuild",
            path.display()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let (Some(dir), false) = (&cli.trinitycore, matches!(cli.command, Some(Command::Drift))) {
        if let Err(e) = same_table(dir) {
            eprintln!("verify: {}: {e}", dir.display());
            return ExitCode::from(2);
        }
    }
    if let Some(path) = &cli.classifier {
        match checks::sources::classifier::seed_classifier(path) {
            Ok((classifier, loaded)) => {
                for d in &loaded.duplicates {
                    eprintln!("verify: warning: {d}");
                }
                if !SeedClassifier::install(classifier) {
                    eprintln!("verify: the classifier could not be installed (one was already in use)");
                    return ExitCode::from(2);
                }
                report::set_classifier_file(&path.display().to_string());
            }
            Err(e) => {
                eprintln!("verify: {e}");
                return ExitCode::from(2);
            }
        }
    }
    match cli.command {
        None => run_matrix(&cli.matrix),
        Some(Command::Verify(matrix)) => run_matrix(&matrix),
        Some(Command::Replay { policy, scenario, schedule, dispatch, full }) => {
            replay(policy, scenario, dispatch, &schedule, full)
        }
        Some(Command::Explain { policy, scenario, dispatch, format, bound, invariant }) => {
            explain(policy, scenario, dispatch, format, bound, invariant)
        }
        Some(Command::Classify { opcode }) => classify(&opcode),
        Some(Command::Drift) => match &cli.trinitycore {
            Some(dir) => drift(dir),
            None => {
                eprintln!("verify drift: name the checkout to hold the model against: --trinitycore DIR");
                ExitCode::from(2)
            }
        },
        Some(Command::Holes { bound }) => {
            let holes = checks::audit::holes::hunt(bound);
            out!("{}", checks::audit::holes::render(&holes, bound));
            let broken = holes.iter().filter(|h| h.results.iter().any(|(_, _, f)| f.is_some())).count();
            eprintln!("verify holes: {broken} of {} kinds kept on the bot worker break something", holes.len());
            if broken == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Some(Command::Bless { policy, scenario, dispatch, jobs, out }) => {
            if cli.classifier.is_some() {
                eprintln!("verify bless: the pinned truths are the seed's classifier's: bless without --classifier");
                return ExitCode::from(2);
            }
            bless(&policy, &scenario, &dispatch, jobs, out.as_deref())
        }
        Some(Command::Gaps { format }) => {
            out!("{}", report::gaps::render(&gaps::report(), format));
            ExitCode::SUCCESS
        }
    }
}
