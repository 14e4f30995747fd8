//! The `schedule` inputs run `unsynchronized` with fire-and-forget dispatch: a crash here is the
//! race (a SpellAuras.cpp assert or a double effect) found, which shows the harness has teeth.
#![no_main]
use checks::fuzzing::Target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| Target::ScheduleUnsynchronized.fuzz(data));
