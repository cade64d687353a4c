//! The MQTT 5 packets a fleet device sends and reads, as pure functions. A fleet holds tens of
//! thousands of connections, and a general client (rumqttc keeps queues and tables sized for
//! any use: ~40 KiB a connection) is most of their memory; a fleet device needs only CONNECT,
//! SUBSCRIBE, PUBLISH at QoS 0/1, PUBACK, PINGREQ and DISCONNECT, so it encodes exactly those
//! and decodes what a broker sends back, borrowing from the read buffer.

use super::probe_frames::encode_remaining_length;

/// A decoding failure: the broker sent something that is not MQTT 5, or too much of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("malformed MQTT packet: {0}")]
    Malformed(&'static str),
    #[error("an MQTT packet of {0} bytes is more than a fleet device accepts")]
    TooLarge(usize),
}

/// A packet from the broker. Payloads and topics borrow from the buffer they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming<'a> {
    /// CONNACK: 0 is success; an MQTT 3.1.1 broker answers a v5 CONNECT with 1.
    ConnAck {
        reason: u8,
    },
    SubAck {
        packet_id: u16,
        reasons: &'a [u8],
    },
    Publish {
        topic: &'a [u8],
        /// Present at QoS 1 and 2: the packet id to acknowledge.
        packet_id: Option<u16>,
        qos: u8,
        payload: &'a [u8],
    },
    /// PUBACK: reason 0 unless the broker says otherwise (0x87: not authorized, …).
    PubAck {
        packet_id: u16,
        reason: u8,
    },
    PingResp,
    /// A DISCONNECT from the broker, with its reason code.
    Disconnect {
        reason: u8,
    },
    /// A packet type a fleet device ignores (PUBREC and the like), by its type number.
    Other {
        packet_type: u8,
    },
}

/// What a CONNECT carries.
pub struct Connect<'a> {
    pub client_id: &'a str,
    pub user: &'a str,
    pub password: &'a str,
    pub keep_alive_s: u16,
}

/// CONNECT, MQTT 5, clean start, no properties; user and password when given.
pub fn connect(c: &Connect<'_>) -> Vec<u8> {
    let mut flags = 0x02; // clean start
    if !c.user.is_empty() {
        flags |= 0x80;
    }
    if !c.password.is_empty() {
        flags |= 0x40;
    }
    let mut body = Vec::with_capacity(16 + c.client_id.len() + c.user.len() + c.password.len());
    body.extend_from_slice(&[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, flags]);
    body.extend_from_slice(&c.keep_alive_s.to_be_bytes());
    body.push(0x00); // no properties
    put_string(&mut body, c.client_id.as_bytes());
    if !c.user.is_empty() {
        put_string(&mut body, c.user.as_bytes());
    }
    if !c.password.is_empty() {
        put_string(&mut body, c.password.as_bytes());
    }
    packet(0x10, &body)
}

/// SUBSCRIBE to one topic filter at `qos` (0 or 1).
pub fn subscribe(packet_id: u16, topic: &str, qos: u8) -> Vec<u8> {
    let mut body = Vec::with_capacity(6 + topic.len());
    body.extend_from_slice(&packet_id.to_be_bytes());
    body.push(0x00);
    put_string(&mut body, topic.as_bytes());
    body.push(qos.min(1));
    packet(0x82, &body)
}

/// PUBLISH, not retained; a packet id only at QoS 1.
pub fn publish(topic: &str, packet_id: Option<u16>, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(5 + topic.len() + payload.len());
    put_string(&mut body, topic.as_bytes());
    if let Some(id) = packet_id {
        body.extend_from_slice(&id.to_be_bytes());
    }
    body.push(0x00);
    body.extend_from_slice(payload);
    packet(if packet_id.is_some() { 0x32 } else { 0x30 }, &body)
}

/// PUBACK for a QoS 1 PUBLISH from the broker (success; the short form).
pub fn puback(packet_id: u16) -> [u8; 4] {
    let id = packet_id.to_be_bytes();
    [0x40, 0x02, id[0], id[1]]
}

pub const PINGREQ: [u8; 2] = [0xc0, 0x00];
/// DISCONNECT, normal disconnection, in the long form (reason and an empty property block):
/// MQTT 5 allows a bare `e0 00`, but some implementations (rumqttc's codec) refuse it.
pub const DISCONNECT: [u8; 4] = [0xe0, 0x02, 0x00, 0x00];

fn packet(first_byte: u8, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(5 + body.len());
    out.push(first_byte);
    encode_remaining_length(body.len(), &mut out);
    out.extend_from_slice(body);
    out
}

fn put_string(out: &mut Vec<u8>, text: &[u8]) {
    let len = u16::try_from(text.len()).unwrap_or(u16::MAX);
    out.extend_from_slice(&len.to_be_bytes());
    out.extend_from_slice(&text[..usize::from(len)]);
}

/// The first whole packet in `buf` and how many bytes it took, `None` when more bytes are
/// needed. A packet longer than `max_len` is an error before it is buffered.
pub fn decode(buf: &[u8], max_len: usize) -> Result<Option<(Incoming<'_>, usize)>, FrameError> {
    let Some(&first) = buf.first() else {
        return Ok(None);
    };
    let Some((remaining, header_len)) = remaining_length(&buf[1..])? else {
        return Ok(None);
    };
    let total = 1 + header_len + remaining;
    if total > max_len {
        return Err(FrameError::TooLarge(total));
    }
    if buf.len() < total {
        return Ok(None);
    }
    let body = &buf[1 + header_len..total];
    let packet = match first >> 4 {
        2 => match body {
            [_flags, reason, ..] => Incoming::ConnAck { reason: *reason },
            _ => return Err(FrameError::Malformed("CONNACK shorter than 2 bytes")),
        },
        3 => publish_in(first, body)?,
        4 => match body {
            [a, b] => Incoming::PubAck {
                packet_id: u16::from_be_bytes([*a, *b]),
                reason: 0,
            },
            [a, b, reason, ..] => Incoming::PubAck {
                packet_id: u16::from_be_bytes([*a, *b]),
                reason: *reason,
            },
            _ => return Err(FrameError::Malformed("PUBACK shorter than 2 bytes")),
        },
        9 => {
            let [a, b, rest @ ..] = body else {
                return Err(FrameError::Malformed("SUBACK shorter than 2 bytes"));
            };
            let reasons = skip_properties(rest)?;
            Incoming::SubAck {
                packet_id: u16::from_be_bytes([*a, *b]),
                reasons,
            }
        }
        13 => Incoming::PingResp,
        14 => Incoming::Disconnect {
            reason: body.first().copied().unwrap_or(0),
        },
        packet_type => Incoming::Other { packet_type },
    };
    Ok(Some((packet, total)))
}

fn publish_in(first: u8, body: &[u8]) -> Result<Incoming<'_>, FrameError> {
    let qos = (first >> 1) & 0x03;
    if qos == 3 {
        return Err(FrameError::Malformed("PUBLISH with QoS 3"));
    }
    let [a, b, rest @ ..] = body else {
        return Err(FrameError::Malformed("PUBLISH without a topic"));
    };
    let topic_len = usize::from(u16::from_be_bytes([*a, *b]));
    if rest.len() < topic_len {
        return Err(FrameError::Malformed(
            "PUBLISH topic longer than the packet",
        ));
    }
    let (topic, rest) = rest.split_at(topic_len);
    let (packet_id, rest) = if qos > 0 {
        match rest {
            [a, b, rest @ ..] => (Some(u16::from_be_bytes([*a, *b])), rest),
            _ => return Err(FrameError::Malformed("PUBLISH without its packet id")),
        }
    } else {
        (None, rest)
    };
    let payload = skip_properties(rest)?;
    Ok(Incoming::Publish {
        topic,
        packet_id,
        qos,
        payload,
    })
}

/// What follows a property block (a variable byte length, then that many bytes).
fn skip_properties(bytes: &[u8]) -> Result<&[u8], FrameError> {
    match remaining_length(bytes)? {
        Some((len, used)) if bytes.len() >= used + len => Ok(&bytes[used + len..]),
        _ => Err(FrameError::Malformed("properties longer than the packet")),
    }
}

/// A variable byte integer (at most four bytes): its value and length, `None` if cut short.
fn remaining_length(bytes: &[u8]) -> Result<Option<(usize, usize)>, FrameError> {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().take(4).enumerate() {
        value |= usize::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            return Ok(Some((value, i + 1)));
        }
    }
    if bytes.len() >= 4 {
        Err(FrameError::Malformed(
            "a variable byte integer of more than 4 bytes",
        ))
    } else {
        Ok(None)
    }
}

#[cfg(test)]
#[path = "mqtt5_frames_tests.rs"]
mod tests;
