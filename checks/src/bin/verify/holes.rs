//! `holes`: one small loom scenario per handler kind the seed-deferral classifier keeps on the
//! bot worker, each with a counterexample or harmless up to the bound.

use crate::global::Global;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// loom's preemption bound.
    #[arg(long, default_value_t = 2)]
    bound: usize,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        let bound = self.bound;
        let holes = checks::audit::holes::hunt(bound);
        out!("{}", checks::audit::holes::render(&holes, bound));
        let broken = holes.iter().filter(|h| h.results.iter().any(|(_, _, _, f)| f.is_some())).count();
        eprintln!("verify holes: {broken} of {} kinds kept on the bot worker break something", holes.len());
        if broken == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        }
    }
}
