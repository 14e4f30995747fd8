//! The bot AI's actions, step by step, in runs whose threads never overlap: the AI inside the
//! map update under map routing (one map thread, joined each tick), so each run has one order.

use model::ai::AiAction;
use model::aura::SPELL_PARTY_BUFF;
use model::creature::CREATURE_BASE;
use model::outcome::{Event, Lane};
use model::sync::Std;
use model::world::run;
use model::{AiPlacement, Dispatch, Outcome, Policy, Scenario, ScenarioName};
use std::sync::Arc;

fn play(scenario: Scenario) -> Outcome {
    run::<Std>(&Arc::new(scenario), Policy::MAP_ROUTING, AiPlacement::MapThread, Dispatch::Barrier)
}

fn events(o: &Outcome) -> Vec<Event> {
    o.trace.iter().map(|e| e.1).collect()
}

/// The upkeep checks `HasAura(6673)` first and casts only when it is missing
/// (BaselineRotationManager.cpp:527-529): in `party-buff` (the map updating once, in tick 2) the
/// AI's one run casts once, and the hit creates one aura on the bot and one on the human group
/// member (the raid target check, Spell.cpp:9460-9469), each owned by the player it lands on.
/// The map update of the same tick applies them; nothing is left half applied.
/// The map-thread AI runs in tick 2's map update (the only one): the upkeep is scripted there.
fn buff_in_tick_2() -> Scenario {
    Scenario { ai: vec![vec![vec![], vec![AiAction::KeepBuff]], vec![]], ..ScenarioName::PartyBuff.build() }
}

#[test]
fn the_buff_upkeep_casts_once_and_lands_on_every_member_on_the_map() {
    let o = play(buff_in_tick_2());
    let e = events(&o);
    let checks: Vec<bool> = e
        .iter()
        .filter_map(|e| match *e {
            Event::HasAura { player: 0, spell: SPELL_PARTY_BUFF, present } => Some(present),
            _ => None,
        })
        .collect();
    assert_eq!(checks, vec![false], "the map-thread AI runs once (tick 2's map update) and finds no buff");
    let created: Vec<u8> = e
        .iter()
        .filter_map(|e| match *e {
            Event::AuraCreated { player, .. } => Some(player),
            _ => None,
        })
        .collect();
    assert_eq!(created, vec![0, 1], "one aura on the bot, one on the member: {e:?}");
    assert!(o.check().is_empty(), "{:?}", o.check());
    assert!(o.players.iter().all(|p| p.modifier == 1), "each player's buff effect applied once: {:?}", o.players);
}

/// Without a group the raid target check finds the caster alone: the member gets nothing.
#[test]
fn the_buff_of_a_bot_without_a_group_lands_on_itself_only() {
    let mut s = buff_in_tick_2();
    for p in &mut s.players {
        p.in_group = false;
    }
    let o = play(s);
    let created = events(&o).iter().filter(|e| matches!(e, Event::AuraCreated { .. })).count();
    assert_eq!(created, 1);
    assert_eq!(o.players[1].modifier, 0, "the human player is not in the bot's raid");
}

/// The bot's attack puts both units in combat and makes the bot the creature's attacker
/// (CombatManager.cpp:245-246, Unit.cpp:6050-6051); the creature's own update
/// (`CreatureAI::UpdateVictim`, CreatureAI.cpp:261-263) attacks back its first combat reference,
/// on the map thread. With the AI inside `Player::Update`, that update is the visit of the cells
/// near the player right after it (Map.cpp:724-726): the same map update.
#[test]
fn the_creature_answers_the_attack_in_the_same_map_update() {
    let s = Scenario {
        ticks: 2,
        map_update_ticks: vec![1, 2],
        ai: vec![vec![vec![AiAction::Attack { creature: 0 }], vec![]], vec![vec![], vec![]]],
        ..ScenarioName::AttackCreature.build()
    };
    let o = play(s);
    let e: Vec<(Lane, Event)> = o.trace.clone();
    let c0 = CREATURE_BASE;
    let bot_attack = e.iter().position(|x| matches!(x.1, Event::Attack { unit: 0, victim } if victim == c0));
    let answer = e.iter().position(|x| matches!(x.1, Event::Attack { unit, victim: 0 } if unit == c0));
    let (Some(a), Some(b)) = (bot_attack, answer) else { panic!("both attacks happen: {e:?}") };
    assert!(a < b, "the creature answers after the bot attacked");
    assert!(matches!(e[b].0, Lane::Map { map: 0, tick: 1 }), "on the map thread, in the same map update: {:?}", e[b]);
    assert!(
        matches!(e[a].0, Lane::Map { map: 0, tick: 1 }),
        "the map-thread AI attacks from the map thread: {:?}",
        e[a]
    );
    let with: Vec<(u8, u8)> = e
        .iter()
        .filter_map(|x| match x.1 {
            Event::CombatWith { unit, other } => Some((unit, other)),
            _ => None,
        })
        .collect();
    assert_eq!(with, vec![(0, c0), (c0, 0)], "one combat reference each way, not two: {with:?}");
}

/// A creature due back in tick 2 is not in `_objectsStore` before that tick's map update: the
/// tick-1 lookup finds nothing (`ObjectAccessor::GetCreature` returns null and the rotation does
/// nothing); `ProcessRespawns` adds it (Map.cpp:696-698), and the tick-2 lookup finds it.
#[test]
fn the_lookup_finds_the_creature_only_after_its_respawn() {
    let attack = vec![AiAction::Attack { creature: 0 }];
    let s = Scenario {
        players: vec![ScenarioName::AttackCreature.build().players[0]],
        traffic: vec![vec![]],
        ticks: 2,
        map_update_ticks: vec![1, 2],
        respawns: vec![(2, 0)],
        ai: vec![vec![attack.clone(), attack]],
        ..ScenarioName::AttackCreature.build()
    };
    let o = play(s);
    let found: Vec<bool> = events(&o)
        .iter()
        .filter_map(|e| match *e {
            Event::TargetLookup { found, .. } => Some(found),
            _ => None,
        })
        .collect();
    assert_eq!(found, vec![false, true]);
}
