//! SenML (RFC 8428) as LwM2M 1.1 uses it: JSON (content format 110) and CBOR (112). A
//! payload is a list of records; each record's full name is the base name carried forward
//! plus its own name (`"bn": "/3/0/", "n": "0"` → `/3/0/0`), and one value field: `v`
//! (number), `vs` (string), `vb` (boolean), `vd` (opaque, base64url in JSON) or LwM2M's
//! `vlo` (object link, `"3:0"`).

use base64::Engine;
use ciborium::Value as Cbor;
use serde_json::{json, Value as Json};
use std::fmt;

pub const JSON_CONTENT_FORMAT: u16 = 110;
pub const CBOR_CONTENT_FORMAT: u16 = 112;

#[derive(Debug, Clone, PartialEq)]
pub enum SenmlValue {
    Number(f64),
    Text(String),
    Bool(bool),
    Opaque(Vec<u8>),
    ObjectLink(String),
    /// A record with a name and no value (a Read-Composite or Delete names only).
    Absent,
}

/// One resolved record: its full name (`/0/1/3`) and value.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub name: String,
    pub value: SenmlValue,
}

impl Record {
    pub fn new(name: impl Into<String>, value: SenmlValue) -> Record {
        Record {
            name: name.into(),
            value,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenmlError {
    /// Which record (0-based), when the problem is inside one.
    pub record: Option<usize>,
    pub reason: String,
}

impl fmt::Display for SenmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(i) => write!(f, "SenML record {i}: {}", self.reason),
            None => write!(f, "SenML: {}", self.reason),
        }
    }
}

impl std::error::Error for SenmlError {}

fn error(record: Option<usize>, reason: impl Into<String>) -> SenmlError {
    SenmlError {
        record,
        reason: reason.into(),
    }
}

/// The fields of one record, whatever the encoding.
#[derive(Default)]
struct Fields {
    base_name: Option<String>,
    name: Option<String>,
    value: Option<SenmlValue>,
}

fn resolve(records: Vec<Fields>) -> Vec<Record> {
    let mut base = String::new();
    records
        .into_iter()
        .map(|f| {
            if let Some(bn) = f.base_name {
                base = bn;
            }
            Record {
                name: format!("{base}{}", f.name.unwrap_or_default()),
                value: f.value.unwrap_or(SenmlValue::Absent),
            }
        })
        .collect()
}

/// Decodes SenML JSON.
pub fn decode_json(bytes: &[u8]) -> Result<Vec<Record>, SenmlError> {
    let doc: Json =
        serde_json::from_slice(bytes).map_err(|e| error(None, format!("not JSON: {e}")))?;
    let Json::Array(items) = doc else {
        return Err(error(None, "the payload is not a JSON array of records"));
    };
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Json::Object(map) = item else {
            return Err(error(Some(i), "not a JSON object"));
        };
        let text = |k: &str| -> Result<Option<String>, SenmlError> {
            match map.get(k) {
                None => Ok(None),
                Some(Json::String(s)) => Ok(Some(s.clone())),
                Some(_) => Err(error(Some(i), format!("\"{k}\" is not a string"))),
            }
        };
        let mut fields = Fields {
            base_name: text("bn")?,
            name: text("n")?,
            value: None,
        };
        if let Some(v) = map.get("v") {
            fields.value = Some(SenmlValue::Number(
                v.as_f64()
                    .ok_or_else(|| error(Some(i), "\"v\" is not a number"))?,
            ));
        } else if let Some(s) = text("vs")? {
            fields.value = Some(SenmlValue::Text(s));
        } else if let Some(b) = map.get("vb") {
            fields.value = Some(SenmlValue::Bool(
                b.as_bool()
                    .ok_or_else(|| error(Some(i), "\"vb\" is not a boolean"))?,
            ));
        } else if let Some(d) = text("vd")? {
            let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(d.trim_end_matches('='))
                .map_err(|e| error(Some(i), format!("\"vd\" is not base64url: {e}")))?;
            fields.value = Some(SenmlValue::Opaque(bytes));
        } else if let Some(l) = text("vlo")? {
            fields.value = Some(SenmlValue::ObjectLink(l));
        }
        records.push(fields);
    }
    Ok(resolve(records))
}

/// `base` when every record's name starts with it (a base name applies to every record
/// after it), else no base.
fn common_base<'a>(records: &[Record], base: &'a str) -> &'a str {
    if records.iter().all(|r| r.name.starts_with(base)) {
        base
    } else {
        ""
    }
}

/// Encodes records as SenML JSON; names under a common `base` are written relative to it.
pub fn encode_json(records: &[Record], base: &str) -> Vec<u8> {
    let base = common_base(records, base);
    let items: Vec<Json> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut item = serde_json::Map::new();
            let name = relative(&r.name, base);
            if i == 0 && !base.is_empty() {
                item.insert("bn".into(), json!(base));
            }
            item.insert("n".into(), json!(name));
            match &r.value {
                SenmlValue::Number(v) => item.insert("v".into(), json!(v)),
                SenmlValue::Text(s) => item.insert("vs".into(), json!(s)),
                SenmlValue::Bool(b) => item.insert("vb".into(), json!(b)),
                SenmlValue::Opaque(d) => item.insert(
                    "vd".into(),
                    json!(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(d)),
                ),
                SenmlValue::ObjectLink(l) => item.insert("vlo".into(), json!(l)),
                SenmlValue::Absent => None,
            };
            Json::Object(item)
        })
        .collect();
    serde_json::to_vec(&items).unwrap_or_default()
}

fn relative<'a>(name: &'a str, base: &str) -> &'a str {
    if base.is_empty() {
        name
    } else {
        name.strip_prefix(base).unwrap_or(name)
    }
}

// SenML CBOR labels (RFC 8428 §6): bn -2, n 0, v 2, vs 3, vb 4, vd 8; LwM2M's `vlo` keeps
// its text key.
const BN: i64 = -2;
const N: i64 = 0;
const V: i64 = 2;
const VS: i64 = 3;
const VB: i64 = 4;
const VD: i64 = 8;

/// Decodes SenML CBOR.
pub fn decode_cbor(bytes: &[u8]) -> Result<Vec<Record>, SenmlError> {
    let doc: Cbor =
        ciborium::from_reader(bytes).map_err(|e| error(None, format!("not CBOR: {e}")))?;
    let Cbor::Array(items) = doc else {
        return Err(error(None, "the payload is not a CBOR array of records"));
    };
    let mut records = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Cbor::Map(entries) = item else {
            return Err(error(Some(i), "not a CBOR map"));
        };
        let mut fields = Fields::default();
        for (key, value) in entries {
            let label = match &key {
                Cbor::Integer(n) => i64::try_from(i128::from(*n)).ok(),
                _ => None,
            };
            let text_key = key.as_text().map(str::to_string);
            let as_text = |v: Cbor, what: &str| match v {
                Cbor::Text(s) => Ok(s),
                _ => Err(error(Some(i), format!("{what} is not text"))),
            };
            match (label, text_key.as_deref()) {
                (Some(BN), _) => fields.base_name = Some(as_text(value, "bn")?),
                (Some(N), _) => fields.name = Some(as_text(value, "n")?),
                (Some(V), _) => {
                    let number = match value {
                        Cbor::Integer(n) => i128::from(n) as f64,
                        Cbor::Float(f) => f,
                        _ => return Err(error(Some(i), "v is not a number")),
                    };
                    fields.value = Some(SenmlValue::Number(number));
                }
                (Some(VS), _) => fields.value = Some(SenmlValue::Text(as_text(value, "vs")?)),
                (Some(VB), _) => match value {
                    Cbor::Bool(b) => fields.value = Some(SenmlValue::Bool(b)),
                    _ => return Err(error(Some(i), "vb is not a boolean")),
                },
                (Some(VD), _) => match value {
                    Cbor::Bytes(b) => fields.value = Some(SenmlValue::Opaque(b)),
                    _ => return Err(error(Some(i), "vd is not a byte string")),
                },
                (_, Some("vlo")) => {
                    fields.value = Some(SenmlValue::ObjectLink(as_text(value, "vlo")?))
                }
                _ => {} // time, units and other fields a check does not need
            }
        }
        records.push(fields);
    }
    Ok(resolve(records))
}

/// Encodes records as SenML CBOR, names relative to `base` as in [`encode_json`].
pub fn encode_cbor(records: &[Record], base: &str) -> Vec<u8> {
    let base = common_base(records, base);
    let items: Vec<Cbor> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut map: Vec<(Cbor, Cbor)> = Vec::new();
            if i == 0 && !base.is_empty() {
                map.push((BN.into(), Cbor::Text(base.into())));
            }
            map.push((N.into(), Cbor::Text(relative(&r.name, base).into())));
            match &r.value {
                SenmlValue::Number(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => {
                    map.push((V.into(), Cbor::Integer((*v as i64).into())))
                }
                SenmlValue::Number(v) => map.push((V.into(), Cbor::Float(*v))),
                SenmlValue::Text(s) => map.push((VS.into(), Cbor::Text(s.clone()))),
                SenmlValue::Bool(b) => map.push((VB.into(), Cbor::Bool(*b))),
                SenmlValue::Opaque(d) => map.push((VD.into(), Cbor::Bytes(d.clone()))),
                SenmlValue::ObjectLink(l) => {
                    map.push((Cbor::Text("vlo".into()), Cbor::Text(l.clone())))
                }
                SenmlValue::Absent => {}
            }
            Cbor::Map(map)
        })
        .collect();
    let mut out = Vec::new();
    let _ = ciborium::into_writer(&Cbor::Array(items), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Record> {
        vec![
            Record::new(
                "/0/1/0",
                SenmlValue::Text("coaps://lwm2m.example:5684".into()),
            ),
            Record::new("/0/1/1", SenmlValue::Bool(false)),
            Record::new("/0/1/2", SenmlValue::Number(0.0)),
            Record::new("/0/1/3", SenmlValue::Opaque(b"identity".to_vec())),
            Record::new("/0/1/10", SenmlValue::Number(101.0)),
            Record::new("/1/0/7", SenmlValue::ObjectLink("3:0".into())),
            Record::new("/3303/0/5700", SenmlValue::Number(21.5)),
        ]
    }

    #[test]
    fn json_resolves_base_names_and_round_trips() {
        let text = br#"[{"bn":"/0/1/","n":"0","vs":"coap://h:5683"},{"n":"1","vb":true},{"n":"10","v":101},{"bn":"/1/0/","n":"1","v":300},{"n":"3","vd":"aWQ"}]"#;
        let records = decode_json(text).unwrap();
        assert_eq!(
            records[0],
            Record::new("/0/1/0", SenmlValue::Text("coap://h:5683".into()))
        );
        assert_eq!(
            records[2],
            Record::new("/0/1/10", SenmlValue::Number(101.0))
        );
        assert_eq!(records[3].name, "/1/0/1");
        assert_eq!(records[4].value, SenmlValue::Opaque(b"id".to_vec()));
        let again = decode_json(&encode_json(&sample(), "/")).unwrap();
        assert_eq!(again, sample());
    }

    #[test]
    fn cbor_round_trips_and_uses_the_numeric_labels() {
        let bytes = encode_cbor(&sample(), "/0/1/");
        assert_eq!(bytes[0], 0x87, "an array of seven records");
        assert_eq!(decode_cbor(&bytes).unwrap(), sample());
    }

    #[test]
    fn bad_payloads_name_the_record() {
        assert_eq!(decode_json(b"{}").unwrap_err().record, None);
        let e = decode_json(br#"[{"n":"1","v":1},{"n":2}]"#).unwrap_err();
        assert_eq!(e.record, Some(1));
        assert!(e.to_string().contains("\"n\" is not a string"));
        assert!(decode_json(br#"[{"n":"1","vd":"!!"}]"#).is_err());
        assert!(decode_cbor(&[0xff]).is_err());
        assert!(decode_json(b"not json")
            .unwrap_err()
            .reason
            .starts_with("not JSON"));
    }
}
