//! Secrets stay sealed everywhere (issue: trust, point 4): a secret placeholder used in a
//! field that is not secret-typed, and the password of a URL, never reach a report (stdout,
//! the HTML file, the run history), the progress lines, or a demo's log; files that may hold
//! secrets are written readable by their owner only.

mod common;

use common::peers::{certs, mosquitto};
use common::{text, Sandbox};
use std::os::unix::fs::PermissionsExt;

const PASSWORD: &str = "Sup3rS3cretPw";
const URL_PASSWORD: &str = "UrlPassw0rd";

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A model whose client id and topic use the password, and whose HTTP URL carries one.
fn leaky_model(s: &Sandbox, mqtt_port: u16, http_port: u16) -> std::path::PathBuf {
    let path = s.path("leaky.json");
    std::fs::write(
        &path,
        format!(
            r#"[{{"mqttHostName": "127.0.0.1", "mqttTcpPort": "{mqtt_port}", "mqttUserName": "meter", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "dev-%MQTT_PASSWORD%", "mqttReqTopicName": "req", "mqttRespTopicName": "resp", "mqttDataTopicName": "data/%MQTT_PASSWORD%", "remoteNetwork": "7f"}},
                {{"httpUrl": "http://meter:{URL_PASSWORD}@127.0.0.1:{http_port}/p", "mqttUserName": "meter", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "http-%MQTT_PASSWORD%", "mqttDataTopicName": "data", "remoteNetwork": "7f"}}]"#
        ),
    )
    .unwrap();
    path
}

fn assert_clean(what: &str, text: &str) {
    for secret in [PASSWORD, URL_PASSWORD] {
        assert!(!text.contains(secret), "{what} shows {secret}:\n{text}");
    }
}

#[test]
fn secrets_in_other_fields_and_url_passwords_never_reach_a_report() {
    let s = Sandbox::new();
    let model = leaky_model(&s, closed_port(), closed_port());
    let report = s.path("ticket.html");
    let out = s.run(&[
        "--json",
        "check",
        model.to_str().unwrap(),
        "--var",
        &format!("MQTT_PASSWORD={PASSWORD}"),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("••••••"), "nothing was masked: {stdout}");
    assert_clean("the JSON report", &stdout);
    assert_clean("the progress lines", &text(&out.stderr));
    assert_clean(
        "the HTML report",
        &std::fs::read_to_string(&report).unwrap(),
    );
    let mode = std::fs::metadata(&report).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "the report file is readable by others");

    // A stored device's run history, in the database file itself.
    s.store_device(&model, "d", &[&format!("MQTT_PASSWORD={PASSWORD}")]);
    let out = s.run(&["check", "--project", "p", "--device", "d"]);
    assert_eq!(out.status.code(), Some(1));
    assert_clean("the text report", &text(&out.stdout));
    let db = s.db_snapshot();
    for secret in [PASSWORD, URL_PASSWORD] {
        assert!(
            !db.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is in the database file"
        );
    }
}

#[test]
fn exports_with_secrets_are_written_for_their_owner_only() {
    let s = Sandbox::new();
    s.ok(&[
        "project",
        "create",
        "p",
        "--var",
        &format!("MQTT_PASSWORD={PASSWORD}"),
    ]);
    s.ok(&[
        "model",
        "create",
        "--project",
        "p",
        "m",
        "--kind",
        "mqtt-tcp",
    ]);
    let bundle = s.path("p.json");
    s.ok(&[
        "project",
        "export",
        "p",
        "-o",
        bundle.to_str().unwrap(),
        "--include-secrets",
    ]);
    assert!(std::fs::read_to_string(&bundle).unwrap().contains(PASSWORD));
    let model = s.path("m.json");
    s.ok(&[
        "model",
        "export",
        "--project",
        "p",
        "m",
        "-o",
        model.to_str().unwrap(),
    ]);
    for file in [&bundle, &model] {
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "{} is readable by others",
            file.display()
        );
    }
    let left: Vec<String> = std::fs::read_dir(s.dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn a_demo_never_logs_a_secret_its_model_put_in_a_topic() {
    let s = Sandbox::new();
    let (_broker, plain, _tls) = mosquitto(s.dir.path(), &certs(s.dir.path()));
    let model = leaky_model(&s, plain, closed_port());
    s.store_device(&model, "d", &[&format!("MQTT_PASSWORD={PASSWORD}")]);
    let out = s.run(&[
        "--json",
        "simulate",
        "--project",
        "p",
        "--device",
        "d",
        "--duration",
        "2",
        "--rate",
        "5",
    ]);
    let log = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("data/••••••"),
        "the telemetry topic is not in the log: {log}"
    );
    assert_clean("the demo's log", &log);
    assert_clean("the demo's summary", &text(&out.stdout));
}
