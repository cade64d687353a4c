//! A virtual device's OTA side: it polls the hawkBit DDI root at the interval the server
//! asks for (`config.polling.sleep`) and says when work is waiting — a deployment, a
//! request for attributes, a cancellation. It never downloads or installs anything.
//!
//! Each poll is the OTA check's own ladder (client identity, TLS with the client
//! certificate, the GET), so a poll that fails is diagnosed the same way a check is. This
//! is the one place `simulate` uses `check`, on purpose: a poll *is* a check.

use super::log::LogLine;
use crate::check::RunContext;
use crate::model::TemplateInstance;
use crate::report::{Check, Verdict};
use serde::Serialize;
use std::time::Duration;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

/// How the OTA side of a simulation went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OtaSummary {
    pub polls: u32,
    pub failed_polls: u32,
    /// The interval the server last asked for, in seconds.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub polling_s: Option<u64>,
    /// What the last successful poll said was waiting.
    pub pending: Vec<String>,
}

/// When the server names no interval, or a poll fails: poll again after this long.
const DEFAULT_INTERVAL: Duration = Duration::from_secs(30);
/// The shortest interval honoured (a server asking for 0 s must not make a busy loop).
const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// What one poll found: the interval asked for and the pending work, from the poll rung.
fn poll_result(check: &Check) -> (Option<u64>, Vec<String>) {
    let Some(poll) = check.steps.iter().find(|s| s.name == "ddi-poll" && s.ok) else {
        return (None, Vec::new());
    };
    let seconds = poll.detail["pollingSeconds"].as_u64();
    let pending = poll.detail["pending"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    (seconds, pending)
}

/// `TLS_EXPIRED`, as reports spell it.
fn code_name(code: crate::report::DiagnosisCode) -> String {
    serde_json::to_value(code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The wait before the next poll.
/// The wait before the next poll: what the server asked for, within a second and a day (a
/// server's number is never trusted to be sane).
fn next_interval(asked_s: Option<u64>) -> Duration {
    asked_s
        .map(Duration::from_secs)
        .unwrap_or(DEFAULT_INTERVAL)
        .clamp(MIN_INTERVAL, MAX_INTERVAL)
}

/// The longest wait between two polls, whatever the server says.
const MAX_INTERVAL: Duration = Duration::from_secs(86_400);

/// Polls until `cancel` or `until`. `ctx` carries the rung timeout and the OTA variables;
/// `all` are the model's templates (for the controller id).
pub async fn run(
    template: &TemplateInstance,
    all: &[TemplateInstance],
    ctx: &RunContext,
    cancel: CancellationToken,
    until: Option<Instant>,
    on_log: &(dyn Fn(LogLine) + Send + Sync),
) -> OtaSummary {
    let started = Instant::now();
    let log = |direction: &str, subject: &str, text: String| {
        on_log(LogLine {
            at_ms: started.elapsed().as_millis() as u64,
            protocol: "ota".into(),
            direction: direction.into(),
            subject: subject.into(),
            text,
        })
    };
    let deadline = until.unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 86_400));
    let mut summary = OtaSummary::default();
    let mut state = "";
    log("state", "connecting", "first DDI poll".into());
    loop {
        let mut poll_ctx = ctx.clone();
        poll_ctx.cancel = cancel.child_token();
        let check = tokio::select! {
            _ = cancel.cancelled() => break,
            check = crate::check::ota::run(&template.body, all, &poll_ctx) => check,
        };
        summary.polls += 1;
        let wait = if check.verdict == Verdict::Fail {
            summary.failed_polls += 1;
            if state != "failed" {
                state = "failed";
                log(
                    "state",
                    "disconnected",
                    format!("{}: {}", code_name(check.code), check.evidence),
                );
            }
            next_interval(summary.polling_s)
        } else {
            let (seconds, pending) = poll_result(&check);
            if state != "polling" {
                state = "polling";
                log("state", "connected", check.endpoint.clone());
            }
            let text = if pending.is_empty() {
                "nothing pending".to_string()
            } else {
                pending.join("; ")
            };
            log(
                "in",
                "ddi-poll",
                format!(
                    "{text} (next poll in {} s)",
                    next_interval(seconds).as_secs()
                ),
            );
            if pending.iter().any(|p| p.contains("deploymentBase")) {
                log(
                    "state",
                    "update-waiting",
                    "a deployment is waiting; the virtual device does not download it".into(),
                );
            }
            summary.polling_s = seconds;
            summary.pending = pending;
            next_interval(seconds)
        };
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep_until(deadline) => break,
            _ = tokio::time::sleep(wait) => {}
        }
    }
    log(
        "state",
        "stopped",
        format!("{} polls, {} failed", summary.polls, summary.failed_polls),
    );
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_interval_is_the_servers_within_bounds() {
        assert_eq!(next_interval(Some(10)), Duration::from_secs(10));
        assert_eq!(next_interval(Some(0)), MIN_INTERVAL);
        assert_eq!(next_interval(None), DEFAULT_INTERVAL);
    }
}
