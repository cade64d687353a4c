//! A virtual device on MQTT (TCP or TLS): it stays connected, publishes telemetry on the
//! data topic at a chosen rate, answers requests from the request topic on the response
//! topic, and, when the broker drops it, reconnects with back-off (1 s doubling to 10 s),
//! subscribing again each time. It stops when cancelled or when its time is up.

use super::log::LogLine;
use super::payloads::{answer, DeviceState, Generator};
use crate::catalog::TemplateKind;
use crate::model::TemplateInstance;
use crate::net::mqtt::{tls_transport, ClientSetup};
use crate::net::tls;
use crate::settings::{self, MqttSettings};
use rumqttc::v5::mqttbytes::v5::Packet;
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, Event};
use rumqttc::Outgoing;
use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// How a simulation went, for the CLI's summary and the Demo view's counters.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct MqttSummary {
    pub connects: u32,
    pub disconnects: u32,
    #[ts(type = "number")]
    pub telemetry_sent: u64,
    #[ts(type = "number")]
    pub requests_answered: u64,
    /// Time from a request's arrival to its answer being handed to the client, by request.
    pub answer_ms: Vec<f64>,
}

const BACKOFF_START: Duration = Duration::from_secs(1);
/// QoS 1 publishes a virtual device may have waiting for their PUBACK.
const INFLIGHT: u16 = 32;
const BACKOFF_MAX: Duration = Duration::from_secs(10);

/// The response topic of a rendered MQTT body.
fn response_topic(t: &TemplateInstance) -> String {
    settings::text(&t.body, "mqttRespTopicName")
}

/// The TLS settings of an mqtt-tls device: its template's CA, else the OS's roots.
pub(super) fn tls_config(s: &MqttSettings) -> super::Result<std::sync::Arc<rustls::ClientConfig>> {
    tls::verifying_config(tls::Trust::from_template(s.ca.as_deref(), None), &[])
        .map(|(config, _)| config)
        .map_err(|e| format!("mqttServerCA: {e}").into())
}

/// Where a running virtual device reports: every log line, and (for the fleet's
/// percentiles) the time each QoS 1 publish took to be acknowledged.
pub struct Hooks<'a> {
    pub on_log: &'a (dyn Fn(LogLine) + Send + Sync),
    pub on_ack: Option<&'a (dyn Fn(f64) + Send + Sync)>,
}

/// Publishes waiting for their PUBACK, at most this many remembered (older ones are let go).
const PENDING_ACKS: usize = 256;

/// Runs the virtual device until `cancel` or `until`.
pub async fn run(
    template: &TemplateInstance,
    name: &str,
    rate_per_s: f64,
    generator: &Generator,
    cancel: CancellationToken,
    until: Option<Instant>,
    hooks: &Hooks<'_>,
) -> super::Result<MqttSummary> {
    let on_log = hooks.on_log;
    let mut pending: std::collections::VecDeque<(u16, Instant)> = std::collections::VecDeque::new();
    let s: MqttSettings = settings::mqtt(template.kind, &template.body)?;
    let resp_topic = response_topic(template);
    let started = Instant::now();
    let log = |direction: &str, subject: &str, text: String| {
        on_log(LogLine {
            at_ms: started.elapsed().as_millis() as u64,
            protocol: "mqtt".into(),
            direction: direction.into(),
            subject: subject.into(),
            text,
        })
    };
    // A fleet of thousands: a device keeps a handful of publishes in flight, not 65 535.
    let mut setup = ClientSetup::new(&s, Duration::from_secs(10), INFLIGHT);
    if template.kind == TemplateKind::MqttTls {
        setup.transport = tls_transport(tls_config(&s)?);
    }
    let options = setup.v5();
    let (client, mut events) = AsyncClient::new(options, 64);
    let period = Duration::from_secs_f64(1.0 / rate_per_s.clamp(0.01, 1000.0));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut summary = MqttSummary::default();
    let mut connected = false;
    let mut backoff = BACKOFF_START;
    let mut last_temperature = generator.base;
    let deadline = until.unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 86_400));
    log(
        "state",
        "connecting",
        format!("{}:{} as {}", s.host, s.port, s.client_id),
    );
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tick.tick(), if connected => {
                let ts_ms = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as u64)
                    .unwrap_or_default();
                let jitter = f64::from(rand_u16()) / f64::from(u16::MAX) * 2.0 - 1.0;
                let payload = generator.telemetry(ts_ms, summary.telemetry_sent + 1, jitter);
                last_temperature = payload["temperature"].as_f64().unwrap_or(last_temperature);
                let text = payload.to_string();
                if client.try_publish(s.data_topic.as_str(), QoS::AtLeastOnce, false, text.clone()).is_ok() {
                    summary.telemetry_sent += 1;
                    log("out", &s.data_topic, text);
                }
            }
            polled = events.poll() => match polled {
                Ok(Event::Incoming(Packet::ConnAck(_))) => {
                    connected = true;
                    summary.connects += 1;
                    backoff = BACKOFF_START;
                    log("state", "connected", format!("CONNACK from {}:{}", s.host, s.port));
                    if !s.req_topic.is_empty() {
                        let _ = client.try_subscribe(s.req_topic.as_str(), QoS::AtLeastOnce);
                    }
                }
                Ok(Event::Incoming(Packet::Publish(p))) => {
                    let arrived = Instant::now();
                    let topic = String::from_utf8_lossy(&p.topic).into_owned();
                    log("in", &topic, String::from_utf8_lossy(&p.payload).into_owned());
                    let state = DeviceState {
                        name,
                        uptime_s: started.elapsed().as_secs(),
                        sent: summary.telemetry_sent,
                        last_temperature,
                    };
                    if let (Some(reply), false) = (answer(&p.payload, &state), resp_topic.is_empty()) {
                        let text = reply.to_string();
                        if client.try_publish(resp_topic.as_str(), QoS::AtLeastOnce, false, text.clone()).is_ok() {
                            summary.requests_answered += 1;
                            summary.answer_ms.push(arrived.elapsed().as_secs_f64() * 1000.0);
                            log("out", &resp_topic, text);
                        }
                    }
                }
                Ok(Event::Outgoing(Outgoing::Publish(pkid))) if hooks.on_ack.is_some() => {
                    if pending.len() == PENDING_ACKS {
                        pending.pop_front();
                    }
                    pending.push_back((pkid, Instant::now()));
                }
                Ok(Event::Incoming(Packet::PubAck(ack))) => {
                    if let (Some(on_ack), Some(at)) = (hooks.on_ack, pending.iter().position(|(p, _)| *p == ack.pkid)) {
                        if let Some((_, sent)) = pending.remove(at) {
                            on_ack(sent.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => {
                    pending.clear();
                    if connected {
                        summary.disconnects += 1;
                        connected = false;
                    }
                    log("state", "disconnected", format!("{e}; trying again in {} s", backoff.as_secs()));
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        _ = tokio::time::sleep_until(deadline) => break,
                        _ = tokio::time::sleep(backoff) => {}
                    }
                    backoff = (backoff * 2).min(BACKOFF_MAX);
                }
            }
        }
    }
    if connected {
        let _ = client.try_disconnect();
        // Let the DISCONNECT go out.
        let _ = tokio::time::timeout(Duration::from_millis(200), events.poll()).await;
    }
    log(
        "state",
        "stopped",
        format!(
            "{} telemetry messages, {} requests answered",
            summary.telemetry_sent, summary.requests_answered
        ),
    );
    Ok(summary)
}

pub(super) fn rand_u16() -> u16 {
    let mut b = [0u8; 2];
    let _ = getrandom::fill(&mut b);
    u16::from_be_bytes(b)
}
