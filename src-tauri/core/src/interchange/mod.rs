//! Moving models and projects in and out as files: LoopCloud model JSON (an array of
//! template bodies, an object with name, templates and data blocks, or a single template
//! body) and Loop Studio's whole-project bundle.
//!
//! Reading never trusts the file: size, encoding and syntax are checked first, and every
//! error names the file, the JSON pointer and the reason. Writing is deterministic — the same
//! model always gives the same bytes, template keys in their documented order — and redacts
//! secrets (their placeholder goes back in) unless asked not to.

mod bundle;
mod model_file;

pub use bundle::{export_bundle, parse_bundle, Bundle, BUNDLE_FORMAT};
pub use model_file::{export_model, parse_model, ModelDocument};

use crate::{ApiError, ErrorCode};
use serde_json::Value;
use std::path::Path;

/// Largest file read as a model or bundle. A bundle of 1,000 models and 10,000 devices is
/// about 5 MB; anything far beyond is not a model file.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What is wrong with an input file, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{source_name}{}: {reason}", .pointer.as_deref().map(|p| format!(" at {}", if p.is_empty() { "/" } else { p })).unwrap_or_default())]
pub struct Error {
    /// The file's path, or `<stdin>`.
    pub source_name: String,
    /// JSON pointer of the offending value, when the JSON parsed.
    pub pointer: Option<String>,
    pub reason: String,
}

pub type Result<T> = std::result::Result<T, Error>;

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        let detail = err.pointer.clone().map(|p| format!("pointer {p}"));
        let api = ApiError::new(ErrorCode::InputInvalid, err.to_string());
        match detail {
            Some(d) => api.with_detail(d),
            None => api,
        }
    }
}

impl Error {
    pub fn at(source_name: &str, pointer: impl Into<String>, reason: impl Into<String>) -> Self {
        Error {
            source_name: source_name.into(),
            pointer: Some(pointer.into()),
            reason: reason.into(),
        }
    }

    pub fn whole(source_name: &str, reason: impl Into<String>) -> Self {
        Error {
            source_name: source_name.into(),
            pointer: None,
            reason: reason.into(),
        }
    }
}

/// Reads a JSON file, refusing what is not a regular file, too big, not UTF-8 or not JSON,
/// with the place.
pub fn read_json_file(path: &Path) -> Result<Value> {
    let name = path.display().to_string();
    let bytes = crate::files::read_capped(path, MAX_FILE_BYTES, "model and project files")
        .map_err(|e| Error::whole(&name, e.problem.to_string()))?;
    parse_json_bytes(&name, &bytes)
}

/// Parses JSON bytes with errors that say where: invalid UTF-8 by byte offset, syntax by
/// line and column.
pub fn parse_json_bytes(source_name: &str, bytes: &[u8]) -> Result<Value> {
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(Error::whole(source_name, "the input is larger than 16 MB"));
    }
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::whole(
            source_name,
            format!("not UTF-8 text: invalid byte at offset {}", e.valid_up_to()),
        )
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    serde_json::from_str(text).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "the JSON ends too early (truncated?)",
            _ => "invalid JSON",
        };
        // serde_json's message already ends "at line L column C".
        Error::whole(source_name, format!("{what}: {e}"))
    })
}

#[cfg(test)]
mod tests;
