//! `loopcheck simulate --fleet` against a real Mosquitto: a fleet ramps up, publishes at QoS 1
//! and reports PUBACK latencies, shares a stored device's credentials, answers requests,
//! speaks MQTT 5 and connects from the source addresses it is given.

mod common;

use common::simulate::{mosquitto_sub, publish_request, setup};
use common::text;

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
fn a_fleet_answers_requests_over_mqtt_5_from_the_source_addresses_it_is_given() {
    let (s, broker, _certs) = setup();
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
    let fleet = s
        .command()
        .args([
            "--json",
            "simulate",
            "--project",
            "acme",
            "--fleet",
            "6",
            "--model",
            "meter",
            "--ramp",
            "100",
            "--rate",
            "2",
            "--duration",
            "4",
            "--source-addresses",
            "127.0.0.2-127.0.0.4",
        ])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Every device subscribes to acme/req: one request, six answers.
    let answers = mosquitto_sub(broker.plain, "acme/resp", 6, 8);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    publish_request(broker.plain, r#"{"id":7,"method":"getStatus","params":{}}"#);
    let answers = answers.wait_with_output().unwrap();
    let devices: std::collections::BTreeSet<String> = text(&answers.stdout)
        .lines()
        .map(|l| {
            let answer: serde_json::Value = serde_json::from_str(l).unwrap();
            assert_eq!(answer["id"], 7, "{l}");
            answer["result"]["device"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(devices.len(), 6, "{devices:?}");
    let out = fleet.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (last["connected"].as_u64(), last["failed"].as_u64()),
        (Some(6), Some(0)),
        "{last}"
    );
    // Mosquitto saw each device connect over MQTT 5 (p5) from the addresses, round robin.
    let log = broker.peer.log_text();
    for n in 1..=6 {
        let source = format!("127.0.0.{}", 2 + (n - 1) % 3);
        let line = log
            .lines()
            .find(|l| l.contains(&format!(" as fleet-dev-{n} ")))
            .unwrap_or_else(|| panic!("fleet-dev-{n} never connected:\n{log}"));
        assert!(line.contains(&format!("from {source}:")), "{line}");
        assert!(line.contains("(p5,"), "{line}");
    }
}

#[test]
fn bad_source_addresses_are_bad_input() {
    let (s, _broker, _certs) = setup();
    for (addresses, words) in [
        ("127.0.0.9-127.0.0.2", "runs backwards"),
        ("127.0.0.1;touch /tmp/x", "is not an IP address"),
    ] {
        let out = s.run(&[
            "simulate",
            "--project",
            "acme",
            "--fleet",
            "2",
            "--model",
            "meter",
            "--like",
            "sim-1",
            "--duration",
            "1",
            "--source-addresses",
            addresses,
        ]);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains(words), "{}", text(&out.stderr));
    }
}

#[test]
fn a_tls_fleet_trusts_its_template_ca_and_publishes() {
    let (s, broker, certs) = setup();
    let ca = std::fs::read_to_string(&certs.ca).unwrap();
    let model = s.path("tls-model.json");
    let body = serde_json::json!([{
        "mqttHostName": "localhost", "mqttSslPort": broker.tls.to_string(), "mqttServerCA": ca,
        "mqttUserName": "meter", "mqttPassword": "%MQTT_PASSWORD%",
        "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req",
        "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "acme/data", "remoteNetwork": "7f",
    }]);
    std::fs::write(&model, body.to_string()).unwrap();
    let model = model.to_str().unwrap();
    s.ok(&[
        "model",
        "import",
        model,
        "--project",
        "acme",
        "--name",
        "tls",
    ]);
    let telemetry = mosquitto_sub(broker.plain, "acme/data", 8, 10);
    let out = s.run(&[
        "--json",
        "simulate",
        "--project",
        "acme",
        "--fleet",
        "4",
        "--model",
        "tls",
        "--like",
        "sim-1",
        "--ramp",
        "100",
        "--rate",
        "2",
        "--duration",
        "3",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (last["connected"].as_u64(), last["failed"].as_u64()),
        (Some(4), Some(0)),
        "{last}"
    );
    assert!(last["ackP50Ms"].as_f64().is_some(), "{last}");
    let telemetry = telemetry.wait_with_output().unwrap();
    assert_eq!(
        text(&telemetry.stdout).lines().count(),
        8,
        "{}",
        text(&telemetry.stdout)
    );
    // The password went over TLS only: neither output shows it.
    assert!(!text(&out.stdout).contains("pw-1") && !text(&out.stderr).contains("pw-1"));
}

#[test]
fn a_broker_announcing_a_huge_packet_is_dropped_and_the_fleet_reconnects() {
    let (s, _broker, _certs) = setup();
    let (port, connections) = common::peers::fake_broker_announcing_a_huge_publish();
    let model = s.path("hostile.json");
    let body = serde_json::json!([{
        "mqttHostName": "127.0.0.1", "mqttTcpPort": port.to_string(), "mqttUserName": "",
        "mqttPassword": "", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "",
        "mqttRespTopicName": "", "mqttDataTopicName": "acme/data", "remoteNetwork": "7f",
    }]);
    std::fs::write(&model, body.to_string()).unwrap();
    let model = model.to_str().unwrap();
    s.ok(&[
        "model",
        "import",
        model,
        "--project",
        "acme",
        "--name",
        "hostile",
    ]);
    let out = s.run(&[
        "--json",
        "simulate",
        "--project",
        "acme",
        "--fleet",
        "2",
        "--model",
        "hostile",
        "--ramp",
        "100",
        "--duration",
        "2.5",
    ]);
    // The run ends on time and well: nothing buffered 200 MiB or waited for it.
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let last: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(last["failed"], 0, "each device did connect: {last}");
    // Each device dropped the connection at the announcement and came back after its 1 s
    // back-off.
    let taken = connections.load(std::sync::atomic::Ordering::SeqCst);
    assert!(taken >= 4, "{taken} connections: {last}");
}
