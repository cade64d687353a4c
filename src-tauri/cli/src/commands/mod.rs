//! The commands, one module per area; each returns an [`Outcome`] or an [`ApiError`].

pub mod check;
pub mod device;
pub mod lint;
pub mod model;
pub mod ports;
pub mod project;

use crate::output::{self, Output};
use crate::Outcome;
use loopstudio_core::store::Store;
use loopstudio_core::{paths, ApiError};
use std::path::Path;

pub struct Context<'a> {
    pub db: Option<&'a Path>,
    pub out: &'a Output,
}

impl Context<'_> {
    pub fn store(&self) -> Result<Store, ApiError> {
        let location = paths::locate_db(self.db)?;
        Ok(Store::open(&location.path)?)
    }
}

pub fn info(ctx: &Context<'_>) -> Result<Outcome, ApiError> {
    let info = loopstudio_core::app_info::app_info(ctx.db)?;
    ctx.out.document(&info, || {
        format!(
            "loopcheck {}\ndatabase  {} ({})\nsecrets   {}\n",
            info.version,
            info.db_path,
            output::db_source_words(info.db_path_source),
            info.secrets.describe()
        )
    });
    Ok(Outcome::Success)
}

/// Writes an export to `path` (via a temporary file, so a failure leaves no half file) or,
/// without a path, to stdout.
pub fn write_export(
    ctx: &Context<'_>,
    path: Option<&Path>,
    text: &str,
) -> Result<Outcome, ApiError> {
    let Some(path) = path else {
        print!("{text}");
        return Ok(Outcome::Success);
    };
    loopstudio_core::workspace::write_file_atomically(path, text)?;
    ctx.out
        .document(&serde_json::json!({ "written": path }), || {
            format!("wrote {}\n", path.display())
        });
    Ok(Outcome::Success)
}
