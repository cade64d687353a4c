//! `loopcheck survey --project P`: every check of the chosen devices and a sweep of every
//! host they name, then which endpoints this network reaches and the firewall request for
//! the customer's IT (`--rules FILE.csv`). Progress on stderr; the survey on stdout.

use super::Context;
use crate::{Outcome, SurveyArgs};
use loopstudio_core::api;
use loopstudio_core::report::word;
use loopstudio_core::text::printable;
use loopstudio_core::ApiError;

pub fn run(ctx: &Context<'_>, args: &SurveyArgs) -> Result<Outcome, ApiError> {
    // Bad input is found before anything runs or is written.
    if let Some(path) = &args.report {
        api::report_format(path)?;
    }
    if let Some(path) = &args.rules {
        api::check_rules_path(path)?;
    }
    let devices = match (&args.devices, &args.model) {
        (names, _) if !names.is_empty() => api::SurveyDevices::Named(names.clone()),
        (_, Some(model)) => api::SurveyDevices::OfModel(model.clone()),
        _ => api::SurveyDevices::All,
    };
    let request = api::SurveyRequest {
        project: args.project.clone(),
        devices,
        proxy: args.proxy.request(),
        rung_timeout: api::rung_timeout(args.timeout_ms)?,
    };
    let plan = api::survey_plan(&mut ctx.studio()?, &request)?;
    eprintln!("surveying {} devices", plan.devices().len());
    let (runtime, cancel) = super::network_runtime()?;
    let survey = runtime.block_on(plan.run(cancel.clone(), |who, check| {
        eprintln!(
            "  {:<24} {:<21} {:<32} {:?}",
            printable(who, 24),
            check.kind,
            printable(&check.endpoint, 32),
            check.verdict
        )
    }));
    if api::keep_survey(&mut ctx.studio()?, &survey, &cancel)?.is_none() {
        eprintln!("cancelled: this survey is not kept in the project's history");
    }
    if let Some(path) = &args.report {
        api::export_survey(&survey, path)?;
        eprintln!("survey written to {}", path.display());
    }
    if let Some(path) = &args.rules {
        api::export_rules(&survey, path)?;
        eprintln!("firewall request written to {}", path.display());
    }
    ctx.out.document(&survey, || {
        let mut text = String::from("endpoints:\n");
        for e in &survey.endpoints {
            text.push_str(&format!(
                "  {:<10} {:<40} {:<15} {:<26} {}\n",
                word(e.state),
                printable(&format!("{}:{}/{}", e.host, e.port, word(e.transport)), 40),
                e.service,
                word(e.code),
                word(e.via)
            ));
        }
        text.push_str("\nrequest for IT (outbound):\n");
        for r in &survey.rules {
            text.push_str(&format!(
                "  {} {:>5}/{:<3} {:<28} {}  [{}]\n",
                printable(&r.host, 40),
                r.port,
                word(r.transport),
                r.protocol,
                r.purpose,
                word(r.state)
            ));
        }
        let s = survey.summary;
        text.push_str(&format!(
            "\n{} endpoints: {} reachable, {} blocked, {} failed\n",
            s.endpoints, s.reachable, s.blocked, s.failed
        ));
        text
    });
    let cut_short = cancel.is_cancelled() || survey.was_cancelled();
    Ok(if survey.device_reports().any(|r| r.has_internal_error()) {
        Outcome::Internal
    } else if survey.passed() && !cut_short {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
