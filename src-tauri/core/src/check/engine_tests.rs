//! Engine behaviour no real peer shows on demand: a run cancelled while a peer stays silent,
//! a connection reset the moment it is accepted, and names that do not resolve (through the
//! injectable resolver, so no test asks the machine's DNS for a name that must fail).

use super::{run_templates, RunContext, StepProgress};
use crate::catalog::TemplateKind;
use crate::model::TemplateInstance;
use crate::report::{DiagnosisCode, Verdict};
use std::sync::{Arc, Mutex};
use std::time::Duration;

fn template(kind: TemplateKind, body: serde_json::Value) -> TemplateInstance {
    TemplateInstance {
        kind,
        body: body.as_object().unwrap().clone(),
    }
}

fn mqtt_tcp(host: &str, port: u16) -> TemplateInstance {
    template(
        TemplateKind::MqttTcp,
        serde_json::json!({ "mqttHostName": host, "mqttTcpPort": port.to_string(),
            "mqttUserName": "u", "mqttPassword": "p", "mqttClientId": "c",
            "mqttReqTopicName": "req", "mqttDataTopicName": "data" }),
    )
}

fn mqtt_http(url: &str) -> TemplateInstance {
    template(
        TemplateKind::MqttHttp,
        serde_json::json!({ "httpUrl": url, "mqttUserName": "u", "mqttPassword": "p",
            "mqttClientId": "c2", "mqttDataTopicName": "data" }),
    )
}

#[tokio::test]
async fn a_cancelled_run_ends_promptly_with_cancelled_checks() {
    // Accepts and never answers: the CONNACK wait would last the whole rung timeout.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let ctx = RunContext::new(Duration::from_secs(30));
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let started = std::time::Instant::now();
    let templates = [mqtt_tcp("127.0.0.1", port)];
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "cancel was not prompt"
    );
    let check = &report.checks[0];
    assert_eq!(
        (check.code, check.verdict),
        (DiagnosisCode::Cancelled, Verdict::Skipped)
    );
    // Nothing failed, yet a run cut short is not a pass.
    assert_eq!(report.summary.fail, 0);
    assert!(report.was_cancelled() && !report.passed());
    drop(silent);
}

#[tokio::test]
async fn a_check_that_panics_is_an_internal_error_and_the_others_still_report() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut panicking = mqtt_tcp("127.0.0.1", port);
    panicking.body.insert("testPanic".into(), true.into());
    panicking
        .body
        .insert("mqttClientId".into(), "another-client".into());
    let templates = [panicking, mqtt_tcp("127.0.0.1", port)];
    let ctx = RunContext::new(Duration::from_millis(500));
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    assert_eq!(report.checks.len(), 2, "a check dropped out of the report");
    let codes: Vec<_> = report.checks.iter().map(|c| (c.code, c.verdict)).collect();
    assert_eq!(
        codes,
        [
            (DiagnosisCode::InternalError, Verdict::Fail),
            (DiagnosisCode::TcpRefused, Verdict::Fail)
        ]
    );
    assert!(report.checks[0]
        .evidence
        .contains("test panic inside a check"));
    assert!(report.has_internal_error() && !report.passed());
}

#[tokio::test]
async fn a_cancel_before_the_next_check_of_a_group_skips_it() {
    // Two checks with one client id on one broker run one after another; a cancel that
    // lands during the first leaves the second unstarted and cancelled too.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let ctx = RunContext::new(Duration::from_secs(30));
    let cancel = ctx.cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(200)).await;
        cancel.cancel();
    });
    let mut tls = mqtt_tcp("127.0.0.1", port);
    tls.kind = TemplateKind::MqttTls;
    tls.body
        .insert("mqttSslPort".into(), port.to_string().into());
    let templates = [mqtt_tcp("127.0.0.1", port), tls];
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    assert!(report
        .checks
        .iter()
        .all(|c| c.code == DiagnosisCode::Cancelled));
    assert_eq!(report.checks.len(), 2);
    drop(silent);
}

#[tokio::test]
async fn names_that_do_not_resolve_fail_at_the_dns_rung() {
    let mut ctx = RunContext::new(Duration::from_millis(300));
    ctx.resolver = crate::net::Resolver::Fixed(Default::default());
    let templates = [
        mqtt_tcp("broker.invalid", 1883),
        mqtt_http("http://publish.invalid/mqtt/publish"),
    ];
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    for check in &report.checks {
        assert_eq!(check.code, DiagnosisCode::DnsFailed, "{check:?}");
        assert_eq!(check.steps[0].name, "dns");
        assert!(check.reproduce.starts_with("getent ahosts "));
    }
}

#[tokio::test]
async fn every_rung_is_reported_as_it_finishes_with_the_template_position() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let seen: Arc<Mutex<Vec<StepProgress>>> = Arc::default();
    let mut ctx = RunContext::new(Duration::from_millis(500));
    let sink = seen.clone();
    ctx.progress = Some(Arc::new(move |p| sink.lock().unwrap().push(p.clone())));
    let templates = [
        mqtt_http(&format!("http://127.0.0.1:{port}/p")),
        mqtt_tcp("127.0.0.1", port),
    ];
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    assert!(report
        .checks
        .iter()
        .all(|c| c.code == DiagnosisCode::TcpRefused));
    let seen = seen.lock().unwrap();
    let rungs: Vec<(usize, &str, bool)> = {
        let mut r: Vec<_> = seen
            .iter()
            .map(|p| (p.index, p.step.name.as_str(), p.step.ok))
            .collect();
        r.sort();
        r
    };
    assert_eq!(
        rungs,
        [
            (0, "dns", true),
            (0, "tcp", false),
            (1, "dns", true),
            (1, "tcp", false)
        ]
    );
}

#[tokio::test]
async fn a_peer_that_resets_on_accept_is_a_reset_in_the_port_sweep() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            // SO_LINGER 0 turns the close into an RST.
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    let ctx = RunContext::new(Duration::from_millis(500));
    let specs = super::ports::parse_specs(&format!("mqtt={port}")).unwrap();
    let report = super::ports::sweep("127.0.0.1", &specs, &ctx, |_| {}).await;
    assert_eq!(
        report.checks[0].code,
        DiagnosisCode::TcpReset,
        "{:?}",
        report.checks[0]
    );
}

#[tokio::test]
async fn a_check_that_outlasts_its_budget_fails_with_timeout() {
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let mut ctx = RunContext::new(Duration::from_secs(20));
    ctx.check_budget = Duration::from_millis(300);
    let templates = [mqtt_tcp("127.0.0.1", port)];
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    let check = &report.checks[0];
    assert_eq!(
        (check.code, check.verdict),
        (DiagnosisCode::Timeout, Verdict::Fail)
    );
    assert!(
        check.evidence.contains("budget of 300 ms"),
        "{}",
        check.evidence
    );
    drop(silent);
}

/// Accepts, reads the client's first bytes, then resets the connection (SO_LINGER 0): the
/// TCP handshake surely completed, so only the read or write can see the reset.
async fn reset_after_first_bytes() -> u16 {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buf = [0u8; 1024];
            let _ = stream.read(&mut buf).await;
            #[allow(deprecated)]
            let _ = stream.set_linger(Some(Duration::ZERO));
            drop(stream);
        }
    });
    port
}

#[tokio::test]
async fn a_reset_after_accept_is_tcp_reset_in_probes_and_ladders() {
    let port = reset_after_first_bytes().await;
    let ctx = RunContext::new(Duration::from_millis(800));
    for service in ["http", "mqtt"] {
        let specs = super::ports::parse_specs(&format!("{service}={port}")).unwrap();
        let report = super::ports::sweep("127.0.0.1", &specs, &ctx, |_| {}).await;
        let check = &report.checks[0];
        assert_eq!(check.code, DiagnosisCode::TcpReset, "{service}: {check:?}");
        assert!(
            check
                .evidence
                .contains("accepted the connection, then reset it"),
            "{}",
            check.evidence
        );
    }
    // Over TLS a reset cannot be told from a plain service dropping the ClientHello: the
    // words name both.
    for service in ["https", "mqtts"] {
        let specs = super::ports::parse_specs(&format!("{service}={port}")).unwrap();
        let report = super::ports::sweep("127.0.0.1", &specs, &ctx, |_| {}).await;
        let check = &report.checks[0];
        assert_eq!(
            check.code,
            DiagnosisCode::TlsProtocol,
            "{service}: {check:?}"
        );
        assert!(
            check.evidence.contains("reset during the TLS handshake"),
            "{}",
            check.evidence
        );
    }
    let mut tls = mqtt_tcp("127.0.0.1", port);
    tls.kind = TemplateKind::MqttTls;
    tls.body
        .insert("mqttSslPort".into(), port.to_string().into());
    tls.body.insert("mqttClientId".into(), "tls-client".into());
    let templates = [mqtt_tcp("127.0.0.1", port), tls];
    let report = run_templates(&templates, serde_json::json!({}), &ctx, |_| {}).await;
    let codes: Vec<_> = report.checks.iter().map(|c| c.code).collect();
    assert_eq!(
        codes,
        [DiagnosisCode::TcpReset, DiagnosisCode::TlsProtocol],
        "{report:?}"
    );
    assert!(report.checks[1]
        .evidence
        .contains("reset during the TLS handshake"));
}

#[tokio::test]
async fn an_http_url_in_an_mqtt_https_template_is_input_invalid_not_a_plain_run() {
    let mut https = mqtt_http("http://127.0.0.1:9/mqtt/publish");
    https.kind = TemplateKind::MqttHttps;
    let url = https.body.remove("httpUrl").unwrap();
    https.body.insert("httpsUrl".into(), url);
    let ctx = RunContext::new(Duration::from_millis(300));
    let report = run_templates(&[https], serde_json::json!({}), &ctx, |_| {}).await;
    let check = &report.checks[0];
    assert_eq!(check.code, DiagnosisCode::InputInvalid, "{check:?}");
    assert!(
        check.evidence.contains("httpsUrl") && check.evidence.contains("use https://"),
        "{}",
        check.evidence
    );
    assert!(check.steps.is_empty(), "it ran: {:?}", check.steps);
}
