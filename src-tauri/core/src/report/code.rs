//! The closed set of diagnosis codes (DESIGN.md §3), each with the one-line hint shown when a
//! check stops there. Checks add specifics (ports, names, times) through the evidence.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum DiagnosisCode {
    Ok,
    DnsFailed,
    TcpRefused,
    TcpTimeout,
    TcpReset,
    UdpUnreachable,
    UdpNoReply,
    TlsUntrustedCa,
    TlsHostnameMismatch,
    TlsExpired,
    /// A certificate whose validity starts later than this computer's clock says.
    TlsNotYetValid,
    TlsProtocol,
    TlsClientCertRejected,
    DtlsNoReply,
    DtlsBadPsk,
    DtlsHandshake,
    MqttProtocol,
    MqttBadCredentials,
    MqttNotAuthorized,
    MqttClientIdRejected,
    MqttSubscribeDenied,
    MqttPublishDenied,
    MqttNoEcho,
    HttpStatus,
    HttpUnauthorized,
    HttpForbidden,
    HttpNotFound,
    HttpServerError,
    CoapNoReply,
    CoapError,
    Lwm2mRegisterRejected,
    Lwm2mUpdateRejected,
    BootstrapRejected,
    BootstrapIncomplete,
    DdiUnauthorized,
    DdiNotFound,
    DdiBadResponse,
    CertKeyMismatch,
    KeyPassphraseWrong,
    PeerProtocolViolation,
    Timeout,
    Cancelled,
    InputInvalid,
    /// A check that panicked: a bug in Loop Studio, never a verdict on the device.
    InternalError,
    /// A warning: the host answers on one address family (IPv4, IPv6) and not the other.
    AddressFamilyPartial,
    /// A warning: this computer's clock is more than a minute off a server's `Date`.
    ClockSkew,
    ProxyUnreachable,
    ProxyAuthRequired,
    ProxyDenied,
    ProxyError,
    /// A TLS-inspecting middlebox replaced the server's certificate with its own.
    TlsIntercepted,
    /// The DTLS server accepts none of the PSK cipher suites offered.
    DtlsNoCommonSuite,
    /// The server accepts the key material read another way (text for hex, trimmed, …).
    DtlsPskEncoding,
    /// A warning: large UDP datagrams do not reach the server.
    PathMtuLow,
}

impl DiagnosisCode {
    /// Every code, in declaration order (a test proves the list complete).
    pub const ALL: [DiagnosisCode; 54] = [
        DiagnosisCode::Ok,
        DiagnosisCode::DnsFailed,
        DiagnosisCode::TcpRefused,
        DiagnosisCode::TcpTimeout,
        DiagnosisCode::TcpReset,
        DiagnosisCode::UdpUnreachable,
        DiagnosisCode::UdpNoReply,
        DiagnosisCode::TlsUntrustedCa,
        DiagnosisCode::TlsHostnameMismatch,
        DiagnosisCode::TlsExpired,
        DiagnosisCode::TlsNotYetValid,
        DiagnosisCode::TlsProtocol,
        DiagnosisCode::TlsClientCertRejected,
        DiagnosisCode::DtlsNoReply,
        DiagnosisCode::DtlsBadPsk,
        DiagnosisCode::DtlsHandshake,
        DiagnosisCode::MqttProtocol,
        DiagnosisCode::MqttBadCredentials,
        DiagnosisCode::MqttNotAuthorized,
        DiagnosisCode::MqttClientIdRejected,
        DiagnosisCode::MqttSubscribeDenied,
        DiagnosisCode::MqttPublishDenied,
        DiagnosisCode::MqttNoEcho,
        DiagnosisCode::HttpStatus,
        DiagnosisCode::HttpUnauthorized,
        DiagnosisCode::HttpForbidden,
        DiagnosisCode::HttpNotFound,
        DiagnosisCode::HttpServerError,
        DiagnosisCode::CoapNoReply,
        DiagnosisCode::CoapError,
        DiagnosisCode::Lwm2mRegisterRejected,
        DiagnosisCode::Lwm2mUpdateRejected,
        DiagnosisCode::BootstrapRejected,
        DiagnosisCode::BootstrapIncomplete,
        DiagnosisCode::DdiUnauthorized,
        DiagnosisCode::DdiNotFound,
        DiagnosisCode::DdiBadResponse,
        DiagnosisCode::CertKeyMismatch,
        DiagnosisCode::KeyPassphraseWrong,
        DiagnosisCode::PeerProtocolViolation,
        DiagnosisCode::Timeout,
        DiagnosisCode::Cancelled,
        DiagnosisCode::InputInvalid,
        DiagnosisCode::InternalError,
        DiagnosisCode::AddressFamilyPartial,
        DiagnosisCode::ClockSkew,
        DiagnosisCode::ProxyUnreachable,
        DiagnosisCode::ProxyAuthRequired,
        DiagnosisCode::ProxyDenied,
        DiagnosisCode::ProxyError,
        DiagnosisCode::TlsIntercepted,
        DiagnosisCode::DtlsNoCommonSuite,
        DiagnosisCode::DtlsPskEncoding,
        DiagnosisCode::PathMtuLow,
    ];

    /// The plain-language hint for the person at the screen. Where causes cannot be told
    /// apart on the wire, it names both.
    pub fn hint(self) -> &'static str {
        use DiagnosisCode::*;
        match self {
            Ok => "Everything on this rung answered as it should.",
            DnsFailed => "The host name does not resolve: check its spelling and the DNS server this machine uses.",
            TcpRefused => "The host answered but nothing listens on this port (connection refused): wrong port, or the service is down.",
            TcpTimeout => "No answer to the connection attempt: a firewall is probably dropping this port, or the host is unreachable.",
            TcpReset => "The connection was cut by the peer or a middlebox (reset): a firewall or proxy may be interfering.",
            UdpUnreachable => "The host says nothing listens on this UDP port (ICMP port unreachable).",
            UdpNoReply => "No UDP answer: the port is filtered by a firewall, or nothing listens and the host stays silent.",
            TlsUntrustedCa => "The server's certificate is not signed by the CA the device trusts: the template's CA is wrong, or a TLS-inspecting middlebox replaced it.",
            PathMtuLow => "Large UDP datagrams do not reach the server on this path: a DTLS handshake or a large Register may stall there.",
            DtlsPskEncoding => "The server takes the key, read another way than the template writes it: fix the key fields as the evidence says.",
            DtlsNoCommonSuite => "The DTLS server accepts none of the cipher suites offered: the device must offer one of the suites the server lists.",
            TlsIntercepted => "A TLS-inspecting firewall or proxy replaced the server's certificate with its own: ask IT to exempt this host and port from inspection.",
            TlsHostnameMismatch => "The server's certificate is for a different host name than the one the device connects to.",
            TlsExpired => "A certificate in the chain has expired: renew it, unless a clock (this computer's or the device's) is wrong.",
            TlsNotYetValid => "A certificate in the chain is not valid yet: a clock (this computer's or the device's) is probably behind.",
            TlsProtocol => "The TLS handshake failed: the server speaks another protocol or TLS version, or no cipher is shared.",
            TlsClientCertRejected => "The server wants a client certificate it accepts: the device's certificate is missing or not trusted.",
            DtlsNoReply => "No DTLS answer: the UDP port is filtered, or nothing listens there.",
            DtlsBadPsk => "The DTLS handshake failed after the keys were used: the pre-shared key (or its identity) is probably wrong.",
            DtlsHandshake => "The DTLS handshake failed: the server offers no cipher suite the device supports, or broke off.",
            MqttProtocol => "The peer does not answer like an MQTT broker.",
            MqttBadCredentials => "The broker refused the user name or password.",
            MqttNotAuthorized => "The broker says not authorised: wrong password, unknown user, or a client id the broker does not allow.",
            MqttClientIdRejected => "The broker rejected the client id.",
            MqttSubscribeDenied => "The broker refused the subscription to the request topic: check the ACL for this user.",
            MqttPublishDenied => "The broker refused the publish to the data topic: check the ACL for this user.",
            MqttNoEcho => "The message was published but never came back: the ACL may forbid reading the data topic.",
            HttpStatus => "The server answered with an unexpected HTTP status.",
            HttpUnauthorized => "The server wants other credentials (HTTP 401): check the user name and password.",
            HttpForbidden => "The server refused this user (HTTP 403).",
            HttpNotFound => "The URL does not exist on the server (HTTP 404): check the path in the template.",
            HttpServerError => "The server failed (HTTP 5xx): the problem is on the server side.",
            CoapNoReply => "The CoAP server did not answer.",
            CoapError => "The CoAP server answered with an error.",
            Lwm2mRegisterRejected => "The LWM2M server refused the registration: check the endpoint name and the credentials.",
            Lwm2mUpdateRejected => "The LWM2M server refused the registration update.",
            BootstrapRejected => "The bootstrap server refused the bootstrap request.",
            BootstrapIncomplete => "The bootstrap server never finished provisioning the device.",
            DdiUnauthorized => "The OTA server refused the device: target-token or certificate authentication is off on the server, or the tenant is wrong.",
            DdiNotFound => "The OTA server does not know this tenant or controller id.",
            DdiBadResponse => "The OTA server answered, but not with hawkBit DDI JSON.",
            CertKeyMismatch => "The private key does not belong to the certificate.",
            KeyPassphraseWrong => "The private key's passphrase is wrong.",
            PeerProtocolViolation => "The peer sent something that breaks the protocol.",
            Timeout => "The step took longer than its time limit.",
            Cancelled => "The run was cancelled.",
            InputInvalid => "The template or its values are not usable as they are.",
            InternalError => "Loop Studio failed inside this check (a bug, not the device's fault): please report it with this report.",
            AddressFamilyPartial => "The host works over one address family (IPv4 or IPv6) but not the other: a device that tries the broken one first will stall.",
            ClockSkew => "This computer's clock is more than a minute off the server's: certificates can look expired or not yet valid, and timestamps will be wrong.",
            ProxyUnreachable => "The proxy does not take connections: check its address and port, or whether this network needs it at all.",
            ProxyAuthRequired => "The proxy wants credentials it accepts: put them in the proxy URL (http://user:password@host:port).",
            ProxyDenied => "The proxy refuses this destination: many allow CONNECT only to port 443, so use a template on 443 or ask IT to allow this port.",
            ProxyError => "The proxy could not reach the server, or failed itself: the server may be down, or the proxy cannot resolve or route to it.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_in_screaming_snake_case() {
        assert_eq!(
            serde_json::to_value(DiagnosisCode::TlsUntrustedCa).unwrap(),
            "TLS_UNTRUSTED_CA"
        );
        assert_eq!(
            serde_json::to_value(DiagnosisCode::Lwm2mRegisterRejected).unwrap(),
            "LWM2M_REGISTER_REJECTED"
        );
        assert_eq!(serde_json::to_value(DiagnosisCode::Ok).unwrap(), "OK");
    }

    #[test]
    fn all_lists_every_code_once_in_order() {
        for (i, code) in DiagnosisCode::ALL.iter().enumerate() {
            assert_eq!(*code as usize, i, "{code:?} is out of place in ALL");
        }
        // The TypeScript union ts-rs generates (and CI keeps committed) has exactly these.
        let union = <DiagnosisCode as ts_rs::TS>::inline(&ts_rs::Config::new());
        assert_eq!(union.matches('"').count() / 2, DiagnosisCode::ALL.len());
    }

    #[test]
    fn every_hint_is_one_sentence_for_a_person() {
        for code in DiagnosisCode::ALL {
            let hint = code.hint();
            assert!(hint.ends_with('.'), "{code:?}: {hint}");
            assert!(!hint.contains('\n'), "{code:?}: {hint}");
            assert!(
                hint.chars().next().is_some_and(char::is_uppercase),
                "{code:?}: {hint}"
            );
            let sentences = hint
                .split_inclusive(['.', '!', '?'])
                .filter(|part| part.len() > 3)
                .count();
            assert_eq!(sentences, 1, "{code:?} is not one sentence: {hint}");
            assert!(
                hint.len() <= 200,
                "{code:?} is too long for one line: {hint}"
            );
        }
        assert!(DiagnosisCode::TcpTimeout.hint().contains("firewall"));
        assert!(DiagnosisCode::MqttNotAuthorized
            .hint()
            .contains("wrong password"));
        assert!(DiagnosisCode::DtlsBadPsk.hint().contains("probably"));
    }
}
