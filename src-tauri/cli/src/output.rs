//! How `loopcheck` prints: one JSON document on stdout under `--json`, readable text
//! otherwise; errors always reach stderr in words, and under `--json` also stdout as
//! `{"error": {code, message, detail}}` so a script never parses an empty document.

use loopstudio_core::api::DbPathSource;
use loopstudio_core::model::Variables;
use loopstudio_core::ApiError;
use serde::Serialize;

pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Output { json }
    }

    /// Prints a command's result: `value` as JSON, or the text `human` builds.
    pub fn document<T: Serialize>(&self, value: &T, human: impl FnOnce() -> String) {
        if self.json {
            match serde_json::to_string_pretty(value) {
                Ok(text) => println!("{text}"),
                Err(err) => eprintln!("loopcheck: cannot encode the result as JSON: {err}"),
            }
        } else {
            print!("{}", human());
        }
    }

    pub fn error(&self, err: &ApiError) {
        eprintln!("loopcheck: {err}");
        if self.json {
            let doc = serde_json::json!({ "error": err });
            println!("{doc:#}");
        }
    }
}

pub fn db_source_words(source: DbPathSource) -> &'static str {
    match source {
        DbPathSource::Flag => "from --db",
        DbPathSource::Environment => "from LOOPSTUDIO_DB",
        DbPathSource::Default => "the app's default",
    }
}

/// `NAME = value` lines, multi-line values (PEM) shortened to their first line.
pub fn variables_text(vars: &Variables) -> String {
    vars.iter()
        .map(|(name, value)| {
            let mut lines = value.lines();
            let first = lines.next().unwrap_or("");
            let more = lines.count();
            if more > 0 {
                format!("  {name} = {first} … (+{more} lines)\n")
            } else {
                format!("  {name} = {first}\n")
            }
        })
        .collect()
}
