//! Projects and their variables.

use super::variables::{self, Owner};
use super::{check_name, project_id, Error, Result, Store};
use crate::model::Project;
use crate::model::Variables;
use crate::secret::MasterKey;
use rusqlite::{params, Connection, ErrorCode as SqliteCode};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProjectSummary {
    pub name: String,
    pub description: String,
    pub models: u32,
    pub devices: u32,
}

/// Maps a UNIQUE violation to "already exists"; other errors pass through.
pub(super) fn exists_or(err: rusqlite::Error, what: &'static str, name: &str) -> Error {
    match err.sqlite_error_code() {
        Some(SqliteCode::ConstraintViolation) => Error::Exists {
            what,
            name: name.into(),
        },
        _ => Error::Sqlite(err),
    }
}

/// Inserts a project and its variables inside the caller's transaction; returns its id.
pub(super) fn insert_project(
    conn: &Connection,
    project: &Project,
    key: Option<&MasterKey>,
) -> Result<i64> {
    check_name("project", &project.name)?;
    conn.execute(
        "INSERT INTO projects (name, description) VALUES (?1, ?2)",
        params![project.name, project.description],
    )
    .map_err(|e| exists_or(e, "project", &project.name))?;
    let id = conn.last_insert_rowid();
    variables::write(conn, Owner::Project(id), &project.variables, key)?;
    Ok(id)
}

impl Store {
    pub fn create_project(&mut self, project: &Project) -> Result<()> {
        let key = self.key_for(project.variables.keys())?;
        let tx = self.conn.transaction()?;
        insert_project(&tx, project, key.as_ref())?;
        tx.commit()?;
        Ok(())
    }

    pub fn list_projects(&self) -> Result<Vec<ProjectSummary>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT p.name, p.description,
                    (SELECT count(*) FROM models m WHERE m.project_id = p.id),
                    (SELECT count(*) FROM devices d WHERE d.project_id = p.id)
             FROM projects p ORDER BY p.name",
        )?;
        let rows = statement.query_map([], |r| {
            Ok(ProjectSummary {
                name: r.get(0)?,
                description: r.get(1)?,
                models: r.get(2)?,
                devices: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A project with its variables, secrets opened.
    pub fn project(&mut self, name: &str) -> Result<Project> {
        let id = project_id(&self.conn, name)?;
        let description: String = self.conn.query_row(
            "SELECT description FROM projects WHERE id = ?1",
            [id],
            |r| r.get(0),
        )?;
        Ok(Project {
            name: name.into(),
            description,
            variables: self.read_variables(Owner::Project(id))?,
        })
    }

    /// Sets (adds or replaces) project variables and removes `unset` ones, in one transaction.
    pub fn set_project_variables(
        &mut self,
        name: &str,
        set: &Variables,
        unset: &[String],
    ) -> Result<()> {
        let id = project_id(&self.conn, name)?;
        let key = self.key_for(set.keys())?;
        let tx = self.conn.transaction()?;
        variables::write(&tx, Owner::Project(id), set, key.as_ref())?;
        variables::remove(&tx, Owner::Project(id), unset)?;
        tx.execute(
            "UPDATE projects SET updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
            [id],
        )?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes a project with everything in it.
    pub fn delete_project(&mut self, name: &str) -> Result<()> {
        let id = project_id(&self.conn, name)?;
        let tx = self.conn.transaction()?;
        // Devices first: models refuse deletion while devices use them.
        tx.execute("DELETE FROM devices WHERE project_id = ?1", [id])?;
        tx.execute("DELETE FROM projects WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}
