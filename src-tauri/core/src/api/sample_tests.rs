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
    }
    let failing: Vec<_> = runs.iter().filter(|r| r.fail > 0).collect();
    assert_eq!(failing.len(), 1, "one run shows the expired certificate");
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
