//! Text that is safe to show and to pass on: the host-name rule that every check enforces
//! before it connects (and the lint reports), and [`printable`], which makes any text from
//! a model or a peer fit for a terminal line. Pure.
//!
//! Why here and not in `lint/`: the checks, the sweep and the lint must apply one rule, and
//! a check must not depend on the lint.

/// What stands for a secret wherever one would have been shown (a password in a URL, a
/// value the scrubber found): one mark, so a reader learns it once.
pub const SECRET_MASK: &str = "••••••";

use std::net::IpAddr;

/// Longest host name DNS carries (RFC 1035: 253 characters in text form).
const MAX_HOST: usize = 253;
/// Longest label (RFC 1035).
const MAX_LABEL: usize = 63;

/// Why `value` is not a host name or an IP literal, or `None` when it is one. Host names are
/// dot-separated labels of letters, digits, `-` and `_` (seen in real internal names), none
/// empty and none starting or ending with `-`; IPv6 literals may be bracketed.
pub fn host_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return Some("the host name is empty".into());
    }
    if value.contains("://") {
        return Some("a host name, not a URL, is expected here".into());
    }
    let unbracketed = value
        .strip_prefix('[')
        .and_then(|v| v.strip_suffix(']'))
        .unwrap_or(value);
    if unbracketed.parse::<IpAddr>().is_ok() {
        return None;
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
    {
        return Some(format!(
            "{} cannot appear in a host name",
            printable(&c.to_string(), 8)
        ));
    }
    if value.len() > MAX_HOST {
        return Some(format!(
            "the host name is {} characters long; DNS allows {MAX_HOST}",
            value.len()
        ));
    }
    let name = value.strip_suffix('.').unwrap_or(value);
    for label in name.split('.') {
        if label.is_empty() {
            return Some("the host name has an empty label (two dots in a row)".into());
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(format!(
                "the label \"{label}\" starts or ends with '-', which a host name cannot"
            ));
        }
        if label.len() > MAX_LABEL {
            return Some(format!(
                "the label \"{}…\" is longer than {MAX_LABEL} characters",
                &label[..16]
            ));
        }
    }
    None
}

/// `text` for one line of a terminal or a log: control characters (newlines, escape
/// sequences that would move the cursor or recolour the screen) written as `\n`, `\x1b`, …,
/// and at most `max_chars` characters, the rest counted.
pub fn printable(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for (shown, c) in text.chars().enumerate() {
        if shown >= max_chars {
            let rest = text.chars().count() - shown;
            out.push_str(&format!("… (+{rest} characters)"));
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// Orders names as a person reads them: runs of digits by their number (`meter-2` before
/// `meter-10`), other text without regard to ASCII case; names that still tie (`meter-02` and
/// `meter-2`, `A` and `a`) fall back to their bytes, so the order is total and stable.
pub fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return std::cmp::Ordering::Less,
            (Some(_), None) => return std::cmp::Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let (n, rest_x) = digit_run(x);
                let (m, rest_y) = digit_run(y);
                // Equal-length runs without leading zeros compare as numbers byte by byte.
                let order = n.len().cmp(&m.len()).then_with(|| n.cmp(m));
                if order.is_ne() {
                    return order;
                }
                (x, y) = (rest_x, rest_y);
            }
            (Some(p), Some(q)) => {
                let order = p.to_ascii_lowercase().cmp(&q.to_ascii_lowercase());
                if order.is_ne() {
                    return order;
                }
                (x, y) = (&x[1..], &y[1..]);
            }
        }
    }
}

/// A leading run of digits without its leading zeros, and what follows it.
fn digit_run(text: &[u8]) -> (&[u8], &[u8]) {
    let end = text
        .iter()
        .position(|c| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (run, rest) = text.split_at(end);
    let zeros = run.iter().take_while(|c| **c == b'0').count();
    (&run[zeros..], rest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_and_ip_literals_pass() {
        for ok in [
            "mqtt.acme.example",
            "localhost",
            "127.0.0.1",
            "::1",
            "[::1]",
            "fe80::1",
            "edge_01.plant-3.local.",
            "a",
        ] {
            assert_eq!(host_problem(ok), None, "{ok}");
        }
    }

    #[test]
    fn shell_syntax_and_malformed_names_are_refused_with_a_reason() {
        for (bad, says) in [
            ("", "empty"),
            ("$(touch M)", "cannot appear"),
            ("`id`", "cannot appear"),
            ("a;b", "cannot appear"),
            ("a'b", "cannot appear"),
            ("a b", "cannot appear"),
            ("a\nb", "\\n cannot appear"),
            ("-oProxyCommand", "starts or ends with '-'"),
            ("a..b", "empty label"),
            ("mqtts://h", "not a URL"),
            ("[::1", "cannot appear"),
        ] {
            let why = host_problem(bad).unwrap_or_else(|| panic!("{bad:?} passed"));
            assert!(why.contains(says), "{bad:?}: {why}");
        }
        assert!(host_problem(&"a".repeat(64))
            .unwrap()
            .contains("longer than 63"));
        assert!(host_problem(&["a"; 130].join("."))
            .unwrap()
            .contains("DNS allows 253"));
    }

    #[test]
    fn printable_escapes_control_characters_and_caps_length() {
        assert_eq!(printable("a\nb\u{1b}[2J", 100), "a\\nb\\u{1b}[2J");
        assert_eq!(printable("abcdef", 3), "abc… (+3 characters)");
        assert_eq!(printable("héllo", 10), "héllo");
    }

    #[test]
    fn names_sort_as_people_read_them() {
        let mut names = vec![
            "meter-10",
            "meter-2",
            "Meter-3",
            "gw-hall-b",
            "meter-02",
            "meter-1",
            "gw-hall-a",
            "meter",
            "meter-2a",
            "meter-99999999999999999999999",
            "meter-100000000000000000000000",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            [
                "gw-hall-a",
                "gw-hall-b",
                "meter",
                "meter-1",
                "meter-02",
                "meter-2",
                "meter-2a",
                "Meter-3",
                "meter-10",
                "meter-99999999999999999999999",
                "meter-100000000000000000000000",
            ]
        );
        // A total order: equal only for equal text.
        assert!(natural_cmp("a", "A").is_ne());
        assert!(natural_cmp("x-1", "x-1").is_eq());
    }
}
