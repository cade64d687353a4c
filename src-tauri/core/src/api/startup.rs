//! The first screen in one call. The window's first meaningful paint waited on four IPC
//! round trips in a row (the catalog, the project list, then the open project's models and
//! devices, then the list again); this hands all of it over at once.

use super::studio::Studio;
use super::{catalog, Catalog};
use crate::store::{DeviceSummary, ModelSummary, ProjectSummary};
use crate::ApiError;
use serde::Serialize;
use ts_rs::TS;

/// What the first screen shows.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Startup {
    pub catalog: Catalog,
    pub projects: Vec<ProjectSummary>,
    /// The project opened: the one asked for while it still exists, else the first; `None`
    /// when there are no projects.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    /// The opened project's models and devices (empty without one).
    pub models: Vec<ModelSummary>,
    pub devices: Vec<DeviceSummary>,
}

impl Studio {
    /// The first screen, opening `wanted` (the project the window showed last) if it exists.
    pub fn startup(&self, wanted: Option<&str>) -> Result<Startup, ApiError> {
        let projects = self.list_projects()?;
        let project = projects
            .iter()
            .find(|p| Some(p.name.as_str()) == wanted)
            .or(projects.first())
            .map(|p| p.name.clone());
        let (models, devices) = match &project {
            Some(name) => (self.list_models(name)?, self.list_devices(name, None)?),
            None => (Vec::new(), Vec::new()),
        };
        Ok(Startup {
            catalog: catalog(),
            projects,
            project,
            models,
            devices,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Project;

    fn project(name: &str) -> Project {
        Project {
            name: name.into(),
            description: String::new(),
            variables: Default::default(),
        }
    }

    #[test]
    fn the_remembered_project_opens_else_the_first_else_none() {
        let dir = tempfile::tempdir().unwrap();
        let mut studio = Studio::open_with_key_file(&dir.path().join("s.db")).unwrap();
        let empty = studio.startup(Some("gone")).unwrap();
        assert_eq!((empty.projects.len(), empty.project), (0, None));
        assert_eq!(empty.catalog.kinds.len(), 9, "the catalog comes along");

        studio.create_project(&project("alpha")).unwrap();
        super::super::create_sample_project(&mut studio, "beta").unwrap();
        let remembered = studio.startup(Some("beta")).unwrap();
        assert_eq!(remembered.project.as_deref(), Some("beta"));
        assert_eq!(remembered.models.len(), 4);
        assert_eq!(remembered.devices.len(), 174);
        assert_eq!(remembered.projects.len(), 2);

        let deleted = studio.startup(Some("deleted since")).unwrap();
        assert_eq!(deleted.project.as_deref(), Some("alpha"));
        assert!(deleted.models.is_empty() && deleted.devices.is_empty());
    }
}
