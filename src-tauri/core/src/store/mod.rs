//! The local SQLite store (DESIGN.md §5): one file per user, WAL, foreign keys on, numbered
//! migrations, and every multi-row change in one transaction, so an import is all or nothing.
//!
//! Secrets never reach the file in plain text: catalogued secret variables and secret-typed
//! literal values in template bodies are sealed with the database's master key
//! ([`crate::secret`]). The key is looked up lazily, on the first secret read or written, so
//! opening a store never blocks on a keyring.

mod devices;
mod keys;
mod migrations;
mod models;
pub mod paths;
mod projects;
mod runs;
mod surveys;
mod variables;

pub use devices::DeviceSummary;
pub use keys::KeyPolicy;
pub use migrations::{latest as latest_schema_version, MIGRATIONS};
pub use models::ModelSummary;
pub use projects::ProjectSummary;
pub use runs::RunSummary;
pub use surveys::SurveyRecord;

use crate::model::{Device, Model, Project};
use crate::secret::{self, MasterKey, SecretsLocation};
use crate::{ApiError, ErrorCode};
use rusqlite::{Connection, OpenFlags, OptionalExtension, TransactionBehavior};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot open the database {path}: {source}")]
    Open {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create the folder for the database {path}: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the database is at schema version {found}, newer than this Loop Studio understands ({supported}); update Loop Studio")]
    TooNew { found: u32, supported: u32 },
    #[error("migration {version} failed: {source}")]
    Migration {
        version: u32,
        source: rusqlite::Error,
    },
    #[error("no {what} named \"{name}\"")]
    NotFound { what: &'static str, name: String },
    #[error("a {what} named \"{name}\" already exists")]
    Exists { what: &'static str, name: String },
    #[error(
        "model \"{model}\" is used by {devices} device(s); delete them first or force the deletion"
    )]
    InUse { model: String, devices: usize },
    #[error("invalid {what} name \"{name}\": {reason}")]
    InvalidName {
        what: &'static str,
        name: String,
        reason: &'static str,
    },
    #[error("{name}: {reason}")]
    InvalidValue { name: String, reason: String },
    #[error("stored data is damaged ({0})")]
    Corrupt(String),
    #[error(transparent)]
    Secret(#[from] secret::Error),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let code = match &err {
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Exists { .. } | Error::InUse { .. } => ErrorCode::Conflict,
            Error::InvalidName { .. } | Error::InvalidValue { .. } => ErrorCode::InputInvalid,
            Error::Secret(_) => ErrorCode::Secret,
            Error::CreateDir { .. } => ErrorCode::Io,
            _ => ErrorCode::Storage,
        };
        ApiError::new(code, err.to_string())
    }
}

/// How long a statement waits for another process's write lock before it gives up.
const BUSY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(15);

/// An open database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    key: Option<MasterKey>,
    key_policy: KeyPolicy,
}

/// Switches to WAL, waiting for other writers as a busy timeout would. SQLite answers BUSY
/// to a journal-mode change at once, without calling the busy handler, while another
/// process writes (two `loopcheck project create-sample` at once on a fresh database
/// showed it): retry until the same deadline.
fn wal_mode(conn: &Connection) -> rusqlite::Result<()> {
    let deadline = std::time::Instant::now() + BUSY_TIMEOUT;
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                ) && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            done => return done,
        }
    }
}

impl Store {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date;
    /// new master keys go where the environment says ([`KeyPolicy::from_env`]).
    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, KeyPolicy::from_env())
    }

    /// [`Store::open`] with an explicit policy for where a new master key goes.
    pub fn open_with(path: &Path, key_policy: KeyPolicy) -> Result<Store> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| Error::CreateDir {
                path: dir.into(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let open_err = |source| Error::Open {
            path: path.into(),
            source,
        };
        let mut conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        // Another process (the app and the CLI, two CLIs) may be writing: wait for it
        // rather than fail, and take the write lock at BEGIN so that a transaction never
        // fails half-way because another writer went first.
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_err)?;
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        // A database newer than this build is refused before anything is changed — even
        // the journal mode.
        let found = migrations::current(&conn)?;
        if found > migrations::latest() {
            return Err(Error::TooNew {
                found,
                supported: migrations::latest(),
            });
        }
        wal_mode(&conn).map_err(open_err)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(open_err)?;
        migrations::migrate(&mut conn)?;
        Ok(Store {
            conn,
            path: path.into(),
            key: None,
            key_policy,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version the database is at.
    pub fn schema_version(&self) -> Result<u32> {
        migrations::current(&self.conn)
    }

    /// Where this database's master key is (or, before the first secret, will be) kept.
    pub fn secrets_location(&self) -> Result<SecretsLocation> {
        keys::location(&self.conn, &self.path, self.key_policy)
    }

    /// `PRAGMA integrity_check` passes.
    pub fn integrity_ok(&self) -> Result<bool> {
        let verdict: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(verdict == "ok")
    }

    /// Creates a project with its models and devices in one transaction: an import is all
    /// or nothing, whatever fails or however the process dies part-way.
    pub fn import_project(
        &mut self,
        project: &Project,
        models: &[Model],
        devices: &[Device],
    ) -> Result<()> {
        let needs_key = project
            .variables
            .keys()
            .chain(devices.iter().flat_map(|d| d.variables.keys()))
            .any(|n| variables::is_secret(n));
        let key = match (needs_key, self.key_for_models(models)?) {
            (_, Some(key)) => Some(key),
            (true, None) => Some(self.master_key()?),
            (false, None) => None,
        };
        let tx = self.conn.transaction()?;
        let id = projects::insert_project(&tx, project, key.as_ref())?;
        models::insert_models(&tx, id, models, key.as_ref())?;
        devices::insert_devices(&tx, id, devices, key.as_ref())?;
        tx.commit()?;
        Ok(())
    }

    /// The master key, loaded (or created and recorded) on first use.
    fn master_key(&mut self) -> Result<MasterKey> {
        if let Some(key) = &self.key {
            return Ok(key.clone());
        }
        let key = keys::load_or_create(&mut self.conn, &self.path, self.key_policy)?;
        self.key = Some(key.clone());
        Ok(key)
    }
}

/// Names are what people type on the command line: non-empty, no surrounding spaces, no
/// control characters, at most 200 characters.
fn check_name(what: &'static str, name: &str) -> Result<()> {
    let reason = if name.is_empty() {
        Some("it is empty")
    } else if name.trim() != name {
        Some("it starts or ends with a space")
    } else if name.chars().any(char::is_control) {
        Some("it contains a control character")
    } else if name.chars().count() > 200 {
        Some("it is longer than 200 characters")
    } else {
        None
    };
    match reason {
        Some(reason) => Err(Error::InvalidName {
            what,
            name: name.chars().take(60).collect(),
            reason,
        }),
        None => Ok(()),
    }
}

fn project_id(conn: &Connection, name: &str) -> Result<i64> {
    conn.query_row("SELECT id FROM projects WHERE name = ?1", [name], |r| {
        r.get(0)
    })
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "project",
        name: name.into(),
    })
}

#[cfg(test)]
mod secret_tests;
#[cfg(test)]
mod survey_tests;
#[cfg(test)]
mod tests;
