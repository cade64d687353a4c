//! What a value of each [`ValueType`] must look like: a port is 1–65535, hex is hex, PEM
//! parses, a URL is http(s) with a host, a host is a host name or an IP literal, a bool is
//! `true` or `false`. One rule for the lint (which names it with a code) and the store (which
//! refuses a variable that breaks it). Pure.

use super::ValueType;
use crate::codec::hex::hex_to_bytes;
use crate::codec::pem::parse_blocks;

/// What is wrong with `value` as a value of `value_type`, in a sentence; `None` when it
/// fits (text and topics always do).
pub fn value_problem(value_type: ValueType, value: &str) -> Option<String> {
    match value_type {
        ValueType::Port => port_problem(value),
        ValueType::Hex => hex_to_bytes(value)
            .err()
            .map(|e| format!("not valid hex: {e}")),
        ValueType::Pem => parse_blocks(value)
            .err()
            .map(|e| format!("not valid PEM: {e}")),
        ValueType::Url => url_problem(value),
        // The checks' own host rule, so the lint warns of exactly what a check refuses.
        ValueType::Host => crate::text::host_problem(value),
        ValueType::Bool => (value != "true" && value != "false")
            .then(|| format!("expected \"true\" or \"false\", found \"{value}\"")),
        ValueType::Text | ValueType::Topic => None,
    }
}

fn port_problem(value: &str) -> Option<String> {
    match value.trim().parse::<u32>() {
        Ok(port) if (1..=65535).contains(&port) && value.trim() == value => None,
        Ok(port) => Some(format!("port {port} is outside 1–65535")),
        Err(_) => Some(format!("\"{value}\" is not a port number (1–65535)")),
    }
}

fn url_problem(value: &str) -> Option<String> {
    match url::Url::parse(value) {
        Err(e) => Some(format!("not a valid URL: {e}")),
        Ok(url) if url.scheme() != "http" && url.scheme() != "https" => Some(format!(
            "the URL scheme is \"{}\"; expected http or https",
            url.scheme()
        )),
        Ok(url) if url.host_str().is_none_or(str::is_empty) => Some("the URL has no host".into()),
        Ok(_) => None,
    }
}
