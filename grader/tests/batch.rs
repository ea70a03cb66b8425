//! `grader batch`: one gradebook row per student, a broken or malicious
//! submission costs only its own row, and an interrupted batch resumes.

mod fixture_course;

use std::path::Path;
use std::time::Duration;

use predicates::prelude::*;

/// A submission whose code never returns.
const SPINNING: &str = "pub fn double(x: u64) -> u64 {\n    loop {\n        std::thread::sleep(std::time::Duration::from_millis(50));\n    }\n}\n\npub fn total(values: &[u64]) -> u64 {\n    double(0)\n}\n";

/// Processes whose command line mentions `needle` (Linux /proc).
fn processes_mentioning(needle: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|bytes| String::from_utf8_lossy(&bytes).replace('\0', " "))
        .filter(|cmdline| cmdline.contains(needle))
        .collect()
}

fn rows(csv: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(csv).unwrap();
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn batch_grades_isolates_and_resumes() {
    let _serial = fixture_course::serial();
    let course = fixture_course::course();
    // Checks may run for two minutes; the batch stops a submission at 20 s.
    course.write(
        "course.toml",
        "format_version = 1\n\n[defaults]\ntimeout_ms = 120000\n",
    );
    // Compile the kit and its dependencies once, so that the time limit
    // below measures grading, not the first build.
    course
        .grader()
        .args(["--quiet", "--solutions"])
        .assert()
        .success();

    let submissions = tempfile::tempdir().unwrap();
    let sub = |p: &str| submissions.path().join(p);
    // alice hands in her whole repository, bob only the exercises.
    fixture_course::write(
        &sub("alice/exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    fixture_course::write(&sub("alice/README.md"), "alice's repo\n");
    fixture_course::write(&sub("bob/01-echo/src/lib.rs"), fixture_course::PARTLY);
    fixture_course::write(
        &sub("carol/exercises/01-echo/src/lib.rs"),
        "pub fn double(x: u64) -> u64 { x * }\n",
    );
    fixture_course::write(&sub("dave/exercises/01-echo/src/lib.rs"), SPINNING);
    fixture_course::write(&sub("eve.zip"), "not a directory");
    std::os::unix::fs::symlink(sub("alice"), sub("frank")).unwrap();

    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("gradebook.csv");
    let batch = |extra: &[&str]| {
        let mut cmd = course.grader();
        cmd.arg("batch")
            .arg(submissions.path())
            .arg("--csv")
            .arg(&csv)
            .args(["--jobs", "2", "--submission-timeout", "20"])
            .args(extra);
        cmd
    };

    batch(&["--seed", "11"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "6 submission(s), 0 already graded, 6 to grade (seed 11",
        ));
    let table = rows(&csv);
    let header = csv::Reader::from_path(&csv)
        .unwrap()
        .headers()
        .unwrap()
        .clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "student",
            "status",
            "score",
            "max_score",
            "percent",
            "01-echo",
            "seed",
            "message"
        ]
    );
    let row = |name: &str| table.iter().find(|r| r[0] == name).unwrap().clone();
    assert_eq!(row("alice")[1..7], ["graded", "4", "4", "100.0", "4", "11"]);
    assert_eq!(row("bob")[1..7], ["graded", "2", "4", "50.0", "2", "11"]);
    assert_eq!(row("carol")[1..7], ["graded", "0", "4", "0.0", "0", "11"]);
    assert_eq!(row("carol")[7], "01-echo compile_error");
    assert_eq!(row("dave")[1], "error");
    assert!(
        row("dave")[7].contains("did not finish within 20 s"),
        "{:?}",
        row("dave")
    );
    assert_eq!(row("eve.zip")[1], "error");
    assert!(row("eve.zip")[7].contains("not a directory"));
    assert_eq!(row("frank")[1], "error");
    assert!(row("frank")[7].contains("symlink"));
    assert_eq!(
        table.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        ["alice", "bob", "carol", "dave", "eve.zip", "frank"]
    );

    // Everything dave started was stopped with him: no process runs his
    // build workspace's check program any more.
    let trusted = threadlings_grader::course::load(course.root()).unwrap();
    let slug = threadlings_grader::subject::Subject::directory(&trusted, &sub("dave/exercises"))
        .unwrap()
        .slug;
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        processes_mentioning(&slug),
        Vec::<String>::new(),
        "dave's code still runs"
    );

    // Run again: nothing to do, nothing changes (bob's new answer is not
    // looked at: his row is saved).
    fixture_course::write(&sub("bob/01-echo/src/lib.rs"), fixture_course::SOLUTION);
    let before = std::fs::read_to_string(&csv).unwrap();
    batch(&[])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "6 already graded, 0 to grade (seed 11",
        ));
    assert_eq!(std::fs::read_to_string(&csv).unwrap(), before);

    // An interruption before bob's result was saved: only bob is graded,
    // with the batch's seed.
    std::fs::remove_file(out.path().join("gradebook.csv.state/bob.json")).unwrap();
    batch(&[])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "5 already graded, 1 to grade (seed 11",
        ))
        .stdout(predicate::str::contains("bob: 4/4"));
    let table = rows(&csv);
    let bob = table.iter().find(|r| r[0] == "bob").unwrap();
    assert_eq!(bob[1..7], ["graded", "4", "4", "100.0", "4", "11"]);
    assert_eq!(table.iter().find(|r| r[0] == "alice").unwrap()[2], "4");

    // A different seed would mix two batches in one gradebook.
    batch(&["--seed", "12"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("started with seed 11"));

    // --retry-errors grades the error rows again.
    fixture_course::write(
        &sub("dave/exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    batch(&["--retry-errors"])
        .assert()
        .success()
        .stdout(predicate::str::contains("3 already graded, 3 to grade"))
        .stdout(predicate::str::contains("dave: 4/4"));
    let dave = rows(&csv).into_iter().find(|r| r[0] == "dave").unwrap();
    assert_eq!(dave[1..3], ["graded", "4"]);
}

/// A real interruption: Ctrl-C (SIGINT) while a submission is being graded.
/// The batch stops what it started, keeps what it finished, and the same
/// command then grades only the rest.
#[test]
fn an_interrupted_batch_resumes_where_it_stopped() {
    let _serial = fixture_course::serial();
    let course = fixture_course::course();
    course.write(
        "course.toml",
        "format_version = 1\n\n[defaults]\ntimeout_ms = 120000\n",
    );
    course
        .grader()
        .args(["--quiet", "--solutions"])
        .assert()
        .success();

    let submissions = tempfile::tempdir().unwrap();
    let sub = |p: &str| submissions.path().join(p);
    fixture_course::write(
        &sub("alice/exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    fixture_course::write(&sub("bob/exercises/01-echo/src/lib.rs"), SPINNING);
    fixture_course::write(
        &sub("carol/exercises/01-echo/src/lib.rs"),
        fixture_course::PARTLY,
    );
    let out = tempfile::tempdir().unwrap();
    let csv = out.path().join("gradebook.csv");
    let state = out.path().join("gradebook.csv.state");

    let mut batch = std::process::Command::new(assert_cmd::cargo::cargo_bin("grader"));
    batch
        .arg("--course")
        .arg(course.root())
        .arg("batch")
        .arg(submissions.path())
        .arg("--csv")
        .arg(&csv)
        .args(["--jobs", "1", "--seed", "5", "--submission-timeout", "100"])
        .env("CARGO_TARGET_DIR", fixture_course::shared_target())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped());
    let child = batch.spawn().unwrap();
    // alice is graded first; then bob's code spins until we interrupt.
    let start = std::time::Instant::now();
    while !state.join("alice.json").exists() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "alice was never graded"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let trusted = threadlings_grader::course::load(course.root()).unwrap();
    let bob_slug = threadlings_grader::subject::Subject::directory(&trusted, &sub("bob/exercises"))
        .unwrap()
        .slug;
    while processes_mentioning(&bob_slug).is_empty() {
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "bob's checks never started"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // SAFETY: signalling our own child.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGINT);
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("interrupted: 1 of 3 submission(s) graded and saved"),
        "{stderr}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        processes_mentioning(&bob_slug),
        Vec::<String>::new(),
        "bob's code still runs"
    );
    assert!(!state.join("bob.json").exists() && !state.join("bob.error.txt").exists());
    let pending = rows(&csv);
    assert_eq!(pending[1][..2], ["bob", "pending"]);

    // Resume: bob (fixed meanwhile) and carol are graded, alice is kept.
    fixture_course::write(
        &sub("bob/exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    course
        .grader()
        .arg("batch")
        .arg(submissions.path())
        .arg("--csv")
        .arg(&csv)
        .args(["--jobs", "1"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "1 already graded, 2 to grade (seed 5",
        ));
    let table = rows(&csv);
    let scores: Vec<(&str, &str, &str)> = table
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        scores,
        [
            ("alice", "graded", "4"),
            ("bob", "graded", "4"),
            ("carol", "graded", "2")
        ]
    );
}

/// `value` without what two gradings of the same submission with the same
/// seed may disagree on: durations, and captured output (a panic message
/// names the thread id the OS gave it).
fn without_durations(mut value: serde_json::Value) -> serde_json::Value {
    match &mut value {
        serde_json::Value::Object(map) => {
            map.remove("duration_ms");
            map.remove("output");
            for item in map.values_mut() {
                *item = without_durations(item.take());
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                *item = without_durations(item.take());
            }
        }
        _ => {}
    }
    value
}

fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Two shards and a merge give the gradebook one batch gives, and merge
/// refuses what would mix batches.
#[test]
fn shards_and_merge_equal_one_batch() {
    use threadlings_grader::batch::shard::Shard;

    let _serial = fixture_course::serial();
    let course = fixture_course::course();
    course
        .grader()
        .args(["--quiet", "--solutions"])
        .assert()
        .success();

    let submissions = tempfile::tempdir().unwrap();
    let sub = |p: &str| submissions.path().join(p);
    fixture_course::write(
        &sub("alice/exercises/01-echo/src/lib.rs"),
        fixture_course::SOLUTION,
    );
    fixture_course::write(&sub("bob/01-echo/src/lib.rs"), fixture_course::PARTLY);
    fixture_course::write(
        &sub("carol/exercises/01-echo/src/lib.rs"),
        "pub fn double(x: u64) -> u64 { x * }\n",
    );
    fixture_course::write(
        &sub("dan/exercises/01-echo/src/lib.rs"),
        fixture_course::STUB,
    );
    fixture_course::write(&sub("eve.zip"), "not a directory");
    let names = ["alice", "bob", "carol", "dan", "eve.zip"];
    let in_shard = |index: u32| {
        names
            .iter()
            .filter(|n| Shard::of(n, 2).index == index)
            .count()
    };
    // Otherwise this test would not test a split.
    assert!(
        in_shard(1) > 0 && in_shard(2) > 0,
        "{} / {}",
        in_shard(1),
        in_shard(2)
    );

    let out = tempfile::tempdir().unwrap();
    let path = |name: &str| out.path().join(name);
    let batch = |csv: &str, extra: &[&str]| {
        let mut cmd = course.grader();
        cmd.arg("batch")
            .arg(submissions.path())
            .arg("--csv")
            .arg(path(csv))
            .args(["--jobs", "2"])
            .args(extra);
        cmd
    };
    batch("whole.csv", &["--seed", "7"]).assert().success();
    batch("s1.csv", &["--seed", "7", "--shard", "1/2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "shard 1/2: {} submission(s)",
            in_shard(1)
        )));
    batch("s2.csv", &["--seed", "7", "--shard", "2/2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "shard 2/2: {} submission(s)",
            in_shard(2)
        )));
    // Each shard's own CSV holds only its students.
    assert_eq!(rows(&path("s1.csv")).len(), in_shard(1));
    assert_eq!(json_file(&path("s2.json"))["shard"]["index"], 2);

    let merge = |inputs: &[&str]| {
        let mut cmd = course.grader();
        cmd.arg("merge");
        for input in inputs {
            cmd.arg(path(input));
        }
        cmd.arg("--csv").arg(path("merged.csv"));
        cmd
    };
    merge(&["s2.json", "s1.json"])
        .assert()
        .success()
        .stdout(predicate::str::contains("merge: 2 shard(s) into"))
        .stdout(predicate::str::contains("4 graded, 1 error(s), 0 pending"));
    let whole_csv = std::fs::read_to_string(path("whole.csv")).unwrap();
    assert_eq!(
        std::fs::read_to_string(path("merged.csv")).unwrap(),
        whole_csv
    );
    assert_eq!(
        without_durations(json_file(&path("merged.json"))),
        without_durations(json_file(&path("whole.json")))
    );
    assert_eq!(rows(&path("merged.csv")).len(), names.len());

    // Idempotent: merging again writes the same bytes.
    let merged_json = std::fs::read_to_string(path("merged.json")).unwrap();
    merge(&["s1.json", "s2.json"]).assert().success();
    assert_eq!(
        std::fs::read_to_string(path("merged.json")).unwrap(),
        merged_json
    );
    // Resumable: a shard run again has nothing left to grade.
    batch("s1.csv", &["--seed", "7", "--shard", "1/2"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "{} already graded, 0 to grade",
            in_shard(1)
        )));

    // What would mix batches is refused.
    merge(&["s1.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("shard(s) 2/2 missing"));
    merge(&["s1.json", "s1.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("are both shard 1/2"));
    merge(&["s1.json", "whole.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("merge the shards of one split"));
    let mut reseeded = json_file(&path("s2.json"));
    reseeded["seed"] = 8.into();
    std::fs::write(path("s2-seed8.json"), reseeded.to_string()).unwrap();
    merge(&["s1.json", "s2-seed8.json"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("same --seed"));
    // A shard without an agreed seed could not be merged: refused up front.
    batch("s3.csv", &["--shard", "1/2"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("needs --seed"));
}
