//! Demo mode: a device model run as a live virtual device, so a sales engineer can show a
//! device coming alive and an integrator can prove a model before hardware exists. Each
//! protocol has its own runner (MQTT, HTTP publishing, LwM2M, OTA polling); `device.rs` runs
//! a model's protocols side by side and `fleet.rs` runs many MQTT devices at once. The
//! payloads and the bounded log are pure and tested on their own.

pub mod device;
pub mod fleet;
pub mod http;
pub mod log;
pub mod lwm2m;
mod lwm2m_bootstrap;
mod lwm2m_device;
pub mod mqtt;
pub mod ota;
pub mod payloads;
