//! CoAP message exchange (RFC 7252) for the LwM2M checks, on coap-lite's codec: confirmable
//! requests retransmitted with exponential back-off, message-id deduplication, token
//! matching, piggybacked and separate responses, block-wise transfer (RFC 7959), and — on
//! the same socket — the server role, because a LwM2M server sends requests to its client.
//!
//! The exchange runs over any [`Datagram`] link: a connected UDP socket here, a DTLS session
//! for the `-psk` kinds. Every message in or out is kept in a log ([`CoapMessage`]) that the
//! report carries, so the Test panel can draw the conversation as a sequence.

mod endpoint;
mod log;

pub use crate::codec::coap_text::{code_text, uri_text};
pub use endpoint::{Endpoint, Handler};
pub use log::{MessageLog, MAX_MESSAGES};

use serde::Serialize;
use std::io;
use std::time::Duration;
use ts_rs::TS;

/// Something that sends and receives whole datagrams to one peer.
pub trait Datagram: Send + Sync {
    fn send(&self, bytes: &[u8]) -> impl std::future::Future<Output = io::Result<()>> + Send;
    fn recv(&self, buf: &mut [u8]) -> impl std::future::Future<Output = io::Result<usize>> + Send;
}

impl Datagram for tokio::net::UdpSocket {
    async fn send(&self, bytes: &[u8]) -> io::Result<()> {
        tokio::net::UdpSocket::send(self, bytes).await.map(|_| ())
    }

    async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        tokio::net::UdpSocket::recv(self, buf).await
    }
}

/// RFC 7252 §4.8 transmission parameters. The defaults are the RFC's; a tester shortens
/// them (a check must not wait 93 s for a silent server).
#[derive(Debug, Clone, Copy)]
pub struct Transmission {
    pub ack_timeout: Duration,
    pub ack_random_factor: f64,
    pub max_retransmit: u32,
}

impl Default for Transmission {
    fn default() -> Self {
        Transmission {
            ack_timeout: Duration::from_secs(2),
            ack_random_factor: 1.5,
            max_retransmit: 4,
        }
    }
}

impl Transmission {
    /// Parameters that spend about `budget` on one confirmable exchange: the RFC's schedule
    /// (timeouts doubling, four retransmissions) scaled down to fit.
    pub fn within(budget: Duration) -> Transmission {
        let max_retransmit = 4;
        // The waits add up to ack_timeout × (2^(n+1) − 1) at most (random factor 1).
        let slots = f64::from((1u32 << (max_retransmit + 1)) - 1);
        Transmission {
            ack_timeout: Duration::from_secs_f64((budget.as_secs_f64() / slots).max(0.02)),
            ack_random_factor: 1.0,
            max_retransmit,
        }
    }
}

/// One message of the conversation, as the report and the sequence view show it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CoapMessage {
    /// Milliseconds since the exchange began.
    pub at_ms: f64,
    /// `out` (from the device) or `in` (from the server).
    pub direction: String,
    /// `CON`, `NON`, `ACK` or `RST`.
    pub kind: String,
    /// `0.02 POST`, `2.01 Created`, `0.00` for an empty message.
    pub code: String,
    pub message_id: u16,
    /// The token in hex.
    pub token: String,
    /// The request's path and query (`/rd?ep=…`), or a response's Location-Path.
    pub uri: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_format: Option<u16>,
    pub payload_bytes: usize,
    /// What else is worth knowing: a retransmission, a duplicate (empty when nothing).
    pub note: String,
}

/// How a peer answered a CoAP ping. RFC 7252 §4.3 makes an empty confirmable message a
/// liveness check: the usual answer is RST (libcoap, aiocoap, Leshan), but an empty ACK
/// proves the endpoint alive just as well (Eclipse Wakaama sends one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PingReply {
    Reset,
    EmptyAck,
}

impl PingReply {
    pub fn words(self) -> &'static str {
        match self {
            PingReply::Reset => "RST",
            PingReply::EmptyAck => "empty ACK",
        }
    }
}

/// Why an exchange failed (the error type of this area).
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
