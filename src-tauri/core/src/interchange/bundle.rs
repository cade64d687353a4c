//! The whole-project bundle: a project with its variables, models and devices in one file.
//!
//! ```json
//! { "format": "loopstudio-project", "version": 1,
//!   "project": { "name", "description", "variables": { NAME: value } },
//!   "models":  [ model objects as in a LoopCloud model file, each with a name ],
//!   "devices": [ { "name", "model", "variables": { NAME: value } } ] }
//! ```
//! Secret variables are left out of an export unless asked for; models and devices are
//! written sorted by name so that bundles diff well.

use super::model_file::{model_value, parse_model_at};
use super::{Error, Result};
use crate::catalog::canonical_placeholder;
use crate::model::{Device, Model, Project};
use crate::render::Variables;
use crate::template::pointer_segment;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub const BUNDLE_FORMAT: &str = "loopstudio-project";
const BUNDLE_VERSION: u64 = 1;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Bundle {
    pub project: Project,
    pub models: Vec<Model>,
    pub devices: Vec<Device>,
}

fn is_secret(name: &str) -> bool {
    canonical_placeholder(name).is_some_and(|p| p.secret)
}

fn object<'a>(
    source: &str,
    pointer: &str,
    value: Option<&'a Value>,
) -> Result<&'a Map<String, Value>> {
    value
        .and_then(Value::as_object)
        .ok_or_else(|| Error::at(source, pointer, "expected a JSON object"))
}

fn string(source: &str, pointer: &str, value: Option<&Value>) -> Result<String> {
    value
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| Error::at(source, pointer, "expected a string"))
}

fn variables(source: &str, pointer: &str, value: Option<&Value>) -> Result<Variables> {
    match value {
        None | Some(Value::Null) => Ok(Variables::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(k, v)| match v {
                Value::String(s) => Ok((k.clone(), s.clone())),
                _ => Err(Error::at(
                    source,
                    format!("{pointer}/{}", pointer_segment(k)),
                    "a variable's value must be a string",
                )),
            })
            .collect(),
        Some(_) => Err(Error::at(
            source,
            pointer,
            "expected an object of NAME: value",
        )),
    }
}

fn array<'a>(source: &str, pointer: &str, value: Option<&'a Value>) -> Result<&'a [Value]> {
    match value {
        None => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(_) => Err(Error::at(source, pointer, "expected an array")),
    }
}

pub fn parse_bundle(source: &str, value: &Value) -> Result<Bundle> {
    let top = object(source, "", Some(value))?;
    if top.get("format").and_then(Value::as_str) != Some(BUNDLE_FORMAT) {
        return Err(Error::at(
            source,
            "/format",
            format!("not a Loop Studio project bundle (\"format\" must be \"{BUNDLE_FORMAT}\")"),
        ));
    }
    if top.get("version").and_then(Value::as_u64) != Some(BUNDLE_VERSION) {
        return Err(Error::at(
            source,
            "/version",
            format!(
                "unsupported bundle version {}; this Loop Studio reads version {BUNDLE_VERSION}",
                top.get("version").unwrap_or(&Value::Null)
            ),
        ));
    }
    let p = object(source, "/project", top.get("project"))?;
    let project = Project {
        name: string(source, "/project/name", p.get("name"))?,
        description: p
            .get("description")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        variables: variables(source, "/project/variables", p.get("variables"))?,
    };
    let mut models = Vec::new();
    let mut model_names = BTreeSet::new();
    for (i, item) in array(source, "/models", top.get("models"))?
        .iter()
        .enumerate()
    {
        let pointer = format!("/models/{i}");
        let doc = parse_model_at(source, &pointer, item)?;
        let name = doc
            .name
            .clone()
            .ok_or_else(|| Error::at(source, &pointer, "a model in a bundle needs a \"name\""))?;
        if !model_names.insert(name.clone()) {
            return Err(Error::at(
                source,
                format!("{pointer}/name"),
                format!("a second model named \"{name}\""),
            ));
        }
        models.push(doc.into_model(None, &name));
    }
    let mut devices = Vec::new();
    for (i, item) in array(source, "/devices", top.get("devices"))?
        .iter()
        .enumerate()
    {
        let pointer = format!("/devices/{i}");
        let d = object(source, &pointer, Some(item))?;
        let model = string(source, &format!("{pointer}/model"), d.get("model"))?;
        if !model_names.contains(&model) {
            return Err(Error::at(
                source,
                format!("{pointer}/model"),
                format!("no model named \"{model}\" in this bundle"),
            ));
        }
        devices.push(Device {
            name: string(source, &format!("{pointer}/name"), d.get("name"))?,
            model,
            variables: variables(source, &format!("{pointer}/variables"), d.get("variables"))?,
        });
    }
    Ok(Bundle {
        project,
        models,
        devices,
    })
}

fn redacted(vars: &Variables, include_secrets: bool) -> Variables {
    vars.iter()
        .filter(|(k, _)| include_secrets || !is_secret(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// The bundle as pretty JSON, deterministic, newline-terminated.
pub fn export_bundle(bundle: &Bundle, include_secrets: bool) -> String {
    let mut models: Vec<&Model> = bundle.models.iter().collect();
    models.sort_by(|a, b| a.name.cmp(&b.name));
    let mut devices: Vec<&Device> = bundle.devices.iter().collect();
    devices.sort_by(|a, b| a.name.cmp(&b.name));
    let value = json!({
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "project": {
            "name": bundle.project.name,
            "description": bundle.project.description,
            "variables": redacted(&bundle.project.variables, include_secrets),
        },
        "models": models.iter().map(|m| model_value(m, include_secrets)).collect::<Vec<_>>(),
        "devices": devices.iter().map(|d| json!({
            "name": d.name,
            "model": d.model,
            "variables": redacted(&d.variables, include_secrets),
        })).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&value).expect("JSON values always serialise");
    text.push('\n');
    text
}
