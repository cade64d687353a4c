//! The one surface the app's Tauri commands and the CLI's subcommands call: each function
//! is a use case — what a person does in one step — over the store and the pure modules, so
//! that the window and the command line behave the same. Policy (what is masked, what is
//! refused, which numbers are allowed) lives here or below, never in an adapter.

mod catalog;
mod checks;
mod demo;
mod devices;
mod files;
mod studio;

pub use catalog::*;
pub use checks::*;
pub use demo::*;
pub use devices::*;
pub use files::*;
pub use studio::{Studio, RUNS_LISTED};
// The stored things' summaries, as lists show them.
pub use crate::store::paths::DbPathSource;
pub use crate::store::{DeviceSummary, ModelSummary, ProjectSummary, RunSummary};

#[cfg(test)]
mod tests;
