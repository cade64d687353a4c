//! Filling a template's placeholders in for one device: the device's value, else the
//! project's, else the catalog default (DESIGN.md §2). A known alias (`%LWM2M_PSK_IDENITY%`)
//! resolves as its canonical name. Anything left is an error naming each placeholder and
//! the JSON pointer where it sits. Substitution is one pass: a value is never re-scanned,
//! so a value that contains `%…%` cannot loop or inject another variable.

use crate::catalog::canonical_placeholder;
pub use crate::model::Variables;
use crate::model::{expand, DEVICE_TOKEN};
use crate::template::{pointer_segment, scan, substitute};
use crate::{ApiError, ErrorCode};
use serde::Serialize;
use serde_json::{Map, Value};
use std::borrow::Cow;
use ts_rs::TS;

/// Where a rendered value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ValueSource {
    Device,
    Project,
    Default,
}

/// The variables one render sees.
#[derive(Debug, Clone, Copy)]
pub struct Scopes<'a> {
    pub device: &'a Variables,
    pub project: &'a Variables,
    /// The device's name, which expands `{device}` in project values (patterns).
    pub device_name: Option<&'a str>,
}

impl<'a> Scopes<'a> {
    pub fn new(device: &'a Variables, project: &'a Variables) -> Self {
        Scopes {
            device,
            project,
            device_name: None,
        }
    }

    pub fn for_device(mut self, name: &'a str) -> Self {
        self.device_name = Some(name);
        self
    }

    /// The value of `name` and where it came from. The name is tried as written, then as its
    /// canonical name when it is an alias, at each level in turn.
    pub fn lookup(&self, name: &str) -> Option<(Cow<'a, str>, ValueSource)> {
        let canonical = canonical_placeholder(name);
        let names = std::iter::once(name).chain(canonical.map(|p| p.name));
        for (vars, source) in [
            (self.device, ValueSource::Device),
            (self.project, ValueSource::Project),
        ] {
            for candidate in names.clone() {
                if let Some(value) = vars.get(candidate) {
                    let value = match (source, self.device_name) {
                        (ValueSource::Project, Some(device)) if value.contains(DEVICE_TOKEN) => {
                            Cow::Owned(expand(value, device))
                        }
                        _ => Cow::Borrowed(value.as_str()),
                    };
                    return Some((value, source));
                }
            }
        }
        canonical
            .and_then(|p| p.default)
            .map(|d| (Cow::Borrowed(d), ValueSource::Default))
    }
}

/// The names of the `%PLACEHOLDER%`s in `text`, in order (one may repeat): what a value
/// will ask the scopes for.
pub fn placeholder_names(text: &str) -> impl Iterator<Item = String> {
    scan(text).into_iter().map(|r| r.name)
}

/// A placeholder that no level gave a value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Unresolved {
    pub placeholder: String,
    /// JSON pointer of the value that holds it.
    pub pointer: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{} without a value: {}", plural(.0.len()), describe(.0))]
    Unresolved(Vec<Unresolved>),
}

pub type Result<T> = std::result::Result<T, Error>;

fn plural(n: usize) -> String {
    if n == 1 {
        "1 placeholder".into()
    } else {
        format!("{n} placeholders")
    }
}

fn describe(items: &[Unresolved]) -> String {
    items
        .iter()
        .map(|u| format!("%{}% at {}", u.placeholder, u.pointer))
        .collect::<Vec<_>>()
        .join(", ")
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError::new(ErrorCode::InputInvalid, err.to_string())
    }
}

/// Renders every string inside `value` (objects and arrays recursively; keys are never
/// rendered). `pointer` is the JSON pointer of `value`, used in the error.
pub fn render_value(value: &Value, pointer: &str, scopes: Scopes<'_>) -> Result<Value> {
    let mut missing = Vec::new();
    let rendered = render_into(value, pointer, scopes, &mut missing);
    if missing.is_empty() {
        Ok(rendered)
    } else {
        Err(Error::Unresolved(missing))
    }
}

/// Renders a template body or data block; see [`render_value`].
pub fn render_object(
    body: &Map<String, Value>,
    pointer: &str,
    scopes: Scopes<'_>,
) -> Result<Map<String, Value>> {
    match render_value(&Value::Object(body.clone()), pointer, scopes)? {
        Value::Object(map) => Ok(map),
        _ => unreachable!("rendering keeps the shape of the value"),
    }
}

fn render_into(
    value: &Value,
    pointer: &str,
    scopes: Scopes<'_>,
    missing: &mut Vec<Unresolved>,
) -> Value {
    match value {
        Value::String(text) => {
            for token in scan(text) {
                if scopes.lookup(&token.name).is_none() {
                    missing.push(Unresolved {
                        placeholder: token.name,
                        pointer: pointer.to_string(),
                    });
                }
            }
            Value::String(substitute(text, |name| {
                scopes.lookup(name).map(|(v, _)| v.into_owned())
            }))
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| render_into(item, &format!("{pointer}/{i}"), scopes, missing))
                .collect(),
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let child = format!("{pointer}/{}", pointer_segment(k));
                    (k.clone(), render_into(v, &child, scopes, missing))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// What a masked secret shows instead of its value.
pub const MASK: &str = "••••••••";

/// A model's templates and data blocks filled in for one device.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RenderedModel {
    pub templates: Vec<crate::model::TemplateInstance>,
    pub data_blocks: Vec<crate::model::DataBlock>,
}

/// Renders a whole model. Unless `reveal`, every value that is or holds a secret — a secret
/// field, or any string that used a secret placeholder — shows [`MASK`] instead.
pub fn render_model(
    model: &crate::model::Model,
    scopes: Scopes<'_>,
    reveal: bool,
) -> Result<RenderedModel> {
    let mut missing = Vec::new();
    let mut templates = Vec::new();
    for (i, t) in model.templates.iter().enumerate() {
        let mut body = Map::new();
        for (key, value) in &t.body {
            let pointer = format!("/templates/{i}/{}", pointer_segment(key));
            let mut rendered = render_into(value, &pointer, scopes, &mut missing);
            let secret_field = t.kind.field_ignoring_case(key).is_some_and(|f| f.secret);
            if !reveal && (secret_field || holds_secret(value)) {
                rendered = Value::String(MASK.into());
            }
            body.insert(key.clone(), rendered);
        }
        templates.push(crate::model::TemplateInstance { kind: t.kind, body });
    }
    let mut data_blocks = Vec::new();
    for (i, b) in model.data_blocks.iter().enumerate() {
        let pointer = format!("/dataBlocks/{i}/body");
        let rendered = render_into(
            &Value::Object(b.body.clone()),
            &pointer,
            scopes,
            &mut missing,
        );
        let masked = if reveal {
            rendered
        } else {
            mask_where_secret(&Value::Object(b.body.clone()), rendered)
        };
        let Value::Object(body) = masked else {
            unreachable!("rendering keeps the shape")
        };
        data_blocks.push(crate::model::DataBlock {
            name: b.name.clone(),
            body,
        });
    }
    if missing.is_empty() {
        Ok(RenderedModel {
            templates,
            data_blocks,
        })
    } else {
        Err(Error::Unresolved(missing))
    }
}

fn holds_secret(value: &Value) -> bool {
    value.as_str().is_some_and(|s| {
        scan(s)
            .iter()
            .any(|t| canonical_placeholder(&t.name).is_some_and(|p| p.secret))
    })
}

/// Replaces, in `rendered`, every string whose source string in `original` used a secret.
fn mask_where_secret(original: &Value, rendered: Value) -> Value {
    match (original, rendered) {
        (Value::Object(o), Value::Object(r)) => Value::Object(
            r.into_iter()
                .map(|(k, v)| {
                    let v = match o.get(&k) {
                        Some(orig) => mask_where_secret(orig, v),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (Value::Array(o), Value::Array(r)) => Value::Array(
            r.into_iter()
                .zip(o)
                .map(|(v, orig)| mask_where_secret(orig, v))
                .collect(),
        ),
        (orig, _) if holds_secret(orig) => Value::String(MASK.into()),
        (_, rendered) => rendered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::TemplateKind;
    use serde_json::json;

    fn vars(pairs: &[(&str, &str)]) -> Variables {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn device_beats_project_beats_default() {
        let device = vars(&[("MQTT_TCP_PORT", "11883")]);
        let project = vars(&[("MQTT_TCP_PORT", "21883"), ("MQTT_HOST", "broker")]);
        let scopes = Scopes::new(&device, &project);
        assert_eq!(
            scopes.lookup("MQTT_TCP_PORT"),
            Some(("11883".into(), ValueSource::Device))
        );
        assert_eq!(
            scopes.lookup("MQTT_HOST"),
            Some(("broker".into(), ValueSource::Project))
        );
        assert_eq!(
            scopes.lookup("MQTT_SSL_PORT"),
            Some(("8883".into(), ValueSource::Default))
        );
        assert_eq!(scopes.lookup("MQTT_PASSWORD"), None);
    }

    #[test]
    fn the_misspelled_identity_renders_from_the_canonical_variable() {
        let device = vars(&[("LWM2M_PSK_IDENTITY", "meter-1")]);
        let empty = Variables::new();
        let scopes = Scopes::new(&device, &empty);
        let out = render_value(&json!("%LWM2M_PSK_IDENITY%"), "/x", scopes).unwrap();
        assert_eq!(out, "meter-1");
    }

    #[test]
    fn a_whole_body_renders_in_place_keeping_key_order() {
        let device = vars(&[
            ("MQTT_USERNAME", "u"),
            ("MQTT_PASSWORD", "p"),
            ("MQTT_CLIENT_ID", "c"),
        ]);
        let project = vars(&[
            ("MQTT_HOST", "h"),
            ("MQTT_CA_CERT", "PEM"),
            ("MQTT_REQ_TOPIC", "req"),
            ("MQTT_RESP_TOPIC", "resp"),
            ("MQTT_DATA_TOPIC", "data"),
            ("REMOTE_NETWORK", "7f3a"),
        ]);
        let body = TemplateKind::MqttTls.canonical_body();
        let out = render_object(&body, "", Scopes::new(&device, &project)).unwrap();
        assert_eq!(
            out.keys().collect::<Vec<_>>(),
            body.keys().collect::<Vec<_>>()
        );
        assert_eq!(out["mqttSslPort"], "8883");
        assert_eq!(out["mqttPassword"], "p");
    }

    #[test]
    fn every_unresolved_placeholder_is_named_with_its_pointer() {
        let empty = Variables::new();
        let scopes = Scopes::new(&empty, &empty);
        let value = json!({"a": "%X%-%Y%", "list": ["ok", {"b/c": "%Z%"}], "n": 3});
        let err = render_value(&value, "/blocks/0", scopes).unwrap_err();
        assert_eq!(
            err.to_string(),
            "3 placeholders without a value: %X% at /blocks/0/a, %Y% at /blocks/0/a, %Z% at /blocks/0/list/1/b~1c"
        );
    }

    #[test]
    fn project_patterns_expand_with_the_device_name() {
        let project = vars(&[("MQTT_CLIENT_ID", "acme-{device}")]);
        let empty = Variables::new();
        let scopes = Scopes::new(&empty, &project).for_device("meter-9");
        let out = render_value(&json!("%MQTT_CLIENT_ID%/req"), "", scopes).unwrap();
        assert_eq!(out, "acme-meter-9/req");
        let without_name = Scopes::new(&empty, &project);
        assert_eq!(
            render_value(&json!("%MQTT_CLIENT_ID%"), "", without_name).unwrap(),
            "acme-{device}"
        );
    }

    #[test]
    fn a_rendered_model_masks_secrets_unless_revealed() {
        use crate::model::{DataBlock, Model, TemplateInstance};
        let model = Model {
            name: "m".into(),
            templates: vec![TemplateInstance::canonical(TemplateKind::MqttTcp)],
            data_blocks: vec![DataBlock {
                name: "b".into(),
                body: json!({"auth": "user:%MQTT_PASSWORD%", "plain": ["%MQTT_CLIENT_ID%"]})
                    .as_object()
                    .unwrap()
                    .clone(),
            }],
            ..Model::default()
        };
        let device = vars(&[
            ("MQTT_USERNAME", "u"),
            ("MQTT_PASSWORD", "hunter2"),
            ("MQTT_CLIENT_ID", "c"),
        ]);
        let project = vars(&[
            ("MQTT_HOST", "h"),
            ("MQTT_REQ_TOPIC", "q"),
            ("MQTT_RESP_TOPIC", "r"),
            ("MQTT_DATA_TOPIC", "d"),
            ("REMOTE_NETWORK", "7f"),
        ]);
        let scopes = Scopes::new(&device, &project);
        let masked = render_model(&model, scopes, false).unwrap();
        let text = serde_json::to_string(&masked).unwrap();
        assert!(!text.contains("hunter2"), "{text}");
        assert_eq!(masked.templates[0].body["mqttPassword"], MASK);
        assert_eq!(masked.data_blocks[0].body["auth"], MASK);
        assert_eq!(masked.data_blocks[0].body["plain"][0], "c");
        let revealed = render_model(&model, scopes, true).unwrap();
        assert_eq!(revealed.templates[0].body["mqttPassword"], "hunter2");
        assert_eq!(revealed.data_blocks[0].body["auth"], "user:hunter2");
    }

    #[test]
    fn values_are_not_rendered_twice() {
        let device = vars(&[("A", "%B%"), ("B", "boom")]);
        let empty = Variables::new();
        let scopes = Scopes::new(&device, &empty);
        assert_eq!(render_value(&json!("%A%"), "", scopes).unwrap(), "%B%");
    }
}
