//! Certificates as a person reads them: the subject, issuer, SANs and validity of a DER
//! certificate, and the certificates of PEM text. Pure: the TLS rungs record the chain a
//! server presents, and this reads it.

use rustls::pki_types::CertificateDer;
use serde::Serialize;
use std::time::Duration;
use ts_rs::TS;

/// One certificate of a presented chain, as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CertSummary {
    pub subject: String,
    pub issuer: String,
    pub sans: Vec<String>,
    /// RFC 3339.
    pub not_before: String,
    pub not_after: String,
}

/// A SAN as people write them: `DNS:host`, `IP:127.0.0.1`.
fn general_name(name: &x509_parser::extensions::GeneralName<'_>) -> String {
    use x509_parser::extensions::GeneralName;
    match name {
        GeneralName::DNSName(dns) => format!("DNS:{dns}"),
        GeneralName::IPAddress(bytes) => match bytes.len() {
            4 => format!(
                "IP:{}",
                std::net::Ipv4Addr::from(<[u8; 4]>::try_from(*bytes).unwrap_or_default())
            ),
            16 => format!(
                "IP:{}",
                std::net::Ipv6Addr::from(<[u8; 16]>::try_from(*bytes).unwrap_or_default())
            ),
            _ => "IP:?".into(),
        },
        other => other.to_string(),
    }
}

/// Summarises a DER certificate; `None` when it does not parse.
pub fn summarise(der: &[u8]) -> Option<CertSummary> {
    let (_, cert) = x509_parser::parse_x509_certificate(der).ok()?;
    let sans = cert
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|ext| ext.value.general_names.iter().map(general_name).collect())
        .unwrap_or_default();
    let time = |t: x509_parser::time::ASN1Time| {
        let secs = u64::try_from(t.timestamp()).unwrap_or(0);
        humantime::format_rfc3339_seconds(std::time::UNIX_EPOCH + Duration::from_secs(secs))
            .to_string()
    };
    Some(CertSummary {
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        sans,
        not_before: time(cert.validity().not_before),
        not_after: time(cert.validity().not_after),
    })
}

/// Why PEM text gives no certificates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PemCertError {
    #[error("the CA certificate is not valid PEM: {0}")]
    Invalid(String),
    #[error("the CA field holds no CERTIFICATE block")]
    NoCertificate,
}

/// The certificates of PEM text (a template's CA field, an extra CA variable).
pub fn pem_certificates(pem: &str) -> Result<Vec<CertificateDer<'static>>, PemCertError> {
    let mut reader = std::io::Cursor::new(pem.as_bytes());
    let certs: Vec<CertificateDer<'static>> = rustls_pemfile::certs(&mut reader)
        .collect::<Result<_, _>>()
        .map_err(|e| PemCertError::Invalid(e.to_string()))?;
    if certs.is_empty() {
        return Err(PemCertError::NoCertificate);
    }
    Ok(certs)
}
