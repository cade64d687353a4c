//! The commands, one module per area; each returns an [`Outcome`] or an [`ApiError`].

pub mod check;
pub mod device;
pub mod lint;
pub mod model;
pub mod ports;
pub mod project;
pub mod simulate;

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

/// A tokio runtime for a command that talks to the network, and a token that Ctrl+C
/// cancels: the command still prints its report, with the unfinished parts marked.
pub fn network_runtime(
) -> Result<(tokio::runtime::Runtime, tokio_util::sync::CancellationToken), ApiError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            ApiError::new(
                loopstudio_core::ErrorCode::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    let cancel = tokio_util::sync::CancellationToken::new();
    let on_interrupt = cancel.clone();
    runtime.spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    Ok((runtime, cancel))
}
