//! Fuzz target: the indicator-table reader must never panic, whatever the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static CONTEXT: OnceLock<(gihi_framework::Framework, gihi_registry::Registry)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (framework, registry) = CONTEXT.get_or_init(|| {
        (gihi_framework::Framework::gihi_2024(), gihi_registry::Registry::gihi_2024())
    });
    let _ = gihi_data::read_indicator_bytes(data, "fuzz.csv", framework, registry);
});
