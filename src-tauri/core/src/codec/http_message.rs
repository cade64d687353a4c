//! HTTP/1.1 as the MQTT-over-HTTP(S) check needs it: one request written out, one response
//! read back. Deliberately small — a single POST with `Connection: close`, no redirects, no
//! keep-alive — so every byte on the wire is ours to explain in a report.

/// The most of a response the check keeps (status line, headers and a body excerpt).
pub const RESPONSE_LIMIT: usize = 64 * 1024;

/// A POST with a JSON body. `authorization` is the full header value (`Basic …`).
pub fn post_json(host: &str, target: &str, authorization: Option<&str>, body: &[u8]) -> Vec<u8> {
    post_json_via(host, target, (authorization, None), body)
}

/// A POST as [`post_json`] writes it, for a proxy when `proxy_authorization` is given or
/// `target` is absolute (`http://host:port/path`, RFC 9112 §3.2.2: what a proxy is sent).
pub fn post_json_via(
    host: &str,
    target: &str,
    (authorization, proxy_authorization): (Option<&str>, Option<&str>),
    body: &[u8],
) -> Vec<u8> {
    let mut head = format!(
        "POST {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: loopcheck/{}\r\nAccept: */*\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
        crate::VERSION,
        body.len()
    );
    if let Some(value) = authorization {
        head.push_str("Authorization: ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    if let Some(value) = proxy_authorization {
        head.push_str("Proxy-Authorization: ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// A CONNECT asking a proxy for a tunnel to `authority` (`host:port`, IPv6 in brackets);
/// `authorization` is the full `Proxy-Authorization` value (`Basic …`).
pub fn connect(authority: &str, authorization: Option<&str>) -> Vec<u8> {
    let mut head = format!(
        "CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: loopcheck/{}\r\n",
        crate::VERSION
    );
    if let Some(value) = authorization {
        head.push_str("Proxy-Authorization: ");
        head.push_str(value);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// Whether the header block of a response has ended (what a CONNECT answer is, on success).
pub fn head_complete(bytes: &[u8]) -> bool {
    find(bytes, b"\r\n\r\n").is_some()
}

/// A GET asking for `accept` (the DDI root poll asks for `application/hal+json`).
pub fn get(host: &str, target: &str, accept: &str) -> Vec<u8> {
    format!(
        "GET {target} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: loopcheck/{}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n",
        crate::VERSION
    )
    .into_bytes()
}

/// A parsed response: the status, its reason phrase, headers in order and the (de-chunked)
/// body as far as it was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as one printable line of at most `max` characters, for evidence.
    pub fn body_excerpt(&self, max: usize) -> String {
        let text = String::from_utf8_lossy(&self.body);
        let flat: String = text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        if flat.chars().count() > max {
            let cut: String = flat.chars().take(max).collect();
            format!("{cut}…")
        } else {
            flat
        }
    }
}

/// Why bytes are not (yet) a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseError {
    /// The header block has not ended yet.
    Incomplete,
    /// The peer answered something that is not HTTP/1.x.
    NotHttp(String),
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Parses a response. The body may be partial; [`is_complete`] says whether it is all there.
pub fn parse_response(bytes: &[u8]) -> Result<Response, ParseError> {
    let Some(head_end) = find(bytes, b"\r\n\r\n") else {
        if bytes.len() >= 5 && !bytes.starts_with(b"HTTP/") {
            return Err(ParseError::NotHttp(printable_prefix(bytes)));
        }
        return Err(ParseError::Incomplete);
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]);
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    if !version.starts_with("HTTP/1.") {
        return Err(ParseError::NotHttp(printable_prefix(bytes)));
    }
    let status = parts
        .next()
        .and_then(|s| s.parse::<u16>().ok())
        .filter(|s| (100..600).contains(s))
        .ok_or_else(|| ParseError::NotHttp(printable_prefix(bytes)))?;
    let reason = parts.next().unwrap_or_default().to_string();
    let headers = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_string(), value.trim().to_string()))
        })
        .collect::<Vec<_>>();
    let raw_body = &bytes[head_end + 4..];
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    let body = if chunked {
        dechunk(raw_body).0
    } else {
        raw_body.to_vec()
    };
    Ok(Response {
        status,
        reason,
        headers,
        body,
    })
}

/// Whether `bytes` hold a whole response, so reading can stop before the peer closes.
pub fn is_complete(bytes: &[u8]) -> bool {
    let Some(head_end) = find(bytes, b"\r\n\r\n") else {
        return false;
    };
    let Ok(response) = parse_response(bytes) else {
        return true; // not HTTP: nothing more to wait for
    };
    let raw_body = &bytes[head_end + 4..];
    if matches!(response.status, 100..=199 | 204 | 304) {
        return true;
    }
    if let Some(length) = response
        .header("content-length")
        .and_then(|v| v.parse::<usize>().ok())
    {
        return raw_body.len() >= length;
    }
    if response
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        return dechunk(raw_body).1;
    }
    false // delimited by the close
}

/// The data of a chunked body, and whether the last (empty) chunk was seen.
fn dechunk(mut raw: &[u8]) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = find(raw, b"\r\n") else {
            return (out, false);
        };
        let size_text = String::from_utf8_lossy(&raw[..line_end]);
        let size_text = size_text.split(';').next().unwrap_or_default().trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return (out, false);
        };
        raw = &raw[line_end + 2..];
        if size == 0 {
            return (out, true);
        }
        let take = size.min(raw.len());
        out.extend_from_slice(&raw[..take]);
        if take < size || raw.len() < size + 2 {
            return (out, false);
        }
        raw = &raw[size + 2..];
    }
}

fn printable_prefix(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(32)
        .map(|b| {
            if b.is_ascii_graphic() || *b == b' ' {
                (*b as char).to_string()
            } else {
                format!("\\x{b:02x}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_post_carries_length_host_and_authorization() {
        let request = post_json("h:8080", "/mqtt/publish", Some("Basic dTpw"), b"{}");
        let text = String::from_utf8(request).unwrap();
        assert!(text.starts_with("POST /mqtt/publish HTTP/1.1\r\nHost: h:8080\r\n"));
        assert!(text.contains("Content-Length: 2\r\n"));
        assert!(text.contains("Authorization: Basic dTpw\r\n"));
        assert!(text.ends_with("\r\n\r\n{}"));
        let anonymous = String::from_utf8(post_json("h", "/", None, b"")).unwrap();
        assert!(!anonymous.contains("Authorization"));
    }

    #[test]
    fn responses_with_length_chunks_or_close() {
        let sized = b"HTTP/1.1 401 Unauthorized\r\nContent-Length: 5\r\nWWW-Authenticate: Basic\r\n\r\nno!!!";
        let r = parse_response(sized).unwrap();
        assert_eq!((r.status, r.reason.as_str()), (401, "Unauthorized"));
        assert_eq!(r.header("www-authenticate"), Some("Basic"));
        assert_eq!(r.body, b"no!!!");
        assert!(is_complete(sized));
        assert!(!is_complete(&sized[..sized.len() - 1]));

        let chunked = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        assert_eq!(parse_response(chunked).unwrap().body, b"abcde");
        assert!(is_complete(chunked));
        assert!(!is_complete(&chunked[..chunked.len() - 7]));

        let until_close = b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it";
        assert!(!is_complete(until_close));
        assert_eq!(parse_response(until_close).unwrap().body, b"all of it");
        assert!(is_complete(b"HTTP/1.1 204 No Content\r\n\r\n"));
    }

    #[test]
    fn not_http_is_told_apart_from_not_yet() {
        assert_eq!(parse_response(b"HTTP/1.1 200"), Err(ParseError::Incomplete));
        assert!(matches!(
            parse_response(b"\x20\x02\x00\x00garbage"),
            Err(ParseError::NotHttp(p)) if p.starts_with(" \\x02")
        ));
        assert!(matches!(
            parse_response(b"SSH-2.0-OpenSSH\r\n\r\n"),
            Err(ParseError::NotHttp(_))
        ));
        assert!(matches!(
            parse_response(b"HTTP/1.1 999 What\r\n\r\n"),
            Err(ParseError::NotHttp(_))
        ));
    }

    #[test]
    fn excerpts_are_one_short_line() {
        let r = parse_response(b"HTTP/1.1 500 Oops\r\n\r\n<html>\n  <b>bad\tgateway</b>\n</html>")
            .unwrap();
        assert_eq!(r.body_excerpt(100), "<html> <b>bad gateway</b> </html>");
        assert_eq!(r.body_excerpt(6), "<html>…");
    }
}
