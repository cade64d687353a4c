//! A virtual device that publishes over HTTP(S) (the `mqtt-http`/`mqtt-https` kinds): each
//! telemetry message is one POST to the publish URL — the shape the check sends, with the
//! device's credentials — on a fresh connection, as a device that wakes, posts and sleeps
//! does. Requests cannot reach it this way (HTTP publish is one-way), so it only sends.

use super::device::DeviceOptions;
use super::log::LogLine;
use crate::model::TemplateInstance;
use crate::net::http_exchange::{exchange, Exchange};
use crate::net::tls;
use crate::settings::{self, HttpSettings};
use serde::Serialize;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// How the HTTP side of a simulation went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct HttpSummary {
    #[ts(type = "number")]
    pub accepted: u64,
    #[ts(type = "number")]
    pub refused: u64,
    /// The last answer (`HTTP 200 OK`) or why there was none.
    pub last: String,
}

/// One POST: the status line, or why there was no answer.
async fn post_once(
    s: &HttpSettings,
    request: &[u8],
    extra_ca: Option<&str>,
    timeout: Duration,
) -> super::Result<(u16, String)> {
    let deadline = Instant::now() + timeout;
    let stream = tokio::time::timeout_at(deadline, TcpStream::connect((s.host.as_str(), s.port)))
        .await
        .map_err(|_| format!("no TCP connection to {}:{} in time", s.host, s.port))?
        .map_err(|e| format!("TCP to {}:{}: {e}", s.host, s.port))?;
    let left = deadline.saturating_duration_since(Instant::now());
    let answered = if s.url.scheme() == "https" {
        let (config, seen) =
            tls::verifying_config(tls::Trust::System { extra: extra_ca }, &[b"http/1.1"])?;
        let mut secured = tls::verified_handshake(stream, &s.host, config, &seen, left)
            .await
            .map_err(|f| {
                let (_, evidence, _) = crate::report::diagnose::tls(&f, &seen, (&s.host, s.port));
                format!("TLS: {evidence}")
            })?;
        let left = deadline.saturating_duration_since(Instant::now());
        exchange(&mut secured, request, left).await
    } else {
        let mut plain = stream;
        exchange(&mut plain, request, left).await
    };
    match answered {
        Ok(r) => Ok((r.status, format!("HTTP {} {}", r.status, r.reason))),
        Err(Exchange::Timeout) => Err("no HTTP answer in time".into()),
        Err(Exchange::Closed(_)) => Err("the server closed the connection".into()),
        Err(Exchange::NotHttp(prefix)) => Err(format!("not an HTTP answer: \"{prefix}\"").into()),
    }
}

/// Publishes telemetry over HTTP(S) until `cancel` or `until`.
pub async fn run(
    template: &TemplateInstance,
    extra_ca: Option<&str>,
    options: &DeviceOptions,
    timeout: Duration,
    cancel: CancellationToken,
    until: Option<Instant>,
    on_log: &(dyn Fn(LogLine) + Send + Sync),
) -> super::Result<HttpSummary> {
    let s = settings::http(template.kind, &template.body)?;
    let started = Instant::now();
    let log = |direction: &str, subject: &str, text: String| {
        on_log(LogLine {
            at_ms: started.elapsed().as_millis() as u64,
            protocol: "http".into(),
            direction: direction.into(),
            subject: subject.into(),
            text,
        })
    };
    let deadline = until.unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 86_400));
    let period = Duration::from_secs_f64(1.0 / options.rate_per_s.clamp(0.01, 1000.0));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut summary = HttpSummary::default();
    let mut state = "";
    log("state", "connecting", format!("POST {}", s.url));
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tick.tick() => {}
        }
        let ts_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let jitter = f64::from(super::mqtt::rand_u16()) / f64::from(u16::MAX) * 2.0 - 1.0;
        let counter = summary.accepted + summary.refused + 1;
        let payload = options
            .generator
            .telemetry(ts_ms, counter, jitter)
            .to_string();
        let request = s.post_request(&s.request_body(&payload));
        let outcome = tokio::select! {
            _ = cancel.cancelled() => break,
            outcome = post_once(&s, &request, extra_ca, timeout) => outcome,
        };
        match outcome {
            Ok((status, line)) if (200..300).contains(&status) => {
                summary.accepted += 1;
                if state != "connected" {
                    state = "connected";
                    log(
                        "state",
                        "connected",
                        format!("{} accepts posts ({line})", s.url),
                    );
                }
                log("out", &s.data_topic, payload);
                summary.last = line;
            }
            Ok((_, line)) => {
                summary.refused += 1;
                if state != "refused" {
                    state = "refused";
                    log(
                        "state",
                        "disconnected",
                        format!("{} refused a post: {line}", s.url),
                    );
                }
                summary.last = line;
            }
            Err(why) => {
                let why = why.to_string();
                summary.refused += 1;
                if state != "unreachable" {
                    state = "unreachable";
                    log("state", "disconnected", why.clone());
                }
                summary.last = why;
            }
        }
    }
    log(
        "state",
        "stopped",
        format!(
            "{} posts accepted, {} refused",
            summary.accepted, summary.refused
        ),
    );
    Ok(summary)
}
