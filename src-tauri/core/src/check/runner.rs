//! Running the templates of a rendered model: each kind's ladder, concurrently, except the
//! checks that share an identity on one server, which run one after another since a broker
//! drops the older of two connections with one client id, and an LwM2M server the older of
//! two registrations of one endpoint ([`share_identity`] says which). Each check runs in a
//! task of its own, so a panic is reported as `INTERNAL_ERROR`, and a cancel ends it.

use super::{lwm2m_bootstrap, lwm2m_server, mqtt, mqtt_http, ota, RunContext};
use crate::catalog::TemplateKind;
use crate::model::TemplateInstance;
use crate::report::{Check, DiagnosisCode, Report, Verdict};
use std::sync::Arc;

/// Whether checks `a` and `b` would meet on one server under one identity, so must not
/// overlap. MQTT: the same client id on the same broker; an HTTP publish service connects
/// to a broker its URL does not name, so it meets every MQTT check with its client id.
/// LwM2M (server or bootstrap): the same endpoint name — a bootstrap check goes on to a
/// server that only the bootstrap server names, so the server cannot narrow it down.
fn share_identity(a: &TemplateInstance, b: &TemplateInstance) -> bool {
    let get = |t: &TemplateInstance, k: &str| {
        t.body
            .get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    let broker = |t: &TemplateInstance| match t.kind {
        TemplateKind::MqttTcp | TemplateKind::MqttTls => Some(get(t, "mqttHostName")),
        _ => None,
    };
    match (family(a.kind), family(b.kind)) {
        (Family::Mqtt, Family::Mqtt) => {
            get(a, "mqttClientId") == get(b, "mqttClientId")
                && match (broker(a), broker(b)) {
                    (Some(x), Some(y)) => x.eq_ignore_ascii_case(&y),
                    _ => true,
                }
        }
        (Family::Lwm2m, Family::Lwm2m) => get(a, "lwm2mEndpoint") == get(b, "lwm2mEndpoint"),
        _ => false,
    }
}

#[derive(PartialEq)]
enum Family {
    Mqtt,
    Lwm2m,
    Ota,
}

fn family(kind: TemplateKind) -> Family {
    match kind {
        TemplateKind::MqttTcp
        | TemplateKind::MqttTls
        | TemplateKind::MqttHttp
        | TemplateKind::MqttHttps => Family::Mqtt,
        TemplateKind::Ota => Family::Ota,
        _ => Family::Lwm2m,
    }
}

/// The selected checks split into groups that run one after another inside and side by
/// side between them: checks that share an identity, directly or through a third, are in
/// one group, in selection order.
fn identity_groups(templates: &[TemplateInstance], selected: &[usize]) -> Vec<Vec<(usize, usize)>> {
    let mut groups: Vec<Vec<(usize, usize)>> = Vec::new();
    for (order, &index) in selected.iter().enumerate() {
        let Some(t) = templates.get(index) else {
            continue;
        };
        let meets: Vec<usize> = (0..groups.len())
            .filter(|&g| {
                groups[g]
                    .iter()
                    .any(|&(_, i)| share_identity(&templates[i], t))
            })
            .collect();
        let mut merged = vec![(order, index)];
        for &g in meets.iter().rev() {
            merged.extend(groups.remove(g));
        }
        merged.sort();
        groups.push(merged);
    }
    groups
}

async fn run_one(t: &TemplateInstance, all: &[TemplateInstance], ctx: &RunContext) -> Check {
    // The one fault no peer can cause: a bug that panics inside a check (engine tests).
    #[cfg(test)]
    if t.body.contains_key("testPanic") {
        panic!("test panic inside a check");
    }
    match t.kind {
        TemplateKind::MqttTcp | TemplateKind::MqttTls => mqtt::run(t.kind, &t.body, ctx).await,
        TemplateKind::MqttHttp | TemplateKind::MqttHttps => {
            let brokers: Vec<&TemplateInstance> = all
                .iter()
                .filter(|o| matches!(o.kind, TemplateKind::MqttTcp | TemplateKind::MqttTls))
                .collect();
            mqtt_http::run(t.kind, &t.body, &brokers, ctx).await
        }
        TemplateKind::Lwm2mNosec | TemplateKind::Lwm2mPsk => {
            lwm2m_server::run(t.kind, &t.body, ctx).await
        }
        TemplateKind::Lwm2mBootstrapNosec | TemplateKind::Lwm2mBootstrapPsk => {
            lwm2m_bootstrap::run(t.kind, &t.body, ctx).await
        }
        TemplateKind::Ota => ota::run(&t.body, all, ctx).await,
    }
}

/// Checks that every name in `only` is a template kind; the error names the unknown one and
/// the kinds there are.
pub fn validate_kinds(only: &[String]) -> super::Result<()> {
    for name in only {
        if TemplateKind::from_name(name).is_none() {
            let known: Vec<&str> = TemplateKind::ALL.iter().map(|k| k.name()).collect();
            return Err(super::Error::UnknownKind {
                name: crate::text::printable(name, 40),
                known: known.join(", "),
            });
        }
    }
    Ok(())
}

/// The positions of the templates whose kind is in `only` (all when `only` is empty).
pub fn select_templates(
    templates: &[TemplateInstance],
    only: &[String],
) -> super::Result<Vec<usize>> {
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
    let all = Arc::new(templates.to_vec());
    let mut tasks = tokio::task::JoinSet::new();
    for group in identity_groups(templates, selected) {
        let ctx = ctx.clone();
        let all = all.clone();
        tasks.spawn(async move {
            let mut out = Vec::new();
            for (order, index) in group {
                let mut check = run_guarded(&all, index, &ctx).await;
                ctx.scrubber.check(&mut check);
                out.push((order, check));
            }
            out
        });
    }
    let mut done: Vec<Option<Check>> = vec![None; selected.len()];
    // A group task never panics (each check runs guarded in a task of its own).
    while let Some(Ok(results)) = tasks.join_next().await {
        for (order, check) in results {
            on_done(&check);
            done[order] = Some(check);
        }
    }
    let mut checks: Vec<Check> = done.into_iter().flatten().collect();
    crate::report::diagnose::name_the_clock(&mut checks);
    let paths = super::way_round::find(&all, selected, &checks, ctx).await;
    let mut report = Report::new(started, target, checks);
    report.paths = paths;
    report.proxy = super::proxy_in_use(&ctx.proxy);
    report
}

/// One check in a task of its own, within its budget, ended by a cancel: a panic inside
/// becomes an `INTERNAL_ERROR` check instead of dropping out of the report.
pub(super) async fn run_guarded(
    all: &Arc<Vec<TemplateInstance>>,
    index: usize,
    ctx: &RunContext,
) -> Check {
    let t = &all[index];
    if ctx.cancel.is_cancelled() {
        return cancelled(t);
    }
    let task = {
        let all = all.clone();
        let check_ctx = ctx.for_check(index);
        let budget = ctx.check_budget;
        AbortOnDrop(tokio::spawn(async move {
            let t = &all[index];
            tokio::time::timeout(budget, run_one(t, &all, &check_ctx))
                .await
                .unwrap_or_else(|_| over_budget(t, budget))
        }))
    };
    tokio::select! {
        biased;
        _ = ctx.cancel.cancelled() => cancelled(t),
        joined = task => match joined {
            Ok(check) => check,
            Err(why) => internal_error(t, &why.to_string()),
        },
    }
}

/// A spawned task that is aborted when its handle is dropped (a cancelled run must not
/// leave checks running behind its report).
pub(super) struct AbortOnDrop<T>(pub(super) tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A check's task that ended without a check: it panicked (a bug), or was stopped.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub(super) struct TaskFailure(String);

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, TaskFailure>;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.map_err(panic_words))
    }
}

/// What a task's failure says: its panic message, when it has one.
fn panic_words(error: tokio::task::JoinError) -> TaskFailure {
    if !error.is_panic() {
        return TaskFailure("the check's task was stopped".into());
    }
    let payload = error.into_panic();
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    TaskFailure(format!(
        "the check panicked: {}",
        crate::text::printable(&message, 200)
    ))
}

fn internal_error(t: &TemplateInstance, why: &str) -> Check {
    unfinished(t, Verdict::Fail, DiagnosisCode::InternalError, why.into())
}

/// A check the run's cancel cut short: skipped, and never a success (the report does not
/// pass while it holds one).
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn t(kind: TemplateKind, body: serde_json::Value) -> TemplateInstance {
        TemplateInstance {
            kind,
            body: body.as_object().unwrap().clone(),
        }
    }

    fn groups(templates: &[TemplateInstance]) -> Vec<Vec<usize>> {
        let all: Vec<usize> = (0..templates.len()).collect();
        let mut g: Vec<Vec<usize>> = identity_groups(templates, &all)
            .into_iter()
            .map(|g| g.into_iter().map(|(_, i)| i).collect())
            .collect();
        g.sort();
        g
    }

    #[test]
    fn lwm2m_checks_of_one_endpoint_run_in_sequence_whatever_their_kind() {
        let ep = |kind, ep: &str| {
            t(
                kind,
                json!({ "lwm2mHostName": "lwm2m.acme", "lwm2mEndpoint": ep }),
            )
        };
        let templates = [
            ep(TemplateKind::Lwm2mNosec, "meter-1"),
            ep(TemplateKind::Lwm2mPsk, "meter-1"),
            ep(TemplateKind::Lwm2mBootstrapPsk, "meter-1"),
            ep(TemplateKind::Lwm2mNosec, "meter-2"),
        ];
        assert_eq!(groups(&templates), [vec![0, 1, 2], vec![3]]);
    }

    #[test]
    fn mqtt_checks_meet_on_one_broker_and_an_http_bridge_meets_them_all() {
        let mqtt = |kind, host: &str, id: &str| {
            t(kind, json!({ "mqttHostName": host, "mqttClientId": id }))
        };
        let templates = [
            mqtt(TemplateKind::MqttTcp, "broker-a", "dev"),
            mqtt(TemplateKind::MqttTls, "BROKER-A", "dev"),
            mqtt(TemplateKind::MqttTcp, "broker-b", "dev"),
            mqtt(TemplateKind::MqttTcp, "broker-a", "other"),
            t(TemplateKind::Ota, json!({ "otaDDIUrl": "https://ota" })),
        ];
        assert_eq!(groups(&templates), [vec![0, 1], vec![2], vec![3], vec![4]]);
        // An HTTP publish service with the client id joins every broker's group.
        let mut with_http = templates.to_vec();
        with_http.push(t(
            TemplateKind::MqttHttp,
            json!({ "httpUrl": "http://h", "mqttClientId": "dev" }),
        ));
        assert_eq!(groups(&with_http), [vec![0, 1, 2, 5], vec![3], vec![4]]);
    }
}
