//! The few frames a port sweep needs to tell "something listens" from "the expected protocol
//! answers": an MQTT 3.1.1 CONNECT and its CONNACK, a CoAP ping (empty CON) and its reset, a
//! DTLS 1.2 ClientHello and the record that answers it, and an HTTP status line.

/// An MQTT 3.1.1 CONNECT: clean session, no credentials, keep-alive 10 s.
pub fn mqtt_connect(client_id: &str) -> Vec<u8> {
    let id = client_id.as_bytes();
    let id_len = u16::try_from(id.len()).unwrap_or(u16::MAX);
    let id = &id[..usize::from(id_len)];
    let mut variable = Vec::with_capacity(12 + id.len());
    variable.extend_from_slice(&[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x0a]);
    variable.extend_from_slice(&id_len.to_be_bytes());
    variable.extend_from_slice(id);
    let mut out = vec![0x10];
    encode_remaining_length(variable.len(), &mut out);
    out.extend_from_slice(&variable);
    out
}

/// MQTT DISCONNECT.
pub const MQTT_DISCONNECT: [u8; 2] = [0xe0, 0x00];

pub(crate) fn encode_remaining_length(mut len: usize, out: &mut Vec<u8>) {
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if len == 0 {
            break;
        }
    }
}

/// A CONNACK's return code (3.1.1) or reason code (5), if `bytes` start with a CONNACK.
pub fn parse_connack(bytes: &[u8]) -> Option<u8> {
    match bytes {
        [0x20, len, _flags, code, ..] if *len >= 2 => Some(*code),
        _ => None,
    }
}

/// A CoAP ping: version 1, confirmable, no token, code 0.00, the given message id.
pub fn coap_ping(message_id: u16) -> [u8; 4] {
    let id = message_id.to_be_bytes();
    [0x40, 0x00, id[0], id[1]]
}

/// A confirmable CoAP GET of `/mtu` carrying a payload, `size` bytes in all (at least 13):
/// a datagram of a chosen size that any CoAP server answers (4.04, 4.00, even RST) — the
/// answer proves the whole datagram arrived.
pub fn coap_padded_get(message_id: u16, token: [u8; 4], size: usize) -> Vec<u8> {
    let id = message_id.to_be_bytes();
    // Version 1, CON, token length 4; GET; message id; token; Uri-Path "mtu" (option 11,
    // length 3); the payload marker; the payload.
    let mut frame = vec![0x44, 0x01, id[0], id[1]];
    frame.extend_from_slice(&token);
    frame.extend_from_slice(&[0xb3, b'm', b't', b'u', 0xff]);
    frame.resize(size.max(frame.len() + 1), b'x');
    frame
}

/// CoAP message types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CoapType {
    Confirmable,
    NonConfirmable,
    Acknowledgement,
    Reset,
}

/// The fixed 4-byte header of a CoAP message, if `bytes` hold one of version 1.
pub fn parse_coap_header(bytes: &[u8]) -> Option<(CoapType, u8, u16)> {
    let [first, code, id_hi, id_lo, ..] = bytes else {
        return None;
    };
    if first >> 6 != 1 || first & 0x0f > 8 {
        return None;
    }
    let kind = match (first >> 4) & 0x03 {
        0 => CoapType::Confirmable,
        1 => CoapType::NonConfirmable,
        2 => CoapType::Acknowledgement,
        _ => CoapType::Reset,
    };
    Some((kind, *code, u16::from_be_bytes([*id_hi, *id_lo])))
}

/// Cipher suites a ClientHello offers: the LwM2M PSK suites first, then common ECDHE ones,
/// so that PSK-only and certificate servers alike answer.
const DTLS_SUITES: [u16; 6] = [0xc0a8, 0x00a8, 0xc0a4, 0xc0ae, 0xc02b, 0xc02f];

/// A DTLS 1.2 ClientHello (record epoch 0, sequence 0) with an empty cookie.
pub fn dtls_client_hello(random: [u8; 32]) -> Vec<u8> {
    super::dtls_hello::client_hello(random, &DTLS_SUITES, &[], 0)
}

/// What came back to a ClientHello.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtlsReply {
    HelloVerifyRequest,
    ServerHello,
    /// An alert record: level and description.
    Alert(u8, u8),
    /// Something else that is still a DTLS record (content type 20–23, version 0xfe..).
    OtherRecord(u8),
    NotDtls,
}

pub fn classify_dtls_reply(bytes: &[u8]) -> DtlsReply {
    let [content_type, major, _minor, ..] = bytes else {
        return DtlsReply::NotDtls;
    };
    if *major != 0xfe || !(20..=23).contains(content_type) || bytes.len() < 13 {
        return DtlsReply::NotDtls;
    }
    let fragment = &bytes[13..];
    match (*content_type, fragment) {
        (22, [3, ..]) => DtlsReply::HelloVerifyRequest,
        (22, [2, ..]) => DtlsReply::ServerHello,
        (21, [level, description, ..]) => DtlsReply::Alert(*level, *description),
        (other, _) => DtlsReply::OtherRecord(other),
    }
}

/// The status code of an HTTP/1.x status line at the start of `bytes`.
pub fn http_status(bytes: &[u8]) -> Option<u16> {
    let line = bytes.split(|b| *b == b'\r' || *b == b'\n').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    let version = parts.next()?;
    if !version.starts_with("HTTP/1.") && !version.starts_with("HTTP/2") {
        return None;
    }
    parts
        .next()?
        .parse()
        .ok()
        .filter(|code| (100..600).contains(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mqtt_connect_is_well_formed() {
        let frame = mqtt_connect("probe");
        assert_eq!(frame[0], 0x10);
        assert_eq!(usize::from(frame[1]), frame.len() - 2);
        assert_eq!(&frame[2..8], b"\x00\x04MQTT");
        assert_eq!(&frame[frame.len() - 5..], b"probe");
        let long = mqtt_connect(&"x".repeat(200));
        assert_eq!(long[1] & 0x80, 0x80, "remaining length takes two bytes");
    }

    #[test]
    fn connack_codes() {
        assert_eq!(parse_connack(&[0x20, 0x02, 0x00, 0x05]), Some(5));
        assert_eq!(parse_connack(&[0x20, 0x03, 0x00, 0x87, 0x00]), Some(0x87));
        assert_eq!(parse_connack(b"HTTP/1.1"), None);
        assert_eq!(parse_connack(&[0x20]), None);
    }

    #[test]
    fn a_padded_get_is_the_size_asked_for_and_parses() {
        let frame = coap_padded_get(7, [1, 2, 3, 4], 600);
        assert_eq!(frame.len(), 600);
        let packet = coap_lite::Packet::from_bytes(&frame).unwrap();
        assert_eq!(packet.header.message_id, 7);
        assert_eq!(packet.payload.len(), 600 - 13);
        assert_eq!(
            coap_padded_get(7, [1, 2, 3, 4], 5).len(),
            14,
            "never shorter than a request"
        );
    }

    #[test]
    fn coap_ping_and_reset() {
        assert_eq!(coap_ping(0x1234), [0x40, 0x00, 0x12, 0x34]);
        assert_eq!(
            parse_coap_header(&[0x70, 0x00, 0x12, 0x34]),
            Some((CoapType::Reset, 0, 0x1234))
        );
        assert_eq!(
            parse_coap_header(&[0x60, 0x45, 0, 1]),
            Some((CoapType::Acknowledgement, 0x45, 1))
        );
        assert_eq!(
            parse_coap_header(&[0x85, 0, 0, 1]),
            None,
            "version 2 is not CoAP 1"
        );
        assert_eq!(
            parse_coap_header(&[0x4f, 0, 0, 1]),
            None,
            "a token cannot be 15 bytes"
        );
        assert_eq!(parse_coap_header(&[0x40]), None);
    }

    #[test]
    fn client_hello_lengths_add_up() {
        let hello = dtls_client_hello([7; 32]);
        assert_eq!(hello[0], 22);
        let record_len = usize::from(u16::from_be_bytes([hello[11], hello[12]]));
        assert_eq!(record_len, hello.len() - 13);
        let hs = &hello[13..];
        assert_eq!(hs[0], 1);
        let body_len = u32::from_be_bytes([0, hs[1], hs[2], hs[3]]) as usize;
        assert_eq!(body_len, hs.len() - 12);
    }

    #[test]
    fn dtls_replies_are_classified() {
        let mut hvr = vec![22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3];
        hvr.extend_from_slice(&[3, 0, 0, 3]);
        assert_eq!(classify_dtls_reply(&hvr), DtlsReply::HelloVerifyRequest);
        let alert = [21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 40];
        assert_eq!(classify_dtls_reply(&alert), DtlsReply::Alert(2, 40));
        assert_eq!(classify_dtls_reply(b"\x40\x00\x00\x01"), DtlsReply::NotDtls);
        assert_eq!(classify_dtls_reply(&[]), DtlsReply::NotDtls);
    }

    #[test]
    fn http_status_lines() {
        assert_eq!(http_status(b"HTTP/1.1 301 Moved\r\nLocation: x"), Some(301));
        assert_eq!(http_status(b"HTTP/1.0 200 OK"), Some(200));
        assert_eq!(http_status(b"SSH-2.0-OpenSSH"), None);
        assert_eq!(http_status(b"HTTP/1.1 abc"), None);
    }
}
