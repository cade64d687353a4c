//! Store tests on real SQLite files in temporary folders.

use super::*;
use crate::catalog::TemplateKind;
use crate::model::Variables;
use crate::model::{DataBlock, Device, Model, Project, TemplateInstance};
use serde_json::json;

pub(super) fn vars(pairs: &[(&str, &str)]) -> Variables {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(super) fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store =
        Store::open_with(&dir.path().join("nested/studio.db"), KeyPolicy::KeyFileOnly).unwrap();
    (dir, store)
}

pub(super) fn sample_model(name: &str) -> Model {
    let mut tls = TemplateInstance::canonical(TemplateKind::MqttTls);
    tls.body
        .insert("mqttPassword".into(), json!("literal-hunter2-secret"));
    Model {
        name: name.into(),
        description: "meter".into(),
        templates: vec![tls, TemplateInstance::canonical(TemplateKind::Lwm2mPsk)],
        data_blocks: vec![DataBlock {
            name: "meterConfig".into(),
            body: json!({"sampleIntervalS": 60, "site": "%SITE_CODE%"})
                .as_object()
                .unwrap()
                .clone(),
        }],
    }
}

#[test]
fn a_fresh_database_is_migrated_to_the_latest_version_with_wal_and_foreign_keys() {
    let (_dir, store) = fresh();
    assert_eq!(store.schema_version().unwrap(), latest_schema_version());
    let mode: String = store
        .conn
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = store
        .conn
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fk, 1);
    assert!(store.integrity_ok().unwrap());
}

#[test]
fn migrations_are_numbered_without_gaps() {
    for (i, (version, _)) in MIGRATIONS.iter().enumerate() {
        assert_eq!(*version as usize, i + 1);
    }
}

#[test]
fn reopening_an_existing_database_keeps_its_data_and_applies_nothing_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.db");
    {
        let mut store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
        store
            .create_project(&Project {
                name: "acme".into(),
                ..Project::default()
            })
            .unwrap();
    }
    let store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
    assert_eq!(store.list_projects().unwrap()[0].name, "acme");
}

#[test]
fn an_older_database_is_migrated_forward() {
    // A database at version 0 (before any migration) that already holds unrelated data.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch("CREATE TABLE scratch (x INTEGER); INSERT INTO scratch VALUES (7);")
            .unwrap();
    }
    let store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_schema_version());
    let x: i64 = store
        .conn
        .query_row("SELECT x FROM scratch", [], |r| r.get(0))
        .unwrap();
    assert_eq!(x, 7);
}

#[test]
fn a_newer_database_is_refused_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("new.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
    }
    let err = Store::open_with(&path, KeyPolicy::KeyFileOnly)
        .err()
        .unwrap();
    assert!(matches!(err, Error::TooNew { found: 999, .. }), "{err}");
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .unwrap();
    assert_eq!(tables, 0);
}

#[test]
fn projects_round_trip_and_names_are_unique_and_checked() {
    let (_dir, mut store) = fresh();
    let project = Project {
        name: "Acme Meters".into(),
        description: "d".into(),
        variables: vars(&[
            ("MQTT_HOST", "mqtt.acme.example"),
            ("MQTT_PASSWORD", "shared-pw"),
        ]),
    };
    store.create_project(&project).unwrap();
    assert_eq!(store.project("Acme Meters").unwrap(), project);
    let dup = store.create_project(&project).unwrap_err();
    assert!(matches!(dup, Error::Exists { .. }), "{dup}");
    assert_eq!(ApiError::from(dup).code, ErrorCode::Conflict);
    let bad = store
        .create_project(&Project {
            name: " x".into(),
            ..Project::default()
        })
        .unwrap_err();
    assert_eq!(ApiError::from(bad).code, ErrorCode::InputInvalid);
    let missing = store.project("nope").unwrap_err();
    assert_eq!(missing.to_string(), "no project named \"nope\"");

    store
        .set_project_variables(
            "Acme Meters",
            &vars(&[("MQTT_HOST", "b")]),
            &["MQTT_PASSWORD".into()],
        )
        .unwrap();
    assert_eq!(
        store.project("Acme Meters").unwrap().variables,
        vars(&[("MQTT_HOST", "b")])
    );
}

#[test]
fn models_round_trip_in_order_with_literal_secrets_sealed() {
    let (_dir, mut store) = fresh();
    store
        .create_project(&Project {
            name: "p".into(),
            ..Project::default()
        })
        .unwrap();
    let model = sample_model("Smart meter");
    store.create_model("p", &model).unwrap();
    let loaded = store.model("p", "Smart meter").unwrap();
    assert_eq!(loaded, model);
    let keys: Vec<&String> = loaded.templates[0].body.keys().collect();
    let canonical = TemplateKind::MqttTls.canonical_body();
    assert_eq!(keys, canonical.keys().collect::<Vec<_>>());
    let raw: String = store
        .conn
        .query_row("SELECT body FROM templates WHERE position = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(!raw.contains("hunter2") && raw.contains("$sealed"));

    let summary = &store.list_models("p").unwrap()[0];
    assert_eq!(
        summary.kinds,
        [TemplateKind::MqttTls, TemplateKind::Lwm2mPsk]
    );
    assert_eq!(summary.data_blocks, 1);

    let mut renamed = model.clone();
    renamed.name = "Smart meter v2".into();
    renamed.templates.reverse();
    store.save_model("p", "Smart meter", &renamed).unwrap();
    assert_eq!(store.model("p", "Smart meter v2").unwrap(), renamed);
    assert!(matches!(
        store.model("p", "Smart meter"),
        Err(Error::NotFound { .. })
    ));
}

#[test]
fn a_model_in_use_needs_force_to_delete() {
    let (_dir, mut store) = fresh();
    store
        .create_project(&Project {
            name: "p".into(),
            ..Project::default()
        })
        .unwrap();
    store.create_model("p", &sample_model("m")).unwrap();
    store
        .create_device(
            "p",
            &Device {
                name: "meter-1".into(),
                model: "m".into(),
                variables: Variables::new(),
            },
        )
        .unwrap();
    let err = store.delete_model("p", "m", false).unwrap_err();
    assert_eq!(
        err.to_string(),
        "model \"m\" is used by 1 device(s); delete them first or force the deletion"
    );
    assert_eq!(store.list_models("p").unwrap().len(), 1);
    store.delete_model("p", "m", true).unwrap();
    assert!(store.list_models("p").unwrap().is_empty());
    assert!(store.list_devices("p", None).unwrap().is_empty());
}

#[test]
fn devices_round_trip_search_and_are_atomic() {
    let (_dir, mut store) = fresh();
    store
        .create_project(&Project {
            name: "p".into(),
            ..Project::default()
        })
        .unwrap();
    store.create_model("p", &sample_model("m")).unwrap();
    let device = Device {
        name: "meter-0042".into(),
        model: "m".into(),
        variables: vars(&[
            ("MQTT_CLIENT_ID", "acme-meter-0042"),
            ("MQTT_PASSWORD", "pw-0042-secret"),
        ]),
    };
    store.create_device("p", &device).unwrap();
    assert_eq!(store.device("p", "meter-0042").unwrap(), device);
    // A batch with one bad device writes nothing.
    let batch = [
        Device {
            name: "meter-1".into(),
            model: "m".into(),
            variables: Variables::new(),
        },
        Device {
            name: "meter-2".into(),
            model: "missing".into(),
            variables: Variables::new(),
        },
    ];
    assert!(matches!(
        store.create_devices("p", &batch),
        Err(Error::NotFound { what: "model", .. })
    ));
    assert_eq!(store.list_devices("p", None).unwrap().len(), 1);
    store.create_devices("p", &batch[..1]).unwrap();
    let found: Vec<String> = store
        .list_devices("p", Some("0042"))
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(found, ["meter-0042"]);
    assert_eq!(store.list_devices("p", Some("%")).unwrap().len(), 0);
    store.delete_device("p", "meter-1").unwrap();
    assert_eq!(store.list_devices("p", None).unwrap().len(), 1);
}

#[test]
fn devices_are_listed_in_natural_name_order() {
    let (_dir, mut store) = fresh();
    store
        .create_project(&Project {
            name: "p".into(),
            description: String::new(),
            variables: Variables::new(),
        })
        .unwrap();
    store.create_model("p", &sample_model("m")).unwrap();
    let batch: Vec<Device> = ["meter-10", "meter-2", "gw-b", "meter-1", "Gw-a"]
        .map(|name| Device {
            name: name.into(),
            model: "m".into(),
            variables: Variables::new(),
        })
        .into();
    store.create_devices("p", &batch).unwrap();
    let listed: Vec<String> = store
        .list_devices("p", None)
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(listed, ["Gw-a", "gw-b", "meter-1", "meter-2", "meter-10"]);
}

#[test]
fn typed_variables_are_checked_and_a_bad_one_writes_nothing() {
    let (_dir, mut store) = fresh();
    let bad = Project {
        name: "p".into(),
        description: String::new(),
        variables: vars(&[("MQTT_HOST", "h"), ("MQTT_TCP_PORT", "70000")]),
    };
    let err = store.create_project(&bad).unwrap_err();
    assert_eq!(
        err.to_string(),
        "MQTT_TCP_PORT: port 70000 is outside 1–65535"
    );
    assert_eq!(ApiError::from(err).code, ErrorCode::InputInvalid);
    assert!(store.list_projects().unwrap().is_empty());

    store
        .create_project(&Project {
            name: "p".into(),
            ..Project::default()
        })
        .unwrap();
    let pem = store
        .set_project_variables(
            "p",
            &vars(&[
                ("MQTT_HOST", "ok"),
                ("MQTT_CA_CERT", "-----BEGIN CERTIFICATE-----\nAAAA\n"),
            ]),
            &[],
        )
        .unwrap_err();
    assert!(
        pem.to_string().starts_with(
            "MQTT_CA_CERT: not valid PEM: line 1: BEGIN CERTIFICATE has no matching END line"
        ),
        "{pem}"
    );
    assert!(
        store.project("p").unwrap().variables.is_empty(),
        "nothing of the failed update landed"
    );
    // Patterns and custom variables are not type-checked here.
    store
        .set_project_variables(
            "p",
            &vars(&[("LWM2M_ENDPOINT", "urn:dev:{device}"), ("SITE_CODE", "x y")]),
            &[],
        )
        .unwrap();
}

#[test]
fn runs_are_kept_and_read_back_newest_first() {
    let (_dir, mut store) = fresh();
    store
        .create_project(&Project {
            name: "p".into(),
            ..Project::default()
        })
        .unwrap();
    store.create_model("p", &sample_model("m")).unwrap();
    store
        .create_device(
            "p",
            &Device {
                name: "d".into(),
                model: "m".into(),
                variables: Variables::new(),
            },
        )
        .unwrap();
    let at = |secs: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    let first = crate::report::Report::new(at(1_000), json!({"device": "d"}), vec![]);
    let second = crate::report::Report::new(at(2_000), json!({"device": "d"}), vec![]);
    let a = store.save_run("p", "d", &first).unwrap();
    let b = store.save_run("p", "d", &second).unwrap();
    let runs = store.list_runs("p", 10).unwrap();
    assert_eq!(runs.iter().map(|r| r.id).collect::<Vec<_>>(), [b, a]);
    assert_eq!(store.run_report(a).unwrap(), first);
    assert!(matches!(store.run_report(999), Err(Error::NotFound { .. })));
    // A deleted device keeps its history under its name.
    store.delete_device("p", "d").unwrap();
    assert_eq!(store.list_runs("p", 10).unwrap()[0].device, "d");
}
