//! Hostile peers are bounded (issue: trust, point 6). Scripted peers that no real server
//! imitates on demand — silent, garbage, slowloris, a flood of PUBLISH or of datagrams, an
//! endless Block2 download, a CONNACK that never comes, a TLS or DTLS server that stalls
//! mid-handshake — against every check that meets them: each check ends within its budget
//! as a failure (never a panic, never `INTERNAL_ERROR`), and this process's peak memory
//! stays bounded through the whole suite (read from /proc/self/status).

mod common;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, ResponseType};
use common::filled_template as template;
use loopstudio_core::catalog::{TemplateKind, Transport};
use loopstudio_core::check::{run_templates, RunContext};
use loopstudio_core::report::{DiagnosisCode, Verdict};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::task::JoinHandle;

const RUNG: Duration = Duration::from_millis(300);

/// Peak resident memory of this process, in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// Runs the check of `kind` against the peer at `port` and asserts it ended within its
/// budget as a diagnosed failure.
async fn must_end_as_failure(kind: TemplateKind, port: u16, peer: &str) {
    let mut ctx = RunContext::new(RUNG);
    ctx.ota_controller_id = Some("hostile-test".into());
    let budget_ms = ctx.check_budget.as_secs_f64() * 1000.0;
    let started = std::time::Instant::now();
    let report = run_templates(&[template(kind, port)], serde_json::json!({}), &ctx, |_| {}).await;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    let check = &report.checks[0];
    assert_eq!(check.verdict, Verdict::Fail, "{kind} vs {peer}: {check:?}");
    assert_ne!(
        check.code,
        DiagnosisCode::InternalError,
        "{kind} vs {peer}: {check:?}"
    );
    // It really met the peer: its transport rung went through.
    assert!(
        check
            .steps
            .iter()
            .any(|s| (s.name == "tcp" || s.name == "udp") && s.ok),
        "{kind} vs {peer} never reached the peer: {check:?}"
    );
    // The budget is the check's promise to the user; a little slack for the scheduler.
    assert!(
        wall_ms <= budget_ms + 1000.0,
        "{kind} vs {peer}: took {wall_ms:.0} ms, over its budget of {budget_ms:.0} ms"
    );
    eprintln!(
        "{kind:<22} vs {peer:<28} {:?} after {wall_ms:.0} ms",
        check.code
    );
}

async fn tcp_peer<F, Fut>(serve: F) -> (u16, JoinHandle<()>)
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream));
        }
    });
    (port, task)
}

/// Reads what comes and never answers (a CONNACK, a ServerHello, an HTTP status: never).
async fn silent(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 4096];
    while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
}

/// Answers the first bytes with a stream of garbage.
async fn garbage(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf).await;
    let junk: Vec<u8> = (0..64 * 1024).map(|i| (i * 7 + 13) as u8).collect();
    for _ in 0..64 {
        if stream.write_all(&junk).await.is_err() {
            return;
        }
    }
}

/// A status line, one byte every 50 ms, for ever.
async fn slowloris(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf).await;
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: "
        .iter()
        .chain(std::iter::repeat(&b'a'))
    {
        if stream.write_all(&[*byte]).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A TLS record header that promises a ServerHello, then nothing.
async fn tls_stall(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf).await;
    let _ = stream
        .write_all(&[0x16, 0x03, 0x03, 0x40, 0x00, 0x02])
        .await;
    silent(stream).await;
}

/// An MQTT 5 broker that accepts the CONNECT and then floods PUBLISH packets.
async fn publish_flood(mut stream: tokio::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let _ = stream.read(&mut buf).await;
    if stream
        .write_all(&[0x20, 0x03, 0x00, 0x00, 0x00])
        .await
        .is_err()
    {
        return;
    }
    // PUBLISH QoS 0, topic "flood", no properties, 1000 bytes of payload.
    let mut publish = vec![0x30];
    let remaining = 2 + 5 + 1 + 1000;
    publish.extend([((remaining % 128) | 0x80) as u8, (remaining / 128) as u8]);
    publish.extend([0x00, 0x05]);
    publish.extend(b"flood");
    publish.push(0x00);
    publish.extend(std::iter::repeat_n(b'x', 1000));
    let batch: Vec<u8> = publish.repeat(64);
    loop {
        if stream.write_all(&batch).await.is_err() {
            return;
        }
        tokio::task::yield_now().await;
    }
}

async fn udp_peer<F, Fut>(serve: F) -> (u16, JoinHandle<()>)
where
    F: FnOnce(UdpSocket) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let port = socket.local_addr().unwrap().port();
    (port, tokio::spawn(serve(socket)))
}

/// After the first datagram, sends datagrams back as fast as it can.
async fn datagram_flood(socket: UdpSocket) {
    let mut buf = [0u8; 2048];
    let Ok((_, from)) = socket.recv_from(&mut buf).await else {
        return;
    };
    let mut stray = Packet::new();
    stray.header.set_type(MessageType::NonConfirmable);
    stray.header.code = MessageClass::Response(ResponseType::Content);
    stray.payload = vec![b'z'; 512];
    let mut n: u16 = 0;
    loop {
        n = n.wrapping_add(1);
        stray.header.message_id = n;
        let bytes = stray.to_bytes().unwrap();
        if socket.send_to(&bytes, from).await.is_err() {
            return;
        }
        if n % 64 == 0 {
            tokio::task::yield_now().await;
        }
    }
}

/// Answers every confirmable request with the block it asked for — and "more" for ever.
async fn endless_block2(socket: UdpSocket) {
    let mut buf = [0u8; 2048];
    while let Ok((n, from)) = socket.recv_from(&mut buf).await {
        let Ok(request) = Packet::from_bytes(&buf[..n]) else {
            continue;
        };
        if request.header.get_type() != MessageType::Confirmable {
            continue;
        }
        let mut reply = Packet::new();
        reply.header.set_type(MessageType::Acknowledgement);
        reply.header.message_id = request.header.message_id;
        reply.set_token(request.get_token().to_vec());
        if request.header.code == MessageClass::Empty {
            reply.header.set_type(MessageType::Reset);
        } else {
            let asked = request
                .get_first_option(CoapOption::Block2)
                .map(|v| v.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b)) >> 4)
                .unwrap_or(0);
            reply.header.code = MessageClass::Response(ResponseType::Created);
            reply.add_option(CoapOption::LocationPath, b"rd".to_vec());
            let value = (asked << 4) | 0x08; // more, 16-byte blocks
            reply.add_option(
                CoapOption::Block2,
                value
                    .to_be_bytes()
                    .iter()
                    .skip_while(|b| **b == 0)
                    .copied()
                    .collect(),
            );
            reply.payload = vec![b'b'; 16];
        }
        let _ = socket.send_to(&reply.to_bytes().unwrap(), from).await;
    }
}

/// Answers a DTLS ClientHello with half a record, then stays silent.
async fn dtls_stall(socket: UdpSocket) {
    let mut buf = [0u8; 2048];
    while let Ok((_, from)) = socket.recv_from(&mut buf).await {
        let _ = socket.send_to(&[0x16, 0xfe, 0xfd, 0x00, 0x00], from).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_check_ends_within_its_budget_against_every_hostile_peer() {
    let before = peak_rss_kib();
    let tcp_kinds: Vec<TemplateKind> = TemplateKind::ALL
        .into_iter()
        .filter(|k| k.spec().transport == Transport::Tcp)
        .collect();
    let udp_kinds: Vec<TemplateKind> = TemplateKind::ALL
        .into_iter()
        .filter(|k| k.spec().transport == Transport::Udp)
        .collect();

    let tcp_peers = [
        ("silent (no CONNACK)", tcp_peer(silent).await),
        ("garbage", tcp_peer(garbage).await),
        ("slowloris", tcp_peer(slowloris).await),
        ("TLS stalled mid-handshake", tcp_peer(tls_stall).await),
        ("PUBLISH flood", tcp_peer(publish_flood).await),
    ];
    for (name, (port, _)) in &tcp_peers {
        for &kind in &tcp_kinds {
            must_end_as_failure(kind, *port, name).await;
        }
    }
    for (_, (_, task)) in &tcp_peers {
        task.abort();
    }

    // Each UDP peer serves one check (its script follows one client's address).
    for &kind in &udp_kinds {
        for (name, peer) in [
            ("datagram flood", udp_peer(datagram_flood).await),
            ("endless Block2", udp_peer(endless_block2).await),
            ("DTLS stalled mid-handshake", udp_peer(dtls_stall).await),
        ] {
            let (port, task) = peer;
            must_end_as_failure(kind, port, name).await;
            task.abort();
        }
    }

    let grown_mib = (peak_rss_kib().saturating_sub(before)) / 1024;
    eprintln!("peak RSS grew by {grown_mib} MiB");
    assert!(
        grown_mib < 150,
        "peak memory grew by {grown_mib} MiB: something is unbounded"
    );
}

#[tokio::test]
async fn an_endless_block2_download_is_refused_by_the_exchange_itself() {
    let (port, task) = udp_peer(endless_block2).await;
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(("127.0.0.1", port)).await.unwrap();
    let mut endpoint = loopstudio_core::coap::Endpoint::new(
        socket,
        loopstudio_core::coap::Transmission::within(Duration::from_secs(1)),
    );
    let mut get = Packet::new();
    get.header.code = MessageClass::Request(coap_lite::RequestType::Get);
    get.add_option(CoapOption::UriPath, b"big".to_vec());
    let mut refuse = |_: &Packet| Packet::new();
    let err = endpoint
        .request(get, &mut refuse, Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err, loopstudio_core::coap::CoapError::Blocks(_)),
        "{err}"
    );
    assert!(endpoint.log.iter().count() <= loopstudio_core::coap::MAX_MESSAGES);
    task.abort();
}

/// Acknowledges every request with an empty ACK, again and again, and never responds.
async fn endless_empty_acks(socket: UdpSocket) {
    let mut buf = [0u8; 2048];
    let Ok((n, from)) = socket.recv_from(&mut buf).await else {
        return;
    };
    let Ok(request) = Packet::from_bytes(&buf[..n]) else {
        return;
    };
    let mut ack = Packet::new();
    ack.header.set_type(MessageType::Acknowledgement);
    ack.header.code = MessageClass::Empty;
    ack.header.message_id = request.header.message_id;
    let bytes = ack.to_bytes().unwrap();
    loop {
        if socket.send_to(&bytes, from).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn repeated_empty_acks_cannot_push_the_response_deadline_out() {
    let (port, task) = udp_peer(endless_empty_acks).await;
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(("127.0.0.1", port)).await.unwrap();
    let mut endpoint = loopstudio_core::coap::Endpoint::new(
        socket,
        loopstudio_core::coap::Transmission::within(Duration::from_millis(500)),
    );
    let mut get = Packet::new();
    get.header.code = MessageClass::Request(coap_lite::RequestType::Get);
    let mut refuse = |_: &Packet| Packet::new();
    let waited = std::time::Instant::now();
    let err = tokio::time::timeout(
        Duration::from_secs(10),
        endpoint.request(get, &mut refuse, Duration::from_millis(400)),
    )
    .await
    .expect("each empty ACK pushed the deadline out: the request never ended")
    .unwrap_err();
    assert!(
        matches!(err, loopstudio_core::coap::CoapError::NoResponse(400)),
        "{err}"
    );
    // The wait is the response wait after the first ACK, not renewed by each later one.
    assert!(
        waited.elapsed() < Duration::from_secs(3),
        "{:?}",
        waited.elapsed()
    );
    task.abort();
}
