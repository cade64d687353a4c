//! Reading DTLS 1.2 record headers (RFC 6347 §4.1) and the clear-text parts of a handshake,
//! so a check can say what happened on the wire even when the DTLS library only says "it
//! failed": whether the server asked for a cookie, which cipher suite it chose, the PSK
//! identity hint it sent, whether an alert came and at which point, whether our Finished
//! went out. Encrypted records (epoch ≥ 1) are only counted, never opened.

/// One record of a datagram, as far as it can be read without keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordSummary {
    /// 20 change_cipher_spec, 21 alert, 22 handshake, 23 application_data.
    pub content_type: u8,
    pub epoch: u16,
    /// For a clear-text handshake record: the handshake message type (1 ClientHello,
    /// 2 ServerHello, 3 HelloVerifyRequest, 12 ServerKeyExchange, 14 ServerHelloDone,
    /// 16 ClientKeyExchange, 20 Finished).
    pub handshake_type: Option<u8>,
    /// For a clear-text alert: level (1 warning, 2 fatal) and description.
    pub alert: Option<(u8, u8)>,
    /// For a ServerHello: the cipher suite the server chose.
    pub cipher_suite: Option<u16>,
    /// For a PSK ServerKeyExchange: the identity hint.
    pub identity_hint: Option<Vec<u8>>,
}

pub const CHANGE_CIPHER_SPEC: u8 = 20;
pub const ALERT: u8 = 21;
pub const HANDSHAKE: u8 = 22;

pub const SERVER_HELLO: u8 = 2;
pub const HELLO_VERIFY_REQUEST: u8 = 3;
pub const SERVER_KEY_EXCHANGE: u8 = 12;
pub const CLIENT_KEY_EXCHANGE: u8 = 16;

const RECORD_HEADER: usize = 13;
const HANDSHAKE_HEADER: usize = 12;

/// The records of one datagram; a truncated tail is ignored.
pub fn records(datagram: &[u8]) -> Vec<RecordSummary> {
    let mut out = Vec::new();
    let mut rest = datagram;
    while rest.len() >= RECORD_HEADER {
        let content_type = rest[0];
        let epoch = u16::from_be_bytes([rest[3], rest[4]]);
        let length = usize::from(u16::from_be_bytes([rest[11], rest[12]]));
        let Some(fragment) = rest.get(RECORD_HEADER..RECORD_HEADER + length) else {
            break;
        };
        let mut summary = RecordSummary {
            content_type,
            epoch,
            handshake_type: None,
            alert: None,
            cipher_suite: None,
            identity_hint: None,
        };
        if epoch == 0 {
            match content_type {
                ALERT if fragment.len() >= 2 => summary.alert = Some((fragment[0], fragment[1])),
                HANDSHAKE if !fragment.is_empty() => {
                    let kind = fragment[0];
                    summary.handshake_type = Some(kind);
                    let body = fragment.get(HANDSHAKE_HEADER..).unwrap_or_default();
                    match kind {
                        SERVER_HELLO => summary.cipher_suite = server_hello_cipher(body),
                        SERVER_KEY_EXCHANGE => summary.identity_hint = psk_hint(body),
                        _ => {}
                    }
                }
                _ => {}
            }
        }
        out.push(summary);
        rest = &rest[RECORD_HEADER + length..];
    }
    out
}

/// The handshake message sequence numbers of a datagram's clear-text handshake records: a
/// number sent twice is a retransmitted flight.
pub fn handshake_sequences(datagram: &[u8]) -> Vec<u16> {
    let mut out = Vec::new();
    let mut rest = datagram;
    while rest.len() >= RECORD_HEADER {
        let epoch = u16::from_be_bytes([rest[3], rest[4]]);
        let length = usize::from(u16::from_be_bytes([rest[11], rest[12]]));
        let Some(fragment) = rest.get(RECORD_HEADER..RECORD_HEADER + length) else {
            break;
        };
        if rest[0] == HANDSHAKE && epoch == 0 && fragment.len() >= 6 {
            out.push(u16::from_be_bytes([fragment[4], fragment[5]]));
        }
        rest = &rest[RECORD_HEADER + length..];
    }
    out
}

/// ServerHello: version (2), random (32), session id (1 + n), cipher suite (2).
fn server_hello_cipher(body: &[u8]) -> Option<u16> {
    let session_len = usize::from(*body.get(34)?);
    let at = 35 + session_len;
    Some(u16::from_be_bytes([*body.get(at)?, *body.get(at + 1)?]))
}

/// A PSK ServerKeyExchange is just the identity hint: length (2) and bytes.
fn psk_hint(body: &[u8]) -> Option<Vec<u8>> {
    let len = usize::from(u16::from_be_bytes([*body.first()?, *body.get(1)?]));
    body.get(2..2 + len).map(<[u8]>::to_vec)
}

/// The IANA name of a PSK cipher suite (the handshake's and the profile's).
pub fn cipher_name(id: u16) -> String {
    match id {
        0xc0a8 => "TLS_PSK_WITH_AES_128_CCM_8".into(),
        0xc0a4 => "TLS_PSK_WITH_AES_128_CCM".into(),
        0x00a8 => "TLS_PSK_WITH_AES_128_GCM_SHA256".into(),
        0x00ae => "TLS_PSK_WITH_AES_128_CBC_SHA256".into(),
        0x008c => "TLS_PSK_WITH_AES_128_CBC_SHA".into(),
        0xc037 => "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256".into(),
        0xd001 => "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256".into(),
        other => format!("0x{other:04x}"),
    }
}

/// The name of an alert description (RFC 5246 §7.2, RFC 4279).
pub fn alert_name(description: u8) -> &'static str {
    match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        40 => "handshake_failure",
        42 => "bad_certificate",
        47 => "illegal_parameter",
        50 => "decode_error",
        51 => "decrypt_error",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        115 => "unknown_psk_identity",
        _ => "alert",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(content_type: u8, epoch: u16, fragment: &[u8]) -> Vec<u8> {
        let mut r = vec![content_type, 0xfe, 0xfd];
        r.extend_from_slice(&epoch.to_be_bytes());
        r.extend_from_slice(&[0, 0, 0, 0, 0, 1]);
        r.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
        r.extend_from_slice(fragment);
        r
    }

    fn handshake(kind: u8, body: &[u8]) -> Vec<u8> {
        let mut h = vec![
            kind,
            0,
            0,
            body.len() as u8,
            0,
            0,
            0,
            0,
            0,
            0,
            0,
            body.len() as u8,
        ];
        h.extend_from_slice(body);
        h
    }

    #[test]
    fn a_server_flight_shows_its_cipher_hint_and_the_alerts() {
        let mut hello = vec![0xfe, 0xfd];
        hello.extend_from_slice(&[7u8; 32]);
        hello.push(2);
        hello.extend_from_slice(&[1, 2]);
        hello.extend_from_slice(&[0xc0, 0xa8, 0x00]);
        let mut datagram = record(HANDSHAKE, 0, &handshake(SERVER_HELLO, &hello));
        datagram.extend(record(
            HANDSHAKE,
            0,
            &handshake(SERVER_KEY_EXCHANGE, &[0, 3, b'l', b'w', b'm']),
        ));
        datagram.extend(record(ALERT, 0, &[2, 115]));
        datagram.extend(record(ALERT, 1, &[0xaa; 18]));
        let seen = records(&datagram);
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0].cipher_suite, Some(0xc0a8));
        assert_eq!(cipher_name(0xc0a8), "TLS_PSK_WITH_AES_128_CCM_8");
        assert_eq!(seen[1].identity_hint.as_deref(), Some(&b"lwm"[..]));
        assert_eq!(seen[2].alert, Some((2, 115)));
        assert_eq!(alert_name(115), "unknown_psk_identity");
        assert_eq!(
            (seen[3].epoch, seen[3].alert),
            (1, None),
            "encrypted: counted, not read"
        );
    }

    #[test]
    fn truncated_and_foreign_bytes_give_what_can_be_read() {
        let full = record(
            HANDSHAKE,
            0,
            &handshake(HELLO_VERIFY_REQUEST, &[0xfe, 0xfd, 0]),
        );
        assert_eq!(records(&full)[0].handshake_type, Some(HELLO_VERIFY_REQUEST));
        assert!(records(&full[..full.len() - 1]).is_empty());
        assert!(records(b"\x40\x01\x00\x01").is_empty());
        let short_hello = record(HANDSHAKE, 0, &handshake(SERVER_HELLO, &[0xfe]));
        assert_eq!(records(&short_hello)[0].cipher_suite, None);
    }
}
