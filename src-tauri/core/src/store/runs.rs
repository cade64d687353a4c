//! Run history: every device check run's report, so that two runs can be compared ("it
//! worked yesterday"). Reports never hold secrets, so they are stored as they are.

use super::devices::device_id;
use super::{project_id, Error, Result, Store};
use crate::report::Report;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RunSummary {
    /// Run ids stay far below 2^53, so the UI gets a plain number.
    #[ts(type = "number")]
    pub id: i64,
    pub device: String,
    pub started_at: String,
    pub pass: u32,
    pub warn: u32,
    pub fail: u32,
    pub skipped: u32,
}

impl Store {
    /// Keeps a device's report; returns the run's id.
    pub fn save_run(&mut self, project: &str, device: &str, report: &Report) -> Result<i64> {
        let project_id = project_id(&self.conn, project)?;
        let device_id = device_id(&self.conn, project_id, device)?;
        let json = serde_json::to_string(report).map_err(|e| Error::Corrupt(e.to_string()))?;
        let s = report.summary;
        self.conn.execute(
            "INSERT INTO runs (project_id, device_id, device_name, started_at, pass, warn, fail, skipped, report)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![project_id, device_id, device, report.started_at, s.pass, s.warn, s.fail, s.skipped, json],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The latest runs of a project, newest first.
    pub fn list_runs(&self, project: &str, limit: u32) -> Result<Vec<RunSummary>> {
        let project_id = project_id(&self.conn, project)?;
        let mut s = self.conn.prepare_cached(
            "SELECT id, device_name, started_at, pass, warn, fail, skipped FROM runs
             WHERE project_id = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = s.query_map(params![project_id, limit], |r| {
            Ok(RunSummary {
                id: r.get(0)?,
                device: r.get(1)?,
                started_at: r.get(2)?,
                pass: r.get(3)?,
                warn: r.get(4)?,
                fail: r.get(5)?,
                skipped: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One run's report.
    pub fn run_report(&self, id: i64) -> Result<Report> {
        let text: String = self
            .conn
            .query_row("SELECT report FROM runs WHERE id = ?1", [id], |r| r.get(0))
            .optional()?
            .ok_or_else(|| Error::NotFound {
                what: "run",
                name: id.to_string(),
            })?;
        serde_json::from_str(&text).map_err(|e| Error::Corrupt(format!("run {id}: {e}")))
    }
}
