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
