//! Demo mode: a device model run as a live virtual device, so a sales engineer can show a
//! device coming alive and an integrator can prove a model before hardware exists. This
//! first part is MQTT (TCP/TLS): telemetry, answered requests, reconnection; the payloads
//! and the bounded log are pure and tested on their own.

pub mod fleet;
pub mod log;
pub mod mqtt;
pub mod payloads;
