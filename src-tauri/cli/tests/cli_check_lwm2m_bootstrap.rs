//! `loopcheck check` on `lwm2m-bootstrap-nosec` templates: the tests' bootstrap server on
//! aiocoap (`tests/peers/bootstrap-server.py`: Delete "/", Writes of /0 in TLV and of /1 in
//! SenML JSON and plain text, Bootstrap-Finish) provisioning a real aiocoap-rd beside it —
//! over plain CoAP, or over DTLS-PSK with the credentials it provisioned — and each fault:
//! a rejected request, a server that never writes, one that never finishes, one that
//! provisions something unusable. The `-psk` kind runs against the DTLS bootstrap server of
//! `common/dtls_bootstrap.rs` (webrtc-dtls's server role).

mod common;

use common::dtls_bootstrap::dtls_bootstrap_server;
use common::lwm2m_peers::{aiocoap_rd, aiocoap_rd_dtls, bootstrap_server};
use common::{step, step_names, text, Sandbox};
use serde_json::Value;

fn run_check(s: &Sandbox, port: u16, extra: &[&str]) -> (i32, Value) {
    let template = s.path("bootstrap.json");
    std::fs::write(
        &template,
        format!(r#"{{"lwm2mBsHostName": "127.0.0.1", "lwm2mBsPortNoSec": "{port}", "lwm2mEndpoint": "meter-bs", "forceAccessControl": "false", "remoteNetwork": "7f"}}"#),
    )
    .unwrap();
    let mut args = vec![
        "--json",
        "check",
        template.to_str().unwrap(),
        "--timeout-ms",
        "1500",
    ];
    args.extend_from_slice(extra);
    let out = s.run(&args);
    let stdout = text(&out.stdout);
    assert!(
        !stdout.contains("provisioned-key-42"),
        "the provisioned key leaked"
    );
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
    (out.status.code().unwrap(), report["checks"][0].clone())
}

#[test]
fn bootstrap_provisions_a_server_and_the_device_registers_with_it() {
    let s = Sandbox::new();
    let (_rd, rd_port) = aiocoap_rd(s.dir.path());
    let uri = format!("coap://127.0.0.1:{rd_port}");
    let (_bs, bs_port) = bootstrap_server(s.dir.path(), &uri, "good", None);
    let (exit, check) = run_check(&s, bs_port, &[]);
    assert_eq!(exit, 0, "{check:#}");
    common::assert_climbed_catalog_rungs(&check);
    assert_eq!(
        step_names(&check),
        [
            "dns",
            "udp",
            "path-mtu",
            "bootstrap-request",
            "provisioning",
            "provisioned",
            "server-dns",
            "server-udp",
            "coap-ping",
            "register",
            "serve-reads",
            "update",
            "deregister"
        ]
    );
    let ops: Vec<(String, String, Option<u64>)> = step(&check, "provisioning")["detail"]
        ["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["operation"].as_str().unwrap().into(),
                o["path"].as_str().unwrap().into(),
                o["contentFormat"].as_u64(),
            )
        })
        .collect();
    assert_eq!(
        ops,
        [
            ("Delete".into(), "/".into(), None),
            ("Write".into(), "/0/1".into(), Some(11542)),
            ("Write".into(), "/1/0".into(), Some(110)),
            ("Write".into(), "/1/0/1".into(), Some(0)),
            ("Finish".into(), "/bs".into(), None),
        ]
    );
    let provisioned = &step(&check, "provisioned")["detail"];
    assert_eq!(provisioned["serverUri"], uri.as_str());
    assert_eq!(provisioned["securityMode"], 3);
    assert_eq!(
        (
            provisioned["shortServerId"].as_i64(),
            provisioned["lifetimeS"].as_i64()
        ),
        (Some(101), Some(300))
    );
    assert_eq!(provisioned["binding"], "U");
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .starts_with(&format!("bootstrap provisioned {uri}")));
}

#[test]
fn provisioned_psk_credentials_are_used_over_dtls() {
    let s = Sandbox::new();
    let (_rd, rd_port) = aiocoap_rd_dtls(s.dir.path(), "bs-given-id", "provisioned-key-42");
    let uri = format!("coaps://127.0.0.1:{rd_port}");
    let (_bs, bs_port) = bootstrap_server(
        s.dir.path(),
        &uri,
        "good",
        Some(("bs-given-id", "provisioned-key-42")),
    );
    let (exit, check) = run_check(&s, bs_port, &[]);
    assert_eq!(exit, 0, "{check:#}");
    let provisioned = &step(&check, "provisioned")["detail"];
    assert_eq!(
        (
            provisioned["securityMode"].as_i64(),
            provisioned["pskIdentity"].as_str()
        ),
        (Some(0), Some("bs-given-id"))
    );
    assert_eq!(provisioned["pskKeyBytes"], 18, "the key by its length only");
    assert_eq!(step(&check, "server-dtls")["ok"], true);
    common::assert_climbed_catalog_rungs(&check);
    assert_eq!(step(&check, "deregister")["ok"], true);
}

#[test]
fn bootstrap_only_stops_at_what_was_provisioned() {
    let s = Sandbox::new();
    let (_bs, bs_port) = bootstrap_server(s.dir.path(), "coap://127.0.0.1:9", "good", None);
    let (exit, check) = run_check(&s, bs_port, &["--bootstrap-only"]);
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(
        step_names(&check).last().map(String::as_str),
        Some("provisioned")
    );
}

#[test]
fn each_bootstrap_fault_has_its_diagnosis() {
    let s = Sandbox::new();
    for (mode, code, words) in [
        ("reject", "BOOTSTRAP_REJECTED", "4.03"),
        ("silent", "BOOTSTRAP_INCOMPLETE", "sent nothing"),
        (
            "no-finish",
            "BOOTSTRAP_INCOMPLETE",
            "never Bootstrap-Finish",
        ),
        ("unusable", "BOOTSTRAP_INCOMPLETE", "cannot be used"),
    ] {
        let (_bs, port) = bootstrap_server(s.dir.path(), "coap://127.0.0.1:9", mode, None);
        let (exit, check) = run_check(&s, port, &[]);
        assert_eq!(exit, 1, "{mode}");
        assert_eq!(check["code"], code, "{mode}: {check:#}");
        let evidence = check["evidence"].as_str().unwrap();
        assert!(evidence.contains(words), "{mode}: {evidence}");
    }
}

fn run_psk_check(s: &Sandbox, port: u16, identity: &str, key: &str) -> (i32, Value) {
    let template = s.path("bootstrap-psk.json");
    std::fs::write(
        &template,
        format!(r#"{{"lwm2mBsHostName": "127.0.0.1", "lwm2mBsPortDtls": "{port}", "lwm2mEndpoint": "meter-bs-psk", "lwm2mBsPSKIdentity": "{identity}", "lwm2mBsPSKValue": "%LWM2M_BS_PSK_VALUE%", "lwm2mBsPSKValueHex": "", "forceAccessControl": "false", "remoteNetwork": "7f"}}"#),
    )
    .unwrap();
    let var = format!("LWM2M_BS_PSK_VALUE={key}");
    let out = s.run(&[
        "--json",
        "check",
        template.to_str().unwrap(),
        "--timeout-ms",
        "1500",
        "--var",
        &var,
    ]);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains(key), "the bootstrap key leaked");
    let report: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
    (out.status.code().unwrap(), report["checks"][0].clone())
}

#[test]
fn bootstrap_over_dtls_provisions_and_the_device_registers() {
    let s = Sandbox::new();
    let (_rd, rd_port) = aiocoap_rd(s.dir.path());
    let uri = format!("coap://127.0.0.1:{rd_port}");
    let bs = dtls_bootstrap_server("bs-identity", "bs-key-123456", &uri);
    let (exit, check) = run_psk_check(&s, bs.port, "bs-identity", "bs-key-123456");
    assert_eq!(exit, 0, "{check:#}\n{}", bs.log_text());
    // The key came from the text field (the hex one is empty), and the step says so.
    assert_eq!(step(&check, "dtls")["detail"]["keyFrom"], "lwm2mBsPSKValue");
    let dtls = &step(&check, "dtls")["detail"]["trace"];
    assert_eq!(dtls["cipherSuite"], "TLS_PSK_WITH_AES_128_CCM_8");
    assert_eq!(dtls["serverIdentityHint"], "loop-studio-test-bootstrap");
    assert_eq!(
        step(&check, "provisioned")["detail"]["serverUri"],
        uri.as_str()
    );
    assert_eq!(step(&check, "deregister")["ok"], true);
    let log = bs.log_text();
    assert!(log.contains("BOOTSTRAP-REQUEST ep=meter-bs-psk"), "{log}");
    assert!(log.contains("SENT Post /bs -> 2.04"), "{log}");
}

#[test]
fn a_wrong_bootstrap_key_or_identity_is_a_bad_psk() {
    let s = Sandbox::new();
    let bs = dtls_bootstrap_server("bs-identity", "bs-key-123456", "coap://127.0.0.1:9");
    for (identity, key) in [
        ("bs-identity", "not-the-key-0000"),
        ("someone-else", "bs-key-123456"),
    ] {
        let (exit, check) = run_psk_check(&s, bs.port, identity, key);
        assert_eq!(exit, 1);
        assert_eq!(check["code"], "DTLS_BAD_PSK", "{identity}: {check:#}");
    }
}
