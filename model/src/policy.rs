//! A dispatch policy as the product of its knobs: the classifier ([`ClassifierKind`]: where each
//! opcode runs) × the guard ([`Guard`]: the synchronization a candidate fix adds). Every question
//! about a policy's behaviour is an exhaustive `match` on one knob, so a new knob value cannot
//! silently take a default; a new knob is one more field.
//!
//! The nine policies users know are named constants ([`Policy::SEED_DEFERRAL`], …), listed in
//! report order in [`Policy::ALL`]; a policy's name is derived from its knobs
//! (`<classifier>+<guard>`, the unsynchronized classifier and the unguarded guard dropping out).

use crate::classifier::{Classifier, CompleteClassifier, NoDeferral, SeedClassifier, TrinityCoreRouting};
use crate::named::Named;
use std::cmp::Ordering;
use std::sync::OnceLock;

/// The classifier knob: where a policy sends each opcode.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ClassifierKind {
    /// The seed's rollback switch: every handler on the bot worker, nothing deferred.
    Unsynchronized,
    /// The seed's 62-opcode classifier, 50 per session per call, from the world script hook (a
    /// user's classifier file replaces the seed's at run time: [`SeedClassifier::install`]).
    Seed,
    /// The same mechanism with the total, fail-closed classifier.
    Complete,
    /// TrinityCore's own rule: THREADSAFE in the owning map's update, THREADUNSAFE on the world
    /// thread, INPLACE by whichever comes first, head-of-line per session.
    MapRouting,
}

named! {
    impl ClassifierKind {
        /// All four, in report order.
        const ALL;
        /// The name of the policy that runs it unguarded.
        fn name;
    }
    Unsynchronized => "unsynchronized",
    Seed => "seed-deferral",
    Complete => "complete-deferral",
    MapRouting => "map-routing",
}

impl ClassifierKind {
    /// The classifier.
    pub fn classifier(self) -> &'static dyn Classifier {
        match self {
            ClassifierKind::Unsynchronized => &NoDeferral,
            ClassifierKind::Seed => SeedClassifier::get(),
            ClassifierKind::Complete => &CompleteClassifier,
            ClassifierKind::MapRouting => &TrinityCoreRouting,
        }
    }
    /// True when it uses the bot worker and the deferred queue.
    pub fn defers(self) -> bool {
        match self {
            ClassifierKind::Seed | ClassifierKind::Complete => true,
            ClassifierKind::Unsynchronized | ClassifierKind::MapRouting => false,
        }
    }
    /// True when bot sessions are ordinary sessions, their packets run where TrinityCore's
    /// processing places put them (no bot worker).
    pub fn routes_by_map(self) -> bool {
        match self {
            ClassifierKind::MapRouting => true,
            ClassifierKind::Unsynchronized | ClassifierKind::Seed | ClassifierKind::Complete => false,
        }
    }
}

/// The guard knob: the synchronization a candidate fix adds to the classifier's routing.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Guard {
    /// Nothing added.
    Unguarded,
    /// The seed's "future enhancement" (its Known Limitations): a mutex in
    /// `AuraApplication::_HandleEffect`, a core change.
    EffectLock,
    /// The later module's `AuraStateCache`: the bot AI reads aura state from a cache the world
    /// thread fills instead of calling `HasAura` on the worker.
    AuraCache,
    /// A per-player lock taken by the bot worker (packet handling, AI, the manager's reads), the
    /// map update (`Player::Update`) and the world thread (`LogoutPlayer`), a core change.
    PlayerLock,
}

named! {
    impl Guard {
        /// All four, in report order.
        const ALL;
        /// The name it adds to its policy's (after a `+` when there is a classifier).
        fn name;
    }
    Unguarded => "unguarded",
    EffectLock => "effect-lock",
    AuraCache => "aura-cache",
    PlayerLock => "player-lock",
}

impl Guard {
    /// True when `AuraApplication::_HandleEffect` runs under a mutex.
    pub fn effect_lock(self) -> bool {
        match self {
            Guard::EffectLock => true,
            Guard::Unguarded | Guard::AuraCache | Guard::PlayerLock => false,
        }
    }
    /// True when the bot AI reads aura state from the `AuraStateCache`.
    pub fn aura_cache(self) -> bool {
        match self {
            Guard::AuraCache => true,
            Guard::Unguarded | Guard::EffectLock | Guard::PlayerLock => false,
        }
    }
    /// True when a per-player lock guards the player on every thread.
    pub fn player_lock(self) -> bool {
        match self {
            Guard::PlayerLock => true,
            Guard::Unguarded | Guard::EffectLock | Guard::AuraCache => false,
        }
    }
    /// True when it changes TrinityCore itself, not only the module.
    pub fn core_change(self) -> bool {
        match self {
            Guard::EffectLock | Guard::PlayerLock => true,
            Guard::Unguarded | Guard::AuraCache => false,
        }
    }
}

/// Where the bot AI runs (`BotAI::UpdateAI` and what it does), the third axis of a cell beside
/// the packet policy ([`Policy`]) and the dispatch mode: each is a design a bot module ships.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum AiPlacement {
    /// On the bot worker, acting directly: the crash-era module (`BotSession::Update` →
    /// `BotAI::UpdateAI`, its rotation's `SetInCombatWith`/`Attack` and its buffs' `CastSpell`).
    /// Under `map-routing` the bot worker pool is kept for the AI alone.
    Worker,
    /// On the bot worker, deciding only: the later module's actions, queued
    /// (`sBotActionMgr->QueueAction`) and executed on the world thread
    /// (`BotActionManager::ProcessActions`), with the worker's aura reads served by the
    /// `AuraStateCache`.
    ActionQueue,
    /// Inside `Player::Update` on the player's map thread, as mod-playerbots runs its AI
    /// (`PlayerScript::OnPlayerAfterUpdate` → `PlayerbotAI::UpdateAI`, Playerbots.cpp:201-205)
    /// and TrinityCore runs creature AI: no bot worker runs AI. Every action runs there, group
    /// operations included (mod-playerbots before its pull request #1816).
    MapThread,
    /// The map-thread AI with its world-global actions (group operations) queued to the world
    /// thread: mod-playerbots since pull request #1816 ("Add thread safety for group
    /// operations": `PlayerbotWorldThreadProcessor`, drained in `WorldScript::OnUpdate`,
    /// Playerbots.cpp:401-404).
    MapThreadGroupQueue,
}

named! {
    impl AiPlacement {
        /// All four, in report order.
        const ALL;
        /// Name.
        fn name;
        /// Parses a name.
        fn from_name;
    }
    Worker => "worker",
    ActionQueue => "action-queue",
    MapThread => "map-thread",
    MapThreadGroupQueue => "map-thread+group-queue",
}

impl AiPlacement {
    /// True when a cell pairs this placement with `policy`: the bot worker AI with every packet
    /// policy (the module as it runs today, whatever fix its packets get); the action queue with
    /// the unguarded seed (the later module), complete and map-routing classifiers; the
    /// map-thread AI, with or without the group queue, with complete deferral and map routing
    /// (the action queue's worker reads go through the `AuraStateCache` already, and no design
    /// pairs a moved AI with every handler left on the worker or with a core lock).
    pub fn pairs_with(self, policy: Policy) -> bool {
        let unguarded = policy.guard == Guard::Unguarded;
        match self {
            AiPlacement::Worker => true,
            AiPlacement::ActionQueue => unguarded && policy.classifier != ClassifierKind::Unsynchronized,
            AiPlacement::MapThread | AiPlacement::MapThreadGroupQueue => {
                unguarded && matches!(policy.classifier, ClassifierKind::Complete | ClassifierKind::MapRouting)
            }
        }
    }
    /// True when a cell pairs this placement with `policy` and `dispatch`: the worker AI with
    /// every dispatch mode; a moved AI with the dispatch its design ships: the bounded wait for
    /// the later module (the action queue under the seed's classifier), fire-and-forget
    /// otherwise, and the barrier alone where no bot worker runs (map routing with the AI on the
    /// map thread: every dispatch mode gives the same runs).
    pub fn pairs(self, policy: Policy, dispatch: crate::classifier::Dispatch) -> bool {
        use crate::classifier::Dispatch;
        if !self.pairs_with(policy) {
            return false;
        }
        match self {
            AiPlacement::Worker => true,
            _ if self.dispatch_irrelevant(policy) => dispatch == Dispatch::Barrier,
            AiPlacement::ActionQueue if policy.classifier == ClassifierKind::Seed => dispatch == Dispatch::BoundedWait,
            AiPlacement::ActionQueue | AiPlacement::MapThread | AiPlacement::MapThreadGroupQueue => {
                dispatch == Dispatch::FireAndForget
            }
        }
    }
    /// True when the AI runs on a bot worker (deciding, or deciding and acting).
    pub fn on_worker(self) -> bool {
        match self {
            AiPlacement::Worker | AiPlacement::ActionQueue => true,
            AiPlacement::MapThread | AiPlacement::MapThreadGroupQueue => false,
        }
    }
    /// True when the AI runs inside `Player::Update` on the map thread.
    pub fn on_map_thread(self) -> bool {
        !self.on_worker()
    }
    /// True when `action` is queued for the world thread instead of done where the AI runs.
    pub fn queues(self, action: crate::ai::AiAction) -> bool {
        match self {
            AiPlacement::ActionQueue => true,
            AiPlacement::MapThreadGroupQueue => action.is_world_global(),
            AiPlacement::Worker | AiPlacement::MapThread => false,
        }
    }
    /// True when the bot dispatch mode changes nothing for `policy`: no bot worker runs at all
    /// (map routing with the AI on the map thread).
    pub fn dispatch_irrelevant(self, policy: Policy) -> bool {
        policy.routes_by_map() && self.on_map_thread()
    }
}

/// A dispatch policy: a classifier, and for the candidate fixes the synchronization they add.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Policy {
    /// Where each opcode runs.
    pub classifier: ClassifierKind,
    /// What synchronization is added.
    pub guard: Guard,
}

impl Policy {
    /// The policy of these knobs.
    pub const fn of(classifier: ClassifierKind, guard: Guard) -> Policy {
        Policy { classifier, guard }
    }
    /// `unsynchronized`: every handler on the bot worker.
    pub const UNSYNCHRONIZED: Policy = Policy::of(ClassifierKind::Unsynchronized, Guard::Unguarded);
    /// `seed-deferral`: the seed's classifier.
    pub const SEED_DEFERRAL: Policy = Policy::of(ClassifierKind::Seed, Guard::Unguarded);
    /// `complete-deferral`: the total, fail-closed classifier.
    pub const COMPLETE_DEFERRAL: Policy = Policy::of(ClassifierKind::Complete, Guard::Unguarded);
    /// `map-routing`: TrinityCore's own rule.
    pub const MAP_ROUTING: Policy = Policy::of(ClassifierKind::MapRouting, Guard::Unguarded);
    /// `effect-lock`: the `_HandleEffect` mutex with no deferral.
    pub const EFFECT_LOCK: Policy = Policy::of(ClassifierKind::Unsynchronized, Guard::EffectLock);
    /// `seed-deferral+effect-lock`: the seed's classifier and the `_HandleEffect` mutex.
    pub const SEED_EFFECT_LOCK: Policy = Policy::of(ClassifierKind::Seed, Guard::EffectLock);
    /// `complete-deferral+effect-lock`: the complete classifier and the `_HandleEffect` mutex.
    pub const COMPLETE_EFFECT_LOCK: Policy = Policy::of(ClassifierKind::Complete, Guard::EffectLock);
    /// `seed-deferral+aura-cache`: the later module's `AuraStateCache` with the seed's classifier.
    pub const SEED_AURA_CACHE: Policy = Policy::of(ClassifierKind::Seed, Guard::AuraCache);
    /// `player-lock`: a per-player lock on every thread, with no deferral.
    pub const PLAYER_LOCK: Policy = Policy::of(ClassifierKind::Unsynchronized, Guard::PlayerLock);

    /// The nine named policies, in report order: the four classifiers, then the candidate fixes.
    pub const ALL: [Policy; 9] = [
        Policy::UNSYNCHRONIZED,
        Policy::SEED_DEFERRAL,
        Policy::COMPLETE_DEFERRAL,
        Policy::MAP_ROUTING,
        Policy::EFFECT_LOCK,
        Policy::SEED_EFFECT_LOCK,
        Policy::COMPLETE_EFFECT_LOCK,
        Policy::SEED_AURA_CACHE,
        Policy::PLAYER_LOCK,
    ];
    /// The four policies that differ by their classifier alone (unguarded), in report order.
    pub const CLASSIFIERS: [Policy; 4] =
        [Policy::UNSYNCHRONIZED, Policy::SEED_DEFERRAL, Policy::COMPLETE_DEFERRAL, Policy::MAP_ROUTING];

    /// Every combination of the knobs (the named ones and the others), classifier-major.
    pub fn every() -> impl Iterator<Item = Policy> {
        ClassifierKind::ALL.into_iter().flat_map(|c| Guard::ALL.into_iter().map(move |g| Policy::of(c, g)))
    }

    /// The name derived from the knobs: `<classifier>+<guard>`, where the unsynchronized
    /// classifier and the unguarded guard drop out (`seed-deferral`, `effect-lock`,
    /// `seed-deferral+aura-cache`).
    pub fn derived_name(self) -> String {
        match (self.classifier, self.guard) {
            (c, Guard::Unguarded) => c.name().to_string(),
            (ClassifierKind::Unsynchronized, g) => g.name().to_string(),
            (c, g) => format!("{}+{}", c.name(), g.name()),
        }
    }

    /// The policy's name ([`Policy::derived_name`]).
    pub fn name(self) -> &'static str {
        static NAMES: OnceLock<Vec<(Policy, &'static str)>> = OnceLock::new();
        let names = NAMES
            .get_or_init(|| Policy::every().map(|p| (p, &*Box::leak(p.derived_name().into_boxed_str()))).collect());
        names.iter().find(|(p, _)| *p == self).map_or("", |(_, name)| name)
    }
    /// Parses the name of one of the nine ([`Policy::ALL`]).
    pub fn from_name(name: &str) -> Option<Policy> {
        <Policy as Named>::from_name(name)
    }

    /// The policy's classifier.
    pub fn classifier(self) -> &'static dyn Classifier {
        self.classifier.classifier()
    }
    /// True for the policies that use the bot worker and the deferred queue.
    pub fn defers(self) -> bool {
        self.classifier.defers()
    }
    /// True when bot packets run where TrinityCore's processing places put them.
    pub fn routes_by_map(self) -> bool {
        self.classifier.routes_by_map()
    }
    /// True when `AuraApplication::_HandleEffect` runs under a mutex.
    pub fn effect_lock(self) -> bool {
        self.guard.effect_lock()
    }
    /// True when the bot AI reads aura state from the `AuraStateCache`.
    pub fn aura_cache(self) -> bool {
        self.guard.aura_cache()
    }
    /// True when a per-player lock guards the player on every thread.
    pub fn player_lock(self) -> bool {
        self.guard.player_lock()
    }
    /// True when the policy changes TrinityCore itself, not only the module.
    pub fn core_change(self) -> bool {
        self.guard.core_change()
    }

    /// Where it sorts: the named policies in report order, then the others by their knobs.
    fn rank(self) -> (usize, ClassifierKind, Guard) {
        let index = Policy::ALL.iter().position(|p| *p == self).unwrap_or(Policy::ALL.len());
        (index, self.classifier, self.guard)
    }
}

impl Named for Policy {
    const ALL: &'static [Policy] = &Policy::ALL;
    fn name(self) -> &'static str {
        Policy::name(self)
    }
}

/// Report order: [`Policy::ALL`]'s, then the unnamed combinations by their knobs.
impl Ord for Policy {
    fn cmp(&self, other: &Policy) -> Ordering {
        self.rank().cmp(&other.rank())
    }
}

impl PartialOrd for Policy {
    fn partial_cmp(&self, other: &Policy) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The knobs give the nine names users know, in report order, and no two combinations share
    /// a name.
    #[test]
    fn the_names_are_derived_from_the_knobs() {
        let names: Vec<&str> = Policy::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            [
                "unsynchronized",
                "seed-deferral",
                "complete-deferral",
                "map-routing",
                "effect-lock",
                "seed-deferral+effect-lock",
                "complete-deferral+effect-lock",
                "seed-deferral+aura-cache",
                "player-lock",
            ]
        );
        let every: Vec<String> = Policy::every().map(|p| p.derived_name()).collect();
        let distinct: std::collections::BTreeSet<&String> = every.iter().collect();
        assert_eq!(distinct.len(), ClassifierKind::ALL.len() * Guard::ALL.len());
        for p in Policy::every() {
            assert_eq!(p.name(), p.derived_name());
        }
    }

    /// `ALL` sorts first, in its order; `CLASSIFIERS` are the unguarded policies.
    #[test]
    fn report_order_is_all_order() {
        let mut sorted: Vec<Policy> = Policy::every().collect();
        sorted.sort();
        assert_eq!(sorted[..Policy::ALL.len()], Policy::ALL);
        let unguarded: Vec<Policy> = ClassifierKind::ALL.map(|c| Policy::of(c, Guard::Unguarded)).to_vec();
        assert_eq!(Policy::CLASSIFIERS.to_vec(), unguarded);
    }
}
