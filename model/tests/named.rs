//! The enums' name tables (`named!`): for each, the trait's `ALL` is the inherent one, in
//! declaration order (the derived `Ord`'s: one order per enum), every value is listed once,
//! names are unique and non-empty, and `from_name` is the exact inverse of `name` (no trimming,
//! no case folding).
//!
//! `cargo test -p model --release --test named`

use model::classifier::Route;
use model::opcodes::{HandlerKind, Place, SeedCategory, Status};
use model::outcome::{Container, ThreadKind};
use model::race::{Kind, Site};
use model::{Dispatch, Invariant, Named, Policy, ScenarioName};
use std::collections::BTreeSet;
use std::fmt::Debug;

fn table<T: Named + Debug + Ord>(inherent: &[T]) {
    let what = std::any::type_name::<T>();
    assert_eq!(T::ALL, inherent, "{what}: the trait's ALL is the inherent ALL");
    let mut sorted = T::ALL.to_vec();
    sorted.sort();
    assert_eq!(T::ALL, sorted, "{what}: ALL is not in declaration (derived Ord) order");
    let values: BTreeSet<T> = T::ALL.iter().copied().collect();
    assert_eq!(values.len(), T::ALL.len(), "{what}: a value listed twice");
    let names: BTreeSet<&str> = T::ALL.iter().map(|v| v.name()).collect();
    assert_eq!(names.len(), T::ALL.len(), "{what}: two values share a name");
    for &v in T::ALL {
        let name = v.name();
        assert!(!name.is_empty(), "{what}: {v:?} has no name");
        assert_eq!(T::from_name(name), Some(v), "{what}: {name}");
        assert_eq!(T::from_name(&format!(" {name}")), None, "{what}: {name} with a space");
        let upper = name.to_uppercase();
        if upper != name {
            assert_eq!(T::from_name(&upper), None, "{what}: {name} in upper case");
        }
    }
    assert_eq!(T::from_name(""), None, "{what}");
    assert_eq!(T::from_name("no-such-name"), None, "{what}");
}

#[test]
fn every_name_table_is_a_bijection_in_all_order() {
    table(&Policy::ALL);
    table(&Dispatch::ALL);
    table(&Route::ALL);
    table(&ScenarioName::ALL);
    table(&Invariant::ALL);
    table(&ThreadKind::ALL);
    table(&Container::ALL);
    table(&Status::ALL);
    table(&Place::ALL);
    table(&SeedCategory::ALL);
    table(&HandlerKind::ALL);
    table(&Site::ALL);
    table(&Kind::ALL);
}

#[test]
fn the_inherent_from_name_is_the_traits() {
    for p in Policy::ALL {
        assert_eq!(Policy::from_name(p.name()), Some(p));
    }
    for d in Dispatch::ALL {
        assert_eq!(Dispatch::from_name(d.name()), Some(d));
    }
    for s in ScenarioName::ALL {
        assert_eq!(ScenarioName::from_name(s.name()), Some(s));
    }
    for i in Invariant::ALL {
        assert_eq!(Invariant::from_name(i.name()), Some(i));
    }
    assert_eq!(Policy::from_name("Unsynchronized"), None);
    assert_eq!(ScenarioName::from_name("crash-49416 "), None);
}

/// Names with another method: TrinityCore's own.
#[test]
fn tc_names_are_the_named_names() {
    assert_eq!(<Status as Named>::name(Status::LoggedIn), "STATUS_LOGGEDIN");
    assert_eq!(<Place as Named>::from_name("PROCESS_THREADSAFE"), Some(Place::ThreadSafe));
}

/// Every opcode is in exactly one kind's list, in table order.
#[test]
fn the_opcodes_of_each_kind_partition_the_table() {
    let mut seen = 0;
    for kind in HandlerKind::ALL {
        let of_kind = kind.opcodes();
        assert!(of_kind.iter().all(|o| o.kind() == kind), "{}", kind.name());
        assert!(of_kind.windows(2).all(|w| w[0] < w[1]), "{}: not in table order", kind.name());
        seen += of_kind.len();
    }
    assert_eq!(seen, model::opcodes::OPCODE_COUNT);
}
