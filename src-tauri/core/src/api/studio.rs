//! The open database as the app and the CLI hold it: a [`Studio`] is opened from where the
//! database lives (`--db`, `LOOPSTUDIO_DB`, the app's folder) and every stored thing is read
//! and changed through it, so neither adapter touches the store itself. Policy lives here: how
//! many runs a list shows, what an error says.

use crate::model::{Device, Model, Project, Variables};
use crate::report::survey::Survey;
use crate::report::Report;
use crate::store::paths::{self, DbLocation};
use crate::store::{
    DeviceSummary, KeyPolicy, ModelSummary, ProjectSummary, RunSummary, Store, SurveyRecord,
};
use crate::ApiError;
use std::path::Path;

/// How many runs a project's history lists, newest first.
pub const RUNS_LISTED: u32 = 200;

/// An open Loop Studio database.
pub struct Studio {
    pub(super) store: Store,
}

type Result<T> = std::result::Result<T, ApiError>;

impl Studio {
    /// Opens the database `db` names (else `LOOPSTUDIO_DB`, else the app's own), creating
    /// and migrating it as needed.
    pub fn open(db: Option<&Path>) -> Result<Studio> {
        let location = paths::locate_db(db)?;
        Studio::open_at(&location.path)
    }

    /// Opens the database at `path`.
    pub fn open_at(path: &Path) -> Result<Studio> {
        Ok(Studio {
            store: Store::open(path)?,
        })
    }

    /// Opens the database at `path`, its master key only ever in a key file (tests).
    pub fn open_with_key_file(path: &Path) -> Result<Studio> {
        Ok(Studio {
            store: Store::open_with(path, KeyPolicy::KeyFileOnly)?,
        })
    }

    /// Where the database is and why there.
    pub fn locate(db: Option<&Path>) -> Result<DbLocation> {
        Ok(paths::locate_db(db)?)
    }

    pub fn path(&self) -> &Path {
        self.store.path()
    }

    /// The version, this database and where its secrets are kept (the status bar, `info`).
    pub fn app_info(&self) -> Result<crate::app_info::AppInfo> {
        crate::app_info::AppInfo::for_store(&self.store)
    }

    pub fn list_projects(&self) -> Result<Vec<ProjectSummary>> {
        Ok(self.store.list_projects()?)
    }

    pub fn project(&mut self, name: &str) -> Result<Project> {
        Ok(self.store.project(name)?)
    }

    pub fn create_project(&mut self, project: &Project) -> Result<()> {
        Ok(self.store.create_project(project)?)
    }

    pub fn set_project_variables(
        &mut self,
        name: &str,
        set: &Variables,
        unset: &[String],
    ) -> Result<()> {
        Ok(self.store.set_project_variables(name, set, unset)?)
    }

    pub fn delete_project(&mut self, name: &str) -> Result<()> {
        Ok(self.store.delete_project(name)?)
    }

    pub fn list_models(&self, project: &str) -> Result<Vec<ModelSummary>> {
        Ok(self.store.list_models(project)?)
    }

    pub fn model(&mut self, project: &str, name: &str) -> Result<Model> {
        Ok(self.store.model(project, name)?)
    }

    pub fn create_model(&mut self, project: &str, model: &Model) -> Result<()> {
        Ok(self.store.create_model(project, model)?)
    }

    /// Replaces the model `name` (renamed to `model.name`), all or nothing.
    pub fn save_model(&mut self, project: &str, name: &str, model: &Model) -> Result<()> {
        Ok(self.store.save_model(project, name, model)?)
    }

    /// Deletes a model; one that devices use needs `force` (which deletes them too).
    pub fn delete_model(&mut self, project: &str, name: &str, force: bool) -> Result<()> {
        Ok(self.store.delete_model(project, name, force)?)
    }

    pub fn list_devices(&self, project: &str, search: Option<&str>) -> Result<Vec<DeviceSummary>> {
        Ok(self.store.list_devices(project, search)?)
    }

    pub fn device(&mut self, project: &str, name: &str) -> Result<Device> {
        Ok(self.store.device(project, name)?)
    }

    pub fn set_device_variables(
        &mut self,
        project: &str,
        name: &str,
        set: &Variables,
        unset: &[String],
    ) -> Result<()> {
        Ok(self.store.set_device_variables(project, name, set, unset)?)
    }

    pub fn create_device(&mut self, project: &str, device: &Device) -> Result<()> {
        Ok(self.store.create_device(project, device)?)
    }

    /// Creates a project with its models and devices, all or nothing.
    pub fn import_project(
        &mut self,
        project: &Project,
        models: &[Model],
        devices: &[Device],
    ) -> Result<()> {
        Ok(self.store.import_project(project, models, devices)?)
    }

    pub fn delete_device(&mut self, project: &str, name: &str) -> Result<()> {
        Ok(self.store.delete_device(project, name)?)
    }

    /// Keeps a device's report in its history; returns the run's id.
    pub fn save_run(&mut self, project: &str, device: &str, report: &Report) -> Result<i64> {
        Ok(self.store.save_run(project, device, report)?)
    }

    /// The project's latest runs ([`RUNS_LISTED`] at most), newest first.
    pub fn list_runs(&self, project: &str) -> Result<Vec<RunSummary>> {
        Ok(self.store.list_runs(project, RUNS_LISTED)?)
    }

    pub fn run_report(&self, id: i64) -> Result<Report> {
        Ok(self.store.run_report(id)?)
    }

    /// Keeps a finished survey in its project's history; returns its id.
    pub fn save_survey(&mut self, survey: &Survey) -> Result<i64> {
        Ok(self.store.save_survey(survey)?)
    }

    /// The project's latest surveys ([`RUNS_LISTED`] at most), newest first.
    pub fn list_surveys(&self, project: &str) -> Result<Vec<SurveyRecord>> {
        Ok(self.store.list_surveys(project, RUNS_LISTED)?)
    }

    pub fn survey(&self, id: i64) -> Result<Survey> {
        Ok(self.store.survey(id)?)
    }
}
