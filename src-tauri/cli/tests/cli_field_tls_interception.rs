//! TLS interception, with a real middlebox: mitmproxy (PyPI, in its own venv made by
//! `scripts/setup.sh test`) in reverse mode in front of the real Mosquitto TLS listener and
//! the real nginx. It makes a certificate for the name asked on the fly, issued by its own
//! CA ("CN=mitmproxy, O=mitmproxy"), as a TLS-inspecting firewall does; the checks — whose
//! templates trust the servers' real CA — must say the certificate was replaced, and by what,
//! instead of a bare "unknown CA". The sweep's TLS probes say the same as a warning.

mod common;

use common::peers::{self, free_tcp_ports, wait_for_tcp, Certs, Peer};
use common::{text, Sandbox};
use serde_json::Value;
use std::path::PathBuf;

fn mitm_venv() -> PathBuf {
    common::venv("LOOPSTUDIO_MITM_VENV", "mitm-venv")
}

struct Site {
    s: Sandbox,
    certs: Certs,
    _peers: Vec<Peer>,
    /// mitmproxy in front of Mosquitto's TLS listener.
    mqtts: u16,
    /// mitmproxy in front of nginx's HTTPS server.
    https: u16,
}

fn site() -> Site {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let (mosquitto, _, broker_tls) = peers::mosquitto(dir, &certs);
    let (nginx, _, nginx_https) = peers::nginx(dir, &certs);
    let [mqtts, https] = free_tcp_ports();
    let confdir = dir.join("mitm");
    let mitmdump = mitm_venv().join("bin/mitmdump");
    let modes = [
        format!("reverse:tls://127.0.0.1:{broker_tls}@{mqtts}"),
        format!("reverse:tls://127.0.0.1:{nginx_https}@{https}"),
    ];
    let mitm = Peer::start(
        "mitmproxy",
        dir,
        mitmdump.to_str().unwrap(),
        &[
            "--mode",
            &modes[0],
            "--mode",
            &modes[1],
            "--listen-host",
            "127.0.0.1",
            "--set",
            &format!("confdir={}", confdir.display()),
            "--set",
            "ssl_insecure=true",
        ],
    );
    wait_for_tcp(&mitm, mqtts);
    wait_for_tcp(&mitm, https);
    Site {
        s,
        certs,
        _peers: vec![mosquitto, nginx, mitm],
        mqtts,
        https,
    }
}

impl Site {
    /// `loopcheck --json check` of one template (its JSON body), with the real CA as the
    /// variables MQTT_CA_CERT and MQTT_HTTPS_CA (and an OTA controller id); the one check.
    fn check(&self, body: Value) -> Value {
        let file = self.s.path("t.json");
        std::fs::write(&file, body.to_string()).unwrap();
        let ca = format!("@{}", self.certs.ca.display());
        let out = self.s.run(&[
            "--json",
            "check",
            file.to_str().unwrap(),
            "--timeout-ms",
            "5000",
            "--var",
            &format!("MQTT_CA_CERT={ca}"),
            "--var",
            &format!("MQTT_HTTPS_CA={ca}"),
            "--var",
            "OTA_CONTROLLER_ID=mitm-1",
        ]);
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
        assert_eq!(out.status.code(), Some(1), "{report:#}");
        report["checks"][0].clone()
    }
}

fn assert_intercepted(check: &Value, port: u16) {
    assert_eq!(check["code"], "TLS_INTERCEPTED", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence
            .contains("issued by CN=mitmproxy, O=mitmproxy — mitmproxy, a TLS-inspecting product"),
        "{evidence}"
    );
    assert!(
        evidence.ends_with(&format!(
            "ask IT to exempt localhost:{port} from inspection"
        )),
        "{evidence}"
    );
    let tls = check["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "tls")
        .unwrap();
    assert_eq!(
        tls["detail"]["interception"]["issuer"],
        "CN=mitmproxy, O=mitmproxy"
    );
    assert_eq!(
        tls["detail"]["chain"][0]["issuer"],
        "CN=mitmproxy, O=mitmproxy"
    );
    assert!(check["reproduce"]
        .as_str()
        .unwrap()
        .starts_with(&format!("openssl s_client -connect localhost:{port}")));
}

#[test]
fn the_mqtt_https_and_ota_ladders_name_the_middlebox() {
    let site = site();
    let mqtt = site.check(serde_json::json!({
        "mqttHostName": "localhost", "mqttSslPort": site.mqtts, "mqttServerCA": "%MQTT_CA_CERT%",
        "mqttClientId": "mitm-1", "mqttReqTopicName": "r", "mqttRespTopicName": "s", "mqttDataTopicName": "d"
    }));
    assert_intercepted(&mqtt, site.mqtts);

    let https = site.check(serde_json::json!({
        "httpsUrl": format!("https://localhost:{}/mqtt/publish", site.https),
        "mqttClientId": "mitm-1", "mqttReqTopicName": "r", "mqttRespTopicName": "s", "mqttDataTopicName": "d"
    }));
    assert_intercepted(&https, site.https);

    let read = |p: &PathBuf| std::fs::read_to_string(p).unwrap();
    let ota = site.check(serde_json::json!({
        "otaDDIUrl": format!("https://localhost:{}/DEFAULT", site.https),
        "otaCaCert": read(&site.certs.ca),
        "otaCert": read(&site.certs.cert),
        "otaPrivateKey": read(&site.certs.key),
    }));
    assert_intercepted(&ota, site.https);
}

#[test]
fn without_the_middlebox_the_same_templates_pass_the_tls_rung() {
    // The control: the CA in these templates is right, so only the middlebox made them fail.
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let (_mosquitto, _, tls) = peers::mosquitto(s.dir.path(), &certs);
    let file = s.path("t.json");
    let body = serde_json::json!({
        "mqttHostName": "localhost", "mqttSslPort": tls, "mqttServerCA": "%MQTT_CA_CERT%",
        "mqttClientId": "mitm-2", "mqttReqTopicName": "r", "mqttRespTopicName": "s", "mqttDataTopicName": "d"
    });
    std::fs::write(&file, body.to_string()).unwrap();
    let ca = format!("MQTT_CA_CERT=@{}", certs.ca.display());
    let out = s.run(&["--json", "check", file.to_str().unwrap(), "--var", &ca]);
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["checks"][0]["verdict"], "pass", "{report:#}");
}

#[test]
fn the_sweep_warns_of_an_inspected_tls_port() {
    let site = site();
    let spec = format!("mqtts={},https={}", site.mqtts, site.https);
    let out = site.s.run(&[
        "--json",
        "ports",
        "localhost",
        "--ports",
        &spec,
        "--no-proxy",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
    for check in report["checks"].as_array().unwrap() {
        assert_eq!(
            (
                check["state"].as_str(),
                check["verdict"].as_str(),
                check["code"].as_str()
            ),
            (Some("open"), Some("warn"), Some("TLS_INTERCEPTED")),
            "{check:#}"
        );
        assert!(check["evidence"]
            .as_str()
            .unwrap()
            .contains("issued by CN=mitmproxy, O=mitmproxy (mitmproxy, a TLS-inspecting product)"));
    }
    // Warnings only: the ports answer.
    assert_eq!(out.status.code(), Some(0));
}
