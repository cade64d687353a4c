//! OMA LwM2M TLV (content format 11542, LwM2M 1.1 Core §7.4.3): the binary shape bootstrap
//! servers write objects 0 and 1 in, and servers often ask reads of /3/0 in.
//!
//! Each entry is a type byte (identifier kind, identifier width, length width or a short
//! length), the identifier, the length, then either a value or nested entries. Object
//! instances and multiple resources nest; nothing nests deeper than object instance →
//! multiple resource → resource instance, and the decoder refuses anything deeper.

use std::fmt;

/// The content format number of TLV.
pub const CONTENT_FORMAT: u16 = 11542;

/// What an entry's identifier names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlvKind {
    ObjectInstance,
    ResourceInstance,
    MultipleResource,
    Resource,
}

impl TlvKind {
    fn bits(self) -> u8 {
        match self {
            TlvKind::ObjectInstance => 0b00,
            TlvKind::ResourceInstance => 0b01,
            TlvKind::MultipleResource => 0b10,
            TlvKind::Resource => 0b11,
        }
    }

    fn nests(self) -> bool {
        matches!(self, TlvKind::ObjectInstance | TlvKind::MultipleResource)
    }
}

/// One TLV entry: a value (resource, resource instance) or nested entries.
#[derive(Debug, Clone, PartialEq)]
pub struct Tlv {
    pub kind: TlvKind,
    pub id: u16,
    pub value: TlvValue,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TlvValue {
    Bytes(Vec<u8>),
    Children(Vec<Tlv>),
}

/// Why bytes are not TLV; `at` is the byte offset where the problem was seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlvError {
    pub at: usize,
    pub reason: &'static str,
}

impl fmt::Display for TlvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TLV byte {}: {}", self.at, self.reason)
    }
}

impl std::error::Error for TlvError {}

const MAX_DEPTH: usize = 3;

/// Decodes a whole TLV payload.
pub fn decode(bytes: &[u8]) -> Result<Vec<Tlv>, TlvError> {
    decode_level(bytes, 0, 0)
}

fn decode_level(bytes: &[u8], offset: usize, depth: usize) -> Result<Vec<Tlv>, TlvError> {
    if depth >= MAX_DEPTH {
        return Err(TlvError {
            at: offset,
            reason: "entries nested deeper than LwM2M allows",
        });
    }
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let at = offset + i;
        let truncated = TlvError {
            at,
            reason: "the entry is cut short",
        };
        let type_byte = bytes[i];
        let kind = match type_byte >> 6 {
            0b00 => TlvKind::ObjectInstance,
            0b01 => TlvKind::ResourceInstance,
            0b10 => TlvKind::MultipleResource,
            _ => TlvKind::Resource,
        };
        let id_width = if type_byte & 0x20 != 0 { 2 } else { 1 };
        let length_width = usize::from((type_byte >> 3) & 0x03);
        let mut p = i + 1;
        let id_bytes = bytes.get(p..p + id_width).ok_or(truncated.clone())?;
        let id = id_bytes.iter().fold(0u16, |a, b| (a << 8) | u16::from(*b));
        p += id_width;
        let length = if length_width == 0 {
            usize::from(type_byte & 0x07)
        } else {
            let len_bytes = bytes.get(p..p + length_width).ok_or(truncated.clone())?;
            p += length_width;
            len_bytes
                .iter()
                .fold(0usize, |a, b| (a << 8) | usize::from(*b))
        };
        let body = bytes.get(p..p + length).ok_or(truncated)?;
        let value = if kind.nests() {
            TlvValue::Children(decode_level(body, offset + p, depth + 1)?)
        } else {
            TlvValue::Bytes(body.to_vec())
        };
        out.push(Tlv { kind, id, value });
        i = p + length;
    }
    Ok(out)
}

/// Encodes entries, choosing the smallest identifier and length widths.
pub fn encode(entries: &[Tlv]) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        let body = match &entry.value {
            TlvValue::Bytes(b) => b.clone(),
            TlvValue::Children(children) => encode(children),
        };
        let mut type_byte = entry.kind.bits() << 6;
        if entry.id > 0xff {
            type_byte |= 0x20;
        }
        let length_bytes: Vec<u8> = match body.len() {
            n if n < 8 => {
                type_byte |= n as u8;
                Vec::new()
            }
            n if n <= 0xff => {
                type_byte |= 0x08;
                vec![n as u8]
            }
            n if n <= 0xffff => {
                type_byte |= 0x10;
                (n as u16).to_be_bytes().to_vec()
            }
            n => {
                type_byte |= 0x18;
                let n = n.min(0xff_ffff) as u32;
                n.to_be_bytes()[1..].to_vec()
            }
        };
        out.push(type_byte);
        if entry.id > 0xff {
            out.extend_from_slice(&entry.id.to_be_bytes());
        } else {
            out.push(entry.id as u8);
        }
        out.extend_from_slice(&length_bytes);
        out.extend_from_slice(&body);
    }
    out
}

/// An integer in the fewest of 1, 2, 4 or 8 big-endian bytes, as TLV carries them.
pub fn int_bytes(value: i64) -> Vec<u8> {
    if let Ok(v) = i8::try_from(value) {
        v.to_be_bytes().to_vec()
    } else if let Ok(v) = i16::try_from(value) {
        v.to_be_bytes().to_vec()
    } else if let Ok(v) = i32::try_from(value) {
        v.to_be_bytes().to_vec()
    } else {
        value.to_be_bytes().to_vec()
    }
}

/// A TLV integer value (1, 2, 4 or 8 bytes, signed).
pub fn read_int(bytes: &[u8]) -> Option<i64> {
    match bytes.len() {
        1 => Some(i64::from(i8::from_be_bytes([bytes[0]]))),
        2 => Some(i64::from(i16::from_be_bytes([bytes[0], bytes[1]]))),
        4 => Some(i64::from(i32::from_be_bytes(bytes.try_into().ok()?))),
        8 => Some(i64::from_be_bytes(bytes.try_into().ok()?)),
        _ => None,
    }
}

/// A TLV boolean value (one byte, 0 or 1).
pub fn read_bool(bytes: &[u8]) -> Option<bool> {
    match bytes {
        [0] => Some(false),
        [1] => Some(true),
        _ => None,
    }
}

/// A TLV float value (4 or 8 bytes).
pub fn read_float(bytes: &[u8]) -> Option<f64> {
    match bytes.len() {
        4 => Some(f64::from(f32::from_be_bytes(bytes.try_into().ok()?))),
        8 => Some(f64::from_be_bytes(bytes.try_into().ok()?)),
        _ => None,
    }
}

/// A resource entry holding `value`.
pub fn resource(id: u16, value: Vec<u8>) -> Tlv {
    Tlv {
        kind: TlvKind::Resource,
        id,
        value: TlvValue::Bytes(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specification_example_decodes() {
        // LwM2M 1.1 Core, the Device object's example (/3/0 resources 0, 1, 2 and the
        // multiple resource 6 with two instances).
        let bytes: &[u8] = &[
            0xC8, 0x00, 0x14, b'O', b'p', b'e', b'n', b' ', b'M', b'o', b'b', b'i', b'l', b'e',
            b' ', b'A', b'l', b'l', b'i', b'a', b'n', b'c', b'e', 0xC8, 0x01, 0x16, b'L', b'i',
            b'g', b'h', b't', b'w', b'e', b'i', b'g', b'h', b't', b' ', b'M', b'2', b'M', b' ',
            b'C', b'l', b'i', b'e', b'n', b't', 0xC3, 0x02, b'3', b'4', b'5', 0x86, 0x06, 0x41,
            0x00, 0x01, 0x41, 0x01, 0x05,
        ];
        let entries = decode(bytes).unwrap();
        assert_eq!(entries.len(), 4);
        assert_eq!(entries[0], resource(0, b"Open Mobile Alliance".to_vec()));
        assert_eq!(entries[2], resource(2, b"345".to_vec()));
        let TlvValue::Children(instances) = &entries[3].value else {
            panic!("resource 6 is a multiple resource");
        };
        assert_eq!(entries[3].kind, TlvKind::MultipleResource);
        assert_eq!(instances[1].kind, TlvKind::ResourceInstance);
        assert_eq!(instances[1].value, TlvValue::Bytes(vec![5]));
        assert_eq!(
            encode(&entries),
            bytes,
            "encoding gives the same bytes back"
        );
    }

    #[test]
    fn widths_are_chosen_by_size_and_round_trip() {
        let long = vec![7u8; 300];
        let entries = vec![Tlv {
            kind: TlvKind::ObjectInstance,
            id: 0,
            value: TlvValue::Children(vec![
                resource(1000, long.clone()),
                resource(1, int_bytes(86400)),
                resource(2, vec![1]),
            ]),
        }];
        let bytes = encode(&entries);
        assert_eq!(bytes[0] & 0x18, 0x10, "the instance needs a 16-bit length");
        assert_eq!(decode(&bytes).unwrap(), entries);
    }

    #[test]
    fn values_read_as_their_types() {
        for v in [0i64, -1, 127, 128, -32769, 86400, i64::MAX] {
            assert_eq!(read_int(&int_bytes(v)), Some(v));
        }
        assert_eq!(int_bytes(300).len(), 2);
        assert_eq!(read_int(&[1, 2, 3]), None);
        assert_eq!(read_bool(&[1]), Some(true));
        assert_eq!(read_bool(&[2]), None);
        assert_eq!(read_float(&1.5f32.to_be_bytes()), Some(1.5));
    }

    #[test]
    fn bad_input_is_located() {
        assert_eq!(
            decode(&[0xC8, 0x00, 0x14, b'x']).unwrap_err(),
            TlvError {
                at: 0,
                reason: "the entry is cut short"
            }
        );
        // An object instance inside an object instance inside an object instance.
        let deep = encode(&[Tlv {
            kind: TlvKind::ObjectInstance,
            id: 0,
            value: TlvValue::Children(vec![Tlv {
                kind: TlvKind::ObjectInstance,
                id: 0,
                value: TlvValue::Children(vec![Tlv {
                    kind: TlvKind::ObjectInstance,
                    id: 0,
                    value: TlvValue::Children(vec![resource(0, vec![1])]),
                }]),
            }]),
        }]);
        assert!(decode(&deep).unwrap_err().reason.contains("deeper"));
        assert_eq!(decode(&[]).unwrap(), vec![]);
    }
}
