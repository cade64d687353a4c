//! Which master key a database uses, recorded in its `meta` table the first time a secret is
//! stored so that the app and the CLI always agree on it.
//!
//! The first secret chooses: the OS keyring when the policy allows it and the keyring
//! answers, else a 0600 key file beside the database. After that the choice is fixed — a
//! database whose key is in the keyring never silently starts a new key file (its secrets
//! would be lost), and says so when the keyring does not answer.

use super::{Error, Result};
use crate::secret::{self, key_file_for, keyring, MasterKey, SecretsLocation, KEYRING_SERVICE};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

const KEY_SOURCE: &str = "key_source";
const KEY_FILE: &str = "keyfile";
const KEYRING: &str = "keyring";

/// Where a store may keep a new master key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyPolicy {
    /// The OS keyring when it answers, else the key file (the default).
    KeyringThenFile,
    /// Only the key file (`LOOPSTUDIO_KEYRING=off`; tests).
    KeyFileOnly,
}

impl KeyPolicy {
    /// The policy the environment asks for.
    pub fn from_env() -> KeyPolicy {
        if keyring::allowed() {
            KeyPolicy::KeyringThenFile
        } else {
            KeyPolicy::KeyFileOnly
        }
    }
}

fn recorded(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [KEY_SOURCE], |r| {
            r.get(0)
        })
        .optional()?)
}

fn record(conn: &Connection, source: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        [KEY_SOURCE, source],
    )?;
    Ok(())
}

fn key_file_location(db_path: &Path) -> SecretsLocation {
    let path = key_file_for(db_path);
    SecretsLocation::KeyFile {
        exists: path.is_file(),
        path: path.display().to_string(),
    }
}

pub fn location(conn: &Connection, db_path: &Path, policy: KeyPolicy) -> Result<SecretsLocation> {
    match recorded(conn)?.as_deref() {
        Some(KEY_FILE) => Ok(key_file_location(db_path)),
        Some(KEYRING) => Ok(SecretsLocation::Keyring {
            service: KEYRING_SERVICE.into(),
        }),
        None if policy == KeyPolicy::KeyringThenFile && !key_file_for(db_path).is_file() => {
            Ok(SecretsLocation::NotYetChosen {
                key_file: key_file_for(db_path).display().to_string(),
            })
        }
        None => Ok(key_file_location(db_path)),
        Some(other) => Err(Error::Corrupt(format!("unknown key source \"{other}\""))),
    }
}

pub fn load_or_create(conn: &Connection, db_path: &Path, policy: KeyPolicy) -> Result<MasterKey> {
    let path = key_file_for(db_path);
    match recorded(conn)?.as_deref() {
        Some(KEY_FILE) => Ok(MasterKey::from_key_file(&path, false)?),
        Some(KEYRING) => match keyring::load(db_path) {
            Ok(Some(bytes)) => {
                MasterKey::from_bytes(&bytes).ok_or(secret::Error::KeyringEntryDamaged.into())
            }
            Ok(None) => Err(secret::Error::KeyringEntryMissing(keyring::account(db_path)).into()),
            Err(keyring::Unavailable(why)) => Err(secret::Error::KeyringUnavailable(why).into()),
        },
        // A key file made earlier (by a version before this record existed) keeps its key.
        None if policy == KeyPolicy::KeyringThenFile && !path.is_file() => {
            let key = MasterKey::generate()?;
            if keyring::store(db_path, &key).is_ok() {
                record(conn, KEYRING)?;
                return Ok(key);
            }
            let key = MasterKey::from_key_file(&path, true)?;
            record(conn, KEY_FILE)?;
            Ok(key)
        }
        None => {
            let key = MasterKey::from_key_file(&path, true)?;
            record(conn, KEY_FILE)?;
            Ok(key)
        }
        Some(other) => Err(Error::Corrupt(format!("unknown key source \"{other}\""))),
    }
}
