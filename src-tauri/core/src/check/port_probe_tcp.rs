//! The port sweep's TCP probes: a connection (or a proxy's tunnel), then the port's own
//! protocol — an HTTP `HEAD`, an MQTT CONNECT, or a TLS handshake and one of them — read
//! into open (speaking, or not), closed or filtered.

use super::port_probe::{describe_bytes, fail, not_speaking, speaking, step, Outcome};
use super::ports::Probe;
use crate::codec::probe_frames as frames;
use crate::net::{self, tls, ConnectFailure};
use crate::report::{DiagnosisCode, PortState, Step, Verdict};
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

pub(super) async fn tcp(host: &str, addr: SocketAddr, probe: Probe, timeout: Duration) -> Outcome {
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
                    let outcome = if probe == Probe::TlsHttp {
                        http(tls_stream, host, timeout, steps).await
                    } else {
                        mqtt(tls_stream, timeout, steps).await
                    };
                    inspected(outcome, &seen, host)
                }
            }
        }
        Probe::CoapPing | Probe::DtlsHello => unreachable!("UDP probes do not connect over TCP"),
    }
}

/// A port that answers through a TLS-inspecting product (its issuer names one) is open but
/// not the server's own: a warning. A private CA is no sign here — a sweep does not know
/// which CA the server should have, and brokers often have their own.
fn inspected(mut outcome: Outcome, seen: &tls::Seen, host: &str) -> Outcome {
    let Some(found @ tls::Interception::Product { product, .. }) = seen.interception(host) else {
        return outcome;
    };
    if outcome.verdict == Verdict::Pass {
        outcome.verdict = Verdict::Warn;
        outcome.code = DiagnosisCode::TlsIntercepted;
        outcome.evidence = format!(
            "{}; but the certificate for {host} was issued by {} ({product}, a TLS-inspecting product): devices will not trust it",
            outcome.evidence,
            found.issuer()
        );
    }
    outcome
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
