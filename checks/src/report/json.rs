//! The matrix as JSON: verdicts and counterexamples without timings, so that two runs of the
//! same command give the same bytes.

use crate::explore::Counterexample;
use crate::matrix::Row;
use model::Invariant;
use serde::Serialize;

#[derive(Serialize)]
struct JsonReport<'a> {
    results: Vec<JsonRow<'a>>,
}

#[derive(Serialize)]
struct JsonRow<'a> {
    policy: &'a str,
    ai: &'a str,
    scenario: &'a str,
    dispatch: &'a str,
    checker: &'a str,
    schedules: u64,
    exhaustive: bool,
    bound: Option<usize>,
    strength: &'a str,
    verdict: &'a str,
    violation: Option<JsonViolation>,
    violations: Vec<JsonBroken>,
    schedule: Option<String>,
    matches_expected: bool,
}

#[derive(Serialize)]
struct JsonViolation {
    invariant: String,
    file: Option<&'static str>,
    line: Option<u32>,
    message: String,
}

/// One broken invariant of a result: its first counterexample's place, how many schedules broke
/// it, and for `assert` every assert tripped.
#[derive(Serialize)]
struct JsonBroken {
    invariant: &'static str,
    file: Option<&'static str>,
    line: Option<u32>,
    message: String,
    schedules: u64,
    /// loom only: the smallest preemption bound that shows it.
    min_bound: Option<usize>,
    /// loom only: the schedules loom explored at `min_bound - 1` without finding it.
    none_below: Option<u64>,
    asserts: Vec<JsonAssert>,
    /// For `data-race`: every kind of race seen (field, the two accesses), with its first example.
    races: Vec<JsonRace>,
}

/// One kind of data race of a result.
#[derive(Serialize)]
struct JsonRace {
    field: &'static str,
    file: &'static str,
    line: u32,
    /// `bot worker write / map worker read`.
    accesses: String,
    schedules: u64,
    /// The first schedule's two accesses, with lanes and model lines.
    example: String,
}

#[derive(Serialize)]
struct JsonAssert {
    file: &'static str,
    line: u32,
    schedules: u64,
    min_bound: Option<usize>,
    none_below: Option<u64>,
}

fn json_violation(x: &Counterexample) -> JsonViolation {
    JsonViolation {
        invariant: x.violation.invariant.name().to_string(),
        file: x.violation.source().map(|s| s.0),
        line: x.violation.source().map(|s| s.1),
        message: x.violation.to_string(),
    }
}

fn json_broken(row: &Row) -> Vec<JsonBroken> {
    use crate::explore::bounds::Finding;
    let r = &row.result;
    let minimal = |f: Finding| row.minimal.iter().find(|m| m.finding == f);
    r.first
        .iter()
        .map(|(inv, c)| {
            let m = minimal(Finding::Invariant(*inv));
            let asserts = if *inv == Invariant::Assert {
                r.assert_lines
                    .iter()
                    .map(|(a, n)| {
                        let m = minimal(Finding::Assert(*a));
                        JsonAssert {
                            file: a.file(),
                            line: a.line(),
                            schedules: *n,
                            min_bound: m.map(|m| m.bound),
                            none_below: m.and_then(|m| m.none_below),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let races = if *inv == Invariant::DataRace {
                r.race_kinds
                    .iter()
                    .map(|(k, n)| {
                        let [(ta, ka), (tb, kb)] = k.accesses;
                        JsonRace {
                            field: k.site.name(),
                            file: k.site.file(),
                            line: k.site.line(),
                            accesses: format!("{} {} / {} {}", ta.name(), ka.name(), tb.name(), kb.name()),
                            schedules: *n,
                            example: r.first_by_race.get(k).map(|race| race.to_string()).unwrap_or_default(),
                        }
                    })
                    .collect()
            } else {
                Vec::new()
            };
            JsonBroken {
                invariant: inv.name(),
                file: c.violation.source().map(|s| s.0),
                line: c.violation.source().map(|s| s.1),
                message: c.violation.to_string(),
                schedules: r.violating.get(inv).copied().unwrap_or(0),
                min_bound: m.map(|m| m.bound),
                none_below: m.and_then(|m| m.none_below),
                asserts,
                races,
            }
        })
        .collect()
}

/// The JSON report (a stable contract; no timings, so the same arguments give the same bytes).
pub fn render_json(rows: &[Row]) -> String {
    let results = rows
        .iter()
        .map(|r| {
            let c = r.result.cell;
            JsonRow {
                policy: c.policy.name(),
                ai: c.ai.name(),
                scenario: c.scenario.name(),
                dispatch: c.dispatch.name(),
                checker: r.result.checker.name(),
                schedules: r.result.schedules,
                exhaustive: r.result.exhaustive,
                bound: r.result.depth.json_bound(),
                strength: r.result.strength.name(),
                verdict: if r.counterexample.is_some() { "violated" } else { "holds" },
                violation: r.counterexample.as_ref().map(json_violation),
                violations: json_broken(r),
                schedule: r.counterexample.as_ref().and_then(|x| x.schedule.clone()),
                matches_expected: r.mismatch.is_none(),
            }
        })
        .collect();
    serde_json::to_string_pretty(&JsonReport { results }).expect("serializable") + "\n"
}
