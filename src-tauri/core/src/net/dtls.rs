//! DTLS 1.2 with pre-shared keys (RFC 4279) on webrtc-dtls, as the `lwm2m-psk` and
//! `lwm2m-bootstrap-psk` checks need it: the identity and key from the template, LwM2M's
//! mandatory TLS_PSK_WITH_AES_128_CCM_8 offered first (then AES_128_GCM_SHA256 and
//! AES_128_CCM), the server name set explicitly, and a budget for the whole handshake — the
//! library retransmits for ever on its own.
//!
//! The UDP socket under the library is wrapped so that every datagram is also read by
//! [`crate::codec::dtls_records`]: when the handshake fails, the failure is classified from
//! what the wire showed — nothing at all, ICMP unreachable, a fatal alert before or after our
//! key exchange, or silence after our Finished (OpenSSL peers drop a wrong-key Finished).

use crate::codec::dtls_records::{self as records, RecordSummary};
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;
use webrtc_dtls::cipher_suite::CipherSuiteId;
use webrtc_dtls::config::{Config, ExtendedMasterSecretType};
use webrtc_dtls::conn::DTLSConn;
use webrtc_util::conn::Conn;

/// What the handshake showed on the wire, for the report (never the key).
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DtlsTrace {
    pub datagrams_sent: u32,
    pub datagrams_received: u32,
    /// The server asked for a cookie (HelloVerifyRequest).
    pub cookie_exchange: bool,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<String>,
    /// The PSK identity hint the server sent, as text.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_identity_hint: Option<String>,
    /// The first alert the server sent in clear text: `fatal unknown_psk_identity (115)`.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    pub encrypted_alert: bool,
    #[serde(skip)]
    #[ts(skip)]
    alert_after_key_exchange: bool,
    pub key_exchange_sent: bool,
    pub finished_sent: bool,
    pub server_finished: bool,
    pub unreachable: bool,
    /// Flights we sent again (the same handshake message twice): a lossy or slow link.
    pub retransmissions: u32,
    /// From our first datagram to the server's first answer.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_answer_ms: Option<f64>,
    #[serde(skip)]
    #[ts(skip)]
    started: Option<std::time::Instant>,
    #[serde(skip)]
    #[ts(skip)]
    sent_sequences: Vec<u16>,
}

impl DtlsTrace {
    fn saw_sent(&mut self, datagram: &[u8]) {
        self.datagrams_sent += 1;
        self.started.get_or_insert_with(std::time::Instant::now);
        for seq in records::handshake_sequences(datagram) {
            if self.sent_sequences.contains(&seq) {
                self.retransmissions += 1;
            } else if self.sent_sequences.len() < 64 {
                self.sent_sequences.push(seq);
            }
        }
        for r in records::records(datagram) {
            if r.handshake_type == Some(records::CLIENT_KEY_EXCHANGE) {
                self.key_exchange_sent = true;
            }
            if r.content_type == records::CHANGE_CIPHER_SPEC {
                self.finished_sent = true;
            }
        }
    }

    fn saw_received(&mut self, datagram: &[u8]) {
        self.datagrams_received += 1;
        if self.first_answer_ms.is_none() {
            self.first_answer_ms = self
                .started
                .map(|t| (t.elapsed().as_secs_f64() * 10_000.0).round() / 10.0);
        }
        for r in records::records(datagram) {
            self.note(&r);
        }
    }

    fn note(&mut self, r: &RecordSummary) {
        if r.handshake_type == Some(records::HELLO_VERIFY_REQUEST) {
            self.cookie_exchange = true;
        }
        if let Some(id) = r.cipher_suite {
            self.cipher_suite = Some(records::cipher_name(id));
        }
        if let Some(hint) = &r.identity_hint {
            // The peer's text: shown escaped and cut to a line.
            let hint = String::from_utf8_lossy(hint);
            self.server_identity_hint = Some(crate::text::printable(&hint, 128));
        }
        if r.content_type == records::CHANGE_CIPHER_SPEC {
            self.server_finished = true;
        }
        if r.content_type == records::ALERT {
            match r.alert {
                Some((level, description)) if self.alert.is_none() => {
                    let level = if level == 2 { "fatal" } else { "warning" };
                    self.alert = Some(format!(
                        "{level} {} ({description})",
                        records::alert_name(description)
                    ));
                    self.alert_after_key_exchange = self.key_exchange_sent;
                }
                None if r.epoch > 0 => self.encrypted_alert = true,
                _ => {}
            }
        }
    }
}

/// Why a PSK handshake failed, told from what the wire showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DtlsFailure {
    /// ICMP port unreachable: nothing listens on the port.
    Unreachable,
    /// Not one datagram came back: the port is filtered, or nothing listens and the host
    /// says nothing.
    NoReply,
    /// A fatal alert after our key exchange, or an encrypted one: the key or the identity.
    BadPsk(String),
    /// Our Finished went out and the server fell silent: OpenSSL drops a Finished made
    /// with the wrong key without a word.
    SilentAfterFinished,
    /// Anything else: an alert to our ClientHello (no shared cipher suite), a server that
    /// stopped mid-way, an error from the library.
    Handshake(String),
}

/// A connected UDP socket that shows every datagram to the trace and can be shut, so the
/// library's reader task ends when a handshake is given up.
struct ObservedUdp {
    socket: UdpSocket,
    trace: Arc<Mutex<DtlsTrace>>,
    shut: CancellationToken,
    /// Told when ICMP says nothing listens: no point waiting out the budget then.
    unreachable: Arc<tokio::sync::Notify>,
}

fn shut_error() -> webrtc_util::Error {
    webrtc_util::Error::Other("the check is over".into())
}

#[async_trait::async_trait]
impl Conn for ObservedUdp {
    async fn connect(&self, addr: SocketAddr) -> webrtc_util::Result<()> {
        Ok(self.socket.connect(addr).await?)
    }

    async fn recv(&self, buf: &mut [u8]) -> webrtc_util::Result<usize> {
        tokio::select! {
            _ = self.shut.cancelled() => Err(shut_error()),
            received = self.socket.recv(buf) => match received {
                Ok(n) => {
                    if let Ok(mut t) = self.trace.lock() {
                        t.saw_received(&buf[..n]);
                    }
                    Ok(n)
                }
                Err(e) => {
                    if e.kind() == std::io::ErrorKind::ConnectionRefused {
                        if let Ok(mut t) = self.trace.lock() {
                            t.unreachable = true;
                        }
                        self.unreachable.notify_one();
                    }
                    Err(e.into())
                }
            }
        }
    }

    async fn recv_from(&self, buf: &mut [u8]) -> webrtc_util::Result<(usize, SocketAddr)> {
        let n = self.recv(buf).await?;
        Ok((n, self.socket.peer_addr()?))
    }

    async fn send(&self, buf: &[u8]) -> webrtc_util::Result<usize> {
        if self.shut.is_cancelled() {
            return Err(shut_error());
        }
        if let Ok(mut t) = self.trace.lock() {
            t.saw_sent(buf);
        }
        Ok(self.socket.send(buf).await?)
    }

    async fn send_to(&self, buf: &[u8], _target: SocketAddr) -> webrtc_util::Result<usize> {
        self.send(buf).await
    }

    fn local_addr(&self) -> webrtc_util::Result<SocketAddr> {
        Ok(self.socket.local_addr()?)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        self.socket.peer_addr().ok()
    }

    async fn close(&self) -> webrtc_util::Result<()> {
        self.shut.cancel();
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

/// An established DTLS session, usable as a CoAP link; shut when dropped.
pub struct DtlsLink {
    conn: Arc<DTLSConn>,
    shut: CancellationToken,
}

impl crate::coap::Datagram for DtlsLink {
    async fn send(&self, bytes: &[u8]) -> std::io::Result<()> {
        self.conn
            .write(bytes, None)
            .await
            .map(|_| ())
            .map_err(|e| std::io::Error::other(e.to_string()))
    }

    async fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.conn
            .read(buf, None)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

impl Drop for DtlsLink {
    fn drop(&mut self) {
        let conn = self.conn.clone();
        let shut = self.shut.clone();
        // Say close_notify if we still can, then stop the library's reader task. Outside a
        // runtime (being dropped while it shuts down) there is no one to say it to: just stop.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    let _ = tokio::time::timeout(Duration::from_millis(200), conn.close()).await;
                    shut.cancel();
                });
            }
            Err(_) => shut.cancel(),
        }
    }
}

pub use crate::psk::{KeyReading, Psk};

/// The PSK suites our handshake offers (IANA numbers), in order: LwM2M's mandatory
/// TLS_PSK_WITH_AES_128_CCM_8, then AES_128_GCM_SHA256 and AES_128_CCM — every PSK suite
/// webrtc-dtls has.
pub const OFFERED_SUITES: [u16; 3] = [0xc0a8, 0x00a8, 0xc0a4];

/// Runs a PSK handshake over `socket` (connected to the server) within `budget`.
pub async fn psk_handshake(
    socket: UdpSocket,
    server_name: &str,
    psk: &Psk,
    budget: Duration,
) -> (Result<DtlsLink, DtlsFailure>, DtlsTrace) {
    let trace = Arc::new(Mutex::new(DtlsTrace::default()));
    let shut = CancellationToken::new();
    let unreachable = Arc::new(tokio::sync::Notify::new());
    let conn: Arc<dyn Conn + Send + Sync> = Arc::new(ObservedUdp {
        socket,
        trace: trace.clone(),
        shut: shut.clone(),
        unreachable: unreachable.clone(),
    });
    let key = psk.key.clone();
    let config = Config {
        psk: Some(Arc::new(move |_hint: &[u8]| Ok(key.to_vec()))),
        // For a client this is the identity it sends.
        psk_identity_hint: Some(psk.identity.clone()),
        cipher_suites: OFFERED_SUITES
            .iter()
            .map(|id| CipherSuiteId::from(*id))
            .collect(),
        server_name: server_name.to_string(),
        extended_master_secret: ExtendedMasterSecretType::Request,
        // Resend a lost flight several times within the budget (the default is every 1 s).
        flight_interval: (budget / 6).max(Duration::from_millis(50)),
        ..Default::default()
    };
    let handshake = tokio::time::timeout(budget, DTLSConn::new(conn, config, true, None));
    let outcome = tokio::select! {
        outcome = handshake => outcome,
        _ = unreachable.notified() => Ok(Err(webrtc_dtls::Error::Other("ICMP port unreachable".into()))),
    };
    let snapshot = || trace.lock().map(|t| t.clone()).unwrap_or_default();
    match outcome {
        Ok(Ok(conn)) => (
            Ok(DtlsLink {
                conn: Arc::new(conn),
                shut,
            }),
            snapshot(),
        ),
        Ok(Err(e)) => {
            shut.cancel();
            let seen = snapshot();
            (Err(classify(&seen, Some(e.to_string()))), seen)
        }
        Err(_) => {
            shut.cancel();
            let seen = snapshot();
            (Err(classify(&seen, None)), seen)
        }
    }
}

fn classify(seen: &DtlsTrace, error: Option<String>) -> DtlsFailure {
    if seen.unreachable {
        return DtlsFailure::Unreachable;
    }
    if seen.datagrams_received == 0 {
        return DtlsFailure::NoReply;
    }
    if let Some(alert) = &seen.alert {
        return if seen.alert_after_key_exchange {
            DtlsFailure::BadPsk(alert.clone())
        } else {
            DtlsFailure::Handshake(format!("the server answered our ClientHello with {alert}"))
        };
    }
    if seen.encrypted_alert {
        return DtlsFailure::BadPsk("an encrypted alert after our Finished".into());
    }
    if seen.finished_sent && !seen.server_finished {
        return DtlsFailure::SilentAfterFinished;
    }
    DtlsFailure::Handshake(
        error.unwrap_or_else(|| {
            "the server stopped answering in the middle of the handshake".into()
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace() -> DtlsTrace {
        DtlsTrace {
            datagrams_received: 2,
            ..Default::default()
        }
    }

    #[test]
    fn failures_are_told_apart_by_what_the_wire_showed() {
        assert_eq!(classify(&DtlsTrace::default(), None), DtlsFailure::NoReply);
        let unreachable = DtlsTrace {
            unreachable: true,
            ..trace()
        };
        assert_eq!(classify(&unreachable, None), DtlsFailure::Unreachable);
        let silent = DtlsTrace {
            key_exchange_sent: true,
            finished_sent: true,
            ..trace()
        };
        assert_eq!(classify(&silent, None), DtlsFailure::SilentAfterFinished);
        let mut alerted = DtlsTrace {
            key_exchange_sent: true,
            ..trace()
        };
        alerted.note(&RecordSummary {
            content_type: records::ALERT,
            epoch: 0,
            handshake_type: None,
            alert: Some((2, 80)),
            cipher_suite: None,
            identity_hint: None,
        });
        assert_eq!(
            classify(&alerted, None),
            DtlsFailure::BadPsk("fatal internal_error (80)".into())
        );
        let mut early = trace();
        early.note(&RecordSummary {
            content_type: records::ALERT,
            epoch: 0,
            handshake_type: None,
            alert: Some((2, 40)),
            cipher_suite: None,
            identity_hint: None,
        });
        assert!(
            matches!(classify(&early, None), DtlsFailure::Handshake(m) if m.contains("handshake_failure"))
        );
    }
}
