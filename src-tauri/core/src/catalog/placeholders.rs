//! The placeholder catalog: every `%NAME%` the reference uses, plus the ones DESIGN.md §7
//! adds (the bootstrap PSK's hex form, the OTA controller id and key passphrase), each with
//! its scope, type, default and whether it is a secret.

use super::ValueType as T;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Who normally supplies a placeholder's value. Rendering still looks a value up at every
/// level (device, then project, then default); the scope says where the UI asks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Scope {
    /// Shared by every device of a project: host names, URLs, ports, topics, network id.
    Project,
    /// Different for each device: endpoint, client id, credentials, keys.
    Device,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlaceholderSpec {
    /// The name without the `%`s, as on the command line (`--var MQTT_HOST=…`).
    pub name: &'static str,
    pub description: &'static str,
    pub scope: Scope,
    pub value_type: T,
    /// The value used when neither device nor project sets one (the documented ports).
    pub default: Option<&'static str>,
    pub secret: bool,
}

const fn p(
    name: &'static str,
    scope: Scope,
    value_type: T,
    description: &'static str,
) -> PlaceholderSpec {
    PlaceholderSpec {
        name,
        description,
        scope,
        value_type,
        default: None,
        secret: false,
    }
}

const fn port(
    name: &'static str,
    default: &'static str,
    description: &'static str,
) -> PlaceholderSpec {
    PlaceholderSpec {
        name,
        description,
        scope: Scope::Project,
        value_type: T::Port,
        default: Some(default),
        secret: false,
    }
}

const fn secret(name: &'static str, value_type: T, description: &'static str) -> PlaceholderSpec {
    PlaceholderSpec {
        name,
        description,
        scope: Scope::Device,
        value_type,
        default: None,
        secret: true,
    }
}

use Scope::{Device, Project};

/// Grouped by protocol, in the order a person fills them in.
pub const PLACEHOLDERS: &[PlaceholderSpec] = &[
    p(
        "LWM2M_BS_HOST",
        Project,
        T::Host,
        "Host name of the LWM2M bootstrap server",
    ),
    port(
        "LWM2M_BS_DTLS_PORT",
        "15684",
        "Bootstrap server port over DTLS",
    ),
    p(
        "LWM2M_BS_PSK_IDENTITY",
        Device,
        T::Text,
        "PSK identity for the bootstrap server",
    ),
    secret(
        "LWM2M_BS_PSK_VALUE",
        T::Text,
        "Pre-shared key for the bootstrap server, as text",
    ),
    secret(
        "LWM2M_BS_PSK_VALUE_HEX",
        T::Hex,
        "Pre-shared key for the bootstrap server, in hex",
    ),
    port(
        "LWM2M_BS_NOSEC_PORT",
        "15683",
        "Bootstrap server port without security",
    ),
    port("LWM2M_DTLS_PORT", "5684", "LWM2M server port over DTLS"),
    p(
        "LWM2M_ENDPOINT",
        Device,
        T::Text,
        "LWM2M endpoint client name of the device",
    ),
    PlaceholderSpec {
        name: "LWM2M_LIFETIME",
        description: "Registration lifetime in seconds a device asks the LWM2M server for (4 to 31536000)",
        scope: Project,
        value_type: T::Text,
        default: Some("300"),
        secret: false,
    },
    p(
        "LWM2M_HOST",
        Project,
        T::Host,
        "Host name of the LoopCloud LWM2M server",
    ),
    port(
        "LWM2M_NOSEC_PORT",
        "5683",
        "LWM2M server port without security",
    ),
    p(
        "LWM2M_PSK_IDENTITY",
        Device,
        T::Text,
        "PSK identity for the LWM2M server",
    ),
    secret(
        "LWM2M_PSK_VALUE",
        T::Text,
        "Pre-shared key for the LWM2M server, as text",
    ),
    secret(
        "LWM2M_PSK_VALUE_HEX",
        T::Hex,
        "Pre-shared key for the LWM2M server, in hex",
    ),
    p(
        "MQTT_CA_CERT",
        Project,
        T::Pem,
        "CA certificate that issued the broker's certificate",
    ),
    p(
        "MQTT_CLIENT_ID",
        Device,
        T::Text,
        "MQTT client id of the device",
    ),
    p(
        "MQTT_DATA_TOPIC",
        Project,
        T::Topic,
        "Topic the device publishes data on",
    ),
    p(
        "MQTT_HOST",
        Project,
        T::Host,
        "Host name of the LoopCloud MQTT broker",
    ),
    p(
        "MQTT_HTTP",
        Project,
        T::Url,
        "http:// URL of the MQTT publish service",
    ),
    p(
        "MQTT_HTTPS",
        Project,
        T::Url,
        "https:// URL of the MQTT publish service",
    ),
    p(
        "MQTT_HTTPS_CA",
        Project,
        T::Pem,
        "Extra CA certificate trusted for the https:// MQTT publish service, besides the system's (no template field: used by the mqtt-https check)",
    ),
    secret("MQTT_PASSWORD", T::Text, "MQTT password of the device"),
    p(
        "MQTT_REQ_TOPIC",
        Project,
        T::Topic,
        "Topic the cloud sends requests on",
    ),
    p(
        "MQTT_RESP_TOPIC",
        Project,
        T::Topic,
        "Topic the device answers requests on",
    ),
    port("MQTT_SSL_PORT", "8883", "MQTT broker port over TLS"),
    port("MQTT_TCP_PORT", "1883", "MQTT broker port over plain TCP"),
    p(
        "MQTT_USERNAME",
        Device,
        T::Text,
        "MQTT user name of the device",
    ),
    p(
        "OTA_CA_CERT",
        Project,
        T::Pem,
        "CA certificate the OTA server's certificate is checked against",
    ),
    p(
        "OTA_CERT",
        Device,
        T::Pem,
        "Client certificate of the device for OTA",
    ),
    p(
        "OTA_CONTROLLER_ID",
        Device,
        T::Text,
        "hawkBit controller id (else the LWM2M endpoint, else the MQTT client id)",
    ),
    p("OTA_DDI_URL", Project, T::Url, "hawkBit DDI URL"),
    secret(
        "OTA_KEY_PASSPHRASE",
        T::Text,
        "Passphrase of an encrypted OTA private key",
    ),
    secret(
        "OTA_PRIVATE_KEY",
        T::Pem,
        "Private key of the device for OTA",
    ),
    p(
        "PROXY_MQTT",
        Project,
        T::Text,
        "true: MQTT over TCP/TLS goes through the proxy's CONNECT tunnel too (no template field: used by the checks)",
    ),
    // The whole URL is sealed, since its password is inside it.
    PlaceholderSpec {
        name: "PROXY_URL",
        description: "HTTP proxy this site goes out through, http://[user:password@]host:port (no template field: used by the checks)",
        scope: Project,
        value_type: T::Url,
        default: None,
        secret: true,
    },
    p(
        "REMOTE_NETWORK",
        Project,
        T::Hex,
        "Hexadecimal id of the device network",
    ),
];

/// Misspellings that LoopCloud's own templates carry: they render as the canonical name, and
/// the lint warns with a rename fix.
pub const PLACEHOLDER_ALIASES: &[(&str, &str)] = &[("LWM2M_PSK_IDENITY", "LWM2M_PSK_IDENTITY")];

/// The catalog entry for a name (not following aliases).
pub fn placeholder(name: &str) -> Option<&'static PlaceholderSpec> {
    PLACEHOLDERS.iter().find(|p| p.name == name)
}

/// The canonical name for `name`: itself when catalogued, its target when it is an alias.
pub fn canonical_placeholder(name: &str) -> Option<&'static PlaceholderSpec> {
    placeholder(name).or_else(|| {
        PLACEHOLDER_ALIASES
            .iter()
            .find(|(alias, _)| *alias == name)
            .and_then(|(_, target)| placeholder(target))
    })
}

#[cfg(test)]
mod tests {
    use super::super::TemplateKind;
    use super::*;

    #[test]
    fn catalog_names_are_unique_and_upper_snake_case() {
        let mut names: Vec<&str> = PLACEHOLDERS.iter().map(|p| p.name).collect();
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')));
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), PLACEHOLDERS.len());
    }

    #[test]
    fn every_placeholder_of_every_canonical_body_is_known() {
        for kind in TemplateKind::ALL {
            for field in kind.spec().fields {
                if let Some(name) = field
                    .canonical
                    .strip_prefix('%')
                    .and_then(|s| s.strip_suffix('%'))
                {
                    assert!(canonical_placeholder(name).is_some(), "{kind}: {name}");
                }
            }
        }
    }

    #[test]
    fn documented_ports_are_the_defaults() {
        let default = |n| placeholder(n).unwrap().default;
        assert_eq!(default("MQTT_TCP_PORT"), Some("1883"));
        assert_eq!(default("MQTT_SSL_PORT"), Some("8883"));
        assert_eq!(default("LWM2M_NOSEC_PORT"), Some("5683"));
        assert_eq!(default("LWM2M_DTLS_PORT"), Some("5684"));
        assert_eq!(default("LWM2M_BS_NOSEC_PORT"), Some("15683"));
        assert_eq!(default("LWM2M_BS_DTLS_PORT"), Some("15684"));
    }

    #[test]
    fn secrets_are_the_passwords_keys_and_passphrases() {
        let mut secrets: Vec<&str> = PLACEHOLDERS
            .iter()
            .filter(|p| p.secret)
            .map(|p| p.name)
            .collect();
        secrets.sort_unstable();
        assert_eq!(
            secrets,
            [
                "LWM2M_BS_PSK_VALUE",
                "LWM2M_BS_PSK_VALUE_HEX",
                "LWM2M_PSK_VALUE",
                "LWM2M_PSK_VALUE_HEX",
                "MQTT_PASSWORD",
                "OTA_KEY_PASSPHRASE",
                "OTA_PRIVATE_KEY",
                "PROXY_URL"
            ]
        );
    }

    #[test]
    fn the_reference_misspelling_is_an_alias() {
        assert!(placeholder("LWM2M_PSK_IDENITY").is_none());
        assert_eq!(
            canonical_placeholder("LWM2M_PSK_IDENITY").unwrap().name,
            "LWM2M_PSK_IDENTITY"
        );
        assert!(canonical_placeholder("NOPE").is_none());
    }
}
