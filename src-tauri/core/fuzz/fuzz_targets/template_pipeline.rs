//! Fuzzes template parsing, lint, render and export on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    loopstudio_core::fuzzing::template_pipeline(data);
});
