//! Running `loopcheck` against a database in a temporary folder.

#![allow(dead_code)] // each test binary uses its own part of this helper

pub mod amqtt;
pub mod dtls_bootstrap;
pub mod http_bridge;
pub mod lwm2m_peers;
pub mod netns;
pub mod ota_peers;
pub mod peers;
pub mod simulate;
pub mod survey;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

pub fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(path)
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn db(&self) -> PathBuf {
        self.dir.path().join("studio.db")
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_loopcheck"));
        command
            .arg("--db")
            .arg(self.db())
            .env_remove("LOOPSTUDIO_DB")
            .env("LOOPSTUDIO_KEYRING", "off");
        command
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("loopcheck runs")
    }

    /// Runs and expects exit 0, returning stdout.
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}\nstdout: {}\nstderr: {}",
            text(&out.stdout),
            text(&out.stderr)
        );
        text(&out.stdout)
    }

    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        serde_json::from_str(&self.ok(&all)).expect("one JSON document")
    }

    /// Project `p` with the model in `model_file` (as `m`) and device `device` of it, with
    /// `vars` (`NAME=VALUE`).
    pub fn store_device(&self, model_file: &Path, device: &str, vars: &[&str]) {
        self.ok(&["project", "create", "p"]);
        let model = model_file.to_str().unwrap();
        self.ok(&["model", "import", model, "--project", "p", "--name", "m"]);
        let mut args = vec!["device", "create", "--project", "p", "--model", "m", device];
        for v in vars {
            args.extend(["--var", v]);
        }
        self.ok(&args);
    }

    /// The database's bytes (and its WAL's), to prove a command changed nothing.
    pub fn db_snapshot(&self) -> Vec<u8> {
        let mut bytes = std::fs::read(self.db()).unwrap_or_default();
        bytes.extend(std::fs::read(self.db().with_extension("db-wal")).unwrap_or_default());
        bytes
    }
}

/// A Python venv of test peers that `scripts/setup.sh test` made: `$VARIABLE` if set, else
/// `loop-studio/NAME` in the user's cache folder.
pub fn venv(variable: &str, name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os(variable) {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap()).join(".cache"));
    cache.join("loop-studio").join(name)
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The rung named `name` of a check in a JSON report (the test fails if there is none).
pub fn step<'a>(check: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    check["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no {name} step in {check:#}"))
}

/// The names of a check's rungs, in order.
/// Holds the catalog's rungs for the check's kind (what the Test view lists as skipped after
/// a failure) against a real passing run: every listed rung was climbed, in that order.
#[allow(dead_code)]
pub fn assert_climbed_catalog_rungs(check: &serde_json::Value) {
    let kind = check["kind"].as_str().unwrap();
    let spec = loopstudio_core::catalog::TemplateKind::from_name(kind)
        .unwrap()
        .spec();
    let climbed = step_names(check);
    let mut rest = climbed.iter();
    for rung in spec.rungs {
        assert!(
            rest.any(|name| name == rung),
            "{kind}: rung {rung} not climbed in order; steps were {climbed:?}"
        );
    }
}

pub fn step_names(check: &serde_json::Value) -> Vec<String> {
    check["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_string())
        .collect()
}
