//! The MQTT TCP / TLS ladder (DESIGN.md §3): DNS, TCP, [TLS with the template's CA], MQTT
//! CONNECT (v5, falling back to 3.1.1 when the broker refuses v5, closes, or stays silent on
//! it), SUBSCRIBE to the request topic, PUBLISH QoS 1 to the data topic, and the echo of that
//! message where the ACL lets the device read its own data topic.
//!
//! Credentials go to the broker and nowhere else: evidence names the user, never the
//! password, and reproduce commands say `-P "$MQTT_PASSWORD"`.

use super::ladder::Ladder;
use super::{elapsed_ms, RunContext};
use crate::catalog::TemplateKind;
use crate::model::JsonObject;
use crate::net::mqtt::{tls_transport, ClientSetup};
use crate::net::proxy_config::{Destination, Proxy};
use crate::net::tls;
use crate::report::reproduce::{host_port, Command};
use crate::report::{Check, DiagnosisCode, Verdict};
use crate::settings::{self, MqttSettings};
use rumqttc::v5::mqttbytes::v5::{ConnectReturnCode, Packet, PubAckReason, SubscribeReasonCode};
use rumqttc::v5::mqttbytes::QoS;
use rumqttc::v5::{AsyncClient, ConnectionError, Event, EventLoop};
use rumqttc::Transport;
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;

fn reproduce(s: &MqttSettings, tls: bool) -> Command {
    let mut cmd = Command::new("mosquitto_pub")
        .opt("-h", &s.host)
        .opt("-p", s.port.to_string())
        .opt("-i", &s.client_id);
    if !s.user.is_empty() {
        cmd = cmd.opt("-u", &s.user).env("-P", "MQTT_PASSWORD");
    }
    if tls {
        cmd = cmd.flag("--cafile").flag("mqttServerCA.pem");
    }
    cmd.opt("-t", &s.data_topic)
        .flag("-m")
        .flag("loopcheck")
        .flag("-q")
        .flag("1")
        .opt("-V", "mqttv5")
        .flag("-d")
}

/// Runs the ladder for a rendered mqtt-tcp or mqtt-tls body.
pub async fn run(kind: TemplateKind, body: &JsonObject, ctx: &RunContext) -> Check {
    let tls_wanted = kind == TemplateKind::MqttTls;
    let mut ladder = Ladder::new(kind, ctx);
    let s = match settings::mqtt(kind, body) {
        Ok(s) => s,
        Err(e) => return ladder.fail(DiagnosisCode::InputInvalid, e.to_string()),
    };
    ladder.endpoint = format!("{}:{}", s.host, s.port);
    ladder.reproduce = reproduce(&s, tls_wanted).into();
    let timeout = ctx.rung_timeout;

    // DNS and TCP, or — when asked (`--proxy-mqtt`, `PROXY_MQTT`) — the proxy's tunnel.
    let proxy = Some(&ctx.proxy)
        .filter(|choice| choice.mqtt)
        .and_then(|choice| choice.for_destination(&s.host, Destination::Tunnel));
    let through = proxy.map(|p| {
        (
            p,
            super::ladder::tunnel_line(&s.host, s.port, tls_wanted, p),
        )
    });
    let stream = match ladder.connect((&s.host, s.port), through).await {
        Ok(stream) => stream,
        Err((code, evidence)) => return ladder.fail(code, evidence),
    };

    // TLS, verified against the template's CA; the same configuration serves the MQTT rungs.
    let mut transport = Transport::tcp();
    if tls_wanted {
        let started = Instant::now();
        let (config, seen) =
            match tls::verifying_config(tls::Trust::from_template(s.ca.as_deref(), None), &[]) {
                Ok(c) => c,
                Err(e) => {
                    ladder.step("tls", false, started, json!({ "error": e }));
                    return ladder.fail(DiagnosisCode::InputInvalid, format!("mqttServerCA: {e}"));
                }
            };
        let openssl = Command::new("openssl")
            .flag("s_client")
            .opt("-connect", host_port(&s.host, s.port))
            .opt("-servername", &s.host)
            .flag("-CAfile")
            .flag("mqttServerCA.pem")
            .no_stdin();
        let handshake = ladder
            .tls(
                stream,
                (&s.host, s.port),
                (config.clone(), &seen),
                started,
                openssl,
            )
            .await;
        if let Err((code, evidence)) = handshake {
            return ladder.fail(code, evidence);
        }
        transport = tls_transport(config);
    } else {
        drop(stream);
    }

    mqtt_rungs(ladder, &s, (transport, proxy), timeout).await
}

/// How long an MQTT 5 CONNECT waits for its CONNACK before 3.1.1 is tried (at most the
/// rung timeout). Loopback and field brokers answer in milliseconds once TLS is up.
const MQTT5_ANSWER_WAIT: Duration = Duration::from_secs(1);

/// The MQTT 5 and 3.1.1 event loops of rumqttc, so both ladders share [`poll_until`].
pub(super) trait Events {
    type Event;
    type Error;
    fn next_event(&mut self)
        -> impl std::future::Future<Output = Result<Self::Event, Self::Error>>;
}

impl Events for EventLoop {
    type Event = Event;
    type Error = ConnectionError;
    fn next_event(&mut self) -> impl std::future::Future<Output = Result<Event, ConnectionError>> {
        self.poll()
    }
}

impl Events for rumqttc::EventLoop {
    type Event = rumqttc::Event;
    type Error = rumqttc::ConnectionError;
    fn next_event(
        &mut self,
    ) -> impl std::future::Future<Output = Result<rumqttc::Event, rumqttc::ConnectionError>> {
        self.poll()
    }
}

/// Polls the event loop until `pick` returns something, an error comes, or time runs out.
pub(super) async fn poll_until<L: Events, T>(
    events: &mut L,
    timeout: Duration,
    mut pick: impl FnMut(&L::Event) -> Option<T>,
) -> Result<Option<T>, L::Error> {
    let deadline = Instant::now() + timeout;
    loop {
        // A timeout only fires when its future is pending: a peer that floods keeps the event
        // loop ready forever, so the deadline is checked between events too.
        if Instant::now() >= deadline {
            return Ok(None);
        }
        match tokio::time::timeout_at(deadline, events.next_event()).await {
            Err(_) => return Ok(None),
            Ok(Err(e)) => return Err(e),
            Ok(Ok(event)) => {
                if let Some(found) = pick(&event) {
                    return Ok(Some(found));
                }
            }
        }
    }
}

async fn mqtt_rungs(
    mut ladder: Ladder,
    s: &MqttSettings,
    (transport, proxy): (Transport, Option<&Proxy>),
    timeout: Duration,
) -> Check {
    // One publish is in flight.
    let mut setup = ClientSetup::new(s, Duration::from_secs(30), 8).through(proxy);
    setup.transport = transport;
    setup.connect_timeout = timeout;
    let fallback_transport = setup.transport.clone();
    let options = setup.v5();
    let (client, mut events) = AsyncClient::new(options, 16);

    // CONNECT. A broker that speaks only 3.1.1 may stay silent on an MQTT 5 CONNECT (amqtt
    // does) rather than refuse or close: its answer is awaited only briefly, then 3.1.1 is
    // tried with the whole rung timeout. TCP (and TLS) are already up, so the wait is for
    // the broker alone; a v5 broker slower than that is checked over 3.1.1, and the report
    // says why.
    let v5_wait = timeout.min(MQTT5_ANSWER_WAIT);
    let started = Instant::now();
    let connack = poll_until(&mut events, v5_wait, |e| match e {
        Event::Incoming(Packet::ConnAck(ack)) => Some(ack.code),
        _ => None,
    })
    .await;
    match connack {
        Ok(Some(_)) => ladder.step(
            "mqtt-connect",
            true,
            started,
            json!({ "protocol": "MQTT 5", "user": s.user, "clientId": s.client_id }),
        ),
        Ok(None) => {
            let waited = v5_wait.as_millis();
            let detail = json!({ "protocol": "MQTT 5", "error": "no CONNACK", "waitedMs": waited });
            ladder.step("mqtt-connect", false, started, detail);
            let why = format!("no answer to MQTT 5 within {waited} ms");
            // The MQTT 5 connection goes before the 3.1.1 one opens.
            drop((client, events));
            return super::mqtt311::run(ladder, s, (fallback_transport, proxy), timeout, &why)
                .await;
        }
        Err(ConnectionError::ConnectionRefused(
            ConnectReturnCode::UnsupportedProtocolVersion
            | ConnectReturnCode::RefusedProtocolVersion,
        )) => {
            let detail = json!({ "protocol": "MQTT 5", "connack": "UnsupportedProtocolVersion" });
            ladder.step("mqtt-connect", false, started, detail);
            let why = "the broker refused MQTT 5";
            // The MQTT 5 connection goes before the 3.1.1 one opens.
            drop((client, events));
            return super::mqtt311::run(ladder, s, (fallback_transport, proxy), timeout, why).await;
        }
        Err(ConnectionError::ConnectionRefused(code)) => {
            let (diagnosis, words) = match code {
                ConnectReturnCode::BadUserNamePassword => (
                    DiagnosisCode::MqttBadCredentials,
                    "bad user name or password",
                ),
                ConnectReturnCode::NotAuthorized => {
                    (DiagnosisCode::MqttNotAuthorized, "not authorised")
                }
                ConnectReturnCode::ClientIdentifierNotValid | ConnectReturnCode::BadClientId => (
                    DiagnosisCode::MqttClientIdRejected,
                    "client identifier not valid",
                ),
                _ => (DiagnosisCode::MqttProtocol, "refused"),
            };
            let evidence = format!(
                "CONNACK {code:?} ({words}) for user '{}', client id '{}'",
                s.user, s.client_id
            );
            ladder.step(
                "mqtt-connect",
                false,
                started,
                json!({ "connack": format!("{code:?}") }),
            );
            return ladder.fail(diagnosis, evidence);
        }
        Err(e) => {
            // A 3.1.1-only broker may close the connection, or answer with a CONNACK an MQTT 5
            // client cannot read: try 3.1.1 before blaming the broker.
            let detail = json!({ "protocol": "MQTT 5", "error": e.to_string() });
            ladder.step("mqtt-connect", false, started, detail);
            let why = format!("MQTT 5 failed ({e})");
            // The MQTT 5 connection goes before the 3.1.1 one opens.
            drop((client, events));
            return super::mqtt311::run(ladder, s, (fallback_transport, proxy), timeout, &why)
                .await;
        }
    }

    // SUBSCRIBE to the request topic and to the data topic (for the echo), one at a time.
    let mut echo_possible = false;
    for (topic, is_echo) in [(s.req_topic.as_str(), false), (s.data_topic.as_str(), true)] {
        if topic.is_empty() {
            continue;
        }
        let started = Instant::now();
        let name = if is_echo {
            "subscribe-echo"
        } else {
            "subscribe"
        };
        if let Err(e) = client.subscribe(topic, QoS::AtLeastOnce).await {
            ladder.step(name, false, started, json!({ "error": e.to_string() }));
            return ladder.fail(DiagnosisCode::MqttProtocol, e.to_string());
        }
        let granted = poll_until(&mut events, timeout, |e| match e {
            Event::Incoming(Packet::SubAck(ack)) => ack.return_codes.first().cloned(),
            _ => None,
        })
        .await;
        match granted {
            Ok(Some(SubscribeReasonCode::Success(qos))) => {
                ladder.step(
                    name,
                    true,
                    started,
                    json!({ "topic": topic, "grantedQos": qos as u8 }),
                );
                echo_possible |= is_echo;
            }
            Ok(Some(code)) if is_echo => {
                // Reading one's own data topic is optional: no echo, not a failure.
                ladder.step(
                    name,
                    false,
                    started,
                    json!({ "topic": topic, "suback": format!("{code:?}") }),
                );
            }
            Ok(Some(code)) => {
                ladder.step(
                    name,
                    false,
                    started,
                    json!({ "topic": topic, "suback": format!("{code:?}") }),
                );
                return ladder.fail(
                    DiagnosisCode::MqttSubscribeDenied,
                    format!("SUBACK {code:?} for '{topic}'"),
                );
            }
            Ok(None) => {
                ladder.step(name, false, started, json!({ "topic": topic }));
                return ladder.fail(
                    DiagnosisCode::Timeout,
                    format!("no SUBACK for '{topic}' within {} ms", timeout.as_millis()),
                );
            }
            Err(e) => {
                ladder.step(name, false, started, json!({ "error": e.to_string() }));
                return ladder.fail(
                    DiagnosisCode::MqttProtocol,
                    format!("the broker closed the connection after SUBSCRIBE '{topic}': {e}"),
                );
            }
        }
    }

    // PUBLISH QoS 1 and wait for PUBACK (and the echo, if we could subscribe).
    let payload = format!(
        "{{\"loopcheck\":\"{}\",\"nonce\":{}}}",
        crate::VERSION,
        std::process::id() ^ (elapsed_ms(ladder.start) as u32)
    );
    let started = Instant::now();
    if let Err(e) = client
        .publish(
            s.data_topic.as_str(),
            QoS::AtLeastOnce,
            false,
            payload.clone(),
        )
        .await
    {
        ladder.step("publish", false, started, json!({ "error": e.to_string() }));
        return ladder.fail(DiagnosisCode::MqttProtocol, e.to_string());
    }
    let mut acked: Option<PubAckReason> = None;
    let mut echoed = false;
    let want_echo = echo_possible;
    let outcome = poll_until(&mut events, timeout, |e| {
        match e {
            Event::Incoming(Packet::PubAck(ack)) => acked = Some(ack.reason),
            Event::Incoming(Packet::Publish(p)) if p.payload.as_ref() == payload.as_bytes() => {
                echoed = true
            }
            _ => {}
        }
        let done = acked.is_some()
            && (echoed
                || !want_echo
                || !matches!(
                    acked,
                    Some(PubAckReason::Success | PubAckReason::NoMatchingSubscribers)
                ));
        done.then_some(())
    })
    .await;
    if let Err(e) = outcome {
        ladder.step("publish", false, started, json!({ "error": e.to_string() }));
        return ladder.fail(
            DiagnosisCode::MqttProtocol,
            format!("the broker closed the connection after PUBLISH: {e}"),
        );
    }
    let _ = client.disconnect().await;
    match acked {
        None => {
            ladder.step("publish", false, started, json!({ "topic": s.data_topic }));
            ladder.fail(
                DiagnosisCode::Timeout,
                format!(
                    "no PUBACK for '{}' within {} ms",
                    s.data_topic,
                    timeout.as_millis()
                ),
            )
        }
        Some(reason @ (PubAckReason::Success | PubAckReason::NoMatchingSubscribers)) => {
            ladder.step(
                "publish",
                true,
                started,
                json!({ "topic": s.data_topic, "puback": format!("{reason:?}") }),
            );
            let echo_started = started;
            if !want_echo {
                ladder.finish(Verdict::Pass, DiagnosisCode::Ok, "connected, subscribed and published; the data topic could not be read back, so no echo was tried".into())
            } else if echoed {
                ladder.step("echo", true, echo_started, json!({ "topic": s.data_topic }));
                ladder.finish(
                    Verdict::Pass,
                    DiagnosisCode::Ok,
                    format!(
                        "CONNACK, SUBACK and PUBACK received; the message came back on '{}'",
                        s.data_topic
                    ),
                )
            } else {
                ladder.step(
                    "echo",
                    false,
                    echo_started,
                    json!({ "topic": s.data_topic }),
                );
                ladder.finish(
                    Verdict::Warn,
                    DiagnosisCode::MqttNoEcho,
                    format!(
                        "PUBACK {reason:?}, but the message never came back on '{}' within {} ms",
                        s.data_topic,
                        timeout.as_millis()
                    ),
                )
            }
        }
        Some(reason) => {
            ladder.step(
                "publish",
                false,
                started,
                json!({ "topic": s.data_topic, "puback": format!("{reason:?}") }),
            );
            ladder.fail(
                DiagnosisCode::MqttPublishDenied,
                format!("PUBACK {reason:?} for '{}'", s.data_topic),
            )
        }
    }
}
