//! Failures seen on the wire, as diagnoses: each transport's failure type (a TCP connect,
//! a TLS handshake, a DTLS handshake, a CoAP exchange) mapped to its closed
//! [`DiagnosisCode`] and the evidence a person reads — in one place, so that a check and the
//! virtual device name the same fault the same way.

use super::DiagnosisCode;
use crate::coap::CoapError;
use crate::lwm2m_client;
use crate::net::dtls::DtlsFailure;
use crate::net::tls::Interception;
use crate::net::{tls, ConnectFailure};
use std::net::SocketAddr;
use std::time::Duration;

/// A clock further than this from a server's is a warning (`CLOCK_SKEW`): the `Date` header
/// has one-second resolution and a round trip adds its own, so a minute is well clear of
/// noise and well short of what breaks certificates and tokens.
pub const CLOCK_SKEW_LIMIT_S: i64 = 60;

/// Where a run measured this computer's clock off a server's by more than a minute (a step's
/// `clockOffsetS`), a certificate that looks expired or not yet valid in the same run most
/// likely is not: the evidence of those checks says so, naming the measurement.
pub fn name_the_clock(checks: &mut [super::Check]) {
    let measured = checks.iter().find_map(|check| {
        check.steps.iter().find_map(|step| {
            let offset = step.detail.get("clockOffsetS")?.as_i64()?;
            (offset.abs() > CLOCK_SKEW_LIMIT_S).then(|| (offset, check.endpoint.clone()))
        })
    });
    let Some((offset, endpoint)) = measured else {
        return;
    };
    let way = if offset > 0 { "behind" } else { "ahead of" };
    for check in checks.iter_mut().filter(|c| {
        matches!(
            c.code,
            DiagnosisCode::TlsExpired | DiagnosisCode::TlsNotYetValid
        )
    }) {
        check.evidence.push_str(&format!(
            "; the likely cause is this computer's clock, not the certificate: it is {} s {way} the server at {endpoint} (its HTTP Date header)",
            offset.abs()
        ));
    }
}

/// A proxy that gave no tunnel to `destination` (`host:port`) as a diagnosis and its
/// evidence; the proxy as [`Proxy::shown`](crate::net::proxy_config::Proxy::shown) says it.
pub fn proxy(
    failure: &crate::net::proxy::ProxyFailure,
    proxy: &str,
    destination: &str,
    timeout: Duration,
) -> (DiagnosisCode, String) {
    use crate::net::proxy::ProxyFailure as F;
    match failure {
        F::Resolve(e) => (
            DiagnosisCode::ProxyUnreachable,
            format!("the proxy {proxy} does not resolve: {e}"),
        ),
        F::Unreachable { addr, failure } => {
            let (_, why) = tcp(failure.clone(), *addr, timeout);
            (
                DiagnosisCode::ProxyUnreachable,
                format!("the proxy {proxy} cannot be reached: {why}"),
            )
        }
        F::AuthRequired {
            scheme,
            sent_credentials,
        } => {
            let asked = scheme
                .as_deref()
                .map(|s| format!(" (it asks for {s} authentication)"))
                .unwrap_or_default();
            let what = if *sent_credentials {
                "refused the user name and password in the proxy URL"
            } else {
                "wants credentials, and the proxy URL has none"
            };
            (
                DiagnosisCode::ProxyAuthRequired,
                format!("the proxy {proxy} {what}{asked}"),
            )
        }
        F::Denied { answer } => (
            DiagnosisCode::ProxyDenied,
            format!("the proxy {proxy} refused a tunnel to {destination}: {answer}"),
        ),
        F::Failed { answer, .. } => (
            DiagnosisCode::ProxyError,
            format!("the proxy {proxy} gave no tunnel to {destination}: {answer}"),
        ),
        F::NotHttp(prefix) => (
            DiagnosisCode::ProxyError,
            format!("{proxy} does not answer like an HTTP proxy: it sent \"{prefix}\""),
        ),
        F::Closed => (
            DiagnosisCode::ProxyError,
            format!("the proxy {proxy} closed the connection without answering CONNECT"),
        ),
        F::Timeout => (
            DiagnosisCode::ProxyError,
            format!(
                "the proxy {proxy} did not answer CONNECT within {} ms",
                timeout.as_millis()
            ),
        ),
    }
}

/// A TCP connect failure as a diagnosis and its evidence.
pub fn tcp(
    failure: ConnectFailure,
    addr: SocketAddr,
    timeout: Duration,
) -> (DiagnosisCode, String) {
    match failure {
        ConnectFailure::Refused => (
            DiagnosisCode::TcpRefused,
            format!("{addr} refused the connection"),
        ),
        ConnectFailure::Timeout => (
            DiagnosisCode::TcpTimeout,
            format!("no answer from {addr} within {} ms", timeout.as_millis()),
        ),
        ConnectFailure::Reset => (
            DiagnosisCode::TcpReset,
            format!("{addr} reset the connection"),
        ),
        ConnectFailure::Other(e) => (DiagnosisCode::TcpTimeout, format!("{addr}: {e}")),
    }
}

/// A failed verified handshake as a diagnosis, evidence naming the certificate the server
/// presented, and the step detail with the whole chain.
pub fn tls(
    failure: &tls::TlsFailure,
    seen: &tls::SeenChain,
    endpoint: (&str, u16),
) -> (DiagnosisCode, String, serde_json::Value) {
    let chain: Vec<tls::CertSummary> = seen
        .chain
        .lock()
        .map(|c| c.iter().filter_map(|d| tls::summarise(d)).collect())
        .unwrap_or_default();
    let code = match failure {
        tls::TlsFailure::UntrustedCa(_) => DiagnosisCode::TlsUntrustedCa,
        tls::TlsFailure::HostnameMismatch(_) => DiagnosisCode::TlsHostnameMismatch,
        tls::TlsFailure::Expired(_) => DiagnosisCode::TlsExpired,
        tls::TlsFailure::NotYetValid(_) => DiagnosisCode::TlsNotYetValid,
        tls::TlsFailure::ClientCertRejected(_) => DiagnosisCode::TlsClientCertRejected,
        tls::TlsFailure::Protocol(_) | tls::TlsFailure::Reset(_) => DiagnosisCode::TlsProtocol,
        tls::TlsFailure::Timeout => DiagnosisCode::Timeout,
    };
    let leaf = chain
        .first()
        .map(|c| {
            format!(
                "; the server presented {} (issuer {}, SANs {}, valid {} to {})",
                c.subject,
                c.issuer,
                c.sans.join(" "),
                c.not_before,
                c.not_after
            )
        })
        .unwrap_or_default();
    let mut detail = serde_json::json!({ "error": failure.message(), "chain": chain });
    let mut evidence = format!("{}{leaf}", failure.message());
    if let tls::TlsFailure::UntrustedCa(_) = failure {
        let (host, port) = endpoint;
        let place = crate::report::reproduce::host_port(host, port);
        match seen.interception(host) {
            Some(found) => {
                let (what, why) = match &found {
                    Interception::Product { product, .. } => (
                        format!("{product}, a TLS-inspecting product"),
                        "its issuer names it",
                    ),
                    Interception::PrivateRoot { .. } => (
                        "a private CA where a public one was expected".into(),
                        "the chain ends in it, and it is not among this computer's trusted roots",
                    ),
                };
                detail["interception"] =
                    serde_json::json!({ "issuer": found.issuer(), "by": what });
                return (
                    DiagnosisCode::TlsIntercepted,
                    format!(
                        "the certificate presented for {host} was issued by {} — {what} ({why}), not by the CA the device trusts: a TLS-inspecting firewall or proxy replaced the server's certificate; ask IT to exempt {place} from inspection",
                        found.issuer()
                    ),
                    detail,
                );
            }
            None => {
                let issuer = chain.first().map(|c| c.issuer.clone()).unwrap_or_default();
                evidence = format!(
                    "{}; issued by {issuer}: either the template holds the wrong CA, or a middlebox between here and {place} replaced the certificate",
                    evidence
                );
            }
        }
    }
    if matches!(
        code,
        DiagnosisCode::TlsExpired | DiagnosisCode::TlsNotYetValid
    ) {
        // A validity window is only as good as the clock it is read with: show ours beside it.
        let clock = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
        evidence.push_str(&format!("; this computer's clock says {clock}"));
        detail["clock"] = clock.into();
    }
    (code, evidence, detail)
}

/// A DTLS handshake failure as a diagnosis and its evidence.
pub fn dtls(failure: &DtlsFailure, addr: SocketAddr) -> (DiagnosisCode, String) {
    match failure {
        DtlsFailure::Unreachable => (
            DiagnosisCode::UdpUnreachable,
            format!("{addr} answered ICMP port unreachable to the ClientHello: nothing listens there"),
        ),
        DtlsFailure::NoReply => (
            DiagnosisCode::DtlsNoReply,
            format!("not one datagram came back from {addr}: the port is filtered by a firewall, or nothing listens there and the host stays silent"),
        ),
        DtlsFailure::BadPsk(alert) => (
            DiagnosisCode::DtlsBadPsk,
            format!("{addr} sent {alert} after our key exchange: the key or the identity is wrong"),
        ),
        DtlsFailure::SilentAfterFinished => (
            DiagnosisCode::DtlsBadPsk,
            format!("{addr} fell silent after our Finished — servers built on OpenSSL or tinydtls drop a Finished made with the wrong key without a word: the PSK is probably wrong"),
        ),
        DtlsFailure::Handshake(why) => (DiagnosisCode::DtlsHandshake, format!("{addr}: {why}")),
    }
}

/// A failed exchange as a diagnosis.
pub fn coap(error: &CoapError, what: &str, addr: SocketAddr) -> (DiagnosisCode, String) {
    match error {
        CoapError::Unreachable => (
            DiagnosisCode::UdpUnreachable,
            format!("{addr} answered ICMP port unreachable to the {what}: nothing listens there"),
        ),
        CoapError::NoReply { attempts, waited_ms } => (
            DiagnosisCode::CoapNoReply,
            format!("no answer to the {what} from {addr} after {attempts} transmissions over {waited_ms} ms"),
        ),
        CoapError::NoResponse(ms) => (
            DiagnosisCode::CoapNoReply,
            format!("{addr} acknowledged the {what} but never sent the response ({ms} ms)"),
        ),
        CoapError::Reset => (
            DiagnosisCode::CoapError,
            format!("{addr} answered the {what} with a reset (RST)"),
        ),
        other => (DiagnosisCode::CoapError, format!("the {what}: {other}")),
    }
}

/// A failed phase of the LwM2M client's conversation as a diagnosis: a refusal by the
/// operation it refused, a broken exchange by what broke.
pub fn lwm2m(error: &lwm2m_client::Error, addr: SocketAddr) -> (DiagnosisCode, String) {
    use lwm2m_client::{Error, Operation};
    match error {
        Error::Exchange { operation, source } => coap(source, operation.name(), addr),
        Error::Serving(source) => coap(source, "bootstrap server's requests", addr),
        Error::Refused { operation, .. } => {
            let code = match operation {
                Operation::BootstrapRequest => DiagnosisCode::BootstrapRejected,
                Operation::Register => DiagnosisCode::Lwm2mRegisterRejected,
                Operation::Update => DiagnosisCode::Lwm2mUpdateRejected,
                Operation::Deregister => DiagnosisCode::CoapError,
            };
            (code, error.to_string())
        }
        Error::NoLocation => (DiagnosisCode::PeerProtocolViolation, error.to_string()),
        Error::NoFinish { .. } | Error::Unusable(_) | Error::Lost => {
            (DiagnosisCode::BootstrapIncomplete, error.to_string())
        }
    }
}
