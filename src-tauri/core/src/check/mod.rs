//! Connectivity checks: ladders of timed steps that stop at the first failing rung and name
//! the cause. Each check runs on tokio with a time limit per rung, can be cancelled, and
//! reports progress as it goes; the result is always a [`crate::report::Check`].

mod device;
pub mod mqtt;
mod mqtt311;
pub mod ports;
mod probe;

pub use device::run_templates;

use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// What every check run gets: its time limits, cancellation, and where progress goes.
#[derive(Clone)]
pub struct RunContext {
    /// Limit for one rung (a connect, a handshake, a reply).
    pub rung_timeout: Duration,
    pub cancel: CancellationToken,
    pub resolver: crate::net::Resolver,
}

impl RunContext {
    pub fn new(rung_timeout: Duration) -> Self {
        RunContext {
            rung_timeout,
            cancel: CancellationToken::new(),
            resolver: crate::net::Resolver::System,
        }
    }
}

/// Milliseconds since `start`, as reports show them.
pub(crate) fn elapsed_ms(start: tokio::time::Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}
