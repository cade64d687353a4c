//! The rungs of a UDP ladder (LwM2M and bootstrap): the socket, then the link — plain, or a
//! DTLS-PSK handshake; when the server refuses it early, its PSK cipher suites are profiled,
//! so a handshake that fails for want of a common suite says so, with the server's list.

use super::ladder::Ladder;
use crate::codec::dtls_records::cipher_name;
use crate::net::coap_link::{self, CoapLink, HandshakeFailed, Opened};
use crate::net::dtls::{DtlsFailure, KeyReading, Psk, OFFERED_SUITES};
use crate::net::dtls_profile::{self, SuiteProfile};
use crate::net::path_mtu;
use crate::report::diagnose;
use crate::report::reproduce::Command;
use crate::report::DiagnosisCode;
use serde_json::json;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::time::Instant;

impl Ladder {
    /// A UDP rung (`rung` names it: `udp`, `server-udp`): a socket connected to `addr`, so
    /// that ICMP errors come back to it.
    pub(super) async fn udp(
        &mut self,
        rung: &str,
        addr: SocketAddr,
    ) -> Result<UdpSocket, (DiagnosisCode, String)> {
        let started = Instant::now();
        match crate::net::udp_connected(addr).await {
            Ok(socket) => {
                let local = socket
                    .local_addr()
                    .map(|a| a.to_string())
                    .unwrap_or_default();
                let detail = json!({ "local": local, "server": addr.to_string() });
                self.step(rung, true, started, detail);
                Ok(socket)
            }
            Err(e) => {
                self.step(rung, false, started, json!({ "error": e }));
                Err((DiagnosisCode::UdpUnreachable, format!("{addr}: {e}")))
            }
        }
    }

    /// The LwM2M link over `socket`: the socket itself without a key; with one, a DTLS-PSK
    /// handshake as rung `rung` (`dtls`, `server-dtls`), its detail `detail` plus the
    /// handshake's trace and the server's suite profile. A failed handshake names the check's
    /// reproduce line `openssl`, when given, since the CoAP line would not get as far.
    pub(super) async fn coap_link(
        &mut self,
        rung: &str,
        socket: UdpSocket,
        (host, addr): (&str, SocketAddr),
        psk: Option<(&Psk, &[KeyReading])>,
        mut detail: serde_json::Map<String, serde_json::Value>,
        openssl: Option<Command>,
    ) -> Result<CoapLink, (DiagnosisCode, String)> {
        let started = Instant::now();
        let budget = self.ctx.rung_timeout;
        let Some((psk, readings)) = psk else {
            return match coap_link::open(socket, host, None, budget).await {
                Ok(opened) => Ok(opened.link),
                Err(failed) => Err(diagnose::dtls(&failed.failure, addr)),
            };
        };
        let opened = coap_link::open(socket, host, Some(psk), budget).await;
        // A handshake the server refused early may have found no suite in common: then its
        // suites are profiled. Not on every run: each profile leaves half-open sessions on the
        // server, which stalls servers that complete handshakes one at a time and crowds
        // constrained ones (the sweep profiles on request, `--dtls-profile`).
        let profile = match &opened {
            Err(HandshakeFailed {
                failure: DtlsFailure::Handshake(_),
                ..
            }) => Some(dtls_profile::profile(addr, budget, self.ctx.cancel.clone()).await),
            _ => None,
        };
        if let Some(profile) = &profile {
            detail.insert("suites".into(), json!(profile));
        }
        match opened {
            Ok(Opened { link, trace }) => {
                detail.insert("trace".into(), json!(trace));
                self.step(rung, true, started, detail.into());
                Ok(link)
            }
            Err(HandshakeFailed { failure, trace }) => {
                detail.insert("trace".into(), json!(trace));
                // A key the server refuses may be the right key read the wrong way.
                let wrong_key = matches!(
                    failure,
                    DtlsFailure::BadPsk(_) | DtlsFailure::SilentAfterFinished
                );
                let reread = if wrong_key {
                    let (tried, worked) = self.reread(readings, (host, addr)).await;
                    if !tried.is_empty() {
                        detail.insert("readingsTried".into(), json!(tried));
                    }
                    worked
                } else {
                    None
                };
                self.step(rung, false, started, detail.into());
                if let Some(reading) = reread {
                    let (_, refused) = diagnose::dtls(&failure, addr);
                    return Err((
                        DiagnosisCode::DtlsPskEncoding,
                        format!(
                            "the key as the template has it is refused ({refused}), but the {} works: {}",
                            reading.label, reading.advice
                        ),
                    ));
                }
                if let Some(openssl) = openssl {
                    self.reproduce = openssl.into();
                }
                Err(profile
                    .and_then(|p| no_common_suite(&p))
                    .unwrap_or_else(|| diagnose::dtls(&failure, addr)))
            }
        }
    }
}

impl Ladder {
    /// The path-MTU rung: the largest datagram that reaches `addr` and gets an answer; below
    /// CoAP's planning size (RFC 7252 §4.6: 1,152 bytes) it is a warning, `PATH_MTU_LOW`. It
    /// never fails a check.
    pub(super) async fn path_mtu(&mut self, addr: SocketAddr, probe: path_mtu::Probe) {
        let started = Instant::now();
        // A clear path answers the full size at once; a size that goes unanswered costs
        // this, so it is short (the planning size, which decides, gets the rung's time).
        let per_size = (self.ctx.rung_timeout / 6)
            .clamp(Duration::from_millis(100), Duration::from_millis(250));
        let measured = tokio::select! {
            measured = path_mtu::measure(addr, probe, (per_size, self.ctx.rung_timeout)) => measured,
            _ = self.ctx.cancel.cancelled() => None,
        };
        let Some(found) = measured else {
            let detail = json!({ "note": "no probe was answered: not measured" });
            self.step("path-mtu", true, started, detail);
            return;
        };
        if (found.largest_bytes as usize) < path_mtu::COAP_PLANNING_SIZE {
            let lost = found
                .lost_bytes
                .map(|b| format!(", {b} did not"))
                .unwrap_or_default();
            self.warn(
                DiagnosisCode::PathMtuLow,
                format!(
                    "UDP datagrams over about {} bytes are dropped on the path to {addr} ({} got an answer{lost}): DTLS with certificates or a large Register will stall; set the device's MTU or fragment size below that (a link that loses datagrams looks alike: see the retransmissions)",
                    found.largest_bytes, found.largest_bytes
                ),
            );
        }
        self.step("path-mtu", true, started, json!(found));
    }

    /// Tries each other reading of the key material once (each on a socket of its own, with
    /// half the rung's time); the readings tried and whether they worked, and the first that
    /// did.
    async fn reread<'r>(
        &self,
        readings: &'r [KeyReading],
        (host, addr): (&str, SocketAddr),
    ) -> (Vec<serde_json::Value>, Option<&'r KeyReading>) {
        let budget = self.ctx.rung_timeout / 2;
        let mut tried = Vec::new();
        for reading in readings.iter().take(3) {
            if self.ctx.cancel.is_cancelled() {
                break;
            }
            let Ok(socket) = crate::net::udp_connected(addr).await else {
                break;
            };
            let worked = coap_link::open(socket, host, Some(&reading.psk), budget)
                .await
                .is_ok();
            tried.push(json!({ "reading": reading.label, "worked": worked }));
            if worked {
                return (tried, Some(reading));
            }
        }
        (tried, None)
    }
}

/// A refused handshake with a server whose profile accepts none of the suites we offered:
/// no suite in common, named with the server's own.
fn no_common_suite(profile: &SuiteProfile) -> Option<(DiagnosisCode, String)> {
    if !profile.answered() || profile.accepts_any(&OFFERED_SUITES) {
        return None;
    }
    let ours: Vec<String> = OFFERED_SUITES.iter().map(|s| cipher_name(*s)).collect();
    let theirs = if profile.accepted.is_empty() {
        "none of the PSK suites asked about".to_string()
    } else {
        profile.accepted.join(", ")
    };
    Some((
        DiagnosisCode::DtlsNoCommonSuite,
        format!(
            "no cipher suite in common: the server accepts {theirs}; we offered {} (LwM2M's mandatory CCM_8 first) — a device must offer one the server accepts",
            ours.join(", ")
        ),
    ))
}
