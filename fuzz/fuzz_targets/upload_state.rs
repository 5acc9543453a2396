#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| regctl::fuzzing::run("upload_state", data));
