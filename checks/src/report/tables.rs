//! The matrix as text or Markdown: the verdict table, the data races each policy leaves, the
//! counterexamples cut to the events that matter, and the time per checker.

use super::{replay_command, trace};
use crate::explore::{Cell, CellResult, Checker, Counterexample, Depth, Strength};
use crate::matrix::Row;
use model::{AiPlacement, Dispatch, Invariant, Policy, ScenarioName};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// The data races each (policy, AI placement, dispatch) leaves, over every scenario and checker of `rows`:
/// one line per kind of race (field, the two accesses' thread kinds), with the cells that show
/// it and its first example (scenario order, then checker order). Model line numbers are left
/// out so that the listing only changes when a finding does.
pub fn render_races(rows: &[Row]) -> String {
    use model::race::RaceKey;
    /// The scenarios that show one kind of race, and its first example.
    type Seen = (Vec<&'static str>, String);
    let mut by: BTreeMap<(Policy, AiPlacement, Dispatch), BTreeMap<RaceKey, Seen>> = BTreeMap::new();
    for r in rows {
        let c = r.result.cell;
        let kinds = by.entry((c.policy, c.ai, c.dispatch)).or_default();
        for (key, race) in &r.result.first_by_race {
            let (scenarios, _) =
                kinds.entry(*key).or_insert_with(|| (Vec::new(), format!("{}: {}", c.scenario.name(), race.summary())));
            if !scenarios.contains(&c.scenario.name()) {
                scenarios.push(c.scenario.name());
            }
        }
    }
    let mut out = String::new();
    for policy in Policy::ALL {
        for ai in AiPlacement::ALL {
            for dispatch in Dispatch::ALL {
                let Some(kinds) = by.get(&(policy, ai, dispatch)) else { continue };
                let _ = writeln!(out, "### {} / ai={} / {}", policy.name(), ai.name(), dispatch.name());
                if kinds.is_empty() {
                    let _ = writeln!(out, "no data race\n");
                    continue;
                }
                for (key, (scenarios, example)) in kinds {
                    let _ = writeln!(out, "- {key} — in {}\n  - e.g. {example}", scenarios.join(", "));
                }
                let _ = writeln!(out);
            }
        }
    }
    out
}

/// An assert's short name in tables: `:174` for SpellAuras.cpp (the crash file), else
/// `Unit.cpp:3705`.
pub fn assert_short(a: model::AssertFailure) -> String {
    if a.file() == "SpellAuras.cpp" {
        format!(":{}", a.line())
    } else {
        a.location()
    }
}

/// The short text of one result: how much was explored, or what broke.
pub fn cell_text(r: &CellResult) -> String {
    let how = match (r.strength, r.depth) {
        (Strength::Proved, Depth::Preemptions(k)) => {
            format!("proved, {} schedules (saturated at bound {k})", r.schedules)
        }
        (Strength::Proved, _) => format!("proved, {} schedule{}", r.schedules, if r.schedules == 1 { "" } else { "s" }),
        (Strength::Bounded, Depth::Preemptions(k)) => format!("exhaustive to bound {k}, {} schedules", r.schedules),
        _ => format!("{} schedules sampled", r.schedules),
    };
    if r.first.is_empty() {
        return format!("holds ({how})");
    }
    let broken: Vec<String> = r
        .first
        .keys()
        .map(|inv| match inv {
            Invariant::Assert => {
                let lines: Vec<String> = r.assert_lines.keys().map(|a| assert_short(*a)).collect();
                format!("assert {}", lines.join(","))
            }
            other => other.name().to_string(),
        })
        .collect();
    format!("violated: {} ({how})", broken.join(", "))
}

fn row_key(r: &Row) -> (ScenarioName, Policy, AiPlacement, Dispatch) {
    let c = r.result.cell;
    (c.scenario, c.policy, c.ai, c.dispatch)
}

fn cell_of(key: (ScenarioName, Policy, AiPlacement, Dispatch)) -> Cell {
    Cell { scenario: key.0, policy: key.1, ai: key.2, dispatch: key.3 }
}

/// The text or Markdown table: one line per cell, one column per checker.
pub fn render_table(rows: &[Row], markdown: bool, timings: bool) -> String {
    let mut checkers: Vec<Checker> = rows.iter().map(|r| r.result.checker).collect();
    checkers.sort();
    checkers.dedup();
    let mut out = String::new();
    let mut keys: Vec<_> = rows.iter().map(row_key).collect();
    keys.dedup();
    if markdown {
        let _ = write!(out, "| scenario | policy | ai | dispatch |");
        for c in &checkers {
            let _ = write!(out, " {} |", c.name());
        }
        out.push('\n');
        out.push_str(&"|---".repeat(4 + checkers.len()));
        out.push_str("|\n");
    }
    for key in keys {
        let cells: Vec<String> = checkers
            .iter()
            .map(|c| {
                rows.iter()
                    .find(|r| row_key(r) == key && r.result.checker == *c)
                    .map(|r| {
                        let mut t = cell_text(&r.result);
                        if r.mismatch.is_some() {
                            t.push_str(" MISMATCH");
                        }
                        if timings {
                            let _ = write!(t, " [{:.2?}]", r.result.elapsed);
                        }
                        t
                    })
                    .unwrap_or_else(|| "-".to_string())
            })
            .collect();
        if markdown {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} |",
                key.0.name(),
                key.1.name(),
                key.2.name(),
                key.3.name(),
                cells.join(" | ")
            );
        } else {
            let _ = writeln!(out, "{}", cell_of(key));
            for (c, t) in checkers.iter().zip(cells) {
                if t != "-" {
                    let _ = writeln!(out, "    {:<15} {}", c.name(), t);
                }
            }
        }
    }
    out
}

/// The minimal bound of a counterexample's violation, when loom found it.
fn minimal_of<'a>(row: &'a Row, c: &Counterexample) -> Option<&'a crate::explore::bounds::MinimalBound> {
    let target = match c.violation.assert {
        Some(a) => crate::explore::bounds::Finding::Assert(a),
        None => crate::explore::bounds::Finding::Invariant(c.violation.invariant),
    };
    row.minimal.iter().find(|m| m.finding == target)
}

/// One counterexample per violated cell (loom's where it ran), as lanes or Mermaid.
pub fn render_counterexamples(rows: &[Row], markdown: bool) -> String {
    let mut out = String::new();
    let mut keys: Vec<_> = rows.iter().map(row_key).collect();
    keys.dedup();
    for key in keys {
        let mut candidates: Vec<&Row> =
            rows.iter().filter(|r| row_key(r) == key && r.counterexample.is_some()).collect();
        candidates.sort_by_key(|r| r.result.checker);
        let Some(row) = candidates.first() else { continue };
        let c = row.counterexample.as_ref().expect("filtered");
        let cut = trace::cut(&c.trace, &c.violation);
        let cell = cell_of(key);
        if markdown {
            let _ = writeln!(out, "### {cell}\n");
            let _ = writeln!(
                out,
                "**{}** (found by {}, schedule {})\n",
                c.violation,
                row.result.checker.name(),
                c.schedule_index
            );
            out.push_str(&trace::render_mermaid(&cut));
        } else {
            let _ = writeln!(out, "== {cell}: {}", c.violation);
            let _ = writeln!(out, "   found by {} at schedule {}", row.result.checker.name(), c.schedule_index);
            if let Some(m) = minimal_of(row, c) {
                let _ = writeln!(out, "   {}", crate::explore::bounds::describe(m));
            }
            out.push_str(&trace::render_lanes(&cut));
        }
        if let Some(s) = &c.schedule {
            let _ = writeln!(
                out,
                "{}replay: {}\n",
                if markdown { "\n" } else { "   " },
                replay_command(row.result.cell, s)
            );
        } else {
            out.push('\n');
        }
    }
    out
}

/// Time spent per checker.
pub fn render_timings(rows: &[Row]) -> String {
    let mut out = String::new();
    for checker in Checker::ALL {
        let mine: Vec<&Row> = rows.iter().filter(|r| r.result.checker == checker).collect();
        if mine.is_empty() {
            continue;
        }
        let time: Duration = mine.iter().map(|r| r.result.elapsed).sum();
        let schedules: u64 = mine.iter().map(|r| r.result.schedules).sum();
        let _ =
            writeln!(out, "{:<15} {:>4} cells {:>9} schedules {:>10.2?}", checker.name(), mine.len(), schedules, time);
    }
    out
}
