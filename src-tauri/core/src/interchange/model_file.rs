//! LoopCloud model files: reading the three shapes they come in, writing the object shape.

use super::{Error, Result};
use crate::catalog::{recognise, TemplateKind};
use crate::model::{DataBlock, JsonObject, Model, TemplateInstance};
use crate::template::pointer_segment;
use serde_json::{Map, Value};

/// A model as read from a file; the name may be absent (an array file has none).
#[derive(Debug, Clone, PartialEq)]
pub struct ModelDocument {
    pub name: Option<String>,
    pub description: String,
    pub templates: Vec<TemplateInstance>,
    pub data_blocks: Vec<DataBlock>,
}

impl ModelDocument {
    /// The model, named `name` when given, else by the file, else `fallback`.
    pub fn into_model(self, name: Option<&str>, fallback: &str) -> Model {
        Model {
            name: name
                .map(str::to_string)
                .or(self.name)
                .unwrap_or_else(|| fallback.to_string()),
            description: self.description,
            templates: self.templates,
            data_blocks: self.data_blocks,
        }
    }
}

const MODEL_KEYS: [&str; 4] = ["name", "description", "templates", "dataBlocks"];

/// Reads a model from parsed JSON: an array of template bodies, an object with `templates`
/// (and optionally `name`, `description`, `dataBlocks`), or one template body.
pub fn parse_model(source: &str, value: &Value) -> Result<ModelDocument> {
    parse_model_at(source, "", value)
}

pub(super) fn parse_model_at(source: &str, base: &str, value: &Value) -> Result<ModelDocument> {
    match value {
        Value::Array(items) => Ok(ModelDocument {
            name: None,
            description: String::new(),
            templates: parse_templates(source, base, items)?,
            data_blocks: Vec::new(),
        }),
        Value::Object(map) if map.contains_key("templates") => {
            if let Some(key) = map.keys().find(|k| !MODEL_KEYS.contains(&k.as_str())) {
                return Err(Error::at(
                    source,
                    format!("{base}/{}", pointer_segment(key)),
                    format!(
                        "unknown key \"{key}\"; a model object has {}",
                        MODEL_KEYS.join(", ")
                    ),
                ));
            }
            let templates = match &map["templates"] {
                Value::Array(items) => {
                    parse_templates(source, &format!("{base}/templates"), items)?
                }
                other => {
                    return Err(wrong_type(
                        source,
                        &format!("{base}/templates"),
                        "an array of templates",
                        other,
                    ))
                }
            };
            Ok(ModelDocument {
                name: optional_string(source, base, map, "name")?,
                description: optional_string(source, base, map, "description")?.unwrap_or_default(),
                templates,
                data_blocks: parse_data_blocks(source, base, map.get("dataBlocks"))?,
            })
        }
        Value::Object(_) => Ok(ModelDocument {
            name: None,
            description: String::new(),
            templates: vec![parse_template(source, base, value)?],
            data_blocks: Vec::new(),
        }),
        other => Err(wrong_type(
            source,
            base,
            "an array of template bodies, a model object or a template body",
            other,
        )),
    }
}

fn parse_templates(source: &str, base: &str, items: &[Value]) -> Result<Vec<TemplateInstance>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_template(source, &format!("{base}/{i}"), item))
        .collect()
}

/// One template: a plain body (kind recognised from its keys) or `{"kind", "body"}`.
fn parse_template(source: &str, pointer: &str, value: &Value) -> Result<TemplateInstance> {
    let Value::Object(map) = value else {
        return Err(wrong_type(
            source,
            pointer,
            "a template body (a JSON object)",
            value,
        ));
    };
    let wrapped = map.len() == 2 && map.contains_key("kind") && map.contains_key("body");
    let (kind, body, body_pointer) = if wrapped {
        let kind_name = map["kind"].as_str().unwrap_or_default();
        let kind = TemplateKind::from_name(kind_name).ok_or_else(|| {
            let names: Vec<&str> = TemplateKind::ALL.iter().map(|k| k.name()).collect();
            Error::at(
                source,
                format!("{pointer}/kind"),
                format!("unknown kind {}; one of {}", map["kind"], names.join(", ")),
            )
        })?;
        let body_pointer = format!("{pointer}/body");
        let Value::Object(body) = &map["body"] else {
            return Err(wrong_type(
                source,
                &body_pointer,
                "a template body (a JSON object)",
                &map["body"],
            ));
        };
        (kind, body, body_pointer)
    } else {
        let kind = recognise(map).map_err(|e| {
            Error::at(
                source,
                pointer,
                format!("cannot tell the template kind: {e}"),
            )
        })?;
        (kind, map, pointer.to_string())
    };
    for (key, value) in body {
        if !matches!(value, Value::String(_) | Value::Number(_) | Value::Bool(_)) {
            return Err(wrong_type(
                source,
                &format!("{body_pointer}/{}", pointer_segment(key)),
                "a string (template values are text)",
                value,
            ));
        }
    }
    Ok(TemplateInstance {
        kind,
        body: body.clone(),
    })
}

fn parse_data_blocks(source: &str, base: &str, value: Option<&Value>) -> Result<Vec<DataBlock>> {
    let pointer = format!("{base}/dataBlocks");
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        // {"meterConfig": {...}, ...}
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, body)| match body {
                Value::Object(body) => Ok(DataBlock {
                    name: name.clone(),
                    body: body.clone(),
                }),
                other => Err(wrong_type(
                    source,
                    &format!("{pointer}/{}", pointer_segment(name)),
                    "a JSON object",
                    other,
                )),
            })
            .collect(),
        // [{"name": "...", "body": {...}}, ...]
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let here = format!("{pointer}/{i}");
                let name = item.get("name").and_then(Value::as_str);
                match (name, item.get("body")) {
                    (Some(name), Some(Value::Object(body)))
                        if item.as_object().is_some_and(|o| o.len() == 2) =>
                    {
                        Ok(DataBlock {
                            name: name.to_string(),
                            body: body.clone(),
                        })
                    }
                    _ => Err(Error::at(
                        source,
                        here,
                        "a data block is {\"name\": text, \"body\": object}",
                    )),
                }
            })
            .collect(),
        Some(other) => Err(wrong_type(
            source,
            &pointer,
            "an array or object of data blocks",
            other,
        )),
    }
}

fn optional_string(
    source: &str,
    base: &str,
    map: &Map<String, Value>,
    key: &str,
) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(wrong_type(
            source,
            &format!("{base}/{key}"),
            "a string",
            other,
        )),
    }
}

fn wrong_type(source: &str, pointer: &str, expected: &str, found: &Value) -> Error {
    let found = match found {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Error::at(
        source,
        pointer,
        format!("expected {expected}, found {found}"),
    )
}

/// A template body ready to write: keys in documented order (unknown keys after, in their
/// order), and — unless `include_secrets` — every secret field that holds a value of its own
/// (text, text with a placeholder, a number, …) replaced by its placeholder.
pub(super) fn export_body(
    kind: TemplateKind,
    body: &JsonObject,
    include_secrets: bool,
) -> JsonObject {
    let mut out = JsonObject::new();
    let documented = kind
        .spec()
        .fields
        .iter()
        .filter_map(|f| body.iter().find(|(k, _)| k.eq_ignore_ascii_case(f.key)));
    let others = body
        .iter()
        .filter(|(k, _)| kind.field_ignoring_case(k).is_none());
    for (key, value) in documented.chain(others) {
        let redact = !include_secrets
            && kind
                .field_ignoring_case(key)
                .is_some_and(|f| f.holds_secret(value));
        let value = if redact {
            Value::String(
                kind.field_ignoring_case(key)
                    .map(|f| f.canonical)
                    .unwrap_or_default()
                    .to_string(),
            )
        } else {
            value.clone()
        };
        out.insert(key.clone(), value);
    }
    out
}

/// The model's JSON value as written to a file (see [`export_model`]).
pub(super) fn model_value(model: &Model, include_secrets: bool) -> Value {
    let templates: Vec<Value> = model
        .templates
        .iter()
        .map(|t| {
            let body = export_body(t.kind, &t.body, include_secrets);
            // Written plain when the kind can be told from the keys; wrapped otherwise, so
            // that reading the file back gives the same kind.
            if recognise(&body) == Ok(t.kind) {
                Value::Object(body)
            } else {
                serde_json::json!({ "kind": t.kind.name(), "body": body })
            }
        })
        .collect();
    let blocks: Vec<Value> = model
        .data_blocks
        .iter()
        .map(|b| serde_json::json!({ "name": b.name, "body": b.body }))
        .collect();
    serde_json::json!({
        "name": model.name,
        "description": model.description,
        "templates": templates,
        "dataBlocks": blocks,
    })
}

/// The model as a LoopCloud model file: pretty JSON, deterministic, newline-terminated.
pub fn export_model(model: &Model, include_secrets: bool) -> String {
    let mut text = serde_json::to_string_pretty(&model_value(model, include_secrets))
        .expect("JSON values always serialise");
    text.push('\n');
    text
}
