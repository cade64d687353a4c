//! The LwM2M objects a check needs (OMA LwM2M 1.1 Core, Appendix E): Security (0) and Server
//! (1), which a bootstrap server writes, and Device (3) and Temperature (3303), which a
//! server reads. Each resource has an id, a name and a type, so that values can be encoded in
//! whatever content format a server asks for and written values decoded from whatever
//! format a server sends — all pure functions, no I/O.

use crate::codec::senml::{self, Record, SenmlValue};
use crate::codec::tlv::{self, Tlv, TlvKind, TlvValue};
use std::collections::BTreeMap;
use std::fmt;

pub use super::definitions::{
    content_format, object, resource, ResourceSpec, ResourceType, DEVICE, SECURITY, SERVER,
    TEMPERATURE,
};
use ResourceType as T;

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
#[path = "objects_tests.rs"]
mod tests;
