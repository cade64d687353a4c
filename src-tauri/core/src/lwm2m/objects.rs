//! The LwM2M objects a check needs (OMA LwM2M 1.1 Core, Appendix E): Security (0) and Server
//! (1), which a bootstrap server writes, and Device (3) and Temperature (3303), which a
//! server reads. Each resource has an id, a name and a type, so that values can be encoded in
//! whatever content format a server asks for and written values decoded from whatever
//! format a server sends — all pure functions, no I/O.

use crate::codec::senml::{self, Record, SenmlValue};
use crate::codec::tlv::{self, Tlv, TlvKind, TlvValue};
use std::collections::BTreeMap;
use std::fmt;

/// Content formats a LwM2M client meets (LwM2M 1.1 Core §7.4; RFC 7252 §12.3).
pub mod content_format {
    pub const TEXT: u16 = 0;
    pub const LINK_FORMAT: u16 = 40;
    pub const OPAQUE: u16 = 42;
    pub const CBOR: u16 = 60;
    pub const SENML_JSON: u16 = super::senml::JSON_CONTENT_FORMAT;
    pub const SENML_CBOR: u16 = super::senml::CBOR_CONTENT_FORMAT;
    pub const TLV: u16 = super::tlv::CONTENT_FORMAT;
    pub const LWM2M_JSON: u16 = 11543;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceType {
    Text,
    Integer,
    Boolean,
    Float,
    Opaque,
    Time,
    ObjectLink,
}

/// One resource of an object definition.
#[derive(Debug, Clone, Copy)]
pub struct ResourceSpec {
    pub id: u16,
    pub name: &'static str,
    pub kind: ResourceType,
    /// Whether a write or read of it should be shown masked (keys).
    pub secret: bool,
}

const fn r(id: u16, name: &'static str, kind: ResourceType) -> ResourceSpec {
    ResourceSpec {
        id,
        name,
        kind,
        secret: false,
    }
}

use ResourceType as T;

pub const SECURITY: &[ResourceSpec] = &[
    r(0, "LWM2M Server URI", T::Text),
    r(1, "Bootstrap-Server", T::Boolean),
    r(2, "Security Mode", T::Integer),
    r(3, "Public Key or Identity", T::Opaque),
    r(4, "Server Public Key", T::Opaque),
    ResourceSpec {
        id: 5,
        name: "Secret Key",
        kind: T::Opaque,
        secret: true,
    },
    r(10, "Short Server ID", T::Integer),
    r(11, "Client Hold Off Time", T::Integer),
    r(12, "Bootstrap-Server Account Timeout", T::Integer),
];

pub const SERVER: &[ResourceSpec] = &[
    r(0, "Short Server ID", T::Integer),
    r(1, "Lifetime", T::Integer),
    r(2, "Default Minimum Period", T::Integer),
    r(3, "Default Maximum Period", T::Integer),
    r(5, "Disable Timeout", T::Integer),
    r(6, "Notification Storing", T::Boolean),
    r(7, "Binding", T::Text),
];

pub const DEVICE: &[ResourceSpec] = &[
    r(0, "Manufacturer", T::Text),
    r(1, "Model Number", T::Text),
    r(2, "Serial Number", T::Text),
    r(3, "Firmware Version", T::Text),
    r(9, "Battery Level", T::Integer),
    r(10, "Memory Free", T::Integer),
    r(11, "Error Code", T::Integer),
    r(13, "Current Time", T::Time),
    r(16, "Supported Binding and Modes", T::Text),
    r(17, "Device Type", T::Text),
    r(18, "Hardware Version", T::Text),
    r(19, "Software Version", T::Text),
];

pub const TEMPERATURE: &[ResourceSpec] = &[
    r(5700, "Sensor Value", T::Float),
    r(5701, "Sensor Units", T::Text),
    r(5601, "Min Measured Value", T::Float),
    r(5602, "Max Measured Value", T::Float),
];

/// The definition of object `id`, when the check knows it.
pub fn object(id: u16) -> Option<&'static [ResourceSpec]> {
    match id {
        0 => Some(SECURITY),
        1 => Some(SERVER),
        3 => Some(DEVICE),
        3303 => Some(TEMPERATURE),
        _ => None,
    }
}

pub fn resource(object_id: u16, resource_id: u16) -> Option<&'static ResourceSpec> {
    object(object_id)?.iter().find(|r| r.id == resource_id)
}

/// A resource value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Integer(i64),
    Boolean(bool),
    Float(f64),
    Opaque(Vec<u8>),
    /// Seconds since the Unix epoch.
    Time(i64),
    ObjectLink(u16, u16),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Text(s) => f.write_str(s),
            Value::Integer(i) | Value::Time(i) => write!(f, "{i}"),
            Value::Boolean(b) => f.write_str(if *b { "1" } else { "0" }),
            Value::Float(x) => write!(f, "{x}"),
            Value::Opaque(b) => {
                f.write_str(&b.iter().map(|x| format!("{x:02x}")).collect::<String>())
            }
            Value::ObjectLink(o, i) => write!(f, "{o}:{i}"),
        }
    }
}

/// The resources of one object instance, by resource id.
pub type Instance = BTreeMap<u16, Value>;

/// Why a payload could not be read as an object's values.
#[derive(Debug, Clone, PartialEq)]
pub struct PayloadError(pub String);

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PayloadError {}

fn value_bytes(value: &Value) -> Vec<u8> {
    match value {
        Value::Text(s) => s.as_bytes().to_vec(),
        Value::Integer(i) | Value::Time(i) => tlv::int_bytes(*i),
        Value::Boolean(b) => vec![u8::from(*b)],
        Value::Float(x) => x.to_be_bytes().to_vec(),
        Value::Opaque(b) => b.clone(),
        Value::ObjectLink(o, i) => [o.to_be_bytes(), i.to_be_bytes()].concat(),
    }
}

fn value_from_bytes(kind: ResourceType, bytes: &[u8]) -> Option<Value> {
    Some(match kind {
        T::Text => Value::Text(String::from_utf8(bytes.to_vec()).ok()?),
        T::Integer => Value::Integer(tlv::read_int(bytes)?),
        T::Time => Value::Time(tlv::read_int(bytes)?),
        T::Boolean => Value::Boolean(tlv::read_bool(bytes)?),
        T::Float => Value::Float(tlv::read_float(bytes)?),
        T::Opaque => Value::Opaque(bytes.to_vec()),
        T::ObjectLink => {
            let b: [u8; 4] = bytes.try_into().ok()?;
            Value::ObjectLink(
                u16::from_be_bytes([b[0], b[1]]),
                u16::from_be_bytes([b[2], b[3]]),
            )
        }
    })
}

fn senml_value(value: &Value) -> SenmlValue {
    match value {
        Value::Text(s) => SenmlValue::Text(s.clone()),
        Value::Integer(i) | Value::Time(i) => SenmlValue::Number(*i as f64),
        Value::Boolean(b) => SenmlValue::Bool(*b),
        Value::Float(x) => SenmlValue::Number(*x),
        Value::Opaque(b) => SenmlValue::Opaque(b.clone()),
        Value::ObjectLink(o, i) => SenmlValue::ObjectLink(format!("{o}:{i}")),
    }
}

fn value_from_senml(kind: ResourceType, value: &SenmlValue) -> Option<Value> {
    Some(match (kind, value) {
        (T::Text, SenmlValue::Text(s)) => Value::Text(s.clone()),
        (T::Integer, SenmlValue::Number(n)) if n.fract() == 0.0 => Value::Integer(*n as i64),
        (T::Time, SenmlValue::Number(n)) => Value::Time(*n as i64),
        (T::Boolean, SenmlValue::Bool(b)) => Value::Boolean(*b),
        (T::Float, SenmlValue::Number(n)) => Value::Float(*n),
        (T::Opaque, SenmlValue::Opaque(b)) => Value::Opaque(b.clone()),
        (T::ObjectLink, SenmlValue::ObjectLink(l)) => {
            let (o, i) = l.split_once(':')?;
            Value::ObjectLink(o.parse().ok()?, i.parse().ok()?)
        }
        _ => return None,
    })
}

fn value_from_text(kind: ResourceType, text: &str) -> Option<Value> {
    Some(match kind {
        T::Text => Value::Text(text.to_string()),
        T::Integer => Value::Integer(text.trim().parse().ok()?),
        T::Time => Value::Time(text.trim().parse().ok()?),
        T::Boolean => Value::Boolean(match text.trim() {
            "1" => true,
            "0" => false,
            _ => return None,
        }),
        T::Float => Value::Float(text.trim().parse().ok()?),
        T::Opaque => return None, // opaque is never text/plain (it is 42, or base64 in 1.0)
        T::ObjectLink => {
            let (o, i) = text.trim().split_once(':')?;
            Value::ObjectLink(o.parse().ok()?, i.parse().ok()?)
        }
    })
}

/// A path inside the object tree: `/3`, `/3/0`, `/3/0/1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Path {
    pub object: u16,
    pub instance: Option<u16>,
    pub resource: Option<u16>,
}

impl Path {
    /// Parses the Uri-Path segments of a request (`["3", "0", "1"]`).
    pub fn from_segments(segments: &[String]) -> Option<Path> {
        let numbers: Vec<u16> = segments
            .iter()
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().ok())
            .collect::<Option<_>>()?;
        match numbers.as_slice() {
            [o] => Some(Path {
                object: *o,
                instance: None,
                resource: None,
            }),
            [o, i] => Some(Path {
                object: *o,
                instance: Some(*i),
                resource: None,
            }),
            [o, i, r] => Some(Path {
                object: *o,
                instance: Some(*i),
                resource: Some(*r),
            }),
            _ => None,
        }
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "/{}", self.object)?;
        if let Some(i) = self.instance {
            write!(f, "/{i}")?;
        }
        if let Some(r) = self.resource {
            write!(f, "/{r}")?;
        }
        Ok(())
    }
}

/// The answer to a Read of `path` (an instance or one resource of it) in `format`; `None`
/// when the format cannot carry it (text/plain holds one resource only).
pub fn encode_read(path: Path, instance: &Instance, format: u16) -> Option<Vec<u8>> {
    let instance_id = path.instance.unwrap_or(0);
    let chosen: Vec<(u16, &Value)> = instance
        .iter()
        .filter(|(id, _)| path.resource.is_none_or(|r| r == **id))
        .map(|(id, v)| (*id, v))
        .collect();
    if chosen.is_empty() {
        return None;
    }
    match format {
        content_format::TEXT => match (path.resource, chosen.as_slice()) {
            (Some(_), [(_, value)]) if !matches!(value, Value::Opaque(_)) => {
                Some(value.to_string().into_bytes())
            }
            _ => None,
        },
        content_format::OPAQUE => match (path.resource, chosen.as_slice()) {
            (Some(_), [(_, Value::Opaque(b))]) => Some(b.clone()),
            _ => None,
        },
        content_format::TLV => {
            let resources: Vec<Tlv> = chosen
                .iter()
                .map(|(id, v)| tlv::resource(*id, value_bytes(v)))
                .collect();
            if path.resource.is_some() {
                Some(tlv::encode(&resources))
            } else {
                Some(tlv::encode(&[Tlv {
                    kind: TlvKind::ObjectInstance,
                    id: instance_id,
                    value: TlvValue::Children(resources),
                }]))
            }
        }
        content_format::SENML_JSON | content_format::SENML_CBOR => {
            let base = format!("/{}/{}/", path.object, instance_id);
            let records: Vec<Record> = chosen
                .iter()
                .map(|(id, v)| Record::new(format!("{base}{id}"), senml_value(v)))
                .collect();
            Some(if format == content_format::SENML_JSON {
                senml::encode_json(&records, &base)
            } else {
                senml::encode_cbor(&records, &base)
            })
        }
        _ => None,
    }
}

/// The values a Write (or a bootstrap Write) to `path` carries, by instance id, read with
/// object `path.object`'s definition. Unknown resources are kept as opaque bytes / text so
/// nothing a server sent is hidden from the report.
pub fn decode_write(
    path: Path,
    format: u16,
    payload: &[u8],
) -> Result<BTreeMap<u16, Instance>, PayloadError> {
    let spec = |resource_id: u16| {
        resource(path.object, resource_id)
            .map(|r| r.kind)
            .unwrap_or(ResourceType::Opaque)
    };
    let mut out: BTreeMap<u16, Instance> = BTreeMap::new();
    match format {
        content_format::TLV => {
            let entries = tlv::decode(payload).map_err(|e| PayloadError(e.to_string()))?;
            let mut put = |instance: u16, entry: &Tlv| -> Result<(), PayloadError> {
                if let TlvValue::Bytes(bytes) = &entry.value {
                    let kind = spec(entry.id);
                    let value = value_from_bytes(kind, bytes).ok_or_else(|| {
                        PayloadError(format!(
                            "{}/{}/{} is not a valid {kind:?}",
                            path.object, instance, entry.id
                        ))
                    })?;
                    out.entry(instance).or_default().insert(entry.id, value);
                }
                Ok(())
            };
            for entry in &entries {
                match (&entry.kind, &entry.value) {
                    (TlvKind::ObjectInstance, TlvValue::Children(children)) => {
                        for child in children {
                            put(entry.id, child)?;
                        }
                    }
                    _ => put(path.instance.unwrap_or(0), entry)?,
                }
            }
        }
        content_format::SENML_JSON | content_format::SENML_CBOR => {
            let records = if format == content_format::SENML_JSON {
                senml::decode_json(payload)
            } else {
                senml::decode_cbor(payload)
            }
            .map_err(|e| PayloadError(e.to_string()))?;
            for record in records {
                let parts: Vec<String> = record
                    .name
                    .split('/')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect();
                let Some(Path {
                    object,
                    instance: Some(instance),
                    resource: Some(resource_id),
                }) = Path::from_segments(&parts)
                else {
                    return Err(PayloadError(format!(
                        "SenML name \"{}\" is not /object/instance/resource",
                        record.name
                    )));
                };
                if object != path.object {
                    return Err(PayloadError(format!(
                        "SenML name \"{}\" is outside {path}",
                        record.name
                    )));
                }
                let kind = spec(resource_id);
                let value = value_from_senml(kind, &record.value).ok_or_else(|| {
                    PayloadError(format!("{} is not a valid {kind:?}", record.name))
                })?;
                out.entry(instance).or_default().insert(resource_id, value);
            }
        }
        content_format::TEXT | content_format::OPAQUE => {
            let (Some(instance), Some(resource_id)) = (path.instance, path.resource) else {
                return Err(PayloadError(format!(
                    "a plain-text or opaque write must name one resource, not {path}"
                )));
            };
            let kind = spec(resource_id);
            let value = if format == content_format::OPAQUE {
                if kind != ResourceType::Opaque {
                    return Err(PayloadError(format!(
                        "{path} is {kind:?}, and application/octet-stream (42) carries opaque resources only"
                    )));
                }
                Value::Opaque(payload.to_vec())
            } else {
                let text = std::str::from_utf8(payload)
                    .map_err(|_| PayloadError(format!("{path}: text/plain is not UTF-8")))?;
                value_from_text(kind, text)
                    .ok_or_else(|| PayloadError(format!("{path}: \"{text}\" is not a {kind:?}")))?
            };
            out.entry(instance).or_default().insert(resource_id, value);
        }
        other => {
            return Err(PayloadError(format!(
                "content format {other} is not one a LwM2M 1.1 client reads"
            )))
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn device() -> Instance {
        Instance::from([
            (0, Value::Text("Loop Studio".into())),
            (1, Value::Text("loopcheck".into())),
            (2, Value::Text("LC-0001".into())),
            (3, Value::Text("0.1.0".into())),
            (9, Value::Integer(100)),
            (13, Value::Time(1_790_000_000)),
            (16, Value::Text("U".into())),
        ])
    }

    #[test]
    fn reads_of_the_device_object_in_every_format_decode_back() {
        let path = Path::from_segments(&["3".into(), "0".into()]).unwrap();
        for format in [
            content_format::TLV,
            content_format::SENML_JSON,
            content_format::SENML_CBOR,
        ] {
            let payload = encode_read(path, &device(), format).unwrap();
            let back = decode_write(path, format, &payload).unwrap();
            assert_eq!(back[&0], device(), "format {format}");
        }
        assert_eq!(
            encode_read(path, &device(), content_format::TEXT),
            None,
            "text holds one resource"
        );
        let one = Path::from_segments(&["3".into(), "0".into(), "9".into()]).unwrap();
        assert_eq!(
            encode_read(one, &device(), content_format::TEXT).unwrap(),
            b"100"
        );
        assert_eq!(
            encode_read(one, &device(), content_format::LWM2M_JSON),
            None
        );
        let missing = Path::from_segments(&["3".into(), "0".into(), "77".into()]).unwrap();
        assert_eq!(encode_read(missing, &device(), content_format::TLV), None);
    }

    #[test]
    fn a_bootstrap_write_of_the_security_object_decodes_by_its_types() {
        let instance = Instance::from([
            (0, Value::Text("coaps://127.0.0.1:5684".into())),
            (1, Value::Boolean(false)),
            (2, Value::Integer(0)),
            (3, Value::Opaque(b"meter-1".to_vec())),
            (5, Value::Opaque(b"secret".to_vec())),
            (10, Value::Integer(101)),
        ]);
        let path = Path {
            object: 0,
            instance: Some(1),
            resource: None,
        };
        let tlv = encode_read(path, &instance, content_format::TLV).unwrap();
        assert_eq!(
            decode_write(
                Path {
                    object: 0,
                    instance: None,
                    resource: None
                },
                content_format::TLV,
                &tlv
            )
            .unwrap()[&1],
            instance
        );
        let json = encode_read(path, &instance, content_format::SENML_JSON).unwrap();
        assert_eq!(
            decode_write(path, content_format::SENML_JSON, &json).unwrap()[&1],
            instance
        );
        assert!(resource(0, 5).unwrap().secret);
    }

    #[test]
    fn plain_text_writes_and_bad_values_are_located() {
        let lifetime = Path {
            object: 1,
            instance: Some(0),
            resource: Some(1),
        };
        assert_eq!(
            decode_write(lifetime, content_format::TEXT, b"300").unwrap()[&0][&1],
            Value::Integer(300)
        );
        let e = decode_write(lifetime, content_format::TEXT, b"soon").unwrap_err();
        assert!(e.0.contains("/1/0/1") && e.0.contains("soon"), "{e}");
        let whole = Path {
            object: 1,
            instance: Some(0),
            resource: None,
        };
        assert!(decode_write(whole, content_format::TEXT, b"1").is_err());
        assert!(decode_write(whole, 9999, b"")
            .unwrap_err()
            .0
            .contains("9999"));
        let outside = br#"[{"n":"/3/0/1","vs":"x"}]"#;
        assert!(decode_write(whole, content_format::SENML_JSON, outside)
            .unwrap_err()
            .0
            .contains("outside"));
    }

    #[test]
    fn paths_parse_from_uri_segments() {
        let p = Path::from_segments(&["3303".into(), "0".into(), "5700".into()]).unwrap();
        assert_eq!(p.to_string(), "/3303/0/5700");
        assert_eq!(Path::from_segments(&["x".into()]), None);
        assert_eq!(Path::from_segments(&[]), None);
        assert_eq!(
            Path::from_segments(&["1".into(), "2".into(), "3".into(), "4".into()]),
            None
        );
    }
}
