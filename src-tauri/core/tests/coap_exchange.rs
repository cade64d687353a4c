//! The CoAP exchange layer against libcoap's `coap-server` (Debian's libcoap3-bin, installed by
//! `scripts/setup.sh test`): a link that loses the server's first answers must still get
//! through by retransmission (`-l 1,2` makes the server drop its first two datagrams), and a
//! delayed resource (`/async?1`) answers with an empty ACK and then a separate response.

use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use loopstudio_core::coap::{Endpoint, Transmission};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio::net::UdpSocket;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_udp_port() -> u16 {
    std::net::UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn coap_server(extra: &[&str]) -> (Server, u16) {
    let port = free_udp_port();
    let child = Command::new("coap-server-notls")
        .args(["-A", "127.0.0.1", "-p", &port.to_string()])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("coap-server-notls (run scripts/setup.sh test)");
    std::thread::sleep(Duration::from_millis(300));
    (Server(child), port)
}

async fn endpoint(port: u16, ack_timeout_ms: u64) -> Endpoint<UdpSocket> {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(("127.0.0.1", port)).await.unwrap();
    Endpoint::new(
        socket,
        Transmission {
            ack_timeout: Duration::from_millis(ack_timeout_ms),
            ack_random_factor: 1.0,
            max_retransmit: 4,
        },
    )
}

fn get(segments: &[&str], query: Option<&str>) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(RequestType::Get);
    for s in segments {
        p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
    }
    if let Some(q) = query {
        p.add_option(CoapOption::UriQuery, q.as_bytes().to_vec());
    }
    p
}

fn refuse(_: &Packet) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Response(ResponseType::MethodNotAllowed);
    p
}

#[tokio::test]
async fn a_lossy_link_still_gets_through_by_retransmission() {
    let (_server, port) = coap_server(&["-l", "1,2"]);
    let mut endpoint = endpoint(port, 150).await;
    let response = endpoint
        .request(
            get(&[".well-known", "core"], None),
            &mut refuse,
            Duration::from_secs(2),
        )
        .await
        .expect("the third transmission gets its answer");
    assert_eq!(
        response.header.code,
        MessageClass::Response(ResponseType::Content)
    );
    assert!(String::from_utf8_lossy(&response.payload).contains("</time>"));
    let retransmissions: Vec<&str> = endpoint
        .log
        .iter()
        .map(|m| m.note.as_str())
        .filter(|n| n.starts_with("retransmission"))
        .collect();
    assert_eq!(retransmissions, ["retransmission 1", "retransmission 2"]);
}

#[tokio::test]
async fn a_delayed_resource_answers_separately_and_is_acknowledged() {
    let (_server, port) = coap_server(&[]);
    let mut endpoint = endpoint(port, 500).await;
    let response = endpoint
        .request(
            get(&["async"], Some("1")),
            &mut refuse,
            Duration::from_secs(4),
        )
        .await
        .expect("a separate response");
    assert_eq!(
        response.header.code,
        MessageClass::Response(ResponseType::Content)
    );
    let kinds: Vec<(String, String, String)> = endpoint
        .log
        .iter()
        .map(|m| (m.direction.clone(), m.kind.clone(), m.code.clone()))
        .collect();
    let expected = [
        ("out", "CON", "0.01 GET"),
        ("in", "ACK", "0.00"),
        ("in", "CON", "2.05 Content"),
        ("out", "ACK", "0.00"),
    ];
    let expected: Vec<(String, String, String)> = expected
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect();
    assert_eq!(kinds, expected);
}
