//! Survey history: every site survey of a project, kept whole, so that two surveys of one
//! site can be compared after IT changed the firewall. Like run reports, survey documents
//! hold no secret (proxy passwords are masked before a survey is assembled).

use super::{project_id, Error, Result, Store};
use crate::report::survey::{Survey, SurveySummary};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

/// One stored survey as the history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SurveyRecord {
    /// Survey ids stay far below 2^53, so the UI gets a plain number.
    #[ts(type = "number")]
    pub id: i64,
    pub started_at: String,
    pub devices: u32,
    pub summary: SurveySummary,
}

impl Store {
    /// Keeps a survey of `survey.project`; returns its id.
    pub fn save_survey(&mut self, survey: &Survey) -> Result<i64> {
        let project_id = project_id(&self.conn, &survey.project)?;
        let json = serde_json::to_string(survey).map_err(|e| Error::Corrupt(e.to_string()))?;
        let s = survey.summary;
        self.conn.execute(
            "INSERT INTO surveys (project_id, started_at, devices, endpoints, reachable, blocked, failed, document)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                project_id,
                survey.started_at,
                survey.devices.len() as u32,
                s.endpoints,
                s.reachable,
                s.blocked,
                s.failed,
                json
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The latest surveys of a project, newest first.
    pub fn list_surveys(&self, project: &str, limit: u32) -> Result<Vec<SurveyRecord>> {
        let project_id = project_id(&self.conn, project)?;
        let mut s = self.conn.prepare_cached(
            "SELECT id, started_at, devices, endpoints, reachable, blocked, failed FROM surveys
             WHERE project_id = ?1 ORDER BY started_at DESC, id DESC LIMIT ?2",
        )?;
        let rows = s.query_map(params![project_id, limit], |r| {
            Ok(SurveyRecord {
                id: r.get(0)?,
                started_at: r.get(1)?,
                devices: r.get(2)?,
                summary: SurveySummary {
                    endpoints: r.get(3)?,
                    reachable: r.get(4)?,
                    blocked: r.get(5)?,
                    failed: r.get(6)?,
                },
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// One stored survey, whole.
    pub fn survey(&self, id: i64) -> Result<Survey> {
        let text: String = self
            .conn
            .query_row("SELECT document FROM surveys WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?
            .ok_or_else(|| Error::NotFound {
                what: "survey",
                name: id.to_string(),
            })?;
        serde_json::from_str(&text).map_err(|e| Error::Corrupt(format!("survey {id}: {e}")))
    }
}
