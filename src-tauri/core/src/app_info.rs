//! What the About panel and `loopcheck info` show: the version, the database in use and where
//! the secrets' master key is kept. The first use case wired end to end through IPC.

use crate::secret::{self, SecretsLocation};
use crate::store::paths::{self, DbPathSource};
use crate::store::Store;
use crate::ApiError;
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct AppInfo {
    /// Loop Studio's version, the same for the app and the CLI.
    pub version: String,
    /// The SQLite database file this process uses.
    pub db_path: String,
    /// Which rule chose `db_path`.
    pub db_path_source: DbPathSource,
    /// Where the master key that seals secrets is kept.
    pub secrets: SecretsLocation,
}

/// Gathers the facts for this process; `db_flag` is the CLI's `--db`. An existing database
/// is opened to read where its key was recorded; a missing one is not created.
pub fn app_info(db_flag: Option<&Path>) -> Result<AppInfo, ApiError> {
    let db = paths::locate_db(db_flag)?;
    let secrets = if db.path.is_file() {
        Store::open(&db.path)?.secrets_location()?
    } else {
        secret::locate(&db.path)
    };
    Ok(AppInfo {
        version: crate::VERSION.to_string(),
        secrets,
        db_path: db.path.display().to_string(),
        db_path_source: db.source,
    })
}

impl AppInfo {
    /// The facts for the app's open store (the app takes no `--db` flag).
    pub fn for_store(store: &Store) -> Result<AppInfo, ApiError> {
        let location = paths::locate_db(Some(store.path()))?;
        Ok(AppInfo {
            version: crate::VERSION.to_string(),
            db_path: location.path.display().to_string(),
            db_path_source: paths::locate_db(None).map_or(DbPathSource::Flag, |l| l.source),
            secrets: store.secrets_location()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_path_is_reported_with_its_source_and_key_file() {
        let info = app_info(Some(Path::new("/tmp/ls-test/a.db"))).unwrap();
        assert_eq!(info.version, crate::VERSION);
        assert_eq!(info.db_path, "/tmp/ls-test/a.db");
        assert_eq!(info.db_path_source, DbPathSource::Flag);
        // Before the first secret the key file is named either way (the keyring may be off).
        match info.secrets {
            SecretsLocation::KeyFile { path, exists } => {
                assert_eq!(path, "/tmp/ls-test/a.db.key");
                assert!(!exists);
            }
            SecretsLocation::NotYetChosen { key_file } => {
                assert_eq!(key_file, "/tmp/ls-test/a.db.key")
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_uses_camel_case_field_names() {
        let info = app_info(Some(Path::new("/tmp/ls-test/a.db"))).unwrap();
        let value = serde_json::to_value(&info).unwrap();
        for key in ["version", "dbPath", "dbPathSource", "secrets"] {
            assert!(value.get(key).is_some(), "missing {key} in {value}");
        }
        assert_eq!(value["dbPathSource"], "flag");
    }
}
