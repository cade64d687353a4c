//! The catalog as the editors receive it: the nine kinds, every placeholder, and the rules
//! the forms apply before they ask (the bounds of numbers, the variable-name rule, which
//! placeholders have a `_HEX` twin) — from here, so the UI holds no second copy.

use crate::catalog::{KindSpec, PlaceholderSpec, TemplateKind, PLACEHOLDERS};
use serde::Serialize;
use ts_rs::TS;

/// Everything the editor needs to know about template kinds and placeholders.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Catalog {
    pub kinds: Vec<KindSpec>,
    pub placeholders: Vec<PlaceholderSpec>,
    /// Known misspellings and the names they stand for.
    pub aliases: Vec<(String, String)>,
    /// The bounds of every number a person types (demo, fleet, timeouts).
    pub limits: crate::limits::UserLimits,
    /// What a variable name must look like, as a regular expression for the UI.
    pub variable_name_pattern: String,
    /// Placeholders whose value the editor mirrors as hex into a twin (`X` → `X_HEX`).
    pub hex_twins: Vec<(String, String)>,
}

/// The variable-name rule ([`super::variables`]'s `valid_name`) as a regular expression.
pub const VARIABLE_NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9_]*$";

pub fn catalog() -> Catalog {
    Catalog {
        kinds: TemplateKind::ALL.iter().map(|k| *k.spec()).collect(),
        placeholders: PLACEHOLDERS.to_vec(),
        aliases: crate::catalog::PLACEHOLDER_ALIASES
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
        limits: crate::limits::user_limits(),
        variable_name_pattern: VARIABLE_NAME_PATTERN.into(),
        hex_twins: PLACEHOLDERS
            .iter()
            .filter_map(|p| {
                let twin = format!("{}_HEX", p.name);
                PLACEHOLDERS
                    .iter()
                    .any(|t| t.name == twin)
                    .then(|| (p.name.to_string(), twin))
            })
            .collect(),
    }
}
