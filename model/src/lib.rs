//! A minimal, faithful model of the TrinityCore aura race behind
//! `ASSERT(!(_effectMask & (1<<effIndex)))` at SpellAuras.cpp:174 (spell 49416), and of the
//! playerbot packet-deferral fix that is meant to remove it.
//!
//! The model is written once and is generic over its [`sync::Backend`]: std threads here, loom
//! and shuttle in the `checks` crate. A run ([`world::run`]) plays a [`scenario::Scenario`] under
//! a [`classifier::Policy`] and a [`classifier::Dispatch`] mode and yields an
//! [`outcome::Outcome`], which [`outcome::Outcome::check`] judges on five invariants.
//!
//! | module | server part |
//! |---|---|
//! | [`sync`] | the seam: every shared access goes through the backend |
//! | [`aura`] | `AuraApplication::_HandleEffect` and its asserts (168, 169, 174, 180) |
//! | [`player`] | `HasAura`, triggered casts, area update, `spell_area` autocast, quests |
//! | [`opcodes`] | the 1,008 client opcodes (generated), packets, wire decoder, handler kinds |
//! | [`classifier`] | the seed's classifier, the complete one, TrinityCore's places; policies |
//! | [`session`] | the bot session: receive queue, deferred queue, logout |
//! | [`world`] | the world tick, map updates, bot session manager, handlers |
//! | [`scenario`] | the five scenarios |
//! | [`outcome`] | ghost state, the trace, the five invariants |

#![warn(missing_docs)]

pub mod aura;
pub mod classifier;
pub mod opcodes;
pub mod outcome;
pub mod player;
pub mod scenario;
pub mod session;
pub mod sync;
pub mod world;

pub use aura::AssertFailure;
pub use classifier::{Dispatch, Policy};
pub use opcodes::{HandlerKind, Opcode, Packet, Payload};
pub use outcome::{Invariant, Outcome, Violation};
pub use scenario::{Scenario, ScenarioName};
