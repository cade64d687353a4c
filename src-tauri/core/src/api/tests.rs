//! The surface, exercised as the app and the CLI use it.

use super::*;
use crate::catalog::{TemplateKind, PLACEHOLDERS};
use crate::model::{Model, Project, TemplateInstance};
use crate::render::Variables;
use crate::ErrorCode;

#[test]
fn the_catalog_has_nine_kinds_and_every_placeholder() {
    let c = catalog();
    assert_eq!(c.kinds.len(), 9);
    assert_eq!(c.placeholders.len(), PLACEHOLDERS.len());
    assert_eq!(c.aliases[0].0, "LWM2M_PSK_IDENITY");
}

#[test]
fn create_render_and_lint_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = Studio::open_with_key_file(&dir.path().join("w.db")).unwrap();
    let vars: Variables = [
        ("MQTT_HOST", "h"),
        ("MQTT_CLIENT_ID", "c-{device}"),
        ("MQTT_REQ_TOPIC", "q"),
        ("MQTT_RESP_TOPIC", "r"),
        ("MQTT_DATA_TOPIC", "d"),
        ("REMOTE_NETWORK", "7f"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    studio
        .create_project(&Project {
            name: "p".into(),
            description: String::new(),
            variables: vars,
        })
        .unwrap();
    let model = Model {
        name: "m".into(),
        templates: vec![TemplateInstance::canonical(TemplateKind::MqttTcp)],
        ..Model::default()
    };
    studio.create_model("p", &model).unwrap();
    let given: Variables = [("MQTT_USERNAME".to_string(), "u".to_string())].into();
    let device = create_device(&mut studio, "p", "m", "d1", &given, true).unwrap();
    assert_eq!(device.variables["MQTT_CLIENT_ID"], "c-d1");
    let (_, rendered) = render_device(&mut studio, "p", "d1", false).unwrap();
    assert_eq!(rendered.templates[0].body["mqttClientId"], "c-d1");
    assert_eq!(
        rendered.templates[0].body["mqttPassword"],
        crate::render::MASK
    );
    assert!(lint_stored_device(&mut studio, "p", "d1")
        .unwrap()
        .is_empty());
    let err = create_device(&mut studio, "p", "nope", "d2", &Variables::new(), false).unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);

    let names: Vec<String> = [
        "MQTT_CLIENT_ID",
        "MQTT_HOST",
        "MQTT_TCP_PORT",
        "MQTT_PASSWORD",
        "NOT_SET",
    ]
    .iter()
    .map(|n| n.to_string())
    .collect();
    let values = placeholder_values(&mut studio, "p", "d1", &names).unwrap();
    let shown: Vec<_> = values
        .iter()
        .map(|v| (v.name.as_str(), v.value.as_deref(), v.source, v.secret))
        .collect();
    use crate::render::ValueSource as Source;
    assert_eq!(
        shown,
        [
            ("MQTT_CLIENT_ID", Some("c-d1"), Some(Source::Device), false),
            ("MQTT_HOST", Some("h"), Some(Source::Project), false),
            ("MQTT_TCP_PORT", Some("1883"), Some(Source::Default), false),
            (
                "MQTT_PASSWORD",
                Some(crate::render::MASK),
                Some(Source::Device),
                true
            ),
            ("NOT_SET", None, None, false),
        ]
    );
    let json = serde_json::to_value(&values[3]).unwrap();
    assert_eq!(json["source"], "device");
    assert!(!json
        .to_string()
        .contains(&device.variables["MQTT_PASSWORD"]));
}

#[test]
fn a_pem_overview_names_the_blocks_and_reads_the_certificates_among_them() {
    // A self-signed certificate made once with openssl for this test.
    let pem = include_str!("../../tests/fixtures/ca.pem");
    let key = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    let overview = pem_overview(&format!("{pem}{key}"));
    assert_eq!(overview.blocks, ["CERTIFICATE", "PRIVATE KEY"]);
    assert_eq!(overview.certificates.len(), 1);
    assert_eq!(
        overview.certificates[0].subject,
        "CN=Loop Studio Fixture CA"
    );
    assert!(overview.certificates[0].not_after.starts_with("2036-"));

    let only_key = pem_overview(key);
    assert_eq!(only_key.blocks, ["PRIVATE KEY"]);
    assert!(only_key.certificates.is_empty());
    // Not PEM, or PEM cut short: nothing to show (the lint says why).
    for broken in ["junk", "-----BEGIN CERTIFICATE-----\nAAAA\n"] {
        let overview = pem_overview(broken);
        assert!(
            overview.blocks.is_empty() && overview.certificates.is_empty(),
            "{broken}"
        );
    }
}

#[test]
fn pem_files_are_checked_before_they_become_values() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("ca.pem");
    std::fs::write(
        &good,
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    assert!(read_pem_file(&good).unwrap().starts_with("-----BEGIN"));
    let bad = dir.path().join("ca.txt");
    std::fs::write(&bad, "hello").unwrap();
    assert_eq!(
        read_pem_file(&bad).unwrap_err().code,
        ErrorCode::InputInvalid
    );
}

#[test]
fn the_catalog_carries_the_rules_the_forms_apply() {
    let c = catalog();
    assert_eq!(c.limits, crate::limits::user_limits());
    assert_eq!(c.limits.fleet_size, crate::limits::FLEET_SIZE);
    assert!(c.hex_twins.contains(&(
        "LWM2M_PSK_VALUE".to_string(),
        "LWM2M_PSK_VALUE_HEX".to_string()
    )));
    assert!(c.hex_twins.contains(&(
        "LWM2M_BS_PSK_VALUE".to_string(),
        "LWM2M_BS_PSK_VALUE_HEX".to_string()
    )));
    assert!(c.hex_twins.iter().all(|(_, twin)| twin.ends_with("_HEX")));
    assert_eq!(c.variable_name_pattern, VARIABLE_NAME_PATTERN);
}

#[test]
fn a_proxy_url_s_password_is_masked_and_its_address_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("t.json");
    std::fs::write(
        &file,
        r#"{"mqttHostName": "h", "mqttTcpPort": 1883, "mqttClientId": "c", "mqttReqTopicName": "q", "mqttRespTopicName": "r", "mqttDataTopicName": "d"}"#,
    )
    .unwrap();
    for (url, password) in [
        ("http://ops:pr%40xy-pw@proxy.acme:3128", "pr@xy-pw"),
        ("ops:bare-pw@proxy.acme:3128", "bare-pw"),
    ] {
        let given: Variables = [("PROXY_URL".to_string(), url.to_string())].into();
        let plan = file_check_plan(&file, &given).unwrap();
        let shown = plan
            .scrubber
            .text(&format!("through {url} ({password})"))
            .into_owned();
        assert!(
            !shown.contains("xy-pw") && !shown.contains("bare-pw"),
            "{shown}"
        );
        assert!(shown.contains("proxy.acme:3128"), "{shown}");
    }
    // Without a password the whole address shows: it is what a person needs to see.
    let given: Variables = [(
        "PROXY_URL".to_string(),
        "http://proxy.acme:3128".to_string(),
    )]
    .into();
    let plan = file_check_plan(&file, &given).unwrap();
    assert_eq!(
        plan.scrubber.text("http://proxy.acme:3128"),
        "http://proxy.acme:3128"
    );
}

#[test]
fn a_saved_demo_log_is_one_printable_line_per_message_after_a_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.log");
    let line = |at_ms: u64, subject: &str, text: &str| LogLine {
        at_ms,
        protocol: "mqtt".into(),
        direction: "out".into(),
        subject: subject.into(),
        text: text.into(),
    };
    let lines = [
        line(5, "acme/meters/data", "{\"temperature\":21.5}"),
        line(1_205, "acme/req\n$(rm -rf ~)", "two\nlines"),
    ];
    save_demo_log("meter-0042\n", &lines, &path).unwrap();
    let saved = std::fs::read_to_string(&path).unwrap();
    let rows: Vec<&str> = saved.lines().collect();
    assert_eq!(rows.len(), 3, "{saved}");
    assert!(rows[0].starts_with("# Loop Studio demo log: device meter-0042"));
    assert!(rows[0].contains("2 lines"));
    assert!(rows[1].contains("acme/meters/data") && rows[1].contains("21.5"));
    assert!(
        rows[2].contains("$(rm -rf ~)"),
        "kept, on its own line: {saved}"
    );

    // A folder that is not there: an error naming it, nothing written.
    let missing = dir.path().join("no/such/folder/demo.log");
    let err = save_demo_log("d", &lines, &missing).unwrap_err();
    assert!(
        err.message.contains("no/such/folder")
            || err
                .detail
                .as_deref()
                .unwrap_or("")
                .contains("no/such/folder"),
        "{err:?}"
    );
}

#[test]
fn a_custom_placeholder_in_a_secret_field_is_shown_masked() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = Studio::open_with_key_file(&dir.path().join("w.db")).unwrap();
    studio
        .create_project(&Project {
            name: "p".into(),
            description: String::new(),
            variables: Variables::new(),
        })
        .unwrap();
    let mut template = TemplateInstance::canonical(TemplateKind::MqttTcp);
    template.body["mqttPassword"] = "%METER_PASS%".into();
    template.body["mqttUserName"] = "%METER_USER%".into();
    let model = Model {
        name: "m".into(),
        templates: vec![template],
        ..Model::default()
    };
    studio.create_model("p", &model).unwrap();
    let given: Variables = [
        ("METER_PASS".to_string(), "s3cret-value".to_string()),
        ("METER_USER".to_string(), "meter-7".to_string()),
    ]
    .into();
    create_device(&mut studio, "p", "m", "d", &given, false).unwrap();
    let names = ["METER_PASS".to_string(), "METER_USER".to_string()];
    let values = placeholder_values(&mut studio, "p", "d", &names).unwrap();
    assert_eq!(values[0].value.as_deref(), Some(crate::render::MASK));
    assert!(values[0].secret);
    assert_eq!(values[1].value.as_deref(), Some("meter-7"));
    assert!(!serde_json::to_string(&values)
        .unwrap()
        .contains("s3cret-value"));
}
