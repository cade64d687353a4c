//! Fresh secrets: printable, so that a PSK's text and hex fields always agree (DESIGN.md
//! §7), drawn from the OS's random number generator.

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
    use crate::codec::hex::{hex_to_text, text_to_hex};

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
