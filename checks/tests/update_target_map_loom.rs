//! The map thread applies a worker-created aura by itself: every map update runs
//! `Player::Update` → `Unit::_UpdateSpells` → `Aura::UpdateOwner` → `Aura::UpdateTargetMap`
//! (SpellAuras.cpp:842-843), which creates the owner's application (772) and applies it (793).
//! That races the worker's own `EffectApplyAura` and `DoDamageAndTriggers` on the same aura, with
//! no heartbeat, no area change and no second autocast on the map thread.
//!
//! `cargo test -p checks --release --test update_target_map_loom` (loom at preemption bound 2 on
//! a four-thread scenario: a few seconds).

use checks::explore::{each_outcome, LoomEngine, Play};
use model::outcome::{Event, Lane};
use model::{AssertFailure, Crash, Dispatch, Policy, Scenario, ScenarioName};

/// `move-stop-49416` with no heartbeat due: the bot's CMSG_MOVE_STOP into area 4756 runs the
/// area update and the autocast on its worker (tick 1, fire-and-forget); the map update of tick 2
/// runs `Player::Update` without a heartbeat, so nothing on the map thread changes the area or
/// casts.
fn move_stop_without_heartbeat() -> Scenario {
    Scenario { heartbeat_ticks: vec![], ..ScenarioName::MoveStop49416.build() }
}

#[derive(Default, Debug)]
struct Seen {
    schedules: usize,
    tripped_174: usize,
    tripped_3602: usize,
}

/// Invariant checked: with no heartbeat due, the map thread never runs `Player::Heartbeat` or the
/// area update, in any schedule; yet loom at bound 2 finds schedules in which the server trips
/// SpellAuras.cpp:174 and schedules in which it trips Unit.cpp:3602, and in every schedule that
/// trips one of them the map lane ran `UpdateTargetMap` of the aura the worker created.
#[test]
fn update_target_map_alone_races_the_workers_autocast_into_174_and_3602() {
    let play = Play::new(
        move_stop_without_heartbeat(),
        Policy::UNSYNCHRONIZED,
        model::AiPlacement::Worker,
        Dispatch::FireAndForget,
    );
    let seen = each_outcome(LoomEngine { bound: Some(2) }, play, Seen::default(), |seen, outcome| {
        seen.schedules += 1;
        let on_map = |e: &Event| outcome.trace.iter().any(|(l, x)| matches!(l, Lane::Map { .. }) && x == e);
        assert!(
            !outcome.trace.iter().any(|(l, e)| matches!(l, Lane::Map { .. })
                && matches!(e, Event::Heartbeat { .. } | Event::AreaRead { .. } | Event::Autocast { .. })),
            "the map thread ran a heartbeat, an area update or an autocast: {:?}",
            outcome.trace
        );
        for (_, _, crash) in &outcome.crashes {
            let line = match crash {
                Crash::Assert(AssertFailure::AlreadyApplied) => &mut seen.tripped_174,
                Crash::Assert(AssertFailure::AppliedOnTargetTwice) => &mut seen.tripped_3602,
                _ => continue,
            };
            *line += 1;
            assert!(
                on_map(&Event::UpdateTargetMap { player: 0, aura: 0 }),
                "{crash} without the map lane's UpdateTargetMap: {:?}",
                outcome.trace
            );
        }
    });
    assert!(seen.schedules > 10, "{seen:?}");
    assert!(seen.tripped_174 > 0, "no schedule trips SpellAuras.cpp:174 through UpdateTargetMap: {seen:?}");
    assert!(seen.tripped_3602 > 0, "no schedule trips Unit.cpp:3602 through UpdateTargetMap: {seen:?}");
}
