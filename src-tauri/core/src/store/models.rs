//! Models: their ordered templates and data blocks, saved and loaded as a whole.
//!
//! A secret-typed field (`mqttPassword`, the PSKs, `otaPrivateKey`) that holds a value of
//! its own rather than only placeholders — text, text mixed with a placeholder, a number, a
//! boolean ([`crate::template::holds_literal`]) — or a URL with a password in it
//! ([`crate::catalog::FieldSpec::holds_secret`]) is stored sealed in the body JSON: a string
//! as `{"$sealed": "<base64>"}`, any other JSON value as `{"$sealedJson": "<base64>"}` (its
//! JSON text sealed), so it reads back with its type.

use super::projects::exists_or;
use super::{check_name, project_id, Error, Result, Store};
use crate::catalog::TemplateKind;
use crate::model::{DataBlock, JsonObject, Model, TemplateInstance};
use crate::secret::MasterKey;
use base64::Engine;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;

const SEALED: &str = "$sealed";
const SEALED_JSON: &str = "$sealedJson";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ModelSummary {
    pub name: String,
    pub description: String,
    pub kinds: Vec<TemplateKind>,
    pub data_blocks: u32,
    pub devices: u32,
}

/// The secret fields of `body` that hold a value of their own, which must be sealed.
fn literal_secrets(
    kind: TemplateKind,
    body: &JsonObject,
) -> impl Iterator<Item = (&String, &Value)> {
    body.iter().filter(move |(k, v)| {
        kind.field_ignoring_case(k)
            .is_some_and(|f| f.holds_secret(v))
    })
}

fn sealing_name(kind: TemplateKind, key: &str) -> String {
    format!("{kind}.{key}")
}

fn seal_body(kind: TemplateKind, body: &JsonObject, key: Option<&MasterKey>) -> Result<String> {
    let mut stored = body.clone();
    for (field, value) in literal_secrets(kind, body) {
        let key =
            key.ok_or_else(|| Error::Corrupt("a secret was written without the key".into()))?;
        let (marker, plain) = match value {
            Value::String(text) => (SEALED, text.clone()),
            other => (SEALED_JSON, other.to_string()),
        };
        let plain = zeroize::Zeroizing::new(plain);
        let sealed = key.seal(&sealing_name(kind, field), plain.as_bytes())?;
        let encoded = base64::engine::general_purpose::STANDARD.encode(sealed);
        stored.insert(field.clone(), serde_json::json!({ marker: encoded }));
    }
    serde_json::to_string(&stored).map_err(|e| Error::Corrupt(e.to_string()))
}

fn open_body(kind: TemplateKind, text: &str, key: Option<&MasterKey>) -> Result<JsonObject> {
    let mut body: JsonObject =
        serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("template body: {e}")))?;
    for (field, value) in body.iter_mut() {
        let (encoded, as_json) = match (
            value.get(SEALED).and_then(Value::as_str),
            value.get(SEALED_JSON).and_then(Value::as_str),
        ) {
            (Some(e), _) => (e.to_string(), false),
            (None, Some(e)) => (e.to_string(), true),
            (None, None) => continue,
        };
        let key = key.ok_or_else(|| Error::Corrupt("sealed value without a key".into()))?;
        let sealed = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map_err(|e| Error::Corrupt(format!("sealed value of {field}: {e}")))?;
        let plain = key.open_text(&sealing_name(kind, field), &sealed)?;
        *value = if as_json {
            serde_json::from_str(&plain)
                .map_err(|_| Error::Corrupt(format!("sealed value of {field} is not JSON")))?
        } else {
            Value::String(plain)
        };
    }
    Ok(body)
}

pub(super) fn model_id(conn: &Connection, project: i64, name: &str) -> Result<i64> {
    conn.query_row(
        "SELECT id FROM models WHERE project_id = ?1 AND name = ?2",
        params![project, name],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        what: "model",
        name: name.into(),
    })
}

fn write_parts(tx: &Transaction<'_>, model: i64, m: &Model, key: Option<&MasterKey>) -> Result<()> {
    tx.execute("DELETE FROM templates WHERE model_id = ?1", [model])?;
    tx.execute("DELETE FROM data_blocks WHERE model_id = ?1", [model])?;
    let mut insert_template = tx.prepare_cached(
        "INSERT INTO templates (model_id, position, kind, body) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, t) in m.templates.iter().enumerate() {
        let body = seal_body(t.kind, &t.body, key)?;
        insert_template.execute(params![model, position as i64, t.kind.name(), body])?;
    }
    let mut insert_block = tx.prepare_cached(
        "INSERT INTO data_blocks (model_id, position, name, body) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (position, b) in m.data_blocks.iter().enumerate() {
        check_name("data block", &b.name)?;
        let body = serde_json::to_string(&b.body).map_err(|e| Error::Corrupt(e.to_string()))?;
        insert_block
            .execute(params![model, position as i64, b.name, body])
            .map_err(|e| exists_or(e, "data block", &b.name))?;
    }
    Ok(())
}

/// Inserts models into a project inside the caller's transaction.
pub(super) fn insert_models(
    tx: &Transaction<'_>,
    project: i64,
    models: &[Model],
    key: Option<&MasterKey>,
) -> Result<()> {
    for m in models {
        check_name("model", &m.name)?;
        tx.execute(
            "INSERT INTO models (project_id, name, description) VALUES (?1, ?2, ?3)",
            params![project, m.name, m.description],
        )
        .map_err(|e| exists_or(e, "model", &m.name))?;
        let id = tx.last_insert_rowid();
        write_parts(tx, id, m, key)?;
    }
    Ok(())
}

impl Store {
    /// The master key when any of `models` holds a literal secret.
    pub(super) fn key_for_models(&mut self, models: &[Model]) -> Result<Option<MasterKey>> {
        let needs = models
            .iter()
            .flat_map(|m| &m.templates)
            .any(|t| literal_secrets(t.kind, &t.body).next().is_some());
        if needs {
            Ok(Some(self.master_key()?))
        } else {
            Ok(None)
        }
    }

    /// Stores a new model in `project`, all or nothing.
    pub fn create_model(&mut self, project: &str, model: &Model) -> Result<()> {
        self.create_models(project, std::slice::from_ref(model))
    }

    /// Stores several new models in one transaction: either all of them land or none.
    pub fn create_models(&mut self, project: &str, models: &[Model]) -> Result<()> {
        let project = project_id(&self.conn, project)?;
        let key = self.key_for_models(models)?;
        let tx = self.conn.transaction()?;
        insert_models(&tx, project, models, key.as_ref())?;
        tx.commit()?;
        Ok(())
    }

    /// Replaces the model called `name` with `model` (which may carry a new name).
    pub fn save_model(&mut self, project: &str, name: &str, model: &Model) -> Result<()> {
        check_name("model", &model.name)?;
        let project = project_id(&self.conn, project)?;
        let id = model_id(&self.conn, project, name)?;
        let key = self.key_for_models(std::slice::from_ref(model))?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE models SET name = ?2, description = ?3,
                    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?1",
            params![id, model.name, model.description],
        )
        .map_err(|e| exists_or(e, "model", &model.name))?;
        write_parts(&tx, id, model, key.as_ref())?;
        tx.commit()?;
        Ok(())
    }

    /// A whole model, secrets opened.
    pub fn model(&mut self, project: &str, name: &str) -> Result<Model> {
        let project = project_id(&self.conn, project)?;
        let id = model_id(&self.conn, project, name)?;
        let description: String =
            self.conn
                .query_row("SELECT description FROM models WHERE id = ?1", [id], |r| {
                    r.get(0)
                })?;
        let rows: Vec<(String, String)> = {
            let mut s = self.conn.prepare_cached(
                "SELECT kind, body FROM templates WHERE model_id = ?1 ORDER BY position",
            )?;
            let mapped = s.query_map([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            mapped.collect::<rusqlite::Result<_>>()?
        };
        let key = if rows.iter().any(|(_, body)| body.contains(SEALED)) {
            Some(self.master_key()?)
        } else {
            None
        };
        let mut templates = Vec::with_capacity(rows.len());
        for (kind, body) in rows {
            let kind = TemplateKind::from_name(&kind)
                .ok_or_else(|| Error::Corrupt(format!("unknown template kind {kind}")))?;
            templates.push(TemplateInstance {
                kind,
                body: open_body(kind, &body, key.as_ref())?,
            });
        }
        let data_blocks = {
            let mut s = self.conn.prepare_cached(
                "SELECT name, body FROM data_blocks WHERE model_id = ?1 ORDER BY position",
            )?;
            let mapped = s.query_map([id], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?;
            let mut blocks = Vec::new();
            for row in mapped {
                let (name, body) = row?;
                let body = serde_json::from_str(&body)
                    .map_err(|e| Error::Corrupt(format!("data block {name}: {e}")))?;
                blocks.push(DataBlock { name, body });
            }
            blocks
        };
        Ok(Model {
            name: name.into(),
            description,
            templates,
            data_blocks,
        })
    }

    pub fn list_models(&self, project: &str) -> Result<Vec<ModelSummary>> {
        let project = project_id(&self.conn, project)?;
        let mut s = self.conn.prepare_cached(
            "SELECT m.name, m.description,
                    (SELECT group_concat(kind, ' ') FROM
                        (SELECT kind FROM templates t WHERE t.model_id = m.id ORDER BY position)),
                    (SELECT count(*) FROM data_blocks b WHERE b.model_id = m.id),
                    (SELECT count(*) FROM devices d WHERE d.model_id = m.id)
             FROM models m WHERE m.project_id = ?1 ORDER BY m.name",
        )?;
        let rows = s.query_map([project], |r| {
            let kinds: Option<String> = r.get(2)?;
            Ok(ModelSummary {
                name: r.get(0)?,
                description: r.get(1)?,
                kinds: kinds
                    .unwrap_or_default()
                    .split(' ')
                    .filter_map(TemplateKind::from_name)
                    .collect(),
                data_blocks: r.get(3)?,
                devices: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Deletes a model. One that devices use is refused unless `force`, which deletes those
    /// devices too.
    pub fn delete_model(&mut self, project: &str, name: &str, force: bool) -> Result<()> {
        let project = project_id(&self.conn, project)?;
        let id = model_id(&self.conn, project, name)?;
        let tx = self.conn.transaction()?;
        let devices: usize = tx.query_row(
            "SELECT count(*) FROM devices WHERE model_id = ?1",
            [id],
            |r| r.get(0),
        )?;
        if devices > 0 && !force {
            return Err(Error::InUse {
                model: name.into(),
                devices,
            });
        }
        tx.execute("DELETE FROM devices WHERE model_id = ?1", [id])?;
        tx.execute("DELETE FROM models WHERE id = ?1", [id])?;
        tx.commit()?;
        Ok(())
    }
}
