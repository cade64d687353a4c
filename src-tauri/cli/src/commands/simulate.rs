//! `loopcheck simulate --project P --device D [--duration S] [--rate R] [--lifetime S]`: the
//! device as a live virtual device with every protocol its model has — each event a line on
//! stderr, a summary per protocol on stdout at the end.
//! `--fleet N --model M [--pattern dev-{n}] [--ramp R]`: N of them, the counts on stderr
//! once a second.

use super::Context;
use crate::{Outcome, SimulateArgs};
use loopstudio_core::api::{FleetSnapshot, Generator, LogLine};
use loopstudio_core::{api, ApiError};

pub fn run(ctx: &Context<'_>, args: &SimulateArgs) -> Result<Outcome, ApiError> {
    let Some(device) = &args.device else {
        return fleet(ctx, args);
    };
    let (runtime, cancel) = super::network_runtime()?;
    let print = |line: LogLine| eprintln!("{}", line.text_line());
    let settings = api::SimulateSettings {
        rate: args.rate,
        duration_s: args.duration,
        lifetime_s: args.lifetime,
        generator: Generator {
            base: args.temperature,
            amplitude: args.swing,
            period_s: args.period,
            noise: args.noise,
            status: args.status.clone(),
        },
    };
    // Bad numbers are found before the store is read or anything connects.
    settings.validate()?;
    let plan = api::device_check_plan(&mut ctx.studio()?, &args.project, device)?;
    let summary = runtime.block_on(api::simulate_device(
        &plan, device, settings, cancel, &print,
    ))?;
    ctx.out.document(&summary, || {
        summary
            .lines()
            .into_iter()
            .map(|l| l + "\n")
            .collect::<String>()
    });
    Ok(if summary.came_alive() {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}

fn fleet(ctx: &Context<'_>, args: &SimulateArgs) -> Result<Outcome, ApiError> {
    let (count, model) = match (args.fleet, &args.model) {
        (Some(n), Some(m)) => (n, m),
        _ => unreachable!("clap requires --device, or --fleet with --model"),
    };
    let request = api::FleetRequest {
        model,
        count,
        pattern: &args.pattern,
        like: args.like.as_deref(),
        source_addresses: args.source_addresses.as_deref(),
    };
    api::validate_fleet(count, args.ramp, args.rate, args.duration)?;
    let devices = api::fleet_plan(&mut ctx.studio()?, &args.project, &request)?;
    let (runtime, cancel) = super::network_runtime()?;
    let progress = |s: &FleetSnapshot| {
        let ms = |v: Option<f64>| v.map_or_else(|| "-".to_string(), |v| format!("{v:.1}"));
        eprintln!(
            "{:>6.1} s  started {}/{}  connected {}  failed {}  {:.1} msg/s  ack p50 {} p90 {} p99 {} ms",
            s.at_ms as f64 / 1000.0,
            s.started,
            s.devices,
            s.connected,
            s.failed,
            s.messages_per_s,
            ms(s.ack_p50_ms),
            ms(s.ack_p90_ms),
            ms(s.ack_p99_ms)
        );
    };
    let last = runtime.block_on(api::simulate_fleet(
        devices,
        args.ramp,
        args.rate,
        args.duration,
        cancel,
        &progress,
    ))?;
    ctx.out.document(&last, || {
        let ramp = last
            .all_connected_ms
            .map(|ms| format!(", all connected after {:.1} s", ms as f64 / 1000.0))
            .unwrap_or_default();
        format!(
            "{} devices, {} failed, {} messages sent{ramp}\n",
            last.devices, last.failed, last.messages_sent
        )
    });
    Ok(if last.failed == 0 {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
