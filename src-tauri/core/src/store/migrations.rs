//! Numbered SQL migrations, embedded at compile time and applied in order, each in its own
//! transaction together with the `user_version` bump that records it. A database newer than
//! this build is refused rather than written to.

use super::{Error, Result};
use rusqlite::{Connection, TransactionBehavior};

/// `(version, sql)`; versions start at 1 and have no gaps (checked by a test).
pub const MIGRATIONS: &[(u32, &str)] = &[
    (1, include_str!("migrations/0001_initial.sql")),
    (2, include_str!("migrations/0002_surveys.sql")),
];

pub fn latest() -> u32 {
    MIGRATIONS.last().map_or(0, |(v, _)| *v)
}

pub fn current(conn: &Connection) -> Result<u32> {
    Ok(conn.query_row("PRAGMA user_version", [], |row| row.get(0))?)
}

/// Brings the database to the latest version; returns the versions applied. Each migration
/// runs in an IMMEDIATE transaction that re-reads `user_version` first: two processes
/// opening a fresh database at once apply each migration exactly once between them.
pub fn migrate(conn: &mut Connection) -> Result<Vec<u32>> {
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        if current(conn)? >= *version {
            continue;
        }
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let now = current(&tx)?;
        if now > latest() {
            return Err(Error::TooNew {
                found: now,
                supported: latest(),
            });
        }
        if now >= *version {
            continue; // another process applied it while this one waited
        }
        tx.execute_batch(sql).map_err(|source| Error::Migration {
            version: *version,
            source,
        })?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        applied.push(*version);
    }
    Ok(applied)
}
