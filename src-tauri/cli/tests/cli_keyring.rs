//! The master key in a real OS keyring: gnome-keyring's Secret Service on a private D-Bus
//! session (`dbus-run-session`), started by the test with its own HOME. Then the same
//! database without a keyring: loopcheck must refuse to open the secrets (exit 3) rather than
//! make a new key.

mod common;

use common::{text, Sandbox};
use std::process::Command;

const SCRIPT: &str = r#"
set -eu
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
printf 'loopstudio-test' | gnome-keyring-daemon --unlock --components=secrets >/dev/null
"$LOOPCHECK" --db "$DB" project create p --var MQTT_PASSWORD=s3cret-in-keyring >/dev/null
"$LOOPCHECK" --json --db "$DB" info > "$OUT/info.json"
"$LOOPCHECK" --json --db "$DB" project show p --reveal > "$OUT/show.json"
"#;

#[test]
fn the_master_key_lives_in_the_secret_service_when_one_answers() {
    for tool in ["dbus-run-session", "gnome-keyring-daemon"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {tool}")])
            .output()
            .unwrap();
        assert!(
            found.status.success(),
            "{tool} is missing: run scripts/setup.sh test"
        );
    }
    let s = Sandbox::new();
    let home = s.path("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = Command::new("dbus-run-session")
        .args(["--", "sh", "-c", SCRIPT])
        .env("LOOPCHECK", env!("CARGO_BIN_EXE_loopcheck"))
        .env("DB", s.db())
        .env("OUT", s.dir.path())
        .env("HOME", &home)
        .env("XDG_DATA_HOME", home.join("data"))
        .env("XDG_RUNTIME_DIR", home.join("run"))
        .env_remove("LOOPSTUDIO_KEYRING")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );

    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("info.json")).unwrap()).unwrap();
    assert_eq!(info["secrets"]["kind"], "keyring", "{info}");
    let shown: serde_json::Value =
        serde_json::from_slice(&std::fs::read(s.path("show.json")).unwrap()).unwrap();
    assert_eq!(shown["variables"]["MQTT_PASSWORD"], "s3cret-in-keyring");
    assert!(
        !s.path("studio.db.key").exists(),
        "no key file when the keyring holds the key"
    );
    assert!(!s
        .db_snapshot()
        .windows(17)
        .any(|w| w == b"s3cret-in-keyring"));

    // The same database with no keyring answering: the secrets stay sealed, and it says why.
    let out = Command::new(env!("CARGO_BIN_EXE_loopcheck"))
        .args(["--db", s.db().to_str().unwrap(), "project", "show", "p"])
        .env_remove("LOOPSTUDIO_KEYRING")
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env("XDG_RUNTIME_DIR", home.join("no-bus-here"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("kept in the OS keyring, which did not answer"),
        "{}",
        text(&out.stderr)
    );
    assert!(
        !s.path("studio.db.key").exists(),
        "no new key file was made"
    );
}
