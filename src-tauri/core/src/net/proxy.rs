//! Through an HTTP proxy: TCP to the proxy (each of its addresses in turn), then a CONNECT
//! tunnel to the destination, or plain HTTP requests in absolute form for it to forward;
//! its answers read and classified the way the report names a proxy's faults — not
//! reachable, wants (other) credentials, refuses this destination, or failed to reach it.
//! What goes through the tunnel afterwards (TLS, HTTP) is the caller's.

use super::proxy_config::Proxy;
use super::{tcp_connect, ConnectFailure, Resolver};
use crate::codec::http_message as http;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

/// The most of a proxy's answer to CONNECT that is read: its head and a body excerpt.
const ANSWER_LIMIT: usize = 16 * 1024;

/// Why no tunnel came up.
#[derive(Debug)]
pub enum ProxyFailure {
    /// The proxy's own name does not resolve.
    Resolve(super::Error),
    /// No address of the proxy took the connection (the first failure, with its address).
    Unreachable {
        addr: SocketAddr,
        failure: ConnectFailure,
    },
    /// 407 (or 401): the proxy wants credentials (`scheme` from `Proxy-Authenticate`), or
    /// other ones.
    AuthRequired {
        scheme: Option<String>,
        sent_credentials: bool,
    },
    /// 403 (or 405): the proxy will not tunnel to this destination.
    Denied {
        answer: String,
    },
    /// Any other status: the proxy could not reach the destination, or failed itself.
    Failed {
        status: u16,
        answer: String,
    },
    /// The proxy answered something that is not HTTP, closed, or said nothing in time.
    NotHttp(String),
    Closed,
    Timeout,
}

/// The proxy's answer to CONNECT, for the step's detail.
#[derive(Debug, Clone)]
pub struct TunnelOpened {
    pub proxy_addr: SocketAddr,
    pub status: u16,
    pub reason: String,
}

/// A connection to the proxy itself, trying each of its addresses in turn.
pub async fn connect(
    proxy: &Proxy,
    resolver: &Resolver,
    timeout: Duration,
) -> Result<(TcpStream, SocketAddr), ProxyFailure> {
    let ips = resolver
        .resolve(&proxy.host, timeout)
        .await
        .map_err(ProxyFailure::Resolve)?;
    let mut first_failure = None;
    for ip in ips {
        let addr = SocketAddr::new(ip, proxy.port);
        match tcp_connect(addr, timeout).await {
            Ok(stream) => return Ok((stream, addr)),
            Err(failure) => {
                first_failure.get_or_insert((addr, failure));
            }
        }
    }
    let (addr, failure) = first_failure.ok_or(ProxyFailure::Closed)?;
    Err(ProxyFailure::Unreachable { addr, failure })
}

/// A tunnel through `proxy` to `host:port` (`host` as the destination names it; the proxy
/// resolves it), within `timeout` per step.
pub async fn tunnel(
    proxy: &Proxy,
    resolver: &Resolver,
    (host, port): (&str, u16),
    timeout: Duration,
) -> Result<(TcpStream, TunnelOpened), ProxyFailure> {
    let (mut stream, proxy_addr) = connect(proxy, resolver, timeout).await?;
    let authority = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let authorization = proxy.authorization();
    let request = http::connect(&authority, authorization.as_deref().map(|a| a.as_str()));
    let deadline = Instant::now() + timeout;
    match tokio::time::timeout_at(deadline, stream.write_all(&request)).await {
        Err(_) => return Err(ProxyFailure::Timeout),
        Ok(Err(_)) => return Err(ProxyFailure::Closed),
        Ok(Ok(())) => {}
    }
    let mut answer = read_answer(&mut stream, deadline).await?;
    if !answer.starts_with(b"HTTP/1.1 2") && !answer.starts_with(b"HTTP/1.0 2") {
        // A refusal's page says why; it may come in segments after the head.
        read_body(&mut stream, &mut answer, deadline).await;
    }
    let response = match http::parse_response(&answer) {
        Ok(response) => response,
        Err(http::ParseError::NotHttp(prefix)) => return Err(ProxyFailure::NotHttp(prefix)),
        Err(http::ParseError::Incomplete) => return Err(ProxyFailure::Closed),
    };
    if !(200..=299).contains(&response.status) {
        return Err(refusal(&response, authorization.is_some()));
    }
    Ok((
        stream,
        TunnelOpened {
            proxy_addr,
            status: response.status,
            reason: response.reason.clone(),
        },
    ))
}

/// The proxy's own refusal in an answer to a request it was asked to forward (plain
/// `http://`, absolute-form), or `None` when the answer is the server's. A proxy must add
/// `Via` to what it forwards (RFC 9110 §7.6.3), so an answer without one is the proxy's.
pub fn own_refusal(response: &http::Response, sent_credentials: bool) -> Option<ProxyFailure> {
    if response.header("via").is_some() {
        return None;
    }
    matches!(response.status, 401 | 403 | 405 | 407 | 500..=599)
        .then(|| refusal(response, sent_credentials))
}

/// A proxy's non-2xx answer as the failure it means.
fn refusal(response: &http::Response, sent_credentials: bool) -> ProxyFailure {
    let words = || {
        let words = strip_markup(&response.body_excerpt(4000));
        let excerpt: String = words.chars().take(200).collect();
        let line = format!("{} {}", response.status, response.reason);
        if excerpt.is_empty() {
            line
        } else {
            format!("{line}: {excerpt}")
        }
    };
    match response.status {
        // 407 is the standard answer; tinyproxy answers wrong credentials with 401, and no
        // destination can have said it (nothing was forwarded).
        401 | 407 => ProxyFailure::AuthRequired {
            scheme: response
                .header("proxy-authenticate")
                .or_else(|| response.header("www-authenticate"))
                .and_then(|v| v.split_whitespace().next())
                .map(|s| crate::text::printable(s, 40)),
            sent_credentials,
        },
        403 | 405 => ProxyFailure::Denied { answer: words() },
        status => ProxyFailure::Failed {
            status,
            answer: words(),
        },
    }
}

/// The proxy's answer: until its head ends (a tunnel's first bytes are the destination's,
/// and no destination speaks before we do), or the proxy closes, within the deadline.
async fn read_answer(stream: &mut TcpStream, deadline: Instant) -> Result<Vec<u8>, ProxyFailure> {
    let mut received = Vec::new();
    let mut buffer = [0u8; 2048];
    while !http::head_complete(&received) && received.len() < ANSWER_LIMIT {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) if received.is_empty() => return Err(ProxyFailure::Timeout),
            Err(_) | Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
    if received.is_empty() {
        return Err(ProxyFailure::Closed);
    }
    Ok(received)
}

/// The rest of a refusal, until the proxy closes (it says `Connection: close`), the answer
/// is whole, or the deadline.
async fn read_body(stream: &mut TcpStream, received: &mut Vec<u8>, deadline: Instant) {
    let mut buffer = [0u8; 2048];
    while !http::is_complete(received) && received.len() < ANSWER_LIMIT {
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Ok(Ok(n)) if n > 0 => received.extend_from_slice(&buffer[..n]),
            _ => break,
        }
    }
}

/// An error page's words without its tags, so evidence reads "Access violation The CONNECT
/// method not allowed …" rather than XHTML.
fn strip_markup(text: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)]) -> http::Response {
        http::Response {
            status,
            reason: "Reason".into(),
            headers: headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body: Vec::new(),
        }
    }

    #[test]
    fn a_forwarded_answer_is_the_servers_and_one_without_via_the_proxys() {
        let via = [("Via", "1.1 proxy (tinyproxy/1.11.1)")];
        assert!(own_refusal(&response(403, &via), true).is_none());
        assert!(own_refusal(&response(500, &via), true).is_none());
        assert!(own_refusal(&response(204, &[]), true).is_none());
        assert!(own_refusal(&response(404, &[]), true).is_none());
        let auth = own_refusal(
            &response(401, &[("WWW-Authenticate", "Basic realm=\"x\"")]),
            true,
        );
        assert!(
            matches!(
                auth,
                Some(ProxyFailure::AuthRequired { scheme: Some(ref s), sent_credentials: true }) if s == "Basic"
            ),
            "{auth:?}"
        );
        assert!(matches!(
            own_refusal(&response(403, &[]), false),
            Some(ProxyFailure::Denied { .. })
        ));
        assert!(matches!(
            own_refusal(&response(502, &[]), false),
            Some(ProxyFailure::Failed { status: 502, .. })
        ));
    }

    #[test]
    fn error_pages_read_as_words() {
        assert_eq!(
            strip_markup("<html><head><title>403 Access violation</title></head><body><p>The CONNECT method not allowed.</p>"),
            "403 Access violation The CONNECT method not allowed."
        );
        assert_eq!(strip_markup("plain words"), "plain words");
    }
}
