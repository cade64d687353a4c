//! What the `loopcheck survey` tests share: running a survey of a project (checking that no
//! secret is printed) and reading its endpoints back.

use super::{text, Sandbox};
use serde_json::Value;

/// `loopcheck --json survey --project PROJECT --timeout-ms 1500 ARGS`: the exit and the
/// survey; none of `secrets` may appear in what it printed.
pub fn run_survey(s: &Sandbox, project: &str, args: &[&str], secrets: &[&str]) -> (i32, Value) {
    let mut all = vec![
        "--json",
        "survey",
        "--project",
        project,
        "--timeout-ms",
        "1500",
    ];
    all.extend_from_slice(args);
    let out = s.run(&all);
    for stream in [&out.stdout, &out.stderr] {
        let stream = text(stream);
        for secret in secrets {
            assert!(!stream.contains(secret), "a secret leaked: {stream}");
        }
    }
    let survey: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("no survey: {}", text(&out.stderr)));
    (out.status.code().unwrap(), survey)
}

/// (`host:port/transport`, state, code) of each endpoint, in the survey's order.
pub fn survey_endpoints(survey: &Value) -> Vec<(String, String, String)> {
    survey["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                format!(
                    "{}:{}/{}",
                    e["host"].as_str().unwrap(),
                    e["port"],
                    e["transport"].as_str().unwrap()
                ),
                e["state"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
