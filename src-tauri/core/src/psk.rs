//! Pre-shared keys: text ⇄ hex, which of the two fields a check uses, and fresh printable
//! keys from the OS RNG (DESIGN.md §7: printable, so the text and hex fields always agree).

use serde::Serialize;
use ts_rs::TS;

/// A pre-shared key and the identity that goes with it (the key zeroed when dropped).
pub struct Psk {
    pub identity: Vec<u8>,
    pub key: zeroize::Zeroizing<Vec<u8>>,
}

/// Why a hex string is not valid hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    #[error("hex must have an even number of digits; this has {0}")]
    OddLength(usize),
    #[error("'{found}' at position {position} is not a hex digit")]
    BadDigit { position: usize, found: char },
    #[error("hex is empty")]
    Empty,
}

/// Lower-case hex of the text's UTF-8 bytes.
pub fn text_to_hex(text: &str) -> String {
    bytes_to_hex(text.as_bytes())
}

pub fn bytes_to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

/// Decodes hex digits (either case) into bytes; nothing else is accepted, not even spaces.
pub fn hex_to_bytes(hex: &str) -> Result<Vec<u8>, HexError> {
    if hex.is_empty() {
        return Err(HexError::Empty);
    }
    let digit = |position: usize, c: char| {
        c.to_digit(16)
            .map(|d| d as u8)
            .ok_or(HexError::BadDigit { position, found: c })
    };
    let chars: Vec<char> = hex.chars().collect();
    // Report a bad digit before an odd length: it is the more useful message.
    for (position, c) in chars.iter().enumerate() {
        digit(position, *c)?;
    }
    if chars.len() % 2 != 0 {
        return Err(HexError::OddLength(chars.len()));
    }
    chars
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| Ok(digit(2 * i, pair[0])? << 4 | digit(2 * i + 1, pair[1])?))
        .collect()
}

/// The text a hex key spells, when its bytes are UTF-8 (for the editor's text/hex switch).
pub fn hex_to_text(hex: &str) -> Result<Option<String>, HexError> {
    Ok(String::from_utf8(hex_to_bytes(hex)?).ok())
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

/// Length of a generated key or password, in characters.
pub const GENERATED_LEN: usize = 24;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A fresh printable secret: 24 base62 characters from the OS RNG, about 143 bits.
pub fn generate_printable() -> Result<String, getrandom::Error> {
    let mut out = String::with_capacity(GENERATED_LEN);
    let mut pool = [0u8; 64];
    while out.len() < GENERATED_LEN {
        getrandom::fill(&mut pool)?;
        // 248 = 4 × 62: rejecting bytes above it keeps every character equally likely.
        for b in pool.iter().filter(|b| **b < 248) {
            if out.len() == GENERATED_LEN {
                break;
            }
            out.push(BASE62[usize::from(*b % 62)] as char);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_hex_convert_both_ways() {
        assert_eq!(text_to_hex("secret"), "736563726574");
        assert_eq!(hex_to_bytes("736563726574").unwrap(), b"secret");
        assert_eq!(hex_to_bytes("DEADbeef").unwrap(), [0xde, 0xad, 0xbe, 0xef]);
        assert_eq!(
            hex_to_text("736563726574").unwrap().as_deref(),
            Some("secret")
        );
        assert_eq!(hex_to_text("ff").unwrap(), None);
    }

    #[test]
    fn bad_hex_says_what_and_where() {
        assert_eq!(hex_to_bytes("abc"), Err(HexError::OddLength(3)));
        assert_eq!(
            hex_to_bytes("12zz"),
            Err(HexError::BadDigit {
                position: 2,
                found: 'z'
            })
        );
        assert_eq!(
            hex_to_bytes("12 34").unwrap_err().to_string(),
            "' ' at position 2 is not a hex digit"
        );
        assert_eq!(hex_to_bytes(""), Err(HexError::Empty));
        assert!(hex_to_bytes("%LWM2M_PSK_VALUE%").is_err());
    }

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
    fn generated_secrets_are_printable_long_and_different() {
        let a = generate_printable().unwrap();
        let b = generate_printable().unwrap();
        assert_eq!(a.len(), GENERATED_LEN);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric()));
        assert_ne!(a, b);
        // At least 128 bits: 24 symbols of log2(62) ≈ 5.95 bits each.
        assert!(GENERATED_LEN as f64 * 62f64.log2() >= 128.0);
        assert_eq!(
            hex_to_text(&text_to_hex(&a)).unwrap().as_deref(),
            Some(a.as_str())
        );
    }
}
