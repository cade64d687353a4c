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
}
