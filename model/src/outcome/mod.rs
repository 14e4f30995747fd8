//! Ghost state, the event trace, and the eight invariants a run is judged on.
//!
//! Ghost state is what the server does not have and the checkers need: which packet ran where,
//! how many times an effect was really applied, what tripped. It lives behind a `std` mutex that
//! no engine sees (see [`crate::sync`]), so recording adds no scheduling point, and it counts
//! effect applications itself instead of inferring them from the modelled fields, which a lost
//! update can hide.
//!
//! | file | what it holds |
//! |---|---|
//! | `lane.rs` | the trace vocabulary: [`Event`], why a packet was dropped ([`Reject`]) or its session disconnected ([`Refusal`]), [`Integrity`], [`PacketLog`], [`Run`] |
//! | `cx.rs` | [`Cx`], the context a step runs in: the ghost recorder and the lane |
//! | `ghost.rs` | the ghost recorder ([`Ghost`]) every thread of a run writes to, and the [`Outcome`] it is taken into |
//! | `invariants.rs` | [`Outcome`], [`PlayerEnd`], the eight [`Invariant`]s and the [`Violation`]s [`Outcome::check`] finds, one function per invariant |

mod cx;
mod ghost;
mod invariants;
mod lane;

pub use crate::lane::{Lane, ThreadKind};
pub use cx::Cx;
pub use ghost::Ghost;
pub use invariants::{Invariant, Outcome, PlayerEnd, Violation};
pub use lane::{Container, Event, Integrity, PacketLog, Refusal, Reject, Run};
