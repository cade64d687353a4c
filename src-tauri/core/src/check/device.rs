//! Running every template of a rendered model: each kind's ladder, concurrently, except the
//! checks that share an identity on one server (the same broker and client id), which run one
//! after another since a broker drops the older of two connections with one client id.

use super::{mqtt, RunContext};
use crate::catalog::TemplateKind;
use crate::model::TemplateInstance;
use crate::report::{Check, DiagnosisCode, Report, Verdict};
use std::collections::BTreeMap;

/// Who a check is to its server: checks with the same key must not overlap.
fn identity(t: &TemplateInstance) -> String {
    let get = |k: &str| {
        t.body
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    match t.kind {
        TemplateKind::MqttTcp
        | TemplateKind::MqttTls
        | TemplateKind::MqttHttp
        | TemplateKind::MqttHttps => {
            format!("mqtt|{}|{}", get("mqttHostName"), get("mqttClientId"))
        }
        other => format!("{other}|{}", get("lwm2mEndpoint")),
    }
}

async fn run_one(t: &TemplateInstance, ctx: &RunContext) -> Check {
    match t.kind {
        TemplateKind::MqttTcp | TemplateKind::MqttTls => mqtt::run(t.kind, &t.body, ctx).await,
        other => Check {
            kind: other.name().into(),
            template: Some(other.spec().title.into()),
            endpoint: String::new(),
            verdict: Verdict::Skipped,
            code: DiagnosisCode::Ok,
            hint: "This version of Loop Studio does not test this kind yet.".into(),
            evidence: format!(
                "{} checks are not implemented in loopcheck {} yet",
                other.name(),
                crate::VERSION
            ),
            reproduce: String::new(),
            elapsed_ms: 0.0,
            steps: Vec::new(),
            port: None,
            transport: None,
            service: None,
            state: None,
        },
    }
}

/// Runs the checks of rendered templates; `on_done` sees each as it finishes.
pub async fn run_templates(
    templates: &[TemplateInstance],
    target: serde_json::Value,
    ctx: &RunContext,
    on_done: impl Fn(&Check),
) -> Report {
    let started = std::time::SystemTime::now();
    let mut groups: BTreeMap<String, Vec<(usize, TemplateInstance)>> = BTreeMap::new();
    for (i, t) in templates.iter().enumerate() {
        groups.entry(identity(t)).or_default().push((i, t.clone()));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (_, group) in groups {
        let ctx = ctx.clone();
        tasks.spawn(async move {
            let mut out = Vec::new();
            for (index, t) in group {
                let check = tokio::select! {
                    check = run_one(&t, &ctx) => check,
                    _ = ctx.cancel.cancelled() => cancelled(&t),
                };
                out.push((index, check));
            }
            out
        });
    }
    let mut done: Vec<Option<Check>> = vec![None; templates.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok(results) = joined {
            for (index, check) in results {
                on_done(&check);
                done[index] = Some(check);
            }
        }
    }
    Report::new(started, target, done.into_iter().flatten().collect())
}

fn cancelled(t: &TemplateInstance) -> Check {
    Check {
        kind: t.kind.name().into(),
        template: Some(t.kind.spec().title.into()),
        endpoint: String::new(),
        verdict: Verdict::Skipped,
        code: DiagnosisCode::Cancelled,
        hint: DiagnosisCode::Cancelled.hint().into(),
        evidence: "cancelled before this check finished".into(),
        reproduce: String::new(),
        elapsed_ms: 0.0,
        steps: Vec::new(),
        port: None,
        transport: None,
        service: None,
        state: None,
    }
}
