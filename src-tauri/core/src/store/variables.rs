//! Reading and writing variables for a project or a device. A catalogued secret
//! (`MQTT_PASSWORD`, the PSKs, the OTA key and passphrase) is sealed; everything else is
//! stored as text so that it stays searchable and diffable.

use super::{Error, Result, Store};
use crate::catalog::canonical_placeholder;
use crate::model::Variables;
use crate::model::DEVICE_TOKEN;
use crate::secret::MasterKey;
use rusqlite::{params, Connection};

/// The two variable tables and the column that names their owner.
#[derive(Debug, Clone, Copy)]
pub enum Owner {
    Project(i64),
    Device(i64),
}

impl Owner {
    fn table_and_column(self) -> (&'static str, &'static str, i64) {
        match self {
            Owner::Project(id) => ("project_variables", "project_id", id),
            Owner::Device(id) => ("device_variables", "device_id", id),
        }
    }
}

/// A catalogued variable's value must fit its type (a port is 1–65535, PEM parses, …);
/// a project pattern containing `{device}` is checked once expanded, not here.
fn check_value(name: &str, value: &str) -> Result<()> {
    let Some(spec) = canonical_placeholder(name) else {
        return Ok(());
    };
    if value.contains(DEVICE_TOKEN) {
        return Ok(());
    }
    match crate::catalog::value_problem(spec.value_type, value) {
        // A secret's value is never quoted, not even one character of it.
        Some(reason) => Err(Error::InvalidValue {
            name: name.to_string(),
            reason: if spec.secret {
                reason.split(':').next().unwrap_or_default().to_string()
            } else {
                reason
            },
        }),
        None => Ok(()),
    }
}

pub fn is_secret(name: &str) -> bool {
    canonical_placeholder(name).is_some_and(|p| p.secret)
}

/// Upserts `vars` for `owner` inside the caller's transaction. `key` must be given when
/// any of `vars` is a secret (see [`Store::key_for`]).
pub(super) fn write(
    conn: &Connection,
    owner: Owner,
    vars: &Variables,
    key: Option<&MasterKey>,
) -> Result<()> {
    let (table, column, id) = owner.table_and_column();
    let sql = format!(
        "INSERT INTO {table} ({column}, name, value, sealed) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT ({column}, name) DO UPDATE SET value = excluded.value, sealed = excluded.sealed"
    );
    let mut statement = conn.prepare_cached(&sql)?;
    for (name, value) in vars {
        check_value(name, value)?;
        if is_secret(name) {
            let key =
                key.ok_or_else(|| Error::Corrupt("a secret was written without the key".into()))?;
            let sealed = key.seal(name, value.as_bytes())?;
            statement.execute(params![id, name, None::<String>, sealed])?;
        } else {
            statement.execute(params![id, name, value, None::<Vec<u8>>])?;
        }
    }
    Ok(())
}

/// Removes the named variables of `owner`; unknown names are ignored.
pub(super) fn remove(conn: &Connection, owner: Owner, names: &[String]) -> Result<()> {
    let (table, column, id) = owner.table_and_column();
    let sql = format!("DELETE FROM {table} WHERE {column} = ?1 AND name = ?2");
    let mut statement = conn.prepare_cached(&sql)?;
    for name in names {
        statement.execute(params![id, name])?;
    }
    Ok(())
}

impl Store {
    /// The master key when any of `names` is a secret, so that it is loaded before a
    /// transaction starts.
    pub(super) fn key_for<'a>(
        &mut self,
        mut names: impl Iterator<Item = &'a String>,
    ) -> Result<Option<MasterKey>> {
        if names.any(|n| is_secret(n)) {
            Ok(Some(self.master_key()?))
        } else {
            Ok(None)
        }
    }

    /// All variables of `owner`, secrets opened.
    pub(super) fn read_variables(&mut self, owner: Owner) -> Result<Variables> {
        let (table, column, id) = owner.table_and_column();
        let rows: Vec<(String, Option<String>, Option<Vec<u8>>)> = {
            let sql = format!("SELECT name, value, sealed FROM {table} WHERE {column} = ?1");
            let mut statement = self.conn.prepare_cached(&sql)?;
            let mapped = statement.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            mapped.collect::<rusqlite::Result<_>>()?
        };
        let mut vars = Variables::new();
        for (name, value, sealed) in rows {
            let value = match (value, sealed) {
                (Some(value), _) => value,
                (None, Some(sealed)) => self.master_key()?.open_text(&name, &sealed)?,
                (None, None) => String::new(),
            };
            vars.insert(name, value);
        }
        Ok(vars)
    }
}
