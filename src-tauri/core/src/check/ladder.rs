//! The record of one check as it climbs its ladder: each rung is appended as it finishes and,
//! at the same moment, sent to whoever watches the run (the app's Test panel, the CLI's
//! progress lines), so a slow rung is visible while it is still being waited on.

use super::{address_family, elapsed_ms, RunContext, StepProgress};
use crate::catalog::TemplateKind;
use crate::net::proxy_config::Proxy;
use crate::net::tls::{self, Seen};
use crate::report::diagnose;
use crate::report::reproduce::{Command, Reproduce};
use crate::report::{Check, DiagnosisCode, Step, Verdict};
use rustls::ClientConfig;
use serde_json::json;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use tokio::net::TcpStream;
use tokio::time::Instant;
use tokio_rustls::client::TlsStream;

/// `curl` told to go through `proxy` as the check did: `--proxy`, and its credentials
/// as `--proxy-user user:"$PROXY_PASSWORD"` (never the password itself).
pub(super) fn curl_through(curl: Command, proxy: Option<&Proxy>) -> Command {
    let Some(proxy) = proxy else {
        return curl;
    };
    let curl = curl.opt("--proxy", proxy.address());
    match &proxy.user {
        Some(user) => curl.opt_then_env("--proxy-user", format!("{user}:"), "PROXY_PASSWORD"),
        None => curl,
    }
}

/// A standard tool's line that opens a CONNECT tunnel through `proxy` to `host:port`:
/// `openssl s_client -proxy` for TLS when the proxy needs no credentials (OpenSSL before 3.0
/// cannot send them), else curl's `--proxytunnel` to a `telnet://` URL (mosquitto_pub has no
/// proxy support).
pub(super) fn tunnel_line(host: &str, port: u16, tls: bool, proxy: &Proxy) -> Command {
    let target = crate::report::reproduce::host_port(host, port);
    if tls && !proxy.has_credentials() {
        let authority = proxy.address().trim_start_matches("http://").to_string();
        return Command::new("openssl")
            .flag("s_client")
            .opt("-proxy", authority)
            .opt("-connect", target)
            .opt("-servername", host)
            .no_stdin();
    }
    let curl = Command::new("curl").flag("-v").flag("--proxytunnel");
    curl_through(curl, Some(proxy)).arg(format!("telnet://{target}"))
}

/// What happened, step by step; turned into a [`Check`] at the end.
pub(super) struct Ladder {
    kind: TemplateKind,
    pub(super) endpoint: String,
    pub(super) start: Instant,
    steps: Vec<Step>,
    pub(super) reproduce: Reproduce,
    pub(super) ctx: RunContext,
    /// What works but needs saying (one address family broken, a clock off), found on the
    /// way up; [`Ladder::finish`] folds them into the verdict.
    warnings: Vec<(DiagnosisCode, String)>,
}

impl Ladder {
    pub(super) fn new(kind: TemplateKind, ctx: &RunContext) -> Ladder {
        Ladder {
            kind,
            endpoint: String::new(),
            start: Instant::now(),
            steps: Vec::new(),
            reproduce: Reproduce::none(),
            ctx: ctx.clone(),
            warnings: Vec::new(),
        }
    }

    /// The clock offset the `Date` of `server`'s HTTP answer shows (`sent` and `received`
    /// bracket the exchange), for the step's `clockOffsetS`; past a minute it is a warning.
    pub(super) fn clock_offset(
        &mut self,
        response: &crate::codec::http_message::Response,
        (sent, received): (std::time::SystemTime, std::time::SystemTime),
        server: &str,
    ) -> Option<i64> {
        let unix = |t: std::time::SystemTime| {
            t.duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0)
        };
        let offset = crate::codec::http_date::clock_offset_s(
            response.header("date")?,
            unix(sent),
            unix(received),
        )?;
        if offset.abs() > diagnose::CLOCK_SKEW_LIMIT_S {
            let way = if offset > 0 { "behind" } else { "ahead of" };
            self.warn(
                DiagnosisCode::ClockSkew,
                format!(
                    "this computer's clock is {} s {way} {server}'s (its HTTP Date header)",
                    offset.abs()
                ),
            );
        }
        Some(offset)
    }

    /// Notes a warning; the check still climbs on.
    pub(super) fn warn(&mut self, code: DiagnosisCode, evidence: String) {
        self.warnings.push((code, evidence));
    }

    pub(super) fn step(
        &mut self,
        name: &str,
        ok: bool,
        started: Instant,
        detail: serde_json::Value,
    ) {
        let mut detail = detail;
        // A rung's CoAP messages also give its retransmissions and round trips.
        let timing = detail
            .get("messages")
            .and_then(|m| m.as_array())
            .and_then(|m| super::timing::coap_timing(m));
        if let (Some(timing), Some(map)) = (timing, detail.as_object_mut()) {
            map.insert("timing".into(), timing);
        }
        let mut step = Step {
            name: name.into(),
            ok,
            elapsed_ms: elapsed_ms(started),
            detail,
        };
        self.ctx.scrubber.step(&mut step);
        if let Some(sink) = &self.ctx.progress {
            sink(&StepProgress {
                index: self.ctx.check_index,
                kind: self.kind.name().into(),
                endpoint: self.endpoint.clone(),
                step: step.clone(),
            });
        }
        self.steps.push(step);
    }

    /// The DNS rung: every address of `host` (A and AAAA, in the resolver's order), or the
    /// failure to hand to [`Ladder::fail`] (with a `getent ahosts` reproduce line: every address of both families).
    pub(super) async fn dns(&mut self, host: &str) -> Result<Vec<IpAddr>, (DiagnosisCode, String)> {
        let started = Instant::now();
        match self.ctx.resolver.resolve(host, self.ctx.rung_timeout).await {
            Ok(ips) => {
                let addresses: Vec<String> = ips.iter().map(|i| i.to_string()).collect();
                let detail = json!({
                    "addresses": addresses,
                    "ipv4": ips.iter().filter(|ip| ip.is_ipv4()).count(),
                    "ipv6": ips.iter().filter(|ip| ip.is_ipv6()).count(),
                    "resolver": self.ctx.resolver.describe(),
                });
                self.step("dns", true, started, detail);
                Ok(ips)
            }
            Err(e) => {
                let detail = json!({ "error": e, "resolver": self.ctx.resolver.describe() });
                self.step("dns", false, started, detail);
                self.reproduce = Command::new("getent").flag("ahosts").arg(host).into();
                Err((DiagnosisCode::DnsFailed, e.to_string()))
            }
        }
    }

    /// The TCP rung: a connection to `host` on `port`, trying its addresses in order until
    /// one connects, then one address of each family not tried yet — a host that works over
    /// IPv4 but not IPv6 (or the other way round) is a warning, since a device that tries the
    /// broken family first stalls. Every attempt is in the step's `addresses`.
    pub(super) async fn tcp(
        &mut self,
        ips: &[IpAddr],
        port: u16,
        host: &str,
    ) -> Result<TcpStream, (DiagnosisCode, String)> {
        let started = Instant::now();
        let timeout = self.ctx.rung_timeout;
        let mut attempts = Vec::new();
        let mut connected = None;
        for ip in ips {
            let addr = SocketAddr::new(*ip, port);
            let mut attempt = address_family::Attempt::of(
                addr,
                crate::net::tcp_connect(addr, timeout).await,
                timeout,
            );
            if let Some(stream) = attempt.take_stream() {
                connected = Some((stream, addr));
                attempts.push(attempt);
                break;
            }
            attempts.push(attempt);
        }
        if connected.is_some() {
            for ip in address_family::untried_families(ips, &attempts) {
                let addr = SocketAddr::new(ip, port);
                let outcome = crate::net::tcp_connect(addr, timeout).await;
                attempts.push(address_family::Attempt::of(addr, outcome, timeout));
            }
        }
        let addresses: Vec<serde_json::Value> = attempts.iter().map(|a| a.json()).collect();
        match connected {
            Some((stream, addr)) => {
                let detail = json!({ "connected": addr.to_string(), "addresses": addresses });
                self.step("tcp", true, started, detail);
                if let Some(evidence) = address_family::partial(&attempts) {
                    self.warn(DiagnosisCode::AddressFamilyPartial, evidence);
                }
                Ok(stream)
            }
            None => {
                let (code, evidence) = address_family::all_failed(&attempts);
                let detail = json!({ "error": evidence, "addresses": addresses });
                self.step("tcp", false, started, detail);
                self.reproduce = Command::new("nc")
                    .flag("-vz")
                    .flag("-w")
                    .flag("3")
                    .arg(host)
                    .arg(port.to_string())
                    .into();
                Err((code, evidence))
            }
        }
    }

    /// A TCP connection to `host:port`: the DNS and TCP rungs, or — given a proxy and the
    /// reproduce line for its tunnel — the proxy rung in their place.
    pub(super) async fn connect(
        &mut self,
        (host, port): (&str, u16),
        through: Option<(&Proxy, Command)>,
    ) -> Result<TcpStream, (DiagnosisCode, String)> {
        if let Some((proxy, line)) = through {
            return self.proxy(proxy, (host, port), line).await;
        }
        let ips = self.dns(host).await?;
        self.tcp(&ips, port, host).await
    }

    /// The proxy rung, in place of DNS and TCP (the proxy resolves the destination and
    /// connects to it): a CONNECT tunnel through `proxy` to `host:port`. When it fails, `curl`
    /// (the check's own line, through the proxy) becomes the reproduce line.
    pub(super) async fn proxy(
        &mut self,
        proxy: &Proxy,
        (host, port): (&str, u16),
        curl: Command,
    ) -> Result<TcpStream, (DiagnosisCode, String)> {
        let started = Instant::now();
        let timeout = self.ctx.rung_timeout;
        let destination = crate::report::reproduce::host_port(host, port);
        let mut detail = json!({
            "proxy": proxy.shown(),
            "source": proxy.source.to_string(),
            "connect": destination,
        });
        match crate::net::proxy::tunnel(proxy, &self.ctx.resolver, (host, port), timeout).await {
            Ok((stream, opened)) => {
                detail["connected"] = opened.proxy_addr.to_string().into();
                detail["status"] = opened.status.into();
                detail["reason"] = opened.reason.into();
                self.step("proxy", true, started, detail);
                Ok(stream)
            }
            Err(failure) => {
                let (code, evidence) =
                    diagnose::proxy(&failure, &proxy.shown(), &destination, timeout);
                detail["error"] = evidence.clone().into();
                self.step("proxy", false, started, detail);
                self.reproduce = curl.into();
                Err((code, evidence))
            }
        }
    }

    /// The proxy rung for plain `http://`: a connection to the proxy, which is sent the
    /// request in absolute form to forward (its refusals come back as answers, read by
    /// [`crate::net::proxy::own_refusal`]). `curl` becomes the reproduce line when it fails.
    pub(super) async fn proxy_forward(
        &mut self,
        proxy: &Proxy,
        destination: &str,
        curl: Command,
    ) -> Result<TcpStream, (DiagnosisCode, String)> {
        let started = Instant::now();
        let timeout = self.ctx.rung_timeout;
        let mut detail = json!({
            "proxy": proxy.shown(),
            "source": proxy.source.to_string(),
            "forward": destination,
        });
        match crate::net::proxy::connect(proxy, &self.ctx.resolver, timeout).await {
            Ok((stream, addr)) => {
                detail["connected"] = addr.to_string().into();
                self.step("proxy", true, started, detail);
                Ok(stream)
            }
            Err(failure) => {
                let (code, evidence) =
                    diagnose::proxy(&failure, &proxy.shown(), destination, timeout);
                detail["error"] = evidence.clone().into();
                self.step("proxy", false, started, detail);
                self.reproduce = curl.into();
                Err((code, evidence))
            }
        }
    }

    /// The TLS rung, begun at `started` (building `config` counts): the handshake over
    /// `stream` for `host` (on `port`, which the interception verdict names), verified by
    /// `config`; `openssl` becomes the reproduce line when it fails.
    pub(super) async fn tls(
        &mut self,
        stream: TcpStream,
        (host, port): (&str, u16),
        (config, seen): (Arc<ClientConfig>, &Arc<Seen>),
        started: Instant,
        openssl: Command,
    ) -> Result<TlsStream<TcpStream>, (DiagnosisCode, String)> {
        let timeout = self.ctx.rung_timeout;
        match tls::verified_handshake(stream, host, config, seen, timeout).await {
            Ok(secured) => {
                let facts = tls::facts(&secured, seen);
                let detail = serde_json::to_value(&facts).unwrap_or_default();
                self.step("tls", true, started, detail);
                Ok(secured)
            }
            Err(failure) => {
                let (code, evidence, detail) = diagnose::tls(&failure, seen, (host, port));
                self.step("tls", false, started, detail);
                self.reproduce = openssl.into();
                Err((code, evidence))
            }
        }
    }

    pub(super) fn finish(
        mut self,
        verdict: Verdict,
        code: DiagnosisCode,
        evidence: String,
    ) -> Check {
        let (verdict, code, evidence) = self.fold_warnings(verdict, code, evidence);
        Check {
            kind: self.kind.name().into(),
            template: Some(self.kind.spec().title.into()),
            endpoint: self.endpoint,
            verdict,
            code,
            // A warning with nothing wrong on the wire (a certificate about to expire).
            hint: if verdict == Verdict::Warn && code == DiagnosisCode::Ok {
                "It works, but something needs attention soon: see the evidence.".into()
            } else {
                code.hint().into()
            },
            evidence,
            reproduce: self.reproduce.to_string(),
            elapsed_ms: elapsed_ms(self.start),
            steps: self.steps,
            port: None,
            transport: None,
            service: None,
            state: None,
        }
    }

    pub(super) fn fail(self, code: DiagnosisCode, evidence: String) -> Check {
        self.finish(Verdict::Fail, code, evidence)
    }

    /// A pass with warnings is a warning with the first one's code, its words first; a check
    /// that warned or failed for its own reason keeps it, the warnings added to the evidence.
    fn fold_warnings(
        &mut self,
        verdict: Verdict,
        code: DiagnosisCode,
        evidence: String,
    ) -> (Verdict, DiagnosisCode, String) {
        let warnings = std::mem::take(&mut self.warnings);
        let Some((first, _)) = warnings.first() else {
            return (verdict, code, evidence);
        };
        let words: Vec<&str> = warnings.iter().map(|(_, w)| w.as_str()).collect();
        let words = words.join("; ");
        match (verdict, code) {
            (Verdict::Pass, _) | (Verdict::Warn, DiagnosisCode::Ok) => {
                (Verdict::Warn, *first, format!("{words}; {evidence}"))
            }
            _ => (verdict, code, format!("{evidence}; also: {words}")),
        }
    }
}
