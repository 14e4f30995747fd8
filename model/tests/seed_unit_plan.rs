//! The seed's own unit-test plan, and the single-thread assert, on the std backend.
//!
//! `cargo test -p model --release --test seed_unit_plan`

use model::aura::UnitAuras;
use model::classifier::{Classifier, SeedClassifier};
use model::opcodes::{Opcode, Payload, SeedCategory};
use model::outcome::{Cx, Event, Ghost, Lane};
use model::session::{BotSession, MAX_DEFERRED_PER_CALL};
use model::sync::Std;
use model::{AssertFailure, Crash};
use std::sync::Arc;

/// On one thread a second apply of the same effect fails at line 168 (`HasEffect` already true),
/// never at 174: line 174 can only trip when another thread sets the bit between the two reads.
#[test]
fn double_apply_on_one_thread_trips_168_not_174() {
    let ghost = Ghost::new(1, 100);
    let auras = UnitAuras::<Std>::new(0, 2, false);
    assert_eq!(auras.spell_hit(Cx::new(&ghost, Lane::World), model::aura::AuraSpell::Invisibility, 0), Ok(()));
    let err = auras.handle_effect(Cx::new(&ghost, Lane::World), 0, 0, true).unwrap_err();
    assert_eq!(err, Crash::Assert(AssertFailure::HasEffectMismatch));
    assert_eq!(AssertFailure::HasEffectMismatch.line(), 168);
    assert_eq!(err.to_string(), "ASSERT(HasEffect(effIndex) == (!apply)) failed at SpellAuras.cpp:168");
    assert_eq!(auras.snapshot(), (true, 1, vec![1]), "the failed apply must not touch the modifier");
}

/// On one thread a second spell hit finds the aura and its application, and the hit's own
/// `HasEffect` pre-check (Spell.cpp:3026-3028) keeps it from applying the effect again.
#[test]
fn a_second_hit_on_one_thread_refreshes_and_applies_nothing() {
    let ghost = Ghost::new(1, 100);
    let auras = UnitAuras::<Std>::new(0, 2, false);
    auras.spell_hit(Cx::new(&ghost, Lane::World), model::aura::AuraSpell::Invisibility, 0).unwrap();
    auras.spell_hit(Cx::new(&ghost, Lane::World), model::aura::AuraSpell::Invisibility, 0).unwrap();
    assert_eq!(auras.snapshot(), (true, 1, vec![1]));
}

/// On one thread, removing an effect that is not applied also fails at line 168; the remove
/// side's own assert (line 180) is, like 174, reachable only through another thread.
#[test]
fn remove_without_apply_trips_168() {
    let ghost = Ghost::new(1, 100);
    let auras = UnitAuras::<Std>::new(0, 2, false);
    auras.spell_hit(Cx::new(&ghost, Lane::World), model::aura::AuraSpell::Invisibility, 0).unwrap();
    assert_eq!(auras.handle_effect(Cx::new(&ghost, Lane::World), 0, 0, false), Ok(()));
    assert_eq!(
        auras.handle_effect(Cx::new(&ghost, Lane::World), 0, 0, false),
        Err(Crash::Assert(AssertFailure::HasEffectMismatch))
    );
}

/// A cast request of a spell the player does not know (49416 is never learned) is dropped by the
/// known-spell check before any aura is touched: no lookup, no aura, no application.
#[test]
fn a_cast_of_an_unknown_spell_touches_no_aura() {
    use model::player::{Player, PlayerStart, AREA_4756, SPELL_49416};
    let ghost = Ghost::new(1, 100);
    let player = Player::<Std>::new(
        0,
        PlayerStart {
            map: 0,
            area: AREA_4756,
            area_update_id: AREA_4756,
            quest_14078: model::quest::QuestStatus::Rewarded,
            quest_14099: model::quest::QuestStatus::None,
            in_group: false,
        },
        2,
        false,
    );
    player.cast_request(Cx::new(&ghost, Lane::World), SPELL_49416).unwrap();
    assert_eq!(player.aura_snapshot(), (false, 0, vec![]));
    let events: Vec<Event> = ghost.events().into_iter().map(|(_, e)| e).collect();
    assert_eq!(events, vec![Event::CastDropped { player: 0, spell: SPELL_49416 }]);
}

/// Classifier accuracy: one opcode of each of the seed's eight categories is deferred, with its
/// category's reason (the seed's test names the spell reason text exactly).
#[test]
fn each_seed_category_is_deferred_with_its_reason() {
    let seed = SeedClassifier::get();
    let cases = [
        (Opcode::CMSG_CAST_SPELL, SeedCategory::Spell),
        (Opcode::CMSG_USE_ITEM, SeedCategory::Item),
        (Opcode::CMSG_RECLAIM_CORPSE, SeedCategory::Resurrection),
        (Opcode::CMSG_AREA_TRIGGER, SeedCategory::Movement),
        (Opcode::CMSG_ATTACK_SWING, SeedCategory::Combat),
        (Opcode::CMSG_QUEST_GIVER_ACCEPT_QUEST, SeedCategory::Quest),
        (Opcode::CMSG_PARTY_INVITE, SeedCategory::Group),
        (Opcode::CMSG_ACCEPT_TRADE, SeedCategory::Trade),
    ];
    for (op, cat) in cases {
        assert!(seed.requires_main_thread(op), "{op} must be deferred");
        assert_eq!(seed.category(op), Some(cat), "{op}");
        assert_eq!(seed.deferral_reason(op), Some(SeedClassifier::reason(cat)), "{op}");
    }
    assert_eq!(
        seed.deferral_reason(Opcode::CMSG_CAST_SPELL),
        Some("Spell casting/aura application - Race condition with Map::Update()")
    );
}

/// Chat is not deferred and has no reason (the seed's `ChatNotDeferred`; CMSG_CHAT_MESSAGE is
/// the CMSG_CHAT_MESSAGE_* family in this opcode table).
#[test]
fn chat_is_not_deferred() {
    let seed = SeedClassifier::get();
    for op in Opcode::all().filter(|o| o.name().starts_with("CMSG_CHAT_MESSAGE_")) {
        assert!(!seed.requires_main_thread(op), "{op}");
        assert_eq!(seed.deferral_reason(op), None, "{op}");
    }
}

/// Ten threads queueing deferred packets at once lose none and duplicate none.
#[test]
fn ten_threads_queueing_deferred_packets_lose_none() {
    let session = Arc::new(BotSession::<Std>::new(0));
    let ghost = Ghost::new(1, 0);
    let handles: Vec<_> = (0..10u32)
        .map(|t| {
            let s = session.clone();
            let g = ghost.clone();
            std::thread::spawn(move || {
                for i in 0..100u32 {
                    let packet =
                        model::Packet { id: t * 100 + i, opcode: Opcode::CMSG_CAST_SPELL, payload: Payload::default() };
                    s.queue_deferred(Cx::new(&g, Lane::Bot { bot: 0, tick: t }), packet);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut seen = Vec::new();
    while let Some(p) = session.next_deferred(Cx::new(&ghost, Lane::World)) {
        seen.push(p.id);
    }
    seen.sort_unstable();
    assert_eq!(seen, (0..1000).collect::<Vec<_>>());
}

/// `ProcessDeferredPackets` runs at most 50 of 100 queued packets per call, in queue order, and
/// leaves the rest queued.
#[test]
fn process_deferred_runs_50_of_100() {
    let session = BotSession::<Std>::new(0);
    let ghost = Ghost::new(1, 0);
    for id in 0..100 {
        session.queue_deferred(
            Cx::new(&ghost, Lane::Bot { bot: 0, tick: 1 }),
            model::Packet { id, opcode: Opcode::CMSG_CAST_SPELL, payload: Payload::default() },
        );
    }
    let mut ran = Vec::new();
    let n = session
        .process_deferred(Cx::new(&ghost, Lane::World), |p| {
            ran.push(p.id);
            Ok(())
        })
        .unwrap();
    assert_eq!(MAX_DEFERRED_PER_CALL, 50);
    assert_eq!(n, 50);
    assert_eq!(ran, (0..50).collect::<Vec<_>>());
    assert!(session.has_deferred(Cx::new(&ghost, Lane::World)));
    assert_eq!(session.queue_lengths(), (0, 50));
}
