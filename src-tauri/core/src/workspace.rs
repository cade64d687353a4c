//! Use cases that span the store and the pure modules — what a person does in one step —
//! shared by the app's commands and the CLI so that both behave the same.

use crate::catalog::{KindSpec, PlaceholderSpec, TemplateKind, PLACEHOLDERS};
use crate::device_defaults;
use crate::interchange;
use crate::lint::{lint_device, lint_model, Finding};
use crate::model::{Device, Model};
use crate::render::{render_model, RenderedModel, Scopes, Variables};
use crate::store::Store;
use crate::{ApiError, ErrorCode};
use serde::Serialize;
use std::path::Path;
use ts_rs::TS;

/// Everything the editor needs to know about template kinds and placeholders.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Catalog {
    pub kinds: Vec<KindSpec>,
    pub placeholders: Vec<PlaceholderSpec>,
    /// Known misspellings and the names they stand for.
    pub aliases: Vec<(String, String)>,
}

pub fn catalog() -> Catalog {
    Catalog {
        kinds: TemplateKind::ALL.iter().map(|k| *k.spec()).collect(),
        placeholders: PLACEHOLDERS.to_vec(),
        aliases: crate::catalog::PLACEHOLDER_ALIASES
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect(),
    }
}

/// Creates a device, filling its values from the project's patterns and, on request,
/// generating its passwords and PSKs. Returns the device as stored.
pub fn create_device(
    store: &mut Store,
    project: &str,
    model: &str,
    name: &str,
    given: &Variables,
    generate_secrets: bool,
) -> Result<Device, ApiError> {
    let project_vars = store.project(project)?.variables;
    let model_def = store.model(project, model)?;
    let variables = device_defaults::fill(&model_def, &project_vars, name, given, generate_secrets)
        .map_err(|e| {
            ApiError::new(
                ErrorCode::Internal,
                format!("the OS random number generator failed: {e}"),
            )
        })?;
    let device = Device {
        name: name.into(),
        model: model.into(),
        variables,
    };
    store.create_device(project, &device)?;
    Ok(device)
}

/// A device's model rendered with its values; secrets masked unless `reveal`.
pub fn render_device(
    store: &mut Store,
    project: &str,
    device: &str,
    reveal: bool,
) -> Result<(Model, RenderedModel), ApiError> {
    let project_def = store.project(project)?;
    let device_def = store.device(project, device)?;
    let model = store.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    let rendered = render_model(&model, scopes, reveal)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("device {device}: {e}")))?;
    Ok((model, rendered))
}

/// What a check run needs: the templates rendered with secrets (for the checks only —
/// reports never carry them), the report's target, and the extra CA that mqtt-https trusts
/// besides the OS roots (the `MQTT_HTTPS_CA` variable, DESIGN.md §7).
pub struct CheckPlan {
    pub templates: Vec<crate::model::TemplateInstance>,
    pub target: serde_json::Value,
    pub extra_ca: Option<String>,
    /// `OTA_CONTROLLER_ID` and `OTA_KEY_PASSPHRASE`, which no template field carries.
    pub ota_controller_id: Option<String>,
    pub ota_key_passphrase: Option<zeroize::Zeroizing<String>>,
    /// Masks every secret value of the device in what its checks and demos produce.
    pub scrubber: std::sync::Arc<crate::report::scrub::Scrubber>,
    /// `LWM2M_LIFETIME`, when the project or device sets it (checked: 4 s to a year).
    pub lwm2m_lifetime_s: Option<u32>,
}

impl CheckPlan {
    /// Puts the plan's values that no template carries into a run's context.
    pub fn configure(&self, ctx: &mut crate::check::RunContext) {
        ctx.extra_ca = self.extra_ca.clone();
        ctx.ota_controller_id = self.ota_controller_id.clone();
        ctx.ota_key_passphrase = self.ota_key_passphrase.clone();
        ctx.scrubber = self.scrubber.clone();
        if let Some(lifetime) = self.lwm2m_lifetime_s {
            ctx.lwm2m_lifetime_s = lifetime;
        }
    }
}

/// `LWM2M_LIFETIME` as a number within its bounds, or bad input naming the variable.
fn lifetime_variable(value: Option<String>) -> Result<Option<u32>, ApiError> {
    let Some(text) = value else {
        return Ok(None);
    };
    let seconds: u32 = text.trim().parse().map_err(|_| {
        ApiError::new(
            ErrorCode::InputInvalid,
            format!(
                "LWM2M_LIFETIME \"{}\": a lifetime is a whole number of seconds",
                crate::text::printable(&text, 40)
            ),
        )
    })?;
    crate::limits::lifetime(seconds).map(Some).map_err(|e| {
        ApiError::new(
            ErrorCode::InputInvalid,
            format!("LWM2M_LIFETIME: {}", e.message),
        )
    })
}

/// The secret values a plan's runs must never show: every catalogued secret variable in
/// `scopes`, every secret-typed field of the rendered templates, and the password of every
/// URL in them.
fn plan_scrubber(
    templates: &[crate::model::TemplateInstance],
    scopes: &Scopes<'_>,
) -> std::sync::Arc<crate::report::scrub::Scrubber> {
    let mut secrets: Vec<zeroize::Zeroizing<String>> = Vec::new();
    let names = scopes.device.keys().chain(scopes.project.keys());
    for name in names {
        if crate::catalog::canonical_placeholder(name).is_some_and(|p| p.secret) {
            if let Some((value, _)) = scopes.lookup(name) {
                secrets.push(zeroize::Zeroizing::new(value.into_owned()));
            }
        }
    }
    for t in templates {
        for (key, value) in &t.body {
            let Some(field) = t.kind.field_ignoring_case(key) else {
                continue;
            };
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Null => continue,
                other => other.to_string(),
            };
            if field.secret {
                secrets.push(zeroize::Zeroizing::new(text));
            } else if field.value_type == crate::catalog::ValueType::Url {
                // Both as written in the URL (percent-encoded) and decoded.
                if let Some(url) = url::Url::parse(&text)
                    .ok()
                    .filter(|u| u.password().is_some())
                {
                    let encoded = url.password().unwrap_or_default().to_string();
                    let decoded = url::form_urlencoded::parse(format!("p={encoded}").as_bytes())
                        .next()
                        .map(|(_, v)| v.into_owned());
                    secrets.extend(decoded.map(zeroize::Zeroizing::new));
                    secrets.push(zeroize::Zeroizing::new(encoded));
                }
            }
        }
    }
    std::sync::Arc::new(crate::report::scrub::Scrubber::new(
        secrets.iter().map(|s| s.as_str()),
    ))
}

/// The variable holding mqtt-https's extra trusted CA.
pub const EXTRA_CA_VARIABLE: &str = "MQTT_HTTPS_CA";

/// The check plan of a stored device.
pub fn device_check_plan(
    store: &mut Store,
    project: &str,
    device: &str,
) -> Result<CheckPlan, ApiError> {
    let project_def = store.project(project)?;
    let device_def = store.device(project, device)?;
    let model = store.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    let value = |name: &str| scopes.lookup(name).map(|(v, _)| v.into_owned());
    let (extra_ca, ota_controller_id) = (value(EXTRA_CA_VARIABLE), value("OTA_CONTROLLER_ID"));
    let ota_key_passphrase = value("OTA_KEY_PASSPHRASE").map(zeroize::Zeroizing::new);
    let lwm2m_lifetime_s = lifetime_variable(value("LWM2M_LIFETIME"))?;
    let rendered = render_model(&model, scopes, true)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("device {device}: {e}")))?;
    let scrubber = plan_scrubber(&rendered.templates, &scopes);
    Ok(CheckPlan {
        templates: rendered.templates,
        target: serde_json::json!({ "project": project, "device": device }),
        extra_ca,
        ota_controller_id,
        ota_key_passphrase,
        scrubber,
        lwm2m_lifetime_s,
    })
}

/// The check plan of a template or model file, its placeholders filled from `given`.
pub fn file_check_plan(path: &Path, given: &Variables) -> Result<CheckPlan, ApiError> {
    let value = interchange::read_json_file(path)?;
    let model =
        interchange::parse_model(&path.display().to_string(), &value)?.into_model(None, "file");
    let empty = Variables::new();
    let scopes = Scopes::new(given, &empty);
    let rendered = render_model(&model, scopes, true)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("{}: {e}", path.display())))?;
    let scrubber = plan_scrubber(&rendered.templates, &scopes);
    Ok(CheckPlan {
        scrubber,
        lwm2m_lifetime_s: lifetime_variable(given.get("LWM2M_LIFETIME").cloned())?,
        templates: rendered.templates,
        target: serde_json::json!({ "file": path }),
        extra_ca: given.get(EXTRA_CA_VARIABLE).cloned(),
        ota_controller_id: given.get("OTA_CONTROLLER_ID").cloned(),
        ota_key_passphrase: given
            .get("OTA_KEY_PASSPHRASE")
            .cloned()
            .map(zeroize::Zeroizing::new),
    })
}

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
        let e = plan.scrubber.text(&e).into_owned();
        ApiError::new(ErrorCode::InputInvalid, format!("device {name}: {e}"))
    })
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
}

/// The devices of a fleet: `count` names from `pattern`, each rendering the model's first
/// MQTT TCP/TLS template with the project's variables and the `like` device's shared values.
/// The client id and endpoint are the project's patterns (`{device}` makes them differ),
/// else the device's name.
pub fn fleet_plan(
    store: &mut Store,
    project: &str,
    request: &FleetRequest<'_>,
) -> Result<Vec<(String, crate::model::TemplateInstance)>, ApiError> {
    let FleetRequest {
        model,
        count,
        pattern,
        like,
    } = *request;
    crate::limits::fleet_size(count)?;
    let project_def = store.project(project)?;
    let model_def = store.model(project, model)?;
    let shared: Variables = match like {
        Some(device) => store
            .device(project, device)?
            .variables
            .into_iter()
            .filter(|(k, _)| !PER_DEVICE.contains(&k.as_str()))
            .collect(),
        None => Variables::new(),
    };
    let mut devices = Vec::with_capacity(count as usize);
    for name in crate::simulate::fleet::device_names(pattern, count) {
        let mut own = shared.clone();
        for v in ["MQTT_CLIENT_ID", "LWM2M_ENDPOINT"] {
            if !project_def.variables.contains_key(v) {
                own.insert(v.to_string(), name.clone());
            }
        }
        let scopes = Scopes::new(&own, &project_def.variables).for_device(&name);
        let rendered = render_model(&model_def, scopes, true).map_err(|e| {
            ApiError::new(ErrorCode::InputInvalid, format!("fleet device {name}: {e}"))
        })?;
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
        devices.push((name, template));
    }
    Ok(devices)
}

/// Runs a fleet (from [`fleet_plan`]) until `cancel` or `duration_s`: `ramp` devices started
/// per second, each sending `rate` messages per second; `on_snapshot` sees the counts once a
/// second. Returns the final counts.
pub async fn simulate_fleet(
    devices: Vec<(String, crate::model::TemplateInstance)>,
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

/// The format of a report file from its name; anything but `.html`/`.htm`/`.json` is bad
/// input, found before any check runs.
pub fn report_format(path: &Path) -> Result<crate::report::ReportFormat, ApiError> {
    crate::report::ReportFormat::for_path(path).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InputInvalid,
            format!(
                "{}: a report file must end in .html or .json",
                path.display()
            ),
        )
    })
}

/// Saves a report as HTML or JSON (by the file's name), replacing the file atomically.
pub fn export_report(report: &crate::report::Report, path: &Path) -> Result<(), ApiError> {
    let format = report_format(path)?;
    write_file_atomically(path, &report.render(format))
}

/// Lint findings for a model being edited (not yet saved), with the project's variables.
pub fn lint_draft(
    store: &mut Store,
    project: &str,
    model: &Model,
) -> Result<Vec<Finding>, ApiError> {
    let variables = store.project(project)?.variables;
    Ok(lint_model(model, &variables))
}

/// Lint findings for a stored device: the model's, plus what only this device shows.
pub fn lint_stored_device(
    store: &mut Store,
    project: &str,
    device: &str,
) -> Result<Vec<Finding>, ApiError> {
    let project_def = store.project(project)?;
    let device_def = store.device(project, device)?;
    let model = store.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    Ok(lint_device(&model, scopes))
}

/// Imports a LoopCloud model file into a project; returns the stored model.
pub fn import_model_file(
    store: &mut Store,
    project: &str,
    path: &Path,
    name: Option<&str>,
) -> Result<Model, ApiError> {
    let value = interchange::read_json_file(path)?;
    let document = interchange::parse_model(&path.display().to_string(), &value)?;
    let model = document.into_model(name, &model_name_from_path(path));
    store.create_model(project, &model)?;
    Ok(model)
}

/// A model's name when its file gives none: the file name without extension.
pub fn model_name_from_path(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "imported".into())
}

/// Writes `text` to `path` whole and private (0600; see [`crate::files`]): exports and
/// reports may hold secrets, and a failure leaves no half file.
pub fn write_file_atomically(path: &Path, text: &str) -> Result<(), ApiError> {
    Ok(crate::files::write_private_atomically(
        path,
        text.as_bytes(),
    )?)
}

/// Exports a stored model to a file.
pub fn export_model_file(
    store: &mut Store,
    project: &str,
    model: &str,
    path: &Path,
    include_secrets: bool,
) -> Result<(), ApiError> {
    let model = store.model(project, model)?;
    write_file_atomically(path, &interchange::export_model(&model, include_secrets))
}

/// Exports a whole project as a bundle file.
pub fn export_project_file(
    store: &mut Store,
    project: &str,
    path: &Path,
    include_secrets: bool,
) -> Result<(), ApiError> {
    let bundle = store.export_project(project)?;
    write_file_atomically(path, &interchange::export_bundle(&bundle, include_secrets))
}

/// What a project import brought in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportSummary {
    pub imported: String,
    pub models: u32,
    pub devices: u32,
}

/// Creates a project from a bundle file (renamed to `name` if given), all or nothing.
pub fn import_project_file(
    store: &mut Store,
    path: &Path,
    name: Option<&str>,
) -> Result<ImportSummary, ApiError> {
    let value = interchange::read_json_file(path)?;
    let mut bundle = interchange::parse_bundle(&path.display().to_string(), &value)?;
    if let Some(name) = name {
        bundle.project.name = name.to_string();
    }
    store.import_project(&bundle.project, &bundle.models, &bundle.devices)?;
    Ok(ImportSummary {
        imported: bundle.project.name,
        models: bundle.models.len() as u32,
        devices: bundle.devices.len() as u32,
    })
}

/// Reads a PEM file the user picked (certificate or key) into a value, refusing what is
/// not a regular file, larger than 1 MB or not PEM.
pub fn read_pem_file(path: &Path) -> Result<String, ApiError> {
    let text = crate::files::read_text_capped(path, crate::files::MAX_PEM_BYTES, "PEM files")?;
    crate::pem::parse_blocks(&text)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("{}: {e}", path.display())))?;
    Ok(text)
}

/// Who the certificates in PEM text are for and until when (for the form's summary line);
/// blocks that are not certificates, or do not parse, are left out.
pub fn pem_summary(text: &str) -> Vec<crate::net::tls::CertSummary> {
    let mut reader = std::io::Cursor::new(text.as_bytes());
    rustls_pemfile::certs(&mut reader)
        .filter_map(Result::ok)
        .filter_map(|der| crate::net::tls::summarise(&der))
        .collect()
}

/// A fresh printable secret (for a password or a PSK).
pub fn generate_secret() -> Result<String, ApiError> {
    crate::psk::generate_printable().map_err(|e| {
        ApiError::new(
            ErrorCode::Internal,
            format!("the OS random number generator failed: {e}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Project, TemplateInstance};

    #[test]
    fn the_catalog_has_nine_kinds_and_every_placeholder() {
        let c = catalog();
        assert_eq!(c.kinds.len(), 9);
        assert_eq!(c.placeholders.len(), PLACEHOLDERS.len());
        assert_eq!(c.aliases[0].0, "LWM2M_PSK_IDENITY");
    }

    #[test]
    fn create_render_and_lint_a_device() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_with(
            &dir.path().join("w.db"),
            crate::store::KeyPolicy::KeyFileOnly,
        )
        .unwrap();
        let vars: Variables = [
            ("MQTT_HOST", "h"),
            ("MQTT_CLIENT_ID", "c-{device}"),
            ("MQTT_REQ_TOPIC", "q"),
            ("MQTT_RESP_TOPIC", "r"),
            ("MQTT_DATA_TOPIC", "d"),
            ("REMOTE_NETWORK", "7f"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        store
            .create_project(&Project {
                name: "p".into(),
                description: String::new(),
                variables: vars,
            })
            .unwrap();
        let model = Model {
            name: "m".into(),
            templates: vec![TemplateInstance::canonical(TemplateKind::MqttTcp)],
            ..Model::default()
        };
        store.create_model("p", &model).unwrap();
        let given: Variables = [("MQTT_USERNAME".to_string(), "u".to_string())].into();
        let device = create_device(&mut store, "p", "m", "d1", &given, true).unwrap();
        assert_eq!(device.variables["MQTT_CLIENT_ID"], "c-d1");
        let (_, rendered) = render_device(&mut store, "p", "d1", false).unwrap();
        assert_eq!(rendered.templates[0].body["mqttClientId"], "c-d1");
        assert_eq!(
            rendered.templates[0].body["mqttPassword"],
            crate::render::MASK
        );
        assert!(lint_stored_device(&mut store, "p", "d1")
            .unwrap()
            .is_empty());
        let err =
            create_device(&mut store, "p", "nope", "d2", &Variables::new(), false).unwrap_err();
        assert_eq!(err.code, ErrorCode::NotFound);
    }

    #[test]
    fn pem_summaries_name_subject_and_expiry_and_skip_what_is_not_a_certificate() {
        // A self-signed certificate made once with openssl for this test.
        let pem = include_str!("../tests/fixtures/ca.pem");
        let summary = pem_summary(pem);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].subject, "CN=Loop Studio Fixture CA");
        assert!(summary[0].not_after.starts_with("2036-"));
        assert!(
            pem_summary("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
                .is_empty()
        );
        assert!(pem_summary("junk").is_empty());
    }

    #[test]
    fn pem_files_are_checked_before_they_become_values() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("ca.pem");
        std::fs::write(
            &good,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        assert!(read_pem_file(&good).unwrap().starts_with("-----BEGIN"));
        let bad = dir.path().join("ca.txt");
        std::fs::write(&bad, "hello").unwrap();
        assert_eq!(
            read_pem_file(&bad).unwrap_err().code,
            ErrorCode::InputInvalid
        );
    }
}
