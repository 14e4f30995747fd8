//! Counterexample traces a person can read.
