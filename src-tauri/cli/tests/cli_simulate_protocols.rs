//! `loopcheck simulate` beyond MQTT, against real peers: a LwM2M virtual device read and
//! observed by lwm2m-node-lib (notifications as the temperature changes, Updates before the
//! lifetime runs out, De-register on stop), the same after bootstrap (the tests' aiocoap
//! bootstrap server) and over DTLS-PSK (aiocoap-rd with tinydtls); HTTP publishing through
//! the HTTP→MQTT bridge into Mosquitto, seen by a separate subscriber; and OTA polling of
//! goosebit behind client-certificate nginx at the interval goosebit asks for, with an
//! update made to wait for the device the way an operator would.

mod common;

use common::lwm2m_peers::{
    aiocoap_rd_dtls, bootstrap_server, lwm2m_node_server_on, lwm2m_node_server_with,
};
use common::ota_peers::{client_pki, goosebit, goosebit_deploy, nginx_mtls};
use common::{http_bridge, peers, text, Sandbox};
use serde_json::Value;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Project `p`, model `m` from `model` (JSON text), device `d1` with `vars`.
fn stored_device(s: &Sandbox, model: &str, vars: &[&str]) {
    let file = s.path("model.json");
    std::fs::write(&file, model).unwrap();
    s.ok(&["project", "create", "p"]);
    s.ok(&[
        "model",
        "import",
        file.to_str().unwrap(),
        "--project",
        "p",
        "--name",
        "m",
    ]);
    let mut args = vec!["device", "create", "--project", "p", "--model", "m", "d1"];
    for v in vars {
        args.extend(["--var", v]);
    }
    s.ok(&args);
}

/// Runs the simulation; its exit status, JSON summary and log (stderr).
fn simulate(s: &Sandbox, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec!["--json", "simulate", "--project", "p", "--device", "d1"];
    args.extend_from_slice(extra);
    let out = s.run(&args);
    let log = text(&out.stderr);
    let summary = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no summary: {}\n{log}", text(&out.stdout)));
    (out.status.code().unwrap(), summary, log)
}

/// Waits (up to 3 s) until the peer's log holds `needle`; returns the log.
fn peer_log_with(peer: &peers::Peer, needle: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(3);
    loop {
        let log = peer.log_text();
        if log.contains(needle) || Instant::now() > deadline {
            return log;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn notified_values(server_log: &str, endpoint: &str) -> Vec<f64> {
    let prefix = format!("NOTIFY ep={endpoint} path=/3303/0/5700 value=");
    server_log
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .map(|v| v.trim().parse().unwrap())
        .collect()
}

#[test]
fn a_lwm2m_device_is_read_observed_updated_and_deregistered() {
    let s = Sandbox::new();
    let (server, port) = lwm2m_node_server_with(s.dir.path(), &["--observe"]);
    stored_device(
        &s,
        &format!(
            r#"[{{"lwm2mHostName": "127.0.0.1", "lwm2mPortNoSec": "{port}", "lwm2mEndpoint": "%LWM2M_ENDPOINT%", "remoteNetwork": "7f"}}]"#
        ),
        &["LWM2M_ENDPOINT=sim-lw-1"],
    );
    // A 4 s lifetime: Updates every 3 s, so a 7 s run needs two to stay registered.
    let (exit, summary, log) = simulate(&s, &["--duration", "7", "--rate", "2", "--lifetime", "4"]);
    assert_eq!(exit, 0, "{summary}\n{log}");
    let server_log = peer_log_with(&server, "UNREGISTERED");
    assert!(
        server_log.contains("REGISTERED ep=sim-lw-1 lt=4"),
        "{server_log}"
    );
    assert!(
        server_log.contains("READ ep=sim-lw-1 ok code=2.05"),
        "{server_log}"
    );
    assert!(
        server_log.contains("OBSERVING ep=sim-lw-1 path=/3303/0/5700"),
        "{server_log}"
    );
    let values = notified_values(&server_log, "sim-lw-1");
    assert!(values.len() >= 5, "{server_log}");
    assert!(
        values.iter().all(|v| (17.0..=25.0).contains(v)),
        "{values:?}"
    );
    assert!(
        values.windows(2).any(|w| w[0] != w[1]),
        "the value never changed: {values:?}"
    );
    assert!(
        server_log.matches("UPDATED ep=sim-lw-1").count() >= 2,
        "{server_log}"
    );
    assert!(
        server_log.contains("UNREGISTERED ep=sim-lw-1 reason=deregister"),
        "{server_log}"
    );
    assert!(
        !server_log.contains("reason=lifetime"),
        "the registration lapsed: {server_log}"
    );

    let lwm2m = &summary["lwm2m"];
    assert_eq!(lwm2m["registrations"], 1, "{summary}");
    assert!(lwm2m["updates"].as_u64().unwrap() >= 2, "{summary}");
    assert!(
        lwm2m["notificationsSent"].as_u64().unwrap() >= 5,
        "{summary}"
    );
    assert_eq!(lwm2m["observed"], serde_json::json!(["/3303/0/5700"]));
    assert!(
        summary.get("mqtt").is_none(),
        "the model has no MQTT: {summary}"
    );
    assert!(log.contains("GET /3/0"), "{log}");
    assert!(log.contains("notify /3303/0/5700"), "{log}");
    assert!(log.contains("2.02 Deleted"), "{log}");
}

#[test]
fn ctrl_c_stops_a_lwm2m_device_after_it_de_registers() {
    let s = Sandbox::new();
    let (server, port) = lwm2m_node_server_with(s.dir.path(), &[]);
    stored_device(
        &s,
        &format!(
            r#"[{{"lwm2mHostName": "127.0.0.1", "lwm2mPortNoSec": "{port}", "lwm2mEndpoint": "sim-stop", "remoteNetwork": "7f"}}]"#
        ),
        &[],
    );
    let sim = s
        .command()
        .args(["--json", "simulate", "--project", "p", "--device", "d1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    assert!(peer_log_with(&server, "READ ep=sim-stop").contains("READ ep=sim-stop"));
    // Ctrl+C, as a user at the terminal would (the child is ours: its PID).
    let interrupted = Command::new("kill")
        .args(["-INT", &sim.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let out = sim.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let server_log = peer_log_with(&server, "UNREGISTERED");
    assert!(
        server_log.contains("UNREGISTERED ep=sim-stop reason=deregister"),
        "{server_log}\n{}",
        text(&out.stderr)
    );
}

#[test]
fn a_lwm2m_device_registers_again_after_its_server_restarts() {
    let s = Sandbox::new();
    let (server, port) = lwm2m_node_server_with(s.dir.path(), &[]);
    stored_device(
        &s,
        &format!(
            r#"[{{"lwm2mHostName": "127.0.0.1", "lwm2mPortNoSec": "{port}", "lwm2mEndpoint": "sim-again", "remoteNetwork": "7f"}}]"#
        ),
        &[],
    );
    let mut sim = s.command();
    sim.args(["--json", "simulate", "--project", "p", "--device", "d1"])
        .args(["--duration", "9", "--rate", "4", "--lifetime", "4"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let sim = sim.spawn().unwrap();
    assert!(peer_log_with(&server, "REGISTERED ep=sim-again").contains("REGISTERED"));
    // The server goes away (its registrations with it) and comes back on the same port.
    drop(server);
    std::thread::sleep(Duration::from_millis(1500));
    let again = lwm2m_node_server_on(s.dir.path(), port, &[]);
    let out = sim.wait_with_output().unwrap();
    let log = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        summary["lwm2m"]["registrations"].as_u64().unwrap() >= 2,
        "{summary}\n{log}"
    );
    assert!(log.contains("disconnected"), "{log}");
    let server_log = peer_log_with(&again, "UNREGISTERED");
    assert!(
        server_log.contains("REGISTERED ep=sim-again"),
        "{server_log}\n{log}"
    );
    assert!(
        server_log.contains("UNREGISTERED ep=sim-again reason=deregister"),
        "{server_log}"
    );
}

#[test]
fn bootstrap_comes_first_when_the_model_has_it() {
    let s = Sandbox::new();
    let (server, port) = lwm2m_node_server_with(s.dir.path(), &["--observe"]);
    let uri = format!("coap://127.0.0.1:{port}");
    let (_bs, bs_port) = bootstrap_server(s.dir.path(), &uri, "good", None);
    stored_device(
        &s,
        &format!(
            r#"[{{"lwm2mBsHostName": "127.0.0.1", "lwm2mBsPortNoSec": "{bs_port}", "lwm2mEndpoint": "sim-bs-1", "forceAccessControl": "false", "remoteNetwork": "7f"}}]"#
        ),
        &[],
    );
    let (exit, summary, log) = simulate(&s, &["--duration", "4", "--rate", "2"]);
    assert_eq!(exit, 0, "{summary}\n{log}");
    assert_eq!(summary["lwm2m"]["bootstraps"], 1, "{summary}");
    assert_eq!(summary["lwm2m"]["registrations"], 1, "{summary}");
    assert!(log.contains("bootstrapped"), "{log}");
    let server_log = peer_log_with(&server, "UNREGISTERED");
    assert!(
        server_log.contains("REGISTERED ep=sim-bs-1"),
        "{server_log}"
    );
    assert!(
        !notified_values(&server_log, "sim-bs-1").is_empty(),
        "{server_log}"
    );
}

#[test]
fn a_dtls_psk_device_registers_and_deregisters() {
    let s = Sandbox::new();
    let key = "sim-secret-key-1";
    let (_rd, port) = aiocoap_rd_dtls(s.dir.path(), "sim-psk-1", key);
    stored_device(
        &s,
        &format!(
            r#"[{{"lwm2mHostName": "127.0.0.1", "lwm2mPortDtls": "{port}", "lwm2mEndpoint": "sim-psk-1", "lwm2mPSKIdentity": "sim-psk-1", "lwm2mPSKValue": "%LWM2M_PSK_VALUE%", "remoteNetwork": "7f"}}]"#
        ),
        &[&format!("LWM2M_PSK_VALUE={key}")],
    );
    let (exit, summary, log) = simulate(&s, &["--duration", "3"]);
    assert_eq!(exit, 0, "{summary}\n{log}");
    assert_eq!(summary["lwm2m"]["registrations"], 1, "{summary}");
    assert!(log.contains("(DTLS-PSK)"), "{log}");
    assert!(log.contains("2.02 Deleted"), "{log}");
    assert!(!log.contains(key), "the key leaked");
}

#[test]
fn http_publishing_reaches_a_separate_subscriber() {
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let broker = peers::mosquitto_secured(
        s.dir.path(),
        &certs,
        &[("meter", "pw-1")],
        "user meter\ntopic readwrite acme/#\n",
    );
    let bridge = http_bridge::http_bridge(broker.plain);
    stored_device(
        &s,
        &format!(
            r#"[{{"httpUrl": "http://127.0.0.1:{bridge}/mqtt/publish", "mqttUserName": "meter", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "sim-http-1", "mqttReqTopicName": "acme/req", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "acme/data", "remoteNetwork": "7f"}}]"#
        ),
        &["MQTT_PASSWORD=pw-1"],
    );
    let subscriber = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &broker.plain.to_string()])
        .args([
            "-u",
            "meter",
            "-P",
            "pw-1",
            "-t",
            "acme/data",
            "-C",
            "2",
            "-W",
            "10",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // The generator's settings, edited: a flat 50 °C and its own status.
    let (exit, summary, log) = simulate(
        &s,
        &[
            "--duration",
            "3",
            "--rate",
            "2",
            "--temperature",
            "50",
            "--swing",
            "0",
            "--noise",
            "0",
            "--status",
            "demo",
        ],
    );
    assert_eq!(exit, 0, "{summary}\n{log}");
    let received = subscriber.wait_with_output().unwrap();
    let messages: Vec<Value> = text(&received.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(messages.len(), 2, "{}", text(&received.stdout));
    assert!(
        messages
            .iter()
            .all(|m| m["temperature"] == 50.0 && m["status"] == "demo"),
        "{messages:?}"
    );
    assert!(
        summary["http"]["accepted"].as_u64().unwrap() >= 4,
        "{summary}"
    );
    assert_eq!(summary["http"]["refused"], 0, "{summary}");
    assert_eq!(summary["http"]["last"], "HTTP 200 OK");
    assert!(!log.contains("pw-1"), "the password leaked");
}

#[test]
fn ota_polls_at_the_servers_interval_and_sees_a_waiting_update() {
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let pki = client_pki(s.dir.path());
    let (_ddi, ddi_port) = goosebit(s.dir.path(), &[("GOOSEBIT_POLL_TIME", "00:00:02")]);
    let (_nginx, port) = nginx_mtls(s.dir.path(), &certs, &pki.ca, ddi_port);
    goosebit_deploy(ddi_port, "sim-ota-1");
    let body = serde_json::json!([{
        "otaPrivateKey": pki.read("dev-1.key"),
        "otaCert": pki.read("dev-1.pem"),
        "otaCaCert": std::fs::read_to_string(&certs.ca).unwrap(),
        "otaDDIUrl": format!("https://localhost:{port}/DEFAULT"),
    }]);
    stored_device(&s, &body.to_string(), &["OTA_CONTROLLER_ID=sim-ota-1"]);
    let (exit, summary, log) = simulate(&s, &["--duration", "5"]);
    assert_eq!(exit, 0, "{summary}\n{log}");
    let ota = &summary["ota"];
    assert_eq!(ota["pollingS"], 2, "{summary}");
    assert!(ota["polls"].as_u64().unwrap() >= 2, "{summary}");
    assert_eq!(ota["failedPolls"], 0, "{summary}");
    assert!(
        ota["pending"].to_string().contains("deploymentBase"),
        "{summary}"
    );
    assert!(log.contains("update-waiting"), "{log}");
    assert!(log.contains("next poll in 2 s"), "{log}");
    let key_line = pki.read("dev-1.key").lines().nth(1).unwrap().to_string();
    assert!(!log.contains(&key_line), "the private key leaked");
}
