//! PrairieLearn's external-grader `results.json`: the file the question's
//! entrypoint writes to `/grade/results/results.json` (docs/ci/prairielearn.md).
//!
//! Layout (PrairieLearn "External Grading", "Grading results"): `score` in
//! [0, 1] is what PrairieLearn records; `gradable` (true here); `message` and
//! `output` shown above the tests; `tests[]`, rendered by
//! `<pl-external-grader-results>`, each with `name`, `description`, `points`,
//! `max_points`, `message` and `output`. One test per check, in course order;
//! an exercise that does not compile is one `build` test worth all its
//! points, whose output is the compiler's errors. A compile error is the
//! student's to fix and costs the attempt, so it is graded (0 points), not
//! `gradable: false`: that is kept for the grader failing to grade at all,
//! which the entrypoint (docs/ci/prairielearn/run.sh) writes when the grader
//! exits without a result (PrairieLearn then charges no attempt).

use serde::Serialize;
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use super::{check_details, number};

#[derive(Debug, Serialize)]
struct Results {
    gradable: bool,
    score: f64,
    message: String,
    output: String,
    tests: Vec<Test>,
}

#[derive(Debug, Serialize)]
struct Test {
    name: String,
    description: String,
    points: f64,
    max_points: f64,
    message: String,
    output: String,
}

pub fn render(report: &GradeReport) -> String {
    let mut tests = Vec::new();
    for exercise in &report.exercises {
        for check in &exercise.checks {
            let message = match check.status {
                CheckStatus::Passed => "passed".to_string(),
                _ if exercise.status == ExerciseStatus::NotStarted => format!(
                    "not started: read exercises/{}/README.md, then replace the todo!()s",
                    exercise.name
                ),
                status => {
                    let first = check.message.lines().next().unwrap_or_default();
                    if first.is_empty() {
                        status.as_str().to_string()
                    } else if first.starts_with(status.as_str()) {
                        first.to_string()
                    } else {
                        format!("{}: {first}", status.as_str())
                    }
                }
            };
            tests.push(Test {
                name: format!("{}: {}", exercise.name, check.name),
                description: format!("{} ({} check)", exercise.title, check.kind.as_str()),
                points: check.score,
                max_points: check.max_score,
                message,
                output: check_details(exercise, check),
            });
        }
    }
    let fraction = if report.max_score > 0.0 {
        (report.score / report.max_score).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let output: Vec<String> = report
        .exercises
        .iter()
        .map(|e| {
            format!(
                "{}: {}/{} {}",
                e.name,
                number(e.score),
                number(e.max_score),
                e.status.as_str()
            )
        })
        .collect();
    let results = Results {
        gradable: true,
        score: fraction,
        message: format!(
            "Threadlings: {}/{} points ({:.0}%), seed {}. Each failed test shows what was \
             expected, what happened, and the command that replays it on your machine.",
            number(report.score),
            number(report.max_score),
            100.0 * fraction,
            report.seed
        ),
        output: output.join("\n"),
        tests,
    };
    let mut text = serde_json::to_string_pretty(&results).expect("results always serialize");
    text.push('\n');
    text
}
