//! Store tests about secrets: nothing readable reaches the file, sealed values read back
//! with their type, a lost key file is refused rather than replaced, a bad secret value is
//! refused without quoting it.

use super::tests::{fresh, sample_model, vars};
use super::*;
use crate::catalog::TemplateKind;
use crate::model::Variables;
use crate::model::{Device, Model, Project, TemplateInstance};
use serde_json::json;

#[test]
fn no_secret_reaches_the_database_file_in_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    {
        let mut store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
        store
            .create_project(&Project {
                name: "p".into(),
                description: String::new(),
                variables: vars(&[("MQTT_PASSWORD", "PROJECT-SECRET-1")]),
            })
            .unwrap();
        store.create_model("p", &sample_model("m")).unwrap();
        store
            .create_device(
                "p",
                &Device {
                    name: "d".into(),
                    model: "m".into(),
                    variables: vars(&[("LWM2M_PSK_VALUE", "DEVICE-SECRET-2")]),
                },
            )
            .unwrap();
        store
            .conn
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    for secret in [
        "PROJECT-SECRET-1",
        "DEVICE-SECRET-2",
        "literal-hunter2-secret",
    ] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} found in the DB file"
        );
    }
    let store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
    assert!(matches!(
        store.secrets_location().unwrap(),
        crate::secret::SecretsLocation::KeyFile { exists: true, .. }
    ));
}

#[test]
fn a_secret_field_is_sealed_whatever_its_json_type_and_reads_back_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.db");
    let mut body = TemplateKind::MqttTcp.canonical_body();
    body.insert("mqttPassword".into(), json!(31415926535u64));
    let mut tls = TemplateKind::MqttTls.canonical_body();
    tls.insert("mqttPassword".into(), json!("MIXED-SECRET-%DEVICE%"));
    let mut psk = TemplateKind::Lwm2mPsk.canonical_body();
    psk.insert("lwm2mPSKValue".into(), json!(true));
    let model = Model {
        name: "typed".into(),
        description: String::new(),
        templates: vec![
            TemplateInstance {
                kind: TemplateKind::MqttTcp,
                body: body.clone(),
            },
            TemplateInstance {
                kind: TemplateKind::MqttTls,
                body: tls.clone(),
            },
            TemplateInstance {
                kind: TemplateKind::Lwm2mPsk,
                body: psk.clone(),
            },
        ],
        data_blocks: vec![],
    };
    {
        let mut store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
        store
            .create_project(&Project {
                name: "p".into(),
                description: String::new(),
                variables: Variables::new(),
            })
            .unwrap();
        store.create_model("p", &model).unwrap();
        store
            .conn
            .pragma_update(None, "wal_checkpoint", "TRUNCATE")
            .unwrap();
        let back = store.model("p", "typed").unwrap();
        assert_eq!(
            back.templates[0].body["mqttPassword"],
            json!(31415926535u64)
        );
        assert_eq!(
            back.templates[1].body["mqttPassword"],
            json!("MIXED-SECRET-%DEVICE%")
        );
        assert_eq!(back.templates[2].body["lwm2mPSKValue"], json!(true));
        // Export without secrets puts the placeholders back for every one of them.
        let exported = crate::interchange::export_model(&back, false);
        assert!(!exported.contains("31415926535") && !exported.contains("MIXED-SECRET"));
        assert_eq!(exported.matches("%MQTT_PASSWORD%").count(), 2, "{exported}");
        assert!(
            exported.contains(r#""lwm2mPSKValue": "%LWM2M_PSK_VALUE%""#),
            "{exported}"
        );
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend(std::fs::read(path.with_extension("db-wal")).unwrap_or_default());
    for secret in ["31415926535", "MIXED-SECRET"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} found in the DB file"
        );
    }
}

#[test]
fn without_its_key_file_a_database_refuses_to_open_secrets_instead_of_making_a_new_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k.db");
    {
        let mut store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
        store
            .create_project(&Project {
                name: "p".into(),
                description: String::new(),
                variables: vars(&[("MQTT_PASSWORD", "x")]),
            })
            .unwrap();
    }
    std::fs::remove_file(crate::secret::key_file_for(&path)).unwrap();
    let mut store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
    let err = store.project("p").unwrap_err();
    assert_eq!(ApiError::from(err).code, ErrorCode::Secret);
    assert!(!crate::secret::key_file_for(&path).exists());
}

#[test]
fn a_bad_secret_value_is_refused_without_quoting_it() {
    let (_dir, mut store) = fresh();
    store
        .create_project(&Project {
            name: "p".into(),
            ..Project::default()
        })
        .unwrap();
    let err = store
        .set_project_variables("p", &vars(&[("LWM2M_PSK_VALUE_HEX", "abcZZsecret")]), &[])
        .unwrap_err()
        .to_string();
    assert_eq!(err, "LWM2M_PSK_VALUE_HEX: not valid hex");
}
