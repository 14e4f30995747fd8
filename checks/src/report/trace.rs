//! Counterexample traces a person can read: one lane per thread, cut to the events that matter.
//!
//! The cut keeps, up to the event that broke the invariant: the world tick's skeleton (ticks,
//! map updates and their join, bot submissions and joins, the deferred pass), the packet events
//! of the bot the violation concerns (received, deferred, run, dropped), and — for `assert` and
//! `double-effect` — every access to that player's aura and area state. Events of other players
//! and other state never change the verdict and are dropped. For `data-race`, the packet events
//! of both racing threads' bots are kept too, and the race's first access is shown in its own
//! lane where it happened (the run records the race at the second).

use model::outcome::{Event, Lane};
use model::{Invariant, Violation};
use std::fmt::Write as _;

/// Cuts `trace` to the events that matter for `violation`.
pub fn cut(trace: &[(Lane, Event)], violation: &Violation) -> Vec<(Lane, Event)> {
    let subject = violation.subject;
    let state = violation.invariant.concerns_aura_state();
    let race = violation.race.filter(|_| violation.invariant == Invariant::DataRace);
    let bot_of = |lane: Lane| match lane {
        Lane::Bot { bot, .. } => Some(bot),
        _ => None,
    };
    let racing: Vec<u8> = race.iter().flat_map(|r| [bot_of(r.first.lane), bot_of(r.second.lane)]).flatten().collect();
    let mut out = Vec::new();
    for (i, &(lane, event)) in trace.iter().enumerate() {
        if let Some(r) = race.filter(|r| r.first.seq as usize == i) {
            out.push((r.first.lane, Event::RaceFirstAccess(r)));
        }
        let skeleton = event.subject().is_none() || matches!(event, Event::BotDispatch(_) | Event::BotAi(_));
        let packet = matches!(
            event,
            Event::Received { .. } | Event::Deferred { .. } | Event::Handled { .. } | Event::Rejected { .. }
        );
        let mine = event.subject().is_none() || event.subject() == subject;
        let racer = event.subject().is_some_and(|b| racing.contains(&b));
        let keep = skeleton
            || (mine && (packet || event.is_session_lifecycle() || (state && event.is_state_access())))
            || (racer && packet);
        // A race is shown only in a `data-race` counterexample, and only the one it is about.
        if let Event::DataRace(found) = event {
            if race == Some(found) {
                out.push((lane, event));
                break;
            }
            continue;
        }
        if keep {
            out.push((lane, event));
        }
        if let (Event::Crash { crash: model::Crash::Assert(failure), .. }, Some(a)) = (event, violation.assert) {
            if failure == a && mine {
                break;
            }
        }
    }
    // Drop trailing skeleton events after the last event of the subject: they change nothing.
    while out.last().is_some_and(|(_, e)| e.subject().is_none()) {
        out.pop();
    }
    out
}

/// The lanes of a trace, in order of first appearance (the world thread first).
fn lanes(trace: &[(Lane, Event)]) -> Vec<Lane> {
    let mut lanes = vec![Lane::World];
    for (lane, _) in trace {
        if !lanes.contains(lane) {
            lanes.push(*lane);
        }
    }
    lanes
}

/// Renders a trace as text: one column per thread (as wide as its longest event), one row per
/// event, numbered.
pub fn render_lanes(trace: &[(Lane, Event)]) -> String {
    let lanes = lanes(trace);
    let widths: Vec<usize> = lanes
        .iter()
        .map(|l| {
            let events = trace.iter().filter(|(lane, _)| lane == l).map(|(_, e)| e.to_string().len());
            events.chain([l.to_string().len()]).max().unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    let _ = write!(out, "{:>4} ", "");
    for (lane, w) in lanes.iter().zip(&widths) {
        let _ = write!(out, "| {:<w$} ", lane.to_string(), w = *w);
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out.push('\n');
    for (i, (lane, event)) in trace.iter().enumerate() {
        let col = lanes.iter().position(|l| l == lane).unwrap_or(0);
        let _ = write!(out, "{:>4} ", i + 1);
        for (c, w) in widths.iter().enumerate() {
            let text = if c == col { event.to_string() } else { String::new() };
            let _ = write!(out, "| {:<w$} ", text, w = *w);
        }
        let trimmed = out.trim_end().len();
        out.truncate(trimmed);
        out.push('\n');
    }
    out
}

/// Renders a trace as a Mermaid sequence diagram (each event a note over its thread).
pub fn render_mermaid(trace: &[(Lane, Event)]) -> String {
    let lanes = lanes(trace);
    let id = |l: &Lane| l.to_string().replace('@', "_");
    let mut out = String::from("```mermaid\nsequenceDiagram\n");
    for lane in &lanes {
        let _ = writeln!(out, "    participant {} as {}", id(lane), lane);
    }
    for (lane, event) in trace {
        let text = event.to_string().replace(';', ",").replace('#', "no. ");
        let _ = writeln!(out, "    Note over {}: {}", id(lane), text);
    }
    out.push_str("```\n");
    out
}
