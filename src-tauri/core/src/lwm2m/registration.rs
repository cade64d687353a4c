//! The LwM2M client a check plays (LwM2M 1.1 Core §6.2, registration interface): the
//! messages it sends (Register, Update, De-register), how it reads the server's answer
//! (Location-Path, in the compliant form and the single-option form some servers send), and
//! the objects it offers and answers reads of — /3/0 (Device) and /3303/0 (Temperature).
//! Messages are built and answered here without I/O; `lwm2m_client` sends them over CoAP
//! for the checks and the virtual device.

use super::objects::{content_format as cf, encode_read, Instance, Path, Value};
use crate::codec::link_format::{self, Link};
use coap_lite::{CoapOption, MessageClass, Packet, RequestType, ResponseType};
use serde::Serialize;
use std::collections::BTreeMap;
use ts_rs::TS;

/// The objects the test client has, with live-looking values.
pub struct TestDevice {
    pub objects: BTreeMap<u16, Instance>,
}

impl TestDevice {
    /// A device whose serial number is its endpoint name, so a server's UI shows who it is.
    pub fn new(endpoint: &str) -> TestDevice {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default();
        let device = Instance::from([
            (0, Value::Text("Loop Studio".into())),
            (1, Value::Text("loopcheck".into())),
            (2, Value::Text(endpoint.to_string())),
            (3, Value::Text(crate::VERSION.into())),
            (9, Value::Integer(100)),
            (10, Value::Integer(2048)),
            (11, Value::Integer(0)),
            (13, Value::Time(now)),
            (16, Value::Text("U".into())),
            (17, Value::Text("connectivity tester".into())),
            (19, Value::Text(crate::VERSION.into())),
        ]);
        let temperature = Instance::from([
            (5700, Value::Float(21.5)),
            (5701, Value::Text("Cel".into())),
        ]);
        TestDevice {
            objects: BTreeMap::from([(3, device), (3303, temperature)]),
        }
    }

    /// The object instances offered in Register (`</1/0>,</3/0>,</3303/0>`).
    pub fn links(&self) -> Vec<Link> {
        std::iter::once(Link::new("/1/0"))
            .chain(self.objects.keys().map(|o| Link::new(format!("/{o}/0"))))
            .collect()
    }
}

/// A request the server sent and how it was answered, for the report.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ServedRequest {
    pub method: String,
    pub path: String,
    /// The content format the server asked for (Accept), if it asked.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accept: Option<u16>,
    /// The answer's code (`2.05 Content`, `4.04 NotFound`).
    pub code: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_format: Option<u16>,
    pub bytes: usize,
}

fn uint(bytes: &[u8]) -> u16 {
    bytes.iter().fold(0u16, |a, b| (a << 8) | u16::from(*b))
}

fn uint_bytes(value: u16) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let first = bytes.iter().position(|b| *b != 0).unwrap_or(2);
    bytes[first..].to_vec()
}

fn response(code: ResponseType) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Response(code);
    p
}

/// Answers one request from the server: reads of the offered objects in the format asked
/// for (TLV for an instance and text for a resource when the server does not say); anything
/// else is refused with the code a client without that feature gives.
pub fn answer(device: &TestDevice, request: &Packet) -> (Packet, ServedRequest) {
    let segments: Vec<String> = request
        .get_option(CoapOption::UriPath)
        .map(|v| {
            v.iter()
                .map(|s| String::from_utf8_lossy(s).into_owned())
                .collect()
        })
        .unwrap_or_default();
    let path = Path::from_segments(&segments);
    let accept = request
        .get_first_option(CoapOption::Accept)
        .map(|v| uint(v));
    let method = match request.header.code {
        MessageClass::Request(r) => format!("{r:?}").to_uppercase(),
        other => other.to_string(),
    };
    let mut reply = match (request.header.code, path) {
        (MessageClass::Request(RequestType::Get), Some(path)) => {
            match (path.instance, device.objects.get(&path.object)) {
                (Some(0), Some(instance)) => {
                    let format = accept.unwrap_or(if path.resource.is_some() {
                        cf::TEXT
                    } else {
                        cf::TLV
                    });
                    let known = path.resource.is_none_or(|r| instance.contains_key(&r));
                    match encode_read(path, instance, format) {
                        Some(body) => {
                            let mut p = response(ResponseType::Content);
                            p.add_option(CoapOption::ContentFormat, uint_bytes(format));
                            p.payload = body;
                            p
                        }
                        None if known => response(ResponseType::NotAcceptable),
                        None => response(ResponseType::NotFound),
                    }
                }
                _ => response(ResponseType::NotFound),
            }
        }
        (MessageClass::Request(RequestType::Get), None) => response(ResponseType::NotFound),
        _ => response(ResponseType::MethodNotAllowed),
    };
    reply.header.message_id = 0;
    let served = ServedRequest {
        method,
        path: format!("/{}", segments.join("/")),
        accept,
        code: crate::codec::coap_text::code_text(reply.header.code),
        content_format: reply
            .get_first_option(CoapOption::ContentFormat)
            .map(|v| uint(v)),
        bytes: reply.payload.len(),
    };
    (reply, served)
}

/// `POST /rd?ep=…&lt=…&lwm2m=1.1&b=U` with the offered objects in link format.
pub fn register_request(endpoint: &str, lifetime_s: u32, links: &[Link]) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(RequestType::Post);
    p.add_option(CoapOption::UriPath, b"rd".to_vec());
    p.add_option(CoapOption::ContentFormat, uint_bytes(cf::LINK_FORMAT));
    for query in [
        format!("ep={endpoint}"),
        format!("lt={lifetime_s}"),
        "lwm2m=1.1".into(),
        "b=U".into(),
    ] {
        p.add_option(CoapOption::UriQuery, query.into_bytes());
    }
    p.payload = link_format::format(links).into_bytes();
    p
}

/// The registration's location from a 2.01: its Location-Path segments. A single option
/// holding `rd/5` (lwm2m-node-lib) is split; an empty last segment (aiocoap's `reg/5/`) is
/// kept, because that server answers 4.04 to an Update without it.
pub fn location(created: &Packet) -> Vec<String> {
    created
        .get_option(CoapOption::LocationPath)
        .map(|values| {
            values
                .iter()
                .flat_map(|v| {
                    let text = String::from_utf8_lossy(v).into_owned();
                    if text.contains('/') {
                        text.split('/').map(str::to_string).collect::<Vec<_>>()
                    } else {
                        vec![text]
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

fn at_location(method: RequestType, location: &[String]) -> Packet {
    let mut p = Packet::new();
    p.header.code = MessageClass::Request(method);
    for segment in location {
        p.add_option(CoapOption::UriPath, segment.as_bytes().to_vec());
    }
    p
}

/// An Update with nothing changed (`POST {location}`, no payload).
pub fn update_request(location: &[String]) -> Packet {
    at_location(RequestType::Post, location)
}

/// `DELETE {location}`.
pub fn deregister_request(location: &[String]) -> Packet {
    at_location(RequestType::Delete, location)
}

/// A location as a path (`/reg/5/`).
pub fn location_text(location: &[String]) -> String {
    format!("/{}", location.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, accept: Option<u16>) -> Packet {
        let mut p = Packet::new();
        p.header.code = MessageClass::Request(RequestType::Get);
        for s in path.split('/').filter(|s| !s.is_empty()) {
            p.add_option(CoapOption::UriPath, s.as_bytes().to_vec());
        }
        if let Some(a) = accept {
            p.add_option(CoapOption::Accept, uint_bytes(a));
        }
        p
    }

    #[test]
    fn reads_are_answered_in_the_format_asked_for() {
        let device = TestDevice::new("meter-1");
        let (reply, served) = answer(&device, &read("/3/0", None));
        assert_eq!(served.code, "2.05 Content");
        assert_eq!(served.content_format, Some(cf::TLV));
        assert!(reply.payload.windows(7).any(|w| w == b"meter-1"));
        let (reply, served) = answer(&device, &read("/3/0/2", None));
        assert_eq!(
            (reply.payload.as_slice(), served.content_format),
            (&b"meter-1"[..], Some(cf::TEXT))
        );
        let (reply, _) = answer(&device, &read("/3/0", Some(cf::SENML_JSON)));
        assert!(String::from_utf8(reply.payload)
            .unwrap()
            .contains("\"bn\":\"/3/0/\""));
        assert_eq!(
            answer(&device, &read("/3/0", Some(cf::TEXT))).1.code,
            "4.06 NotAcceptable"
        );
        assert_eq!(
            answer(&device, &read("/3/0/99", None)).1.code,
            "4.04 NotFound"
        );
        assert_eq!(answer(&device, &read("/5/0", None)).1.code, "4.04 NotFound");
        let mut write = read("/3/0/13", None);
        write.header.code = MessageClass::Request(RequestType::Put);
        let (_, served) = answer(&device, &write);
        assert_eq!(
            (served.method.as_str(), served.code.as_str()),
            ("PUT", "4.05 MethodNotAllowed")
        );
    }

    #[test]
    fn register_carries_the_query_and_links() {
        let device = TestDevice::new("m");
        let p = register_request("m", 300, &device.links());
        assert_eq!(
            crate::codec::coap_text::uri_text(&p),
            "/rd?ep=m&lt=300&lwm2m=1.1&b=U"
        );
        assert_eq!(p.payload, b"</1/0>,</3/0>,</3303/0>");
    }

    #[test]
    fn locations_in_both_forms_and_with_an_empty_segment() {
        let mut compliant = response(ResponseType::Created);
        for s in ["reg", "5", ""] {
            compliant.add_option(CoapOption::LocationPath, s.as_bytes().to_vec());
        }
        assert_eq!(location(&compliant), ["reg", "5", ""]);
        assert_eq!(location_text(&location(&compliant)), "/reg/5/");
        let mut single = response(ResponseType::Created);
        single.add_option(CoapOption::LocationPath, b"rd/2".to_vec());
        assert_eq!(location(&single), ["rd", "2"]);
        let update = update_request(&location(&single));
        assert_eq!(crate::codec::coap_text::uri_text(&update), "/rd/2");
        assert!(location(&response(ResponseType::Created)).is_empty());
    }
}
