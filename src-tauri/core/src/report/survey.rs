//! A site survey's document: for every endpoint the chosen devices' models name, whether this
//! network reaches it (from the devices' own checks), and the firewall request for the
//! customer's IT — one rule per host, port and transport the models need, with what it is for
//! — as JSON, CSV and a section of the HTML page. Pure: the reports and the models' endpoints
//! come in; sorting makes two surveys of one site diff line by line.

use super::paths::{host_and_port, protocol_words, reach, route, Reach, Route};
use super::{DiagnosisCode, Report};
use crate::catalog::{TemplateKind, Transport};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use ts_rs::TS;

/// One host, port and transport the devices use, and how this network reaches it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SurveyEndpoint {
    pub host: String,
    pub addresses: Vec<String>,
    pub port: u16,
    pub transport: Transport,
    /// The port table's service name: `mqtts`, `lwm2m-dtls`, …
    pub service: String,
    pub templates: Vec<TemplateKind>,
    pub devices: Vec<String>,
    pub state: Reach,
    pub code: DiagnosisCode,
    pub hint: String,
    pub via: Route,
}

/// One line of the firewall request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FirewallRule {
    pub host: String,
    pub addresses: Vec<String>,
    pub port: u16,
    pub transport: Transport,
    /// `MQTT over TLS`, `LwM2M over DTLS`, …
    pub protocol: String,
    pub purpose: String,
    /// Always `outbound`: devices open every connection.
    pub direction: String,
    /// What this survey saw on it.
    pub state: Reach,
    /// For UDP: replies must come back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct SurveySummary {
    pub endpoints: u32,
    pub reachable: u32,
    pub blocked: u32,
    pub failed: u32,
}

/// The survey of a project's devices (the `--json` document and `--report FILE.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Survey {
    pub tool: String,
    pub version: String,
    pub started_at: String,
    pub project: String,
    /// The proxy the checks went through, password masked, when one applied.
    pub proxy: Option<String>,
    pub devices: Vec<String>,
    pub endpoints: Vec<SurveyEndpoint>,
    pub rules: Vec<FirewallRule>,
    /// Each device's report (by name), then each host's port sweep.
    pub reports: Vec<Report>,
    pub summary: SurveySummary,
}

impl Survey {
    /// Exit 0 only when every endpoint is reachable and every device's checks passed (a
    /// credential failure on a reachable network is still a failed survey).
    pub fn passed(&self) -> bool {
        self.summary.blocked == 0
            && self.summary.failed == 0
            && self.device_reports().all(Report::passed)
    }

    /// Whether a check of the survey (a device's or a sweep's) was cancelled: such a survey
    /// is shown but not kept, since its unfinished endpoints would read as changes later.
    pub fn was_cancelled(&self) -> bool {
        self.reports.iter().any(Report::was_cancelled)
    }

    /// The devices' reports (the rest are the hosts' port sweeps, which only inform: a
    /// LoopCloud port a model does not use may well be closed).
    pub fn device_reports(&self) -> impl Iterator<Item = &Report> {
        self.reports
            .iter()
            .filter(|r| r.target.get("device").is_some())
    }
}

/// What a kind's connection is for, in the words of the reference's port table.
pub fn purpose(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::MqttTcp | TemplateKind::MqttTls => {
            "devices publish data to LoopCloud's MQTT broker and take requests from it"
        }
        TemplateKind::MqttHttp | TemplateKind::MqttHttps => {
            "devices publish data to LoopCloud over HTTP"
        }
        TemplateKind::Lwm2mNosec | TemplateKind::Lwm2mPsk => {
            "device management: devices register with LoopCloud's LwM2M server and answer it"
        }
        TemplateKind::Lwm2mBootstrapNosec | TemplateKind::Lwm2mBootstrapPsk => {
            "first start: devices fetch their LwM2M server settings from the bootstrap server"
        }
        TemplateKind::Ota => "over-the-air updates: devices poll the update server",
    }
}

/// The port table's name for a kind's port (`mqtts` for mqtt-tls, …).
pub fn service_name(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::MqttTcp => "mqtt",
        TemplateKind::MqttTls => "mqtts",
        TemplateKind::MqttHttp => "http",
        TemplateKind::MqttHttps | TemplateKind::Ota => "https",
        TemplateKind::Lwm2mNosec => "lwm2m",
        TemplateKind::Lwm2mPsk => "lwm2m-dtls",
        TemplateKind::Lwm2mBootstrapNosec => "bootstrap",
        TemplateKind::Lwm2mBootstrapPsk => "bootstrap-dtls",
    }
}

const UDP_NOTE: &str = "replies must come back: allow the UDP answers (stateful UDP), and keep the NAT binding longer than the LwM2M lifetime, or use queue mode";

/// An endpoint the models name: host, port, transport, and the kind that uses it.
pub type Need = (String, u16, Transport, TemplateKind);

/// Endpoints and rules from the devices' reports (`(device, report)`), the models' needs and
/// the addresses each host resolves to now.
pub fn assemble(
    reports: &[(String, Report)],
    needs: &[(String, Need)],
    addresses: &BTreeMap<String, Vec<String>>,
) -> (Vec<SurveyEndpoint>, Vec<FirewallRule>) {
    type Key = (String, u16, bool);
    let key = |host: &str, port: u16, transport: Transport| {
        (host.to_ascii_lowercase(), port, transport == Transport::Udp)
    };
    let mut endpoints: BTreeMap<Key, SurveyEndpoint> = BTreeMap::new();
    for (device, report) in reports {
        for check in &report.checks {
            let Some(kind) = TemplateKind::from_name(&check.kind) else {
                continue;
            };
            let Some((host, port)) = host_and_port(&check.endpoint) else {
                continue;
            };
            let transport = kind.spec().transport;
            let state = reach(check);
            let entry = endpoints
                .entry(key(&host, port, transport))
                .or_insert_with(|| SurveyEndpoint {
                    addresses: addresses.get(&host).cloned().unwrap_or_default(),
                    host: host.clone(),
                    port,
                    transport,
                    service: service_name(kind).into(),
                    templates: Vec::new(),
                    devices: Vec::new(),
                    state,
                    code: check.code,
                    hint: check.hint.clone(),
                    via: route(check),
                });
            if !entry.templates.contains(&kind) {
                entry.templates.push(kind);
            }
            if !entry.devices.contains(device) {
                entry.devices.push(device.clone());
            }
            // The network reaches an endpoint when any device got through to it.
            if rank(state) > rank(entry.state) {
                entry.state = state;
                entry.code = check.code;
                entry.hint = check.hint.clone();
                entry.via = route(check);
            }
        }
    }
    let mut rules: BTreeMap<Key, FirewallRule> = BTreeMap::new();
    for (_, (host, port, transport, kind)) in needs {
        let k = key(host, *port, *transport);
        let state = endpoints
            .get(&k)
            .map_or(Reach::Failed, |endpoint| endpoint.state);
        let rule = rules.entry(k).or_insert_with(|| FirewallRule {
            host: host.clone(),
            addresses: addresses.get(host).cloned().unwrap_or_default(),
            port: *port,
            transport: *transport,
            protocol: String::new(),
            purpose: String::new(),
            direction: "outbound".into(),
            state,
            note: (*transport == Transport::Udp).then(|| UDP_NOTE.into()),
        });
        let (protocol, why) = (protocol_words(*kind), purpose(*kind));
        if !rule.protocol.split(" / ").any(|p| p == protocol) {
            rule.protocol = join(&rule.protocol, protocol, " / ");
        }
        if !rule.purpose.split("; ").any(|p| p == why) {
            rule.purpose = join(&rule.purpose, why, "; ");
        }
    }
    let mut endpoints: Vec<SurveyEndpoint> = endpoints.into_values().collect();
    for e in &mut endpoints {
        e.templates.sort();
        e.devices.sort();
    }
    (endpoints, rules.into_values().collect())
}

fn join(so_far: &str, more: &str, between: &str) -> String {
    if so_far.is_empty() {
        more.to_string()
    } else {
        format!("{so_far}{between}{more}")
    }
}

fn rank(state: Reach) -> u8 {
    match state {
        Reach::Blocked => 0,
        Reach::Failed => 1,
        Reach::Reachable => 2,
    }
}

pub fn summarise(endpoints: &[SurveyEndpoint]) -> SurveySummary {
    let count = |s: Reach| endpoints.iter().filter(|e| e.state == s).count() as u32;
    SurveySummary {
        endpoints: endpoints.len() as u32,
        reachable: count(Reach::Reachable),
        blocked: count(Reach::Blocked),
        failed: count(Reach::Failed),
    }
}

/// The rules as CSV for a change request: a header row, one row per rule. Cells that a
/// spreadsheet would run as a formula are prefixed with `'`.
pub fn rules_csv(rules: &[FirewallRule]) -> String {
    let mut out =
        String::from("direction,host,addresses,port,transport,protocol,purpose,note,state\n");
    for r in rules {
        let cells = [
            r.direction.clone(),
            r.host.clone(),
            r.addresses.join(" "),
            r.port.to_string(),
            super::word(r.transport).to_uppercase(),
            r.protocol.clone(),
            r.purpose.clone(),
            r.note.clone().unwrap_or_default(),
            super::word(r.state),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    out
}

fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
#[path = "survey_tests.rs"]
mod tests;
