//! Check plans: what a run of a stored device's or a file's checks needs — the templates
//! rendered with secrets (for the checks only), the variables no template carries, the
//! lifetime, and the scrubber that keeps the secrets out of what the run reports.

use super::studio::Studio;
use crate::check::ports;
use crate::render::{render_model, Scopes, Variables};
use crate::report::{Check, Report};
use crate::{interchange, ApiError, ErrorCode};
use std::path::Path;

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
    /// `PROXY_URL` and `PROXY_MQTT`, when the project sets them.
    pub proxy_url: Option<zeroize::Zeroizing<String>>,
    pub proxy_mqtt: Option<String>,
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

/// The password of a URL, as written (percent-encoded) and decoded; `None` when `text` is
/// no URL (a bare `host:port` is read as `http://`, as curl reads a proxy).
fn url_password(text: &str) -> Option<Vec<zeroize::Zeroizing<String>>> {
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{}", text.trim())
    };
    let url = url::Url::parse(&with_scheme).ok()?;
    let Some(encoded) = url.password() else {
        return Some(Vec::new());
    };
    let decoded = url::form_urlencoded::parse(format!("p={encoded}").as_bytes())
        .next()
        .map(|(_, v)| zeroize::Zeroizing::new(v.into_owned()));
    Some(
        decoded
            .into_iter()
            .chain([zeroize::Zeroizing::new(encoded.to_string())])
            .collect(),
    )
}

/// The secret values a plan's runs must never show: every catalogued secret variable in
/// `scopes` (of a secret URL such as `PROXY_URL`, its password: the proxy's address is what
/// a person needs to see), every secret-typed field of the rendered templates, and the
/// password of every URL in them.
fn plan_scrubber(
    templates: &[crate::model::TemplateInstance],
    scopes: &Scopes<'_>,
) -> std::sync::Arc<crate::report::scrub::Scrubber> {
    let mut secrets: Vec<zeroize::Zeroizing<String>> = Vec::new();
    let names = scopes.device.keys().chain(scopes.project.keys());
    for name in names {
        let Some(spec) = crate::catalog::canonical_placeholder(name).filter(|p| p.secret) else {
            continue;
        };
        if let Some((value, _)) = scopes.lookup(name) {
            let url = (spec.value_type == crate::catalog::ValueType::Url)
                .then(|| url_password(&value))
                .flatten();
            match url {
                Some(password) => secrets.extend(password),
                None => secrets.push(zeroize::Zeroizing::new(value.into_owned())),
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
                secrets.extend(url_password(&text).unwrap_or_default());
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
    studio: &mut Studio,
    project: &str,
    device: &str,
) -> Result<CheckPlan, ApiError> {
    let project_def = studio.project(project)?;
    let device_def = studio.device(project, device)?;
    let model = studio.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    let value = |name: &str| scopes.lookup(name).map(|(v, _)| v.into_owned());
    let (extra_ca, ota_controller_id) = (value(EXTRA_CA_VARIABLE), value("OTA_CONTROLLER_ID"));
    let ota_key_passphrase = value("OTA_KEY_PASSPHRASE").map(zeroize::Zeroizing::new);
    let lwm2m_lifetime_s = lifetime_variable(value("LWM2M_LIFETIME"))?;
    let (proxy_url, proxy_mqtt) = (
        value("PROXY_URL").map(zeroize::Zeroizing::new),
        value("PROXY_MQTT"),
    );
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
        proxy_url,
        proxy_mqtt,
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
        proxy_url: given.get("PROXY_URL").cloned().map(zeroize::Zeroizing::new),
        proxy_mqtt: given.get("PROXY_MQTT").cloned(),
    })
}

/// The per-rung time limit a person asked for (`--timeout-ms`), within its bounds, else
/// the default (DESIGN.md §7: 3 s).
pub fn rung_timeout(ms: Option<u64>) -> Result<std::time::Duration, ApiError> {
    match ms {
        Some(ms) => crate::limits::rung_timeout("--timeout-ms", ms),
        None => Ok(crate::check::DEFAULT_RUNG_TIMEOUT),
    }
}

/// An `--only` list of kinds, checked before anything else happens.
pub fn validate_only(only: &[String]) -> Result<(), ApiError> {
    crate::check::validate_kinds(only)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("--only: {e}")))
}

/// How one run of a plan's checks goes: the rung timeout, the token that cancels it, where
/// each rung goes as it finishes, and whether a bootstrap check goes on to register.
pub struct RunOptions {
    pub rung_timeout: std::time::Duration,
    pub cancel: tokio_util::sync::CancellationToken,
    pub progress: Option<crate::check::ProgressSink>,
    pub follow_bootstrap: bool,
    /// The proxies to go through, from [`CheckPlan::proxy_choice`].
    pub proxy: crate::net::proxy_config::ProxyChoice,
    /// Whether checks stopped at the transport send the run looking for the way round
    /// (the report's `paths`): the CLI always, the app on a full run.
    pub find_ways_round: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            rung_timeout: crate::check::DEFAULT_RUNG_TIMEOUT,
            cancel: tokio_util::sync::CancellationToken::new(),
            progress: None,
            follow_bootstrap: true,
            proxy: Default::default(),
            find_ways_round: true,
        }
    }
}

impl CheckPlan {
    /// The positions of the templates whose kind is in `only` (all when empty); an unknown
    /// kind, or none of the model's templates being of them, is bad input.
    pub fn select(&self, only: &[String]) -> Result<Vec<usize>, ApiError> {
        let bad = |m: String| ApiError::new(ErrorCode::InputInvalid, format!("--only: {m}"));
        let selected = crate::check::select_templates(&self.templates, only)
            .map_err(|e| bad(e.to_string()))?;
        if selected.is_empty() {
            return Err(bad(format!(
                "{}: the model has no template of these kinds",
                only.join(",")
            )));
        }
        Ok(selected)
    }

    /// Runs the checks of the templates at `selected` (the app re-runs one by its position);
    /// `on_done` sees each check as it finishes.
    pub async fn run(
        &self,
        selected: &[usize],
        options: RunOptions,
        on_done: impl Fn(&Check),
    ) -> Report {
        let mut ctx = crate::check::RunContext::new(options.rung_timeout);
        ctx.cancel = options.cancel;
        ctx.progress = options.progress;
        ctx.follow_bootstrap = options.follow_bootstrap;
        ctx.proxy = std::sync::Arc::new(options.proxy);
        ctx.find_ways_round = options.find_ways_round;
        self.configure(&mut ctx);
        crate::check::run_selected(
            &self.templates,
            selected,
            self.target.clone(),
            &ctx,
            on_done,
        )
        .await
    }

    /// The proxies this plan's run goes through: `request` (the CLI's `--proxy`,
    /// `--no-proxy`, `--proxy-mqtt`), then the project's `PROXY_URL` / `PROXY_MQTT`, then the
    /// process environment as curl reads it. A proxy setting that cannot be used is bad
    /// input, before anything connects.
    pub fn proxy_choice(
        &self,
        request: &crate::net::proxy_config::ProxyRequest,
    ) -> Result<crate::net::proxy_config::ProxyChoice, ApiError> {
        crate::net::proxy_config::ProxyChoice::resolve(
            request,
            self.proxy_url.as_deref().map(|u| u.as_str()),
            self.proxy_mqtt.as_deref(),
            |name| std::env::var(name).ok(),
        )
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, e.to_string()))
    }

    /// The proxy a run with `request` would go through, as the report's header names it.
    pub fn proxy_in_use(
        &self,
        request: &crate::net::proxy_config::ProxyRequest,
    ) -> Result<Option<crate::report::paths::ProxyInUse>, ApiError> {
        Ok(crate::check::proxy_in_use(&self.proxy_choice(request)?))
    }

    /// Every template's position.
    pub fn all(&self) -> Vec<usize> {
        (0..self.templates.len()).collect()
    }
}

/// The app's proxy setting (Settings → Network): no proxy at all, and whether MQTT over
/// TCP/TLS goes through the tunnel too. The proxy itself comes from the project's sealed
/// `PROXY_URL`, else the environment the app started in, so no password is kept here.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ProxyPreference {
    pub off: bool,
    pub mqtt: bool,
}

impl From<ProxyPreference> for crate::net::proxy_config::ProxyRequest {
    fn from(p: ProxyPreference) -> Self {
        crate::net::proxy_config::ProxyRequest {
            url: None,
            off: p.off,
            mqtt: p.mqtt,
        }
    }
}

/// A sweep as a person asks for it (DESIGN.md §3): a host, optionally a `--ports` text and a
/// per-port time limit, the proxy flags, and whether DTLS ports get their PSK suites profiled.
#[derive(Debug, Clone, Default)]
pub struct SweepRequest {
    pub host: String,
    pub ports: Option<String>,
    pub timeout_ms: Option<u64>,
    pub proxy: crate::net::proxy_config::ProxyRequest,
    pub dtls_profile: bool,
}

/// Runs a sweep; bad input is an [`crate::ApiError`] before anything is sent.
pub async fn sweep(
    request: &SweepRequest,
    cancel: tokio_util::sync::CancellationToken,
    on_done: impl Fn(&Check),
) -> Result<Report, crate::ApiError> {
    let (host, ports, timeout_ms, proxy) = (
        request.host.as_str(),
        request.ports.as_deref(),
        request.timeout_ms,
        &request.proxy,
    );
    let invalid = |m: String| crate::ApiError::new(crate::ErrorCode::InputInvalid, m);
    let host = host.trim();
    if let Some(why) = crate::text::host_problem(host) {
        return Err(invalid(format!(
            "\"{}\" is not a host name or IP address: {why}",
            crate::text::printable(host, 80)
        )));
    }
    // `None` means the reference table; an explicit but empty list is a mistake.
    let specs = match ports {
        Some(text) => ports::parse_specs(text).map_err(|e| invalid(format!("ports: {e}")))?,
        None => ports::default_specs(),
    };
    if specs.is_empty() {
        return Err(invalid("ports: no port named".into()));
    }
    let mut ctx = crate::check::RunContext::new(crate::limits::rung_timeout(
        "the time limit per port",
        timeout_ms.unwrap_or(ports::DEFAULT_PORT_TIMEOUT_MS),
    )?);
    // `--proxy`, else the environment as curl reads it (a sweep has no project).
    let choice = crate::net::proxy_config::ProxyChoice::resolve(proxy, None, None, |name| {
        std::env::var(name).ok()
    })
    .map_err(|e| invalid(e.to_string()))?;
    ctx.cancel = cancel;
    ctx.proxy = std::sync::Arc::new(choice);
    ctx.dtls_profile = request.dtls_profile;
    Ok(ports::sweep(host, &specs, &ctx, on_done).await)
}

/// The `loopcheck` line that runs a stored device's checks from a terminal, as the Test tab's
/// "Copy as loopcheck" gives it: built with the reproduce commands' [`Command`] so that a
/// project or device name holding shell syntax is quoted like any other value.
///
/// [`Command`]: crate::report::reproduce::Command
pub fn loopcheck_command(project: &str, device: &str, proxy_off: bool) -> String {
    let mut command = crate::report::reproduce::Command::new("loopcheck")
        .flag("check")
        .opt("--project", project)
        .opt("--device", device);
    if proxy_off {
        command = command.flag("--no-proxy");
    }
    command.to_string()
}

#[cfg(test)]
mod loopcheck_command_tests {
    use super::loopcheck_command;

    #[test]
    fn names_are_quoted_only_when_they_must_be() {
        assert_eq!(
            loopcheck_command("Acme Meters", "meter-0042", false),
            "loopcheck check --project 'Acme Meters' --device meter-0042"
        );
    }

    #[test]
    fn a_hostile_name_is_one_inert_word() {
        assert_eq!(
            loopcheck_command("Acme", "x; rm -rf ~ $(reboot) `id`", true),
            "loopcheck check --project Acme --device 'x; rm -rf ~ $(reboot) `id`' --no-proxy"
        );
        assert_eq!(
            loopcheck_command("Acme", "line\nbreak", false),
            "loopcheck check --project Acme --device $'line\\nbreak'"
        );
    }
}
