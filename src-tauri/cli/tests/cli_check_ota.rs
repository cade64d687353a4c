//! `loopcheck check` on `ota` templates against goosebit (a hawkBit DDI server) behind nginx
//! with client-certificate TLS: a good device, and every fault the issue lists — no client
//! certificate, one from another CA, an expired one, a key that is not the certificate's, an
//! untrusted server CA, a wrong tenant, an encrypted key with the right and a wrong
//! passphrase, a server without target-token auth answering 401, and a 200 that is not DDI.

mod common;

use common::ota_peers::{client_pki, goosebit, nginx_mtls, ClientPki};
use common::peers::{self, Certs, Peer};
use common::{step, text, Sandbox};
use serde_json::Value;

struct Setup {
    s: Sandbox,
    certs: Certs,
    pki: ClientPki,
    port: u16,
    _peers: Vec<Peer>,
}

fn setup() -> Setup {
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let pki = client_pki(s.dir.path());
    let (ddi, ddi_port) = goosebit(s.dir.path(), &[]);
    let (nginx, port) = nginx_mtls(s.dir.path(), &certs, &pki.ca, ddi_port);
    Setup {
        s,
        certs,
        pki,
        port,
        _peers: vec![ddi, nginx],
    }
}

impl Setup {
    /// Checks an OTA template with `cert`/`key` (PEM text), the server CA and the URL.
    fn check(
        &self,
        cert: &str,
        key: &str,
        ca: &str,
        url: &str,
        vars: &[(&str, &str)],
    ) -> (i32, Value) {
        self.check_with(cert, key, ca, (url, vars), &[])
    }

    /// The same with more flags (`--proxy …`).
    fn check_with(
        &self,
        cert: &str,
        key: &str,
        ca: &str,
        (url, vars): (&str, &[(&str, &str)]),
        flags: &[&str],
    ) -> (i32, Value) {
        let template = self.s.path("ota.json");
        let body = serde_json::json!({
            "otaPrivateKey": key,
            "otaCert": cert,
            "otaCaCert": ca,
            "otaDDIUrl": url,
        });
        std::fs::write(&template, body.to_string()).unwrap();
        let mut args = vec![
            "--json".to_string(),
            "check".into(),
            template.display().to_string(),
            "--timeout-ms".into(),
            "3000".into(),
        ];
        for (k, v) in vars {
            args.push("--var".into());
            args.push(format!("{k}={v}"));
        }
        args.extend(flags.iter().map(|f| f.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = self.s.run(&args);
        let stdout = text(&out.stdout);
        let key_line = key.lines().nth(1).unwrap_or("no key");
        assert!(!stdout.contains(key_line), "the private key leaked");
        assert!(!stdout.contains("open sesame"), "the passphrase leaked");
        let report: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|_| panic!("no report: {}", text(&out.stderr)));
        (out.status.code().unwrap(), report["checks"][0].clone())
    }

    fn server_ca(&self) -> String {
        std::fs::read_to_string(&self.certs.ca).unwrap()
    }

    fn url(&self, tenant: &str) -> String {
        format!("https://localhost:{}/{tenant}", self.port)
    }

    fn good(&self, vars: &[(&str, &str)]) -> (i32, Value) {
        let (cert, key) = (self.pki.read("dev-1.pem"), self.pki.read("dev-1.key"));
        self.check(&cert, &key, &self.server_ca(), &self.url("DEFAULT"), vars)
    }
}

#[test]
fn a_good_device_polls_the_ddi_root_over_client_certificate_tls() {
    let t = setup();
    let (exit, check) = t.good(&[("OTA_CONTROLLER_ID", "dev-1")]);
    assert_eq!(exit, 0, "{check:#}");
    common::assert_climbed_catalog_rungs(&check);
    assert_eq!(check["code"], "OK");
    let identity = &step(&check, "client-identity")["detail"];
    assert_eq!(identity["certificate"]["subject"], "CN=dev-1");
    assert_eq!(identity["keyEncoding"], "PKCS#8");
    let target = &step(&check, "ddi-target")["detail"];
    assert_eq!(
        (target["tenant"].as_str(), target["controllerId"].as_str()),
        (Some("DEFAULT"), Some("dev-1"))
    );
    assert_eq!(target["controllerFrom"], "OTA_CONTROLLER_ID");
    let poll = &step(&check, "ddi-poll")["detail"];
    // goosebit gives a device it has just met 10 s and asks for its attributes.
    assert_eq!(
        (poll["polling"].as_str(), poll["pollingSeconds"].as_u64()),
        (Some("00:00:10"), Some(10))
    );
    assert_eq!(poll["links"], serde_json::json!(["configData"]));
    assert!(check["evidence"].as_str().unwrap().contains("configData"));
    let reproduce = check["reproduce"].as_str().unwrap();
    assert!(
        reproduce.starts_with(
            "curl -sS -i --cacert otaCaCert.pem --cert otaCert.pem --key otaPrivateKey.pem"
        ),
        "{reproduce}"
    );
}

#[test]
fn a_device_polls_through_a_proxy_s_tunnel_with_its_client_certificate() {
    let t = setup();
    let (_proxy, proxy_port) = peers::tinyproxy(t.s.dir.path());
    let (cert, key) = (t.pki.read("dev-1.pem"), t.pki.read("dev-1.key"));
    let proxy = format!("http://127.0.0.1:{proxy_port}");
    let vars = [("OTA_CONTROLLER_ID", "dev-1")];
    let url = t.url("DEFAULT");
    let (exit, check) = t.check_with(
        &cert,
        &key,
        &t.server_ca(),
        (&url, &vars),
        &["--proxy", &proxy],
    );
    assert_eq!(exit, 0, "{check:#}");
    // The proxy resolves and connects; TLS with the client certificate goes through its tunnel.
    let rung = &step(&check, "proxy")["detail"];
    assert_eq!(rung["status"], 200, "{check:#}");
    assert_eq!(rung["connect"], format!("localhost:{}", t.port));
    assert!(check["steps"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["name"] != "dns"));
    assert_eq!(step(&check, "ddi-poll")["ok"], true, "{check:#}");
    let reproduce = check["reproduce"].as_str().unwrap();
    assert!(
        reproduce.contains(&format!("--proxy {proxy}")),
        "{reproduce}"
    );
}

#[test]
fn client_certificate_faults_are_named() {
    let t = setup();
    let ca = t.server_ca();
    let url = t.url("DEFAULT");
    let vars = [("OTA_CONTROLLER_ID", "dev-1")];
    // None at all: nginx completes the handshake and answers its 400 page.
    let (_, check) = t.check("", "", &ca, &url, &vars);
    assert_eq!(check["code"], "TLS_CLIENT_CERT_REJECTED", "{check:#}");
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .contains("No required SSL certificate was sent"));
    // From another CA.
    let (_, check) = t.check(
        &t.pki.read("stranger.pem"),
        &t.pki.read("stranger.key"),
        &ca,
        &url,
        &vars,
    );
    assert_eq!(check["code"], "TLS_CLIENT_CERT_REJECTED", "{check:#}");
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .contains("The SSL certificate error"));
    // Expired: found before connecting.
    let (_, check) = t.check(
        &t.pki.read("expired.pem"),
        &t.pki.read("expired.key"),
        &ca,
        &url,
        &vars,
    );
    assert_eq!(check["code"], "TLS_EXPIRED", "{check:#}");
    assert_eq!(check["steps"].as_array().unwrap().len(), 1);
    // A key that is not the certificate's.
    let (_, check) = t.check(
        &t.pki.read("dev-1.pem"),
        &t.pki.read("stranger.key"),
        &ca,
        &url,
        &vars,
    );
    assert_eq!(check["code"], "CERT_KEY_MISMATCH", "{check:#}");
}

#[test]
fn an_encrypted_key_opens_with_its_passphrase_only() {
    let t = setup();
    let (cert, key) = (t.pki.read("dev-1.pem"), t.pki.read("dev-1-encrypted.key"));
    let (exit, check) = t.check(
        &cert,
        &key,
        &t.server_ca(),
        &t.url("DEFAULT"),
        &[
            ("OTA_CONTROLLER_ID", "dev-1"),
            ("OTA_KEY_PASSPHRASE", "open sesame"),
        ],
    );
    assert_eq!(exit, 0, "{check:#}");
    assert_eq!(
        step(&check, "client-identity")["detail"]["keyEncoding"],
        "encrypted PKCS#8"
    );
    assert!(check["reproduce"]
        .as_str()
        .unwrap()
        .contains("--pass \"$OTA_KEY_PASSPHRASE\""));
    let (_, check) = t.check(
        &cert,
        &key,
        &t.server_ca(),
        &t.url("DEFAULT"),
        &[
            ("OTA_CONTROLLER_ID", "dev-1"),
            ("OTA_KEY_PASSPHRASE", "close sesame"),
        ],
    );
    assert_eq!(check["code"], "KEY_PASSPHRASE_WRONG", "{check:#}");
}

#[test]
fn server_side_faults_are_named() {
    let t = setup();
    let (cert, key) = (t.pki.read("dev-1.pem"), t.pki.read("dev-1.key"));
    let vars = [("OTA_CONTROLLER_ID", "dev-1")];
    // The server's certificate is not from the CA the template trusts.
    let other = std::fs::read_to_string(peers::other_ca(t.s.dir.path())).unwrap();
    let (_, check) = t.check(&cert, &key, &other, &t.url("DEFAULT"), &vars);
    assert_eq!(check["code"], "TLS_UNTRUSTED_CA", "{check:#}");
    // A tenant goosebit does not serve.
    let (_, check) = t.check(&cert, &key, &t.server_ca(), &t.url("OTHER"), &vars);
    assert_eq!(check["code"], "DDI_NOT_FOUND", "{check:#}");
    assert!(check["evidence"]
        .as_str()
        .unwrap()
        .contains("tenant 'OTHER'"));
    // A 200 that is not DDI.
    let (_, check) = t.check(
        &cert,
        &key,
        &t.server_ca(),
        &format!("https://localhost:{}/NOTDDI/controller/v1/dev-1", t.port),
        &[],
    );
    assert_eq!(check["code"], "DDI_BAD_RESPONSE", "{check:#}");
}

#[test]
fn target_token_auth_without_a_token_is_unauthorised() {
    let s = Sandbox::new();
    let certs = peers::certs(s.dir.path());
    let pki = client_pki(s.dir.path());
    let (_ddi, ddi_port) = goosebit(s.dir.path(), &[("GOOSEBIT_DEVICE_AUTH__ENABLE", "true")]);
    let (_nginx, port) = nginx_mtls(s.dir.path(), &certs, &pki.ca, ddi_port);
    let t = Setup {
        s,
        certs,
        pki,
        port,
        _peers: vec![],
    };
    let (_, check) = t.good(&[("OTA_CONTROLLER_ID", "dev-1")]);
    assert_eq!(check["code"], "DDI_UNAUTHORIZED", "{check:#}");
    assert!(check["evidence"].as_str().unwrap().contains("401"));
}
