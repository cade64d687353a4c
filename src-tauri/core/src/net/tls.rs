//! TLS on top of a connected socket, recording what the server presented: protocol version,
//! cipher suite and the certificate chain (subject, issuer, SANs, validity).
//!
//! The port sweep only asks "does this port speak TLS?", so [`probe_config`] accepts any
//! chain; it still records it, so the sweep can show who the server claims to be. The
//! certificate checks of the MQTT and OTA ladders verify for real and live beside this.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;
use ts_rs::TS;

pub use super::tls_failure::TlsFailure;
pub use crate::codec::certificates::{pem_certificates, summarise, CertSummary};
pub use crate::codec::interception::Interception;

/// What the server showed during a handshake: the chain it presented (filled in by the
/// verifier) and whether it asked for a client certificate (noted by the client-certificate
/// resolver, which rustls consults exactly when a CertificateRequest arrives).
#[derive(Debug, Default)]
pub struct Seen {
    pub chain: Mutex<Vec<CertificateDer<'static>>>,
    /// The CAs the configuration trusts on its own (the template's), none for the OS roots:
    /// what an untrusted chain is judged against for interception.
    pub trusted_cas: Vec<CertificateDer<'static>>,
    pub client_cert_asked: AtomicBool,
    /// The configuration has a client certificate to present.
    pub client_cert_offered: AtomicBool,
}

impl Seen {
    pub fn client_cert_asked(&self) -> bool {
        self.client_cert_asked.load(Ordering::Relaxed)
    }

    /// Whether the chain presented to us for `host` looks like a TLS-inspecting middlebox's
    /// (see [`crate::codec::interception`]).
    pub fn interception(&self, host: &str) -> Option<Interception> {
        let chain = self.chain.lock().ok()?;
        let chain: Vec<&[u8]> = chain.iter().map(|c| c.as_ref()).collect();
        let cas: Vec<&[u8]> = self.trusted_cas.iter().map(|c| c.as_ref()).collect();
        let roots: Vec<&[u8]> = public_root_subjects().iter().map(Vec::as_slice).collect();
        crate::codec::interception::judge(&chain, host, &cas, &roots)
    }
}

/// The subjects (DER) of the operating system's trusted roots, read once.
fn public_root_subjects() -> &'static [Vec<u8>] {
    static ROOTS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    ROOTS.get_or_init(|| {
        rustls_native_certs::load_native_certs()
            .certs
            .iter()
            .filter_map(|der| {
                x509_parser::parse_x509_certificate(der)
                    .ok()
                    .map(|(_, c)| c.subject().as_raw().to_vec())
            })
            .collect()
    })
}

pub type SeenChain = Arc<Seen>;

/// What a completed handshake showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TlsFacts {
    pub version: String,
    pub cipher: String,
    pub chain: Vec<CertSummary>,
    /// The server sent a CertificateRequest (it wants, or would take, a client certificate).
    pub client_cert_asked: bool,
}

/// Keeps the chain a server presented, leaf first.
fn record(seen: &SeenChain, end_entity: &CertificateDer<'_>, intermediates: &[CertificateDer<'_>]) {
    if let Ok(mut chain) = seen.chain.lock() {
        *chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
    }
}

/// Accepts every chain and keeps the last one presented; signatures are still checked with
/// the provider's algorithms, so the handshake itself is real.
#[derive(Debug)]
struct RecordAnyChain {
    provider: Arc<rustls::crypto::CryptoProvider>,
    seen: SeenChain,
}

impl ServerCertVerifier for RecordAnyChain {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        record(&self.seen, end_entity, intermediates);
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// A client configuration for probing: any chain accepted and recorded in `seen`.
pub fn probe_config(alpn: &[&[u8]]) -> (Arc<ClientConfig>, SeenChain) {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let seen = SeenChain::default();
    let verifier = Arc::new(RecordAnyChain {
        provider: provider.clone(),
        seen: seen.clone(),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("the ring provider supports the default TLS versions")
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    (Arc::new(config), seen)
}

/// The server name to send: an IP literal as an IP, anything else as a DNS name.
pub fn server_name(host: &str) -> super::Result<ServerName<'static>> {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    ServerName::try_from(bare.to_string()).map_err(|e| super::Error::ServerName {
        host: host.into(),
        why: e.to_string(),
    })
}

/// Runs a handshake with a time limit.
pub async fn handshake(
    stream: TcpStream,
    host: &str,
    config: Arc<ClientConfig>,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, TlsFailure> {
    let name = server_name(host).map_err(|e| TlsFailure::Protocol(e.to_string()))?;
    match tokio::time::timeout(timeout, TlsConnector::from(config).connect(name, stream)).await {
        Err(_) => Err(TlsFailure::Timeout),
        Ok(Err(e)) if crate::net::is_reset(&e) => Err(TlsFailure::Reset(format!(
            "the connection was reset during the TLS handshake ({e}): the port does not speak TLS, or a firewall or proxy cut it"
        ))),
        Ok(Err(e)) => Err(TlsFailure::Protocol(e.to_string())),
        Ok(Ok(tls)) => Ok(tls),
    }
}

/// Version, cipher and the recorded chain of a finished handshake.
pub fn facts(tls: &TlsStream<TcpStream>, seen: &Seen) -> TlsFacts {
    let (_, conn) = tls.get_ref();
    let chain = seen
        .chain
        .lock()
        .map(|certs| certs.iter().filter_map(|c| summarise(c)).collect())
        .unwrap_or_default();
    TlsFacts {
        version: conn
            .protocol_version()
            .map(|v| format!("{v:?}"))
            .unwrap_or_default(),
        cipher: conn
            .negotiated_cipher_suite()
            .map(|s| format!("{:?}", s.suite()))
            .unwrap_or_default(),
        chain,
        client_cert_asked: seen.client_cert_asked(),
    }
}

/// Records the chain, then lets the real verifier (webpki or the platform's) decide.
#[derive(Debug)]
struct RecordThenVerify {
    inner: Arc<dyn ServerCertVerifier>,
    seen: SeenChain,
}

impl ServerCertVerifier for RecordThenVerify {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        record(&self.seen, end_entity, intermediates);
        self.inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// Whom a verifying handshake trusts.
#[derive(Debug, Clone, Copy)]
pub enum Trust<'a> {
    /// Only this CA (PEM): a template that names its broker's CA means exactly that CA.
    Only(&'a str),
    /// The operating system's trust store, through rustls-platform-verifier, plus these extra
    /// CAs (PEM) when given.
    System { extra: Option<&'a str> },
}

impl<'a> Trust<'a> {
    /// The template's CA when it has one, else the OS roots (plus `extra`).
    pub fn from_template(ca_pem: Option<&'a str>, extra: Option<&'a str>) -> Trust<'a> {
        match ca_pem.map(str::trim).filter(|p| !p.is_empty()) {
            Some(pem) => Trust::Only(pem),
            None => Trust::System {
                extra: extra.map(str::trim).filter(|p| !p.is_empty()),
            },
        }
    }
}

fn verifier(
    trust: Trust<'_>,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> super::Result<Arc<dyn ServerCertVerifier>> {
    use super::Error::TlsConfig;
    match trust {
        Trust::Only(pem) => {
            let mut store = rustls::RootCertStore::empty();
            for cert in pem_certificates(pem)? {
                store
                    .add(cert)
                    .map_err(|e| TlsConfig(format!("the CA certificate is not usable: {e}")))?;
            }
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(store),
                provider,
            )
            .build()
            .map_err(|e| TlsConfig(format!("cannot build a certificate verifier: {e}")))?;
            Ok(webpki)
        }
        Trust::System { extra } => {
            let extra = match extra {
                Some(pem) => pem_certificates(pem)?,
                None => Vec::new(),
            };
            let platform = rustls_platform_verifier::Verifier::new_with_extra_roots(
                extra, provider,
            )
            .map_err(|e| {
                TlsConfig(format!(
                    "cannot load the system's trusted certificates: {e}"
                ))
            })?;
            Ok(Arc::new(platform))
        }
    }
}

/// A verifying client configuration that also records the presented chain.
pub fn verifying_config(
    trust: Trust<'_>,
    alpn: &[&[u8]],
) -> super::Result<(Arc<ClientConfig>, SeenChain)> {
    verifying_config_with_identity(trust, alpn, None)
}

/// The same, presenting `identity` when the server asks for a client certificate.
pub fn verifying_config_with_identity(
    trust: Trust<'_>,
    alpn: &[&[u8]],
    identity: Option<&super::client_identity::ClientIdentity>,
) -> super::Result<(Arc<ClientConfig>, SeenChain)> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certified = match identity {
        Some(id) => {
            let key = provider
                .key_provider
                .load_private_key(id.key.clone_key())
                .map_err(|e| {
                    super::Error::TlsConfig(format!("the private key cannot be used: {e}"))
                })?;
            Some(Arc::new(rustls::sign::CertifiedKey::new(
                id.chain.clone(),
                key,
            )))
        }
        None => None,
    };
    let inner = verifier(trust, provider.clone())?;
    let trusted_cas = match trust {
        Trust::Only(pem) => pem_certificates(pem)?,
        Trust::System { .. } => Vec::new(),
    };
    let seen = SeenChain::new(Seen {
        trusted_cas,
        ..Seen::default()
    });
    seen.client_cert_offered
        .store(certified.is_some(), Ordering::Relaxed);
    let verifier = Arc::new(RecordThenVerify {
        inner,
        seen: seen.clone(),
    });
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| super::Error::TlsConfig(e.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_client_cert_resolver(Arc::new(NoteCertificateRequest {
            seen: seen.clone(),
            identity: certified,
        }));
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok((Arc::new(config), seen))
}

/// Offers the device's client certificate, if it has one, and notes that the server asked
/// for one: that is how a check tells "the server wants a client certificate" from other
/// handshake failures.
#[derive(Debug)]
struct NoteCertificateRequest {
    seen: SeenChain,
    identity: Option<Arc<rustls::sign::CertifiedKey>>,
}

impl rustls::client::ResolvesClientCert for NoteCertificateRequest {
    fn resolve(
        &self,
        _acceptable_issuers: &[&[u8]],
        _schemes: &[SignatureScheme],
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        self.seen.client_cert_asked.store(true, Ordering::Relaxed);
        self.identity.clone()
    }

    fn has_certs(&self) -> bool {
        // True so that rustls keeps the transcript a TLS 1.2 client signature would need;
        // `resolve` still answers with no certificate.
        true
    }
}

/// After a handshake in which the server asked for a client certificate and got none: a
/// TLS 1.3 server that insists says so in an alert right after the handshake, so wait up to
/// `wait` for it. Silence means the server accepted the connection without one.
pub async fn await_client_cert_verdict(
    tls: &mut TlsStream<TcpStream>,
    wait: Duration,
) -> Result<(), TlsFailure> {
    use tokio::io::AsyncReadExt;
    let mut byte = [0u8; 1];
    match tokio::time::timeout(wait, tls.read(&mut byte)).await {
        Err(_) | Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => match TlsFailure::classify(&e, true) {
            TlsFailure::Protocol(m) => Err(TlsFailure::ClientCertRejected(m)),
            other => Err(other),
        },
    }
}

/// A verified handshake with a time limit; failures classified for the report.
pub async fn verified_handshake(
    stream: TcpStream,
    host: &str,
    config: Arc<ClientConfig>,
    seen: &Seen,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, TlsFailure> {
    let name = server_name(host).map_err(|e| TlsFailure::Protocol(e.to_string()))?;
    let connect = TlsConnector::from(config).connect(name, stream);
    let mut tls = match tokio::time::timeout(timeout, connect).await {
        Err(_) => return Err(TlsFailure::Timeout),
        Ok(Err(e)) => return Err(TlsFailure::classify(&e, seen.client_cert_asked())),
        Ok(Ok(tls)) => tls,
    };
    if seen.client_cert_asked() && !seen.client_cert_offered.load(Ordering::Relaxed) {
        // We had no certificate to give: hear the server out before calling the rung good.
        await_client_cert_verdict(&mut tls, timeout.min(CLIENT_CERT_VERDICT_WAIT)).await?;
    }
    Ok(tls)
}

/// How long to listen for a TLS 1.3 server's verdict on a missing client certificate (it
/// comes in the next round trip; on a far-away server that is still well under a second).
const CLIENT_CERT_VERDICT_WAIT: Duration = Duration::from_millis(800);
