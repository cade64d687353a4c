//! The client side of the LwM2M bootstrap interface (LwM2M 1.1 Core §6.1): after the
//! client's Bootstrap-Request, the server Deletes and Writes instances of the Security (0)
//! and Server (1) objects, may Discover or Read, and ends with Bootstrap-Finish
//! (`POST /bs`). This module answers those requests against an in-memory object store and
//! then says what was provisioned — without I/O, so every answer is unit-tested.

use super::objects::{content_format as cf, decode_write, encode_read, Instance, Path, Value};
use crate::codec::link_format::{self, Link};
use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;
use zeroize::Zeroizing;

/// What the bootstrap server did, one line per request, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BootstrapOperation {
    /// `Delete`, `Write`, `Read`, `Discover`, `Finish`, or the method of a refused request.
    pub operation: String,
    pub path: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_format: Option<u16>,
    /// Resources written (`0 LWM2M Server URI`, …), secrets named but not shown.
    pub resources: Vec<String>,
    /// The answer's code.
    pub code: String,
}

/// Why what a bootstrap server provisioned cannot be used to register.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unusable {
    #[error("no Security instance for a LwM2M server (only bootstrap accounts, or none)")]
    NoServerAccount,
    #[error("{0} is missing")]
    Missing(String),
    #[error("server URI \"{uri}\": {why}")]
    BadUri { uri: String, why: String },
    #[error("PSK mode without an identity and a key")]
    PskWithoutKey,
    #[error("security mode {mode} with a {scheme}:// URI: this tester registers with NoSec (3) over coap:// or PSK (0) over coaps://")]
    Mode { mode: i64, scheme: String },
}

/// The most Security and Server instances one bootstrap may write (a device holds a few).
const MAX_INSTANCES: usize = 32;

/// The instances the bootstrap server has written so far, by object and instance.
#[derive(Default)]
pub struct BootstrapStore {
    pub instances: BTreeMap<(u16, u16), Instance>,
}

fn reply(code: ResponseType) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Response(code);
    p
}

fn segments(request: &Packet) -> Vec<String> {
    request
        .get_option(CoapOption::UriPath)
        .map(|v| {
            v.iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn number(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |a, b| (a << 8) | u16::from(*b))
}

/// A resource as the report names it, its value shown unless it is a key.
fn describe(object: u16, id: u16, value: &Value) -> String {
    match super::objects::resource(object, id) {
        Some(spec) if spec.secret => format!(
            "{id} {} ({} bytes, not shown)",
            spec.name,
            match value {
                Value::Opaque(b) => b.len(),
                other => other.to_string().len(),
            }
        ),
        Some(spec) => format!("{id} {} = {}", spec.name, shown(value)),
        None => format!("{id} = {}", shown(value)),
    }
}

fn shown(value: &Value) -> String {
    match value {
        // Identities are opaque in object 0 but usually text: show them as text when they are.
        Value::Opaque(bytes) => match std::str::from_utf8(bytes) {
            Ok(text) if text.chars().all(|c| !c.is_control()) => format!("\"{text}\""),
            _ => format!("0x{value}"),
        },
        other => other.to_string(),
    }
}

impl BootstrapStore {
    /// Answers one request of the bootstrap server. Returns the answer and what it was.
    pub fn handle(&mut self, request: &Packet) -> (Packet, BootstrapOperation) {
        let parts = segments(request);
        let path_text = format!("/{}", parts.join("/"));
        let format = request
            .get_first_option(CoapOption::ContentFormat)
            .map(|v| number(v));
        let accept = request
            .get_first_option(CoapOption::Accept)
            .map(|v| number(v));
        let mut op = BootstrapOperation {
            operation: String::new(),
            path: path_text.clone(),
            content_format: format,
            resources: Vec::new(),
            code: String::new(),
        };
        let answer = match request.header.code {
            MessageClass::Request(RequestType::Post) if parts == ["bs"] => {
                op.operation = "Finish".into();
                reply(ResponseType::Changed)
            }
            MessageClass::Request(RequestType::Delete) => {
                op.operation = "Delete".into();
                self.delete(&parts)
            }
            MessageClass::Request(RequestType::Put) => {
                op.operation = "Write".into();
                self.write(&parts, format, request, &mut op)
            }
            MessageClass::Request(RequestType::Get) if accept == Some(cf::LINK_FORMAT) => {
                op.operation = "Discover".into();
                let mut p = reply(ResponseType::Content);
                p.add_option(CoapOption::ContentFormat, vec![cf::LINK_FORMAT as u8]);
                p.payload = self.discover().into_bytes();
                p
            }
            MessageClass::Request(RequestType::Get) => {
                op.operation = "Read".into();
                self.read(&parts, accept.unwrap_or(cf::TLV))
            }
            other => {
                op.operation = crate::codec::coap_text::code_text(other);
                reply(ResponseType::MethodNotAllowed)
            }
        };
        op.code = crate::codec::coap_text::code_text(answer.header.code);
        (answer, op)
    }

    fn delete(&mut self, parts: &[String]) -> Packet {
        let numbers: Option<Vec<u16>> = parts.iter().map(|p| p.parse().ok()).collect();
        match numbers.as_deref() {
            // Delete "/" removes every instance of 0 and 1 (the Device object is ours).
            Some([]) => self.instances.clear(),
            Some([object]) => self.instances.retain(|(o, _), _| o != object),
            Some([object, instance]) => {
                self.instances.remove(&(*object, *instance));
            }
            _ => return reply(ResponseType::BadRequest),
        }
        reply(ResponseType::Deleted)
    }

    fn write(
        &mut self,
        parts: &[String],
        format: Option<u16>,
        request: &Packet,
        op: &mut BootstrapOperation,
    ) -> Packet {
        let Some(path) = Path::from_segments(parts) else {
            return reply(ResponseType::BadRequest);
        };
        if !matches!(path.object, 0 | 1) {
            // This client only takes what bootstrap is for: security and server accounts.
            return reply(ResponseType::MethodNotAllowed);
        }
        let Some(format) = format else {
            return reply(ResponseType::BadRequest);
        };
        match decode_write(path, format, &request.payload) {
            Ok(written) => {
                let new = written
                    .iter()
                    .filter(|(i, _)| !self.instances.contains_key(&(path.object, **i)))
                    .count();
                if self.instances.len() + new > MAX_INSTANCES {
                    // A server writing thousands of accounts is not provisioning a device.
                    let mut p = reply(ResponseType::RequestEntityTooLarge);
                    p.payload = format!("at most {MAX_INSTANCES} instances").into_bytes();
                    return p;
                }
                for (instance, resources) in written {
                    for (id, value) in &resources {
                        op.resources.push(format!(
                            "/{}/{instance}/{}",
                            path.object,
                            describe(path.object, *id, value)
                        ));
                    }
                    self.instances
                        .entry((path.object, instance))
                        .or_default()
                        .extend(resources);
                }
                reply(ResponseType::Changed)
            }
            Err(e) => {
                let mut p = reply(ResponseType::BadRequest);
                p.payload = e.to_string().into_bytes();
                p
            }
        }
    }

    fn read(&self, parts: &[String], format: u16) -> Packet {
        let Some(path) = Path::from_segments(parts) else {
            return reply(ResponseType::BadRequest);
        };
        let instance = path.instance.unwrap_or(0);
        match self.instances.get(&(path.object, instance)) {
            Some(values) => match encode_read(path, values, format) {
                Some(body) => {
                    let mut p = reply(ResponseType::Content);
                    p.add_option(CoapOption::ContentFormat, format.to_be_bytes().to_vec());
                    p.payload = body;
                    p
                }
                None => reply(ResponseType::NotAcceptable),
            },
            None => reply(ResponseType::NotFound),
        }
    }

    fn discover(&self) -> String {
        let mut links = vec![Link::new("/").with("lwm2m", "1.1")];
        links.extend(
            self.instances
                .keys()
                .map(|(o, i)| Link::new(format!("/{o}/{i}"))),
        );
        links.push(Link::new("/3/0"));
        link_format::format(&links)
    }

    /// The LwM2M server account the bootstrap server provisioned: the Security instance
    /// that is not a bootstrap server, and the Server instance with its short id.
    pub fn provisioned(&self) -> Result<Provisioned, Unusable> {
        let (security_id, security) = self
            .instances
            .iter()
            .find(|((o, _), v)| *o == 0 && v.get(&1) != Some(&Value::Boolean(true)))
            .map(|((_, i), v)| (*i, v))
            .ok_or(Unusable::NoServerAccount)?;
        let uri = match security.get(&0) {
            Some(Value::Text(uri)) if !uri.is_empty() => uri.clone(),
            _ => {
                return Err(Unusable::Missing(format!(
                    "/0/{security_id}/0 (LWM2M Server URI)"
                )))
            }
        };
        let shown = crate::text::printable(&uri, 120);
        let parsed = url::Url::parse(&uri).map_err(|e| Unusable::BadUri {
            uri: shown.clone(),
            why: e.to_string(),
        })?;
        if !matches!(parsed.scheme(), "coap" | "coaps") || parsed.host_str().is_none() {
            return Err(Unusable::BadUri {
                uri: shown,
                why: "not coap:// or coaps://host".into(),
            });
        }
        let mode = match security.get(&2) {
            Some(Value::Integer(m)) => *m,
            _ => {
                return Err(Unusable::Missing(format!(
                    "/0/{security_id}/2 (Security Mode)"
                )))
            }
        };
        let identity = match security.get(&3) {
            Some(Value::Opaque(b)) => Some(b.clone()),
            _ => None,
        };
        let key = match security.get(&5) {
            Some(Value::Opaque(b)) => Some(Zeroizing::new(b.clone())),
            _ => None,
        };
        match (mode, parsed.scheme()) {
            (3, "coap") => {}
            (0, "coaps") if identity.is_some() && key.as_ref().is_some_and(|k| !k.is_empty()) => {}
            (0, "coaps") => return Err(Unusable::PskWithoutKey),
            (m, scheme) => {
                return Err(Unusable::Mode {
                    mode: m,
                    scheme: scheme.to_string(),
                })
            }
        }
        let short_id = match security.get(&10) {
            Some(Value::Integer(id)) => Some(*id),
            _ => None,
        };
        let server = self
            .instances
            .iter()
            .find(|((o, _), v)| {
                *o == 1
                    && (short_id.is_none() || v.get(&0) == short_id.map(Value::Integer).as_ref())
            })
            .map(|(_, v)| v);
        let lifetime = server.and_then(|v| match v.get(&1) {
            Some(Value::Integer(l)) if *l > 0 => Some(*l),
            _ => None,
        });
        let binding = server.and_then(|v| match v.get(&7) {
            Some(Value::Text(b)) => Some(b.clone()),
            _ => None,
        });
        Ok(Provisioned {
            view: ProvisionedView {
                server_uri: uri,
                security_mode: mode,
                psk_identity: identity
                    .as_ref()
                    .map(|i| String::from_utf8_lossy(i).into_owned()),
                psk_key_bytes: key.as_ref().map(|k| k.len()),
                short_server_id: short_id,
                lifetime_s: lifetime,
                binding,
                server_instance: server.is_some(),
            },
            host: parsed
                .host_str()
                .unwrap_or_default()
                .trim_matches(['[', ']'])
                .to_string(),
            port: parsed.port().unwrap_or(if mode == 0 { 5684 } else { 5683 }),
            identity,
            key,
        })
    }
}

/// What bootstrap provisioned, as the report shows it (the key only by its length).
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProvisionedView {
    pub server_uri: String,
    /// 0 PSK, 1 raw public key, 2 certificate, 3 NoSec, 4 certificate with EST.
    #[ts(type = "number")]
    pub security_mode: i64,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk_identity: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psk_key_bytes: Option<usize>,
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub short_server_id: Option<i64>,
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime_s: Option<i64>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub binding: Option<String>,
    /// Whether a Server (1) instance came with it.
    pub server_instance: bool,
}

/// The provisioned account with what registering needs (the key stays out of reports).
pub struct Provisioned {
    pub view: ProvisionedView,
    pub host: String,
    pub port: u16,
    pub identity: Option<Vec<u8>>,
    pub key: Option<Zeroizing<Vec<u8>>>,
}

// By hand, so that the key never reaches a log line, even in a failed test's output.
impl std::fmt::Debug for Provisioned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Provisioned")
            .field("view", &self.view)
            .field("host", &self.host)
            .field("port", &self.port)
            .field(
                "key",
                &self.key.as_ref().map(|k| format!("{} bytes", k.len())),
            )
            .finish_non_exhaustive()
    }
}

/// `POST /bs?ep=…`.
pub fn bootstrap_request(endpoint: &str) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(RequestType::Post);
    p.add_option(CoapOption::UriPath, b"bs".to_vec());
    p.add_option(CoapOption::UriQuery, format!("ep={endpoint}").into_bytes());
    p
}

#[cfg(test)]
#[path = "bootstrap_tests.rs"]
mod tests;
