//! What stops the server: a tripped `ASSERT`/`ABORT` of the aura code, or a thread touching a
//! player that `LogoutPlayer` has already freed, or a group that `Group::Disband` has deleted.
//!
//! Source lines are those of the TrinityCore master tree the opcode table comes from (see
//! `FIDELITY.md`): `SpellAuras.cpp` and `Unit.cpp` under `src/server/game/`.

use std::fmt;

/// A tripped server assert (or `ABORT`): its file, line and expression.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum AssertFailure {
    /// SpellAuras.cpp:168, `_HandleEffect`: `ASSERT(HasEffect(effIndex) == (!apply))`. On one
    /// thread a second apply of the same effect fails here.
    HasEffectMismatch,
    /// SpellAuras.cpp:169, `_HandleEffect`: `ASSERT((1<<effIndex) & _effectsToApply)`.
    NotInEffectsToApply,
    /// SpellAuras.cpp:174, `_HandleEffect` (apply): `ASSERT(!(_effectMask & (1<<effIndex)))`.
    /// The crash line: only another thread setting the bit between this thread's reads at 168
    /// and 174 can trip it.
    AlreadyApplied,
    /// SpellAuras.cpp:180, `_HandleEffect` (remove): `ASSERT(_effectMask & (1<<effIndex))`.
    NotApplied,
    /// SpellAuras.cpp:641, `Aura::_Remove`: `ASSERT(!m_isRemoved)`.
    AuraRemovedTwice,
    /// Unit.cpp:3602, `_CreateAuraApplication`: the aura must not be applied on the target yet.
    AppliedOnTargetTwice,
    /// Unit.cpp:3705, `_UnapplyAura`: `ASSERT(!aurApp->GetRemoveMode())`.
    UnapplyingRemovedApplication,
    /// Unit.cpp:3757, `_UnapplyAura`: `ASSERT(!aurApp->GetEffectMask())` after unapplying.
    EffectLeftAfterUnapply,
    /// Unit.cpp:3796, `_UnapplyAura(AuraApplication*)`: the aura's application of the target
    /// must be this one.
    ForeignApplication,
    /// Unit.cpp:3811, `_UnapplyAura(AuraApplication*)`: `ABORT()` when the application is not in
    /// `m_appliedAuras`.
    ApplicationNotInList,
    /// Unit.cpp:3853, `RemoveOwnedAura`: `ASSERT(!aura->IsRemoved())`.
    OwnedAuraRemovedTwice,
}

impl AssertFailure {
    /// Every assert the model keeps, in source order.
    pub const ALL: [AssertFailure; 11] = [
        AssertFailure::HasEffectMismatch,
        AssertFailure::NotInEffectsToApply,
        AssertFailure::AlreadyApplied,
        AssertFailure::NotApplied,
        AssertFailure::AuraRemovedTwice,
        AssertFailure::AppliedOnTargetTwice,
        AssertFailure::UnapplyingRemovedApplication,
        AssertFailure::EffectLeftAfterUnapply,
        AssertFailure::ForeignApplication,
        AssertFailure::ApplicationNotInList,
        AssertFailure::OwnedAuraRemovedTwice,
    ];
    /// The server file.
    pub fn file(self) -> &'static str {
        match self {
            AssertFailure::HasEffectMismatch
            | AssertFailure::NotInEffectsToApply
            | AssertFailure::AlreadyApplied
            | AssertFailure::NotApplied
            | AssertFailure::AuraRemovedTwice => "SpellAuras.cpp",
            _ => "Unit.cpp",
        }
    }
    /// The line in [`AssertFailure::file`].
    pub fn line(self) -> u32 {
        match self {
            AssertFailure::HasEffectMismatch => 168,
            AssertFailure::NotInEffectsToApply => 169,
            AssertFailure::AlreadyApplied => 174,
            AssertFailure::NotApplied => 180,
            AssertFailure::AuraRemovedTwice => 641,
            AssertFailure::AppliedOnTargetTwice => 3602,
            AssertFailure::UnapplyingRemovedApplication => 3705,
            AssertFailure::EffectLeftAfterUnapply => 3757,
            AssertFailure::ForeignApplication => 3796,
            AssertFailure::ApplicationNotInList => 3811,
            AssertFailure::OwnedAuraRemovedTwice => 3853,
        }
    }
    /// `file:line`, e.g. `SpellAuras.cpp:174`.
    pub fn location(self) -> String {
        format!("{}:{}", self.file(), self.line())
    }
    /// The asserted expression, as in the source.
    pub fn expression(self) -> &'static str {
        match self {
            AssertFailure::HasEffectMismatch => "ASSERT(HasEffect(effIndex) == (!apply))",
            AssertFailure::NotInEffectsToApply => "ASSERT((1<<effIndex) & _effectsToApply)",
            AssertFailure::AlreadyApplied => "ASSERT(!(_effectMask & (1<<effIndex)))",
            AssertFailure::NotApplied => "ASSERT(_effectMask & (1<<effIndex))",
            AssertFailure::AuraRemovedTwice => "ASSERT(!m_isRemoved)",
            AssertFailure::AppliedOnTargetTwice => "ASSERT(!aura->IsAppliedOnTarget(GetGUID()))",
            AssertFailure::UnapplyingRemovedApplication => "ASSERT(!aurApp->GetRemoveMode())",
            AssertFailure::EffectLeftAfterUnapply => "ASSERT(!aurApp->GetEffectMask())",
            AssertFailure::ForeignApplication => {
                "ASSERT(aurApp->GetBase()->GetApplicationOfTarget(GetGUID()) == aurApp)"
            }
            AssertFailure::ApplicationNotInList => "ABORT()",
            AssertFailure::OwnedAuraRemovedTwice => "ASSERT(!aura->IsRemoved())",
        }
    }
}

impl fmt::Display for AssertFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed at {}:{}", self.expression(), self.file(), self.line())
    }
}

impl std::error::Error for AssertFailure {}

/// Why a thread of the server stopped: the model stops the thread, as the crash would.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Crash {
    /// A server assert tripped.
    Assert(AssertFailure),
    /// A thread touched player `player` after `LogoutPlayer` deleted it
    /// (`Map::RemovePlayerFromMap(_player, true)`, WorldSession.cpp:727-728).
    UseAfterFree {
        /// The player.
        player: u8,
    },
    /// A thread running player `player`'s leave touched the group after another leave's
    /// `Group::Disband` deleted it (`delete this`, Group.cpp:799).
    GroupUseAfterFree {
        /// The leaving player whose thread touched the group.
        player: u8,
    },
}

impl Crash {
    /// True for a touch of freed memory: a deleted player or a deleted group.
    pub fn is_use_after_free(self) -> bool {
        matches!(self, Crash::UseAfterFree { .. } | Crash::GroupUseAfterFree { .. })
    }
}

impl From<AssertFailure> for Crash {
    fn from(a: AssertFailure) -> Self {
        Crash::Assert(a)
    }
}

impl fmt::Display for Crash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Crash::Assert(a) => a.fmt(f),
            Crash::UseAfterFree { player } => write!(f, "p{player} used after LogoutPlayer freed it"),
            Crash::GroupUseAfterFree { player } => {
                write!(f, "the group used by p{player}'s leave after Group::Disband deleted it")
            }
        }
    }
}

/// What a server step returns: `Err` when the thread stopped.
pub type Step<T = ()> = Result<T, Crash>;
