//! Projects, models, devices, render and lint through the real binary and a real SQLite file.

mod common;

use common::{fixture, text, Sandbox};

fn project_with_meter(s: &Sandbox) {
    s.ok(&[
        "project",
        "create",
        "Acme Meters",
        "--var",
        "MQTT_HOST=mqtt.acme.example",
        "--var",
        "LWM2M_HOST=lwm2m.acme.example",
        "--var",
        "REMOTE_NETWORK=7f3a09c2",
        "--var",
        "MQTT_REQ_TOPIC=acme/req",
        "--var",
        "MQTT_RESP_TOPIC=acme/resp",
        "--var",
        "MQTT_DATA_TOPIC=acme/meters/data",
        "--var",
        "MQTT_CLIENT_ID=acme-{device}",
        "--var",
        "MQTT_USERNAME={device}",
        "--var",
        "LWM2M_ENDPOINT=urn:dev:{device}",
        "--var",
        "LWM2M_PSK_IDENTITY={device}",
    ]);
    let ca = s.path("ca.pem");
    std::fs::write(
        &ca,
        "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    s.ok(&[
        "project",
        "set",
        "Acme Meters",
        "--var",
        &format!("MQTT_CA_CERT=@{}", ca.display()),
    ]);
    let file = fixture("models/smart-meter.json");
    s.ok(&[
        "model",
        "import",
        file.to_str().unwrap(),
        "--project",
        "Acme Meters",
    ]);
}

#[test]
fn a_project_model_and_device_end_to_end() {
    let s = Sandbox::new();
    project_with_meter(&s);
    let models = s.json(&["model", "list", "--project", "Acme Meters"]);
    assert_eq!(models[0]["name"], "Smart meter v2");
    assert_eq!(
        models[0]["kinds"],
        serde_json::json!(["mqtt-tls", "lwm2m-psk"])
    );

    let created = s.json(&[
        "device",
        "create",
        "--project",
        "Acme Meters",
        "--model",
        "Smart meter v2",
        "meter-0042",
        "--generate-secrets",
        "--var",
        "SITE_CODE=HALL-B",
    ]);
    assert_eq!(created["variables"]["MQTT_CLIENT_ID"], "acme-meter-0042");
    assert_eq!(created["variables"]["LWM2M_ENDPOINT"], "urn:dev:meter-0042");
    assert_eq!(
        created["variables"]["MQTT_PASSWORD"], "••••••••",
        "secrets are masked in output"
    );

    let revealed = s.json(&[
        "device",
        "show",
        "--project",
        "Acme Meters",
        "meter-0042",
        "--reveal",
    ]);
    let psk = revealed["variables"]["LWM2M_PSK_VALUE"]
        .as_str()
        .unwrap()
        .to_string();
    let psk_hex = revealed["variables"]["LWM2M_PSK_VALUE_HEX"]
        .as_str()
        .unwrap();
    assert_eq!(psk.len(), 24);
    assert_eq!(
        psk_hex,
        psk.bytes().map(|b| format!("{b:02x}")).collect::<String>()
    );

    let rendered: serde_json::Value = serde_json::from_str(&s.ok(&[
        "render",
        "--project",
        "Acme Meters",
        "--device",
        "meter-0042",
    ]))
    .unwrap();
    let tls = &rendered["templates"][0]["body"];
    assert_eq!(tls["mqttHostName"], "mqtt.acme.example");
    assert_eq!(tls["mqttSslPort"], "8883");
    assert_eq!(tls["mqttClientId"], "acme-meter-0042");
    assert_eq!(tls["mqttPassword"], "••••••••");
    assert_eq!(
        rendered["templates"][1]["body"]["lwm2mPSKIdentity"], "meter-0042",
        "the misspelled placeholder renders"
    );
    assert_eq!(rendered["dataBlocks"][0]["body"]["site"], "HALL-B");
    let text_out = s.ok(&[
        "render",
        "--project",
        "Acme Meters",
        "--device",
        "meter-0042",
    ]);
    assert!(!text_out.contains(&psk));
    let revealed = s.ok(&[
        "render",
        "--project",
        "Acme Meters",
        "--device",
        "meter-0042",
        "--reveal",
    ]);
    assert!(revealed.contains(&psk));

    let devices = s.json(&[
        "device",
        "list",
        "--project",
        "Acme Meters",
        "--search",
        "0042",
    ]);
    assert_eq!(devices.as_array().unwrap().len(), 1);
}

#[test]
fn render_names_every_unresolved_placeholder_and_exits_2() {
    let s = Sandbox::new();
    project_with_meter(&s);
    s.ok(&[
        "device",
        "create",
        "--project",
        "Acme Meters",
        "--model",
        "Smart meter v2",
        "bare",
    ]);
    let out = s.run(&["render", "--project", "Acme Meters", "--device", "bare"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("%MQTT_PASSWORD% at /templates/0/mqttPassword"),
        "{err}"
    );
    assert!(
        err.contains("%SITE_CODE% at /dataBlocks/0/body/site"),
        "{err}"
    );
}

#[test]
fn model_export_round_trips_byte_identical_and_redacts_secrets() {
    let s = Sandbox::new();
    s.ok(&["project", "create", "p"]);
    let reference = fixture("models/reference-all-kinds.json");
    s.ok(&[
        "model",
        "import",
        reference.to_str().unwrap(),
        "--project",
        "p",
        "--name",
        "all",
    ]);
    let first = s.path("first.json");
    s.ok(&[
        "model",
        "export",
        "--project",
        "p",
        "all",
        "-o",
        first.to_str().unwrap(),
    ]);
    s.ok(&[
        "model",
        "import",
        first.to_str().unwrap(),
        "--project",
        "p",
        "--name",
        "again",
    ]);
    let second = s.ok(&["model", "export", "--project", "p", "again"]);
    let first_text = std::fs::read_to_string(&first)
        .unwrap()
        .replace("\"name\": \"all\"", "\"name\": \"again\"");
    assert_eq!(first_text, second);

    // A literal secret is sealed in the store and redacted on export unless asked for.
    let secret_model = s.path("secret.json");
    std::fs::write(
        &secret_model,
        r#"[{"mqttHostName": "h", "mqttTcpPort": "1883", "mqttPassword": "LITERAL-PW-123"}]"#,
    )
    .unwrap();
    s.ok(&[
        "model",
        "import",
        secret_model.to_str().unwrap(),
        "--project",
        "p",
    ]);
    let redacted = s.ok(&["model", "export", "--project", "p", "secret"]);
    assert!(
        redacted.contains("\"mqttPassword\": \"%MQTT_PASSWORD%\""),
        "{redacted}"
    );
    assert!(s
        .ok(&[
            "model",
            "export",
            "--project",
            "p",
            "secret",
            "--include-secrets"
        ])
        .contains("LITERAL-PW-123"));
    let db = s.db_snapshot();
    assert!(!db.windows(14).any(|w| w == b"LITERAL-PW-123"));
}

#[test]
fn lint_a_file_reports_the_reference_quirks_and_exits_by_severity() {
    let s = Sandbox::new();
    let reference = fixture("models/reference-all-kinds.json");
    let out = s.run(&["--json", "lint", reference.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "warnings only");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["placeholder-type", "placeholder-alias"]);
    assert_eq!(
        doc["findings"][1]["pointer"], "/2/lwm2mPSKIdentity",
        "pointers point into the file"
    );

    let broken = s.path("broken.json");
    std::fs::write(
        &broken,
        r#"[{"mqttHostName": "%MQTT_HOTS%", "mqttTcpPort": "99999"}]"#,
    )
    .unwrap();
    let out = s.run(&["lint", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let report = text(&out.stdout);
    assert!(report.contains("did you mean %MQTT_HOST%?"), "{report}");
    assert!(report.contains("port 99999 is outside 1–65535"), "{report}");
    assert!(!s.db().exists(), "linting a file never creates a database");
}

#[test]
fn a_model_in_use_is_kept_unless_forced() {
    let s = Sandbox::new();
    project_with_meter(&s);
    s.ok(&[
        "device",
        "create",
        "--project",
        "Acme Meters",
        "--model",
        "Smart meter v2",
        "d1",
    ]);
    let out = s.run(&[
        "model",
        "delete",
        "--project",
        "Acme Meters",
        "Smart meter v2",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("used by 1 device"));
    s.ok(&[
        "model",
        "delete",
        "--project",
        "Acme Meters",
        "Smart meter v2",
        "--force",
    ]);
    assert_eq!(
        s.json(&["device", "list", "--project", "Acme Meters"]),
        serde_json::json!([])
    );
}

#[test]
fn project_bundles_export_and_import_with_secrets_left_out_by_default() {
    let s = Sandbox::new();
    project_with_meter(&s);
    s.ok(&[
        "device",
        "create",
        "--project",
        "Acme Meters",
        "--model",
        "Smart meter v2",
        "d1",
        "--generate-secrets",
    ]);
    let bundle = s.path("bundle.json");
    s.ok(&[
        "project",
        "export",
        "Acme Meters",
        "-o",
        bundle.to_str().unwrap(),
    ]);
    let text_bundle = std::fs::read_to_string(&bundle).unwrap();
    assert!(!text_bundle.contains("MQTT_PASSWORD\""), "{text_bundle}");
    s.ok(&[
        "project",
        "import",
        bundle.to_str().unwrap(),
        "--name",
        "Copy",
    ]);
    let again = s.ok(&["project", "export", "Copy"]);
    assert_eq!(
        again,
        text_bundle.replace("\"name\": \"Acme Meters\"", "\"name\": \"Copy\"")
    );
    let projects = s.json(&["project", "list"]);
    assert_eq!(projects[1]["name"], "Copy");
    assert_eq!(projects[1]["devices"], 1);
}
