//! The machine formats (Gradescope, GitHub Classroom, JUnit, HTML) and the
//! GitHub Actions summary and annotations, rendered from one hand-built report
//! holding every status: snapshots, plus checks against each consumer's
//! published shape. The report is built from JSON so that fields added to the
//! schema later (with defaults) do not break these tests.

use base64::Engine;
use serde_json::{Value, json};
use threadlings_grader::course::GradescopeVisibility;
use threadlings_grader::i18n::Lang;
use threadlings_grader::report::{
    self, Format, classroom, github, gradescope, html, junit, prairielearn,
};
use threadlings_schema::report::GradeReport;

fn check(name: &str, kind: &str, status: &str, points: f64, message: &str) -> Value {
    let passed = status == "passed";
    let skipped = status == "skipped";
    let mut check = json!({
        "name": name,
        "kind": kind,
        "status": status,
        "score": if passed { points } else { 0.0 },
        "max_score": if skipped { 0.0 } else { points },
        "message": message,
        "duration_ms": 12,
        "seed": 4242,
    });
    if !passed && !skipped {
        check["replay"] = json!("cargo run -p grader -- --only 01-threads --seed 4242");
    }
    check
}

/// Every check and exercise status, a timing check with a timeline, output
/// with markup in it, and a compile error.
fn sample() -> GradeReport {
    let mut crashed = check(
        "panicking_worker_is_reported",
        "test",
        "crashed",
        2.0,
        "panicked at src/lib.rs:40: called `Result::unwrap()` on an `Err` value: <script>alert(1)</script>",
    );
    crashed["output"] =
        json!("--- stderr ---\nthread 'worker-3' panicked at src/lib.rs:40 & 100% | done");
    let mut timing = check(
        "workers_run_concurrently",
        "timing",
        "failed",
        2.0,
        "your workers never ran at the same time\n  expected: 5 workers alive at once\n  actual:   at most 1",
    );
    timing["timeline"] = json!({
        "label": "run_workers(3, ..)",
        "events": [
            {"task": "worker 0", "thread": 0, "start_us": 0, "end_us": 1000},
            {"task": "worker 1", "thread": 1, "start_us": 1000, "end_us": 2000},
            {"task": "worker 2", "thread": 2, "start_us": 2000}
        ],
        "peak_in_flight": 1,
        "threads": 3,
        "notes": ["total 3.0 ms for 3 tasks of 1.0 ms"]
    });
    let value = json!({
        "format_version": 1,
        "subject": "exercises",
        "seed": 4242,
        "score": 5.0,
        "max_score": 16.0,
        "duration_ms": 1234,
        "exercises": [
            {
                "name": "01-threads",
                "title": "Threads: spawn and join",
                "topic": "threads",
                "score": 2.0,
                "max_score": 7.0,
                "status": "failed",
                "checks": [
                    check("results_in_worker_order", "test", "passed", 2.0, ""),
                    timing,
                    crashed,
                    check("shutdown_joins_everything", "race", "timeout", 1.0,
                        "did not finish within 30 s: possible deadlock (100% CPU)"),
                    check("speedup_on_cores", "timing", "skipped", 1.0, "skipped: only one core"),
                ]
            },
            {
                "name": "02-processes",
                "title": "Processes: spawn, wait, kill",
                "topic": "processes",
                "score": 0.0,
                "max_score": 4.0,
                "status": "compile_error",
                "checks": [{
                    "name": "build", "kind": "build", "status": "compile_error",
                    "score": 0.0, "max_score": 4.0,
                    "message": "your code does not compile; fix the errors below",
                    "duration_ms": 0, "seed": 4242
                }],
                "build_errors": "error[E0425]: cannot find value `child` in this scope\n --> src/lib.rs:12:5"
            },
            {
                "name": "03-channels",
                "title": "Channels | mpsc",
                "topic": "channels",
                "score": 0.0,
                "max_score": 2.0,
                "status": "not_started",
                "checks": [
                    check("sends_in_order", "test", "failed", 2.0, "not yet implemented"),
                ]
            },
            {
                "name": "04-atomics",
                "title": "Atomics",
                "topic": "atomics",
                "score": 3.0,
                "max_score": 3.0,
                "status": "passed",
                "checks": [ check("counts_every_increment", "race", "passed", 3.0, "") ]
            }
        ]
    });
    serde_json::from_value(value).expect("the sample is a valid report")
}

// ---------------------------------------------------------------- snapshots

#[test]
fn gradescope_snapshot() {
    insta::assert_snapshot!(gradescope::render(&sample()));
}

/// Two private checks, shown after the grades are published.
fn private_after_published() -> gradescope::Visibility {
    gradescope::Visibility::new(
        [
            ("01-threads", "shutdown_joins_everything"),
            ("04-atomics", "counts_every_increment"),
        ]
        .map(|(e, c)| (e.to_string(), c.to_string())),
        GradescopeVisibility::AfterPublished,
    )
}

#[test]
fn gradescope_private_after_published_snapshot() {
    insta::assert_snapshot!(gradescope::render_with(
        &sample(),
        &private_after_published()
    ));
}

#[test]
fn prairielearn_snapshot() {
    insta::assert_snapshot!(prairielearn::render(&sample()));
}

#[test]
fn classroom_snapshot() {
    insta::assert_snapshot!(classroom::render(&sample()));
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!(junit::render(&sample()));
}

#[test]
fn html_snapshot() {
    insta::assert_snapshot!(html::render(&sample()));
}

#[test]
fn step_summary_snapshot() {
    insta::assert_snapshot!(github::step_summary(&sample()));
}

#[test]
fn annotations_snapshot() {
    insta::assert_snapshot!(github::annotations(&sample()).join("\n"));
}

#[test]
fn every_format_renders_through_the_format_switch() {
    let report = sample();
    for format in [
        Format::Human,
        Format::Json,
        Format::Gradescope,
        Format::Classroom,
        Format::Junit,
        Format::Html,
        Format::Prairielearn,
    ] {
        let text = report::render(&report, format, false);
        assert!(text.ends_with('\n'), "{format:?} ends with a newline");
        assert_eq!(format.is_machine_readable(), format != Format::Human);
    }
}

// ------------------------------------------------------ Gradescope's shape

/// Gradescope "Autograder Specifications": results.json keys and types.
#[test]
fn gradescope_has_the_published_keys_and_types() {
    let report = sample();
    let results: Value = serde_json::from_str(&gradescope::render(&report)).unwrap();
    assert!(results["score"].is_number());
    assert!(results["execution_time"].is_u64(), "whole seconds");
    assert_eq!(results["execution_time"], 2, "1234 ms rounds up");
    assert!(results["output"].is_string());
    assert!(
        ["visible", "hidden", "after_due_date", "after_published"]
            .contains(&results["visibility"].as_str().unwrap())
    );
    let tests = results["tests"].as_array().unwrap();
    let checks: usize = report.exercises.iter().map(|e| e.checks.len()).sum();
    assert_eq!(tests.len(), checks, "one test per check");
    let mut total = 0.0;
    for test in tests {
        assert!(test["name"].is_string());
        assert!(test["score"].is_number() && test["max_score"].is_number());
        assert!(test["output"].is_string());
        assert_eq!(test["visibility"], "visible");
        if let Some(status) = test.get("status") {
            assert!(status == "passed" || status == "failed", "{status}");
        }
        total += test["score"].as_f64().unwrap();
    }
    assert_eq!(total, results["score"].as_f64().unwrap());
    assert_eq!(results["score"], report.score);
    let skipped = tests
        .iter()
        .find(|t| t["name"] == "01-threads: speedup_on_cores")
        .unwrap();
    assert!(
        skipped.get("status").is_none(),
        "a skipped check is neither"
    );
    let failed = tests
        .iter()
        .find(|t| t["name"] == "01-threads: workers_run_concurrently")
        .unwrap();
    let output = failed["output"].as_str().unwrap();
    assert!(output.contains("never ran at the same time") && output.contains("seed: 4242"));
    assert!(output.contains("replay: cargo run -p grader -- --only 01-threads --seed 4242"));
}

/// Private checks get the configured visibility, the others stay visible,
/// and the summary counts only what is shown (3 of the 5 points are in the
/// private `04-atomics` check, which passed: the summary must not say 5).
#[test]
fn gradescope_holds_back_private_results() {
    let results: Value = serde_json::from_str(&gradescope::render_with(
        &sample(),
        &private_after_published(),
    ))
    .unwrap();
    let visibility = |name: &str| {
        results["tests"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap()["visibility"]
            .clone()
    };
    assert_eq!(
        visibility("01-threads: shutdown_joins_everything"),
        "after_published"
    );
    assert_eq!(
        visibility("04-atomics: counts_every_increment"),
        "after_published"
    );
    assert_eq!(visibility("01-threads: results_in_worker_order"), "visible");
    assert_eq!(results["score"], 5.0, "Gradescope still records the total");
    let output = results["output"].as_str().unwrap();
    assert!(
        output.starts_with("Threadlings: 2/12 points in the tests shown here"),
        "{output}"
    );
    assert!(
        output.contains("2 more check(s), worth 4 point(s), are shown when grades are published")
    );
    assert!(!output.contains("5/16"), "{output}");
}

// --------------------------------------------------- PrairieLearn

/// PrairieLearn "External Grading": `score` in [0, 1], `gradable`, and the
/// test fields `<pl-external-grader-results>` renders.
#[test]
fn prairielearn_has_the_documented_keys_and_a_fraction_score() {
    let report = sample();
    let results: Value = serde_json::from_str(&prairielearn::render(&report)).unwrap();
    assert_eq!(results["gradable"], true);
    assert_eq!(results["score"].as_f64().unwrap(), 5.0 / 16.0);
    assert!(
        results["message"]
            .as_str()
            .unwrap()
            .contains("5/16 points (31%)")
    );
    let tests = results["tests"].as_array().unwrap();
    let checks: usize = report.exercises.iter().map(|e| e.checks.len()).sum();
    assert_eq!(tests.len(), checks, "one test per check");
    let mut points = 0.0;
    let mut max_points = 0.0;
    for test in tests {
        for key in ["name", "description", "message", "output"] {
            assert!(test[key].is_string(), "{key}: {test}");
        }
        points += test["points"].as_f64().unwrap();
        max_points += test["max_points"].as_f64().unwrap();
    }
    assert_eq!((points, max_points), (5.0, 16.0));
    let build = tests
        .iter()
        .find(|t| t["name"] == "02-processes: build")
        .unwrap();
    assert_eq!(build["max_points"], 4.0);
    assert!(build["output"].as_str().unwrap().contains("error[E0425]"));
    let timeout = tests
        .iter()
        .find(|t| t["name"] == "01-threads: shutdown_joins_everything")
        .unwrap();
    assert!(
        timeout["message"]
            .as_str()
            .unwrap()
            .starts_with("timeout: did not finish")
    );
    assert!(timeout["output"].as_str().unwrap().contains("seed: 4242"));

    // Nothing to grade is 0, never NaN (which is not JSON).
    let mut empty = report.clone();
    empty.exercises.clear();
    empty.score = 0.0;
    empty.max_score = 0.0;
    let results: Value = serde_json::from_str(&prairielearn::render(&empty)).unwrap();
    assert_eq!(results["score"], 0.0);
}

// --------------------------------------------------- Classroom reporter

/// What `autograding-grading-reporter` does with a runner's result: decode
/// base64, parse JSON, sum `tests[].score` out of `max_score`, and fail the
/// job when `status` is `fail` or `error`.
#[test]
fn classroom_result_reads_as_the_grading_reporter_reads_it() {
    let report = sample();
    let encoded = classroom::encode(&report);
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(&encoded)
        .expect("valid base64");
    let results: Value = serde_json::from_slice(&decoded).expect("valid JSON");
    assert_eq!(
        results,
        serde_json::from_str::<Value>(&classroom::render(&report)).unwrap()
    );
    assert_eq!(results["version"], 1);
    assert_eq!(results["status"], "fail");
    assert_eq!(results["max_score"], report.max_score);
    let tests = results["tests"].as_array().unwrap();
    let total: f64 = tests.iter().map(|t| t["score"].as_f64().unwrap()).sum();
    assert_eq!(total, report.score, "Classroom records exactly our points");
    for test in tests {
        assert!(test["name"].is_string());
        assert!(["pass", "fail", "error"].contains(&test["status"].as_str().unwrap()));
        assert!(test["message"].is_string() || test["message"].is_null());
        assert!(test["execution_time"].is_string());
        assert!(test["line_no"].is_null() || test["line_no"].is_u64());
    }
    assert!(
        !tests
            .iter()
            .any(|t| t["name"] == "01-threads: speedup_on_cores"),
        "skipped checks are left out"
    );
    let build = tests
        .iter()
        .find(|t| t["name"] == "02-processes: build")
        .unwrap();
    assert_eq!(build["status"], "error");
    assert!(build["message"].as_str().unwrap().contains("E0425"));
}

#[test]
fn classroom_status_passes_only_when_every_check_passes() {
    let mut report = sample();
    report.exercises.retain(|e| e.name == "04-atomics");
    let results: Value = serde_json::from_str(&classroom::render(&report)).unwrap();
    assert_eq!(results["status"], "pass");
}

// ------------------------------------------------------------------ JUnit

#[test]
fn junit_parses_back_with_the_counts_and_properties() {
    let report = sample();
    let xml = junit::render(&report);
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("valid JUnit XML");
    assert_eq!(parsed.test_suites.len(), 4, "one suite per exercise");
    let checks: usize = report.exercises.iter().map(|e| e.checks.len()).sum();
    assert_eq!(parsed.tests, checks, "one testcase per check");
    // timing failed + timeout + not-started failure = failures; crash + build = errors.
    assert_eq!(parsed.failures, 3);
    assert_eq!(parsed.errors, 2);
    assert_eq!(parsed.skipped, 1);
    let threads = &parsed.test_suites[0];
    assert_eq!(threads.name.as_str(), "01-threads");
    for case in &threads.test_cases {
        assert_eq!(case.classname.as_ref().unwrap().as_str(), "01-threads");
        let names: Vec<&str> = case.properties.iter().map(|p| p.name.as_str()).collect();
        for wanted in ["kind", "seed", "points"] {
            assert!(
                names.contains(&wanted),
                "{} lacks {wanted}",
                case.name.as_str()
            );
        }
        let seed = case
            .properties
            .iter()
            .find(|p| p.name.as_str() == "seed")
            .unwrap();
        assert_eq!(seed.value.as_str(), "4242");
    }
    let timing = &threads.test_cases[1];
    let kind = timing
        .properties
        .iter()
        .find(|p| p.name.as_str() == "kind")
        .unwrap();
    assert_eq!(kind.value.as_str(), "timing");
    match &timing.status {
        quick_junit::TestCaseStatus::NonSuccess {
            kind,
            message,
            ty,
            description,
            ..
        } => {
            assert_eq!(*kind, quick_junit::NonSuccessKind::Failure);
            assert_eq!(
                message.as_ref().unwrap().as_str(),
                "your workers never ran at the same time"
            );
            assert_eq!(ty.as_ref().unwrap().as_str(), "failed");
            assert!(
                description
                    .as_ref()
                    .unwrap()
                    .as_str()
                    .contains("seed: 4242")
            );
        }
        other => panic!("expected a failure, got {other:?}"),
    }
}

// ------------------------------------------------------------------- HTML

#[test]
fn html_is_standalone_escaped_and_shows_every_failure_with_its_seed() {
    let page = html::render(&sample());
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script>"), "markup in messages is escaped");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(
        !page.contains("src=\"http") && !page.contains("href=\"http"),
        "nothing fetched"
    );
    for exercise in ["01-threads", "02-processes", "03-channels", "04-atomics"] {
        assert!(
            page.contains(&format!("id=\"{exercise}\"")),
            "{exercise} has a section"
        );
    }
    for message in [
        "your workers never ran at the same time",
        "did not finish within 30 s",
        "error[E0425]: cannot find value `child` in this scope",
        "seed: 4242",
        "replay: cargo run -p grader -- --only 01-threads --seed 4242",
    ] {
        assert!(page.contains(&html::escape(message)), "shows {message}");
    }
    // Tags balance (a cheap well-formedness check for the tags we emit).
    for tag in ["table", "tr", "td", "pre", "section", "svg", "figure"] {
        let open =
            page.matches(&format!("<{tag}>")).count() + page.matches(&format!("<{tag} ")).count();
        let close = page.matches(&format!("</{tag}>")).count();
        assert_eq!(open, close, "<{tag}> opened {open} times, closed {close}");
    }
}

#[test]
fn html_draws_a_timing_checks_timeline() {
    let page = html::render(&sample());
    assert_eq!(
        page.matches("<svg").count(),
        1,
        "one chart: the timing check's"
    );
    assert_eq!(page.matches("<rect").count(), 3, "a bar per task");
    assert!(page.contains("run_workers(3, ..): at most 1 running at once, on 3 thread(s)"));
    assert!(page.contains("worker 2 on thread 2: started at 2000 µs, had not ended"));
    assert!(page.contains("total 3.0 ms for 3 tasks of 1.0 ms"));
}

/// A passing race check with what it covered, and a skipped check with the
/// grader's explanation (the sample's are the check's own text).
fn sample_with_coverage() -> GradeReport {
    use threadlings_schema::report::{Coverage, CoverageTool, Explanation};
    let mut report = sample();
    report.exercises[3].checks[0].coverage = Some(Coverage {
        tool: CoverageTool::Exploration,
        executions: 1000,
        budget: Some(1000),
        threads: None,
        operations: None,
        pct_depth: Some(3),
        preemption_bound: None,
        time_capped: false,
        deterministic: true,
    });
    report.exercises[0].checks[4].explanation = Some(Explanation::Skipped {
        reason: "only one core".to_string(),
        kit: None,
    });
    report
}

#[test]
fn html_says_what_a_passing_race_check_covered_and_why_a_check_was_skipped() {
    let page = html::render(&sample_with_coverage());
    assert!(
        page.contains("<p class=\"meta\">covered: 1000 schedules, PCT depth 3</p>"),
        "{page}"
    );
    assert!(page.contains("<pre>skipped: only one core</pre>"), "{page}");
}

#[test]
fn html_in_korean_takes_every_word_from_the_catalogs() {
    let page = html::render_in(&sample_with_coverage(), Lang::Ko);
    for korean in [
        "<html lang=\"ko\">",
        "<title>Threadlings 보고서: 연습 문제</title>",
        "점수 <strong>5/16</strong> (31%) &middot; 시드 4242 &middot; 채점 시간 1.2초",
        "<th>연습 문제</th><th>제목</th><th>점수</th><th>상태</th>",
        "<th>검사</th><th>종류</th><th>상태</th><th>점수</th><th>시간</th><th>시드</th>",
        "<td class=\"skipped\">건너뜀</td>",
        "<td class=\"compile_error\">컴파일 안 됨</td>",
        "<p class=\"meta\">검사한 범위: 스케줄 1000개, PCT 깊이 3</p>",
        "<pre>건너뜀: only one core</pre>",
        "<p>여기서 시작하세요: <code>exercises/03-channels/README.ko.md</code>(영어 원문은 \
         <code>README.md</code>)를 읽고, <code>src/lib.rs</code>의 <code>todo!()</code>를 \
         여러분의 코드로 바꾸세요.</p>",
        "run_workers(3, ..): 동시에 최대 1개 실행, 스레드 3개",
        "aria-label=\"run_workers(3, ..)의 타임라인\"",
        "<title>worker 2, 스레드 2: 2000 µs에 시작, 끝나지 않음</title>",
        "시드: 4242",
        "재현: cargo run -p grader -- --only 01-threads --seed 4242",
        "--- 출력 ---",
        "--- 컴파일러 오류 ---",
    ] {
        assert!(page.contains(korean), "no {korean} in\n{page}");
    }
    for english in [
        "Threadlings report",
        "Score",
        "graded in",
        ">Exercises<",
        ">Check<",
        ">skipped<",
        "does not compile<",
        "covered:",
        "Start here",
        "running at once",
        "timeline of",
        "had not ended",
        "seed: ",
        "replay: ",
        "--- output ---",
        "--- compiler errors ---",
    ] {
        assert!(!page.contains(english), "{english} in\n{page}");
    }
}

// ---------------------------------------------------------- GitHub Actions

#[test]
fn annotations_follow_the_rule_and_escape_workflow_commands() {
    let lines = github::annotations(&sample());
    // 01-threads: timing failed, crashed, timeout; 02: compile error;
    // 03 (not started) and 04 (passed) are not annotated; skipped is not.
    assert_eq!(lines.len(), 4, "{lines:#?}");
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("::error file=exercises/"))
    );
    assert!(lines.iter().all(|l| !l.contains('\n')));
    assert!(lines[0].contains("title=01-threads%3A%3Aworkers_run_concurrently failed::"));
    assert!(lines[0].contains("your workers never ran at the same time%0A  expected"));
    assert!(
        lines[2].contains("(100%25 CPU)"),
        "percent signs are escaped: {}",
        lines[2]
    );
    assert!(lines[3].starts_with(
        "::error file=exercises/02-processes/src/lib.rs,title=02-processes does not compile::"
    ));
    assert!(!lines.iter().any(|l| l.contains("03-channels")));
}

#[test]
fn annotations_stop_at_ten_and_say_how_many_were_left_out() {
    let mut report = sample();
    let failing = report.exercises[0].checks[1].clone();
    for i in 0..14 {
        let mut check = failing.clone();
        check.name = format!("failing_{i:02}");
        report.exercises[0].checks.push(check);
    }
    let lines = github::annotations(&report);
    assert_eq!(lines.len(), github::MAX_ANNOTATIONS);
    // 4 earlier candidates + 14 more = 18; 9 shown, the 10th counts 9.
    assert!(
        lines[9].contains("9 more failing checks are not annotated"),
        "{}",
        lines[9]
    );
}

#[test]
fn publish_appends_the_summary_and_annotates_only_in_actions() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "earlier step\n").unwrap();
    let report = sample();
    let quiet = github::publish(
        &report,
        &github::GithubEnv {
            actions: false,
            step_summary: Some(summary.clone()),
            output: None,
        },
    )
    .unwrap();
    assert!(quiet.is_empty(), "no annotations outside GitHub Actions");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.starts_with("earlier step\n## Threadlings: 5/16 points (31%)"));
    assert!(text.contains("| 03-channels | Channels \\| mpsc | 0/2 | ⏳ not started |"));
    let loud = github::publish(
        &report,
        &github::GithubEnv {
            actions: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(loud.len(), 4);
}
