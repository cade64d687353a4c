//! One TCP port of a sweep through an HTTP proxy (`loopcheck ports --proxy`): a CONNECT
//! tunnel with the port's own probe inside it, or — for plain HTTP — a HEAD request in
//! absolute form for the proxy to forward, as a browser behind it would send. The proxy
//! resolves the host and connects, so there is no local DNS rung. A port the proxy will not
//! or cannot reach is `filtered` from here (nothing from this computer gets to it), with the
//! proxy's own code and words.

use super::port_probe::{fail, not_speaking, speaking, step, Outcome};
use super::port_probe_tcp::speak;
use super::ports::{PortSpec, Probe};
use super::RunContext;
use crate::codec::http_message as http;
use crate::net::proxy::{self, ProxyFailure};
use crate::net::proxy_config::Proxy;
use crate::report::diagnose;
use crate::report::reproduce::{host_port, Command};
use crate::report::{DiagnosisCode, PortState};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;

pub(super) async fn run(
    host: &str,
    port: u16,
    probe: Probe,
    proxy: &Proxy,
    ctx: &RunContext,
) -> Outcome {
    if probe == Probe::Http {
        return forward(host, port, proxy, ctx).await;
    }
    let timeout = ctx.rung_timeout;
    let destination = host_port(host, port);
    let start = Instant::now();
    let mut detail = json!({
        "proxy": proxy.shown(),
        "source": proxy.source.to_string(),
        "connect": destination,
    });
    match proxy::tunnel(proxy, &ctx.resolver, (host, port), timeout).await {
        Ok((stream, opened)) => {
            detail["connected"] = opened.proxy_addr.to_string().into();
            detail["status"] = opened.status.into();
            let steps = vec![step("proxy", true, start, detail)];
            speak(stream, host, probe, timeout, steps).await
        }
        Err(failure) => {
            let failed = (&failure, destination.as_str(), timeout);
            stopped(proxy, failed, ("proxy", start, detail), Vec::new())
        }
    }
}

/// What the proxy stopped: `filtered` from here, with the proxy's code and words, the failed
/// rung `name` after `steps`.
fn stopped(
    proxy: &Proxy,
    (failure, destination, timeout): (&ProxyFailure, &str, std::time::Duration),
    (name, start, mut detail): (&str, Instant, serde_json::Value),
    mut steps: Vec<crate::report::Step>,
) -> Outcome {
    let (code, evidence) = diagnose::proxy(failure, &proxy.shown(), destination, timeout);
    detail["error"] = evidence.clone().into();
    steps.push(step(name, false, start, detail));
    fail(PortState::Filtered, code, evidence, steps)
}

/// `HEAD http://host:port/` sent to the proxy to forward; an answer without `Via` that
/// refuses is the proxy's own.
async fn forward(host: &str, port: u16, proxy: &Proxy, ctx: &RunContext) -> Outcome {
    let timeout = ctx.rung_timeout;
    let destination = host_port(host, port);
    let start = Instant::now();
    let mut detail = json!({
        "proxy": proxy.shown(),
        "source": proxy.source.to_string(),
        "forward": destination,
    });
    let mut stream = match proxy::connect(proxy, &ctx.resolver, timeout).await {
        Ok((stream, addr)) => {
            detail["connected"] = addr.to_string().into();
            stream
        }
        Err(failure) => {
            let failed = (&failure, destination.as_str(), timeout);
            return stopped(proxy, failed, ("proxy", start, detail), Vec::new());
        }
    };
    let mut steps = vec![step("proxy", true, start, detail)];
    let start = Instant::now();
    let authorization = proxy.authorization();
    let mut request = format!(
        "HEAD http://{destination}/ HTTP/1.1\r\nHost: {destination}\r\nUser-Agent: loopcheck/{}\r\nConnection: close\r\n",
        crate::VERSION
    );
    if let Some(value) = authorization.as_deref() {
        request.push_str(&format!("Proxy-Authorization: {}\r\n", value.as_str()));
    }
    request.push_str("\r\n");
    let request = zeroize::Zeroizing::new(request);
    let written = stream.write_all(request.as_bytes()).await;
    let reply = match written {
        Ok(()) => read_head(&mut stream, timeout).await,
        Err(_) => Vec::new(),
    };
    let response = match http::parse_response(&reply) {
        Ok(response) => response,
        Err(_) => {
            let seen = super::port_probe::describe_bytes(&reply);
            steps.push(step("http", false, start, json!({ "reply": seen })));
            return not_speaking(
                DiagnosisCode::PeerProtocolViolation,
                format!("the proxy forwarded nothing that reads as HTTP ({seen})"),
                steps,
            );
        }
    };
    if let Some(failure) = proxy::own_refusal(&response, proxy.has_credentials()) {
        let detail = json!({ "status": response.status });
        let failed = (&failure, destination.as_str(), timeout);
        return stopped(proxy, failed, ("http", start, detail), steps);
    }
    let line = format!("HTTP {} {}", response.status, response.reason);
    let detail = json!({ "status": response.status, "statusLine": line });
    steps.push(step("http", true, start, detail));
    speaking(format!("HTTP answered through the proxy: {line}"), steps)
}

/// An HTTP answer's head (a proxy may write its status line and its headers apart), up to
/// 4 KiB, until the connection closes or `timeout` passes.
async fn read_head(stream: &mut tokio::net::TcpStream, timeout: std::time::Duration) -> Vec<u8> {
    use tokio::io::AsyncReadExt;
    let deadline = Instant::now() + timeout;
    let mut head = Vec::new();
    let mut buffer = [0u8; 1024];
    while head.len() < 4096 && !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => head.extend_from_slice(&buffer[..n]),
            _ => break,
        }
    }
    head
}

/// The command that shows the same through the proxy: curl for HTTP(S), the tunnel's own
/// line for the MQTT ports.
pub(super) fn reproduce(host: &str, spec: PortSpec, proxy: &Proxy) -> Command {
    let url = |scheme: &str| format!("{scheme}://{}/", host_port(host, spec.port));
    let through = |curl: Command| super::ladder::curl_through(curl, Some(proxy));
    match spec.service.probe() {
        Probe::Http => through(
            Command::new("curl")
                .flag("-sI")
                .flag("--max-time")
                .flag("3"),
        )
        .arg(url("http")),
        Probe::TlsHttp => through(
            Command::new("curl")
                .flag("-skI")
                .flag("--max-time")
                .flag("3"),
        )
        .arg(url("https")),
        probe => super::ladder::tunnel_line(host, spec.port, probe == Probe::TlsMqtt, proxy),
    }
}
