//! Where each opcode runs: the seed's `PacketDeferralClassifier` (62 opcodes in 8 sets), a total,
//! fail-closed classifier for complete deferral, and TrinityCore's own processing places.

use crate::opcodes::{HandlerKind, Opcode, Place, SeedCategory, OPCODE_COUNT, SEED_DEFERRED};
use std::collections::HashSet;
use std::hash::BuildHasherDefault;
use std::sync::OnceLock;

// Where a policy used to live: `model::classifier::Policy` still names it.
pub use crate::policy::{ClassifierKind, Guard, Policy};

/// Where a classifier sends an opcode.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Route {
    /// Run at once on the bot worker that reads the session's queue.
    BotWorker,
    /// Queued for, or run by, the world (main) thread.
    MainThread,
    /// Run in `Map::Update` by the worker of the player's map (THREADSAFE).
    MapThread,
    /// Run by whichever of the world and map threads reaches it first (INPLACE).
    EitherThread,
}

named! {
    impl Route {
        /// All four, in declaration order.
        const ALL;
        /// Short name.
        fn name;
    }
    BotWorker => "bot-worker",
    MainThread => "main-thread",
    MapThread => "map-thread",
    EitherThread => "either-thread",
}

/// A classifier: a total function from opcodes to routes, with a reason for every opcode it
/// keeps off the bot worker.
pub trait Classifier: Sync {
    /// Name (the policy's).
    fn name(&self) -> &'static str;
    /// Where `opcode` runs.
    fn route(&self, opcode: Opcode) -> Route;
    /// Why `opcode` is kept off the bot worker; `None` exactly when it runs there.
    fn deferral_reason(&self, opcode: Opcode) -> Option<&'static str>;
    /// The seed's `RequiresMainThread`: true when the opcode does not run on the bot worker.
    fn requires_main_thread(&self, opcode: Opcode) -> bool {
        self.route(opcode) != Route::BotWorker
    }
}

/// The hash of `std::unordered_set<OpcodeClient>` in the seed: libstdc++ and MSVC hash an
/// integral or enum key by its value (MSVC then mixes it with FNV-1a; identity is the cheaper of
/// the two). It is also fixed: lookups never depend on the OS random source.
#[derive(Default, Clone, Copy, Debug)]
pub struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | b as u64;
        }
    }
    fn write_u16(&mut self, v: u16) {
        self.0 = v as u64;
    }
    fn write_isize(&mut self, v: isize) {
        self.0 = v as u64;
    }
    fn write_usize(&mut self, v: usize) {
        self.0 = v as u64;
    }
}

type FixedState = BuildHasherDefault<IdentityHasher>;

/// A user's classifier, when one was installed.
static INSTALLED: OnceLock<SeedClassifier> = OnceLock::new();
/// The seed's own classifier, once something used it.
static BUNDLED: OnceLock<SeedClassifier> = OnceLock::new();

/// The seed's classifier: eight hash sets, looked up in turn (PacketDeferralClassifier.cpp).
pub struct SeedClassifier {
    sets: [(SeedCategory, HashSet<Opcode, FixedState>); 8],
}

/// Counts per category, as the seed's `GetStatistics()`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statistics {
    /// Deferred opcodes per category, in the seed's order.
    pub per_category: Vec<(SeedCategory, usize)>,
    /// All deferred opcodes.
    pub deferred: usize,
    /// Opcodes in the table.
    pub total: usize,
}

/// Shows each category's opcodes in opcode order (the sets' own order is the hasher's).
impl std::fmt::Debug for SeedClassifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut sets = f.debug_map();
        for (category, set) in &self.sets {
            let mut opcodes: Vec<Opcode> = set.iter().copied().collect();
            opcodes.sort_unstable();
            sets.entry(category, &opcodes);
        }
        sets.finish()
    }
}

impl SeedClassifier {
    /// The classifier the `seed-deferral` policies run: the one a user installed (see
    /// [`SeedClassifier::install`]), else the seed's own 62 opcodes (`SEED_DEFERRED`).
    pub fn get() -> &'static SeedClassifier {
        if let Some(installed) = INSTALLED.get() {
            return installed;
        }
        BUNDLED.get_or_init(|| SeedClassifier::from_entries(&SEED_DEFERRED))
    }
    /// A classifier of the seed's shape from its (category, opcode) entries.
    pub fn from_entries(entries: &[(SeedCategory, Opcode)]) -> SeedClassifier {
        SeedClassifier {
            sets: SeedCategory::ALL
                .map(|c| (c, entries.iter().filter(|(cat, _)| *cat == c).map(|&(_, op)| op).collect())),
        }
    }
    /// Makes `classifier` the one every `seed-deferral` policy of this process runs (a user's
    /// `PacketDeferralClassifier.cpp`). It must come before the first [`SeedClassifier::get`]:
    /// `false` when one was installed already, or the seed's was already in use.
    pub fn install(classifier: SeedClassifier) -> bool {
        BUNDLED.get().is_none() && INSTALLED.set(classifier).is_ok()
    }
    /// True when a user's classifier replaced the seed's.
    pub fn installed() -> bool {
        INSTALLED.get().is_some()
    }
    /// The category that defers `opcode`, the first set containing it.
    pub fn category(&self, opcode: Opcode) -> Option<SeedCategory> {
        self.sets.iter().find(|(_, set)| set.contains(&opcode)).map(|(c, _)| *c)
    }
    /// The seed's reason text for a category.
    pub fn reason(category: SeedCategory) -> &'static str {
        match category {
            SeedCategory::Spell => "Spell casting/aura application - Race condition with Map::Update()",
            SeedCategory::Item => "Item usage - Can trigger spells and modify inventory",
            SeedCategory::Resurrection => "Resurrection - Modifies corpse list and player state",
            SeedCategory::Movement => "Movement - Triggers area auras and teleports",
            SeedCategory::Combat => "Combat - Modifies combat state and threat",
            SeedCategory::Quest => "Quest - Triggers rewards and quest auras",
            SeedCategory::Group => "Group - Modifies group composition",
            SeedCategory::Trade => "Trade - Transfers items and gold",
        }
    }
    /// `GetStatistics()`.
    pub fn statistics(&self) -> Statistics {
        let per_category: Vec<_> = self.sets.iter().map(|(c, s)| (*c, s.len())).collect();
        Statistics { deferred: per_category.iter().map(|(_, n)| n).sum(), per_category, total: OPCODE_COUNT }
    }
}

impl Classifier for SeedClassifier {
    fn name(&self) -> &'static str {
        "seed-deferral"
    }
    fn route(&self, opcode: Opcode) -> Route {
        if self.category(opcode).is_some() {
            Route::MainThread
        } else {
            Route::BotWorker
        }
    }
    fn deferral_reason(&self, opcode: Opcode) -> Option<&'static str> {
        self.category(opcode).map(SeedClassifier::reason)
    }
}

/// The total, fail-closed classifier: only handlers shown to touch no shared game state
/// ([`HandlerKind::touches_shared_state`]) stay on the bot worker; everything else, unhandled
/// opcodes included, goes to the main thread. Unknown wire values never reach it: they fail to
/// decode and are dropped with a reason.
#[derive(Debug)]
pub struct CompleteClassifier;

impl Classifier for CompleteClassifier {
    fn name(&self) -> &'static str {
        "complete-deferral"
    }
    fn route(&self, opcode: Opcode) -> Route {
        match opcode.kind() {
            HandlerKind::SessionLocal | HandlerKind::StaticQuery => Route::BotWorker,
            _ => Route::MainThread,
        }
    }
    fn deferral_reason(&self, opcode: Opcode) -> Option<&'static str> {
        match opcode.kind() {
            HandlerKind::SessionLocal | HandlerKind::StaticQuery => None,
            HandlerKind::Unhandled => Some("unhandled opcode: dropped on the main thread"),
            HandlerKind::SharedRead => Some("reads live player or world state that map threads write"),
            HandlerKind::MoveStop => Some("updates the area (UpdateZoneAndAreaId) and so the spell_area autocast"),
            HandlerKind::Move => Some("writes the position that the map thread reads"),
            HandlerKind::Cast => Some("can apply an aura (_HandleEffect) - race with Map::Update()"),
            HandlerKind::AuraRemove => Some("removes an aura (_HandleEffect) - race with Map::Update()"),
            HandlerKind::QuestUpdate => Some("changes the quest log and so the spell_area autocast"),
            HandlerKind::PlayerWrite => Some("writes player state that map threads also write"),
            HandlerKind::WorldGlobal => Some("writes state shared between players (group, trade, mail, guild, chat)"),
        }
    }
}

/// No deferral at all: the seed's rollback switch (`if (false && RequiresMainThread(opcode))`).
#[derive(Debug)]
pub struct NoDeferral;

impl Classifier for NoDeferral {
    fn name(&self) -> &'static str {
        "unsynchronized"
    }
    fn route(&self, _opcode: Opcode) -> Route {
        Route::BotWorker
    }
    fn deferral_reason(&self, _opcode: Opcode) -> Option<&'static str> {
        None
    }
}

/// TrinityCore's own rule (Opcodes.h processing places).
#[derive(Debug)]
pub struct TrinityCoreRouting;

impl Classifier for TrinityCoreRouting {
    fn name(&self) -> &'static str {
        "map-routing"
    }
    fn route(&self, opcode: Opcode) -> Route {
        match opcode.info().place {
            Place::ThreadUnsafe => Route::MainThread,
            Place::ThreadSafe => Route::MapThread,
            Place::Inplace => Route::EitherThread,
        }
    }
    fn deferral_reason(&self, opcode: Opcode) -> Option<&'static str> {
        Some(match opcode.info().place {
            Place::ThreadUnsafe => "PROCESS_THREADUNSAFE: World::UpdateSessions on the world thread",
            Place::ThreadSafe => "PROCESS_THREADSAFE: Map::Update on the worker of the player's map",
            Place::Inplace => "PROCESS_INPLACE: whichever of the world and map threads reaches it first",
        })
    }
}

/// How the bot session manager submits bot updates.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Dispatch {
    /// The version that carries the fix: submitted and not waited for; an update may still run
    /// during the deferred processing and the next tick's map update.
    FireAndForget,
    /// The older version: every bot update is joined before the world tick goes on.
    Barrier,
    /// The later module's bounded wait (PB 6ae9e929 `BotWorldSessionMgr::UpdateSessions`,
    /// `ThreadPool::WaitForCompletion` at aa3e635f): the world thread polls the pool's
    /// completed-task counter (acquire loads against each task's release increment) up to a
    /// timeout, then logs "PROCEEDING to prevent FreezeDetector crash" and goes on while some
    /// updates still run, with `canProcessLogouts = false`. Whether each update finished in time
    /// is a scheduling choice, so both outcomes are explored; a finished update's work happens
    /// before what the world thread does next, a running one's does not.
    BoundedWait,
}

named! {
    impl Dispatch {
        /// All three, in report order.
        const ALL;
        /// Name.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    FireAndForget => "fire-and-forget",
    Barrier => "barrier",
    BoundedWait => "bounded-wait",
}
