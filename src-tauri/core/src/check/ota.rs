//! The OTA ladder (DESIGN.md §3): the device's client identity checked before anything
//! connects (key belongs to certificate, passphrase opens the key, validity), the hawkBit DDI
//! target worked out from `otaDDIUrl` (DESIGN.md §7), DNS, TCP, TLS presenting the client
//! certificate with the server trusted through `otaCaCert`, and the DDI root poll — its
//! polling interval and the work its links announce. No link that changes server state is
//! followed.

use super::ladder::Ladder;
use super::RunContext;
use crate::catalog::TemplateKind;
use crate::codec::{ddi, http_message as http};
use crate::model::{JsonObject, TemplateInstance};
use crate::net::client_identity::{self, IdentityError};
use crate::net::http_exchange::{exchange, Exchange};
use crate::net::proxy_config::{Destination, Proxy};
use crate::net::tls;
use crate::report::reproduce::{host_port, Command, Reproduce};
use crate::report::{Check, DiagnosisCode, Verdict};
use crate::settings::{self, text};
use serde_json::json;
use tokio::time::Instant;

/// A client certificate that expires sooner than this is worth a warning.
const EXPIRY_WARNING_DAYS: i64 = 30;

/// The controller id when the URL names none (DESIGN.md §7): `OTA_CONTROLLER_ID`, else the
/// model's LWM2M endpoint, else its MQTT client id.
fn controller_id(ctx: &RunContext, all: &[TemplateInstance]) -> Option<(String, &'static str)> {
    if let Some(id) = ctx.ota_controller_id.as_ref().filter(|i| !i.is_empty()) {
        return Some((id.clone(), "OTA_CONTROLLER_ID"));
    }
    let from = |key: &str| {
        all.iter()
            .map(|t| text(&t.body, key))
            .find(|v| !v.is_empty())
    };
    from("lwm2mEndpoint")
        .map(|e| (e, "the LWM2M endpoint"))
        .or_else(|| from("mqttClientId").map(|c| (c, "the MQTT client id")))
}

fn reproduce(poll_url: &str, encrypted: bool, proxy: Option<&Proxy>) -> Command {
    let curl = Command::new("curl").flag("-sS");
    let mut cmd = super::ladder::curl_through(curl, proxy)
        .flag("-i")
        .flag("--cacert")
        .flag("otaCaCert.pem")
        .flag("--cert")
        .flag("otaCert.pem")
        .flag("--key")
        .flag("otaPrivateKey.pem");
    if encrypted {
        cmd = cmd.env("--pass", "OTA_KEY_PASSPHRASE");
    }
    cmd.flag("-H")
        .flag("'Accept: application/hal+json'")
        .arg(poll_url)
}

/// nginx answers a missing or untrusted client certificate after the handshake, with a 400
/// page: recognise it.
fn nginx_client_cert_page(response: &http::Response) -> Option<String> {
    if response.status != 400 {
        return None;
    }
    let body = String::from_utf8_lossy(&response.body);
    [
        "No required SSL certificate was sent",
        "The SSL certificate error",
    ]
    .into_iter()
    .find(|words| body.contains(words))
    .map(str::to_string)
}

/// Days from now until an RFC 3339 time (negative when past).
fn days_until(rfc3339: &str) -> Option<i64> {
    let at = humantime::parse_rfc3339_weak(rfc3339.trim_end_matches('Z')).ok()?;
    let now = std::time::SystemTime::now();
    Some(match at.duration_since(now) {
        Ok(ahead) => (ahead.as_secs() / 86_400) as i64,
        Err(past) => -((past.duration().as_secs() / 86_400) as i64) - 1,
    })
}

/// Runs the ladder for a rendered `ota` body; `all` are the model's templates (for the
/// controller id).
pub async fn run(body: &JsonObject, all: &[TemplateInstance], ctx: &RunContext) -> Check {
    let mut ladder = Ladder::new(TemplateKind::Ota, ctx);
    let timeout = ctx.rung_timeout;
    let settings::OtaSettings {
        ddi_url,
        ca,
        cert: cert_pem,
        key: key_pem,
    } = match settings::ota(body) {
        Ok(s) => s,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e.to_string()),
    };
    let encrypted = key_pem.contains("ENCRYPTED PRIVATE KEY");

    // The client identity, before anything connects. A template with neither certificate
    // nor key connects without one, so the report shows what the server says to that.
    let started = Instant::now();
    let identity = if cert_pem.trim().is_empty() && key_pem.trim().is_empty() {
        ladder.step(
            "client-identity",
            true,
            started,
            json!({ "certificate": null, "note": "no client certificate in the template" }),
        );
        None
    } else {
        match client_identity::load(
            &cert_pem,
            &key_pem,
            ctx.ota_key_passphrase.as_deref().map(|p| p.as_str()),
        ) {
            Ok(identity) => Some(identity),
            Err(e) => {
                ladder.step(
                    "client-identity",
                    false,
                    started,
                    json!({ "error": e.to_string() }),
                );
                let code = match e {
                    IdentityError::Mismatch => DiagnosisCode::CertKeyMismatch,
                    IdentityError::PassphraseWrong => DiagnosisCode::KeyPassphraseWrong,
                    _ => DiagnosisCode::InputInvalid,
                };
                let mut evidence = e.to_string();
                if e == IdentityError::PassphraseMissing {
                    evidence.push_str(": set OTA_KEY_PASSPHRASE");
                }
                ladder.reproduce = Reproduce::from(
                    Command::new("openssl")
                        .flag("x509")
                        .flag("-noout")
                        .flag("-pubkey")
                        .flag("-in")
                        .flag("otaCert.pem"),
                )
                .then(
                    Command::new("openssl")
                        .flag("pkey")
                        .flag("-pubout")
                        .flag("-in")
                        .flag("otaPrivateKey.pem"),
                );
                return ladder.fail(code, evidence);
            }
        }
    };
    let leaf = identity.as_ref().and_then(|i| i.certificate.clone());
    let expires_in = leaf.as_ref().and_then(|c| days_until(&c.not_after));
    if let Some(identity) = &identity {
        let valid_from_in = leaf.as_ref().and_then(|c| days_until(&c.not_before));
        let detail = json!({
            "certificate": leaf,
            "keyEncoding": identity.encoding.words(),
            "expiresInDays": expires_in,
        });
        let expired = expires_in.is_some_and(|d| d < 0);
        if expired || valid_from_in.is_some_and(|d| d >= 0) {
            ladder.step("client-identity", false, started, detail);
            let when = leaf
                .map(|c| format!("valid {} to {}", c.not_before, c.not_after))
                .unwrap_or_default();
            let clock = humantime::format_rfc3339_seconds(std::time::SystemTime::now());
            let code = if expired {
                DiagnosisCode::TlsExpired
            } else {
                DiagnosisCode::TlsNotYetValid
            };
            return ladder.fail(
                code,
                format!(
                    "the client certificate is not valid now ({when}; this computer's clock says {clock}): the server will refuse it"
                ),
            );
        }
        ladder.step("client-identity", true, started, detail);
    }

    // Which DDI resource to poll.
    let started = Instant::now();
    let target = match ddi::target(
        &ddi_url,
        controller_id(ctx, all)
            .as_ref()
            .map(|(i, f)| (i.as_str(), *f)),
    ) {
        Ok(t) => t,
        Err(e) => {
            let e = e.to_string();
            ladder.step("ddi-target", false, started, json!({ "error": e }));
            return ladder.fail(DiagnosisCode::InputInvalid, e);
        }
    };
    ladder.step(
        "ddi-target",
        true,
        started,
        serde_json::to_value(&target).unwrap_or_default(),
    );
    ladder.reproduce = reproduce(&target.poll_url, encrypted, None).into();
    let Ok(url) = url::Url::parse(&target.poll_url) else {
        return ladder.fail(
            DiagnosisCode::InputInvalid,
            format!("{} is not a URL", target.poll_url),
        );
    };
    let host = url
        .host_str()
        .unwrap_or_default()
        .trim_matches(['[', ']'])
        .to_string();
    let host = match settings::host_checked("otaDDIUrl", host) {
        Ok(host) => host,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e.to_string()),
    };
    let port = url.port_or_known_default().unwrap_or(443);
    ladder.endpoint = target.poll_url.clone();

    // DNS and TCP, or the proxy's tunnel (the proxy resolves and connects).
    let through = ctx
        .proxy
        .for_destination(&host, Destination::Tunnel)
        .map(|proxy| {
            let curl = reproduce(&target.poll_url, encrypted, Some(proxy));
            ladder.reproduce = curl.clone().into();
            (proxy, curl)
        });
    let stream = match ladder.connect((&host, port), through).await {
        Ok(stream) => stream,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };

    // TLS with the client certificate; the server trusted through otaCaCert.
    let started = Instant::now();
    let trust = tls::Trust::from_template(Some(&ca), None);
    let (config, seen) =
        match tls::verifying_config_with_identity(trust, &[b"http/1.1"], identity.as_ref()) {
            Ok(c) => c,
            Err(e) => {
                ladder.step("tls", false, started, json!({ "error": e }));
                return ladder.fail(DiagnosisCode::InputInvalid, format!("otaCaCert: {e}"));
            }
        };
    let openssl = Command::new("openssl")
        .flag("s_client")
        .opt("-connect", host_port(&host, port))
        .opt("-servername", &host)
        .flag("-CAfile")
        .flag("otaCaCert.pem")
        .flag("-cert")
        .flag("otaCert.pem")
        .flag("-key")
        .flag("otaPrivateKey.pem")
        .no_stdin();
    let mut stream = match ladder
        .tls(stream, (&host, port), (config, &seen), started, openssl)
        .await
    {
        Ok(s) => s,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };

    // The DDI root poll.
    let started = Instant::now();
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let host_header = match url.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.clone(),
    };
    let request = http::get(&host_header, &path, "application/hal+json");
    let sent = std::time::SystemTime::now();
    let exchanged = exchange(&mut stream, &request, timeout).await;
    let received = std::time::SystemTime::now();
    let response = match exchanged {
        Ok(r) => r,
        Err(failure) => {
            let (code, evidence) = match failure {
                Exchange::Timeout => (
                    DiagnosisCode::Timeout,
                    format!(
                        "no answer to the DDI poll within {} ms",
                        timeout.as_millis()
                    ),
                ),
                Exchange::Closed(Some(e)) if e.to_string().contains("alert") => (
                    DiagnosisCode::TlsClientCertRejected,
                    format!("the server ended the TLS session after the handshake: {e}"),
                ),
                Exchange::Closed(e) => (
                    DiagnosisCode::PeerProtocolViolation,
                    format!(
                        "the server closed the connection without answering the DDI poll{}",
                        e.map(|e| format!(" ({e})")).unwrap_or_default()
                    ),
                ),
                Exchange::NotHttp(prefix) => (
                    DiagnosisCode::PeerProtocolViolation,
                    format!("the server did not answer in HTTP: it sent \"{prefix}\""),
                ),
            };
            ladder.step("ddi-poll", false, started, json!({ "error": evidence }));
            return ladder.fail(code, evidence);
        }
    };
    let status_line = format!("HTTP {} {}", response.status, response.reason);
    let excerpt = response.body_excerpt(160);
    let clock_offset = ladder.clock_offset(&response, (sent, received), &host);
    let mut detail = json!({ "status": response.status, "reason": response.reason, "contentType": response.header("content-type"), "clockOffsetS": clock_offset });
    if let Some(words) = nginx_client_cert_page(&response) {
        detail["body"] = json!(excerpt);
        ladder.step("ddi-poll", false, started, detail);
        return ladder.fail(
            DiagnosisCode::TlsClientCertRejected,
            format!("the TLS handshake passed, but the server answered {status_line} \"{words}\": it did not accept {}", identity.as_ref().and_then(|i| i.certificate.clone()).map(|c| format!("the client certificate {} (issuer {})", c.subject, c.issuer)).unwrap_or_else(|| "a device without a client certificate".into())),
        );
    }
    let code = match response.status {
        200..=299 => None,
        401 | 403 => Some(DiagnosisCode::DdiUnauthorized),
        404 => Some(DiagnosisCode::DdiNotFound),
        500..=599 => Some(DiagnosisCode::HttpServerError),
        _ => Some(DiagnosisCode::HttpStatus),
    };
    if let Some(code) = code {
        detail["body"] = json!(excerpt);
        ladder.step("ddi-poll", false, started, detail);
        let mut evidence = format!("GET {} answered {status_line}", url.path());
        if code == DiagnosisCode::DdiNotFound {
            evidence.push_str(&format!(
                " (tenant '{}', controller '{}')",
                target.tenant, target.controller_id
            ));
        }
        if !excerpt.is_empty() {
            evidence.push_str(&format!(": {excerpt}"));
        }
        return ladder.fail(code, evidence);
    }
    match ddi::parse_root(&response.body) {
        Ok(root) => {
            detail["polling"] = json!(root.polling_sleep);
            detail["pollingSeconds"] = json!(root.polling_seconds);
            detail["links"] = json!(root.links);
            detail["pending"] = json!(root.pending());
            ladder.step("ddi-poll", true, started, detail);
            let pending = root.pending();
            let mut evidence = format!(
                "{status_line}: tenant '{}', controller '{}', polling every {}",
                target.tenant,
                target.controller_id,
                root.polling_sleep.as_deref().unwrap_or("(not said)")
            );
            evidence.push_str(&if pending.is_empty() {
                "; nothing pending".to_string()
            } else {
                format!("; {}", pending.join("; "))
            });
            match expires_in {
                Some(days) if days < EXPIRY_WARNING_DAYS => ladder.finish(
                    Verdict::Warn,
                    DiagnosisCode::Ok,
                    format!(
                        "{evidence}; the client certificate expires in {days} day{}",
                        if days == 1 { "" } else { "s" }
                    ),
                ),
                _ => ladder.finish(Verdict::Pass, DiagnosisCode::Ok, evidence),
            }
        }
        Err(why) => {
            detail["body"] = json!(excerpt);
            ladder.step("ddi-poll", false, started, detail);
            ladder.fail(
                DiagnosisCode::DdiBadResponse,
                format!("{status_line}, but {why}"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(kind: TemplateKind, key: &str, value: &str) -> TemplateInstance {
        TemplateInstance {
            kind,
            body: serde_json::json!({ key: value })
                .as_object()
                .unwrap()
                .clone(),
        }
    }

    #[test]
    fn the_controller_id_comes_from_the_variable_then_lwm2m_then_mqtt() {
        let mut ctx = RunContext::new(std::time::Duration::from_secs(1));
        let lwm2m = template(TemplateKind::Lwm2mNosec, "lwm2mEndpoint", "ep-1");
        let mqtt = template(TemplateKind::MqttTcp, "mqttClientId", "client-1");
        assert_eq!(
            controller_id(&ctx, &[mqtt.clone(), lwm2m.clone()]),
            Some(("ep-1".into(), "the LWM2M endpoint"))
        );
        assert_eq!(
            controller_id(&ctx, std::slice::from_ref(&mqtt)),
            Some(("client-1".into(), "the MQTT client id"))
        );
        assert_eq!(controller_id(&ctx, &[]), None);
        ctx.ota_controller_id = Some("ctl-9".into());
        assert_eq!(
            controller_id(&ctx, &[lwm2m, mqtt]),
            Some(("ctl-9".into(), "OTA_CONTROLLER_ID"))
        );
    }

    #[test]
    fn expiry_is_counted_in_days() {
        assert_eq!(
            days_until("2000-01-01T00:00:00Z").map(|d| d < 0),
            Some(true)
        );
        assert!(days_until("2999-01-01T00:00:00Z").unwrap() > 300_000);
        assert_eq!(days_until("never"), None);
    }
}
