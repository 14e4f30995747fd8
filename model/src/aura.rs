//! `AuraApplication::_HandleEffect` (SpellAuras.cpp:159-186), with each read and write of the
//! effect mask a separate access, as the compiled server has them.

use crate::outcome::{Event, Ghost, Lane};
use crate::sync::Backend;
use std::fmt;

/// The server file the asserts live in.
pub const ASSERT_FILE: &str = "SpellAuras.cpp";

/// A tripped server assert: its line and expression.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum AssertFailure {
    /// Line 168: `ASSERT(HasEffect(effIndex) == (!apply))`. On one thread, a second apply of the
    /// same effect fails here.
    HasEffectMismatch,
    /// Line 169: `ASSERT((1<<effIndex) & _effectsToApply)`.
    NotInEffectsToApply,
    /// Line 174: `ASSERT(!(_effectMask & (1<<effIndex)))`. The crash line: only another thread
    /// setting the bit between this thread's reads at 168 and 174 can trip it.
    AlreadyApplied,
    /// Line 180 (remove side): `ASSERT(_effectMask & (1<<effIndex))`.
    NotApplied,
}

impl AssertFailure {
    /// The line in SpellAuras.cpp.
    pub fn line(self) -> u32 {
        match self {
            AssertFailure::HasEffectMismatch => 168,
            AssertFailure::NotInEffectsToApply => 169,
            AssertFailure::AlreadyApplied => 174,
            AssertFailure::NotApplied => 180,
        }
    }
    /// The asserted expression, as in the source.
    pub fn expression(self) -> &'static str {
        match self {
            AssertFailure::HasEffectMismatch => "HasEffect(effIndex) == (!apply)",
            AssertFailure::NotInEffectsToApply => "(1<<effIndex) & _effectsToApply",
            AssertFailure::AlreadyApplied => "!(_effectMask & (1<<effIndex))",
            AssertFailure::NotApplied => "_effectMask & (1<<effIndex)",
        }
    }
}

impl fmt::Display for AssertFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ASSERT({}) failed at {}:{}", self.expression(), ASSERT_FILE, self.line())
    }
}

impl std::error::Error for AssertFailure {}

/// One aura's application on one unit: `_effectMask`, `_effectsToApply`, and the unit modifier
/// its single effect changes (for spell 49416, SPELL_AURA_MOD_INVISIBILITY_DETECT's amount).
pub struct AuraApplication<B: Backend> {
    /// The player (unit) the application is on; for events and ghost counts.
    pub player: u8,
    effect_mask: B::Cell,
    effects_to_apply: B::Cell,
    modifier: B::Cell,
}

impl<B: Backend> AuraApplication<B> {
    /// An empty application (no effect applied, none to apply).
    pub fn new(player: u8) -> Self {
        AuraApplication { player, effect_mask: B::cell(0), effects_to_apply: B::cell(0), modifier: B::cell(0) }
    }

    /// `_effectMask`.
    pub fn effect_mask(&self) -> u32 {
        B::read(&self.effect_mask)
    }
    /// `HasEffect(effIndex)`: one read of `_effectMask`.
    pub fn has_effect(&self, eff: u8) -> bool {
        B::read(&self.effect_mask) & (1 << eff) != 0
    }
    /// `_effectsToApply`.
    pub fn effects_to_apply(&self) -> u32 {
        B::read(&self.effects_to_apply)
    }
    /// Sets `_effectsToApply` (application creation and removal).
    pub fn set_effects_to_apply(&self, mask: u32) {
        B::write(&self.effects_to_apply, mask)
    }
    /// The unit modifier the effect adds to.
    pub fn modifier(&self) -> u32 {
        B::read(&self.modifier)
    }

    /// `AuraApplication::_HandleEffect(effIndex, apply)`. Returns the tripped assert, if any;
    /// the caller stops, as the server would.
    pub fn handle_effect(&self, ghost: &Ghost, lane: Lane, eff: u8, apply: bool) -> Result<(), AssertFailure> {
        let bit = 1u32 << eff;
        let p = self.player;
        // 168: ASSERT(HasEffect(effIndex) == (!apply))
        let mask = B::read(&self.effect_mask);
        ghost.event(lane, Event::EffectRead { player: p, line: 168, mask });
        // HasEffect(effIndex) != !apply, i.e. HasEffect(effIndex) == apply.
        if (mask & bit != 0) == apply {
            return Err(ghost.trip(lane, p, AssertFailure::HasEffectMismatch));
        }
        // 169: ASSERT((1<<effIndex) & _effectsToApply)
        if B::read(&self.effects_to_apply) & bit == 0 {
            return Err(ghost.trip(lane, p, AssertFailure::NotInEffectsToApply));
        }
        if apply {
            // 174: ASSERT(!(_effectMask & (1<<effIndex))), a second read.
            let mask = B::read(&self.effect_mask);
            ghost.event(lane, Event::EffectRead { player: p, line: 174, mask });
            if mask & bit != 0 {
                return Err(ghost.trip(lane, p, AssertFailure::AlreadyApplied));
            }
            // 175: _effectMask |= 1<<effIndex, a plain load and store.
            let mask = B::read(&self.effect_mask);
            B::write(&self.effect_mask, mask | bit);
            ghost.event(lane, Event::EffectStore { player: p, mask: mask | bit });
            // 176: HandleEffect(.., true): the modifier, itself unsynchronized.
            ghost.effect_applied(lane, p);
            let v = B::read(&self.modifier);
            B::write(&self.modifier, v.wrapping_add(1));
            ghost.event(lane, Event::Modifier { player: p, value: v.wrapping_add(1) });
        } else {
            // 180: ASSERT(_effectMask & (1<<effIndex))
            let mask = B::read(&self.effect_mask);
            ghost.event(lane, Event::EffectRead { player: p, line: 180, mask });
            if mask & bit == 0 {
                return Err(ghost.trip(lane, p, AssertFailure::NotApplied));
            }
            let mask = B::read(&self.effect_mask);
            B::write(&self.effect_mask, mask & !bit);
            ghost.event(lane, Event::EffectStore { player: p, mask: mask & !bit });
            ghost.effect_removed(p);
            let v = B::read(&self.modifier);
            B::write(&self.modifier, v.wrapping_sub(1));
            ghost.event(lane, Event::Modifier { player: p, value: v.wrapping_sub(1) });
        }
        Ok(())
    }
}
