//! One `#[tauri::command]` per use case, each a one-line adapter over `loopstudio-core`.
//! `async` makes Tauri run them on its thread pool instead of the window's main thread.

use crate::state::AppState;
use loopstudio_core::api::{self, AppEvent, AppInfo, Finding, ImportSummary, RenderedModel};
use loopstudio_core::api::{DeviceSummary, ModelSummary, ProjectSummary, RunSummary};
use loopstudio_core::api::{FleetSnapshot, Generator, LogLine, SimulationSummary};
use loopstudio_core::model::Variables;
use loopstudio_core::model::{Device, Model, Project};
use loopstudio_core::report::{Check, Report};
use loopstudio_core::ApiError;
use std::path::PathBuf;
use std::sync::Arc;
use tauri::{AppHandle, Emitter, State};

type Result<T> = std::result::Result<T, ApiError>;

/// Version, database path and where secrets are kept, for the About panel and status bar.
// Async like every command that touches the store: a plain command runs on the main thread,
// which would wait there for the database while the window cannot paint.
#[tauri::command(async)]
pub fn app_info(state: State<'_, AppState>) -> Result<AppInfo> {
    state.with_studio(|s| s.app_info())
}

/// The shell-quoted `loopcheck check` line for a stored device ("Copy as loopcheck").
#[tauri::command]
pub fn loopcheck_command(project: String, device: String, proxy_off: bool) -> String {
    api::loopcheck_command(&project, &device, proxy_off)
}

/// The first screen in one round trip: the catalog, the projects and the opened project's
/// models and devices (`project`: the one the window showed last).
#[tauri::command(async)]
pub fn startup(state: State<'_, AppState>, project: Option<String>) -> Result<api::Startup> {
    state.with_studio(|s| s.startup(project.as_deref()))
}

#[tauri::command(async)]
pub fn project_list(state: State<'_, AppState>) -> Result<Vec<ProjectSummary>> {
    state.with_studio(|s| s.list_projects())
}

#[tauri::command(async)]
pub fn project_get(state: State<'_, AppState>, name: String) -> Result<Project> {
    state.with_studio(|s| s.project(&name))
}

#[tauri::command(async)]
pub fn project_create(state: State<'_, AppState>, project: Project) -> Result<()> {
    state.with_studio(|s| s.create_project(&project))
}

#[tauri::command(async)]
pub fn project_set_variables(
    state: State<'_, AppState>,
    name: String,
    set: Variables,
    unset: Vec<String>,
) -> Result<()> {
    state.with_studio(|s| s.set_project_variables(&name, &set, &unset))
}

#[tauri::command(async)]
pub fn project_delete(state: State<'_, AppState>, name: String) -> Result<()> {
    state.with_studio(|s| s.delete_project(&name))
}

#[tauri::command(async)]
pub fn project_export(
    state: State<'_, AppState>,
    name: String,
    path: PathBuf,
    include_secrets: bool,
) -> Result<()> {
    state.with_studio(|s| api::export_project_file(s, &name, &path, include_secrets))
}

#[tauri::command(async)]
pub fn project_import(state: State<'_, AppState>, path: PathBuf) -> Result<ImportSummary> {
    state.with_studio(|s| api::import_project_file(s, &path, None))
}

/// Makes the sample project under the first free name ("Acme Meters", "Acme Meters 2", …).
#[tauri::command(async)]
pub fn sample_create(state: State<'_, AppState>) -> Result<api::SampleSummary> {
    state.with_studio(api::create_sample_project_free_name)
}

#[tauri::command(async)]
pub fn model_list(state: State<'_, AppState>, project: String) -> Result<Vec<ModelSummary>> {
    state.with_studio(|s| s.list_models(&project))
}

#[tauri::command(async)]
pub fn model_get(state: State<'_, AppState>, project: String, name: String) -> Result<Model> {
    state.with_studio(|s| s.model(&project, &name))
}

#[tauri::command(async)]
pub fn model_create(state: State<'_, AppState>, project: String, model: Model) -> Result<()> {
    state.with_studio(|s| s.create_model(&project, &model))
}

#[tauri::command(async)]
pub fn model_save(
    state: State<'_, AppState>,
    project: String,
    name: String,
    model: Model,
) -> Result<()> {
    state.with_studio(|s| s.save_model(&project, &name, &model))
}

#[tauri::command(async)]
pub fn model_delete(
    state: State<'_, AppState>,
    project: String,
    name: String,
    force: bool,
) -> Result<()> {
    state.with_studio(|s| s.delete_model(&project, &name, force))
}

#[tauri::command(async)]
pub fn model_import(state: State<'_, AppState>, project: String, path: PathBuf) -> Result<Model> {
    state.with_studio(|s| api::import_model_file(s, &project, &path, None))
}

#[tauri::command(async)]
pub fn model_export(
    state: State<'_, AppState>,
    project: String,
    name: String,
    path: PathBuf,
    include_secrets: bool,
) -> Result<()> {
    state.with_studio(|s| api::export_model_file(s, &project, &name, &path, include_secrets))
}

/// The model file text of a model being edited, for the JSON of a whole model.
#[tauri::command]
pub fn model_to_json(model: Model) -> String {
    api::draft_model_text(&model)
}

#[tauri::command(async)]
pub fn lint_draft(
    state: State<'_, AppState>,
    project: String,
    model: Model,
) -> Result<Vec<Finding>> {
    state.with_studio(|s| api::lint_draft(s, &project, &model))
}

#[tauri::command(async)]
pub fn device_list(
    state: State<'_, AppState>,
    project: String,
    search: Option<String>,
) -> Result<Vec<DeviceSummary>> {
    state.with_studio(|s| s.list_devices(&project, search.as_deref()))
}

#[tauri::command(async)]
pub fn device_get(state: State<'_, AppState>, project: String, name: String) -> Result<Device> {
    state.with_studio(|s| s.device(&project, &name))
}

#[tauri::command(async)]
pub fn device_create(
    state: State<'_, AppState>,
    project: String,
    model: String,
    name: String,
    variables: Variables,
    generate_secrets: bool,
) -> Result<Device> {
    state.with_studio(|s| {
        api::create_device(s, &project, &model, &name, &variables, generate_secrets)
    })
}

#[tauri::command(async)]
pub fn device_set_variables(
    state: State<'_, AppState>,
    project: String,
    name: String,
    set: Variables,
    unset: Vec<String>,
) -> Result<()> {
    state.with_studio(|s| s.set_device_variables(&project, &name, &set, &unset))
}

#[tauri::command(async)]
pub fn device_delete(state: State<'_, AppState>, project: String, name: String) -> Result<()> {
    state.with_studio(|s| s.delete_device(&project, &name))
}

#[tauri::command(async)]
pub fn placeholder_values(
    state: State<'_, AppState>,
    project: String,
    device: String,
    names: Vec<String>,
) -> Result<Vec<api::PlaceholderValue>> {
    state.with_studio(|s| api::placeholder_values(s, &project, &device, &names))
}

#[tauri::command(async)]
pub fn device_render(
    state: State<'_, AppState>,
    project: String,
    name: String,
    reveal: bool,
) -> Result<RenderedModel> {
    state.with_studio(|s| api::render_device(s, &project, &name, reveal).map(|(_, r)| r))
}

#[tauri::command(async)]
pub fn device_lint(
    state: State<'_, AppState>,
    project: String,
    name: String,
) -> Result<Vec<Finding>> {
    state.with_studio(|s| api::lint_stored_device(s, &project, &name))
}

/// Sweeps a host's LoopCloud ports; each finished port is emitted as a `sweep-progress` event.
#[tauri::command]
pub async fn port_sweep(
    app: AppHandle,
    state: State<'_, AppState>,
    host: String,
    ports: Option<String>,
    timeout_ms: Option<u64>,
    proxy: Option<api::ProxyPreference>,
) -> Result<Report> {
    let request = api::SweepRequest {
        host,
        ports,
        timeout_ms,
        proxy: proxy.unwrap_or_default().into(),
        dtls_profile: false,
    };
    api::sweep(&request, state.start_sweep(), |check| {
        let _ = app.emit(AppEvent::SweepProgress.name(), check);
    })
    .await
}

/// Runs the checks of a stored device — all of them, or the templates at `only` (positions in
/// the model, for re-running one check). Each rung is a `check-step` event as it finishes,
/// each finished check a `check-progress` event; the run is saved in the device's history.
#[tauri::command]
pub async fn device_check(
    app: AppHandle,
    state: State<'_, AppState>,
    project: String,
    name: String,
    only: Option<Vec<usize>>,
    proxy: Option<api::ProxyPreference>,
) -> Result<Report> {
    let plan = state.with_studio(|s| api::device_check_plan(s, &project, &name))?;
    // A row run again on its own does not go looking for the way round.
    let find_ways_round = only.is_none();
    let selected = only.unwrap_or_else(|| plan.all());
    // The project's PROXY_URL, else the environment the app was started with.
    let proxy = plan.proxy_choice(&proxy.unwrap_or_default().into())?;
    let step_events = app.clone();
    let options = api::RunOptions {
        proxy,
        find_ways_round,
        cancel: state.start_checks(),
        progress: Some(Arc::new(move |p| {
            drop(step_events.emit(AppEvent::CheckStep.name(), p))
        })),
        ..Default::default()
    };
    let report = plan
        .run(&selected, options, |c| {
            drop(app.emit(AppEvent::CheckProgress.name(), c))
        })
        .await;
    state.with_studio(|s| s.save_run(&project, &name, &report))?;
    Ok(report)
}

/// The proxy a device's checks would go through with the app's setting, for the Test tab's
/// header (`None`: direct).
#[tauri::command]
pub fn device_proxy(
    state: State<'_, AppState>,
    project: String,
    name: String,
    proxy: Option<api::ProxyPreference>,
) -> Result<Option<api::ProxyInUse>> {
    let plan = state.with_studio(|s| api::device_check_plan(s, &project, &name))?;
    plan.proxy_in_use(&proxy.unwrap_or_default().into())
}

/// Surveys a project's devices (the named ones, else a model's, else all); each finished
/// check is a `survey-progress` event.
#[tauri::command]
pub async fn survey_run(
    app: AppHandle,
    state: State<'_, AppState>,
    project: String,
    devices: Option<Vec<String>>,
    model: Option<String>,
    proxy: Option<api::ProxyPreference>,
) -> Result<api::Survey> {
    let request = api::SurveyRequest::of(project, devices, model, proxy.unwrap_or_default().into());
    let plan = state.with_studio(|s| api::survey_plan(s, &request))?;
    let emit = move |subject: &str, check: &Check| {
        let progress = api::SurveyProgress {
            subject: subject.into(),
            check: check.clone(),
        };
        drop(app.emit(AppEvent::SurveyProgress.name(), progress))
    };
    let cancel = state.start_survey();
    let survey = plan.run(cancel.clone(), emit).await;
    state.with_studio(|s| api::keep_survey(s, &survey, &cancel))?;
    Ok(survey)
}

/// The project's stored surveys, newest first.
#[tauri::command]
pub fn survey_list(state: State<'_, AppState>, project: String) -> Result<Vec<api::SurveyRecord>> {
    state.with_studio(|s| s.list_surveys(&project))
}

/// One stored survey, whole.
#[tauri::command]
pub fn survey_get(state: State<'_, AppState>, id: i64) -> Result<api::Survey> {
    state.with_studio(|s| s.survey(id))
}

#[tauri::command]
pub fn survey_cancel(state: State<'_, AppState>) {
    state.cancel_survey()
}

/// Saves a survey as HTML or JSON, by the file's name.
#[tauri::command]
pub fn survey_export(survey: api::Survey, path: PathBuf) -> Result<()> {
    api::export_survey(&survey, &path)
}

/// Saves a survey's firewall request as CSV or JSON, by the file's name.
#[tauri::command]
pub fn survey_rules_export(survey: api::Survey, path: PathBuf) -> Result<()> {
    api::export_rules(&survey, &path)
}

/// Runs a stored device as a virtual device (every protocol its model has) until
/// `demo_stop`, the window closing, or `duration_s`; each event is a `demo-log` event.
#[tauri::command]
pub async fn demo_start(
    app: AppHandle,
    state: State<'_, AppState>,
    project: String,
    name: String,
    rate: f64,
    duration_s: Option<f64>,
    generator: Option<Generator>,
) -> Result<SimulationSummary> {
    let plan = state.with_studio(|s| api::device_check_plan(s, &project, &name))?;
    let cancel = state.start_demo();
    let _running = state.demo_guard();
    let emit = move |line: LogLine| drop(app.emit(AppEvent::DemoLog.name(), line));
    let settings = api::SimulateSettings {
        rate,
        duration_s,
        generator: generator.unwrap_or_default(),
        ..Default::default()
    };
    api::simulate_device(&plan, &name, settings, cancel, &emit).await
}

/// Runs `count` virtual devices of a model (names from `pattern`, sharing the values of the
/// device `like` but its identities) until `demo_stop`, the window closing, or
/// `duration_s`; the counts are a `fleet-snapshot` event each second.
#[allow(clippy::too_many_arguments)] // one per field of the Demo view's fleet form
#[tauri::command]
pub async fn fleet_start(
    app: AppHandle,
    state: State<'_, AppState>,
    project: String,
    model: String,
    like: Option<String>,
    count: u32,
    pattern: String,
    ramp: f64,
    rate: f64,
    duration_s: Option<f64>,
) -> Result<FleetSnapshot> {
    let request = api::FleetRequest {
        model: &model,
        count,
        pattern: &pattern,
        like: like.as_deref(),
        // The Demo view's fleets spread by themselves when they must (a loopback broker
        // and more devices than one address carries).
        source_addresses: None,
    };
    let devices = state.with_studio(|s| api::fleet_plan(s, &project, &request))?;
    let cancel = state.start_demo();
    let _running = state.demo_guard();
    let emit =
        move |snapshot: &FleetSnapshot| drop(app.emit(AppEvent::FleetSnapshot.name(), snapshot));
    api::simulate_fleet(devices, ramp, rate, duration_s, cancel, &emit).await
}

#[tauri::command]
pub fn demo_stop(state: State<'_, AppState>) {
    state.stop_demo()
}

/// Saves the demo's log where the user chose in the save dialog.
#[tauri::command(async)]
pub fn demo_log_save(device: String, lines: Vec<api::LogLine>, path: PathBuf) -> Result<()> {
    api::save_demo_log(&device, &lines, &path)
}

/// Saves a report where the user chose in the save dialog, as HTML or JSON by its ending.
#[tauri::command(async)]
pub fn report_export(report: Report, path: PathBuf) -> Result<()> {
    api::export_report(&report, &path)
}

#[tauri::command(async)]
pub fn run_list(state: State<'_, AppState>, project: String) -> Result<Vec<RunSummary>> {
    state.with_studio(|s| s.list_runs(&project))
}

#[tauri::command(async)]
pub fn run_get(state: State<'_, AppState>, id: i64) -> Result<Report> {
    state.with_studio(|s| s.run_report(id))
}

#[tauri::command]
pub fn device_check_cancel(state: State<'_, AppState>) {
    state.cancel_checks()
}

#[tauri::command]
pub fn port_sweep_cancel(state: State<'_, AppState>) {
    state.cancel_sweep()
}

#[tauri::command(async)]
pub fn read_pem_file(path: PathBuf) -> Result<String> {
    api::read_pem_file(&path)
}

#[tauri::command]
pub fn pem_overview(text: String) -> api::PemOverview {
    api::pem_overview(&text)
}

#[tauri::command]
pub fn generate_secret() -> Result<String> {
    api::generate_secret()
}
