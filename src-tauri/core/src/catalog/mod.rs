//! What LoopCloud models are made of, as the product document describes them: the nine
//! template kinds (canonical bodies, field docs, how a kind is recognised from a body's keys)
//! and the placeholder catalog (scope, type, default, secret). Static data and pure lookups.

mod fields;
mod kinds;
mod placeholders;
mod value_rules;

pub use kinds::{recognise, KindSpec, RecogniseError, TemplateKind, Transport};
pub use placeholders::{
    canonical_placeholder, placeholder, PlaceholderSpec, Scope, PLACEHOLDERS, PLACEHOLDER_ALIASES,
};
pub use value_rules::value_problem;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The type of a value, shared by template fields and placeholders; drives input widgets in
/// the form view and the lint's type checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub enum ValueType {
    /// A DNS name or an IP address.
    Host,
    /// A TCP or UDP port, 1–65535.
    Port,
    /// An http(s) URL.
    Url,
    /// Free text.
    Text,
    /// Hexadecimal digits, an even number of them.
    Hex,
    /// PEM text: certificates or a private key.
    Pem,
    /// An MQTT topic name.
    Topic,
    /// `true` or `false`.
    Bool,
}

/// One key of a template body as the reference documents it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct FieldSpec {
    /// The JSON key, spelled as in the reference's JSON (the canonical spelling).
    pub key: &'static str,
    /// The value in the canonical body: usually one `%PLACEHOLDER%`, sometimes a literal.
    pub canonical: &'static str,
    pub value_type: ValueType,
    /// Whether the value is a secret (masked in the UI, sealed in the store).
    pub secret: bool,
    /// One line for the form view.
    pub doc: &'static str,
}

impl FieldSpec {
    /// Whether `value` in this field is a secret of its own, to seal in the store and to
    /// redact on export: a secret field's own value (text, text with a placeholder, a
    /// number; [`crate::template::holds_literal`]), or a URL that carries a password
    /// (`https://user:password@host/…`).
    pub fn holds_secret(&self, value: &serde_json::Value) -> bool {
        if self.secret {
            return crate::template::holds_literal(value);
        }
        self.value_type == ValueType::Url
            && value
                .as_str()
                .and_then(|text| url::Url::parse(text).ok())
                .is_some_and(|url| url.password().is_some())
    }
}
