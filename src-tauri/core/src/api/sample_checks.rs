//! The checks of the sample project's stored runs: what a run against Acme's hosts would have
//! recorded, rung by rung, with the same detail a real ladder keeps (the addresses DNS gave,
//! the TCP attempt, the certificate chain the broker sent, the reproduce command), so that
//! the Test tab, the report and Runs have something true in shape to show on a first start.
//! Every check says in its evidence, and every rung in its detail, that it is a sample; the
//! addresses are from TEST-NET-3 (RFC 5737), which no device will ever reach.

use crate::catalog::TemplateKind;
use crate::codec::certificates::CertSummary;
use crate::report::{Check, DiagnosisCode, Step, Verdict};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

const SAMPLE_NOTE: &str = "Sample run, made with the sample project: not measured on this network.";
const DAY: Duration = Duration::from_secs(86_400);

/// A check of `kind` against the sample's hosts: its rungs passed, or (when `expired`) the
/// TLS rung failing on the server certificate that expired at `leaf_expiry` (between the
/// sample's passing run and its failing one).
pub(super) fn sample_check(kind: TemplateKind, expired: bool, leaf_expiry: SystemTime) -> Check {
    let (host, port) = server(kind);
    let rungs = kind.spec().rungs;
    let address = format!("203.0.113.{}", 20 + kind as u8);
    let socket = format!("{address}:{port}");
    let chain = chain(host, leaf_expiry);
    let mut steps = Vec::new();
    for (i, name) in rungs.iter().enumerate() {
        let failed = expired && *name == "tls";
        let detail = match *name {
            "dns" => json!({ "addresses": [address], "ipv4": 1, "ipv6": 0 }),
            "tcp" => {
                json!({ "connected": socket, "addresses": [{ "address": socket, "outcome": "ok" }] })
            }
            "tls" if failed => json!({ "error": "the certificate has expired", "chain": chain }),
            "tls" => json!({ "chain": chain }),
            "path-mtu" => json!({ "largestBytes": 1472 }),
            // What Acme's bootstrap server writes: its LwM2M server, by PSK (the key by its
            // length only, as a real ladder records it).
            "provisioned" => json!({
                "serverUri": "coaps://lwm2m.acme.example:5684",
                "securityMode": 0,
                "pskIdentity": "acme-meter",
                "pskKeyBytes": 16,
                "shortServerId": 1,
                "lifetimeS": 300,
                "binding": "U",
                "serverInstance": true,
            }),
            _ => json!({}),
        };
        steps.push(Step {
            name: name.to_string(),
            ok: !failed,
            // Rung times of a plausible run over a mobile network.
            elapsed_ms: [2.1, 14.3, 31.2, 48.0, 27.4, 61.0][i % 6],
            detail: with_sample_mark(detail),
        });
        if failed {
            break;
        }
    }
    let (verdict, code, evidence, reproduce) = if expired {
        let leaf = &chain[0];
        let evidence = format!(
            "leaf {} notAfter={}; {SAMPLE_NOTE}",
            leaf.subject, leaf.not_after
        );
        let reproduce = format!(
            "openssl s_client -connect {host}:{port} -servername {host} -CAfile mqttServerCA.pem < /dev/null"
        );
        (
            Verdict::Fail,
            DiagnosisCode::TlsExpired,
            evidence,
            reproduce,
        )
    } else {
        (
            Verdict::Pass,
            DiagnosisCode::Ok,
            SAMPLE_NOTE.to_string(),
            String::new(),
        )
    };
    Check {
        kind: kind.name().to_string(),
        template: Some(kind.spec().title.to_string()),
        endpoint: endpoint(kind, host, port),
        verdict,
        code,
        hint: code.hint().to_string(),
        evidence,
        reproduce,
        elapsed_ms: steps.iter().map(|s| s.elapsed_ms).sum::<f64>() + 1.0,
        steps,
        port: None,
        transport: None,
        service: None,
        state: None,
    }
}

fn with_sample_mark(mut detail: Value) -> Value {
    if let Some(map) = detail.as_object_mut() {
        map.insert("sample".into(), Value::Bool(true));
    }
    detail
}

/// The server each kind's check talks to in the sample (DESIGN.md §7); the rungs are the
/// catalog's, so the sample climbs what a real check climbs.
fn server(kind: TemplateKind) -> (&'static str, u16) {
    use TemplateKind::*;
    match kind {
        MqttTcp => ("mqtt.acme.example", 1883),
        MqttTls => ("mqtt.acme.example", 8883),
        MqttHttp => ("mqtt.acme.example", 80),
        MqttHttps => ("mqtt.acme.example", 443),
        Lwm2mNosec => ("lwm2m.acme.example", 5683),
        Lwm2mPsk => ("lwm2m.acme.example", 5684),
        Lwm2mBootstrapNosec => ("bootstrap.acme.example", 15683),
        Lwm2mBootstrapPsk => ("bootstrap.acme.example", 15684),
        Ota => ("ota.acme.example", 443),
    }
}

fn endpoint(kind: TemplateKind, host: &str, port: u16) -> String {
    use TemplateKind::*;
    match kind {
        MqttHttp => format!("http://{host}/mqtt/publish"),
        MqttHttps => format!("https://{host}/mqtt/publish"),
        Ota => format!("https://{host}/DEFAULT"),
        Lwm2mNosec | Lwm2mPsk | Lwm2mBootstrapNosec | Lwm2mBootstrapPsk => {
            format!("{host}:{port}/udp")
        }
        MqttTcp | MqttTls => format!("{host}:{port}"),
    }
}

/// Acme's chain: a one-year leaf for `host` that ends at `expiry`, an issuing CA with two
/// years and some left after it, a ten-year root.
fn chain(host: &str, expiry: SystemTime) -> Vec<CertSummary> {
    let day = |offset_days: i64| {
        let shift = DAY * offset_days.unsigned_abs() as u32;
        let when = if offset_days < 0 {
            expiry - shift
        } else {
            expiry + shift
        };
        humantime::format_rfc3339_seconds(when).to_string()
    };
    let cert =
        |subject: String, issuer: &str, sans: Vec<String>, from: i64, until: i64| CertSummary {
            subject,
            issuer: issuer.to_string(),
            sans,
            not_before: day(from),
            not_after: day(until),
        };
    vec![
        cert(
            format!("CN={host}"),
            "CN=Acme Issuing CA 2",
            vec![format!("DNS:{host}"), "DNS:*.mqtt.acme.example".into()],
            -365,
            0,
        ),
        cert(
            "CN=Acme Issuing CA 2".into(),
            "CN=Acme Root CA",
            vec![],
            -978,
            850,
        ),
        cert(
            "CN=Acme Root CA".into(),
            "CN=Acme Root CA",
            vec![],
            -2065,
            1587,
        ),
    ]
}
