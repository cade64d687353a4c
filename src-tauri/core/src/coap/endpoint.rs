//! One CoAP endpoint on one link: the client role (confirmable requests, retransmitted until
//! acknowledged, answered piggybacked or separately, reassembled from Block2) and the server
//! role (requests from the peer answered by a handler, duplicates answered again from a cache,
//! Block1 uploads reassembled) on the same socket.

use super::{CoapMessage, Datagram, MessageLog, Transmission};
use coap_lite::{CoapOption, MessageClass, MessageType, Packet, ResponseType};
use std::collections::VecDeque;
use std::io;
use std::time::Duration;
use tokio::time::Instant;

/// Answers one request from the peer: gets the request (Block1 already reassembled) and
/// returns the response's code, options and payload; the endpoint sets type, id and token.
pub type Handler<'a> = dyn FnMut(&Packet) -> Packet + Send + 'a;

/// Why an exchange failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoapError {
    #[error("no reply after {attempts} transmissions over {waited_ms} ms")]
    NoReply { attempts: u32, waited_ms: u128 },
    #[error("the server acknowledged the request but sent no response within {0} ms")]
    NoResponse(u128),
    #[error("the server answered with a reset (RST)")]
    Reset,
    #[error("ICMP port unreachable: nothing listens on that UDP port")]
    Unreachable,
    #[error("the request cannot be encoded: {0}")]
    Encode(String),
    #[error("the response is larger than {0} bytes")]
    TooLarge(usize),
    #[error("the block-wise download broke the rules: {0}")]
    Blocks(String),
    #[error("the whole exchange took longer than {0} ms")]
    Overdue(u128),
    #[error("network error: {0}")]
    Io(String),
}

/// The most a reassembled body may hold (Block1 uploads and Block2 downloads alike).
const BODY_LIMIT: usize = 256 * 1024;
/// The most blocks one Block2 download may take (1024 × 16-byte blocks is 16 KB; a LwM2M
/// payload is far smaller, and a bigger block size reaches the body limit first).
const MAX_BLOCKS: u32 = 1024;
/// How many recent message ids from the peer are remembered for deduplication.
const DEDUP_WINDOW: usize = 64;

pub struct Endpoint<D: Datagram> {
    link: D,
    params: Transmission,
    next_mid: u16,
    /// Replies already sent, by the peer's message id, for answering duplicates.
    recent: VecDeque<(u16, Vec<u8>)>,
    /// A Block1 upload being reassembled: its Uri-Path and the bytes so far.
    upload: Option<(Vec<Vec<u8>>, Vec<u8>)>,
    started: Instant,
    /// Every message in and out, the newest [`super::MAX_MESSAGES`] of them.
    pub log: MessageLog,
    /// Message ids the peer answered with RST outside an exchange (a server cancelling an
    /// observation by resetting its notification); the newest few only.
    pub resets: VecDeque<u16>,
}

fn random_u32() -> u32 {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    u32::from_be_bytes(bytes)
}

fn kind_word(t: MessageType) -> &'static str {
    match t {
        MessageType::Confirmable => "CON",
        MessageType::NonConfirmable => "NON",
        MessageType::Acknowledgement => "ACK",
        MessageType::Reset => "RST",
    }
}

/// `0.02 POST`, `2.01 Created`, `0.00`.
pub fn code_text(class: MessageClass) -> String {
    match class {
        MessageClass::Empty => "0.00".into(),
        MessageClass::Request(r) => format!("{class} {}", format!("{r:?}").to_uppercase()),
        MessageClass::Response(r) => format!("{class} {r:?}"),
        MessageClass::Reserved(_) => format!("{class}"),
    }
}

fn options_text(packet: &Packet, option: CoapOption) -> Vec<String> {
    packet
        .get_option(option)
        .map(|values| {
            values
                .iter()
                .map(|v| String::from_utf8_lossy(v).into_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// A request's path and query, or a response's Location-Path, as one string.
pub fn uri_text(packet: &Packet) -> String {
    let path = options_text(packet, CoapOption::UriPath);
    let location = options_text(packet, CoapOption::LocationPath);
    if !path.is_empty() {
        let query = options_text(packet, CoapOption::UriQuery);
        let mut uri = format!("/{}", path.join("/"));
        if !query.is_empty() {
            uri.push('?');
            uri.push_str(&query.join("&"));
        }
        uri
    } else if !location.is_empty() {
        format!("/{}", location.join("/"))
    } else {
        String::new()
    }
}

fn content_format(packet: &Packet) -> Option<u16> {
    packet
        .get_first_option(CoapOption::ContentFormat)
        .map(|v| v.iter().fold(0u16, |a, b| (a << 8) | u16::from(*b)))
}

/// A Block1/Block2 option: block number, more flag, size exponent (size = 2^(szx+4)).
fn block(packet: &Packet, option: CoapOption) -> Option<(u32, bool, u8)> {
    let raw = packet.get_first_option(option)?;
    let value = raw.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
    Some((value >> 4, value & 0x08 != 0, (value & 0x07) as u8))
}

fn block_value(num: u32, more: bool, szx: u8) -> Vec<u8> {
    let value = (num << 4) | (u32::from(more) << 3) | u32::from(szx & 0x07);
    let bytes = value.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(4);
    bytes[first..].to_vec()
}

fn is_request(packet: &Packet) -> bool {
    matches!(packet.header.code, MessageClass::Request(_))
}

enum Received {
    Packet(Packet),
    Timeout,
}

impl<D: Datagram> Endpoint<D> {
    pub fn new(link: D, params: Transmission) -> Self {
        Endpoint {
            link,
            params,
            next_mid: random_u32() as u16,
            recent: VecDeque::new(),
            upload: None,
            started: Instant::now(),
            log: MessageLog::default(),
            resets: VecDeque::new(),
        }
    }

    fn mid(&mut self) -> u16 {
        self.next_mid = self.next_mid.wrapping_add(1);
        self.next_mid
    }

    fn record(&mut self, direction: &str, packet: &Packet, note: String) {
        let at_ms = (self.started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
        self.log.push(CoapMessage {
            at_ms,
            direction: direction.into(),
            kind: kind_word(packet.header.get_type()).into(),
            code: code_text(packet.header.code),
            message_id: packet.header.message_id,
            token: packet
                .get_token()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            uri: uri_text(packet),
            content_format: content_format(packet),
            payload_bytes: packet.payload.len(),
            note,
        });
    }

    async fn send(&mut self, packet: &Packet, note: String) -> Result<Vec<u8>, CoapError> {
        let bytes = packet
            .to_bytes()
            .map_err(|e| CoapError::Encode(format!("{e:?}")))?;
        self.record("out", packet, note);
        self.link.send(&bytes).await.map_err(io_error)?;
        Ok(bytes)
    }

    async fn receive(&mut self, deadline: Instant) -> Result<Received, CoapError> {
        let mut buf = vec![0u8; 2048];
        loop {
            match tokio::time::timeout_at(deadline, self.link.recv(&mut buf)).await {
                Err(_) => return Ok(Received::Timeout),
                Ok(Err(e)) => return Err(io_error(e)),
                Ok(Ok(n)) => match Packet::from_bytes(&buf[..n]) {
                    Ok(packet) => {
                        self.record("in", &packet, String::new());
                        return Ok(Received::Packet(packet));
                    }
                    Err(_) => {
                        // Not CoAP: noted, then ignored, as RFC 7252 §4.2 says.
                        let at_ms =
                            (self.started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0;
                        self.log.push(CoapMessage {
                            at_ms,
                            direction: "in".into(),
                            kind: "?".into(),
                            code: String::new(),
                            message_id: 0,
                            token: String::new(),
                            uri: String::new(),
                            content_format: None,
                            payload_bytes: n,
                            note: format!("{n} bytes that are not a CoAP message, ignored"),
                        });
                    }
                },
            }
        }
    }

    /// Sends a confirmable request and returns the whole response (Block2 reassembled).
    /// Requests the peer sends meanwhile are answered by `handler`. `response_wait` bounds the
    /// wait for a separate response after an empty ACK.
    pub async fn request(
        &mut self,
        request: Packet,
        handler: &mut Handler<'_>,
        response_wait: Duration,
    ) -> Result<Packet, CoapError> {
        let mut response = self
            .exchange(request.clone(), handler, response_wait)
            .await?;
        let mut body = std::mem::take(&mut response.payload);
        let mut blocks = 1;
        while let Some((num, true, szx)) = block(&response, CoapOption::Block2) {
            // A peer must make progress: an empty block, a block other than the one asked
            // for, or no end would otherwise keep the download going for ever.
            if blocks == 1 && body.is_empty() {
                return Err(CoapError::Blocks(format!(
                    "block {num} of a Block2 download is empty"
                )));
            }
            if blocks >= MAX_BLOCKS {
                return Err(CoapError::Blocks(format!(
                    "the download did not end within {MAX_BLOCKS} blocks"
                )));
            }
            let wanted = num + 1;
            let mut next = request.clone();
            next.clear_option(CoapOption::Block2);
            next.add_option(CoapOption::Block2, block_value(wanted, false, szx));
            response = self.exchange(next, handler, response_wait).await?;
            blocks += 1;
            match block(&response, CoapOption::Block2) {
                Some((got, _, _)) if got == wanted => {}
                got => {
                    return Err(CoapError::Blocks(format!(
                        "asked for block {wanted}, got {}",
                        got.map_or("no block option".to_string(), |(n, _, _)| format!(
                            "block {n}"
                        ))
                    )))
                }
            }
            if response.payload.is_empty() {
                return Err(CoapError::Blocks(format!(
                    "block {wanted} of a Block2 download is empty"
                )));
            }
            body.extend_from_slice(&response.payload);
            if body.len() > BODY_LIMIT {
                return Err(CoapError::TooLarge(BODY_LIMIT));
            }
        }
        response.payload = body;
        Ok(response)
    }

    /// [`Endpoint::request`] with a limit on the whole of it, Block2 included: a peer that
    /// answers each block just before it would be retransmitted cannot hold a long-running
    /// device for hours.
    pub async fn request_within(
        &mut self,
        request: Packet,
        handler: &mut Handler<'_>,
        response_wait: Duration,
        limit: Duration,
    ) -> Result<Packet, CoapError> {
        match tokio::time::timeout(limit, self.request(request, handler, response_wait)).await {
            Ok(result) => result,
            Err(_) => Err(CoapError::Overdue(limit.as_millis())),
        }
    }

    /// One confirmable request/response, with retransmission.
    async fn exchange(
        &mut self,
        mut request: Packet,
        handler: &mut Handler<'_>,
        response_wait: Duration,
    ) -> Result<Packet, CoapError> {
        let mid = self.mid();
        let mut token = [0u8; 8];
        let _ = getrandom::fill(&mut token);
        request.header.message_id = mid;
        request.header.set_type(MessageType::Confirmable);
        if request.header.code != MessageClass::Empty {
            // An empty message (a ping) carries no token (RFC 7252 §4.1).
            request.set_token(token.to_vec());
        }
        let factor = 1.0
            + (self.params.ack_random_factor - 1.0).max(0.0) * f64::from(random_u32())
                / f64::from(u32::MAX);
        let mut timeout = self.params.ack_timeout.mul_f64(factor);
        let first_sent = Instant::now();
        let bytes = self.send(&request, String::new()).await?;
        let mut attempt = 0;
        let mut acked = false;
        let mut deadline = Instant::now() + timeout;
        loop {
            let packet = match self.receive(deadline).await? {
                Received::Timeout if acked => {
                    return Err(CoapError::NoResponse(response_wait.as_millis()))
                }
                Received::Timeout if attempt >= self.params.max_retransmit => {
                    return Err(CoapError::NoReply {
                        attempts: attempt + 1,
                        waited_ms: first_sent.elapsed().as_millis(),
                    })
                }
                Received::Timeout => {
                    attempt += 1;
                    timeout *= 2;
                    self.record("out", &request, format!("retransmission {attempt}"));
                    self.link.send(&bytes).await.map_err(io_error)?;
                    deadline = Instant::now() + timeout;
                    continue;
                }
                Received::Packet(p) => p,
            };
            let ours = packet.get_token() == token.as_slice();
            match packet.header.get_type() {
                MessageType::Reset if packet.header.message_id == mid => {
                    return Err(CoapError::Reset)
                }
                MessageType::Acknowledgement if packet.header.message_id == mid => {
                    if packet.header.code == MessageClass::Empty {
                        // The wait for the separate response starts at the first empty ACK;
                        // a peer repeating it cannot push the deadline out.
                        if !acked {
                            acked = true;
                            deadline = Instant::now() + response_wait;
                        }
                    } else if ours {
                        return Ok(packet);
                    }
                }
                MessageType::Confirmable | MessageType::NonConfirmable if is_request(&packet) => {
                    self.answer(packet, handler).await?;
                }
                MessageType::Confirmable | MessageType::NonConfirmable if ours => {
                    // A separate response: acknowledge it if it asks.
                    if packet.header.get_type() == MessageType::Confirmable {
                        self.acknowledge(&packet).await?;
                    }
                    return Ok(packet);
                }
                MessageType::Reset => self.note_reset(packet.header.message_id),
                _ => {} // a stray message: not ours
            }
        }
    }

    async fn acknowledge(&mut self, packet: &Packet) -> Result<(), CoapError> {
        let mut ack = Packet::new();
        ack.header.set_type(MessageType::Acknowledgement);
        ack.header.message_id = packet.header.message_id;
        ack.header.code = MessageClass::Empty;
        self.send(&ack, String::new()).await.map(|_| ())
    }

    /// Answers a request from the peer (or repeats the answer to a duplicate).
    async fn answer(
        &mut self,
        request: Packet,
        handler: &mut Handler<'_>,
    ) -> Result<(), CoapError> {
        let mid = request.header.message_id;
        if let Some((_, cached)) = self.recent.iter().find(|(m, _)| *m == mid) {
            let cached = cached.clone();
            if let Some(last) = self.log.last_mut() {
                last.note = "duplicate: the earlier answer is sent again".into();
            }
            return self.link.send(&cached).await.map_err(io_error);
        }
        let confirmable = request.header.get_type() == MessageType::Confirmable;
        let mut reply = match block(&request, CoapOption::Block1) {
            Some((num, more, szx)) => self.reassemble(&request, num, more, szx),
            None => None,
        }
        .unwrap_or_else(|| {
            let mut whole = request.clone();
            if block(&request, CoapOption::Block1).is_some() {
                if let Some((_, body)) = self.upload.take() {
                    whole.payload = body;
                }
            }
            handler(&whole)
        });
        if confirmable {
            reply.header.set_type(MessageType::Acknowledgement);
            reply.header.message_id = mid;
        } else {
            reply.header.set_type(MessageType::NonConfirmable);
            reply.header.message_id = self.mid();
        }
        reply.set_token(request.get_token().to_vec());
        let bytes = self.send(&reply, String::new()).await?;
        self.recent.push_back((mid, bytes));
        if self.recent.len() > DEDUP_WINDOW {
            self.recent.pop_front();
        }
        Ok(())
    }

    /// Takes one Block1 block; `Some(reply)` while more are to come (2.31 Continue, or an
    /// error), `None` once the last block is in and the whole body is in `self.upload`.
    fn reassemble(&mut self, request: &Packet, num: u32, more: bool, szx: u8) -> Option<Packet> {
        let path: Vec<Vec<u8>> = request
            .get_option(CoapOption::UriPath)
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default();
        let size = 1usize << (usize::from(szx) + 4);
        let fresh = num == 0 || self.upload.as_ref().is_none_or(|(p, _)| *p != path);
        if fresh {
            self.upload = Some((path, Vec::new()));
        }
        let body = &mut self.upload.as_mut()?.1;
        let expected_at = num as usize * size;
        let mut reply = Packet::new();
        if body.len() != expected_at || body.len() + request.payload.len() > BODY_LIMIT {
            self.upload = None;
            reply.header.code = MessageClass::Response(ResponseType::RequestEntityIncomplete);
            return Some(reply);
        }
        body.extend_from_slice(&request.payload);
        if more {
            reply.header.code = MessageClass::Response(ResponseType::Continue);
            reply.add_option(CoapOption::Block1, block_value(num, true, szx));
            Some(reply)
        } else {
            None
        }
    }

    /// Answers the peer's requests until `until`, or until `done` says a request it just
    /// answered ends the conversation (Bootstrap-Finish). Returns whether `done` was met.
    pub async fn serve(
        &mut self,
        until: Instant,
        handler: &mut Handler<'_>,
        done: &mut (dyn FnMut(&Packet) -> bool + Send),
    ) -> Result<bool, CoapError> {
        loop {
            match self.receive(until).await? {
                Received::Timeout => return Ok(false),
                Received::Packet(packet) if is_request(&packet) => {
                    let finished = done(&packet);
                    self.answer(packet, handler).await?;
                    if finished {
                        return Ok(true);
                    }
                }
                Received::Packet(packet) if packet.header.get_type() == MessageType::Reset => {
                    self.note_reset(packet.header.message_id);
                }
                Received::Packet(packet) => {
                    if packet.header.get_type() == MessageType::Confirmable {
                        // A response we are not waiting for: reject it (RFC 7252 §4.2).
                        let mut reset = Packet::new();
                        reset.header.set_type(MessageType::Reset);
                        reset.header.message_id = packet.header.message_id;
                        self.send(&reset, "not expected".into()).await?;
                    }
                }
            }
        }
    }

    fn note_reset(&mut self, mid: u16) {
        if self.resets.len() == DEDUP_WINDOW {
            self.resets.pop_front();
        }
        self.resets.push_back(mid);
    }

    /// Sends a response on its own, unasked — an Observe notification — as a non-confirmable
    /// message (RFC 7641 §4.5 allows it); returns its message id, so an RST can be matched.
    pub async fn notify(&mut self, mut response: Packet, note: String) -> Result<u16, CoapError> {
        let mid = self.mid();
        response.header.set_type(MessageType::NonConfirmable);
        response.header.message_id = mid;
        self.send(&response, note).await?;
        Ok(mid)
    }

    /// A CoAP ping: an empty confirmable message, which a CoAP endpoint answers with RST.
    pub async fn ping(&mut self) -> Result<(), CoapError> {
        let mut ping = Packet::new();
        ping.header.code = MessageClass::Empty;
        let mut handler = |_: &Packet| {
            let mut r = Packet::new();
            r.header.code = MessageClass::Response(ResponseType::ServiceUnavailable);
            r
        };
        match self.exchange(ping, &mut handler, Duration::ZERO).await {
            Err(CoapError::Reset) => Ok(()),
            Ok(_) => Ok(()),
            Err(e) => Err(e),
        }
    }
}

fn io_error(e: io::Error) -> CoapError {
    if e.kind() == io::ErrorKind::ConnectionRefused {
        CoapError::Unreachable
    } else {
        CoapError::Io(e.to_string())
    }
}

#[cfg(test)]
mod tests {
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
            r.payload = uri_text(request).into_bytes();
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

    #[test]
    fn codes_and_block_values_read_as_people_write_them() {
        assert_eq!(
            code_text(MessageClass::Request(RequestType::Post)),
            "0.02 POST"
        );
        assert_eq!(
            code_text(MessageClass::Response(ResponseType::Created)),
            "2.01 Created"
        );
        assert_eq!(block_value(0, false, 0), Vec::<u8>::new());
        assert_eq!(block_value(1, true, 6), vec![0x1e]);
        let mut p = Packet::new();
        p.add_option(CoapOption::Block2, vec![0x1e]);
        assert_eq!(block(&p, CoapOption::Block2), Some((1, true, 6)));
    }
}
