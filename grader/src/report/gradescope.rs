//! Gradescope's `results.json`: the file a Gradescope autograder writes to
//! `/autograder/results/results.json` (see docs/ci/gradescope/).
//!
//! Layout (Gradescope "Autograder Specifications"): a top-level `score`,
//! `execution_time` in whole seconds, `output` shown above the tests, and
//! `tests[]`, each with `name`, `score`, `max_score`, `status`
//! (`passed`/`failed`), `output` and `visibility`. One test per check, in
//! course order; an exercise that does not compile is one `build` test
//! worth all its points. A skipped check has no `status` and is worth 0.
//!
//! Private checks (`private = true`) get the `visibility` of course.toml
//! `[gradescope] private_visibility` (default `after_due_date`), every other
//! test `visible`. While any result is held back, the summary above the tests
//! counts only the points shown, so it does not give the private results
//! away; the top-level `score` is always the whole total.

use std::collections::BTreeSet;

use serde::Serialize;
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use super::{check_details, number};
use crate::course::{Course, GradescopeVisibility};

/// Which tests' results Gradescope holds back from students, and until when.
#[derive(Debug, Clone, Default)]
pub struct Visibility {
    /// `(exercise, check)` of every private check.
    private: BTreeSet<(String, String)>,
    private_visibility: GradescopeVisibility,
}

impl Visibility {
    /// Every test visible: what a report without a course shows.
    pub fn all_visible() -> Visibility {
        Visibility {
            private: BTreeSet::new(),
            private_visibility: GradescopeVisibility::Visible,
        }
    }

    /// The course's private checks, with its `private_visibility`.
    pub fn for_course(course: &Course) -> Visibility {
        Visibility::new(
            course.exercises.iter().flat_map(|e| {
                e.checks
                    .iter()
                    .filter(|c| c.private)
                    .map(|c| (e.name.clone(), c.name.clone()))
            }),
            course.private_visibility,
        )
    }

    pub fn new(
        private: impl IntoIterator<Item = (String, String)>,
        private_visibility: GradescopeVisibility,
    ) -> Visibility {
        Visibility {
            private: private.into_iter().collect(),
            private_visibility,
        }
    }

    fn of(&self, exercise: &str, check: &str) -> GradescopeVisibility {
        if self
            .private
            .contains(&(exercise.to_string(), check.to_string()))
        {
            self.private_visibility
        } else {
            GradescopeVisibility::Visible
        }
    }
}

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

/// Renders with every test visible (no course at hand).
pub fn render(report: &GradeReport) -> String {
    render_with(report, &Visibility::all_visible())
}

/// Renders with the visibility of each test from `visibility`.
pub fn render_with(report: &GradeReport, visibility: &Visibility) -> String {
    let mut tests = Vec::new();
    let (mut held_back, mut held_back_points) = (0, 0.0);
    let mut held_until = GradescopeVisibility::Visible;
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
            let shown = visibility.of(&exercise.name, &check.name);
            if shown != GradescopeVisibility::Visible {
                held_back += 1;
                held_back_points += check.max_score;
                held_until = shown;
            }
            tests.push(Test {
                name: format!("{}: {}", exercise.name, check.name),
                number: format!("{}.{}", e_index + 1, c_index + 1),
                score: check.score,
                max_score: check.max_score,
                status,
                output,
                output_format: "text",
                visibility: shown.as_str(),
                tags: vec![exercise.name.clone(), check.kind.as_str().to_string()],
            });
        }
    }
    let output = if held_back == 0 {
        let percent = if report.max_score > 0.0 {
            100.0 * report.score / report.max_score
        } else {
            0.0
        };
        format!(
            "Threadlings: {}/{} points ({percent:.0}%), seed {}. Each failed test shows what \
             was expected, what happened, and the command that replays it on your machine.",
            number(report.score),
            number(report.max_score),
            report.seed
        )
    } else {
        // Only what students see now: the total would reveal the private results.
        let shown: f64 = tests
            .iter()
            .filter(|t| t.visibility == "visible")
            .map(|t| t.score)
            .sum();
        let when = match held_until {
            GradescopeVisibility::AfterDueDate => "after the due date",
            GradescopeVisibility::AfterPublished => "when grades are published",
            _ => "to the course staff only",
        };
        format!(
            "Threadlings: {}/{} points in the tests shown here, seed {}. The results of {held_back} \
             more check(s), worth {} point(s), are shown {when}. Each failed test shows what was \
             expected, what happened, and the command that replays it on your machine.",
            number(shown),
            number(report.max_score - held_back_points),
            report.seed,
            number(held_back_points)
        )
    };
    let results = Results {
        score: report.score,
        execution_time: report.duration_ms.div_ceil(1000),
        output,
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
