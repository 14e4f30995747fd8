//! A raw wire stream fed to a bot session under a safe cell: typed decode errors, never a panic;
//! no packet lost or run twice. See `checks::fuzzing::judge_packets`.
#![no_main]
use checks::fuzzing::Target;
libfuzzer_sys::fuzz_target!(|data: &[u8]| Target::Packets.fuzz(data));
