//! `loopcheck model …`

use super::{write_export, Context};
use crate::{ModelCommand, Outcome};
use loopstudio_core::{api, ApiError};

pub fn run(ctx: &Context<'_>, command: &ModelCommand) -> Result<Outcome, ApiError> {
    match command {
        ModelCommand::List { project } => {
            let models = ctx.studio()?.list_models(project)?;
            ctx.out.document(&models, || {
                if models.is_empty() {
                    return format!("no models in {project} yet: loopcheck model import FILE --project {project}\n");
                }
                models
                    .iter()
                    .map(|m| {
                        let kinds: Vec<&str> = m.kinds.iter().map(|k| k.name()).collect();
                        format!("{}\t{}\t{} devices\n", m.name, kinds.join(","), m.devices)
                    })
                    .collect()
            });
        }
        ModelCommand::Show { project, name } => {
            print!(
                "{}",
                api::model_text(&mut ctx.studio()?, project, name, false)?
            );
        }
        ModelCommand::Create {
            project,
            name,
            kinds,
            description,
        } => {
            api::create_model_of_kinds(&mut ctx.studio()?, project, name, description, kinds)?;
            ctx.out.document(
                &serde_json::json!({ "created": name, "templates": kinds }),
                || format!("created model {name} with {} templates\n", kinds.len()),
            );
        }
        ModelCommand::Import {
            file,
            project,
            name,
        } => {
            let model = api::import_model_file(&mut ctx.studio()?, project, file, name.as_deref())?;
            let kinds: Vec<&str> = model.templates.iter().map(|t| t.kind.name()).collect();
            ctx.out.document(
                &serde_json::json!({ "imported": model.name, "templates": kinds, "dataBlocks": model.data_blocks.len() }),
                || format!("imported model {} ({})\n", model.name, kinds.join(", ")),
            );
        }
        ModelCommand::Export {
            project,
            name,
            output,
            include_secrets,
        } => {
            let text = api::model_text(&mut ctx.studio()?, project, name, *include_secrets)?;
            return write_export(ctx, output.as_deref(), &text);
        }
        ModelCommand::Delete {
            project,
            name,
            force,
        } => {
            ctx.studio()?.delete_model(project, name, *force)?;
            ctx.out
                .document(&serde_json::json!({ "deleted": name }), || {
                    format!("deleted model {name}\n")
                });
        }
    }
    Ok(Outcome::Success)
}
