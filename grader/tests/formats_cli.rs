//! End to end: `grader --format X` on a small fixture course (one exercise,
//! half solved, fixed seed), snapshotted with times and paths redacted, and
//! the GitHub Actions side effects (job summary, annotations, step output).

use crate::fixture_course;

use std::path::Path;

use base64::Engine;
use predicates::prelude::*;
use serde_json::Value;

const SEED: &str = "7";

/// Grades the half-solved fixture in `format`, through `--output`.
fn graded(fixture: &fixture_course::Fixture, format: &str) -> String {
    let out = fixture.root().join(format!("report.{format}"));
    fixture
        .grader()
        .args(["--quiet", "--seed", SEED, "--format", format, "--output"])
        .arg(&out)
        .assert()
        .success();
    std::fs::read_to_string(out).unwrap()
}

fn redacted(name: &str, text: &str, fixture_root: &Path) {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(
        &regex_escape(&fixture_root.display().to_string()),
        "[fixture]",
    );
    settings.add_filter(r#""duration_ms": \d+"#, r#""duration_ms": "[ms]""#);
    settings.add_filter(r#""execution_time": \d+"#, r#""execution_time": "[s]""#);
    settings.add_filter(
        r#""execution_time": "\d+ms""#,
        r#""execution_time": "[ms]""#,
    );
    settings.add_filter(r#"time="[0-9.]+""#, r#"time="[s]""#);
    settings.add_filter(r"\d+ ms<", "[ms] ms<");
    settings.add_filter(r"graded in [0-9.]+ s", "graded in [s] s");
    settings.bind(|| insta::assert_snapshot!(name, text));
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if "\\.+*?()|[]{}^$".contains(c) {
                vec!['\\', c]
            } else {
                vec![c]
            }
        })
        .collect()
}

#[test]
fn every_format_end_to_end() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.solve_partly();

    let json: Value = serde_json::from_str(&graded(&fixture, "json")).unwrap();
    assert_eq!(json["score"], 2.0);
    assert_eq!(json["max_score"], 4.0);
    assert_eq!(json["seed"], 7);

    let gradescope = graded(&fixture, "gradescope");
    let results: Value = serde_json::from_str(&gradescope).unwrap();
    assert_eq!(results["score"], 2.0);
    assert_eq!(results["tests"].as_array().unwrap().len(), 3);
    redacted("cli_gradescope", &gradescope, fixture.root());

    let classroom = graded(&fixture, "classroom");
    let results: Value = serde_json::from_str(&classroom).unwrap();
    assert_eq!(results["status"], "fail");
    assert_eq!(results["max_score"], 4.0);
    redacted("cli_classroom", &classroom, fixture.root());

    let junit = graded(&fixture, "junit");
    let parsed = quick_junit::Report::deserialize_from_str(&junit).expect("valid JUnit");
    assert_eq!((parsed.tests, parsed.failures, parsed.errors), (3, 2, 0));
    redacted("cli_junit", &junit, fixture.root());

    let html = graded(&fixture, "html");
    assert!(html.contains("total(&amp;[1, 2, 3]) must be 6"));
    redacted("cli_html", &html, fixture.root());

    let prairielearn = graded(&fixture, "prairielearn");
    let results: Value = serde_json::from_str(&prairielearn).unwrap();
    assert_eq!(results["score"], 0.5);
    assert_eq!(results["gradable"], true);
    redacted("cli_prairielearn", &prairielearn, fixture.root());
}

/// course.toml `[gradescope] private_visibility` sets when the private
/// check's result is shown (the default is `after_due_date`, in the
/// snapshot above); the public ones stay visible; a value Gradescope does
/// not know is refused when the course is loaded.
#[test]
fn gradescope_private_visibility_comes_from_course_toml() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.solve_partly();
    let visibilities = |fixture: &fixture_course::Fixture| -> Vec<(String, String)> {
        let results: Value = serde_json::from_str(&graded(fixture, "gradescope")).unwrap();
        results["tests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["visibility"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let course_toml = fixture.read("course.toml");
    fixture.write(
        "course.toml",
        &format!("{course_toml}\n[gradescope]\nprivate_visibility = \"after_published\"\n"),
    );
    assert_eq!(
        visibilities(&fixture),
        [
            ("01-echo: doubles", "visible"),
            ("01-echo: totals", "visible"),
            ("01-echo: secret_large_totals", "after_published"),
        ]
        .map(|(n, v)| (n.to_string(), v.to_string()))
    );
    fixture.write(
        "course.toml",
        &format!("{course_toml}\n[gradescope]\nprivate_visibility = \"later\"\n"),
    );
    fixture
        .grader()
        .args(["--quiet", "--format", "gradescope"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown variant `later`"));
}

#[test]
fn github_actions_gets_a_summary_annotations_and_the_classroom_output() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.solve_partly();
    let summary = fixture.root().join("step-summary.md");
    let outputs = fixture.root().join("github-output");
    std::fs::write(&summary, "# earlier step\n").unwrap();

    // Human report on stdout: annotations follow it.
    fixture
        .grader()
        .args(["--quiet", "--seed", SEED])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "::error file=exercises/01-echo/src/lib.rs,title=01-echo%3A%3Atotals failed::total(&[1, 2, 3]) must be 6%0A",
        ))
        .stdout(predicate::str::contains("Score: 2/4"));
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with("# earlier step\n## Threadlings: 2/4 points (50%)"),
        "{text}"
    );
    assert!(text.contains("| 01-echo::totals | failed | total(&amp;[1, 2, 3]) must be 6 |"));

    // A machine report on stdout stays parseable: no annotations mixed in.
    let assert = fixture
        .grader()
        .args(["--quiet", "--seed", SEED, "--format", "classroom"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &outputs)
        .assert()
        .success();
    let stdout = String::from_utf8(assert.get_output().stdout.clone()).unwrap();
    let printed: Value = serde_json::from_str(&stdout).expect("stdout is only the JSON");
    let line = std::fs::read_to_string(&outputs).unwrap();
    let encoded = line
        .trim_end()
        .strip_prefix("result=")
        .expect("sets the step output `result`");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert_eq!(serde_json::from_slice::<Value>(&decoded).unwrap(), printed);
}

#[test]
fn outside_github_actions_nothing_extra_is_printed_or_written() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture
        .grader()
        .args(["--quiet", "--seed", SEED])
        .assert()
        .success()
        .stdout(predicate::str::contains("::error").not());
}
