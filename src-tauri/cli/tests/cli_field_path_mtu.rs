//! Path MTU: in a network namespace of the test's own, an iptables rule drops every UDP
//! datagram whose IP packet is longer than 1,028 bytes (UDP payloads over 1,000), as a tunnel
//! or a mobile link with a small MTU does. aiocoap-rd (plain CoAP) and libcoap's OpenSSL
//! `coap-server` (DTLS-PSK) run inside it; the LwM2M checks measure the largest datagram that
//! still gets an answer and warn `PATH_MTU_LOW`. Without the rule, the full size gets through.

mod common;

use common::lwm2m_peers::peers_venv;
use common::netns::Namespace;
use common::peers::{free_udp_pair, Peer};
use common::{step, text, Sandbox};
use serde_json::Value;

const KEY: &str = "mtu-psk-key-1234";

struct Site {
    s: Sandbox,
    ns: Namespace,
    _peers: Vec<Peer>,
    /// aiocoap-rd's plain CoAP port.
    rd: u16,
    /// libcoap's DTLS port.
    dtls: u16,
}

/// Waits inside the namespace until a CoAP ping to `port` is answered (a sweep of it is open).
fn wait_for_coap_inside(site: &Site, port: u16, peer: &Peer) {
    for _ in 0..100 {
        let spec = format!("lwm2m={port}");
        let out = site
            .ns
            .command(env!("CARGO_BIN_EXE_loopcheck"))
            .arg("--db")
            .arg(site.s.db())
            .args([
                "--json",
                "ports",
                "127.0.0.1",
                "--ports",
                &spec,
                "--timeout-ms",
                "200",
            ])
            .env("LOOPSTUDIO_KEYRING", "off")
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        if report["checks"][0]["state"] == "open" {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!(
        "{} did not answer on {port}:\n{}",
        peer.name,
        peer.log_text()
    );
}

fn site(limit: bool) -> Site {
    let s = Sandbox::new();
    let ns = Namespace::new("mtu");
    let dir = s.dir.path();
    let rd = free_udp_pair();
    let bind = format!("127.0.0.1:{rd}");
    let aiocoap = peers_venv().join("bin/aiocoap-rd");
    let rd_peer = Peer::start_with_env(
        "aiocoap-rd",
        dir,
        "ip",
        &[
            "netns",
            "exec",
            &ns.0,
            aiocoap.to_str().unwrap(),
            "--lwm2m-compat",
            "--bind",
            &bind,
        ],
        &[("AIOCOAP_SERVER_TRANSPORT", "udp6")],
    );
    let plain = free_udp_pair();
    let plain_text = plain.to_string();
    let libcoap = Peer::start(
        "coap-server-openssl",
        dir,
        "ip",
        &[
            "netns",
            "exec",
            &ns.0,
            "coap-server-openssl",
            "-A",
            "127.0.0.1",
            "-p",
            &plain_text,
            "-k",
            KEY,
        ],
    );
    let mut site = Site {
        s,
        ns,
        _peers: Vec::new(),
        rd,
        dtls: plain + 1,
    };
    wait_for_coap_inside(&site, rd, &rd_peer);
    wait_for_coap_inside(&site, plain, &libcoap);
    site._peers = vec![rd_peer, libcoap];
    if limit {
        // IP length = UDP payload + 28 bytes of IPv4 and UDP headers.
        site.ns.run(
            "iptables",
            &[
                "-A",
                "INPUT",
                "-p",
                "udp",
                "-m",
                "length",
                "--length",
                "1029:65535",
                "-j",
                "DROP",
            ],
        );
    }
    site
}

impl Site {
    /// `loopcheck --json check` of one LwM2M template inside the namespace; its one check.
    fn check(&self, body: Value) -> Value {
        let file = self.s.path("t.json");
        std::fs::write(&file, body.to_string()).unwrap();
        let out = self
            .ns
            .command(env!("CARGO_BIN_EXE_loopcheck"))
            .arg("--db")
            .arg(self.s.db())
            .args([
                "--json",
                "check",
                file.to_str().unwrap(),
                "--timeout-ms",
                "2000",
            ])
            .env("LOOPSTUDIO_KEYRING", "off")
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
        report["checks"][0].clone()
    }

    fn nosec(&self) -> Value {
        self.check(serde_json::json!({
            "lwm2mHostName": "127.0.0.1", "lwm2mPortNoSec": self.rd, "lwm2mEndpoint": "mtu-meter", "remoteNetwork": "7f"
        }))
    }

    fn psk(&self) -> Value {
        self.check(serde_json::json!({
            "lwm2mHostName": "127.0.0.1", "lwm2mPortDtls": self.dtls, "lwm2mEndpoint": "mtu-meter",
            "lwm2mPSKIdentity": "mtu", "lwm2mPSKValue": KEY, "remoteNetwork": "7f"
        }))
    }
}

fn largest(check: &Value) -> u64 {
    step(check, "path-mtu")["detail"]["largestBytes"]
        .as_u64()
        .unwrap_or_else(|| panic!("no measurement: {check:#}"))
}

#[test]
fn a_path_that_drops_large_datagrams_is_a_warning_with_its_size() {
    let site = site(true);
    let check = site.nosec();
    assert_eq!(check["verdict"], "warn", "{check:#}");
    assert_eq!(check["code"], "PATH_MTU_LOW", "{check:#}");
    let got = largest(&check);
    // Halving stops within 32 bytes of the limit.
    assert!((968..=1000).contains(&got), "{got}: {check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with(&format!("UDP datagrams over about {got} bytes are dropped")),
        "{evidence}"
    );
    // The registration itself (small datagrams) went through.
    assert_eq!(step(&check, "deregister")["ok"], true);

    // DTLS: padded ClientHellos, answered by HelloVerifyRequests. libcoap's coap-server has
    // no /rd, so the check fails at Register, with the path's warning beside it.
    let check = site.psk();
    let got = largest(&check);
    assert!((968..=1000).contains(&got), "{got}: {check:#}");
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("also: UDP datagrams over about"),
        "{check:#}"
    );
}

#[test]
fn a_clear_path_carries_the_full_size_in_one_probe() {
    let site = site(false);
    let check = site.nosec();
    assert_eq!(check["verdict"], "pass", "{check:#}");
    let mtu = &step(&check, "path-mtu")["detail"];
    assert_eq!(mtu["largestBytes"], 1472);
    assert_eq!(mtu["tried"].as_array().unwrap().len(), 1, "{mtu}");
    assert_eq!(largest(&site.psk()), 1472);
}
