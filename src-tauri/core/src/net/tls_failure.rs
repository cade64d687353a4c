//! Why a TLS handshake failed, in the classes a report names: rustls's error (or the
//! alert the server sent) read into an untrusted CA, a name mismatch, an expired
//! or not yet valid certificate, a refused client certificate, a reset, or a protocol failure.

/// Why a verified handshake failed, as the report names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TlsFailure {
    UntrustedCa(String),
    HostnameMismatch(String),
    Expired(String),
    NotYetValid(String),
    ClientCertRejected(String),
    /// Anything else: no shared version or cipher, not TLS at all, a closed connection.
    Protocol(String),
    /// The peer (or a middlebox) reset the connection during the handshake. Both look alike
    /// on the wire — a plain service that drops our ClientHello resets too — so it is
    /// reported as `TLS_PROTOCOL` with words that name both.
    Reset(String),
    Timeout,
}

impl TlsFailure {
    /// `cert_asked`: the server sent a CertificateRequest we answered with no certificate, so
    /// a handshake-failure alert is about that (TLS 1.2 servers that insist end so).
    pub(super) fn classify(error: &std::io::Error, cert_asked: bool) -> TlsFailure {
        use rustls::{AlertDescription as A, CertificateError as C, Error as E};
        let text = error.to_string();
        if crate::net::is_reset(error) {
            return TlsFailure::Reset(format!(
                "the connection was reset during the TLS handshake ({text}): the port does not speak TLS, or a firewall or proxy cut it"
            ));
        }
        let Some(tls) = error.get_ref().and_then(|e| e.downcast_ref::<E>()) else {
            return TlsFailure::Protocol(text);
        };
        match tls {
            E::InvalidCertificate(
                C::UnknownIssuer | C::BadSignature | C::UnhandledCriticalExtension,
            ) => TlsFailure::UntrustedCa(text),
            E::InvalidCertificate(C::NotValidForName | C::NotValidForNameContext { .. }) => {
                TlsFailure::HostnameMismatch(text)
            }
            E::InvalidCertificate(C::Expired | C::ExpiredContext { .. }) => {
                TlsFailure::Expired(text)
            }
            E::InvalidCertificate(C::NotValidYet | C::NotValidYetContext { .. }) => {
                TlsFailure::NotYetValid(text)
            }
            E::AlertReceived(
                A::CertificateRequired | A::BadCertificate | A::UnknownCA | A::CertificateUnknown,
            ) => TlsFailure::ClientCertRejected(text),
            E::AlertReceived(A::HandshakeFailure | A::AccessDenied) if cert_asked => {
                TlsFailure::ClientCertRejected(text)
            }
            _ => TlsFailure::Protocol(text),
        }
    }

    pub fn message(&self) -> String {
        match self {
            TlsFailure::UntrustedCa(m)
            | TlsFailure::HostnameMismatch(m)
            | TlsFailure::Expired(m)
            | TlsFailure::NotYetValid(m)
            | TlsFailure::ClientCertRejected(m)
            | TlsFailure::Protocol(m)
            | TlsFailure::Reset(m) => m.clone(),
            TlsFailure::Timeout => "no TLS handshake within the time limit".into(),
        }
    }
}
