//! The events a running piece of work sends the window while it runs, by the names the UI
//! listens for. The names are defined here once; ts-rs exports the enum to TypeScript, so
//! the UI's listeners are type-checked against the very names the app emits.

use serde::Serialize;
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export)]
pub enum AppEvent {
    /// A port of a sweep finished (payload: a report `Check`).
    SweepProgress,
    /// One of a device's checks finished (payload: a report `Check`).
    CheckProgress,
    /// One rung of a device's checks finished (payload: `StepProgress`).
    CheckStep,
    /// A line of a running virtual device's log (payload: `LogLine`).
    DemoLog,
    /// A running fleet's counts, once a second (payload: `FleetSnapshot`).
    FleetSnapshot,
    /// One check of a survey finished (payload: `SurveyProgress`).
    SurveyProgress,
}

impl AppEvent {
    /// The event's name on the wire (`check-step`).
    pub fn name(self) -> &'static str {
        match self {
            AppEvent::SweepProgress => "sweep-progress",
            AppEvent::CheckProgress => "check-progress",
            AppEvent::CheckStep => "check-step",
            AppEvent::DemoLog => "demo-log",
            AppEvent::FleetSnapshot => "fleet-snapshot",
            AppEvent::SurveyProgress => "survey-progress",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AppEvent;

    #[test]
    fn each_name_is_what_json_and_typescript_call_it() {
        for event in [
            AppEvent::SweepProgress,
            AppEvent::CheckProgress,
            AppEvent::CheckStep,
            AppEvent::DemoLog,
            AppEvent::FleetSnapshot,
            AppEvent::SurveyProgress,
        ] {
            assert_eq!(serde_json::to_value(event).unwrap(), event.name());
        }
    }
}
