//! Demo mode: a device model run as a live virtual device, so a sales engineer can show a
//! device coming alive and an integrator can prove a model before hardware exists. Each
//! protocol has its own runner (MQTT, HTTP publishing, LwM2M, OTA polling); `device.rs` runs
//! a model's protocols side by side and `fleet.rs` runs many MQTT devices at once. The
//! payloads and the bounded log are pure and tested on their own.

pub mod device;
pub mod fleet;
pub mod fleet_device;
pub mod fleet_sources;
pub mod http;
pub mod log;
pub mod lwm2m;
mod lwm2m_bootstrap;
mod lwm2m_device;
pub mod mqtt;
pub mod ota;
pub mod payloads;

/// Why a virtual device could not run, or stopped: a template or setting found unusable
/// before anything connected, a network failure, or what the peer did, in words.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Settings(#[from] crate::settings::Error),
    #[error(transparent)]
    Net(#[from] crate::net::Error),
    #[error("{0}")]
    Other(String),
}

impl From<String> for Error {
    fn from(words: String) -> Self {
        Error::Other(words)
    }
}

impl From<&str> for Error {
    fn from(words: &str) -> Self {
        Error::Other(words.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;
