//! A minimal, faithful model of the TrinityCore aura race behind
//! `ASSERT(!(_effectMask & (1<<effIndex)))` at SpellAuras.cpp:174 (spell 49416), and of the
//! playerbot packet-deferral fix that is meant to remove it.
//!
//! The model is written once and is generic over its [`sync::Backend`]: std threads here, loom
//! and shuttle in the `checks` crate. A run ([`world::run`]) plays a [`scenario::Scenario`] under
//! a [`policy::Policy`] and a [`classifier::Dispatch`] mode and yields an
//! [`outcome::Outcome`], which [`outcome::Outcome::check`] judges on eight invariants.
//!
//! One run of `quest-reward-49416` on OS threads, under TrinityCore's own routing: the bot's
//! quest reward runs on the player's map worker or the world thread, never on the bot's worker,
//! so every invariant holds whatever the threads' timing.
//!
//! ```
//! use model::outcome::ThreadKind;
//! use model::sync::Std;
//! use model::{AiPlacement, Dispatch, Opcode, Policy, ScenarioName};
//! use std::sync::Arc;
//!
//! let scenario = Arc::new(ScenarioName::QuestReward49416.build());
//! let outcome = model::world::run::<Std>(&scenario, Policy::MAP_ROUTING, AiPlacement::Worker, Dispatch::FireAndForget);
//! assert!(outcome.check().is_empty(), "{:?}", outcome.check());
//! let reward = outcome.runs.iter().find(|r| r.opcode == Opcode::CMSG_QUEST_GIVER_CHOOSE_REWARD).unwrap();
//! assert_ne!(reward.lane.kind(), ThreadKind::BotWorker);
//! ```
//!
//! | module | server part |
//! |---|---|
//! | [`sync`] | the seam: every shared access goes through the backend |
//! | [`field`] | the instrumented field, mutex, spawn and join the model is written in |
//! | [`crash`] | the server's asserts (SpellAuras.cpp, Unit.cpp) and use after free |
//! | [`aura`] | the aura lifecycle: `m_ownedAuras`, `m_appliedAuras`, create, apply, remove, `_HandleEffect` |
//! | [`player`] | `HasAura`, the spellbook, area update, `spell_area` autocast, quest updates, logout cleanup |
//! | [`quest`] | 49416's `spell_area` row, `QuestStatus`, what each quest-update handler does to a status |
//! | [`group`] | the group and `CMSG_LEAVE_GROUP`: `RemoveMember`, the group-buff walk, `Disband` |
//! | [`opcodes`] | the 1,008 client opcodes (generated), packets, wire decoder, handler kinds |
//! | [`classifier`] | the seed's classifier, the complete one, TrinityCore's places; dispatch modes |
//! | [`policy`] | a policy as the product of its knobs: the classifier × the guard |
//! | [`session`] | the bot session: receive queue, deferred queue, update lock, logout request |
//! | [`world`] | the world tick, map updates, the bot session manager and its disconnections, handlers |
//! | [`scenario`] | the seven scenarios (six small enough for loom) |
//! | [`outcome`] | lanes and the trace vocabulary (`lane`), the ghost recorder (`ghost`), the outcome and the eight invariants (`invariants`) |
//! | [`race`] | the happens-before data-race detector: vector clocks, locations, races |
//! | [`named`](mod@named) | the enums' name tables: [`Named`] and the macro that writes `ALL`, `name` and `from_name` |

// First, so that its `named!` macro is in scope in every module below.
#[macro_use]
pub mod named;

pub mod ai;
pub mod aura;
pub mod classifier;
pub mod combat;
pub mod crash;
pub mod creature;
pub mod field;
pub mod group;
pub mod lane;
pub mod opcodes;
pub mod outcome;
pub mod player;
pub mod policy;
pub mod quest;
pub mod race;
pub mod scenario;
pub mod session;
pub mod sync;
pub mod world;

pub use classifier::Dispatch;
pub use crash::{AssertFailure, Crash};
pub use named::Named;
pub use opcodes::{HandlerKind, Opcode, Packet, Payload};
pub use outcome::{Invariant, Outcome, Violation};
pub use policy::{AiPlacement, Policy};
pub use scenario::{Scenario, ScenarioName};
