//! The virtual LwM2M device's own side: its objects (Device, Temperature with the
//! generator's values, the clock), the observations a server set up, and the answer to each
//! request — plus the small helpers its sessions share (a bare response, a name resolved
//! through the run's resolver).

use super::log::LogLine;
use super::payloads::Generator;
use crate::lwm2m::objects::Value;
use crate::lwm2m::observe::Observations;
use crate::lwm2m::registration::{self, TestDevice};
use crate::model::TemplateInstance;
use crate::net::dtls::Psk;
use crate::settings::{self, Lwm2mSettings};
use coap_lite::{MessageClass, Packet, ResponseType};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

/// The device's objects, its observations, and what it answered.
pub(super) struct LiveDevice {
    pub(super) objects: TestDevice,
    pub(super) observations: Observations,
    pub(super) answered: u64,
    /// Lines the request handler produced, flushed to the log by the session.
    pub(super) pending_lines: Vec<(String, String, String)>,
}

impl LiveDevice {
    pub(super) fn new(endpoint: &str) -> LiveDevice {
        LiveDevice {
            objects: TestDevice::new(endpoint),
            observations: Observations::default(),
            answered: 0,
            pending_lines: Vec::new(),
        }
    }

    /// The values as they are now: the temperature from the generator, the clock.
    pub(super) fn refresh(&mut self, generator: &Generator, counter: u64) {
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let jitter = f64::from(super::mqtt::rand_u16()) / f64::from(u16::MAX) * 2.0 - 1.0;
        let reading = generator.telemetry(now_ms, counter, jitter);
        if let (Some(t), Some(value)) = (
            self.objects.objects.get_mut(&3303),
            reading["temperature"].as_f64(),
        ) {
            t.insert(5700, Value::Float(value));
        }
        if let Some(d) = self.objects.objects.get_mut(&3) {
            d.insert(13, Value::Time((now_ms / 1000) as i64));
        }
    }

    /// Answers a request from the server, observations included.
    pub(super) fn answer(&mut self, request: &Packet) -> Packet {
        let (mut reply, served) = registration::answer(&self.objects, request);
        let observing = self.observations.on_request(request, &mut reply);
        self.answered += 1;
        let mut text = served.code.clone();
        if let Some(format) = served.content_format {
            text.push_str(&format!(", format {format}, {} bytes", served.bytes));
        }
        if let Some(what) = observing {
            text.push_str(&format!(" ({what})"));
        }
        self.pending_lines.push((
            "in".into(),
            format!("{} {}", served.method, served.path),
            text,
        ));
        reply
    }
}

pub(super) fn response(code: ResponseType) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Response(code);
    p
}

/// `host:port` through `resolver` (the first address, as a device would pick it).
pub(super) async fn resolve(
    resolver: &crate::net::Resolver,
    host: &str,
    port: u16,
    timeout: Duration,
) -> super::Result<SocketAddr> {
    let ips = resolver.resolve(host, timeout).await?;
    ips.first()
        .map(|ip| SocketAddr::new(*ip, port))
        .ok_or_else(|| format!("{host} has no address").into())
}

/// Where to register and with what.
pub(super) struct Target {
    pub(super) host: String,
    pub(super) port: u16,
    pub(super) endpoint: String,
    pub(super) psk: Option<Psk>,
}

/// Sends log lines stamped with the time since the simulation started.
pub(super) struct Logger<'a> {
    pub(super) started: Instant,
    pub(super) sink: &'a (dyn Fn(LogLine) + Send + Sync),
}

impl Logger<'_> {
    pub(super) fn line(&self, direction: &str, subject: &str, text: String) {
        (self.sink)(LogLine {
            at_ms: self.started.elapsed().as_millis() as u64,
            protocol: "lwm2m".into(),
            direction: direction.into(),
            subject: subject.into(),
            text,
        });
    }
}

pub(super) fn target_from(t: &TemplateInstance) -> super::Result<Target> {
    let s: Lwm2mSettings = settings::lwm2m(t.kind, &t.body)?;
    Ok(Target {
        host: s.host,
        port: s.port,
        endpoint: s.endpoint,
        psk: s.security.map(|p| p.psk),
    })
}
