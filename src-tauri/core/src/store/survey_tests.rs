//! Survey history on real SQLite files, and the migration that added it.

use super::tests::fresh;
use super::*;
use crate::model::Project;
use crate::report::survey::{Survey, SurveySummary};

fn survey(project: &str, started_at: &str, blocked: u32) -> Survey {
    Survey {
        tool: "loopcheck".into(),
        version: "0.1.0".into(),
        started_at: started_at.into(),
        project: project.into(),
        proxy: None,
        devices: vec!["meter-1".into(), "meter-2".into()],
        endpoints: vec![],
        rules: vec![],
        reports: vec![],
        summary: SurveySummary {
            endpoints: 3,
            reachable: 3 - blocked,
            blocked,
            failed: 0,
        },
    }
}

fn with_project(store: &mut Store, name: &str) {
    store
        .create_project(&Project {
            name: name.into(),
            ..Project::default()
        })
        .unwrap();
}

#[test]
fn surveys_are_kept_whole_and_listed_newest_first_per_project() {
    let (_dir, mut store) = fresh();
    with_project(&mut store, "site");
    with_project(&mut store, "other");
    let before = survey("site", "2026-12-05T09:00:00.000Z", 1);
    let after = survey("site", "2026-12-05T10:00:00.000Z", 0);
    let a = store.save_survey(&before).unwrap();
    let b = store.save_survey(&after).unwrap();
    store
        .save_survey(&survey("other", "2026-12-05T11:00:00.000Z", 2))
        .unwrap();

    let listed = store.list_surveys("site", 10).unwrap();
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), [b, a]);
    assert_eq!(listed[1].devices, 2);
    assert_eq!(listed[1].summary, before.summary);
    assert_eq!(store.survey(a).unwrap(), before);
    assert_eq!(store.list_surveys("site", 1).unwrap().len(), 1);
    assert!(matches!(store.survey(999), Err(Error::NotFound { .. })));
}

#[test]
fn a_survey_of_an_unknown_project_is_refused_and_nothing_is_written() {
    let (_dir, mut store) = fresh();
    with_project(&mut store, "site");
    let err = store
        .save_survey(&survey("nowhere", "2026-12-05T09:00:00.000Z", 0))
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::NotFound {
                what: "project",
                ..
            }
        ),
        "{err}"
    );
    assert!(store.list_surveys("site", 10).unwrap().is_empty());
}

#[test]
fn deleting_a_project_deletes_its_surveys() {
    let (_dir, mut store) = fresh();
    with_project(&mut store, "site");
    store
        .save_survey(&survey("site", "2026-12-05T09:00:00.000Z", 0))
        .unwrap();
    store.delete_project("site").unwrap();
    let left: i64 = store
        .conn
        .query_row("SELECT count(*) FROM surveys", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
}

#[test]
fn a_version_1_database_with_history_gains_surveys_and_keeps_its_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0].1).unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(
            "INSERT INTO projects (name) VALUES ('site');
             INSERT INTO runs (project_id, device_name, started_at, report)
                 VALUES (1, 'meter-1', '2026-01-01T00:00:00Z', '{}');",
        )
        .unwrap();
    }
    let mut store = Store::open_with(&path, KeyPolicy::KeyFileOnly).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_schema_version());
    let runs: i64 = store
        .conn
        .query_row("SELECT count(*) FROM runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1);
    let id = store
        .save_survey(&survey("site", "2026-12-05T09:00:00.000Z", 0))
        .unwrap();
    assert_eq!(store.list_surveys("site", 10).unwrap()[0].id, id);
}
