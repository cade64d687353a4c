//! One device of a fleet, on a lean MQTT 5 client of its own: a socket, a read buffer that
//! starts at 256 bytes, the packet ids it waits a PUBACK for, and its settings — a few KiB,
//! where a general client costs ~40 KiB. It does what a single virtual device does on MQTT
//! (telemetry at QoS 1, answers to requests, reconnection with back-off) and reports to the
//! fleet's counters only, through [`FleetObserver`]; the Demo view's single device keeps the
//! full client and its log.

use super::payloads::{answer, DeviceState, Generator};
use crate::codec::mqtt5_frames::{self as frames, Connect, Incoming};
use std::collections::VecDeque;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// What one fleet device connects as: its own client id and name, and the model's broker,
/// credentials and topics (shared text, so a fleet of 50,000 holds them once).
#[derive(Clone)]
pub struct FleetDevice {
    pub name: Box<str>,
    pub client_id: Box<str>,
    pub broker: Arc<Broker>,
    /// The local address to connect from (`--source-addresses`), else the system's choice.
    pub source: Option<IpAddr>,
}

/// The part of a fleet's settings every device shares.
pub struct Broker {
    pub host: String,
    pub port: u16,
    pub user: String,
    pub password: String,
    pub req_topic: String,
    pub resp_topic: String,
    pub data_topic: String,
    /// Set for mqtt-tls: one verifying configuration for the whole fleet.
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

/// Where a fleet device reports.
pub trait FleetObserver: Send + Sync {
    fn connected(&self);
    fn disconnected(&self);
    fn sent(&self);
    /// A QoS 1 publish was acknowledged this many ms after it was written.
    fn acked(&self, ms: f64);
}

/// Why a fleet device's connection ended, by layer. The fleet counts drops, so these are for
/// debugging and for the device's own back-off, not shown one by one.
#[derive(Debug, thiserror::Error)]
enum Dropped {
    #[error("the broker's name resolves to no address")]
    NoAddress,
    #[error(transparent)]
    Io(#[from] std::io::Error),
    #[error("{0} timed out")]
    TimedOut(&'static str),
    #[error("TLS: {0}")]
    Tls(String),
    #[error(transparent)]
    Frame(#[from] frames::FrameError),
    #[error("CONNACK reason {0:#04x}")]
    Refused(u8),
    #[error("the broker sent DISCONNECT {0:#04x}")]
    Disconnected(u8),
    #[error("the broker closed the connection")]
    Closed,
}

const KEEP_ALIVE_S: u16 = 30;
/// TCP, TLS and CONNACK each; and the longest a write may block on a broker that reads nothing.
const STEP_TIMEOUT: Duration = Duration::from_secs(10);
const BACKOFF_START: Duration = Duration::from_secs(1);
const BACKOFF_MAX: Duration = Duration::from_secs(10);
/// Publishes remembered while their PUBACK is awaited (older ones are let go).
const PENDING_ACKS: usize = 32;
/// The largest packet a fleet device takes from the broker (requests are small).
const MAX_INCOMING: usize = 64 * 1024;
const READ_BUFFER: usize = 256;

/// Runs the device until `cancel` or `until`; returns how many times it connected.
pub async fn run(
    device: &FleetDevice,
    rate_per_s: f64,
    cancel: &CancellationToken,
    until: Instant,
    observer: &dyn FleetObserver,
) -> u32 {
    let mut state = Session {
        device,
        observer,
        period: Duration::from_secs_f64(1.0 / rate_per_s.clamp(0.01, 1000.0)),
        started: Instant::now(),
        sent: 0,
        last_temperature: Generator::default().base,
        next_id: 0,
        pending: VecDeque::new(),
        connects: 0,
    };
    let mut backoff = BACKOFF_START;
    loop {
        let connects_before = state.connects;
        // Biased: once stopping, a connected session sees the cancel itself and says
        // DISCONNECT; the other branches end a connect that is still under way.
        let ended = tokio::select! {
            biased;
            ended = state.connect_and_serve(cancel, until) => ended,
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep_until(until) => break,
        };
        if state.connects > connects_before {
            // A device stopped at the end still counts as connected: the fleet's final counts
            // say how it stood when it was stopped.
            if ended.is_err() {
                observer.disconnected();
            }
            backoff = BACKOFF_START;
        }
        match ended {
            Ok(()) => break,
            Err(_) => {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = tokio::time::sleep_until(until) => break,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(BACKOFF_MAX);
            }
        }
    }
    state.connects
}

struct Session<'a> {
    device: &'a FleetDevice,
    observer: &'a dyn FleetObserver,
    period: Duration,
    started: Instant,
    sent: u64,
    last_temperature: f64,
    next_id: u16,
    pending: VecDeque<(u16, Instant)>,
    connects: u32,
}

impl Session<'_> {
    async fn connect_and_serve(
        &mut self,
        cancel: &CancellationToken,
        until: Instant,
    ) -> Result<(), Dropped> {
        let broker = self.device.broker.clone();
        let tcp = tokio::time::timeout(STEP_TIMEOUT, self.tcp(&broker))
            .await
            .map_err(|_| Dropped::TimedOut("TCP connect"))??;
        match &broker.tls {
            None => self.serve(tcp, cancel, until).await,
            Some(config) => {
                let name = rustls::pki_types::ServerName::try_from(broker.host.clone())
                    .map_err(|_| Dropped::Tls(format!("{:?} is not a server name", broker.host)))?;
                let connector = tokio_rustls::TlsConnector::from(config.clone());
                let tls = tokio::time::timeout(STEP_TIMEOUT, connector.connect(name, tcp))
                    .await
                    .map_err(|_| Dropped::TimedOut("TLS handshake"))?
                    .map_err(|e| Dropped::Tls(e.to_string()))?;
                self.serve(tls, cancel, until).await
            }
        }
    }

    async fn tcp(&self, broker: &Broker) -> Result<TcpStream, Dropped> {
        let mut last = Dropped::NoAddress;
        let addrs = tokio::net::lookup_host((broker.host.as_str(), broker.port)).await?;
        for addr in addrs {
            match connect_from(addr, self.device.source).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last = e.into(),
            }
        }
        Err(last)
    }

    /// CONNECT, SUBSCRIBE, then telemetry, requests and keep-alive until stopped (`Ok`) or
    /// the connection fails (`Err`, in words).
    async fn serve<S: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        mut stream: S,
        cancel: &CancellationToken,
        until: Instant,
    ) -> Result<(), Dropped> {
        let broker = &*self.device.broker;
        let hello = frames::connect(&Connect {
            client_id: &self.device.client_id,
            user: &broker.user,
            password: &broker.password,
            keep_alive_s: KEEP_ALIVE_S,
        });
        write(&mut stream, &hello).await?;
        let mut buf = Vec::with_capacity(READ_BUFFER);
        let reason = tokio::time::timeout(STEP_TIMEOUT, connack(&mut stream, &mut buf))
            .await
            .map_err(|_| Dropped::TimedOut("CONNACK"))??;
        if reason != 0 {
            return Err(Dropped::Refused(reason));
        }
        self.connects += 1;
        self.observer.connected();
        if !broker.req_topic.is_empty() {
            let id = self.packet_id();
            write(&mut stream, &frames::subscribe(id, &broker.req_topic, 1)).await?;
        }
        // What came in the same read as the CONNACK (a retained request, say) is handled now,
        // not when the next bytes happen to arrive.
        let mut ping_sent: Option<Instant> = None;
        let early = self.take_packets(&mut buf, &mut ping_sent)?;
        if !early.is_empty() {
            write(&mut stream, &early).await?;
        }
        let mut tick = tokio::time::interval(self.period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let keep_alive = Duration::from_secs(u64::from(KEEP_ALIVE_S));
        let mut last_write = Instant::now();
        loop {
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep_until(until) => break,
                _ = tick.tick() => {
                    let packet = self.telemetry();
                    write(&mut stream, &packet).await?;
                    last_write = Instant::now();
                }
                _ = tokio::time::sleep_until(last_write + keep_alive) => {
                    if ping_sent.is_some() {
                        return Err(Dropped::TimedOut("PINGRESP"));
                    }
                    write(&mut stream, &frames::PINGREQ).await?;
                    ping_sent = Some(Instant::now());
                    last_write = Instant::now();
                }
                read = stream.read_buf(&mut buf) => {
                    if read? == 0 {
                        return Err(Dropped::Closed);
                    }
                    let replies = self.take_packets(&mut buf, &mut ping_sent)?;
                    if !replies.is_empty() {
                        write(&mut stream, &replies).await?;
                        last_write = Instant::now();
                    }
                }
            }
        }
        let _ = tokio::time::timeout(
            Duration::from_millis(200),
            stream.write_all(&frames::DISCONNECT),
        )
        .await;
        Ok(())
    }

    /// Handles every whole packet in `buf` (dropping them from it) and returns the bytes to
    /// write back: PUBACKs for the broker's QoS 1 publishes and answers to requests.
    fn take_packets(
        &mut self,
        buf: &mut Vec<u8>,
        ping_sent: &mut Option<Instant>,
    ) -> Result<Vec<u8>, Dropped> {
        let mut out = Vec::new();
        let mut used = 0;
        while let Some((packet, len)) = frames::decode(&buf[used..], MAX_INCOMING)? {
            used += len;
            match packet {
                Incoming::Publish {
                    packet_id, payload, ..
                } => {
                    if let Some(id) = packet_id {
                        out.extend_from_slice(&frames::puback(id));
                    }
                    out.extend(self.answer(payload));
                }
                Incoming::PubAck { packet_id, .. } => {
                    if let Some(at) = self.pending.iter().position(|(p, _)| *p == packet_id) {
                        if let Some((_, sent)) = self.pending.remove(at) {
                            self.observer.acked(sent.elapsed().as_secs_f64() * 1000.0);
                        }
                    }
                }
                Incoming::PingResp => *ping_sent = None,
                Incoming::Disconnect { reason } => return Err(Dropped::Disconnected(reason)),
                Incoming::ConnAck { .. } | Incoming::SubAck { .. } | Incoming::Other { .. } => {}
            }
        }
        buf.drain(..used);
        if buf.is_empty() && buf.capacity() > 4 * READ_BUFFER {
            buf.shrink_to(READ_BUFFER);
        }
        Ok(out)
    }

    /// The next packet id (1…65535; 0 is not one).
    fn packet_id(&mut self) -> u16 {
        self.next_id = self.next_id.checked_add(1).unwrap_or(1);
        self.next_id
    }

    /// The next telemetry PUBLISH at QoS 1, remembered until its PUBACK.
    fn telemetry(&mut self) -> Vec<u8> {
        let ts_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or_default();
        let jitter = f64::from(super::mqtt::rand_u16()) / f64::from(u16::MAX) * 2.0 - 1.0;
        let payload = Generator::default().telemetry(ts_ms, self.sent + 1, jitter);
        self.last_temperature = payload["temperature"]
            .as_f64()
            .unwrap_or(self.last_temperature);
        let id = self.packet_id();
        if self.pending.len() == PENDING_ACKS {
            self.pending.pop_front();
        }
        self.pending.push_back((id, Instant::now()));
        self.sent += 1;
        self.observer.sent();
        let broker = &*self.device.broker;
        frames::publish(&broker.data_topic, Some(id), payload.to_string().as_bytes())
    }

    /// The answer to a request, as a QoS 1 PUBLISH on the response topic (nothing when the
    /// request is not one a virtual device answers, or there is no response topic).
    fn answer(&mut self, request: &[u8]) -> Vec<u8> {
        let state = DeviceState {
            name: &self.device.name,
            uptime_s: self.started.elapsed().as_secs(),
            sent: self.sent,
            last_temperature: self.last_temperature,
        };
        let broker = self.device.broker.clone();
        match answer(request, &state) {
            Some(reply) if !broker.resp_topic.is_empty() => {
                let id = self.packet_id();
                frames::publish(&broker.resp_topic, Some(id), reply.to_string().as_bytes())
            }
            _ => Vec::new(),
        }
    }
}

/// A TCP connection to `addr`, from `source` when one is given (port chosen by the system).
async fn connect_from(addr: SocketAddr, source: Option<IpAddr>) -> std::io::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    if let Some(source) = source.filter(|s| s.is_ipv4() == addr.is_ipv4()) {
        socket.bind(SocketAddr::new(source, 0))?;
    }
    socket.set_nodelay(true)?;
    socket.connect(addr).await
}

/// Reads until the CONNACK; its reason code.
async fn connack<S: AsyncRead + Unpin>(stream: &mut S, buf: &mut Vec<u8>) -> Result<u8, Dropped> {
    loop {
        if let Some((packet, len)) = frames::decode(buf, MAX_INCOMING)? {
            let reason = match packet {
                Incoming::ConnAck { reason } => Some(reason),
                Incoming::Disconnect { reason } => return Err(Dropped::Disconnected(reason)),
                _ => None,
            };
            buf.drain(..len);
            match reason {
                Some(reason) => return Ok(reason),
                None => continue,
            }
        }
        if stream.read_buf(buf).await? == 0 {
            return Err(Dropped::Closed);
        }
    }
}

/// Writes all of `bytes`, giving up after [`STEP_TIMEOUT`] on a broker that reads nothing.
async fn write<S: AsyncWrite + Unpin>(stream: &mut S, bytes: &[u8]) -> Result<(), Dropped> {
    match tokio::time::timeout(STEP_TIMEOUT, stream.write_all(bytes)).await {
        Ok(written) => Ok(written?),
        Err(_) => Err(Dropped::TimedOut("a write (the broker reads nothing)")),
    }
}
