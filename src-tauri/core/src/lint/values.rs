//! Checks of one literal value against the type its field expects. Values that still hold
//! placeholders are not checked here: they are checked again once rendered for a device.

use super::LintCode;
use crate::catalog::ValueType;
use crate::pem::parse_blocks;
use crate::psk::hex_to_bytes;

/// A problem with a value: its code and a sentence saying what is wrong.
pub type Problem = (LintCode, String);

pub fn check(value_type: ValueType, value: &str) -> Option<Problem> {
    match value_type {
        ValueType::Port => check_port(value),
        ValueType::Hex => hex_to_bytes(value)
            .err()
            .map(|e| (LintCode::HexInvalid, format!("not valid hex: {e}"))),
        ValueType::Pem => parse_blocks(value)
            .err()
            .map(|e| (LintCode::PemInvalid, format!("not valid PEM: {e}"))),
        ValueType::Url => check_url(value),
        ValueType::Host => check_host(value),
        ValueType::Bool => (value != "true" && value != "false").then(|| {
            (
                LintCode::BoolInvalid,
                format!("expected \"true\" or \"false\", found \"{value}\""),
            )
        }),
        ValueType::Text | ValueType::Topic => None,
    }
}

fn check_port(value: &str) -> Option<Problem> {
    match value.trim().parse::<u32>() {
        Ok(port) if (1..=65535).contains(&port) && value.trim() == value => None,
        Ok(port) => Some((
            LintCode::PortRange,
            format!("port {port} is outside 1–65535"),
        )),
        Err(_) => Some((
            LintCode::PortRange,
            format!("\"{value}\" is not a port number (1–65535)"),
        )),
    }
}

fn check_url(value: &str) -> Option<Problem> {
    match url::Url::parse(value) {
        Err(e) => Some((LintCode::UrlInvalid, format!("not a valid URL: {e}"))),
        Ok(url) if url.scheme() != "http" && url.scheme() != "https" => Some((
            LintCode::UrlInvalid,
            format!(
                "the URL scheme is \"{}\"; expected http or https",
                url.scheme()
            ),
        )),
        Ok(url) if url.host_str().is_none_or(str::is_empty) => {
            Some((LintCode::UrlInvalid, "the URL has no host".into()))
        }
        Ok(_) => None,
    }
}

/// The checks' own host rule ([`crate::text::host_problem`]), so the lint warns of exactly
/// what a check will refuse.
fn check_host(value: &str) -> Option<Problem> {
    crate::text::host_problem(value).map(|why| (LintCode::HostInvalid, why))
}

/// The host name inside a URL a person pasted into a host field, for the fix.
pub fn host_of_url(value: &str) -> Option<String> {
    url::Url::parse(value)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(value_type: ValueType, value: &str) -> Option<LintCode> {
        check(value_type, value).map(|(c, _)| c)
    }

    #[test]
    fn ports() {
        assert_eq!(code(ValueType::Port, "8883"), None);
        assert_eq!(code(ValueType::Port, "0"), Some(LintCode::PortRange));
        assert_eq!(code(ValueType::Port, "70000"), Some(LintCode::PortRange));
        assert_eq!(code(ValueType::Port, "88a3"), Some(LintCode::PortRange));
        assert_eq!(code(ValueType::Port, " 8883"), Some(LintCode::PortRange));
        assert_eq!(
            check(ValueType::Port, "70000").unwrap().1,
            "port 70000 is outside 1–65535"
        );
    }

    #[test]
    fn urls_hosts_bools_hex_pem() {
        assert_eq!(
            code(ValueType::Url, "https://acme.example/mqtt/publish"),
            None
        );
        assert_eq!(
            code(ValueType::Url, "acme.example/mqtt"),
            Some(LintCode::UrlInvalid)
        );
        assert_eq!(
            code(ValueType::Url, "ftp://acme.example/"),
            Some(LintCode::UrlInvalid)
        );
        assert_eq!(code(ValueType::Host, "mqtt.acme.example"), None);
        assert_eq!(code(ValueType::Host, "::1"), None);
        assert_eq!(
            code(ValueType::Host, "mqtts://mqtt.acme.example"),
            Some(LintCode::HostInvalid)
        );
        assert_eq!(
            host_of_url("mqtts://mqtt.acme.example:8883").as_deref(),
            Some("mqtt.acme.example")
        );
        assert_eq!(
            code(ValueType::Host, "my host"),
            Some(LintCode::HostInvalid)
        );
        assert_eq!(code(ValueType::Bool, "false"), None);
        assert_eq!(code(ValueType::Bool, "no"), Some(LintCode::BoolInvalid));
        assert_eq!(code(ValueType::Hex, "7f3a09c2"), None);
        assert_eq!(code(ValueType::Hex, "7f3"), Some(LintCode::HexInvalid));
        assert_eq!(
            code(ValueType::Pem, "/etc/ca.pem"),
            Some(LintCode::PemInvalid)
        );
        assert_eq!(code(ValueType::Text, "anything"), None);
    }
}
