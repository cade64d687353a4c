//! `loopcheck check` on MQTT-over-HTTP(S) templates: a real Mosquitto with a password file
//! and an ACL, the test suite's HTTP → MQTT publish bridge in front of it (see
//! `common/http_bridge.rs`), and real nginx terminating TLS in front of the bridge. Delivery is
//! confirmed by an observer connection over the model's MQTT TCP template.

mod common;

use common::peers::{self, Peer, SecuredBroker};
use common::{http_bridge, text, Sandbox};
use serde_json::Value;

const ACL: &str = "user meter\ntopic readwrite acme/data\ntopic read acme/req/meter\ntopic write acme/write-only\n";
const PASSWORD: &str = "s3cret-pw";

struct Setup {
    s: Sandbox,
    broker: SecuredBroker,
    bridge: u16,
    _proxy: Peer,
    https: u16,
    certs: peers::Certs,
    model: std::path::PathBuf,
}

fn write_model(path: &std::path::Path, tcp_user: &str) {
    let model = format!(
        r#"[{{"mqttHostName": "%MQTT_HOST%", "mqttTcpPort": "%MQTT_TCP_PORT%", "mqttUserName": "{tcp_user}", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "7f"}},
            {{"httpUrl": "%MQTT_HTTP%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "7f"}},
            {{"httpsUrl": "%MQTT_HTTPS%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "acme/req/meter", "mqttRespTopicName": "acme/resp", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "7f"}}]"#
    );
    std::fs::write(path, model).unwrap();
}

fn setup() -> Setup {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let broker = peers::mosquitto_secured(dir, &certs, &[("meter", PASSWORD)], ACL);
    let bridge = http_bridge::http_bridge(broker.plain);
    let (proxy, https) = peers::nginx_https_proxy(dir, &certs, bridge);
    let model = s.path("model.json");
    write_model(&model, "%MQTT_USERNAME%");
    Setup {
        s,
        broker,
        bridge,
        _proxy: proxy,
        https,
        certs,
        model,
    }
}

impl Setup {
    fn vars(&self, overrides: &[(&str, String)]) -> Vec<String> {
        let ca = self.s.dir.path().join("ca.pem");
        let mut vars: Vec<(&str, String)> = vec![
            ("MQTT_HOST", "localhost".into()),
            ("MQTT_TCP_PORT", self.broker.plain.to_string()),
            (
                "MQTT_HTTP",
                format!("http://localhost:{}/mqtt/publish", self.bridge),
            ),
            (
                "MQTT_HTTPS",
                format!("https://localhost:{}/mqtt/publish", self.https),
            ),
            ("MQTT_HTTPS_CA", format!("@{}", ca.display())),
            ("MQTT_USERNAME", "meter".into()),
            ("MQTT_PASSWORD", PASSWORD.into()),
            ("MQTT_CLIENT_ID", format!("meter-{}", std::process::id())),
            ("MQTT_DATA_TOPIC", "acme/data".into()),
        ];
        for (name, value) in overrides {
            vars.retain(|(n, _)| n != name);
            if !value.is_empty() {
                vars.push((name, value.clone()));
            }
        }
        vars.into_iter()
            .flat_map(|(n, v)| ["--var".to_string(), format!("{n}={v}")])
            .collect()
    }

    /// Runs `check` on the model with `extra` arguments; returns exit code, report, stderr.
    fn check(&self, extra: &[&str], overrides: &[(&str, String)]) -> (i32, Value, String) {
        let mut args = vec![
            "--json".to_string(),
            "check".into(),
            self.model.display().to_string(),
            "--timeout-ms".into(),
            "1500".into(),
        ];
        args.extend(extra.iter().map(|a| a.to_string()));
        args.extend(self.vars(overrides));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.s.run(&args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(
            !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
            "the password leaked"
        );
        let report: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("no report: {stderr}"));
        (out.status.code().unwrap(), report, stderr)
    }
}

fn check<'a>(report: &'a Value, kind: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} check in {report:#}"))
}

fn step_names(check: &Value) -> Vec<String> {
    check["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_good_device_publishes_over_http_and_https_and_the_message_arrives() {
    let t = setup();
    let html = t.s.path("report.html");
    let html_arg = html.display().to_string();
    let (exit, report, stderr) = t.check(&["--report", &html_arg], &[]);
    assert_eq!(exit, 0, "{report:#}");
    let http = check(&report, "mqtt-http");
    assert_eq!(http["code"], "OK", "{http:#}");
    common::assert_climbed_catalog_rungs(http);
    assert_eq!(
        step_names(http),
        ["dns", "tcp", "observer", "http-post", "delivery"]
    );
    assert_eq!(http["steps"][3]["detail"]["status"], 200);
    assert_eq!(
        http["steps"][2]["detail"]["clientId"],
        format!("meter-{}-loopcheck", std::process::id())
    );
    let reproduce = http["reproduce"].as_str().unwrap();
    assert!(reproduce.starts_with("curl "), "{reproduce}");
    assert!(reproduce.contains("\"$MQTT_PASSWORD\""), "{reproduce}");

    let https = check(&report, "mqtt-https");
    assert_eq!(https["code"], "OK", "{https:#}");
    common::assert_climbed_catalog_rungs(https);
    assert_eq!(
        step_names(https),
        ["dns", "tcp", "tls", "observer", "http-post", "delivery"]
    );
    assert_eq!(
        https["steps"][2]["detail"]["chain"][0]["subject"],
        "CN=localhost"
    );
    assert!(https["reproduce"]
        .as_str()
        .unwrap()
        .contains("--cacert MQTT_HTTPS_CA.pem"));

    // Each rung was shown on stderr while the run went on.
    assert!(
        stderr.contains("mqtt-http             ok  http-post"),
        "{stderr}"
    );
    // The HTML report is one readable, self-contained page without the password.
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<code>http-post</code>") && page.contains("curl "));
    assert!(!page.contains(PASSWORD) && !page.contains("<script"));
}

#[test]
fn a_wrong_password_is_http_401() {
    let t = setup();
    let (exit, report, _) = t.check(
        &["--only", "mqtt-http"],
        &[("MQTT_PASSWORD", "wrong".into())],
    );
    assert_eq!(exit, 1);
    assert_eq!(report["checks"].as_array().unwrap().len(), 1, "--only");
    let http = check(&report, "mqtt-http");
    assert_eq!(http["code"], "HTTP_UNAUTHORIZED", "{http:#}");
    assert!(http["evidence"].as_str().unwrap().contains("401"));
    assert!(!http["evidence"].as_str().unwrap().contains("wrong"));
}

#[test]
fn a_publish_the_acl_denies_is_http_403() {
    let t = setup();
    // meter may read its request topic but not write it: the bridge's PUBACK is 135.
    let (exit, report, _) = t.check(
        &["--only", "mqtt-http,mqtt-https"],
        &[("MQTT_DATA_TOPIC", "acme/req/meter".into())],
    );
    assert_eq!(exit, 1);
    assert_eq!(check(&report, "mqtt-http")["code"], "HTTP_FORBIDDEN");
    assert_eq!(check(&report, "mqtt-https")["code"], "HTTP_FORBIDDEN");
}

#[test]
fn a_wrong_path_is_404_and_a_dead_backend_is_a_server_error() {
    let t = setup();
    let (closed, _) = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        drop(l);
        (port, ())
    };
    let (_dead_proxy, dead_https) = peers::nginx_https_proxy(t.s.dir.path(), &t.certs, closed);
    let (exit, report, _) = t.check(
        &["--only", "mqtt-http,mqtt-https"],
        &[
            (
                "MQTT_HTTP",
                format!("http://localhost:{}/wrong/path", t.bridge),
            ),
            (
                "MQTT_HTTPS",
                format!("https://localhost:{dead_https}/mqtt/publish"),
            ),
        ],
    );
    assert_eq!(exit, 1);
    assert_eq!(check(&report, "mqtt-http")["code"], "HTTP_NOT_FOUND");
    let https = check(&report, "mqtt-https");
    assert_eq!(https["code"], "HTTP_SERVER_ERROR", "{https:#}");
    assert!(https["evidence"].as_str().unwrap().contains("502"));
}

#[test]
fn a_redirect_is_an_unexpected_status_that_names_where_it_points() {
    let t = setup();
    let (exit, report, _) = t.check(
        &["--only", "mqtt-https"],
        &[("MQTT_HTTPS", format!("https://localhost:{}/moved", t.https))],
    );
    assert_eq!(exit, 1);
    let https = check(&report, "mqtt-https");
    assert_eq!(https["code"], "HTTP_STATUS", "{https:#}");
    let evidence = https["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("301") && evidence.contains("/mqtt/publish"),
        "{evidence}"
    );
}

#[test]
fn without_the_extra_ca_the_https_server_is_not_trusted() {
    let t = setup();
    let (exit, report, _) = t.check(
        &["--only", "mqtt-https"],
        &[("MQTT_HTTPS_CA", String::new())],
    );
    assert_eq!(exit, 1);
    let https = check(&report, "mqtt-https");
    assert_eq!(https["code"], "TLS_UNTRUSTED_CA", "{https:#}");
    assert!(https["reproduce"]
        .as_str()
        .unwrap()
        .starts_with("openssl s_client"));
}

#[test]
fn a_message_the_device_may_not_read_back_is_a_warning() {
    let t = setup();
    // meter may write acme/write-only but not read it: the POST works, the observer sees nothing.
    let (exit, report, _) = t.check(
        &["--only", "mqtt-http"],
        &[("MQTT_DATA_TOPIC", "acme/write-only".into())],
    );
    assert_eq!(exit, 0, "a warning is not a failure: {report:#}");
    let http = check(&report, "mqtt-http");
    assert_eq!(
        (http["verdict"].as_str(), http["code"].as_str()),
        (Some("warn"), Some("MQTT_NO_ECHO"))
    );
}

#[test]
fn a_refused_observer_leaves_delivery_unconfirmed_but_does_not_fail() {
    let t = setup();
    // The MQTT TCP template names a user the broker does not know: the observer is refused.
    write_model(&t.model, "ghost");
    let (exit, report, _) = t.check(&["--only", "mqtt-http"], &[]);
    assert_eq!(exit, 0, "{report:#}");
    let http = check(&report, "mqtt-http");
    assert_eq!(http["verdict"], "warn");
    assert_eq!(http["code"], "MQTT_NOT_AUTHORIZED");
    assert!(http["evidence"].as_str().unwrap().contains("observer"));
    assert_eq!(http["steps"][3]["detail"]["status"], 200);
}

#[test]
fn peers_that_do_not_speak_http_are_named() {
    let t = setup();
    let (_silent, silent_port) = peers::silent_tcp();
    // Mosquitto closes on an HTTP request; the silent port never answers.
    let (exit, report, _) = t.check(
        &["--only", "mqtt-http,mqtt-https"],
        &[
            (
                "MQTT_HTTP",
                format!("http://localhost:{}/mqtt/publish", t.broker.plain),
            ),
            (
                "MQTT_HTTPS",
                format!("https://localhost:{silent_port}/mqtt/publish"),
            ),
        ],
    );
    assert_eq!(exit, 1);
    assert_eq!(
        check(&report, "mqtt-http")["code"],
        "PEER_PROTOCOL_VIOLATION"
    );
    assert_eq!(check(&report, "mqtt-https")["code"], "TIMEOUT");
    // An http:// URL in the mqtt-https template is refused before anything connects: it
    // would test plain HTTP where the device uses TLS.
    let (exit, report, _) = t.check(
        &["--only", "mqtt-https"],
        &[(
            "MQTT_HTTPS",
            format!("http://localhost:{silent_port}/mqtt/publish"),
        )],
    );
    assert_eq!(exit, 1);
    let https = check(&report, "mqtt-https");
    assert_eq!(https["code"], "INPUT_INVALID", "{https:#}");
    assert!(https["evidence"].as_str().unwrap().contains("use https://"));
}

#[test]
fn bad_only_and_report_arguments_are_bad_input() {
    let t = setup();
    let model = t.model.display().to_string();
    let out = t.s.run(&["check", &model, "--only", "mqtt-carrier-pigeon"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("mqtt-carrier-pigeon"));
    let out = t.s.run(&["check", &model, "--report", "out.pdf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains(".html or .json"));
}

#[test]
fn a_stored_device_run_is_kept_in_history_and_saved_as_json() {
    let t = setup();
    let model = t.model.display().to_string();
    let vars = t.vars(&[]);
    let mut create = vec!["project", "create", "acme"];
    create.extend(vars.iter().map(String::as_str));
    t.s.ok(&create);
    t.s.ok(&[
        "model",
        "import",
        &model,
        "--project",
        "acme",
        "--name",
        "meter",
    ]);
    t.s.ok(&[
        "device",
        "create",
        "--project",
        "acme",
        "--model",
        "meter",
        "m1",
    ]);
    let json_path = t.s.path("run.json");
    let json_arg = json_path.display().to_string();
    let out = t.s.run(&[
        "--json",
        "check",
        "--project",
        "acme",
        "--device",
        "m1",
        "--only",
        "mqtt-http",
        "--report",
        &json_arg,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(printed, saved);
    assert_eq!(saved["target"]["device"], "m1");
    assert_eq!(check(&saved, "mqtt-http")["code"], "OK");
    let db = rusqlite::Connection::open(t.s.db()).unwrap();
    let (runs, passed): (i64, i64) = db
        .query_row("SELECT count(*), sum(pass) FROM runs", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((runs, passed), (1, 1));
}
