//! A host's addresses, tried one by one: what each TCP attempt gave, whether the host works
//! over one address family and not the other (a device that prefers the broken one stalls,
//! while a laptop that falls back quickly never notices), and the evidence for either.
//! The TCP rung does the connecting; this module only reads its attempts.

use crate::net::ConnectFailure;
use crate::report::{diagnose, DiagnosisCode};
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::TcpStream;

/// One connection attempt to one address.
pub(super) struct Attempt {
    pub addr: SocketAddr,
    /// `None` once connected (the stream is taken by the rung), else why not.
    pub failure: Option<(ConnectFailure, DiagnosisCode, String)>,
    stream: Option<TcpStream>,
}

impl Attempt {
    pub fn of(
        addr: SocketAddr,
        outcome: Result<TcpStream, ConnectFailure>,
        timeout: Duration,
    ) -> Attempt {
        match outcome {
            Ok(stream) => Attempt {
                addr,
                failure: None,
                stream: Some(stream),
            },
            Err(failure) => {
                let (code, evidence) = diagnose::tcp(failure.clone(), addr, timeout);
                Attempt {
                    addr,
                    failure: Some((failure, code, evidence)),
                    stream: None,
                }
            }
        }
    }

    /// The connected stream, once; a probe's stream is dropped with the attempt.
    pub fn take_stream(&mut self) -> Option<TcpStream> {
        self.stream.take()
    }

    pub fn ok(&self) -> bool {
        self.failure.is_none()
    }

    /// The attempt as the step's `addresses` list shows it.
    pub fn json(&self) -> serde_json::Value {
        let outcome = match &self.failure {
            None => "ok",
            Some((ConnectFailure::Refused, ..)) => "refused",
            Some((ConnectFailure::Timeout, ..)) => "timeout",
            Some((ConnectFailure::Reset, ..)) => "reset",
            Some((ConnectFailure::Other(_), ..)) => "error",
        };
        let mut value = json!({
            "address": self.addr.to_string(),
            "family": family(self.addr.ip()),
            "outcome": outcome,
        });
        if let Some((_, _, evidence)) = &self.failure {
            value["error"] = evidence.clone().into();
        }
        value
    }
}

fn family(ip: IpAddr) -> &'static str {
    if ip.is_ipv4() {
        "IPv4"
    } else {
        "IPv6"
    }
}

/// The first address of each family that has addresses but no attempt yet.
pub(super) fn untried_families(ips: &[IpAddr], attempts: &[Attempt]) -> Vec<IpAddr> {
    let tried = |v4: bool| attempts.iter().any(|a| a.addr.is_ipv4() == v4);
    [true, false]
        .into_iter()
        .filter(|v4| !tried(*v4))
        .filter_map(|v4| ips.iter().copied().find(|ip| ip.is_ipv4() == v4))
        .collect()
}

/// The warning's evidence when one family works and every tried address of the other
/// failed, else `None`.
pub(super) fn partial(attempts: &[Attempt]) -> Option<String> {
    let working = attempts.iter().find(|a| a.ok())?;
    let broken: Vec<&Attempt> = attempts
        .iter()
        .filter(|a| a.addr.is_ipv4() != working.addr.is_ipv4())
        .collect();
    if broken.is_empty() || broken.iter().any(|a| a.ok()) {
        return None;
    }
    let failed: Vec<String> = broken
        .iter()
        .filter_map(|a| a.failure.as_ref().map(|(_, _, why)| why.clone()))
        .collect();
    let broken_family = family(broken[0].addr.ip());
    Some(format!(
        "{broken_family}: {}; {} {} works: a device that tries {broken_family} first will stall or fail",
        failed.join(", "),
        family(working.addr.ip()),
        working.addr,
    ))
}

/// The rung's failure when no address connected: the first address's code, with every
/// address's evidence when there were several.
pub(super) fn all_failed(attempts: &[Attempt]) -> (DiagnosisCode, String) {
    let failures: Vec<(DiagnosisCode, &str)> = attempts
        .iter()
        .filter_map(|a| {
            a.failure
                .as_ref()
                .map(|(_, code, why)| (*code, why.as_str()))
        })
        .collect();
    match failures.as_slice() {
        [] => (
            DiagnosisCode::DnsFailed,
            "the host has no address to connect to".into(),
        ),
        [(code, why)] => (*code, why.to_string()),
        [(code, _), ..] => {
            let each: Vec<&str> = failures.iter().map(|(_, why)| *why).collect();
            (*code, format!("no address connected: {}", each.join("; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attempt(addr: &str, failure: Option<ConnectFailure>) -> Attempt {
        let addr: SocketAddr = addr.parse().unwrap();
        let timeout = Duration::from_millis(500);
        match failure {
            None => Attempt {
                addr,
                failure: None,
                stream: None,
            },
            Some(f) => Attempt::of(addr, Err(f), timeout),
        }
    }

    #[test]
    fn one_family_broken_is_named_with_the_one_that_works() {
        let attempts = [
            attempt("[::1]:8883", Some(ConnectFailure::Timeout)),
            attempt("127.0.0.1:8883", None),
        ];
        let evidence = partial(&attempts).unwrap();
        assert!(
            evidence.starts_with("IPv6: no answer from [::1]:8883 within 500 ms"),
            "{evidence}"
        );
        assert!(evidence.contains("IPv4 127.0.0.1:8883 works"), "{evidence}");
        assert!(
            evidence.contains("tries IPv6 first will stall"),
            "{evidence}"
        );
        assert_eq!(attempts[0].json()["outcome"], "timeout");
        assert_eq!(attempts[1].json()["family"], "IPv4");
    }

    #[test]
    fn both_families_working_or_one_family_only_is_no_warning() {
        let both = [attempt("[::1]:1883", None), attempt("127.0.0.1:1883", None)];
        assert_eq!(partial(&both), None);
        let v4_only = [attempt("127.0.0.1:1883", None)];
        assert_eq!(partial(&v4_only), None);
        // Two IPv4 addresses, one dead: a fallback within the family, not a family problem.
        let same_family = [
            attempt("127.0.0.2:1883", Some(ConnectFailure::Refused)),
            attempt("127.0.0.1:1883", None),
        ];
        assert_eq!(partial(&same_family), None);
    }

    #[test]
    fn untried_families_get_one_probe_each() {
        let ips: Vec<IpAddr> = ["::1", "::2", "127.0.0.1", "127.0.0.2"]
            .iter()
            .map(|ip| ip.parse().unwrap())
            .collect();
        let first_worked = [attempt("[::1]:1", None)];
        assert_eq!(
            untried_families(&ips, &first_worked),
            ["127.0.0.1".parse::<IpAddr>().unwrap()]
        );
        let both_tried = [
            attempt("[::1]:1", Some(ConnectFailure::Refused)),
            attempt("127.0.0.1:1", None),
        ];
        assert!(untried_families(&ips, &both_tried).is_empty());
    }

    #[test]
    fn every_address_failing_keeps_the_first_code_and_lists_each() {
        let one = [attempt("127.0.0.1:1", Some(ConnectFailure::Refused))];
        assert_eq!(
            all_failed(&one),
            (
                DiagnosisCode::TcpRefused,
                "127.0.0.1:1 refused the connection".into()
            )
        );
        let two = [
            attempt("[::1]:1", Some(ConnectFailure::Timeout)),
            attempt("127.0.0.1:1", Some(ConnectFailure::Refused)),
        ];
        let (code, evidence) = all_failed(&two);
        assert_eq!(code, DiagnosisCode::TcpTimeout);
        assert!(
            evidence.starts_with("no address connected: no answer from [::1]:1"),
            "{evidence}"
        );
        assert!(
            evidence.ends_with("127.0.0.1:1 refused the connection"),
            "{evidence}"
        );
    }
}
