//! One CoAP endpoint on one link: the client role (confirmable requests, retransmitted until
//! acknowledged, answered piggybacked or separately, reassembled from Block2) and the server
//! role (requests from the peer answered by a handler, duplicates answered again from a cache,
//! Block1 uploads reassembled) on the same socket.

use super::{CoapError, CoapMessage, Datagram, MessageLog, Transmission};
use crate::codec::coap_text::{block, block_value};
use coap_lite::{CoapOption, MessageClass, MessageType, Packet, ResponseType};
use std::collections::VecDeque;
use std::io;
use std::time::Duration;
use tokio::time::Instant;

/// Answers one request from the peer: gets the request (Block1 already reassembled) and
/// returns the response's code, options and payload; the endpoint sets type, id and token.
pub type Handler<'a> = dyn FnMut(&Packet) -> Packet + Send + 'a;

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

    fn at_ms(&self) -> f64 {
        (self.started.elapsed().as_secs_f64() * 10_000.0).round() / 10.0
    }

    fn record(&mut self, direction: &str, packet: &Packet, note: String) {
        let message = CoapMessage::of_packet(self.at_ms(), direction, packet, note);
        self.log.push(message);
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
            // A flood of datagrams that are not CoAP keeps `recv` ready, and a timeout fires
            // only when its future is pending: the deadline is checked between datagrams too.
            if Instant::now() >= deadline {
                return Ok(Received::Timeout);
            }
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
                        let message = CoapMessage::not_coap(self.at_ms(), n);
                        self.log.push(message);
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
                    if request.header.code == MessageClass::Empty {
                        // A ping: any answer ends it, and an empty message has no response
                        // to wait for (an empty ACK is a valid answer to one).
                        return Ok(packet);
                    }
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

    /// A CoAP ping: an empty confirmable message, which a CoAP endpoint answers with RST (or,
    /// as some servers do, an empty ACK); either proves it alive.
    pub async fn ping(&mut self) -> Result<super::PingReply, CoapError> {
        let mut ping = Packet::new();
        ping.header.code = MessageClass::Empty;
        let mut handler = |_: &Packet| {
            let mut r = Packet::new();
            r.header.code = MessageClass::Response(ResponseType::ServiceUnavailable);
            r
        };
        match self.exchange(ping, &mut handler, Duration::ZERO).await {
            Err(CoapError::Reset) => Ok(super::PingReply::Reset),
            Ok(_) => Ok(super::PingReply::EmptyAck),
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
#[path = "endpoint_tests.rs"]
mod tests;
