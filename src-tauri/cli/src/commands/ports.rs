//! `loopcheck ports HOST`: the port sweep, each port printed on stderr as it completes, the
//! report on stdout (a table, or the JSON report under `--json`).

use super::Context;
use crate::Outcome;
use loopstudio_core::api;
use loopstudio_core::report::{Check, PortState, Transport};
use loopstudio_core::text::printable;
use loopstudio_core::ApiError;

fn state_word(state: Option<PortState>) -> &'static str {
    match state {
        Some(PortState::Open) => "open",
        Some(PortState::Closed) => "closed",
        Some(PortState::Filtered) => "filtered",
        Some(PortState::OpenFiltered) => "open|filtered",
        Some(PortState::DnsFailed) => "dns-failed",
        None => "-",
    }
}

fn line(check: &Check) -> String {
    let transport = match check.transport {
        Some(Transport::Udp) => "udp",
        _ => "tcp",
    };
    format!(
        "{:>5}/{transport} {:<15} {:<14} {:>7.1} ms  {}",
        check.port.unwrap_or(0),
        check.service.as_deref().unwrap_or(""),
        state_word(check.state),
        check.elapsed_ms,
        printable(&check.evidence, 400)
    )
}

pub fn run(ctx: &Context<'_>, request: &api::SweepRequest) -> Result<Outcome, ApiError> {
    let (runtime, cancel) = super::network_runtime()?;
    let host = request.host.as_str();
    eprintln!("sweeping {}", printable(host, 80));
    let report = runtime.block_on(api::sweep(request, cancel, |check| {
        eprintln!("  {}", line(check))
    }))?;
    if let Some(proxy) = &report.proxy {
        let mqtt = if proxy.mqtt { ", MQTT too" } else { "" };
        eprintln!(
            "web ports went through {} (from {}{mqtt})",
            proxy.url, proxy.source
        );
    }
    ctx.out.document(&report, || {
        let mut text: String = report
            .checks
            .iter()
            .map(|c| format!("{}\n", line(c)))
            .collect();
        let s = report.summary;
        text.push_str(&format!(
            "{host}: {} pass, {} warn, {} fail\n",
            s.pass, s.warn, s.fail
        ));
        text
    });
    Ok(Outcome::of_report(&report))
}
