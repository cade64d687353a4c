//! One HTTP/1.1 exchange over a connected stream (plain or TLS), with a time limit: the
//! request written, the response read until it is complete, the peer closes, or
//! [`http::RESPONSE_LIMIT`] bytes came.

use crate::codec::http_message as http;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

/// Why no response could be read.
#[derive(Debug)]
pub enum Exchange {
    /// Nothing within the time limit.
    Timeout,
    /// The connection ended (or failed) before a response; the error, if there was one —
    /// a TLS alert sent after the handshake shows up here.
    Closed(Option<std::io::Error>),
    /// The peer answered something that is not HTTP/1.x: its first bytes.
    NotHttp(String),
}

/// Writes `request` and reads one response.
pub async fn exchange<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    request: &[u8],
    timeout: Duration,
) -> Result<http::Response, Exchange> {
    use tokio::io::AsyncReadExt;
    let deadline = Instant::now() + timeout;
    let write = async {
        stream.write_all(request).await?;
        stream.flush().await
    };
    match tokio::time::timeout_at(deadline, write).await {
        Err(_) => return Err(Exchange::Timeout),
        Ok(Err(e)) => return Err(Exchange::Closed(Some(e))),
        Ok(Ok(())) => {}
    }
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let mut failure = None;
    loop {
        if http::is_complete(&received) || received.len() >= http::RESPONSE_LIMIT {
            break;
        }
        match tokio::time::timeout_at(deadline, stream.read(&mut buffer)).await {
            Err(_) if received.is_empty() => return Err(Exchange::Timeout),
            Err(_) => break,
            Ok(Ok(0)) => break,
            Ok(Err(e)) => {
                failure = Some(e);
                break;
            }
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
        }
    }
    if received.is_empty() {
        return Err(Exchange::Closed(failure));
    }
    match http::parse_response(&received) {
        Ok(response) => Ok(response),
        Err(http::ParseError::NotHttp(prefix)) => Err(Exchange::NotHttp(prefix)),
        Err(http::ParseError::Incomplete) => Err(Exchange::NotHttp(
            String::from_utf8_lossy(&received[..received.len().min(32)]).into_owned(),
        )),
    }
}
