//! `loopcheck simulate` against a real Mosquitto with a password file and an ACL: a separate
//! subscriber receives the virtual device's telemetry, a request published by the test is
//! answered on the response topic, and a broker restart is survived.

mod common;

use common::peers::{self, SecuredBroker};
use common::{text, Sandbox};
use std::process::{Command, Stdio};
use std::time::Duration;

const ACL: &str = "user meter\ntopic readwrite acme/#\n";

fn setup() -> (Sandbox, SecuredBroker, peers::Certs) {
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let broker = peers::mosquitto_secured(s.dir.path(), &certs, &[("meter", "pw-1")], ACL);
    let model = s.path("model.json");
    std::fs::write(
        &model,
        r#"[{"mqttHostName": "%MQTT_HOST%", "mqttTcpPort": "%MQTT_TCP_PORT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "acme/data", "remoteNetwork": "7f"}]"#,
    )
    .unwrap();
    let port = format!("MQTT_TCP_PORT={}", broker.plain);
    s.ok(&[
        "project",
        "create",
        "acme",
        "--var",
        "MQTT_HOST=127.0.0.1",
        "--var",
        &port,
    ]);
    s.ok(&[
        "model",
        "import",
        model.to_str().unwrap(),
        "--project",
        "acme",
        "--name",
        "meter",
    ]);
    s.ok(&[
        "device",
        "create",
        "--project",
        "acme",
        "--model",
        "meter",
        "sim-1",
        "--var",
        "MQTT_USERNAME=meter",
        "--var",
        "MQTT_PASSWORD=pw-1",
        "--var",
        "MQTT_CLIENT_ID=sim-1",
    ]);
    (s, broker, certs)
}

fn mosquitto_sub(port: u16, topic: &str, count: u32, wait_s: u32) -> std::process::Child {
    Command::new("mosquitto_sub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-u",
            "meter",
            "-P",
            "pw-1",
            "-i",
            &format!("observer-{topic}-{}", std::process::id()),
        ])
        .args([
            "-t",
            topic,
            "-C",
            &count.to_string(),
            "-W",
            &wait_s.to_string(),
            "-V",
            "mqttv5",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

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
    let published = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &broker.plain.to_string(),
            "-u",
            "meter",
            "-P",
            "pw-1",
        ])
        .args([
            "-t",
            "acme/req",
            "-m",
            r#"{"id":42,"method":"getStatus","params":{}}"#,
            "-q",
            "1",
        ])
        .status()
        .unwrap();
    assert!(published.success());
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
fn a_fleet_ramps_up_connects_and_reports_its_counts() {
    let (s, broker, _certs) = setup();
    // Fleet devices share the project's credentials; their client ids come from a pattern.
    s.ok(&[
        "project",
        "set",
        "acme",
        "--var",
        "MQTT_USERNAME=meter",
        "--var",
        "MQTT_PASSWORD=pw-1",
        "--var",
        "MQTT_CLIENT_ID=fleet-{device}",
    ]);
    let telemetry = mosquitto_sub(broker.plain, "acme/data", 40, 10);
    let out = s.run(&[
        "--json",
        "simulate",
        "--project",
        "acme",
        "--fleet",
        "20",
        "--model",
        "meter",
        "--ramp",
        "40",
        "--rate",
        "2",
        "--duration",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            last["devices"].as_u64(),
            last["started"].as_u64(),
            last["failed"].as_u64()
        ),
        (Some(20), Some(20), Some(0)),
        "{last}"
    );
    assert_eq!(last["connected"], 20, "{last}\n{}", text(&out.stderr));
    // 20 devices at 40 a second: all connected after about half a second, before the end.
    let ramp = last["allConnectedMs"].as_u64().expect("the ramp time");
    assert!((400..3000).contains(&ramp), "{last}");
    assert!(last["messagesSent"].as_u64().unwrap() >= 60, "{last}");
    assert!(
        last["ackP50Ms"].as_f64().is_some()
            && last["ackP99Ms"].as_f64() >= last["ackP50Ms"].as_f64()
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("connected 20"), "{stderr}");
    // Telemetry from many devices arrived: their counters restart at 1 per device.
    let received = telemetry.wait_with_output().unwrap();
    let ones = text(&received.stdout)
        .lines()
        .filter(|l| l.contains("\"counter\":1,"))
        .count();
    assert!(ones >= 10, "first messages from only {ones} devices");
    let out = s.run(&[
        "simulate",
        "--project",
        "acme",
        "--fleet",
        "3",
        "--model",
        "nope",
        "--duration",
        "1",
    ]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_fleet_like_a_device_shares_its_credentials_but_not_its_client_id() {
    let (s, _broker, _certs) = setup();
    // No project credentials: without --like the devices have no password to render.
    let alone = s.run(&[
        "simulate",
        "--project",
        "acme",
        "--fleet",
        "3",
        "--model",
        "meter",
        "--duration",
        "1",
    ]);
    assert_eq!(alone.status.code(), Some(2), "{}", text(&alone.stderr));
    assert!(
        text(&alone.stderr).contains("MQTT_PASSWORD"),
        "{}",
        text(&alone.stderr)
    );
    let out = s.run(&[
        "--json",
        "simulate",
        "--project",
        "acme",
        "--fleet",
        "3",
        "--model",
        "meter",
        "--like",
        "sim-1",
        "--ramp",
        "50",
        "--duration",
        "2",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Three distinct client ids (dev-1…3, not sim-1 three times, which would push each
    // other off the broker) all stay connected.
    assert_eq!(
        (last["connected"].as_u64(), last["failed"].as_u64()),
        (Some(3), Some(0)),
        "{last}"
    );
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
