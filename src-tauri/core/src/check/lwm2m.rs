//! The LwM2M ladder (DESIGN.md §3) for `lwm2m-nosec` and `lwm2m-psk`: DNS, UDP, [a DTLS-PSK
//! handshake, CCM_8 first], then the registration rungs of [`super::lwm2m_register`].
//!
//! Each CoAP rung gets a retransmission schedule that fits the rung timeout (RFC 7252's
//! doubling, scaled down), so a lossy link still gets through and a silent server is named
//! within the budget.

use super::ladder::Ladder;
use super::lwm2m_register::climb;
use super::mqtt::{host_field, port_field, text};
use super::RunContext;
use crate::catalog::TemplateKind;
use crate::coap::{Endpoint, Transmission};
use crate::model::JsonObject;
use crate::net::dtls::{self, DtlsFailure, Psk};
use crate::psk::{choose_key, text_and_hex_agree, PskSource};
use crate::report::reproduce::{host_port, Command};
use crate::report::{Check, DiagnosisCode};
use serde_json::json;
use std::net::SocketAddr;
use tokio::net::UdpSocket;
use tokio::time::Instant;
use zeroize::Zeroizing;

/// The PSK a `-psk` template names, and where the key came from.
pub(crate) struct PskSettings {
    pub(crate) psk: Psk,
    pub(crate) source: PskSource,
    /// Both key fields are filled and hold different keys (lint warns too).
    pub(crate) fields_disagree: bool,
}

/// The server a rendered template names, and the PSK for it.
pub(crate) struct Settings {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) endpoint: String,
    pub(crate) security: Option<PskSettings>,
}

/// The identity and key of a PSK template, by its key names (`lwm2mPSK…` or `lwm2mBsPSK…`).
pub(crate) fn psk_settings(body: &JsonObject, prefix: &str) -> Result<PskSettings, String> {
    let identity = text(body, &format!("{prefix}Identity"));
    if identity.is_empty() {
        return Err(format!("{prefix}Identity is empty"));
    }
    let key_text = text(body, &format!("{prefix}Value"));
    let key_hex = text(body, &format!("{prefix}ValueHex"));
    let (key, source) = choose_key(Some(&key_text), Some(&key_hex))
        .ok_or_else(|| format!("neither {prefix}Value nor {prefix}ValueHex holds a key"))?;
    let fields_disagree = !key_text.is_empty()
        && !key_hex.is_empty()
        && text_and_hex_agree(&key_text, &key_hex) == Some(false);
    Ok(PskSettings {
        psk: Psk {
            identity: identity.into_bytes(),
            key: Zeroizing::new(key),
        },
        source,
        fields_disagree,
    })
}

/// The settings of any LwM2M template: the server's (`lwm2mHostName`, `lwm2mPort…`,
/// `lwm2mPSK…`) or, for the bootstrap kinds, the bootstrap server's (`lwm2mBs…`).
pub(crate) fn settings(kind: TemplateKind, body: &JsonObject) -> Result<Settings, String> {
    use TemplateKind as K;
    let prefix = match kind {
        K::Lwm2mBootstrapNosec | K::Lwm2mBootstrapPsk => "lwm2mBs",
        _ => "lwm2m",
    };
    let secure = matches!(kind, K::Lwm2mPsk | K::Lwm2mBootstrapPsk);
    let port_key = if secure { "PortDtls" } else { "PortNoSec" };
    let port = port_field(body, &format!("{prefix}{port_key}"))?;
    let host_key = format!("{prefix}HostName");
    let host = host_field(body, &host_key)?;
    let endpoint = text(body, "lwm2mEndpoint");
    if endpoint.is_empty() {
        return Err("lwm2mEndpoint is empty".into());
    }
    let security = if secure {
        Some(psk_settings(body, &format!("{prefix}PSK"))?)
    } else {
        None
    };
    Ok(Settings {
        host,
        port,
        endpoint,
        security,
    })
}

/// A coap-client line that POSTs to `path?query` (the endpoint name percent-encoded, as on
/// the wire); the key is `$LWM2M_PSK`, never inlined.
pub(super) fn coap_client_line(
    host: &str,
    port: u16,
    identity: Option<&[u8]>,
    path: &str,
    query: &[(&str, &str)],
    payload: Option<&str>,
) -> Command {
    let (mut cmd, scheme) = match identity {
        Some(id) => (
            Command::new("coap-client-openssl")
                .flag("-v")
                .flag("6")
                .opt("-u", String::from_utf8_lossy(id))
                .env("-k", "LWM2M_PSK"),
            "coaps",
        ),
        None => (
            Command::new("coap-client-notls").flag("-v").flag("6"),
            "coap",
        ),
    };
    cmd = cmd.flag("-m").flag("post");
    if let Some(p) = payload {
        cmd = cmd.flag("-t").flag("40").opt("-e", p);
    }
    let query: Vec<String> = query
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
        .collect();
    cmd.arg(format!(
        "{scheme}://{}{path}?{}",
        host_port(host, port),
        query.join("&")
    ))
}

/// A DTLS handshake failure as a diagnosis and its evidence.
pub(crate) fn dtls_failure(failure: &DtlsFailure, addr: SocketAddr) -> (DiagnosisCode, String) {
    match failure {
        DtlsFailure::Unreachable => (
            DiagnosisCode::UdpUnreachable,
            format!("{addr} answered ICMP port unreachable to the ClientHello: nothing listens there"),
        ),
        DtlsFailure::NoReply => (
            DiagnosisCode::DtlsNoReply,
            format!("not one datagram came back from {addr}: the port is filtered by a firewall, or nothing listens there and the host stays silent"),
        ),
        DtlsFailure::BadPsk(alert) => (
            DiagnosisCode::DtlsBadPsk,
            format!("{addr} sent {alert} after our key exchange: the key or the identity is wrong"),
        ),
        DtlsFailure::SilentAfterFinished => (
            DiagnosisCode::DtlsBadPsk,
            format!("{addr} fell silent after our Finished — servers built on OpenSSL or tinydtls drop a Finished made with the wrong key without a word: the PSK is probably wrong"),
        ),
        DtlsFailure::Handshake(why) => (DiagnosisCode::DtlsHandshake, format!("{addr}: {why}")),
    }
}

/// Runs the ladder for a rendered `lwm2m-nosec` or `lwm2m-psk` body.
pub async fn run(kind: TemplateKind, body: &JsonObject, ctx: &RunContext) -> Check {
    let mut ladder = Ladder::new(kind, ctx);
    let s = match settings(kind, body) {
        Ok(s) => s,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e),
    };
    ladder.endpoint = format!("{}:{}/udp", s.host, s.port);
    let identity = s.security.as_ref().map(|p| p.psk.identity.as_slice());
    let lifetime = ctx.lwm2m_lifetime_s.to_string();
    let query = [
        ("ep", s.endpoint.as_str()),
        ("lt", lifetime.as_str()),
        ("lwm2m", "1.1"),
        ("b", "U"),
    ];
    ladder.reproduce = coap_client_line(
        &s.host,
        s.port,
        identity,
        "/rd",
        &query,
        Some("</1/0>,</3/0>"),
    )
    .into();
    let timeout = ctx.rung_timeout;

    // DNS
    let ip = match ladder.dns(&s.host).await {
        Ok(ip) => ip,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };
    let addr = SocketAddr::new(ip, s.port);

    let socket = match ladder.udp("udp", addr).await {
        Ok(socket) => socket,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };

    let transmission = Transmission::within(timeout);
    match &s.security {
        None => {
            let mut endpoint = Endpoint::new(socket, transmission);
            climb(ladder, &mut endpoint, &s.endpoint, addr, timeout).await
        }
        Some(security) => {
            let started = Instant::now();
            let (outcome, trace) =
                dtls::psk_handshake(socket, &s.host, &security.psk, timeout).await;
            let detail = json!({
                "identity": String::from_utf8_lossy(&security.psk.identity),
                "keyFrom": if security.source == PskSource::Hex { "lwm2mPSKValueHex" } else { "lwm2mPSKValue" },
                "keyFieldsDisagree": security.fields_disagree,
                "trace": trace,
            });
            match outcome {
                Ok(link) => {
                    ladder.step("dtls", true, started, detail);
                    let mut endpoint = Endpoint::new(link, transmission);
                    climb(ladder, &mut endpoint, &s.endpoint, addr, timeout).await
                }
                Err(failure) => {
                    ladder.step("dtls", false, started, detail);
                    let (code, evidence) = dtls_failure(&failure, addr);
                    ladder.reproduce = Command::new("openssl")
                        .flag("s_client")
                        .flag("-dtls1_2")
                        .opt("-connect", host_port(&s.host, s.port))
                        .opt(
                            "-psk_identity",
                            String::from_utf8_lossy(&security.psk.identity),
                        )
                        .env("-psk", "LWM2M_PSK_HEX")
                        .flag("-cipher")
                        .flag("PSK-AES128-CCM8")
                        .no_stdin()
                        .into();
                    ladder.fail(code, evidence)
                }
            }
        }
    }
}

/// A UDP socket connected to `addr`.
pub(crate) async fn udp_socket(addr: SocketAddr) -> Result<UdpSocket, String> {
    let local = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|e| format!("cannot open a UDP socket: {e}"))?;
    socket.connect(addr).await.map_err(|e| e.to_string())?;
    Ok(socket)
}
