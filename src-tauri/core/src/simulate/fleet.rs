//! A fleet: N virtual devices from one model, named from a pattern (`dev-{n}`), started at a
//! chosen rate (the ramp), each publishing telemetry and answering requests like a single
//! virtual device. Live counts — started, connected, failed, messages per second, PUBACK
//! latency percentiles — are sampled once a second. Memory is bounded per device (a lean
//! MQTT client, `fleet_device.rs`: a few KiB) and for the fleet (the newest latency samples).

use super::fleet_device::{self, Broker, FleetDevice, FleetObserver};
use crate::catalog::TemplateKind;
use crate::model::TemplateInstance;
use crate::settings::MqttSettings;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::VecDeque;
use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// The newest PUBACK latencies kept for percentiles.
pub const LATENCY_SAMPLES: usize = 10_000;

/// The fleet as it stands.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FleetSnapshot {
    #[ts(type = "number")]
    pub at_ms: u64,
    pub devices: u32,
    pub started: u32,
    pub connected: u32,
    pub failed: u32,
    #[ts(type = "number")]
    pub messages_sent: u64,
    /// Messages sent in the last second.
    pub messages_per_s: f64,
    /// When every device had connected (ms since the start), once they all have: the ramp
    /// time.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub all_connected_ms: Option<u64>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_p50_ms: Option<f64>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_p90_ms: Option<f64>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ack_p99_ms: Option<f64>,
}

/// Bounded latency samples.
#[derive(Debug, Default)]
pub struct Samples {
    values: VecDeque<f64>,
}

impl Samples {
    pub fn push(&mut self, value: f64) {
        if self.values.len() == LATENCY_SAMPLES {
            self.values.pop_front();
        }
        self.values.push_back(value);
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The `p`-th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: f64) -> Option<f64> {
        if self.values.is_empty() {
            return None;
        }
        let mut sorted: Vec<f64> = self.values.iter().copied().collect();
        sorted.sort_by(f64::total_cmp);
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        Some(sorted[rank.clamp(1, sorted.len()) - 1])
    }
}

/// The device names of a pattern: `{n}` becomes 1, 2, … (a pattern without `{n}` gets `-n`).
pub fn device_names(pattern: &str, count: u32) -> Vec<String> {
    (1..=count)
        .map(|n| {
            if pattern.contains("{n}") {
                pattern.replace("{n}", &n.to_string())
            } else {
                format!("{pattern}-{n}")
            }
        })
        .collect()
}

#[derive(Default)]
struct Counters {
    started: AtomicU32,
    connected: AtomicI64,
    failed: AtomicU32,
    sent: AtomicU64,
    /// Milliseconds from the start until all were connected at once (0: not yet).
    all_connected_ms: AtomicU64,
}

/// What the fleet's devices report to: the counts and the latency samples.
struct Tally {
    counters: Counters,
    samples: Mutex<Samples>,
    total: u32,
    started: Instant,
}

impl FleetObserver for Tally {
    fn connected(&self) {
        let now = self.counters.connected.fetch_add(1, Ordering::Relaxed) + 1;
        if now == i64::from(self.total) {
            let at = self.started.elapsed().as_millis().max(1) as u64;
            let _ = self.counters.all_connected_ms.compare_exchange(
                0,
                at,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    fn disconnected(&self) {
        let _ = self
            .counters
            .connected
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |c| {
                (c > 0).then_some(c - 1)
            });
    }

    fn sent(&self) {
        self.counters.sent.fetch_add(1, Ordering::Relaxed);
    }

    fn acked(&self, ms: f64) {
        if let Ok(mut s) = self.samples.lock() {
            s.push(ms);
        }
    }
}

/// Builds a fleet's devices from their rendered templates: the broker, credentials and topics
/// are held once while they are the same device after device, one TLS configuration per CA,
/// and source addresses handed out round robin.
pub struct FleetBuilder {
    sources: Vec<IpAddr>,
    last: Option<(MqttSettings, Arc<Broker>)>,
    tls: HashMap<Option<String>, Arc<rustls::ClientConfig>>,
    built: usize,
}

impl FleetBuilder {
    pub fn new(sources: Vec<IpAddr>) -> Self {
        FleetBuilder {
            sources,
            last: None,
            tls: HashMap::new(),
            built: 0,
        }
    }

    /// The device `name` from its rendered MQTT TCP or TLS template.
    pub fn device(
        &mut self,
        name: &str,
        template: &TemplateInstance,
    ) -> super::Result<FleetDevice> {
        let mut s = crate::settings::mqtt(template.kind, &template.body)?;
        let client_id = std::mem::take(&mut s.client_id).into_boxed_str();
        let broker = match &self.last {
            Some((settings, broker)) if *settings == s => broker.clone(),
            _ => {
                let tls = match template.kind {
                    TemplateKind::MqttTls => Some(match self.tls.get(&s.ca) {
                        Some(config) => config.clone(),
                        None => {
                            let config = super::mqtt::tls_config(&s)?;
                            self.tls.insert(s.ca.clone(), config.clone());
                            config
                        }
                    }),
                    _ => None,
                };
                let broker = Arc::new(Broker {
                    host: s.host.clone(),
                    port: s.port,
                    user: s.user.clone(),
                    password: s.password.clone(),
                    req_topic: s.req_topic.clone(),
                    resp_topic: s.resp_topic.clone(),
                    data_topic: s.data_topic.clone(),
                    tls,
                });
                self.last = Some((s, broker.clone()));
                broker
            }
        };
        let source =
            (!self.sources.is_empty()).then(|| self.sources[self.built % self.sources.len()]);
        self.built += 1;
        Ok(FleetDevice {
            name: name.into(),
            client_id,
            broker,
            source,
        })
    }
}

/// Runs the fleet until `cancel` or `duration`; `on_snapshot` sees the counts each second.
pub async fn run(
    devices: Vec<FleetDevice>,
    ramp_per_s: f64,
    rate_per_s: f64,
    duration: Option<Duration>,
    cancel: CancellationToken,
    on_snapshot: &(dyn Fn(&FleetSnapshot) + Send + Sync),
) -> FleetSnapshot {
    let started = Instant::now();
    // "Until cancelled" is a year: far enough, and a plain instant for every device to share.
    let until = started + duration.unwrap_or(Duration::from_secs(365 * 86_400));
    let total = devices.len() as u32;
    let tally = Arc::new(Tally {
        counters: Counters::default(),
        samples: Mutex::new(Samples::default()),
        total,
        started,
    });
    let gap = Duration::from_secs_f64(1.0 / ramp_per_s.clamp(0.01, 10_000.0));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, device) in devices.into_iter().enumerate() {
        let (tally, cancel) = (tally.clone(), cancel.clone());
        let start_at = started + gap * i as u32;
        tasks.spawn(async move {
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = tokio::time::sleep_until(start_at) => {}
            }
            if Instant::now() >= until {
                return;
            }
            tally.counters.started.fetch_add(1, Ordering::Relaxed);
            let connects = fleet_device::run(&device, rate_per_s, &cancel, until, &*tally).await;
            if connects == 0 {
                tally.counters.failed.fetch_add(1, Ordering::Relaxed);
            }
        });
    }
    let counters = &tally.counters;
    let samples = &tally.samples;
    let snapshot = |last_sent: u64, elapsed_s: f64| {
        let sent = counters.sent.load(Ordering::Relaxed);
        let (p50, p90, p99) = samples
            .lock()
            .map(|s| (s.percentile(50.0), s.percentile(90.0), s.percentile(99.0)))
            .unwrap_or_default();
        FleetSnapshot {
            at_ms: started.elapsed().as_millis() as u64,
            devices: total,
            started: counters.started.load(Ordering::Relaxed),
            connected: counters.connected.load(Ordering::Relaxed).max(0) as u32,
            failed: counters.failed.load(Ordering::Relaxed),
            messages_sent: sent,
            messages_per_s: (sent - last_sent) as f64 / elapsed_s.max(0.001),
            all_connected_ms: Some(counters.all_connected_ms.load(Ordering::Relaxed))
                .filter(|ms| *ms > 0),
            ack_p50_ms: p50,
            ack_p90_ms: p90,
            ack_p99_ms: p99,
        }
    };
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.tick().await;
    let mut last_sent = 0;
    let mut last_at = Instant::now();
    let mut last_rate = 0.0;
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let now = snapshot(last_sent, last_at.elapsed().as_secs_f64());
                last_sent = now.messages_sent;
                last_rate = now.messages_per_s;
                last_at = Instant::now();
                on_snapshot(&now);
            }
            joined = tasks.join_next() => if joined.is_none() { break },
        }
    }
    // The final counts; the rate is the last full second's (the devices have just stopped).
    FleetSnapshot {
        messages_per_s: last_rate,
        ..snapshot(last_sent, 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_pattern() {
        assert_eq!(device_names("dev-{n}", 3), ["dev-1", "dev-2", "dev-3"]);
        assert_eq!(device_names("meter", 2), ["meter-1", "meter-2"]);
        assert!(device_names("x{n}", 0).is_empty());
    }

    #[test]
    fn percentiles_use_the_newest_samples_only() {
        let mut s = Samples::default();
        assert_eq!(s.percentile(50.0), None);
        for v in 1..=100 {
            s.push(f64::from(v));
        }
        assert_eq!(
            (s.percentile(50.0), s.percentile(90.0), s.percentile(99.0)),
            (Some(50.0), Some(90.0), Some(99.0))
        );
        for _ in 0..LATENCY_SAMPLES {
            s.push(1000.0);
        }
        assert_eq!(s.len(), LATENCY_SAMPLES, "bounded");
        assert_eq!(s.percentile(50.0), Some(1000.0));
    }
}
