//! The aura lifecycle under loom: two threads casting 49416 on one player at once, the way the
//! bot worker's autocast and the map heartbeat's do.
//!
//! `cargo test -p checks --release --test aura_lifecycle_loom` (every schedule of two casts at
//! preemption bound 3: well under a second).

use checks::explore::Loom;
use model::aura::UnitAuras;
use model::outcome::{Cx, Event, Ghost, Integrity, Lane};
use model::{AssertFailure, Crash};
use std::sync::{Arc, Mutex};

/// What each schedule of two concurrent spell hits did.
#[derive(Default)]
struct Seen {
    schedules: usize,
    both_created: usize,
    two_applications_broken: usize,
    two_auras_applied: usize,
    crash_174_after_two_creates: usize,
}

/// When both threads miss the lookup of `TryRefreshStackOrCreate`, each creates its own aura,
/// with its own application and `_effectMask`: they never share a mask, so line 174 cannot trip
/// in any such schedule. What they produce instead is an `aura-integrity` break: schedules exist
/// in which both applications are created and both auras of 49416 end up applied at once.
/// (Where one thread's no-stack removal runs cleanly after the other's create, it replaces the
/// first aura, as the server means it to.) Checked over every schedule loom explores.
#[test]
fn two_creates_make_two_applications_and_never_trip_174() {
    let seen = Arc::new(Mutex::new(Seen::default()));
    let s = seen.clone();
    checks::explore::run_loom(Some(3), move || {
        let ghost = Ghost::new(1, 1_000);
        let auras = Arc::new(UnitAuras::<Loom>::new(0, 4, false));
        let (a, g) = (auras.clone(), ghost.clone());
        let other = loom::thread::spawn(move || {
            a.spell_hit(Cx::new(&g, Lane::Map { map: 0, tick: 1 }), model::aura::AuraSpell::Invisibility, 0)
        });
        let mine =
            auras.spell_hit(Cx::new(&ghost, Lane::Bot { bot: 0, tick: 1 }), model::aura::AuraSpell::Invisibility, 0);
        let theirs = other.join().unwrap();
        let events = ghost.events();
        let creates = events.iter().filter(|(_, e)| matches!(e, Event::AuraCreated { .. })).count();
        let apps = events.iter().filter(|(_, e)| matches!(e, Event::ApplicationCreated { .. })).count();
        let any_integrity = events.iter().any(|(_, e)| matches!(e, Event::Integrity { .. }));
        let two_auras =
            events.iter().any(|(_, e)| matches!(e, Event::Integrity { what: Integrity::TwoAuras { .. }, .. }));
        let tripped_174 = [mine, theirs].contains(&Err(Crash::Assert(AssertFailure::AlreadyApplied)));
        let mut s = s.lock().unwrap();
        s.schedules += 1;
        if creates == 2 {
            s.both_created += 1;
            s.two_applications_broken += (apps == 2 && any_integrity) as usize;
            s.two_auras_applied += two_auras as usize;
            s.crash_174_after_two_creates += tripped_174 as usize;
        }
    });
    let s = seen.lock().unwrap();
    assert!(s.schedules > 10, "only {} schedules", s.schedules);
    assert!(s.both_created > 0, "no schedule where both threads missed the lookup");
    assert!(s.two_applications_broken > 0, "two creates never made two applications and an aura-integrity break");
    assert!(s.two_auras_applied > 0, "two creates never showed two auras applied at once");
    assert_eq!(s.crash_174_after_two_creates, 0, "two creates tripped SpellAuras.cpp:174");
}
