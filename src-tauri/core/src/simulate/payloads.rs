//! What a virtual device says (DESIGN.md §7): telemetry `{"ts", "temperature", "counter",
//! "status"}` from a small generator (temperature as a sine with noise, a counter, a status
//! string), and answers to requests `{"id", "method", "params"}` — `{"id", "result"}` or
//! `{"id", "error"}` — for a few built-in methods. Pure: time and randomness come in.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use ts_rs::TS;

/// The telemetry generator's settings, editable in the Demo view and on the command line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Generator {
    /// The temperature's middle, in °C.
    pub base: f64,
    /// How far it swings either way.
    pub amplitude: f64,
    /// One full swing, in seconds.
    pub period_s: f64,
    /// Added noise, at most this much either way.
    pub noise: f64,
    pub status: String,
}

impl Generator {
    // The defaults one by one, for the CLI's flags (clap wants constants); the Demo view
    // receives `Generator::default()` with the catalog.
    pub const DEFAULT_BASE: f64 = 21.0;
    pub const DEFAULT_AMPLITUDE: f64 = 3.0;
    pub const DEFAULT_PERIOD_S: f64 = 60.0;
    pub const DEFAULT_NOISE: f64 = 0.2;
    pub const DEFAULT_STATUS: &'static str = "ok";
}

impl Default for Generator {
    fn default() -> Self {
        Generator {
            base: Self::DEFAULT_BASE,
            amplitude: Self::DEFAULT_AMPLITUDE,
            period_s: Self::DEFAULT_PERIOD_S,
            noise: Self::DEFAULT_NOISE,
            status: Self::DEFAULT_STATUS.into(),
        }
    }
}

impl Generator {
    /// Why these settings cannot make telemetry, naming the setting.
    pub fn problem(&self) -> Option<String> {
        let numbers = [
            ("temperature", self.base),
            ("swing", self.amplitude),
            ("period", self.period_s),
            ("noise", self.noise),
        ];
        if let Some((name, value)) = numbers
            .iter()
            .find(|(_, v)| !v.is_finite() || v.abs() > crate::limits::GENERATOR_MAX_ABS)
        {
            return Some(format!(
                "the telemetry {name} must be a number (got {value})"
            ));
        }
        if self.amplitude < 0.0 || self.period_s < 0.0 || self.noise < 0.0 {
            return Some("the telemetry swing, period and noise cannot be negative".into());
        }
        if self.status.chars().count() > crate::limits::STATUS_MAX_CHARS {
            return Some("the telemetry status is longer than 64 characters".into());
        }
        None
    }

    /// The `counter`-th message at `ts_ms` (Unix milliseconds); `jitter` in [-1, 1].
    pub fn telemetry(&self, ts_ms: u64, counter: u64, jitter: f64) -> Value {
        let t = ts_ms as f64 / 1000.0;
        let phase = if self.period_s > 0.0 {
            (t / self.period_s) * std::f64::consts::TAU
        } else {
            0.0
        };
        let temperature =
            self.base + self.amplitude * phase.sin() + self.noise * jitter.clamp(-1.0, 1.0);
        json!({
            "ts": ts_ms,
            "temperature": (temperature * 100.0).round() / 100.0,
            "counter": counter,
            "status": self.status,
        })
    }
}

/// What the device knows about itself when asked.
pub struct DeviceState<'a> {
    pub name: &'a str,
    pub uptime_s: u64,
    pub sent: u64,
    pub last_temperature: f64,
}

/// The answer to one request payload; `None` when the payload is not a request at all
/// (then nothing is answered: the sender is not speaking this protocol).
pub fn answer(request: &[u8], state: &DeviceState<'_>) -> Option<Value> {
    let value: Value = serde_json::from_slice(request).ok()?;
    let id = value.get("id")?.clone();
    let method = value.get("method").and_then(Value::as_str);
    Some(match method {
        Some("ping") => json!({ "id": id, "result": "pong" }),
        Some("getStatus") => json!({ "id": id, "result": {
            "device": state.name,
            "uptime": state.uptime_s,
            "sent": state.sent,
            "temperature": state.last_temperature,
        } }),
        Some("echo") => {
            json!({ "id": id, "result": value.get("params").cloned().unwrap_or(Value::Null) })
        }
        Some(other) => {
            json!({ "id": id, "error": format!("unknown method \"{other}\" (this virtual device knows ping, getStatus and echo)") })
        }
        None => json!({ "id": id, "error": "the request has no \"method\"" }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn telemetry_swings_around_its_base_and_counts() {
        let g = Generator::default();
        let at_zero = g.telemetry(0, 1, 0.0);
        assert_eq!(at_zero["temperature"], 21.0);
        assert_eq!(
            (at_zero["counter"].as_u64(), at_zero["status"].as_str()),
            (Some(1), Some("ok"))
        );
        let quarter = g.telemetry(15_000, 2, 0.0);
        assert_eq!(
            quarter["temperature"], 24.0,
            "a quarter period up is base + amplitude"
        );
        let noisy = g.telemetry(0, 3, 5.0);
        assert_eq!(noisy["temperature"], 21.2, "jitter is clamped to the noise");
        assert_eq!(noisy["ts"], 0);
    }

    #[test]
    fn settings_that_cannot_make_telemetry_are_named() {
        assert_eq!(Generator::default().problem(), None);
        let nan = Generator {
            noise: f64::NAN,
            ..Generator::default()
        };
        assert!(nan.problem().unwrap().contains("noise"));
        let negative = Generator {
            period_s: -1.0,
            ..Generator::default()
        };
        assert!(negative.problem().unwrap().contains("negative"));
        let chatty = Generator {
            status: "x".repeat(65),
            ..Generator::default()
        };
        assert!(chatty.problem().unwrap().contains("status"));
    }

    #[test]
    fn requests_get_results_errors_or_nothing() {
        let state = DeviceState {
            name: "dev-1",
            uptime_s: 9,
            sent: 3,
            last_temperature: 21.5,
        };
        assert_eq!(
            answer(br#"{"id":7,"method":"ping"}"#, &state),
            Some(json!({"id":7,"result":"pong"}))
        );
        let status = answer(br#"{"id":"a","method":"getStatus","params":{}}"#, &state).unwrap();
        assert_eq!(status["result"]["device"], "dev-1");
        assert_eq!(status["result"]["sent"], 3);
        assert_eq!(
            answer(br#"{"id":1,"method":"echo","params":[1,2]}"#, &state).unwrap()["result"],
            json!([1, 2])
        );
        assert!(
            answer(br#"{"id":1,"method":"reboot"}"#, &state).unwrap()["error"]
                .as_str()
                .unwrap()
                .contains("reboot")
        );
        assert!(answer(br#"{"id":1}"#, &state).unwrap()["error"].is_string());
        assert_eq!(answer(b"not json", &state), None);
        assert_eq!(
            answer(br#"{"method":"ping"}"#, &state),
            None,
            "no id: nothing to answer to"
        );
    }
}
