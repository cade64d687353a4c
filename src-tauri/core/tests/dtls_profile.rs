//! The DTLS cipher-suite profile against real servers: libcoap's `coap-server` built on
//! OpenSSL and on GnuTLS (Debian's libcoap3-bin; `-k` takes the PSK, DTLS on port + 1).

use loopstudio_core::net::dtls_profile::profile;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_udp_pair() -> u16 {
    loop {
        let a = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let port = a.local_addr().unwrap().port();
        if port < 65535 && std::net::UdpSocket::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// `program -k secretPSK` on 127.0.0.1; returns the DTLS port.
fn libcoap(program: &str) -> (Server, u16) {
    let port = free_udp_pair();
    let child = Command::new(program)
        .args([
            "-A",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-k",
            "secretPSK",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program} (run scripts/setup.sh test): {e}"));
    std::thread::sleep(Duration::from_millis(300));
    (Server(child), port + 1)
}

#[tokio::test]
async fn libcoap_servers_accept_the_psk_suites_their_library_has() {
    for program in ["coap-server-openssl", "coap-server-gnutls"] {
        let (_server, port) = libcoap(program);
        let addr = format!("127.0.0.1:{port}").parse().unwrap();
        let found = profile(addr, Duration::from_millis(1500), Default::default()).await;
        eprintln!("{program}: {found:#?}");
        assert!(
            found
                .accepted
                .contains(&"TLS_PSK_WITH_AES_128_CCM_8".to_string()),
            "{program}: {found:?}"
        );
    }
}
