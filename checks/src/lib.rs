//! Engines, verdicts and audits for the model. The tree shows the roles:
//!
//! | module | role |
//! |---|---|
//! | [`explore`] | one entry point ([`explore::explore`]) over one file per engine: loom, shuttle, OS threads; schedules counted, first counterexamples kept and replayable |
//! | [`expected`] | the pinned truth of every cell, the one table the gate, the fuzz targets and the candidate comparison read |
//! | [`matrix`] | the matrix run: the plan, its jobs on worker threads, each result's minimal bounds and verdict as a row |
//! | [`report`] | the rows rendered: JSON, tables, traces |
//! | [`audit`] | the classifier's gaps (and their report), the gate's verdict, holes, the candidate fixes compared, the seed document, the worker share, benchmark baselines |
//! | [`fuzzing`] | the fuzz targets: registry, byte scheduler, input codec, judges, corpus |
//! | [`sources`] | the user's inputs: a classifier (C++ or TSV), a TrinityCore checkout, the citations |

pub mod audit;
pub mod expected;
pub mod explore;
pub mod fuzzing;
pub mod matrix;
pub mod report;
pub mod sources;
