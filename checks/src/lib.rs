//! Engines and verdicts for the model.
//!
//! - [`engines`]: the loom and shuttle backends of [`model::sync::Backend`];
//! - [`explore`]: runs a (policy, scenario, dispatch) cell under a checker and counts schedules,
//!   keeping the first counterexample of each invariant with a replayable schedule;
//! - [`trace`]: counterexample traces as lanes (text) or a Mermaid sequence diagram.

pub mod bounds;
pub mod compare;
pub mod engines;
pub mod expected;
pub mod explore;
pub mod fuzzing;
pub mod gaps;
pub mod holes;
pub mod report;
pub mod sources;
pub mod trace;
