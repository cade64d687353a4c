//! A survey as one self-contained HTML page: the summary, the "Request for your IT team"
//! (the firewall rules with the state seen now), the endpoints, then each device's checks.
//! Like every report it holds no secret: rules and endpoints are hosts, ports and words.

use super::html::{escape, write_check, write_paths, STYLE};
use super::paths::Reach;
use super::survey::Survey;
use super::word;
use std::fmt::Write;

fn state_class(state: Reach) -> &'static str {
    match state {
        Reach::Reachable => "pass",
        Reach::Failed => "warn",
        Reach::Blocked => "fail",
    }
}

pub fn to_html(survey: &Survey) -> String {
    let mut out = String::new();
    let project = escape(&survey.project);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Loop Studio site survey — {project}</title><style>{STYLE}</style></head><body>"
    );
    let s = survey.summary;
    let _ = write!(
        out,
        "<h1>Site survey</h1><p class=\"meta\">project {project} · {} devices · {} {} · started {}{}</p><p class=\"summary\"><span>{} endpoints</span><span class=\"pass\">{} reachable</span><span class=\"fail\">{} blocked</span><span class=\"warn\">{} failed</span></p>",
        survey.devices.len(),
        escape(&survey.tool),
        escape(&survey.version),
        escape(&survey.started_at),
        survey
            .proxy
            .as_deref()
            .map(|p| format!(" · through the proxy <code>{}</code>", escape(p)))
            .unwrap_or_default(),
        s.endpoints,
        s.reachable,
        s.blocked,
        s.failed
    );
    out.push_str("<section class=\"check\" id=\"it-request\"><h2>Request for your IT team</h2><p>Please allow these outbound connections from the devices' network:</p><table><tr><th>Direction</th><th>Destination</th><th>Addresses now</th><th>Port</th><th>Protocol</th><th>Purpose</th><th>Seen now</th></tr>");
    for r in &survey.rules {
        let note = r
            .note
            .as_deref()
            .map(|n| format!("<br><span class=\"muted\">{}</span>", escape(n)))
            .unwrap_or_default();
        let _ = write!(
            out,
            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td><td>{} {}</td><td>{}</td><td>{}{note}</td><td class=\"{}\">{}</td></tr>",
            escape(&r.direction),
            escape(&r.host),
            escape(&r.addresses.join(", ")),
            r.port,
            word(r.transport).to_uppercase(),
            escape(&r.protocol),
            escape(&r.purpose),
            state_class(r.state),
            word(r.state)
        );
    }
    out.push_str("</table></section>");
    out.push_str("<section class=\"check\"><h2>Endpoints</h2><table><tr><th>Endpoint</th><th>Service</th><th>Devices</th><th>State</th><th>Code</th><th>Via</th><th>Hint</th></tr>");
    for e in &survey.endpoints {
        let _ = write!(
            out,
            "<tr><td><code>{}:{}/{}</code></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&e.host),
            e.port,
            word(e.transport),
            escape(&e.service),
            escape(&e.devices.join(", ")),
            state_class(e.state),
            word(e.state),
            word(e.code),
            word(e.via),
            escape(&e.hint)
        );
    }
    out.push_str("</table></section>");
    for report in &survey.reports {
        let target = report
            .target
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| {
                        format!(
                            "{k} {}",
                            v.as_str().map_or_else(|| v.to_string(), str::to_string)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        let _ = write!(out, "<h2>{}</h2>", escape(&target));
        write_paths(&mut out, report);
        for check in &report.checks {
            write_check(&mut out, check);
        }
    }
    out.push_str("<p class=\"muted\">Secrets are never part of a report: passwords and keys appear as $VARIABLES or file names.</p></body></html>\n");
    out
}
