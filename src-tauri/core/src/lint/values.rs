//! Checks of one literal value against the type its field expects. Values that still hold
//! placeholders are not checked here: they are checked again once rendered for a device.

use super::LintCode;
use crate::catalog::ValueType;

/// A problem with a value: its code and a sentence saying what is wrong.
pub type Problem = (LintCode, String);

/// The catalog's rule for `value_type` ([`crate::catalog::value_problem`]), with the lint
/// code that names a breach of it.
pub fn check(value_type: ValueType, value: &str) -> Option<Problem> {
    let code = match value_type {
        ValueType::Port => LintCode::PortRange,
        ValueType::Hex => LintCode::HexInvalid,
        ValueType::Pem => LintCode::PemInvalid,
        ValueType::Url => LintCode::UrlInvalid,
        ValueType::Host => LintCode::HostInvalid,
        ValueType::Bool => LintCode::BoolInvalid,
        ValueType::Text | ValueType::Topic => return None,
    };
    crate::catalog::value_problem(value_type, value).map(|why| (code, why))
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
