//! `loopcheck device …` and `loopcheck render`.

use super::Context;
use crate::output::{mask_variables, variables_text};
use crate::{vars, DeviceCommand, Outcome};
use loopstudio_core::device_defaults;
use loopstudio_core::model::Device;
use loopstudio_core::render::{render_model, Scopes};
use loopstudio_core::{ApiError, ErrorCode};

pub fn run(ctx: &Context<'_>, command: &DeviceCommand) -> Result<Outcome, ApiError> {
    match command {
        DeviceCommand::List { project, search } => {
            let devices = ctx.store()?.list_devices(project, search.as_deref())?;
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
            let mut device = ctx.store()?.device(project, name)?;
            if !reveal {
                mask_variables(&mut device.variables);
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
            let given = vars::collect(&vars.vars, vars.vars_file.as_deref())?;
            let mut store = ctx.store()?;
            let project_vars = store.project(project)?.variables;
            let model_def = store.model(project, model)?;
            let variables =
                device_defaults::fill(&model_def, &project_vars, name, &given, *generate_secrets)
                    .map_err(|e| {
                    ApiError::new(
                        ErrorCode::Internal,
                        format!("the OS random number generator failed: {e}"),
                    )
                })?;
            let device = Device {
                name: name.clone(),
                model: model.clone(),
                variables,
            };
            store.create_device(project, &device)?;
            let mut shown = device.variables.clone();
            mask_variables(&mut shown);
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
            let variables = vars::collect(&vars.vars, vars.vars_file.as_deref())?;
            ctx.store()?
                .set_device_variables(project, name, &variables, unset)?;
            ctx.out
                .document(&serde_json::json!({ "updated": name }), || {
                    format!("updated device {name}\n")
                });
        }
        DeviceCommand::Delete { project, name } => {
            ctx.store()?.delete_device(project, name)?;
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
    let mut store = ctx.store()?;
    let project_def = store.project(project)?;
    let device_def = store.device(project, device)?;
    let model = store.model(project, &device_def.model)?;
    let scopes = Scopes::new(&device_def.variables, &project_def.variables).for_device(device);
    let rendered = render_model(&model, scopes, reveal)
        .map_err(|e| ApiError::new(ErrorCode::InputInvalid, format!("device {device}: {e}")))?;
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
