//! One test per lint code at least, on the reference's own bodies where it has the quirk.

use super::*;
use crate::model::{DataBlock, Model, TemplateInstance};
use serde_json::json;

fn model_of(templates: Vec<TemplateInstance>) -> Model {
    Model {
        name: "m".into(),
        templates,
        ..Model::default()
    }
}

fn instance(kind: TemplateKind, body: Value) -> TemplateInstance {
    TemplateInstance {
        kind,
        body: body.as_object().unwrap().clone(),
    }
}

fn codes(findings: &[Finding]) -> Vec<(LintCode, &str)> {
    findings
        .iter()
        .map(|f| (f.code, f.pointer.as_str()))
        .collect()
}

fn vars(pairs: &[(&str, &str)]) -> Variables {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn canonical_mqtt_templates_are_clean() {
    for kind in [
        TemplateKind::MqttTcp,
        TemplateKind::MqttTls,
        TemplateKind::MqttHttp,
        TemplateKind::Ota,
    ] {
        let model = model_of(vec![TemplateInstance::canonical(kind)]);
        assert_eq!(lint_model(&model, &Variables::new()), [], "{kind}");
    }
}

#[test]
fn the_reference_identity_misspelling_is_an_alias_warning_with_a_rename_fix() {
    let model = model_of(vec![TemplateInstance::canonical(TemplateKind::Lwm2mPsk)]);
    let findings = lint_model(&model, &Variables::new());
    assert_eq!(
        codes(&findings),
        [(LintCode::PlaceholderAlias, "/templates/0/lwm2mPSKIdentity")]
    );
    let finding = &findings[0];
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(
        finding.fix.as_ref().unwrap().edit,
        FixEdit::ReplaceValue {
            value: "%LWM2M_PSK_IDENTITY%".into()
        }
    );
}

#[test]
fn the_bootstrap_hex_field_fed_by_the_text_placeholder_warns_with_the_hex_twin() {
    let model = model_of(vec![TemplateInstance::canonical(
        TemplateKind::Lwm2mBootstrapPsk,
    )]);
    let findings = lint_model(&model, &Variables::new());
    assert_eq!(
        codes(&findings),
        [(LintCode::PlaceholderType, "/templates/0/lwm2mBsPSKValueHex")]
    );
    assert_eq!(
        findings[0].fix.as_ref().unwrap().edit,
        FixEdit::ReplaceValue {
            value: "%LWM2M_BS_PSK_VALUE_HEX%".into()
        }
    );
}

#[test]
fn misspelled_and_unknown_placeholders() {
    let model = model_of(vec![instance(
        TemplateKind::MqttTcp,
        json!({"mqttHostName": "%MQTT_HOTS%", "mqttTcpPort": "%MQTT_TCP_PORT%",
               "mqttUserName": "%SITE_CODE%", "mqttPassword": "%MQTT_PASSWORD%",
               "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "%MQTT_REQ_TOPIC%",
               "mqttRespTopicName": "%MQTT_RESP_TOPIC%", "mqttDataTopicName": "%MQTT_DATA_TOPIC%",
               "remoteNetwork": "%REMOTE_NETWORK%"}),
    )]);
    let findings = lint_model(&model, &Variables::new());
    assert_eq!(
        codes(&findings),
        [
            (LintCode::PlaceholderMisspelled, "/templates/0/mqttHostName"),
            (LintCode::PlaceholderUnknown, "/templates/0/mqttUserName"),
        ]
    );
    assert_eq!(
        findings[0].message,
        "unknown placeholder %MQTT_HOTS%; did you mean %MQTT_HOST%?"
    );
    // A placeholder the project defines is not unknown.
    assert_eq!(
        codes(&lint_model(&model, &vars(&[("SITE_CODE", "x")])))[0].0,
        LintCode::PlaceholderMisspelled
    );
    assert_eq!(lint_model(&model, &vars(&[("SITE_CODE", "x")])).len(), 1);
}

#[test]
fn key_problems_unknown_case_missing() {
    let model = model_of(vec![instance(
        TemplateKind::Ota,
        json!({"otaPrivateKey": "%OTA_PRIVATE_KEY%", "otaCert": "%OTA_CERT%",
               "otaCACert": "%OTA_CA_CERT%", "colour": "blue"}),
    )]);
    let findings = lint_model(&model, &Variables::new());
    assert_eq!(
        codes(&findings),
        [
            (LintCode::KeyCase, "/templates/0/otaCACert"),
            (LintCode::KeyUnknown, "/templates/0/colour"),
            (LintCode::KeyMissing, "/templates/0/otaDDIUrl"),
        ]
    );
    assert_eq!(
        findings[0].fix.as_ref().unwrap().edit,
        FixEdit::RenameKey {
            key: "otaCaCert".into()
        }
    );
    assert_eq!(
        findings[2].fix.as_ref().unwrap().edit,
        FixEdit::AddKey {
            value: "%OTA_DDI_URL%".into()
        }
    );
}

#[test]
fn literal_values_are_type_checked() {
    let mut body = TemplateKind::MqttTls.canonical_body();
    body.insert("mqttHostName".into(), json!("mqtts://broker.example"));
    body.insert("mqttSslPort".into(), json!("70000"));
    body.insert("mqttServerCA".into(), json!("/etc/ssl/ca.pem"));
    body.insert("remoteNetwork".into(), json!("7g"));
    let mut http = TemplateKind::MqttHttp.canonical_body();
    http.insert("httpUrl".into(), json!("broker.example/publish"));
    let mut bs = TemplateKind::Lwm2mBootstrapNosec.canonical_body();
    bs.insert("forceAccessControl".into(), json!("no"));
    let model = model_of(vec![
        TemplateInstance {
            kind: TemplateKind::MqttTls,
            body,
        },
        TemplateInstance {
            kind: TemplateKind::MqttHttp,
            body: http,
        },
        TemplateInstance {
            kind: TemplateKind::Lwm2mBootstrapNosec,
            body: bs,
        },
    ]);
    let findings = lint_model(&model, &Variables::new());
    assert_eq!(
        codes(&findings),
        [
            (LintCode::HostInvalid, "/templates/0/mqttHostName"),
            (LintCode::PortRange, "/templates/0/mqttSslPort"),
            (LintCode::PemInvalid, "/templates/0/mqttServerCA"),
            (LintCode::HexInvalid, "/templates/0/remoteNetwork"),
            (LintCode::UrlInvalid, "/templates/1/httpUrl"),
            (LintCode::BoolInvalid, "/templates/2/forceAccessControl"),
        ]
    );
    assert_eq!(
        findings[0].fix.as_ref().unwrap().edit,
        FixEdit::ReplaceValue {
            value: "broker.example".into()
        }
    );
    assert!(findings.iter().all(|f| f.severity == Severity::Error));
}

#[test]
fn numbers_are_accepted_with_a_quote_fix_and_objects_are_not() {
    let mut body = TemplateKind::MqttTcp.canonical_body();
    body.insert("mqttTcpPort".into(), json!(1883));
    body.insert("mqttClientId".into(), json!({"x": 1}));
    let findings = lint_model(
        &model_of(vec![TemplateInstance {
            kind: TemplateKind::MqttTcp,
            body,
        }]),
        &Variables::new(),
    );
    assert_eq!(
        codes(&findings),
        [
            (LintCode::ValueNotString, "/templates/0/mqttTcpPort"),
            (LintCode::ValueNotString, "/templates/0/mqttClientId"),
        ]
    );
    assert_eq!(findings[0].severity, Severity::Warning);
    assert_eq!(findings[0].fix.as_ref().unwrap().edit, FixEdit::QuoteValue);
    assert!(findings[0].message.contains("1883"));
    assert!(findings[1].message.contains("not an object"));
}

#[test]
fn a_number_in_a_secret_field_is_never_quoted_back() {
    let mut body = TemplateKind::MqttTcp.canonical_body();
    body.insert("mqttPassword".into(), json!(12345678));
    let findings = lint_model(
        &model_of(vec![TemplateInstance {
            kind: TemplateKind::MqttTcp,
            body,
        }]),
        &Variables::new(),
    );
    let finding = findings
        .iter()
        .find(|f| f.pointer == "/templates/0/mqttPassword")
        .expect("a finding for the unquoted password");
    assert_eq!(finding.code, LintCode::ValueNotString);
    let shown = serde_json::to_string(finding).unwrap();
    assert!(!shown.contains("12345678"), "{shown}");
    assert!(finding.message.contains("a number"), "{}", finding.message);
}

#[test]
fn psk_text_and_hex_that_disagree() {
    let mut body = TemplateKind::Lwm2mPsk.canonical_body();
    body.insert("lwm2mPSKIdentity".into(), json!("meter-1"));
    body.insert("lwm2mPSKValue".into(), json!("secret"));
    body.insert("lwm2mPSKValueHex".into(), json!("736563726575"));
    let findings = lint_model(
        &model_of(vec![TemplateInstance {
            kind: TemplateKind::Lwm2mPsk,
            body: body.clone(),
        }]),
        &Variables::new(),
    );
    assert_eq!(
        codes(&findings),
        [(LintCode::PskMismatch, "/templates/0/lwm2mPSKValueHex")]
    );
    body.insert("lwm2mPSKValueHex".into(), json!("736563726574"));
    assert_eq!(
        lint_model(
            &model_of(vec![TemplateInstance {
                kind: TemplateKind::Lwm2mPsk,
                body
            }]),
            &Variables::new()
        ),
        []
    );
}

#[test]
fn duplicate_kinds_are_an_error_on_the_second() {
    let model = model_of(vec![
        TemplateInstance::canonical(TemplateKind::MqttTcp),
        TemplateInstance::canonical(TemplateKind::Ota),
        TemplateInstance::canonical(TemplateKind::MqttTcp),
    ]);
    assert_eq!(
        codes(&lint_model(&model, &Variables::new())),
        [(LintCode::KindDuplicate, "/templates/2")]
    );
}

#[test]
fn data_blocks_are_checked_for_placeholders_only() {
    let mut model = model_of(vec![]);
    model.data_blocks.push(DataBlock {
        name: "meterConfig".into(),
        body: json!({"site": "%SITE_CODE%", "nested": {"host": "%MQTT_HOTS%"}, "free": 1})
            .as_object()
            .unwrap()
            .clone(),
    });
    assert_eq!(
        codes(&lint_model(&model, &Variables::new())),
        [
            (LintCode::PlaceholderUnknown, "/dataBlocks/0/body/site"),
            (
                LintCode::PlaceholderMisspelled,
                "/dataBlocks/0/body/nested/host"
            ),
        ]
    );
}

#[test]
fn device_lint_finds_unresolved_placeholders_and_bad_rendered_values() {
    let model = model_of(vec![TemplateInstance::canonical(TemplateKind::MqttTls)]);
    let project = vars(&[
        ("MQTT_HOST", "broker.example"),
        ("MQTT_SSL_PORT", "99999"),
        ("MQTT_CA_CERT", "not pem"),
        ("MQTT_REQ_TOPIC", "r"),
        ("MQTT_RESP_TOPIC", "s"),
        ("MQTT_DATA_TOPIC", "d"),
        ("REMOTE_NETWORK", "7f3a"),
    ]);
    let device = vars(&[("MQTT_USERNAME", "u"), ("MQTT_CLIENT_ID", "c")]);
    let scopes = Scopes::new(&device, &project);
    assert_eq!(
        codes(&lint_device(&model, scopes)),
        [(LintCode::PlaceholderUnresolved, "/templates/0/mqttPassword")]
    );
    let device = vars(&[
        ("MQTT_USERNAME", "u"),
        ("MQTT_CLIENT_ID", "c"),
        ("MQTT_PASSWORD", "p"),
    ]);
    let scopes = Scopes::new(&device, &project);
    let findings = lint_device(&model, scopes);
    assert_eq!(
        codes(&findings),
        [
            (LintCode::PortRange, "/templates/0/mqttSslPort"),
            (LintCode::PemInvalid, "/templates/0/mqttServerCA"),
        ]
    );
    assert!(findings[0].message.starts_with("rendered value: "));
    // The secret's value never appears in a finding.
    assert!(findings.iter().all(|f| !f.message.contains("\"p\"")));
}

#[test]
fn device_lint_compares_rendered_psk_fields() {
    let model = model_of(vec![TemplateInstance::canonical(TemplateKind::Lwm2mPsk)]);
    let project = vars(&[("LWM2M_HOST", "lwm2m.example"), ("REMOTE_NETWORK", "7f")]);
    let device = vars(&[
        ("LWM2M_ENDPOINT", "ep"),
        ("LWM2M_PSK_IDENTITY", "id"),
        ("LWM2M_PSK_VALUE", "abc"),
        ("LWM2M_PSK_VALUE_HEX", "616264"),
    ]);
    let findings = lint_device(&model, Scopes::new(&device, &project));
    assert_eq!(
        codes(&findings),
        [
            (LintCode::PlaceholderAlias, "/templates/0/lwm2mPSKIdentity"),
            (LintCode::PskMismatch, "/templates/0/lwm2mPSKValueHex"),
        ]
    );
}

#[test]
fn every_code_serialises_in_kebab_case() {
    for (i, code) in LintCode::ALL.iter().enumerate() {
        assert_eq!(*code as usize, i, "{code:?} is out of place in ALL");
        let name = serde_json::to_value(code).unwrap();
        let name = name.as_str().unwrap().to_string();
        // The kebab-case of the variant's own name, letter for letter.
        let mut expected = String::new();
        for (j, c) in format!("{code:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && j > 0 {
                expected.push('-');
            }
            expected.push(c.to_ascii_lowercase());
        }
        assert_eq!(name, expected);
    }
    // The TypeScript union ts-rs generates (and CI keeps committed) has exactly these.
    let union = <LintCode as ts_rs::TS>::inline(&ts_rs::Config::new());
    assert_eq!(union.matches('"').count() / 2, LintCode::ALL.len());
    for (edit, json_value) in [
        (
            FixEdit::RenameKey {
                key: "otaCaCert".into(),
            },
            json!({"op": "renameKey", "key": "otaCaCert"}),
        ),
        (
            FixEdit::ReplaceValue {
                value: "%X%".into(),
            },
            json!({"op": "replaceValue", "value": "%X%"}),
        ),
        (
            FixEdit::AddKey {
                value: "%X%".into(),
            },
            json!({"op": "addKey", "value": "%X%"}),
        ),
        (FixEdit::QuoteValue, json!({"op": "quoteValue"})),
    ] {
        assert_eq!(serde_json::to_value(edit).unwrap(), json_value);
    }
}

#[test]
fn a_secret_field_is_never_quoted_in_a_finding() {
    let mut body = TemplateKind::Lwm2mPsk.canonical_body();
    body.insert("lwm2mPSKValueHex".into(), json!("zzTOPSECRET"));
    let findings = lint_model(
        &model_of(vec![TemplateInstance {
            kind: TemplateKind::Lwm2mPsk,
            body,
        }]),
        &Variables::new(),
    );
    let hex = findings
        .iter()
        .find(|f| f.code == LintCode::HexInvalid)
        .unwrap();
    assert_eq!(hex.message, "not valid hex");
}

#[test]
fn a_plain_http_url_in_an_mqtt_https_template_is_an_error_with_the_https_fix() {
    let mut body = TemplateKind::MqttHttps.canonical_body();
    body.insert(
        "httpsUrl".into(),
        json!("http://bridge.example:8080/mqtt/publish"),
    );
    let findings = lint_model(
        &model_of(vec![TemplateInstance {
            kind: TemplateKind::MqttHttps,
            body,
        }]),
        &Variables::new(),
    );
    let finding = findings
        .iter()
        .find(|f| f.pointer == "/templates/0/httpsUrl")
        .expect("a finding for the http:// URL");
    assert_eq!(finding.code, LintCode::UrlInvalid);
    assert_eq!(finding.severity, Severity::Error);
    assert_eq!(
        finding.fix.as_ref().unwrap().edit,
        FixEdit::ReplaceValue {
            value: "https://bridge.example:8080/mqtt/publish".into()
        }
    );
}
