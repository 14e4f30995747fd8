//! The player's steps on one thread, against the source lines they stand for.
//!
//! `cargo test -p model --release --test player_steps`

use model::outcome::{Cx, Event, Ghost, Lane};
use model::player::{Player, PlayerStart, AREA_4755, AREA_4756};
use model::quest::QuestStatus;
use model::sync::Std;

fn events(ghost: &Ghost) -> Vec<Event> {
    ghost.events().into_iter().map(|(_, e)| e).collect()
}

/// `UpdateZoneAndAreaId` runs `UpdateArea`, and so the `spell_area` autocast, only when the
/// position's area differs from `m_areaUpdateId` (Player.cpp:6500-6501): a player already
/// processed for area 4756 is not autocast again, even when it fits the row (14078 rewarded); after a move
/// to 4755 and back to 4756 it is.
#[test]
fn the_area_update_autocasts_only_when_the_area_changed() {
    let ghost = Ghost::new(1, 1_000);
    let start = PlayerStart {
        map: 0,
        area: AREA_4756,
        area_update_id: AREA_4756,
        quest_14078: QuestStatus::Rewarded,
        quest_14099: QuestStatus::None,
        in_group: false,
    };
    let player = Player::<Std>::new(0, start, 4, false);
    player.update_zone_and_area(Cx::new(&ghost, Lane::World)).unwrap();
    let autocasts = |g: &Ghost| events(g).iter().filter(|e| matches!(e, Event::Autocast { .. })).count();
    assert_eq!(autocasts(&ghost), 0, "{:?}", events(&ghost));
    assert!(!events(&ghost).iter().any(|e| matches!(e, Event::HasAura { .. })), "no area update ran");
    player.set_position(Cx::new(&ghost, Lane::World), AREA_4755).unwrap();
    player.update_zone_and_area(Cx::new(&ghost, Lane::World)).unwrap();
    player.set_position(Cx::new(&ghost, Lane::World), AREA_4756).unwrap();
    player.update_zone_and_area(Cx::new(&ghost, Lane::World)).unwrap();
    assert_eq!(autocasts(&ghost), 1, "{:?}", events(&ghost));
    assert_eq!(player.aura_snapshot(), (true, 1, vec![1]));
}

fn count(ghost: &Ghost, what: impl Fn(&Event) -> bool) -> usize {
    events(ghost).iter().filter(|e| what(e)).count()
}

/// A player in area 4755 (no area update due), with 14078 rewarded (the row's quest condition
/// met) or not taken.
fn player_in_4755(rewarded: bool) -> Player<Std> {
    let quest_14078 = if rewarded { QuestStatus::Rewarded } else { QuestStatus::None };
    let start = PlayerStart {
        map: 0,
        area: AREA_4755,
        area_update_id: AREA_4755,
        quest_14078,
        quest_14099: QuestStatus::None,
        in_group: false,
    };
    Player::new(0, start, 4, false)
}

/// A step on map 0's map worker in `tick`.
fn map_cx(ghost: &Ghost, tick: u32) -> Cx<'_> {
    Cx::new(ghost, Lane::Map { map: 0, tick })
}

/// An aura another thread created and has not applied yet (`TryRefreshStackOrCreate` done,
/// `EffectApplyAura` not yet) is applied by the owner's next map update by itself, heartbeat or
/// not: `_UpdateSpells` → `UpdateOwner` → `UpdateTargetMap` (SpellAuras.cpp:842-843, 772, 793)
/// creates the application and handles the effect (`HasAura` true, modifier 1, `_effectMask` 1).
/// The next map update does not apply it again: `UpdateTargetMap` set its interval to 500 ms
/// (666) and a map update passes 10 ms; when it runs again, 50 map updates later, it finds the
/// application with the target's mask and does nothing (699-704).
#[test]
fn the_next_map_update_applies_a_created_aura_once() {
    let ghost = Ghost::new(1, 10_000);
    let player = player_in_4755(true);
    let worker = Cx::new(&ghost, Lane::Bot { bot: 0, tick: 1 });
    assert_eq!(
        player.auras.try_refresh_or_create(worker, model::aura::AuraSpell::Invisibility, 0).unwrap(),
        Some((0, false))
    );
    assert_eq!(player.aura_snapshot(), (false, 0, vec![]), "created, not applied");
    let map = |tick| map_cx(&ghost, tick);
    player.update(map(2), false).unwrap();
    assert_eq!(player.aura_snapshot(), (true, 1, vec![1]), "{:?}", events(&ghost));
    let target_maps = |g: &Ghost| count(g, |e| matches!(e, Event::UpdateTargetMap { player: 0, aura: 0 }));
    let applications = |g: &Ghost| count(g, |e| matches!(e, Event::ApplicationCreated { .. }));
    assert_eq!((target_maps(&ghost), applications(&ghost)), (1, 1));
    player.update(map(3), false).unwrap();
    assert_eq!(player.aura_snapshot(), (true, 1, vec![1]));
    assert_eq!((target_maps(&ghost), applications(&ghost)), (1, 1), "the second map update re-ran it");
    for tick in 4..=52 {
        player.update(map(tick), false).unwrap();
    }
    assert_eq!(target_maps(&ghost), 2, "UpdateTargetMap runs again once 500 ms have passed");
    assert_eq!(applications(&ghost), 1);
    assert_eq!(player.aura_snapshot(), (true, 1, vec![1]), "and applies nothing twice");
}

/// A second hit of 49416 finds the aura and refreshes it (`ModStackAmount` → `SetStackAmount` →
/// `ChangeAmount(.., REAPPLY)`, SpellAuras.cpp:1096-1132, SpellAuraEffects.cpp:1094-1135): the
/// re-handle with `AURA_EFFECT_HANDLE_REAPPLY` does not touch the modifier
/// (`HandleModInvisibilityDetect` returns for that mode, 1652-1653) nor the application.
#[test]
fn a_refresh_re_handles_without_changing_the_modifier() {
    let ghost = Ghost::new(1, 1_000);
    let player = player_in_4755(true);
    player.auras.spell_hit(Cx::new(&ghost, Lane::World), model::aura::AuraSpell::Invisibility, 0).unwrap();
    player.auras.spell_hit(Cx::new(&ghost, Lane::World), model::aura::AuraSpell::Invisibility, 0).unwrap();
    assert_eq!(count(&ghost, |e| matches!(e, Event::StackRefresh { player: 0, aura: 0 })), 1);
    let reapplied = count(&ghost, |e| matches!(e, Event::Reapply { player: 0, app: 0, mode: 0 }));
    assert_eq!(reapplied, 1, "ChangeAmount re-handled the applied effect once: {:?}", events(&ghost));
    assert_eq!(count(&ghost, |e| matches!(e, Event::AuraCreated { .. })), 1);
    assert_eq!(player.aura_snapshot(), (true, 1, vec![1]));
}

/// A cast request of a known spell passes the known-spell check and reaches `Spell::prepare`,
/// which adds the spell's
/// `SpellEvent` to the caster's `m_Events` (Spell.cpp:3457-3458); the next map update runs it
/// (`WorldObject::Update` → `m_Events.Update`, Object.cpp:255) and leaves the processor empty. A
/// request of 49416 is dropped at the known-spell check before `prepare`: nothing is added.
#[test]
fn a_known_cast_adds_a_spell_event_the_map_update_runs() {
    let ghost = Ghost::new(1, 1_000);
    let player = player_in_4755(false);
    let worker = Cx::new(&ghost, Lane::Bot { bot: 0, tick: 1 });
    assert_eq!(player.cast_request(worker, model::player::SPELL_49416), Ok(false), "49416 is not known");
    assert_eq!(count(&ghost, |e| matches!(e, Event::SpellEventAdded { .. })), 0, "49416 is dropped before prepare");
    assert_eq!(player.cast_request(worker, model::player::SPELLBOOK[0]), Ok(true), "the spellbook's spell passes");
    // What the cast does next, on the same thread (`Spell::prepare`).
    player.prepare(worker);
    assert_eq!(count(&ghost, |e| matches!(e, Event::SpellEventAdded { player: 0 })), 1);
    let map = |tick| map_cx(&ghost, tick);
    player.update(map(2), false).unwrap();
    player.update(map(3), false).unwrap();
    let ran: Vec<u32> = events(&ghost)
        .iter()
        .filter_map(|e| match e {
            Event::EventsUpdated { player: 0, ran } => Some(*ran),
            _ => None,
        })
        .collect();
    assert_eq!(ran, vec![1, 0], "the first map update runs the event, the second finds none");
}
