//! The one surface the app's Tauri commands and the CLI's subcommands call: each function
//! is a use case — what a person does in one step — over the store and the pure modules, so
//! that the window and the command line behave the same. Policy (what is masked, what is
//! refused, which numbers are allowed) lives here or below, never in an adapter.

mod catalog;
mod checks;
mod demo;
mod devices;
mod events;
mod files;
mod models;
mod sample;
mod sample_checks;
mod startup;
mod studio;
mod survey;
mod variables;

pub use crate::report::survey::Survey;
pub use catalog::*;
pub use checks::*;
pub use demo::*;
pub use devices::*;
pub use events::AppEvent;
pub use files::*;
pub use models::*;
pub use sample::{
    create_sample_project, create_sample_project_free_name, free_sample_name, SampleSummary,
    SAMPLE_PROJECT,
};
pub use startup::Startup;
pub use studio::{Studio, RUNS_LISTED};
pub use survey::{
    check_rules_path, export_rules, export_survey, keep_survey, survey_plan, SurveyDevices,
    SurveyPlan, SurveyProgress, SurveyRequest,
};
pub use variables::{collect_variables, masked, parse_var};
// The data types the adapters pass along: what lists, runs, lint and demos produce.
pub use crate::app_info::{app_info, AppInfo};
pub use crate::check::{ProgressSink, StepProgress};
pub use crate::limits::{DEFAULT_FLEET_PATTERN, DEFAULT_RAMP_PER_S, DEFAULT_RATE_PER_S};
pub use crate::lint::{has_errors, Finding, Severity};
pub use crate::net::proxy_config::{ProxyChoice, ProxyRequest};
pub use crate::net::tls::CertSummary;
pub use crate::render::RenderedModel;
pub use crate::report::paths::ProxyInUse;
pub use crate::simulate::device::SimulationSummary;
pub use crate::simulate::fleet::FleetSnapshot;
pub use crate::simulate::log::LogLine;
pub use crate::simulate::payloads::Generator;
pub use crate::store::paths::DbPathSource;
pub use crate::store::{DeviceSummary, ModelSummary, ProjectSummary, RunSummary, SurveyRecord};

#[cfg(test)]
mod tests;
