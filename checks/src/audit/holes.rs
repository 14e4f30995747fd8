//! Hole hunting: for a classifier, one small scenario per handler kind it leaves on the bot
//! worker that touches shared state, explored exhaustively by loom, so that every hole is shown
//! with a counterexample or proved harmless up to the bound, not only named by `gaps`.
//!
//! Each scenario pairs a representative opcode of the kind (the first the classifier keeps on
//! the worker, in table order) with what the map thread does to the same player in the next
//! tick: the heartbeat's area update and its `spell_area` autocast of 49416 (the player starts
//! in area 4756, the area update due, with 14078 rewarded so that the row fits; a quest update
//! starts where its handler's gate lets it reach `SendQuestUpdate`'s autocast).
//! World-global kinds pair two bots of one group sending the opcode at once instead. Both
//! dispatch modes run, under every AI placement the policy pairs with
//! ([`AiPlacement::pairs_with`]); the report groups the classifier's opcodes by the scenario that
//! covers them.

use crate::explore::{each_outcome, LoomEngine, Play};
use crate::report::trace;
use model::classifier::Route;
use model::opcodes::{HandlerKind, Opcode, Payload};
use model::player::{PlayerStart, AREA_4755, AREA_4756, QUEST_14078, QUEST_14099, SPELL_49416};
use model::quest::{QuestAction, QuestStatus as Q};
use model::{AiPlacement, Dispatch, Invariant, Outcome, Policy, Scenario, Violation};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::Arc;

/// One (AI placement, dispatch mode) exploration of a hole: the placement and the mode, the
/// schedules, and what it showed.
pub type Explored = (AiPlacement, Dispatch, u64, Option<(Violation, String)>);

/// One handler kind the classifier leaves on the worker, and what exploring it found.
#[derive(Debug)]
pub struct Hole {
    /// The kind.
    pub kind: HandlerKind,
    /// Every opcode of the kind the classifier keeps on the bot worker (handled ones).
    pub opcodes: Vec<Opcode>,
    /// The opcode the scenario sends.
    pub representative: Opcode,
    /// Per AI placement and dispatch mode: schedules explored, and the first violation a complete classifier does
    /// not show on the same scenario, with its cut trace.
    pub results: Vec<Explored>,
}

/// The payload that makes `opcode`'s handler (of `kind`) reach the aura path (49416, area 4756,
/// and for a quest update the quest whose change autocasts: an accept of 14099, which keeps the
/// row fitting, or the reward of 14078, which makes it fit).
fn payload(kind: HandlerKind, opcode: Opcode) -> Payload {
    match kind {
        HandlerKind::Cast | HandlerKind::AuraRemove => Payload { spell: SPELL_49416, ..Payload::default() },
        HandlerKind::Move | HandlerKind::MoveStop => Payload { area: AREA_4756, ..Payload::default() },
        HandlerKind::QuestUpdate => {
            let quest = if QuestAction::of(opcode) == QuestAction::Accept { QUEST_14099 } else { QUEST_14078 };
            Payload { quest, ..Payload::default() }
        }
        _ => Payload::default(),
    }
}

/// The statuses (14078, 14099) the player starts with: 14078 rewarded and 14099 not taken (the
/// row fits), except that the reward, the removal and the offer of 14078 need it complete.
fn quests(kind: HandlerKind, opcode: Opcode) -> (Q, Q) {
    match kind {
        HandlerKind::QuestUpdate if QuestAction::of(opcode) != QuestAction::Accept => (Q::Complete, Q::None),
        _ => (Q::Rewarded, Q::None),
    }
}

/// The scenario for one kind: `opcode` sent for tick 1 by one bot (two for world-global kinds),
/// the map update with the heartbeat on tick 2.
pub fn scenario_for(kind: HandlerKind, opcode: Opcode) -> Scenario {
    let two = kind == HandlerKind::WorldGlobal;
    // The area update is due (the position moved into 4756 since the last one) except for the
    // stop family, which moves there itself.
    let (quest_14078, quest_14099) = quests(kind, opcode);
    let start = PlayerStart {
        map: 0,
        area: if kind == HandlerKind::MoveStop { AREA_4755 } else { AREA_4756 },
        area_update_id: AREA_4755,
        quest_14078,
        quest_14099,
        // The two bots of a world-global hole are the two members of one group (what a leave
        // needs to do anything).
        in_group: two,
    };
    let bots = if two { 2 } else { 1 };
    Scenario {
        name: format!("hole-{}", kind.name()),
        maps: 1,
        players: vec![start; bots],
        traffic: vec![vec![vec![(opcode, payload(kind, opcode))]]; bots],
        ticks: if two { 1 } else { 2 },
        map_update_ticks: if two { vec![] } else { vec![2] },
        heartbeat_ticks: if two { vec![] } else { vec![2] },
        logouts: vec![],
        humans: vec![],
        creatures: vec![],
        respawns: vec![],
        ai: vec![],
    }
}

/// What a violation is, for comparing a classifier with the complete one: the invariant, and
/// the assert line or the kind of race (the field and which threads' reads or writes).
type Key = (Invariant, Option<model::AssertFailure>, Option<model::race::RaceKey>);

/// Every key of an outcome: each broken invariant, each tripped assert, each field raced on.
fn keys(o: &Outcome) -> Vec<Key> {
    let mut out: Vec<Key> = o.judge(false).iter().map(|v| (v.invariant, v.assert, None)).collect();
    out.extend(o.races.iter().map(|r| (Invariant::DataRace, None, Some(r.key()))));
    out
}

/// What [`explore`] returns: the schedule count, every key seen, and the first outcome with a key
/// beyond the reference.
type Seen = (u64, BTreeSet<Key>, Option<(Outcome, Key)>);

/// Explores `scenario` under `policy`, `ai` and `dispatch` with loom at `bound`: the schedule
/// count, every key seen, and the first outcome with a key outside `reference` (and not
/// `placement`, which keeping a handler on the worker implies by itself).
fn explore(
    scenario: &Arc<Scenario>,
    (policy, ai, dispatch): (Policy, AiPlacement, Dispatch),
    bound: usize,
    reference: &BTreeSet<Key>,
) -> Seen {
    let reference = reference.clone();
    let play = Play::new(scenario.clone(), policy, ai, dispatch);
    let start: Seen = (0, BTreeSet::new(), None);
    each_outcome(LoomEngine { bound: Some(bound) }, play, start, move |st, o| {
        st.0 += 1;
        let ks = keys(&o);
        let beyond = ks.iter().find(|k| k.0 != Invariant::Placement && !reference.contains(k)).copied();
        st.1.extend(ks);
        if st.2.is_none() {
            if let Some(k) = beyond {
                st.2 = Some((o, k));
            }
        }
    })
}

/// The first violation of `outcome` that `key` names, with its cut trace.
fn shown(outcome: &Outcome, key: Key) -> (Violation, String) {
    let violations = outcome.check();
    let v = violations
        .iter()
        .find(|v| v.invariant == key.0 && (key.1.is_none() || v.assert == key.1))
        .cloned()
        .unwrap_or_else(|| violations[0].clone());
    let v = match key.2 {
        Some(kind) => {
            let race = outcome.races.iter().find(|r| r.key() == kind).copied();
            Violation { race, message: race.map(|r| r.to_string()).unwrap_or(v.message), ..v }
        }
        None => v,
    };
    let cut = trace::render_lanes(&trace::cut(&outcome.trace, &v));
    (v, cut)
}

/// Hunts the holes of the classifier `seed-deferral` runs (the installed one, or the seed's),
/// exploring each scenario under loom at `bound`.
pub fn hunt(bound: usize) -> Vec<Hole> {
    let classifier = Policy::SEED_DEFERRAL.classifier();
    HandlerKind::ALL
        .into_iter()
        .filter(|k| k.touches_shared_state())
        .filter_map(|kind| {
            let opcodes: Vec<Opcode> =
                kind.opcodes().iter().copied().filter(|&op| classifier.route(op) == Route::BotWorker).collect();
            let representative = *opcodes.first()?;
            let scenario = Arc::new(scenario_for(kind, representative));
            let results = AiPlacement::ALL
                .into_iter()
                .filter(|ai| ai.pairs_with(Policy::SEED_DEFERRAL) && ai.pairs_with(Policy::COMPLETE_DEFERRAL))
                .flat_map(|ai| [Dispatch::FireAndForget, Dispatch::Barrier].map(|d| (ai, d)))
                .filter(|&(ai, d)| ai.pairs(Policy::SEED_DEFERRAL, d) && ai.pairs(Policy::COMPLETE_DEFERRAL, d))
                .map(|(ai, d)| {
                    // What a complete classifier shows on the same scenario is the placement's
                    // and the dispatch's, not the hole's.
                    let complete = (Policy::COMPLETE_DEFERRAL, ai, d);
                    let (_, reference, _) = explore(&scenario, complete, bound, &BTreeSet::new());
                    let (n, _, found) = explore(&scenario, (Policy::SEED_DEFERRAL, ai, d), bound, &reference);
                    (ai, d, n, found.map(|(o, k)| shown(&o, k)))
                })
                .collect();
            Some(Hole { kind, opcodes, representative, results })
        })
        .collect()
}

/// The report: per kind, the scenario, the verdict per AI placement and dispatch mode, the
/// counterexample, and the opcodes it covers.
pub fn render(holes: &[Hole], bound: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Holes of the seed-deferral classifier: one scenario per handler kind it keeps on the bot worker \
         (loom, exhaustive to bound {bound}); a hole is what it breaks beyond a complete, fail-closed classifier \
         on the same scenario (`placement` is implied by the choice itself and not counted)\n"
    );
    for h in holes {
        let _ =
            writeln!(out, "## {} — {} opcode(s), scenario sends {}", h.kind.name(), h.opcodes.len(), h.representative);
        for (ai, d, n, found) in &h.results {
            let at = format!("ai={} / {}", ai.name(), d.name());
            match found {
                None => {
                    let _ = writeln!(
                        out,
                        "- {at}: nothing beyond a complete classifier, up to bound {bound} ({n} schedules)"
                    );
                }
                Some((v, cut)) => {
                    let _ = writeln!(out, "- {at}: **{v}** ({n} schedules)\n\n```\n{cut}```");
                }
            }
        }
        let names: Vec<&str> = h.opcodes.iter().map(|o| o.name()).collect();
        let _ = writeln!(out, "\ncovers: {}\n", names.join(", "));
    }
    out
}
