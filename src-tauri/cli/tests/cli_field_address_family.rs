//! Address families: `localhost` made to resolve to both ::1 and 127.0.0.1 (a hosts file
//! bound over /etc/hosts in a mount namespace of the check's own, so the machine's resolver
//! really answers both), against a real Mosquitto bound to one family only. The DNS rung
//! lists both addresses, the TCP rung tries each, and the check passes with the warning
//! `ADDRESS_FAMILY_PARTIAL` naming the family that failed.

mod common;

use common::peers::{self, Peer};
use common::{step, text, Sandbox};
use serde_json::Value;
use std::process::Command;

const BOTH_FAMILIES: &str = "::1 localhost\n127.0.0.1 localhost\n";

/// An anonymous Mosquitto listening on `bind` only.
fn mosquitto_on(dir: &std::path::Path, bind: &str) -> (Peer, u16) {
    let port = peers::free_tcp_port();
    let home = dir.join(format!("mosquitto-{}", bind.replace(':', "_")));
    std::fs::create_dir_all(&home).unwrap();
    let config =
        format!("user root\nlog_dest stderr\nlistener {port} {bind}\nallow_anonymous true\n");
    std::fs::write(home.join("mosquitto.conf"), config).unwrap();
    let peer = Peer::start("mosquitto", &home, "mosquitto", &["-c", "mosquitto.conf"]);
    let ip: std::net::IpAddr = bind.parse().unwrap();
    peers::wait_for_tcp_at(&peer, std::net::SocketAddr::new(ip, port));
    (peer, port)
}

/// `loopcheck --json check` of an mqtt-tcp template for `localhost:port`, with `hosts` as
/// /etc/hosts for this one process (root's `unshare -m`; the bind mount goes with it).
fn check_with_hosts(s: &Sandbox, hosts: &str, port: u16) -> (i32, Value) {
    let hosts_file = s.path("hosts");
    std::fs::write(&hosts_file, hosts).unwrap();
    let model = s.path("model.json");
    std::fs::write(
        &model,
        format!(
            r#"[{{"mqttHostName": "localhost", "mqttTcpPort": {port}, "mqttClientId": "fam-{}", "mqttReqTopicName": "fam/req", "mqttRespTopicName": "fam/resp", "mqttDataTopicName": "fam/data"}}]"#,
            std::process::id()
        ),
    )
    .unwrap();
    let out = Command::new("unshare")
        .args([
            "-m",
            "--",
            "sh",
            "-c",
            r#"mount --bind "$0" /etc/hosts && exec "$@""#,
        ])
        .arg(&hosts_file)
        .arg(env!("CARGO_BIN_EXE_loopcheck"))
        .arg("--db")
        .arg(s.db())
        .args([
            "--json",
            "check",
            model.to_str().unwrap(),
            "--timeout-ms",
            "1500",
        ])
        .env_remove("LOOPSTUDIO_DB")
        .env("LOOPSTUDIO_KEYRING", "off")
        .output()
        .expect("unshare runs (util-linux; the tests run as root)");
    let stdout = text(&out.stdout);
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| {
        panic!(
            "no report (a mount namespace needs root): {}",
            text(&out.stderr)
        )
    });
    (out.status.code().unwrap(), report)
}

fn outcomes(tcp: &Value) -> Vec<(String, String)> {
    tcp["detail"]["addresses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["address"].as_str().unwrap().to_string(),
                a["outcome"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_broker_on_ipv4_only_passes_with_a_warning_that_names_ipv6() {
    let s = Sandbox::new();
    let (_broker, port) = mosquitto_on(s.dir.path(), "127.0.0.1");
    let (exit, report) = check_with_hosts(&s, BOTH_FAMILIES, port);
    let check = &report["checks"][0];
    assert_eq!(exit, 0, "a warning is not a failure: {check:#}");
    assert_eq!(check["verdict"], "warn", "{check:#}");
    assert_eq!(check["code"], "ADDRESS_FAMILY_PARTIAL", "{check:#}");

    let dns = step(check, "dns");
    assert_eq!(
        dns["detail"]["addresses"],
        serde_json::json!(["::1", "127.0.0.1"]),
        "{dns:#}"
    );
    assert_eq!(
        (
            dns["detail"]["ipv4"].as_u64(),
            dns["detail"]["ipv6"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(
        outcomes(step(check, "tcp")),
        [
            (format!("[::1]:{port}"), "refused".to_string()),
            (format!("127.0.0.1:{port}"), "ok".to_string())
        ]
    );
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with(&format!(
            "IPv6: [::1]:{port} refused the connection; IPv4 127.0.0.1:{port} works"
        )),
        "{evidence}"
    );
    assert!(
        evidence.contains("tries IPv6 first will stall or fail"),
        "{evidence}"
    );
    // The MQTT rungs still ran to the end over the family that works.
    assert!(step(check, "publish")["ok"].as_bool().unwrap(), "{check:#}");
}

#[test]
fn a_broker_on_ipv6_only_is_found_through_the_first_address_and_ipv4_is_probed() {
    let s = Sandbox::new();
    let (_broker, port) = mosquitto_on(s.dir.path(), "::1");
    let (exit, report) = check_with_hosts(&s, BOTH_FAMILIES, port);
    let check = &report["checks"][0];
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(check["code"], "ADDRESS_FAMILY_PARTIAL", "{check:#}");
    assert_eq!(
        outcomes(step(check, "tcp")),
        [
            (format!("[::1]:{port}"), "ok".to_string()),
            (format!("127.0.0.1:{port}"), "refused".to_string())
        ]
    );
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with(&format!(
            "IPv4: 127.0.0.1:{port} refused the connection; IPv6 [::1]:{port} works"
        )),
        "{evidence}"
    );
    assert!(step(check, "publish")["ok"].as_bool().unwrap(), "{check:#}");
}

#[test]
fn one_family_in_dns_is_a_plain_pass_and_a_dead_port_lists_every_address() {
    let s = Sandbox::new();
    let (_broker, port) = mosquitto_on(s.dir.path(), "127.0.0.1");
    let (exit, report) = check_with_hosts(&s, "127.0.0.1 localhost\n", port);
    let check = &report["checks"][0];
    assert_eq!(
        (exit, check["verdict"].as_str()),
        (0, Some("pass")),
        "{check:#}"
    );
    assert_eq!(
        outcomes(step(check, "tcp")),
        [(format!("127.0.0.1:{port}"), "ok".to_string())]
    );

    // Nothing listens on either family: the first address's code, every address's words.
    let closed = peers::free_tcp_port();
    let (exit, report) = check_with_hosts(&s, BOTH_FAMILIES, closed);
    let check = &report["checks"][0];
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "TCP_REFUSED", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert_eq!(
        evidence,
        format!("no address connected: [::1]:{closed} refused the connection; 127.0.0.1:{closed} refused the connection")
    );
    assert_eq!(
        check["reproduce"],
        format!("nc -vz -w 3 localhost {closed}")
    );
}
