//! Filling in a new device, as the reference promises ("the values will fill in
//! automatically for the new device"): device-scope values follow patterns the project sets,
//! and passwords and PSKs can be generated fresh.
//!
//! A pattern is a project variable of a device-scope placeholder whose value contains
//! `{device}`, e.g. `MQTT_CLIENT_ID = acme-{device}` or `LWM2M_ENDPOINT = urn:dev:{device}`.
//! It is expanded with the device's name when the device is created, so each device holds
//! its own explicit value; rendering expands it too for devices that lack the value.

use crate::catalog::{canonical_placeholder, Scope, ValueType};
use crate::model::Model;
use crate::model::Variables;
use crate::template::scan;
use std::collections::BTreeSet;

use crate::model::{expand, DEVICE_TOKEN};

/// Canonical names of the device-scope placeholders a model's templates and data blocks use.
pub fn device_placeholders(model: &Model) -> BTreeSet<&'static str> {
    let mut names = BTreeSet::new();
    let mut visit = |text: &str| {
        for token in scan(text) {
            if let Some(spec) = canonical_placeholder(&token.name) {
                if spec.scope == Scope::Device {
                    names.insert(spec.name);
                }
            }
        }
    };
    for t in &model.templates {
        t.body
            .values()
            .filter_map(|v| v.as_str())
            .for_each(&mut visit);
    }
    for b in &model.data_blocks {
        walk_strings(&serde_json::Value::Object(b.body.clone()), &mut visit);
    }
    names
}

fn walk_strings(value: &serde_json::Value, visit: &mut impl FnMut(&str)) {
    match value {
        serde_json::Value::String(s) => visit(s),
        serde_json::Value::Array(a) => a.iter().for_each(|v| walk_strings(v, visit)),
        serde_json::Value::Object(o) => o.values().for_each(|v| walk_strings(v, visit)),
        _ => {}
    }
}

/// The text placeholder whose generated value a hex twin encodes.
fn hex_twin_of(name: &str) -> Option<&'static str> {
    match name {
        "LWM2M_PSK_VALUE_HEX" => Some("LWM2M_PSK_VALUE"),
        "LWM2M_BS_PSK_VALUE_HEX" => Some("LWM2M_BS_PSK_VALUE"),
        _ => None,
    }
}

/// Values for a new device named `device` of `model`: project patterns expanded, and — with
/// `generate_secrets` — fresh printable passwords and PSKs (with their hex twins agreeing).
/// Values the caller gives in `given` win and are not overwritten.
pub fn fill(
    model: &Model,
    project: &Variables,
    device: &str,
    given: &Variables,
    generate_secrets: bool,
) -> Result<Variables, getrandom::Error> {
    let mut names = device_placeholders(model);
    let mut out = given.clone();
    if generate_secrets {
        // A generated text PSK always brings its hex twin, so that fixing the bootstrap
        // template's quirk later (lint: use %LWM2M_BS_PSK_VALUE_HEX%) needs no new value.
        for (hex, text) in [
            ("LWM2M_PSK_VALUE_HEX", "LWM2M_PSK_VALUE"),
            ("LWM2M_BS_PSK_VALUE_HEX", "LWM2M_BS_PSK_VALUE"),
        ] {
            if names.contains(text) || names.contains(hex) {
                names.insert(text);
                names.insert(hex);
            }
        }
    }
    for name in &names {
        if out.contains_key(*name) {
            continue;
        }
        if let Some(pattern) = project.get(*name).filter(|p| p.contains(DEVICE_TOKEN)) {
            out.insert(name.to_string(), expand(pattern, device));
        }
    }
    if generate_secrets {
        for name in &names {
            let spec = canonical_placeholder(name).expect("names come from the catalog");
            let generatable =
                spec.secret && spec.value_type == ValueType::Text && !name.starts_with("OTA_");
            if generatable && !out.contains_key(*name) {
                out.insert(name.to_string(), crate::secret::generate_printable()?);
            }
        }
        for name in &names {
            if let Some(text) = hex_twin_of(name) {
                if !out.contains_key(*name) {
                    if let Some(value) = out.get(text) {
                        let hex = crate::codec::hex::text_to_hex(value);
                        out.insert(name.to_string(), hex);
                    }
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::TemplateKind;
    use crate::model::TemplateInstance;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn model(kinds: &[TemplateKind]) -> Model {
        Model {
            name: "m".into(),
            templates: kinds
                .iter()
                .map(|k| TemplateInstance::canonical(*k))
                .collect(),
            ..Model::default()
        }
    }

    #[test]
    fn project_patterns_fill_device_values() {
        let m = model(&[TemplateKind::MqttTcp, TemplateKind::Lwm2mNosec]);
        let project = vars(&[
            ("MQTT_CLIENT_ID", "acme-{device}"),
            ("LWM2M_ENDPOINT", "urn:dev:{device}"),
            ("MQTT_USERNAME", "fixed-user"),
            ("MQTT_HOST", "{device}.example"),
        ]);
        let out = fill(&m, &project, "meter-7", &Variables::new(), false).unwrap();
        assert_eq!(
            out,
            vars(&[
                ("LWM2M_ENDPOINT", "urn:dev:meter-7"),
                ("MQTT_CLIENT_ID", "acme-meter-7")
            ])
        );
    }

    #[test]
    fn given_values_win_over_patterns_and_generation() {
        let m = model(&[TemplateKind::MqttTcp]);
        let project = vars(&[("MQTT_CLIENT_ID", "acme-{device}")]);
        let given = vars(&[("MQTT_CLIENT_ID", "mine"), ("MQTT_PASSWORD", "pw")]);
        let out = fill(&m, &project, "d", &given, true).unwrap();
        assert_eq!(out["MQTT_CLIENT_ID"], "mine");
        assert_eq!(out["MQTT_PASSWORD"], "pw");
    }

    #[test]
    fn generated_psks_agree_with_their_hex_twins() {
        let m = model(&[
            TemplateKind::Lwm2mPsk,
            TemplateKind::Lwm2mBootstrapPsk,
            TemplateKind::MqttTls,
        ]);
        let out = fill(&m, &Variables::new(), "d", &Variables::new(), true).unwrap();
        for (text, hex) in [
            ("LWM2M_PSK_VALUE", "LWM2M_PSK_VALUE_HEX"),
            ("LWM2M_BS_PSK_VALUE", "LWM2M_BS_PSK_VALUE_HEX"),
        ] {
            assert_eq!(out[text].len(), crate::secret::GENERATED_LEN);
            assert_eq!(crate::codec::hex::text_to_hex(&out[text]), out[hex]);
        }
        assert_eq!(out["MQTT_PASSWORD"].len(), crate::secret::GENERATED_LEN);
        assert_ne!(out["LWM2M_PSK_VALUE"], out["LWM2M_BS_PSK_VALUE"]);
        assert!(!out.contains_key("OTA_PRIVATE_KEY"));
    }

    #[test]
    fn nothing_is_generated_unless_asked() {
        let m = model(&[TemplateKind::MqttTls]);
        assert!(fill(&m, &Variables::new(), "d", &Variables::new(), false)
            .unwrap()
            .is_empty());
    }
}
