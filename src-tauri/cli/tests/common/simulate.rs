//! The project `loopcheck simulate` tests share: a real Mosquitto with a password file and an
//! ACL, the model `meter` (MQTT over TCP on acme/req, acme/resp, acme/data) and the device
//! `sim-1`; and a subscriber for what the virtual devices publish.

use super::peers::{self, SecuredBroker};
use super::Sandbox;
use std::process::{Command, Stdio};

pub const ACL: &str = "user meter\ntopic readwrite acme/#\n";

pub fn setup() -> (Sandbox, SecuredBroker, peers::Certs) {
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

pub fn mosquitto_sub(port: u16, topic: &str, count: u32, wait_s: u32) -> std::process::Child {
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

/// Publishes `message` on acme/req at QoS 1, as the user `meter`.
pub fn publish_request(port: u16, message: &str) {
    let published = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-u",
            "meter",
            "-P",
            "pw-1",
        ])
        .args(["-t", "acme/req", "-m", message, "-q", "1"])
        .status()
        .unwrap();
    assert!(published.success());
}
