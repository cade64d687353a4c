//! The one error shape that leaves the core: across Tauri IPC, in the CLI's `--json` output
//! and in saved files it is always `{code, message, detail}`.
//!
//! Each module area keeps its own `thiserror` enum (precise, with sources) and converts into
//! [`ApiError`] at the boundary. The `code` comes from the closed [`ErrorCode`] enum, which is
//! exported to TypeScript so the UI can branch on it without matching strings.

use serde::{Deserialize, Serialize};
use std::fmt;
use ts_rs::TS;

/// What kind of failure an [`ApiError`] reports. Closed and stable: the UI and scripts that
/// read `--json` output rely on these names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[ts(export)]
pub enum ErrorCode {
    /// The input (a file, an argument, a field) is malformed or inconsistent.
    InputInvalid,
    /// The named project, model, device or run does not exist.
    NotFound,
    /// The request conflicts with what is stored (a name taken, a model still in use).
    Conflict,
    /// The local database could not be opened, read or written.
    Storage,
    /// The master key or a sealed secret could not be used.
    Secret,
    /// A file or folder outside the database could not be read or written.
    Io,
    /// Something that should never happen did: a bug in Loop Studio.
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order (a test proves the list complete).
    pub const ALL: [ErrorCode; 7] = [
        ErrorCode::InputInvalid,
        ErrorCode::NotFound,
        ErrorCode::Conflict,
        ErrorCode::Storage,
        ErrorCode::Secret,
        ErrorCode::Io,
        ErrorCode::Internal,
    ];
}

impl ErrorCode {
    /// The CLI exit status for this failure (DESIGN.md §4): 2 for bad input or usage,
    /// 3 for internal and environment errors.
    pub fn exit_status(self) -> i32 {
        match self {
            ErrorCode::InputInvalid | ErrorCode::NotFound | ErrorCode::Conflict => 2,
            ErrorCode::Storage | ErrorCode::Secret | ErrorCode::Io | ErrorCode::Internal => 3,
        }
    }
}

/// An error as the UI and the CLI's `--json` output see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct ApiError {
    pub code: ErrorCode,
    /// One sentence for the person at the screen, naming what failed and where.
    pub message: String,
    /// Extra context (the underlying cause, a JSON pointer, a path), when there is any.
    pub detail: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            detail: None,
        }
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(detail) = &self.detail {
            write!(f, ": {detail}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_as_code_message_detail() {
        let err = ApiError::new(ErrorCode::InputInvalid, "bad port in /mqttTcpPort")
            .with_detail("70000 is above 65535");
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            json!({
                "code": "INPUT_INVALID",
                "message": "bad port in /mqttTcpPort",
                "detail": "70000 is above 65535"
            })
        );
    }

    #[test]
    fn absent_detail_is_null_not_missing() {
        let err = ApiError::new(ErrorCode::NotFound, "no project named acme");
        let value = serde_json::to_value(&err).unwrap();
        assert_eq!(value["detail"], serde_json::Value::Null);
        assert_eq!(value.as_object().unwrap().len(), 3);
    }

    #[test]
    fn every_code_round_trips_through_json() {
        // The TypeScript union ts-rs generates (and CI keeps committed) has exactly these.
        let union = <ErrorCode as ts_rs::TS>::inline(&ts_rs::Config::new());
        assert_eq!(union.matches('"').count() / 2, ErrorCode::ALL.len());
        for (i, code) in ErrorCode::ALL.into_iter().enumerate() {
            assert_eq!(code as usize, i, "{code:?} is out of place in ALL");
            let text = serde_json::to_string(&code).unwrap();
            assert!(text
                .chars()
                .all(|c| c == '"' || c == '_' || c.is_ascii_uppercase()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&text).unwrap(), code);
        }
    }

    #[test]
    fn bad_input_exits_2_and_internal_errors_exit_3() {
        assert_eq!(ErrorCode::InputInvalid.exit_status(), 2);
        assert_eq!(ErrorCode::NotFound.exit_status(), 2);
        assert_eq!(ErrorCode::Storage.exit_status(), 3);
        assert_eq!(ErrorCode::Internal.exit_status(), 3);
    }
}
