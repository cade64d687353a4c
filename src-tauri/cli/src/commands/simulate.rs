//! `loopcheck simulate --project P --device D [--duration S] [--rate R]`: the device as a
//! live virtual device — each event a line on stderr, a summary on stdout at the end.

use super::Context;
use crate::{Outcome, SimulateArgs};
use loopstudio_core::simulate::log::LogLine;
use loopstudio_core::{workspace, ApiError};

pub fn run(ctx: &Context<'_>, args: &SimulateArgs) -> Result<Outcome, ApiError> {
    let plan = workspace::device_check_plan(&mut ctx.store()?, &args.project, &args.device)?;
    let (runtime, cancel) = super::network_runtime()?;
    let print = |line: LogLine| {
        eprintln!(
            "{:>8} ms  {:<5} {:<5} {:<24} {}",
            line.at_ms, line.protocol, line.direction, line.subject, line.text
        );
    };
    let summary = runtime.block_on(workspace::simulate_device(
        &plan,
        &args.device,
        args.rate,
        args.duration,
        cancel,
        &print,
    ))?;
    ctx.out.document(&summary, || {
        format!(
            "{} connects, {} disconnects, {} telemetry messages, {} requests answered\n",
            summary.connects,
            summary.disconnects,
            summary.telemetry_sent,
            summary.requests_answered
        )
    });
    Ok(if summary.connects > 0 {
        Outcome::Success
    } else {
        Outcome::Failed
    })
}
