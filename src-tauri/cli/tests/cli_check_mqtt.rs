//! `loopcheck check` on MQTT TCP and TLS templates against a real Mosquitto with a password
//! file and an ACL: a passing device, and each fault this broker can produce.

mod common;

use common::peers::{self, SecuredBroker};
use common::{text, Sandbox};
use serde_json::Value;

const ACL: &str = "user meter\ntopic readwrite acme/data\ntopic read acme/req/meter\ntopic write acme/write-only\n";

struct Setup {
    s: Sandbox,
    broker: SecuredBroker,
    template: std::path::PathBuf,
}

fn setup() -> Setup {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let broker = peers::mosquitto_secured(dir, &certs, &[("meter", "s3cret-pw")], ACL);
    let template = s.path("model.json");
    std::fs::write(
        &template,
        r#"[{"mqttHostName": "%MQTT_HOST%", "mqttTcpPort": "%MQTT_TCP_PORT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "7f"},
            {"mqttHostName": "%MQTT_HOST%", "mqttSslPort": "%MQTT_SSL_PORT%", "mqttServerCA": "%MQTT_CA_CERT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%-tls", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "7f"}]"#,
    )
    .unwrap();
    Setup {
        s,
        broker,
        template,
    }
}

impl Setup {
    /// Runs `check` with the good values overridden by `overrides`; returns exit code and report.
    fn check(&self, overrides: &[(&str, String)]) -> (i32, Value) {
        let ca = self.s.dir.path().join("ca.pem");
        let mut vars: Vec<(&str, String)> = vec![
            ("MQTT_HOST", "localhost".into()),
            ("MQTT_TCP_PORT", self.broker.plain.to_string()),
            ("MQTT_SSL_PORT", self.broker.tls.to_string()),
            ("MQTT_CA_CERT", format!("@{}", ca.display())),
            ("MQTT_USERNAME", "meter".into()),
            ("MQTT_PASSWORD", "s3cret-pw".into()),
            ("MQTT_CLIENT_ID", format!("meter-{}", std::process::id())),
            ("MQTT_DATA_TOPIC", "acme/data".into()),
        ];
        for (name, value) in overrides {
            vars.retain(|(n, _)| n != name);
            vars.push((name, value.clone()));
        }
        let mut args = vec![
            "--json".to_string(),
            "check".into(),
            self.template.display().to_string(),
            "--timeout-ms".into(),
            "1500".into(),
        ];
        for (name, value) in vars {
            args.push("--var".into());
            args.push(format!("{name}={value}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.s.run(&args);
        let stdout = text(&out.stdout);
        assert!(
            !stdout.contains("s3cret-pw") && !text(&out.stderr).contains("s3cret-pw"),
            "the password leaked"
        );
        let report: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
        (out.status.code().unwrap(), report)
    }
}

fn codes(report: &Value) -> Vec<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["kind"].as_str().unwrap().to_string(),
                c["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_good_device_passes_over_tcp_and_tls_with_the_echo() {
    let t = setup();
    let (exit, report) = t.check(&[]);
    assert_eq!(exit, 0, "{report:#}");
    assert_eq!(
        codes(&report),
        [
            ("mqtt-tcp".into(), "OK".into()),
            ("mqtt-tls".into(), "OK".into())
        ]
    );
    common::assert_climbed_catalog_rungs(&report["checks"][0]);
    let tls = &report["checks"][1];
    common::assert_climbed_catalog_rungs(tls);
    let names: Vec<&str> = tls["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "dns",
            "tcp",
            "tls",
            "mqtt-connect",
            "subscribe",
            "subscribe-echo",
            "publish",
            "echo"
        ]
    );
    assert_eq!(
        tls["steps"][2]["detail"]["chain"][0]["subject"],
        "CN=localhost"
    );
    assert!(tls["reproduce"]
        .as_str()
        .unwrap()
        .contains("-P \"$MQTT_PASSWORD\""));
}

#[test]
fn a_wrong_password_is_not_authorised_as_mosquitto_says() {
    let t = setup();
    let (exit, report) = t.check(&[("MQTT_PASSWORD", "wrong".into())]);
    assert_eq!(exit, 1);
    assert_eq!(
        codes(&report),
        [
            ("mqtt-tcp".into(), "MQTT_NOT_AUTHORIZED".into()),
            ("mqtt-tls".into(), "MQTT_NOT_AUTHORIZED".into())
        ]
    );
    assert!(report["checks"][0]["hint"]
        .as_str()
        .unwrap()
        .contains("wrong password"));
}

#[test]
fn tls_faults_are_named() {
    let t = setup();
    let other = peers::other_ca(t.s.dir.path());
    let (_, report) = t.check(&[("MQTT_CA_CERT", format!("@{}", other.display()))]);
    assert_eq!(
        report["checks"][1]["code"], "TLS_UNTRUSTED_CA",
        "{:#}",
        report["checks"][1]
    );
    assert!(report["checks"][1]["reproduce"]
        .as_str()
        .unwrap()
        .starts_with("openssl s_client"));
    let (_, report) = t.check(&[("MQTT_SSL_PORT", t.broker.tls_wrong_host.to_string())]);
    assert_eq!(
        report["checks"][1]["code"], "TLS_HOSTNAME_MISMATCH",
        "{:#}",
        report["checks"][1]
    );
    assert!(report["checks"][1]["evidence"]
        .as_str()
        .unwrap()
        .contains("other.example"));
    // A TCP port that speaks no TLS.
    let (_, report) = t.check(&[("MQTT_SSL_PORT", t.broker.plain.to_string())]);
    assert_eq!(
        report["checks"][1]["code"], "TLS_PROTOCOL",
        "{:#}",
        report["checks"][1]
    );
}

#[test]
fn acl_denials_show_as_publish_denied_and_no_echo() {
    let t = setup();
    let (exit, report) = t.check(&[("MQTT_DATA_TOPIC", "acme/req/meter".into())]);
    assert_eq!(exit, 1);
    assert_eq!(
        report["checks"][0]["code"], "MQTT_PUBLISH_DENIED",
        "{:#}",
        report["checks"][0]
    );
    let (exit, report) = t.check(&[("MQTT_DATA_TOPIC", "acme/write-only".into())]);
    assert_eq!(exit, 0, "no echo is a warning, not a failure");
    assert_eq!(report["checks"][0]["code"], "MQTT_NO_ECHO");
    assert_eq!(report["checks"][0]["verdict"], "warn");
}

#[test]
fn transport_faults_and_unresolved_values() {
    let t = setup();
    let closed = peers::free_tcp_port();
    let (_, report) = t.check(&[("MQTT_TCP_PORT", closed.to_string())]);
    assert_eq!(report["checks"][0]["code"], "TCP_REFUSED");
    let out = t.s.run(&[
        "check",
        t.template.to_str().unwrap(),
        "--var",
        "MQTT_HOST=localhost",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("%MQTT_PASSWORD%"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn refusals_mosquitto_never_sends_come_from_a_scripted_broker() {
    // Mosquitto answers both of these with "not authorised"; other brokers say them outright.
    let t = setup();
    for (reason, code) in [
        (0x86u8, "MQTT_BAD_CREDENTIALS"),
        (0x85, "MQTT_CLIENT_ID_REJECTED"),
    ] {
        let port = peers::fake_broker_refusing(reason);
        let (exit, report) = t.check(&[("MQTT_TCP_PORT", port.to_string())]);
        assert_eq!(exit, 1);
        assert_eq!(
            report["checks"][0]["code"], code,
            "{:#}",
            report["checks"][0]
        );
    }
}

#[test]
fn a_broker_that_refuses_mqtt_5_is_checked_over_3_1_1() {
    // Scripted: Mosquitto speaks MQTT 5, so it cannot play a 3.1.1-only broker.
    let t = setup();
    let port = peers::fake_broker_v311_only();
    let (exit, report) = t.check(&[("MQTT_TCP_PORT", port.to_string())]);
    let check = &report["checks"][0];
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(check["code"], "OK", "{check:#}");
    let names: Vec<&str> = check["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "dns",
            "tcp",
            "mqtt-connect",
            "mqtt-connect-3.1.1",
            "subscribe",
            "subscribe-echo",
            "publish",
            "echo"
        ]
    );
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .contains("MQTT 3.1.1 was used"));
    assert!(check["reproduce"].as_str().unwrap().contains("-V mqttv311"));
}

/// `loopcheck --json check` of an mqtt-tcp template for 127.0.0.1:`port` without
/// credentials, with a rung timeout of 10 s; the exit code and the check.
fn check_broker_at(s: &Sandbox, port: u16) -> (i32, Value) {
    let template = s.path(&format!("broker-{port}.json"));
    std::fs::write(
        &template,
        format!(
            r#"{{"mqttHostName": "127.0.0.1", "mqttTcpPort": {port}, "mqttUserName": "", "mqttPassword": "", "mqttClientId": "v311-{port}", "mqttReqTopicName": "acme/req", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "acme/data", "remoteNetwork": "7f"}}"#
        ),
    )
    .unwrap();
    let out = s.run(&[
        "--json",
        "check",
        template.to_str().unwrap(),
        "--timeout-ms",
        "10000",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
    (out.status.code().unwrap(), report["checks"][0].clone())
}

#[test]
fn a_real_3_1_1_only_broker_is_checked_over_3_1_1() {
    // amqtt speaks only MQTT 3.1.1 and closes on our MQTT 5 CONNECT.
    let s = Sandbox::new();
    let (_broker, port) = common::amqtt::amqtt(s.dir.path());
    let (exit, check) = check_broker_at(&s, port);
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(check["code"], "OK", "{check:#}");
    assert_eq!(common::step(&check, "mqtt-connect")["ok"], false);
    assert_eq!(common::step(&check, "mqtt-connect-3.1.1")["ok"], true);
    let evidence = check["evidence"].as_str().unwrap();
    assert!(evidence.contains("so MQTT 3.1.1 was used"), "{evidence}");
    assert!(evidence.contains("the message came back"), "{evidence}");
    assert!(check["reproduce"].as_str().unwrap().contains("-V mqttv311"));
}

#[test]
fn a_broker_silent_on_mqtt_5_is_checked_over_3_1_1_without_waiting_out_the_rung() {
    // Scripted: silent on an MQTT 5 CONNECT, neither refusing nor closing (see the fake).
    let s = Sandbox::new();
    let (exit, check) = check_broker_at(&s, peers::fake_broker_v311_silent_on_v5());
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(check["code"], "OK", "{check:#}");
    let v5 = common::step(&check, "mqtt-connect");
    assert_eq!(v5["ok"], false);
    assert_eq!(v5["detail"]["error"], "no CONNACK", "{check:#}");
    // Behaviour, not speed: the MQTT 5 rung ended at its own short wait, well inside the
    // 10 s rung timeout, and 3.1.1 was tried.
    let waited = v5["detail"]["waitedMs"].as_u64().unwrap();
    assert!(waited < 10_000, "{check:#}");
    assert!(v5["elapsedMs"].as_f64().unwrap() < 10_000.0, "{check:#}");
    assert_eq!(common::step(&check, "mqtt-connect-3.1.1")["ok"], true);
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains(&format!(
            "no answer to MQTT 5 within {waited} ms, so MQTT 3.1.1 was used"
        )),
        "{evidence}"
    );
}

#[test]
fn an_expired_broker_certificate_is_tls_expired() {
    let t = setup();
    let dir = t.s.path("expired");
    std::fs::create_dir_all(&dir).unwrap();
    let (_broker, port, ca) = peers::mosquitto_expired(&dir);
    let (exit, report) = t.check(&[
        ("MQTT_SSL_PORT", port.to_string()),
        ("MQTT_CA_CERT", format!("@{}", ca.display())),
    ]);
    assert_eq!(exit, 1);
    let check = &report["checks"][1];
    assert_eq!(check["code"], "TLS_EXPIRED", "{check:#}");
    assert!(
        check["evidence"].as_str().unwrap().contains("2021-01-01"),
        "{check:#}"
    );
    assert!(check["hint"].as_str().unwrap().contains("clock"));
}

#[test]
fn a_subscribe_the_dynamic_security_plugin_denies_is_named() {
    let t = setup();
    let (_dynsec, port) = peers::mosquitto_dynsec(t.s.dir.path());
    // The model's request topic is acme/req/meter, which this broker will not let meter read.
    let (exit, report) = t.check(&[
        ("MQTT_TCP_PORT", port.to_string()),
        ("MQTT_PASSWORD", "pw1".into()),
    ]);
    assert_eq!(exit, 1);
    let tcp = &report["checks"][0];
    assert_eq!(tcp["code"], "MQTT_SUBSCRIBE_DENIED", "{tcp:#}");
    assert!(tcp["evidence"].as_str().unwrap().contains("acme/req/meter"));
    let subscribe = tcp["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "subscribe")
        .unwrap();
    assert_eq!(subscribe["ok"], false);
    assert!(tcp["hint"].as_str().unwrap().contains("ACL"));
}

#[test]
fn a_broker_that_wants_a_client_certificate_is_named() {
    let t = setup();
    // TLS 1.3 refuses in an alert after the handshake; TLS 1.2 inside it.
    for port in [t.broker.tls_client_cert, t.broker.tls12_client_cert] {
        let (exit, report) = t.check(&[("MQTT_SSL_PORT", port.to_string())]);
        assert_eq!(exit, 1);
        let tls = &report["checks"][1];
        assert_eq!(tls["code"], "TLS_CLIENT_CERT_REJECTED", "{tls:#}");
        assert!(tls["hint"].as_str().unwrap().contains("client certificate"));
        let rung = &tls["steps"][2];
        assert_eq!(
            (rung["name"].as_str(), rung["ok"].as_bool()),
            (Some("tls"), Some(false))
        );
    }
}
