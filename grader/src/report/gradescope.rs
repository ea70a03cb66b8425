//! Gradescope's `results.json`: the file a Gradescope autograder writes to
//! `/autograder/results/results.json` (see docs/ci/gradescope/).
//!
//! Layout (Gradescope "Autograder Specifications"): a top-level `score`,
//! `execution_time` in whole seconds, `output` shown above the tests, and
//! `tests[]`, each with `name`, `score`, `max_score`, `status`
//! (`passed`/`failed`), `output` and `visibility`. One test per check, in
//! course order; an exercise that does not compile is one `build` test
//! worth all its points. A skipped check has no `status` and is worth 0.

use serde::Serialize;
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use super::{check_details, number};

#[derive(Debug, Serialize)]
struct Results {
    score: f64,
    execution_time: u64,
    output: String,
    output_format: &'static str,
    visibility: &'static str,
    stdout_visibility: &'static str,
    tests: Vec<Test>,
    extra_data: Extra,
}

#[derive(Debug, Serialize)]
struct Extra {
    subject: String,
    seed: u64,
    max_score: f64,
    report_format_version: u32,
}

#[derive(Debug, Serialize)]
struct Test {
    name: String,
    number: String,
    score: f64,
    max_score: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
    output: String,
    output_format: &'static str,
    visibility: &'static str,
    tags: Vec<String>,
}

pub fn render(report: &GradeReport) -> String {
    let mut tests = Vec::new();
    for (e_index, exercise) in report.exercises.iter().enumerate() {
        for (c_index, check) in exercise.checks.iter().enumerate() {
            let status = match check.status {
                CheckStatus::Passed => Some("passed"),
                CheckStatus::Skipped => None,
                _ => Some("failed"),
            };
            let output = match check.status {
                CheckStatus::Passed => check.message.clone(),
                _ if exercise.status == ExerciseStatus::NotStarted => format!(
                    "Not started: read exercises/{}/README.md, then replace the todo!()s in \
                     src/lib.rs.\n{}",
                    exercise.name,
                    check_details(exercise, check)
                ),
                _ => check_details(exercise, check),
            };
            tests.push(Test {
                name: format!("{}: {}", exercise.name, check.name),
                number: format!("{}.{}", e_index + 1, c_index + 1),
                score: check.score,
                max_score: check.max_score,
                status,
                output,
                output_format: "text",
                visibility: "visible",
                tags: vec![exercise.name.clone(), check.kind.as_str().to_string()],
            });
        }
    }
    let percent = if report.max_score > 0.0 {
        100.0 * report.score / report.max_score
    } else {
        0.0
    };
    let results = Results {
        score: report.score,
        execution_time: report.duration_ms.div_ceil(1000),
        output: format!(
            "Threadlings: {}/{} points ({percent:.0}%), seed {}. Each failed test shows what \
             was expected, what happened, and the command that replays it on your machine.",
            number(report.score),
            number(report.max_score),
            report.seed
        ),
        output_format: "text",
        visibility: "visible",
        stdout_visibility: "hidden",
        tests,
        extra_data: Extra {
            subject: report.subject.clone(),
            seed: report.seed,
            max_score: report.max_score,
            report_format_version: report.format_version,
        },
    };
    let mut text = serde_json::to_string_pretty(&results).expect("results always serialize");
    text.push('\n');
    text
}
