//! A report as one self-contained HTML page (inline style, no scripts, no remote resources),
//! for attaching to a support ticket: the summary, then each check with its verdict, hint,
//! evidence, the reproduce command, the ladder drawn as a waterfall and any certificate
//! chain. It renders only what the report holds, and reports never hold secrets.

use super::{Check, Report, Verdict};
use serde_json::Value;
use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

pub(super) const STYLE: &str = "
:root { color-scheme: light dark; --fg:#1d2330; --muted:#5b6475; --bg:#fff; --card:#f6f7f9; --line:#d9dde4;
  --pass:#1f7a3d; --warn:#9a6500; --fail:#b3261e; --skip:#5b6475; --bar:#4a6cd4; }
@media (prefers-color-scheme: dark) { :root { --fg:#e6e9ef; --muted:#a3abba; --bg:#14171c; --card:#1d2128;
  --line:#2e343e; --pass:#5cc584; --warn:#e0a84a; --fail:#f07a70; --skip:#a3abba; --bar:#7d9bf0; } }
body { font: 14px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 2rem auto; max-width: 60rem; padding: 0 1rem; }
h1 { font-size: 1.4rem; margin: 0 0 .25rem; } h2 { font-size: 1.1rem; margin: 0; }
.meta, .muted { color: var(--muted); }
.summary span { margin-right: 1rem; font-weight: 600; }
section.check { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem; margin: 1rem 0; }
.verdict { font-weight: 700; text-transform: uppercase; font-size: .8rem; padding: .1rem .45rem; border-radius: 4px; border: 1px solid currentColor; margin-right: .5rem; }
.pass { color: var(--pass); } .warn { color: var(--warn); } .fail { color: var(--fail); } .skipped { color: var(--skip); }
code, pre { font: 12.5px/1.45 ui-monospace, monospace; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: .5rem .75rem; white-space: pre-wrap; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin-top: .5rem; }
th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .8rem; }
.bar { height: .7rem; background: var(--bar); border-radius: 2px; min-width: 2px; }
.bar.failed { background: var(--fail); }
.track { position: relative; width: 14rem; }
";

fn verdict_word(v: Verdict) -> (&'static str, &'static str) {
    match v {
        Verdict::Pass => ("pass", "pass"),
        Verdict::Warn => ("warn", "warn"),
        Verdict::Fail => ("fail", "fail"),
        Verdict::Skipped => ("skipped", "skipped"),
    }
}

fn code_text(check: &Check) -> String {
    serde_json::to_value(check.code)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A step detail as `key: value` pairs, leaving out what is drawn as its own table (the
/// certificate chain, the CoAP messages) and counting lists of records.
fn detail_text(detail: &Value) -> String {
    let Some(map) = detail.as_object() else {
        return String::new();
    };
    map.iter()
        .filter(|(k, v)| *k != "chain" && *k != "messages" && !v.is_null())
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) if items.iter().any(Value::is_object) => {
                    let lines: Vec<String> = items.iter().map(record_line).collect();
                    lines.join("; ")
                }
                other => other.to_string(),
            };
            format!("{k}: {value}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One record of a list (a bootstrap operation, a served request) on one line.
fn record_line(item: &Value) -> String {
    match item.as_object() {
        Some(map) => map
            .values()
            .filter_map(|v| match v {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Array(a) if !a.is_empty() => Some(format!(
                    "[{}]",
                    a.iter().map(record_line).collect::<Vec<_>>().join(", ")
                )),
                _ => None,
            })
            .collect::<Vec<_>>()
            .join(" "),
        None => match item {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        },
    }
}

/// The CoAP conversation of a LwM2M check, message by message.
fn write_messages(out: &mut String, check: &Check) {
    let rows: Vec<(&str, &Value)> = check
        .steps
        .iter()
        .flat_map(|step| {
            step.detail
                .get("messages")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(move |m| (step.name.as_str(), m))
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    out.push_str("<p class=\"muted\">Messages (→ device to server, ← server to device):</p><table><tr><th>ms</th><th>Step</th><th></th><th>Type</th><th>Code</th><th>URI</th><th>Bytes</th><th>Note</th></tr>");
    for (step, m) in rows {
        let field = |k: &str| {
            m.get(k)
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                .unwrap_or_default()
        };
        let arrow = if field("direction") == "out" {
            "→"
        } else {
            "←"
        };
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{arrow}</td><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td><td class=\"muted\">{}</td></tr>",
            escape(&field("atMs")),
            escape(step),
            escape(&field("kind")),
            escape(&field("code")),
            escape(&field("uri")),
            escape(&field("payloadBytes")),
            escape(&field("note"))
        );
    }
    out.push_str("</table>");
}

pub(super) fn write_check(out: &mut String, check: &Check) {
    let (class, word) = verdict_word(check.verdict);
    let title = check.template.as_deref().unwrap_or(&check.kind);
    let _ = write!(
        out,
        "<section class=\"check\"><h2><span class=\"verdict {class}\">{word}</span>{} <span class=\"muted\">{} · {} · {:.1} ms</span></h2>",
        escape(title),
        escape(&check.endpoint),
        escape(&code_text(check)),
        check.elapsed_ms
    );
    let _ = write!(
        out,
        "<p><strong>{}</strong></p><p>{}</p>",
        escape(&check.hint),
        escape(&check.evidence)
    );
    if !check.reproduce.is_empty() {
        let _ = write!(
            out,
            "<p class=\"muted\">Reproduce with a standard tool:</p><pre>{}</pre>",
            escape(&check.reproduce)
        );
    }
    if !check.steps.is_empty() {
        // The waterfall: each rung's bar starts where the previous ones ended.
        let total: f64 = check
            .steps
            .iter()
            .map(|s| s.elapsed_ms)
            .sum::<f64>()
            .max(0.001);
        let mut offset = 0.0;
        out.push_str(
            "<table><tr><th>Step</th><th>Result</th><th>Time</th><th></th><th>Detail</th></tr>",
        );
        for step in &check.steps {
            let left = offset / total * 100.0;
            let width = (step.elapsed_ms / total * 100.0).max(0.5);
            offset += step.elapsed_ms;
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td class=\"{}\">{}</td><td>{:.1} ms</td><td class=\"track\"><div class=\"bar{}\" style=\"margin-left:{left:.1}%;width:{width:.1}%\"></div></td><td>{}</td></tr>",
                escape(&step.name),
                if step.ok { "pass" } else { "fail" },
                if step.ok { "ok" } else { "failed" },
                step.elapsed_ms,
                if step.ok { "" } else { " failed" },
                escape(&detail_text(&step.detail))
            );
        }
        out.push_str("</table>");
    }
    write_messages(out, check);
    for step in &check.steps {
        let Some(chain) = step.detail.get("chain").and_then(Value::as_array) else {
            continue;
        };
        if chain.is_empty() {
            continue;
        }
        out.push_str("<p class=\"muted\">Certificate chain presented by the server:</p><table><tr><th>Subject</th><th>Issuer</th><th>Names</th><th>Valid</th></tr>");
        for cert in chain {
            let field = |k: &str| cert.get(k).and_then(Value::as_str).unwrap_or_default();
            let sans: Vec<&str> = cert
                .get("sans")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let _ = write!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{} – {}</td></tr>",
                escape(field("subject")),
                escape(field("issuer")),
                escape(&sans.join(", ")),
                escape(field("notBefore")),
                escape(field("notAfter"))
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

/// The proxy in use and the way round, above the checks: what a person acts on first.
pub(super) fn write_paths(out: &mut String, report: &Report) {
    if let Some(proxy) = &report.proxy {
        let mqtt = if proxy.mqtt { ", MQTT too" } else { "" };
        let _ = write!(
            out,
            "<p class=\"meta\">Through the proxy <code>{}</code> (from {}{mqtt})</p>",
            escape(&proxy.url),
            escape(&proxy.source)
        );
    }
    let Some(paths) = &report.paths else {
        return;
    };
    out.push_str("<section class=\"check\"><h2>Ways round</h2>");
    for service in paths {
        let _ = write!(
            out,
            "<p><strong>{}</strong>: {}</p><table><tr><th>Way</th><th>Endpoint</th><th>Route</th><th>State</th><th>Code</th></tr>",
            escape(service.service.words()),
            escape(&service.advice)
        );
        for way in &service.ways {
            let state = super::word(way.state);
            let class = match way.state {
                super::paths::Reach::Reachable => "pass",
                super::paths::Reach::Blocked => "fail",
                super::paths::Reach::Failed => "warn",
            };
            let _ = write!(
                out,
                "<tr><td>{}{}</td><td><code>{}:{}</code></td><td>{}</td><td class=\"{class}\">{}</td><td>{}</td></tr>",
                escape(super::paths::protocol_words(way.kind)),
                if way.extra { " <span class=\"muted\">(tried to go round)</span>" } else { "" },
                escape(&way.host),
                way.port,
                escape(&super::word(way.via)),
                escape(&state),
                escape(&super::word(way.code))
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</section>");
}

/// The whole report as an HTML document.
pub fn to_html(report: &Report) -> String {
    let target = match &report.target {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                format!(
                    "{k} {}",
                    v.as_str().map_or_else(|| v.to_string(), str::to_string)
                )
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Loop Studio report — {}</title><style>{STYLE}</style></head><body>",
        escape(&target)
    );
    let s = report.summary;
    let _ = write!(
        out,
        "<h1>Connectivity report</h1><p class=\"meta\">{} · {} {} · started {}</p><p class=\"summary\"><span class=\"pass\">{} pass</span><span class=\"warn\">{} warn</span><span class=\"fail\">{} fail</span><span class=\"skipped\">{} skipped</span></p>",
        escape(&target),
        escape(&report.tool),
        escape(&report.version),
        escape(&report.started_at),
        s.pass,
        s.warn,
        s.fail,
        s.skipped
    );
    write_paths(&mut out, report);
    for check in &report.checks {
        write_check(&mut out, check);
    }
    out.push_str("<p class=\"muted\">Secrets are never part of a report: passwords and keys appear as $VARIABLES or file names.</p></body></html>\n");
    out
}

#[cfg(test)]
#[path = "html_tests.rs"]
mod tests;
