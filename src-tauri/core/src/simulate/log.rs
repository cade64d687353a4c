//! The Demo view's live message log: bounded, so a device left running all day holds the
//! last few hundred lines and never more.

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use ts_rs::TS;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct LogLine {
    /// Milliseconds since the simulation started.
    #[ts(type = "number")]
    pub at_ms: u64,
    /// `mqtt`, `lwm2m` or `ota`.
    pub protocol: String,
    /// `out`, `in` or `state`.
    pub direction: String,
    /// A topic, a path, or the connection state.
    pub subject: String,
    /// The payload or a description, cut to a readable length.
    pub text: String,
}

impl LogLine {
    /// The line as a terminal or a saved log shows it: time, protocol, direction, subject
    /// and text in columns. Subject and text come from the peer (topics, payloads, paths),
    /// so each is made printable: one line, no control characters, cut to a readable size.
    pub fn text_line(&self) -> String {
        format!(
            "{:>8} ms  {:<5} {:<5} {:<24} {}",
            self.at_ms,
            self.protocol,
            self.direction,
            crate::text::printable(&self.subject, 120),
            crate::text::printable(&self.text, 400)
        )
    }
}

/// A log that keeps only the newest `capacity` lines.
#[derive(Debug)]
pub struct BoundedLog {
    lines: VecDeque<LogLine>,
    capacity: usize,
    /// How many lines were dropped to stay within the bound.
    pub dropped: u64,
}

/// The longest text kept in a line.
pub const TEXT_LIMIT: usize = 240;

impl BoundedLog {
    pub fn new(capacity: usize) -> BoundedLog {
        BoundedLog {
            lines: VecDeque::with_capacity(capacity.min(1024)),
            capacity: capacity.max(1),
            dropped: 0,
        }
    }

    pub fn push(&mut self, mut line: LogLine) {
        if line.text.chars().count() > TEXT_LIMIT {
            line.text = line.text.chars().take(TEXT_LIMIT).collect::<String>() + "…";
        }
        if self.lines.len() == self.capacity {
            self.lines.pop_front();
            self.dropped += 1;
        }
        self.lines.push_back(line);
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    pub fn lines(&self) -> impl Iterator<Item = &LogLine> {
        self.lines.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(n: u64) -> LogLine {
        LogLine {
            at_ms: n,
            protocol: "mqtt".into(),
            direction: "out".into(),
            subject: "t".into(),
            text: "x".repeat(n as usize % 500),
        }
    }

    #[test]
    fn a_line_from_a_hostile_peer_stays_one_printable_line() {
        let hostile = LogLine {
            at_ms: 1_250,
            protocol: "mqtt".into(),
            direction: "in".into(),
            subject: "a/b\n$(reboot)".into(),
            text: "{\"x\":1}\r\n\u{1b}[2Jcleared".into(),
        };
        let text = hostile.text_line();
        assert!(
            !text.contains('\n') && !text.contains('\r') && !text.contains('\u{1b}'),
            "{text}"
        );
        assert!(text.starts_with("    1250 ms  mqtt  in    a/b"), "{text}");
    }

    #[test]
    fn more_lines_than_the_bound_keep_the_newest_only() {
        let mut log = BoundedLog::new(100);
        for n in 0..10_000 {
            log.push(line(n));
        }
        assert_eq!(log.len(), 100);
        assert_eq!(log.dropped, 9_900);
        assert_eq!(log.lines().next().unwrap().at_ms, 9_900);
        assert!(log
            .lines()
            .all(|l| l.text.chars().count() <= TEXT_LIMIT + 1));
    }
}
