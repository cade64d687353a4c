//! The MQTT 3.1.1 rungs, for brokers that refuse MQTT 5 (DESIGN.md §3: v5 first, then 3.1.1).
//! 3.1.1 has no PUBACK reason codes: a publish the ACL denies is dropped silently, so under
//! 3.1.1 it can only show as a missing echo — the evidence says so.

use super::ladder::Ladder;
use super::mqtt::poll_until;
use crate::net::mqtt::ClientSetup;
use crate::report::{Check, DiagnosisCode, Verdict};
use crate::settings::MqttSettings;
use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, Event, Packet, QoS, SubscribeReasonCode,
    Transport,
};
use serde_json::json;
use std::time::Duration;
use tokio::time::Instant;

/// Runs CONNECT, SUBSCRIBE, PUBLISH and the echo over MQTT 3.1.1. `why` says why MQTT 5 was
/// given up, for the evidence.
pub(super) async fn run(
    mut ladder: Ladder,
    s: &MqttSettings,
    (transport, proxy): (Transport, Option<&crate::net::proxy_config::Proxy>),
    timeout: Duration,
    why: &str,
) -> Check {
    ladder.reproduce =
        std::mem::take(&mut ladder.reproduce).map_first(|c| c.set_opt("-V", "mqttv311"));
    let mut setup = ClientSetup::new(s, Duration::from_secs(30), 8).through(proxy);
    setup.transport = transport;
    let options = setup.v311();
    let (client, mut events) = AsyncClient::new(options, 16);

    let started = Instant::now();
    let connack = poll_until(&mut events, timeout, |e| match e {
        Event::Incoming(Packet::ConnAck(ack)) => Some(ack.code),
        _ => None,
    })
    .await;
    match connack {
        Ok(Some(_)) => ladder.step(
            "mqtt-connect-3.1.1",
            true,
            started,
            json!({ "protocol": "MQTT 3.1.1", "why": why }),
        ),
        Ok(None) => {
            ladder.step(
                "mqtt-connect-3.1.1",
                false,
                started,
                json!({ "error": "no CONNACK" }),
            );
            return ladder.fail(
                DiagnosisCode::Timeout,
                format!(
                    "{why}; no CONNACK to MQTT 3.1.1 within {} ms",
                    timeout.as_millis()
                ),
            );
        }
        Err(ConnectionError::ConnectionRefused(code)) => {
            let diagnosis = match code {
                ConnectReturnCode::BadUserNamePassword => DiagnosisCode::MqttBadCredentials,
                ConnectReturnCode::NotAuthorized => DiagnosisCode::MqttNotAuthorized,
                ConnectReturnCode::BadClientId => DiagnosisCode::MqttClientIdRejected,
                _ => DiagnosisCode::MqttProtocol,
            };
            ladder.step(
                "mqtt-connect-3.1.1",
                false,
                started,
                json!({ "connack": format!("{code:?}") }),
            );
            return ladder.fail(
                diagnosis,
                format!(
                    "{why}; MQTT 3.1.1 CONNACK {code:?} for user '{}', client id '{}'",
                    s.user, s.client_id
                ),
            );
        }
        Err(e) => {
            ladder.step(
                "mqtt-connect-3.1.1",
                false,
                started,
                json!({ "error": e.to_string() }),
            );
            // Reset by the broker or a middlebox after the TCP handshake: a transport fault.
            let reset = crate::net::caused_by_reset(&e);
            let code = if reset {
                DiagnosisCode::TcpReset
            } else {
                DiagnosisCode::MqttProtocol
            };
            return ladder.fail(code, format!("{why}; MQTT 3.1.1 failed too: {e}"));
        }
    }

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
            // As the MQTT 5 ladder does: the failed rung is a step of the report too.
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
            Ok(Some(SubscribeReasonCode::Failure)) if is_echo => {
                ladder.step(
                    name,
                    false,
                    started,
                    json!({ "topic": topic, "suback": "Failure" }),
                );
            }
            Ok(Some(SubscribeReasonCode::Failure)) => {
                ladder.step(
                    name,
                    false,
                    started,
                    json!({ "topic": topic, "suback": "Failure" }),
                );
                return ladder.fail(
                    DiagnosisCode::MqttSubscribeDenied,
                    format!("SUBACK failure (0x80) for '{topic}'"),
                );
            }
            Ok(None) => {
                return ladder.fail(
                    DiagnosisCode::Timeout,
                    format!("no SUBACK for '{topic}' within {} ms", timeout.as_millis()),
                )
            }
            Err(e) => {
                return ladder.fail(
                    DiagnosisCode::MqttProtocol,
                    format!("the broker closed the connection after SUBSCRIBE '{topic}': {e}"),
                )
            }
        }
    }

    let payload = format!(
        "{{\"loopcheck\":\"{}\",\"protocol\":\"3.1.1\"}}",
        crate::VERSION
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
        return ladder.fail(DiagnosisCode::MqttProtocol, e.to_string());
    }
    let (mut acked, mut echoed) = (false, false);
    let outcome = poll_until(&mut events, timeout, |e| {
        match e {
            Event::Incoming(Packet::PubAck(_)) => acked = true,
            Event::Incoming(Packet::Publish(p)) if p.payload.as_ref() == payload.as_bytes() => {
                echoed = true
            }
            _ => {}
        }
        (acked && (echoed || !echo_possible)).then_some(())
    })
    .await;
    let _ = client.disconnect().await;
    if let Err(e) = outcome {
        return ladder.fail(
            DiagnosisCode::MqttProtocol,
            format!("the broker closed the connection after PUBLISH: {e}"),
        );
    }
    if !acked {
        ladder.step("publish", false, started, json!({ "topic": s.data_topic }));
        return ladder.fail(
            DiagnosisCode::Timeout,
            format!(
                "no PUBACK for '{}' within {} ms",
                s.data_topic,
                timeout.as_millis()
            ),
        );
    }
    ladder.step(
        "publish",
        true,
        started,
        json!({ "topic": s.data_topic, "protocol": "MQTT 3.1.1" }),
    );
    if echo_possible && !echoed {
        ladder.step("echo", false, started, json!({ "topic": s.data_topic }));
        return ladder.finish(
            Verdict::Warn,
            DiagnosisCode::MqttNoEcho,
            format!("{why}, so MQTT 3.1.1 was used: PUBACK received, but the message never came back on '{}' (3.1.1 brokers drop a publish the ACL denies without saying so)", s.data_topic),
        );
    }
    if echoed {
        ladder.step("echo", true, started, json!({ "topic": s.data_topic }));
    }
    ladder.finish(
        Verdict::Pass,
        DiagnosisCode::Ok,
        format!(
            "{why}, so MQTT 3.1.1 was used: CONNACK, SUBACK and PUBACK received{}",
            if echoed {
                "; the message came back"
            } else {
                ""
            }
        ),
    )
}
