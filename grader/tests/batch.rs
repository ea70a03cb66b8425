//! `grader batch`: one gradebook row per student, a broken or malicious
//! submission costs only its own row, and an interrupted batch resumes.

use crate::fixture_course;

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
    // Checks may run for two minutes; the batch stops a submission at 60 s.
    // Not less: this test runs beside `verify` of the real course, whose
    // timing checks hold the machine lock, and a submission's clock keeps
    // running while its build waits for one (see the batch module's docs).
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
            .args(["--jobs", "2", "--submission-timeout", "60"])
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
            "message",
            "integrity"
        ]
    );
    let row = |name: &str| table.iter().find(|r| r[0] == name).unwrap().clone();
    assert_eq!(row("alice")[1..7], ["graded", "4", "4", "100.0", "4", "11"]);
    assert_eq!(row("bob")[1..7], ["graded", "2", "4", "50.0", "2", "11"]);
    assert_eq!(row("carol")[1..7], ["graded", "0", "4", "0.0", "0", "11"]);
    assert_eq!(row("carol")[7], "01-echo compile_error");
    assert_eq!(row("dave")[1], "error");
    assert!(
        row("dave")[7].contains("did not finish within 60 s"),
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

/// scripts/regrade.sh, the command every engine runs (GitHub Actions,
/// Kubernetes, Slurm): two shards and the merge, with relative paths as a
/// job's working directory gives them, equal one batch.
#[test]
fn regrade_script_shards_and_merges_like_one_batch() {
    let _serial = fixture_course::serial();
    let course = fixture_course::course();
    let work = tempfile::tempdir().unwrap();
    let sub = |p: &str| work.path().join("submissions").join(p);
    for (name, source) in [
        ("alice", fixture_course::SOLUTION),
        ("bob", fixture_course::PARTLY),
        ("carol", fixture_course::STUB),
        ("dave", fixture_course::SOLUTION),
    ] {
        fixture_course::write(
            &sub(&format!("{name}/exercises/01-echo/src/lib.rs")),
            source,
        );
    }
    let script = fixture_course::repo_root().join("scripts/regrade.sh");
    let regrade = |args: &[&str]| {
        let output = std::process::Command::new("bash")
            .arg(&script)
            .args(args)
            .current_dir(work.path())
            .env("SEED", "9")
            .env("SUBMISSIONS", "submissions")
            .env("RESULTS", "results")
            .env("THREADLINGS_COURSE", course.root())
            .env("GRADER", assert_cmd::cargo::cargo_bin("grader"))
            .env("CARGO_TARGET_DIR", fixture_course::shared_target())
            .env_remove("GITHUB_ACTIONS")
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "regrade.sh {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    regrade(&["shard", "1", "2"]);
    regrade(&["shard", "2", "2"]);
    let merged = regrade(&["merge", "2"]);
    assert!(
        merged.contains("4 graded, 0 error(s), 0 pending"),
        "{merged}"
    );

    let whole = work.path().join("whole.csv");
    course
        .grader()
        .arg("batch")
        .arg(work.path().join("submissions"))
        .arg("--csv")
        .arg(&whole)
        .args(["--seed", "9"])
        .assert()
        .success();
    assert_eq!(
        std::fs::read_to_string(work.path().join("results/gradebook.csv")).unwrap(),
        std::fs::read_to_string(&whole).unwrap()
    );
    let scores: Vec<(String, String)> = rows(&whole)
        .into_iter()
        .map(|r| (r[0].clone(), r[2].clone()))
        .collect();
    assert_eq!(
        scores,
        [("alice", "4"), ("bob", "2"), ("carol", "0"), ("dave", "4")]
            .map(|(a, b)| (a.to_string(), b.to_string()))
    );
}

/// Parses YAML with python3's PyYAML into JSON (no YAML crate in Cargo.lock).
fn yaml_documents(path: &Path) -> Vec<serde_json::Value> {
    let output = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml\n\
             docs = list(yaml.safe_load_all(open(sys.argv[1])))\n\
             # YAML 1.1 reads the workflow key `on` as true.\n\
             fix = lambda d: {('on' if k is True else k): v for k, v in d.items()}\n\
             print(json.dumps([fix(d) for d in docs]))",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{} is not valid YAML (or PyYAML is missing): {}",
        path.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A directory with a fake `name` on PATH that records its arguments.
fn recording(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("args");
    let fake = dir.path().join(name);
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" > {}\n", log.display()),
    )
    .unwrap();
    let mut permissions = std::fs::metadata(&fake).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(&fake, permissions).unwrap();
    (dir, log)
}

fn path_with(dir: &Path) -> String {
    format!(
        "{}:{}",
        dir.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// docs/ci: the GitHub Actions workflow and the Kubernetes Jobs are valid
/// YAML whose shard counts agree, and their commands (run here with a fake
/// `threadlings-regrade`) and the Slurm script's (with a fake `podman`)
/// start the right shard.
#[test]
fn ci_definitions_are_valid_and_start_the_right_shard() {
    let root = fixture_course::repo_root();

    let workflow = yaml_documents(&root.join("docs/ci/regrade.yml")).remove(0);
    assert!(workflow["on"]["workflow_dispatch"].is_object());
    let shards = workflow["env"]["SHARDS"].as_u64().unwrap();
    let shard_job = &workflow["jobs"]["shard"];
    let matrix: Vec<u64> = shard_job["strategy"]["matrix"]["shard"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(
        matrix,
        (1..=shards).collect::<Vec<_>>(),
        "matrix is 1..SHARDS"
    );
    assert_eq!(shard_job["strategy"]["fail-fast"], false);
    let runs = |job: &serde_json::Value| -> Vec<String> {
        job["steps"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["run"].as_str().map(str::to_string))
            .collect()
    };
    assert_eq!(
        runs(shard_job),
        ["threadlings-regrade shard ${{ matrix.shard }} ${{ env.SHARDS }}"]
    );
    assert_eq!(shard_job["env"]["SEED"], "${{ inputs.seed }}");
    let merge_job = &workflow["jobs"]["merge"];
    assert_eq!(merge_job["needs"], "shard");
    assert_eq!(
        runs(merge_job),
        ["threadlings-regrade merge ${{ env.SHARDS }}"]
    );
    assert_eq!(
        shard_job["container"]["image"],
        merge_job["container"]["image"]
    );

    let jobs = yaml_documents(&root.join("docs/ci/k8s/regrade-job.yaml"));
    let (grade, merge) = (&jobs[0], &jobs[1]);
    assert_eq!(grade["kind"], "Job");
    assert_eq!(grade["spec"]["completionMode"], "Indexed");
    let completions = grade["spec"]["completions"].as_u64().unwrap();
    let container =
        |job: &serde_json::Value| job["spec"]["template"]["spec"]["containers"][0].clone();
    let env = |job: &serde_json::Value, name: &str| -> String {
        container(job)["env"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .and_then(|e| e["value"].as_str())
            .unwrap()
            .to_string()
    };
    assert_eq!(env(grade, "SHARDS"), completions.to_string());
    assert_eq!(env(merge, "SHARDS"), completions.to_string());
    assert_eq!(container(grade)["image"], container(merge)["image"]);
    let run_container = |job: &serde_json::Value, index: Option<u64>| -> String {
        let c = container(job);
        let (fake_dir, log) = recording("threadlings-regrade");
        let mut command = std::process::Command::new(c["command"][0].as_str().unwrap());
        command.arg(c["command"][1].as_str().unwrap());
        command.arg(c["args"][0].as_str().unwrap());
        command.env("PATH", path_with(fake_dir.path()));
        command.env("SHARDS", env(job, "SHARDS"));
        if let Some(index) = index {
            command.env("JOB_COMPLETION_INDEX", index.to_string());
        }
        assert!(command.status().unwrap().success());
        std::fs::read_to_string(log).unwrap().trim().to_string()
    };
    assert_eq!(
        run_container(grade, Some(0)),
        format!("shard 1 {completions}")
    );
    assert_eq!(
        run_container(grade, Some(completions - 1)),
        format!("shard {completions} {completions}")
    );
    assert_eq!(run_container(merge, None), format!("merge {completions}"));

    let sbatch = root.join("docs/ci/slurm/regrade.sbatch");
    let text = std::fs::read_to_string(&sbatch).unwrap();
    assert!(text.contains("#SBATCH --array=1-8") && text.contains("SHARDS=\"${SHARDS:-8}\""));
    let slurm = |vars: &[(&str, &str)]| -> String {
        let (fake_dir, log) = recording("podman");
        let mut command = std::process::Command::new("bash");
        command
            .arg(&sbatch)
            .env("PATH", path_with(fake_dir.path()))
            .env_remove("SHARDS")
            .env_remove("MERGE")
            .env_remove("SEED");
        for (k, v) in vars {
            command.env(k, v);
        }
        let status = command.status().unwrap();
        assert!(status.success(), "{vars:?}");
        std::fs::read_to_string(log).unwrap()
    };
    let task = slurm(&[("SLURM_ARRAY_TASK_ID", "3"), ("SEED", "5")]);
    assert!(task.contains("-e SEED=5"), "{task}");
    assert!(
        task.trim_end().ends_with("threadlings-regrade shard 3 8"),
        "{task}"
    );
    let merged = slurm(&[("MERGE", "1")]);
    assert!(
        merged.trim_end().ends_with("threadlings-regrade merge 8"),
        "{merged}"
    );
}

/// scripts/image-setup.sh — every step of the Containerfile — run outside a
/// container (this machine builds no images): it installs the grader, the
/// course without solutions but with its private checks, and a target
/// directory with the checks built, and a submission is then graded offline
/// through the PrairieLearn entrypoint it installed. Not exercised here: the
/// apt-get and rustup steps (cargo is already installed) and the release
/// profile (dev, to reuse this build's artifacts); one exercise is warmed.
#[test]
fn image_setup_script_builds_an_offline_grading_home() {
    let root = fixture_course::repo_root();
    let built = assert_cmd::cargo::cargo_bin("grader");
    // .../target/debug/grader -> .../target
    let build_target = built.parent().unwrap().parent().unwrap();
    let home = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let output = std::process::Command::new("bash")
        .arg(root.join("scripts/image-setup.sh"))
        .env("THREADLINGS_HOME", home.path())
        .env("THREADLINGS_PROFILE", "dev")
        .env("THREADLINGS_BUILD_TARGET", build_target)
        .env("THREADLINGS_WARM", "01-threads")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("THREADLINGS_SYSTEM_PACKAGES")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "image-setup.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    eprintln!("image-setup.sh: {:.1} s", started.elapsed().as_secs_f64());
    let installed = home.path();
    for bin in [
        "grader",
        "threadlings-prairielearn",
        "threadlings-gradescope",
        "threadlings-regrade",
    ] {
        assert!(installed.join("bin").join(bin).is_file(), "{bin}");
    }
    let course = installed.join("course");
    assert!(
        !course.join("solutions").exists(),
        "no solutions in the image"
    );
    assert!(course.join("course.toml").is_file());
    // Private checks are kept (an export for students would stub them).
    let private = "grader/checks/01-threads/src/private.rs";
    if root.join(private).is_file() {
        assert_eq!(
            std::fs::read_to_string(course.join(private)).unwrap(),
            std::fs::read_to_string(root.join(private)).unwrap()
        );
    }
    let warm: serde_json::Value = json_file(&installed.join("warm-report.json"));
    assert_eq!(warm["exercises"][0]["name"], "01-threads");
    assert_eq!(warm["exercises"][0]["status"], "not_started");

    // A submission, graded offline from what the script built.
    let grade = tempfile::tempdir().unwrap();
    fixture_course::write(
        &grade.path().join("student/lib.rs"),
        &std::fs::read_to_string(root.join("solutions/01-threads/src/lib.rs")).unwrap(),
    );
    let started = std::time::Instant::now();
    let status = std::process::Command::new(installed.join("bin/threadlings-prairielearn"))
        .env("PL_GRADE_ROOT", grade.path())
        .env("THREADLINGS_COURSE", &course)
        .env("GRADER", installed.join("bin/grader"))
        .env("CARGO_TARGET_DIR", installed.join("target"))
        .env("THREADLINGS_EXERCISE", "01-threads")
        .env_remove("GITHUB_ACTIONS")
        .status()
        .unwrap();
    assert!(status.success());
    eprintln!(
        "one exercise graded offline in the warmed home: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let results = json_file(&grade.path().join("results/results.json"));
    assert_eq!(results["gradable"], true, "{results:#}");
    assert_eq!(results["score"], 1.0, "{results:#}");
}
