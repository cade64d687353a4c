//! The sample project: what it holds, that it lints clean and keeps its secrets sealed, and
//! that a name already taken is refused with nothing written.

use super::*;
use crate::api::{has_errors, lint_stored_device, render_device};
use crate::catalog::TemplateKind;
use std::collections::BTreeSet;

fn studio(dir: &tempfile::TempDir) -> Studio {
    Studio::open_with_key_file(&dir.path().join("sample.db")).unwrap()
}

#[test]
fn the_sample_uses_every_kind_and_lints_clean() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = studio(&dir);
    let summary = create_sample_project(&mut studio, SAMPLE_PROJECT).unwrap();
    assert_eq!(
        summary,
        SampleSummary {
            project: SAMPLE_PROJECT.into(),
            models: 4,
            devices: 174,
            runs: 3
        }
    );
    let models = studio.list_models(SAMPLE_PROJECT).unwrap();
    let mut kinds = BTreeSet::new();
    let mut blocks = 0;
    for m in &models {
        let model = studio.model(SAMPLE_PROJECT, &m.name).unwrap();
        kinds.extend(model.templates.iter().map(|t| t.kind));
        blocks += model.data_blocks.len();
    }
    assert_eq!(
        kinds.len(),
        TemplateKind::ALL.len(),
        "all nine kinds: {kinds:?}"
    );
    assert_eq!(blocks, 1);
    let devices = studio.list_devices(SAMPLE_PROJECT, None).unwrap();
    assert_eq!(devices.len(), 174);
    for device in &devices {
        let findings = lint_stored_device(&mut studio, SAMPLE_PROJECT, &device.name).unwrap();
        assert!(!has_errors(&findings), "{}: {findings:?}", device.name);
    }
}

#[test]
fn each_device_has_its_own_identity_and_the_secrets_are_sealed() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = studio(&dir);
    create_sample_project(&mut studio, "Demo").unwrap();
    let (_, a) = render_device(&mut studio, "Demo", "meter-0042", true).unwrap();
    let (_, b) = render_device(&mut studio, "Demo", "meter-0043", true).unwrap();
    let field = |r: &crate::api::RenderedModel, kind: TemplateKind, key: &str| -> String {
        let t = r.templates.iter().find(|t| t.kind == kind).unwrap();
        t.body[key].as_str().unwrap().to_string()
    };
    let (psk_a, psk_b) = (
        field(&a, TemplateKind::Lwm2mPsk, "lwm2mPSKValue"),
        field(&b, TemplateKind::Lwm2mPsk, "lwm2mPSKValue"),
    );
    assert_ne!(psk_a, psk_b, "fresh PSKs per device");
    assert_eq!(
        field(&a, TemplateKind::Lwm2mPsk, "lwm2mPSKIdentity"),
        "meter-0042"
    );
    let cert = field(&a, TemplateKind::Ota, "otaCert");
    let der = rustls_pemfile::certs(&mut cert.as_bytes())
        .next()
        .unwrap()
        .unwrap();
    let (_, parsed) = x509_parser::parse_x509_certificate(&der).unwrap();
    assert_eq!(parsed.subject().to_string(), "CN=meter-0042");
    let key = field(&a, TemplateKind::Ota, "otaPrivateKey");
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));

    // Nothing secret is in the database file in plain text.
    drop(studio);
    let mut bytes = std::fs::read(dir.path().join("sample.db")).unwrap();
    bytes.extend(std::fs::read(dir.path().join("sample.db-wal")).unwrap_or_default());
    let db = String::from_utf8_lossy(&bytes);
    let key_line = key.lines().nth(1).unwrap();
    assert!(!db.contains(&psk_a), "a PSK in plain text");
    assert!(!db.contains(key_line), "a private key in plain text");
}

#[test]
fn the_runs_are_marked_as_samples() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = studio(&dir);
    create_sample_project(&mut studio, SAMPLE_PROJECT).unwrap();
    let runs = studio.list_runs(SAMPLE_PROJECT).unwrap();
    assert_eq!(runs.len(), 3);
    for run in &runs {
        let report = studio.run_report(run.id).unwrap();
        assert_eq!(report.target["sample"], true);
        assert!(report
            .checks
            .iter()
            .all(|c| c.evidence.contains("Sample run")));
        let steps = report.checks.iter().flat_map(|c| &c.steps);
        assert!(steps.clone().all(|s| s.detail["sample"] == true));
        // TEST-NET-3 addresses only: nothing a device could reach.
        for step in steps.filter(|s| s.name == "dns") {
            let address = step.detail["addresses"][0].as_str().unwrap();
            assert!(address.starts_with("203.0.113."), "{address}");
        }
    }
    let failing: Vec<_> = runs.iter().filter(|r| r.fail > 0).collect();
    assert_eq!(failing.len(), 1, "one run shows the expired certificate");
}

/// The failing run tells the story the Test tab shows: the leaf ran out after the passing
/// run and before the failing one, the TLS rung recorded the chain it was sent, and the
/// reproduce command names the host, not a secret.
#[test]
fn the_failing_run_holds_the_expired_chain_between_the_two_runs() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = studio(&dir);
    create_sample_project(&mut studio, SAMPLE_PROJECT).unwrap();
    let runs = studio.list_runs(SAMPLE_PROJECT).unwrap();
    let of_meter: Vec<_> = runs.iter().filter(|r| r.device == "meter-0042").collect();
    let (failing, passing) = (of_meter[0], of_meter[1]);
    assert!(
        failing.fail == 1 && passing.fail == 0,
        "newest first: {of_meter:?}"
    );
    let report = studio.run_report(failing.id).unwrap();
    let check = report.checks.iter().find(|c| c.kind == "mqtt-tls").unwrap();
    assert_eq!(check.code, crate::report::DiagnosisCode::TlsExpired);
    let tls = check.steps.last().unwrap();
    assert_eq!((tls.name.as_str(), tls.ok), ("tls", false));
    let chain = tls.detail["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 3);
    let expiry = chain[0]["notAfter"].as_str().unwrap();
    let parse = |t: &str| humantime::parse_rfc3339_weak(t.trim_end_matches('Z')).unwrap();
    let started = |iso: &str| parse(iso.split('.').next().unwrap());
    assert!(started(&passing.started_at) < parse(expiry));
    assert!(parse(expiry) < started(&failing.started_at));
    assert_eq!(
        chain[2]["subject"], chain[2]["issuer"],
        "a self-signed root"
    );
    assert!(check
        .reproduce
        .starts_with("openssl s_client -connect mqtt.acme.example:8883"));
    assert!(check.evidence.contains(expiry));
}

#[test]
fn a_taken_name_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let mut studio = studio(&dir);
    assert_eq!(free_sample_name(&studio).unwrap(), SAMPLE_PROJECT);
    create_sample_project(&mut studio, SAMPLE_PROJECT).unwrap();
    assert_eq!(free_sample_name(&studio).unwrap(), "Acme Meters 2");
    let err = create_sample_project(&mut studio, SAMPLE_PROJECT).unwrap_err();
    assert_eq!(err.code, ErrorCode::Conflict, "{err:?}");
    assert_eq!(studio.list_projects().unwrap().len(), 1);
    assert_eq!(studio.list_runs(SAMPLE_PROJECT).unwrap().len(), 3);
    let err = create_sample_project(&mut studio, "").unwrap_err();
    assert_eq!(err.code, ErrorCode::InputInvalid, "{err:?}");
    assert_eq!(studio.list_projects().unwrap().len(), 1);
}
