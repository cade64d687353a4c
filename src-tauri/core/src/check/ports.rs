//! The port sweep: every port of the reference's table (or those asked for), each probed
//! with its own protocol, all at once. States follow nmap: `open` only when the expected
//! protocol answered (a port that accepts but does not speak it is `open` with a warning),
//! `closed`, `filtered`, `open|filtered` (UDP silence), `dns-failed`.

use super::port_probe::{self, Via};
use super::runner::AbortOnDrop;
use super::RunContext;
use crate::report::reproduce::Command;
use crate::report::{Check, DiagnosisCode, PortState, Report, Step, Transport, Verdict};
use serde_json::json;
use std::net::SocketAddr;

/// A LoopCloud service of the reference's port table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Http,
    Https,
    Mqtt,
    Mqtts,
    Lwm2m,
    Lwm2mDtls,
    Bootstrap,
    BootstrapDtls,
    Minio,
    Insights,
}

/// How a service is probed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Http,
    TlsHttp,
    Mqtt,
    TlsMqtt,
    CoapPing,
    DtlsHello,
}

impl Service {
    pub const ALL: [Service; 10] = [
        Service::Http,
        Service::Https,
        Service::Lwm2m,
        Service::Lwm2mDtls,
        Service::Bootstrap,
        Service::BootstrapDtls,
        Service::Mqtt,
        Service::Mqtts,
        Service::Minio,
        Service::Insights,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Service::Http => "http",
            Service::Https => "https",
            Service::Mqtt => "mqtt",
            Service::Mqtts => "mqtts",
            Service::Lwm2m => "lwm2m",
            Service::Lwm2mDtls => "lwm2m-dtls",
            Service::Bootstrap => "bootstrap",
            Service::BootstrapDtls => "bootstrap-dtls",
            Service::Minio => "minio",
            Service::Insights => "insights",
        }
    }

    /// The port the reference documents.
    pub fn port(self) -> u16 {
        match self {
            Service::Http => 80,
            Service::Https => 443,
            Service::Mqtt => 1883,
            Service::Mqtts => 8883,
            Service::Lwm2m => 5683,
            Service::Lwm2mDtls => 5684,
            Service::Bootstrap => 15683,
            Service::BootstrapDtls => 15684,
            Service::Minio => 9443,
            Service::Insights => 9444,
        }
    }

    pub fn probe(self) -> Probe {
        match self {
            Service::Http => Probe::Http,
            Service::Https | Service::Minio | Service::Insights => Probe::TlsHttp,
            Service::Mqtt => Probe::Mqtt,
            Service::Mqtts => Probe::TlsMqtt,
            Service::Lwm2m | Service::Bootstrap => Probe::CoapPing,
            Service::Lwm2mDtls | Service::BootstrapDtls => Probe::DtlsHello,
        }
    }

    pub fn transport(self) -> Transport {
        match self.probe() {
            Probe::CoapPing | Probe::DtlsHello => Transport::Udp,
            _ => Transport::Tcp,
        }
    }

    /// The service as the reference's table names it.
    pub fn title(self) -> &'static str {
        match self {
            Service::Http => "HTTP",
            Service::Https => "HTTPS",
            Service::Mqtt => "MQTT",
            Service::Mqtts => "MQTTS",
            Service::Lwm2m => "LWM2M",
            Service::Lwm2mDtls => "LWM2M DTLS",
            Service::Bootstrap => "Bootstrap",
            Service::BootstrapDtls => "Bootstrap DTLS",
            Service::Minio => "Minio",
            Service::Insights => "LoopInsights",
        }
    }

    /// What the service is for, in a few words.
    pub fn summary(self) -> &'static str {
        match self {
            Service::Http => "Web API and MQTT over HTTP",
            Service::Https => "Web API and MQTT over HTTPS",
            Service::Mqtt => "MQTT over plain TCP",
            Service::Mqtts => "MQTT over TLS",
            Service::Lwm2m => "LWM2M over CoAP",
            Service::Lwm2mDtls => "LWM2M over DTLS",
            Service::Bootstrap => "LWM2M bootstrap server",
            Service::BootstrapDtls => "LWM2M bootstrap over DTLS",
            Service::Minio => "offline deployments",
            Service::Insights => "LoopInsights web UI",
        }
    }

    /// What the sweep sends to tell the service from anything else on the port.
    pub fn probe_words(self) -> &'static str {
        match self.probe() {
            Probe::Http => "HTTP HEAD",
            Probe::TlsHttp => "TLS hello, then HTTP HEAD",
            Probe::Mqtt => "MQTT CONNECT",
            Probe::TlsMqtt => "TLS hello, then MQTT CONNECT",
            Probe::CoapPing => "CoAP ping",
            Probe::DtlsHello => "DTLS ClientHello",
        }
    }

    fn from_name(name: &str) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.name() == name)
    }

    fn from_port(port: u16) -> Option<Service> {
        Service::ALL.into_iter().find(|s| s.port() == port)
    }
}

/// One port to probe: a service, possibly on a non-standard port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortSpec {
    pub service: Service,
    pub port: u16,
}

/// The reference's table.
pub fn default_specs() -> Vec<PortSpec> {
    Service::ALL
        .into_iter()
        .map(|service| PortSpec {
            service,
            port: service.port(),
        })
        .collect()
}

/// Parses `--ports`: comma-separated reference port numbers (`8883`) or `SERVICE=PORT`
/// (`mqtts=18883`).
pub fn parse_specs(text: &str) -> super::Result<Vec<PortSpec>> {
    use super::Error;
    let names: Vec<&str> = Service::ALL.iter().map(|s| s.name()).collect();
    let shown = |t: &str| crate::text::printable(t, 40);
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|item| match item.split_once('=') {
            Some((name, port)) => {
                let service = Service::from_name(name).ok_or_else(|| Error::UnknownService {
                    name: shown(name),
                    known: names.join(", "),
                })?;
                let port = port
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| Error::NotAPort(shown(port)))?;
                Ok(PortSpec { service, port })
            }
            None => {
                let port: u16 = item.parse().map_err(|_| Error::NotAPort(shown(item)))?;
                Service::from_port(port)
                    .map(|service| PortSpec { service, port })
                    .ok_or(Error::NotInTable(port))
            }
        })
        .collect()
}

/// DESIGN.md §7: 1 s per port in a sweep unless told otherwise.
pub const DEFAULT_PORT_TIMEOUT_MS: u64 = 1000;

/// Sweeps `host`. `on_done` sees each port's result as soon as it is known. A TCP port that
/// `ctx.proxy` sends through a proxy (HTTP ports whenever a proxy applies, the MQTT ports
/// only when MQTT is asked to go through it too, as in the checks) is probed through it and
/// needs no local name; every other port uses the first address this computer resolves.
pub async fn sweep(
    host: &str,
    specs: &[PortSpec],
    ctx: &RunContext,
    on_done: impl Fn(&Check),
) -> Report {
    let started = std::time::SystemTime::now();
    let target = json!({ "host": host, "ports": specs.iter().map(|s| format!("{}={}", s.service.name(), s.port)).collect::<Vec<_>>() });
    let dns_start = tokio::time::Instant::now();
    let resolved = ctx.resolver.resolve(host, ctx.rung_timeout).await;
    let dns_step = |ok: bool, detail: serde_json::Value| Step {
        name: "dns".into(),
        ok,
        elapsed_ms: super::elapsed_ms(dns_start),
        detail,
    };
    // One address for the whole sweep: the first, as a client would pick it.
    let resolved = resolved
        .map(|ips| ips[0])
        .map_err(|reason| reason.to_string());
    let mut tasks = tokio::task::JoinSet::new();
    let mut done: Vec<Option<Check>> = vec![None; specs.len()];
    for (index, spec) in specs.iter().copied().enumerate() {
        let (via, before) = match (proxy_for(host, spec, &ctx.proxy), &resolved) {
            (Some(proxy), _) => (Via::Proxy(proxy.clone()), Vec::new()),
            (None, Ok(ip)) => {
                let dns = dns_step(true, json!({ "address": ip.to_string() }));
                (Via::Direct(SocketAddr::new(*ip, spec.port)), vec![dns])
            }
            (None, Err(reason)) => {
                let step = dns_step(false, json!({ "error": reason }));
                let check = dns_failed(host, spec, reason, step);
                on_done(&check);
                done[index] = Some(check);
                continue;
            }
        };
        let ctx = ctx.clone();
        let host = host.to_string();
        tasks.spawn(async move {
            // The probe in a task of its own: a panic in it is reported, not lost.
            let probe = {
                let (host, ctx, via, before) = (host.clone(), ctx.clone(), via.clone(), before.clone());
                AbortOnDrop(tokio::spawn(async move {
                    port_probe::run(&host, &via, spec, &ctx, before).await
                }))
            };
            let check = tokio::select! {
                biased;
                _ = ctx.cancel.cancelled() => port_probe::cancelled(&host, &via, spec, before),
                joined = probe => joined
                    .unwrap_or_else(|why| port_probe::internal_error(&host, &via, spec, before, why.to_string())),
            };
            (index, check)
        });
    }
    while let Some(Ok((index, check))) = tasks.join_next().await {
        on_done(&check);
        done[index] = Some(check);
    }
    let mut report = Report::new(started, target, done.into_iter().flatten().collect());
    report.proxy = specs
        .iter()
        .any(|spec| proxy_for(host, *spec, &ctx.proxy).is_some())
        .then(|| super::proxy_in_use(&ctx.proxy))
        .flatten();
    report
}

/// The proxy a port of `host` is probed through, if any: none for UDP; HTTP and HTTPS
/// (and the other web ports) whenever one applies; MQTT only when asked.
fn proxy_for<'a>(
    host: &str,
    spec: PortSpec,
    choice: &'a crate::net::proxy_config::ProxyChoice,
) -> Option<&'a crate::net::proxy_config::Proxy> {
    use crate::net::proxy_config::Destination;
    let destination = match spec.service.probe() {
        Probe::CoapPing | Probe::DtlsHello => return None,
        Probe::Mqtt | Probe::TlsMqtt if !choice.mqtt => return None,
        Probe::Http => Destination::Http,
        _ => Destination::Tunnel,
    };
    choice.for_destination(host, destination)
}

fn dns_failed(host: &str, spec: PortSpec, reason: &str, step: Step) -> Check {
    Check {
        kind: "port".into(),
        template: None,
        endpoint: format!("{host}:{}", spec.port),
        verdict: Verdict::Fail,
        code: DiagnosisCode::DnsFailed,
        hint: DiagnosisCode::DnsFailed.hint().into(),
        evidence: reason.into(),
        reproduce: Command::new("getent").flag("hosts").arg(host).to_string(),
        elapsed_ms: step.elapsed_ms,
        steps: vec![step],
        port: Some(spec.port),
        transport: Some(spec.service.transport()),
        service: Some(spec.service.name().into()),
        state: Some(PortState::DnsFailed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_table_is_the_reference_ports() {
        let ports: Vec<u16> = default_specs().iter().map(|s| s.port).collect();
        assert_eq!(
            ports,
            [80, 443, 5683, 5684, 15683, 15684, 1883, 8883, 9443, 9444]
        );
    }

    #[test]
    fn specs_parse_numbers_and_named_services() {
        let specs = parse_specs("8883, mqtt=11883,5684").unwrap();
        assert_eq!(
            specs[0],
            PortSpec {
                service: Service::Mqtts,
                port: 8883
            }
        );
        assert_eq!(
            specs[1],
            PortSpec {
                service: Service::Mqtt,
                port: 11883
            }
        );
        assert_eq!(specs[2].service.transport(), Transport::Udp);
        assert!(parse_specs("22")
            .unwrap_err()
            .to_string()
            .contains("SERVICE=22"));
        assert!(parse_specs("ssh=22")
            .unwrap_err()
            .to_string()
            .starts_with("unknown service \"ssh\""));
        assert!(parse_specs("mqtt=0").is_err());
        assert!(parse_specs("mqtt=70000").is_err());
    }

    #[tokio::test]
    async fn a_name_that_does_not_resolve_fails_every_port() {
        let mut ctx = RunContext::new(std::time::Duration::from_millis(200));
        ctx.resolver = crate::net::Resolver::Fixed(Default::default());
        let report = sweep("broker.invalid", &default_specs(), &ctx, |_| {}).await;
        assert_eq!(report.summary.fail, 10);
        assert!(report
            .checks
            .iter()
            .all(|c| c.state == Some(PortState::DnsFailed) && c.code == DiagnosisCode::DnsFailed));
    }
}
