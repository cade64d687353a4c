//! `loopcheck check` on `lwm2m-nosec` templates against real LwM2M servers: aiocoap's
//! resource directory (whose Location-Path ends in an empty segment), lwm2m-node-lib (which
//! sends one `rd/N` option and reads /3/0 after registering) and libcoap's coap-rd (which
//! registers but refuses Update); a closed port and a silent one.

mod common;

use common::lwm2m_peers::{aiocoap_rd, coap_rd, lwm2m_node_server};
use common::{step, step_names, text, Sandbox};
use serde_json::Value;

const TEMPLATE: &str = r#"{"lwm2mHostName": "%LWM2M_HOST%", "lwm2mPortNoSec": "%LWM2M_NOSEC_PORT%", "lwm2mEndpoint": "%LWM2M_ENDPOINT%", "remoteNetwork": "7f"}"#;

fn run_check(s: &Sandbox, port: u16, endpoint: &str) -> (i32, Value) {
    let template = s.path("lwm2m.json");
    std::fs::write(&template, TEMPLATE).unwrap();
    let out = s.run(&[
        "--json",
        "check",
        template.to_str().unwrap(),
        "--timeout-ms",
        "1500",
        "--var",
        "LWM2M_HOST=127.0.0.1",
        "--var",
        &format!("LWM2M_NOSEC_PORT={port}"),
        "--var",
        &format!("LWM2M_ENDPOINT={endpoint}"),
    ]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
    (out.status.code().unwrap(), report["checks"][0].clone())
}

#[test]
fn registers_updates_and_deregisters_with_aiocoap_keeping_its_empty_location_segment() {
    let s = Sandbox::new();
    let (_rd, port) = aiocoap_rd(s.dir.path());
    let (exit, check) = run_check(&s, port, "meter-aiocoap");
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(check["code"], "OK");
    common::assert_climbed_catalog_rungs(&check);
    assert_eq!(
        step_names(&check),
        [
            "dns",
            "udp",
            "path-mtu",
            "coap-ping",
            "register",
            "serve-reads",
            "update",
            "deregister"
        ]
    );
    let location = step(&check, "register")["detail"]["location"]
        .as_str()
        .unwrap();
    assert!(
        location.starts_with("/reg/") && location.ends_with('/'),
        "{location}"
    );
    // The conversation is in the report, message by message.
    let messages = step(&check, "register")["detail"]["messages"]
        .as_array()
        .unwrap();
    assert_eq!(messages[0]["code"], "0.02 POST");
    assert!(messages[0]["uri"]
        .as_str()
        .unwrap()
        .starts_with("/rd?ep=meter-aiocoap&lt=300"));
    assert_eq!(messages.last().unwrap()["code"], "2.01 Created");
    assert_eq!(
        step(&check, "update")["detail"]["messages"][1]["code"],
        "2.04 Changed"
    );
    assert!(check["reproduce"]
        .as_str()
        .unwrap()
        .starts_with("coap-client-notls"));
}

#[test]
fn answers_lwm2m_node_libs_read_of_the_device_object() {
    let s = Sandbox::new();
    let (server, port) = lwm2m_node_server(s.dir.path());
    let (exit, check) = run_check(&s, port, "meter-node");
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(
        step(&check, "register")["detail"]["location"],
        "/rd/1",
        "the single rd/N option is split into segments"
    );
    let requests = step(&check, "serve-reads")["detail"]["requests"]
        .as_array()
        .unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(
        (
            requests[0]["method"].as_str(),
            requests[0]["path"].as_str(),
            requests[0]["code"].as_str()
        ),
        (Some("GET"), Some("/3/0"), Some("2.05 Content"))
    );
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .contains("GET /3/0 → 2.05 Content"));
    // The server got the device's values: the endpoint is the serial number.
    let log = server.log_text();
    let read = log
        .lines()
        .find(|l| l.starts_with("READ ep=meter-node"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(read.contains("ok code=2.05"), "{read}");
    let serial_hex: String = b"meter-node".iter().map(|b| format!("{b:02x}")).collect();
    assert!(read.contains(&serial_hex), "{read}");
    assert!(
        log.contains("UPDATED ep=meter-node")
            && log.contains("UNREGISTERED ep=meter-node reason=deregister"),
        "{log}"
    );
}

#[test]
fn a_server_that_refuses_update_is_named() {
    let s = Sandbox::new();
    let (_rd, port) = coap_rd(s.dir.path());
    let (exit, check) = run_check(&s, port, "meter-rd");
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "LWM2M_UPDATE_REJECTED", "{check:#}");
    assert!(check["evidence"].as_str().unwrap().contains("4.05"));
    assert_eq!(step(&check, "register")["ok"], true);
}

#[test]
fn a_closed_port_and_a_silent_one_are_told_apart() {
    let s = Sandbox::new();
    let closed = {
        let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        socket.local_addr().unwrap().port()
    };
    let (exit, check) = run_check(&s, closed, "m");
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "UDP_UNREACHABLE", "{check:#}");

    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (exit, check) = run_check(&s, port, "m");
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "UDP_NO_REPLY", "{check:#}");
    let ping = step(&check, "coap-ping");
    let retransmissions = ping["detail"]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| {
            m["note"]
                .as_str()
                .unwrap_or_default()
                .starts_with("retransmission")
        })
        .count();
    assert_eq!(
        retransmissions, 4,
        "RFC 7252's four retransmissions: {ping:#}"
    );
    drop(silent);
}

#[test]
fn the_lifetime_asked_for_is_lwm2m_lifetime_and_a_bad_one_is_bad_input() {
    let s = Sandbox::new();
    let (_rd, port) = aiocoap_rd(s.dir.path());
    let template = s.path("lwm2m.json");
    std::fs::write(&template, TEMPLATE).unwrap();
    let args = |lifetime: &str| {
        vec![
            "--json".to_string(),
            "check".into(),
            template.display().to_string(),
            "--var".into(),
            "LWM2M_HOST=127.0.0.1".into(),
            "--var".into(),
            format!("LWM2M_NOSEC_PORT={port}"),
            "--var".into(),
            "LWM2M_ENDPOINT=meter-lifetime".into(),
            "--var".into(),
            format!("LWM2M_LIFETIME={lifetime}"),
        ]
    };
    let run = |lifetime: &str| {
        let owned = args(lifetime);
        s.run(&owned.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let out = run("77");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let check = &report["checks"][0];
    assert_eq!(step(check, "register")["detail"]["lifetime"], 77);
    let uri = step(check, "register")["detail"]["messages"][0]["uri"]
        .as_str()
        .unwrap();
    assert!(uri.contains("&lt=77&"), "{uri}");
    assert!(
        check["reproduce"].as_str().unwrap().contains("lt=77"),
        "{check:#}"
    );
    for bad in ["soon", "3", "99999999999"] {
        let out = run(bad);
        assert_eq!(
            out.status.code(),
            Some(2),
            "LWM2M_LIFETIME={bad}: {}",
            text(&out.stderr)
        );
        assert!(
            text(&out.stderr).contains("LWM2M_LIFETIME"),
            "{}",
            text(&out.stderr)
        );
    }
}

#[test]
fn a_lossy_link_shows_in_the_rungs_retransmissions() {
    let s = Sandbox::new();
    // libcoap's `-l 5,6` drops the server's fifth and sixth datagrams. Before the Register it
    // has sent four (two to the path-MTU probe of 1,472 bytes, which it does not take, one to
    // the probe of 1,152, one RST to our ping), so the two lost are its answers to the
    // Register and to the Register's first repeat. No readiness ping may use them up, so the
    // test waits instead.
    let port = common::peers::free_udp_pair();
    let port_text = port.to_string();
    let _server = common::peers::Peer::start(
        "coap-server-notls",
        s.dir.path(),
        "coap-server-notls",
        &["-A", "127.0.0.1", "-p", &port_text, "-l", "5,6"],
    );
    std::thread::sleep(std::time::Duration::from_millis(500));
    let (_, check) = run_check(&s, port, "meter-lossy");
    // coap-server has no /rd: the Register is refused, after two repeats.
    assert_eq!(check["code"], "LWM2M_REGISTER_REJECTED", "{check:#}");
    let ping = &step(&check, "coap-ping")["detail"]["timing"];
    assert_eq!(ping["retransmissions"], 0, "{check:#}");
    assert_eq!(ping["roundTripsMs"].as_array().unwrap().len(), 1, "{ping}");
    let register = &step(&check, "register")["detail"]["timing"];
    assert_eq!(register["retransmissions"], 2, "{check:#}");
    // The repeated exchange cannot be timed (Karn's rule).
    assert_eq!(register["roundTripsMs"], serde_json::json!([]));
    // A server that takes no message over CoAP's planning size is no path problem.
    let mtu = &step(&check, "path-mtu")["detail"];
    assert_eq!(mtu["largestBytes"], 1152, "{mtu}");
}
