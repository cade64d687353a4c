//! The nine template kinds, their specs, canonical bodies and recognition from keys.

use super::{fields, FieldSpec};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::fmt;
use ts_rs::TS;

/// A LoopCloud template kind; the names are the ones DESIGN.md §2 fixes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum TemplateKind {
    Lwm2mBootstrapPsk,
    Lwm2mBootstrapNosec,
    Lwm2mPsk,
    Lwm2mNosec,
    MqttHttp,
    MqttHttps,
    MqttTcp,
    MqttTls,
    Ota,
}

/// TCP or UDP: how a kind's server is reached (the "5684/udp" chip on a card), and the
/// transport of a port in a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Transport {
    Tcp,
    Udp,
}

/// Everything the catalog knows about one kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct KindSpec {
    pub kind: TemplateKind,
    /// Card title, e.g. "MQTT · TLS".
    pub title: &'static str,
    /// One sentence for the "Add template" list.
    pub summary: &'static str,
    pub transport: Transport,
    /// The key that holds the server's port, or `None` where a URL carries it.
    pub port_key: Option<&'static str>,
    /// The key only this kind has; finding it in a body identifies the kind.
    pub signature_key: &'static str,
    #[ts(as = "Vec<FieldSpec>")]
    pub fields: &'static [FieldSpec],
    /// Variables this kind's check reads that no field of its body names (DESIGN.md §7:
    /// the OTA controller id and key passphrase, mqtt-https's extra CA), so editors ask
    /// for them too.
    #[ts(as = "Vec<String>")]
    pub check_variables: &'static [&'static str],
    /// The rungs a check of this kind always climbs, in order, when nothing fails (DESIGN.md
    /// §3). Rungs that depend on the model or the site (a proxy, mqtt-http's observer, the
    /// echo, a provisioned server's DTLS) are left out. The Test view lists the ones a failed
    /// check never reached as skipped; the CLI tests hold each list against a real run.
    #[ts(as = "Vec<String>")]
    pub rungs: &'static [&'static str],
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 9] = [
        TemplateKind::Lwm2mBootstrapPsk,
        TemplateKind::Lwm2mBootstrapNosec,
        TemplateKind::Lwm2mPsk,
        TemplateKind::Lwm2mNosec,
        TemplateKind::MqttHttp,
        TemplateKind::MqttHttps,
        TemplateKind::MqttTcp,
        TemplateKind::MqttTls,
        TemplateKind::Ota,
    ];

    pub fn spec(self) -> &'static KindSpec {
        &SPECS[self as usize]
    }

    /// The kind's name as used in JSON and on the command line, e.g. `mqtt-tls`.
    pub fn name(self) -> &'static str {
        match self {
            TemplateKind::Lwm2mBootstrapPsk => "lwm2m-bootstrap-psk",
            TemplateKind::Lwm2mBootstrapNosec => "lwm2m-bootstrap-nosec",
            TemplateKind::Lwm2mPsk => "lwm2m-psk",
            TemplateKind::Lwm2mNosec => "lwm2m-nosec",
            TemplateKind::MqttHttp => "mqtt-http",
            TemplateKind::MqttHttps => "mqtt-https",
            TemplateKind::MqttTcp => "mqtt-tcp",
            TemplateKind::MqttTls => "mqtt-tls",
            TemplateKind::Ota => "ota",
        }
    }

    pub fn from_name(name: &str) -> Option<TemplateKind> {
        TemplateKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The URL scheme field `key` of this kind must use, where the kind fixes one: an
    /// mqtt-https template publishes over TLS (`httpsUrl` is `https://`), an mqtt-http one
    /// over plain HTTP (`httpUrl` is `http://`). A URL of the other scheme would silently test
    /// another path than the device takes.
    pub fn required_scheme(self, key: &str) -> Option<&'static str> {
        match (self, key) {
            (TemplateKind::MqttHttps, k) if k.eq_ignore_ascii_case("httpsUrl") => Some("https"),
            (TemplateKind::MqttHttp, k) if k.eq_ignore_ascii_case("httpUrl") => Some("http"),
            _ => None,
        }
    }

    /// The body the reference documents for this kind, keys in documented order.
    pub fn canonical_body(self) -> Map<String, Value> {
        self.spec()
            .fields
            .iter()
            .map(|f| (f.key.to_string(), Value::String(f.canonical.to_string())))
            .collect()
    }

    /// The field spec for `key`, matched exactly.
    pub fn field(self, key: &str) -> Option<&'static FieldSpec> {
        self.spec().fields.iter().find(|f| f.key == key)
    }

    /// The field spec whose key differs from `key` only in letter case (the reference's
    /// prose spells `lwm2mPortDTLS`, `otaCACert`); the lint turns this into a fix.
    pub fn field_ignoring_case(self, key: &str) -> Option<&'static FieldSpec> {
        self.spec()
            .fields
            .iter()
            .find(|f| f.key.eq_ignore_ascii_case(key))
    }
}

impl fmt::Display for TemplateKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

// Indexed by `TemplateKind as usize`; the test `specs_are_indexed_by_kind` keeps it so.
static SPECS: [KindSpec; 9] = [
    KindSpec {
        kind: TemplateKind::Lwm2mBootstrapPsk,
        title: "LWM2M Bootstrap · DTLS-PSK",
        summary: "The device asks a bootstrap server over DTLS with a pre-shared key which LWM2M server to use.",
        transport: Transport::Udp,
        port_key: Some("lwm2mBsPortDtls"),
        signature_key: "lwm2mBsPortDtls",
        check_variables: &["LWM2M_LIFETIME"],
        fields: fields::LWM2M_BOOTSTRAP_PSK,
        rungs: &["dns", "udp", "dtls", "path-mtu", "bootstrap-request", "provisioning", "provisioned", "server-dns", "server-udp", "coap-ping", "register", "serve-reads", "update", "deregister"],
    },
    KindSpec {
        kind: TemplateKind::Lwm2mBootstrapNosec,
        title: "LWM2M Bootstrap",
        summary: "The device asks a bootstrap server without security which LWM2M server to use.",
        transport: Transport::Udp,
        port_key: Some("lwm2mBsPortNoSec"),
        signature_key: "lwm2mBsPortNoSec",
        check_variables: &["LWM2M_LIFETIME"],
        fields: fields::LWM2M_BOOTSTRAP_NOSEC,
        rungs: &["dns", "udp", "path-mtu", "bootstrap-request", "provisioning", "provisioned", "server-dns", "server-udp", "coap-ping", "register", "serve-reads", "update", "deregister"],
    },
    KindSpec {
        kind: TemplateKind::Lwm2mPsk,
        title: "LWM2M · DTLS-PSK",
        summary: "The device registers with the LWM2M server over DTLS with a pre-shared key.",
        transport: Transport::Udp,
        port_key: Some("lwm2mPortDtls"),
        signature_key: "lwm2mPortDtls",
        check_variables: &["LWM2M_LIFETIME"],
        fields: fields::LWM2M_PSK,
        rungs: &["dns", "udp", "dtls", "path-mtu", "coap-ping", "register", "serve-reads", "update", "deregister"],
    },
    KindSpec {
        kind: TemplateKind::Lwm2mNosec,
        title: "LWM2M",
        summary: "The device registers with the LWM2M server over plain CoAP.",
        transport: Transport::Udp,
        port_key: Some("lwm2mPortNoSec"),
        signature_key: "lwm2mPortNoSec",
        check_variables: &["LWM2M_LIFETIME"],
        fields: fields::LWM2M_NOSEC,
        rungs: &["dns", "udp", "path-mtu", "coap-ping", "register", "serve-reads", "update", "deregister"],
    },
    KindSpec {
        kind: TemplateKind::MqttHttp,
        title: "MQTT over HTTP",
        summary: "The device publishes MQTT messages by HTTP POST to LoopCloud's publish URL.",
        transport: Transport::Tcp,
        port_key: None,
        signature_key: "httpUrl",
        check_variables: &[],
        fields: fields::MQTT_HTTP,
        rungs: &["dns", "tcp", "http-post"],
    },
    KindSpec {
        kind: TemplateKind::MqttHttps,
        title: "MQTT over HTTPS",
        summary: "The device publishes MQTT messages by HTTPS POST to LoopCloud's publish URL.",
        transport: Transport::Tcp,
        port_key: None,
        signature_key: "httpsUrl",
        check_variables: &["MQTT_HTTPS_CA"],
        fields: fields::MQTT_HTTPS,
        rungs: &["dns", "tcp", "tls", "http-post"],
    },
    KindSpec {
        kind: TemplateKind::MqttTcp,
        title: "MQTT · TCP",
        summary: "The device connects to the MQTT broker over plain TCP.",
        transport: Transport::Tcp,
        port_key: Some("mqttTcpPort"),
        signature_key: "mqttTcpPort",
        check_variables: &[],
        fields: fields::MQTT_TCP,
        rungs: &["dns", "tcp", "mqtt-connect", "subscribe", "publish"],
    },
    KindSpec {
        kind: TemplateKind::MqttTls,
        title: "MQTT · TLS",
        summary: "The device connects to the MQTT broker over TLS, trusting the given CA.",
        transport: Transport::Tcp,
        port_key: Some("mqttSslPort"),
        signature_key: "mqttSslPort",
        check_variables: &[],
        fields: fields::MQTT_TLS,
        rungs: &["dns", "tcp", "tls", "mqtt-connect", "subscribe", "publish"],
    },
    KindSpec {
        kind: TemplateKind::Ota,
        title: "OTA",
        summary: "The device polls a hawkBit DDI server for updates with a client certificate.",
        transport: Transport::Tcp,
        port_key: None,
        signature_key: "otaDDIUrl",
        check_variables: &["OTA_CONTROLLER_ID", "OTA_KEY_PASSPHRASE"],
        fields: fields::OTA,
        rungs: &["client-identity", "ddi-target", "dns", "tcp", "tls", "ddi-poll"],
    },
];

/// Why a body's kind could not be told.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecogniseError {
    #[error("no template kind has these keys ({})", .keys.join(", "))]
    Unknown { keys: Vec<String> },
    #[error("the keys fit more than one template kind: {}", .kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(", "))]
    Ambiguous { kinds: Vec<TemplateKind> },
}

/// Tells a body's kind from its keys, so a plain LoopCloud JSON file imports without extra
/// metadata. A kind's signature key (its port or URL key, compared ignoring case) decides;
/// without one, the kind sharing the most keys wins, provided it is the only one.
pub fn recognise(body: &Map<String, Value>) -> Result<TemplateKind, RecogniseError> {
    let has = |key: &str| body.keys().any(|k| k.eq_ignore_ascii_case(key));
    let by_signature: Vec<TemplateKind> = TemplateKind::ALL
        .into_iter()
        .filter(|k| has(k.spec().signature_key))
        .collect();
    match by_signature.as_slice() {
        [one] => return Ok(*one),
        [] => {}
        many => {
            return Err(RecogniseError::Ambiguous {
                kinds: many.to_vec(),
            })
        }
    }
    let score = |kind: TemplateKind| kind.spec().fields.iter().filter(|f| has(f.key)).count();
    let best = TemplateKind::ALL.into_iter().map(score).max().unwrap_or(0);
    let leaders: Vec<TemplateKind> = TemplateKind::ALL
        .into_iter()
        .filter(|k| best > 0 && score(*k) == best)
        .collect();
    match leaders.as_slice() {
        [one] => Ok(*one),
        [] => Err(RecogniseError::Unknown {
            keys: body.keys().cloned().collect(),
        }),
        many => Err(RecogniseError::Ambiguous {
            kinds: many.to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn check_variables_are_catalogued_placeholders() {
        for kind in TemplateKind::ALL {
            for name in kind.spec().check_variables {
                assert!(
                    crate::catalog::placeholder(name).is_some(),
                    "{name} of {kind} is not in the catalog"
                );
            }
        }
        assert_eq!(
            TemplateKind::Ota.spec().check_variables,
            ["OTA_CONTROLLER_ID", "OTA_KEY_PASSPHRASE"]
        );
    }

    #[test]
    fn specs_are_indexed_by_kind() {
        for kind in TemplateKind::ALL {
            assert_eq!(kind.spec().kind, kind);
            assert_eq!(TemplateKind::from_name(kind.name()), Some(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, kind.name());
        }
    }

    #[test]
    fn every_canonical_body_is_recognised_as_its_own_kind() {
        for kind in TemplateKind::ALL {
            assert_eq!(recognise(&kind.canonical_body()), Ok(kind), "{kind}");
        }
    }

    #[test]
    fn signature_and_port_keys_belong_to_their_kind() {
        for kind in TemplateKind::ALL {
            let spec = kind.spec();
            assert!(kind.field(spec.signature_key).is_some(), "{kind}");
            if let Some(port) = spec.port_key {
                assert_eq!(
                    kind.field(port).unwrap().value_type,
                    super::super::ValueType::Port
                );
            }
        }
    }

    #[test]
    fn canonical_bodies_keep_the_reference_text_and_order() {
        let body = Value::Object(TemplateKind::Lwm2mPsk.canonical_body());
        assert_eq!(
            serde_json::to_string(&body).unwrap(),
            r#"{"lwm2mHostName":"%LWM2M_HOST%","lwm2mPortDtls":"%LWM2M_DTLS_PORT%","lwm2mEndpoint":"%LWM2M_ENDPOINT%","lwm2mPSKIdentity":"%LWM2M_PSK_IDENITY%","lwm2mPSKValue":"%LWM2M_PSK_VALUE%","lwm2mPSKValueHex":"%LWM2M_PSK_VALUE_HEX%","remoteNetwork":"%REMOTE_NETWORK%"}"#
        );
        let bs = TemplateKind::Lwm2mBootstrapPsk.canonical_body();
        assert_eq!(bs["lwm2mBsPSKValueHex"], "%LWM2M_BS_PSK_VALUE%");
        assert_eq!(bs["forceAccessControl"], "false");
        let ota: Vec<String> = TemplateKind::Ota.canonical_body().keys().cloned().collect();
        assert_eq!(ota, ["otaPrivateKey", "otaCert", "otaCaCert", "otaDDIUrl"]);
    }

    #[test]
    fn case_variant_keys_from_the_prose_are_still_recognised() {
        let body = obj(json!({"lwm2mHostName": "h", "lwm2mPortDTLS": "5684"}));
        assert_eq!(recognise(&body), Ok(TemplateKind::Lwm2mPsk));
        assert_eq!(
            TemplateKind::Ota
                .field_ignoring_case("otaCACert")
                .unwrap()
                .key,
            "otaCaCert"
        );
    }

    #[test]
    fn without_a_signature_the_best_overlap_wins() {
        let body = obj(json!({"mqttHostName": "h", "mqttServerCA": "x"}));
        assert_eq!(recognise(&body), Ok(TemplateKind::MqttTls));
    }

    #[test]
    fn unknown_and_ambiguous_bodies_are_errors() {
        let err = recognise(&obj(json!({"foo": 1}))).unwrap_err();
        assert_eq!(err.to_string(), "no template kind has these keys (foo)");
        let both = obj(json!({"mqttTcpPort": "1", "mqttSslPort": "2"}));
        assert!(matches!(
            recognise(&both),
            Err(RecogniseError::Ambiguous { kinds }) if kinds == [TemplateKind::MqttTcp, TemplateKind::MqttTls]
        ));
        // Shared MQTT keys alone fit four kinds equally.
        let shared = obj(json!({"mqttUserName": "u", "mqttClientId": "c"}));
        assert!(matches!(
            recognise(&shared),
            Err(RecogniseError::Ambiguous { .. })
        ));
    }
}
