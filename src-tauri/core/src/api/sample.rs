//! The sample project: "Acme Meters", the company of the mocks — four models that between
//! them use all nine template kinds and a custom data block, 174 devices with values of
//! their own (fresh passwords and PSKs, an OTA client certificate each), and three runs —
//! so that a first start, and a sales engineer's demo, show something on every screen.
//!
//! It is ordinary data, made with the same store calls as an import (all or nothing): the
//! user may edit, export or delete it. Its hosts are under `acme.example`, a name reserved
//! never to resolve (RFC 2606), so a check of a sample device says honestly that DNS fails;
//! and its runs are marked as samples (`"sample": true` in their target, and their evidence
//! says so), never passed off as something this network did.

use super::sample_checks::sample_check;
use super::studio::Studio;
use crate::catalog::TemplateKind;
use crate::model::{DataBlock, Device, Model, Project, TemplateInstance, Variables};
use crate::report::Report;
use crate::{ApiError, ErrorCode};
use serde::Serialize;
use std::time::{Duration, SystemTime};
use ts_rs::TS;

/// The name the app gives the sample project (a number is added when it is taken).
pub const SAMPLE_PROJECT: &str = "Acme Meters";

/// What the sample project holds once made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SampleSummary {
    pub project: String,
    pub models: u32,
    pub devices: u32,
    pub runs: u32,
}

/// `Acme Meters`, or `Acme Meters 2`, … — the first name no project has.
pub fn free_sample_name(studio: &Studio) -> Result<String, ApiError> {
    let taken: Vec<String> = studio
        .list_projects()?
        .into_iter()
        .map(|p| p.name)
        .collect();
    let name = (1..)
        .map(|n| match n {
            1 => SAMPLE_PROJECT.to_string(),
            n => format!("{SAMPLE_PROJECT} {n}"),
        })
        .find(|name| !taken.contains(name))
        .expect("some number is free");
    Ok(name)
}

/// Makes the sample project under the first free name (as the app's "Open the sample
/// project" does). Another window or process may take that name between the look and the
/// write: the import refuses it whole, and the next free name is tried.
pub fn create_sample_project_free_name(studio: &mut Studio) -> Result<SampleSummary, ApiError> {
    let mut tries = 0;
    loop {
        let name = free_sample_name(studio)?;
        match create_sample_project(studio, &name) {
            Err(e) if e.code == ErrorCode::Conflict && tries < 5 => tries += 1,
            done => return done,
        }
    }
}

/// Makes the sample project as `name`: the project, models and devices in one transaction
/// (a name already taken is refused and nothing is written), then its runs.
pub fn create_sample_project(studio: &mut Studio, name: &str) -> Result<SampleSummary, ApiError> {
    let pki = SamplePki::new()?;
    let project = Project {
        name: name.to_string(),
        description: "Sample project: smart meters, gateways and water sensors of a made-up utility. Its hosts never resolve (acme.example); edit, export or delete it freely.".into(),
        variables: project_variables(&pki),
    };
    let models = models();
    let mut devices = Vec::new();
    for (model, names) in device_names() {
        let model_def = models
            .iter()
            .find(|m| m.name == model)
            .expect("a sample model");
        for device in names {
            let given = pki.client_identity(&device)?;
            let variables =
                crate::device_defaults::fill(model_def, &project.variables, &device, &given, true)
                    .map_err(|e| {
                        ApiError::new(
                            ErrorCode::Internal,
                            format!("the OS random number generator failed: {e}"),
                        )
                    })?;
            devices.push(Device {
                name: device,
                model: model.to_string(),
                variables,
            });
        }
    }
    studio.import_project(&project, &models, &devices)?;
    let runs = sample_runs(&models);
    for (device, report) in &runs {
        studio.save_run(name, device, report)?;
    }
    Ok(SampleSummary {
        project: name.to_string(),
        models: models.len() as u32,
        devices: devices.len() as u32,
        runs: runs.len() as u32,
    })
}

fn project_variables(pki: &SamplePki) -> Variables {
    let pairs = [
        ("MQTT_HOST", "mqtt.acme.example"),
        ("MQTT_CA_CERT", pki.server_ca.as_str()),
        ("MQTT_HTTPS_CA", pki.server_ca.as_str()),
        ("MQTT_HTTP", "http://mqtt.acme.example/mqtt/publish"),
        ("MQTT_HTTPS", "https://mqtt.acme.example/mqtt/publish"),
        ("MQTT_USERNAME", "{device}"),
        ("MQTT_CLIENT_ID", "acme-{device}"),
        ("MQTT_REQ_TOPIC", "acme/req"),
        ("MQTT_RESP_TOPIC", "acme/resp"),
        ("MQTT_DATA_TOPIC", "acme/meters/data"),
        ("REMOTE_NETWORK", "7f3a09c2"),
        ("LWM2M_HOST", "lwm2m.acme.example"),
        ("LWM2M_ENDPOINT", "urn:acme:{device}"),
        ("LWM2M_PSK_IDENTITY", "{device}"),
        ("LWM2M_BS_HOST", "bootstrap.acme.example"),
        ("LWM2M_BS_PSK_IDENTITY", "bs-{device}"),
        ("OTA_DDI_URL", "https://ota.acme.example/DEFAULT"),
        ("OTA_CA_CERT", pki.server_ca.as_str()),
        ("OTA_CONTROLLER_ID", "{device}"),
        ("SITE_CODE", "ACME-HQ"),
    ];
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A kind's canonical template with some keys set otherwise.
fn template(kind: TemplateKind, changes: &[(&str, &str)]) -> TemplateInstance {
    let mut t = TemplateInstance::canonical(kind);
    for (key, value) in changes {
        t.body.insert(key.to_string(), (*value).into());
    }
    t
}

fn models() -> Vec<Model> {
    use TemplateKind::*;
    // The reference's templates spell the PSK identity's placeholder LWM2M_PSK_IDENITY and
    // put the bootstrap key's text placeholder in its hex field; the sample has both right,
    // so that it lints clean.
    let psk_identity = [("lwm2mPSKIdentity", "%LWM2M_PSK_IDENTITY%")];
    let bootstrap_hex = [("lwm2mBsPSKValueHex", "%LWM2M_BS_PSK_VALUE_HEX%")];
    let per_device_topics = [
        ("mqttReqTopicName", "acme/%MQTT_CLIENT_ID%/req"),
        ("mqttRespTopicName", "acme/%MQTT_CLIENT_ID%/resp"),
    ];
    let meter_config: crate::model::JsonObject =
        serde_json::from_str(r#"{"sampleIntervalS": 60, "tariff": "T2", "site": "%SITE_CODE%"}"#)
            .expect("the data block is JSON");
    let model = |name: &str, description: &str, templates: Vec<TemplateInstance>| Model {
        name: name.into(),
        description: description.into(),
        templates,
        data_blocks: Vec::new(),
    };
    let mut v2 = model(
        "Smart meter v2",
        "Electricity meter, second generation: MQTT over TLS, LwM2M over DTLS with its bootstrap, OTA updates.",
        vec![
            template(MqttTls, &per_device_topics),
            template(Lwm2mPsk, &psk_identity),
            template(Ota, &[]),
            template(Lwm2mBootstrapPsk, &bootstrap_hex),
            template(MqttTcp, &per_device_topics),
            template(MqttHttps, &[]),
        ],
    );
    v2.data_blocks.push(DataBlock {
        name: "meterConfig".into(),
        body: meter_config,
    });
    vec![
        v2,
        model(
            "Smart meter v1",
            "First-generation meter: plain MQTT and LwM2M without security.",
            vec![template(MqttTcp, &[]), template(Lwm2mNosec, &[])],
        ),
        model(
            "Gateway LE-200",
            "Hall gateway: MQTT over TLS, HTTP publishing for its sub-meters, OTA updates.",
            vec![template(MqttTls, &[]), template(MqttHttp, &[]), template(Ota, &[])],
        ),
        model(
            "Water sensor",
            "Battery water sensor: LwM2M with a bootstrap server, no security (not rolled out yet).",
            vec![template(Lwm2mBootstrapNosec, &[]), template(Lwm2mNosec, &[])],
        ),
    ]
}

/// The devices of each model: 128 second-generation meters, 40 first-generation, six
/// gateways named after their halls, no water sensor yet.
fn device_names() -> Vec<(&'static str, Vec<String>)> {
    vec![
        (
            "Smart meter v2",
            (1..=128).map(|n| format!("meter-{n:04}")).collect(),
        ),
        (
            "Smart meter v1",
            (1..=40).map(|n| format!("meter-v1-{n:02}")).collect(),
        ),
        (
            "Gateway LE-200",
            ('a'..='f').map(|hall| format!("gw-hall-{hall}")).collect(),
        ),
    ]
}

/// The sample's certificates: a server CA for the brokers and the DDI server, and a device
/// CA that signs each device's OTA client certificate.
struct SamplePki {
    server_ca: String,
    device_ca: rcgen::Issuer<'static, rcgen::KeyPair>,
}

impl SamplePki {
    fn new() -> Result<SamplePki, ApiError> {
        let (server_ca, _) = ca("Acme Root CA", (2021, 4, 2), (2031, 4, 2))?;
        let (_, device_ca) = ca("Acme Device CA", (2024, 1, 1), (2034, 1, 1))?;
        Ok(SamplePki {
            server_ca,
            device_ca,
        })
    }

    /// `OTA_CERT` and `OTA_PRIVATE_KEY` for `device` (CN = its name).
    fn client_identity(&self, device: &str) -> Result<Variables, ApiError> {
        let key = rcgen::KeyPair::generate().map_err(pki_error)?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(pki_error)?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, device);
        params.not_before = rcgen::date_time_ymd(2026, 1, 1);
        params.not_after = rcgen::date_time_ymd(2029, 1, 1);
        let cert = params.signed_by(&key, &self.device_ca).map_err(pki_error)?;
        Ok(Variables::from([
            ("OTA_CERT".to_string(), cert.pem()),
            ("OTA_PRIVATE_KEY".to_string(), key.serialize_pem()),
        ]))
    }
}

type Ymd = (i32, u8, u8);

/// A self-signed CA: its certificate's PEM and the issuer that signs with it.
fn ca(
    name: &str,
    from: Ymd,
    to: Ymd,
) -> Result<(String, rcgen::Issuer<'static, rcgen::KeyPair>), ApiError> {
    let key = rcgen::KeyPair::generate().map_err(pki_error)?;
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(pki_error)?;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::OrganizationName, "Acme Utilities (sample)");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params.not_before = rcgen::date_time_ymd(from.0, from.1, from.2);
    params.not_after = rcgen::date_time_ymd(to.0, to.1, to.2);
    let cert = params.self_signed(&key).map_err(pki_error)?;
    Ok((cert.pem(), rcgen::Issuer::new(params, key)))
}

fn pki_error(e: rcgen::Error) -> ApiError {
    ApiError::new(
        ErrorCode::Internal,
        format!("making the sample's certificates failed: {e}"),
    )
}

/// Yesterday meter-0042 passed everything; an hour ago its broker's certificate had expired
/// (three hours ago);
/// gw-hall-b passed this morning — what Runs and its comparison show.
fn sample_runs(models: &[Model]) -> Vec<(String, Report)> {
    let kinds = |model: &str| -> Vec<TemplateKind> {
        models
            .iter()
            .find(|m| m.name == model)
            .map(|m| m.templates.iter().map(|t| t.kind).collect())
            .unwrap_or_default()
    };
    let now = SystemTime::now();
    let ago = |hours: u64| now - Duration::from_secs(hours * 3600);
    // The broker's certificate ran out between the two runs of meter-0042.
    let leaf_expiry = ago(3);
    let run =
        |device: &str, at: SystemTime, kinds: &[TemplateKind], failing: Option<TemplateKind>| {
            let checks = kinds
                .iter()
                .map(|&kind| sample_check(kind, failing == Some(kind), leaf_expiry))
                .collect();
            let target =
                serde_json::json!({ "project": SAMPLE_PROJECT, "device": device, "sample": true });
            (device.to_string(), Report::new(at, target, checks))
        };
    let meter = kinds("Smart meter v2");
    vec![
        run("meter-0042", ago(26), &meter, None),
        run("meter-0042", ago(1), &meter, Some(TemplateKind::MqttTls)),
        run("gw-hall-b", ago(5), &kinds("Gateway LE-200"), None),
    ]
}

#[cfg(test)]
#[path = "sample_tests.rs"]
mod tests;
