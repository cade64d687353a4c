//! Where the master key that seals stored secrets (passwords, PSKs, private keys) lives.
//!
//! DESIGN.md §5: the key comes from the OS keyring, or — where no keyring answers, as on a
//! headless gateway — from a 0600 key file beside the database. The app's About panel, its
//! status bar and `loopcheck info` all show this, so a support engineer knows what to back up.
//!
//! This module currently knows the key-file location; sealing and the keyring backend arrive
//! with the store (issue "Models, templates and devices"), which also records in the database
//! which source holds its key so the app and the CLI always agree.

use serde::Serialize;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// Environment variable that forces the key file even where a keyring answers (tests use it).
pub const KEYRING_ENV: &str = "LOOPSTUDIO_KEYRING";

/// Where the master key is kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[ts(export)]
pub enum SecretsLocation {
    /// The OS keyring (Secret Service, Keychain, Credential Manager) under this service name.
    #[serde(rename_all = "camelCase")]
    Keyring { service: String },
    /// A file readable only by this OS user, beside the database.
    #[serde(rename_all = "camelCase")]
    KeyFile { path: String, exists: bool },
}

impl SecretsLocation {
    /// One short phrase for a status bar: "key file ~/…/loopstudio.db.key".
    pub fn describe(&self) -> String {
        match self {
            SecretsLocation::Keyring { service } => format!("OS keyring ({service})"),
            SecretsLocation::KeyFile { path, .. } => format!("key file {path}"),
        }
    }
}

/// The key file that belongs to a database: the database's file name plus `.key`, so two
/// databases in one folder never share a key.
pub fn key_file_for(db_path: &Path) -> PathBuf {
    let mut name = db_path
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "loopstudio.db".into());
    name.push(".key");
    db_path.with_file_name(name)
}

/// Where the master key for `db_path` is kept today.
pub fn locate(db_path: &Path) -> SecretsLocation {
    let path = key_file_for(db_path);
    SecretsLocation::KeyFile {
        exists: path.is_file(),
        path: path.display().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_sits_beside_the_database() {
        assert_eq!(
            key_file_for(Path::new("/data/loopstudio.db")),
            PathBuf::from("/data/loopstudio.db.key")
        );
    }

    #[test]
    fn locate_reports_whether_the_key_exists() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("x.db");
        assert!(matches!(
            locate(&db),
            SecretsLocation::KeyFile { exists: false, .. }
        ));
        std::fs::write(key_file_for(&db), b"k").unwrap();
        assert!(matches!(
            locate(&db),
            SecretsLocation::KeyFile { exists: true, .. }
        ));
    }

    #[test]
    fn location_serialises_with_a_kind_tag() {
        let loc = SecretsLocation::KeyFile {
            path: "/d/x.db.key".into(),
            exists: false,
        };
        assert_eq!(
            serde_json::to_value(&loc).unwrap(),
            serde_json::json!({"kind": "keyFile", "path": "/d/x.db.key", "exists": false})
        );
        assert_eq!(loc.describe(), "key file /d/x.db.key");
    }
}
