//! The CLI contract of DESIGN.md §4 as far as it exists: version, help, `--json`, `--db`,
//! and the exit statuses. Runs the real binary.

use std::process::{Command, Output};

fn loopcheck(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_loopcheck"))
        .args(args)
        .env_remove("LOOPSTUDIO_DB")
        .env("LOOPSTUDIO_KEYRING", "off")
        .output()
        .expect("loopcheck runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

#[test]
fn version_prints_the_workspace_version_and_exits_0() {
    let out = loopcheck(&["--version"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out).trim(),
        format!("loopcheck {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn help_lists_only_commands_that_exist() {
    let out = loopcheck(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let commands: Vec<&str> = text
        .split("Commands:")
        .nth(1)
        .and_then(|rest| rest.split("Options:").next())
        .expect("help has a Commands section")
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .collect();
    assert_eq!(
        commands,
        [
            "info", "lint", "project", "model", "device", "render", "ports", "check", "simulate",
            "survey", "help"
        ]
    );
    for flag in ["--json", "--db <PATH>", "--version"] {
        assert!(text.contains(flag), "help lacks {flag}:\n{text}");
    }
}

#[test]
fn unknown_command_is_a_usage_error_with_exit_2() {
    let out = loopcheck(&["frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("frobnicate"));
}

#[test]
fn missing_command_is_a_usage_error_with_exit_2() {
    assert_eq!(loopcheck(&[]).status.code(), Some(2));
}

#[test]
fn info_json_is_one_document_naming_the_db_from_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("studio.db");
    let db_arg = db.to_str().unwrap();
    // Global flags are accepted after the subcommand too.
    let out = loopcheck(&["info", "--json", "--db", db_arg]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let doc: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("one JSON document");
    assert_eq!(doc["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(doc["dbPath"], db_arg);
    assert_eq!(doc["dbPathSource"], "flag");
    assert_eq!(doc["secrets"]["kind"], "keyFile");
    assert_eq!(doc["secrets"]["path"], format!("{db_arg}.key"));
    // `info` only reports: it must not create the database or the key.
    assert!(!db.exists());
}

#[test]
fn info_reads_the_db_path_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_loopcheck"))
        .args(["--json", "info"])
        .env("LOOPSTUDIO_DB", &db)
        .env("LOOPSTUDIO_KEYRING", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["dbPath"], db.to_str().unwrap());
    assert_eq!(doc["dbPathSource"], "environment");
}

#[test]
fn an_empty_db_variable_is_bad_input_with_exit_2_and_a_json_error() {
    let out = Command::new(env!("CARGO_BIN_EXE_loopcheck"))
        .args(["info", "--json"])
        .env("LOOPSTUDIO_DB", "")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["error"]["code"], "INPUT_INVALID");
    assert!(doc["error"]["message"]
        .as_str()
        .unwrap()
        .contains("LOOPSTUDIO_DB"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("LOOPSTUDIO_DB"));
}

#[test]
fn info_text_names_the_database_and_the_secrets() {
    let out = loopcheck(&["info", "--db", "/tmp/ls-cli-test/x.db"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("/tmp/ls-cli-test/x.db (from --db)"), "{text}");
    assert!(
        text.contains("key file /tmp/ls-cli-test/x.db.key"),
        "{text}"
    );
}

#[test]
fn before_the_first_secret_info_says_the_keyring_will_be_tried() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.db");
    let out = Command::new(env!("CARGO_BIN_EXE_loopcheck"))
        .args(["--json", "--db", db.to_str().unwrap(), "info"])
        .env_remove("LOOPSTUDIO_KEYRING")
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["secrets"]["kind"], "notYetChosen");
    assert_eq!(doc["secrets"]["keyFile"], format!("{}.key", db.display()));
}
