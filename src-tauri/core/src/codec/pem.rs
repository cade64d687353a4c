//! Checking PEM text (RFC 7468) without trusting it: which blocks it holds and whether each
//! block's base64 decodes. Pure; the TLS code parses certificates and keys properly later.

use base64::Engine;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PemBlock {
    /// The label after BEGIN, e.g. `CERTIFICATE`, `PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`.
    pub label: String,
    /// Decoded length of the block's body in bytes.
    pub der_len: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemError {
    #[error("no -----BEGIN …----- line: this is not PEM text (a file path is not followed; paste the PEM or open the file)")]
    NoBlock,
    #[error("line {line}: BEGIN {label} has no matching END line")]
    Unterminated { line: usize, label: String },
    #[error("line {line}: END {found} does not close BEGIN {expected}")]
    Mismatched {
        line: usize,
        expected: String,
        found: String,
    },
    #[error("line {line}: the base64 inside the {label} block does not decode")]
    BadBase64 { line: usize, label: String },
    #[error("line {line}: text outside a BEGIN/END block")]
    StrayText { line: usize },
}

fn armour<'a>(line: &'a str, word: &str) -> Option<&'a str> {
    line.strip_prefix("-----")?
        .strip_suffix("-----")?
        .strip_prefix(word)?
        .strip_prefix(' ')
}

/// The blocks of a PEM text, in order. Headers inside a block (`Proc-Type:`, `DEK-Info:`
/// of legacy encrypted keys) are skipped; blank lines between blocks are fine.
pub fn parse_blocks(text: &str) -> Result<Vec<PemBlock>, PemError> {
    let mut blocks = Vec::new();
    let mut open: Option<(usize, String, String)> = None; // (line, label, base64)
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        match &mut open {
            None => {
                if let Some(label) = armour(line, "BEGIN") {
                    open = Some((line_no, label.to_string(), String::new()));
                } else if !line.is_empty() {
                    return Err(if blocks.is_empty() && !text.contains("-----BEGIN ") {
                        PemError::NoBlock
                    } else {
                        PemError::StrayText { line: line_no }
                    });
                }
            }
            Some((begin_line, label, body)) => {
                if let Some(end) = armour(line, "END") {
                    if end != label {
                        return Err(PemError::Mismatched {
                            line: line_no,
                            expected: label.clone(),
                            found: end.to_string(),
                        });
                    }
                    let der = base64::engine::general_purpose::STANDARD
                        .decode(body.as_bytes())
                        .map_err(|_| PemError::BadBase64 {
                            line: *begin_line,
                            label: label.clone(),
                        })?;
                    blocks.push(PemBlock {
                        label: label.clone(),
                        der_len: der.len(),
                    });
                    open = None;
                } else if !line.contains(':') {
                    body.push_str(line);
                }
            }
        }
    }
    if let Some((line, label, _)) = open {
        return Err(PemError::Unterminated { line, label });
    }
    if blocks.is_empty() {
        return Err(PemError::NoBlock);
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CERT: &str =
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";

    #[test]
    fn reads_blocks_and_their_sizes() {
        let two = format!("{CERT}\n{CERT}");
        let blocks = parse_blocks(&two).unwrap();
        assert_eq!(blocks.len(), 2);
        assert_eq!(blocks[0].label, "CERTIFICATE");
        assert_eq!(blocks[0].der_len, 15);
    }

    #[test]
    fn skips_legacy_encryption_headers() {
        let key = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----";
        assert_eq!(parse_blocks(key).unwrap()[0].label, "RSA PRIVATE KEY");
    }

    #[test]
    fn names_what_is_wrong_and_where() {
        assert_eq!(parse_blocks("/etc/ssl/ca.pem"), Err(PemError::NoBlock));
        assert_eq!(
            parse_blocks("-----BEGIN CERTIFICATE-----\nAAAA\n"),
            Err(PemError::Unterminated {
                line: 1,
                label: "CERTIFICATE".into()
            })
        );
        assert_eq!(
            parse_blocks("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----"),
            Err(PemError::Mismatched {
                line: 3,
                expected: "CERTIFICATE".into(),
                found: "PRIVATE KEY".into()
            })
        );
        assert_eq!(
            parse_blocks("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----"),
            Err(PemError::BadBase64 {
                line: 1,
                label: "CERTIFICATE".into()
            })
        );
        assert_eq!(
            parse_blocks(&format!("{CERT}garbage")),
            Err(PemError::StrayText { line: 4 })
        );
    }
}
