//! Reading one field of a template body: its text (whatever JSON type it holds, keys
//! compared ignoring case as the lint accepts them), a port, a host.

use super::{shown, Error, Result};
use crate::model::JsonObject;

/// The text of field `key` (a number or boolean as written), or "" when it is absent.
pub fn text(body: &JsonObject, key: &str) -> String {
    body.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.as_str().map_or_else(|| v.to_string(), str::to_string))
        .unwrap_or_default()
}

/// The port in field `key` (1–65535).
pub fn port_field(body: &JsonObject, key: &str) -> Result<u16> {
    let value = text(body, key);
    value
        .parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| Error::NotAPort {
            key: key.into(),
            value: shown(&value),
        })
}

/// The host in field `key`: a host name or an IP literal ([`host_checked`]).
pub fn host_field(body: &JsonObject, key: &str) -> Result<String> {
    host_checked(key, text(body, key))
}

/// `host` from field `key` when it is a host name or an IP literal — checked before
/// anything connects, so that text which is not a host never reaches a resolver, a socket
/// or a reproduce line.
pub fn host_checked(key: &str, host: String) -> Result<String> {
    match crate::text::host_problem(&host) {
        None => Ok(host),
        Some(why) => Err(Error::NotAHost {
            key: key.into(),
            value: shown(&host),
            why,
        }),
    }
}

/// The text of field `key`, which must not be empty.
pub(super) fn required(body: &JsonObject, key: &str) -> Result<String> {
    let value = text(body, key);
    if value.is_empty() {
        return Err(Error::Empty(key.into()));
    }
    Ok(value)
}
