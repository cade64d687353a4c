//! The last line of defence for secrets: every text a check or a demo produces (evidence,
//! endpoints, step details, progress, log lines, run history) passes through a [`Scrubber`]
//! that knows the device's secret values and masks them wherever they turn up — in a field
//! that is not secret-typed (a password used as a client id), inside a URL, percent-encoded
//! or hex-encoded — and masks the password of any `scheme://user:password@` URL.
//!
//! Checks already keep secrets out on purpose (`"$MQTT_PASSWORD"` in reproduce lines); this
//! catches what a model puts where no check expects it. Pure.

use super::{Check, Report, Step};
use serde_json::Value;
use std::borrow::Cow;
use zeroize::Zeroizing;

/// What a secret is replaced by.
pub const MASK: &str = crate::text::SECRET_MASK;

/// Secrets shorter than this are not scrubbed: masking every "ab" would make text unreadable,
/// and so short a secret protects nothing anyway.
const MIN_SECRET_CHARS: usize = 3;

/// Masks known secret values in text and JSON.
#[derive(Default)]
pub struct Scrubber {
    /// Longest first, so that a secret containing another is masked whole.
    needles: Vec<Zeroizing<String>>,
}

impl std::fmt::Debug for Scrubber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scrubber({} secrets)", self.needles.len())
    }
}

impl Scrubber {
    /// A scrubber for these secret values (each also in its percent-encoded and hex forms).
    pub fn new<I, S>(secrets: I) -> Scrubber
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut needles: Vec<Zeroizing<String>> = Vec::new();
        for secret in secrets {
            let secret = secret.as_ref();
            if secret.chars().count() < MIN_SECRET_CHARS {
                continue;
            }
            let encoded: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
            let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
            for form in [secret.to_string(), encoded, hex.clone(), hex.to_uppercase()] {
                if !needles.iter().any(|n| n.as_str() == form) {
                    needles.push(Zeroizing::new(form));
                }
            }
        }
        needles.sort_by_key(|n| std::cmp::Reverse(n.len()));
        Scrubber { needles }
    }

    /// `text` with every known secret and every URL password masked.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for needle in &self.needles {
            if out.contains(needle.as_str()) {
                out = Cow::Owned(out.replace(needle.as_str(), MASK));
            }
        }
        match mask_url_passwords(&out) {
            Some(masked) => Cow::Owned(masked),
            None => out,
        }
    }

    fn string(&self, text: &mut String) {
        if let Cow::Owned(clean) = self.text(text) {
            *text = clean;
        }
    }

    /// Every string inside `value`, keys included.
    pub fn json(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.string(text),
            Value::Array(items) => items.iter_mut().for_each(|v| self.json(v)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut v) in entries {
                    self.json(&mut v);
                    map.insert(self.text(&key).into_owned(), v);
                }
            }
            _ => {}
        }
    }

    pub fn step(&self, step: &mut Step) {
        self.string(&mut step.name);
        self.json(&mut step.detail);
    }

    pub fn check(&self, check: &mut Check) {
        self.string(&mut check.endpoint);
        self.string(&mut check.evidence);
        self.string(&mut check.reproduce);
        // The hint is our own text: a short password such as "wrong" must not mask it.
        check.steps.iter_mut().for_each(|s| self.step(s));
    }

    pub fn report(&self, report: &mut Report) {
        self.json(&mut report.target);
        report.checks.iter_mut().for_each(|c| self.check(c));
    }
}

/// `text` with the password of every `scheme://user:password@host` masked, or `None` when
/// it holds no such URL.
fn mask_url_passwords(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut rest = text;
    let mut changed = false;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        // The authority ends at the first '/', '?', '#' or whitespace.
        let end = tail
            .find(|c: char| matches!(c, '/' | '?' | '#') || c.is_whitespace())
            .unwrap_or(tail.len());
        let authority = &tail[..end];
        match authority.rfind('@') {
            Some(at) if authority[..at].contains(':') => {
                let colon = authority[..at].find(':').unwrap_or(at);
                out.push_str(&authority[..=colon]);
                out.push_str(MASK);
                out.push_str(&authority[at..]);
                changed = true;
            }
            _ => out.push_str(authority),
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn known_secrets_are_masked_in_every_form() {
        let s = Scrubber::new(["hunter2!x", "ab"]);
        assert_eq!(s.text("client id hunter2!x"), format!("client id {MASK}"));
        assert_eq!(s.text("GET /p?pw=hunter2%21x"), format!("GET /p?pw={MASK}"));
        assert_eq!(
            s.text("psk 68756e74657232217"),
            "psk 68756e74657232217",
            "a partial hex is not the secret"
        );
        assert_eq!(s.text("key 68756e746572322178"), format!("key {MASK}"));
        // Too short to scrub.
        assert_eq!(s.text("ab cd"), "ab cd");
    }

    #[test]
    fn url_passwords_are_masked_even_when_unknown() {
        let s = Scrubber::default();
        assert_eq!(
            s.text("POST https://meter:s3cret@bridge.example:8443/mqtt/publish failed"),
            format!("POST https://meter:{MASK}@bridge.example:8443/mqtt/publish failed")
        );
        assert_eq!(
            s.text("http://user@h/ and ftp://a:b@c"),
            format!("http://user@h/ and ftp://a:{MASK}@c")
        );
        assert!(matches!(s.text("no url here"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_and_checks_are_scrubbed_throughout() {
        let s = Scrubber::new(["TOPSECRET"]);
        let mut v = json!({ "a": ["x TOPSECRET"], "TOPSECRET": { "n": 1, "t": "TOPSECRET" } });
        s.json(&mut v);
        assert!(!v.to_string().contains("TOPSECRET"), "{v}");
        assert_eq!(v["a"][0], format!("x {MASK}"));
    }
}
