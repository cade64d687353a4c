//! The domain of DESIGN.md §2: projects, models, template instances, custom data blocks and
//! devices, as plain values. Storage ids live in the store; here things are named, since
//! names are unique within their parent.

use crate::catalog::TemplateKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use ts_rs::TS;

/// A JSON object with its keys in their written order.
pub type JsonObject = Map<String, Value>;

/// Variable values by placeholder name (without the `%`s).
pub type Variables = std::collections::BTreeMap<String, String>;

/// The token a project value uses for the device's name: a project value holding it is a
/// pattern (`acme-{device}`), each device's value its expansion.
pub const DEVICE_TOKEN: &str = "{device}";

/// Expands `{device}` in a pattern.
pub fn expand(pattern: &str, device: &str) -> String {
    pattern.replace(DEVICE_TOKEN, device)
}

/// One template of a model: its kind and its body (keys → values, usually placeholders).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TemplateInstance {
    pub kind: TemplateKind,
    #[ts(type = "Record<string, unknown>")]
    pub body: JsonObject,
}

impl TemplateInstance {
    /// A template with the kind's canonical body, as "Add template" creates it.
    pub fn canonical(kind: TemplateKind) -> Self {
        TemplateInstance {
            kind,
            body: kind.canonical_body(),
        }
    }
}

/// A named free-form JSON object in a model: rendered for devices, never tested.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DataBlock {
    pub name: String,
    #[ts(type = "Record<string, unknown>")]
    pub body: JsonObject,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Model {
    pub name: String,
    pub description: String,
    /// In the order the user arranged them.
    pub templates: Vec<TemplateInstance>,
    pub data_blocks: Vec<DataBlock>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Project {
    pub name: String,
    pub description: String,
    /// Project-scope variables: host names, URLs, ports, topics, network id, and patterns
    /// for new devices' values (see [`expand`]).
    pub variables: Variables,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Device {
    pub name: String,
    /// The name of the model the device uses, within the same project.
    pub model: String,
    /// Device-scope variables: endpoint, client id, credentials, keys.
    pub variables: Variables,
}
