//! Reproduce commands: the standard-tool command line (mosquitto_pub, curl, openssl,
//! coap-client, nc) that repeats a failed rung by hand. Users paste these into a shell at a
//! customer's site, on models somebody else wrote, so a command must never run text that
//! came from a model.
//!
//! The rule is enforced by the types rather than by care: a [`Command`]'s literal words
//! (the program, its flags, fixed file names) are `&'static str`, so only text written in
//! this source can appear unquoted; every value taken from a template, a variable or a peer
//! goes through [`quote`]. Secrets are never values: they appear as `"$VARIABLE"` references
//! ([`Command::env`]). Pure: no I/O.

use std::fmt;

/// `text` as one shell word that bash reads back byte for byte and never expands: bare when
/// it holds only characters no shell treats specially, else in single quotes, or as `$'…'`
/// with escapes when it holds control characters (a newline or an escape sequence pasted
/// raw would break the line or drive the terminal).
pub fn quote(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        return text.to_string();
    }
    if text.chars().any(char::is_control) {
        let mut out = String::from("$'");
        for c in text.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\'' => out.push_str("\\'"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => {
                    let mut buf = [0u8; 4];
                    for byte in c.encode_utf8(&mut buf).bytes() {
                        out.push_str(&format!("\\x{byte:02x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push('\'');
        return out;
    }
    format!("'{}'", text.replace('\'', "'\\''"))
}

/// `host:port` as tools take it, an IPv6 literal in brackets (`[::1]:5684`).
pub fn host_port(host: &str, port: u16) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// One word of a command line, kept apart until the command is rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Word {
    /// Written in this source: rendered as is.
    Literal(&'static str),
    /// From a model, a variable or a peer: always quoted.
    Value(String),
    /// `"$NAME"`: a secret the user sets in the environment.
    Env(&'static str),
    /// A value followed directly by a secret reference (`-u 'user:'"$MQTT_PASSWORD"`).
    ValueThenEnv(String, &'static str),
}

impl Word {
    fn render(&self) -> String {
        match self {
            Word::Literal(text) => (*text).to_string(),
            Word::Value(text) => quote(text),
            Word::Env(name) => format!("\"${name}\""),
            Word::ValueThenEnv(text, name) => format!("{}\"${name}\"", quote(text)),
        }
    }
}

/// One command line, built word by word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Command {
    words: Vec<Word>,
    stdin_null: bool,
}

impl Command {
    pub fn new(program: &'static str) -> Self {
        Command {
            words: vec![Word::Literal(program)],
            stdin_null: false,
        }
    }

    /// Literal words: flags and fixed file names (`-d`, `--cafile mqttServerCA.pem`).
    pub fn flag(mut self, literal: &'static str) -> Self {
        self.words.push(Word::Literal(literal));
        self
    }

    /// A positional argument from a model, quoted. One that starts with `-` is preceded by
    /// `--`, so a tool never reads it as an option.
    pub fn arg(mut self, value: impl Into<String>) -> Self {
        let value = value.into();
        if value.starts_with('-') && !self.words.contains(&Word::Literal("--")) {
            self.words.push(Word::Literal("--"));
        }
        self.words.push(Word::Value(value));
        self
    }

    /// An option and its value from a model (`-i 'client id'`).
    pub fn opt(mut self, flag: &'static str, value: impl Into<String>) -> Self {
        self.words.push(Word::Literal(flag));
        self.words.push(Word::Value(value.into()));
        self
    }

    /// An option whose value is a secret, referenced as `"$NAME"`.
    pub fn env(mut self, flag: &'static str, name: &'static str) -> Self {
        self.words.push(Word::Literal(flag));
        self.words.push(Word::Env(name));
        self
    }

    /// An option whose value is a model value followed by a secret (`user:` + password).
    pub fn opt_then_env(
        mut self,
        flag: &'static str,
        value: impl Into<String>,
        name: &'static str,
    ) -> Self {
        self.words.push(Word::Literal(flag));
        self.words.push(Word::ValueThenEnv(value.into(), name));
        self
    }

    /// Reads standard input from `/dev/null` (openssl s_client would wait for typing).
    pub fn no_stdin(mut self) -> Self {
        self.stdin_null = true;
        self
    }

    /// Replaces the value of the first `flag` option (an MQTT version, say).
    pub fn set_opt(mut self, flag: &'static str, value: impl Into<String>) -> Self {
        let at = self.words.iter().position(|w| *w == Word::Literal(flag));
        match at {
            Some(i) if i + 1 < self.words.len() => self.words[i + 1] = Word::Value(value.into()),
            _ => return self.opt(flag, value),
        }
        self
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<String> = self.words.iter().map(Word::render).collect();
        f.write_str(&words.join(" "))?;
        if self.stdin_null {
            f.write_str(" </dev/null")?;
        }
        Ok(())
    }
}

/// What a check shows as its reproduce line: nothing, one command, or commands run one
/// after the other (`; `).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reproduce(Vec<Command>);

impl Reproduce {
    pub fn none() -> Self {
        Reproduce(Vec::new())
    }

    pub fn then(mut self, next: Command) -> Self {
        self.0.push(next);
        self
    }

    /// The first command, to adjust it (`set_opt`).
    pub fn map_first(mut self, change: impl FnOnce(Command) -> Command) -> Self {
        if !self.0.is_empty() {
            let first = self.0.remove(0);
            self.0.insert(0, change(first));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Command> for Reproduce {
    fn from(command: Command) -> Self {
        Reproduce(vec![command])
    }
}

impl fmt::Display for Reproduce {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(Command::to_string).collect();
        f.write_str(&lines.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_quoted_only_when_needed() {
        assert_eq!(quote("acme/data"), "acme/data");
        assert_eq!(
            quote("https://h:8443/mqtt/publish"),
            "https://h:8443/mqtt/publish"
        );
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("{\"t\":1}"), "'{\"t\":1}'");
        assert_eq!(quote("$(touch M)"), "'$(touch M)'");
        assert_eq!(quote("`id`"), "'`id`'");
        assert_eq!(quote("~root"), "'~root'");
    }

    #[test]
    fn ipv6_literals_are_bracketed() {
        assert_eq!(host_port("::1", 5684), "[::1]:5684");
        assert_eq!(host_port("broker", 1883), "broker:1883");
    }

    #[test]
    fn control_characters_become_escapes_on_one_line() {
        assert_eq!(quote("a\nb"), "$'a\\nb'");
        assert_eq!(quote("x'\u{1b}[2J"), "$'x\\'\\x1b[2J'");
        assert_eq!(quote("\\\t"), "$'\\\\\\t'");
        assert!(!quote("a\nb\rc\u{7}").chars().any(char::is_control));
    }

    #[test]
    fn a_command_keeps_literals_and_quotes_values() {
        let cmd = Command::new("mosquitto_pub")
            .opt("-h", "broker")
            .opt("-i", "meter 1")
            .opt_then_env("-u", "ac'me:", "MQTT_PASSWORD")
            .env("-P", "MQTT_PASSWORD")
            .flag("-d")
            .no_stdin();
        assert_eq!(
            cmd.to_string(),
            "mosquitto_pub -h broker -i 'meter 1' -u 'ac'\\''me:'\"$MQTT_PASSWORD\" -P \"$MQTT_PASSWORD\" -d </dev/null"
        );
        assert_eq!(
            cmd.set_opt("-h", "other").to_string().split(' ').nth(2),
            Some("other")
        );
    }

    #[test]
    fn a_positional_value_with_a_leading_dash_ends_the_options_first() {
        assert_eq!(
            Command::new("getent")
                .flag("hosts")
                .arg("-oops")
                .to_string(),
            "getent hosts -- -oops"
        );
        assert_eq!(
            Command::new("getent").flag("hosts").arg("ok").to_string(),
            "getent hosts ok"
        );
    }

    #[test]
    fn commands_in_sequence_are_joined() {
        let r = Reproduce::from(Command::new("a").arg("x")).then(Command::new("b"));
        assert_eq!(r.to_string(), "a x; b");
        assert!(Reproduce::none().is_empty());
        assert_eq!(Reproduce::none().to_string(), "");
    }
}
