//! Grading builds only what can score: exercises whose sources are still the
//! committed stubs are reported not started without building a check program
//! (nor a loom or shuttle variant), and editing one exercise builds that one.

use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use threadlings_grader::subject::{Subject, generated_slug};
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

/// A cold build of one exercise's check program on a loaded 2-core machine.
const LIMIT: Duration = Duration::from_secs(900);

/// The message of a check the grader did not run because the sources are
/// the stubs (`grade::untouched_report`).
const SHORTCUT: &str = "the sources are still the course's stubs";

fn course_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn grade_json(cmd: &mut Command) -> GradeReport {
    let output = cmd
        .current_dir(course_root())
        .timeout(LIMIT)
        .args(["--quiet", "--format", "json", "--seed", "3"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the grader failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the JSON report parses")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if path.is_dir() {
            copy_tree(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

#[test]
fn untouched_stubs_are_not_started_without_building_anything() {
    // A fresh work directory: anything built would land in it.
    let target = tempfile::tempdir().unwrap();
    let report = grade_json(
        Command::cargo_bin("grader")
            .unwrap()
            .env("CARGO_TARGET_DIR", target.path()),
    );
    assert_eq!(report.score, 0.0);
    assert!(report.max_score > 0.0);
    for exercise in &report.exercises {
        assert_eq!(
            exercise.status,
            ExerciseStatus::NotStarted,
            "{}",
            exercise.name
        );
        for check in &exercise.checks {
            assert_eq!(check.status, CheckStatus::Failed, "{}", check.name);
            assert_eq!(check.duration_ms, 0, "{} did not run", check.name);
            assert!(
                threadlings_grader::messages::is_not_started(check)
                    && check.message.contains(SHORTCUT),
                "{}: {}",
                check.name,
                check.message
            );
        }
    }
    let work = target.path().join("threadlings");
    for built in ["out", "build", "build-loom", "build-shuttle"] {
        let files = files_under(&work.join(built));
        assert!(files.is_empty(), "{built}/ has {files:?}");
    }
}

#[test]
fn editing_one_exercise_builds_only_that_one() {
    let root = course_root();
    let course = threadlings_grader::course::load(&root).unwrap();
    let subject_dir = tempfile::tempdir().unwrap();
    copy_tree(&root.join("exercises"), subject_dir.path());
    // Started, though every task still calls todo!(): the real checks run.
    let edited = "01-threads";
    let lib = subject_dir.path().join(edited).join("src/lib.rs");
    let mut text = std::fs::read_to_string(&lib).unwrap();
    text.push_str("\n// started\n");
    std::fs::write(&lib, text).unwrap();

    let report = grade_json(
        Command::cargo_bin("grader")
            .unwrap()
            .arg("--subject")
            .arg(subject_dir.path()),
    );
    assert_eq!(report.score, 0.0);
    for exercise in &report.exercises {
        assert_eq!(
            exercise.status,
            ExerciseStatus::NotStarted,
            "{}",
            exercise.name
        );
        for check in &exercise.checks {
            let shortcut = check.message.contains(SHORTCUT);
            assert_eq!(
                shortcut,
                exercise.name != edited,
                "{}::{}: {}",
                exercise.name,
                check.name,
                check.message
            );
        }
    }

    // Only the edited exercise's check program was built, and no variant.
    let work = root.join("target/threadlings");
    let subject = Subject::directory(&course, subject_dir.path()).unwrap();
    let slug = generated_slug(&course, &subject, &work);
    let check_packages: Vec<&str> = course
        .exercises
        .iter()
        .map(|e| e.check_package.as_str())
        .collect();
    let built: Vec<String> = files_under(&work.join("out").join(&slug))
        .iter()
        .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
        .filter(|name| check_packages.contains(&name.as_str()))
        .collect();
    let expected = &course.exercise(edited).unwrap().check_package;
    assert_eq!(built, vec![expected.clone()]);
    for variant in ["loom", "shuttle"] {
        let dir = work.join("out").join(format!("{slug}-{variant}"));
        assert!(files_under(&dir).is_empty(), "{} was built", dir.display());
    }
}
