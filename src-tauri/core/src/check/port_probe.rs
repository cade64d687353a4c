//! One port of a sweep: connect (TCP) or send (UDP), then the protocol probe, turned into a
//! state, a verdict, a diagnosis and a command that shows the same with a standard tool.

use super::ports::{PortSpec, Probe};
use super::{elapsed_ms, RunContext};
use super::{port_probe_tcp, port_probe_udp};
use crate::net::proxy_config::Proxy;
use crate::report::reproduce::{host_port, Command};
use crate::report::{Check, DiagnosisCode, PortState, Step, Verdict};
use std::net::SocketAddr;
use tokio::time::Instant;

/// The outcome of probing one port, before it becomes a [`Check`].
pub(super) struct Outcome {
    pub(super) state: PortState,
    pub(super) verdict: Verdict,
    pub(super) code: DiagnosisCode,
    pub(super) evidence: String,
    pub(super) steps: Vec<Step>,
}

pub(super) fn step(name: &str, ok: bool, start: Instant, detail: serde_json::Value) -> Step {
    Step {
        name: name.into(),
        ok,
        elapsed_ms: elapsed_ms(start),
        detail,
    }
}

/// The command that shows the same as the probe.
pub(super) fn reproduce(host: &str, spec: PortSpec) -> Command {
    let port = spec.port;
    let port_text = port.to_string();
    let url = |scheme: &str| format!("{scheme}://{}/", host_port(host, port));
    match spec.service.probe() {
        Probe::Http => Command::new("curl")
            .flag("-sI")
            .flag("--max-time")
            .flag("3")
            .arg(url("http")),
        Probe::TlsHttp => Command::new("curl")
            .flag("-skI")
            .flag("--max-time")
            .flag("3")
            .arg(url("https")),
        Probe::Mqtt => Command::new("mosquitto_sub")
            .opt("-h", host)
            .opt("-p", port_text)
            .flag("-t")
            .flag("loopcheck/probe")
            .flag("-C")
            .flag("1")
            .flag("-W")
            .flag("3")
            .flag("-d"),
        Probe::TlsMqtt => Command::new("openssl")
            .flag("s_client")
            .opt("-connect", host_port(host, port))
            .opt("-servername", host)
            .no_stdin(),
        Probe::CoapPing => Command::new("nmap")
            .flag("-sU")
            .opt("-p", port_text)
            .arg(host),
        Probe::DtlsHello => Command::new("openssl")
            .flag("s_client")
            .flag("-dtls1_2")
            .opt("-connect", host_port(host, port))
            .no_stdin(),
    }
}

/// How a probe reaches its port: an address this computer resolved, or through an HTTP
/// proxy that resolves the host itself (`loopcheck ports --proxy`).
#[derive(Debug, Clone)]
pub(super) enum Via {
    Direct(SocketAddr),
    Proxy(Proxy),
}

/// Probes one port; `before` are the rungs that led here (the sweep's DNS rung, for a
/// direct probe).
pub(super) async fn run(
    host: &str,
    via: &Via,
    spec: PortSpec,
    ctx: &RunContext,
    before: Vec<Step>,
) -> Check {
    let start = Instant::now();
    let timeout = ctx.rung_timeout;
    let mut outcome = match (via, spec.service.probe()) {
        (Via::Direct(addr), Probe::CoapPing) => port_probe_udp::coap(*addr, timeout).await,
        (Via::Direct(addr), Probe::DtlsHello) => {
            let outcome = port_probe_udp::dtls(*addr, timeout).await;
            if ctx.dtls_profile && outcome.state == PortState::Open {
                port_probe_udp::with_profile(outcome, *addr, ctx).await
            } else {
                outcome
            }
        }
        (Via::Direct(addr), probe) => port_probe_tcp::tcp(host, *addr, probe, timeout).await,
        (Via::Proxy(proxy), probe) => {
            super::port_probe_proxy::run(host, spec.port, probe, proxy, ctx).await
        }
    };
    outcome.steps.splice(0..0, before);
    finish(host, via, spec, outcome, elapsed_ms(start))
}

pub(super) fn cancelled(host: &str, via: &Via, spec: PortSpec, before: Vec<Step>) -> Check {
    let outcome = Outcome {
        state: PortState::Filtered,
        verdict: Verdict::Skipped,
        code: DiagnosisCode::Cancelled,
        evidence: "cancelled before the probe finished".into(),
        steps: before,
    };
    finish(host, via, spec, outcome, 0.0)
}

/// A probe that panicked: a bug in Loop Studio, reported as `INTERNAL_ERROR`.
pub(super) fn internal_error(
    host: &str,
    via: &Via,
    spec: PortSpec,
    before: Vec<Step>,
    why: String,
) -> Check {
    let outcome = Outcome {
        state: PortState::Filtered,
        verdict: Verdict::Fail,
        code: DiagnosisCode::InternalError,
        evidence: why,
        steps: before,
    };
    finish(host, via, spec, outcome, 0.0)
}

fn finish(host: &str, via: &Via, spec: PortSpec, o: Outcome, elapsed: f64) -> Check {
    let transport = spec.service.transport();
    let (endpoint, reproduce) = match via {
        Via::Direct(addr) => (addr.to_string(), reproduce(host, spec)),
        Via::Proxy(proxy) => (
            host_port(host, spec.port),
            super::port_probe_proxy::reproduce(host, spec, proxy),
        ),
    };
    let endpoint = match transport {
        crate::report::Transport::Tcp => endpoint,
        crate::report::Transport::Udp => format!("{endpoint}/udp"),
    };
    Check {
        kind: "port".into(),
        template: None,
        endpoint,
        verdict: o.verdict,
        code: o.code,
        hint: o.code.hint().into(),
        evidence: o.evidence,
        reproduce: reproduce.to_string(),
        elapsed_ms: elapsed,
        steps: o.steps,
        port: Some(spec.port),
        transport: Some(transport),
        service: Some(spec.service.name().into()),
        state: Some(o.state),
    }
}

pub(super) fn fail(
    state: PortState,
    code: DiagnosisCode,
    evidence: String,
    steps: Vec<Step>,
) -> Outcome {
    Outcome {
        state,
        verdict: Verdict::Fail,
        code,
        evidence,
        steps,
    }
}

/// The port accepts but does not speak the expected protocol: open, with a warning.
pub(super) fn not_speaking(code: DiagnosisCode, evidence: String, steps: Vec<Step>) -> Outcome {
    Outcome {
        state: PortState::Open,
        verdict: Verdict::Warn,
        code,
        evidence,
        steps,
    }
}

pub(super) fn speaking(evidence: String, steps: Vec<Step>) -> Outcome {
    Outcome {
        state: PortState::Open,
        verdict: Verdict::Pass,
        code: DiagnosisCode::Ok,
        evidence,
        steps,
    }
}

/// A short, safe description of what a peer sent.
pub(super) fn describe_bytes(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing was sent back".into();
    }
    let head = &bytes[..bytes.len().min(24)];
    let printable = head.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    if printable {
        format!(
            "{} bytes starting \"{}\"",
            bytes.len(),
            String::from_utf8_lossy(head)
        )
    } else {
        let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
        format!("{} bytes starting {}", bytes.len(), hex.join(" "))
    }
}
