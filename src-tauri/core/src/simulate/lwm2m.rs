//! A virtual device on LwM2M (plain or DTLS-PSK, after bootstrap when the model has one): it
//! registers, answers the server's reads of /3 (Device) and /3303 (Temperature) with live
//! values, keeps observations and notifies them as the values change, sends an Update when
//! three quarters of the lifetime have passed, and de-registers when stopped. When the
//! server is lost it starts again (bootstrap included, `lwm2m_bootstrap.rs`) with back-off,
//! like the MQTT device.

use super::log::LogLine;
use super::lwm2m_device::{resolve, response, target_from, LiveDevice, Logger, Target};
use super::payloads::Generator;
use crate::coap::{CoapError, Datagram, Endpoint, Transmission};
use crate::lwm2m::registration;
use crate::lwm2m_client;
use crate::model::TemplateInstance;
use crate::net::coap_link;
use crate::net::dtls::Psk;
use crate::net::udp_connected;
use crate::report::diagnose;
use crate::settings;
use coap_lite::{Packet, ResponseType};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// How the LwM2M side of a simulation went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Lwm2mSummary {
    pub bootstraps: u32,
    pub registrations: u32,
    pub updates: u32,
    #[ts(type = "number")]
    pub requests_answered: u64,
    #[ts(type = "number")]
    pub notifications_sent: u64,
    /// The paths observed when the device stopped.
    pub observed: Vec<String>,
}

/// What the LwM2M device runs with.
pub struct Lwm2mPlan<'a> {
    /// The `lwm2m-nosec`/`lwm2m-psk` template, if the model has one.
    pub server: Option<&'a TemplateInstance>,
    /// The bootstrap template, if the model has one (then it decides the server).
    pub bootstrap: Option<&'a TemplateInstance>,
    pub lifetime_s: u32,
    /// The time one exchange may take (retransmissions included).
    pub exchange_timeout: Duration,
    /// Where names are looked up (the checks' injectable resolver).
    pub resolver: &'a crate::net::Resolver,
}

const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// Why a registered session ended.
enum SessionEnd {
    Stopped,
    Lost(String),
}

/// Runs the LwM2M virtual device until `cancel` or `until`.
pub async fn run(
    plan: &Lwm2mPlan<'_>,
    generator: &Generator,
    rate_per_s: f64,
    cancel: CancellationToken,
    until: Option<Instant>,
    on_log: &(dyn Fn(LogLine) + Send + Sync),
) -> super::Result<Lwm2mSummary> {
    let log = Logger {
        started: Instant::now(),
        sink: on_log,
    };
    // Bad input is found before anything connects.
    let direct = plan.server.map(target_from).transpose()?;
    let bootstrap = match plan.bootstrap {
        Some(t) => Some(settings::lwm2m(t.kind, &t.body)?),
        None => None,
    };
    if direct.is_none() && bootstrap.is_none() {
        return Err("the model has no LwM2M template".into());
    }
    let deadline = until.unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 86_400));
    let mut summary = Lwm2mSummary::default();
    let mut backoff = BACKOFF_START;
    let registered = AtomicBool::new(false);
    // A stop drops an attempt that is connecting or bootstrapping at once, but lets a
    // registered session de-register first (it watches `cancel` itself).
    let stopped_unregistered = || async {
        cancel.cancelled().await;
        while registered.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let device = Mutex::new(LiveDevice::new(
        direct
            .as_ref()
            .map(|t| t.endpoint.as_str())
            .or(bootstrap.as_ref().map(|b| b.endpoint.as_str()))
            .unwrap_or_default(),
    ));
    loop {
        if cancel.is_cancelled() || Instant::now() >= deadline {
            break;
        }
        let registered_before = summary.registrations;
        let attempt = async {
            let target = match &bootstrap {
                Some(bs) => {
                    let t = super::lwm2m_bootstrap::provision(
                        bs,
                        plan.resolver,
                        plan.exchange_timeout,
                        &log,
                    )
                    .await?;
                    summary.bootstraps += 1;
                    t
                }
                None => match &direct {
                    Some(t) => Target {
                        host: t.host.clone(),
                        port: t.port,
                        endpoint: t.endpoint.clone(),
                        psk: t.psk.as_ref().map(|p| Psk {
                            identity: p.identity.clone(),
                            key: p.key.clone(),
                        }),
                    },
                    None => return Err(super::Error::from("no LwM2M server")),
                },
            };
            let session = Session {
                target: &target,
                plan,
                generator,
                rate_per_s,
                device: &device,
                log: &log,
                registered: &registered,
            };
            session
                .connect_and_run(&mut summary, &cancel, deadline)
                .await
        };
        let outcome = tokio::select! {
            _ = stopped_unregistered() => break,
            outcome = attempt => outcome,
        };
        let why = match outcome {
            Ok(SessionEnd::Stopped) => break,
            Ok(SessionEnd::Lost(why)) => why,
            Err(e) => e.to_string(),
        };
        // A new registration starts without the old one's observations, and a
        // device that was registered starts its back-off afresh.
        if let Ok(mut d) = device.lock() {
            d.observations.clear();
        }
        if summary.registrations > registered_before {
            backoff = BACKOFF_START;
        }
        log.line(
            "state",
            "disconnected",
            format!("{why}; trying again in {} s", backoff.as_secs()),
        );
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(BACKOFF_MAX);
    }
    if let Ok(d) = device.lock() {
        summary.requests_answered = d.answered;
    }
    log.line(
        "state",
        "stopped",
        format!(
            "{} registrations, {} updates, {} requests answered, {} notifications",
            summary.registrations,
            summary.updates,
            summary.requests_answered,
            summary.notifications_sent
        ),
    );
    Ok(summary)
}

struct Session<'a> {
    target: &'a Target,
    plan: &'a Lwm2mPlan<'a>,
    generator: &'a Generator,
    rate_per_s: f64,
    device: &'a Mutex<LiveDevice>,
    log: &'a Logger<'a>,
    /// Set from just before Register until the registration is removed (or lost): while it
    /// is set, a stop waits for the session's own De-register instead of dropping it.
    registered: &'a AtomicBool,
}

/// Clears the registration flag however the session ends.
struct RegisteredFlag<'a>(&'a AtomicBool);

impl Drop for RegisteredFlag<'_> {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}

impl Session<'_> {
    async fn connect_and_run(
        &self,
        summary: &mut Lwm2mSummary,
        cancel: &CancellationToken,
        deadline: Instant,
    ) -> super::Result<SessionEnd> {
        let t = self.target;
        let timeout = self.plan.exchange_timeout;
        let secure = if t.psk.is_some() { "DTLS-PSK" } else { "CoAP" };
        self.log.line(
            "state",
            "connecting",
            format!("{}:{} ({secure}) as {}", t.host, t.port, t.endpoint),
        );
        let addr = resolve(self.plan.resolver, &t.host, t.port, timeout).await?;
        let socket = udp_connected(addr).await?;
        let opened = coap_link::open(socket, &t.host, t.psk.as_ref(), timeout).await;
        let opened = opened.map_err(|f| diagnose::dtls(&f.failure, addr).1)?;
        let mut endpoint = Endpoint::new(opened.link, Transmission::within(timeout));
        self.registered(&mut endpoint, addr, summary, cancel, deadline)
            .await
    }

    /// Register, then serve, notify and update until stopped or lost.
    async fn registered<D: Datagram>(
        &self,
        endpoint: &mut Endpoint<D>,
        addr: SocketAddr,
        summary: &mut Lwm2mSummary,
        cancel: &CancellationToken,
        deadline: Instant,
    ) -> super::Result<SessionEnd> {
        let timeout = self.plan.exchange_timeout;
        let lifetime = self.plan.lifetime_s;
        let device = self.device;
        self.registered.store(true, Ordering::SeqCst);
        let _flag = RegisteredFlag(self.registered);
        let mut handler = |request: &Packet| match device.lock() {
            Ok(mut d) => d.answer(request),
            Err(_) => response(ResponseType::InternalServerError),
        };
        let links = device
            .lock()
            .map(|d| d.objects.links())
            .map_err(|_| "the device state was lost".to_string())?;
        let name = &self.target.endpoint;
        let registration = (name.as_str(), lifetime, links.as_slice());
        let registered =
            lwm2m_client::register(endpoint, registration, &mut handler, timeout).await;
        self.flush(endpoint);
        let location = registered.map_err(|e| format!("{e} ({addr})"))?;
        let location_text = registration::location_text(&location);
        summary.registrations += 1;
        self.log.line(
            "state",
            "registered",
            format!("at {location_text} with {addr}, lifetime {lifetime} s"),
        );
        // An Update when three quarters of the lifetime have passed (at least a second).
        let update_every = Duration::from_secs_f64((f64::from(lifetime) * 0.75).max(1.0));
        let mut next_update = Instant::now() + update_every;
        let period = Duration::from_secs_f64(1.0 / self.rate_per_s.clamp(0.01, 1000.0));
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut counter = 0u64;
        enum Next {
            Stop,
            Tick,
            Served(Result<bool, CoapError>),
        }
        // Back after each request answered, so its line reaches the log at once.
        let mut after_each = |_: &Packet| true;
        loop {
            let next = tokio::select! {
                _ = cancel.cancelled() => Next::Stop,
                _ = tokio::time::sleep_until(deadline) => Next::Stop,
                _ = tick.tick() => Next::Tick,
                served = endpoint.serve(next_update, &mut handler, &mut after_each) => Next::Served(served),
            };
            match next {
                Next::Stop => {
                    let removed =
                        lwm2m_client::deregister(endpoint, &location, &mut handler, timeout).await;
                    self.flush(endpoint);
                    let text = match removed {
                        Ok(()) => format!("{location_text}: 2.02 Deleted"),
                        Err(e) => format!("{location_text}: {e}"),
                    };
                    self.log.line("out", "deregister", text);
                    if let Ok(mut d) = device.lock() {
                        summary.observed = d.observations.paths();
                        d.observations.clear();
                    }
                    return Ok(SessionEnd::Stopped);
                }
                Next::Tick => {
                    // What the server asked comes before what the device says next.
                    self.flush(endpoint);
                    counter += 1;
                    let due = match device.lock() {
                        Ok(mut d) => {
                            d.refresh(self.generator, counter);
                            let LiveDevice {
                                objects,
                                observations,
                                ..
                            } = &mut *d;
                            observations.due(objects)
                        }
                        Err(_) => Vec::new(),
                    };
                    for n in due {
                        let text = String::from_utf8_lossy(&n.response.payload).into_owned();
                        let mid = endpoint
                            .notify(n.response, "notification".into())
                            .await
                            .map_err(|e| format!("a notification to {addr}: {e}"))?;
                        if let Ok(mut d) = device.lock() {
                            d.observations.sent(&n.token, mid);
                        }
                        summary.notifications_sent += 1;
                        self.log.line("out", &format!("notify {}", n.path), text);
                    }
                }
                Next::Served(Err(e)) => return Ok(SessionEnd::Lost(e.to_string())),
                Next::Served(Ok(_)) => {}
            }
            let resets: Vec<u16> = endpoint.resets.drain(..).collect();
            for mid in resets {
                let ended = device
                    .lock()
                    .ok()
                    .and_then(|mut d| d.observations.reset(mid));
                if let Some(path) = ended {
                    self.log.line(
                        "in",
                        "RST",
                        format!("the server cancelled observing {path}"),
                    );
                }
            }
            self.flush(endpoint);
            if Instant::now() >= next_update {
                let updated =
                    lwm2m_client::update(endpoint, &location, &mut handler, timeout).await;
                self.flush(endpoint);
                if let Err(e) = updated {
                    let why = match e {
                        lwm2m_client::Error::Refused { .. } => format!("{e}: registering again"),
                        other => format!("{other} ({addr})"),
                    };
                    return Ok(SessionEnd::Lost(why));
                }
                summary.updates += 1;
                self.log
                    .line("out", "update", format!("{location_text}: 2.04 Changed"));
                next_update = Instant::now() + update_every;
            }
        }
    }

    /// Moves the handler's lines to the log, and empties the endpoint's own message log (the
    /// device runs for hours; that log is for checks).
    fn flush<D: Datagram>(&self, endpoint: &mut Endpoint<D>) {
        endpoint.log.clear();
        let lines = self
            .device
            .lock()
            .map(|mut d| std::mem::take(&mut d.pending_lines))
            .unwrap_or_default();
        for (direction, subject, text) in lines {
            self.log.line(&direction, &subject, text);
        }
    }
}
