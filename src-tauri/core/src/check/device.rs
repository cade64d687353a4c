//! Running the templates of a rendered model: each kind's ladder, concurrently, except the
//! checks that share an identity on one server, which run one after another since a broker
//! drops the older of two connections with one client id. All four MQTT kinds count as one
//! identity per client id: an HTTP publish service connects to its broker with the device's
//! client id too, and the broker behind a URL cannot be told from the URL.

use super::{lwm2m, lwm2m_bootstrap, mqtt, mqtt_http, ota, RunContext};
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
            format!("mqtt|{}", get("mqttClientId"))
        }
        other => format!("{other}|{}", get("lwm2mEndpoint")),
    }
}

async fn run_one(t: &TemplateInstance, all: &[TemplateInstance], ctx: &RunContext) -> Check {
    match t.kind {
        TemplateKind::MqttTcp | TemplateKind::MqttTls => mqtt::run(t.kind, &t.body, ctx).await,
        TemplateKind::MqttHttp | TemplateKind::MqttHttps => {
            let brokers: Vec<&TemplateInstance> = all
                .iter()
                .filter(|o| matches!(o.kind, TemplateKind::MqttTcp | TemplateKind::MqttTls))
                .collect();
            mqtt_http::run(t.kind, &t.body, &brokers, ctx).await
        }
        TemplateKind::Lwm2mNosec | TemplateKind::Lwm2mPsk => lwm2m::run(t.kind, &t.body, ctx).await,
        TemplateKind::Lwm2mBootstrapNosec | TemplateKind::Lwm2mBootstrapPsk => {
            lwm2m_bootstrap::run(t.kind, &t.body, ctx).await
        }
        TemplateKind::Ota => ota::run(&t.body, all, ctx).await,
    }
}

/// Checks that every name in `only` is a template kind; the error names the unknown one and
/// the kinds there are.
pub fn validate_kinds(only: &[String]) -> Result<(), String> {
    for name in only {
        if TemplateKind::from_name(name).is_none() {
            let known: Vec<&str> = TemplateKind::ALL.iter().map(|k| k.name()).collect();
            return Err(format!(
                "unknown kind \"{name}\" (kinds: {})",
                known.join(", ")
            ));
        }
    }
    Ok(())
}

/// The positions of the templates whose kind is in `only` (all when `only` is empty).
pub fn select_templates(
    templates: &[TemplateInstance],
    only: &[String],
) -> Result<Vec<usize>, String> {
    validate_kinds(only)?;
    Ok(templates
        .iter()
        .enumerate()
        .filter(|(_, t)| only.is_empty() || only.iter().any(|k| k == t.kind.name()))
        .map(|(i, _)| i)
        .collect())
}

/// Runs the checks of all rendered templates; `on_done` sees each as it finishes.
pub async fn run_templates(
    templates: &[TemplateInstance],
    target: serde_json::Value,
    ctx: &RunContext,
    on_done: impl Fn(&Check),
) -> Report {
    let all: Vec<usize> = (0..templates.len()).collect();
    run_selected(templates, &all, target, ctx, on_done).await
}

/// Runs the checks of the templates at `selected` (positions in `templates`, which stays
/// whole so a check can see its siblings: mqtt-http confirms delivery over an MQTT template).
/// Progress events carry those positions; the report lists the checks in `selected` order.
pub async fn run_selected(
    templates: &[TemplateInstance],
    selected: &[usize],
    target: serde_json::Value,
    ctx: &RunContext,
    on_done: impl Fn(&Check),
) -> Report {
    let started = std::time::SystemTime::now();
    let all = std::sync::Arc::new(templates.to_vec());
    let mut groups: BTreeMap<String, Vec<(usize, usize)>> = BTreeMap::new();
    for (order, &index) in selected.iter().enumerate() {
        if let Some(t) = templates.get(index) {
            groups.entry(identity(t)).or_default().push((order, index));
        }
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (_, group) in groups {
        let ctx = ctx.clone();
        let all = all.clone();
        tasks.spawn(async move {
            let mut out = Vec::new();
            for (order, index) in group {
                let t = &all[index];
                let check_ctx = ctx.for_check(index);
                let budgeted = tokio::time::timeout(ctx.check_budget, run_one(t, &all, &check_ctx));
                let check = tokio::select! {
                    finished = budgeted => finished.unwrap_or_else(|_| over_budget(t, ctx.check_budget)),
                    _ = ctx.cancel.cancelled() => cancelled(t),
                };
                out.push((order, check));
            }
            out
        });
    }
    let mut done: Vec<Option<Check>> = vec![None; selected.len()];
    while let Some(joined) = tasks.join_next().await {
        if let Ok(results) = joined {
            for (order, check) in results {
                on_done(&check);
                done[order] = Some(check);
            }
        }
    }
    Report::new(started, target, done.into_iter().flatten().collect())
}

fn cancelled(t: &TemplateInstance) -> Check {
    unfinished(
        t,
        Verdict::Skipped,
        DiagnosisCode::Cancelled,
        "cancelled before this check finished".into(),
    )
}

fn over_budget(t: &TemplateInstance, budget: std::time::Duration) -> Check {
    let mut check = unfinished(
        t,
        Verdict::Fail,
        DiagnosisCode::Timeout,
        format!(
            "the check's budget of {} ms ran out before its last rung",
            budget.as_millis()
        ),
    );
    check.elapsed_ms = budget.as_secs_f64() * 1000.0;
    check
}

/// A check that did not get to the end of its ladder (its rungs so far went out as progress).
fn unfinished(
    t: &TemplateInstance,
    verdict: Verdict,
    code: DiagnosisCode,
    evidence: String,
) -> Check {
    Check {
        kind: t.kind.name().into(),
        template: Some(t.kind.spec().title.into()),
        endpoint: String::new(),
        verdict,
        code,
        hint: code.hint().into(),
        evidence,
        reproduce: String::new(),
        elapsed_ms: 0.0,
        steps: Vec::new(),
        port: None,
        transport: None,
        service: None,
        state: None,
    }
}
