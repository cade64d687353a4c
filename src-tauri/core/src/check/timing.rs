//! What a rung's CoAP messages say about the link: how many transmissions were repeats, and
//! the round trips of the exchanges that needed none (a repeated one cannot be timed: its
//! answer may belong to either transmission — Karn's rule). Evidence for "the link is lossy"
//! or "the link is slow" (a 1 s round trip against a 2 s retransmission timer), not a guess.

use serde_json::{json, Value};

/// `{"retransmissions": n, "roundTripsMs": [...]}` for a rung's `messages`, or `None` when
/// it has none.
pub(super) fn coap_timing(messages: &[Value]) -> Option<Value> {
    if messages.is_empty() {
        return None;
    }
    let field = |m: &Value, k: &str| m.get(k).cloned().unwrap_or(Value::Null);
    let is_out_con = |m: &Value| field(m, "direction") == "out" && field(m, "kind") == "CON";
    let retransmission = |m: &Value| {
        field(m, "note")
            .as_str()
            .is_some_and(|n| n.starts_with("retransmission"))
    };
    let retransmissions = messages.iter().filter(|m| retransmission(m)).count();
    let mut round_trips = Vec::new();
    for (i, sent) in messages.iter().enumerate() {
        if !is_out_con(sent) || retransmission(sent) {
            continue;
        }
        let id = field(sent, "messageId");
        let later = &messages[i + 1..];
        let repeated = later
            .iter()
            .any(|m| is_out_con(m) && retransmission(m) && field(m, "messageId") == id);
        let answer = later.iter().find(|m| {
            field(m, "direction") == "in"
                && matches!(field(m, "kind").as_str(), Some("ACK" | "RST"))
                && field(m, "messageId") == id
        });
        if let (false, Some(answer)) = (repeated, answer) {
            let (sent_at, answered_at) = (
                field(sent, "atMs").as_f64().unwrap_or(0.0),
                field(answer, "atMs").as_f64().unwrap_or(0.0),
            );
            round_trips.push(((answered_at - sent_at) * 10.0).round() / 10.0);
        }
    }
    Some(json!({ "retransmissions": retransmissions, "roundTripsMs": round_trips }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(at: f64, direction: &str, kind: &str, id: u16, note: &str) -> Value {
        json!({ "atMs": at, "direction": direction, "kind": kind, "messageId": id, "note": note })
    }

    #[test]
    fn repeats_are_counted_and_only_clean_exchanges_timed() {
        let messages = [
            message(0.0, "out", "CON", 1, ""),
            message(2.5, "in", "ACK", 1, ""),
            message(3.0, "out", "CON", 2, ""),
            message(2003.0, "out", "CON", 2, "retransmission 1"),
            message(2010.0, "in", "ACK", 2, ""),
            message(2011.0, "in", "CON", 9, ""),
            message(2012.0, "out", "ACK", 9, ""),
        ];
        assert_eq!(
            coap_timing(&messages),
            Some(json!({ "retransmissions": 1, "roundTripsMs": [2.5] }))
        );
        assert_eq!(coap_timing(&[]), None);
        // An exchange that never got its answer is not timed either.
        let lost = [message(0.0, "out", "CON", 3, "")];
        assert_eq!(
            coap_timing(&lost),
            Some(json!({ "retransmissions": 0, "roundTripsMs": [] }))
        );
    }
}
