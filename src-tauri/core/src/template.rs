//! Finding `%PLACEHOLDER%` tokens in template values. Pure string work shared by render,
//! lint and (through the generated bindings' twin in `ui/src/lib`) the editor's decorations.

use serde::Serialize;
use ts_rs::TS;

/// One `%NAME%` token inside a string value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct PlaceholderRef {
    /// The name between the `%`s.
    pub name: String,
    /// Byte offset of the opening `%`.
    pub start: usize,
    /// Byte offset just past the closing `%`.
    pub end: usize,
}

/// All placeholder tokens in `text`, left to right. A token is `%`, a letter, then letters,
/// digits or `_`, then `%`; lower-case letters are accepted here so that the lint can flag
/// `%mqtt_host%` instead of silently leaving it as text. A `%` that starts no token
/// ("100%") is plain text.
pub fn scan(text: &str) -> Vec<PlaceholderRef> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'%' {
            i += 1;
            continue;
        }
        let name_start = i + 1;
        let mut j = name_start;
        while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
            j += 1;
        }
        let is_token = j < bytes.len()
            && bytes[j] == b'%'
            && j > name_start
            && bytes[name_start].is_ascii_alphabetic();
        if is_token {
            found.push(PlaceholderRef {
                name: text[name_start..j].to_string(),
                start: i,
                end: j + 1,
            });
            i = j + 1;
        } else {
            // The closing candidate may open the next token ("5%%HOST%").
            i = j.max(i + 1);
        }
    }
    found
}

/// Replaces every token for which `value_of` returns a value; others stay as they are.
pub fn substitute(text: &str, mut value_of: impl FnMut(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for token in scan(text) {
        if let Some(value) = value_of(&token.name) {
            out.push_str(&text[last..token.start]);
            out.push_str(&value);
            last = token.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// Whether `text` holds anything besides placeholder tokens (`"s3cret"`, `"pw-%DEVICE%"`),
/// as opposed to being empty or made only of placeholders (`"%MQTT_PASSWORD%"`).
pub fn has_literal_text(text: &str) -> bool {
    let covered: usize = scan(text).iter().map(|t| t.end - t.start).sum();
    covered < text.len()
}

/// Whether a JSON value holds a value of its own: a number, a boolean, an array or object,
/// or a string with text outside its placeholders. In a secret field such a value is a
/// secret, whatever its JSON type: it is sealed in the store and redacted on export.
pub fn holds_literal(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::String(text) => has_literal_text(text),
        _ => true,
    }
}

/// The placeholder name when `text` is exactly one token (`"%MQTT_HOST%"`), else `None`.
pub fn sole_placeholder(text: &str) -> Option<String> {
    match scan(text).as_slice() {
        [one] if one.start == 0 && one.end == text.len() => Some(one.name.clone()),
        _ => None,
    }
}

/// Escapes one segment of a JSON pointer (RFC 6901).
pub fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[cfg(test)]
mod literal_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_placeholders_hold_no_literal_and_anything_else_does() {
        for none in [
            json!(null),
            json!(""),
            json!("%MQTT_PASSWORD%"),
            json!("%A%%B%"),
        ] {
            assert!(!holds_literal(&none), "{none}");
        }
        for some in [
            json!("s3cret"),
            json!("pw-%DEVICE%"),
            json!("%A% "),
            json!(12345678),
            json!(true),
            json!(["x"]),
            json!({"a": 1}),
        ] {
            assert!(holds_literal(&some), "{some}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        scan(text).into_iter().map(|t| t.name).collect()
    }

    #[test]
    fn finds_tokens_with_their_offsets() {
        let tokens = scan("acme/%MQTT_CLIENT_ID%/req");
        assert_eq!(
            tokens,
            [PlaceholderRef {
                name: "MQTT_CLIENT_ID".into(),
                start: 5,
                end: 21
            }]
        );
    }

    #[test]
    fn plain_percent_signs_are_text() {
        assert!(names("100% sure, 50 % off").is_empty());
        assert!(names("%%").is_empty());
        assert!(names("%1ABC%").is_empty());
        assert!(names("%UNCLOSED").is_empty());
    }

    #[test]
    fn adjacent_tokens_and_stray_percents() {
        assert_eq!(names("%A%%B%"), ["A", "B"]);
        assert_eq!(names("5%%HOST%"), ["HOST"]);
        assert_eq!(names("%mqtt_host%"), ["mqtt_host"]);
        assert_eq!(names("ünï%HOST%cödé"), ["HOST"]);
    }

    #[test]
    fn substitutes_known_tokens_and_keeps_the_rest() {
        let out = substitute("%A%-%B%-%C%", |n| (n != "B").then(|| n.to_lowercase()));
        assert_eq!(out, "a-%B%-c");
    }

    #[test]
    fn sole_placeholder_needs_the_whole_string() {
        assert_eq!(
            sole_placeholder("%MQTT_HOST%").as_deref(),
            Some("MQTT_HOST")
        );
        assert_eq!(sole_placeholder("x%MQTT_HOST%"), None);
        assert_eq!(sole_placeholder("8883"), None);
    }

    #[test]
    fn pointer_segments_are_escaped() {
        assert_eq!(pointer_segment("a/b~c"), "a~1b~0c");
    }
}
