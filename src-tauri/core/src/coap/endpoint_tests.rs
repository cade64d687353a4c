use super::*;
use coap_lite::RequestType;
use std::sync::Arc;
use tokio::net::UdpSocket;

async fn pair() -> (UdpSocket, Arc<UdpSocket>) {
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let server = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    client.connect(server.local_addr().unwrap()).await.unwrap();
    (client, Arc::new(server))
}

fn get(path: &str) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(RequestType::Get);
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        p.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
    }
    p
}

fn fast() -> Transmission {
    Transmission {
        ack_timeout: Duration::from_millis(40),
        ack_random_factor: 1.0,
        max_retransmit: 4,
    }
}

fn no_requests() -> impl FnMut(&Packet) -> Packet + Send {
    |_| Packet::new()
}

#[tokio::test]
async fn a_lost_request_is_retransmitted_and_a_separate_response_acknowledged() {
    let (client, server) = pair().await;
    let peer = server.clone();
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        // Drop the first copy, as a lossy link would.
        let _ = peer.recv_from(&mut buf).await.unwrap();
        let (n, from) = peer.recv_from(&mut buf).await.unwrap();
        let request = Packet::from_bytes(&buf[..n]).unwrap();
        let mut ack = Packet::new();
        ack.header.set_type(MessageType::Acknowledgement);
        ack.header.message_id = request.header.message_id;
        peer.send_to(&ack.to_bytes().unwrap(), from).await.unwrap();
        let mut response = Packet::new();
        response.header.set_type(MessageType::Confirmable);
        response.header.message_id = 7;
        response.header.code = MessageClass::Response(ResponseType::Content);
        response.set_token(request.get_token().to_vec());
        response.payload = b"late".to_vec();
        peer.send_to(&response.to_bytes().unwrap(), from)
            .await
            .unwrap();
        let (n, _) = peer.recv_from(&mut buf).await.unwrap();
        let ack = Packet::from_bytes(&buf[..n]).unwrap();
        assert_eq!(
            (ack.header.get_type(), ack.header.message_id),
            (MessageType::Acknowledgement, 7)
        );
    });
    let mut endpoint = Endpoint::new(client, fast());
    let response = endpoint
        .request(get("/a"), &mut no_requests(), Duration::from_secs(2))
        .await
        .unwrap();
    assert_eq!(response.payload, b"late");
    let notes: Vec<&str> = endpoint.log.iter().map(|m| m.note.as_str()).collect();
    assert!(notes.contains(&"retransmission 1"), "{notes:?}");
    assert_eq!(endpoint.log[0].uri, "/a");
}

#[tokio::test]
async fn silence_is_no_reply_after_every_retransmission_and_a_closed_port_unreachable() {
    let (client, server) = pair().await;
    let mut endpoint = Endpoint::new(client, fast());
    let error = endpoint
        .request(get("/x"), &mut no_requests(), Duration::from_secs(1))
        .await
        .unwrap_err();
    assert!(
        matches!(error, CoapError::NoReply { attempts: 5, .. }),
        "{error:?}"
    );
    drop(server);

    let closed = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = closed.local_addr().unwrap();
    drop(closed);
    let client = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    client.connect(address).await.unwrap();
    let mut endpoint = Endpoint::new(client, fast());
    let error = endpoint.ping().await.unwrap_err();
    assert_eq!(error, CoapError::Unreachable);
}

#[tokio::test]
async fn requests_from_the_peer_are_answered_once_and_duplicates_from_the_cache() {
    let (client, server) = pair().await;
    let client_address = client.local_addr().unwrap();
    let peer = server.clone();
    let asked = tokio::spawn(async move {
        let mut read = get("/3/0");
        read.header.set_type(MessageType::Confirmable);
        read.header.message_id = 99;
        read.set_token(vec![1, 2]);
        let bytes = read.to_bytes().unwrap();
        let mut answers = Vec::new();
        for _ in 0..2 {
            peer.send_to(&bytes, client_address).await.unwrap();
            let mut buf = [0u8; 512];
            let (n, _) = peer.recv_from(&mut buf).await.unwrap();
            answers.push(Packet::from_bytes(&buf[..n]).unwrap());
        }
        answers
    });
    let mut endpoint = Endpoint::new(client, fast());
    let mut calls = 0;
    let mut handler = |request: &Packet| {
        calls += 1;
        let mut r = Packet::new();
        r.header.code = MessageClass::Response(ResponseType::Content);
        r.payload = crate::codec::coap_text::uri_text(request).into_bytes();
        r
    };
    let until = Instant::now() + Duration::from_millis(300);
    let finished = endpoint
        .serve(until, &mut handler, &mut |_| false)
        .await
        .unwrap();
    assert!(!finished);
    assert_eq!(calls, 1, "the duplicate is not handled twice");
    let answers = asked.await.unwrap();
    assert_eq!(answers[0].payload, b"/3/0");
    assert_eq!(answers[0].header.message_id, 99);
    assert_eq!(answers[0].get_token(), &[1, 2]);
    assert_eq!(answers[1].payload, answers[0].payload);
}

#[tokio::test]
async fn block_wise_downloads_and_uploads_are_reassembled() {
    let (client, server) = pair().await;
    let peer = server.clone();
    let client_address = client.local_addr().unwrap();
    tokio::spawn(async move {
        let mut buf = [0u8; 512];
        // Answer two blocks of 16 bytes, then upload 20 bytes in two Block1 blocks.
        for num in 0..2u32 {
            let (n, from) = peer.recv_from(&mut buf).await.unwrap();
            let request = Packet::from_bytes(&buf[..n]).unwrap();
            assert_eq!(
                block(&request, CoapOption::Block2)
                    .map(|b| b.0)
                    .unwrap_or(0),
                num
            );
            let mut r = Packet::new();
            r.header.set_type(MessageType::Acknowledgement);
            r.header.message_id = request.header.message_id;
            r.header.code = MessageClass::Response(ResponseType::Content);
            r.set_token(request.get_token().to_vec());
            r.add_option(CoapOption::Block2, block_value(num, num == 0, 0));
            r.payload = vec![b'a' + num as u8; 16];
            peer.send_to(&r.to_bytes().unwrap(), from).await.unwrap();
        }
        for (num, more, body) in [(0u32, true, vec![b'x'; 16]), (1, false, vec![b'y'; 4])] {
            let mut w = get("/0/1");
            w.header.code = MessageClass::Request(RequestType::Put);
            w.header.set_type(MessageType::Confirmable);
            w.header.message_id = 500 + num as u16;
            w.set_token(vec![9]);
            w.add_option(CoapOption::Block1, block_value(num, more, 0));
            w.payload = body;
            peer.send_to(&w.to_bytes().unwrap(), client_address)
                .await
                .unwrap();
            let (n, _) = peer.recv_from(&mut buf).await.unwrap();
            let reply = Packet::from_bytes(&buf[..n]).unwrap();
            let expected = if more {
                ResponseType::Continue
            } else {
                ResponseType::Changed
            };
            assert_eq!(reply.header.code, MessageClass::Response(expected));
        }
    });
    let mut endpoint = Endpoint::new(client, fast());
    let response = endpoint
        .request(get("/big"), &mut no_requests(), Duration::from_secs(1))
        .await
        .unwrap();
    assert_eq!(response.payload.len(), 32);
    let mut uploaded = Vec::new();
    let mut handler = |request: &Packet| {
        uploaded = request.payload.clone();
        let mut r = Packet::new();
        r.header.code = MessageClass::Response(ResponseType::Changed);
        r
    };
    let until = Instant::now() + Duration::from_millis(500);
    let mut done = |p: &Packet| block(p, CoapOption::Block1).is_some_and(|b| !b.1);
    assert!(endpoint
        .serve(until, &mut handler, &mut done)
        .await
        .unwrap());
    assert_eq!(uploaded.len(), 20);
    assert!(uploaded.starts_with(&[b'x'; 16]) && uploaded.ends_with(&[b'y'; 4]));
}

#[tokio::test]
async fn a_ping_is_answered_by_rst_or_by_an_empty_ack_and_both_prove_life() {
    for (answer, expected) in [
        (MessageType::Reset, crate::coap::PingReply::Reset),
        (
            MessageType::Acknowledgement,
            crate::coap::PingReply::EmptyAck,
        ),
    ] {
        let (client, server) = pair().await;
        let peer = server.clone();
        let answered = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            let (n, from) = peer.recv_from(&mut buf).await.unwrap();
            let ping = Packet::from_bytes(&buf[..n]).unwrap();
            let mut reply = Packet::new();
            reply.header.set_type(answer);
            reply.header.message_id = ping.header.message_id;
            peer.send_to(&reply.to_bytes().unwrap(), from)
                .await
                .unwrap();
        });
        let mut endpoint = Endpoint::new(client, fast());
        let started = std::time::Instant::now();
        assert_eq!(endpoint.ping().await.unwrap(), expected);
        // Nothing is waited for after the answer: an empty message has no response.
        assert!(started.elapsed() < Duration::from_millis(500));
        answered.await.unwrap();
    }
}
