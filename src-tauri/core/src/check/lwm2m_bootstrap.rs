//! The bootstrap ladder (DESIGN.md §3) for `lwm2m-bootstrap-nosec` and
//! `lwm2m-bootstrap-psk`: DNS, UDP, [DTLS-PSK], Bootstrap-Request (`POST /bs?ep=…`, 2.04),
//! the server's Deletes and Writes of objects 0 and 1 answered until Bootstrap-Finish, what
//! was provisioned — then, unless told not to, the registration rungs against the server
//! bootstrap provisioned, with the credentials it provisioned.

use super::ladder::Ladder;
use super::lwm2m_registration::{climb, is_code, messages_since};
use super::lwm2m_server::coap_client_line;
use super::{FirstN, RunContext};
use crate::catalog::TemplateKind;
use crate::coap::{self, Datagram, Endpoint, Transmission};
use crate::lwm2m::bootstrap::{bootstrap_request, BootstrapOperation, BootstrapStore};
use crate::model::JsonObject;
use crate::net::dtls::{self, Psk};
use crate::report::diagnose;
use crate::report::{Check, DiagnosisCode};
use crate::settings;
use coap_lite::{CoapOption, Packet, ResponseType};
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
            let endpoint = Endpoint::new(socket, transmission);
            bootstrap(ladder, endpoint, &s.endpoint, addr, ctx).await
        }
        Some(security) => {
            let started = Instant::now();
            let (outcome, trace) =
                dtls::psk_handshake(socket, &s.host, &security.psk, timeout).await;
            let detail = json!({
                "identity": String::from_utf8_lossy(&security.psk.identity),
                "keyFrom": security.key_field(s.psk_prefix),
                "keyFieldsDisagree": security.fields_disagree,
                "trace": trace,
            });
            match outcome {
                Ok(link) => {
                    ladder.step("dtls", true, started, detail);
                    bootstrap(
                        ladder,
                        Endpoint::new(link, transmission),
                        &s.endpoint,
                        addr,
                        ctx,
                    )
                    .await
                }
                Err(failure) => {
                    ladder.step("dtls", false, started, detail);
                    let (code, evidence) = diagnose::dtls(&failure, addr);
                    ladder.fail(code, evidence)
                }
            }
        }
    }
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
    let store = Mutex::new(BootstrapStore::default());
    let operations: Mutex<FirstN<BootstrapOperation>> = Mutex::new(FirstN::new(128));
    let saw_finish = std::sync::atomic::AtomicBool::new(false);
    let mut handler = |request: &Packet| {
        let Ok(mut store) = store.lock() else {
            let mut busy = Packet::new();
            busy.header.code = coap_lite::MessageClass::Response(ResponseType::InternalServerError);
            return busy;
        };
        let (answer, op) = store.handle(request);
        if op.operation == "Finish" {
            saw_finish.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        if let Ok(mut ops) = operations.lock() {
            ops.push(op);
        }
        answer
    };
    let operations_so_far = || {
        operations
            .lock()
            .map(|o| o.kept.clone())
            .unwrap_or_default()
    };
    let operations_count = || operations.lock().map(|o| o.total).unwrap_or_default();

    // Bootstrap-Request. The server may start writing before it answers: the handler serves.
    let started = Instant::now();
    let from = endpoint.log.position();
    let answered = endpoint
        .request(bootstrap_request(name), &mut handler, timeout)
        .await;
    match answered {
        Ok(response) if is_code(&response, ResponseType::Changed) => {
            let detail =
                json!({ "endpoint": name, "messages": messages_since(&endpoint.log, from) });
            ladder.step("bootstrap-request", true, started, detail);
        }
        Ok(response) => {
            let code = coap::code_text(response.header.code);
            let said = String::from_utf8_lossy(&response.payload).into_owned();
            let detail = json!({ "code": code, "diagnostic": said, "messages": messages_since(&endpoint.log, from) });
            ladder.step("bootstrap-request", false, started, detail);
            let mut evidence =
                format!("the bootstrap server answered the request for '{name}' with {code}");
            if !said.is_empty() {
                evidence.push_str(&format!(" ({said})"));
            }
            return ladder.fail(DiagnosisCode::BootstrapRejected, evidence);
        }
        Err(e) => {
            let detail =
                json!({ "error": e.to_string(), "messages": messages_since(&endpoint.log, from) });
            ladder.step("bootstrap-request", false, started, detail);
            let (code, evidence) = diagnose::coap(&e, "Bootstrap-Request", addr);
            return ladder.fail(code, evidence);
        }
    }

    // Provisioning: Deletes, Writes, maybe Discover/Read, until Bootstrap-Finish. A quiet
    // server gets a rung timeout after its last request, within two in all.
    let started = Instant::now();
    let from = endpoint.log.position();
    let finished_early = saw_finish.load(std::sync::atomic::Ordering::Relaxed);
    let mut finished = finished_early;
    let hard_stop = Instant::now() + timeout * 2;
    while !finished && Instant::now() < hard_stop {
        let count = operations_count();
        let quiet_until = (Instant::now() + timeout).min(hard_stop);
        let mut is_finish = |p: &Packet| {
            p.header.code == coap_lite::MessageClass::Request(coap_lite::RequestType::Post)
                && p.get_option(CoapOption::UriPath)
                    .is_some_and(|v| v.len() == 1 && v.front().is_some_and(|s| s == b"bs"))
        };
        match endpoint
            .serve(quiet_until, &mut handler, &mut is_finish)
            .await
        {
            Ok(true) => finished = true,
            Ok(false) if operations_count() == count => break, // quiet for a whole rung
            Ok(false) => {}
            Err(e) => {
                let detail = json!({ "operations": operations_so_far(), "messages": messages_since(&endpoint.log, from) });
                ladder.step("provisioning", false, started, detail);
                let (code, evidence) = diagnose::coap(&e, "bootstrap server's requests", addr);
                return ladder.fail(code, evidence);
            }
        }
    }
    let ops = operations_so_far();
    let detail = json!({ "operations": ops, "messages": messages_since(&endpoint.log, from) });
    if !finished {
        ladder.step("provisioning", false, started, detail);
        let writes = ops.iter().filter(|o| o.operation == "Write").count();
        let evidence = if ops.is_empty() {
            format!(
                "the bootstrap server accepted the request but sent nothing within {} ms",
                timeout.as_millis()
            )
        } else {
            format!("the bootstrap server sent {} requests ({writes} writes among the first {}) but never Bootstrap-Finish", operations_count(), ops.len())
        };
        return ladder.fail(DiagnosisCode::BootstrapIncomplete, evidence);
    }
    ladder.step("provisioning", true, started, detail);
    drop(endpoint);

    // What was provisioned, and whether it can be used.
    let started = Instant::now();
    let provisioned = match store.lock() {
        Ok(store) => Ok(store.provisioned()),
        Err(_) => Err(()),
    };
    let provisioned = match provisioned {
        Ok(Ok(p)) => p,
        Ok(Err(why)) => {
            ladder.step(
                "provisioned",
                false,
                started,
                json!({ "error": why.to_string() }),
            );
            return ladder.fail(
                DiagnosisCode::BootstrapIncomplete,
                format!("bootstrap finished, but what it provisioned cannot be used: {why}"),
            );
        }
        Err(_) => {
            ladder.step("provisioned", false, started, json!({}));
            return ladder.fail(
                DiagnosisCode::BootstrapIncomplete,
                "the provisioned values were lost".into(),
            );
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
    let transmission = Transmission::within(timeout);
    let registered = match (&provisioned.identity, &provisioned.key) {
        (Some(identity), Some(key)) if provisioned.view.security_mode == 0 => {
            let started = Instant::now();
            let psk = Psk {
                identity: identity.clone(),
                key: key.clone(),
            };
            let (outcome, trace) =
                dtls::psk_handshake(socket, &provisioned.host, &psk, timeout).await;
            match outcome {
                Ok(link) => {
                    ladder.step("server-dtls", true, started, json!({ "trace": trace }));
                    let mut endpoint = Endpoint::new(link, transmission);
                    climb(ladder, &mut endpoint, name, server, timeout).await
                }
                Err(failure) => {
                    ladder.step("server-dtls", false, started, json!({ "trace": trace }));
                    let (code, evidence) = diagnose::dtls(&failure, server);
                    return ladder.fail(
                        code,
                        format!("{summary}; with those credentials: {evidence}"),
                    );
                }
            }
        }
        _ => {
            let mut endpoint = Endpoint::new(socket, transmission);
            climb(ladder, &mut endpoint, name, server, timeout).await
        }
    };
    let mut check = registered;
    check.evidence = format!("{summary}; then {}", check.evidence);
    check
}
