//! The smallest loom preemption bound of every finding of every small cell, with the proof that
//! one bound less finds none.
//!
//! `cargo run --release -p checks --example minimal_bounds -- [MAX_BOUND] [DISPATCH] [SCENARIO]`
//! (default 3, every dispatch mode, every small scenario; every AI placement each policy pairs
//! with).

use checks::explore::bounds::{describe, minimal_bounds};
use checks::explore::Cell;
use model::{AiPlacement, Dispatch, Policy, ScenarioName};
use std::time::Instant;

fn main() {
    let max: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(3);
    let dispatches: Vec<Dispatch> = match std::env::args().nth(2) {
        Some(d) => vec![Dispatch::from_name(&d).unwrap_or_else(|| panic!("unknown dispatch {d}"))],
        None => Dispatch::ALL.to_vec(),
    };
    let scenarios: Vec<ScenarioName> = match std::env::args().nth(3) {
        Some(s) => vec![ScenarioName::from_name(&s).unwrap_or_else(|| panic!("unknown scenario {s}"))],
        None => ScenarioName::small(),
    };
    let start = Instant::now();
    for scenario in scenarios {
        for policy in Policy::ALL {
            for ai in AiPlacement::ALL.into_iter().filter(|ai| ai.pairs_with(policy)) {
                for &dispatch in dispatches.iter().filter(|&&d| ai.pairs(policy, d)) {
                    let cell = Cell { policy, ai, scenario, dispatch };
                    let t = Instant::now();
                    let found = minimal_bounds(cell, max);
                    println!("{cell} ({:.1?})", t.elapsed());
                    for m in &found {
                        println!("    {}", describe(m));
                    }
                }
            }
        }
    }
    println!("(loom bounds 0..={max}, {:.1?})", start.elapsed());
}
