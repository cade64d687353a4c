//! `loopcheck check` on `lwm2m-psk` templates: DTLS-PSK against tinydtls (aiocoap-rd, which
//! registers, updates and de-registers) and libcoap's OpenSSL and GnuTLS builds, with the
//! right key, a wrong key, an unknown identity, a closed port and a silent one.

mod common;

use common::lwm2m_peers::{aiocoap_rd_dtls, libcoap_dtls, libcoap_gnutls_cbc_only};
use common::{step, text, Sandbox};
use serde_json::Value;

const KEY: &str = "s3cret-psk-0123";

fn run_check(s: &Sandbox, port: u16, identity: &str, key_var: (&str, &str)) -> (i32, Value) {
    let template = s.path("lwm2m-psk.json");
    std::fs::write(
        &template,
        r#"{"lwm2mHostName": "127.0.0.1", "lwm2mPortDtls": "%LWM2M_DTLS_PORT%", "lwm2mEndpoint": "meter-psk", "lwm2mPSKIdentity": "%LWM2M_PSK_IDENTITY%", "lwm2mPSKValue": "%LWM2M_PSK_VALUE%", "lwm2mPSKValueHex": "%LWM2M_PSK_VALUE_HEX%", "remoteNetwork": "7f"}"#,
    )
    .unwrap();
    let mut vars = vec![
        format!("LWM2M_DTLS_PORT={port}"),
        format!("LWM2M_PSK_IDENTITY={identity}"),
        "LWM2M_PSK_VALUE=".into(),
        "LWM2M_PSK_VALUE_HEX=".into(),
    ];
    vars.retain(|v| !v.starts_with(&format!("{}=", key_var.0)));
    vars.push(format!("{}={}", key_var.0, key_var.1));
    let mut args = vec![
        "--json".to_string(),
        "check".into(),
        template.display().to_string(),
        "--timeout-ms".into(),
        "2000".into(),
    ];
    for v in vars {
        args.push("--var".into());
        args.push(v);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = s.run(&args);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(
        !stdout.contains(KEY) && !stderr.contains(KEY),
        "the key leaked"
    );
    let hex: String = KEY.bytes().map(|b| format!("{b:02x}")).collect();
    assert!(!stdout.contains(&hex), "the key leaked as hex");
    let report: Value =
        serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("no report: {stderr}"));
    (out.status.code().unwrap(), report["checks"][0].clone())
}

#[test]
fn tinydtls_with_the_right_key_registers_updates_and_deregisters() {
    let s = Sandbox::new();
    let (_rd, port) = aiocoap_rd_dtls(s.dir.path(), "meter-psk-id", KEY);
    let (exit, check) = run_check(&s, port, "meter-psk-id", ("LWM2M_PSK_VALUE", KEY));
    assert_eq!(exit, 0, "{check:#}");
    common::assert_climbed_catalog_rungs(&check);
    let dtls = &step(&check, "dtls")["detail"];
    assert_eq!(dtls["trace"]["cipherSuite"], "TLS_PSK_WITH_AES_128_CCM_8");
    assert_eq!(dtls["keyFrom"], "lwm2mPSKValue");
    assert_eq!(step(&check, "deregister")["ok"], true);
    let reproduce = check["reproduce"].as_str().unwrap();
    assert!(
        reproduce.starts_with("coap-client-openssl") && reproduce.contains("-k \"$LWM2M_PSK\""),
        "{reproduce}"
    );
}

#[test]
fn the_key_may_come_from_the_hex_field() {
    let s = Sandbox::new();
    let (_rd, port) = aiocoap_rd_dtls(s.dir.path(), "meter-psk-id", KEY);
    let hex: String = KEY.bytes().map(|b| format!("{b:02x}")).collect();
    let (exit, check) = run_check(&s, port, "meter-psk-id", ("LWM2M_PSK_VALUE_HEX", &hex));
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(
        step(&check, "dtls")["detail"]["keyFrom"],
        "lwm2mPSKValueHex"
    );
}

#[test]
fn tinydtls_is_silent_to_a_wrong_key_and_alerts_an_unknown_identity() {
    let s = Sandbox::new();
    let (_rd, port) = aiocoap_rd_dtls(s.dir.path(), "meter-psk-id", KEY);
    let (exit, check) = run_check(
        &s,
        port,
        "meter-psk-id",
        ("LWM2M_PSK_VALUE", "wrong-key-000000"),
    );
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "DTLS_BAD_PSK", "{check:#}");
    assert!(
        check["evidence"]
            .as_str()
            .unwrap()
            .contains("probably wrong"),
        "{check:#}"
    );
    assert_eq!(
        step(&check, "dtls")["detail"]["trace"]["finishedSent"],
        true
    );

    let (_, check) = run_check(&s, port, "nobody", ("LWM2M_PSK_VALUE", KEY));
    assert_eq!(check["code"], "DTLS_BAD_PSK", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(evidence.contains("internal_error (80)"), "{evidence}");
}

#[test]
fn libcoap_openssl_and_gnutls_builds_take_the_right_key_and_refuse_a_wrong_one() {
    let s = Sandbox::new();
    // coap-rd registers but answers Update with 4.05; coap-server has no /rd at all.
    for (program, expected) in [
        ("coap-rd-openssl", "LWM2M_UPDATE_REJECTED"),
        ("coap-server-gnutls", "LWM2M_REGISTER_REJECTED"),
        ("coap-server-openssl", "LWM2M_REGISTER_REJECTED"),
    ] {
        let (_peer, port) = libcoap_dtls(s.dir.path(), program, KEY, &[]);
        let (_, check) = run_check(&s, port, "any-identity", ("LWM2M_PSK_VALUE", KEY));
        assert_eq!(check["code"], expected, "{program}: {check:#}");
        let dtls = &step(&check, "dtls")["detail"]["trace"];
        assert_eq!(step(&check, "dtls")["ok"], true, "{program}");
        assert!(
            dtls["cipherSuite"]
                .as_str()
                .unwrap()
                .starts_with("TLS_PSK_WITH_AES_128"),
            "{program}: {dtls}"
        );
        assert_eq!(
            step(&check, "coap-ping")["ok"],
            true,
            "{program}: CoAP over the session"
        );

        let (_, check) = run_check(
            &s,
            port,
            "any-identity",
            ("LWM2M_PSK_VALUE", "wrong-key-000000"),
        );
        assert_eq!(check["code"], "DTLS_BAD_PSK", "{program}: {check:#}");
    }
}

#[test]
fn per_identity_keys_of_libcoap_are_honoured() {
    let s = Sandbox::new();
    // `-i FILE`: identity meter-a uses its own key; everyone else the default (-k).
    let identities = s.path("identities");
    std::fs::write(&identities, "CoAP,meter-a,meter-a-key-77\n").unwrap();
    let (_peer, port) = libcoap_dtls(
        s.dir.path(),
        "coap-server-openssl",
        KEY,
        &["-i", identities.to_str().unwrap()],
    );
    let (_, own_key) = run_check(&s, port, "meter-a", ("LWM2M_PSK_VALUE", "meter-a-key-77"));
    assert_eq!(step(&own_key, "dtls")["ok"], true, "{own_key:#}");
    let (_, default_key) = run_check(&s, port, "meter-a", ("LWM2M_PSK_VALUE", KEY));
    assert_eq!(default_key["code"], "DTLS_BAD_PSK", "{default_key:#}");
}

#[test]
fn a_closed_port_and_a_silent_one_are_told_apart() {
    let s = Sandbox::new();
    let closed = std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (_, check) = run_check(&s, closed, "id", ("LWM2M_PSK_VALUE", KEY));
    assert_eq!(check["code"], "UDP_UNREACHABLE", "{check:#}");
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let (_, check) = run_check(&s, port, "id", ("LWM2M_PSK_VALUE", KEY));
    assert_eq!(check["code"], "DTLS_NO_REPLY", "{check:#}");
    assert!(check["hint"].as_str().unwrap().contains("filtered"));
    drop(silent);
}

/// `loopcheck ports 127.0.0.1 --ports lwm2m-dtls=PORT --dtls-profile`: the one port's check.
fn profiled(s: &Sandbox, port: u16) -> Value {
    let spec = format!("lwm2m-dtls={port}");
    let out = s.run(&[
        "--json",
        "ports",
        "127.0.0.1",
        "--ports",
        &spec,
        "--dtls-profile",
    ]);
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
    report["checks"][0].clone()
}

fn accepted(port_check: &Value) -> Vec<String> {
    step(port_check, "dtls-suites")["detail"]["accepted"]
        .as_array()
        .unwrap_or_else(|| panic!("no suite profile: {port_check:#}"))
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_sweep_profiles_the_psk_suites_each_server_accepts() {
    let s = Sandbox::new();
    let (_rd, port) = aiocoap_rd_dtls(s.dir.path(), "meter-psk-id", KEY);
    let check = profiled(&s, port);
    assert_eq!(check["state"], "open", "{check:#}");
    // tinydtls (as aiocoap builds it) has the two CCM suites, and answers any other with a
    // close_notify.
    assert_eq!(
        accepted(&check),
        ["TLS_PSK_WITH_AES_128_CCM_8", "TLS_PSK_WITH_AES_128_CCM"]
    );
    let refused = &step(&check, "dtls-suites")["detail"]["refused"];
    assert_eq!(
        refused[0],
        "TLS_PSK_WITH_AES_128_GCM_SHA256: warning close_notify (0)"
    );
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .ends_with("it accepts TLS_PSK_WITH_AES_128_CCM_8, TLS_PSK_WITH_AES_128_CCM"));

    let (_peer, port) = libcoap_dtls(s.dir.path(), "coap-server-openssl", KEY, &[]);
    let check = profiled(&s, port);
    assert_eq!(
        accepted(&check),
        [
            "TLS_PSK_WITH_AES_128_CCM_8",
            "TLS_PSK_WITH_AES_128_CCM",
            "TLS_PSK_WITH_AES_128_GCM_SHA256"
        ]
    );
    let refused = &step(&check, "dtls-suites")["detail"]["refused"];
    assert!(
        refused[0]
            .as_str()
            .unwrap()
            .starts_with("TLS_PSK_WITH_AES_128_CBC_SHA256: fatal handshake_failure"),
        "{refused}"
    );

    // A check that got through its handshake profiles nothing (the negotiated suite is in
    // its trace): profiles leave half-open sessions on the server.
    let (_, passing) = run_check(&s, port, "any-identity", ("LWM2M_PSK_VALUE", KEY));
    assert!(step(&passing, "dtls")["detail"].get("suites").is_none());
}

#[test]
fn a_server_with_no_suite_in_common_is_named_with_the_suites_it_accepts() {
    let s = Sandbox::new();
    let (_peer, port) = libcoap_gnutls_cbc_only(s.dir.path(), KEY);
    let (exit, check) = run_check(&s, port, "any-identity", ("LWM2M_PSK_VALUE", KEY));
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "DTLS_NO_COMMON_SUITE", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.starts_with(
            "no cipher suite in common: the server accepts TLS_PSK_WITH_AES_128_CBC_SHA256, TLS_PSK_WITH_AES_128_CBC_SHA, TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256; we offered TLS_PSK_WITH_AES_128_CCM_8"
        ),
        "{evidence}"
    );
    assert!(check["hint"].as_str().unwrap().contains("cipher suites"));
    let suites = &step(&check, "dtls")["detail"]["suites"];
    assert_eq!(
        suites["accepted"][0], "TLS_PSK_WITH_AES_128_CBC_SHA256",
        "{suites}"
    );
}

#[test]
fn a_hex_looking_key_that_the_server_reads_as_text_is_named_without_its_value() {
    let s = Sandbox::new();
    // libcoap's -k takes text: this server's key is the 16 characters, not 8 bytes.
    let server_key = "0011223344556677";
    let (_peer, port) = libcoap_dtls(s.dir.path(), "coap-server-openssl", server_key, &[]);
    let (exit, check) = run_check(
        &s,
        port,
        "any-identity",
        ("LWM2M_PSK_VALUE_HEX", server_key),
    );
    assert_eq!(exit, 1);
    assert_eq!(check["code"], "DTLS_PSK_ENCODING", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("but the key read as text works: the server takes the key as text, not as hex: the 16 characters of lwm2mPSKValueHex are the key itself — put them in lwm2mPSKValue and their hex (32 digits) in lwm2mPSKValueHex"),
        "{evidence}"
    );
    assert!(
        !check.to_string().contains(server_key),
        "the key leaked: {check:#}"
    );
    let tried = &step(&check, "dtls")["detail"]["readingsTried"];
    assert_eq!(tried[0]["reading"], "key read as text");
    assert_eq!(tried[0]["worked"], true);
}

#[test]
fn an_identity_with_a_trailing_newline_is_named() {
    let s = Sandbox::new();
    // `-i FILE`: meter-a has its own key; an identity the server does not know gets -k's.
    let identities = s.path("identities");
    std::fs::write(&identities, "CoAP,meter-a,meter-a-key-77\n").unwrap();
    let (_peer, port) = libcoap_dtls(
        s.dir.path(),
        "coap-server-openssl",
        KEY,
        &["-i", identities.to_str().unwrap()],
    );
    // As a value read from a file (`--var NAME=@FILE`) would have it.
    let (_, check) = run_check(&s, port, "meter-a\n", ("LWM2M_PSK_VALUE", "meter-a-key-77"));
    assert_eq!(check["code"], "DTLS_PSK_ENCODING", "{check:#}");
    let evidence = check["evidence"].as_str().unwrap();
    assert!(
        evidence.contains("but the identity without surrounding whitespace works: the server knows the identity without the whitespace at its ends: lwm2mPSKIdentity has 1 characters of spaces or line breaks there"),
        "{evidence}"
    );
    // The reproduce line carries the identity as it is, newline and all, quoted.
    let reproduce = check["reproduce"].as_str().unwrap();
    assert!(reproduce.contains("$'meter-a\\n'"), "{reproduce}");
}

#[test]
fn a_really_wrong_key_is_still_a_bad_psk_after_the_other_readings_fail() {
    let s = Sandbox::new();
    let (_peer, port) = libcoap_dtls(s.dir.path(), "coap-server-openssl", KEY, &[]);
    let hex: String = "not-the-key-0000"
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect();
    let (_, check) = run_check(&s, port, "any-identity", ("LWM2M_PSK_VALUE_HEX", &hex));
    assert_eq!(check["code"], "DTLS_BAD_PSK", "{check:#}");
    let tried = &step(&check, "dtls")["detail"]["readingsTried"];
    assert_eq!(tried[0]["reading"], "key read as text");
    assert_eq!(tried[0]["worked"], false);
}
