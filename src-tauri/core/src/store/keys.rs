//! Which master key a database uses, recorded in its `meta` table the first time a secret is
//! stored so that the app and the CLI always agree on it.
//!
//! Today the key lives in a 0600 key file beside the database. The OS keyring backend plugs
//! in here: the choice is recorded as `key_source` = `keyfile` | `keyring`, and a database
//! whose key is in the keyring will never silently switch to a new key file.

use super::{Error, Result};
use crate::secret::{key_file_for, MasterKey, SecretsLocation};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

const KEY_SOURCE: &str = "key_source";
const KEY_FILE: &str = "keyfile";

fn recorded(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM meta WHERE key = ?1", [KEY_SOURCE], |r| {
            r.get(0)
        })
        .optional()?)
}

pub fn location(conn: &Connection, db_path: &Path) -> Result<SecretsLocation> {
    match recorded(conn)?.as_deref() {
        None | Some(KEY_FILE) => {
            let path = key_file_for(db_path);
            Ok(SecretsLocation::KeyFile {
                exists: path.is_file(),
                path: path.display().to_string(),
            })
        }
        Some(other) => Err(Error::Corrupt(format!("unknown key source \"{other}\""))),
    }
}

pub fn load_or_create(conn: &Connection, db_path: &Path) -> Result<MasterKey> {
    let path = key_file_for(db_path);
    match recorded(conn)?.as_deref() {
        Some(KEY_FILE) => Ok(MasterKey::from_key_file(&path, false)?),
        None => {
            let key = MasterKey::from_key_file(&path, true)?;
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                [KEY_SOURCE, KEY_FILE],
            )?;
            Ok(key)
        }
        Some(other) => Err(Error::Corrupt(format!("unknown key source \"{other}\""))),
    }
}
