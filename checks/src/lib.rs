//! Engines, verdicts and audits for the model. The tree shows the roles:
//!
//! | module | role |
//! |---|---|
//! | [`explore`] | one entry point ([`explore::explore`]) over one file per engine: loom, shuttle, OS threads; schedules counted, first counterexamples kept and replayable |
//! | [`expected`] | the pinned truth of every cell, the one table the gate, the fuzz targets and the candidate comparison read |
//! | [`report`] | the matrix (plan, rows, worker threads) and its renderings: JSON, tables, traces, the gap report |
//! | [`audit`] | the classifier's gaps and holes, the candidate fixes compared, the seed document, the worker share, benchmark baselines |
//! | [`fuzzing`] | the fuzz targets: registry, byte scheduler, input codec, judges, corpus |
//! | [`sources`] | the user's inputs: a classifier (C++ or TSV), a TrinityCore checkout, the citations |

pub mod audit;
pub mod expected;
pub mod explore;
pub mod fuzzing;
pub mod report;
pub mod sources;

/// The matrix runner.
pub mod matrix {
    pub use crate::report::{max_prove_bound, run_jobs, Plan, Row, SEED_LOAD_SCHEDULES};
}
