//! Connectivity checks: ladders of timed steps that stop at the first failing rung and name
//! the cause. Each check runs on tokio with a time limit per rung, can be cancelled, and
//! reports each rung as it finishes; the result is always a [`crate::report::Check`].

mod address_family;
mod ladder;
mod ladder_link;
pub(crate) mod lwm2m_bootstrap;
mod lwm2m_registration;
pub(crate) mod lwm2m_server;
pub mod mqtt;
mod mqtt311;
pub(crate) mod mqtt_http;
pub(crate) mod ota;
mod port_probe;
mod port_probe_proxy;
mod port_probe_tcp;
mod port_probe_udp;
pub mod ports;
mod runner;
mod timing;
mod way_round;

pub use runner::{run_selected, run_templates, select_templates, validate_kinds};

use crate::report::Step;
use serde::Serialize;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// A check's budget, in rung timeouts, unless set otherwise.
pub const CHECK_BUDGET_RUNGS: u32 = 5;
/// DESIGN.md §7: 3 s per rung unless told otherwise.
pub const DEFAULT_RUNG_TIMEOUT: Duration = Duration::from_secs(3);
/// DESIGN.md §7: the LwM2M registration lifetime asked for, 300 s.
pub const LWM2M_LIFETIME_S: u32 = lwm2m_registration::LIFETIME_S;

/// What a person asked of the checks that cannot be: an unknown kind for `--only`, a
/// `--ports` item that is no port or service. (A check's own findings are diagnoses.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("unknown kind \"{name}\" (kinds: {known})")]
    UnknownKind { name: String, known: String },
    #[error("unknown service \"{name}\"; one of {known}")]
    UnknownService { name: String, known: String },
    #[error("\"{0}\" is not a port number (1–65535)")]
    NotAPort(String),
    #[error("{0} is not in the LoopCloud port table; name its service: SERVICE={0}")]
    NotInTable(u16),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for crate::ApiError {
    fn from(err: Error) -> Self {
        crate::ApiError::new(crate::ErrorCode::InputInvalid, err.to_string())
    }
}

/// The proxy a run with `choice` names in its report's header (the password masked).
pub fn proxy_in_use(
    choice: &crate::net::proxy_config::ProxyChoice,
) -> Option<crate::report::paths::ProxyInUse> {
    choice.in_use().map(|p| crate::report::paths::ProxyInUse {
        url: p.shown(),
        source: p.source.to_string(),
        mqtt: choice.mqtt,
    })
}

/// One rung finished, while its check is still running (the Test panel fills in from these).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepProgress {
    /// The position of the check's template in the model (a row of the Test panel).
    pub index: usize,
    pub kind: String,
    pub endpoint: String,
    pub step: Step,
}

/// Where rung-by-rung progress goes.
pub type ProgressSink = Arc<dyn Fn(&StepProgress) + Send + Sync>;

/// What every check run gets: its time limits, cancellation, and where progress goes.
#[derive(Clone)]
pub struct RunContext {
    /// Limit for one rung (a connect, a handshake, a reply).
    pub rung_timeout: Duration,
    /// Limit for one whole check, however many rungs it climbs (DESIGN.md §7: 15 s, which is
    /// five rungs at the default 3 s).
    pub check_budget: Duration,
    pub cancel: CancellationToken,
    pub resolver: crate::net::Resolver,
    /// Receives each rung as it finishes; `None` when nobody watches.
    pub progress: Option<ProgressSink>,
    /// Extra CA (PEM) trusted besides the OS roots where a template has no CA field of its
    /// own: mqtt-https (DESIGN.md §7), from the `MQTT_HTTPS_CA` variable.
    pub extra_ca: Option<String>,
    /// `OTA_CONTROLLER_ID`, when set (else the OTA check takes the LWM2M endpoint or the
    /// MQTT client id, DESIGN.md §7).
    pub ota_controller_id: Option<String>,
    /// `OTA_KEY_PASSPHRASE`, for an encrypted OTA key.
    pub ota_key_passphrase: Option<zeroize::Zeroizing<String>>,
    /// The registration lifetime LwM2M checks ask for (`LWM2M_LIFETIME`, DESIGN.md §7: 300 s
    /// unless the project or device sets one).
    pub lwm2m_lifetime_s: u32,
    /// Whether a bootstrap check goes on to register with the server it was given (the
    /// default), or stops at what was provisioned.
    pub follow_bootstrap: bool,
    /// Masks the device's secrets in everything the checks report (rungs as they finish,
    /// the finished checks): a secret a model put into a non-secret field, or a URL's
    /// password, never reaches a report, the screen or the run history.
    pub scrubber: Arc<crate::report::scrub::Scrubber>,
    /// The proxies this run goes through (`--proxy`, `%PROXY_URL%`, the environment), and
    /// the hosts that go direct.
    pub proxy: Arc<crate::net::proxy_config::ProxyChoice>,
    /// Whether a sweep profiles the PSK cipher suites of its DTLS ports (`--dtls-profile`).
    pub dtls_profile: bool,
    /// Whether a run whose checks stop at the transport looks for the way round (the
    /// report's `paths`); off when the app re-runs one row.
    pub find_ways_round: bool,
    /// Which check of the run this context belongs to (set by [`run_templates`]).
    pub(crate) check_index: usize,
}

impl RunContext {
    pub fn new(rung_timeout: Duration) -> Self {
        RunContext {
            rung_timeout,
            check_budget: rung_timeout * CHECK_BUDGET_RUNGS,
            cancel: CancellationToken::new(),
            resolver: crate::net::Resolver::System,
            progress: None,
            extra_ca: None,
            ota_controller_id: None,
            ota_key_passphrase: None,
            follow_bootstrap: true,
            lwm2m_lifetime_s: LWM2M_LIFETIME_S,
            scrubber: Arc::default(),
            proxy: Arc::default(),
            find_ways_round: true,
            dtls_profile: false,
            check_index: 0,
        }
    }

    fn for_check(&self, index: usize) -> RunContext {
        RunContext {
            check_index: index,
            ..self.clone()
        }
    }
}

/// The first `limit` items of a list a peer makes (the requests a server sent, the
/// operations of a bootstrap), and how many there were in all: a peer that floods requests
/// cannot grow a check without bound.
#[derive(Debug)]
pub(crate) struct FirstN<T> {
    pub(crate) kept: Vec<T>,
    pub(crate) total: usize,
    limit: usize,
}

impl<T> FirstN<T> {
    pub(crate) fn new(limit: usize) -> Self {
        FirstN {
            kept: Vec::new(),
            total: 0,
            limit,
        }
    }

    pub(crate) fn push(&mut self, item: T) {
        self.total += 1;
        if self.kept.len() < self.limit {
            self.kept.push(item);
        }
    }
}

/// Milliseconds since `start`, as reports show them.
pub(crate) fn elapsed_ms(start: tokio::time::Instant) -> f64 {
    (start.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
}

#[cfg(test)]
mod engine_tests;
