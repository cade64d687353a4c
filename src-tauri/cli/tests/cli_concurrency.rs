//! Two processes on one database both succeed and lose nothing (issue: trust, point 3).
//!
//! `loopcheck` processes and the core API (as the app uses it, in threads of this process)
//! work on one database at the same moment: first on a database that does not exist yet —
//! each migrates it and stores the first secret, so each may be the one that makes the
//! master key — then creating devices with generated secrets and importing models. Every
//! one must succeed, every secret must open, and the file must pass `integrity_check`.

mod common;

use common::{text, Sandbox};
use loopstudio_core::api::{self, Studio};
use loopstudio_core::model::Project;
use loopstudio_core::render::Variables;
use loopstudio_core::store::{KeyPolicy, Store};
use std::process::{Child, Stdio};
use std::sync::{Arc, Barrier};

const PROCESSES: usize = 8;
const THREADS: usize = 4;

fn spawn(s: &Sandbox, args: &[String]) -> Child {
    s.command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn all_succeed(children: Vec<(String, Child)>) {
    for (what, child) in children {
        let out = child.wait_with_output().unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what} failed: {}",
            text(&out.stderr)
        );
    }
}

/// Runs `work` in `THREADS` threads that start together, each with its own store.
fn api_threads(
    db: &std::path::Path,
    work: impl Fn(&mut Studio, usize) + Send + Sync + 'static,
) -> Vec<std::thread::JoinHandle<()>> {
    let start = Arc::new(Barrier::new(THREADS));
    let work = Arc::new(work);
    (0..THREADS)
        .map(|i| {
            let (db, start, work) = (db.to_path_buf(), start.clone(), work.clone());
            std::thread::spawn(move || {
                start.wait();
                let mut studio = Studio::open_with_key_file(&db)
                    .unwrap_or_else(|e| panic!("thread {i} cannot open the store: {e}"));
                work(&mut studio, i);
            })
        })
        .collect()
}

#[test]
fn processes_and_the_api_on_one_fresh_database_all_succeed_and_every_secret_opens() {
    let s = Sandbox::new();
    assert!(!s.db().exists());

    // A fresh database: each process migrates it and seals the first secret.
    let children: Vec<(String, Child)> = (0..PROCESSES)
        .map(|i| {
            let args: Vec<String> = ["project", "create", &format!("cli-{i}")]
                .iter()
                .map(|a| a.to_string())
                .chain(["--var".into(), format!("MQTT_PASSWORD=pw-cli-{i}")])
                .collect();
            (format!("project create cli-{i}"), spawn(&s, &args))
        })
        .collect();
    let threads = api_threads(&s.db(), |store, i| {
        let project = Project {
            name: format!("api-{i}"),
            description: String::new(),
            variables: Variables::from([("MQTT_PASSWORD".to_string(), format!("pw-api-{i}"))]),
        };
        store
            .create_project(&project)
            .unwrap_or_else(|e| panic!("api-{i}: {e}"));
    });
    all_succeed(children);
    threads.into_iter().for_each(|t| t.join().unwrap());

    // One shared project and model, then devices and model imports at once.
    s.ok(&[
        "project",
        "create",
        "shared",
        "--var",
        "MQTT_HOST=broker.example",
    ]);
    let model = s.path("model.json");
    std::fs::write(
        &model,
        r#"[{"mqttHostName": "%MQTT_HOST%", "mqttTcpPort": "1883", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "r", "mqttRespTopicName": "s", "mqttDataTopicName": "d", "remoteNetwork": "7f"},
            {"lwm2mHostName": "lwm2m.example", "lwm2mPortDtls": "5684", "lwm2mEndpoint": "%LWM2M_ENDPOINT%", "lwm2mPSKIdentity": "%LWM2M_PSK_IDENTITY%", "lwm2mPSKValue": "%LWM2M_PSK_VALUE%", "lwm2mPSKValueHex": "%LWM2M_PSK_VALUE_HEX%", "remoteNetwork": "7f", "forceAccessControl": "false"}]"#,
    )
    .unwrap();
    let model_arg = model.display().to_string();
    s.ok(&[
        "model",
        "import",
        &model_arg,
        "--project",
        "shared",
        "--name",
        "m",
    ]);
    let mut children: Vec<(String, Child)> = (0..PROCESSES)
        .map(|i| {
            let args: Vec<String> = [
                "device",
                "create",
                "--project",
                "shared",
                "--model",
                "m",
                &format!("cli-dev-{i}"),
                "--generate-secrets",
            ]
            .iter()
            .map(|a| a.to_string())
            .collect();
            (format!("device create cli-dev-{i}"), spawn(&s, &args))
        })
        .collect();
    children.extend((0..PROCESSES / 2).map(|i| {
        let args: Vec<String> = [
            "model",
            "import",
            &model_arg,
            "--project",
            "shared",
            "--name",
        ]
        .iter()
        .map(|a| a.to_string())
        .chain([format!("cli-model-{i}")])
        .collect();
        (format!("model import cli-model-{i}"), spawn(&s, &args))
    }));
    let model_file = model.clone();
    let threads = api_threads(&s.db(), move |store, i| {
        api::create_device(
            store,
            "shared",
            "m",
            &format!("api-dev-{i}"),
            &Variables::new(),
            true,
        )
        .unwrap_or_else(|e| panic!("api-dev-{i}: {e}"));
        api::import_model_file(
            store,
            "shared",
            &model_file,
            Some(&format!("api-model-{i}")),
        )
        .unwrap_or_else(|e| panic!("api-model-{i}: {e}"));
    });
    all_succeed(children);
    threads.into_iter().for_each(|t| t.join().unwrap());

    // Everything is there, and every secret opens with the one key.
    let mut store = Store::open_with(&s.db(), KeyPolicy::KeyFileOnly).unwrap();
    assert!(store.integrity_ok().unwrap());
    for i in 0..PROCESSES {
        let p = store.project(&format!("cli-{i}")).unwrap();
        assert_eq!(p.variables["MQTT_PASSWORD"], format!("pw-cli-{i}"));
    }
    for i in 0..THREADS {
        let p = store.project(&format!("api-{i}")).unwrap();
        assert_eq!(p.variables["MQTT_PASSWORD"], format!("pw-api-{i}"));
    }
    let devices: Vec<String> = (0..PROCESSES)
        .map(|i| format!("cli-dev-{i}"))
        .chain((0..THREADS).map(|i| format!("api-dev-{i}")))
        .collect();
    for name in &devices {
        let d = store.device("shared", name).unwrap();
        for secret in ["MQTT_PASSWORD", "LWM2M_PSK_VALUE"] {
            let value = d
                .variables
                .get(secret)
                .unwrap_or_else(|| panic!("{name}: no {secret}"));
            assert!(
                value.len() >= 16,
                "{name}: {secret} did not open: {value:?}"
            );
        }
    }
    let models = store.list_models("shared").unwrap();
    assert_eq!(models.len(), 1 + PROCESSES / 2 + THREADS, "{models:?}");
    // The CLI agrees: a device's secrets open from another process too.
    let shown = s.json(&[
        "device",
        "show",
        "--project",
        "shared",
        "cli-dev-0",
        "--reveal",
    ]);
    assert!(shown.to_string().contains("MQTT_PASSWORD"), "{shown}");
}
