//! Which master key a database uses, recorded in its `meta` table the first time a secret is
//! stored so that the app and the CLI always agree on it.
//!
//! The first secret chooses: the OS keyring when the policy allows it and the keyring
//! answers, else a 0600 key file beside the database. After that the choice is fixed — a
//! database whose key is in the keyring never silently starts a new key file (its secrets
//! would be lost), and says so when the keyring does not answer.
//!
//! Two processes may store their first secret at the same moment (two windows, a script
//! creating devices in parallel): the key is created inside one `BEGIN IMMEDIATE`
//! transaction that re-reads `meta`, so the second waits for the first and then uses the
//! key the first recorded, and the key file itself is published without ever replacing
//! one ([`MasterKey::from_key_file`]).

use super::{Error, Result};
use crate::secret::{self, key_file_for, keyring, MasterKey, SecretsLocation, KEYRING_SERVICE};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use std::path::Path;

const KEY_SOURCE: &str = "key_source";
/// The keyring account of the database's key (absent in databases that used their path).
const KEYRING_ACCOUNT: &str = "keyring_account";
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

fn meta(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
        .optional()?)
}

fn recorded(conn: &Connection) -> Result<Option<String>> {
    meta(conn, KEY_SOURCE)
}

fn record(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
        [key, value],
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

/// The database's master key: the recorded one, or — for the first secret — a new one,
/// created and recorded in one IMMEDIATE transaction so that concurrent first secrets agree.
pub fn load_or_create(
    conn: &mut Connection,
    db_path: &Path,
    policy: KeyPolicy,
) -> Result<MasterKey> {
    if let Some(source) = recorded(conn)? {
        return load(conn, db_path, &source);
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have made the key while this one waited for the lock.
    if let Some(source) = recorded(&tx)? {
        return load(&tx, db_path, &source);
    }
    let path = key_file_for(db_path);
    // A key file made earlier (by a version before this record existed) keeps its key.
    let key = if policy == KeyPolicy::KeyringThenFile && !path.is_file() {
        match in_keyring(&tx)? {
            Some(key) => key,
            None => in_key_file(&tx, &path)?,
        }
    } else {
        in_key_file(&tx, &path)?
    };
    tx.commit()?;
    Ok(key)
}

/// A new key in the OS keyring under a fresh account, recorded; `None` when the keyring
/// does not take it.
fn in_keyring(tx: &Connection) -> Result<Option<MasterKey>> {
    let Ok(account) = keyring::new_account() else {
        return Ok(None);
    };
    let key = MasterKey::generate()?;
    if keyring::store(&account, &key).is_err() {
        return Ok(None);
    }
    record(tx, KEYRING_ACCOUNT, &account)?;
    record(tx, KEY_SOURCE, KEYRING)?;
    Ok(Some(key))
}

/// The key file's key (made now unless it exists), recorded.
fn in_key_file(tx: &Connection, path: &Path) -> Result<MasterKey> {
    let key = MasterKey::from_key_file(path, true)?;
    record(tx, KEY_SOURCE, KEY_FILE)?;
    Ok(key)
}

fn load(conn: &Connection, db_path: &Path, source: &str) -> Result<MasterKey> {
    match source {
        KEY_FILE => Ok(MasterKey::from_key_file(&key_file_for(db_path), false)?),
        KEYRING => {
            let account =
                meta(conn, KEYRING_ACCOUNT)?.unwrap_or_else(|| keyring::legacy_account(db_path));
            match keyring::load(&account) {
                Ok(Some(bytes)) => {
                    MasterKey::from_bytes(&bytes).ok_or(secret::Error::KeyringEntryDamaged.into())
                }
                Ok(None) => Err(secret::Error::KeyringEntryMissing(account).into()),
                Err(keyring::Unavailable(why)) => {
                    Err(secret::Error::KeyringUnavailable(why).into())
                }
            }
        }
        other => Err(Error::Corrupt(format!("unknown key source \"{other}\""))),
    }
}
