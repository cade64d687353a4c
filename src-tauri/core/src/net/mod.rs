//! Sockets with timeouts and failures classified the way the checks report them: DNS through
//! an injectable resolver (tests never ask the machine's resolver for a name that must fail),
//! TCP connects that tell refused from silent from reset, UDP exchanges that tell an ICMP
//! "port unreachable" from silence, and TLS with a certificate recorder.

pub mod client_identity;
pub mod coap_link;
pub mod dtls;
pub mod dtls_profile;
pub mod http_exchange;
pub mod mqtt;
pub mod path_mtu;
pub mod proxy;
pub mod proxy_config;
pub mod tls;
mod tls_failure;

use std::collections::BTreeMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;
use tokio::net::{TcpStream, UdpSocket};

/// How host names become addresses.
#[derive(Debug, Clone, Default)]
pub enum Resolver {
    /// The operating system's resolver.
    #[default]
    System,
    /// A fixed table: names not in it fail to resolve (tests).
    Fixed(BTreeMap<String, Vec<IpAddr>>),
}

/// What went wrong in the network area before any protocol was spoken: a name, a socket, a
/// TLS configuration. (What a peer did on the wire is a check's diagnosis, not an error.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error("{0} is not in the resolver's table")]
    NotInTable(String),
    #[error("no DNS answer for {host} within {ms} ms")]
    DnsTimeout { host: String, ms: u128 },
    #[error("{host}: {why}")]
    DnsFailed { host: String, why: String },
    #[error("{0} has no addresses")]
    NoAddresses(String),
    #[error("cannot open a UDP socket: {0}")]
    UdpSocket(String),
    #[error("{0}")]
    UdpConnect(String),
    #[error("{host} is not a valid server name: {why}")]
    ServerName { host: String, why: String },
    /// A CA or a client identity that cannot be used (the message names which).
    #[error("{0}")]
    TlsConfig(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// In a step's detail an error is its sentence.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl From<crate::codec::certificates::PemCertError> for Error {
    fn from(e: crate::codec::certificates::PemCertError) -> Self {
        Error::TlsConfig(e.to_string())
    }
}

impl Resolver {
    /// Which resolver answered, for the DNS step's detail.
    pub fn describe(&self) -> &'static str {
        match self {
            Resolver::System => "the system resolver (getaddrinfo: /etc/hosts, then DNS)",
            Resolver::Fixed(_) => "a fixed table",
        }
    }

    /// The addresses of `host`; an IP literal resolves to itself.
    pub async fn resolve(&self, host: &str, timeout: Duration) -> Result<Vec<IpAddr>> {
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            return Ok(vec![ip]);
        }
        match self {
            Resolver::Fixed(table) => table
                .get(host)
                .filter(|ips| !ips.is_empty())
                .cloned()
                .ok_or_else(|| Error::NotInTable(host.into())),
            Resolver::System => {
                let lookup = tokio::net::lookup_host((host, 0));
                match tokio::time::timeout(timeout, lookup).await {
                    Err(_) => Err(Error::DnsTimeout {
                        host: host.into(),
                        ms: timeout.as_millis(),
                    }),
                    Ok(Err(e)) => Err(Error::DnsFailed {
                        host: host.into(),
                        why: e.to_string(),
                    }),
                    Ok(Ok(addrs)) => {
                        let ips: Vec<IpAddr> = addrs.map(|a| a.ip()).collect();
                        if ips.is_empty() {
                            Err(Error::NoAddresses(host.into()))
                        } else {
                            Ok(ips)
                        }
                    }
                }
            }
        }
    }
}

/// Why a TCP connection did not come up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectFailure {
    /// RST in answer to the SYN: nothing listens.
    Refused,
    /// No answer within the time limit: dropped by a firewall, or the host is down.
    Timeout,
    /// The connection was reset while being set up.
    Reset,
    /// The network or host is unreachable (ICMP), or another error.
    Other(String),
}

/// Connects with a time limit.
pub async fn tcp_connect(addr: SocketAddr, timeout: Duration) -> Result<TcpStream, ConnectFailure> {
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Err(_) => Err(ConnectFailure::Timeout),
        Ok(Ok(stream)) => {
            let _ = stream.set_nodelay(true);
            Ok(stream)
        }
        Ok(Err(e)) => Err(match e.kind() {
            io::ErrorKind::ConnectionRefused => ConnectFailure::Refused,
            io::ErrorKind::ConnectionReset => ConnectFailure::Reset,
            io::ErrorKind::TimedOut => ConnectFailure::Timeout,
            _ => ConnectFailure::Other(e.to_string()),
        }),
    }
}

/// What a UDP exchange got back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UdpOutcome {
    Reply(Vec<u8>),
    /// ICMP port unreachable (reported as "connection refused" on a connected socket).
    Unreachable,
    Silence,
}

/// Sends `datagram` to `addr` and waits for one reply, resending at `resend` intervals
/// until `timeout` (UDP may lose the first try). `accept` picks the reply that answers.
pub async fn udp_exchange(
    addr: SocketAddr,
    datagram: &[u8],
    timeout: Duration,
    resend: Duration,
    accept: impl Fn(&[u8]) -> bool,
) -> io::Result<UdpOutcome> {
    let bind: SocketAddr = if addr.is_ipv4() {
        "0.0.0.0:0".parse().expect("literal address")
    } else {
        "[::]:0".parse().expect("literal address")
    };
    let socket = UdpSocket::bind(bind).await?;
    socket.connect(addr).await?;
    let deadline = tokio::time::Instant::now() + timeout;
    let mut buffer = vec![0u8; 2048];
    loop {
        match socket.send(datagram).await {
            Err(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                return Ok(UdpOutcome::Unreachable)
            }
            Err(e) => return Err(e),
            Ok(_) => {}
        }
        let wait_until = (tokio::time::Instant::now() + resend).min(deadline);
        loop {
            // Datagrams that are not the answer keep `recv` ready; the time is checked too.
            if tokio::time::Instant::now() >= wait_until {
                break;
            }
            match tokio::time::timeout_at(wait_until, socket.recv(&mut buffer)).await {
                Err(_) => break,
                Ok(Err(e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                    return Ok(UdpOutcome::Unreachable)
                }
                Ok(Err(e)) => return Err(e),
                Ok(Ok(n)) if accept(&buffer[..n]) => {
                    return Ok(UdpOutcome::Reply(buffer[..n].to_vec()))
                }
                Ok(Ok(_)) => continue,
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return Ok(UdpOutcome::Silence);
        }
    }
}

/// A UDP socket connected to `addr`, so that ICMP errors (port unreachable) come back to it.
pub async fn udp_connected(addr: SocketAddr) -> Result<tokio::net::UdpSocket> {
    let local = if addr.is_ipv4() {
        "0.0.0.0:0"
    } else {
        "[::]:0"
    };
    let socket = tokio::net::UdpSocket::bind(local)
        .await
        .map_err(|e| Error::UdpSocket(e.to_string()))?;
    socket
        .connect(addr)
        .await
        .map_err(|e| Error::UdpConnect(e.to_string()))?;
    Ok(socket)
}

/// Whether an I/O error is the connection being reset (an RST from the peer or a
/// middlebox), which a probe or a rung reports as `TCP_RESET`, not as silence.
pub fn is_reset(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
    )
}

/// Whether `error`, or any error it was caused by, is a connection reset (rumqttc wraps
/// the socket's error in its own).
pub fn caused_by_reset(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(error);
    while let Some(e) = current {
        if e.downcast_ref::<io::Error>().is_some_and(is_reset) {
            return true;
        }
        current = e.source();
    }
    false
}

/// Reads what the peer sends until `limit` bytes, EOF or `timeout` — whichever first.
pub async fn read_some<R: tokio::io::AsyncRead + Unpin>(
    reader: &mut R,
    limit: usize,
    timeout: Duration,
) -> io::Result<Vec<u8>> {
    use tokio::io::AsyncReadExt;
    let mut out = Vec::new();
    let mut buffer = vec![0u8; limit.min(4096)];
    let deadline = tokio::time::Instant::now() + timeout;
    while out.len() < limit {
        match tokio::time::timeout_at(deadline, reader.read(&mut buffer)).await {
            Err(_) => break,
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => {
                out.extend_from_slice(&buffer[..n]);
                if !out.is_empty() && n < buffer.len() {
                    // One burst is enough to classify a reply; do not wait for more.
                    break;
                }
            }
            Ok(Err(e)) if out.is_empty() => return Err(e),
            Ok(Err(_)) => break,
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn literals_resolve_to_themselves_and_fixed_tables_fail_unknown_names() {
        let r = Resolver::Fixed(BTreeMap::new());
        let t = Duration::from_millis(100);
        assert_eq!(
            r.resolve("127.0.0.1", t).await.unwrap(),
            vec!["127.0.0.1".parse::<IpAddr>().unwrap()]
        );
        assert_eq!(
            r.resolve("[::1]", t).await.unwrap(),
            vec!["::1".parse::<IpAddr>().unwrap()]
        );
        assert!(r
            .resolve("broker.invalid", t)
            .await
            .unwrap_err()
            .to_string()
            .contains("broker.invalid"));
    }

    #[tokio::test]
    async fn a_closed_port_is_refused() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        assert_eq!(
            tcp_connect(addr, Duration::from_secs(1)).await.unwrap_err(),
            ConnectFailure::Refused
        );
    }

    #[tokio::test]
    async fn udp_to_a_closed_port_is_unreachable_and_an_echo_replies() {
        let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        let addr = closed.local_addr().unwrap();
        drop(closed);
        let t = Duration::from_millis(500);
        let r = Duration::from_millis(100);
        assert_eq!(
            udp_exchange(addr, b"x", t, r, |_| true).await.unwrap(),
            UdpOutcome::Unreachable
        );

        let echo = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let echo_addr = echo.local_addr().unwrap();
        tokio::spawn(async move {
            let mut buf = [0u8; 64];
            let (n, from) = echo.recv_from(&mut buf).await.unwrap();
            echo.send_to(&buf[..n], from).await.unwrap();
        });
        assert_eq!(
            udp_exchange(echo_addr, b"hi", t, r, |_| true)
                .await
                .unwrap(),
            UdpOutcome::Reply(b"hi".to_vec())
        );

        let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let silent_addr = silent.local_addr().unwrap();
        assert_eq!(
            udp_exchange(silent_addr, b"x", t, r, |_| true)
                .await
                .unwrap(),
            UdpOutcome::Silence
        );
        drop(silent);
    }
}
