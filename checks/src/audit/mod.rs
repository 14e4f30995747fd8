//! Audits of a classifier and of the fixes, beyond the matrix:
//!
//! | file | question |
//! |---|---|
//! | [`gaps`] | what does the classifier leave on the bot worker, against TrinityCore's places? |
//! | [`gate`] | does the user's classifier break what a complete one keeps? which results differ from their pinned truth? |
//! | [`holes`] | does each handler kind it leaves there break something? (one loom scenario each) |
//! | [`compare`] | which candidate fix to ship? |
//! | [`seed_document`] | what does the seed document say, beside its data file? |
//! | [`worker_share`] | where do `seed-load`'s packets run, per policy, beside the seed's claim? |
//! | [`baseline`] | the dense table and session sizes the benchmarks measure against |

pub mod baseline;
pub mod compare;
pub mod gaps;
pub mod gate;
pub mod holes;
pub mod seed_document;
pub mod worker_share;
