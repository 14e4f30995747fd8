//! An arbitrary scenario under a safe (policy, dispatch) cell, on a schedule the input chooses:
//! no invariant may break. See `checks::fuzzing` for the input format.
#![no_main]
use checks::fuzzing::Target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| Target::Schedule.fuzz(data));
