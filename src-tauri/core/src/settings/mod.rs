//! What a rendered template says, typed: the MQTT, MQTT-over-HTTP, LwM2M and OTA settings
//! that the checks and the virtual device both read from a template body. One reader per
//! kind family, so a field is read (and refused) the same way whoever reads it; a body's
//! problems are [`Error`]s naming the field, found before anything connects. Pure.

mod fields;
mod http;
mod lwm2m;
mod mqtt;
mod ota;

pub use fields::{host_checked, host_field, port_field, text};
pub use http::{http, HttpSettings};
pub use lwm2m::{lwm2m, psk, Lwm2mSettings, PskSettings};
pub use mqtt::{mqtt, MqttSettings};
pub use ota::{ota, OtaSettings};

use crate::catalog::TemplateKind;
use crate::model::JsonObject;
use crate::{ApiError, ErrorCode};

/// The host and port a rendered template's device connects to (for OTA, the DDI URL's).
pub fn server(kind: TemplateKind, body: &JsonObject) -> Result<(String, u16)> {
    match kind {
        TemplateKind::MqttTcp | TemplateKind::MqttTls => mqtt(kind, body).map(|s| (s.host, s.port)),
        TemplateKind::MqttHttp | TemplateKind::MqttHttps => {
            http(kind, body).map(|s| (s.host, s.port))
        }
        TemplateKind::Ota => {
            let text = ota(body)?.ddi_url;
            let url = url::Url::parse(&text).map_err(|e| Error::NotAUrl {
                key: "otaDDIUrl".into(),
                value: crate::text::printable(&text, 80),
                why: e.to_string(),
            })?;
            let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
            let host = host_checked("otaDDIUrl", host.to_string())?;
            Ok((host, url.port_or_known_default().unwrap_or(443)))
        }
        _ => lwm2m(kind, body).map(|s| (s.host, s.port)),
    }
}

/// Why a template's values cannot be used as they are. Values are shown escaped and cut
/// (they come from models others wrote); a secret field's value is never shown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{0} is empty")]
    Empty(String),
    #[error("{key} \"{value}\" is not a port")]
    NotAPort { key: String, value: String },
    #[error("{key} \"{value}\" is not a host name or IP address: {why}")]
    NotAHost {
        key: String,
        value: String,
        why: String,
    },
    #[error("{key} \"{value}\" is not a URL: {why}")]
    NotAUrl {
        key: String,
        value: String,
        why: String,
    },
    #[error("{key} \"{value}\" is not an http:// or https:// URL")]
    NotHttp { key: String, value: String },
    #[error("{key} \"{value}\" is {scheme}://, but {kind} is checked over {over}: use {wanted}:// (the lint offers the fix)")]
    WrongScheme {
        key: String,
        value: String,
        scheme: String,
        kind: &'static str,
        over: &'static str,
        wanted: &'static str,
    },
    #[error("{key} \"{value}\" has no {part}")]
    UrlWithout {
        key: String,
        value: String,
        part: &'static str,
    },
    #[error("neither {prefix}Value nor {prefix}ValueHex holds a key")]
    NoKey { prefix: String },
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError::new(ErrorCode::InputInvalid, err.to_string())
    }
}

/// A value from a model as an error shows it: escaped, on one line, cut.
fn shown(value: &str) -> String {
    crate::text::printable(value, 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::TemplateKind;
    use serde_json::json;

    fn body(value: serde_json::Value) -> crate::model::JsonObject {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn each_problem_names_its_field_and_shows_the_value_escaped() {
        let mqtt_body = |host: &str, port: &str, id: &str| {
            body(json!({ "mqttHostName": host, "mqttTcpPort": port, "mqttClientId": id }))
        };
        let err = |b| mqtt(TemplateKind::MqttTcp, &b).err().unwrap().to_string();
        assert_eq!(
            err(mqtt_body("h", "0", "c")),
            "mqttTcpPort \"0\" is not a port"
        );
        assert_eq!(err(mqtt_body("h", "1883", "")), "mqttClientId is empty");
        let host = err(mqtt_body("a\nb", "1883", "c"));
        assert!(
            host.starts_with("mqttHostName \"a\\nb\" is not a host name"),
            "{host}"
        );
        let ok = mqtt(TemplateKind::MqttTls, &mqtt_body("h", "1883", "c"));
        assert!(ok.is_err(), "mqtt-tls reads mqttSslPort, not mqttTcpPort");
    }

    #[test]
    fn http_urls_keep_their_kind_s_scheme() {
        let b = |url: &str| {
            body(json!({ "httpsUrl": url, "mqttClientId": "c", "mqttDataTopicName": "d" }))
        };
        let s = http(TemplateKind::MqttHttps, &b("https://bridge:8443/p?x=1")).unwrap();
        assert_eq!((s.host.as_str(), s.port), ("bridge", 8443));
        let wrong = http(TemplateKind::MqttHttps, &b("http://bridge/p"))
            .err()
            .unwrap();
        assert!(
            matches!(
                wrong,
                Error::WrongScheme {
                    wanted: "https",
                    ..
                }
            ),
            "{wrong}"
        );
        let not_url = http(TemplateKind::MqttHttps, &b("bridge")).err().unwrap();
        assert!(not_url
            .to_string()
            .starts_with("httpsUrl \"bridge\" is not a URL"));
    }

    #[test]
    fn a_psk_comes_from_the_hex_field_when_it_decodes_and_says_so() {
        let b = body(
            json!({ "lwm2mHostName": "h", "lwm2mPortDtls": "5684", "lwm2mEndpoint": "e",
            "lwm2mPSKIdentity": "id", "lwm2mPSKValue": "abc", "lwm2mPSKValueHex": "616263" }),
        );
        let s = lwm2m(TemplateKind::Lwm2mPsk, &b).unwrap();
        let security = s.security.unwrap();
        assert_eq!(security.psk.key.as_slice(), b"abc");
        assert_eq!(security.key_field(s.psk_prefix), "lwm2mPSKValueHex");
        assert!(!security.fields_disagree);
        let none = body(
            json!({ "lwm2mBsHostName": "h", "lwm2mBsPortDtls": "1", "lwm2mEndpoint": "e",
            "lwm2mBsPSKIdentity": "id" }),
        );
        assert_eq!(
            lwm2m(TemplateKind::Lwm2mBootstrapPsk, &none)
                .err()
                .unwrap()
                .to_string(),
            "neither lwm2mBsPSKValue nor lwm2mBsPSKValueHex holds a key"
        );
    }
}
