//! The Korean track of the grader: the human report, the `list`, `hint`
//! and `verify` chrome and `--help` in Korean with `--lang ko` or a Korean
//! locale, the grader's own explanations worded in Korean from the report's
//! data (the `messages` catalogs), and the JSON report the same byte for byte
//! whatever the language.

use crate::fixture_course;

use std::time::Duration;

use predicates::prelude::*;
use threadlings_grader::build::ExerciseBuild;
use threadlings_grader::course::{CheckPlan, ExercisePlan};
use threadlings_grader::i18n::Lang;
use threadlings_grader::messages;
use threadlings_grader::report::{human, timeline};
use threadlings_grader::run::{CheckRun, LimitHit, Limits, RunOutcome, Tamper};
use threadlings_grader::score::{CheckAttempt, score_exercise};
use threadlings_grader::subject::scan::{Finding, refusal};
use threadlings_schema::protocol::{Failure, Verdict};
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, Crash, ExerciseReport, ExerciseStatus, Explanation,
    GradeReport, REPORT_FORMAT_VERSION, SandboxFinding, TaskEvent, Timeline,
};

/// The command that replays one check of the hand-built reports.
fn replay(check: &str) -> String {
    format!("cargo run -p grader -- replay 01-threads {check} --seed 4242")
}

fn has_hangul(text: &str) -> bool {
    text.chars().any(|c| ('가'..='힣').contains(&c))
}

// ---------------------------------------------------------------------------
// The human report, rendered from a hand-built report.

fn check(
    name: &str,
    kind: CheckKind,
    status: CheckStatus,
    points: f64,
    message: &str,
) -> CheckReport {
    crate::report_snapshots::check_replayed_by(name, kind, status, points, message, &replay(name))
}

/// A check the grader explained, its message rendered as the score stage
/// renders it.
fn explained(
    name: &str,
    kind: CheckKind,
    status: CheckStatus,
    points: f64,
    explanation: Explanation,
    findings: Vec<SandboxFinding>,
) -> CheckReport {
    let head = messages::en::explanation(&explanation);
    CheckReport {
        explanation: Some(explanation),
        findings: findings.clone(),
        ..check(
            name,
            kind,
            status,
            points,
            &messages::message(&head, &findings),
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

fn event(task: &str, start_ms: u64, end_ms: Option<u64>) -> TaskEvent {
    TaskEvent {
        task: task.to_string(),
        thread: 0,
        start_us: start_ms * 1000,
        end_us: end_ms.map(|ms| ms * 1000),
    }
}

/// Every status an exercise or a check can have, with the messages the
/// grader writes for them (and one a check wrote, which stays English).
fn sample_report() -> GradeReport {
    let mut sequential = check(
        "workers_run_concurrently",
        CheckKind::Timing,
        CheckStatus::Failed,
        2.0,
        "your workers never ran at the same time\n  expected: 5 workers alive at once\n  actual:   at most 1",
    );
    sequential.timeline = Some(Timeline {
        label: "spawn_workers(3)".to_string(),
        events: vec![
            event("worker 0", 0, Some(100)),
            event("worker 1", 100, Some(200)),
            event("worker 2", 200, None),
        ],
        omitted: 2,
        peak_in_flight: 1,
        threads: 1,
        notes: vec!["took 300 ms".to_string()],
    });
    let mut crashed = explained(
        "panicking_worker_is_reported",
        CheckKind::Test,
        CheckStatus::Crashed,
        2.0,
        Explanation::Panicked {
            location: Some("src/lib.rs:40:9".to_string()),
            message: "called `Result::unwrap()` on an `Err` value: Any { .. }".to_string(),
        },
        Vec::new(),
    );
    crashed.output = Some(
        (1..=14)
            .map(|i| format!("worker {i} done"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
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
            sequential,
            crashed,
            explained(
                "shutdown_joins_everything",
                CheckKind::Race,
                CheckStatus::Timeout,
                1.0,
                Explanation::Timeout {
                    limit_ms: 30_000,
                    check: "shutdown_joins_everything".to_string(),
                },
                vec![SandboxFinding::LeftoverProcesses { count: 2 }],
            ),
            explained(
                "stack_is_bounded",
                CheckKind::Test,
                CheckStatus::Crashed,
                1.0,
                Explanation::Crashed {
                    crash: Crash::StackOverflow,
                    after_finish: false,
                },
                Vec::new(),
            ),
            explained(
                "named_threads",
                CheckKind::Test,
                CheckStatus::Failed,
                1.0,
                Explanation::NotStarted {
                    detail: "not yet implemented".to_string(),
                },
                Vec::new(),
            ),
            explained(
                "speedup_on_cores",
                CheckKind::Timing,
                CheckStatus::Skipped,
                1.0,
                Explanation::Skipped {
                    reason: "only one core".to_string(),
                    kit: None,
                },
                Vec::new(),
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
        vec![explained(
            "build",
            CheckKind::Build,
            CheckStatus::CompileError,
            6.0,
            Explanation::DoesNotCompile {
                package: "channels".to_string(),
            },
            Vec::new(),
        )],
    );
    broken.build_errors = Some(
        (0..42)
            .map(|i| format!("error[E0308]: mismatched types (line {i})"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let not_started = exercise(
        "04-shared-state",
        "Shared state: Arc and Mutex",
        ExerciseStatus::NotStarted,
        vec![explained(
            "counter_is_exact",
            CheckKind::Race,
            CheckStatus::Failed,
            4.0,
            Explanation::StubsUntouched,
            Vec::new(),
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
fn korean_human_report() {
    insta::assert_snapshot!(
        "korean_human_report",
        human::render_in(&sample_report(), false, Lang::Ko)
    );
}

#[test]
fn korean_human_report_all_passed() {
    let mut report = sample_report();
    report
        .exercises
        .retain(|e| e.status == ExerciseStatus::Passed);
    report.score = report.exercises.iter().map(|e| e.score).sum();
    report.max_score = report.score;
    let text = human::render_in(&report, false, Lang::Ko);
    assert!(text.contains("모두 통과했습니다. 잘했어요!"), "{text}");
    assert!(!text.contains("Everything passes"), "{text}");
}

#[test]
fn english_is_still_the_default_rendering() {
    let report = sample_report();
    let english = human::render_in(&report, false, Lang::En);
    assert_eq!(human::render(&report, false), english);
    assert!(!has_hangul(&english), "{english}");
    // A check's own message is never translated, in any language.
    let korean = human::render_in(&report, false, Lang::Ko);
    assert!(korean.contains("your workers never ran at the same time"));
    // Colour codes wrap the translated words as they wrap the English ones.
    assert!(human::render_in(&report, true, Lang::Ko).contains('\u{1b}'));
}

// ---------------------------------------------------------------------------
// Every explanation the score stage, the sandbox and the facade scan write,
// produced by the real code, carries its data and reads Korean in the human
// report, while its JSON message stays the English catalog's.

fn plan() -> ExercisePlan {
    ExercisePlan {
        name: "01-threads".to_string(),
        title: "Threads".to_string(),
        topic: "threads".to_string(),
        hints: Vec::new(),
        hints_ko: Vec::new(),
        exercise_dir: "exercises/01-threads".into(),
        checks_dir: "grader/checks/01-threads".into(),
        package: "threads".to_string(),
        check_package: "check-threads".to_string(),
        checks: Vec::new(),
        wrong_answers: Vec::new(),
        allow_unsafe: false,
        compile: threadlings_grader::course::CompileBounds::DEFAULT,
        sandbox_read: Vec::new(),
        title_ko: None,
    }
}

fn check_plan(name: &str, variant: Option<&str>) -> CheckPlan {
    CheckPlan {
        name: name.to_string(),
        kind: CheckKind::Race,
        points: 1.0,
        timeout: Duration::from_secs(30),
        exclusive: false,
        variant: variant.map(str::to_string),
        description: String::new(),
        private: false,
        limits: Limits::DEFAULT,
        budget: Default::default(),
    }
}

fn run(outcome: RunOutcome, limits_hit: Vec<LimitHit>) -> CheckRun {
    CheckRun {
        outcome,
        duration: Duration::from_millis(5),
        output: String::new(),
        evidence: threadlings_grader::run::Evidence::default(),
        limits_hit,
    }
}

/// The checks the real score stage reports for `attempts`.
fn scored_checks(build: &ExerciseBuild, attempts: Vec<CheckAttempt>) -> Vec<CheckReport> {
    let mut plan = plan();
    plan.checks = (0..attempts.len())
        .map(|i| check_plan(&format!("check_{i}"), Some("loom")))
        .collect();
    score_exercise(&plan, build, &attempts, 4242, &replay).checks
}

/// The messages the real score stage writes for `attempts`.
fn scored(build: &ExerciseBuild, attempts: Vec<CheckAttempt>) -> Vec<String> {
    scored_checks(build, attempts)
        .into_iter()
        .map(|c| c.message)
        .collect()
}

fn in_lang(lang: Lang, check: &CheckReport) -> String {
    messages::render(lang, check, &|own| own.to_string())
}

fn assert_translated(check: &CheckReport) {
    let english = &check.message;
    assert!(
        check.explanation.is_some() || !check.findings.is_empty(),
        "no data behind: {english}"
    );
    let korean = in_lang(Lang::Ko, check);
    assert!(
        &korean != english && has_hangul(&korean),
        "not translated: {english}"
    );
    // Nothing of the English explanation is left but values and code.
    for sentence in english.split("; ") {
        if sentence.split_whitespace().count() > 3 {
            assert!(
                !korean.contains(sentence),
                "left in English: {sentence}\n in {korean}"
            );
        }
    }
    assert_eq!(&in_lang(Lang::En, check), english);
}

#[test]
fn every_explanation_the_grader_writes_is_translated() {
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    let all_limits = vec![
        LimitHit::Memory {
            limit_mb: 64,
            peak_kb: 70_000,
        },
        LimitHit::Tasks { limit: 16 },
        LimitHit::FileSize { limit_mb: 8 },
        LimitHit::Output {
            limit_kb: 16,
            total_bytes: 30 * 1024 * 1024,
        },
        LimitHit::LeftRunning { processes: 1 },
        LimitHit::LeftRunning { processes: 3 },
        LimitHit::Tampered(Tamper::ForeignResultLines { lines: 2 }),
        LimitHit::Tampered(Tamper::VerdictShapedOutput),
        LimitHit::Tampered(Tamper::ForbiddenOpen),
    ];
    let mut attempts = vec![
        CheckAttempt::Ran(run(
            RunOutcome::TimedOut {
                limit: Duration::from_secs(30),
            },
            Vec::new(),
        )),
        CheckAttempt::Ran(run(
            RunOutcome::TimedOut {
                limit: Duration::from_secs(10),
            },
            all_limits.clone(),
        )),
        CheckAttempt::Ran(run(RunOutcome::ExitedEarly { code: 3 }, Vec::new())),
        CheckAttempt::Ran(run(
            RunOutcome::NotRun("No such file or directory (os error 2)".to_string()),
            Vec::new(),
        )),
        CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::NotStarted {
                message: "not yet implemented: spawn_workers(n)".to_string(),
            }),
            Vec::new(),
        )),
        CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Panicked {
                message: "index out of bounds: the len is 3 but the index is 7".to_string(),
                location: Some("src/lib.rs:12:5".to_string()),
            }),
            Vec::new(),
        )),
        CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Panicked {
                message: "boom".to_string(),
                location: None,
            }),
            vec![LimitHit::Tasks { limit: 8 }],
        )),
        CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Skipped {
                reason: "only one core".to_string(),
                kit: None,
            }),
            Vec::new(),
        )),
        CheckAttempt::NotBuilt("error[E0425]: cannot find value".to_string()),
        CheckAttempt::Refused(
            refusal(&[
                Finding {
                    file: "src/lib.rs".to_string(),
                    line: 3,
                    what: "`std::sync::Mutex`".to_string(),
                },
                Finding {
                    file: "src/lib.rs".to_string(),
                    line: 9,
                    what: "`unsafe`".to_string(),
                },
            ])
            .expect("findings make a refusal"),
        ),
    ];
    for stack_overflow in [true, false] {
        for signal in [
            libc::SIGABRT,
            libc::SIGSEGV,
            libc::SIGBUS,
            libc::SIGKILL,
            libc::SIGFPE,
            libc::SIGILL,
            libc::SIGXCPU,
            libc::SIGPIPE,
            libc::SIGXFSZ,
            libc::SIGUSR1,
        ] {
            for verdict in [None, Some(Verdict::Passed)] {
                attempts.push(CheckAttempt::Ran(run(
                    RunOutcome::Signaled {
                        signal,
                        stack_overflow,
                        verdict,
                    },
                    Vec::new(),
                )));
            }
        }
    }
    let mut checks = scored_checks(&ready, attempts);
    for (errors, in_checks) in [("error", true), ("error", false)] {
        let failed = ExerciseBuild::Failed {
            errors: errors.to_string(),
            in_checks,
            bound: None,
        };
        checks.extend(scored_checks(
            &failed,
            vec![CheckAttempt::NotBuilt(String::new())],
        ));
    }
    checks.extend(scored_checks(
        &ExerciseBuild::Missing,
        vec![CheckAttempt::NotBuilt(String::new())],
    ));
    for check in &checks {
        assert_translated(check);
    }
    // Each sandbox finding, after a message the grader wrote.
    let with_limits = &checks[1];
    assert_eq!(with_limits.findings.len(), all_limits.len());
    let korean = in_lang(Lang::Ko, with_limits);
    for hit in &all_limits {
        assert!(
            !korean.contains(&hit.describe()),
            "{} left in English",
            hit.describe()
        );
    }
    assert_eq!(korean.matches("; ").count(), all_limits.len(), "{korean}");
}

#[test]
fn a_checks_own_message_stays_english_and_its_limits_are_translated() {
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    let failure = Failure {
        message: "the counter lost updates; 3 of 4000 increments are missing".to_string(),
        expected: Some("4000".to_string()),
        actual: Some("3997".to_string()),
        race: None,
        kit: None,
    };
    let english = failure.render();
    let plain = scored(
        &ready,
        vec![CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Failed(failure.clone())),
            Vec::new(),
        ))],
    );
    assert_eq!(plain[0], english);
    let plain = scored_checks(
        &ready,
        vec![CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Failed(failure.clone())),
            Vec::new(),
        ))],
    );
    assert_eq!(plain[0].explanation, None);
    assert_eq!(in_lang(Lang::Ko, &plain[0]), english);
    let with_limit = scored_checks(
        &ready,
        vec![CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Failed(failure)),
            vec![LimitHit::LeftRunning { processes: 2 }],
        ))],
    );
    assert!(with_limit[0].message.starts_with(&english));
    let korean = in_lang(Lang::Ko, &with_limit[0]);
    assert!(korean.starts_with(&format!("{english}; ")), "{korean}");
    assert!(korean.contains("프로세스 2개"), "{korean}");
}

/// The real score stage's report of a timed-out check that also ran into
/// the memory limit and forged a result line, in a grading report.
fn timed_out_report() -> GradeReport {
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    let mut plan = plan();
    plan.checks = vec![check_plan("counter_is_exact", None)];
    let attempts = vec![CheckAttempt::Ran(run(
        RunOutcome::TimedOut {
            limit: Duration::from_secs(30),
        },
        vec![
            LimitHit::Memory {
                limit_mb: 64,
                peak_kb: 70_000,
            },
            LimitHit::Tampered(Tamper::ForeignResultLines { lines: 2 }),
        ],
    ))];
    let exercise = score_exercise(&plan, &ready, &attempts, 4242, &replay);
    GradeReport {
        format_version: REPORT_FORMAT_VERSION,
        subject: "exercises".to_string(),
        seed: 4242,
        score: exercise.score,
        max_score: exercise.max_score,
        duration_ms: 5,
        exercises: vec![exercise],
    }
}

#[test]
fn a_timed_out_check_and_its_sandbox_limits_read_korean_and_the_json_stays_english() {
    let report = timed_out_report();
    let check = &report.exercises[0].checks[0];
    assert_eq!(
        check.explanation,
        Some(Explanation::Timeout {
            limit_ms: 30_000,
            check: "counter_is_exact".to_string(),
        })
    );
    assert_eq!(
        check.findings,
        vec![
            SandboxFinding::OutOfMemory {
                limit_mb: 64,
                peak_mb: 68,
            },
            SandboxFinding::ResultChannelForged { lines: 2 },
        ]
    );

    // The JSON keeps the English sentence and carries the data beside it.
    let json = serde_json::to_string_pretty(&report).unwrap();
    assert!(
        json.contains("\"message\": \"did not finish within 30 s: possible deadlock"),
        "{json}"
    );
    assert!(
        json.contains("; out of memory: an allocation failed"),
        "{json}"
    );
    assert!(json.contains("\"kind\": \"timeout\""), "{json}");
    assert!(json.contains("\"kind\": \"out_of_memory\""), "{json}");
    assert!(
        json.contains("\"kind\": \"result_channel_forged\""),
        "{json}"
    );
    assert!(!has_hangul(&json), "{json}");

    // Read back, it words the same data in Korean.
    let read: GradeReport = serde_json::from_str(&json).unwrap();
    assert_eq!(read, report);
    let korean = human::render_in(&read, false, Lang::Ko);
    assert!(
        korean.contains("30초 안에 끝나지 않았습니다: `counter_is_exact`에서"),
        "{korean}"
    );
    assert!(
        korean.contains("; 메모리 부족: 검사의 메모리 한도 64 MB에서"),
        "{korean}"
    );
    assert!(
        korean.contains("무결성: 검사한 코드가 채점기 전용 결과 채널에 2줄을 썼습니다"),
        "{korean}"
    );
    for english in [
        "did not finish",
        "out of memory",
        "result channel",
        "flagged for the instructor",
        "possible deadlock",
    ] {
        assert!(!korean.contains(english), "{english} left in:\n{korean}");
    }
    let english = human::render_in(&read, false, Lang::En);
    assert!(english.contains(&check.message), "{english}");
    assert!(!has_hangul(&english), "{english}");
}

#[test]
fn every_explanation_and_finding_reads_korean_in_the_human_report() {
    let (explanations, findings) = messages::samples();
    let checks: Vec<CheckReport> = explanations
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            explained(
                &format!("check_{i}"),
                CheckKind::Test,
                CheckStatus::Crashed,
                1.0,
                e,
                findings.clone(),
            )
        })
        .collect();
    let mut report = sample_report();
    report.exercises = vec![exercise(
        "01-threads",
        "Threads",
        ExerciseStatus::Failed,
        checks.clone(),
    )];
    let korean = human::render_in(&report, false, Lang::Ko);
    let english = human::render_in(&report, false, Lang::En);
    for check in &checks {
        // (A message of several lines is drawn a line at a time, without
        // the check program's replay command, as a check's own text.)
        let shown = threadlings_grader::report::story::plain_message(&check.message);
        for line in shown.lines() {
            assert!(english.contains(line), "{line}");
        }
        for f in &findings {
            assert!(
                !korean.contains(&messages::en::finding(f)),
                "{f:?} in English"
            );
        }
        let head = messages::en::explanation(check.explanation.as_ref().unwrap());
        assert!(!korean.contains(&head), "left in English: {head}");
    }
}

#[test]
fn watch_speaks_the_graders_language() {
    let fixture = fixture_course::course();
    let course = threadlings_grader::course::load(fixture.root()).unwrap();
    let report: GradeReport = serde_json::from_value(serde_json::json!({
        "format_version": 1, "subject": "exercises", "seed": 3,
        "score": 0.0, "max_score": 4.0, "duration_ms": 10,
        "exercises": [{
            "name": "01-echo", "title": "Echo", "topic": "echo",
            "score": 0.0, "max_score": 4.0, "status": "failed",
            "checks": [{
                "name": "totals", "kind": "test", "status": "timeout",
                "score": 0.0, "max_score": 4.0,
                "message": "did not finish within 5 s: possible deadlock or infinite loop in `totals` (threads waiting for each other, a lost wake-up, or a loop that never ends)",
                "explanation": {"kind": "timeout", "limit_ms": 5000, "check": "totals"},
                "duration_ms": 1, "seed": 3,
                "replay": "cargo run -p grader -- replay 01-echo totals --seed 3"
            }]
        }]
    }))
    .unwrap();
    let mut state = threadlings_grader::watch::WatchState::new(&course, 3).in_lang(Lang::Ko);
    let first = state.screen(false, 40).join("\n");
    assert!(first.contains("모든 연습 문제를 채점하는 중"), "{first}");
    state.record(&report, None);
    let screen = state.screen(false, 40).join("\n");
    for korean in [
        "지금: 01-echo",
        "실패",
        "시간 초과",
        "5초 안에 끝나지 않았습니다: `totals`에서",
        "재현: cargo run -p grader -- replay 01-echo totals --seed 3",
        "진행 ",
        "q 종료",
        "· 시드 3 · 연습 문제 ",
    ] {
        assert!(screen.contains(korean), "{korean} missing:\n{screen}");
    }
    for english in [
        "Now:",
        "did not finish",
        "replay:",
        "Progress",
        "q quit",
        "timeout",
    ] {
        assert!(!screen.contains(english), "{english} left in:\n{screen}");
    }
    // English is still the default.
    let mut english = threadlings_grader::watch::WatchState::new(&course, 3);
    english.record(&report, None);
    let screen = english.screen(false, 40).join("\n");
    assert!(screen.contains("Now: 01-echo"), "{screen}");
    assert!(screen.contains("did not finish within 5 s"), "{screen}");
    assert!(!has_hangul(&screen), "{screen}");
}

#[test]
fn the_timeline_drawn_by_the_report_is_translated() {
    let sequential = Timeline {
        label: "fetch_all(20 resources, at most 3 at once)".to_string(),
        events: (0..14)
            .map(|i| {
                event(
                    &format!("fetch {i}"),
                    i * 10,
                    (i != 5).then_some(i * 10 + 10),
                )
            })
            .collect(),
        omitted: 6,
        peak_in_flight: 1,
        threads: 1,
        notes: vec!["took 140 ms".to_string()],
    };
    let drawn = timeline::render(&sequential, "    ");
    let korean = timeline::render_in(&sequential, "    ", Lang::Ko);
    for english in [
        "timeline:",
        "tasks on",
        "at most 1 at once",
        "one after another",
        "more not shown",
        "still running",
    ] {
        assert!(drawn.contains(english), "{drawn}");
        assert!(!korean.contains(english), "{english} left in:\n{korean}");
    }
    assert!(korean.contains("fetch_all(20 resources, at most 3 at once)"));
    assert!(korean.contains("    타임라인: "), "{korean}");
    assert!(korean.contains("(나머지 8개는 생략)"), "{korean}");
    assert!(
        korean.contains("    took 140 ms"),
        "the check's note stays: {korean}"
    );
    assert_eq!(drawn.lines().count(), korean.lines().count());
    assert_eq!(timeline::render_in(&sequential, "    ", Lang::En), drawn);
}

// ---------------------------------------------------------------------------
// The command line: the locale selects Korean, `--lang` overrides it, and
// machine formats do not change.

fn in_locale(
    fixture: &fixture_course::Fixture,
    lang: Option<&str>,
    state: &std::path::Path,
) -> assert_cmd::Command {
    let mut cmd = fixture.grader();
    cmd.env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("THREADLINGS_STATE_DIR", state);
    match lang {
        Some(lang) => cmd.env("LANG", lang),
        None => cmd.env_remove("LANG"),
    };
    cmd
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let output = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(output).unwrap()
}

#[test]
fn a_korean_locale_selects_korean_and_lang_en_overrides_it() {
    let fixture = fixture_course::course();
    let state = tempfile::tempdir().unwrap();

    let korean = stdout_of(in_locale(&fixture, Some("ko_KR.UTF-8"), state.path()).arg("list"));
    assert!(korean.contains("연습 문제"), "{korean}");
    assert!(korean.contains("아직 채점 안 함"), "{korean}");
    assert!(
        korean.contains("`cargo run -p grader`를 실행해"),
        "{korean}"
    );
    assert!(!korean.contains("not graded yet"), "{korean}");

    let english = stdout_of(
        in_locale(&fixture, Some("ko_KR.UTF-8"), state.path()).args(["list", "--lang", "en"]),
    );
    assert!(english.contains("not graded yet"), "{english}");
    assert!(!has_hangul(&english), "{english}");

    let default = stdout_of(in_locale(&fixture, None, state.path()).arg("list"));
    assert_eq!(default, english);

    // LC_ALL wins over LANG, as in the C library.
    let mut c_all = in_locale(&fixture, Some("ko_KR.UTF-8"), state.path());
    c_all.env("LC_ALL", "C.UTF-8").arg("list");
    assert_eq!(stdout_of(&mut c_all), english);
    let mut ko_messages = in_locale(&fixture, Some("C"), state.path());
    ko_messages.env("LC_MESSAGES", "ko_KR.UTF-8").arg("list");
    assert_eq!(stdout_of(&mut ko_messages), korean);

    // `--lang ko` without a Korean locale.
    let hint = stdout_of(
        in_locale(&fixture, Some("C.UTF-8"), state.path()).args(["hint", "echo", "--lang", "ko"]),
    );
    assert!(hint.contains("01-echo 힌트 1/2:"), "{hint}");
    assert!(hint.contains("  Multiply by two."), "{hint}");
    assert!(
        hint.contains("다음 힌트를 보려면 같은 명령을 다시 실행하세요."),
        "{hint}"
    );
    let hint = stdout_of(
        in_locale(&fixture, Some("ko_KR.UTF-8"), state.path())
            .args(["--lang", "en", "hint", "echo"]),
    );
    assert!(hint.contains("Hint 2/2 for 01-echo:"), "{hint}");
    assert!(!has_hangul(&hint), "{hint}");

    in_locale(&fixture, None, state.path())
        .args(["list", "--lang", "fr"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--lang"));
}

/// The fixture's checks.toml with `hints_ko` beside its two English hints.
fn with_korean_hints(fixture: &fixture_course::Fixture, hints_ko: &str) {
    let english = r#"hints = ["Multiply by two.", "values.iter().sum()"]"#;
    assert!(fixture_course::CHECKS_TOML.contains(english));
    fixture.write(
        "grader/checks/01-echo/checks.toml",
        &fixture_course::CHECKS_TOML.replace(english, &format!("{english}\nhints_ko = {hints_ko}")),
    );
}

#[test]
fn hint_shows_the_korean_hints_in_korean_and_the_english_ones_otherwise() {
    let fixture = fixture_course::course();
    with_korean_hints(
        &fixture,
        r#"["두 배로 만드세요.", "`values.iter().sum()`"]"#,
    );
    let state = tempfile::tempdir().unwrap();

    // The locale picks Korean: the first hint, in Korean only.
    let first =
        stdout_of(in_locale(&fixture, Some("ko_KR.UTF-8"), state.path()).args(["hint", "echo"]));
    assert!(
        first.contains("01-echo 힌트 1/2:\n  두 배로 만드세요.\n"),
        "{first}"
    );
    assert!(!first.contains("Multiply by two."), "{first}");
    assert!(!first.contains("`values.iter().sum()`"), "{first}");

    // The level is shared: English next shows hint 2 too, in English.
    let second = stdout_of(in_locale(&fixture, None, state.path()).args(["hint", "echo"]));
    assert!(
        second.contains("Hint 1/2 for 01-echo:\n  Multiply by two.\n"),
        "{second}"
    );
    assert!(
        second.contains("Hint 2/2 for 01-echo:\n  values.iter().sum()\n"),
        "{second}"
    );
    assert!(!has_hangul(&second), "{second}");

    // `--lang ko` without a Korean locale, every hint at once.
    let all = stdout_of(
        in_locale(&fixture, Some("C.UTF-8"), state.path())
            .args(["hint", "echo", "--all", "--lang", "ko"]),
    );
    assert!(
        all.contains("01-echo 힌트 1/2:\n  두 배로 만드세요.\n"),
        "{all}"
    );
    assert!(
        all.contains("01-echo 힌트 2/2:\n  `values.iter().sum()`\n"),
        "{all}"
    );
}

#[test]
fn hints_ko_must_give_one_korean_hint_per_english_hint() {
    for short in [r#"["두 배로 만드세요."]"#, "[]"] {
        let fixture = fixture_course::course();
        with_korean_hints(&fixture, short);
        let state = tempfile::tempdir().unwrap();
        let output = in_locale(&fixture, None, state.path())
            .args(["hint", "echo", "--lang", "ko"])
            .output()
            .unwrap();
        assert!(!output.status.success(), "hints_ko = {short} was accepted");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("checks.toml"), "{stderr}");
        assert!(stderr.contains("hints_ko has "), "{stderr}");
        assert!(stderr.contains(" and hints has 2"), "{stderr}");
    }
}

/// The Korean track is complete: every hint of the course has its Korean
/// twin, so no Korean reader meets an English hint.
#[test]
fn every_hint_of_the_course_is_translated() {
    let course = threadlings_grader::course::load(&fixture_course::repo_root()).unwrap();
    for exercise in &course.exercises {
        assert_eq!(
            exercise.hints_ko.len(),
            exercise.hints.len(),
            "{}: hints_ko missing",
            exercise.name
        );
        for hint in &exercise.hints_ko {
            assert!(
                has_hangul(hint),
                "{}: `{hint}` is not Korean",
                exercise.name
            );
        }
    }
}

#[test]
fn every_exercise_has_a_korean_title_and_the_korean_report_shows_it() {
    let course = threadlings_grader::course::load(&fixture_course::repo_root()).unwrap();
    for exercise in &course.exercises {
        let title = exercise.title_ko.as_deref().unwrap_or_default();
        assert!(has_hangul(title), "{}: title_ko missing", exercise.name);
    }
    let mut report = sample_report();
    report.exercises[0].title_ko = Some("스레드: spawn과 join".to_string());
    let korean = human::render_in(&report, false, Lang::Ko);
    assert!(korean.contains("스레드: spawn과 join"), "{korean}");
    assert!(!korean.contains(&report.exercises[0].title), "{korean}");
    let english = human::render_in(&report, false, Lang::En);
    assert!(english.contains(&report.exercises[0].title), "{english}");
}

fn redact_times(json: &str) -> String {
    json.lines()
        .map(|line| match line.split_once("\"duration_ms\":") {
            Some((key, _)) => format!("{key}\"duration_ms\": 0,"),
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn grading_in_korean_changes_the_human_report_only() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.solve_partly();
    let state = tempfile::tempdir().unwrap();
    let json_in = |lang: Option<&str>, flag: &[&str]| {
        let out = fixture.root().join("report.json");
        in_locale(&fixture, lang, state.path())
            .args(["--quiet", "--seed", "7", "--format", "json", "--output"])
            .arg(&out)
            .args(flag)
            .assert()
            .success();
        redact_times(&std::fs::read_to_string(out).unwrap())
    };
    let english = json_in(None, &[]);
    assert!(english.contains("\"status\": \"failed\""), "{english}");
    assert_eq!(json_in(Some("ko_KR.UTF-8"), &[]), english);
    assert_eq!(json_in(None, &["--lang", "ko"]), english);
    assert_eq!(json_in(Some("ko_KR.UTF-8"), &["--lang", "en"]), english);

    let human = stdout_of(
        in_locale(&fixture, Some("ko_KR.UTF-8"), state.path()).args(["--quiet", "--seed", "7"]),
    );
    assert!(human.contains("연습 문제 채점 (시드 7)"), "{human}");
    assert!(human.contains("점수: "), "{human}");
    assert!(human.contains("재현: "), "{human}");
    assert!(human.contains("다음: 01-echo"), "{human}");
    // The check's own failure message stays English.
    assert!(human.contains("total(&[1, 2, 3]) must be 6"), "{human}");
}

#[test]
fn verify_speaks_korean() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    let state = tempfile::tempdir().unwrap();
    // Whether verify finds misses in the fixture is not this test's concern.
    let output = in_locale(&fixture, Some("C.UTF-8"), state.path())
        .args([
            "--quiet", "--lang", "ko", "--seed", "3", "verify", "--runs", "1",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("verify: 스텁, 모범 답안 1회 실행, 오답마다 1회 실행 (시드 3부터)"),
        "{text}"
    );
    assert!(text.contains(" 실행 1   시드 3"), "{text}");
    assert!(text.contains("verify: 기대 "), "{text}");
    assert!(text.contains("✓ wrong 01-echo/add-one"), "{text}");
    assert!(!text.contains("expectation(s) checked"), "{text}");
    assert!(!text.contains(" run 1 "), "{text}");
    if text.contains("✗ ") {
        assert!(text.contains("      놓침: "), "{text}");
    }
}

// ---------------------------------------------------------------------------
// A failed race check's message: the kit's sentences are data
// (`Failure::race`, `CheckReport::race`) and read Korean; the check
// author's words and the code's panic message stay as they are.

fn race_failures() -> Vec<threadlings_schema::report::RaceFailure> {
    use threadlings_schema::report::{
        CycleLink, DeadlockSummary, ExplorationAt, ExplorationScheduler, RaceDeadlock, RaceFailure,
        RaceHint, RaceLock, RacePanic, RaceReplay, RaceThread, RaceThreadState, RaceViolation,
        ShuttleSchedule, ThreadWait, TraceLockKind, TraceObjectWhat, WatchedRun,
    };
    let replay = RaceReplay {
        seed: 7,
        command: "cargo run -p check-bank -- transfer_stress --seed 7".to_string(),
    };
    let thread = |name: &str| RaceThread::Live {
        name: name.to_string(),
        doing: None,
    };
    let mutex = RaceLock {
        label: "mutex #2".to_string(),
        what: Some(TraceObjectWhat::Lock {
            lock: TraceLockKind::Mutex,
            protects: Some("u64".to_string()),
            created_at: "src/lib.rs:9:5".to_string(),
        }),
        access: None,
    };
    let deadlock = |summary| RaceDeadlock {
        summary,
        threads: vec![
            RaceThreadState {
                thread: thread("consumer-1"),
                state: ThreadWait::Condvar {
                    condvar: mutex.clone(),
                    mutex: mutex.clone(),
                },
                holds: vec![],
            },
            RaceThreadState {
                thread: thread("main"),
                state: ThreadWait::Join {
                    thread: RaceThread::Finished { id: 3 },
                },
                holds: vec![mutex.clone()],
            },
        ],
        checker: None,
    };
    let at = ExplorationAt {
        scheduler: ExplorationScheduler::Pct { depth: 3 },
        schedule: 2,
        schedules: 1000,
        shuttle_seed: 42,
    };
    let panic = RacePanic {
        message: "AUTHOR-PANIC".to_string(),
        location: Some("src/lib.rs:57:38".to_string()),
        hint: Some(RaceHint::Unsynchronized),
    };
    let violation = RaceViolation {
        invariant: "AUTHOR-INVARIANT".to_string(),
        expected: Some("AUTHOR-EXPECTED".to_string()),
        seen: "AUTHOR-SEEN".to_string(),
    };
    let schedule = ShuttleSchedule::Encoded {
        schedule: "9102".to_string(),
    };
    let what = "AUTHOR-WHAT".to_string();
    let stress = WatchedRun::Stress {
        what: what.clone(),
        round: 2,
        rounds: 60,
        replay: replay.clone(),
    };
    vec![
        RaceFailure::ModelFailed {
            what: what.clone(),
            execution: 3,
            preemption_bound: 3,
            panic: panic.clone(),
            replay: replay.clone(),
        },
        RaceFailure::ModelDeadlock {
            what: what.clone(),
            execution: 2,
            deadlock: deadlock(DeadlockSummary::LostWakeup),
            replay: replay.clone(),
        },
        RaceFailure::ExplorationViolation {
            what: what.clone(),
            at,
            violation: violation.clone(),
            schedule: schedule.clone(),
            replay: replay.clone(),
        },
        RaceFailure::ExplorationDeadlock {
            what: what.clone(),
            at,
            deadlock: deadlock(DeadlockSummary::Cycle {
                links: vec![
                    CycleLink {
                        thread: thread("philosopher-0"),
                        lock: Some(mutex.clone()),
                    },
                    CycleLink {
                        thread: thread("philosopher-1"),
                        lock: None,
                    },
                ],
            }),
            schedule: ShuttleSchedule::TooLong {
                steps: 900,
                chars: 2400,
            },
            replay: replay.clone(),
        },
        RaceFailure::ExplorationFailed {
            what: what.clone(),
            at,
            panic: RacePanic {
                hint: Some(RaceHint::SpinsWithoutEnd),
                ..panic.clone()
            },
            schedule,
            replay: replay.clone(),
        },
        RaceFailure::StressViolation {
            what: what.clone(),
            round: 1,
            rounds: 150,
            threads: 4,
            operations: 60,
            violation,
            replay: replay.clone(),
        },
        RaceFailure::StressPanic {
            thread: "worker-2".to_string(),
            doing: Some("AUTHOR-DOING".to_string()),
            round: 1,
            rounds: 150,
            what: what.clone(),
            panic: RacePanic {
                hint: None,
                ..panic
            },
            replay,
        },
        RaceFailure::Deadlock {
            run: stress.clone(),
            deadlock: deadlock(DeadlockSummary::HoldsItself {
                thread: thread("worker-0"),
                lock: mutex.clone(),
            }),
            stall_ms: 2000,
        },
        RaceFailure::Deadlock {
            run: WatchedRun::Run { what: what.clone() },
            deadlock: deadlock(DeadlockSummary::NoneLeft),
            stall_ms: 2000,
        },
        RaceFailure::Hang {
            run: stress,
            limit_ms: 20_000,
            threads: deadlock(DeadlockSummary::NoThreadCanRun).threads,
        },
    ]
}

#[test]
fn a_failed_race_checks_message_reads_korean_around_the_authors_words() {
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    for race in race_failures() {
        let failure = Failure::race(race.clone());
        let checks = scored_checks(
            &ready,
            vec![CheckAttempt::Ran(run(
                RunOutcome::Reported(Verdict::Failed(failure.clone())),
                Vec::new(),
            ))],
        );
        let check = &checks[0];
        // The JSON keeps the English the kit has always written.
        assert_eq!(check.message, failure.render());
        assert_eq!(check.race.as_ref(), Some(&race));
        assert_eq!(in_lang(Lang::En, check), failure.render());
        let korean = in_lang(Lang::Ko, check);
        assert!(has_hangul(&korean), "{korean}");
        for english in [
            "deadlock",
            "the model checker",
            "schedule exploration",
            "invariant violated",
            "found by",
            "This is deterministic",
            "The schedules are",
            "every thread",
            "waits ",
            "held by",
            "holds",
            "created at",
            "protecting",
            "finished",
            "while running",
            "did not finish",
            "panicked",
            "in round",
            "expected:",
            "actual:",
            "Two threads",
            "A thread spins",
            "steps, ",
        ] {
            assert!(!korean.contains(english), "`{english}` in\n{korean}");
        }
        // (A cycle names each thread again where the English says
        // "which": thread names are only checked for presence.)
        for name in ["worker-", "philosopher-", "consumer-1"] {
            assert_eq!(
                korean.contains(name),
                check.message.contains(name),
                "{korean}"
            );
        }
        for own in ["AUTHOR-", "src/lib.rs:", "mutex #2"] {
            let english = check.message.matches(own).count();
            assert_eq!(
                korean.matches(own).count(),
                english,
                "`{own}` in\n{korean}\nvs\n{}",
                check.message
            );
        }
        // The check program's replay command: only where `own` keeps it
        // (the human report's default view drops it from the English).
        assert_eq!(
            korean.contains("check-bank"),
            check.message.contains("check-bank"),
            "{korean}"
        );
        let plain = messages::render(
            Lang::Ko,
            check,
            &threadlings_grader::report::story::plain_message,
        );
        assert!(!plain.contains("check-bank"), "{plain}");
        assert!(!plain.contains("9102"), "{plain}");
    }
}

#[test]
fn a_race_failure_reworded_by_its_check_keeps_the_checks_words() {
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    let mut failure = Failure::race(race_failures().remove(0));
    failure.message.push_str("\n(and the check's own note)");
    let checks = scored_checks(
        &ready,
        vec![CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Failed(failure.clone())),
            Vec::new(),
        ))],
    );
    assert_eq!(checks[0].race, None);
    assert_eq!(in_lang(Lang::Ko, &checks[0]), failure.render());
}

// ---------------------------------------------------------------------------
// The kit's own skips and timing and linearizability verdicts, as data.

/// A speedup skipped on a busy machine, a model check outside its build,
/// a speedup and a latency that failed and a linearizability failure, as
/// the check program reports them; then one a check reworded.
fn kit_attempts() -> Vec<CheckAttempt> {
    use threadlings_schema::report::{KitFailure, KitSkip, MachineCores, RaceBuild, RaceReplay};
    let cores = MachineCores {
        usable: 2,
        available: 2,
        affinity: Some(2),
        quota: None,
    };
    let skip = |kit: KitSkip| {
        CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Skipped {
                reason: kit.to_english(),
                kit: Some(kit),
            }),
            Vec::new(),
        ))
    };
    let fail = |kit: KitFailure| {
        CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Failed(Failure::kit(kit))),
            Vec::new(),
        ))
    };
    vec![
        skip(KitSkip::BusyMachine {
            threads: 4,
            machine_floor: 1.5,
            decisive_busy: 1.4,
            decisive_rounds: 0,
            rounds: 12,
            rounds_to_fail: 3,
            cores: cores.clone(),
        }),
        skip(KitSkip::TooFewCores {
            needed: 2,
            cores: MachineCores {
                usable: 1,
                affinity: Some(1),
                ..cores
            },
        }),
        skip(KitSkip::OtherBuild {
            build: RaceBuild::Loom,
            what: "two racing sends".to_string(),
        }),
        fail(KitFailure::Speedup {
            what: "parallel_sum(4000000 items, 4 workers)".to_string(),
            threads: 4,
            decisive_rounds: 3,
            most_busy: 1.02,
            required: 1.45,
            machine: 1.9,
            candidate: 0.98,
            candidate_ms: 101.4,
            baseline_ms: 99.6,
            rounds: 12,
        }),
        fail(KitFailure::Latency {
            what: "fetch_all(12 resources, at most 3 at once)".to_string(),
            concurrent_ms: 400.0,
            limit_ms: 800.0,
            best_ms: 1203.7,
            tries: 3,
            sequential_ms: 1200.0,
        }),
        fail(KitFailure::NotLinearizable {
            label: "Channel::bounded(2)".to_string(),
            scenario: String::new(),
            replay: RaceReplay {
                seed: 7,
                command: "cargo run -p check-build_a_channel -- fifo --seed 7".to_string(),
            },
        }),
    ]
}

#[test]
fn the_kits_skips_and_timing_and_linearizability_verdicts_read_korean_around_the_values() {
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    let checks = scored_checks(&ready, kit_attempts());
    for check in &checks {
        assert_translated(check);
    }
    let korean: Vec<String> = checks.iter().map(|c| in_lang(Lang::Ko, c)).collect();
    // The busy machine: the numbers and the machine, in Korean around them.
    assert_eq!(checks[0].status, CheckStatus::Skipped);
    assert!(
        korean[0].starts_with("건너뜀: 이 검사 동안 컴퓨터가 스레드 4개를 병렬로 실행하지"),
        "{}",
        korean[0]
    );
    assert!(korean[0].contains("12개 중 0개"), "{}", korean[0]);
    assert!(korean[0].contains("사용 가능한 코어 2개"), "{}", korean[0]);
    assert!(!korean[0].contains("usable core"), "{}", korean[0]);
    assert!(korean[1].contains("코어가 2개 필요한데"), "{}", korean[1]);
    assert!(korean[2].contains("“two racing sends”의 모델 검사는 `loom` 빌드에서만"));
    // The speedup: the author's `what` quoted, the values kept.
    assert!(
        korean[3].starts_with("“parallel_sum(4000000 items, 4 workers)”은(는)"),
        "{}",
        korean[3]
    );
    for value in ["1.45배", "1.90배", "0.98배", "101 ms", "100 ms", "1.0개"] {
        assert!(korean[3].contains(value), "{value} not in {}", korean[3]);
    }
    assert!(korean[3].contains("\n  기대한 값: "), "{}", korean[3]);
    assert!(korean[4].contains("1204 ms"), "{}", korean[4]);
    assert!(korean[4].contains("적어도 1200 ms"), "{}", korean[4]);
    // The linearizability failure keeps the replay where English does.
    assert!(
        korean[5].starts_with("“Channel::bounded(2)”의 결과는 선형화 가능하지 않습니다"),
        "{}",
        korean[5]
    );
    assert!(
        korean[5].contains("시드 7; 재현: cargo run"),
        "{}",
        korean[5]
    );
    let plain = messages::render(
        Lang::Ko,
        &checks[5],
        &threadlings_grader::report::story::plain_message,
    );
    assert!(!plain.contains("cargo run"), "{plain}");
    let english = messages::render(
        Lang::En,
        &checks[5],
        &threadlings_grader::report::story::plain_message,
    );
    assert_eq!(
        english,
        threadlings_grader::report::story::plain_message(&checks[5].message)
    );
}

#[test]
fn a_kit_verdict_reworded_by_its_check_keeps_the_checks_words() {
    use threadlings_schema::report::KitFailure;
    let ready = ExerciseBuild::Ready {
        check_program: "check".into(),
    };
    let mut failure = Failure::kit(KitFailure::Latency {
        what: "fetch_all".to_string(),
        concurrent_ms: 400.0,
        limit_ms: 800.0,
        best_ms: 1203.7,
        tries: 3,
        sequential_ms: 1200.0,
    });
    failure.message.push_str(" (the author's own hint)");
    let checks = scored_checks(
        &ready,
        vec![CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Failed(failure.clone())),
            Vec::new(),
        ))],
    );
    assert_eq!(checks[0].explanation, None);
    assert_eq!(in_lang(Lang::Ko, &checks[0]), failure.render());
    // A skip whose reason is not the data's English keeps its reason.
    let checks = scored_checks(
        &ready,
        vec![CheckAttempt::Ran(run(
            RunOutcome::Reported(Verdict::Skipped {
                reason: "reworded".to_string(),
                kit: Some(threadlings_schema::report::KitSkip::OtherBuild {
                    build: threadlings_schema::report::RaceBuild::Shuttle,
                    what: "x".to_string(),
                }),
            }),
            Vec::new(),
        ))],
    );
    assert_eq!(in_lang(Lang::Ko, &checks[0]), "건너뜀: reworded");
}

// ---------------------------------------------------------------------------
// The litmus and linearizability kits' own words, as data: a Korean report
// of a forbidden outcome or an unexplained result reads Korean around the
// instructor's values, and English stays the kit's text.

fn in_report(lang: Lang, check: CheckReport) -> String {
    let report = GradeReport {
        format_version: REPORT_FORMAT_VERSION,
        subject: "exercises".to_string(),
        seed: 4242,
        score: 0.0,
        max_score: check.max_score,
        duration_ms: 10,
        exercises: vec![exercise(
            "08-atomics",
            "Atomics",
            ExerciseStatus::Failed,
            vec![check],
        )],
    };
    human::render_in(&report, false, lang)
}

fn replay_data() -> threadlings_schema::report::RaceReplay {
    threadlings_schema::report::RaceReplay {
        seed: 7,
        command: "cargo run -p check-atomics -- mailbox_litmus_stress --seed 7".to_string(),
    }
}

#[test]
fn a_litmus_failure_and_its_table_read_korean_around_the_values() {
    use threadlings_schema::report::{
        KitFailure, LitmusRun, LitmusTool, OutcomeClass, OutcomeRow, OutcomeTable,
    };
    let run = LitmusRun::Stress {
        runs: 1559,
        arch: "x86_64".to_string(),
        cores: 2,
    };
    let row = |outcome: &str, class, seen, verdict: &str| OutcomeRow {
        outcome: outcome.to_string(),
        class,
        allowed: None,
        seen: Some(seen),
        verdict: verdict.to_string(),
    };
    let table = OutcomeTable {
        label: "message passing through the Mailbox".to_string(),
        results: vec!["flag".to_string(), "words".to_string()],
        rows: vec![
            row(
                "flag=0 words=0 (the reader came first)",
                OutcomeClass::Acceptable,
                683,
                "ok",
            ),
            row(
                "flag=1 words=0 (the flag only)",
                OutcomeClass::Forbidden,
                3,
                "FORBIDDEN",
            ),
        ],
        notes: run.notes_english(),
        run: Some(run),
    };
    let failure = KitFailure::LitmusForbidden {
        tool: LitmusTool::Stress,
        label: table.label.clone(),
        outcomes: vec!["flag=1 words=0 (the flag only)".to_string()],
        table: String::new(),
        replay: replay_data(),
    };
    let check = CheckReport {
        outcomes: Some(table.clone()),
        ..explained(
            "mailbox_litmus_stress",
            CheckKind::Race,
            CheckStatus::Failed,
            1.0,
            Explanation::KitFailed { failure },
            Vec::new(),
        )
    };
    assert_translated(&check);
    let korean = in_report(Lang::Ko, check.clone());
    for english in [
        "outcomes of",
        "allowed by model",
        "seen here",
        "verdict",
        "acceptable",
        "FORBIDDEN",
        "not run",
        "runs on this machine",
        "this machine showed",
        "decided by the model check",
    ] {
        assert!(!korean.contains(english), "{english} left in:\n{korean}");
    }
    for value in [
        "“message passing through the Mailbox”",
        "flag=1 words=0 (the flag only)",
        "금지된 결과!",
        "x86_64",
        "1559",
    ] {
        assert!(korean.contains(value), "{value} missing:\n{korean}");
    }
    // English: the table as the kit always wrote it.
    let english = in_report(Lang::En, check);
    assert!(english.contains(&table.to_text().lines().next().unwrap().to_string()));
    assert!(english.contains("this machine showed a forbidden outcome of"));
    // A table whose notes are not its data's keeps its notes.
    let edited = OutcomeTable {
        notes: vec!["hand-written note".to_string()],
        ..table
    };
    assert!(messages::ko::outcome_table(&edited).contains("hand-written note"));
}

#[test]
fn a_linearizability_failure_reads_korean_around_the_operations_and_values() {
    use threadlings_schema::report::{
        KitFailure, LinSizes, RaceFailure, RacePanic, Scenario, ScenarioCandidate, ScenarioNote,
        ScenarioOp, ScenarioPart, ScenarioWhy,
    };
    let op = |op: &str, result: &str, unexplained| ScenarioOp {
        op: op.to_string(),
        result: Some(result.to_string()),
        call: 0,
        ret: Some(1),
        unexplained,
    };
    let why = ScenarioWhy {
        explained: 2,
        operations: 4,
        candidates: vec![ScenarioCandidate {
            part: ScenarioPart::Thread { index: 0 },
            op: "Recv".to_string(),
            returned: "Some(2)".to_string(),
            model: Some("Some(1)".to_string()),
        }],
    };
    let note = ScenarioNote::Found {
        execution: 41,
        executions: 400,
        sizes: LinSizes {
            init: 2,
            threads: 3,
            ops: 3,
            post: 1,
            runs: 20,
        },
        original: 11,
        operations: 4,
        steps: 5,
    };
    let scenario = Scenario {
        label: "Channel::new(2)".to_string(),
        threads: vec![
            vec![op("Recv", "Some(2)", true)],
            vec![
                op("Send(1)", "Ok(())", false),
                op("Send(2)", "Ok(())", false),
            ],
        ],
        post: vec![op("TryRecv", "Ok(1)", false)],
        unexplained: why.to_english(),
        notes: vec![note.to_english()],
        why: Some(why),
        about: vec![note],
        ..Scenario::default()
    };
    let failure = KitFailure::NotLinearizable {
        label: scenario.label.clone(),
        scenario: String::new(),
        replay: replay_data(),
    };
    let stress = CheckReport {
        scenario: Some(scenario.clone()),
        ..explained(
            "channel_lin",
            CheckKind::Race,
            CheckStatus::Failed,
            3.0,
            Explanation::KitFailed { failure },
            Vec::new(),
        )
    };
    let korean = in_report(Lang::Ko, stress.clone());
    for english in [
        "thread 0",
        "returned",
        "a sequential run would",
        "no sequential order",
        "found at execution",
        "shrunk from",
        "scenarios of",
    ] {
        assert!(!korean.contains(english), "{english} left in:\n{korean}");
    }
    for value in [
        "스레드 0",
        "Recv",
        "Some(2)",
        "Some(1)",
        "TryRecv: Ok(1)",
        "post:",
    ] {
        assert!(korean.contains(value), "{value} missing:\n{korean}");
    }
    let english = in_report(Lang::En, stress);
    assert!(english.contains(&scenario.to_text().lines().next().unwrap().to_string()));
    assert!(english.contains("  thread 0 Recv returned Some(2), but a sequential run would"));

    // The model check of the same object: its race failure's invariant is
    // the kit's sentence about the scenario's object.
    let race = RaceFailure::ModelFailed {
        what: "the lesson's channel scenarios".to_string(),
        execution: 1,
        preemption_bound: 3,
        panic: RacePanic {
            message: format!(
                "{}\n{}",
                Scenario::not_linearizable_english("Channel::new(2)"),
                Scenario::IN_THE_REPORT_ENGLISH
            ),
            location: None,
            hint: None,
        },
        replay: replay_data(),
    };
    let message = race.to_english();
    let model = CheckReport {
        scenario: Some(scenario),
        race: Some(race),
        ..check(
            "channel_lin_model",
            CheckKind::Race,
            CheckStatus::Failed,
            2.0,
            &message,
        )
    };
    let korean = in_lang(Lang::Ko, &model);
    assert!(!korean.contains("not linearizable"), "{korean}");
    assert!(!korean.contains("the scenario in the report"), "{korean}");
    assert!(korean.contains("“Channel::new(2)”의 결과는 선형화 가능하지 않습니다"));
    assert_eq!(in_lang(Lang::En, &model), message);
}

#[test]
fn a_hung_linearizability_stress_run_reads_korean_with_its_scenario() {
    use threadlings_schema::report::{KitFailure, RaceFailure, WatchedRun};
    let failure = KitFailure::LinUnfinished {
        label: "Channel::new(2)".to_string(),
        race: Box::new(RaceFailure::Hang {
            run: WatchedRun::Run {
                what: KitFailure::lin_stress_run_english("Channel::new(2)"),
            },
            limit_ms: 20_000,
            threads: Vec::new(),
        }),
        scenario: Some(String::new()),
        replay: replay_data(),
    };
    let check = explained(
        "channel_lin",
        CheckKind::Race,
        CheckStatus::Failed,
        3.0,
        Explanation::KitFailed { failure },
        Vec::new(),
    );
    assert_translated(&check);
    let korean = in_lang(Lang::Ko, &check);
    assert!(korean.contains("이 시나리오에서:"), "{korean}");
    assert!(!korean.contains("linearizability stress run"), "{korean}");
    assert!(check.message.contains("\nin this scenario:\n"));
}

// ---------------------------------------------------------------------------
// `--help` in the grader's language: the catalog `messages::cli_help_ko`
// (its completeness is tested beside the command line, in `src/cli/help.rs`).

/// `grader ARGS` in a locale (`None`: none set), printing help: no course is
/// needed, clap prints it while parsing.
fn help_in(locale: Option<&str>, args: &[&str]) -> String {
    let mut cmd = assert_cmd::Command::cargo_bin("grader").unwrap();
    cmd.env_remove("LC_ALL").env_remove("LC_MESSAGES");
    match locale {
        Some(locale) => cmd.env("LANG", locale),
        None => cmd.env_remove("LANG"),
    };
    stdout_of(cmd.args(args))
}

#[test]
fn help_speaks_korean_with_lang_ko() {
    let help = help_in(None, &["--lang", "ko", "--help"]);
    insta::assert_snapshot!("korean_help", help);
    assert_eq!(help_in(None, &["--help", "--lang=ko"]), help);

    let verify = help_in(None, &["verify", "--help", "--lang", "ko"]);
    assert!(
        verify.starts_with("스텁, 모범 답안(여러 번 실행)"),
        "{verify}"
    );
    assert!(
        verify.contains("\n사용법: grader verify [OPTIONS]\n"),
        "{verify}"
    );
    assert!(
        verify.contains("\n옵션:\n      --runs <N>\n          모범 답안의 실행 횟수"),
        "{verify}"
    );
    assert!(
        verify.contains("도움말을 출력합니다 (요약은 '-h')"),
        "{verify}"
    );
    assert!(
        !verify.contains("Options:") && !verify.contains("Print help"),
        "{verify}"
    );

    // The positional arguments under their own heading, in command-line order.
    let replay = help_in(None, &["--lang", "ko", "replay", "-h"]);
    assert!(
        replay.contains("\n인자:\n  <EXERCISE>  연습 문제(")
            && replay.contains("\n  <CHECK>     다시 실행할 검사"),
        "{replay}"
    );
    assert!(
        replay.contains("도움말을 출력합니다 (더 자세히는 '--help')"),
        "{replay}"
    );
    assert_eq!(
        help_in(None, &["--lang", "ko", "help", "replay"]),
        help_in(None, &["--lang", "ko", "replay", "--help"])
    );
}

#[test]
fn help_follows_a_korean_locale_and_lang_en_overrides_it() {
    let korean = help_in(Some("ko_KR.UTF-8"), &["--help"]);
    assert_eq!(korean, help_in(None, &["--lang", "ko", "--help"]));
    let hint = help_in(Some("ko_KR.UTF-8"), &["hint", "-h"]);
    assert!(hint.contains("\n인자:\n  <EXERCISE>  연습 문제("), "{hint}");

    let english = help_in(Some("ko_KR.UTF-8"), &["--help", "--lang", "en"]);
    assert_eq!(english, help_in(None, &["--help"]));
}

#[test]
fn help_stays_english_without_a_korean_locale() {
    let help = help_in(Some("C.UTF-8"), &["--help"]);
    insta::assert_snapshot!("english_help", help);
    assert_eq!(help_in(None, &["--help"]), help);
    let verify = help_in(None, &["verify", "-h"]);
    assert!(
        verify.contains("\nUsage: grader verify [OPTIONS]\n\nOptions:\n"),
        "{verify}"
    );
    assert!(!verify.contains("사용법"), "{verify}");
}

// ---------------------------------------------------------------------------
// clap's parse errors in the grader's language (every kind the Korean words
// is tested beside the command line, in `src/cli/help.rs`).

/// `grader ARGS`, which clap refuses, in a locale (`None`: none set): its
/// stderr, once checked that it exits with clap's status 2 and prints nothing
/// on stdout.
fn refused_in(locale: Option<&str>, args: &[&str]) -> String {
    let mut cmd = assert_cmd::Command::cargo_bin("grader").unwrap();
    cmd.env_remove("LC_ALL").env_remove("LC_MESSAGES");
    match locale {
        Some(locale) => cmd.env("LANG", locale),
        None => cmd.env_remove("LANG"),
    };
    let output = cmd
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    String::from_utf8(output.stderr).unwrap()
}

/// Words of clap's English errors.
const CLAP_ENGLISH: [&str; 6] = [
    "error:",
    "tip:",
    "Usage:",
    "For more information",
    "unexpected argument",
    "possible values",
];

#[test]
fn an_unknown_argument_is_refused_in_korean_with_the_similar_one() {
    let korean = refused_in(None, &["--lang", "ko", "--fromat", "json"]);
    assert_eq!(
        korean,
        "오류: 예상하지 못한 인자입니다: '--fromat'\n\
         \n  팁: 비슷한 인자가 있습니다: '--format'\n\
         \n사용법: grader --lang <LANG> --format <FORMAT>\n\
         \n자세한 내용은 '--help'로 볼 수 있습니다.\n"
    );
    // A Korean locale, and an unknown argument of a command.
    let list = refused_in(Some("ko_KR.UTF-8"), &["list", "--fromat", "json"]);
    assert!(
        list.starts_with("오류: 예상하지 못한 인자입니다: '--fromat'\n"),
        "{list}"
    );
    assert!(list.contains("\n사용법: grader list [OPTIONS]\n"), "{list}");
    for text in [&korean, &list] {
        for english in CLAP_ENGLISH {
            assert!(!text.contains(english), "`{english}` in\n{text}");
        }
    }
}

#[test]
fn an_invalid_format_is_refused_in_korean_with_the_formats() {
    let korean = refused_in(None, &["--lang", "ko", "--format", "yml"]);
    assert!(
        korean.starts_with("오류: '--format <FORMAT>'에 쓸 수 없는 값입니다: 'yml'\n"),
        "{korean}"
    );
    assert!(
        korean.contains("\n  [가능한 값: human, json, gradescope, classroom, junit, "),
        "{korean}"
    );
    assert!(
        korean.contains("\n  팁: 비슷한 값이 있습니다: 'html'\n"),
        "{korean}"
    );
    assert!(
        korean.ends_with("\n\n자세한 내용은 '--help'로 볼 수 있습니다.\n"),
        "{korean}"
    );
    for english in CLAP_ENGLISH {
        assert!(!korean.contains(english), "`{english}` in\n{korean}");
    }
    // The same list of `--verify`'s format, and of `--lang`'s values.
    let verify = refused_in(Some("ko_KR.UTF-8"), &["verify", "--format", "yml"]);
    assert_eq!(verify, korean);
    let lang = refused_in(Some("ko_KR.UTF-8"), &["list", "--lang"]);
    assert_eq!(
        lang,
        "오류: '--lang <LANG>'에 값이 필요한데 주어지지 않았습니다\n  [가능한 값: en, ko]\n\
         \n자세한 내용은 '--help'로 볼 수 있습니다.\n"
    );
}

#[test]
fn the_same_command_lines_in_english_print_claps_english() {
    let english = refused_in(None, &["--lang", "en", "--fromat", "json"]);
    assert_eq!(
        english,
        "error: unexpected argument '--fromat' found\n\
         \n  tip: a similar argument exists: '--format'\n\
         \nUsage: grader --lang <LANG> --format <FORMAT>\n\
         \nFor more information, try '--help'.\n"
    );
    assert_eq!(
        refused_in(Some("C.UTF-8"), &["--fromat", "json"]),
        "error: unexpected argument '--fromat' found\n\
         \n  tip: a similar argument exists: '--format'\n\
         \nUsage: grader --format <FORMAT>\n\
         \nFor more information, try '--help'.\n"
    );
    let format = refused_in(Some("ko_KR.UTF-8"), &["--lang", "en", "--format", "yml"]);
    assert!(
        format.starts_with(
            "error: invalid value 'yml' for '--format <FORMAT>'\n  \
             [possible values: human, json, gradescope, classroom, junit, "
        ),
        "{format}"
    );
    assert!(
        format.contains("\n  tip: a similar value exists: 'html'\n"),
        "{format}"
    );
    assert_eq!(refused_in(None, &["--format", "yml"]), format);
    assert!(!has_hangul(&format), "{format}");
}
