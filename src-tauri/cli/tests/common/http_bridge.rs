//! A small HTTP → MQTT publish bridge for the mqtt-http tests: the HTTP-publish shape
//! LoopCloud-like services offer (POST `/mqtt/publish`, Basic auth, JSON
//! `{"topic","payload","qos","clientid"}`), whose MQTT side is Mosquitto's own client,
//! `mosquitto_pub`, publishing into a real Mosquitto with the caller's credentials. No packaged
//! peer offers this shape, so the test suite brings its own; everything behind it is real.
//!
//! Answers: 200 published; 401 no credentials, or the broker refused them (CONNACK 135);
//! 403 the broker refused the publish (PUBACK 135); 404 another path; 400 a body that is not
//! the JSON shape; 502 the broker could not be reached.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::Duration;

/// Starts the bridge on a free port, publishing to Mosquitto on 127.0.0.1:`mqtt_port`.
pub fn http_bridge(mqtt_port: u16) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve(stream, mqtt_port));
        }
    });
    port
}

fn respond(stream: &mut TcpStream, status: &str, extra: &str, body: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{extra}\r\n{body}",
        body.len()
    );
}

fn basic_credentials(header: &str) -> Option<(String, String)> {
    use base64::Engine;
    let encoded = header.strip_prefix("Basic ")?.trim();
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    Some((user.to_string(), password.to_string()))
}

fn serve(mut stream: TcpStream, mqtt_port: u16) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let (mut length, mut authorization) = (0usize, None);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.trim_end().split_once(':') {
            match name.to_ascii_lowercase().as_str() {
                "content-length" => length = value.trim().parse().unwrap_or(0),
                "authorization" => authorization = Some(value.trim().to_string()),
                _ => {}
            }
        }
    }
    let mut body = vec![0u8; length.min(1 << 20)];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if path != "/mqtt/publish" {
        return respond(
            &mut stream,
            "404 Not Found",
            "",
            r#"{"error":"no such path"}"#,
        );
    }
    if method != "POST" {
        return respond(
            &mut stream,
            "405 Method Not Allowed",
            "Allow: POST\r\n",
            "{}",
        );
    }
    let Some((user, password)) = authorization.as_deref().and_then(basic_credentials) else {
        return respond(
            &mut stream,
            "401 Unauthorized",
            "WWW-Authenticate: Basic realm=\"mqtt\"\r\n",
            r#"{"error":"credentials required"}"#,
        );
    };
    let Ok(message) = serde_json::from_slice::<serde_json::Value>(&body) else {
        return respond(
            &mut stream,
            "400 Bad Request",
            "",
            r#"{"error":"not JSON"}"#,
        );
    };
    let field = |k: &str| message[k].as_str().map(str::to_string);
    let (Some(topic), Some(payload), Some(client_id)) =
        (field("topic"), field("payload"), field("clientid"))
    else {
        return respond(
            &mut stream,
            "400 Bad Request",
            "",
            r#"{"error":"topic, payload and clientid are required"}"#,
        );
    };
    let qos = message["qos"].as_u64().unwrap_or(0).min(2).to_string();
    let out = Command::new("mosquitto_pub")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &mqtt_port.to_string(),
            "-V",
            "mqttv5",
        ])
        .args(["-i", &client_id, "-u", &user, "-P", &password])
        .args(["-t", &topic, "-m", &payload, "-q", &qos])
        .output();
    let Ok(out) = out else {
        return respond(
            &mut stream,
            "502 Bad Gateway",
            "",
            r#"{"error":"no MQTT client"}"#,
        );
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("failed: Not authorized") {
        respond(
            &mut stream,
            "403 Forbidden",
            "",
            r#"{"error":"publish not authorised"}"#,
        )
    } else if !out.status.success() && stderr.contains("Not authorized") {
        respond(
            &mut stream,
            "401 Unauthorized",
            "",
            r#"{"error":"broker refused the credentials"}"#,
        )
    } else if !out.status.success() {
        respond(
            &mut stream,
            "502 Bad Gateway",
            "",
            r#"{"error":"broker unreachable"}"#,
        )
    } else {
        respond(&mut stream, "200 OK", "", r#"{"result":"published"}"#)
    }
}
