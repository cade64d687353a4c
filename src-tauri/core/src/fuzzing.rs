//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the tests that replay their
//! committed corpus, so that a crash found by the fuzzer stays a regression test.

use crate::interchange::{export_model, parse_json_bytes, parse_model};
use crate::lint::{lint_device, lint_model};
use crate::render::{render_model, Scopes, Variables};

/// Bytes → JSON → model → lint → render → export → parse again. Must never panic, and a
/// model that exports must read back to the same export.
pub fn template_pipeline(data: &[u8]) {
    let Ok(value) = parse_json_bytes("fuzz", data) else {
        return;
    };
    let Ok(document) = parse_model("fuzz", &value) else {
        return;
    };
    let model = document.into_model(None, "fuzz");
    let project: Variables = [
        ("MQTT_HOST", "broker.example"),
        ("MQTT_CLIENT_ID", "c-{device}"),
        ("REMOTE_NETWORK", "7f"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let device: Variables = [("MQTT_PASSWORD", "pw"), ("LWM2M_PSK_VALUE", "abc")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let _ = lint_model(&model, &project);
    let scopes = Scopes::new(&device, &project).for_device("d");
    let _ = lint_device(&model, scopes);
    let _ = render_model(&model, scopes, false);
    let exported = export_model(&model, true);
    let reread = parse_json_bytes("export", exported.as_bytes())
        .and_then(|v| parse_model("export", &v))
        .expect("an export always reads back");
    assert_eq!(
        export_model(&reread.into_model(None, "fuzz"), true),
        exported,
        "export → import → export must be stable"
    );
}
