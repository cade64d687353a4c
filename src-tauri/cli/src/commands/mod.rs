//! The commands, one module per area; each returns an [`Outcome`] or an [`ApiError`].

pub mod check;
pub mod device;
pub mod lint;
pub mod model;
pub mod ports;
pub mod project;
pub mod simulate;
pub mod survey;

use crate::output::{self, Output};
use crate::Outcome;
use loopstudio_core::api::Studio;
use loopstudio_core::ApiError;
use std::path::Path;

pub struct Context<'a> {
    pub db: Option<&'a Path>,
    pub out: &'a Output,
}

impl Context<'_> {
    /// The database `--db` (or the environment) names, opened.
    pub fn studio(&self) -> Result<Studio, ApiError> {
        Studio::open(self.db)
    }
}

pub fn info(ctx: &Context<'_>) -> Result<Outcome, ApiError> {
    let info = loopstudio_core::api::app_info(ctx.db)?;
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
    loopstudio_core::api::write_file_atomically(path, text)?;
    ctx.out
        .document(&serde_json::json!({ "written": path }), || {
            format!("wrote {}\n", path.display())
        });
    Ok(Outcome::Success)
}

/// A tokio runtime for a command that talks to the network, and a token that the first
/// Ctrl+C or SIGTERM cancels: the command still prints its report (exactly one document
/// under `--json`), with the unfinished parts marked `CANCELLED`, and exits 1. A second
/// signal ends the process at once with 130, for a user who will not wait for a goodbye.
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
    let on_signal = cancel.clone();
    // Registered before the command starts, so no signal can fall between the cracks.
    let signals = runtime.block_on(async { Signals::new() });
    runtime.spawn(async move {
        let Ok(mut signals) = signals else {
            return;
        };
        signals.next().await;
        eprintln!("loopcheck: stopping (press Ctrl+C again to quit at once)");
        on_signal.cancel();
        signals.next().await;
        std::process::exit(130);
    });
    Ok((runtime, cancel))
}

/// Ctrl+C (SIGINT) and SIGTERM as one stream.
struct Signals {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Signals {
            interrupt: signal(SignalKind::interrupt())?,
            terminate: signal(SignalKind::terminate())?,
        })
    }

    #[cfg(not(unix))]
    fn new() -> std::io::Result<Signals> {
        Ok(Signals {})
    }

    async fn next(&mut self) {
        #[cfg(unix)]
        tokio::select! {
            _ = self.interrupt.recv() => {}
            _ = self.terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    }
}
