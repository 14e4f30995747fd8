//! `classify`: where one opcode runs under each policy.

use crate::global::Global;
use model::classifier::{Classifier, CompleteClassifier, SeedClassifier, TrinityCoreRouting};
use model::Opcode;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// Opcode name or wire value.
    opcode: String,
}

impl Args {
    pub fn run(self, _: &Global) -> ExitCode {
        classify(&self.opcode)
    }
}

fn classify(query: &str) -> ExitCode {
    let q = query.trim();
    let parsed = if let Some(hex) = q.strip_prefix("0x").or_else(|| q.strip_prefix("0X")) {
        u32::from_str_radix(hex, 16).map_err(|_| format!("{q:?} is not a hexadecimal wire value")).and_then(|v| {
            Opcode::from_value(v).map_err(|e| format!("{e}: not a client opcode of the table; a bot session drops it"))
        })
    } else if let Ok(v) = q.parse::<u32>() {
        Opcode::from_value(v).map_err(|e| format!("{e}: not a client opcode of the table; a bot session drops it"))
    } else {
        Opcode::from_name(q).ok_or_else(|| format!("no client opcode named {q:?} in the table"))
    };
    let op = match parsed {
        Ok(op) => op,
        Err(e) => {
            eprintln!("verify classify: {e}");
            return ExitCode::from(2);
        }
    };
    let info = op.info();
    outln!("{} ({:#08X})", info.name, info.value);
    outln!("  handler          {} ({:?})", info.handler, info.status);
    outln!("  TrinityCore      {}", info.place.tc_name());
    outln!("  handler kind     {} (touches shared state: {})", op.kind().name(), op.kind().touches_shared_state());
    let seed = SeedClassifier::get();
    let cat = seed.category(op).map(|c| c.name()).unwrap_or("none");
    let rows: [(&str, &dyn Classifier); 3] =
        [("seed-deferral", seed), ("complete-deferral", &CompleteClassifier), ("map-routing", &TrinityCoreRouting)];
    outln!("  seed category    {cat}");
    for (name, c) in rows {
        outln!("  {:<16} {} — {}", name, c.route(op).name(), c.deferral_reason(op).unwrap_or("runs on the bot worker"));
    }
    ExitCode::SUCCESS
}
