//! `loopcheck survey` of a site whose firewall drops one endpoint, as a customer's does: a
//! real Mosquitto (plain and TLS, password file), aiocoap's LwM2M resource directory and
//! goosebit behind client-certificate TLS, all in a network namespace of the test's own,
//! where iptables silently drops the MQTT-over-TLS port. A second device has a wrong
//! password. The survey must tell blocked (dropped: TCP_TIMEOUT) from failed (the network
//! is fine, the credentials are not) and reachable, list every endpoint once in the request
//! for IT, and — once the rule is gone, as after IT's change — pass.
//!
//! The outer test makes the namespace and runs this same test binary inside it, asking for
//! the inner test only; inside, 127.0.0.1 is the namespace's own loopback, so the usual peer
//! helpers serve unchanged and the firewall touches nothing outside.

mod common;

use common::lwm2m_peers::aiocoap_rd;
use common::netns::Namespace;
use common::ota_peers::{client_pki, goosebit, nginx_mtls};
use common::peers;
use common::survey::{run_survey, survey_endpoints};
use common::{text, Sandbox};
use std::process::Command;

const INNER: &str = "inside_the_namespace_a_dropped_port_is_blocked_a_wrong_password_failed";
const PASSWORD: &str = "s3cret-pw";
const ACL: &str = "user meter\ntopic readwrite acme/#\n";

#[test]
fn a_survey_behind_a_firewall_that_drops_one_port() {
    let ns = Namespace::new("survey");
    let out = ns
        .command(std::env::current_exe().unwrap().to_str().unwrap())
        .args([
            "--exact",
            INNER,
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .output()
        .expect("the test binary runs in the namespace");
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    // A filter that matched nothing would pass too: the inner test must have run.
    assert!(stdout.contains("1 passed"), "{stdout}\n{stderr}");
}

#[test]
#[ignore = "runs inside a network namespace, started by a_survey_behind_a_firewall_that_drops_one_port"]
fn inside_the_namespace_a_dropped_port_is_blocked_a_wrong_password_failed() {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let broker = peers::mosquitto_secured(dir, &certs, &[("meter", PASSWORD)], ACL);
    let (_rd_peer, rd) = aiocoap_rd(dir);
    let pki = client_pki(dir);
    let (_ddi, ddi_port) = goosebit(dir, &[]);
    let (_nginx, ota) = nginx_mtls(dir, &certs, &pki.ca, ddi_port);

    let file_var = |name: &str, path: &std::path::Path| format!("{name}=@{}", path.display());
    let vars = [
        "MQTT_HOST=localhost".to_string(),
        format!("MQTT_TCP_PORT={}", broker.plain),
        format!("MQTT_SSL_PORT={}", broker.tls),
        file_var("SERVER_CA", &certs.ca),
        "MQTT_USERNAME=meter".into(),
        "MQTT_CLIENT_ID=fw-{device}".into(),
        format!("LWM2M_NOSEC_PORT={rd}"),
        "LWM2M_ENDPOINT=fw-{device}".into(),
        format!("OTA_PORT={ota}"),
        file_var("OTA_CERT", &pki.dir.join("dev-1.pem")),
        file_var("OTA_KEY", &pki.dir.join("dev-1.key")),
        "OTA_CONTROLLER_ID={device}".into(),
    ];
    let mut args = vec!["project", "create", "Plant"];
    for v in &vars {
        args.extend(["--var", v.as_str()]);
    }
    s.ok(&args);
    // The gateway needs MQTT over TLS, LwM2M and OTA; the sensor plain MQTT only, so the
    // wrong password is the only thing that touches the plain port.
    let gateway = r#"[{"mqttHostName": "%MQTT_HOST%", "mqttSslPort": "%MQTT_SSL_PORT%", "mqttServerCA": "%SERVER_CA%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "acme/data"},
        {"lwm2mHostName": "127.0.0.1", "lwm2mPortNoSec": "%LWM2M_NOSEC_PORT%", "lwm2mEndpoint": "%LWM2M_ENDPOINT%"},
        {"otaDDIUrl": "https://localhost:%OTA_PORT%/DEFAULT", "otaCert": "%OTA_CERT%", "otaPrivateKey": "%OTA_KEY%", "otaCaCert": "%SERVER_CA%"}]"#;
    let sensor = r#"[{"mqttHostName": "%MQTT_HOST%", "mqttTcpPort": "%MQTT_TCP_PORT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "acme/data"}]"#;
    for (name, body, device, password) in [
        ("gateway", gateway, "gw-1", PASSWORD),
        ("sensor", sensor, "sensor-1", "not-the-password"),
    ] {
        let file = s.path(&format!("{name}.json"));
        std::fs::write(&file, body).unwrap();
        let file = file.to_str().unwrap();
        s.ok(&[
            "model",
            "import",
            file,
            "--project",
            "Plant",
            "--name",
            name,
        ]);
        let password = format!("MQTT_PASSWORD={password}");
        s.ok(&[
            "device",
            "create",
            "--project",
            "Plant",
            "--model",
            name,
            device,
            "--var",
            &password,
        ]);
    }

    // The firewall: packets to the TLS port vanish (DROP, not a refusal).
    let tls_port = broker.tls.to_string();
    let rule = [
        "OUTPUT", "-o", "lo", "-p", "tcp", "--dport", &tls_port, "-j", "DROP",
    ];
    iptables("-A", &rule);

    let key = pki.read("dev-1.key");
    let key_line = key.lines().nth(1).unwrap();
    let surveyed = |args: &[&str]| run_survey(&s, "Plant", args, &[PASSWORD, key_line]);
    let rules = s.path("rules.csv");
    let (exit, survey_now) = surveyed(&["--all", "--rules", rules.to_str().unwrap()]);
    assert_eq!(exit, 1, "{survey_now:#}");
    assert_eq!(
        survey_endpoints(&survey_now),
        [
            (format!("127.0.0.1:{rd}/udp"), "reachable", "OK"),
            (
                format!("localhost:{}/tcp", broker.plain),
                "failed",
                "MQTT_NOT_AUTHORIZED"
            ),
            (
                format!("localhost:{}/tcp", broker.tls),
                "blocked",
                "TCP_TIMEOUT"
            ),
            (format!("localhost:{ota}/tcp"), "reachable", "OK"),
        ]
        .into_iter()
        .map(|(e, s, c)| (e, s.to_string(), c.to_string()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect::<Vec<_>>(),
        "{survey_now:#}"
    );
    assert_eq!(
        survey_now["summary"],
        serde_json::json!({ "endpoints": 4, "reachable": 2, "blocked": 1, "failed": 1 })
    );
    // The request for IT: a header and one row per endpoint, each with the state seen now.
    let csv = std::fs::read_to_string(&rules).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "direction,host,addresses,port,transport,protocol,purpose,note,state"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    let row = |port: u16| {
        lines
            .iter()
            .filter(|l| l.contains(&format!(",{port},")))
            .copied()
            .collect::<Vec<_>>()
    };
    let tls_row = row(broker.tls);
    assert_eq!(tls_row.len(), 1, "{csv}");
    assert!(tls_row[0].contains(",TCP,MQTT over TLS,"), "{csv}");
    assert!(tls_row[0].ends_with(",blocked"), "{csv}");
    let ota_row = row(ota);
    assert_eq!(ota_row.len(), 1, "{csv}");
    assert!(ota_row[0].ends_with(",reachable"), "{csv}");
    assert!(row(rd)[0].contains(",UDP,LwM2M,"), "{csv}");

    // IT opens the port; the same survey of the gateway now passes.
    iptables("-D", &rule);
    let (exit, after) = surveyed(&["--devices", "gw-1"]);
    assert_eq!(exit, 0, "{after:#}");
    assert_eq!(
        after["summary"],
        serde_json::json!({ "endpoints": 3, "reachable": 3, "blocked": 0, "failed": 0 })
    );
}

fn iptables(action: &str, rule: &[&str]) {
    let out = Command::new("iptables")
        .arg(action)
        .args(rule)
        .output()
        .expect("iptables runs");
    assert!(out.status.success(), "iptables: {}", text(&out.stderr));
}
