//! `gaps`: the seed's classifier (yours with `--classifier`) against TrinityCore's processing
//! places.

use crate::args::named;
use crate::global::Global;
use checks::audit::gaps;
use checks::report::Format;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Output format.
    #[arg(long, value_parser = named::<Format>(), default_value = "text")]
    format: Format,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        out!("{}", gaps::render(&gaps::report(), self.format));
        ExitCode::SUCCESS
    }
}
