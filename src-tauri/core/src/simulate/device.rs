//! One virtual device with every protocol its model has, side by side: MQTT (TCP or TLS),
//! HTTP(S) publishing, LwM2M (after bootstrap when the model has one) and OTA polling. Each
//! runs on its own until the device is stopped; their log lines share one stream, each
//! marked with its protocol, so the Demo view can show a state per protocol.

use super::http::{self, HttpSummary};
use super::log::LogLine;
use super::lwm2m::{self as lwm2m_device, Lwm2mPlan, Lwm2mSummary};
use super::mqtt::{self, Hooks, MqttSummary};
use super::ota::{self, OtaSummary};
use super::payloads::Generator;
use crate::catalog::TemplateKind;
use crate::check::RunContext;
use crate::model::TemplateInstance;
use crate::settings;
use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// How each protocol of the virtual device went (absent: the model does not have it).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SimulationSummary {
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mqtt: Option<MqttSummary>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpSummary>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lwm2m: Option<Lwm2mSummary>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ota: Option<OtaSummary>,
}

impl SimulationSummary {
    /// Whether any protocol got through at least once (a connect, a registration, an
    /// accepted post, a poll that worked).
    pub fn came_alive(&self) -> bool {
        self.mqtt.as_ref().is_some_and(|m| m.connects > 0)
            || self.http.as_ref().is_some_and(|h| h.accepted > 0)
            || self.lwm2m.as_ref().is_some_and(|l| l.registrations > 0)
            || self.ota.as_ref().is_some_and(|o| o.polls > o.failed_polls)
    }

    /// One line per protocol, for the CLI.
    pub fn lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(m) = &self.mqtt {
            out.push(format!(
                "mqtt: {} connects, {} disconnects, {} telemetry messages, {} requests answered",
                m.connects, m.disconnects, m.telemetry_sent, m.requests_answered
            ));
        }
        if let Some(h) = &self.http {
            out.push(format!(
                "http: {} posts accepted, {} refused (last: {})",
                h.accepted, h.refused, h.last
            ));
        }
        if let Some(l) = &self.lwm2m {
            out.push(format!(
                "lwm2m: {} bootstraps, {} registrations, {} updates, {} requests answered, {} notifications{}",
                l.bootstraps,
                l.registrations,
                l.updates,
                l.requests_answered,
                l.notifications_sent,
                if l.observed.is_empty() { String::new() } else { format!(" (observed {})", l.observed.join(", ")) }
            ));
        }
        if let Some(o) = &self.ota {
            out.push(format!(
                "ota: {} polls, {} failed{}",
                o.polls,
                o.failed_polls,
                if o.pending.is_empty() {
                    String::new()
                } else {
                    format!("; pending: {}", o.pending.join("; "))
                }
            ));
        }
        out
    }
}

/// How the virtual device behaves.
#[derive(Debug, Clone)]
pub struct DeviceOptions {
    /// Telemetry messages (and sensor updates) per second.
    pub rate_per_s: f64,
    /// The LwM2M registration lifetime asked for.
    pub lifetime_s: u32,
    pub generator: Generator,
}

/// The templates the virtual device runs, one per protocol.
struct Chosen<'a> {
    mqtt: Option<&'a TemplateInstance>,
    http: Option<&'a TemplateInstance>,
    lwm2m: Option<&'a TemplateInstance>,
    bootstrap: Option<&'a TemplateInstance>,
    ota: Option<&'a TemplateInstance>,
}

fn first<'a>(all: &'a [TemplateInstance], kinds: &[TemplateKind]) -> Option<&'a TemplateInstance> {
    all.iter().find(|t| kinds.contains(&t.kind))
}

/// Picks the templates, and finds bad input in them before anything connects.
fn choose(all: &[TemplateInstance]) -> super::Result<Chosen<'_>> {
    use TemplateKind as K;
    let chosen = Chosen {
        mqtt: first(all, &[K::MqttTcp, K::MqttTls]),
        http: first(all, &[K::MqttHttp, K::MqttHttps]),
        lwm2m: first(all, &[K::Lwm2mNosec, K::Lwm2mPsk]),
        bootstrap: first(all, &[K::Lwm2mBootstrapNosec, K::Lwm2mBootstrapPsk]),
        ota: first(all, &[K::Ota]),
    };
    let title = |t: &TemplateInstance| t.kind.name().to_string();
    if let Some(t) = chosen.mqtt {
        let s = settings::mqtt(t.kind, &t.body).map_err(|e| format!("{}: {e}", title(t)))?;
        if t.kind == K::MqttTls {
            mqtt::tls_config(&s).map_err(|e| format!("{}: {e}", title(t)))?;
        }
    }
    if let Some(t) = chosen.http {
        settings::http(t.kind, &t.body).map_err(|e| format!("{}: {e}", title(t)))?;
    }
    if let Some(t) = chosen.lwm2m {
        settings::lwm2m(t.kind, &t.body).map_err(|e| format!("{}: {e}", title(t)))?;
    }
    if let Some(t) = chosen.bootstrap {
        settings::lwm2m(t.kind, &t.body).map_err(|e| format!("{}: {e}", title(t)))?;
    }
    let nothing = chosen.mqtt.is_none()
        && chosen.http.is_none()
        && chosen.lwm2m.is_none()
        && chosen.bootstrap.is_none()
        && chosen.ota.is_none();
    if nothing {
        return Err("the model has no MQTT, HTTP, LwM2M or OTA template to simulate".into());
    }
    Ok(chosen)
}

/// Runs the virtual device until `cancel` or `until`. `ctx` carries the time one exchange
/// may take and the variables checks read (the extra CA, the OTA controller id and
/// passphrase).
pub async fn run(
    templates: &[TemplateInstance],
    name: &str,
    options: &DeviceOptions,
    ctx: &RunContext,
    cancel: CancellationToken,
    until: Option<Instant>,
    on_log: &(dyn Fn(LogLine) + Send + Sync),
) -> super::Result<SimulationSummary> {
    let chosen = choose(templates)?;
    let timeout: Duration = ctx.rung_timeout;
    let hooks = Hooks {
        on_log,
        on_ack: None,
    };
    let mqtt_side = async {
        match chosen.mqtt {
            Some(t) => Some(
                mqtt::run(
                    t,
                    name,
                    options.rate_per_s,
                    &options.generator,
                    cancel.clone(),
                    until,
                    &hooks,
                )
                .await,
            ),
            None => None,
        }
    };
    let http_side = async {
        match chosen.http {
            Some(t) => Some(
                http::run(
                    t,
                    ctx.extra_ca.as_deref(),
                    options,
                    timeout,
                    cancel.clone(),
                    until,
                    on_log,
                )
                .await,
            ),
            None => None,
        }
    };
    let lwm2m_plan = Lwm2mPlan {
        server: chosen.lwm2m,
        bootstrap: chosen.bootstrap,
        lifetime_s: options.lifetime_s,
        exchange_timeout: timeout,
        resolver: &ctx.resolver,
    };
    let lwm2m_side = async {
        if chosen.lwm2m.is_none() && chosen.bootstrap.is_none() {
            return None;
        }
        Some(
            lwm2m_device::run(
                &lwm2m_plan,
                &options.generator,
                options.rate_per_s,
                cancel.clone(),
                until,
                on_log,
            )
            .await,
        )
    };
    let ota_side = async {
        match chosen.ota {
            Some(t) => Some(ota::run(t, templates, ctx, cancel.clone(), until, on_log).await),
            None => None,
        }
    };
    let (mqtt, http, lwm2m, ota) = tokio::join!(mqtt_side, http_side, lwm2m_side, ota_side);
    Ok(SimulationSummary {
        mqtt: mqtt.transpose()?,
        http: http.transpose()?,
        lwm2m: lwm2m.transpose()?,
        ota,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_input_is_found_before_anything_runs() {
        let mut mqtt = TemplateInstance::canonical(TemplateKind::MqttTcp);
        mqtt.body.insert("mqttHostName".into(), "".into());
        let err = choose(std::slice::from_ref(&mqtt))
            .err()
            .unwrap()
            .to_string();
        assert!(err.starts_with("mqtt-tcp: "), "{err}");
        let mut tls = TemplateInstance::canonical(TemplateKind::MqttTls);
        tls.body.insert("mqttHostName".into(), "h".into());
        tls.body.insert("mqttSslPort".into(), "8883".into());
        tls.body.insert("mqttClientId".into(), "c".into());
        tls.body.insert("mqttDataTopicName".into(), "d".into());
        tls.body.insert(
            "mqttServerCA".into(),
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n".into(),
        );
        let err = choose(std::slice::from_ref(&tls))
            .err()
            .unwrap()
            .to_string();
        assert!(err.starts_with("mqtt-tls: mqttServerCA"), "{err}");
        let err = choose(&[]).err().unwrap().to_string();
        assert!(
            err.contains("no MQTT, HTTP, LwM2M or OTA template"),
            "{err}"
        );
    }

    #[test]
    fn only_a_device_that_got_through_came_alive() {
        let mut summary = SimulationSummary {
            lwm2m: Some(Lwm2mSummary::default()),
            ..SimulationSummary::default()
        };
        assert!(!summary.came_alive());
        summary.ota = Some(OtaSummary {
            polls: 2,
            failed_polls: 1,
            ..OtaSummary::default()
        });
        assert!(summary.came_alive());
        assert_eq!(summary.lines().len(), 2);
    }
}
