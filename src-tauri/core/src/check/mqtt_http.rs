//! The MQTT-over-HTTP(S) ladder (DESIGN.md §3): DNS, TCP, [TLS], an HTTP POST of a test
//! message to the template's publish URL with the device's credentials, and — where the model
//! also has an MQTT TCP/TLS template — proof that the message reached the broker, received by
//! an observer connection subscribed to the data topic before the POST.
//!
//! The request is the widely used HTTP-publish shape: HTTP Basic auth from the MQTT user name
//! and password, and a JSON body `{"topic","payload","qos","clientid"}`. The observer uses the
//! device's credentials with a suffixed client id (so it does not push the device off the
//! broker); when the broker refuses it, delivery cannot be proven and the check warns rather
//! than fails (DESIGN.md §3).

use super::ladder::Ladder;
use super::mqtt::poll_until;
use super::{elapsed_ms, RunContext};
use crate::catalog::TemplateKind;
use crate::model::{JsonObject, TemplateInstance};
use crate::net::http_exchange::{exchange, Exchange};
use crate::net::mqtt::{tls_transport, ClientSetup};
use crate::net::proxy_config::{Destination, Proxy};
use crate::net::tls;
use crate::report::reproduce::{host_port, Command};
use crate::report::{Check, DiagnosisCode, Verdict};
use crate::settings::{self, HttpSettings, MqttSettings};
use rumqttc::v5::mqttbytes::v5::{ConnectReturnCode, Packet, SubscribeReasonCode};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, ConnectionError, Event};
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;

fn reproduce(s: &HttpSettings, body: &str, extra_ca: bool, proxy: Option<&Proxy>) -> Command {
    let mut cmd = super::ladder::curl_through(Command::new("curl").flag("-sS").flag("-i"), proxy);
    if !s.user.is_empty() {
        cmd = cmd.opt_then_env("-u", format!("{}:", s.user), "MQTT_PASSWORD");
    }
    if extra_ca && s.url.scheme() == "https" {
        cmd = cmd.flag("--cacert").flag("MQTT_HTTPS_CA.pem");
    }
    cmd.flag("-H")
        .flag("'Content-Type: application/json'")
        .opt("--data", body)
        .arg(s.url.as_str())
}

/// Runs the ladder for a rendered mqtt-http or mqtt-https body; `brokers` are the model's
/// MQTT TCP/TLS templates, the first usable one of which observes the delivery.
pub async fn run(
    kind: TemplateKind,
    body: &JsonObject,
    brokers: &[&TemplateInstance],
    ctx: &RunContext,
) -> Check {
    let mut ladder = Ladder::new(kind, ctx);
    let s = match settings::http(kind, body) {
        Ok(s) => s,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e.to_string()),
    };
    ladder.endpoint = s.url.as_str().to_string();
    let payload = format!(
        "{{\"loopcheck\":\"{}\",\"nonce\":{}}}",
        crate::VERSION,
        std::process::id() ^ (elapsed_ms(ladder.start) as u32) ^ 0x5a5a
    );
    let body_json = s.request_body(&payload);
    // Through a proxy: https:// in a CONNECT tunnel, http:// as absolute-form requests.
    let https = s.url.scheme() == "https";
    let destination = if https {
        Destination::Tunnel
    } else {
        Destination::Http
    };
    let proxy = ctx.proxy.for_destination(&s.host, destination);
    let curl = reproduce(&s, &body_json, ctx.extra_ca.is_some(), proxy);
    ladder.reproduce = curl.clone().into();
    let timeout = ctx.rung_timeout;

    let stream = if let Some(proxy) = proxy {
        // The proxy resolves and connects: its rung stands for DNS and TCP.
        let rung = if https {
            ladder.proxy(proxy, (&s.host, s.port), curl).await
        } else {
            let authority = host_port(&s.host, s.port);
            ladder.proxy_forward(proxy, &authority, curl).await
        };
        match rung {
            Ok(stream) => stream,
            Err((code, evidence)) => return ladder.fail(code, evidence),
        }
    } else {
        let ips = match ladder.dns(&s.host).await {
            Ok(ips) => ips,
            Err((code, evidence)) => return ladder.fail(code, evidence),
        };
        match ladder.tcp(&ips, s.port, &s.host).await {
            Ok(stream) => stream,
            Err((code, evidence)) => return ladder.fail(code, evidence),
        }
    };

    // TLS for https:// — the OS roots plus the project's extra CA (the template has no CA).
    let mut secured = None;
    let mut plain = None;
    if https {
        let started = Instant::now();
        let trust = tls::Trust::System {
            extra: ctx.extra_ca.as_deref(),
        };
        let (config, seen) = match tls::verifying_config(trust, &[b"http/1.1"]) {
            Ok(c) => c,
            Err(e) => {
                ladder.step("tls", false, started, json!({ "error": e }));
                return ladder.fail(DiagnosisCode::InputInvalid, format!("MQTT_HTTPS_CA: {e}"));
            }
        };
        let mut openssl = Command::new("openssl")
            .flag("s_client")
            .opt("-connect", host_port(&s.host, s.port))
            .opt("-servername", &s.host);
        if ctx.extra_ca.is_some() {
            openssl = openssl.flag("-CAfile").flag("MQTT_HTTPS_CA.pem");
        }
        let openssl = openssl.no_stdin();
        match ladder
            .tls(stream, (&s.host, s.port), (config, &seen), started, openssl)
            .await
        {
            Ok(tls_stream) => secured = Some(tls_stream),
            Err((code, evidence)) => return ladder.fail(code, evidence),
        }
    } else {
        plain = Some(stream);
    }

    // The observer, subscribed before the POST so the message cannot slip past it.
    let mut observer = None;
    let mut observer_problem = None;
    if let Some(broker) = brokers.first() {
        let started = Instant::now();
        // The observer reaches the broker as the MQTT check would: through the tunnel when
        // MQTT is asked to go through the proxy.
        let host = broker.body.get("mqttHostName").and_then(|h| h.as_str());
        let tunnel = host
            .filter(|_| ctx.proxy.mqtt)
            .and_then(|h| ctx.proxy.for_destination(h, Destination::Tunnel));
        match Observer::start(broker, &s.data_topic, payload.as_bytes(), (timeout, tunnel)).await {
            Ok(o) => {
                let detail =
                    json!({ "broker": o.endpoint, "clientId": o.client_id, "topic": s.data_topic });
                ladder.step("observer", true, started, detail);
                observer = Some(o);
            }
            Err((code, evidence)) => {
                ladder.step("observer", false, started, json!({ "error": evidence }));
                observer_problem = Some((code, evidence));
            }
        }
    }

    // HTTP POST
    let started = Instant::now();
    // A forwarding proxy gets the absolute URL and its own credentials.
    let forwarder = proxy.filter(|_| !https);
    let request = match forwarder {
        Some(proxy) => {
            let authorization = proxy.authorization();
            s.forwarded_request(&body_json, authorization.as_deref().map(|a| a.as_str()))
        }
        None => s.post_request(&body_json),
    };
    let sent = std::time::SystemTime::now();
    let exchanged = match (secured.as_mut(), plain.as_mut()) {
        (Some(stream), _) => exchange(stream, &request, timeout).await,
        (None, Some(stream)) => exchange(stream, &request, timeout).await,
        (None, None) => Err(Exchange::Closed(None)),
    };
    let received = std::time::SystemTime::now();
    let response = match exchanged {
        Ok(r) => r,
        Err(failure) => {
            let (code, evidence) = match failure {
                Exchange::Timeout => (
                    DiagnosisCode::Timeout,
                    format!("no HTTP response within {} ms", timeout.as_millis()),
                ),
                Exchange::Closed(_) => (
                    DiagnosisCode::PeerProtocolViolation,
                    "the server closed the connection without an HTTP response".to_string(),
                ),
                Exchange::NotHttp(prefix) => (
                    DiagnosisCode::PeerProtocolViolation,
                    format!("the server did not answer in HTTP: it sent \"{prefix}\""),
                ),
            };
            ladder.step("http-post", false, started, json!({ "error": evidence }));
            return ladder.fail(code, evidence);
        }
    };
    if let Some(proxy) = forwarder {
        let refusal = crate::net::proxy::own_refusal(&response, proxy.has_credentials());
        if let Some(failure) = refusal {
            let authority = host_port(&s.host, s.port);
            let (code, evidence) =
                crate::report::diagnose::proxy(&failure, &proxy.shown(), &authority, timeout);
            let detail = json!({ "status": response.status, "error": evidence });
            ladder.step("http-post", false, started, detail);
            return ladder.fail(code, evidence);
        }
    }
    let status_line = format!("HTTP {} {}", response.status, response.reason);
    let excerpt = response.body_excerpt(160);
    let clock_offset = ladder.clock_offset(&response, (sent, received), &s.host);
    let detail = json!({
        "status": response.status,
        "reason": response.reason,
        "contentType": response.header("content-type"),
        "body": excerpt,
        "clockOffsetS": clock_offset,
    });
    let code = match response.status {
        200..=299 => None,
        401 => Some(DiagnosisCode::HttpUnauthorized),
        403 => Some(DiagnosisCode::HttpForbidden),
        404 => Some(DiagnosisCode::HttpNotFound),
        500..=599 => Some(DiagnosisCode::HttpServerError),
        _ => Some(DiagnosisCode::HttpStatus),
    };
    if let Some(code) = code {
        ladder.step("http-post", false, started, detail);
        let mut evidence = format!("POST {} answered {status_line}", s.url.path());
        if let Some(location) = response.header("location") {
            evidence.push_str(&format!(" (redirect to {location})"));
        }
        if !excerpt.is_empty() {
            evidence.push_str(&format!(": {excerpt}"));
        }
        if code == DiagnosisCode::HttpUnauthorized {
            evidence.push_str(&format!(" — user '{}'", s.user));
        }
        return ladder.fail(code, evidence);
    }
    ladder.step("http-post", true, started, detail);

    // Delivery over MQTT.
    let Some(observer) = observer else {
        return match observer_problem {
            Some((code, why)) => ladder.finish(
                Verdict::Warn,
                code,
                format!("the POST was accepted ({status_line}), but delivery could not be confirmed: the observer connection failed: {why}"),
            ),
            None => ladder.finish(
                Verdict::Pass,
                DiagnosisCode::Ok,
                format!("the POST was accepted ({status_line}); the model has no MQTT TCP/TLS template to confirm delivery with"),
            ),
        };
    };
    let started = Instant::now();
    let delivered = observer.wait(timeout).await;
    if delivered {
        ladder.step("delivery", true, started, json!({ "topic": s.data_topic }));
        ladder.finish(
            Verdict::Pass,
            DiagnosisCode::Ok,
            format!(
                "{status_line}, and the message arrived on '{}' over MQTT",
                s.data_topic
            ),
        )
    } else {
        ladder.step("delivery", false, started, json!({ "topic": s.data_topic }));
        ladder.finish(
            Verdict::Warn,
            DiagnosisCode::MqttNoEcho,
            format!(
                "the POST was accepted ({status_line}), but the message did not arrive on '{}' over MQTT within {} ms",
                s.data_topic,
                timeout.as_millis()
            ),
        )
    }
}

/// An MQTT 5 connection subscribed to the data topic, waiting for one exact payload.
struct Observer {
    endpoint: String,
    client_id: String,
    client: AsyncClient,
    delivered: tokio::sync::oneshot::Receiver<()>,
    task: tokio::task::JoinHandle<()>,
}

impl Observer {
    async fn start(
        broker: &TemplateInstance,
        topic: &str,
        expected: &[u8],
        (timeout, tunnel): (Duration, Option<&Proxy>),
    ) -> Result<Observer, (DiagnosisCode, String)> {
        let b: MqttSettings = settings::mqtt(broker.kind, &broker.body)
            .map_err(|e| (DiagnosisCode::InputInvalid, e.to_string()))?;
        let client_id = format!("{}-loopcheck", b.client_id);
        let mut setup = ClientSetup::new(&b, Duration::from_secs(30), 8).through(tunnel);
        setup.client_id = client_id.clone();
        setup.connect_timeout = timeout;
        if broker.kind == TemplateKind::MqttTls {
            let trust = tls::Trust::from_template(b.ca.as_deref(), None);
            let (config, _) = tls::verifying_config(trust, &[])
                .map_err(|e| (DiagnosisCode::InputInvalid, e.to_string()))?;
            setup.transport = tls_transport(config);
        }
        let options = setup.v5();
        let endpoint = format!("{}:{}", b.host, b.port);
        let (client, mut events) = AsyncClient::new(options, 16);
        let connack = poll_until(&mut events, timeout, |e| match e {
            Event::Incoming(Packet::ConnAck(ack)) => Some(ack.code),
            _ => None,
        })
        .await;
        match connack {
            Ok(Some(_)) => {}
            Ok(None) => {
                return Err((
                    DiagnosisCode::Timeout,
                    format!(
                        "no CONNACK from {endpoint} within {} ms",
                        timeout.as_millis()
                    ),
                ))
            }
            Err(ConnectionError::ConnectionRefused(code)) => {
                let diagnosis = match code {
                    ConnectReturnCode::BadUserNamePassword => DiagnosisCode::MqttBadCredentials,
                    ConnectReturnCode::NotAuthorized => DiagnosisCode::MqttNotAuthorized,
                    ConnectReturnCode::ClientIdentifierNotValid => {
                        DiagnosisCode::MqttClientIdRejected
                    }
                    _ => DiagnosisCode::MqttProtocol,
                };
                return Err((
                    diagnosis,
                    format!("{endpoint} answered CONNACK {code:?} for client id '{client_id}'"),
                ));
            }
            Err(e) => return Err((DiagnosisCode::MqttProtocol, format!("{endpoint}: {e}"))),
        }
        client
            .subscribe(topic, QoS::AtLeastOnce)
            .await
            .map_err(|e| (DiagnosisCode::MqttProtocol, e.to_string()))?;
        let granted = poll_until(&mut events, timeout, |e| match e {
            Event::Incoming(Packet::SubAck(ack)) => ack.return_codes.first().cloned(),
            _ => None,
        })
        .await;
        match granted {
            Ok(Some(SubscribeReasonCode::Success(_))) => {}
            Ok(Some(code)) => {
                return Err((
                    DiagnosisCode::MqttSubscribeDenied,
                    format!("SUBACK {code:?} for '{topic}'"),
                ))
            }
            Ok(None) => {
                return Err((
                    DiagnosisCode::Timeout,
                    format!("no SUBACK for '{topic}' within {} ms", timeout.as_millis()),
                ))
            }
            Err(e) => return Err((DiagnosisCode::MqttProtocol, e.to_string())),
        }
        let (tell, delivered) = tokio::sync::oneshot::channel();
        let expected = expected.to_vec();
        let task = tokio::spawn(async move {
            let mut tell = Some(tell);
            while let Ok(event) = events.poll().await {
                if let Event::Incoming(Packet::Publish(p)) = event {
                    if p.payload.as_ref() == expected.as_slice() {
                        if let Some(tell) = tell.take() {
                            let _ = tell.send(());
                        }
                    }
                }
            }
        });
        Ok(Observer {
            endpoint,
            client_id,
            client,
            delivered,
            task,
        })
    }

    /// Whether the payload arrived within `timeout`; disconnects either way.
    async fn wait(mut self, timeout: Duration) -> bool {
        let arrived = matches!(
            tokio::time::timeout(timeout, &mut self.delivered).await,
            Ok(Ok(()))
        );
        let _ = self.client.try_disconnect();
        arrived
    }
}

impl Drop for Observer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
