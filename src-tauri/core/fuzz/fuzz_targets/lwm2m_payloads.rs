//! Fuzzes the LwM2M codecs (TLV, SenML JSON/CBOR, link format, the object model, HTTP
//! responses) on arbitrary bytes.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    loopstudio_core::fuzzing::lwm2m_payloads(data);
});
