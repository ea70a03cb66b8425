//! The GitHub Classroom autograding result, as read by the classroom grading
//! reporter (`classroom-resources/autograding-grading-reporter`).
//!
//! The reporter takes a comma-separated list of runner ids and reads, for each,
//! the environment variable `<ID>_RESULTS` (id upper-cased): a base64-encoded
//! JSON object
//!
//! ```json
//! { "version": 1, "status": "pass" | "fail" | "error", "max_score": 10,
//!   "tests": [ { "name": "...", "status": "pass" | "fail" | "error",
//!                "score": 2, "message": "...", "test_code": "...",
//!                "filename": "...", "line_no": null, "execution_time": "12ms" } ] }
//! ```
//!
//! It posts `sum(tests[].score)` out of `max_score` to Classroom, and fails the
//! job when `status` is `fail` or `error`. Its console table approximates each
//! runner's score as `passed tests / tests × max_score` (unweighted), so the
//! points Classroom records (and this grader's own report) are authoritative.
//!
//! This renderer writes the JSON; [`encode`] gives the base64 form, and
//! `--format classroom` also sets it as the step output `result` when
//! `GITHUB_OUTPUT` is set (see docs/ci/github-classroom.md).
//!
//! Mapping: one test per check, named `NN-topic: check`; passed → `pass`;
//! failed, timeout, crashed → `fail`; an exercise that does not compile is one
//! `build` test with status `error`. Skipped checks are left out: they are
//! worth nothing either way, and the reporter would count them as failures.

use base64::Engine;
use serde::Serialize;
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use super::{check_details, exercise_source};

/// The version of the reporter's result layout this renderer writes.
pub const RESULT_VERSION: u32 = 1;

#[derive(Debug, Serialize)]
struct Results {
    version: u32,
    status: &'static str,
    max_score: f64,
    tests: Vec<Test>,
}

#[derive(Debug, Serialize)]
struct Test {
    name: String,
    status: &'static str,
    score: f64,
    message: Option<String>,
    test_code: String,
    filename: String,
    line_no: Option<u32>,
    execution_time: String,
}

pub fn render(report: &GradeReport) -> String {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        for check in &exercise.checks {
            let status = match check.status {
                CheckStatus::Passed => "pass",
                CheckStatus::Skipped => continue,
                CheckStatus::CompileError => "error",
                CheckStatus::Failed | CheckStatus::Timeout | CheckStatus::Crashed => "fail",
            };
            let message = match check.status {
                CheckStatus::Passed => None,
                _ if exercise.status == ExerciseStatus::NotStarted => Some(format!(
                    "not started: read exercises/{}/README.md, then replace the todo!()s",
                    exercise.name
                )),
                _ => Some(check_details(exercise, check)),
            };
            tests.push(Test {
                name: format!("{}: {}", exercise.name, check.name),
                status,
                score: check.score,
                message,
                test_code: check.replay.clone().unwrap_or_else(|| {
                    format!(
                        "cargo run -p grader -- --only {} --seed {}",
                        exercise.name, check.seed
                    )
                }),
                filename: exercise_source(&exercise.name),
                line_no: None,
                execution_time: format!("{}ms", check.duration_ms),
            });
        }
    }
    let status = if tests.iter().all(|t| t.status == "pass") {
        "pass"
    } else {
        "fail"
    };
    let results = Results {
        version: RESULT_VERSION,
        status,
        max_score: report.max_score,
        tests,
    };
    let mut text = serde_json::to_string_pretty(&results).expect("results always serialize");
    text.push('\n');
    text
}

/// The rendered result as the reporter reads it: base64 of the compact JSON.
pub fn encode(report: &GradeReport) -> String {
    let value: serde_json::Value =
        serde_json::from_str(&render(report)).expect("the result is valid JSON");
    base64::engine::general_purpose::STANDARD.encode(value.to_string())
}
