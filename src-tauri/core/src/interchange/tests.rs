use super::*;
use crate::catalog::TemplateKind;
use crate::model::{DataBlock, Device, JsonObject, Model, Project, TemplateInstance};
use serde_json::json;

fn parse(text: &str) -> Result<ModelDocument> {
    parse_model("m.json", &parse_json_bytes("m.json", text.as_bytes())?)
}

#[test]
fn an_array_of_the_nine_reference_bodies_imports_in_order() {
    let bodies: Vec<Value> = TemplateKind::ALL
        .iter()
        .map(|k| Value::Object(k.canonical_body()))
        .collect();
    let doc = parse_model("f", &Value::Array(bodies)).unwrap();
    let kinds: Vec<TemplateKind> = doc.templates.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, TemplateKind::ALL);
    assert_eq!(doc.name, None);
}

#[test]
fn object_form_with_both_data_block_shapes_and_a_single_body() {
    let doc = parse(
        r#"{"name": "Meter", "templates": [{"mqttHostName": "h", "mqttTcpPort": "1883"}],
                       "dataBlocks": {"meterConfig": {"tariff": "T2"}}}"#,
    )
    .unwrap();
    assert_eq!(doc.name.as_deref(), Some("Meter"));
    assert_eq!(doc.templates[0].kind, TemplateKind::MqttTcp);
    assert_eq!(doc.data_blocks[0].name, "meterConfig");
    let doc =
        parse(r#"{"templates": [], "dataBlocks": [{"name": "a", "body": {"x": 1}}]}"#).unwrap();
    assert_eq!(doc.data_blocks[0].body["x"], 1);
    let single = parse(r#"{"otaDDIUrl": "https://ota.example/DEFAULT"}"#).unwrap();
    assert_eq!(single.templates[0].kind, TemplateKind::Ota);
    assert_eq!(single.into_model(None, "fallback").name, "fallback");
}

#[test]
fn export_is_deterministic_documented_order_and_round_trips() {
    let mut shuffled = JsonObject::new();
    for (k, v) in TemplateKind::MqttTls.canonical_body().into_iter().rev() {
        shuffled.insert(k, v);
    }
    shuffled.insert("extra".into(), json!("kept"));
    let model = Model {
        name: "Smart meter".into(),
        description: "d".into(),
        templates: vec![TemplateInstance {
            kind: TemplateKind::MqttTls,
            body: shuffled,
        }],
        data_blocks: vec![DataBlock {
            name: "cfg".into(),
            body: json!({"b": 1, "a": [1, 2]}).as_object().unwrap().clone(),
        }],
    };
    let text = export_model(&model, false);
    assert_eq!(text, export_model(&model, false));
    assert!(text.ends_with("}\n"));
    let value: Value = serde_json::from_str(&text).unwrap();
    let keys: Vec<&String> = value["templates"][0].as_object().unwrap().keys().collect();
    assert_eq!(keys.first().map(|k| k.as_str()), Some("mqttHostName"));
    assert_eq!(keys.last().map(|k| k.as_str()), Some("extra"));
    let again = parse_model("x", &value).unwrap().into_model(None, "");
    assert_eq!(
        export_model(&again, false),
        text,
        "export → import → export is byte-identical"
    );
}

#[test]
fn literal_secrets_are_redacted_to_their_placeholder_unless_included() {
    let mut body = TemplateKind::MqttTcp.canonical_body();
    body.insert("mqttPassword".into(), json!("hunter2"));
    let model = Model {
        name: "m".into(),
        templates: vec![TemplateInstance {
            kind: TemplateKind::MqttTcp,
            body,
        }],
        ..Model::default()
    };
    let redacted = export_model(&model, false);
    assert!(!redacted.contains("hunter2"));
    assert!(redacted.contains("\"mqttPassword\": \"%MQTT_PASSWORD%\""));
    assert!(export_model(&model, true).contains("hunter2"));
}

#[test]
fn a_body_that_no_longer_tells_its_kind_is_written_wrapped() {
    let mut body = TemplateKind::MqttTls.canonical_body();
    body.remove("mqttSslPort");
    body.remove("mqttServerCA");
    let model = Model {
        name: "m".into(),
        templates: vec![TemplateInstance {
            kind: TemplateKind::MqttTls,
            body,
        }],
        ..Model::default()
    };
    let value: Value = serde_json::from_str(&export_model(&model, false)).unwrap();
    assert_eq!(value["templates"][0]["kind"], "mqtt-tls");
    assert_eq!(
        parse_model("x", &value).unwrap().templates[0].kind,
        TemplateKind::MqttTls
    );
}

#[test]
fn bad_input_is_located() {
    let err = |text: &str| parse(text).unwrap_err().to_string();
    assert!(
        err("{\"templates\": [").contains("m.json: the JSON ends too early (truncated?)"),
        "{}",
        err("{\"templates\": [")
    );
    assert!(err("{\"templates\": [}").contains("invalid JSON"));
    assert!(err("{\"templates\": [}").contains("line 1 column 16"));
    assert_eq!(
        err("{\"templates\": {}}"),
        "m.json at /templates: expected an array of templates, found an object"
    );
    assert_eq!(
        err("[1]"),
        "m.json at /0: expected a template body (a JSON object), found a number"
    );
    assert_eq!(
        err("[{\"foo\": \"x\"}]"),
        "m.json at /0: cannot tell the template kind: no template kind has these keys (foo)"
    );
    assert_eq!(
        err("[{\"mqttTcpPort\": {\"x\": 1}}]"),
        "m.json at /0/mqttTcpPort: expected a string (template values are text), found an object"
    );
    assert_eq!(err("{\"templates\": [], \"nmae\": \"x\"}"), "m.json at /nmae: unknown key \"nmae\"; a model object has name, description, templates, dataBlocks");
    assert_eq!(
        err("{\"templates\": [], \"name\": 3}"),
        "m.json at /name: expected a string, found a number"
    );
    assert_eq!(
        err("[{\"kind\": \"mqtt-x\", \"body\": {}}]")
            .split(';')
            .next()
            .unwrap(),
        "m.json at /0/kind: unknown kind \"mqtt-x\""
    );
    assert_eq!(err("\"x\""), "m.json at /: expected an array of template bodies, a model object or a template body, found a string");
    let bad_utf8 = parse_json_bytes("b.json", b"[\"\xff\"]").unwrap_err();
    assert_eq!(
        bad_utf8.to_string(),
        "b.json: not UTF-8 text: invalid byte at offset 2"
    );
    let huge = vec![b' '; (MAX_FILE_BYTES + 1) as usize];
    assert!(parse_json_bytes("h.json", &huge)
        .unwrap_err()
        .to_string()
        .contains("larger than 16 MB"));
    let api: crate::ApiError = parse("[1]").unwrap_err().into();
    assert_eq!(api.code, crate::ErrorCode::InputInvalid);
    assert_eq!(api.detail.as_deref(), Some("pointer /0"));
}

#[test]
fn a_byte_order_mark_is_tolerated() {
    assert!(parse("\u{feff}[]").unwrap().templates.is_empty());
}

#[test]
fn read_json_file_refuses_big_files_before_reading_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(20 * 1024 * 1024).unwrap();
    let err = read_json_file(&path).unwrap_err().to_string();
    assert!(err.contains("the file is 21.0 MB"), "{err}");
    assert!(read_json_file(&dir.path().join("none.json"))
        .unwrap_err()
        .to_string()
        .contains("cannot read"));
}

fn sample_bundle() -> Bundle {
    Bundle {
        project: Project {
            name: "Acme".into(),
            description: "".into(),
            variables: [
                ("MQTT_HOST".to_string(), "h".to_string()),
                ("MQTT_PASSWORD".to_string(), "shared".to_string()),
            ]
            .into(),
        },
        models: vec![Model {
            name: "m".into(),
            templates: vec![TemplateInstance::canonical(TemplateKind::MqttTcp)],
            ..Model::default()
        }],
        devices: vec![
            Device {
                name: "b".into(),
                model: "m".into(),
                variables: [("MQTT_PASSWORD".to_string(), "pw".to_string())].into(),
            },
            Device {
                name: "a".into(),
                model: "m".into(),
                variables: [("MQTT_CLIENT_ID".to_string(), "a".to_string())].into(),
            },
        ],
    }
}

#[test]
fn bundles_round_trip_sorted_and_redacted() {
    let bundle = sample_bundle();
    let full = export_bundle(&bundle, true);
    let parsed = parse_bundle("b", &serde_json::from_str(&full).unwrap()).unwrap();
    assert_eq!(parsed.project, bundle.project);
    assert_eq!(parsed.devices[0].name, "a");
    assert_eq!(export_bundle(&parsed, true), full);
    let redacted = export_bundle(&bundle, false);
    assert!(!redacted.contains("shared") && !redacted.contains("\"pw\""));
    let parsed = parse_bundle("b", &serde_json::from_str(&redacted).unwrap()).unwrap();
    assert!(!parsed.project.variables.contains_key("MQTT_PASSWORD"));
}

#[test]
fn bundle_errors_are_located() {
    let mut value: Value = serde_json::from_str(&export_bundle(&sample_bundle(), false)).unwrap();
    value["devices"][1]["model"] = json!("nope");
    assert_eq!(
        parse_bundle("b", &value).unwrap_err().to_string(),
        "b at /devices/1/model: no model named \"nope\" in this bundle"
    );
    value["format"] = json!("other");
    assert!(parse_bundle("b", &value)
        .unwrap_err()
        .to_string()
        .starts_with("b at /format: not a Loop Studio project bundle"));
    let model_array = json!([]);
    assert!(parse_bundle("b", &model_array).is_err());
}
