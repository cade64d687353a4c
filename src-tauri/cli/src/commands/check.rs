//! `loopcheck check FILE.json` and `loopcheck check --project P --device D`: every template's
//! ladder, progress on stderr, the report on stdout.

use super::Context;
use crate::{vars, CheckArgs, Outcome};
use loopstudio_core::check::{run_templates, RunContext};
use loopstudio_core::render::{render_model, Scopes, Variables};
use loopstudio_core::report::{Check, Verdict};
use loopstudio_core::{interchange, workspace, ApiError, ErrorCode};
use std::time::Duration;

/// DESIGN.md §7: 3 s per rung unless told otherwise.
const DEFAULT_RUNG_TIMEOUT_MS: u64 = 3000;

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
    format!(
        "{verdict:<5} {:<12} {:<28} {code:<24} {:>7.1} ms  {}",
        check.kind, check.endpoint, check.elapsed_ms, check.evidence
    )
}

pub fn run(ctx: &Context<'_>, args: &CheckArgs) -> Result<Outcome, ApiError> {
    // Secrets are revealed to the checks only; the report never carries them.
    let (templates, target) = match (&args.file, &args.project, &args.device) {
        (Some(file), _, _) => {
            let given: Variables = vars::collect(&args.vars.vars, args.vars.vars_file.as_deref())?;
            let value = interchange::read_json_file(file)?;
            let model = interchange::parse_model(&file.display().to_string(), &value)?
                .into_model(None, "file");
            let empty = Variables::new();
            let rendered =
                render_model(&model, Scopes::new(&given, &empty), true).map_err(|e| {
                    ApiError::new(ErrorCode::InputInvalid, format!("{}: {e}", file.display()))
                })?;
            (rendered.templates, serde_json::json!({ "file": file }))
        }
        (None, Some(project), Some(device)) => {
            let (_, rendered) = workspace::render_device(&mut ctx.store()?, project, device, true)?;
            (
                rendered.templates,
                serde_json::json!({ "project": project, "device": device }),
            )
        }
        _ => unreachable!("clap requires a file or --project with --device"),
    };
    let (runtime, cancel) = super::network_runtime()?;
    let mut run = RunContext::new(Duration::from_millis(
        args.timeout_ms.unwrap_or(DEFAULT_RUNG_TIMEOUT_MS).max(1),
    ));
    run.cancel = cancel;
    eprintln!("checking {} templates", templates.len());
    let report = runtime.block_on(run_templates(&templates, target, &run, |c| {
        eprintln!("  {}", line(c))
    }));
    ctx.out.document(&report, || {
        let mut text: String = report
            .checks
            .iter()
            .map(|c| format!("{}\n", line(c)))
            .collect();
        for c in report.checks.iter().filter(|c| c.verdict == Verdict::Fail) {
            text.push_str(&format!(
                "\n{} — {}\n  {}\n  $ {}\n",
                c.kind, c.hint, c.evidence, c.reproduce
            ));
        }
        let s = report.summary;
        text.push_str(&format!(
            "{} pass, {} warn, {} fail, {} skipped\n",
            s.pass, s.warn, s.fail, s.skipped
        ));
        text
    });
    Ok(if report.passed() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
