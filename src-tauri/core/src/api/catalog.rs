//! The catalog as the editors receive it: the nine kinds and every placeholder.

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
}

pub fn catalog() -> Catalog {
    Catalog {
        kinds: TemplateKind::ALL.iter().map(|k| *k.spec()).collect(),
        placeholders: PLACEHOLDERS.to_vec(),
        aliases: crate::catalog::PLACEHOLDER_ALIASES
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    }
}
