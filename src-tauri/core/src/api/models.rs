//! Models as a person handles them outside the editor: made from kinds, shown and exported
//! as LoopCloud model files, linted — a file with its findings pointing into the file's own
//! shape, or a stored model with its project's variables.

use super::studio::Studio;
use crate::catalog::TemplateKind;
use crate::interchange;
use crate::lint::{lint_model, Finding};
use crate::model::{Model, TemplateInstance, Variables};
use crate::ApiError;
use std::path::Path;

/// Creates a model in `project`, empty or with the canonical bodies of `kinds`.
pub fn create_model_of_kinds(
    studio: &mut Studio,
    project: &str,
    name: &str,
    description: &str,
    kinds: &[TemplateKind],
) -> Result<Model, ApiError> {
    let model = Model {
        name: name.into(),
        description: description.into(),
        templates: kinds
            .iter()
            .map(|k| TemplateInstance::canonical(*k))
            .collect(),
        data_blocks: Vec::new(),
    };
    studio.create_model(project, &model)?;
    Ok(model)
}

/// A stored model as a LoopCloud model file (literal secrets left out unless
/// `include_secrets`).
pub fn model_text(
    studio: &mut Studio,
    project: &str,
    name: &str,
    include_secrets: bool,
) -> Result<String, ApiError> {
    let model = studio.model(project, name)?;
    Ok(interchange::export_model(&model, include_secrets))
}

/// A model being edited, as the text of its model file (everything in it: it is the
/// user's own draft, shown in the JSON view).
pub fn draft_model_text(model: &Model) -> String {
    interchange::export_model(model, true)
}

/// The findings of a model file, their pointers into the file as written: a bare template
/// is `/mqttSslPort`, a list of templates `/2/mqttSslPort`, a model file
/// `/templates/2/mqttSslPort`.
pub fn lint_model_file(path: &Path) -> Result<Vec<Finding>, ApiError> {
    let value = interchange::read_json_file(path)?;
    let model = interchange::parse_model(&path.display().to_string(), &value)?
        .into_model(None, &super::model_name_from_path(path));
    let mut findings = lint_model(&model, &Variables::new());
    let prefix = match &value {
        serde_json::Value::Array(_) => Some("/templates"),
        serde_json::Value::Object(map) if !map.contains_key("templates") => Some("/templates/0"),
        _ => None,
    };
    if let Some(prefix) = prefix {
        for f in &mut findings {
            if let Some(rest) = f.pointer.strip_prefix(prefix) {
                f.pointer = if rest.is_empty() {
                    "/".into()
                } else {
                    rest.to_string()
                };
            }
        }
    }
    Ok(findings)
}

/// The findings of a stored model, with its project's variables; and the model's name.
pub fn lint_stored_model(
    studio: &mut Studio,
    project: &str,
    model: &str,
) -> Result<(String, Vec<Finding>), ApiError> {
    let variables = studio.project(project)?.variables;
    let model = studio.model(project, model)?;
    let findings = lint_model(&model, &variables);
    Ok((model.name, findings))
}
