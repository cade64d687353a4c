//! CoRE Link Format (RFC 6690, content format 40): the payload of a LwM2M Register and
//! Update (`</1/0>,</3/0>;ver=1.1`) and of a bootstrap server's discover answers.
//!
//! Parsing is lenient where real peers are (whitespace, attributes without values, quoted
//! values holding commas) and strict where a wrong reading would mislead (an unterminated
//! `<` or quote is an error naming its offset).

use std::fmt;

/// One link: its target (`/3/0`) and attributes in order (`ver=1.1`, `ct=11543`, `rt`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub target: String,
    pub attributes: Vec<(String, Option<String>)>,
}

impl Link {
    pub fn new(target: impl Into<String>) -> Link {
        Link {
            target: target.into(),
            attributes: Vec::new(),
        }
    }

    pub fn with(mut self, name: &str, value: &str) -> Link {
        self.attributes.push((name.into(), Some(value.into())));
        self
    }

    /// The value of attribute `name`, unquoted.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFormatError {
    pub at: usize,
    pub reason: &'static str,
}

impl fmt::Display for LinkFormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "link format, character {}: {}", self.at, self.reason)
    }
}

impl std::error::Error for LinkFormatError {}

/// Parses a link-format document.
pub fn parse(text: &str) -> Result<Vec<Link>, LinkFormatError> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut links = Vec::new();
    let mut i = 0;
    let skip_space = |i: &mut usize| {
        while *i < chars.len() && chars[*i].1.is_whitespace() {
            *i += 1;
        }
    };
    loop {
        skip_space(&mut i);
        if i >= chars.len() {
            break;
        }
        if chars[i].1 != '<' {
            return Err(LinkFormatError {
                at: chars[i].0,
                reason: "a link must start with '<'",
            });
        }
        let open = chars[i].0;
        let close = chars[i..]
            .iter()
            .position(|(_, c)| *c == '>')
            .ok_or(LinkFormatError {
                at: open,
                reason: "'<' is never closed by '>'",
            })?;
        let target: String = chars[i + 1..i + close].iter().map(|(_, c)| c).collect();
        i += close + 1;
        let mut link = Link::new(target);
        loop {
            skip_space(&mut i);
            if i >= chars.len() || chars[i].1 == ',' {
                i += 1;
                break;
            }
            if chars[i].1 != ';' {
                return Err(LinkFormatError {
                    at: chars[i].0,
                    reason: "expected ';' before an attribute or ',' between links",
                });
            }
            i += 1;
            skip_space(&mut i);
            let name_start = i;
            while i < chars.len() && !matches!(chars[i].1, '=' | ';' | ',') {
                i += 1;
            }
            let name: String = chars[name_start..i]
                .iter()
                .map(|(_, c)| c)
                .collect::<String>()
                .trim()
                .to_string();
            let mut value = None;
            if i < chars.len() && chars[i].1 == '=' {
                i += 1;
                if i < chars.len() && chars[i].1 == '"' {
                    // A quoted-string: `\` escapes the next character.
                    let quote = chars[i].0;
                    let mut text = String::new();
                    i += 1;
                    loop {
                        match chars.get(i).map(|(_, c)| *c) {
                            None => {
                                return Err(LinkFormatError {
                                    at: quote,
                                    reason: "a quoted value is never closed",
                                })
                            }
                            Some('"') => break,
                            Some('\\') if i + 1 < chars.len() => {
                                text.push(chars[i + 1].1);
                                i += 2;
                            }
                            Some(c) => {
                                text.push(c);
                                i += 1;
                            }
                        }
                    }
                    value = Some(text);
                    i += 1;
                } else {
                    let start = i;
                    while i < chars.len() && !matches!(chars[i].1, ';' | ',') {
                        i += 1;
                    }
                    value = Some(
                        chars[start..i]
                            .iter()
                            .map(|(_, c)| c)
                            .collect::<String>()
                            .trim()
                            .to_string(),
                    );
                }
            }
            link.attributes.push((name, value));
        }
        links.push(link);
    }
    Ok(links)
}

/// Writes links as link format.
pub fn format(links: &[Link]) -> String {
    links
        .iter()
        .map(|link| {
            let mut s = format!("<{}>", link.target);
            for (name, value) in &link.attributes {
                s.push(';');
                s.push_str(name);
                if let Some(v) = value {
                    // Numbers and versions bare (`ct=11543`, `ver=1.1`), text quoted
                    // (`rt="oma.lwm2m"`), as the LwM2M specification writes them.
                    let plain = !v.is_empty() && v.chars().all(|c| c.is_ascii_digit() || c == '.');
                    if plain {
                        s.push('=');
                        s.push_str(v);
                    } else {
                        let escaped = v.replace('\\', "\\\\").replace('"', "\\\"");
                        s.push_str(&format!("=\"{escaped}\""));
                    }
                }
            }
            s
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_register_payload_round_trips() {
        let links = vec![
            Link::new("/").with("rt", "oma.lwm2m").with("ct", "11543"),
            Link::new("/1/0"),
            Link::new("/3/0"),
            Link::new("/3303/0").with("ver", "1.1"),
        ];
        let text = format(&links);
        assert_eq!(
            text,
            "</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>,</3303/0>;ver=1.1"
        );
        assert_eq!(parse(&text).unwrap(), links);
    }

    #[test]
    fn real_world_spacing_flags_and_quoted_commas_parse() {
        let links = parse(" </rd>;rt=\"core.rd\";ct=40, </a>;obs ;title=\"x, y\" ,</b>").unwrap();
        assert_eq!(links.len(), 3);
        assert_eq!(links[0].attribute("rt"), Some("core.rd"));
        assert_eq!(links[1].attributes[0], ("obs".into(), None));
        assert_eq!(links[1].attribute("title"), Some("x, y"));
        assert_eq!(links[2].target, "/b");
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn quotes_inside_values_are_escaped_and_read_back() {
        let links = vec![Link::new("/").with("title", "say \"hi\" \\ bye")];
        let text = format(&links);
        assert_eq!(text, r#"</>;title="say \"hi\" \\ bye""#);
        assert_eq!(parse(&text).unwrap(), links);
        // Found by the fuzzer: an unquoted value holding a quote.
        let odd = parse("</>;rt>==\"tr;x").unwrap();
        assert_eq!(parse(&format(&odd)).unwrap(), odd);
    }

    #[test]
    fn broken_documents_are_located() {
        assert_eq!(
            parse("</1/0").unwrap_err().reason,
            "'<' is never closed by '>'"
        );
        assert_eq!(parse("</1>;t=\"x").unwrap_err().at, 7);
        assert_eq!(parse("/1/0").unwrap_err().at, 0);
        assert!(parse("</1> x").is_err());
    }
}
