//! The Demo view's live message log: bounded, so a device left running all day holds the
//! last few hundred lines and never more.

use serde::Serialize;
use std::collections::VecDeque;
use ts_rs::TS;

/// One line of the log.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
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
