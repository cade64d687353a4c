//! A device's TLS client identity (the OTA template's `otaCert` and `otaPrivateKey`): PEM
//! text read into a certificate chain and a private key — PKCS#8, PKCS#1 (RSA) or SEC1 (EC),
//! or an encrypted PKCS#8 key opened with its passphrase — and checked to belong together
//! before anything connects. Errors say which field and what is wrong, never the key.

use super::tls::{summarise, CertSummary};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;
use std::sync::Arc;
use zeroize::Zeroizing;

/// Which encoding the key came in, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyEncoding {
    Pkcs8,
    EncryptedPkcs8,
    Pkcs1,
    Sec1,
}

impl KeyEncoding {
    pub fn words(self) -> &'static str {
        match self {
            KeyEncoding::Pkcs8 => "PKCS#8",
            KeyEncoding::EncryptedPkcs8 => "encrypted PKCS#8",
            KeyEncoding::Pkcs1 => "PKCS#1 (RSA)",
            KeyEncoding::Sec1 => "SEC1 (EC)",
        }
    }
}

/// Why the certificate and key cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("the client certificate field holds no CERTIFICATE block")]
    NoCertificate,
    #[error("the client certificate is not valid PEM: {0}")]
    BadCertificate(String),
    #[error("the private key field holds no private key block")]
    NoKey,
    #[error("the private key is not valid PEM: {0}")]
    BadKey(String),
    #[error("the private key is encrypted and no passphrase was given")]
    PassphraseMissing,
    #[error("the passphrase does not open the encrypted private key")]
    PassphraseWrong,
    #[error("the private key is of a kind TLS cannot use here: {0}")]
    UnsupportedKey(String),
    #[error(
        "the private key does not belong to the client certificate (their public keys differ)"
    )]
    Mismatch,
}

/// A usable client identity.
#[derive(Debug)]
pub struct ClientIdentity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    pub encoding: KeyEncoding,
    /// The leaf certificate as people read it.
    pub certificate: Option<CertSummary>,
}

fn certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, IdentityError> {
    let mut reader = std::io::Cursor::new(pem.as_bytes());
    let chain: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut reader)
        .collect::<Result<_, _>>()
        .map_err(|e| IdentityError::BadCertificate(e.to_string()))?;
    if chain.is_empty() {
        return Err(IdentityError::NoCertificate);
    }
    Ok(chain)
}

fn private_key(
    pem: &str,
    passphrase: Option<&str>,
) -> Result<(PrivateKeyDer<'static>, KeyEncoding), IdentityError> {
    if pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") {
        let passphrase = passphrase
            .filter(|p| !p.is_empty())
            .ok_or(IdentityError::PassphraseMissing)?;
        let (label, document) = pkcs8::Document::from_pem(pem.trim())
            .map_err(|e| IdentityError::BadKey(e.to_string()))?;
        if label != "ENCRYPTED PRIVATE KEY" {
            return Err(IdentityError::BadKey(format!("unexpected block {label}")));
        }
        let encrypted = pkcs8::EncryptedPrivateKeyInfo::try_from(document.as_bytes())
            .map_err(|e| IdentityError::BadKey(e.to_string()))?;
        let decrypted = encrypted
            .decrypt(passphrase)
            .map_err(|_| IdentityError::PassphraseWrong)?;
        let der = Zeroizing::new(decrypted.as_bytes().to_vec());
        // A wrong passphrase can still decrypt to bytes (PBES2 has no MAC): check the DER.
        pkcs8::PrivateKeyInfo::try_from(der.as_slice())
            .map_err(|_| IdentityError::PassphraseWrong)?;
        return Ok((
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(der.to_vec())),
            KeyEncoding::EncryptedPkcs8,
        ));
    }
    let mut reader = std::io::Cursor::new(pem.as_bytes());
    let key = rustls_pemfile::private_key(&mut reader)
        .map_err(|e| IdentityError::BadKey(e.to_string()))?
        .ok_or(IdentityError::NoKey)?;
    let encoding = match &key {
        PrivateKeyDer::Pkcs1(_) => KeyEncoding::Pkcs1,
        PrivateKeyDer::Sec1(_) => KeyEncoding::Sec1,
        _ => KeyEncoding::Pkcs8,
    };
    Ok((key, encoding))
}

/// Reads the certificate chain and key, and checks that the key is the certificate's.
pub fn load(
    cert_pem: &str,
    key_pem: &str,
    passphrase: Option<&str>,
) -> Result<ClientIdentity, IdentityError> {
    let chain = certificates(cert_pem)?;
    let (key, encoding) = private_key(key_pem, passphrase)?;
    let provider = rustls::crypto::ring::default_provider();
    let signing = provider
        .key_provider
        .load_private_key(key.clone_key())
        .map_err(|e| IdentityError::UnsupportedKey(e.to_string()))?;
    let certified = CertifiedKey::new(chain.clone(), Arc::clone(&signing));
    match certified.keys_match() {
        Ok(()) => {}
        Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::KeyMismatch)) => {
            return Err(IdentityError::Mismatch)
        }
        // The provider cannot say (no public key for this key type): let the handshake tell.
        Err(_) => {}
    }
    Ok(ClientIdentity {
        certificate: summarise(&chain[0]),
        chain,
        key,
        encoding,
    })
}
