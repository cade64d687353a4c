//! How large a UDP datagram gets from here to a server: datagrams of chosen sizes that the
//! server answers without keeping state — a CoAP request carrying a payload for a plain CoAP
//! port, a ClientHello padded with RFC 7685's padding extension for a DTLS port — the full
//! size first, then CoAP's planning size, then halving the gap below it. A server may take
//! no message over the planning size (libcoap does not), so a loss above it is no sign. A path that drops
//! large datagrams (a tunnel, a VPN, a mobile link, a firewall with a length rule) stalls a
//! DTLS handshake with certificates or a large Register without a word; this names it.

use crate::codec::{dtls_hello, probe_frames};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;
use ts_rs::TS;

/// The largest UDP payload an IPv4 path with a 1,500-byte MTU carries.
pub const FULL: usize = 1472;
/// The smallest size tried: a server that does not answer this does not answer at all.
pub const SMALLEST: usize = 200;
/// RFC 7252 §4.6: the size CoAP assumes when the path MTU is not known.
pub const COAP_PLANNING_SIZE: usize = 1152;

/// What a measurement found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PathMtu {
    /// The largest datagram (UDP payload bytes) that got an answer.
    pub largest_bytes: u32,
    /// The smallest that got none, when one did not.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_bytes: Option<u32>,
    /// Every size tried, and whether it was answered, in order.
    pub tried: Vec<(u32, bool)>,
}

/// Which datagram the server at the far end answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    Coap,
    DtlsHello,
}

/// Measures the path to `addr`; each size is sent twice at most within `per_size`, but the
/// planning size gets `decisive` — the whole rung's time — since a slow server (one that
/// acknowledges late under load) must not pass for a path that drops. `None` when not even
/// the smallest datagram is answered (the server is silent to probes; the check's own rungs
/// say more).
pub async fn measure(
    addr: SocketAddr,
    probe: Probe,
    (per_size, decisive): (Duration, Duration),
) -> Option<PathMtu> {
    let mut tried = Vec::new();
    let mut answered = |size: usize, ok: bool| {
        tried.push((size as u32, ok));
        ok
    };
    if answered(FULL, arrives(addr, probe, FULL, per_size).await) {
        return Some(PathMtu {
            largest_bytes: FULL as u32,
            lost_bytes: None,
            tried,
        });
    }
    // CoAP's planning size next: a server may take no larger message (libcoap's limit sits
    // there), and what a device needs is that much, so past it the path is fine either way.
    if answered(
        COAP_PLANNING_SIZE,
        arrives(addr, probe, COAP_PLANNING_SIZE, decisive.max(per_size)).await,
    ) {
        return Some(PathMtu {
            largest_bytes: COAP_PLANNING_SIZE as u32,
            lost_bytes: Some(FULL as u32),
            tried,
        });
    }
    if !answered(SMALLEST, arrives(addr, probe, SMALLEST, per_size).await) {
        return None;
    }
    let (mut good, mut bad) = (SMALLEST, COAP_PLANNING_SIZE);
    while bad - good > 32 {
        let middle = good + (bad - good) / 2;
        if answered(middle, arrives(addr, probe, middle, per_size).await) {
            good = middle;
        } else {
            bad = middle;
        }
    }
    Some(PathMtu {
        largest_bytes: good as u32,
        lost_bytes: Some(bad as u32),
        tried,
    })
}

/// Whether a datagram of `size` bytes gets an answer within `per_size` (sent twice).
async fn arrives(addr: SocketAddr, probe: Probe, size: usize, per_size: Duration) -> bool {
    let Ok(socket) = super::udp_connected(addr).await else {
        return false;
    };
    let mut random = [0u8; 32];
    let _ = getrandom::fill(&mut random);
    let message_id = u16::from_be_bytes([random[0], random[1]]);
    let datagram = match probe {
        Probe::Coap => {
            probe_frames::coap_padded_get(message_id, [random[2], random[3], 7, 7], size)
        }
        Probe::DtlsHello => dtls_hello::padded_client_hello(random, size),
    };
    let deadline = Instant::now() + per_size;
    let mut buffer = vec![0u8; 2048];
    for attempt in 0..2u32 {
        if socket.send(&datagram).await.is_err() {
            return false;
        }
        let wait_until = (Instant::now() + per_size / 2).min(deadline);
        loop {
            if Instant::now() >= wait_until {
                break;
            }
            match tokio::time::timeout_at(wait_until, socket.recv(&mut buffer)).await {
                Err(_) | Ok(Err(_)) => break,
                Ok(Ok(n)) if answers(probe, &buffer[..n], message_id) => return true,
                Ok(Ok(_)) => continue,
            }
        }
        if attempt == 1 || Instant::now() >= deadline {
            break;
        }
    }
    false
}

fn answers(probe: Probe, reply: &[u8], message_id: u16) -> bool {
    match probe {
        Probe::Coap => {
            probe_frames::parse_coap_header(reply).is_some_and(|(_, _, id)| id == message_id)
        }
        Probe::DtlsHello => !matches!(
            probe_frames::classify_dtls_reply(reply),
            probe_frames::DtlsReply::NotDtls
        ),
    }
}
