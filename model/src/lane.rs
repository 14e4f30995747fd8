//! Which thread an event ran on: the [`Lane`] (world thread, a map worker of one tick, a bot
//! worker of one tick) and its [`ThreadKind`]. The trace ([`crate::outcome`]) and the race
//! detector ([`crate::race`]) both name threads by lane; this module depends on neither.

use std::fmt;

/// Which thread an event happened on.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Lane {
    /// The world thread (`World::Update`).
    World,
    /// The map-updater worker running `Map::Update` of `map` in tick `tick`.
    Map {
        /// Map index.
        map: u8,
        /// World tick.
        tick: u32,
    },
    /// The bot thread-pool worker running bot `bot`'s session update of tick `tick`.
    Bot {
        /// Bot index.
        bot: u8,
        /// World tick.
        tick: u32,
    },
}

/// The kind of thread a lane is.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ThreadKind {
    /// The world thread.
    World,
    /// A map-updater worker.
    MapWorker,
    /// A bot thread-pool worker.
    BotWorker,
}

named! {
    impl ThreadKind {
        /// All three, in declaration order.
        const ALL;
        /// Short name.
        fn name;
    }
    World => "world",
    MapWorker => "map worker",
    BotWorker => "bot worker",
}

impl Lane {
    /// The lane's thread kind.
    pub fn kind(self) -> ThreadKind {
        match self {
            Lane::World => ThreadKind::World,
            Lane::Map { .. } => ThreadKind::MapWorker,
            Lane::Bot { .. } => ThreadKind::BotWorker,
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Lane::World => f.write_str("world"),
            Lane::Map { map, tick } => write!(f, "map{map}@t{tick}"),
            Lane::Bot { bot, tick } => write!(f, "bot{bot}@t{tick}"),
        }
    }
}
