//! `loopcheck lint`: findings for a model file or a stored model; exit 1 when any is an error.

use super::Context;
use crate::Outcome;
use loopstudio_core::api::{has_errors, Finding, Severity};
use loopstudio_core::{api, ApiError};
use std::path::Path;

pub fn file(ctx: &Context<'_>, path: &Path) -> Result<Outcome, ApiError> {
    let findings = api::lint_model_file(path)?;
    report(ctx, &path.display().to_string(), findings)
}

pub fn stored(ctx: &Context<'_>, project: &str, model: &str) -> Result<Outcome, ApiError> {
    let (name, findings) = api::lint_stored_model(&mut ctx.studio()?, project, model)?;
    report(ctx, &format!("{project}/{name}"), findings)
}

fn report(ctx: &Context<'_>, subject: &str, findings: Vec<Finding>) -> Result<Outcome, ApiError> {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let (errors, warnings) = (count(Severity::Error), count(Severity::Warning));
    let document = serde_json::json!({
        "subject": subject,
        "errors": errors,
        "warnings": warnings,
        "findings": findings,
    });
    ctx.out.document(&document, || {
        let mut text: String = findings.iter().map(line).collect();
        text.push_str(&format!(
            "{subject}: {errors} error(s), {warnings} warning(s)\n"
        ));
        text
    });
    Ok(if has_errors(&findings) {
        Outcome::Failed
    } else {
        Outcome::Success
    })
}

fn line(f: &Finding) -> String {
    let severity = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let code = serde_json::to_value(f.code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let fix = f
        .fix
        .as_ref()
        .map(|fix| format!(" (fix: {})", fix.title))
        .unwrap_or_default();
    format!(
        "{severity:<8}{:<40}{code:<24}{}{fix}\n",
        f.pointer, f.message
    )
}
