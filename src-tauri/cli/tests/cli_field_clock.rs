//! A wrong clock: `loopcheck` run under libfaketime (Debian's `faketime`) against the real
//! Mosquitto TLS listener and nginx, with certificates valid for 30 days from now. Forty
//! days ahead the broker's certificate looks expired, a day behind it looks not yet valid;
//! nginx's `Date` header measures the offset (`CLOCK_SKEW`), and the certificate checks of
//! the same run name the clock as the likely cause.

mod common;

use common::peers::{self, Certs, Peer};
use common::{step, text, Sandbox};
use serde_json::Value;
use std::process::Command;

struct Site {
    s: Sandbox,
    certs: Certs,
    _mosquitto: Peer,
    _nginx: Peer,
    tls: u16,
    http: u16,
}

fn site() -> Site {
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let (mosquitto, _plain, tls) = peers::mosquitto(s.dir.path(), &certs);
    let (nginx, http, _https) = peers::nginx(s.dir.path(), &certs);
    Site {
        s,
        certs,
        _mosquitto: mosquitto,
        _nginx: nginx,
        tls,
        http,
    }
}

const DAY_S: i64 = 86_400;

impl Site {
    fn mqtt_tls(&self) -> String {
        format!(
            r#"{{"mqttHostName": "localhost", "mqttSslPort": {}, "mqttServerCA": "%CA%", "mqttClientId": "clock-{}", "mqttReqTopicName": "clock/req", "mqttRespTopicName": "clock/resp", "mqttDataTopicName": "clock/data"}}"#,
            self.tls,
            std::process::id()
        )
    }

    fn mqtt_http(&self) -> String {
        format!(
            r#"{{"httpUrl": "http://127.0.0.1:{}/mqtt/publish", "mqttUserName": "u", "mqttPassword": "p", "mqttClientId": "clock-{}", "mqttReqTopicName": "clock/req", "mqttRespTopicName": "clock/resp", "mqttDataTopicName": "clock/data"}}"#,
            self.http,
            std::process::id()
        )
    }

    /// `loopcheck --json check` of `templates` with this computer's clock moved by `offset`
    /// (libfaketime's relative form: `+40d`, `-1d`).
    fn check_at(&self, offset: &str, templates: &[String]) -> (i32, Value) {
        let model = self.s.path("model.json");
        std::fs::write(&model, format!("[{}]", templates.join(","))).unwrap();
        let out = Command::new("faketime")
            .args(["-f", offset])
            .arg(env!("CARGO_BIN_EXE_loopcheck"))
            .arg("--db")
            .arg(self.s.db())
            .args([
                "--json",
                "check",
                model.to_str().unwrap(),
                "--timeout-ms",
                "1500",
            ])
            .arg("--var")
            .arg(format!("CA=@{}", self.certs.ca.display()))
            // Timers keep real time; only the wall clock moves.
            .env("FAKETIME_DONT_FAKE_MONOTONIC", "1")
            .env_remove("LOOPSTUDIO_DB")
            .env("LOOPSTUDIO_KEYRING", "off")
            .output()
            .expect("faketime runs (scripts/setup.sh test installs it)");
        let report: Value = serde_json::from_str(&text(&out.stdout))
            .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
        (out.status.code().unwrap(), report)
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

fn clock_offset(check: &Value) -> i64 {
    step(check, "http-post")["detail"]["clockOffsetS"]
        .as_i64()
        .unwrap_or_else(|| panic!("no clockOffsetS: {check:#}"))
}

#[test]
fn forty_days_ahead_the_certificate_looks_expired_and_the_clock_is_named() {
    let site = site();
    let (exit, report) = site.check_at("+40d", &[site.mqtt_tls(), site.mqtt_http()]);
    assert_eq!(exit, 1);
    let tls = check(&report, "mqtt-tls");
    assert_eq!(tls["code"], "TLS_EXPIRED", "{tls:#}");
    let evidence = tls["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("this computer's clock says 20"),
        "{evidence}"
    );
    assert!(
        evidence.contains("the likely cause is this computer's clock, not the certificate: it is"),
        "{evidence}"
    );
    assert!(evidence.contains("s ahead of the server at"), "{evidence}");
    assert!(step(tls, "tls")["detail"]["clock"].is_string(), "{tls:#}");

    // nginx's Date puts the server 40 days behind us (give or take the round trip).
    let http = check(&report, "mqtt-http");
    let offset = clock_offset(http);
    assert!((offset + 40 * DAY_S).abs() <= 5, "offset {offset}");

    // Alone, the HTTP publish check passes but warns about the clock.
    let (exit, report) = site.check_at("+40d", &[site.mqtt_http()]);
    let http = check(&report, "mqtt-http");
    assert_eq!(exit, 0, "{http:#}");
    assert_eq!(http["verdict"], "warn", "{http:#}");
    assert_eq!(http["code"], "CLOCK_SKEW", "{http:#}");
    let evidence = http["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with("this computer's clock is 34560")
            && evidence.contains("s ahead of 127.0.0.1's (its HTTP Date header)"),
        "{evidence}"
    );
}

#[test]
fn a_day_behind_the_certificate_is_not_yet_valid_with_both_times_shown() {
    let site = site();
    let (exit, report) = site.check_at("-1d", &[site.mqtt_tls(), site.mqtt_http()]);
    assert_eq!(exit, 1);
    let tls = check(&report, "mqtt-tls");
    assert_eq!(tls["code"], "TLS_NOT_YET_VALID", "{tls:#}");
    let evidence = tls["evidence"].as_str().unwrap();
    // The certificate's window and our clock, side by side.
    assert!(evidence.contains("valid 20"), "{evidence}");
    assert!(
        evidence.contains("this computer's clock says 20"),
        "{evidence}"
    );
    assert!(evidence.contains("s behind the server at"), "{evidence}");
    assert!(
        tls["hint"].as_str().unwrap().contains("probably behind"),
        "{tls:#}"
    );
    let offset = clock_offset(check(&report, "mqtt-http"));
    assert!((offset - DAY_S).abs() <= 5, "offset {offset}");
}

#[test]
fn a_right_clock_measures_no_skew() {
    let site = site();
    let (exit, report) = site.check_at("+0", &[site.mqtt_http()]);
    let http = check(&report, "mqtt-http");
    assert_eq!(
        (exit, http["verdict"].as_str()),
        (0, Some("pass")),
        "{http:#}"
    );
    assert!(clock_offset(http).abs() <= 2, "{http:#}");
}
