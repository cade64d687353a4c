//! The LwM2M kinds: the server (or, for the bootstrap kinds, the bootstrap server), the
//! endpoint name, and the PSK of the `-psk` kinds with the field it came from.

use super::fields::{host_field, port_field, required, text};
use super::{Error, Result};
use crate::catalog::TemplateKind;
use crate::model::JsonObject;
use crate::psk::{choose_key, text_and_hex_agree, Psk, PskSource};
use zeroize::Zeroizing;

/// The PSK a `-psk` template names, and where the key came from.
pub struct PskSettings {
    pub psk: Psk,
    pub source: PskSource,
    /// Both key fields are filled and hold different keys (lint warns too).
    pub fields_disagree: bool,
    /// Other ways the key material could be meant, for a handshake that fails as a wrong key.
    pub readings: Vec<crate::psk::KeyReading>,
}

impl PskSettings {
    /// The field the key was taken from, e.g. `lwm2mBsPSKValueHex`.
    pub fn key_field(&self, prefix: &str) -> String {
        match self.source {
            PskSource::Hex => format!("{prefix}ValueHex"),
            PskSource::Text => format!("{prefix}Value"),
        }
    }
}

/// The server a rendered template names, and the PSK for it.
pub struct Lwm2mSettings {
    pub host: String,
    pub port: u16,
    pub endpoint: String,
    pub security: Option<PskSettings>,
    /// The key prefix of the PSK fields (`lwm2mPSK` or `lwm2mBsPSK`).
    pub psk_prefix: &'static str,
}

/// The identity and key of a PSK template, by its key names (`lwm2mPSK…` or `lwm2mBsPSK…`).
pub fn psk(body: &JsonObject, prefix: &str) -> Result<PskSettings> {
    let identity = required(body, &format!("{prefix}Identity"))?;
    let key_text = text(body, &format!("{prefix}Value"));
    let key_hex = text(body, &format!("{prefix}ValueHex"));
    let (key, source) =
        choose_key(Some(&key_text), Some(&key_hex)).ok_or_else(|| Error::NoKey {
            prefix: prefix.into(),
        })?;
    let fields_disagree = !key_text.is_empty()
        && !key_hex.is_empty()
        && text_and_hex_agree(&key_text, &key_hex) == Some(false);
    let readings = crate::psk::other_readings(prefix, &identity, (&key_text, &key_hex), source);
    Ok(PskSettings {
        readings,
        psk: Psk {
            identity: identity.into_bytes(),
            key: Zeroizing::new(key),
        },
        source,
        fields_disagree,
    })
}

/// The settings of any LwM2M template: the server's (`lwm2mHostName`, `lwm2mPort…`,
/// `lwm2mPSK…`) or, for the bootstrap kinds, the bootstrap server's (`lwm2mBs…`).
pub fn lwm2m(kind: TemplateKind, body: &JsonObject) -> Result<Lwm2mSettings> {
    use TemplateKind as K;
    let prefix = match kind {
        K::Lwm2mBootstrapNosec | K::Lwm2mBootstrapPsk => "lwm2mBs",
        _ => "lwm2m",
    };
    let psk_prefix = match kind {
        K::Lwm2mBootstrapNosec | K::Lwm2mBootstrapPsk => "lwm2mBsPSK",
        _ => "lwm2mPSK",
    };
    let secure = matches!(kind, K::Lwm2mPsk | K::Lwm2mBootstrapPsk);
    let port_key = if secure { "PortDtls" } else { "PortNoSec" };
    let port = port_field(body, &format!("{prefix}{port_key}"))?;
    let host = host_field(body, &format!("{prefix}HostName"))?;
    let endpoint = required(body, "lwm2mEndpoint")?;
    let security = if secure {
        Some(psk(body, psk_prefix)?)
    } else {
        None
    };
    Ok(Lwm2mSettings {
        host,
        port,
        endpoint,
        security,
        psk_prefix,
    })
}
