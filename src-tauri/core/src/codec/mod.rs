//! Pure codecs: bytes in, values out, no I/O — fuzzable and unit-tested on their own. The
//! network code in `net/` and the checks in `check/` do the talking.

pub mod certificates;
pub mod coap_text;
pub mod ddi;
pub mod dtls_hello;
pub mod dtls_records;
pub mod hex;
pub mod http_date;
pub mod http_message;
pub mod interception;
pub mod link_format;
pub mod mqtt5_frames;
pub mod pem;
pub mod probe_frames;
pub mod senml;
pub mod tlv;
