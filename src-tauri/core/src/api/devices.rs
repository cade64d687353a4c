//! Devices: created with values from the project's patterns (and fresh secrets on
//! request), rendered, and linted.

use super::studio::Studio;
use crate::catalog::canonical_placeholder;
use crate::lint::{lint_device, lint_model, Finding};
use crate::model::{Device, Model};
use crate::render::{render_model, RenderedModel, Scopes, ValueSource, Variables, MASK};
use crate::{device_defaults, ApiError, ErrorCode};
use serde::Serialize;
use ts_rs::TS;

/// What one placeholder stands for on one device: the model editor's "For <device>" column
/// and its placeholder table show this beside the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlaceholderValue {
    /// The name as asked for (an alias stays an alias).
    pub name: String,
    /// The value, or [`MASK`] for a secret; `None` when no level gives one.
    pub value: Option<String>,
    /// Where the value came from; `None` when unresolved.
    pub source: Option<ValueSource>,
    pub secret: bool,
}

/// Creates a device, filling its values from the project's patterns and, on request,
/// generating its passwords and PSKs. Returns the device as stored.
pub fn create_device(
    studio: &mut Studio,
    project: &str,
    model: &str,
    name: &str,
    given: &Variables,
    generate_secrets: bool,
) -> Result<Device, ApiError> {
    let project_vars = studio.project(project)?.variables;
    let model_def = studio.model(project, model)?;
    let variables = device_defaults::fill(&model_def, &project_vars, name, given, generate_secrets)
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("the OS random number generator failed: {e}"),
            )
        })?;
    let device = Device {
        name: name.into(),
        model: model.into(),
        variables,
    };
    studio.create_device(project, &device)?;
    Ok(device)
}

/// A device's model rendered with its values; secrets masked unless `reveal`.
pub fn render_device(
    studio: &mut Studio,
    project: &str,
    device: &str,
    reveal: bool,
) -> Result<(Model, RenderedModel), ApiError> {
    let project_def = studio.project(project)?;
    let device_def = studio.device(project, device)?;
    let model = studio.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    let rendered = render_model(&model, scopes, reveal)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("device {device}: {e}")))?;
    Ok((model, rendered))
}

/// The values `names` take for a stored device, looked up as rendering does (device, then
/// project with `{device}` expanded, then the catalog default). Secrets are masked always:
/// the editor shows where a secret comes from, never what it is. A placeholder the stored
/// model puts in a secret field counts as a secret too.
pub fn placeholder_values(
    studio: &mut Studio,
    project: &str,
    device: &str,
    names: &[String],
) -> Result<Vec<PlaceholderValue>, ApiError> {
    let project_def = studio.project(project)?;
    let device_def = studio.device(project, device)?;
    let model = studio.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    // A placeholder is secret when the catalog says so, or when the device's model puts it
    // in a secret field (a custom `%METER_PASS%` in mqttPassword).
    let in_secret_fields: std::collections::HashSet<String> = model
        .templates
        .iter()
        .flat_map(|t| {
            t.body.iter().filter_map(move |(key, value)| {
                let secret = t.kind.field_ignoring_case(key).is_some_and(|f| f.secret);
                secret.then_some(value)
            })
        })
        .filter_map(|value| value.as_str())
        .flat_map(crate::render::placeholder_names)
        .collect();
    Ok(names
        .iter()
        .map(|name| {
            let secret = canonical_placeholder(name).is_some_and(|p| p.secret)
                || in_secret_fields.contains(name.as_str());
            let found = scopes.lookup(name);
            PlaceholderValue {
                name: name.clone(),
                value: found
                    .as_ref()
                    .map(|(v, _)| if secret { MASK.into() } else { v.to_string() }),
                source: found.map(|(_, s)| s),
                secret,
            }
        })
        .collect())
}

/// Lint findings for a model being edited (not yet saved), with the project's variables.
pub fn lint_draft(
    studio: &mut Studio,
    project: &str,
    model: &Model,
) -> Result<Vec<Finding>, ApiError> {
    let variables = studio.project(project)?.variables;
    Ok(lint_model(model, &variables))
}

/// Lint findings for a stored device: the model's, plus what only this device shows.
pub fn lint_stored_device(
    studio: &mut Studio,
    project: &str,
    device: &str,
) -> Result<Vec<Finding>, ApiError> {
    let project_def = studio.project(project)?;
    let device_def = studio.device(project, device)?;
    let model = studio.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    Ok(lint_device(&model, scopes))
}
