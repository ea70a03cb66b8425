//! The sandbox against hostile code: the real `grader` binary grades the
//! submissions of the fixture course in `tests/fixtures/hostile` (one check
//! per kind of attack, see its `checks.toml`), and each test below proves one
//! case: the grader exits 0 with a full report, the attack is scored as
//! failed with a message naming what happened, everything else is graded
//! normally, every check ends within its limit, and nothing is left running.
//!
//! Gradings are shared between tests (one per subject and setting) and run
//! one at a time, so the process scans after each are not confused by another
//! grading of this file. They use their own cargo target directory under
//! `CARGO_TARGET_TMPDIR`, so the kit compiles once for all of them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use assert_cmd::Command;
use threadlings_grader::run::sandbox::sandbox;
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport, IntegrityKind,
};

/// Extra time a check may take beyond its limit: killing and reaping
/// everything it started, on a loaded machine.
const MARGIN_MS: u64 = 2000;

/// The fixture as stored: the course's files and the submissions.
fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// The course the grader is pointed at: the fixture's files, with a
/// workspace manifest made from the repository's (the same workspace
/// dependencies, absolute, so the kit builds as in the real course) and the
/// repository's lock file. Made once per test run.
fn course() -> &'static Path {
    static COURSE: OnceLock<PathBuf> = OnceLock::new();
    COURSE.get_or_init(|| {
        let course = Path::new(env!("CARGO_TARGET_TMPDIR")).join("sandbox-course");
        let _ = std::fs::remove_dir_all(&course);
        copy_tree(&fixture(), &course, &["subjects"]);
        std::fs::write(course.join("Cargo.toml"), course_manifest()).unwrap();
        std::fs::copy(repo_root().join("Cargo.lock"), course.join("Cargo.lock")).unwrap();
        course
    })
}

fn copy_tree(from: &Path, to: &Path, skip: &[&str]) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        if skip.iter().any(|s| name == *s) {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to.join(&name), &[]);
        } else {
            std::fs::copy(entry.path(), to.join(&name)).unwrap();
        }
    }
}

fn course_manifest() -> String {
    let root = repo_root();
    let text = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    let workspace = doc["workspace"].as_table_mut().unwrap();
    workspace.remove("default-members");
    let mut members = toml_edit::Array::new();
    members.push("exercises/*");
    members.push("grader/checks/*");
    workspace["members"] = toml_edit::value(members);
    if let Some(deps) = workspace
        .get_mut("dependencies")
        .and_then(|d| d.as_table_like_mut())
    {
        for (_, dep) in deps.iter_mut() {
            if let Some(path) = dep.get_mut("path")
                && let Some(relative) = path.as_str()
            {
                *path = toml_edit::value(root.join(relative).display().to_string());
            }
        }
    }
    format!("# Written by grader/tests/sandbox.rs from the repository's Cargo.toml.\n{doc}")
}

fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("sandbox-target")
}

/// A seed no other run of these tests used, so the files and processes a
/// submission names after it are this run's.
fn fresh_seed() -> u64 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    u64::from(std::process::id()) * 1_000_000 + u64::from(nanos % 1_000_000)
}

struct Graded {
    report: GradeReport,
    seed: u64,
    /// The JSON report as printed.
    json: String,
    /// Processes still running after the grader exited that belong to this
    /// grading (its check programs, or the submission's marked helpers).
    leftovers: Vec<String>,
    /// The course's own files, which must come out unchanged.
    course_before: BTreeMap<PathBuf, Vec<u8>>,
    course_after: BTreeMap<PathBuf, Vec<u8>>,
}

impl Graded {
    fn exercise(&self, name: &str) -> &ExerciseReport {
        self.report
            .exercises
            .iter()
            .find(|e| e.name == name)
            .unwrap_or_else(|| panic!("no exercise {name} in the report"))
    }

    fn check(&self, exercise: &str, name: &str) -> &CheckReport {
        self.report
            .exercises
            .iter()
            .find(|e| e.name == exercise)
            .unwrap_or_else(|| panic!("no exercise {exercise} in the report"))
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no check {exercise}/{name} in the report"))
    }

    fn output(&self, exercise: &str, name: &str) -> &str {
        self.check(exercise, name).output.as_deref().unwrap_or("")
    }
}

static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// Grades `subjects/<subject>` of the fixture course with the real binary.
fn grade(subject: &str, only: &[&str], env: &[(&str, &str)]) -> Graded {
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let seed = fresh_seed();
    let course_before = course_files();
    let mut cmd = Command::cargo_bin("grader").unwrap();
    cmd.arg("--course")
        .arg(course())
        .arg("--subject")
        .arg(fixture().join("subjects").join(subject))
        .args(["--format", "json", "--quiet", "--jobs", "2"])
        .args(["--seed", &seed.to_string()])
        .env("CARGO_TARGET_DIR", target_dir())
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        // A cold build of the kit on a loaded 2-core machine, then ~15 s.
        .timeout(Duration::from_secs(900));
    for exercise in only {
        cmd.args(["--only", exercise]);
    }
    for (key, value) in env {
        cmd.env(key, value);
    }
    let started = Instant::now();
    let output = cmd.output().expect("the grader runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(0),
        "the grader must exit 0 on a hostile submission (took {:?}); stderr:\n{stderr}",
        started.elapsed()
    );
    let json = String::from_utf8(output.stdout).expect("the report is UTF-8");
    let report: GradeReport = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("the report must be complete JSON ({e}); stderr:\n{stderr}"));
    Graded {
        leftovers: leftovers(seed),
        course_after: course_files(),
        report,
        seed,
        json,
        course_before,
    }
}

/// The port case 18 tries to reach outside its check.
const OUTSIDE_PORT: u16 = 47391;

fn hostile() -> &'static Graded {
    static GRADED: OnceLock<Graded> = OnceLock::new();
    GRADED.get_or_init(|| {
        // A server on the machine's loopback for the duration of the grading:
        // case 18 must not reach it.
        let _outside = std::net::TcpListener::bind(("127.0.0.1", OUTSIDE_PORT));
        grade("hostile", &[], &[])
    })
}

/// Processes whose command line names this test's target directory (every
/// check program and whatever it forked) or a marker of `seed`.
fn leftovers(seed: u64) -> Vec<String> {
    let ours = target_dir().join("threadlings").display().to_string();
    let marker = format!("3600.{seed}");
    // Give the kernel a moment to finish tearing down killed processes.
    std::thread::sleep(Duration::from_millis(100));
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() {
            continue;
        }
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        let is_build = cmdline.contains("cargo") || cmdline.contains("rustc");
        if (cmdline.contains(&ours) && !is_build) || cmdline.contains(&marker) {
            found.push(format!("{pid}: {cmdline}"));
        }
    }
    found
}

/// Every file of the course the grader reads.
fn course_files() -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("subjects") && !path.ends_with("target") {
                    walk(&path, files);
                }
            } else {
                files.insert(path.clone(), std::fs::read(&path).unwrap());
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(course(), &mut files);
    files
}

fn assert_status(check: &CheckReport, status: CheckStatus, words: &[&str]) {
    assert_eq!(
        check.status, status,
        "check {} ended {:?}: {}",
        check.name, check.status, check.message
    );
    if status != CheckStatus::Passed {
        assert_eq!(check.score, 0.0, "check {} scored", check.name);
    }
    for word in words {
        assert!(
            check.message.contains(word),
            "the message of {} must name what happened ({word:?}):\n{}",
            check.name,
            check.message
        );
    }
}

fn assert_nothing_left(graded: &Graded) {
    assert!(
        graded.leftovers.is_empty(),
        "processes left running after the grader exited:\n{}",
        graded.leftovers.join("\n")
    );
    assert!(
        graded.course_before == graded.course_after,
        "the course's files changed during grading"
    );
}

// ----- the whole run ---------------------------------------------------------

#[test]
fn the_grader_exits_0_with_a_full_report_and_grades_the_rest_normally() {
    let graded = hostile();
    let names: Vec<(&str, usize)> = graded
        .report
        .exercises
        .iter()
        .map(|e| (e.name.as_str(), e.checks.len()))
        .collect();
    assert_eq!(
        names,
        [
            ("01-hostile", 14),
            ("02-calm", 2),
            ("03-escape", 3),
            ("04-integrity", 5),
            ("05-compile-stall", 1),
            ("06-compile-hog", 1),
            ("07-compile-peek", 1),
            ("08-forge-unsafe", 1),
        ]
    );
    assert_eq!(graded.report.max_score, 29.0);
    assert_status(graded.check("01-hostile", "sane"), CheckStatus::Passed, &[]);
    let calm = &graded.report.exercises[1];
    assert_eq!(calm.status, ExerciseStatus::Passed);
    assert_eq!(calm.score, 3.0);
    // Exactly these passed: the plain checks, the stderr flood (whose
    // answer is right: printing is allowed, only capped) and the IPC user
    // (using IPC is allowed; its objects are removed after the check).
    let passed: Vec<&str> = graded
        .report
        .exercises
        .iter()
        .flat_map(|e| &e.checks)
        .filter(|c| c.status == CheckStatus::Passed)
        .map(|c| c.name.as_str())
        .collect();
    // Without Landlock a check reads what its user may; without a network
    // namespace (not root, or a container that forbids one) it reaches the
    // machine's loopback (docs/sandbox.md, what remains).
    let mut expected = vec![
        "sane",
        "floods_stderr",
        "adds",
        "adds_seeded",
        "uses_ipc",
        "sane",
    ];
    if sandbox().landlock_abi().is_none() {
        expected.push("reads_course_copy");
    }
    if sandbox().netns().is_none() {
        expected.push("reaches_network");
    }
    assert_eq!(passed, expected);
    assert_eq!(graded.report.score, expected.len() as f64 + 1.0);
}

#[test]
fn every_check_ends_within_its_limit_plus_a_margin() {
    let graded = hostile();
    let limits = check_limits();
    for check in graded.report.exercises.iter().flat_map(|e| &e.checks) {
        // The compile-time cases have no check process (their bound is
        // the compile's; see case 20).
        let Some(&limit) = limits.get(check.name.as_str()) else {
            assert_eq!(check.kind, CheckKind::Build, "{}", check.name);
            continue;
        };
        assert!(
            check.duration_ms <= limit + MARGIN_MS,
            "{} took {} ms, limit {limit} ms",
            check.name,
            check.duration_ms
        );
    }
}

/// timeout_ms of every check in the fixture's metadata.
fn check_limits() -> BTreeMap<String, u64> {
    let mut limits = BTreeMap::new();
    for exercise in ["01-hostile", "02-calm", "03-escape", "04-integrity"] {
        let path = course()
            .join("grader/checks")
            .join(exercise)
            .join("checks.toml");
        let text = std::fs::read_to_string(path).unwrap();
        let file: toml::Table = toml::from_str(&text).unwrap();
        for check in file["check"].as_array().unwrap() {
            let name = check["name"].as_str().unwrap().to_string();
            let timeout = check.get("timeout_ms").and_then(|t| t.as_integer());
            limits.insert(name, timeout.unwrap_or(10_000) as u64);
        }
    }
    limits
}

#[test]
fn nothing_is_left_running_and_the_course_is_unchanged() {
    assert_nothing_left(hostile());
}

// ----- one test per case ------------------------------------------------------

#[test]
fn case_01_an_infinite_loop_times_out() {
    let check = hostile().check("01-hostile", "spins");
    assert_status(check, CheckStatus::Timeout, &["did not finish within 3 s"]);
}

#[test]
fn case_02_a_deadlock_times_out_naming_a_possible_deadlock() {
    let check = hostile().check("01-hostile", "deadlocks");
    assert_status(check, CheckStatus::Timeout, &["possible deadlock"]);
}

#[test]
fn case_03_a_panic_crashes_with_its_message() {
    let check = hostile().check("01-hostile", "panics");
    assert_status(
        check,
        CheckStatus::Crashed,
        &["panicked", "the submission gives up on purpose (case 3)"],
    );
}

#[test]
fn case_04_abort_crashes_naming_sigabrt() {
    let check = hostile().check("01-hostile", "aborts");
    assert_status(check, CheckStatus::Crashed, &["SIGABRT"]);
}

#[test]
fn case_05_a_segfault_crashes_naming_sigsegv() {
    let check = hostile().check("01-hostile", "segfaults");
    assert_status(check, CheckStatus::Crashed, &["SIGSEGV"]);
}

#[test]
fn case_06_unbounded_recursion_crashes_with_a_stack_overflow() {
    let check = hostile().check("01-hostile", "recurses");
    assert_status(check, CheckStatus::Crashed, &["stack overflow"]);
}

#[test]
fn case_07_unbounded_allocation_stops_at_the_memory_limit() {
    let check = hostile().check("01-hostile", "hoards");
    assert_status(check, CheckStatus::Crashed, &["out of memory", "128 MB"]);
    // The kernel limit held: the process never got much past it.
    let peak: u64 = check
        .message
        .split("peak resident memory ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no peak memory in: {}", check.message));
    assert!(peak <= 128 + 16, "peak resident memory {peak} MB");
}

#[test]
fn case_08_a_thread_bomb_stops_at_the_task_limit() {
    let check = hostile().check("01-hostile", "spawns_threads");
    assert_status(
        check,
        CheckStatus::Crashed,
        &[
            "failed to spawn thread",
            "task limit",
            "64 threads and processes",
        ],
    );
}

#[test]
fn case_09_a_fork_bomb_stops_at_the_task_limit() {
    let check = hostile().check("01-hostile", "forks");
    assert_status(
        check,
        CheckStatus::Timeout,
        &[
            "did not finish within 3 s",
            "task limit",
            "64 threads and processes",
        ],
    );
}

#[test]
fn case_10_floods_are_capped_the_checks_still_judged_and_the_report_readable() {
    let graded = hostile();
    let stdout = graded.check("01-hostile", "floods_stdout");
    // Judged by its verdict: the wrong answer after the flood is reported.
    assert_status(
        stdout,
        CheckStatus::Failed,
        &["expected: 42", "actual:   41", "1024 MB of output"],
    );
    let output = graded.output("01-hostile", "floods_stdout");
    assert!(output.contains("bytes of output not shown"), "{output}");
    assert!(
        output.contains("END OF FLOOD"),
        "the tail is kept: {output}"
    );
    assert!(output.len() < 9 * 1024, "{} bytes kept", output.len());
    // The right answer after a gigabyte on stderr passes.
    assert_status(
        graded.check("01-hostile", "floods_stderr"),
        CheckStatus::Passed,
        &[],
    );
    // The whole report stays small and renders.
    assert!(
        graded.json.len() < 64 * 1024,
        "JSON report: {} bytes",
        graded.json.len()
    );
    let human = threadlings_grader::report::human::render(&graded.report, false);
    assert!(
        human.len() < 64 * 1024,
        "human report: {} bytes",
        human.len()
    );
    assert!(human.contains("floods_stdout"));
}

#[test]
fn case_11_forged_results_earn_nothing() {
    let graded = hostile();
    let check = graded.check("01-hostile", "forges");
    assert_status(check, CheckStatus::Crashed, &["before the check finished"]);
    // The nonce was nowhere the submission could read it.
    let output = graded.output("01-hostile", "forges");
    assert!(
        output.contains("nonce in /proc/self/environ: none"),
        "{output}"
    );
    assert!(output.contains("nonce on stdin: \"\""), "{output}");
    assert!(output.contains("fd 4: Err("), "{output}");
}

#[test]
fn case_11_writing_on_the_result_channel_is_flagged() {
    let graded = hostile();
    let flags = &graded.exercise("01-hostile").integrity;
    assert!(
        flags
            .iter()
            .any(|f| f.kind == IntegrityKind::ResultChannel && f.check.as_deref() == Some("forges")),
        "{flags:?}"
    );
    assert!(graded.json.contains("\"result_channel\""));
}

#[test]
fn case_16_the_nonce_cannot_be_read_from_memory_in_safe_rust() {
    let graded = hostile();
    assert_status(
        graded.check("04-integrity", "reads_own_memory"),
        CheckStatus::Failed,
        &["forge_from_memory()"],
    );
    let output = graded.output("04-integrity", "reads_own_memory");
    assert!(
        output.contains("/proc/self/mem: Permission denied"),
        "{output}"
    );
    // The attempt itself is seen (the kit's tripwire) and flagged.
    let flags = &graded.exercise("04-integrity").integrity;
    assert!(
        flags.iter().any(|f| f.kind == IntegrityKind::ForbiddenOpen
            && f.check.as_deref() == Some("reads_own_memory")),
        "{flags:?}"
    );
}

#[test]
fn case_17_the_course_copy_cannot_be_read_at_run_time() {
    let graded = hostile();
    if sandbox().landlock_abi().is_none() {
        eprintln!("no Landlock on this kernel: reads are not confined (docs/sandbox.md)");
        return;
    }
    assert_status(
        graded.check("04-integrity", "reads_course_copy"),
        CheckStatus::Failed,
        &["peek_at_course()"],
    );
    let output = graded.output("04-integrity", "reads_course_copy");
    assert!(!output.contains("read "), "{output}");
    assert!(!output.contains("listed "), "{output}");
}

#[test]
fn case_18_a_check_reaches_no_server_outside_it() {
    let graded = hostile();
    if sandbox().netns().is_none() {
        eprintln!(
            "no network namespace (not root, or refused here): checks share the machine's \
             network (docs/sandbox.md)"
        );
        return;
    }
    assert_status(
        graded.check("04-integrity", "reaches_network"),
        CheckStatus::Failed,
        &["reach_network()"],
    );
}

#[test]
fn case_19_verdict_shaped_output_fails_the_check_and_is_flagged() {
    let graded = hostile();
    assert_status(
        graded.check("04-integrity", "prints_verdicts"),
        CheckStatus::Failed,
        &[
            "spoke on the grader's behalf",
            "shaped like the grader's verdicts",
        ],
    );
    let flags = &graded.exercise("04-integrity").integrity;
    assert!(
        flags
            .iter()
            .any(|f| f.kind == IntegrityKind::VerdictShapedOutput),
        "{flags:?}"
    );
}

fn assert_compile_bound(graded: &Graded, exercise: &str, words: &str) {
    let report = graded.exercise(exercise);
    assert_eq!(report.status, ExerciseStatus::CompileError, "{exercise}");
    assert_eq!(report.score, 0.0);
    let errors = report.build_errors.as_deref().unwrap_or("");
    assert!(errors.contains(words), "{exercise}: {errors}");
    assert!(
        report
            .integrity
            .iter()
            .any(|f| f.kind == IntegrityKind::CompileBound),
        "{exercise}: {:?}",
        report.integrity
    );
}

#[test]
fn case_20_a_constant_that_never_finishes_costs_only_its_exercise() {
    assert_compile_bound(
        hostile(),
        "05-compile-stall",
        "compilation did not finish within 5 s of CPU time",
    );
}

#[test]
fn case_20_the_grader_finishes_within_the_compile_bound_plus_a_margin() {
    // Graded alone, warm: the 5 s CPU bound, then the wall-clock backstop
    // (twice the bound plus 30 s) at the very worst, never a stall.
    let started = Instant::now();
    let graded = grade("hostile", &["05-compile-stall"], &[]);
    assert_compile_bound(&graded, "05-compile-stall", "did not finish");
    assert!(
        started.elapsed() < Duration::from_secs(5 * 2 + 30 + 60),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn case_21_a_constant_that_fills_memory_costs_only_its_exercise() {
    assert_compile_bound(
        hostile(),
        "06-compile-hog",
        "ran out of memory while compiling: more than 400 MiB",
    );
}

#[test]
fn case_22_the_hidden_checks_cannot_be_read_while_compiling() {
    let graded = hostile();
    if threadlings_grader::landlock::abi().is_none() {
        eprintln!("no Landlock on this kernel: compiles are not confined (docs/sandbox.md)");
        return;
    }
    let report = graded.exercise("07-compile-peek");
    assert_eq!(report.status, ExerciseStatus::CompileError);
    let errors = report.build_errors.as_deref().unwrap_or("");
    assert!(errors.contains("Permission denied"), "{errors}");
    assert!(!graded.json.contains("SECRET-MARKER-07"));
}

#[test]
fn case_23_unsafe_constructors_and_interposition_do_not_compile_unless_declared() {
    let graded = hostile();
    let report = graded.exercise("08-forge-unsafe");
    assert_eq!(report.status, ExerciseStatus::CompileError);
    assert_eq!(report.score, 0.0);
    let errors = report.build_errors.as_deref().unwrap_or("");
    for what in [
        "usage of an `unsafe` block",
        "`link_section`",
        "`no_mangle`",
        "requested on the command line with `-F unsafe-code`",
    ] {
        assert!(errors.contains(what), "{what}: {errors}");
    }
    // 01-hostile declares `unsafe`: it compiles, and is flagged for review.
    let hostile = graded.exercise("01-hostile");
    assert!(
        hostile
            .integrity
            .iter()
            .any(|f| f.kind == IntegrityKind::UnsafeReview),
        "{:?}",
        hostile.integrity
    );
}

#[test]
fn case_12_exit_in_the_middle_of_a_check_fails() {
    let check = hostile().check("01-hostile", "exits_early");
    assert_status(
        check,
        CheckStatus::Crashed,
        &["exited (code 0) before the check finished"],
    );
}

#[test]
fn case_13_edited_manifests_checks_and_build_scripts_are_ignored() {
    let marker = Path::new("/tmp/threadlings-tampered-build-rs");
    let _ = std::fs::remove_file(marker);
    let graded = grade("tamper", &["01-hostile", "02-calm", "03-escape"], &[]);
    assert!(!marker.exists(), "the submission's build.rs ran");
    // Built from the course's Cargo.toml and checks: the unknown dependency
    // and the checks that do not compile were never seen; points unchanged.
    assert_eq!(graded.report.max_score, 20.0);
    assert_eq!(graded.report.score, 20.0, "{}", graded.json);
    assert!(
        graded
            .report
            .exercises
            .iter()
            .all(|e| e.status == ExerciseStatus::Passed && e.build_errors.is_none())
    );
    assert_eq!(graded.report.exercises[0].title, "Hostile code");
    assert_nothing_left(&graded);
}

#[test]
fn case_14_writes_outside_the_scratch_directory_are_refused() {
    let graded = hostile();
    let check = graded.check("03-escape", "writes_files");
    assert_status(check, CheckStatus::Failed, &["actual:   41"]);
    let output = graded.output("03-escape", "writes_files");
    assert!(
        output.contains("INSIDE ok"),
        "the working directory is writable:\n{output}"
    );
    let refused = output.lines().filter(|l| l.starts_with("REFUSED ")).count();
    let wrote: Vec<&str> = output.lines().filter(|l| l.starts_with("WROTE ")).collect();
    if sandbox().landlock_abi().is_some() {
        assert!(
            wrote.is_empty(),
            "writes outside the scratch directory:\n{output}"
        );
        assert!(refused >= 9, "{output}");
    }
    assert_no_escaped_files(graded, &wrote);
}

#[test]
fn case_14_without_landlock_the_leased_user_cannot_write_the_course_and_stray_files_are_removed() {
    if !sandbox().privileged() {
        return; // without root, Landlock is the only barrier (see docs/sandbox.md)
    }
    let graded = grade(
        "hostile",
        &["03-escape"],
        &[("THREADLINGS_SANDBOX_LANDLOCK", "off")],
    );
    let output = graded.output("03-escape", "writes_files");
    assert!(output.contains("INSIDE ok"), "{output}");
    let wrote: Vec<&str> = output.lines().filter(|l| l.starts_with("WROTE ")).collect();
    assert_no_escaped_files(&graded, &wrote);
    assert_nothing_left(&graded);
}

/// Only world-writable places may have been written (without Landlock), and
/// nothing written there survives the check.
fn assert_no_escaped_files(graded: &Graded, wrote: &[&str]) {
    let seed = graded.seed;
    for line in wrote {
        let path = line.trim_start_matches("WROTE ");
        assert!(
            ["/tmp/", "/var/tmp/", "/dev/shm/", "../"]
                .iter()
                .any(|shared| path.starts_with(shared)),
            "wrote outside the shared temporary directories: {path}"
        );
    }
    let mut places: Vec<PathBuf> = ["/tmp", "/var/tmp", "/dev/shm"]
        .iter()
        .map(|dir| Path::new(dir).join(format!("threadlings-escape-{seed}")))
        .collect();
    places.push(course().join(format!("escape-{seed}")));
    places.push(std::env::temp_dir().join(format!("threadlings-escape-{seed}")));
    for place in places {
        assert!(!place.exists(), "{} was left behind", place.display());
    }
    // Nothing planted beside any check program, nothing added to the build.
    let planted = format!("planted-{seed}");
    let escaped = format!("escape-{seed}");
    let built = target_dir().join("threadlings");
    let mut stack = vec![built.join("out"), built.join("subjects")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            assert!(
                name != planted && name != escaped,
                "{} was left behind",
                entry.path().display()
            );
            if entry.file_type().is_ok_and(|t| t.is_dir()) && name != "deps" {
                stack.push(entry.path());
            }
        }
    }
    assert!(
        graded.course_before == graded.course_after,
        "the course changed"
    );
}

#[test]
fn case_15_an_escaped_grandchild_is_killed_when_the_check_ends() {
    let graded = hostile();
    let check = graded.check("03-escape", "starts_helper");
    assert_status(
        check,
        CheckStatus::Failed,
        &[
            "1 process started by the code under test was still running",
            "killed",
        ],
    );
    let output = graded.output("03-escape", "starts_helper");
    assert!(
        output.contains(&format!("sleep 3600.{}", graded.seed)),
        "the daemon started: {output}"
    );
    assert_nothing_left(graded);
}

#[test]
fn system_v_ipc_objects_do_not_outlive_the_check() {
    let graded = hostile();
    let output = graded.output("03-escape", "uses_ipc");
    assert_status(
        graded.check("03-escape", "uses_ipc"),
        CheckStatus::Passed,
        &[],
    );
    if !sandbox().privileged() {
        return; // unprivileged, they are the student's own objects
    }
    let key = ((graded.seed % 0x7fff_0000) + 1).to_string();
    for table in ["shm", "msg", "sem"] {
        let text = std::fs::read_to_string(format!("/proc/sysvipc/{table}")).unwrap();
        let left = text
            .lines()
            .skip(1)
            .filter(|line| line.split_whitespace().next() == Some(key.as_str()))
            .count();
        assert_eq!(
            left, 0,
            "a System V {table} object with key {key} outlived the check"
        );
    }
    assert!(output.is_empty(), "a passed check shows no output");
}

// ----- unprivileged mode -------------------------------------------------------

/// A student grading on their own machine runs the grader as an ordinary
/// user: no user id per check, the task limit on top of the user's own tasks,
/// Landlock as the only barrier for files. This test re-runs this binary as
/// another user (`unprivileged_child`), which runs the hostile check programs
/// built above through the library, exactly as the grader would.
#[test]
fn unprivileged_mode_contains_the_same_attacks() {
    if !sandbox().privileged() {
        return; // this whole file already runs unprivileged
    }
    let graded = hostile();
    let subject = fixture().join("subjects/hostile");
    // The output directory is the subject's slug, tagged with the course
    // root because this target directory lies outside the fixture course.
    let out = target_dir().join("threadlings/out");
    let programs = std::fs::read_dir(&out)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("grade"))
        .find(|grade| {
            let dir = grade.parent().unwrap().file_name().unwrap();
            dir.to_string_lossy().starts_with(&slug(&subject))
                && grade.join("check-hostile").is_file()
        })
        .unwrap_or_else(|| out.join(slug(&subject)).join("grade"));
    assert!(
        programs.join("check-hostile").is_file(),
        "no check program in {}",
        programs.display()
    );
    let seed = graded.seed + 1;
    let _alone = ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner());
    let uid = 1_900_000_000 + std::process::id() % 100_000;
    // The other user may not be able to enter the directory this clone sits
    // in (root's home, a `mktemp -d`): run copies of this test binary and of
    // the check programs from a directory everyone can enter, as the grader
    // stages programs for leased users.
    let staging = tempfile::Builder::new()
        .prefix("threadlings-sandbox-test-")
        .tempdir_in("/tmp")
        .unwrap();
    let open_to_all = |path: &Path| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    open_to_all(staging.path());
    let staged_programs = staging.path().join("programs");
    std::fs::create_dir(&staged_programs).unwrap();
    open_to_all(&staged_programs);
    for entry in std::fs::read_dir(&programs).unwrap().flatten() {
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            let to = staged_programs.join(entry.file_name());
            std::fs::copy(entry.path(), &to).unwrap();
            open_to_all(&to);
        }
    }
    let test_binary = staging.path().join("sandbox-test");
    std::fs::copy(std::env::current_exe().unwrap(), &test_binary).unwrap();
    open_to_all(&test_binary);
    let programs = staged_programs;
    let output = std::process::Command::new(&test_binary)
        .args([
            "--exact",
            "sandbox::unprivileged_child",
            "--ignored",
            "--nocapture",
        ])
        .args(["--test-threads", "1"])
        .env("SANDBOX_CHILD_PROGRAMS", &programs)
        .env("SANDBOX_CHILD_SEED", seed.to_string())
        .env("TMPDIR", "/tmp")
        .current_dir("/")
        .uid(uid)
        .gid(uid)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "the unprivileged run failed:\n{text}"
    );
    assert!(
        text.contains("1 passed"),
        "the unprivileged child did not run:\n{text}"
    );
    let left = leftovers(seed);
    assert!(left.is_empty(), "left running:\n{}", left.join("\n"));
}

use std::os::unix::process::CommandExt;

/// The name of the subject's build directory (see `Subject::directory`).
fn slug(subject: &Path) -> String {
    let label = subject.canonicalize().unwrap().display().to_string();
    let hash = label.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("dir-{hash:016x}")
}

#[test]
#[ignore = "the half of unprivileged_mode_contains_the_same_attacks that runs as another user"]
fn unprivileged_child() {
    use threadlings_grader::run::{CheckJob, LimitHit, Limits, RunOutcome, run_check};
    use threadlings_schema::protocol::Verdict;

    let Some(programs) = std::env::var_os("SANDBOX_CHILD_PROGRAMS").map(PathBuf::from) else {
        return;
    };
    let seed: u64 = std::env::var("SANDBOX_CHILD_SEED")
        .unwrap()
        .parse()
        .unwrap();
    assert!(!sandbox().privileged());
    // Unprivileged, the grader cannot raise its priority over the check's
    // processes (docs/sandbox.md): while a fork bomb keeps every core busy on
    // a machine already loaded by others, the grader may get a CPU seconds
    // after the deadline. Its containment is what this mode promises there.
    let margin_ms = |check: &str| if check == "forks" { 6000 } else { MARGIN_MS };
    let run = |program: &str, check: &str, timeout_ms: u64, limits: Limits| {
        let run = run_check(&CheckJob {
            exercise: "x".to_string(),
            check: check.to_string(),
            program: programs.join(program),
            seed,
            timeout: Duration::from_millis(timeout_ms),
            exclusive: false,
            limits,
            budget: Default::default(),
            read: Vec::new(),
        });
        println!("{check}: {:?} {:?}", run.outcome, run.limits_hit);
        assert!(
            run.duration <= Duration::from_millis(timeout_ms + margin_ms(check)),
            "{check} took {:?}",
            run.duration
        );
        run
    };
    let small = Limits {
        max_tasks: 64,
        ..Limits::default()
    };

    let sane = run("check-hostile", "sane", 10_000, Limits::default());
    assert_eq!(sane.outcome, RunOutcome::Reported(Verdict::Passed));

    let spins = run("check-hostile", "spins", 2000, Limits::default());
    assert!(matches!(spins.outcome, RunOutcome::TimedOut { .. }));

    let forks = run("check-hostile", "forks", 2000, small);
    assert!(matches!(forks.outcome, RunOutcome::TimedOut { .. }));
    assert!(forks.limits_hit.contains(&LimitHit::Tasks { limit: 64 }));

    let threads = run("check-hostile", "spawns_threads", 10_000, small);
    assert!(threads.limits_hit.contains(&LimitHit::Tasks { limit: 64 }));

    let forges = run("check-hostile", "forges", 10_000, Limits::default());
    assert_eq!(forges.outcome, RunOutcome::ExitedEarly { code: 0 });
    assert!(forges.output.contains("nonce in /proc/self/environ: none"));

    let helper = run("check-escape", "starts_helper", 10_000, Limits::default());
    assert!(
        helper
            .limits_hit
            .contains(&LimitHit::LeftRunning { processes: 1 })
    );

    let files = run("check-escape", "writes_files", 10_000, Limits::default());
    assert!(files.output.contains("INSIDE ok"), "{}", files.output);
    if sandbox().landlock_abi().is_some() {
        assert!(!files.output.contains("WROTE"), "{}", files.output);
        assert!(!Path::new(&format!("/tmp/threadlings-escape-{seed}")).exists());
    } else {
        // Without Landlock an ordinary user's check writes where the user
        // can: nothing stops it (see docs/sandbox.md).
        let _ = std::fs::remove_file(format!("/tmp/threadlings-escape-{seed}"));
    }
}

/// The sandbox's cost per check, for docs/sandbox.md "Cost" (run by
/// `scripts/bench-sandbox.sh`, never as a timed assertion): the median of
/// 100 runs of a trivial check through `run_check`, against the same program
/// started and waited for with `std::process::Command`.
#[test]
#[ignore = "a benchmark: scripts/bench-sandbox.sh"]
fn bench_per_check_cost() {
    use threadlings_grader::run::{CheckJob, Limits, run_check};
    let graded = grade("hostile", &["02-calm"], &[]);
    assert_eq!(graded.exercise("02-calm").score, 3.0);
    let program = std::fs::read_dir(target_dir().join("threadlings/out"))
        .unwrap()
        .flatten()
        .map(|e| e.path().join("grade/check-calm"))
        .find(|p| p.is_file())
        .expect("the calm check program was built");
    let median = |mut samples: Vec<Duration>| {
        samples.sort();
        samples[samples.len() / 2]
    };
    let runs = 100;
    let sandboxed: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let run = run_check(&CheckJob {
                exercise: "02-calm".to_string(),
                check: "adds".to_string(),
                program: program.clone(),
                seed: 1,
                timeout: Duration::from_secs(10),
                exclusive: false,
                limits: Limits::DEFAULT,
                budget: Default::default(),
                read: Vec::new(),
            });
            assert!(matches!(
                run.outcome,
                threadlings_grader::run::RunOutcome::Reported(_)
            ));
            started.elapsed()
        })
        .collect();
    let plain: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = std::process::Command::new(&program)
                .args(["adds", "--seed", "1"])
                .stdout(std::process::Stdio::null())
                .status()
                .unwrap();
            assert!(status.success());
            started.elapsed()
        })
        .collect();
    let (sandboxed, plain) = (median(sandboxed), median(plain));
    println!(
        "per check, median of {runs}: sandboxed {:.2} ms, plain spawn {:.2} ms, sandbox cost {:.2} ms \
         (privileged: {}, landlock ABI: {:?}, network namespace: {})",
        sandboxed.as_secs_f64() * 1e3,
        plain.as_secs_f64() * 1e3,
        (sandboxed.as_secs_f64() - plain.as_secs_f64()) * 1e3,
        sandbox().privileged(),
        sandbox().landlock_abi(),
        sandbox().netns().is_some(),
    );
}
