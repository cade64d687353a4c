//! A run cut short is not a success (issue: trust, point 2). Ctrl+C or SIGTERM during
//! `check` and `ports` prints the report — exactly one JSON document under `--json` — with
//! the unfinished checks `CANCELLED`, and exits 1; a second Ctrl+C ends `simulate` at once
//! (130) while it waits for a De-register the server never answers.
//!
//! The peers: a TCP listener that accepts and never answers (the MQTT CONNECT wait), and a
//! scripted LwM2M server that registers a device and then ignores its De-register — a fault
//! no real server here produces on demand.

mod common;

use coap_lite::{CoapOption, MessageClass, MessageType, Packet, RequestType, ResponseType};
use common::{text, Sandbox};
use serde_json::Value;
use std::io::Read;
use std::net::{TcpListener, UdpSocket};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Accepts connections and holds them without a word; sends on `accepted` for each.
fn silent_tcp() -> (u16, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
            let _ = tx.send(());
        }
    });
    (port, rx)
}

fn signal(child: &Child, name: &str) {
    // The child is ours: its PID.
    let status = Command::new("kill")
        .args([&format!("-{name}"), &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

/// Waits for the child to end (killing it after `limit`, which fails the test).
fn finish(mut child: Child, limit: Duration) -> (ExitStatus, String, String) {
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            panic!("loopcheck did not end within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    (status, stdout, stderr)
}

fn spawn(s: &Sandbox, args: &[&str]) -> Child {
    s.command()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn ctrl_c_or_sigterm_during_a_check_reports_it_cancelled_and_exits_1() {
    for sig in ["INT", "TERM"] {
        let s = Sandbox::new();
        let (port, accepted) = silent_tcp();
        let template = s.path("mqtt.json");
        std::fs::write(
            &template,
            format!(
                r#"{{"mqttHostName": "127.0.0.1", "mqttTcpPort": "{port}", "mqttUserName": "u", "mqttPassword": "p", "mqttClientId": "c", "mqttReqTopicName": "r", "mqttRespTopicName": "s", "mqttDataTopicName": "d", "remoteNetwork": "7f"}}"#
            ),
        )
        .unwrap();
        let child = spawn(
            &s,
            &[
                "--json",
                "check",
                template.to_str().unwrap(),
                "--timeout-ms",
                "20000",
            ],
        );
        // The check is waiting for a CONNACK that never comes.
        accepted.recv_timeout(Duration::from_secs(10)).unwrap();
        signal(&child, sig);
        let (status, stdout, stderr) = finish(child, Duration::from_secs(10));
        assert_eq!(status.code(), Some(1), "SIG{sig}\n{stderr}");
        let report: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("SIG{sig}: not one JSON document ({e}): {stdout}"));
        assert_eq!(report["checks"][0]["code"], "CANCELLED", "{report:#}");
        assert_eq!(report["summary"]["fail"], 0);
    }
}

#[test]
fn ctrl_c_during_a_port_sweep_reports_the_unfinished_ports_cancelled_and_exits_1() {
    let s = Sandbox::new();
    let (port, accepted) = silent_tcp();
    let child = spawn(
        &s,
        &[
            "--json",
            "ports",
            "127.0.0.1",
            "--ports",
            &format!("mqtt={port}"),
            "--timeout-ms",
            "20000",
        ],
    );
    accepted.recv_timeout(Duration::from_secs(10)).unwrap();
    signal(&child, "INT");
    let (status, stdout, stderr) = finish(child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(report["checks"][0]["code"], "CANCELLED", "{report:#}");
}

/// A LwM2M server that registers anyone and never answers a De-register; sends the
/// request's method name on `seen` for each request.
fn server_ignoring_deregister() -> (u16, mpsc::Receiver<String>) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            let Ok(request) = Packet::from_bytes(&buf[..n]) else {
                continue;
            };
            if request.header.get_type() != MessageType::Confirmable {
                continue;
            }
            let method = match request.header.code {
                MessageClass::Request(RequestType::Post) => "POST",
                MessageClass::Request(RequestType::Delete) => "DELETE",
                MessageClass::Empty => "PING",
                _ => "OTHER",
            };
            let _ = tx.send(method.to_string());
            let mut reply = Packet::new();
            reply.header.message_id = request.header.message_id;
            reply.set_token(request.get_token().to_vec());
            match method {
                "POST" => {
                    reply.header.set_type(MessageType::Acknowledgement);
                    reply.header.code = MessageClass::Response(ResponseType::Created);
                    reply.add_option(CoapOption::LocationPath, b"rd".to_vec());
                    reply.add_option(CoapOption::LocationPath, b"1".to_vec());
                }
                "PING" => reply.header.set_type(MessageType::Reset),
                _ => continue,
            }
            if let Ok(bytes) = reply.to_bytes() {
                let _ = socket.send_to(&bytes, from);
            }
        }
    });
    (port, rx)
}

fn wait_for(seen: &mpsc::Receiver<String>, method: &str) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if let Ok(m) = seen.recv_timeout(Duration::from_millis(200)) {
            if m == method {
                return;
            }
        }
    }
    panic!("the server never saw {method}");
}

#[test]
fn a_second_ctrl_c_ends_simulate_at_once_while_it_waits_to_de_register() {
    let s = Sandbox::new();
    let (port, seen) = server_ignoring_deregister();
    let model = s.path("model.json");
    std::fs::write(
        &model,
        format!(
            r#"[{{"lwm2mHostName": "127.0.0.1", "lwm2mPortNoSec": "{port}", "lwm2mEndpoint": "sim-twice", "remoteNetwork": "7f"}}]"#
        ),
    )
    .unwrap();
    s.store_device(&model, "d1", &[]);
    let child = spawn(
        &s,
        &["--json", "simulate", "--project", "p", "--device", "d1"],
    );
    wait_for(&seen, "POST");
    // The first Ctrl+C stops the device: it sends its De-register and waits for an answer.
    signal(&child, "INT");
    wait_for(&seen, "DELETE");
    signal(&child, "INT");
    let (status, _, stderr) = finish(child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130), "{}", text(stderr.as_bytes()));
}
