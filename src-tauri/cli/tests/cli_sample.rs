//! `loopcheck project create-sample NAME`: the sample project the app opens on a first
//! start, made by the same core code — what it holds, that it is ordinary data (exported
//! without secrets, deleted), and that two processes making samples at once on one database
//! both end well: different names both made, the same name made once and refused once
//! with nothing half-written.

mod common;

use common::{text, Sandbox};

fn project_counts(s: &Sandbox) -> Vec<(String, u64, u64)> {
    let list = s.json(&["project", "list"]);
    list.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["models"].as_u64().unwrap(),
                p["devices"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_sample_project_is_made_and_is_ordinary_data() {
    let s = Sandbox::new();
    let summary = s.json(&["project", "create-sample", "Acme Meters"]);
    assert_eq!(
        summary,
        serde_json::json!({ "project": "Acme Meters", "models": 4, "devices": 174, "runs": 3 })
    );
    assert_eq!(project_counts(&s), [("Acme Meters".to_string(), 4, 174)]);
    // Every device renders: nothing is left unresolved.
    s.ok(&[
        "render",
        "--project",
        "Acme Meters",
        "--device",
        "meter-0042",
    ]);
    s.ok(&[
        "render",
        "--project",
        "Acme Meters",
        "--device",
        "gw-hall-b",
    ]);

    // Exported without its secrets (the private keys and PSKs stay behind).
    let bundle = s.ok(&["project", "export", "Acme Meters"]);
    assert!(bundle.contains("Smart meter v2"));
    assert!(
        !bundle.contains("BEGIN PRIVATE KEY"),
        "a private key was exported"
    );

    s.ok(&["project", "delete", "Acme Meters"]);
    assert!(project_counts(&s).is_empty());
}

#[test]
fn a_taken_name_or_no_name_is_bad_input() {
    let s = Sandbox::new();
    s.ok(&["project", "create", "Acme Meters"]);
    for name in ["Acme Meters", ""] {
        let out = s.run(&["project", "create-sample", name]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{name:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(project_counts(&s), [("Acme Meters".to_string(), 0, 0)]);
}

#[test]
fn two_processes_making_samples_at_once_both_end_well() {
    let s = Sandbox::new();
    let spawn = |name: &str| {
        s.command()
            .args(["project", "create-sample", name])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let exits = |children: Vec<std::process::Child>| -> Vec<i32> {
        let mut codes: Vec<i32> = children
            .into_iter()
            .map(|c| {
                let out = c.wait_with_output().unwrap();
                out.status
                    .code()
                    .unwrap_or_else(|| panic!("{}", text(&out.stderr)))
            })
            .collect();
        codes.sort();
        codes
    };
    assert_eq!(exits(vec![spawn("North"), spawn("South")]), [0, 0]);
    assert_eq!(exits(vec![spawn("East"), spawn("East")]), [0, 2]);
    let mut counts = project_counts(&s);
    counts.sort();
    assert_eq!(
        counts,
        ["East", "North", "South"].map(|n| (n.to_string(), 4, 174))
    );
}
