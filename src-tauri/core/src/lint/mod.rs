//! The lint: findings about a model's templates, each with a stable code, a severity, the
//! JSON pointer it is about, a sentence, and a fix where the fix is obvious.
//!
//! Two passes share the rules. [`lint_model`] looks at the model as written (keys,
//! placeholder names and types, literal values); [`lint_device`] adds what only a device
//! shows: placeholders without a value, and the rendered values' types (ports, hex, PEM,
//! URLs, PSK text vs hex). Pointers are relative to the model: `/templates/2/mqttSslPort`,
//! `/dataBlocks/0/body/site`.

mod finding;
mod suggest;
mod values;

pub use finding::{Finding, Fix, FixEdit, LintCode, Severity};
pub use suggest::{closest_placeholder, edit_distance};
pub use values::check as check_value;

use crate::catalog::{canonical_placeholder, placeholder, TemplateKind, ValueType};
use crate::model::{Model, TemplateInstance};
use crate::psk::text_and_hex_agree;
use crate::render::{self, Scopes, Variables};
use crate::template::{pointer_segment, scan};
use serde_json::{Map, Value};

/// Whether any finding is an error (the CLI's `lint` exits 1 then).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// Lints a model as written. `project` holds the project's variables: a custom placeholder
/// the project defines is not "unknown".
pub fn lint_model(model: &Model, project: &Variables) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut seen: Vec<TemplateKind> = Vec::new();
    for (i, instance) in model.templates.iter().enumerate() {
        let base = format!("/templates/{i}");
        if seen.contains(&instance.kind) {
            findings.push(Finding::new(
                LintCode::KindDuplicate,
                &base,
                format!(
                    "a second {} template: a device can use each kind once",
                    instance.kind
                ),
            ));
        }
        seen.push(instance.kind);
        lint_template(instance, &base, project, &mut findings);
    }
    for (i, block) in model.data_blocks.iter().enumerate() {
        let base = format!("/dataBlocks/{i}/body");
        lint_placeholders_in(
            &Value::Object(block.body.clone()),
            &base,
            project,
            &mut findings,
        );
    }
    findings
}

/// Lints a model as one device would use it: [`lint_model`] plus unresolved placeholders and
/// the types of rendered values.
pub fn lint_device(model: &Model, scopes: Scopes<'_>) -> Vec<Finding> {
    let mut findings = lint_model(model, scopes.project);
    for (i, instance) in model.templates.iter().enumerate() {
        let base = format!("/templates/{i}");
        let rendered = match render::render_object(&instance.body, &base, scopes) {
            Ok(rendered) => rendered,
            Err(render::Error::Unresolved(items)) => {
                for item in items {
                    findings.push(Finding::new(
                        LintCode::PlaceholderUnresolved,
                        item.pointer,
                        format!(
                            "%{}% has no value: set it for the device or the project",
                            item.placeholder
                        ),
                    ));
                }
                continue;
            }
        };
        for (key, original) in &instance.body {
            let (Some(field), Some(Value::String(text))) =
                (instance.kind.field_ignoring_case(key), rendered.get(key))
            else {
                continue;
            };
            // Literal values were checked by lint_model already.
            let had_placeholder = original.as_str().is_some_and(|s| !scan(s).is_empty());
            if had_placeholder {
                let pointer = format!("{base}/{}", pointer_segment(key));
                if let Some((code, message)) = values::check(field.value_type, text) {
                    findings.push(Finding::new(
                        code,
                        &pointer,
                        format!("rendered value: {}", redact(field.secret, &message)),
                    ));
                }
                // The fix would write the rendered URL over the placeholder: none offered.
                if let Some(mut finding) = scheme_finding(instance.kind, key, text, &pointer) {
                    finding.fix = None;
                    finding.message = format!("rendered value: {}", finding.message);
                    findings.push(finding);
                }
            }
        }
        check_psk_pair(instance.kind, &rendered, &base, &mut findings);
    }
    findings
}

fn lint_template(
    instance: &TemplateInstance,
    base: &str,
    project: &Variables,
    findings: &mut Vec<Finding>,
) {
    let kind = instance.kind;
    for (key, value) in &instance.body {
        let pointer = format!("{base}/{}", pointer_segment(key));
        let field = match kind.field(key) {
            Some(field) => field,
            None => match kind.field_ignoring_case(key) {
                Some(field) => {
                    findings.push(
                        Finding::new(
                            LintCode::KeyCase,
                            &pointer,
                            format!("{key} is spelled {} in LoopCloud's templates", field.key),
                        )
                        .with_fix(
                            format!("Rename to {}", field.key),
                            FixEdit::RenameKey {
                                key: field.key.to_string(),
                            },
                        ),
                    );
                    field
                }
                None => {
                    findings.push(Finding::new(
                        LintCode::KeyUnknown,
                        &pointer,
                        format!("{kind} templates have no key {key}; LoopCloud ignores it"),
                    ));
                    lint_placeholders_in(value, &pointer, project, findings);
                    continue;
                }
            },
        };
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(_) | Value::Bool(_) => {
                let text = value.to_string();
                // A secret's value is never quoted back, not even a number.
                let shown = if field.secret {
                    json_type(value).to_string()
                } else {
                    text.clone()
                };
                findings.push(
                    Finding::new(
                        LintCode::ValueNotString,
                        &pointer,
                        format!(
                            "{key} holds {shown} without quotes; LoopCloud templates hold strings"
                        ),
                    )
                    .with_fix("Quote the value", FixEdit::QuoteValue),
                );
                text
            }
            _ => {
                findings.push(Finding::new(
                    LintCode::ValueNotString,
                    &pointer,
                    format!("{key} must be a string, not {}", json_type(value)),
                ));
                continue;
            }
        };
        let tokens = scan(&text);
        if tokens.is_empty() {
            if let Some((code, message)) = values::check(field.value_type, &text) {
                let mut finding = Finding::new(code, &pointer, redact(field.secret, &message));
                if code == LintCode::HostInvalid {
                    if let Some(host) = values::host_of_url(&text) {
                        finding = finding.with_fix(
                            format!("Use the host name {host}"),
                            FixEdit::ReplaceValue { value: host },
                        );
                    }
                }
                findings.push(finding);
            }
            if let Some(finding) = scheme_finding(kind, key, &text, &pointer) {
                findings.push(finding);
            }
        } else {
            lint_placeholders_in(value, &pointer, project, findings);
            for token in &tokens {
                let Some(spec) = canonical_placeholder(&token.name) else {
                    continue;
                };
                if !types_fit(field.value_type, spec.value_type) {
                    let mut finding = Finding::new(
                        LintCode::PlaceholderType,
                        &pointer,
                        format!(
                            "{key} needs {} but %{}% is {}",
                            type_words(field.value_type),
                            token.name,
                            type_words(spec.value_type)
                        ),
                    );
                    let hex_twin = format!("{}_HEX", spec.name);
                    if field.value_type == ValueType::Hex && placeholder(&hex_twin).is_some() {
                        finding = finding.with_fix(
                            format!("Use %{hex_twin}%"),
                            FixEdit::ReplaceValue {
                                value: text.replace(
                                    &format!("%{}%", token.name),
                                    &format!("%{hex_twin}%"),
                                ),
                            },
                        );
                    }
                    findings.push(finding);
                }
            }
        }
    }
    for field in kind.spec().fields {
        if !instance
            .body
            .keys()
            .any(|k| k.eq_ignore_ascii_case(field.key))
        {
            findings.push(
                Finding::new(
                    LintCode::KeyMissing,
                    format!("{base}/{}", pointer_segment(field.key)),
                    format!(
                        "{} is missing; LoopCloud's {kind} template has it",
                        field.key
                    ),
                )
                .with_fix(
                    format!("Add {} = {}", field.key, field.canonical),
                    FixEdit::AddKey {
                        value: field.canonical.to_string(),
                    },
                ),
            );
        }
    }
    check_psk_pair(kind, &instance.body, base, findings);
}

/// Placeholder names inside any JSON value: misspelled, unknown or aliased.
fn lint_placeholders_in(
    value: &Value,
    pointer: &str,
    project: &Variables,
    findings: &mut Vec<Finding>,
) {
    match value {
        Value::String(text) => {
            for token in scan(text) {
                let name = token.name.as_str();
                if placeholder(name).is_some() || project.contains_key(name) {
                    continue;
                }
                if let Some(spec) = canonical_placeholder(name) {
                    findings.push(
                        Finding::new(
                            LintCode::PlaceholderAlias,
                            pointer,
                            format!(
                                "%{name}% is a misspelling of %{}%; it renders, but rename it",
                                spec.name
                            ),
                        )
                        .with_fix(
                            format!("Rename to %{}%", spec.name),
                            FixEdit::ReplaceValue {
                                value: text
                                    .replace(&format!("%{name}%"), &format!("%{}%", spec.name)),
                            },
                        ),
                    );
                } else if let Some(suggestion) = closest_placeholder(name) {
                    findings.push(
                        Finding::new(
                            LintCode::PlaceholderMisspelled,
                            pointer,
                            format!("unknown placeholder %{name}%; did you mean %{suggestion}%?"),
                        )
                        .with_fix(
                            format!("Rename to %{suggestion}%"),
                            FixEdit::ReplaceValue {
                                value: text
                                    .replace(&format!("%{name}%"), &format!("%{suggestion}%")),
                            },
                        ),
                    );
                } else {
                    findings.push(Finding::new(
                        LintCode::PlaceholderUnknown,
                        pointer,
                        format!("%{name}% is not a LoopCloud placeholder; give it a value as a project or device variable"),
                    ));
                }
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                lint_placeholders_in(item, &format!("{pointer}/{i}"), project, findings);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                lint_placeholders_in(
                    v,
                    &format!("{pointer}/{}", pointer_segment(k)),
                    project,
                    findings,
                );
            }
        }
        _ => {}
    }
}

/// PSK text and hex fields that both hold literal keys must hold the same key.
fn check_psk_pair(
    kind: TemplateKind,
    body: &Map<String, Value>,
    base: &str,
    findings: &mut Vec<Finding>,
) {
    let (text_key, hex_key) = match kind {
        TemplateKind::Lwm2mPsk => ("lwm2mPSKValue", "lwm2mPSKValueHex"),
        TemplateKind::Lwm2mBootstrapPsk => ("lwm2mBsPSKValue", "lwm2mBsPSKValueHex"),
        _ => return,
    };
    let literal = |key: &str| {
        body.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .and_then(|(_, v)| v.as_str())
            .filter(|s| scan(s).is_empty())
    };
    if let (Some(text), Some(hex)) = (literal(text_key), literal(hex_key)) {
        if text_and_hex_agree(text, hex) == Some(false) {
            findings.push(Finding::new(
                LintCode::PskMismatch,
                format!("{base}/{hex_key}"),
                format!("{hex_key} and {text_key} hold different keys; checks use the hex one"),
            ));
        }
    }
}

/// An http:// URL where the kind publishes over TLS (or the other way round), with the
/// scheme swapped as the fix.
fn scheme_finding(kind: TemplateKind, key: &str, url: &str, pointer: &str) -> Option<Finding> {
    let wanted = kind.required_scheme(key)?;
    let (scheme, rest) = url.split_once("://")?;
    if scheme.eq_ignore_ascii_case(wanted) || !matches!(scheme, "http" | "https") {
        return None;
    }
    let fixed = format!("{wanted}://{rest}");
    Some(
        Finding::new(
            LintCode::UrlInvalid,
            pointer,
            format!(
                "{key} must be a {wanted}:// URL: a {kind} template is checked over {}",
                if wanted == "https" {
                    "TLS"
                } else {
                    "plain HTTP"
                }
            ),
        )
        .with_fix(
            format!("Use {wanted}://"),
            FixEdit::ReplaceValue { value: fixed },
        ),
    )
}

/// A problem with a secret's value is described without quoting any of it ("not valid
/// hex", not "'z' at position 2 is not a hex digit").
fn redact(secret: bool, message: &str) -> String {
    if secret {
        message.split(':').next().unwrap_or(message).to_string()
    } else {
        message.to_string()
    }
}

/// Whether a placeholder of type `given` may feed a field of type `wanted`.
fn types_fit(wanted: ValueType, given: ValueType) -> bool {
    use ValueType::*;
    wanted == given || matches!((wanted, given), (Text, _) | (Topic, Text) | (Url, Host))
}

fn type_words(t: ValueType) -> &'static str {
    match t {
        ValueType::Host => "a host name",
        ValueType::Port => "a port",
        ValueType::Url => "a URL",
        ValueType::Text => "text",
        ValueType::Hex => "hex",
        ValueType::Pem => "PEM",
        ValueType::Topic => "a topic",
        ValueType::Bool => "true/false",
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;
