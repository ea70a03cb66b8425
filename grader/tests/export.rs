//! `grader export DIR`: the student repository holds no solutions, no wrong
//! answers and no private check, and builds and grades on its own, offline.

use crate::fixture_course;

use std::path::{Path, PathBuf};
use std::process::Command;

use predicates::prelude::*;
use serde_json::Value;

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(current) = stack.pop() {
        for entry in std::fs::read_dir(&current).unwrap().flatten() {
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// Grades the exported repository with its own grader, as a student would.
fn grade_inside(export: &Path, target: &Path) -> Value {
    let output = Command::new(env!("CARGO"))
        .args(["run", "--offline", "--quiet", "-p", "grader", "--"])
        .args(["--quiet", "--seed", "1", "--format", "json"])
        .current_dir(export)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_NET_OFFLINE", "true")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("THREADLINGS_STATE_DIR")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "grading inside the export failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("a JSON report")
}

#[test]
fn the_export_leaks_nothing_private_and_grades_on_its_own() {
    // The export and its build live at fixed paths (see below).
    let _serial = fixture_course::serial();
    let course = fixture_course::course_with_grader();
    // An instructor tool that compiles a reference solution in.
    course.write(
        "tools/answer-bench/Cargo.toml",
        "[package]\nname = \"answer-bench\"\nversion.workspace = true\nedition.workspace = true\npublish.workspace = true\n",
    );
    course.write(
        "tools/answer-bench/src/main.rs",
        "#[path = \"../../../solutions/01-echo/src/lib.rs\"]\nmod answer;\n\nfn main() {\n    println!(\"{}\", answer::double(21));\n}\n",
    );
    let mut manifest: toml_edit::DocumentMut = course.read("Cargo.toml").parse().unwrap();
    manifest["workspace"]["members"]
        .as_array_mut()
        .unwrap()
        .push("tools/answer-bench");
    course.write("Cargo.toml", &manifest.to_string());
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // Fixed paths, so the export's own build is incremental between runs.
    let export = tmp.join("export-student-repo");
    let target = tmp.join("export-student-target");
    let _ = std::fs::remove_dir_all(&export);

    course
        .grader()
        .arg("export")
        .arg(&export)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Left out 1 private check(s): 01-echo::secret_large_totals",
        ))
        .stdout(
            predicate::str::is_match("Left out instructor-only crate\\(s\\): .*tools/answer-bench")
                .unwrap(),
        );

    // Nothing private leaks.
    let files = files_under(&export);
    assert!(files.iter().any(|f| f.ends_with("grader/src/main.rs")));
    assert!(files.iter().any(|f| f.ends_with("grader/kit/Cargo.toml")));
    assert!(files.iter().any(|f| f.ends_with("docs/student-guide.md")));
    for file in &files {
        let relative = file.strip_prefix(&export).unwrap();
        let shown = relative.display().to_string();
        assert!(!relative.starts_with("solutions"), "{shown} is a solution");
        assert!(
            !relative.ends_with("wrong.toml"),
            "{shown} is a wrong answer"
        );
        assert!(
            !relative.starts_with("grader/tests"),
            "{shown} is the grader's test suite"
        );
        assert!(
            !shown.contains("instructor-guide"),
            "{shown} is for instructors"
        );
        assert!(
            !relative.starts_with("target"),
            "{shown} is a build artifact"
        );
        if let Ok(text) = std::fs::read_to_string(file) {
            for secret in ["secret_large_totals", "SECRET-MARKER"] {
                assert!(
                    !text.contains(secret),
                    "{shown} mentions the private check ({secret})"
                );
            }
            assert!(
                !text.contains(fixture_course::SOLUTION),
                "{shown} holds the reference solution"
            );
        }
    }
    assert!(
        !export.join("tools").exists(),
        "the instructor tool is not exported"
    );
    let manifest = std::fs::read_to_string(export.join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("answer-bench"), "{manifest}");
    assert!(manifest.contains("\"grader\""), "{manifest}");
    assert_eq!(
        std::fs::read_to_string(export.join("exercises/01-echo/src/lib.rs")).unwrap(),
        fixture_course::STUB
    );
    let checks = std::fs::read_to_string(export.join("grader/checks/01-echo/checks.toml")).unwrap();
    assert_eq!(checks.matches("[[check]]").count(), 2, "{checks}");
    assert!(
        checks.contains("hints = [\"Multiply by two.\""),
        "the rest is kept"
    );

    // It builds and grades on its own, offline: the stub scores nothing...
    let report = grade_inside(&export, &target);
    let names: Vec<&str> = report["exercises"][0]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["doubles", "totals"]);
    assert_eq!(report["score"], 0.0);
    assert_eq!(report["max_score"], 3.0);
    // ... and a correct answer gets every public point.
    std::fs::write(
        export.join("exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    )
    .unwrap();
    let report = grade_inside(&export, &target);
    assert_eq!(report["score"], 3.0, "{report:#}");
}

#[test]
fn a_private_check_outside_private_rs_stops_the_export() {
    let course = fixture_course::course();
    // The instructor marked `totals` private but left it in main.rs.
    course.write(
        "grader/checks/01-echo/checks.toml",
        &fixture_course::CHECKS_TOML
            .replace("name = \"totals\"", "name = \"totals\"\nprivate = true"),
    );
    let export = course.root().join("../").join(format!(
        "{}-export",
        course.root().file_name().unwrap().to_string_lossy()
    ));
    course
        .grader()
        .arg("export")
        .arg(&export)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "private check `totals` would leak into the export (grader/checks/01-echo/src/main.rs)",
        ));
    assert!(!export.exists(), "a refused export leaves nothing behind");
}

#[test]
fn export_refuses_a_directory_that_is_not_empty() {
    let course = fixture_course::course();
    let dest = tempfile::tempdir().unwrap();
    std::fs::write(dest.path().join("keep.txt"), "mine").unwrap();
    course
        .grader()
        .arg("export")
        .arg(dest.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is not empty"));
    assert_eq!(
        std::fs::read_to_string(dest.path().join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn a_grading_bundle_keeps_private_checks_but_never_solutions() {
    let course = fixture_course::course();
    let dest = tempfile::tempdir().unwrap();
    let bundle = dest.path().join("autograder");
    course
        .grader()
        .args(["export", "--include-private"])
        .arg(&bundle)
        .assert()
        .success()
        .stdout(predicate::str::contains("do not give this to students"));
    let private =
        std::fs::read_to_string(bundle.join("grader/checks/01-echo/src/private.rs")).unwrap();
    assert!(private.contains("SECRET-MARKER"));
    let checks = std::fs::read_to_string(bundle.join("grader/checks/01-echo/checks.toml")).unwrap();
    assert_eq!(checks.matches("[[check]]").count(), 3);
    assert!(!bundle.join("solutions").exists());
    assert!(
        files_under(&bundle).iter().all(
            |f| !f.ends_with("wrong.toml") && !f.to_string_lossy().contains("instructor-guide")
        )
    );
}

/// The real course's export leaves out instructor-only crates (`benches/`):
/// its Cargo.lock must fit the smaller workspace, or every `--locked` build of
/// the student repository and the grading images fails.
#[test]
fn the_real_course_export_builds_with_its_lock_file() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dest = tempfile::tempdir().unwrap();
    let export = dest.path().join("student");
    assert_cmd::Command::cargo_bin("grader")
        .unwrap()
        .current_dir(root)
        .args(["export"])
        .arg(&export)
        .assert()
        .success();
    let output = Command::new(env!("CARGO"))
        .args(["metadata", "--locked", "--offline", "--format-version", "1"])
        .arg("--manifest-path")
        .arg(export.join("Cargo.toml"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "`cargo metadata --locked` fails in the export:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
