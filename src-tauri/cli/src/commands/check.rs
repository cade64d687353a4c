//! `loopcheck check FILE.json` and `loopcheck check --project P --device D`: every template's
//! ladder, each rung on stderr as it finishes, the report on stdout (and in `--report FILE`).
//! A stored device's run is kept in its history, like a run from the app.

use super::Context;
use crate::{CheckArgs, Outcome};
use loopstudio_core::report::{word, Check, Report, Verdict};
use loopstudio_core::text::printable;
use loopstudio_core::{api, ApiError};
use std::sync::Arc;

fn line(check: &Check) -> String {
    let verdict = match check.verdict {
        Verdict::Pass => "pass",
        Verdict::Warn => "warn",
        Verdict::Fail => "FAIL",
        Verdict::Skipped => "skip",
    };
    let code = serde_json::to_value(check.code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    // Endpoints and evidence may hold text from the model or the peer: one safe line.
    format!(
        "{verdict:<5} {:<21} {:<28} {code:<24} {:>7.1} ms  {}",
        check.kind,
        printable(&check.endpoint, 80),
        check.elapsed_ms,
        printable(&check.evidence, 400)
    )
}

/// The proxy line and the way round, when the report has them.
fn paths_text(report: &Report) -> String {
    let mut text = String::new();
    if let Some(proxy) = &report.proxy {
        let mqtt = if proxy.mqtt { ", MQTT too" } else { "" };
        text.push_str(&format!(
            "\nproxy: {} (from {}{mqtt})\n",
            proxy.url, proxy.source
        ));
    }
    let Some(paths) = &report.paths else {
        return text;
    };
    text.push_str("\nways round:\n");
    for service in paths {
        text.push_str(&format!(
            "  {}: {}\n",
            service.service.words(),
            printable(&service.advice, 600)
        ));
        for way in &service.ways {
            text.push_str(&format!(
                "    {:<10} {:<21} {:<32} {:<7} {}{}\n",
                word(way.state),
                way.kind.name(),
                printable(&format!("{}:{}", way.host, way.port), 80),
                word(way.via),
                word(way.code),
                if way.extra {
                    "  (tried to go round)"
                } else {
                    ""
                }
            ));
        }
    }
    text
}

pub fn run(ctx: &Context<'_>, args: &CheckArgs) -> Result<Outcome, ApiError> {
    // Bad input is found before anything runs or is written.
    if let Some(path) = &args.report {
        api::report_format(path)?;
    }
    let rung_timeout = api::rung_timeout(args.timeout_ms)?;
    api::validate_only(&args.only)?;
    let stored = match (&args.project, &args.device) {
        (Some(p), Some(d)) => Some((p.clone(), d.clone())),
        _ => None,
    };
    // Secrets are revealed to the checks only; the report never carries them.
    let plan = match (&args.file, &stored) {
        (Some(file), _) => {
            let given = api::collect_variables(&args.vars.vars, args.vars.vars_file.as_deref())?;
            api::file_check_plan(file, &given)?
        }
        (None, Some((project, device))) => {
            api::device_check_plan(&mut ctx.studio()?, project, device)?
        }
        _ => unreachable!("clap requires a file or --project with --device"),
    };
    let selected = plan.select(&args.only)?;
    let proxy = plan.proxy_choice(&args.proxy.request())?;
    let (runtime, cancel) = super::network_runtime()?;
    let progress: api::ProgressSink = Arc::new(|p| {
        let mark = if p.step.ok { "ok " } else { "ERR" };
        eprintln!(
            "    {:<21} {mark} {:<18} {:>7.1} ms",
            p.kind, p.step.name, p.step.elapsed_ms
        );
    });
    let options = api::RunOptions {
        rung_timeout,
        cancel,
        progress: Some(progress),
        follow_bootstrap: !args.bootstrap_only,
        proxy,
        find_ways_round: true,
    };
    eprintln!("checking {} templates", selected.len());
    let report = runtime.block_on(plan.run(&selected, options, |c| eprintln!("  {}", line(c))));
    if let Some((project, device)) = &stored {
        ctx.studio()?.save_run(project, device, &report)?;
    }
    if let Some(path) = &args.report {
        api::export_report(&report, path)?;
        eprintln!("report written to {}", path.display());
    }
    ctx.out.document(&report, || {
        let mut text: String = report
            .checks
            .iter()
            .map(|c| format!("{}\n", line(c)))
            .collect();
        for c in report.checks.iter().filter(|c| c.verdict == Verdict::Fail) {
            text.push_str(&format!(
                "\n{} — {}\n  {}\n  $ {}\n",
                c.kind,
                c.hint,
                printable(&c.evidence, 2000),
                c.reproduce
            ));
        }
        text.push_str(&paths_text(&report));
        let s = report.summary;
        text.push_str(&format!(
            "{} pass, {} warn, {} fail, {} skipped\n",
            s.pass, s.warn, s.fail, s.skipped
        ));
        text
    });
    Ok(Outcome::of_report(&report))
}
