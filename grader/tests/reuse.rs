//! The everyday loop reuses the verdict of an unchanged full-marks exercise
//! (`threadlings_grader::reuse`), says so, and never does where a grade
//! counts or a program reads it: CI, `--subject`, machine formats, `--seed`,
//! `--fresh`.

use crate::fixture_course;

/// The words the human report puts after a reused verdict
/// (`i18n::reused_marker`) and under the score (`i18n::reused_summary`).
const MARKER: &str = "unchanged: verdict of";
const SUMMARY: &str = "kept the verdict of their last full-marks grading";

/// The default command as a student runs it: human report, no seed, no CI.
fn student_run(fixture: &fixture_course::Fixture, extra: &[&str]) -> String {
    let output = fixture
        .grader()
        .env_remove("CI")
        .args(["--quiet", "--lang", "en"])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn reused(report: &str) -> bool {
    let marked = report.contains(MARKER);
    assert_eq!(marked, report.contains(SUMMARY), "{report}");
    marked
}

#[test]
fn an_unchanged_full_marks_exercise_keeps_its_verdict_until_something_changes() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.solve();
    let first = student_run(&fixture, &[]);
    assert!(first.contains("4/4"), "{first}");
    assert!(!reused(&first), "nothing was recorded yet: {first}");

    let second = student_run(&fixture, &[]);
    assert!(reused(&second), "{second}");
    assert!(second.contains("4/4"), "{second}");
    assert!(second.contains("Everything passes"), "{second}");

    // Asked for a grade that counts, or for one seed, or for a fresh run, or
    // in CI: every check runs.
    assert!(!reused(&student_run(&fixture, &["--fresh"])));
    assert!(!reused(&student_run(&fixture, &["--seed", "5"])));
    let in_ci = fixture
        .grader()
        .env("CI", "true")
        .args(["--quiet", "--lang", "en"])
        .output()
        .unwrap();
    assert!(!reused(&String::from_utf8(in_ci.stdout).unwrap()));
    let json = fixture
        .grader()
        .env_remove("CI")
        .args(["--quiet", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(json["exercises"][0].get("reused").is_none(), "{json:#}");
    let subject = fixture.root().join("exercises");
    let subject = subject.to_str().unwrap();
    assert!(!reused(&student_run(&fixture, &["--subject", subject])));
    assert!(reused(&student_run(&fixture, &[])), "still recorded");

    // An edit of the sources, even a comment, is graded now; then recorded.
    let lib = "exercises/01-echo/src/lib.rs";
    fixture.write(lib, &format!("{}\n// edited\n", fixture.read(lib)));
    assert!(!reused(&student_run(&fixture, &[])));
    assert!(reused(&student_run(&fixture, &[])));

    // So is a change of the checks: their program is built again.
    let checks = "grader/checks/01-echo/src/main.rs";
    fixture.write(checks, &format!("{}\n// edited\n", fixture.read(checks)));
    assert!(!reused(&student_run(&fixture, &[])));
}

#[test]
fn a_verdict_short_of_full_marks_is_graded_again_every_time() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.solve_partly();
    for _ in 0..2 {
        let report = student_run(&fixture, &[]);
        assert!(report.contains("2/4"), "{report}");
        assert!(!reused(&report), "{report}");
    }
}
