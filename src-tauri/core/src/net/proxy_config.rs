//! Which HTTP proxy a connection goes through, decided the way curl decides it, so that a
//! support engineer who knows `curl --proxy` gets no surprise: `--proxy URL` first, then the
//! project's `%PROXY_URL%`, then the environment (`https_proxy`/`HTTPS_PROXY` for TLS
//! destinations, `http_proxy` — lower case only, as curl reads it, since `HTTP_PROXY` can be
//! set by a CGI request — for plain HTTP, `ALL_PROXY` for either); `NO_PROXY` names the hosts
//! that go direct, and `--no-proxy` turns every proxy off. Pure: the environment comes in.

use std::fmt;

/// Where the proxy in use came from, as the report and the Test panel's header say it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProxySource {
    Flag,
    ProjectVariable,
    /// The environment variable's name, as it was spelled.
    Environment(&'static str),
}

impl fmt::Display for ProxySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProxySource::Flag => f.write_str("--proxy"),
            ProxySource::ProjectVariable => f.write_str("the project's PROXY_URL"),
            ProxySource::Environment(name) => write!(f, "${name}"),
        }
    }
}

/// One HTTP proxy: where it listens and the Basic credentials it wants, if any.
#[derive(Clone, PartialEq, Eq)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    /// Never shown: [`Proxy::shown`] masks it.
    password: Option<zeroize::Zeroizing<String>>,
    pub source: ProxySource,
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Proxy({} from {})", self.shown(), self.source)
    }
}

/// Why a proxy setting cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{origin}: \"{shown}\" is not a proxy URL ({why}); write it as http://[user:password@]host:port")]
    BadUrl {
        origin: String,
        shown: String,
        why: String,
    },
    #[error("{origin}: {scheme}:// proxies are not supported: Loop Studio speaks to HTTP proxies (http://host:port), which tunnel TLS with CONNECT")]
    Scheme { origin: String, scheme: String },
}

impl Proxy {
    /// Reads `http://[user:password@]host[:port]` (port 1080 when left out, as curl does).
    pub fn parse(text: &str, source: ProxySource) -> Result<Proxy, Error> {
        let trimmed = text.trim();
        // A bare host:port means http://, as curl reads it.
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_string()
        } else {
            format!("http://{trimmed}")
        };
        let bad = |why: String| Error::BadUrl {
            origin: source.to_string(),
            shown: crate::text::printable(&mask_password(trimmed), 80),
            why,
        };
        let url = url::Url::parse(&with_scheme).map_err(|e| bad(e.to_string()))?;
        if url.scheme() != "http" {
            return Err(Error::Scheme {
                origin: source.to_string(),
                scheme: crate::text::printable(url.scheme(), 20),
            });
        }
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("no host".into()))?
            .trim_matches(['[', ']'])
            .to_string();
        if let Some(why) = crate::text::host_problem(&host) {
            return Err(bad(why));
        }
        let decode = |part: &str| {
            percent_decode(part).ok_or_else(|| bad("a user name or password is not UTF-8".into()))
        };
        let user = (!url.username().is_empty())
            .then(|| decode(url.username()))
            .transpose()?;
        let password = url
            .password()
            .map(|p| decode(p).map(zeroize::Zeroizing::new))
            .transpose()?;
        Ok(Proxy {
            host,
            port: url.port().unwrap_or(1080),
            user,
            password,
            source,
        })
    }

    /// `http://user:••••••@host:port`: what a report, a log line or the header may show.
    pub fn shown(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        match (&self.user, &self.password) {
            (Some(user), Some(_)) => format!(
                "http://{user}:{}@{host}:{}",
                crate::text::SECRET_MASK,
                self.port
            ),
            (Some(user), None) => format!("http://{user}@{host}:{}", self.port),
            _ => format!("http://{host}:{}", self.port),
        }
    }

    /// The URL without credentials, for a reproduce line (`--proxy-user` carries them).
    pub fn address(&self) -> String {
        if self.host.contains(':') {
            format!("http://[{}]:{}", self.host, self.port)
        } else {
            format!("http://{}:{}", self.host, self.port)
        }
    }

    /// The password, for a client library that builds its own `Proxy-Authorization`.
    pub(crate) fn password(&self) -> Option<&str> {
        self.password.as_deref().map(|p| p.as_str())
    }

    pub fn has_credentials(&self) -> bool {
        self.user.is_some()
    }

    /// The `Proxy-Authorization` value for Basic, when the URL carries credentials.
    pub fn authorization(&self) -> Option<zeroize::Zeroizing<String>> {
        use base64::Engine;
        let user = self.user.as_deref()?;
        let password = self.password.as_deref().map(|p| p.as_str()).unwrap_or("");
        let pair = zeroize::Zeroizing::new(format!("{user}:{password}"));
        Some(zeroize::Zeroizing::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair.as_bytes())
        )))
    }
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Byte-wise, so a `%` before a multi-byte character cannot split it.
        if let (b'%', Some(&high), Some(&low)) = (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            if let (Some(high), Some(low)) = (hex(high), hex(low)) {
                out.push((high * 16 + low) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// The text with whatever sits between `user:` and `@` replaced by the secret mask.
fn mask_password(text: &str) -> String {
    let Some(at) = text.rfind('@') else {
        return text.to_string();
    };
    let start = text.find("://").map(|i| i + 3).unwrap_or(0);
    match text[start..at].find(':') {
        Some(colon) => format!(
            "{}:{}{}",
            &text[..start + colon],
            crate::text::SECRET_MASK,
            &text[at..]
        ),
        None => text.to_string(),
    }
}

/// What kind of destination a connection has, which decides the environment variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    /// `http://`: the proxy gets absolute-form requests.
    Http,
    /// TLS (https://, MQTT over TLS) or any other TCP: a CONNECT tunnel.
    Tunnel,
}

/// The proxies a run may use, and the hosts that go direct.
#[derive(Debug, Clone, Default)]
pub struct ProxyChoice {
    /// `--proxy` or `%PROXY_URL%`: for every destination.
    chosen: Option<Proxy>,
    http: Option<Proxy>,
    tunnel: Option<Proxy>,
    no_proxy: Vec<String>,
    /// Whether MQTT over TCP/TLS goes through the tunnel too (`--proxy-mqtt`,
    /// `%PROXY_MQTT%`); HTTP publishing and OTA always do when a proxy applies.
    pub mqtt: bool,
}

/// What a person asked for on the command line or in Settings.
#[derive(Debug, Clone, Default)]
pub struct ProxyRequest {
    pub url: Option<String>,
    pub off: bool,
    pub mqtt: bool,
}

impl ProxyChoice {
    /// The choice from the flags, the project's variables and the environment (`env` reads
    /// one variable). A setting that cannot be used is an error naming where it came from.
    pub fn resolve(
        request: &ProxyRequest,
        project_url: Option<&str>,
        project_mqtt: Option<&str>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<ProxyChoice, Error> {
        let mqtt =
            request.mqtt || project_mqtt.is_some_and(|v| matches!(v.trim(), "true" | "1" | "yes"));
        if request.off {
            return Ok(ProxyChoice::default());
        }
        let env_value = |names: &[&'static str]| {
            names.iter().find_map(|name| {
                env(name)
                    .filter(|v| !v.trim().is_empty())
                    .map(|v| (*name, v))
            })
        };
        let from_env = |names: &[&'static str]| -> Result<Option<Proxy>, Error> {
            env_value(names)
                .map(|(name, value)| Proxy::parse(&value, ProxySource::Environment(name)))
                .transpose()
        };
        let chosen = match (&request.url, project_url.filter(|u| !u.trim().is_empty())) {
            (Some(url), _) => Some(Proxy::parse(url, ProxySource::Flag)?),
            (None, Some(url)) => Some(Proxy::parse(url, ProxySource::ProjectVariable)?),
            (None, None) => None,
        };
        let all = from_env(&["ALL_PROXY", "all_proxy"])?;
        let no_proxy = env_value(&["NO_PROXY", "no_proxy"])
            .map(|(_, list)| {
                list.split(',')
                    .map(|entry| entry.trim().trim_start_matches('.').to_ascii_lowercase())
                    .filter(|entry| !entry.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        Ok(ProxyChoice {
            http: from_env(&["http_proxy"])?.or_else(|| all.clone()),
            tunnel: from_env(&["https_proxy", "HTTPS_PROXY"])?.or(all),
            chosen,
            no_proxy,
            mqtt,
        })
    }

    /// The proxy for `host` as a `destination`, or `None` to go direct.
    pub fn for_destination(&self, host: &str, destination: Destination) -> Option<&Proxy> {
        if self.bypassed(host) {
            return None;
        }
        self.chosen.as_ref().or(match destination {
            Destination::Http => self.http.as_ref(),
            Destination::Tunnel => self.tunnel.as_ref(),
        })
    }

    /// The same choice with MQTT over TCP/TLS sent through the tunnel too.
    pub fn with_mqtt_tunnel(&self) -> ProxyChoice {
        ProxyChoice {
            mqtt: true,
            ..self.clone()
        }
    }

    /// The proxy a run names in its report's header: the one chosen for every destination,
    /// else the environment's for TLS, else for plain HTTP.
    pub fn in_use(&self) -> Option<&Proxy> {
        self.chosen
            .as_ref()
            .or(self.tunnel.as_ref())
            .or(self.http.as_ref())
    }

    /// `NO_PROXY`: `*`, or a host equal to an entry or inside its domain.
    fn bypassed(&self, host: &str) -> bool {
        let host = host.trim_matches(['[', ']']).to_ascii_lowercase();
        self.no_proxy.iter().any(|entry| {
            entry == "*"
                || *entry == host
                || host
                    .strip_suffix(entry.as_str())
                    .is_some_and(|rest| rest.ends_with('.'))
        })
    }
}

#[cfg(test)]
#[path = "proxy_config_tests.rs"]
mod tests;
