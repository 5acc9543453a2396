#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regctl::fuzzing::run("manifest", data));
