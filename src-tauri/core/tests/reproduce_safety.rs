//! Reproduce lines never run text from a model (issue: trust, point 1).
//!
//! Every template kind is filled with text fields that hold shell syntax — command
//! substitution, backticks, both quotes, `;`, `#`, a newline and a leading `-` — and checked
//! against each situation that gives a different reproduce line: a name that does not
//! resolve, a closed port, a silent peer, a peer that sends garbage, a client key that is not
//! the certificate's. Every line the checks and the port sweep produce then runs under
//! `bash -c` in an empty folder, with the standard tools shadowed by stubs that only record
//! their arguments. No marker file may appear, and the hostile text must reach a tool as one
//! whole argument (quoting keeps the value, it does not mangle it).

mod common;

use common::fixture;
use loopstudio_core::catalog::{TemplateKind, Transport, ValueType};
use loopstudio_core::check::ports::{self, PortSpec};
use loopstudio_core::check::{run_templates, RunContext};
use loopstudio_core::model::TemplateInstance;
use loopstudio_core::net::Resolver;
use loopstudio_core::report::{Check, DiagnosisCode, Report};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Each piece would create a marker file if a shell ever ran it.
const HOSTILE: &str =
    "-x $(touch m1) `touch m2` ';touch m3;' \";touch m4;\" ;touch m5 #\ntouch m6\n$(touch${IFS}m7)";

const TOOLS: &[&str] = &[
    "getent",
    "nc",
    "openssl",
    "mosquitto_pub",
    "mosquitto_sub",
    "curl",
    "coap-client-notls",
    "coap-client-openssl",
    "nmap",
];

/// Where the peers listen for one situation.
#[derive(Clone, Copy)]
struct Ports {
    tcp: u16,
    udp: u16,
}

/// `kind`'s canonical body with every field filled: hosts and ports pointing at the
/// situation's peer, PEM and hex fields valid, every other text field hostile.
fn hostile_template(kind: TemplateKind, host: &str, at: Ports) -> TemplateInstance {
    let mut body = kind.canonical_body();
    for field in kind.spec().fields {
        let value = match field.value_type {
            ValueType::Host => host.to_string(),
            ValueType::Port if kind.spec().transport == Transport::Udp => at.udp.to_string(),
            ValueType::Port => at.tcp.to_string(),
            ValueType::Bool => "false".into(),
            ValueType::Hex => "73336372".into(),
            ValueType::Pem => match field.key {
                "otaCert" => fixture("keys/ec.pem"),
                "otaPrivateKey" => fixture("keys/ec-pkcs8.key"),
                _ => fixture("ca.pem"),
            },
            ValueType::Url => {
                let scheme = if field.key == "httpUrl" {
                    "http"
                } else {
                    "https"
                };
                format!("{scheme}://{host}:{}/{HOSTILE}?q={HOSTILE}", at.tcp)
            }
            ValueType::Text | ValueType::Topic => HOSTILE.into(),
        };
        body.insert(field.key.into(), value.into());
    }
    TemplateInstance { kind, body }
}

fn all_kinds(host: &str, at: Ports) -> Vec<TemplateInstance> {
    TemplateKind::ALL
        .iter()
        .map(|&k| hostile_template(k, host, at))
        .collect()
}

async fn run(templates: &[TemplateInstance], resolver: Resolver) -> Report {
    let mut ctx = RunContext::new(Duration::from_millis(250));
    ctx.resolver = resolver;
    ctx.ota_controller_id = Some(HOSTILE.into());
    run_templates(templates, serde_json::json!({}), &ctx, |_| {}).await
}

/// Accepts and never answers (TCP), or never answers (UDP).
async fn silent_peer() -> (Ports, Vec<tokio::task::JoinHandle<()>>) {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let at = Ports {
        tcp: tcp.local_addr().unwrap().port(),
        udp: udp.local_addr().unwrap().port(),
    };
    let accept = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = tcp.accept().await {
            held.push(stream);
        }
    });
    let swallow = tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while udp.recv_from(&mut buf).await.is_ok() {}
    });
    (at, vec![accept, swallow])
}

/// Answers whatever it is sent with bytes no protocol expects.
async fn garbage_peer() -> (Ports, Vec<tokio::task::JoinHandle<()>>) {
    let tcp = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let udp = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let at = Ports {
        tcp: tcp.local_addr().unwrap().port(),
        udp: udp.local_addr().unwrap().port(),
    };
    let accept = tokio::spawn(async move {
        while let Ok((mut stream, _)) = tcp.accept().await {
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream
                    .write_all(b"\x16\x03\x03\x00\x05garbage$(touch m9)\r\n")
                    .await;
                tokio::time::sleep(Duration::from_millis(100)).await;
            });
        }
    });
    let answer = tokio::spawn(async move {
        let mut buf = [0u8; 2048];
        while let Ok((_, from)) = udp.recv_from(&mut buf).await {
            let _ = udp.send_to(b"\xff\xfegarbage", from).await;
        }
    });
    (at, vec![accept, answer])
}

/// A port nobody listens on, TCP and UDP.
fn closed_ports() -> Ports {
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    Ports {
        tcp: tcp.local_addr().unwrap().port(),
        udp: udp.local_addr().unwrap().port(),
    }
}

/// A folder of no-op stand-ins for the standard tools; each appends its arguments,
/// NUL-separated, to `args.log` beside it.
fn stub_tools(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for tool in TOOLS {
        let path = dir.join(tool);
        let log = dir.join("args.log");
        std::fs::write(
            &path,
            format!(
                "#!/bin/sh\nprintf '%s\\0' \"$@\" >> '{}'\nprintf '\\n\\0' >> '{}'\nexit 0\n",
                log.display(),
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Runs `line` under bash in an empty folder with the stubs first on PATH; panics if any
/// file appears there.
fn run_line(line: &str, stubs: &Path, seen_tools: &mut BTreeSet<String>) {
    let scratch = tempfile::tempdir().unwrap();
    let path = format!("{}:{}", stubs.display(), std::env::var("PATH").unwrap());
    let status = std::process::Command::new("bash")
        .arg("-c")
        .arg(line)
        .current_dir(scratch.path())
        .env("PATH", path)
        .env("MQTT_PASSWORD", "pw")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .unwrap();
    let made: Vec<String> = std::fs::read_dir(scratch.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(made.is_empty(), "running {line:?} created {made:?}");
    assert!(
        status.success(),
        "{line:?} did not run as a command: {status}"
    );
    for command in line.split("; ") {
        let program = command.split(' ').next().unwrap_or_default();
        assert!(
            TOOLS.contains(&program),
            "{line:?} runs {program}, not a standard tool"
        );
        seen_tools.insert(program.to_string());
    }
}

fn lines(report: &Report) -> Vec<(String, String)> {
    report
        .checks
        .iter()
        .filter(|c| !c.reproduce.is_empty())
        .map(|c: &Check| (c.kind.clone(), c.reproduce.clone()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_reproduce_line_runs_text_from_the_model() {
    let mut all = Vec::new();

    // A name that does not resolve: getent lines.
    let report = run(
        &all_kinds("broker.example", closed_ports()),
        Resolver::Fixed(Default::default()),
    )
    .await;
    all.extend(lines(&report));

    // Closed ports: nc lines (TCP), ICMP for UDP.
    all.extend(lines(
        &run(&all_kinds("127.0.0.1", closed_ports()), Resolver::System).await,
    ));

    // Silent peers: the protocol rungs' lines (mosquitto_pub, curl, coap-client, openssl).
    let (at, tasks) = silent_peer().await;
    all.extend(lines(
        &run(&all_kinds("127.0.0.1", at), Resolver::System).await,
    ));
    tasks.iter().for_each(|t| t.abort());

    // Garbage: TLS and DTLS failures (openssl lines).
    let (at, tasks) = garbage_peer().await;
    all.extend(lines(
        &run(&all_kinds("127.0.0.1", at), Resolver::System).await,
    ));
    tasks.iter().for_each(|t| t.abort());

    // An OTA client key that is not its certificate's: the openssl key comparison.
    let mut ota = hostile_template(TemplateKind::Ota, "127.0.0.1", closed_ports());
    ota.body
        .insert("otaPrivateKey".into(), fixture("keys/other-ec.key").into());
    let report = run(&[ota], Resolver::System).await;
    assert_eq!(report.checks[0].code, DiagnosisCode::CertKeyMismatch);
    all.extend(lines(&report));

    // The port sweep: every probe's line, and the DNS one.
    let closed = closed_ports();
    let specs: Vec<PortSpec> = ports::default_specs()
        .into_iter()
        .map(|mut s| {
            s.port = match s.service.transport() {
                Transport::Udp => closed.udp,
                Transport::Tcp => closed.tcp,
            };
            s
        })
        .collect();
    let ctx = RunContext::new(Duration::from_millis(200));
    all.extend(lines(
        &ports::sweep("127.0.0.1", &specs, &ctx, |_| {}).await,
    ));
    let mut ctx = RunContext::new(Duration::from_millis(200));
    ctx.resolver = Resolver::Fixed(Default::default());
    all.extend(lines(
        &ports::sweep("edge.example", &specs[..1], &ctx, |_| {}).await,
    ));

    let stubs = tempfile::tempdir().unwrap();
    stub_tools(stubs.path());
    let mut seen = BTreeSet::new();
    for (kind, line) in &all {
        assert!(
            !line.contains('\n'),
            "{kind}: a reproduce line spans lines: {line:?}"
        );
        run_line(line, stubs.path(), &mut seen);
    }
    let expected: BTreeSet<String> = TOOLS.iter().map(|t| t.to_string()).collect();
    assert_eq!(seen, expected, "some tools' lines were never produced");

    // The hostile text reached the tools whole, as one argument.
    let log = std::fs::read(stubs.path().join("args.log")).unwrap();
    let args: Vec<&[u8]> = log.split(|b| *b == 0).collect();
    assert!(
        args.contains(&HOSTILE.as_bytes()),
        "no tool received the model's text as one argument"
    );
}

#[tokio::test]
async fn a_host_that_is_not_a_host_name_is_input_invalid_with_its_field_named() {
    let report = run(&all_kinds(HOSTILE, closed_ports()), Resolver::System).await;
    for check in &report.checks {
        assert_eq!(
            check.code,
            DiagnosisCode::InputInvalid,
            "{}: {check:?}",
            check.kind
        );
        let field = match check.kind.as_str() {
            "mqtt-tcp" | "mqtt-tls" => "mqttHostName",
            "mqtt-http" => "httpUrl",
            "mqtt-https" => "httpsUrl",
            "ota" => "otaDDIUrl",
            k if k.starts_with("lwm2m-bootstrap") => "lwm2mBsHostName",
            _ => "lwm2mHostName",
        };
        assert!(
            check.evidence.contains(field),
            "{}: {}",
            check.kind,
            check.evidence
        );
        assert!(
            check.steps.iter().all(|s| s.name != "dns"),
            "{}: it resolved",
            check.kind
        );
    }
    let request = loopstudio_core::api::SweepRequest {
        host: "$(touch m1)".into(),
        timeout_ms: Some(100),
        ..Default::default()
    };
    let err = loopstudio_core::api::sweep(&request, Default::default(), |_| {})
        .await
        .unwrap_err();
    assert_eq!(err.code, loopstudio_core::ErrorCode::InputInvalid);
    assert!(err.message.contains("not a host name"), "{}", err.message);
}
