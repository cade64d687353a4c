//! Demo mode's use cases: a stored device as a virtual device, and a fleet of a model,
//! with their numbers checked before anything connects.

use super::checks::CheckPlan;
use super::studio::Studio;
use crate::catalog::TemplateKind;
use crate::render::{render_model, Scopes, Variables};
use crate::simulate::fleet::FleetBuilder;
use crate::simulate::fleet_device::FleetDevice;
use crate::simulate::fleet_sources;
use crate::{ApiError, ErrorCode};

/// How a virtual device runs: its telemetry rate and values, for how long, and the LwM2M
/// lifetime.
#[derive(Debug, Clone)]
pub struct SimulateSettings {
    pub rate: f64,
    pub duration_s: Option<f64>,
    /// The LwM2M lifetime; `None`: the device's `LWM2M_LIFETIME`, else 300 s.
    pub lifetime_s: Option<u32>,
    pub generator: crate::simulate::payloads::Generator,
}

impl SimulateSettings {
    /// Bad numbers are bad input, found before a plan is made or anything connects.
    pub fn validate(&self) -> Result<(), ApiError> {
        crate::limits::rate(self.rate)?;
        self.lifetime_s.map(crate::limits::lifetime).transpose()?;
        self.duration_s.map(crate::limits::duration).transpose()?;
        match self.generator.problem() {
            Some(problem) => Err(ApiError::new(ErrorCode::InputInvalid, problem)),
            None => Ok(()),
        }
    }
}

/// A fleet's numbers (size, ramp, rate, duration) within their bounds ([`crate::limits`]).
pub fn validate_fleet(
    count: u32,
    ramp: f64,
    rate: f64,
    duration_s: Option<f64>,
) -> Result<(), ApiError> {
    crate::limits::fleet_size(count)?;
    crate::limits::ramp(ramp)?;
    crate::limits::rate(rate)?;
    duration_s.map(crate::limits::duration).transpose()?;
    Ok(())
}

impl Default for SimulateSettings {
    fn default() -> Self {
        SimulateSettings {
            rate: 1.0,
            duration_s: None,
            lifetime_s: None,
            generator: crate::simulate::payloads::Generator::default(),
        }
    }
}

/// Runs a device as a virtual device with every protocol its model has (the CLI's
/// `simulate` and the app's Demo view): until `cancel`, or the duration when given.
pub async fn simulate_device(
    plan: &CheckPlan,
    name: &str,
    settings: SimulateSettings,
    cancel: tokio_util::sync::CancellationToken,
    on_log: &(dyn Fn(crate::simulate::log::LogLine) + Send + Sync),
) -> Result<crate::simulate::device::SimulationSummary, ApiError> {
    settings.validate()?;
    let run_for = settings
        .duration_s
        .map(crate::limits::duration)
        .transpose()?;
    let until = run_for.map(|d| tokio::time::Instant::now() + d);
    let mut ctx = crate::check::RunContext::new(crate::check::DEFAULT_RUNG_TIMEOUT);
    plan.configure(&mut ctx);
    let options = crate::simulate::device::DeviceOptions {
        rate_per_s: settings.rate,
        lifetime_s: settings
            .lifetime_s
            .or(plan.lwm2m_lifetime_s)
            .unwrap_or(crate::check::LWM2M_LIFETIME_S),
        generator: settings.generator,
    };
    // A demo's lines reach the screen and saved logs: the device's secrets are masked.
    let scrubber = plan.scrubber.clone();
    let scrubbed = move |mut line: crate::simulate::log::LogLine| {
        line.subject = scrubber.text(&line.subject).into_owned();
        line.text = scrubber.text(&line.text).into_owned();
        on_log(line);
    };
    crate::simulate::device::run(
        &plan.templates,
        name,
        &options,
        &ctx,
        cancel,
        until,
        &scrubbed,
    )
    .await
    .map_err(|e| {
        let e = plan.scrubber.text(&e.to_string()).into_owned();
        ApiError::new(ErrorCode::InputInvalid, format!("device {name}: {e}"))
    })
}

/// Saves a demo's log (the lines the screen kept, as the core sent them: secrets already
/// masked) as text, one line each as `loopcheck simulate` prints them, after a header that
/// says which device and how many lines.
pub fn save_demo_log(
    device: &str,
    lines: &[crate::simulate::log::LogLine],
    path: &std::path::Path,
) -> Result<(), ApiError> {
    let mut text = format!(
        "# Loop Studio demo log: device {}, {} lines, times from the start of the demo\n",
        crate::text::printable(device, 80),
        lines.len()
    );
    for line in lines {
        text.push_str(&line.text_line());
        text.push('\n');
    }
    super::files::write_file_atomically(path, &text)
}

/// The values that make a device itself; a fleet never copies them from one device to all.
const PER_DEVICE: [&str; 5] = [
    "MQTT_CLIENT_ID",
    "LWM2M_ENDPOINT",
    "LWM2M_PSK_IDENTITY",
    "LWM2M_BS_PSK_IDENTITY",
    "OTA_CONTROLLER_ID",
];

/// Who a fleet is and what it is made of.
pub struct FleetRequest<'a> {
    pub model: &'a str,
    pub count: u32,
    /// Device names: `{n}` becomes 1, 2, …
    pub pattern: &'a str,
    /// A stored device whose values (credentials, say) the fleet shares — all but its
    /// identities (client id, endpoint, PSK identities, controller id).
    pub like: Option<&'a str>,
    /// The local addresses to connect from (`127.0.0.2-127.0.0.9`, `a,b`); `None`: spread
    /// by itself when a large fleet meets a loopback broker ([`fleet_sources::automatic`]).
    pub source_addresses: Option<&'a str>,
}

/// The devices of a fleet: `count` names from `pattern`, each rendering the model's first
/// MQTT TCP/TLS template with the project's variables and the `like` device's shared values.
/// The client id and endpoint are the project's patterns (`{device}` makes them differ),
/// else the device's name.
pub fn fleet_plan(
    studio: &mut Studio,
    project: &str,
    request: &FleetRequest<'_>,
) -> Result<Vec<FleetDevice>, ApiError> {
    let FleetRequest {
        model,
        count,
        pattern,
        like,
        source_addresses,
    } = *request;
    crate::limits::fleet_size(count)?;
    let chosen = source_addresses
        .map(fleet_sources::parse)
        .transpose()
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, e.to_string()))?;
    let project_def = studio.project(project)?;
    let model_def = studio.model(project, model)?;
    let shared: Variables = match like {
        Some(device) => studio
            .device(project, device)?
            .variables
            .into_iter()
            .filter(|(k, _)| !PER_DEVICE.contains(&k.as_str()))
            .collect(),
        None => Variables::new(),
    };
    let mut builder: Option<FleetBuilder> = None;
    let mut devices = Vec::with_capacity(count as usize);
    for name in crate::simulate::fleet::device_names(pattern, count) {
        let mut own = shared.clone();
        for v in ["MQTT_CLIENT_ID", "LWM2M_ENDPOINT"] {
            if !project_def.variables.contains_key(v) {
                own.insert(v.to_string(), name.clone());
            }
        }
        let scopes = Scopes::new(&own, &project_def.variables).for_device(&name);
        let invalid = |e: &dyn std::fmt::Display| {
            ApiError::new(ErrorCode::InputInvalid, format!("fleet device {name}: {e}"))
        };
        let rendered = render_model(&model_def, scopes, true).map_err(|e| invalid(&e))?;
        let template = rendered
            .templates
            .into_iter()
            .find(|t| matches!(t.kind, TemplateKind::MqttTcp | TemplateKind::MqttTls))
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InputInvalid,
                    format!("model {model}: it has no MQTT TCP or TLS template to simulate"),
                )
            })?;
        let builder = builder.get_or_insert_with(|| {
            let host = crate::settings::text(&template.body, "mqttHostName");
            FleetBuilder::new(
                chosen
                    .clone()
                    .unwrap_or_else(|| fleet_sources::automatic(&host, count)),
            )
        });
        devices.push(builder.device(&name, &template).map_err(|e| invalid(&e))?);
    }
    Ok(devices)
}

/// Runs a fleet (from [`fleet_plan`]) until `cancel` or `duration_s`: `ramp` devices started
/// per second, each sending `rate` messages per second; `on_snapshot` sees the counts once a
/// second. Returns the final counts.
pub async fn simulate_fleet(
    devices: Vec<FleetDevice>,
    ramp: f64,
    rate: f64,
    duration_s: Option<f64>,
    cancel: tokio_util::sync::CancellationToken,
    on_snapshot: &(dyn Fn(&crate::simulate::fleet::FleetSnapshot) + Send + Sync),
) -> Result<crate::simulate::fleet::FleetSnapshot, ApiError> {
    validate_fleet(
        devices.len().try_into().unwrap_or(u32::MAX),
        ramp,
        rate,
        duration_s,
    )?;
    let duration = duration_s.map(crate::limits::duration).transpose()?;
    Ok(crate::simulate::fleet::run(devices, ramp, rate, duration, cancel, on_snapshot).await)
}
