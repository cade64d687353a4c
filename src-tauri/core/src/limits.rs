//! The bounds of every number a user gives (time limits, rates, ramps, durations, fleet
//! sizes, lifetimes), checked in one place before anything runs, so that the CLI and the app
//! refuse the same values with the same words. A value outside its bounds (or not finite:
//! `--duration inf` would overflow a timer, NaN would never compare) is bad input, never a
//! panic or a timer that never fires. Pure.

use crate::{ApiError, ErrorCode};
use serde::Serialize;
use std::time::Duration;
use ts_rs::TS;

/// Per-rung time limit: 1 ms to 10 minutes.
pub const RUNG_TIMEOUT_MS: (u64, u64) = (1, 600_000);
/// Telemetry messages per second per device.
pub const RATE_PER_S: (f64, f64) = (0.001, 1000.0);
/// Fleet devices started per second.
pub const RAMP_PER_S: (f64, f64) = (0.01, 10_000.0);
/// How long a demo or fleet runs: up to 31 days.
pub const DURATION_S: (f64, f64) = (0.001, 31.0 * 86_400.0);
/// LwM2M registration lifetime in seconds: 4 s (an Update every 3 s) to a year.
pub const LIFETIME_S: (u32, u32) = (4, 365 * 86_400);
/// Devices in one fleet.
pub const FLEET_SIZE: (u32, u32) = (1, 100_000);

/// The largest magnitude a telemetry generator's number may have.
pub const GENERATOR_MAX_ABS: f64 = 1e6;
/// The longest telemetry status text, in characters.
pub const STATUS_MAX_CHARS: usize = 64;

/// What a demo starts with when nobody says otherwise (the CLI's flags, the Demo view's
/// fields): one telemetry message a second; fleets of ten named `dev-{n}`, ten a second.
pub const DEFAULT_RATE_PER_S: f64 = 1.0;
pub const DEFAULT_RAMP_PER_S: f64 = 10.0;
pub const DEFAULT_FLEET_SIZE: u32 = 10;
pub const DEFAULT_FLEET_PATTERN: &str = "dev-{n}";

/// The bounds above as the UI receives them (with the catalog), so that a form checks its
/// fields against the very numbers the core enforces: `[low, high]` each.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UserLimits {
    #[ts(type = "[number, number]")]
    pub rung_timeout_ms: (u64, u64),
    pub rate_per_s: (f64, f64),
    pub ramp_per_s: (f64, f64),
    pub duration_s: (f64, f64),
    pub lifetime_s: (u32, u32),
    pub fleet_size: (u32, u32),
    pub generator_max_abs: f64,
    #[ts(type = "number")]
    pub status_max_chars: usize,
}

/// Every user-number bound of this module.
pub fn user_limits() -> UserLimits {
    UserLimits {
        rung_timeout_ms: RUNG_TIMEOUT_MS,
        rate_per_s: RATE_PER_S,
        ramp_per_s: RAMP_PER_S,
        duration_s: DURATION_S,
        lifetime_s: LIFETIME_S,
        fleet_size: FLEET_SIZE,
        generator_max_abs: GENERATOR_MAX_ABS,
        status_max_chars: STATUS_MAX_CHARS,
    }
}

fn invalid(message: String) -> ApiError {
    ApiError::new(ErrorCode::InputInvalid, message)
}

/// A per-rung time limit in milliseconds (`--timeout-ms`).
pub fn rung_timeout(what: &str, ms: u64) -> Result<Duration, ApiError> {
    let (low, high) = RUNG_TIMEOUT_MS;
    if !(low..=high).contains(&ms) {
        return Err(invalid(format!(
            "{what} {ms}: a time limit is {low} to {high} milliseconds"
        )));
    }
    Ok(Duration::from_millis(ms))
}

fn within(what: &str, value: f64, (low, high): (f64, f64), unit: &str) -> Result<f64, ApiError> {
    if value.is_finite() && value >= low && value <= high {
        Ok(value)
    } else {
        Err(invalid(format!(
            "{what} {value}: must be a number from {low} to {high} {unit}"
        )))
    }
}

/// Telemetry messages per second (`--rate`).
pub fn rate(value: f64) -> Result<f64, ApiError> {
    within("the rate", value, RATE_PER_S, "messages per second")
}

/// Fleet devices started per second (`--ramp`).
pub fn ramp(value: f64) -> Result<f64, ApiError> {
    within("the ramp", value, RAMP_PER_S, "devices per second")
}

/// How long to run (`--duration`).
pub fn duration(value: f64) -> Result<Duration, ApiError> {
    within("the duration", value, DURATION_S, "seconds").map(Duration::from_secs_f64)
}

/// The LwM2M lifetime (`--lifetime`).
pub fn lifetime(value: u32) -> Result<u32, ApiError> {
    let (low, high) = LIFETIME_S;
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(format!(
            "the LwM2M lifetime {value}: must be {low} to {high} seconds"
        )))
    }
}

/// The number of devices in a fleet (`--fleet`).
pub fn fleet_size(value: u32) -> Result<u32, ApiError> {
    let (low, high) = FLEET_SIZE;
    if (low..=high).contains(&value) {
        Ok(value)
    } else {
        Err(invalid(format!(
            "a fleet of {value}: a fleet has between {low} and {high} devices"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_outside_their_bounds_or_not_finite_are_refused_by_name() {
        for bad in [f64::NAN, f64::INFINITY, -1.0, 0.0, 1e9] {
            assert!(rate(bad).is_err(), "rate {bad}");
            assert!(ramp(bad).is_err(), "ramp {bad}");
            assert!(duration(bad).is_err(), "duration {bad}");
        }
        let err = duration(f64::INFINITY).unwrap_err();
        assert_eq!(err.code, ErrorCode::InputInvalid);
        assert!(err.message.contains("the duration inf"), "{}", err.message);
        assert!(rung_timeout("--timeout-ms", 0).is_err());
        assert!(rung_timeout("--timeout-ms", u64::MAX)
            .unwrap_err()
            .message
            .contains("--timeout-ms 18446744073709551615"));
        assert!(lifetime(3).is_err() && lifetime(u32::MAX).is_err());
        assert!(fleet_size(0).is_err() && fleet_size(100_001).is_err());
    }

    #[test]
    fn values_within_bounds_pass() {
        assert_eq!(rate(2.5).unwrap(), 2.5);
        assert_eq!(ramp(10_000.0).unwrap(), 10_000.0);
        assert_eq!(duration(1.5).unwrap(), Duration::from_millis(1500));
        assert_eq!(rung_timeout("t", 3000).unwrap(), Duration::from_secs(3));
        assert_eq!(lifetime(300).unwrap(), 300);
        assert_eq!(fleet_size(10_000).unwrap(), 10_000);
    }
}
