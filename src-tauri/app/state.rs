//! The app's shared state: the store, opened at start (or on first use) at the same path the
//! CLI uses.
//! Commands run on Tauri's async pool (`#[tauri::command(async)]`), so a slow query never
//! freezes the window; the mutex keeps SQLite access to one command at a time.

use loopstudio_core::api::Studio;
use loopstudio_core::{ApiError, ErrorCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio_util::sync::CancellationToken;

#[derive(Default)]
pub struct AppState {
    studio: Mutex<Option<Studio>>,
    /// Cancels the port sweep in progress, if any.
    sweep: Mutex<Option<CancellationToken>>,
    /// Cancels the device checks in progress, if any.
    checks: Mutex<Option<CancellationToken>>,
    /// Cancels the site survey in progress, if any.
    survey: Mutex<Option<CancellationToken>>,
    /// Stops the virtual device of the Demo view, if one runs.
    demo: Mutex<Option<CancellationToken>>,
    /// How many demos are still winding down or running (a stopped LwM2M device still
    /// de-registers), so that quitting can wait for them.
    demos_running: Arc<AtomicUsize>,
}

/// Counts a running demo until dropped.
pub struct DemoGuard(Arc<AtomicUsize>);

impl Drop for DemoGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl AppState {
    /// A fresh cancellation token for a new sweep; a sweep still running is cancelled.
    pub fn start_sweep(&self) -> CancellationToken {
        restart(&self.sweep)
    }

    pub fn cancel_sweep(&self) {
        cancel(&self.sweep)
    }

    /// A fresh cancellation token for a device's checks; earlier ones still running stop.
    pub fn start_checks(&self) -> CancellationToken {
        restart(&self.checks)
    }

    pub fn cancel_checks(&self) {
        cancel(&self.checks)
    }

    /// A fresh token for a site survey; one still running is cancelled.
    pub fn start_survey(&self) -> CancellationToken {
        restart(&self.survey)
    }

    pub fn cancel_survey(&self) {
        cancel(&self.survey)
    }

    /// A fresh token for a virtual device; one still running is stopped (one demo at a time).
    pub fn start_demo(&self) -> CancellationToken {
        restart(&self.demo)
    }

    pub fn stop_demo(&self) {
        cancel(&self.demo)
    }

    /// Marks a demo as running until the guard is dropped.
    pub fn demo_guard(&self) -> DemoGuard {
        self.demos_running.fetch_add(1, Ordering::SeqCst);
        DemoGuard(self.demos_running.clone())
    }

    pub fn demos_running(&self) -> bool {
        self.demos_running.load(Ordering::SeqCst) > 0
    }

    /// Stops everything that talks to the network: the demo, checks, sweeps and surveys
    /// (on quit).
    pub fn stop_everything(&self) {
        cancel(&self.demo);
        cancel(&self.checks);
        cancel(&self.sweep);
        cancel(&self.survey);
    }

    /// Opens the database ahead of the first command (at start, on a thread of its own).
    pub fn warm(&self) {
        let _ = self.with_studio(|_| Ok(()));
    }

    /// Runs `f` with the open database, opening it first if needed.
    pub fn with_studio<T>(
        &self,
        f: impl FnOnce(&mut Studio) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut guard = self.studio.lock().map_err(|_| {
            ApiError::new(
                ErrorCode::Internal,
                "an earlier command failed while holding the database",
            )
        })?;
        if guard.is_none() {
            *guard = Some(Studio::open(None)?);
        }
        match guard.as_mut() {
            Some(studio) => f(studio),
            None => unreachable!("the store was opened just above"),
        }
    }
}

fn restart(slot: &Mutex<Option<CancellationToken>>) -> CancellationToken {
    let token = CancellationToken::new();
    if let Ok(mut current) = slot.lock() {
        if let Some(previous) = current.replace(token.clone()) {
            previous.cancel();
        }
    }
    token
}

fn cancel(slot: &Mutex<Option<CancellationToken>>) {
    if let Ok(current) = slot.lock() {
        if let Some(token) = current.as_ref() {
            token.cancel();
        }
    }
}
