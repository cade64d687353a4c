//! Hex text ⇄ bytes, strictly (even length, hex digits only, nothing else — not even
//! spaces), with errors that say what and where. Pure.

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
}
