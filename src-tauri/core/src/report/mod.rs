//! The one report shape (DESIGN.md §3) that the UI, the CLI's `--json` and saved run history
//! all use: checks, each a ladder of steps, with a verdict, a closed diagnosis code, a hint
//! for the person at the screen, the evidence, and a command that reproduces the step.
//!
//! Secrets never enter a report: checks put placeholders such as `"$MQTT_PASSWORD"` in
//! reproduce commands and never copy a credential into evidence or details.

mod code;
pub mod diagnose;
pub mod html;
pub mod paths;
pub mod reproduce;
pub mod scrub;
pub mod survey;
pub mod survey_html;

pub use code::DiagnosisCode;

pub use crate::catalog::Transport;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The word a value serialises to (`blocked`, `TCP_TIMEOUT`, `tcp`): how the JSON names it,
/// and so how pages and terminal lines name it too.
pub fn word<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// How a check or a port turned out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum Verdict {
    Pass,
    Warn,
    Fail,
    Skipped,
}

/// One rung of a check's ladder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Step {
    /// `dns`, `tcp`, `tls`, `mqtt-connect`, `probe`, …
    pub name: String,
    pub ok: bool,
    pub elapsed_ms: f64,
    /// What the rung saw, for the UI's detail view (addresses, status lines, certificates).
    #[ts(type = "Record<string, unknown>")]
    pub detail: serde_json::Value,
}

/// The state of a port in a sweep, as nmap names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub enum PortState {
    #[serde(rename = "open")]
    Open,
    #[serde(rename = "closed")]
    Closed,
    #[serde(rename = "filtered")]
    Filtered,
    #[serde(rename = "open|filtered")]
    OpenFiltered,
    #[serde(rename = "dns-failed")]
    DnsFailed,
}

/// One check: a template's ladder, or one port of a sweep (`kind` = `port`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Check {
    pub kind: String,
    /// The template's title, when the check tests one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub template: Option<String>,
    /// `host:port` (and `/udp` for UDP), or a URL.
    pub endpoint: String,
    pub verdict: Verdict,
    pub code: DiagnosisCode,
    pub hint: String,
    pub evidence: String,
    /// A command that shows the same thing with a standard tool; secrets as `$VARIABLES`.
    pub reproduce: String,
    pub elapsed_ms: f64,
    pub steps: Vec<Step>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub transport: Option<Transport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub state: Option<PortState>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Summary {
    pub pass: u32,
    pub warn: u32,
    pub fail: u32,
    pub skipped: u32,
}

impl Summary {
    pub fn of(checks: &[Check]) -> Summary {
        let mut s = Summary::default();
        for c in checks {
            match c.verdict {
                Verdict::Pass => s.pass += 1,
                Verdict::Warn => s.warn += 1,
                Verdict::Fail => s.fail += 1,
                Verdict::Skipped => s.skipped += 1,
            }
        }
        s
    }
}

/// The file formats a report is saved in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ReportFormat {
    Html,
    Json,
}

impl ReportFormat {
    /// The format a file name asks for: `.html`/`.htm` or `.json`.
    pub fn for_path(path: &std::path::Path) -> Option<ReportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "html" | "htm" => Some(ReportFormat::Html),
            "json" => Some(ReportFormat::Json),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Report {
    /// Always `loopcheck`, also when the app made the report.
    pub tool: String,
    pub version: String,
    /// RFC 3339 time the run started.
    pub started_at: String,
    /// What was checked: `{"host": …}` for a sweep, `{"project", "device"}` or `{"file"}`.
    #[ts(type = "Record<string, unknown>")]
    pub target: serde_json::Value,
    pub checks: Vec<Check>,
    pub summary: Summary,
    /// The proxy the run went through, where one applied (and where it came from).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub proxy: Option<paths::ProxyInUse>,
    /// When checks stopped at the transport: the ways to each service tried, and advice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub paths: Option<Vec<paths::ServicePaths>>,
}

impl Report {
    pub fn new(
        started_at: std::time::SystemTime,
        target: serde_json::Value,
        checks: Vec<Check>,
    ) -> Report {
        Report {
            tool: "loopcheck".into(),
            version: crate::VERSION.into(),
            started_at: humantime::format_rfc3339_millis(started_at).to_string(),
            target,
            summary: Summary::of(&checks),
            checks,
            proxy: None,
            paths: None,
        }
    }

    /// The report as a file: a self-contained HTML page, or the JSON document.
    pub fn render(&self, format: ReportFormat) -> String {
        match format {
            ReportFormat::Html => html::to_html(self),
            ReportFormat::Json => {
                let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
                text.push('\n');
                text
            }
        }
    }

    /// Whether every check passed or only warned (the CLI's exit 0). A run cut short is
    /// never a pass, even when what did run passed.
    pub fn passed(&self) -> bool {
        self.summary.fail == 0 && !self.was_cancelled()
    }

    /// Whether a cancel cut the run short (some check is `CANCELLED`).
    pub fn was_cancelled(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.code == DiagnosisCode::Cancelled)
    }

    /// Whether Loop Studio failed inside a check (`INTERNAL_ERROR`: the CLI exits 3).
    pub fn has_internal_error(&self) -> bool {
        self.checks
            .iter()
            .any(|c| c.code == DiagnosisCode::InternalError)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn port_check() -> Check {
        Check {
            kind: "port".into(),
            template: None,
            endpoint: "127.0.0.1:8883".into(),
            verdict: Verdict::Fail,
            code: DiagnosisCode::TcpTimeout,
            hint: "h".into(),
            evidence: "e".into(),
            reproduce: "nc -vz 127.0.0.1 8883".into(),
            elapsed_ms: 1000.0,
            steps: vec![Step {
                name: "tcp".into(),
                ok: false,
                elapsed_ms: 1000.0,
                detail: json!({}),
            }],
            port: Some(8883),
            transport: Some(Transport::Tcp),
            service: Some("mqtts".into()),
            state: Some(PortState::Filtered),
        }
    }

    #[test]
    fn a_report_has_the_design_shape() {
        let report = Report::new(
            std::time::UNIX_EPOCH,
            json!({"host": "h"}),
            vec![port_check()],
        );
        let value = serde_json::to_value(&report).unwrap();
        assert_eq!(value["tool"], "loopcheck");
        assert_eq!(value["startedAt"], "1970-01-01T00:00:00.000Z");
        assert_eq!(
            value["summary"],
            json!({"pass": 0, "warn": 0, "fail": 1, "skipped": 0})
        );
        let check = &value["checks"][0];
        for key in [
            "kind",
            "endpoint",
            "verdict",
            "code",
            "hint",
            "evidence",
            "reproduce",
            "elapsedMs",
            "steps",
            "port",
            "transport",
            "service",
            "state",
        ] {
            assert!(check.get(key).is_some(), "missing {key}");
        }
        assert_eq!(check["code"], "TCP_TIMEOUT");
        assert_eq!(check["state"], "filtered");
        assert_eq!(check["transport"], "tcp");
        assert_eq!(check["verdict"], "fail");
        assert!(check.get("template").is_none());
        assert!(!report.passed());
    }

    #[test]
    fn open_filtered_is_spelled_as_nmap_does() {
        assert_eq!(
            serde_json::to_value(PortState::OpenFiltered).unwrap(),
            "open|filtered"
        );
        assert_eq!(
            serde_json::to_value(PortState::DnsFailed).unwrap(),
            "dns-failed"
        );
    }
}
