//! A DTLS 1.2 ClientHello offering the suites we choose, and the cookie of a
//! HelloVerifyRequest (RFC 6347 §4.2.1): what a cipher-suite profile sends, one suite at a
//! time, to learn which PSK suites a server accepts without completing a handshake. Pure.

use super::dtls_records::{self as records, HANDSHAKE, HELLO_VERIFY_REQUEST};

/// The PSK suites a profile asks about, in the order the report lists them: LwM2M's
/// mandatory CCM_8 first, then the ones devices commonly offer instead (Zephyr's default
/// GCM among them), then the ECDHE_PSK ones.
pub const PSK_SUITES: [u16; 7] = [
    0xc0a8, // TLS_PSK_WITH_AES_128_CCM_8
    0xc0a4, // TLS_PSK_WITH_AES_128_CCM
    0x00a8, // TLS_PSK_WITH_AES_128_GCM_SHA256
    0x00ae, // TLS_PSK_WITH_AES_128_CBC_SHA256
    0x008c, // TLS_PSK_WITH_AES_128_CBC_SHA
    0xc037, // TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256
    0xd001, // TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256
];

/// A ClientHello offering `suites`, carrying `cookie` (empty for the first one), with
/// handshake message sequence `seq` (0 for the first, 1 after a HelloVerifyRequest) and
/// record sequence `seq` too.
pub fn client_hello(random: [u8; 32], suites: &[u16], cookie: &[u8], seq: u16) -> Vec<u8> {
    client_hello_with(random, suites, cookie, seq, &[])
}

/// The same with one more extension, `extra`, given whole (type, length, body).
fn client_hello_with(
    random: [u8; 32],
    suites: &[u16],
    cookie: &[u8],
    seq: u16,
    extra: &[u8],
) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&[0xfe, 0xfd]); // DTLS 1.2
    body.extend_from_slice(&random);
    body.push(0); // session id
    let cookie = &cookie[..cookie.len().min(255)];
    body.push(cookie.len() as u8);
    body.extend_from_slice(cookie);
    body.extend_from_slice(&((suites.len() * 2) as u16).to_be_bytes());
    for suite in suites {
        body.extend_from_slice(&suite.to_be_bytes());
    }
    body.extend_from_slice(&[1, 0]); // compression: null
                                     // Extensions: supported groups (secp256r1) and EC point formats (uncompressed), which an
                                     // ECDHE suite needs; signature algorithms; extended master secret, which some servers
                                     // require.
    let extensions: [&[u8]; 6] = [
        &[0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17],
        &[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00],
        &[0x00, 0x0d, 0x00, 0x06, 0x00, 0x04, 0x04, 0x03, 0x04, 0x01],
        &[0xff, 0x01, 0x00, 0x01, 0x00],
        &[0x00, 0x17, 0x00, 0x00],
        extra,
    ];
    let ext_len: usize = extensions.iter().map(|e| e.len()).sum();
    body.extend_from_slice(&(ext_len as u16).to_be_bytes());
    for e in extensions {
        body.extend_from_slice(e);
    }
    let len = (body.len() as u32).to_be_bytes();
    let mut handshake = vec![1]; // client_hello
    handshake.extend_from_slice(&len[1..]);
    handshake.extend_from_slice(&seq.to_be_bytes()); // message_seq
    handshake.extend_from_slice(&[0, 0, 0]); // fragment_offset
    handshake.extend_from_slice(&len[1..]); // fragment_length
    handshake.extend_from_slice(&body);
    // DTLS 1.2 as the record version too: tinydtls closes on a 1.0 record.
    let mut record = vec![HANDSHAKE, 0xfe, 0xfd];
    record.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // epoch 0, sequence (high)
    record.extend_from_slice(&seq.to_be_bytes()); // sequence (low)
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// A ClientHello (our handshake's suites) padded (RFC 7685 padding extension) to `size`
/// bytes in all, or as near above it as the headers allow: a datagram of a chosen size that a
/// DTLS server answers (with a HelloVerifyRequest) without keeping any state.
pub fn padded_client_hello(random: [u8; 32], size: usize) -> Vec<u8> {
    let bare = client_hello(random, &PSK_SUITES[..3], &[], 0);
    // The padding extension adds 4 bytes of header and its body.
    let body = size.saturating_sub(bare.len() + 4);
    client_hello_with(random, &PSK_SUITES[..3], &[], 0, &padding(body))
}

fn padding(len: usize) -> Vec<u8> {
    let mut ext = vec![0x00, 0x15];
    ext.extend_from_slice(&(len as u16).to_be_bytes());
    ext.resize(4 + len, 0);
    ext
}

/// The cookie of a HelloVerifyRequest in `datagram`, if it holds one.
pub fn hello_verify_cookie(datagram: &[u8]) -> Option<Vec<u8>> {
    // Record header (13), handshake header (12), server version (2), cookie length (1).
    let record = datagram.get(13..)?;
    if datagram.first() != Some(&HANDSHAKE) || record.first() != Some(&HELLO_VERIFY_REQUEST) {
        return None;
    }
    let body = record.get(12..)?;
    let len = usize::from(*body.get(2)?);
    body.get(3..3 + len).map(<[u8]>::to_vec)
}

/// How a server answered a ClientHello that offered one suite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HelloAnswer {
    /// It asked for a cookie first.
    Cookie(Vec<u8>),
    /// It chose this suite (a ServerHello).
    Chose(u16),
    /// A fatal or warning alert: level and description.
    Alert(u8, u8),
    /// Something that is not an answer to a ClientHello.
    Other,
}

pub fn read_answer(datagram: &[u8]) -> HelloAnswer {
    if let Some(cookie) = hello_verify_cookie(datagram) {
        return HelloAnswer::Cookie(cookie);
    }
    for r in records::records(datagram) {
        if let Some(suite) = r.cipher_suite {
            return HelloAnswer::Chose(suite);
        }
        if let Some((level, description)) = r.alert {
            return HelloAnswer::Alert(level, description);
        }
    }
    HelloAnswer::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hello_carries_its_suites_cookie_and_sequence() {
        let hello = client_hello([7; 32], &[0xc0a8], b"abc", 1);
        assert_eq!(&hello[..3], &[22, 0xfe, 0xfd]);
        assert_eq!(&hello[11..13], &((hello.len() - 13) as u16).to_be_bytes());
        let handshake = &hello[13..];
        assert_eq!(handshake[0], 1);
        assert_eq!(&handshake[4..6], &[0, 1], "message_seq");
        let body = &handshake[12..];
        assert_eq!(&body[..2], &[0xfe, 0xfd]);
        assert_eq!(body[34], 0, "no session id");
        assert_eq!(&body[35..39], &[3, b'a', b'b', b'c']);
        assert_eq!(&body[39..43], &[0, 2, 0xc0, 0xa8]);
        // The first hello's record sequence is 0, the second's 1.
        assert_eq!(hello[10], 1);
        assert_eq!(client_hello([7; 32], &[0xc0a8], &[], 0)[10], 0);
    }

    #[test]
    fn a_padded_hello_has_the_size_asked_for() {
        for size in [300, 1000, 1472] {
            let hello = padded_client_hello([1; 32], size);
            assert_eq!(hello.len(), size);
            assert_eq!(&hello[11..13], &((size - 13) as u16).to_be_bytes());
            let handshake_len = u32::from_be_bytes([0, hello[14], hello[15], hello[16]]);
            assert_eq!(handshake_len as usize, size - 13 - 12);
        }
    }

    #[test]
    fn answers_are_read_from_the_record() {
        // A HelloVerifyRequest with a 2-byte cookie.
        let mut hvr = vec![22, 0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 15];
        hvr.extend_from_slice(&[
            3, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 5, 0xfe, 0xff, 2, 0xaa, 0xbb,
        ]);
        assert_eq!(read_answer(&hvr), HelloAnswer::Cookie(vec![0xaa, 0xbb]));
        let alert = [21, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 2, 40];
        assert_eq!(read_answer(&alert), HelloAnswer::Alert(2, 40));
        assert_eq!(read_answer(b"junk"), HelloAnswer::Other);
        assert_eq!(hello_verify_cookie(&hvr[..20]), None, "cut short");
    }
}
