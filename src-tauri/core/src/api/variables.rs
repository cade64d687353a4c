//! Variables as a person gives them: `NAME=VALUE`, `NAME=@FILE` (a PEM file read into the
//! value) and a JSON object of NAME: value (DESIGN.md §4), named as their placeholder
//! without the `%`s; and variables as they are shown, secrets masked.

use crate::interchange;
use crate::model::Variables;
use crate::{ApiError, ErrorCode};
use std::path::Path;

/// Largest file `NAME=@FILE` reads.
const MAX_VALUE_FILE: u64 = crate::files::MAX_PEM_BYTES;

fn bad(message: String) -> ApiError {
    ApiError::new(ErrorCode::InputInvalid, message)
}

/// Letters, digits and `_`, starting with a letter ([`super::VARIABLE_NAME_PATTERN`] says
/// the same to the UI).
pub(super) fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Parses one `NAME=VALUE` or `NAME=@FILE`.
pub fn parse_var(arg: &str) -> Result<(String, String), ApiError> {
    let (name, value) = arg
        .split_once('=')
        .ok_or_else(|| bad(format!("--var {arg}: expected NAME=VALUE or NAME=@FILE")))?;
    if !valid_name(name) {
        return Err(bad(format!(
            "--var {name}=…: a variable name is letters, digits and _, starting with a letter (e.g. MQTT_HOST)"
        )));
    }
    let value = match value.strip_prefix('@') {
        Some(path) => read_value_file(name, Path::new(path))?,
        None => value.to_string(),
    };
    Ok((name.to_string(), value))
}

/// A value read from a file: a regular file of at most 1 MB of text (PEM certificates and
/// keys are a few KB; `@/dev/zero` or a pipe is refused, not read).
fn read_value_file(name: &str, path: &Path) -> Result<String, ApiError> {
    crate::files::read_text_capped(path, MAX_VALUE_FILE, "values")
        .map_err(|e| bad(format!("--var {name}=@{e}")))
}

/// All variables from a `--vars FILE.json` (first) and `--var` arguments (later ones win).
pub fn collect_variables(vars: &[String], vars_file: Option<&Path>) -> Result<Variables, ApiError> {
    let mut out = Variables::new();
    if let Some(path) = vars_file {
        let value = interchange::read_json_file(path)?;
        let map = value.as_object().ok_or_else(|| {
            bad(format!(
                "{}: a --vars file is a JSON object of NAME: value",
                path.display()
            ))
        })?;
        for (name, value) in map {
            let Some(text) = value.as_str() else {
                return Err(bad(format!(
                    "{} at /{name}: a variable's value must be a string",
                    path.display()
                )));
            };
            if !valid_name(name) {
                return Err(bad(format!(
                    "{} at /{name}: not a variable name",
                    path.display()
                )));
            }
            out.insert(name.clone(), text.to_string());
        }
    }
    for arg in vars {
        let (name, value) = parse_var(arg)?;
        out.insert(name, value);
    }
    Ok(out)
}

/// `vars` with every catalogued secret's value replaced by the mask (for showing them).
pub fn masked(vars: &Variables) -> Variables {
    vars.iter()
        .map(|(name, value)| {
            let secret = crate::catalog::canonical_placeholder(name).is_some_and(|p| p.secret);
            let shown = if secret {
                crate::render::MASK.to_string()
            } else {
                value.clone()
            };
            (name.clone(), shown)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_values_and_files() {
        assert_eq!(
            parse_var("MQTT_HOST=a=b").unwrap(),
            ("MQTT_HOST".into(), "a=b".into())
        );
        assert_eq!(parse_var("X=").unwrap(), ("X".into(), String::new()));
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("ca.pem");
        std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").unwrap();
        let (_, value) = parse_var(&format!("MQTT_CA_CERT=@{}", pem.display())).unwrap();
        assert!(value.starts_with("-----BEGIN"));
    }

    #[test]
    fn the_name_rule_is_the_pattern_the_ui_gets() {
        assert_eq!(
            super::super::VARIABLE_NAME_PATTERN,
            "^[A-Za-z][A-Za-z0-9_]*$"
        );
        for ok in ["A", "MQTT_HOST", "x9_"] {
            assert!(valid_name(ok), "{ok}");
        }
        for bad in ["", "9A", "_A", "A-B", "A B", "É"] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn secrets_are_masked_for_showing_and_the_rest_kept() {
        let vars: Variables = [("MQTT_PASSWORD", "pw"), ("MQTT_HOST", "h")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let shown = masked(&vars);
        assert_eq!(shown["MQTT_PASSWORD"], crate::render::MASK);
        assert_eq!(shown["MQTT_HOST"], "h");
    }

    #[test]
    fn rejects_bad_names_and_missing_files() {
        assert!(parse_var("nope")
            .unwrap_err()
            .message
            .contains("NAME=VALUE"));
        assert!(parse_var("1X=a")
            .unwrap_err()
            .message
            .contains("variable name"));
        assert!(parse_var("%X%=a").is_err());
        let err = parse_var("X=@/nonexistent/file.pem").unwrap_err();
        assert_eq!(err.code, ErrorCode::InputInvalid);
        assert!(err.message.contains("/nonexistent/file.pem"));
    }
}
