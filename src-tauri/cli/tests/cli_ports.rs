//! `loopcheck ports` against real peers on 127.0.0.1 — Mosquitto, nginx, libcoap — and nmap
//! as the reference for port states; a filtered port made with iptables in a network
//! namespace the test creates.

mod common;

use common::peers::{self, free_tcp_port, free_udp_pair};
use common::{text, Sandbox};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::Command;

/// Runs a sweep with `--json` and returns the report, checking the exit status.
fn sweep(s: &Sandbox, ports: &str, expect_exit: i32) -> Value {
    let out = s.run(&[
        "--json",
        "ports",
        "127.0.0.1",
        "--ports",
        ports,
        "--timeout-ms",
        "700",
    ]);
    assert_eq!(
        out.status.code(),
        Some(expect_exit),
        "stderr: {}",
        text(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("one JSON report")
}

fn by_port(report: &Value) -> BTreeMap<(u64, String), Value> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (
                    c["port"].as_u64().unwrap(),
                    c["transport"].as_str().unwrap().to_string(),
                ),
                c.clone(),
            )
        })
        .collect()
}

#[test]
fn every_reference_protocol_answers_its_probe_from_real_peers() {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let (_mosquitto, mqtt, mqtts) = peers::mosquitto(dir, &certs);
    let (_nginx, http, https) = peers::nginx(dir, &certs);
    let (_coap, coap) = peers::coap_server(dir, "secret-psk");
    let spec = format!("http={http},https={https},mqtt={mqtt},mqtts={mqtts},lwm2m={coap},lwm2m-dtls={},minio={https},insights={https}", coap + 1);
    let report = sweep(&s, &spec, 0);
    assert_eq!(report["summary"]["pass"], 8, "{report:#}");
    for check in report["checks"].as_array().unwrap() {
        assert_eq!(check["state"], "open", "{check:#}");
        assert_eq!(check["code"], "OK");
    }
    let checks = by_port(&report);
    let tls = &checks[&(mqtts as u64, "tcp".into())]["steps"][2];
    assert_eq!(tls["name"], "tls");
    assert_eq!(tls["detail"]["chain"][0]["subject"], "CN=localhost");
    assert_eq!(
        tls["detail"]["chain"][0]["issuer"],
        "CN=Loop Studio Test CA"
    );
    assert!(tls["detail"]["chain"][0]["sans"]
        .to_string()
        .contains("127.0.0.1"));
    assert_eq!(
        checks[&(http as u64, "tcp".into())]["steps"][2]["detail"]["status"],
        204
    );
    assert_eq!(
        checks[&(https as u64, "tcp".into())]["steps"][3]["detail"]["status"],
        200
    );
    assert!(checks[&(coap as u64 + 1, "udp".into())]["evidence"]
        .as_str()
        .unwrap()
        .contains("HelloVerifyRequest"));
    assert_eq!(report["target"]["host"], "127.0.0.1");
}

#[test]
fn closed_silent_and_wrong_protocol_ports_are_told_apart() {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let (_nginx, http, _https) = peers::nginx(dir, &certs);
    let closed_tcp = free_tcp_port();
    let closed_udp = free_udp_pair();
    let (_silent, silent_port) = peers::silent_tcp();
    let quiet_udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let quiet_port = quiet_udp.local_addr().unwrap().port();
    // A fake for a fault no real peer produces: a UDP service answering garbage to anything.
    let garbage = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let garbage_port = garbage.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((_, from)) = garbage.recv_from(&mut buf) {
            let _ = garbage.send_to(b"\xffgarbage", from);
        }
    });
    let spec = format!("mqtt={closed_tcp},lwm2m={closed_udp},mqtt={http},http={silent_port},lwm2m={quiet_port},mqtts={http},lwm2m-dtls={quiet_port},lwm2m={garbage_port},lwm2m-dtls={garbage_port}");
    let report = sweep(&s, &spec, 1);
    let checks: BTreeMap<(u64, String), Value> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                (
                    c["port"].as_u64().unwrap(),
                    c["service"].as_str().unwrap().to_string(),
                ),
                c.clone(),
            )
        })
        .collect();
    let get = |port: u16, service: &str| &checks[&(port as u64, service.to_string())];

    let c = get(closed_tcp, "mqtt");
    assert_eq!(
        (
            c["state"].as_str(),
            c["code"].as_str(),
            c["verdict"].as_str()
        ),
        (Some("closed"), Some("TCP_REFUSED"), Some("fail"))
    );
    let c = get(closed_udp, "lwm2m");
    assert_eq!(
        (c["state"].as_str(), c["code"].as_str()),
        (Some("closed"), Some("UDP_UNREACHABLE"))
    );
    // nginx on the MQTT port: open, but not an MQTT broker.
    let c = get(http, "mqtt");
    assert_eq!(
        (
            c["state"].as_str(),
            c["code"].as_str(),
            c["verdict"].as_str()
        ),
        (Some("open"), Some("MQTT_PROTOCOL"), Some("warn")),
        "{c:#}"
    );
    // …and no TLS either, for the MQTTS probe.
    let c = get(http, "mqtts");
    assert_eq!(
        (c["state"].as_str(), c["code"].as_str()),
        (Some("open"), Some("TLS_PROTOCOL")),
        "{c:#}"
    );
    // Accepts and never speaks (a fake: no real peer does this on purpose).
    let c = get(silent_port, "http");
    assert_eq!(
        (
            c["state"].as_str(),
            c["code"].as_str(),
            c["verdict"].as_str()
        ),
        (Some("open"), Some("PEER_PROTOCOL_VIOLATION"), Some("warn"))
    );
    assert!(c["evidence"]
        .as_str()
        .unwrap()
        .contains("nothing was sent back"));
    // A bound UDP socket that never answers: nmap's open|filtered.
    let c = get(quiet_port, "lwm2m");
    assert_eq!(
        (
            c["state"].as_str(),
            c["code"].as_str(),
            c["verdict"].as_str()
        ),
        (Some("open|filtered"), Some("UDP_NO_REPLY"), Some("warn"))
    );
    assert!(c["reproduce"].as_str().unwrap().starts_with("nmap -sU"));
    let c = get(quiet_port, "lwm2m-dtls");
    assert_eq!(
        (c["state"].as_str(), c["code"].as_str()),
        (Some("open|filtered"), Some("DTLS_NO_REPLY"))
    );
    // Something answers, but neither CoAP nor DTLS.
    let c = get(garbage_port, "lwm2m");
    assert_eq!(
        (
            c["state"].as_str(),
            c["code"].as_str(),
            c["verdict"].as_str()
        ),
        (Some("open"), Some("COAP_ERROR"), Some("warn")),
        "{c:#}"
    );
    let c = get(garbage_port, "lwm2m-dtls");
    assert_eq!(
        (
            c["state"].as_str(),
            c["code"].as_str(),
            c["verdict"].as_str()
        ),
        (Some("open"), Some("DTLS_HANDSHAKE"), Some("warn")),
        "{c:#}"
    );
    drop(quiet_udp);
}

/// nmap's state for each port, from its XML output.
fn nmap_states(args: &[&str]) -> BTreeMap<(u64, String), String> {
    let out = Command::new("nmap")
        .args(args)
        .output()
        .expect("nmap runs (scripts/setup.sh test)");
    assert!(out.status.success(), "nmap: {}", text(&out.stderr));
    let xml = text(&out.stdout);
    let mut states = BTreeMap::new();
    for chunk in xml.split("<port ").skip(1) {
        let attr = |name: &str| {
            chunk
                .split(&format!("{name}=\""))
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_default()
                .to_string()
        };
        let port: u64 = attr("portid").parse().unwrap();
        states.insert((port, attr("protocol")), attr("state"));
    }
    states
}

#[test]
fn states_agree_with_nmap_on_the_same_ports() {
    let s = Sandbox::new();
    let dir = s.dir.path();
    let certs = peers::certs(dir);
    let (_mosquitto, mqtt, mqtts) = peers::mosquitto(dir, &certs);
    let (_coap, coap) = peers::coap_server(dir, "secret-psk");
    let closed_tcp = free_tcp_port();
    let closed_udp = free_udp_pair();
    let spec = format!(
        "mqtt={mqtt},mqtts={mqtts},mqtt={closed_tcp},lwm2m={coap},lwm2m-dtls={},lwm2m={closed_udp}",
        coap + 1
    );
    let ours = by_port(&sweep(&s, &spec, 1));
    let ports = format!(
        "T:{mqtt},{mqtts},{closed_tcp},U:{coap},{},{closed_udp}",
        coap + 1
    );
    let theirs = nmap_states(&[
        "-Pn",
        "-n",
        "-sT",
        "-sU",
        "--max-retries",
        "2",
        "-p",
        &ports,
        "127.0.0.1",
        "-oX",
        "-",
    ]);
    assert_eq!(theirs.len(), 6, "{theirs:?}");
    for (key, nmap_state) in &theirs {
        let our_state = ours[key]["state"].as_str().unwrap();
        // Equal, or more specific where our protocol probe got an answer nmap's did not.
        let agrees =
            our_state == nmap_state || (our_state == "open" && nmap_state == "open|filtered");
        assert!(agrees, "port {key:?}: ours {our_state}, nmap {nmap_state}");
    }
}

#[test]
fn a_port_dropped_by_a_firewall_is_filtered_as_nmap_says() {
    // A network namespace of our own with loopback up and an iptables DROP rule; both tools
    // run inside it. Deleted at the end whatever happens.
    let ns = format!("lstest{}", std::process::id());
    let run = |args: &[&str]| {
        let out = Command::new("ip").args(args).output().expect("ip runs");
        assert!(out.status.success(), "ip {args:?}: {}", text(&out.stderr));
    };
    run(&["netns", "add", &ns]);
    struct Cleanup(String);
    impl Drop for Cleanup {
        fn drop(&mut self) {
            let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        }
    }
    let _cleanup = Cleanup(ns.clone());
    run(&["-n", &ns, "link", "set", "lo", "up"]);
    let port = "18883";
    let iptables = Command::new("ip")
        .args([
            "netns", "exec", &ns, "iptables", "-A", "INPUT", "-p", "tcp", "--dport", port, "-j",
            "DROP",
        ])
        .output()
        .unwrap();
    assert!(
        iptables.status.success(),
        "iptables: {}",
        text(&iptables.stderr)
    );

    let s = Sandbox::new();
    let out = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns,
            env!("CARGO_BIN_EXE_loopcheck"),
            "--json",
            "--db",
        ])
        .arg(s.db())
        .args([
            "ports",
            "127.0.0.1",
            "--ports",
            &format!("mqtts={port}"),
            "--timeout-ms",
            "800",
        ])
        .env("LOOPSTUDIO_KEYRING", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = &report["checks"][0];
    assert_eq!(check["state"], "filtered");
    assert_eq!(check["code"], "TCP_TIMEOUT");
    assert!(check["hint"].as_str().unwrap().contains("firewall"));

    let nmap = Command::new("ip")
        .args([
            "netns",
            "exec",
            &ns,
            "nmap",
            "-Pn",
            "-n",
            "-sT",
            "-p",
            port,
            "127.0.0.1",
            "-oX",
            "-",
        ])
        .output()
        .unwrap();
    assert!(
        text(&nmap.stdout).contains("state=\"filtered\""),
        "{}",
        text(&nmap.stdout)
    );
}

#[test]
fn bad_port_specs_are_usage_errors() {
    let s = Sandbox::new();
    for spec in ["22", "ssh=22", "mqtt=0", ""] {
        let out = s.run(&["ports", "127.0.0.1", "--ports", spec]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "--ports {spec:?}: {}",
            text(&out.stderr)
        );
    }
}
