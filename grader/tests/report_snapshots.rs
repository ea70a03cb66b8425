//! Snapshots of the human and JSON reports, rendered from one hand-built
//! report that holds every status a check or an exercise can have. Built by
//! hand (not by grading) so the snapshots change only when a renderer does.

use threadlings_grader::report::{human, json};
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport,
    REPORT_FORMAT_VERSION,
};

fn check(
    name: &str,
    kind: CheckKind,
    status: CheckStatus,
    points: f64,
    message: &str,
) -> CheckReport {
    let replay = "cargo run -p grader -- --only 01-threads --seed 4242";
    check_replayed_by(name, kind, status, points, message, replay)
}

/// A graded check of the hand-built reports (seed 4242, 12 ms): full
/// points if it passed, none otherwise; `replay` shown unless it passed
/// or was skipped. Also the Korean reports' (`korean.rs`).
pub(crate) fn check_replayed_by(
    name: &str,
    kind: CheckKind,
    status: CheckStatus,
    points: f64,
    message: &str,
    replay: &str,
) -> CheckReport {
    let passed = status == CheckStatus::Passed;
    let skipped = status == CheckStatus::Skipped;
    CheckReport {
        score: if passed { points } else { 0.0 },
        message: message.to_string(),
        duration_ms: 12,
        replay: (!passed && !skipped).then(|| replay.to_string()),
        ..CheckReport::without_evidence(
            name,
            kind,
            status,
            if skipped { 0.0 } else { points },
            4242,
        )
    }
}

fn exercise(
    name: &str,
    title: &str,
    status: ExerciseStatus,
    checks: Vec<CheckReport>,
) -> ExerciseReport {
    ExerciseReport {
        name: name.to_string(),
        title: title.to_string(),
        topic: name.split_once('-').unwrap().1.to_string(),
        score: checks.iter().map(|c| c.score).sum(),
        max_score: checks.iter().map(|c| c.max_score).sum(),
        status,
        checks,
        build_errors: None,
        integrity: Vec::new(),
        reused: None,
        title_ko: None,
    }
}

fn sample_report() -> GradeReport {
    let mut crashed = check(
        "panicking_worker_is_reported",
        CheckKind::Test,
        CheckStatus::Crashed,
        2.0,
        "panicked at src/lib.rs:40: called `Result::unwrap()` on an `Err` value: Any { .. }",
    );
    crashed.output =
        Some("--- stderr ---\nthread 'worker-3' panicked at src/lib.rs:40".to_string());
    let failed_threads = exercise(
        "01-threads",
        "Threads: spawn and join",
        ExerciseStatus::Failed,
        vec![
            check(
                "results_in_worker_order",
                CheckKind::Test,
                CheckStatus::Passed,
                2.0,
                "",
            ),
            check(
                "workers_run_concurrently",
                CheckKind::Timing,
                CheckStatus::Failed,
                2.0,
                "your workers never ran at the same time\n  expected: 5 workers alive at once\n  actual:   at most 1",
            ),
            crashed,
            check(
                "shutdown_joins_everything",
                CheckKind::Race,
                CheckStatus::Timeout,
                1.0,
                "did not finish within 30 s: possible deadlock or infinite loop in `shutdown_joins_everything`",
            ),
            check(
                "speedup_on_cores",
                CheckKind::Timing,
                CheckStatus::Skipped,
                1.0,
                "skipped: only one core",
            ),
        ],
    );
    let passed = exercise(
        "02-processes",
        "Processes: spawn, wait, kill",
        ExerciseStatus::Passed,
        vec![check(
            "children_run_concurrently",
            CheckKind::Process,
            CheckStatus::Passed,
            3.0,
            "",
        )],
    );
    let mut broken = exercise(
        "03-channels",
        "Channels: pipelines and backpressure",
        ExerciseStatus::CompileError,
        vec![CheckReport {
            max_score: 6.0,
            ..check(
                "build",
                CheckKind::Build,
                CheckStatus::CompileError,
                6.0,
                "your code does not compile; fix the errors below",
            )
        }],
    );
    broken.build_errors = Some(
        "error[E0308]: mismatched types\n --> src/lib.rs:12:5\n  |\n12 |     42\n  |     ^^ expected `Vec<u32>`, found integer"
            .to_string(),
    );
    let not_started = exercise(
        "04-shared-state",
        "Shared state: Arc and Mutex",
        ExerciseStatus::NotStarted,
        vec![check(
            "counter_is_exact",
            CheckKind::Race,
            CheckStatus::Failed,
            4.0,
            "not started yet: a task this check uses still calls todo!()",
        )],
    );
    let exercises = vec![failed_threads, passed, broken, not_started];
    GradeReport {
        format_version: REPORT_FORMAT_VERSION,
        subject: "exercises".to_string(),
        seed: 4242,
        score: exercises.iter().map(|e| e.score).sum(),
        max_score: exercises.iter().map(|e| e.max_score).sum(),
        duration_ms: 1234,
        exercises,
    }
}

#[test]
fn human_report() {
    insta::assert_snapshot!("human_report", human::render(&sample_report(), false));
}

#[test]
fn human_report_all_passed() {
    let mut report = sample_report();
    report
        .exercises
        .retain(|e| e.status == ExerciseStatus::Passed);
    report.score = report.exercises.iter().map(|e| e.score).sum();
    report.max_score = report.score;
    insta::assert_snapshot!("human_report_all_passed", human::render(&report, false));
}

#[test]
fn human_report_without_colour_has_no_escape_codes() {
    assert!(!human::render(&sample_report(), false).contains('\u{1b}'));
    assert!(human::render(&sample_report(), true).contains('\u{1b}'));
}

#[test]
fn json_report() {
    insta::assert_snapshot!("json_report", json::render(&sample_report()));
}

#[test]
fn json_report_round_trips() {
    let report = sample_report();
    let parsed: GradeReport = serde_json::from_str(&json::render(&report)).unwrap();
    assert_eq!(parsed, report);
}
