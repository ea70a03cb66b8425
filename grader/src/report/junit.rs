//! JUnit XML (via `quick-junit`): one `<testsuite>` per exercise, one
//! `<testcase>` per check (`classname` = exercise, `name` = check).
//!
//! Passed → success; failed and timeout → `<failure type="failed|timeout">`;
//! crashed and compile errors → `<error type="crashed|compile_error">`;
//! skipped → `<skipped>`. The message attribute is the first line of the
//! check's message; the element's text holds the whole message, the seed, the
//! replay command and the end of the captured output (or compiler errors).
//! Each testcase carries properties `kind`, `seed`, `points` (its maximum),
//! `score` and, when it failed, `replay`.

use std::time::Duration;

use quick_junit::{NonSuccessKind, Property, Report, TestCase, TestCaseStatus, TestSuite};
use threadlings_schema::report::{CheckStatus, GradeReport};

use super::{check_details, number};

pub fn render(report: &GradeReport) -> String {
    let mut junit = Report::new("threadlings");
    junit.set_time(Duration::from_millis(report.duration_ms));
    for exercise in &report.exercises {
        let mut suite = TestSuite::new(exercise.name.as_str());
        suite.add_properties([
            Property::new("title", exercise.title.as_str()),
            Property::new("status", exercise.status.as_str()),
            Property::new("score", number(exercise.score)),
            Property::new("points", number(exercise.max_score)),
        ]);
        let mut suite_time = 0;
        for check in &exercise.checks {
            let mut status = match check.status {
                CheckStatus::Passed => TestCaseStatus::success(),
                CheckStatus::Skipped => TestCaseStatus::skipped(),
                CheckStatus::Failed | CheckStatus::Timeout => {
                    TestCaseStatus::non_success(NonSuccessKind::Failure)
                }
                CheckStatus::Crashed | CheckStatus::CompileError => {
                    TestCaseStatus::non_success(NonSuccessKind::Error)
                }
            };
            if check.status != CheckStatus::Passed {
                let first_line = check.message.lines().next().unwrap_or_default();
                status.set_message(first_line);
                status.set_type(check.status.as_str());
                let details = check_details(exercise, check);
                if !details.is_empty() {
                    status.set_description(details);
                }
            }
            let mut case = TestCase::new(check.name.as_str(), status);
            case.set_classname(exercise.name.as_str());
            case.set_time(Duration::from_millis(check.duration_ms));
            case.add_property(Property::new("kind", check.kind.as_str()));
            case.add_property(Property::new("seed", check.seed.to_string()));
            case.add_property(Property::new("points", number(check.max_score)));
            case.add_property(Property::new("score", number(check.score)));
            if check.status != CheckStatus::Passed
                && let Some(replay) = &check.replay
            {
                case.add_property(Property::new("replay", replay.as_str()));
            }
            suite_time += check.duration_ms;
            suite.add_test_case(case);
        }
        suite.set_time(Duration::from_millis(suite_time));
        junit.add_test_suite(suite);
    }
    let mut text = junit.to_string().expect("a JUnit report always serializes");
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
