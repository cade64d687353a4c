//! The record of one CoAP conversation, bounded: a peer that floods the link (thousands of
//! datagrams in a read window) must not grow a check's memory or its report without limit.
//! The newest [`MAX_MESSAGES`] are kept; the older ones are dropped and counted, and a rung
//! that asks for its messages is told how many it lost.

use super::CoapMessage;
use crate::codec::coap_text::{code_text, content_format, kind_word, uri_text};
use coap_lite::Packet;
use std::collections::VecDeque;

/// Messages kept per conversation.
pub const MAX_MESSAGES: usize = 500;

impl CoapMessage {
    /// A message in (`in`) or out (`out`), as the sequence view shows it.
    pub(super) fn of_packet(at_ms: f64, direction: &str, packet: &Packet, note: String) -> Self {
        CoapMessage {
            at_ms,
            direction: direction.into(),
            kind: kind_word(packet.header.get_type()).into(),
            code: code_text(packet.header.code),
            message_id: packet.header.message_id,
            token: packet
                .get_token()
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            uri: uri_text(packet),
            content_format: content_format(packet),
            payload_bytes: packet.payload.len(),
            note,
        }
    }

    /// A datagram that is not CoAP: noted, then ignored, as RFC 7252 §4.2 says.
    pub(super) fn not_coap(at_ms: f64, bytes: usize) -> Self {
        CoapMessage {
            payload_bytes: bytes,
            ..CoapMessage::note(
                at_ms,
                format!("{bytes} bytes that are not a CoAP message, ignored"),
            )
        }
    }

    /// A line in the conversation that is no message (what the log left out).
    fn note(at_ms: f64, note: String) -> Self {
        CoapMessage {
            at_ms,
            direction: "in".into(),
            kind: "?".into(),
            code: String::new(),
            message_id: 0,
            token: String::new(),
            uri: String::new(),
            content_format: None,
            payload_bytes: 0,
            note,
        }
    }
}

#[derive(Debug, Default)]
pub struct MessageLog {
    kept: VecDeque<CoapMessage>,
    /// Messages ever recorded: the position of the next one.
    recorded: usize,
}

impl MessageLog {
    pub fn push(&mut self, message: CoapMessage) {
        if self.kept.len() == MAX_MESSAGES {
            self.kept.pop_front();
        }
        self.kept.push_back(message);
        self.recorded += 1;
    }

    /// Where the log stands now; pass it to [`MessageLog::since`] later.
    pub fn position(&self) -> usize {
        self.recorded
    }

    /// How many messages were dropped to keep the log bounded.
    pub fn dropped(&self) -> usize {
        self.recorded - self.kept.len()
    }

    /// The messages recorded since `position`; when some of them were dropped, the first
    /// entry says how many.
    pub fn since(&self, position: usize) -> Vec<CoapMessage> {
        let first_kept = self.dropped();
        let mut out = Vec::new();
        if position < first_kept {
            let lost = first_kept - position;
            let at_ms = self.kept.front().map_or(0.0, |m| m.at_ms);
            out.push(CoapMessage {
                kind: "…".into(),
                ..CoapMessage::note(
                    at_ms,
                    format!("{lost} earlier messages not kept (the log holds the newest {MAX_MESSAGES})"),
                )
            });
        }
        let skip = position.saturating_sub(first_kept);
        out.extend(self.kept.iter().skip(skip).cloned());
        out
    }

    pub fn last_mut(&mut self) -> Option<&mut CoapMessage> {
        self.kept.back_mut()
    }

    pub fn iter(&self) -> impl Iterator<Item = &CoapMessage> {
        self.kept.iter()
    }

    /// Forgets everything (a long-running device does not keep its conversation).
    pub fn clear(&mut self) {
        self.kept.clear();
        self.recorded = 0;
    }
}

impl std::ops::Index<usize> for MessageLog {
    type Output = CoapMessage;
    fn index(&self, i: usize) -> &CoapMessage {
        &self.kept[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(n: usize) -> CoapMessage {
        CoapMessage {
            at_ms: n as f64,
            direction: "in".into(),
            kind: "NON".into(),
            code: "2.05 Content".into(),
            message_id: n as u16,
            token: String::new(),
            uri: String::new(),
            content_format: None,
            payload_bytes: 1,
            note: String::new(),
        }
    }

    #[test]
    fn a_flood_keeps_the_newest_and_counts_the_rest() {
        let mut log = MessageLog::default();
        for n in 0..3 {
            log.push(message(n));
        }
        let from = log.position();
        assert_eq!(from, 3);
        for n in 3..(3 + MAX_MESSAGES + 10) {
            log.push(message(n));
        }
        assert_eq!(log.iter().count(), MAX_MESSAGES);
        assert_eq!(log.dropped(), 13);
        let since = log.since(from);
        assert_eq!(since.len(), MAX_MESSAGES + 1);
        assert!(
            since[0].note.starts_with("10 earlier messages not kept"),
            "{}",
            since[0].note
        );
        assert_eq!(since[1].message_id, 13);
        // Nothing dropped since a recent position: no note.
        let recent = log.position() - 2;
        assert_eq!(log.since(recent).len(), 2);
    }
}
