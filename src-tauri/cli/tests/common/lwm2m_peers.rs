//! LwM2M servers for the tests, on 127.0.0.1 and free UDP ports, stopped by PID: aiocoap's
//! `aiocoap-rd --lwm2m-compat` (from the venv `scripts/setup.sh test` makes), the
//! lwm2m-node-lib server of `tests/peers/lwm2m-server.js`, and libcoap's `coap-rd`.

use super::peers::{free_udp_pair, Peer};
use std::net::UdpSocket;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The Python test peers' venv: `$LOOPSTUDIO_PEERS_VENV`, else where setup.sh puts it.
pub fn peers_venv() -> PathBuf {
    super::venv("LOOPSTUDIO_PEERS_VENV", "peers-venv")
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Waits until a CoAP server answers a ping (an empty CON, answered with RST) on `port`.
pub fn wait_for_coap(peer: &Peer, port: u16) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(("127.0.0.1", port)).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_millis(100)))
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    let mut id: u16 = 1;
    while Instant::now() < deadline {
        id += 1;
        let [hi, lo] = id.to_be_bytes();
        let _ = socket.send(&[0x40, 0x00, hi, lo]);
        let mut buf = [0u8; 64];
        if let Ok(n) = socket.recv(&mut buf) {
            if n >= 4 && buf[0] >> 4 == 0x7 {
                return;
            }
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!(
        "{} did not answer CoAP on {port}:\n{}",
        peer.name,
        peer.log_text()
    );
}

/// aiocoap's resource directory in LwM2M mode, plain CoAP only.
pub fn aiocoap_rd(dir: &Path) -> (Peer, u16) {
    let port = free_udp_pair();
    let program = peers_venv().join("bin/aiocoap-rd");
    assert!(
        program.exists(),
        "{} is missing (run scripts/setup.sh test)",
        program.display()
    );
    let bind = format!("127.0.0.1:{port}");
    // udp6 only: no TCP listener beside it.
    let peer = Peer::start_with_env(
        "aiocoap-rd",
        dir,
        program.to_str().unwrap(),
        &["--lwm2m-compat", "--bind", &bind],
        &[("AIOCOAP_SERVER_TRANSPORT", "udp6")],
    );
    wait_for_coap(&peer, port);
    (peer, port)
}

/// The lwm2m-node-lib server, which reads /3/0 after each registration.
pub fn lwm2m_node_server(dir: &Path) -> (Peer, u16) {
    lwm2m_node_server_with(dir, &[])
}

/// lwm2m-node-lib with extra arguments (`--observe`: it also observes /3303/0/5700).
pub fn lwm2m_node_server_with(dir: &Path, extra: &[&str]) -> (Peer, u16) {
    let port = free_udp_pair();
    (lwm2m_node_server_on(dir, port, extra), port)
}

/// lwm2m-node-lib on a given port (to start one again where another stopped).
pub fn lwm2m_node_server_on(dir: &Path, port: u16, extra: &[&str]) -> Peer {
    let script = repo_root().join("tests/peers/lwm2m-server.js");
    let port_text = port.to_string();
    let mut args = vec![script.to_str().unwrap(), port_text.as_str()];
    args.extend_from_slice(extra);
    let peer = Peer::start("lwm2m-node-lib", dir, "node", &args);
    let deadline = Instant::now() + Duration::from_secs(15);
    while !peer.log_text().contains("READY") {
        assert!(
            Instant::now() < deadline,
            "lwm2m-node-lib did not start (run scripts/setup.sh test):\n{}",
            peer.log_text()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    peer
}

/// libcoap's resource directory (it registers, but answers Update with 4.05).
pub fn coap_rd(dir: &Path) -> (Peer, u16) {
    let port = free_udp_pair();
    let port_text = port.to_string();
    let peer = Peer::start(
        "coap-rd",
        dir,
        "coap-rd-notls",
        &["-A", "127.0.0.1", "-p", &port_text],
    );
    wait_for_coap(&peer, port);
    (peer, port)
}

/// aiocoap's resource directory serving DTLS-PSK through tinydtls (CCM_8 only) on the
/// returned port, for one identity and key. Plain CoAP on the port below answers readiness.
pub fn aiocoap_rd_dtls(dir: &Path, identity: &str, key: &str) -> (Peer, u16) {
    let port = free_udp_pair();
    let program = peers_venv().join("bin/aiocoap-rd");
    let credentials = dir.join("aiocoap-credentials.json");
    let json = serde_json::json!({
        ":device": { "dtls": { "psk": { "ascii": key }, "client-identity": { "ascii": identity } } }
    });
    std::fs::write(&credentials, json.to_string()).unwrap();
    let bind = format!("127.0.0.1:{port}");
    // The DTLS server transport is off unless named; it binds the port above `--bind`.
    let peer = Peer::start_with_env(
        "aiocoap-rd-dtls",
        dir,
        program.to_str().unwrap(),
        &[
            "--lwm2m-compat",
            "--bind",
            &bind,
            "--credentials",
            credentials.to_str().unwrap(),
        ],
        &[("AIOCOAP_SERVER_TRANSPORT", "tinydtls_server:udp6")],
    );
    wait_for_coap(&peer, port);
    (peer, port + 1)
}

/// A libcoap program (`coap-rd` or `coap-server`, OpenSSL or GnuTLS build) serving DTLS-PSK
/// with `key` on the returned port (it serves plain CoAP on the one below); `extra` adds
/// options (`-i FILE` for per-identity keys).
pub fn libcoap_dtls(dir: &Path, program: &'static str, key: &str, extra: &[&str]) -> (Peer, u16) {
    let port = free_udp_pair();
    let port_text = port.to_string();
    let mut args = vec!["-A", "127.0.0.1", "-p", &port_text, "-k", key];
    args.extend_from_slice(extra);
    let peer = Peer::start(program, dir, program, &args);
    wait_for_coap(&peer, port);
    (peer, port + 1)
}

/// libcoap's GnuTLS `coap-server` with every AEAD cipher turned off by a GnuTLS system
/// priority file (`[overrides] tls-disabled-cipher`), so it accepts only CBC PSK suites: a
/// real server with no suite in common with a CCM_8/GCM/CCM client.
pub fn libcoap_gnutls_cbc_only(dir: &Path, key: &str) -> (Peer, u16) {
    let priorities = dir.join("gnutls-cbc-only.conf");
    let disabled: String = [
        "AES-128-CCM",
        "AES-128-CCM-8",
        "AES-128-GCM",
        "AES-256-GCM",
        "AES-256-CCM",
        "AES-256-CCM-8",
        "CHACHA20-POLY1305",
    ]
    .iter()
    .map(|c| format!("tls-disabled-cipher = {c}\n"))
    .collect();
    std::fs::write(&priorities, format!("[overrides]\n{disabled}")).unwrap();
    let port = free_udp_pair();
    let port_text = port.to_string();
    let peer = Peer::start_with_env(
        "coap-server-gnutls",
        dir,
        "coap-server-gnutls",
        &["-A", "127.0.0.1", "-p", &port_text, "-k", key],
        &[("GNUTLS_SYSTEM_PRIORITY_FILE", priorities.to_str().unwrap())],
    );
    wait_for_coap(&peer, port);
    (peer, port + 1)
}

/// The tests' LwM2M bootstrap server (`tests/peers/bootstrap-server.py`, on aiocoap), which
/// provisions `server_uri` (with PSK when `psk` is given); `mode` picks a fault.
pub fn bootstrap_server(
    dir: &Path,
    server_uri: &str,
    mode: &str,
    psk: Option<(&str, &str)>,
) -> (Peer, u16) {
    let port = free_udp_pair();
    let python = peers_venv().join("bin/python");
    let script = repo_root().join("tests/peers/bootstrap-server.py");
    let port_text = port.to_string();
    let mut args = vec![
        script.to_str().unwrap().to_string(),
        port_text,
        "--server-uri".into(),
        server_uri.into(),
        "--mode".into(),
        mode.into(),
    ];
    if let Some((identity, key)) = psk {
        args.extend([
            "--psk-identity".into(),
            identity.into(),
            "--psk-key".into(),
            key.into(),
        ]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let peer = Peer::start_with_env(
        "bootstrap-server",
        dir,
        python.to_str().unwrap(),
        &args,
        &[("AIOCOAP_SERVER_TRANSPORT", "udp6")],
    );
    wait_for_coap(&peer, port);
    (peer, port)
}
