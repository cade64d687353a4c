//! Pre-shared keys: the key and its identity, and which of a template's two key fields (text
//! or hex, [`crate::codec::hex`]) a check uses (DESIGN.md §7). Fresh keys are made by
//! [`crate::secret::generate_printable`].

use crate::codec::hex::hex_to_bytes;
use serde::Serialize;
use ts_rs::TS;

/// A pre-shared key and the identity that goes with it (the key zeroed when dropped).
pub struct Psk {
    pub identity: Vec<u8>,
    pub key: zeroize::Zeroizing<Vec<u8>>,
}

/// Which field a check took the key from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum PskSource {
    /// The `…PSKValueHex` field, decoded as hex.
    Hex,
    /// The `…PSKValue` field's UTF-8 bytes.
    Text,
}

/// The key bytes a check uses (DESIGN.md §7): the hex field when it decodes, else the text
/// field's bytes. `None` when neither gives a key.
pub fn choose_key(text: Option<&str>, hex: Option<&str>) -> Option<(Vec<u8>, PskSource)> {
    if let Some(bytes) = hex.and_then(|h| hex_to_bytes(h).ok()) {
        return Some((bytes, PskSource::Hex));
    }
    text.filter(|t| !t.is_empty())
        .map(|t| (t.as_bytes().to_vec(), PskSource::Text))
}

/// Whether the text and hex fields hold the same key; `None` when one is missing or the hex
/// does not decode (other findings cover those).
pub fn text_and_hex_agree(text: &str, hex: &str) -> Option<bool> {
    hex_to_bytes(hex).ok().map(|bytes| bytes == text.as_bytes())
}

/// Another way a template's key material could be meant: tried when a handshake fails the
/// way a wrong key fails, since a server that reads the key differently fails the same way.
pub struct KeyReading {
    /// `key read as text`, `key read as hex`, `key without surrounding whitespace`,
    /// `identity without surrounding whitespace`.
    pub label: &'static str,
    pub psk: Psk,
    /// What to change, naming fields and lengths, never a value.
    pub advice: String,
}

/// The other plausible readings of a template's PSK fields (`prefix` is `lwm2mPSK` or
/// `lwm2mBsPSK`), given the key the check took from `source`: the hex field's digits as the
/// key itself (libcoap's `-k` takes text), the text field decoded as hex, and the key or
/// identity without whitespace at their ends (a value read from a file keeps its newline).
pub fn other_readings(
    prefix: &str,
    identity: &str,
    (text, hex): (&str, &str),
    source: PskSource,
) -> Vec<KeyReading> {
    let used = match choose_key(Some(text), Some(hex)) {
        Some((key, _)) => key,
        None => return Vec::new(),
    };
    let reading = |label, identity: &str, key: Vec<u8>, advice: String| KeyReading {
        label,
        psk: Psk {
            identity: identity.as_bytes().to_vec(),
            key: zeroize::Zeroizing::new(key),
        },
        advice,
    };
    let mut readings = Vec::new();
    match source {
        PskSource::Hex => {
            let n = hex.chars().count();
            readings.push(reading(
                "key read as text",
                identity,
                hex.as_bytes().to_vec(),
                format!(
                    "the server takes the key as text, not as hex: the {n} characters of {prefix}ValueHex are the key itself — put them in {prefix}Value and their hex ({} digits) in {prefix}ValueHex",
                    2 * hex.len()
                ),
            ));
        }
        PskSource::Text => {
            if let Ok(decoded) = hex_to_bytes(text) {
                readings.push(reading(
                    "key read as hex",
                    identity,
                    decoded.clone(),
                    format!(
                        "the server takes the key as hex: {prefix}Value holds the hex of a {}-byte key — put it in {prefix}ValueHex instead",
                        decoded.len()
                    ),
                ));
            }
            if text.trim() != text && !text.trim().is_empty() {
                readings.push(reading(
                    "key without surrounding whitespace",
                    identity,
                    text.trim().as_bytes().to_vec(),
                    format!(
                        "the server's key has no whitespace at its ends: {prefix}Value has {} characters of spaces or line breaks there — remove them",
                        text.len() - text.trim().len()
                    ),
                ));
            }
        }
    }
    if identity.trim() != identity && !identity.trim().is_empty() {
        readings.push(reading(
            "identity without surrounding whitespace",
            identity.trim(),
            used,
            format!(
                "the server knows the identity without the whitespace at its ends: {prefix}Identity has {} characters of spaces or line breaks there — remove them",
                identity.len() - identity.trim().len()
            ),
        ));
    }
    readings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hex_field_wins_when_it_decodes() {
        assert_eq!(
            choose_key(Some("abc"), Some("616263")),
            Some((b"abc".to_vec(), PskSource::Hex))
        );
        assert_eq!(
            choose_key(Some("abc"), Some("not hex")),
            Some((b"abc".to_vec(), PskSource::Text))
        );
        assert_eq!(choose_key(Some(""), None), None);
    }

    #[test]
    fn agreement_compares_bytes() {
        assert_eq!(text_and_hex_agree("abc", "616263"), Some(true));
        assert_eq!(text_and_hex_agree("abd", "616263"), Some(false));
        assert_eq!(text_and_hex_agree("abc", "zz"), None);
    }

    #[test]
    fn other_readings_name_fields_and_lengths_never_values() {
        let readings = other_readings(
            "lwm2mPSK",
            "meter",
            ("", "0011223344556677"),
            PskSource::Hex,
        );
        assert_eq!(readings.len(), 1);
        assert_eq!(readings[0].label, "key read as text");
        assert_eq!(readings[0].psk.key.as_slice(), b"0011223344556677");
        assert!(readings[0]
            .advice
            .contains("the 16 characters of lwm2mPSKValueHex"));
        assert!(
            !readings[0].advice.contains("0011"),
            "no value in the words"
        );

        let readings = other_readings("lwm2mBsPSK", "meter\n", ("616263", ""), PskSource::Text);
        let labels: Vec<&str> = readings.iter().map(|r| r.label).collect();
        assert_eq!(
            labels,
            ["key read as hex", "identity without surrounding whitespace"]
        );
        assert_eq!(readings[0].psk.key.as_slice(), b"abc");
        assert_eq!(readings[1].psk.identity, b"meter");
        assert_eq!(
            readings[1].psk.key.as_slice(),
            b"616263",
            "the key as the check used it"
        );
        assert!(readings[1]
            .advice
            .contains("lwm2mBsPSKIdentity has 1 characters"));

        let readings = other_readings("lwm2mPSK", "meter", ("s3cret \n", ""), PskSource::Text);
        assert_eq!(readings.len(), 1);
        assert_eq!(readings[0].psk.key.as_slice(), b"s3cret");
        // Nothing else to read: no readings.
        assert!(other_readings("lwm2mPSK", "meter", ("s3cret", ""), PskSource::Text).is_empty());
    }
}
