//! The LwM2M client's conversations with a server, over any CoAP link, written once for
//! the checks (which report each phase as a rung, with its messages) and the virtual device
//! (which logs it and carries on): Register with its Location-Path, Update, De-register, and
//! bootstrap ([`bootstrap::Bootstrap`]: the request, the server's writes until Finish, what
//! it provisioned).
//!
//! Each phase ends in a typed [`Error`]; what a failure means for the person (the diagnosis,
//! a line in the demo log) is the caller's to say, in `report/diagnose.rs` for the checks.

pub mod bootstrap;

use crate::coap::{self, CoapError, Datagram, Endpoint, Handler};
use crate::codec::link_format::Link;
use crate::lwm2m::registration;
use coap_lite::{MessageClass, Packet, ResponseType};
use std::fmt;
use std::time::Duration;

/// The longest one whole exchange (retransmissions, the wait for a separate response,
/// Block2 included) may take, in exchange timeouts: a peer that keeps the exchange alive
/// without ever finishing it cannot hold the client for longer.
pub const EXCHANGE_LIMIT_FACTOR: u32 = 3;

/// A request of the client's, as the errors and the report name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    BootstrapRequest,
    Register,
    Update,
    Deregister,
}

impl Operation {
    pub fn name(self) -> &'static str {
        match self {
            Operation::BootstrapRequest => "Bootstrap-Request",
            Operation::Register => "Register",
            Operation::Update => "Update",
            Operation::Deregister => "De-register",
        }
    }

    /// Who answers it.
    pub fn peer(self) -> &'static str {
        match self {
            Operation::BootstrapRequest => "bootstrap server",
            _ => "server",
        }
    }

    /// The code the server answers when the operation succeeds.
    fn success(self) -> ResponseType {
        match self {
            Operation::BootstrapRequest | Operation::Update => ResponseType::Changed,
            Operation::Register => ResponseType::Created,
            Operation::Deregister => ResponseType::Deleted,
        }
    }
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How a phase of the client's conversation failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The exchange itself failed: no answer, ICMP unreachable, a broken link, a peer that
    /// broke CoAP.
    #[error("{operation}: {source}")]
    Exchange {
        operation: Operation,
        #[source]
        source: CoapError,
    },
    /// The server answered, with another code than the operation's success.
    #[error("the {} answered {operation} with {code}{}", operation.peer(), parenthesised(diagnostic))]
    Refused {
        operation: Operation,
        code: String,
        /// The diagnostic payload the server sent with its refusal, if any.
        diagnostic: String,
    },
    #[error("the server answered 2.01 Created without a Location-Path, so the registration cannot be updated or removed")]
    NoLocation,
    #[error("the bootstrap server's requests: {0}")]
    Serving(#[source] CoapError),
    #[error("{}", no_finish(*.operations))]
    NoFinish { operations: usize, waited_ms: u128 },
    #[error("bootstrap finished, but what it provisioned cannot be used: {0}")]
    Unusable(#[from] crate::lwm2m::bootstrap::Unusable),
    #[error("the bootstrap's state was lost (a handler panicked)")]
    Lost,
}

pub type Result<T> = std::result::Result<T, Error>;

fn parenthesised(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(" ({text})")
    }
}

fn no_finish(operations: usize) -> String {
    if operations == 0 {
        "the bootstrap server accepted the request but sent nothing".into()
    } else {
        format!("the bootstrap server sent {operations} requests but never Bootstrap-Finish")
    }
}

/// One of the client's requests, bounded as a whole, answered with the operation's success
/// code — or the error saying what came instead. The server's own requests meanwhile go to
/// `handler`.
pub async fn exchange<D: Datagram>(
    endpoint: &mut Endpoint<D>,
    operation: Operation,
    request: Packet,
    handler: &mut Handler<'_>,
    timeout: Duration,
) -> Result<Packet> {
    let limit = timeout * EXCHANGE_LIMIT_FACTOR;
    let response = endpoint
        .request_within(request, handler, timeout, limit)
        .await
        .map_err(|source| Error::Exchange { operation, source })?;
    if response.header.code == MessageClass::Response(operation.success()) {
        return Ok(response);
    }
    Err(Error::Refused {
        operation,
        code: coap::code_text(response.header.code),
        diagnostic: String::from_utf8_lossy(&response.payload).into_owned(),
    })
}

/// Register: the registration's location (its Location-Path segments, never empty).
pub async fn register<D: Datagram>(
    endpoint: &mut Endpoint<D>,
    (name, lifetime_s, links): (&str, u32, &[Link]),
    handler: &mut Handler<'_>,
    timeout: Duration,
) -> Result<Vec<String>> {
    let request = registration::register_request(name, lifetime_s, links);
    let created = exchange(endpoint, Operation::Register, request, handler, timeout).await?;
    let location = registration::location(&created);
    if location.is_empty() {
        return Err(Error::NoLocation);
    }
    Ok(location)
}

/// Update of the registration at `location`.
pub async fn update<D: Datagram>(
    endpoint: &mut Endpoint<D>,
    location: &[String],
    handler: &mut Handler<'_>,
    timeout: Duration,
) -> Result<()> {
    let request = registration::update_request(location);
    exchange(endpoint, Operation::Update, request, handler, timeout).await?;
    Ok(())
}

/// De-register of the registration at `location`.
pub async fn deregister<D: Datagram>(
    endpoint: &mut Endpoint<D>,
    location: &[String],
    handler: &mut Handler<'_>,
    timeout: Duration,
) -> Result<()> {
    let request = registration::deregister_request(location);
    exchange(endpoint, Operation::Deregister, request, handler, timeout).await?;
    Ok(())
}
