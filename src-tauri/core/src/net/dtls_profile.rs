//! Which PSK cipher suites a DTLS server accepts: one ClientHello per suite, each from a
//! socket of its own (a cookie is bound to the client's address and port), answered by a
//! ServerHello that chose it, an alert, or nothing. No handshake is completed and no key is
//! used, so a profile works whatever the model's PSK. It tells "no suite in common" (Zephyr's
//! default GCM against a CCM_8-only server) from a wrong key, which look alike otherwise.

use crate::codec::dtls_hello::{self as hello, HelloAnswer, PSK_SUITES};
use crate::codec::dtls_records::{alert_name, cipher_name};
use serde::Serialize;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// The suites a server accepted, refused (with its alert) and left unanswered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SuiteProfile {
    pub accepted: Vec<String>,
    /// `TLS_PSK_WITH_AES_128_CBC_SHA: fatal handshake_failure (40)`.
    pub refused: Vec<String>,
    pub unanswered: Vec<String>,
}

impl SuiteProfile {
    /// Whether the server accepts any of `suites` (IANA numbers).
    pub fn accepts_any(&self, suites: &[u16]) -> bool {
        suites
            .iter()
            .any(|s| self.accepted.contains(&cipher_name(*s)))
    }

    /// Whether the profile learned anything: some suite was answered either way.
    pub fn answered(&self) -> bool {
        !self.accepted.is_empty() || !self.refused.is_empty()
    }
}

enum Answer {
    Accepted,
    Refused(String),
    Unanswered,
}

/// Profiles the server at `addr`, every suite at once, within `timeout`; `stop` ends it
/// early (what has not answered by then is unanswered).
pub async fn profile(addr: SocketAddr, timeout: Duration, stop: CancellationToken) -> SuiteProfile {
    let mut probes = tokio::task::JoinSet::new();
    for (order, suite) in PSK_SUITES.into_iter().enumerate() {
        let stop = stop.clone();
        probes.spawn(async move {
            let answer = tokio::select! {
                answer = probe(addr, suite, timeout) => answer,
                _ = stop.cancelled() => Answer::Unanswered,
            };
            (order, suite, answer)
        });
    }
    let mut answers = Vec::new();
    while let Some(joined) = probes.join_next().await {
        if let Ok(answer) = joined {
            answers.push(answer);
        }
    }
    answers.sort_by_key(|(order, _, _)| *order);
    let mut profile = SuiteProfile::default();
    for (_, suite, answer) in answers {
        let name = cipher_name(suite);
        match answer {
            Answer::Accepted => profile.accepted.push(name),
            Answer::Refused(why) => profile.refused.push(format!("{name}: {why}")),
            Answer::Unanswered => profile.unanswered.push(name),
        }
    }
    profile
}

/// One suite: a ClientHello, the cookie round if the server asks, then its choice.
async fn probe(addr: SocketAddr, suite: u16, timeout: Duration) -> Answer {
    let Ok(socket) = super::udp_connected(addr).await else {
        return Answer::Unanswered;
    };
    let mut random = [0u8; 32];
    let _ = getrandom::fill(&mut random);
    let deadline = Instant::now() + timeout;
    let mut datagram = hello::client_hello(random, &[suite], &[], 0);
    let mut cookie_round = false;
    loop {
        match exchange(&socket, &datagram, deadline).await {
            Some(HelloAnswer::Cookie(cookie)) if !cookie_round => {
                cookie_round = true;
                datagram = hello::client_hello(random, &[suite], &cookie, 1);
            }
            Some(HelloAnswer::Chose(chosen)) if chosen == suite => return Answer::Accepted,
            Some(HelloAnswer::Chose(chosen)) => {
                return Answer::Refused(format!("it chose {} instead", cipher_name(chosen)))
            }
            Some(HelloAnswer::Alert(level, description)) => {
                let level = if level == 2 { "fatal" } else { "warning" };
                return Answer::Refused(format!(
                    "{level} {} ({description})",
                    alert_name(description)
                ));
            }
            _ => return Answer::Unanswered,
        }
    }
}

/// Sends `datagram` (again every third of the time left) until an answer to a ClientHello
/// comes or `deadline` passes.
async fn exchange(socket: &UdpSocket, datagram: &[u8], deadline: Instant) -> Option<HelloAnswer> {
    let mut buffer = vec![0u8; 2048];
    let resend = deadline.saturating_duration_since(Instant::now()) / 3;
    loop {
        socket.send(datagram).await.ok()?;
        let wait_until = (Instant::now() + resend.max(Duration::from_millis(20))).min(deadline);
        loop {
            if Instant::now() >= wait_until {
                break;
            }
            match tokio::time::timeout_at(wait_until, socket.recv(&mut buffer)).await {
                Err(_) => break,
                Ok(Err(_)) => return None,
                Ok(Ok(n)) => match hello::read_answer(&buffer[..n]) {
                    HelloAnswer::Other => continue,
                    answer => return Some(answer),
                },
            }
        }
        if Instant::now() >= deadline {
            return None;
        }
    }
}
