//! Snapshots of the evidence of linearizability, litmus and race checks as
//! the human, HTML and JUnit reports show it, from one hand-built report:
//! the scenario of a failed linearizability check (per-thread columns, the
//! unexplained result marked), the outcome table of a litmus check, and the
//! interleaving of a failed model check (lanes per thread, the overwriting
//! store marked). `interleaving_report.rs` snapshots a real one.

use threadlings_grader::i18n::Lang;
use threadlings_grader::report::{html, human, json, junit};
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport, OutcomeClass,
    OutcomeRow, OutcomeTable, REPORT_FORMAT_VERSION, Scenario, ScenarioOp, Trace, TraceCause,
    TraceObject, TraceStep,
};

fn op(op: &str, result: &str, call: u64, ret: u64, unexplained: bool) -> ScenarioOp {
    ScenarioOp {
        op: op.to_string(),
        result: Some(result.to_string()),
        call,
        ret: Some(ret),
        unexplained,
    }
}

fn scenario() -> Scenario {
    Scenario {
        label: "Channel (capacity 2)".to_string(),
        init: vec![op("Send(1)", "Ok(())", 0, 1, false)],
        threads: vec![
            vec![op("Send(2)", "Ok(())", 2, 5, false)],
            vec![op("Recv", "Some(2)", 3, 6, true)],
        ],
        post: vec![op("Recv", "Some(1)", 7, 8, false)],
        unexplained: vec![
            "no sequential order explains these results; after 2 of 4 operations, none of \
             these can come next:"
                .to_string(),
            "  thread 1 Recv returned Some(2), but a sequential run would return Some(1) here"
                .to_string(),
        ],
        notes: vec!["shrunk from 11 to 4 operations".to_string()],
        trace: Vec::new(),
        ..Scenario::default()
    }
}

fn table() -> OutcomeTable {
    let row = |outcome: &str, class, allowed, seen, verdict: &str| OutcomeRow {
        outcome: outcome.to_string(),
        class,
        allowed: Some(allowed),
        seen: Some(seen),
        verdict: verdict.to_string(),
    };
    OutcomeTable {
        label: "message passing (data Relaxed, flag Release/Acquire)".to_string(),
        results: vec!["flag".to_string(), "data".to_string()],
        rows: vec![
            row("flag=0 data=0", OutcomeClass::Acceptable, true, 412, "ok"),
            row("flag=1 data=42", OutcomeClass::Acceptable, true, 588, "ok"),
            row("flag=1 data=0", OutcomeClass::Forbidden, false, 0, "ok"),
        ],
        notes: vec!["loom: 6 interleavings; stress: 1000 runs on this machine".to_string()],
        run: None,
    }
}

/// The loom counter model's failing execution of a `Counter::add` that
/// reads and writes in two critical sections.
fn trace() -> Trace {
    let step = |thread: u32, op: &str, read: Option<&str>, wrote: Option<&str>| TraceStep {
        thread,
        op: op.to_string(),
        object: "mutex #1".to_string(),
        read: read.map(str::to_string),
        wrote: wrote.map(str::to_string),
        ..TraceStep::default()
    };
    let mut steps = vec![
        TraceStep {
            thread: 0,
            op: "spawn".to_string(),
            object: "adder".to_string(),
            ..TraceStep::default()
        },
        step(0, "lock", Some("0"), None),
        step(0, "unlock", None, None),
        step(1, "lock", Some("0"), None),
        step(1, "unlock", None, None),
        step(1, "lock", Some("0"), None),
        step(1, "unlock", None, Some("1")),
        step(0, "lock", Some("1"), None),
        step(0, "unlock", None, Some("1")),
    ];
    steps[8].mark = true;
    steps[3].omitted_before = 2;
    Trace {
        label: "loom execution 2".to_string(),
        execution: None,
        threads: vec!["main".to_string(), "adder".to_string()],
        objects: vec![TraceObject {
            label: "mutex #1".to_string(),
            detail: "mutex protecting u64, created at src/lib.rs:47:20".to_string(),
            what: None,
        }],
        steps,
        cause: Some(TraceCause::LostUpdate {
            object: "mutex #1".to_string(),
            reader: "main".to_string(),
            read: "0".to_string(),
            writer: "adder".to_string(),
            overwritten: "1".to_string(),
            stored: "1".to_string(),
            stale_read: false,
        }),
        summary: "thread main read 0 from mutex #1, then thread adder stored 1; main's store of \
                  1 overwrote adder's store of 1 without reading it: one update was lost."
            .to_string(),
        omitted: 2,
    }
}

fn check(name: &str, status: CheckStatus, message: &str) -> CheckReport {
    CheckReport {
        score: if status == CheckStatus::Passed {
            2.0
        } else {
            0.0
        },
        message: message.to_string(),
        duration_ms: 40,
        replay: (status != CheckStatus::Passed)
            .then(|| "cargo run -p grader -- --only 16 --seed 7".to_string()),
        ..CheckReport::without_evidence(name, CheckKind::Race, status, 2.0, 7)
    }
}

fn report() -> GradeReport {
    let mut lin = check(
        "channel_lin",
        CheckStatus::Failed,
        "the results of Channel (capacity 2) are not linearizable",
    );
    lin.scenario = Some(scenario());
    let mut litmus = check("message_passing_litmus", CheckStatus::Passed, "");
    litmus.outcomes = Some(table());
    let mut model = check(
        "counter_model",
        CheckStatus::Failed,
        "the model checker found an interleaving of two add(1) calls that fails",
    );
    model.trace = Some(trace());
    let checks = vec![lin, litmus, model];
    GradeReport {
        format_version: REPORT_FORMAT_VERSION,
        subject: "exercises".to_string(),
        seed: 7,
        score: 2.0,
        max_score: 6.0,
        duration_ms: 100,
        exercises: vec![ExerciseReport {
            name: "16-build-a-channel".to_string(),
            title: "Build a channel".to_string(),
            topic: "build-a-channel".to_string(),
            score: 2.0,
            max_score: 6.0,
            status: ExerciseStatus::Failed,
            checks,
            build_errors: None,
            integrity: Vec::new(),
            reused: None,
            title_ko: None,
        }],
    }
}

#[test]
fn human_report_shows_the_scenario_and_the_outcome_table() {
    let text = human::render(&report(), false);
    assert!(text.contains("Recv: Some(2) !"), "{text}");
    assert!(text.contains("flag=1 data=0"), "{text}");
    assert!(
        text.contains("→ unlock mutex #1 (wrote 1) │"),
        "the overwriting store is marked in main's column: {text}"
    );
    insta::assert_snapshot!("evidence_human", text);
}

#[test]
fn html_report_draws_them_as_tables() {
    let page = html::render(&report());
    assert!(
        page.contains("<td class=\"unexplained\">Recv → Some(2)</td>"),
        "{page}"
    );
    assert!(page.contains("<table class=\"outcomes\">"), "{page}");
    assert!(
        page.contains(
            "<tr class=\"mark\"><th>→</th><td class=\"step\">unlock mutex #1 (wrote 1)</td><td></td></tr>"
        ),
        "{page}"
    );
    insta::assert_snapshot!("evidence_html", page);
}

#[test]
fn html_report_in_korean_words_the_tables_from_the_catalog() {
    let page = html::render_in(&report(), Lang::Ko);
    for korean in [
        "<caption>“Channel (capacity 2)”의 시나리오</caption>",
        "<th>스레드 0</th><th>스레드 1</th>",
        "<td class=\"unexplained\">Recv → Some(2)</td>",
        "<caption>“message passing (data Relaxed, flag Release/Acquire)”의 결과(flag, data)",
        "<th>결과</th><th>분류</th><th>모델 허용</th><th>여기서 본 횟수</th><th>판정</th>",
        "<td>flag=1 data=0</td><td>금지</td><td>아니요</td><td class=\"num\">0</td><td>정상</td>",
        "<caption>실패한 실행의 스레드 실행 순서(loom execution 2)</caption>",
        "unlock mutex #1 (1 씀)",
        "갱신 하나가 사라졌습니다.",
    ] {
        assert!(page.contains(korean), "no {korean} in\n{page}");
    }
    for english in [
        "scenario of",
        "<th>thread 0</th>",
        "outcomes of",
        "allowed by the model?",
        "<td>yes</td>",
        "<td>ok</td>",
        "(wrote 1)",
        "without reading it",
    ] {
        assert!(!page.contains(english), "{english} in\n{page}");
    }
}

#[test]
fn text_formats_carry_the_scenario_after_the_message() {
    let xml = junit::render(&report());
    assert!(xml.contains("Recv: Some(2) !"), "{xml}");
    assert!(xml.contains("one update was lost"), "{xml}");
}

#[test]
fn json_round_trips_the_evidence() {
    let text = json::render(&report());
    let back: GradeReport = serde_json::from_str(&text).unwrap();
    assert_eq!(back, report());
}
