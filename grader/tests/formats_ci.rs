//! CI grades a submission with the trusted course copy: only the submission's
//! exercise sources (`--subject DIR`, each `NN-topic/src/`) are taken. A
//! submission that rewrites the hidden checks, the points, the exercise
//! manifest or adds a build script gains nothing (docs/ci/github-classroom.md).

use crate::fixture_course;

use serde_json::Value;

fn grade_submission(fixture: &fixture_course::Fixture, submission: &std::path::Path) -> Value {
    let out = fixture.root().join("submission-report.json");
    fixture
        .grader()
        .args(["--quiet", "--seed", "3", "--format", "json", "--output"])
        .arg(&out)
        .arg("--subject")
        .arg(submission.join("exercises"))
        .assert()
        .success();
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn a_tampering_submission_gains_nothing() {
    let _serial = fixture_course::serial();
    let trusted = fixture_course::course();
    let submission = tempfile::tempdir().unwrap();
    let sub = |p: &str| submission.path().join(p);
    let pwned = submission.path().join("PWNED");

    // The student's repository: stub sources, and everything else rigged.
    fixture_course::write(&sub("exercises/01-echo/src/lib.rs"), fixture_course::STUB);
    fixture_course::write(
        &sub("exercises/01-echo/Cargo.toml"),
        "[package]\nname = \"echo\"\nversion = \"0.1.0\"\nedition = \"2024\"\nbuild = \"build.rs\"\n",
    );
    fixture_course::write(
        &sub("exercises/01-echo/build.rs"),
        &format!(
            "fn main() {{ std::fs::write({:?}, \"build script ran\").unwrap(); }}\n",
            pwned.display().to_string()
        ),
    );
    fixture_course::write(
        &sub("grader/checks/01-echo/checks.toml"),
        &fixture_course::CHECKS_TOML.replace("points = 2", "points = 100"),
    );
    fixture_course::write(
        &sub("grader/checks/01-echo/src/main.rs"),
        "fn main() {} // every check \"passes\"\n",
    );
    fixture_course::write(
        &sub("course.toml"),
        "format_version = 1\n[defaults]\npoints = 50\n",
    );
    // A symlink into the trusted solutions is not followed.
    std::os::unix::fs::symlink(
        trusted.root().join("solutions/01-echo/src/lib.rs"),
        sub("exercises/01-echo/src/solution.rs"),
    )
    .unwrap();

    let report = grade_submission(&trusted, submission.path());
    assert_eq!(report["score"], 0.0, "{report:#}");
    assert_eq!(
        report["max_score"], 4.0,
        "points come from the trusted checks.toml"
    );
    let checks: Vec<&str> = report["exercises"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(checks, ["doubles", "totals", "secret_large_totals"]);
    assert_eq!(report["exercises"][0]["status"], "not_started");
    assert!(!pwned.exists(), "the submission's build script never ran");

    // The same rigged repository with a real answer gets full marks: the
    // sources are what is graded.
    fixture_course::write(
        &sub("exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    let report = grade_submission(&trusted, submission.path());
    assert_eq!(report["score"], 4.0, "{report:#}");
    assert!(!pwned.exists());
}

/// docs/ci/gradescope/run_autograder, run outside Gradescope: it grades the
/// submission's exercises with the trusted source and writes results.json,
/// and when the grader cannot grade it still writes a result saying so.
#[test]
fn gradescope_run_autograder_writes_results_json() {
    let _serial = fixture_course::serial();
    let trusted = fixture_course::course();
    let script = fixture_course::repo_root().join("docs/ci/gradescope/run_autograder");
    let run = |root: &std::path::Path| {
        let output = std::process::Command::new("bash")
            .arg(&script)
            .env("AUTOGRADER_ROOT", root)
            .env("GRADER", assert_cmd::cargo::cargo_bin("grader"))
            .env("CARGO_TARGET_DIR", fixture_course::shared_target())
            .env_remove("THREADLINGS_COURSE")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "run_autograder always exits 0: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(root.join("results/results.json")).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()
    };

    let root = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(trusted.root(), root.path().join("source")).unwrap();
    // A whole student repository, uploaded from GitHub.
    fixture_course::write(
        &root.path().join("submission/exercises/01-echo/src/lib.rs"),
        fixture_course::PARTLY,
    );
    let results = run(root.path());
    assert_eq!(results["score"], 2.0, "{results:#}");
    assert_eq!(results["tests"].as_array().unwrap().len(), 3);

    // No course at all: the grader fails, the script still reports.
    let broken = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(broken.path().join("submission")).unwrap();
    let results = run(broken.path());
    assert_eq!(results["score"], 0);
    let output = results["output"].as_str().unwrap();
    assert!(
        output.contains("could not grade this submission"),
        "{output}"
    );
    assert!(output.contains("cannot open the course"), "{output}");
}

/// docs/ci/prairielearn/run.sh, run outside PrairieLearn: each submission
/// layout it accepts is graded with the trusted course into
/// results.json, and when the grader cannot grade it writes
/// `gradable: false` with the reason.
#[test]
fn prairielearn_entrypoint_writes_results_json() {
    let _serial = fixture_course::serial();
    let trusted = fixture_course::course();
    let script = fixture_course::repo_root().join("docs/ci/prairielearn/run.sh");
    let run = |root: &std::path::Path, course: &std::path::Path, exercise: Option<&str>| {
        let mut command = std::process::Command::new("bash");
        command
            .arg(&script)
            .env("PL_GRADE_ROOT", root)
            .env("THREADLINGS_COURSE", course)
            .env("GRADER", assert_cmd::cargo::cargo_bin("grader"))
            .env("CARGO_TARGET_DIR", fixture_course::shared_target())
            .env_remove("THREADLINGS_EXERCISE")
            .env_remove("GITHUB_ACTIONS")
            .env_remove("GITHUB_STEP_SUMMARY");
        if let Some(exercise) = exercise {
            command.env("THREADLINGS_EXERCISE", exercise);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "run.sh always exits 0: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let text = std::fs::read_to_string(root.join("results/results.json")).unwrap();
        serde_json::from_str::<Value>(&text).unwrap()
    };

    // pl-file-editor / pl-file-upload: the exercise's lib.rs alone.
    let flat = tempfile::tempdir().unwrap();
    fixture_course::write(&flat.path().join("student/lib.rs"), fixture_course::PARTLY);
    let results = run(flat.path(), trusted.root(), Some("01-echo"));
    assert_eq!(results["gradable"], true, "{results:#}");
    assert_eq!(results["score"], 0.5, "{results:#}");
    assert_eq!(results["tests"].as_array().unwrap().len(), 3);

    // A whole repository: graded the same.
    let repo = tempfile::tempdir().unwrap();
    fixture_course::write(
        &repo.path().join("student/exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    let results = run(repo.path(), trusted.root(), None);
    assert_eq!(results["score"], 1.0, "{results:#}");

    // No course where the image should have one: not gradable, and why.
    let broken = tempfile::tempdir().unwrap();
    fixture_course::write(
        &broken.path().join("student/lib.rs"),
        fixture_course::PARTLY,
    );
    let results = run(
        broken.path(),
        &broken.path().join("no-course"),
        Some("01-echo"),
    );
    assert_eq!(results["gradable"], false, "{results:#}");
    let reason = results["format_errors"][0].as_str().unwrap();
    assert!(reason.contains("cannot open the course"), "{reason}");
}
