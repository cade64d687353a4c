//! One port of a sweep: connect (TCP) or send (UDP), then the protocol probe, turned into a
//! state, a verdict, a diagnosis and a command that shows the same with a standard tool.

use super::port_probe_udp;
use super::ports::{PortSpec, Probe};
use super::{elapsed_ms, RunContext};
use crate::codec::probe_frames as frames;
use crate::net::proxy_config::Proxy;
use crate::net::{self, tls, ConnectFailure};
use crate::report::reproduce::{host_port, Command};
use crate::report::{Check, DiagnosisCode, PortState, Step, Verdict};
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
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
        (Via::Direct(addr), Probe::DtlsHello) => port_probe_udp::dtls(*addr, timeout).await,
        (Via::Direct(addr), probe) => tcp(host, *addr, probe, timeout).await,
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

async fn tcp(host: &str, addr: SocketAddr, probe: Probe, timeout: Duration) -> Outcome {
    let start = Instant::now();
    let stream = match net::tcp_connect(addr, timeout).await {
        Ok(stream) => stream,
        Err(failure) => {
            let (state, code, evidence) = match failure {
                ConnectFailure::Refused => (
                    PortState::Closed,
                    DiagnosisCode::TcpRefused,
                    format!("{addr} refused the connection (RST)"),
                ),
                ConnectFailure::Timeout => (
                    PortState::Filtered,
                    DiagnosisCode::TcpTimeout,
                    format!(
                        "no answer to SYN from {addr} within {} ms",
                        timeout.as_millis()
                    ),
                ),
                ConnectFailure::Reset => (
                    PortState::Closed,
                    DiagnosisCode::TcpReset,
                    format!("{addr} reset the connection"),
                ),
                ConnectFailure::Other(e) => (
                    PortState::Filtered,
                    DiagnosisCode::TcpTimeout,
                    format!("{addr}: {e}"),
                ),
            };
            return fail(
                state,
                code,
                evidence.clone(),
                vec![step("tcp", false, start, json!({ "error": evidence }))],
            );
        }
    };
    let steps = vec![step(
        "tcp",
        true,
        start,
        json!({ "connected": addr.to_string() }),
    )];
    speak(stream, host, probe, timeout, steps).await
}

/// The port's protocol over a connection to it (direct, or a proxy's tunnel): HTTP, MQTT,
/// or a TLS handshake and then one of them.
pub(super) async fn speak(
    stream: tokio::net::TcpStream,
    host: &str,
    probe: Probe,
    timeout: Duration,
    mut steps: Vec<Step>,
) -> Outcome {
    match probe {
        Probe::Http => http(stream, host, timeout, steps).await,
        Probe::Mqtt => mqtt(stream, timeout, steps).await,
        Probe::TlsHttp | Probe::TlsMqtt => {
            let tls_start = Instant::now();
            let alpn: &[&[u8]] = if probe == Probe::TlsHttp {
                &[b"http/1.1"]
            } else {
                &[b"mqtt"]
            };
            let (config, seen) = tls::probe_config(alpn);
            match tls::handshake(stream, host, config, timeout).await {
                Err(failure) => {
                    let e = failure.message();
                    steps.push(step("tls", false, tls_start, json!({ "error": e })));
                    not_speaking(
                        DiagnosisCode::TlsProtocol,
                        format!("the port accepts TCP but no TLS handshake completed: {e}"),
                        steps,
                    )
                }
                Ok(tls_stream) => {
                    let facts = tls::facts(&tls_stream, &seen);
                    steps.push(step(
                        "tls",
                        true,
                        tls_start,
                        serde_json::to_value(&facts).unwrap_or_default(),
                    ));
                    if probe == Probe::TlsHttp {
                        http(tls_stream, host, timeout, steps).await
                    } else {
                        mqtt(tls_stream, timeout, steps).await
                    }
                }
            }
        }
        Probe::CoapPing | Probe::DtlsHello => unreachable!("UDP probes do not connect over TCP"),
    }
}

/// Sends a probe's request and reads the first burst of its reply; `Err` with the error's
/// reset when the connection was reset instead (anything else unanswered is an empty reply).
async fn send_and_read<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    request: &[u8],
    limit: usize,
    timeout: Duration,
) -> Result<Vec<u8>, std::io::Error> {
    match stream.write_all(request).await {
        Err(e) if net::is_reset(&e) => return Err(e),
        Err(_) => return Ok(Vec::new()),
        Ok(()) => {}
    }
    match net::read_some(stream, limit, timeout).await {
        Ok(reply) => Ok(reply),
        Err(e) if net::is_reset(&e) => Err(e),
        Err(_) => Ok(Vec::new()),
    }
}

/// The port accepted the connection, then reset it before the protocol answered: a service
/// that drops strangers, or a firewall or proxy that lets the handshake through and then cuts.
fn reset_after_accept(
    protocol: &str,
    why: String,
    start: Instant,
    mut steps: Vec<Step>,
) -> Outcome {
    let evidence = format!(
        "the port accepted the connection, then reset it before answering {protocol} ({why})"
    );
    steps.push(step(
        &protocol.to_lowercase(),
        false,
        start,
        json!({ "error": evidence }),
    ));
    Outcome {
        state: PortState::Open,
        verdict: Verdict::Fail,
        code: DiagnosisCode::TcpReset,
        evidence,
        steps,
    }
}

async fn http<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    host: &str,
    timeout: Duration,
    mut steps: Vec<Step>,
) -> Outcome {
    let start = Instant::now();
    let request = format!(
        "HEAD / HTTP/1.1\r\nHost: {host}\r\nUser-Agent: loopcheck/{}\r\nConnection: close\r\n\r\n",
        crate::VERSION
    );
    let reply = match send_and_read(&mut stream, request.as_bytes(), 1024, timeout).await {
        Ok(reply) => reply,
        Err(reset) => return reset_after_accept("HTTP", reset.to_string(), start, steps),
    };
    match frames::http_status(&reply) {
        Some(status) => {
            let line =
                String::from_utf8_lossy(reply.split(|b| *b == b'\r').next().unwrap_or_default())
                    .into_owned();
            steps.push(step(
                "http",
                true,
                start,
                json!({ "status": status, "statusLine": line }),
            ));
            speaking(format!("HTTP answered: {line}"), steps)
        }
        None => {
            let seen = describe_bytes(&reply);
            steps.push(step("http", false, start, json!({ "reply": seen })));
            not_speaking(
                DiagnosisCode::PeerProtocolViolation,
                format!("the port accepts connections but did not answer HTTP ({seen})"),
                steps,
            )
        }
    }
}

async fn mqtt<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    timeout: Duration,
    mut steps: Vec<Step>,
) -> Outcome {
    let start = Instant::now();
    let client_id = format!("loopcheck-probe-{}", std::process::id());
    let reply =
        match send_and_read(&mut stream, &frames::mqtt_connect(&client_id), 64, timeout).await {
            Ok(reply) => reply,
            Err(reset) => return reset_after_accept("MQTT", reset.to_string(), start, steps),
        };
    match frames::parse_connack(&reply) {
        Some(code) => {
            let _ = stream.write_all(&frames::MQTT_DISCONNECT).await;
            steps.push(step(
                "mqtt-connect",
                true,
                start,
                json!({ "connack": code }),
            ));
            let meaning = if code == 0 {
                "accepted"
            } else {
                "refused, which still proves a broker"
            };
            speaking(
                format!("an MQTT broker answered CONNACK {code} ({meaning})"),
                steps,
            )
        }
        None => {
            let seen = describe_bytes(&reply);
            steps.push(step("mqtt-connect", false, start, json!({ "reply": seen })));
            not_speaking(
                DiagnosisCode::MqttProtocol,
                format!("the port accepts connections but no CONNACK came back ({seen})"),
                steps,
            )
        }
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
