//! The value parsers the commands share (named enums, `--jobs`, `--bound`, `--shard`), and the
//! arguments that name one cell or filter the cells.

use checks::explore::Cell;
use model::{AiPlacement, Dispatch, Named, Policy, ScenarioName};

/// The parser of a named enum's values: exactly its names, which clap lists in `--help` and in
/// the error for any other value.
pub fn named<T: Named + Send + Sync>() -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::{PossibleValuesParser, TypedValueParser as _};
    PossibleValuesParser::new(T::ALL.iter().map(|v| v.name()))
        .try_map(|s| T::from_name(&s).ok_or_else(|| format!("no value named {s:?}")))
}

/// Worker threads for `--jobs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jobs(pub usize);

pub fn parse_jobs(s: &str) -> Result<Jobs, String> {
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
pub struct LoomBound(pub Option<usize>);

pub fn parse_bound(s: &str) -> Result<LoomBound, String> {
    match s.trim() {
        "none" | "complete" => Ok(LoomBound(None)),
        n => n.parse::<usize>().map(|b| LoomBound(Some(b))).map_err(|_| {
            format!("bad bound {s:?}: expected a preemption bound (0, 1, 2, ...) or `none` to explore every schedule")
        }),
    }
}

pub fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let err = || format!("bad shard {s:?}: expected K/N with 1 <= K <= N, e.g. 2/4");
    let (k, n) = s.split_once('/').ok_or_else(err)?;
    let (k, n): (usize, usize) = (k.trim().parse().map_err(|_| err())?, n.trim().parse().map_err(|_| err())?);
    if k == 0 || n == 0 || k > n {
        return Err(err());
    }
    Ok((k, n))
}

// One cell, as `replay` and `explain` name it (no doc comment: clap would take it for the help
// of the commands that flatten it).
#[derive(clap::Args, Debug)]
pub struct CellArgs {
    /// Policy.
    #[arg(value_parser = named::<Policy>())]
    policy: Policy,
    /// Scenario.
    #[arg(value_parser = named::<ScenarioName>())]
    scenario: ScenarioName,
    /// Bot dispatch mode.
    #[arg(long, value_parser = named::<Dispatch>(), default_value = "fire-and-forget")]
    dispatch: Dispatch,
    /// Where the bot AI runs (action-queue and map-thread pair only with the unguarded
    /// seed-deferral, complete-deferral and map-routing policies).
    #[arg(long, value_parser = named::<AiPlacement>(), default_value = "worker")]
    ai: AiPlacement,
}

impl CellArgs {
    /// The cell named, or why it is not a cell of the matrix (a placement the policy does not pair
    /// with).
    pub fn cell(&self) -> Result<Cell, String> {
        if !self.ai.pairs(self.policy, self.dispatch) {
            let pairs: Vec<String> = Policy::ALL
                .iter()
                .flat_map(|&p| Dispatch::ALL.map(|d| (p, d)))
                .filter(|&(p, d)| self.ai.pairs(p, d))
                .map(|(p, d)| format!("{} / {}", p.name(), d.name()))
                .collect();
            return Err(format!(
                "--ai {} with {} / {} is not a cell of the matrix: it runs with {}",
                self.ai.name(),
                self.policy.name(),
                self.dispatch.name(),
                pairs.join(", ")
            ));
        }
        Ok(Cell { policy: self.policy, ai: self.ai, scenario: self.scenario, dispatch: self.dispatch })
    }
}

/// The cells a command runs: filters over the matrix's four axes, each empty for every value.
#[derive(clap::Args, Debug, Clone)]
pub struct CellFilter {
    /// Policies to run (default: all): the four classifiers, then the candidate fixes.
    #[arg(long, value_delimiter = ',', value_parser = named::<Policy>())]
    pub policy: Vec<Policy>,
    /// Scenarios (default: all; loom and shuttle-dfs run the small ones, every scenario but seed-load).
    #[arg(long, value_delimiter = ',', value_parser = named::<ScenarioName>())]
    pub scenario: Vec<ScenarioName>,
    /// Bot dispatch modes (default: all).
    #[arg(long, value_delimiter = ',', value_parser = named::<Dispatch>())]
    pub dispatch: Vec<Dispatch>,
    /// Where the bot AI runs (default: all): worker, action-queue, map-thread; each with the
    /// policies it pairs with (action-queue and map-thread: the unguarded seed-deferral,
    /// complete-deferral and map-routing).
    #[arg(long, value_delimiter = ',', value_parser = named::<AiPlacement>())]
    pub ai: Vec<AiPlacement>,
}

impl CellFilter {
    /// Whether any filter was given.
    pub fn any(&self) -> bool {
        !(self.policy.is_empty() && self.scenario.is_empty() && self.dispatch.is_empty() && self.ai.is_empty())
    }

    /// The selected cells, in report order (scenario, then policy, then AI placement, then
    /// dispatch mode), each placement only with the policies it pairs with.
    pub fn cells(&self) -> Vec<Cell> {
        fn or_all<T: Copy>(all: &[T], chosen: &[T]) -> Vec<T> {
            if chosen.is_empty() {
                all.to_vec()
            } else {
                chosen.to_vec()
            }
        }
        let mut out = Vec::new();
        for scenario in or_all(&ScenarioName::ALL, &self.scenario) {
            for policy in or_all(&Policy::ALL, &self.policy) {
                for ai in or_all(&AiPlacement::ALL, &self.ai).into_iter().filter(|ai| ai.pairs_with(policy)) {
                    for dispatch in or_all(&Dispatch::ALL, &self.dispatch).into_iter().filter(|&d| ai.pairs(policy, d))
                    {
                        out.push(Cell { policy, ai, scenario, dispatch });
                    }
                }
            }
        }
        out
    }
}
