//! The `paths` section of a device report: for each LoopCloud service a model uses (MQTT,
//! LwM2M, bootstrap, OTA), the ways to it that were tried from this network — the device's
//! own checks, the same template through the proxy or direct, the model's other templates for
//! the service — what each gave, and one sentence a person can act on ("8883 is blocked from
//! this network; MQTT over HTTPS on 443 works through the proxy: …").
//!
//! Pure: it reads finished checks. Which ways to try, and trying them, is `check/way_round.rs`.
//! The state words (`reachable`, `blocked`, `failed`) are the site survey's too.

use super::{Check, DiagnosisCode, Verdict};
use crate::catalog::{TemplateKind, Transport};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A LoopCloud service: what a device reaches, whichever template it uses for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Service {
    Mqtt,
    Bootstrap,
    Lwm2m,
    Ota,
}

impl Service {
    pub fn of(kind: TemplateKind) -> Service {
        match kind {
            TemplateKind::MqttTcp
            | TemplateKind::MqttTls
            | TemplateKind::MqttHttp
            | TemplateKind::MqttHttps => Service::Mqtt,
            TemplateKind::Lwm2mNosec | TemplateKind::Lwm2mPsk => Service::Lwm2m,
            TemplateKind::Lwm2mBootstrapNosec | TemplateKind::Lwm2mBootstrapPsk => {
                Service::Bootstrap
            }
            TemplateKind::Ota => Service::Ota,
        }
    }

    pub fn words(self) -> &'static str {
        match self {
            Service::Mqtt => "MQTT",
            Service::Bootstrap => "LwM2M bootstrap",
            Service::Lwm2m => "LwM2M",
            Service::Ota => "OTA",
        }
    }
}

/// What a kind's connection is, in the words a firewall request uses.
pub fn protocol_words(kind: TemplateKind) -> &'static str {
    match kind {
        TemplateKind::MqttTcp => "MQTT over TCP",
        TemplateKind::MqttTls => "MQTT over TLS",
        TemplateKind::MqttHttp => "MQTT over HTTP",
        TemplateKind::MqttHttps => "MQTT over HTTPS",
        TemplateKind::Lwm2mNosec => "LwM2M",
        TemplateKind::Lwm2mPsk => "LwM2M over DTLS",
        TemplateKind::Lwm2mBootstrapNosec => "LwM2M bootstrap",
        TemplateKind::Lwm2mBootstrapPsk => "LwM2M bootstrap over DTLS",
        TemplateKind::Ota => "OTA (hawkBit DDI) over HTTPS",
    }
}

/// How far a way got: through and working, through but failing for another reason (the
/// network is fine, the device's data is not), or never through the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Reach {
    Reachable,
    Blocked,
    Failed,
}

/// Straight from this computer, or through the HTTP proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Route {
    Direct,
    Proxy,
}

/// One way to a service, and how it went.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Way {
    /// The template kind that went this way.
    pub kind: TemplateKind,
    pub host: String,
    pub port: u16,
    pub transport: Transport,
    pub via: Route,
    pub state: Reach,
    /// The check's diagnosis on this way.
    pub code: DiagnosisCode,
    /// `false`: the device's own check in this report; `true`: tried to find a way round.
    pub extra: bool,
}

/// The ways to one service and the advice they add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServicePaths {
    pub service: Service,
    pub ways: Vec<Way>,
    pub advice: String,
}

/// The proxy a run went through where one applied, as its report's header names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProxyInUse {
    /// `http://user:••••••@host:port`: the password is never shown.
    pub url: String,
    /// `--proxy`, `the project's PROXY_URL`, `$HTTPS_PROXY`, …
    pub source: String,
    /// Whether MQTT over TCP/TLS went through it too.
    pub mqtt: bool,
}

/// Codes that mean nothing got through to the server: no name, no connection, the proxy
/// would not (or could not) open the way, or a UDP server that never answered.
const BLOCKING: &[DiagnosisCode] = &[
    DiagnosisCode::DnsFailed,
    DiagnosisCode::TcpRefused,
    DiagnosisCode::TcpTimeout,
    DiagnosisCode::TcpReset,
    DiagnosisCode::UdpUnreachable,
    DiagnosisCode::UdpNoReply,
    DiagnosisCode::DtlsNoReply,
    DiagnosisCode::CoapNoReply,
    DiagnosisCode::ProxyUnreachable,
    DiagnosisCode::ProxyAuthRequired,
    DiagnosisCode::ProxyDenied,
    DiagnosisCode::ProxyError,
];

/// Rungs that only open the way; a rung past them that passed means the server answered.
const OPENING_RUNGS: &[&str] = &["dns", "tcp", "udp", "proxy", "server-udp"];

/// How far a finished check got.
pub fn reach(check: &Check) -> Reach {
    if matches!(check.verdict, Verdict::Pass | Verdict::Warn) {
        return Reach::Reachable;
    }
    let answered = check
        .steps
        .iter()
        .any(|s| s.ok && !OPENING_RUNGS.contains(&s.name.as_str()));
    if !answered && BLOCKING.contains(&check.code) {
        Reach::Blocked
    } else {
        Reach::Failed
    }
}

/// The route a finished check took: through the proxy when it climbed a `proxy` rung.
pub fn route(check: &Check) -> Route {
    if check.steps.iter().any(|s| s.name == "proxy") {
        Route::Proxy
    } else {
        Route::Direct
    }
}

/// The host and port a check's endpoint names: `host:port`, `host:port/udp`, or a URL.
pub fn host_and_port(endpoint: &str) -> Option<(String, u16)> {
    if endpoint.contains("://") {
        let url = url::Url::parse(endpoint).ok()?;
        let host = url.host_str()?.trim_matches(['[', ']']).to_string();
        return Some((host, url.port_or_known_default()?));
    }
    let address = endpoint.strip_suffix("/udp").unwrap_or(endpoint);
    let (host, port) = address.rsplit_once(':')?;
    let host = host.trim_matches(['[', ']']);
    let port = port.parse().ok()?;
    (!host.is_empty()).then(|| (host.to_string(), port))
}

/// The way a finished check of `kind` went, or `None` when it never named a server (bad
/// input, cancelled).
pub fn way_of(kind: TemplateKind, check: &Check, extra: bool) -> Option<Way> {
    let (host, port) = host_and_port(&check.endpoint)?;
    Some(Way {
        kind,
        host,
        port,
        transport: kind.spec().transport,
        via: route(check),
        state: reach(check),
        code: check.code,
        extra,
    })
}

fn transport_word(t: Transport) -> &'static str {
    match t {
        Transport::Tcp => "TCP",
        Transport::Udp => "UDP",
    }
}

fn via_words(via: Route) -> &'static str {
    match via {
        Route::Direct => "directly",
        Route::Proxy => "through the proxy",
    }
}

/// "a, b and c".
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "TCP 8883" or "TCP 8883 through the proxy", each blocked way once.
fn blocked_words(blocked: &[&Way]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in blocked {
        let mut text = format!("{} {}", transport_word(w.transport), w.port);
        if w.via == Route::Proxy {
            text.push_str(" through the proxy");
        }
        if !words.contains(&text) {
            words.push(text);
        }
    }
    words
}

/// What to ask IT for: outbound TCP/UDP to each host, its ports together.
fn ask_it(blocked: &[&Way]) -> String {
    let mut asks: Vec<(String, Transport, Vec<u16>)> = Vec::new();
    for w in blocked.iter().filter(|w| w.via == Route::Direct) {
        match asks
            .iter_mut()
            .find(|(h, t, _)| *h == w.host && *t == w.transport)
        {
            Some((_, _, ports)) if ports.contains(&w.port) => {}
            Some((_, _, ports)) => ports.push(w.port),
            None => asks.push((w.host.clone(), w.transport, vec![w.port])),
        }
    }
    let items: Vec<String> = asks
        .iter()
        .map(|(host, transport, ports)| {
            let ports: Vec<String> = ports.iter().map(u16::to_string).collect();
            let replies = if *transport == Transport::Udp {
                " (and its replies)"
            } else {
                ""
            };
            format!(
                "outbound {} {} to {host}{replies}",
                transport_word(*transport),
                listed(&ports)
            )
        })
        .collect();
    if items.is_empty() {
        "ask IT to let the proxy open these ports".into()
    } else {
        format!("ask IT to allow {}", listed(&items))
    }
}

/// What `way` is, in a sentence: "MQTT over HTTPS on 443".
fn way_words(way: &Way) -> String {
    format!("{} on {}", protocol_words(way.kind), way.port)
}

/// The one sentence the ways to `service` add up to.
pub fn advice(service: Service, ways: &[Way]) -> String {
    let blocked: Vec<&Way> = ways.iter().filter(|w| w.state == Reach::Blocked).collect();
    let mut reachable: Vec<&Way> = ways
        .iter()
        .filter(|w| w.state == Reach::Reachable)
        .collect();
    // A device rarely speaks to a proxy: a direct way is the better advice; through a
    // proxy, HTTP (which most HTTP clients can send through one) before an MQTT tunnel.
    reachable.sort_by_key(|w| {
        let tunnel = matches!(w.kind, TemplateKind::MqttTcp | TemplateKind::MqttTls);
        (w.via == Route::Proxy, tunnel)
    });
    let failed: Vec<&Way> = ways.iter().filter(|w| w.state == Reach::Failed).collect();
    let name = service.words();
    if blocked.is_empty() {
        return match (reachable.first(), failed.first()) {
            (Some(w), None) => format!("{name} gets through: {} works {}.", way_words(w), via_words(w.via)),
            (_, Some(w)) => format!(
                "The network lets {name} through ({} answers {}); what fails ({}) is not the path: see that check.",
                way_words(w),
                via_words(w.via),
                super::word(w.code)
            ),
            (None, None) => format!("{name}: nothing was tried."),
        };
    }
    let words = blocked_words(&blocked);
    let verb = if words.len() == 1 { "is" } else { "are" };
    let stopped = format!("{} {verb} blocked from this network", listed(&words));
    if let Some(w) = reachable.first() {
        let use_it = if blocked.iter().any(|b| b.kind == w.kind) {
            match w.via {
                // The same template works through the tunnel: only MQTT TCP/TLS get here.
                Route::Proxy => {
                    "send it through the proxy (the project's PROXY_MQTT=true, loopcheck --proxy-mqtt)".to_string()
                }
                Route::Direct => format!("let {} go direct (NO_PROXY, loopcheck --no-proxy)", w.host),
            }
        } else {
            format!("use the {} template", w.kind.name())
        };
        return format!(
            "{stopped}; {} works {}: {use_it}, or {}.",
            way_words(w),
            via_words(w.via),
            ask_it(&blocked)
        );
    }
    if let Some(w) = failed.first() {
        return format!(
            "{stopped}; {} gets through {} but fails for another reason ({}): fix that and use it, or {}.",
            way_words(w),
            via_words(w.via),
            super::word(w.code),
            ask_it(&blocked)
        );
    }
    format!(
        "No way to {name} gets through from this network ({}): {}.",
        listed(&words),
        ask_it(&blocked)
    )
}

#[cfg(test)]
#[path = "paths_tests.rs"]
mod tests;
