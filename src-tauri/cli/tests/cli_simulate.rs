//! `loopcheck simulate` against a real Mosquitto with a password file and an ACL: a separate
//! subscriber receives the virtual device's telemetry, a request published by the test is
//! answered on the response topic, and a broker restart is survived.

mod common;

use common::simulate::{mosquitto_sub, publish_request, setup};
use common::{peers, text};
use std::process::Stdio;
use std::time::Duration;

#[test]
fn telemetry_arrives_and_requests_are_answered() {
    let (s, broker, _certs) = setup();
    let telemetry = mosquitto_sub(broker.plain, "acme/data", 3, 10);
    let responses = mosquitto_sub(broker.plain, "acme/resp", 1, 10);
    let mut sim = s.command();
    sim.args([
        "--json",
        "simulate",
        "--project",
        "acme",
        "--device",
        "sim-1",
        "--duration",
        "4",
        "--rate",
        "5",
    ]);
    let sim = sim
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    publish_request(
        broker.plain,
        r#"{"id":42,"method":"getStatus","params":{}}"#,
    );
    let telemetry = telemetry.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = text(&telemetry.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{}", text(&telemetry.stdout));
    assert!(lines
        .iter()
        .all(|l| l["temperature"].is_number() && l["status"] == "ok"));
    assert!(lines[2]["counter"].as_u64() > lines[0]["counter"].as_u64());
    let response = responses.wait_with_output().unwrap();
    let answer: serde_json::Value = serde_json::from_str(text(&response.stdout).trim())
        .unwrap_or_else(|_| panic!("no answer: {}", text(&response.stdout)));
    assert_eq!(answer["id"], 42);
    assert_eq!(answer["result"]["device"], "sim-1");
    let out = sim.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["mqtt"]["connects"], 1);
    assert_eq!(summary["mqtt"]["requestsAnswered"], 1);
    assert!(
        summary["mqtt"]["telemetrySent"].as_u64().unwrap() >= 10,
        "{summary}"
    );
    assert!(!text(&out.stderr).contains("pw-1"), "the password leaked");
}

#[test]
fn a_broker_restart_is_survived() {
    let (s, broker, _certs) = setup();
    let port = broker.plain;
    let mut sim = s.command();
    sim.args([
        "--json",
        "simulate",
        "--project",
        "acme",
        "--device",
        "sim-1",
        "--duration",
        "9",
        "--rate",
        "4",
    ]);
    let sim = sim
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    // Stop the broker, wait, and start one again on the same ports with the same config.
    drop(broker);
    std::thread::sleep(Duration::from_millis(1500));
    let again = peers::mosquitto_secured_again(s.dir.path(), port);
    let telemetry = mosquitto_sub(port, "acme/data", 2, 12);
    let telemetry = telemetry.wait_with_output().unwrap();
    assert_eq!(
        text(&telemetry.stdout).lines().count(),
        2,
        "no telemetry after the restart"
    );
    let out = sim.wait_with_output().unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        summary["mqtt"]["connects"].as_u64().unwrap() >= 2,
        "{summary}\n{}",
        text(&out.stderr)
    );
    assert!(summary["mqtt"]["disconnects"].as_u64().unwrap() >= 1);
    assert!(text(&out.stderr).contains("disconnected"));
    drop(again);
}

#[test]
fn a_bad_rate_or_lifetime_or_an_unknown_device_is_bad_input() {
    let (s, _broker, _certs) = setup();
    let out = s.run(&[
        "simulate",
        "--project",
        "acme",
        "--device",
        "sim-1",
        "--rate",
        "0",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let out = s.run(&[
        "simulate",
        "--project",
        "acme",
        "--device",
        "sim-1",
        "--lifetime",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("lifetime"),
        "{}",
        text(&out.stderr)
    );
    let out = s.run(&[
        "simulate",
        "--project",
        "acme",
        "--device",
        "nobody",
        "--duration",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
}

#[test]
fn a_tls_device_publishes_over_tls_trusting_its_template_ca() {
    let (s, broker, certs) = setup();
    let ca = std::fs::read_to_string(&certs.ca).unwrap();
    let model = s.path("tls-model.json");
    let body = serde_json::json!([{
        "mqttHostName": "localhost", "mqttSslPort": broker.tls.to_string(), "mqttServerCA": ca,
        "mqttUserName": "meter", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "sim-tls-1",
        "mqttReqTopicName": "acme/req", "mqttRespTopicName": "acme/resp",
        "mqttDataTopicName": "acme/data", "remoteNetwork": "7f",
    }]);
    std::fs::write(&model, body.to_string()).unwrap();
    s.ok(&[
        "model",
        "import",
        model.to_str().unwrap(),
        "--project",
        "acme",
        "--name",
        "tls",
    ]);
    s.ok(&[
        "device",
        "create",
        "--project",
        "acme",
        "--model",
        "tls",
        "sim-tls",
        "--var",
        "MQTT_PASSWORD=pw-1",
    ]);
    let telemetry = mosquitto_sub(broker.plain, "acme/data", 2, 10);
    let out = s.run(&[
        "--json",
        "simulate",
        "--project",
        "acme",
        "--device",
        "sim-tls",
        "--duration",
        "2",
        "--rate",
        "4",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let telemetry = telemetry.wait_with_output().unwrap();
    assert_eq!(
        text(&telemetry.stdout).lines().count(),
        2,
        "nothing arrived over TLS"
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["mqtt"]["connects"], 1, "{summary}");
    assert!(text(&out.stderr).contains(&format!("localhost:{}", broker.tls)));
}
