//! The registration rungs of the LwM2M ladder, over any CoAP link (plain UDP, or a DTLS
//! session): a CoAP ping, Register (2.01 with a Location-Path), a short window in which the
//! server's reads of the offered objects are answered, Update (2.04) and De-register (2.02).
//! Every rung's detail carries its messages, for the sequence view.

use super::ladder::Ladder;
use super::FirstN;
use crate::coap::{self, CoapError, CoapMessage, Endpoint, MessageLog};
use crate::lwm2m::registration::{self, ServedRequest, TestDevice};
use crate::lwm2m_client;
use crate::report::diagnose;
use crate::report::{Check, DiagnosisCode, Verdict};
use coap_lite::Packet;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::time::Instant;

/// DESIGN.md §7: a registration lifetime of 300 s.
pub const LIFETIME_S: u32 = 300;
/// The longest wait for the server's first read after registering (a server that reads
/// nothing is fine).
const READ_WINDOW: Duration = Duration::from_millis(1500);
/// How long a server that has started reading may pause before it is taken to be done.
const QUIET_AFTER_READS: Duration = Duration::from_millis(300);
/// The least a server is given to send its first read: servers that read on registration
/// (LoopCloud's, Leshan's with a registration listener) do so within tens of milliseconds of
/// the 2.01; our test peer waits 100 ms on purpose.
const FIRST_READ_FLOOR: Duration = Duration::from_millis(500);
/// A first read comes one round trip after our Register at the earliest; this many of the
/// slowest round trip seen (ping, Register) on top of [`FIRST_READ_FLOOR`] covers a slow path.
const READ_WAIT_ROUND_TRIPS: u32 = 4;

/// How long to wait for the server's first read: scaled to the path, so a check against a
/// near server that reads nothing does not sit out a fixed 1.5 s, while a far or slow one still
/// gets its chance. Reads that come later are still answered during Update and De-register.
pub(super) fn first_read_wait(slowest_round_trip: Duration, timeout: Duration) -> Duration {
    (FIRST_READ_FLOOR + slowest_round_trip * READ_WAIT_ROUND_TRIPS)
        .min(READ_WINDOW)
        .min(timeout)
}

/// The messages logged since `from` (a [`MessageLog::position`]), for a rung's detail.
pub(super) fn messages_since(log: &MessageLog, from: usize) -> Vec<CoapMessage> {
    log.since(from)
}

/// The CoAP rungs, over any link (plain UDP here, DTLS for the `-psk` kind).
pub(super) async fn climb<D: coap::Datagram>(
    mut ladder: Ladder,
    endpoint: &mut Endpoint<D>,
    name: &str,
    addr: SocketAddr,
    timeout: Duration,
) -> Check {
    let device = TestDevice::new(name);
    // What the server asked for, filled in by the handler whenever a request comes.
    let served: std::sync::Mutex<FirstN<ServedRequest>> = std::sync::Mutex::new(FirstN::new(64));
    let served_so_far = || served.lock().map(|s| s.kept.clone()).unwrap_or_default();
    let asked_so_far = || served.lock().map(|s| s.total).unwrap_or_default();

    // CoAP ping
    let started = Instant::now();
    let from = endpoint.log.position();
    let reply = match endpoint.ping().await {
        Ok(reply) => reply,
        Err(e) => {
            let detail =
                json!({ "error": e.to_string(), "messages": messages_since(&endpoint.log, from) });
            ladder.step("coap-ping", false, started, detail);
            let (code, evidence) = match &e {
            CoapError::NoReply { attempts, waited_ms } => (
                DiagnosisCode::UdpNoReply,
                format!("no answer to a CoAP ping from {addr} after {attempts} tries over {waited_ms} ms"),
            ),
            other => diagnose::coap(other, "CoAP ping", addr),
        };
            return ladder.fail(code, evidence);
        }
    };
    let detail = json!({ "reply": reply.words(), "messages": messages_since(&endpoint.log, from) });
    let ping_round_trip = started.elapsed();
    ladder.step("coap-ping", true, started, detail);

    // Register
    let started = Instant::now();
    let from = endpoint.log.position();
    let lifetime = ladder.ctx.lwm2m_lifetime_s;
    let links = device.links();
    let mut handler = |request: &Packet| {
        let (reply, record) = registration::answer(&device, request);
        if let Ok(mut served) = served.lock() {
            served.push(record);
        }
        reply
    };
    let registration = (name, lifetime, links.as_slice());
    let registered = lwm2m_client::register(endpoint, registration, &mut handler, timeout).await;
    let location = match registered {
        Ok(location) => location,
        Err(e) => return failed(ladder, "register", started, (&e, endpoint, from), addr),
    };
    let location_text = registration::location_text(&location);
    let detail = json!({
        "location": location_text,
        "lifetime": lifetime,
        "endpoint": name,
        "messages": messages_since(&endpoint.log, from),
    });
    let register_round_trip = started.elapsed();
    ladder.step("register", true, started, detail);

    // The server's reads, answered while registered.
    let started = Instant::now();
    let from = endpoint.log.position();
    let window = first_read_wait(ping_round_trip.max(register_round_trip), timeout);
    // Until the first read or the end of the wait; once the server has asked something, until
    // it pauses for QUIET_AFTER_READS — within the whole READ_WINDOW (a chatty server must
    // not hold the check) and the rung's timeout.
    let first_read_by = started + window;
    let ceiling = started + READ_WINDOW.min(timeout);
    let mut outcome = Ok(false);
    loop {
        let now = Instant::now();
        let until = if asked_so_far() == 0 {
            first_read_by
        } else {
            (now + QUIET_AFTER_READS).min(ceiling)
        };
        if now >= until {
            break;
        }
        outcome = endpoint.serve(until, &mut handler, &mut |_| true).await;
        if !matches!(outcome, Ok(true)) {
            break; // quiet (or failed)
        }
    }
    let detail = json!({
        "windowMs": window.as_millis(),
        "requests": served_so_far(),
        "requestsAnswered": asked_so_far(),
        "messages": messages_since(&endpoint.log, from),
    });
    if let Err(e) = outcome {
        ladder.step("serve-reads", false, started, detail);
        let (code, evidence) = diagnose::coap(&e, "server's requests", addr);
        return ladder.fail(code, evidence);
    }
    ladder.step("serve-reads", true, started, detail);

    // Update
    let started = Instant::now();
    let from = endpoint.log.position();
    let updated = lwm2m_client::update(endpoint, &location, &mut handler, timeout).await;
    if let Err(e) = updated {
        return failed(ladder, "update", started, (&e, endpoint, from), addr);
    }
    let detail =
        json!({ "location": location_text, "messages": messages_since(&endpoint.log, from) });
    ladder.step("update", true, started, detail);

    // De-register
    let started = Instant::now();
    let from = endpoint.log.position();
    let removed = lwm2m_client::deregister(endpoint, &location, &mut handler, timeout).await;
    if let Err(e) = removed {
        return failed(ladder, "deregister", started, (&e, endpoint, from), addr);
    }
    let detail =
        json!({ "location": location_text, "messages": messages_since(&endpoint.log, from) });
    ladder.step("deregister", true, started, detail);
    let served = served_so_far();
    let asked = if served.is_empty() {
        format!("the server read nothing in {} ms", window.as_millis())
    } else {
        let paths: Vec<String> = served
            .iter()
            .map(|r| format!("{} {} → {}", r.method, r.path, r.code))
            .collect();
        format!("answered {}", paths.join(", "))
    };
    ladder.finish(
        Verdict::Pass,
        DiagnosisCode::Ok,
        format!("registered at {location_text} (lifetime {lifetime} s), {asked}, updated and de-registered"),
    )
}

/// A failed registration rung: its detail (the server's code and diagnostic when it
/// refused, the error otherwise, and the rung's messages), then the diagnosis.
fn failed<D: coap::Datagram>(
    mut ladder: Ladder,
    rung: &str,
    started: Instant,
    (error, endpoint, from): (&lwm2m_client::Error, &Endpoint<D>, usize),
    addr: SocketAddr,
) -> Check {
    let messages = messages_since(&endpoint.log, from);
    let detail = match error {
        lwm2m_client::Error::Refused {
            code, diagnostic, ..
        } => json!({ "code": code, "diagnostic": diagnostic, "messages": messages }),
        other => json!({ "error": other.to_string(), "messages": messages }),
    };
    ladder.step(rung, false, started, detail);
    let (code, evidence) = diagnose::lwm2m(error, addr);
    ladder.fail(code, evidence)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_read_wait_grows_with_the_path_up_to_the_read_window() {
        let ms = Duration::from_millis;
        let timeout = ms(5000);
        assert_eq!(first_read_wait(ms(1), timeout), ms(504), "loopback");
        assert_eq!(first_read_wait(ms(120), timeout), ms(980), "a far server");
        assert_eq!(
            first_read_wait(ms(900), timeout),
            READ_WINDOW,
            "never past the window"
        );
        assert_eq!(
            first_read_wait(ms(1), ms(200)),
            ms(200),
            "never past the rung timeout"
        );
    }
}
