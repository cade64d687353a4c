//! Files in and out: model and project files, reports, PEM files, each read and written
//! through [`crate::files`] (regular files under a cap; written whole and private).

use super::studio::Studio;
use crate::model::Model;
use crate::{interchange, ApiError, ErrorCode};
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

/// The format of a report file from its name; anything but `.html`/`.htm`/`.json` is bad
/// input, found before any check runs.
pub fn report_format(path: &Path) -> Result<crate::report::ReportFormat, ApiError> {
    crate::report::ReportFormat::for_path(path).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InputInvalid,
            format!(
                "{}: a report file must end in .html or .json",
                path.display()
            ),
        )
    })
}

/// Saves a report as HTML or JSON (by the file's name), replacing the file atomically.
pub fn export_report(report: &crate::report::Report, path: &Path) -> Result<(), ApiError> {
    let format = report_format(path)?;
    write_file_atomically(path, &report.render(format))
}

/// Imports a LoopCloud model file into a project; returns the stored model.
pub fn import_model_file(
    studio: &mut Studio,
    project: &str,
    path: &Path,
    name: Option<&str>,
) -> Result<Model, ApiError> {
    let value = interchange::read_json_file(path)?;
    let document = interchange::parse_model(&path.display().to_string(), &value)?;
    let model = document.into_model(name, &model_name_from_path(path));
    studio.create_model(project, &model)?;
    Ok(model)
}

/// A model's name when its file gives none: the file name without extension.
pub fn model_name_from_path(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into())
}

/// Writes `text` to `path` whole and private (0600; see [`crate::files`]): exports and
/// reports may hold secrets, and a failure leaves no half file.
pub fn write_file_atomically(path: &Path, text: &str) -> Result<(), ApiError> {
    Ok(crate::files::write_private_atomically(
        path,
        text.as_bytes(),
    )?)
}

/// Exports a stored model to a file.
pub fn export_model_file(
    studio: &mut Studio,
    project: &str,
    model: &str,
    path: &Path,
    include_secrets: bool,
) -> Result<(), ApiError> {
    let model = studio.model(project, model)?;
    write_file_atomically(path, &interchange::export_model(&model, include_secrets))
}

/// A whole project with its models and devices, secrets opened (the export decides what
/// of them to write).
pub fn project_bundle(studio: &mut Studio, name: &str) -> Result<interchange::Bundle, ApiError> {
    let project = studio.project(name)?;
    let mut models = Vec::new();
    for summary in studio.list_models(name)? {
        models.push(studio.model(name, &summary.name)?);
    }
    let mut devices = Vec::new();
    for summary in studio.list_devices(name, None)? {
        devices.push(studio.device(name, &summary.name)?);
    }
    Ok(interchange::Bundle {
        project,
        models,
        devices,
    })
}

/// A whole project as the text of a bundle file (secrets left out unless `include_secrets`).
pub fn export_project_text(
    studio: &mut Studio,
    project: &str,
    include_secrets: bool,
) -> Result<String, ApiError> {
    let bundle = project_bundle(studio, project)?;
    Ok(interchange::export_bundle(&bundle, include_secrets))
}

/// Exports a whole project as a bundle file.
pub fn export_project_file(
    studio: &mut Studio,
    project: &str,
    path: &Path,
    include_secrets: bool,
) -> Result<(), ApiError> {
    write_file_atomically(
        path,
        &export_project_text(studio, project, include_secrets)?,
    )
}

/// What a project import brought in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    pub imported: String,
    pub models: u32,
    pub devices: u32,
}

/// Creates a project from a bundle file (renamed to `name` if given), all or nothing.
pub fn import_project_file(
    studio: &mut Studio,
    path: &Path,
    name: Option<&str>,
) -> Result<ImportSummary, ApiError> {
    let value = interchange::read_json_file(path)?;
    let mut bundle = interchange::parse_bundle(&path.display().to_string(), &value)?;
    if let Some(name) = name {
        bundle.project.name = name.to_string();
    }
    studio.import_project(&bundle.project, &bundle.models, &bundle.devices)?;
    Ok(ImportSummary {
        imported: bundle.project.name,
        models: bundle.models.len() as u32,
        devices: bundle.devices.len() as u32,
    })
}

/// Reads a PEM file the user picked (certificate or key) into a value, refusing what is
/// not a regular file, larger than 1 MB or not PEM.
pub fn read_pem_file(path: &Path) -> Result<String, ApiError> {
    let text = crate::files::read_text_capped(path, crate::files::MAX_PEM_BYTES, "PEM files")?;
    crate::codec::pem::parse_blocks(&text)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("{}: {e}", path.display())))?;
    Ok(text)
}

/// What a PEM field holds, for the line under it: the labels of its blocks and the
/// certificates among them as a person reads them. Text that is not sound PEM has no blocks
/// (the lint says what is wrong and where).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PemOverview {
    pub blocks: Vec<String>,
    pub certificates: Vec<crate::net::tls::CertSummary>,
}

pub fn pem_overview(text: &str) -> PemOverview {
    let Ok(blocks) = crate::codec::pem::parse_blocks(text) else {
        return PemOverview {
            blocks: Vec::new(),
            certificates: Vec::new(),
        };
    };
    // A certificate that does not parse is left out of the list, not the whole field.
    let certificates = crate::net::tls::pem_certificates(text)
        .unwrap_or_default()
        .iter()
        .filter_map(|der| crate::net::tls::summarise(der))
        .collect();
    PemOverview {
        blocks: blocks.into_iter().map(|block| block.label).collect(),
        certificates,
    }
}

/// A fresh printable secret (for a password or a PSK).
pub fn generate_secret() -> Result<String, ApiError> {
    crate::secret::generate_printable().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("the OS random number generator failed: {e}"),
        )
    })
}
