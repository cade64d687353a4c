//! The port sweep's UDP probes: a CoAP ping (answered with RST by any CoAP endpoint) and a
//! DTLS ClientHello (answered with a HelloVerifyRequest or a ServerHello), each resent
//! within its time limit; silence is `open|filtered`, as nmap says.

use super::port_probe::{describe_bytes, fail, not_speaking, speaking, step, Outcome};
use crate::codec::probe_frames as frames;
use crate::net::{self, UdpOutcome};
use crate::report::{DiagnosisCode, PortState, Verdict};
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

pub(super) async fn coap(addr: SocketAddr, timeout: Duration) -> Outcome {
    let start = Instant::now();
    let id = (std::process::id() as u16) ^ addr.port();
    let ping = frames::coap_ping(id);
    let resend = timeout / 3;
    match net::udp_exchange(addr, &ping, timeout, resend, |_| true).await {
        Err(e) => fail(
            PortState::Filtered,
            DiagnosisCode::UdpNoReply,
            e.to_string(),
            vec![step(
                "coap-ping",
                false,
                start,
                json!({ "error": e.to_string() }),
            )],
        ),
        Ok(UdpOutcome::Unreachable) => udp_closed(addr, "coap-ping", start),
        Ok(UdpOutcome::Silence) => {
            udp_silence(addr, "coap-ping", start, timeout, DiagnosisCode::UdpNoReply)
        }
        Ok(UdpOutcome::Reply(bytes)) => match frames::parse_coap_header(&bytes) {
            Some((kind, code, message_id)) if message_id == id => {
                let steps = vec![step(
                    "coap-ping",
                    true,
                    start,
                    json!({ "reply": format!("{kind:?}"), "code": code }),
                )];
                speaking(
                    format!("a CoAP endpoint answered the ping with {kind:?}"),
                    steps,
                )
            }
            _ => {
                let seen = describe_bytes(&bytes);
                let steps = vec![step("coap-ping", false, start, json!({ "reply": seen }))];
                not_speaking(
                    DiagnosisCode::CoapError,
                    format!("a UDP reply came back, but not CoAP's answer to a ping ({seen})"),
                    steps,
                )
            }
        },
    }
}

/// A DTLS port's PSK cipher suites, profiled after it answered (`--dtls-profile`): the step
/// `dtls-suites`, and the accepted ones in the evidence.
pub(super) async fn with_profile(
    mut outcome: Outcome,
    addr: SocketAddr,
    ctx: &super::RunContext,
) -> Outcome {
    let start = Instant::now();
    let found = crate::net::dtls_profile::profile(addr, ctx.rung_timeout, ctx.cancel.clone()).await;
    let accepted = if found.accepted.is_empty() {
        "none of the PSK suites asked about".to_string()
    } else {
        found.accepted.join(", ")
    };
    outcome.evidence = format!("{}; it accepts {accepted}", outcome.evidence);
    outcome
        .steps
        .push(step("dtls-suites", found.answered(), start, json!(found)));
    outcome
}

pub(super) async fn dtls(addr: SocketAddr, timeout: Duration) -> Outcome {
    let start = Instant::now();
    let mut random = [0u8; 32];
    let _ = getrandom::fill(&mut random);
    let hello = frames::dtls_client_hello(random);
    let resend = timeout / 3;
    match net::udp_exchange(addr, &hello, timeout, resend, |_| true).await {
        Err(e) => fail(
            PortState::Filtered,
            DiagnosisCode::DtlsNoReply,
            e.to_string(),
            vec![step(
                "dtls-hello",
                false,
                start,
                json!({ "error": e.to_string() }),
            )],
        ),
        Ok(UdpOutcome::Unreachable) => udp_closed(addr, "dtls-hello", start),
        Ok(UdpOutcome::Silence) => udp_silence(
            addr,
            "dtls-hello",
            start,
            timeout,
            DiagnosisCode::DtlsNoReply,
        ),
        Ok(UdpOutcome::Reply(bytes)) => match frames::classify_dtls_reply(&bytes) {
            frames::DtlsReply::NotDtls => {
                let seen = describe_bytes(&bytes);
                let steps = vec![step("dtls-hello", false, start, json!({ "reply": seen }))];
                not_speaking(
                    DiagnosisCode::DtlsHandshake,
                    format!("a UDP reply came back, but not DTLS ({seen})"),
                    steps,
                )
            }
            reply => {
                let steps = vec![step(
                    "dtls-hello",
                    true,
                    start,
                    json!({ "reply": format!("{reply:?}") }),
                )];
                speaking(
                    format!("a DTLS server answered the ClientHello with {reply:?}"),
                    steps,
                )
            }
        },
    }
}

fn udp_closed(addr: SocketAddr, name: &str, start: Instant) -> Outcome {
    let evidence = format!("ICMP port unreachable from {addr}");
    fail(
        PortState::Closed,
        DiagnosisCode::UdpUnreachable,
        evidence.clone(),
        vec![step(name, false, start, json!({ "error": evidence }))],
    )
}

/// UDP silence: open or filtered, as nmap says; a warning, since it may be fine.
fn udp_silence(
    addr: SocketAddr,
    name: &str,
    start: Instant,
    timeout: Duration,
    code: DiagnosisCode,
) -> Outcome {
    let evidence = format!(
        "no reply from {addr} within {} ms (tried 3 times)",
        timeout.as_millis()
    );
    Outcome {
        state: PortState::OpenFiltered,
        verdict: Verdict::Warn,
        code,
        evidence: evidence.clone(),
        steps: vec![step(name, false, start, json!({ "error": evidence }))],
    }
}
