//! Bad input of every kind: exit 2, a message naming the file and place, and the database
//! exactly as it was.

mod common;

use common::{fixture, text, Sandbox};
use std::process::Command;
use std::time::Duration;

fn seeded() -> Sandbox {
    let s = Sandbox::new();
    s.ok(&["project", "create", "p", "--var", "MQTT_HOST=h"]);
    s.ok(&[
        "model",
        "create",
        "--project",
        "p",
        "m",
        "--kind",
        "mqtt-tcp",
    ]);
    s
}

/// Runs `args`, expects exit 2 with every `needle` in stderr, and an unchanged database;
/// a command that does not end (reading `/dev/zero`, say) fails the test instead of hanging.
fn refused(s: &Sandbox, args: &[&str], needles: &[&str]) {
    let before = s.db_snapshot();
    let mut child = s
        .command()
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("{args:?} did not end: it is reading what it should refuse");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    for needle in needles {
        assert!(
            stderr.contains(needle),
            "{args:?}: stderr lacks {needle:?}:\n{stderr}"
        );
    }
    assert_eq!(s.db_snapshot(), before, "{args:?} changed the database");
}

#[test]
fn bad_model_files_are_refused_with_their_location() {
    let s = seeded();
    let bad = |name: &str| {
        fixture(&format!("models/bad/{name}"))
            .to_str()
            .unwrap()
            .to_string()
    };
    let cases: &[(&str, &[&str])] = &[
        (
            "malformed.json",
            &["malformed.json", "invalid JSON", "line 1 column"],
        ),
        ("truncated.json", &["truncated.json", "ends too early"]),
        (
            "wrong-types.json",
            &[
                "wrong-types.json at /templates/0/mqttTcpPort",
                "found an array",
            ],
        ),
        (
            "templates-not-array.json",
            &["at /templates", "expected an array of templates"],
        ),
        (
            "unknown-kind.json",
            &["at /0", "cannot tell the template kind"],
        ),
        (
            "invalid-utf8.json",
            &["invalid-utf8.json", "not UTF-8", "offset 13"],
        ),
    ];
    for (file, needles) in cases {
        refused(
            &s,
            &[
                "model",
                "import",
                &bad(file),
                "--project",
                "p",
                "--name",
                "x",
            ],
            needles,
        );
        refused(&s, &["lint", &bad(file)], needles);
    }
}

#[test]
fn a_20_mb_file_is_refused_without_reading_it() {
    let s = seeded();
    let big = s.path("big.json");
    let mut content = String::from("[");
    let body = r#"{"mqttHostName": "h", "mqttTcpPort": "1883", "pad": "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},"#;
    while content.len() < 20 * 1000 * 1000 {
        content.push_str(body);
    }
    content.push_str(r#"{"mqttHostName": "h", "mqttTcpPort": "1883"}]"#);
    std::fs::write(&big, content).unwrap();
    refused(
        &s,
        &["model", "import", big.to_str().unwrap(), "--project", "p"],
        &["big.json", "20.0 MB", "up to 16 MB"],
    );
}

#[test]
fn bad_variable_values_are_refused_by_name() {
    let s = seeded();
    let pem = fixture("models/bad/bad.pem");
    refused(
        &s,
        &[
            "project",
            "set",
            "p",
            "--var",
            "MQTT_HOST=ok",
            "--var",
            &format!("MQTT_CA_CERT=@{}", pem.display()),
        ],
        &["MQTT_CA_CERT", "not valid PEM", "base64"],
    );
    refused(
        &s,
        &["project", "set", "p", "--var", "MQTT_TCP_PORT=0"],
        &["MQTT_TCP_PORT: port 0 is outside 1–65535"],
    );
    refused(
        &s,
        &["project", "set", "p", "--var", "REMOTE_NETWORK=xyz"],
        &["REMOTE_NETWORK", "not valid hex"],
    );
    refused(
        &s,
        &["project", "set", "p", "--var", "MQTT_HTTPS=not a url"],
        &["MQTT_HTTPS", "not a valid URL"],
    );
    refused(
        &s,
        &["project", "set", "p", "--var", "bad name=x"],
        &["variable name"],
    );
    refused(
        &s,
        &["project", "set", "p", "--var", "X=@/no/such/file"],
        &["/no/such/file"],
    );
    refused(
        &s,
        &[
            "device",
            "create",
            "--project",
            "p",
            "--model",
            "m",
            "d",
            "--var",
            "MQTT_TCP_PORT=1e9",
        ],
        &["MQTT_TCP_PORT"],
    );
    let vars = s.path("vars.json");
    std::fs::write(&vars, r#"{"MQTT_HOST": 42}"#).unwrap();
    refused(
        &s,
        &["project", "set", "p", "--vars", vars.to_str().unwrap()],
        &["vars.json at /MQTT_HOST", "must be a string"],
    );
}

#[test]
fn names_and_references_that_do_not_exist_or_clash() {
    let s = seeded();
    refused(
        &s,
        &["model", "list", "--project", "nope"],
        &["no project named \"nope\""],
    );
    refused(
        &s,
        &["device", "create", "--project", "p", "--model", "nope", "d"],
        &["no model named \"nope\""],
    );
    refused(&s, &["project", "create", "p"], &["already exists"]);
    refused(
        &s,
        &["project", "create", " padded"],
        &["starts or ends with a space"],
    );
    refused(
        &s,
        &[
            "model",
            "create",
            "--project",
            "p",
            "m2",
            "--kind",
            "mqtt-quantum",
        ],
        &["unknown kind"],
    );
    let out = s.run(&["--json", "device", "show", "--project", "p", "ghost"]);
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "NOT_FOUND");
}

#[test]
fn a_bad_bundle_imports_nothing() {
    let s = seeded();
    s.ok(&["device", "create", "--project", "p", "--model", "m", "d1"]);
    let bundle = s.path("b.json");
    s.ok(&["project", "export", "p", "-o", bundle.to_str().unwrap()]);
    // The second device's model does not exist in the bundle.
    let mut value: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).unwrap()).unwrap();
    value["devices"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({"name": "d2", "model": "ghost"}));
    std::fs::write(&bundle, value.to_string()).unwrap();
    refused(
        &s,
        &["project", "import", bundle.to_str().unwrap(), "--name", "q"],
        &["at /devices/1/model"],
    );
    // A bundle whose device variable is invalid fails inside the transaction: nothing lands.
    value["devices"].as_array_mut().unwrap().pop();
    value["devices"][0]["variables"] = serde_json::json!({"MQTT_TCP_PORT": "70000"});
    std::fs::write(&bundle, value.to_string()).unwrap();
    refused(
        &s,
        &["project", "import", bundle.to_str().unwrap(), "--name", "q"],
        &["MQTT_TCP_PORT"],
    );
    assert_eq!(s.json(&["project", "list"]).as_array().unwrap().len(), 1);
}

/// A bundle big enough that importing it takes a while: `models` models and `devices` devices.
fn big_bundle(models: usize, devices: usize) -> String {
    let model_names: Vec<String> = (0..models).map(|i| format!("model-{i:05}")).collect();
    let models_json: Vec<serde_json::Value> = model_names
        .iter()
        .map(|name| {
            serde_json::json!({"name": name, "description": "", "dataBlocks": [],
                "templates": [
                    {"mqttHostName": "%MQTT_HOST%", "mqttSslPort": "%MQTT_SSL_PORT%", "mqttServerCA": "%MQTT_CA_CERT%", "mqttUserName": "%MQTT_USERNAME%", "mqttPassword": "%MQTT_PASSWORD%", "mqttClientId": "%MQTT_CLIENT_ID%", "mqttReqTopicName": "%MQTT_REQ_TOPIC%", "mqttRespTopicName": "%MQTT_RESP_TOPIC%", "mqttDataTopicName": "%MQTT_DATA_TOPIC%", "remoteNetwork": "%REMOTE_NETWORK%"},
                    {"lwm2mHostName": "%LWM2M_HOST%", "lwm2mPortNoSec": "%LWM2M_NOSEC_PORT%", "lwm2mEndpoint": "%LWM2M_ENDPOINT%", "remoteNetwork": "%REMOTE_NETWORK%"}
                ]})
        })
        .collect();
    let devices_json: Vec<serde_json::Value> = (0..devices)
        .map(|i| serde_json::json!({"name": format!("dev-{i:06}"), "model": model_names[i % models],
            "variables": {"MQTT_CLIENT_ID": format!("c-{i}"), "MQTT_PASSWORD": format!("pw-{i}"), "LWM2M_ENDPOINT": format!("urn:dev:{i}")}}))
        .collect();
    serde_json::json!({"format": "loopstudio-project", "version": 1,
        "project": {"name": "big", "description": "", "variables": {"MQTT_HOST": "h"}},
        "models": models_json, "devices": devices_json})
    .to_string()
}

#[test]
fn an_import_killed_part_way_leaves_a_sound_database_without_any_of_it() {
    let s = seeded();
    let bundle = s.path("big.json");
    std::fs::write(&bundle, big_bundle(1000, 10_000)).unwrap();
    let mut killed_while_running = 0;
    for delay_ms in [30u64, 80, 150, 250, 400, 600] {
        let mut child = s
            .command()
            .args(["project", "import", bundle.to_str().unwrap()])
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().unwrap().is_none() {
            child.kill().unwrap(); // SIGKILL
            killed_while_running += 1;
        }
        let status = child.wait().unwrap();
        // Either it was killed, or it finished first: then undo it for the next round.
        if status.success() {
            s.ok(&["project", "delete", "big"]);
        }
        let check = Command::new(env!("CARGO_BIN_EXE_loopcheck"))
            .args([
                "--json",
                "--db",
                s.db().to_str().unwrap(),
                "project",
                "list",
            ])
            .env("LOOPSTUDIO_KEYRING", "off")
            .output()
            .unwrap();
        let projects: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
        let names: Vec<&str> = projects
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["p"], "after a kill at {delay_ms} ms");
        let conn = rusqlite_integrity(&s);
        assert_eq!(conn, "ok", "integrity after a kill at {delay_ms} ms");
    }
    assert!(
        killed_while_running >= 3,
        "only {killed_while_running} kills landed while the import ran"
    );
    // And the same file imports completely when left alone.
    s.ok(&["project", "import", bundle.to_str().unwrap()]);
    assert_eq!(s.json(&["project", "list"])[0]["devices"], 10_000);
}

/// `PRAGMA integrity_check` through the sqlite3 library the core links.
fn rusqlite_integrity(s: &Sandbox) -> String {
    let conn = rusqlite::Connection::open(s.db()).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn only_regular_files_under_the_cap_are_read_into_values() {
    let s = seeded();
    refused(
        &s,
        &["project", "set", "p", "--var", "MQTT_CA_CERT=@/dev/zero"],
        &["MQTT_CA_CERT", "/dev/zero", "character device"],
    );
    refused(
        &s,
        &["project", "set", "p", "--vars", "/dev/zero"],
        &["/dev/zero", "character device"],
    );
    refused(
        &s,
        &["model", "import", "/dev/zero", "--project", "p"],
        &["/dev/zero", "character device"],
    );
    let fifo = s.path("pipe.pem");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    refused(
        &s,
        &[
            "project",
            "set",
            "p",
            "--var",
            &format!("MQTT_CA_CERT=@{}", fifo.display()),
        ],
        &["pipe.pem", "named pipe"],
    );
    refused(
        &s,
        &[
            "project",
            "set",
            "p",
            "--var",
            &format!("X=@{}", s.dir.path().display()),
        ],
        &["a folder"],
    );
    let big = s.path("big.pem");
    std::fs::write(&big, vec![b'A'; 1024 * 1024 + 1]).unwrap();
    refused(
        &s,
        &[
            "project",
            "set",
            "p",
            "--var",
            &format!("MQTT_CA_CERT=@{}", big.display()),
        ],
        &["big.pem", "1.0 MB", "read up to 1 MB"],
    );
}

#[test]
fn numbers_out_of_bounds_or_not_finite_are_bad_input() {
    let s = seeded();
    s.ok(&["device", "create", "--project", "p", "--model", "m", "d"]);
    let simulate = ["simulate", "--project", "p", "--device", "d"];
    for (flag, value, says) in [
        ("--duration", "inf", "the duration inf"),
        ("--duration", "NaN", "the duration NaN"),
        ("--duration", "-1", "the duration -1"),
        ("--rate", "inf", "the rate inf"),
        ("--rate", "0", "the rate 0"),
        ("--lifetime", "3", "lifetime 3"),
        ("--lifetime", "4294967295", "lifetime 4294967295"),
    ] {
        let mut args = simulate.to_vec();
        let given = format!("{flag}={value}");
        args.push(&given);
        refused(&s, &args, &[says]);
    }
    let fleet = ["simulate", "--project", "p", "--fleet", "3", "--model", "m"];
    for (flag, value, says) in [
        ("--ramp", "inf", "the ramp inf"),
        ("--ramp", "0", "the ramp 0"),
        ("--duration", "1e300", "the duration"),
    ] {
        let mut args = fleet.to_vec();
        args.extend([flag, value]);
        refused(&s, &args, &[says]);
    }
    refused(
        &s,
        &["simulate", "--project", "p", "--fleet", "0", "--model", "m"],
        &["a fleet of 0"],
    );
    refused(
        &s,
        &["ports", "127.0.0.1", "--timeout-ms", "18446744073709551615"],
        &["18446744073709551615", "milliseconds"],
    );
    refused(
        &s,
        &[
            "check",
            "--project",
            "p",
            "--device",
            "d",
            "--timeout-ms",
            "0",
        ],
        &["--timeout-ms 0"],
    );
}
