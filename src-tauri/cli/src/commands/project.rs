//! `loopcheck project …`

use super::{write_export, Context};
use crate::output::variables_text;
use crate::{Outcome, ProjectCommand};
use loopstudio_core::model::Project;
use loopstudio_core::{api, ApiError};

pub fn run(ctx: &Context<'_>, command: &ProjectCommand) -> Result<Outcome, ApiError> {
    match command {
        ProjectCommand::List => {
            let projects = ctx.studio()?.list_projects()?;
            ctx.out.document(&projects, || {
                if projects.is_empty() {
                    return "no projects yet: loopcheck project create NAME\n".into();
                }
                projects
                    .iter()
                    .map(|p| format!("{}\t{} models\t{} devices\n", p.name, p.models, p.devices))
                    .collect()
            });
        }
        ProjectCommand::Show { name, reveal } => {
            let mut project = ctx.studio()?.project(name)?;
            if !reveal {
                project.variables = api::masked(&project.variables);
            }
            ctx.out.document(&project, || {
                format!(
                    "{}\n{}\n{}",
                    project.name,
                    project.description,
                    variables_text(&project.variables)
                )
            });
        }
        ProjectCommand::Create {
            name,
            description,
            vars,
        } => {
            let variables = api::collect_variables(&vars.vars, vars.vars_file.as_deref())?;
            let project = Project {
                name: name.clone(),
                description: description.clone(),
                variables,
            };
            ctx.studio()?.create_project(&project)?;
            ctx.out
                .document(&serde_json::json!({ "created": name }), || {
                    format!("created project {name}\n")
                });
        }
        ProjectCommand::Set { name, vars, unset } => {
            let variables = api::collect_variables(&vars.vars, vars.vars_file.as_deref())?;
            ctx.studio()?
                .set_project_variables(name, &variables, unset)?;
            ctx.out
                .document(&serde_json::json!({ "updated": name }), || {
                    format!("updated project {name}\n")
                });
        }
        ProjectCommand::Delete { name } => {
            ctx.studio()?.delete_project(name)?;
            ctx.out
                .document(&serde_json::json!({ "deleted": name }), || {
                    format!("deleted project {name}\n")
                });
        }
        ProjectCommand::Export {
            name,
            output,
            include_secrets,
        } => {
            let text = api::export_project_text(&mut ctx.studio()?, name, *include_secrets)?;
            return write_export(ctx, output.as_deref(), &text);
        }
        ProjectCommand::CreateSample { name } => {
            let summary = api::create_sample_project(&mut ctx.studio()?, name)?;
            ctx.out.document(&summary, || {
                format!(
                    "created project {name}: {} models, {} devices, {} sample runs\n",
                    summary.models, summary.devices, summary.runs
                )
            });
        }
        ProjectCommand::Import { file, name } => {
            let summary = api::import_project_file(&mut ctx.studio()?, file, name.as_deref())?;
            ctx.out.document(&summary, || {
                format!(
                    "imported project {} with {} models and {} devices\n",
                    summary.imported, summary.models, summary.devices
                )
            });
        }
    }
    Ok(Outcome::Success)
}
