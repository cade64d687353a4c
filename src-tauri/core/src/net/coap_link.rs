//! The link a LwM2M client speaks CoAP over: the connected UDP socket itself, or a DTLS-PSK
//! session on it. The checks and the virtual device open it the same way, so the choice
//! between the two is made once, here, instead of in every caller as two copies of the rest.

use super::dtls::{self, DtlsFailure, DtlsLink, DtlsTrace, Psk};
use std::io;
use std::time::Duration;
use tokio::net::UdpSocket;

/// A CoAP link to one LwM2M server.
pub enum CoapLink {
    Udp(UdpSocket),
    Dtls(DtlsLink),
}

impl crate::coap::Datagram for CoapLink {
    async fn send(&self, bytes: &[u8]) -> io::Result<()> {
        match self {
            CoapLink::Udp(socket) => crate::coap::Datagram::send(socket, bytes).await,
            CoapLink::Dtls(link) => crate::coap::Datagram::send(link, bytes).await,
        }
    }

    async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            CoapLink::Udp(socket) => crate::coap::Datagram::recv(socket, buf).await,
            CoapLink::Dtls(link) => crate::coap::Datagram::recv(link, buf).await,
        }
    }
}

/// A DTLS handshake that did not complete, with what was seen of it.
pub struct HandshakeFailed {
    pub failure: DtlsFailure,
    pub trace: DtlsTrace,
}

/// What opening a link did: the link, and the handshake's trace when there was one.
pub struct Opened {
    pub link: CoapLink,
    pub trace: Option<DtlsTrace>,
}

/// Opens the link over `socket` (connected to the server): as it is without a key, through a
/// DTLS-PSK handshake within `budget` with one.
pub async fn open(
    socket: UdpSocket,
    server_name: &str,
    psk: Option<&Psk>,
    budget: Duration,
) -> Result<Opened, HandshakeFailed> {
    let Some(psk) = psk else {
        return Ok(Opened {
            link: CoapLink::Udp(socket),
            trace: None,
        });
    };
    match dtls::psk_handshake(socket, server_name, psk, budget).await {
        (Ok(link), trace) => Ok(Opened {
            link: CoapLink::Dtls(link),
            trace: Some(trace),
        }),
        (Err(failure), trace) => Err(HandshakeFailed { failure, trace }),
    }
}
