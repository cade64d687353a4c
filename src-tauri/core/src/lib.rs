//! Loop Studio's core library: everything the desktop app and the `loopcheck` CLI share.
//!
//! It must never depend on Tauri, GTK or WebKit: support staff install the CLI on headless
//! gateways, and `cargo tree -p loopcheck` is checked in CI to prove it. The app and the CLI
//! are thin adapters over the functions here.

pub mod api;
pub mod api_error;
pub mod app_info;
pub mod catalog;
pub mod check;
pub mod coap;
pub mod codec;
pub mod device_defaults;
pub mod files;
#[doc(hidden)]
pub mod fuzzing;
pub mod interchange;
pub mod limits;
pub mod lint;
pub mod lwm2m;
pub mod model;
pub mod net;
pub mod paths;
pub mod pem;
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
