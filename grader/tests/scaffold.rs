//! `grader new NN-topic`: the scaffold compiles and grades as a complete
//! exercise around one placeholder task, and `verify` refuses it while its
//! placeholders are left, naming each one.

use crate::fixture_course;

use predicates::prelude::*;
use serde_json::Value;
use threadlings_grader::scaffold;

const FILES: &[&str] = &[
    "exercises/02-demo/Cargo.toml",
    "exercises/02-demo/README.md",
    "exercises/02-demo/src/lib.rs",
    "exercises/02-demo/tests/public.rs",
    "solutions/02-demo/src/lib.rs",
    "solutions/02-demo/wrong/placeholder-wrong/wrong.toml",
    "solutions/02-demo/wrong/placeholder-wrong/src/lib.rs",
    "grader/checks/02-demo/Cargo.toml",
    "grader/checks/02-demo/checks.toml",
    "grader/checks/02-demo/src/main.rs",
    "grader/checks/02-demo/src/private.rs",
];

fn report(fixture: &fixture_course::Fixture, args: &[&str]) -> Value {
    let out = fixture.root().join("scaffold-report.json");
    fixture
        .grader()
        .args(["--quiet", "--seed", "5", "--format", "json", "--output"])
        .arg(&out)
        .args(args)
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn a_new_exercise_compiles_grades_and_verify_lists_what_is_missing() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    let mut created = fixture.grader();
    created.args(["new", "02-demo"]).assert().success().stdout(
        predicate::str::contains("exercises/02-demo/src/lib.rs")
            .and(predicate::str::contains("verify --only 02-demo")),
    );
    for file in FILES {
        assert!(fixture.root().join(file).is_file(), "{file} was created");
    }

    // It compiles: the stub is "not started", the solution gets full marks,
    // the wrong answer is caught.
    let stub = report(&fixture, &["--only", "02-demo"]);
    assert_eq!(stub["exercises"][0]["status"], "not_started", "{stub:#}");
    let solution = report(&fixture, &["--solutions", "--only", "02-demo"]);
    assert_eq!(solution["score"], 1.0, "{solution:#}");
    assert_eq!(solution["max_score"], 1.0);
    let wrong = report(&fixture, &["--wrong", "02-demo/placeholder-wrong"]);
    assert_eq!(wrong["score"], 0.0, "{wrong:#}");

    // So verify must say what is still a placeholder, file by file.
    fixture
        .grader()
        .args([
            "verify", "--only", "02-demo", "--runs", "1", "--seed", "5", "--quiet",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("✗ scaffold 02-demo")
                .and(predicate::str::contains("02-demo is still a scaffold"))
                .and(predicate::str::contains(
                    "exercises/02-demo/README.md:3 (concept first",
                ))
                .and(predicate::str::contains(
                    "grader/checks/02-demo/checks.toml",
                ))
                .and(predicate::str::contains(
                    "solutions/02-demo/wrong/placeholder-wrong/wrong.toml:1",
                )),
        );

    // Once every placeholder line is gone, none is reported.
    let course = threadlings_grader::course::load(fixture.root()).unwrap();
    let exercise = course.exercise("02-demo").unwrap();
    let left = scaffold::placeholders(&course, exercise);
    assert_eq!(left.len(), 11, "{left:#?}");
    for placeholder in &left {
        let path = fixture.root().join(&placeholder.path);
        let text = std::fs::read_to_string(&path).unwrap();
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| !l.contains(scaffold::MARKER))
            .collect();
        std::fs::write(&path, kept.join("\n") + "\n").unwrap();
    }
    assert!(scaffold::placeholders(&course, exercise).is_empty());
    // ... and the exercise of the course without placeholders has none.
    assert!(scaffold::placeholders(&course, course.exercise("01-echo").unwrap()).is_empty());
}

#[test]
fn new_refuses_names_that_clash_or_are_malformed() {
    let fixture = fixture_course::course();
    for (name, error) in [
        ("01-other", "number 01 is taken by 01-echo"),
        ("02-echo", "topic `echo` is taken by 01-echo"),
        ("demo", "is not an exercise name"),
        ("02-Demo", "must start with a lowercase letter"),
    ] {
        fixture
            .grader()
            .args(["new", name])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(error));
    }
    assert!(!fixture.root().join("exercises/01-other").exists());
}
