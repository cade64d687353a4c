//! A site survey: every check of the chosen devices of a project and a port sweep of every
//! host their rendered templates name, a few devices at a time (so one server sees a few
//! checks at once, not a whole fleet's), cancellable; then the endpoints this network
//! reaches and the firewall request for the customer's IT (`report/survey.rs`).

use super::checks::{device_check_plan, CheckPlan, RunOptions, SweepRequest};
use super::studio::Studio;
use crate::net::proxy_config::ProxyRequest;
use crate::report::survey::{self, Need, Survey};
use crate::report::{Check, Report};
use crate::{ApiError, ErrorCode};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// How many devices' checks run side by side.
const DEVICES_AT_ONCE: usize = 4;

/// Which devices of the project a survey covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SurveyDevices {
    All,
    Named(Vec<String>),
    OfModel(String),
}

/// A survey as a person asks for it.
#[derive(Debug, Clone)]
pub struct SurveyRequest {
    pub project: String,
    pub devices: SurveyDevices,
    pub proxy: ProxyRequest,
    pub rung_timeout: Duration,
}

impl SurveyRequest {
    /// A survey as the app asks for it: the named devices, else a model's, else all; the
    /// rung timeout is the default.
    pub fn of(
        project: String,
        devices: Option<Vec<String>>,
        model: Option<String>,
        proxy: ProxyRequest,
    ) -> SurveyRequest {
        let devices = match (devices.filter(|d| !d.is_empty()), model) {
            (Some(names), _) => SurveyDevices::Named(names),
            (None, Some(model)) => SurveyDevices::OfModel(model),
            (None, None) => SurveyDevices::All,
        };
        SurveyRequest {
            project,
            devices,
            proxy,
            rung_timeout: crate::check::DEFAULT_RUNG_TIMEOUT,
        }
    }
}

/// One check of a running survey finished: whose (a device's name, or a swept host) and the
/// check — what the app's Survey view fills in from.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SurveyProgress {
    pub subject: String,
    pub check: Check,
}

/// The devices' check plans (secrets for the checks only) and what their models need.
pub struct SurveyPlan {
    project: String,
    plans: Vec<(String, CheckPlan)>,
    needs: Vec<(String, Need)>,
    request: SurveyRequest,
}

/// Reads the chosen devices' plans from the store; bad input (no such project, device or
/// model, a device whose values do not render, a proxy setting that cannot be used, no
/// device at all) is an error before anything connects.
pub fn survey_plan(studio: &mut Studio, request: &SurveyRequest) -> Result<SurveyPlan, ApiError> {
    let project = request.project.as_str();
    let all = studio.list_devices(project, None)?;
    let names: Vec<String> = match &request.devices {
        SurveyDevices::All => all.iter().map(|d| d.name.clone()).collect(),
        SurveyDevices::Named(names) => {
            for name in names {
                studio.device(project, name)?;
            }
            names.clone()
        }
        SurveyDevices::OfModel(model) => {
            studio.model(project, model)?;
            all.iter()
                .filter(|d| &d.model == model)
                .map(|d| d.name.clone())
                .collect()
        }
    };
    if names.is_empty() {
        return Err(ApiError::new(
            ErrorCode::InputInvalid,
            format!(
                "project {}: no device to survey",
                crate::text::printable(project, 80)
            ),
        ));
    }
    let mut plans = Vec::new();
    let mut needs = Vec::new();
    for name in names {
        let plan = device_check_plan(studio, project, &name)?;
        plan.proxy_choice(&request.proxy)?;
        for t in &plan.templates {
            if let Ok((host, port)) = crate::settings::server(t.kind, &t.body) {
                needs.push((name.clone(), (host, port, t.kind.spec().transport, t.kind)));
            }
        }
        plans.push((name, plan));
    }
    Ok(SurveyPlan {
        project: project.to_string(),
        plans,
        needs,
        request: request.clone(),
    })
}

impl SurveyPlan {
    pub fn devices(&self) -> Vec<String> {
        self.plans.iter().map(|(name, _)| name.clone()).collect()
    }

    /// Runs the survey; `on_check` sees each finished check with its device (or, for a
    /// sweep, its host).
    pub async fn run(
        self,
        cancel: tokio_util::sync::CancellationToken,
        on_check: impl Fn(&str, &Check) + Send + Sync + 'static,
    ) -> Survey {
        let started = std::time::SystemTime::now();
        let on_check = Arc::new(on_check);
        let limit = Arc::new(tokio::sync::Semaphore::new(DEVICES_AT_ONCE));
        let mut tasks = tokio::task::JoinSet::new();
        let mut proxy_shown = None;
        for (order, (name, plan)) in self.plans.into_iter().enumerate() {
            let Ok(choice) = plan.proxy_choice(&self.request.proxy) else {
                continue;
            };
            proxy_shown = proxy_shown.or_else(|| choice.in_use().map(|p| p.shown()));
            let options = RunOptions {
                rung_timeout: self.request.rung_timeout,
                cancel: cancel.clone(),
                proxy: choice,
                ..Default::default()
            };
            let (limit, on_check) = (limit.clone(), on_check.clone());
            tasks.spawn(async move {
                let _turn = limit.acquire_owned().await;
                let all = plan.all();
                let report = plan.run(&all, options, |c| on_check(&name, c)).await;
                (order, name, report)
            });
        }
        let mut reports: Vec<(usize, String, Report)> = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            if let Ok(done) = joined {
                reports.push(done);
            }
        }
        reports.sort_by_key(|(order, _, _)| *order);
        let reports: Vec<(String, Report)> =
            reports.into_iter().map(|(_, name, r)| (name, r)).collect();

        let hosts: Vec<String> = {
            let mut hosts: Vec<String> = self.needs.iter().map(|(_, n)| n.0.clone()).collect();
            hosts.sort();
            hosts.dedup();
            hosts
        };
        let mut addresses = BTreeMap::new();
        let mut sweeps = Vec::new();
        for host in &hosts {
            if cancel.is_cancelled() {
                break;
            }
            let resolver = crate::net::Resolver::System;
            if let Ok(ips) = resolver.resolve(host, self.request.rung_timeout).await {
                addresses.insert(host.clone(), ips.iter().map(|i| i.to_string()).collect());
            }
            let request = SweepRequest {
                host: host.clone(),
                proxy: self.request.proxy.clone(),
                ..Default::default()
            };
            let on_check = on_check.clone();
            if let Ok(report) = super::checks::sweep(&request, cancel.clone(), move |c| {
                on_check(&request_host(c), c)
            })
            .await
            {
                sweeps.push(report);
            }
        }
        let (endpoints, rules) = survey::assemble(&reports, &self.needs, &addresses);
        let devices = reports.iter().map(|(name, _)| name.clone()).collect();
        let mut all_reports: Vec<Report> = reports.into_iter().map(|(_, r)| r).collect();
        all_reports.extend(sweeps);
        Survey {
            tool: "loopcheck".into(),
            version: crate::VERSION.into(),
            started_at: humantime::format_rfc3339_millis(started).to_string(),
            project: self.project,
            proxy: proxy_shown,
            devices,
            summary: survey::summarise(&endpoints),
            endpoints,
            rules,
            reports: all_reports,
        }
    }
}

/// Keeps a finished survey in its project's history; a cancelled one is not kept (its
/// unfinished endpoints would read as "blocked" in a later comparison). Returns the id.
pub fn keep_survey(
    studio: &mut Studio,
    survey: &Survey,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<Option<i64>, ApiError> {
    if cancel.is_cancelled() || survey.was_cancelled() {
        return Ok(None);
    }
    Ok(Some(studio.save_survey(survey)?))
}

/// The host a sweep's check is about, for progress lines.
fn request_host(check: &Check) -> String {
    crate::report::paths::host_and_port(&check.endpoint)
        .map(|(host, _)| host)
        .unwrap_or_default()
}

/// Saves a survey as a self-contained HTML page or as its JSON document (by the file's name).
pub fn export_survey(survey: &Survey, path: &std::path::Path) -> Result<(), ApiError> {
    let text = match super::files::report_format(path)? {
        crate::report::ReportFormat::Html => crate::report::survey_html::to_html(survey),
        crate::report::ReportFormat::Json => json_text(survey),
    };
    super::files::write_file_atomically(path, &text)
}

/// Checks that a rules file ends in .csv or .json, before anything runs.
pub fn check_rules_path(path: &std::path::Path) -> Result<(), ApiError> {
    rules_are_csv(path).map(|_| ())
}

fn rules_are_csv(path: &std::path::Path) -> Result<bool, ApiError> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("csv") => Ok(true),
        Some("json") => Ok(false),
        _ => Err(ApiError::new(
            ErrorCode::InputInvalid,
            format!("{}: a rules file must end in .csv or .json", path.display()),
        )),
    }
}

/// Writes the firewall request: CSV for a change request, or the rules as JSON.
pub fn export_rules(survey: &Survey, path: &std::path::Path) -> Result<(), ApiError> {
    let text = if rules_are_csv(path)? {
        survey::rules_csv(&survey.rules)
    } else {
        json_text(&survey.rules)
    };
    super::files::write_file_atomically(path, &text)
}

fn json_text<T: serde::Serialize>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}
