//! Where Loop Studio keeps its files, decided the same way by the app and the CLI.
//!
//! The database path comes from `--db`, else `LOOPSTUDIO_DB`, else `loopstudio.db` in the
//! app-data folder of the Tauri identifier (DESIGN.md §7). The CLI cannot ask Tauri for that
//! folder, so both compute it here from the platform's data directory, which is what Tauri's
//! `app_data_dir()` uses too.

use crate::{ApiError, ErrorCode};
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use ts_rs::TS;

/// The Tauri bundle identifier; also the name of the app-data folder.
pub const APP_IDENTIFIER: &str = "dev.loopstudio.desktop";
/// The database file's name inside the app-data folder.
pub const DB_FILE_NAME: &str = "loopstudio.db";
/// Environment variable that overrides the database path.
pub const DB_ENV: &str = "LOOPSTUDIO_DB";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    #[error("cannot find a folder for Loop Studio's data: neither XDG_DATA_HOME nor HOME is set; pass --db PATH or set {DB_ENV}")]
    NoDataDir,
    #[error("{DB_ENV} is set but empty; unset it or give it a file path")]
    EmptyEnv,
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError::new(ErrorCode::InputInvalid, err.to_string())
    }
}

/// Which rule chose the database path; shown beside it so nobody wonders why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum DbPathSource {
    /// The `--db` flag.
    Flag,
    /// The `LOOPSTUDIO_DB` environment variable.
    Environment,
    /// The app-data folder of this OS user.
    Default,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbLocation {
    pub path: PathBuf,
    pub source: DbPathSource,
}

/// The app-data folder of this OS user (`$XDG_DATA_HOME/dev.loopstudio.desktop` on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(APP_IDENTIFIER))
}

/// Resolves the database path from the process's flag, environment and data folder.
pub fn locate_db(flag: Option<&Path>) -> Result<DbLocation> {
    resolve_db(flag, std::env::var_os(DB_ENV), default_data_dir())
}

/// The pure rule behind [`locate_db`], with its inputs passed in so it can be tested.
pub fn resolve_db(
    flag: Option<&Path>,
    env: Option<OsString>,
    data_dir: Option<PathBuf>,
) -> Result<DbLocation> {
    if let Some(path) = flag {
        return Ok(DbLocation {
            path: path.to_path_buf(),
            source: DbPathSource::Flag,
        });
    }
    if let Some(value) = env {
        if value.is_empty() {
            return Err(Error::EmptyEnv);
        }
        return Ok(DbLocation {
            path: PathBuf::from(value),
            source: DbPathSource::Environment,
        });
    }
    let dir = data_dir.ok_or(Error::NoDataDir)?;
    Ok(DbLocation {
        path: dir.join(DB_FILE_NAME),
        source: DbPathSource::Default,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_beats_environment_and_default() {
        let got = resolve_db(
            Some(Path::new("/tmp/flag.db")),
            Some("/tmp/env.db".into()),
            Some("/data".into()),
        )
        .unwrap();
        assert_eq!(got.path, PathBuf::from("/tmp/flag.db"));
        assert_eq!(got.source, DbPathSource::Flag);
    }

    #[test]
    fn environment_beats_default() {
        let got = resolve_db(None, Some("/tmp/env.db".into()), Some("/data".into())).unwrap();
        assert_eq!(got.path, PathBuf::from("/tmp/env.db"));
        assert_eq!(got.source, DbPathSource::Environment);
    }

    #[test]
    fn default_is_the_db_file_in_the_data_dir() {
        let got = resolve_db(None, None, Some("/data/dev.loopstudio.desktop".into())).unwrap();
        assert_eq!(
            got.path,
            PathBuf::from("/data/dev.loopstudio.desktop/loopstudio.db")
        );
        assert_eq!(got.source, DbPathSource::Default);
    }

    #[test]
    fn empty_environment_value_is_an_error_not_the_current_dir() {
        assert_eq!(
            resolve_db(None, Some(OsString::new()), Some("/d".into())),
            Err(Error::EmptyEnv)
        );
    }

    #[test]
    fn no_data_dir_is_a_clear_error() {
        let err = resolve_db(None, None, None).unwrap_err();
        assert_eq!(err, Error::NoDataDir);
        assert!(err.to_string().contains("--db"));
    }

    #[test]
    fn data_dir_ends_with_the_tauri_identifier() {
        if let Some(dir) = default_data_dir() {
            assert!(dir.ends_with(APP_IDENTIFIER));
        }
    }
}
