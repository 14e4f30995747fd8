//! The pin table as data: `checks/data/pins.toml`, written by `verify bless` from runs
//! ([`super::bless`]) and reviewed as a diff; only the `why` lines are written by hand.
//!
//! One `[[pin]]` row per group of cells (one scenario, a product of policies, AI placements and
//! dispatch modes) that found the same things the same way. A row says how far loom searched its cells (`loom`:
//! `every schedule` when the search saturated, `bound K` when it stopped there, `not run` for a
//! scenario loom cannot explore) and, for each finding (an invariant broken, an assert tripped, a
//! field raced on), the smallest loom bound that shows it (`loom = K`, absent when loom found none
//! within its search) and the shuttle checkers that find it within the pinned budget (`[search]`:
//! schedules and seed). Whatever a row does not list holds, as far as its search went.
//!
//! The file is canonical: [`Table::write`] of the parsed file gives the file back byte for byte
//! (a test says so), so a diff shows only what changed.

use crate::explore::bounds::Finding;
use crate::explore::{Budget, Cell, Checker};
use model::race::Site;
use model::{AiPlacement, AssertFailure, Dispatch, Invariant, Named, Policy, ScenarioName};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

/// How far loom searched a row's cells when they were pinned.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoomSearch {
    /// The scenario is too large for loom.
    NotRun,
    /// Every schedule with at most this many preemptions: "none up to bound K".
    UpTo(usize),
    /// Every schedule (the search saturated): "never".
    Every,
}

impl LoomSearch {
    /// Whether a loom search to `bound` (`None`: every schedule) stays within this one, so that
    /// what it finds is already known.
    pub fn covers(self, bound: Option<usize>) -> bool {
        match (self, bound) {
            (LoomSearch::Every, _) => true,
            (LoomSearch::UpTo(k), Some(b)) => b <= k,
            (LoomSearch::UpTo(_), None) | (LoomSearch::NotRun, _) => false,
        }
    }
    /// How strong a "holds" read off this search is, in words.
    pub fn strength(self) -> String {
        match self {
            LoomSearch::NotRun => "sampled: none in the pinned shuttle runs".to_string(),
            LoomSearch::UpTo(k) => format!("bounded: none up to loom bound {k}"),
            LoomSearch::Every => "proved: none in every schedule".to_string(),
        }
    }
    fn text(self) -> String {
        match self {
            LoomSearch::NotRun => "not run".to_string(),
            LoomSearch::UpTo(k) => format!("bound {k}"),
            LoomSearch::Every => "every schedule".to_string(),
        }
    }
    fn parse(s: &str) -> Result<Self, String> {
        match s {
            "not run" => Ok(LoomSearch::NotRun),
            "every schedule" => Ok(LoomSearch::Every),
            _ => s
                .strip_prefix("bound ")
                .and_then(|k| k.parse().ok())
                .map(LoomSearch::UpTo)
                .ok_or_else(|| format!("loom = {s:?}: expected \"every schedule\", \"bound K\" or \"not run\"")),
        }
    }
}

/// How one finding was reached when it was pinned.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Reach {
    /// The smallest loom bound that shows it (loom proves it absent below); `None` when loom
    /// found none within the row's search.
    pub loom: Option<usize>,
    /// The shuttle checkers that find it within the pinned budget.
    pub shuttle: BTreeSet<Checker>,
}

/// What one cell shows, and how far that was searched.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Truth {
    /// How far loom searched.
    pub loom: LoomSearch,
    /// Every finding (invariants, then asserts, then fields raced on), with its reach.
    pub findings: BTreeMap<Finding, Reach>,
}

impl Truth {
    /// The invariants broken.
    pub fn broken(&self) -> impl Iterator<Item = Invariant> + '_ {
        self.findings.keys().filter_map(|f| match f {
            Finding::Invariant(i) => Some(*i),
            _ => None,
        })
    }
    /// The asserts tripped.
    pub fn asserts(&self) -> impl Iterator<Item = AssertFailure> + '_ {
        self.findings.keys().filter_map(|f| match f {
            Finding::Assert(a) => Some(*a),
            _ => None,
        })
    }
    /// The fields raced on.
    pub fn races(&self) -> impl Iterator<Item = Site> + '_ {
        self.findings.keys().filter_map(|f| match f {
            Finding::Race(s) => Some(*s),
            _ => None,
        })
    }
    /// Whether `finding` is pinned.
    pub fn has(&self, finding: Finding) -> bool {
        self.findings.contains_key(&finding)
    }
}

/// One row: a group of cells and their truth, with the reason.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Row {
    /// The scenario.
    pub scenario: ScenarioName,
    /// The policies (report order).
    pub policies: Vec<Policy>,
    /// The AI placements (report order).
    pub placements: Vec<AiPlacement>,
    /// The dispatch modes (report order).
    pub dispatches: Vec<Dispatch>,
    /// What every cell of the row shows.
    pub truth: Truth,
    /// Why, in words (written by hand; empty until someone explains a new or changed row).
    pub why: String,
}

impl Row {
    /// The row's cells: its policies × its placements × its dispatch modes.
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.policies.iter().flat_map(move |&policy| {
            self.placements.iter().flat_map(move |&ai| {
                self.dispatches.iter().map(move |&dispatch| Cell { policy, ai, scenario: self.scenario, dispatch })
            })
        })
    }
    /// `scenario / [policies] / [placements] / [dispatch modes]`: how a message names the row.
    pub fn title(&self) -> String {
        let names = |v: Vec<&str>| v.join(", ");
        format!(
            "{} / [{}] / ai=[{}] / [{}]",
            self.scenario.name(),
            names(self.policies.iter().map(|p| p.name()).collect()),
            names(self.placements.iter().map(|a| a.name()).collect()),
            names(self.dispatches.iter().map(|d| d.name()).collect())
        )
    }
}

/// The budget the rows were searched with.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Search {
    /// loom's deepest bound (the prove profile's).
    pub loom_max_bound: usize,
    /// The same for the bounded-wait cells, whose schedules grow about twentyfold per preemption.
    pub bounded_wait_max_bound: usize,
    /// Schedules per shuttle checker on a small scenario.
    pub shuttle_schedules: usize,
    /// Schedules per shuttle checker on a scenario too large for loom (`seed-load`).
    pub large_schedules: usize,
    /// Seed of shuttle's random and PCT schedulers.
    pub seed: u64,
    /// PCT's depth.
    pub pct_depth: usize,
}

impl Search {
    /// Whether a shuttle result ran with the pinned budget for its cell, so that what it finds
    /// must be exactly what was pinned (the seeds and budgets are fixed: a finding that vanishes
    /// is a change, as for loom).
    pub fn same_shuttle_budget(&self, cell: Cell, budget: &Budget) -> bool {
        let schedules = if cell.scenario.is_small() { self.shuttle_schedules } else { self.large_schedules };
        budget.schedules == schedules && budget.seed == self.seed && budget.pct_depth == self.pct_depth
    }
}

/// The whole table.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Table {
    /// The budget.
    pub search: Search,
    /// The rows, in report order.
    pub rows: Vec<Row>,
    index: HashMap<Cell, usize>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    search: RawSearch,
    #[serde(default)]
    pin: Vec<RawRow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    loom_max_bound: usize,
    bounded_wait_max_bound: usize,
    shuttle_schedules: usize,
    large_schedules: usize,
    seed: u64,
    pct_depth: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRow {
    scenario: String,
    policies: Vec<String>,
    placements: Option<Vec<String>>,
    dispatches: Vec<String>,
    loom: String,
    broken: Vec<RawFinding>,
    asserts: Vec<RawFinding>,
    races: Vec<RawFinding>,
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinding {
    name: String,
    loom: Option<usize>,
    #[serde(default)]
    shuttle: Vec<String>,
}

fn named<T: Named>(what: &str, s: &str) -> Result<T, String> {
    T::from_name(s).ok_or_else(|| {
        let all: Vec<&str> = T::ALL.iter().map(|v| v.name()).collect();
        format!("unknown {what} {s:?} (one of: {})", all.join(", "))
    })
}

fn finding(kind: &str, name: &str) -> Result<Finding, String> {
    match kind {
        "broken" => named::<Invariant>("invariant", name).map(Finding::Invariant),
        "asserts" => AssertFailure::ALL
            .into_iter()
            .find(|a| a.location() == name)
            .map(Finding::Assert)
            .ok_or_else(|| format!("unknown assert {name:?} (a file:line such as SpellAuras.cpp:174)")),
        _ => named::<Site>("field", name).map(Finding::Race),
    }
}

fn finding_name(f: Finding) -> String {
    match f {
        Finding::Invariant(i) => i.name().to_string(),
        Finding::Assert(a) => a.location(),
        Finding::Race(s) => s.name().to_string(),
    }
}

impl Table {
    /// A table of `rows`; an error names a cell that two rows both pin.
    pub fn new(search: Search, rows: Vec<Row>) -> Result<Self, String> {
        let mut index = HashMap::new();
        for (i, row) in rows.iter().enumerate() {
            for cell in row.cells() {
                if let Some(j) = index.insert(cell, i) {
                    return Err(format!("pins {} and {} both pin {cell}", j + 1, i + 1));
                }
            }
        }
        Ok(Table { search, rows, index })
    }

    /// Parses the TOML text of the table; errors name the row and the value at fault.
    pub fn parse(text: &str) -> Result<Self, String> {
        let raw: RawTable = toml::from_str(text).map_err(|e| e.to_string())?;
        let s = raw.search;
        let search = Search {
            loom_max_bound: s.loom_max_bound,
            bounded_wait_max_bound: s.bounded_wait_max_bound,
            shuttle_schedules: s.shuttle_schedules,
            large_schedules: s.large_schedules,
            seed: s.seed,
            pct_depth: s.pct_depth,
        };
        let mut rows = Vec::new();
        for (i, r) in raw.pin.into_iter().enumerate() {
            let at = |e: String| format!("pin {} ({}): {e}", i + 1, r.scenario);
            let scenario = named::<ScenarioName>("scenario", &r.scenario).map_err(at)?;
            let policies = r.policies.iter().map(|p| named("policy", p)).collect::<Result<Vec<_>, _>>().map_err(at)?;
            let Some(placements) = &r.placements else {
                return Err(at("no `placements`: a pin names its AI placements (`placements = [\"worker\", ...]`, \
                     between `policies` and `dispatches`)"
                    .to_string()));
            };
            let placements = placements
                .iter()
                .map(|a| named::<AiPlacement>("AI placement", a))
                .collect::<Result<Vec<_>, _>>()
                .map_err(at)?;
            let dispatches =
                r.dispatches.iter().map(|d| named("dispatch", d)).collect::<Result<Vec<_>, _>>().map_err(at)?;
            if policies.is_empty() || placements.is_empty() || dispatches.is_empty() {
                return Err(at("a pin names at least one policy, one AI placement and one dispatch mode".to_string()));
            }
            if let Some((p, a)) =
                policies.iter().flat_map(|&p| placements.iter().map(move |&a| (p, a))).find(|(p, a)| !a.pairs_with(*p))
            {
                return Err(at(format!("the AI placement {} does not pair with the policy {}", a.name(), p.name())));
            }
            let loom = LoomSearch::parse(&r.loom).map_err(at)?;
            let mut findings = BTreeMap::new();
            for (kind, list) in [("broken", &r.broken), ("asserts", &r.asserts), ("races", &r.races)] {
                for f in list {
                    let key = finding(kind, &f.name).map_err(at)?;
                    let shuttle = f
                        .shuttle
                        .iter()
                        .map(|c| named::<Checker>("checker", c))
                        .collect::<Result<BTreeSet<_>, _>>()
                        .map_err(at)?;
                    if let Some(c) = shuttle.iter().find(|c| matches!(c, Checker::Loom | Checker::Std)) {
                        return Err(at(format!("{}: `shuttle` lists {}, not a shuttle checker", f.name, c.name())));
                    }
                    if findings.insert(key, Reach { loom: f.loom, shuttle }).is_some() {
                        return Err(at(format!("{} is listed twice", f.name)));
                    }
                }
            }
            rows.push(Row { scenario, policies, placements, dispatches, truth: Truth { loom, findings }, why: r.why });
        }
        Table::new(search, rows)
    }

    /// The row that pins `cell`, if any.
    pub fn row(&self, cell: Cell) -> Option<&Row> {
        self.index.get(&cell).map(|&i| &self.rows[i])
    }

    /// The table as TOML, in its one canonical layout.
    pub fn write(&self) -> String {
        let mut out = String::from(HEADER);
        let s = &self.search;
        let _ = writeln!(out, "[search]");
        let _ = writeln!(out, "loom_max_bound = {}", s.loom_max_bound);
        let _ = writeln!(out, "bounded_wait_max_bound = {}", s.bounded_wait_max_bound);
        let _ = writeln!(out, "shuttle_schedules = {}", s.shuttle_schedules);
        let _ = writeln!(out, "large_schedules = {}", s.large_schedules);
        let _ = writeln!(out, "seed = {:#x}", s.seed);
        let _ = writeln!(out, "pct_depth = {}", s.pct_depth);
        for row in &self.rows {
            let names = |v: Vec<&str>| v.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ");
            let _ = writeln!(out, "\n[[pin]]");
            let _ = writeln!(out, "scenario = {}", quote(row.scenario.name()));
            let _ = writeln!(out, "policies = [{}]", names(row.policies.iter().map(|p| p.name()).collect()));
            let _ = writeln!(out, "placements = [{}]", names(row.placements.iter().map(|a| a.name()).collect()));
            let _ = writeln!(out, "dispatches = [{}]", names(row.dispatches.iter().map(|d| d.name()).collect()));
            let _ = writeln!(out, "loom = {}", quote(&row.truth.loom.text()));
            for kind in ["broken", "asserts", "races"] {
                let of_kind: Vec<(&Finding, &Reach)> = row
                    .truth
                    .findings
                    .iter()
                    .filter(|(f, _)| match f {
                        Finding::Invariant(_) => kind == "broken",
                        Finding::Assert(_) => kind == "asserts",
                        Finding::Race(_) => kind == "races",
                    })
                    .collect();
                if of_kind.is_empty() {
                    let _ = writeln!(out, "{kind} = []");
                    continue;
                }
                let _ = writeln!(out, "{kind} = [");
                for (f, reach) in of_kind {
                    let mut item = format!("name = {}", quote(&finding_name(*f)));
                    if let Some(k) = reach.loom {
                        let _ = write!(item, ", loom = {k}");
                    }
                    if !reach.shuttle.is_empty() {
                        let _ =
                            write!(item, ", shuttle = [{}]", names(reach.shuttle.iter().map(|c| c.name()).collect()));
                    }
                    let _ = writeln!(out, "    {{ {item} }},");
                }
                let _ = writeln!(out, "]");
            }
            let _ = writeln!(out, "why = {}", quote(&row.why));
        }
        out
    }
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut q = String::with_capacity(s.len() + 2);
    q.push('"');
    for c in s.chars() {
        match c {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\t' => q.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(q, "\\u{:04X}", c as u32);
            }
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

const HEADER: &str = "\
# The pinned truth of every cell of the matrix (scenario x policy x AI placement x dispatch mode).
#
# Written by `cargo run --release -- bless` from runs, and reviewed as a diff: only the `why`
# lines are written by hand (a row with an empty `why` fails the tests). `verify` compares every
# result with its cell's row; blessing never runs in CI. See checks/src/expected/table.rs.
#
# loom: how far loom searched the row's cells: \"every schedule\" (saturated: what is not listed
#   never happens), \"bound K\" (none up to K preemptions), or \"not run\" (too large for loom).
# broken / asserts / races: each finding with `loom = K`, the smallest preemption bound that shows
#   it (loom proves it absent below; no `loom`: none within the search), and `shuttle`, the
#   shuttle checkers that find it within the [search] budget (seed and schedules fixed, so a
#   finding that vanishes is a change too).

";
