//! Loop Studio's core library: everything the desktop app and the `loopcheck` CLI share.
//!
//! It must never depend on Tauri, GTK or WebKit: support staff install the CLI on headless
//! gateways, and `cargo tree -p loopcheck` is checked in CI to prove it. The app and the CLI
//! are thin adapters over [`api`].
//!
//! # Layout
//!
//! From the bottom up; a module uses only what is below it in its own column
//! (`tests/architecture.rs` holds the exact allow-list and fails CI on a new arrow):
//!
//! - **Pure foundations** — [`text`] (the host rule, terminal-safe text), [`template`]
//!   (`%PLACEHOLDER%` scanning), [`psk`], [`limits`] (bounds of user numbers), [`files`]
//!   (capped reads, private writes), [`codec`] (frames and formats: PEM, hex, TLV, SenML,
//!   link format, DDI, HTTP, CoAP words, certificates; no I/O).
//! - **The domain** — [`catalog`] (the nine kinds, placeholders, value rules), [`model`]
//!   (projects, models, devices, variables), [`render`] (values into placeholders),
//!   [`device_defaults`], [`lint`], [`interchange`] (files in and out), [`settings`] (what a
//!   rendered template says, typed).
//! - **Storage** — [`secret`] (master key, sealing), [`store`] (SQLite; uses the domain and
//!   the secrets only), [`app_info`].
//! - **Talking** — [`coap`] (the exchange layer), [`net`] (DNS, TCP, TLS, DTLS-PSK, HTTP),
//!   [`lwm2m`] (the objects and the client's side of the protocol, pure on the codecs),
//!   [`lwm2m_client`] (Register, Update, De-register and bootstrap over a CoAP link, once for
//!   the checks and the virtual device).
//! - **Checks and what they report** — [`report`] (the report shape, diagnosis codes,
//!   reproduce commands, scrubbing, failure → diagnosis), [`check`] (one ladder per kind, the
//!   runner, the sweep; never the store), [`simulate`] (the virtual device and fleets; it
//!   uses `check` only to poll OTA through the OTA ladder).
//! - **The surface** — [`api`]: every use case the app and the CLI call; nothing in the core
//!   uses it.
//!
//! `fuzzing` (behind the `fuzzing` cargo feature) holds the entry points the cargo-fuzz
//! targets share with the corpus replay test; nothing else links it.

pub mod api;
pub mod api_error;
pub mod app_info;
pub mod catalog;
pub mod check;
pub mod coap;
pub mod codec;
pub mod device_defaults;
pub mod files;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
pub mod interchange;
pub mod limits;
pub mod lint;
pub mod lwm2m;
pub mod lwm2m_client;
pub mod model;
pub mod net;
pub mod psk;
pub mod render;
pub mod report;
pub mod secret;
pub mod settings;
pub mod simulate;
pub mod store;
pub mod template;
pub mod text;

pub use api_error::{ApiError, ErrorCode};

/// The version shared by the app, the CLI and every report they write.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
