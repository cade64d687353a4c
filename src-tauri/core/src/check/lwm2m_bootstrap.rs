//! The bootstrap ladder (DESIGN.md §3) for `lwm2m-bootstrap-nosec` and
//! `lwm2m-bootstrap-psk`: DNS, UDP, [DTLS-PSK], Bootstrap-Request (`POST /bs?ep=…`, 2.04),
//! the server's Deletes and Writes of objects 0 and 1 answered until Bootstrap-Finish, what
//! was provisioned — then, unless told not to, the registration rungs against the server
//! bootstrap provisioned, with the credentials it provisioned.

use super::ladder::Ladder;
use super::lwm2m_registration::{climb, messages_since};
use super::lwm2m_server::{coap_client_line, dtls_detail};
use super::{FirstN, RunContext};
use crate::catalog::TemplateKind;
use crate::coap::{Datagram, Endpoint, Transmission};
use crate::lwm2m::bootstrap::BootstrapOperation;
use crate::lwm2m_client::{self, bootstrap::Bootstrap};
use crate::model::JsonObject;
use crate::net::dtls::Psk;
use crate::report::diagnose;
use crate::report::{Check, DiagnosisCode};
use crate::settings;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Mutex;
use tokio::time::Instant;

/// Runs the ladder for a rendered bootstrap body.
pub async fn run(kind: TemplateKind, body: &JsonObject, ctx: &RunContext) -> Check {
    let mut ladder = Ladder::new(kind, ctx);
    let s = match settings::lwm2m(kind, body) {
        Ok(s) => s,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e.to_string()),
    };
    ladder.endpoint = format!("{}:{}/udp", s.host, s.port);
    let identity = s.security.as_ref().map(|p| p.psk.identity.as_slice());
    ladder.reproduce = coap_client_line(
        &s.host,
        s.port,
        identity,
        "/bs",
        &[("ep", &s.endpoint)],
        None,
    )
    .into();
    let timeout = ctx.rung_timeout;

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
    let link = ladder
        .coap_link(
            "dtls",
            socket,
            (&s.host, addr),
            psk,
            dtls_detail(&s),
            // The coaps:// line stays: it replays the handshake and the request alike.
            None,
        )
        .await;
    let link = match link {
        Ok(link) => link,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };
    let probe = match psk {
        Some(_) => crate::net::path_mtu::Probe::DtlsHello,
        None => crate::net::path_mtu::Probe::Coap,
    };
    ladder.path_mtu(addr, probe).await;
    let endpoint = Endpoint::new(link, Transmission::within(timeout));
    bootstrap(ladder, endpoint, &s.endpoint, addr, ctx).await
}

/// Bootstrap-Request, provisioning until Finish, and what came of it.
async fn bootstrap<D: Datagram>(
    mut ladder: Ladder,
    mut endpoint: Endpoint<D>,
    name: &str,
    addr: SocketAddr,
    ctx: &RunContext,
) -> Check {
    let timeout = ctx.rung_timeout;
    let operations: Mutex<FirstN<BootstrapOperation>> = Mutex::new(FirstN::new(128));
    let keep = |operation: &BootstrapOperation| {
        if let Ok(mut kept) = operations.lock() {
            kept.push(operation.clone());
        }
    };
    let operations_so_far = || {
        operations
            .lock()
            .map(|o| o.kept.clone())
            .unwrap_or_default()
    };
    let session = Bootstrap::new(name, &keep);

    let started = Instant::now();
    let from = endpoint.log.position();
    let requested = session.request(&mut endpoint, timeout).await;
    let messages = messages_since(&endpoint.log, from);
    if let Err(e) = requested {
        let detail = match &e {
            lwm2m_client::Error::Refused {
                code, diagnostic, ..
            } => json!({ "code": code, "diagnostic": diagnostic, "messages": messages }),
            other => json!({ "error": other.to_string(), "messages": messages }),
        };
        ladder.step("bootstrap-request", false, started, detail);
        let (code, evidence) = diagnose::lwm2m(&e, addr);
        return ladder.fail(code, evidence);
    }
    let detail = json!({ "endpoint": name, "messages": messages });
    ladder.step("bootstrap-request", true, started, detail);

    // Provisioning: Deletes, Writes, maybe Discover/Read, until Bootstrap-Finish. A quiet
    // server gets a rung timeout after its last request, within two in all.
    let started = Instant::now();
    let from = endpoint.log.position();
    let provisioning = session.provision(&mut endpoint, timeout).await;
    let ops = operations_so_far();
    let detail = json!({ "operations": ops, "messages": messages_since(&endpoint.log, from) });
    drop(endpoint);
    if let Err(e) = provisioning {
        ladder.step("provisioning", false, started, detail);
        let (code, evidence) = match e {
            lwm2m_client::Error::NoFinish { operations: 0, .. } => (
                DiagnosisCode::BootstrapIncomplete,
                format!(
                    "the bootstrap server accepted the request but sent nothing within {} ms",
                    timeout.as_millis()
                ),
            ),
            lwm2m_client::Error::NoFinish { operations, .. } => {
                let writes = ops.iter().filter(|o| o.operation == "Write").count();
                (
                    DiagnosisCode::BootstrapIncomplete,
                    format!("the bootstrap server sent {operations} requests ({writes} writes among the first {}) but never Bootstrap-Finish", ops.len()),
                )
            }
            other => diagnose::lwm2m(&other, addr),
        };
        return ladder.fail(code, evidence);
    }
    ladder.step("provisioning", true, started, detail);

    // What was provisioned, and whether it can be used.
    let started = Instant::now();
    let provisioned = match session.provisioned() {
        Ok(provisioned) => provisioned,
        Err(e) => {
            let detail = json!({ "error": e.to_string() });
            ladder.step("provisioned", false, started, detail);
            let (code, evidence) = diagnose::lwm2m(&e, addr);
            return ladder.fail(code, evidence);
        }
    };
    ladder.step(
        "provisioned",
        true,
        started,
        serde_json::to_value(&provisioned.view).unwrap_or_default(),
    );
    let summary = format!(
        "bootstrap provisioned {} (security mode {}{})",
        provisioned.view.server_uri,
        provisioned.view.security_mode,
        provisioned
            .view
            .psk_identity
            .as_ref()
            .map(|i| format!(", PSK identity \"{i}\""))
            .unwrap_or_default()
    );
    if !ctx.follow_bootstrap {
        return ladder.finish(crate::report::Verdict::Pass, DiagnosisCode::Ok, summary);
    }

    // Register with the provisioned server, with the provisioned credentials.
    let started = Instant::now();
    let ip = match ctx.resolver.resolve(&provisioned.host, timeout).await {
        Ok(ips) => {
            ladder.step(
                "server-dns",
                true,
                started,
                json!({ "host": provisioned.host }),
            );
            ips[0]
        }
        Err(e) => {
            ladder.step("server-dns", false, started, json!({ "error": e }));
            return ladder.fail(
                DiagnosisCode::DnsFailed,
                format!("{summary}, whose host does not resolve: {e}"),
            );
        }
    };
    let server = SocketAddr::new(ip, provisioned.port);
    let socket = match ladder.udp("server-udp", server).await {
        Ok(socket) => socket,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };
    let psk = match (&provisioned.identity, &provisioned.key) {
        (Some(identity), Some(key)) if provisioned.view.security_mode == 0 => Some(Psk {
            identity: identity.clone(),
            key: key.clone(),
        }),
        _ => None,
    };
    let link = ladder
        .coap_link(
            "server-dtls",
            socket,
            (&provisioned.host, server),
            // Provisioned as bytes: there is no other reading of them.
            psk.as_ref().map(|psk| (psk, &[][..])),
            serde_json::Map::new(),
            None,
        )
        .await;
    let link = match link {
        Ok(link) => link,
        Err((code, evidence)) => {
            return ladder.fail(
                code,
                format!("{summary}; with those credentials: {evidence}"),
            )
        }
    };
    let mut endpoint = Endpoint::new(link, Transmission::within(timeout));
    let registered = climb(ladder, &mut endpoint, name, server, timeout).await;
    let mut check = registered;
    check.evidence = format!("{summary}; then {}", check.evidence);
    check
}
