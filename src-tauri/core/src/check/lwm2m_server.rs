//! The LwM2M ladder (DESIGN.md §3) for `lwm2m-nosec` and `lwm2m-psk`: DNS, UDP, [a DTLS-PSK
//! handshake, CCM_8 first], then the registration rungs of [`super::lwm2m_registration`].
//!
//! Each CoAP rung gets a retransmission schedule that fits the rung timeout (RFC 7252's
//! doubling, scaled down), so a lossy link still gets through and a silent server is named
//! within the budget.

use super::ladder::Ladder;
use super::lwm2m_registration::climb;
use super::RunContext;
use crate::catalog::TemplateKind;
use crate::coap::{Endpoint, Transmission};
use crate::model::JsonObject;
use crate::net::dtls::Psk;
use crate::net::path_mtu;
use crate::report::reproduce::{host_port, Command};
use crate::report::{Check, DiagnosisCode};
use crate::settings::{self, Lwm2mSettings};
use serde_json::json;
use std::net::SocketAddr;

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

/// The detail of the `dtls` rung: the identity, which key field the key came from and whether
/// the two key fields disagree (the handshake's trace is added to it).
pub(super) fn dtls_detail(s: &Lwm2mSettings) -> serde_json::Map<String, serde_json::Value> {
    let mut detail = serde_json::Map::new();
    if let Some(security) = &s.security {
        let identity = String::from_utf8_lossy(&security.psk.identity);
        detail.insert("identity".into(), json!(identity));
        detail.insert("keyFrom".into(), json!(security.key_field(s.psk_prefix)));
        detail.insert("keyFieldsDisagree".into(), json!(security.fields_disagree));
    }
    detail
}

/// An openssl line that tries the same DTLS-PSK handshake (CCM_8, the LwM2M suite); the key
/// is `$LWM2M_PSK_HEX`, never inlined.
pub(super) fn openssl_dtls_line(host: &str, port: u16, psk: &Psk) -> Command {
    Command::new("openssl")
        .flag("s_client")
        .flag("-dtls1_2")
        .opt("-connect", host_port(host, port))
        .opt("-psk_identity", String::from_utf8_lossy(&psk.identity))
        .env("-psk", "LWM2M_PSK_HEX")
        .flag("-cipher")
        .flag("PSK-AES128-CCM8")
        .no_stdin()
}

/// Runs the ladder for a rendered `lwm2m-nosec` or `lwm2m-psk` body.
pub async fn run(kind: TemplateKind, body: &JsonObject, ctx: &RunContext) -> Check {
    let mut ladder = Ladder::new(kind, ctx);
    let s = match settings::lwm2m(kind, body) {
        Ok(s) => s,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e.to_string()),
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
    // UDP has no handshake to tell a dead address from a slow server: the first address
    // it is (the one a device's resolver would pick too).
    let ip = match ladder.dns(&s.host).await {
        Ok(ips) => ips[0],
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };
    let addr = SocketAddr::new(ip, s.port);

    let socket = match ladder.udp("udp", addr).await {
        Ok(socket) => socket,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };

    let psk = s
        .security
        .as_ref()
        .map(|security| (&security.psk, security.readings.as_slice()));
    let openssl = psk.map(|(psk, _)| openssl_dtls_line(&s.host, s.port, psk));
    let link = ladder
        .coap_link(
            "dtls",
            socket,
            (&s.host, addr),
            psk,
            dtls_detail(&s),
            openssl,
        )
        .await;
    let link = match link {
        Ok(link) => link,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };
    let probe = match psk {
        Some(_) => path_mtu::Probe::DtlsHello,
        None => path_mtu::Probe::Coap,
    };
    ladder.path_mtu(addr, probe).await;
    let mut endpoint = Endpoint::new(link, Transmission::within(timeout));
    climb(ladder, &mut endpoint, &s.endpoint, addr, timeout).await
}
