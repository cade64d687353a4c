//! Devices: which model they use and their variables.

use super::models::model_id;
use super::projects::exists_or;
use super::variables::{self, Owner};
use super::{check_name, project_id, Error, Result, Store};
use crate::model::Device;
use crate::model::Variables;
use crate::secret::MasterKey;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DeviceSummary {
    pub name: String,
    pub model: String,
}

pub(super) fn device_id(conn: &Connection, project: i64, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM devices WHERE project_id = ?1 AND name = ?2",
        params![project, name],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "device",
        name: name.into(),
    })
}

/// Escapes `%`, `_` and the escape character itself for a LIKE pattern.
fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Inserts devices into a project inside the caller's transaction.
pub(super) fn insert_devices(
    conn: &Connection,
    project: i64,
    devices: &[Device],
    key: Option<&MasterKey>,
) -> Result<()> {
    let mut insert = conn
        .prepare_cached("INSERT INTO devices (project_id, model_id, name) VALUES (?1, ?2, ?3)")?;
    for d in devices {
        check_name("device", &d.name)?;
        let model = model_id(conn, project, &d.model)?;
        insert
            .execute(params![project, model, d.name])
            .map_err(|e| exists_or(e, "device", &d.name))?;
        let id = conn.last_insert_rowid();
        variables::write(conn, Owner::Device(id), &d.variables, key)?;
    }
    Ok(())
}

impl Store {
    /// Adds devices to `project` in one transaction: all of them or none.
    pub fn create_devices(&mut self, project: &str, devices: &[Device]) -> Result<()> {
        let project = project_id(&self.conn, project)?;
        let key = self.key_for(devices.iter().flat_map(|d| d.variables.keys()))?;
        let tx = self.conn.transaction()?;
        insert_devices(&tx, project, devices, key.as_ref())?;
        tx.commit()?;
        Ok(())
    }

    pub fn create_device(&mut self, project: &str, device: &Device) -> Result<()> {
        self.create_devices(project, std::slice::from_ref(device))
    }

    /// Devices of a project in natural name order (`meter-2` before `meter-10`), optionally
    /// only those whose name contains `search` (case-insensitively for ASCII).
    pub fn list_devices(&self, project: &str, search: Option<&str>) -> Result<Vec<DeviceSummary>> {
        let project = project_id(&self.conn, project)?;
        let pattern = like_pattern(search.unwrap_or(""));
        let mut s = self.conn.prepare_cached(
            "SELECT d.name, m.name FROM devices d JOIN models m ON m.id = d.model_id
             WHERE d.project_id = ?1 AND d.name LIKE ?2 ESCAPE '\\'",
        )?;
        let rows = s.query_map(params![project, pattern], |r| {
            Ok(DeviceSummary {
                name: r.get(0)?,
                model: r.get(1)?,
            })
        })?;
        let mut devices: Vec<DeviceSummary> = rows.collect::<rusqlite::Result<_>>()?;
        devices.sort_by(|a, b| crate::text::natural_cmp(&a.name, &b.name));
        Ok(devices)
    }

    /// A device with its variables, secrets opened.
    pub fn device(&mut self, project: &str, name: &str) -> Result<Device> {
        let project = project_id(&self.conn, project)?;
        let id = device_id(&self.conn, project, name)?;
        let model: String = self.conn.query_row(
            "SELECT m.name FROM devices d JOIN models m ON m.id = d.model_id WHERE d.id = ?1",
            [id],
            |r| r.get(0),
        )?;
        Ok(Device {
            name: name.into(),
            model,
            variables: self.read_variables(Owner::Device(id))?,
        })
    }

    pub fn set_device_variables(
        &mut self,
        project: &str,
        name: &str,
        set: &Variables,
        unset: &[String],
    ) -> Result<()> {
        let project = project_id(&self.conn, project)?;
        let id = device_id(&self.conn, project, name)?;
        let key = self.key_for(set.keys())?;
        let tx = self.conn.transaction()?;
        variables::write(&tx, Owner::Device(id), set, key.as_ref())?;
        variables::remove(&tx, Owner::Device(id), unset)?;
        tx.commit()?;
        Ok(())
    }

    pub fn delete_device(&mut self, project: &str, name: &str) -> Result<()> {
        let project = project_id(&self.conn, project)?;
        let id = device_id(&self.conn, project, name)?;
        self.conn
            .execute("DELETE FROM devices WHERE id = ?1", [id])?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(super::like_pattern("a_b%c\\"), "%a\\_b\\%c\\\\%");
        assert_eq!(super::like_pattern(""), "%%");
    }
}
