//! `loopcheck device …` and `loopcheck render`.

use super::Context;
use crate::output::variables_text;
use crate::{DeviceCommand, Outcome};
use loopstudio_core::{api, ApiError};

pub fn run(ctx: &Context<'_>, command: &DeviceCommand) -> Result<Outcome, ApiError> {
    match command {
        DeviceCommand::List { project, search } => {
            let devices = ctx.studio()?.list_devices(project, search.as_deref())?;
            ctx.out.document(&devices, || {
                devices
                    .iter()
                    .map(|d| format!("{}\t{}\n", d.name, d.model))
                    .collect()
            });
        }
        DeviceCommand::Show {
            project,
            name,
            reveal,
        } => {
            let mut device = ctx.studio()?.device(project, name)?;
            if !reveal {
                device.variables = api::masked(&device.variables);
            }
            ctx.out.document(&device, || {
                format!(
                    "{} (model {})\n{}",
                    device.name,
                    device.model,
                    variables_text(&device.variables)
                )
            });
        }
        DeviceCommand::Create {
            project,
            model,
            name,
            vars,
            generate_secrets,
        } => {
            let given = api::collect_variables(&vars.vars, vars.vars_file.as_deref())?;
            let device = api::create_device(
                &mut ctx.studio()?,
                project,
                model,
                name,
                &given,
                *generate_secrets,
            )?;
            let shown = api::masked(&device.variables);
            ctx.out.document(
                &serde_json::json!({ "created": name, "variables": shown }),
                || {
                    format!(
                        "created device {name} (model {model})\n{}",
                        variables_text(&shown)
                    )
                },
            );
        }
        DeviceCommand::Set {
            project,
            name,
            vars,
            unset,
        } => {
            let variables = api::collect_variables(&vars.vars, vars.vars_file.as_deref())?;
            ctx.studio()?
                .set_device_variables(project, name, &variables, unset)?;
            ctx.out
                .document(&serde_json::json!({ "updated": name }), || {
                    format!("updated device {name}\n")
                });
        }
        DeviceCommand::Delete { project, name } => {
            ctx.studio()?.delete_device(project, name)?;
            ctx.out
                .document(&serde_json::json!({ "deleted": name }), || {
                    format!("deleted device {name}\n")
                });
        }
    }
    Ok(Outcome::Success)
}

/// `loopcheck render`: the device's model with every placeholder filled in.
pub fn render(
    ctx: &Context<'_>,
    project: &str,
    device: &str,
    reveal: bool,
) -> Result<Outcome, ApiError> {
    let (model, rendered) = api::render_device(&mut ctx.studio()?, project, device, reveal)?;
    let document = serde_json::json!({
        "project": project,
        "device": device,
        "model": model.name,
        "templates": rendered.templates,
        "dataBlocks": rendered.data_blocks,
    });
    // Render output is JSON either way: it is what a device would be configured with.
    println!("{document:#}");
    Ok(Outcome::Success)
}
