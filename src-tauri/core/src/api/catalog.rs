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
    /// What the Demo view's fields start with (the CLI's flags have the same defaults).
    pub demo_defaults: DemoDefaults,
    /// The time limits a device's checks run under unless told otherwise.
    pub check_budget: CheckBudget,
    /// The reference's port table, as the port sweep probes it.
    pub services: Vec<ServiceSpec>,
}

/// One LoopCloud service of the port table: how the sweep's tile names and explains it.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServiceSpec {
    /// As `--ports` and a check's `service` name it (`mqtts`).
    pub name: String,
    pub title: String,
    pub summary: String,
    pub port: u16,
    pub transport: crate::report::Transport,
    /// What the probe sends ("TLS hello, then MQTT CONNECT").
    pub probe: String,
}

fn services() -> Vec<ServiceSpec> {
    crate::check::ports::Service::ALL
        .into_iter()
        .map(|s| ServiceSpec {
            name: s.name().into(),
            title: s.title().into(),
            summary: s.summary().into(),
            port: s.port(),
            transport: s.transport(),
            probe: s.probe_words().into(),
        })
        .collect()
}

/// How long one rung may take, one check in all, and one port of a sweep (DESIGN.md §7
/// defaults), as the Test tab and the port sweep show them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CheckBudget {
    pub rung_ms: u32,
    pub check_ms: u32,
    /// One port of a sweep.
    pub port_ms: u32,
}

pub fn check_budget() -> CheckBudget {
    let rung = crate::check::DEFAULT_RUNG_TIMEOUT;
    CheckBudget {
        rung_ms: rung.as_millis() as u32,
        check_ms: (rung * crate::check::CHECK_BUDGET_RUNGS).as_millis() as u32,
        port_ms: crate::check::ports::DEFAULT_PORT_TIMEOUT_MS as u32,
    }
}

/// A demo's starting values: the telemetry generator, the message rate, and a fleet's size,
/// ramp and name pattern.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct DemoDefaults {
    pub generator: crate::simulate::payloads::Generator,
    pub rate_per_s: f64,
    pub ramp_per_s: f64,
    pub fleet_size: u32,
    pub fleet_pattern: String,
}

pub fn demo_defaults() -> DemoDefaults {
    use crate::limits::*;
    DemoDefaults {
        generator: crate::simulate::payloads::Generator::default(),
        rate_per_s: DEFAULT_RATE_PER_S,
        ramp_per_s: DEFAULT_RAMP_PER_S,
        fleet_size: DEFAULT_FLEET_SIZE,
        fleet_pattern: DEFAULT_FLEET_PATTERN.into(),
    }
}

/// The variable-name rule (`api::variables::valid_name`) as a regular expression.
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
        demo_defaults: demo_defaults(),
        check_budget: check_budget(),
        services: services(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The numbers the forms are tested against, written beside the TypeScript bindings (and
    /// checked for staleness with them), so that the UI's tests read the core's values
    /// instead of a copy that could drift.
    #[test]
    fn export_the_form_rules_for_the_ui_tests() {
        let dir = std::env::var("TS_RS_EXPORT_DIR")
            .expect("TS_RS_EXPORT_DIR comes from .cargo/config.toml, as for the bindings");
        let catalog = catalog();
        let rules = serde_json::json!({
            "limits": catalog.limits,
            "demoDefaults": catalog.demo_defaults,
        });
        let text = serde_json::to_string_pretty(&rules).unwrap() + "\n";
        std::fs::write(std::path::Path::new(&dir).join("formRules.json"), text).unwrap();
    }

    #[test]
    fn the_budget_shown_is_design_md_s_default() {
        assert_eq!(
            check_budget(),
            CheckBudget {
                rung_ms: 3_000,
                check_ms: 15_000,
                port_ms: 1_000
            }
        );
    }
}
