//! Snapshots of real reports (issue 14, item 6): what the grader binary
//! prints for a known-wrong answer of the course, not a report made by
//! hand. One lost wake-up (05-condvar/notify-before-push: a notify sent
//! before the push it announces) and one `Relaxed`-ordering bug
//! (08-atomics/publish-relaxed: a flag that publishes nothing), each in the
//! human report in English and Korean and in the HTML report, with a fixed
//! seed.
//!
//! Each grades one check, the exercise's loom model check, through `grader
//! replay` (the same grading pipeline as a full grading, with one check
//! selected): a model check explores the same interleavings for the same
//! seed on every machine, so its verdict, its message and its trace are
//! deterministic. A full `--only 05` grading is not: its stress checks
//! fail in whichever round the machine's timing makes fail (round 2 of 300
//! on one run, round 1 on the next, seed 7), and a passing stress check can
//! hit its time cap on a loaded machine. The filters below take out what
//! still depends on the machine: durations.
//!
//! Warm, each grading takes a few seconds (the check programs and their
//! loom variant are built by any earlier grading of the exercise).

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;

/// A cold build of an exercise's loom check program on a loaded 2-core
/// machine.
const LIMIT: Duration = Duration::from_secs(900);
const SEED: &str = "7";

fn course_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// `grader replay EXERCISE CHECK --seed 7 --wrong WRONG` with `extra`.
fn replay(exercise: &str, check: &str, wrong: &str, extra: &[&str]) -> String {
    let output = Command::cargo_bin("grader")
        .unwrap()
        .current_dir(course_root())
        .timeout(LIMIT)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .args([
            "replay", exercise, check, "--seed", SEED, "--wrong", wrong, "--quiet",
        ])
        .args(extra)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "grader replay {exercise} {check} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// Durations (`graded in 0.2 s`, a check's `16 ms`) and the thread ids of
/// the checker's own panic lines (`thread 'main' (13636) panicked`), which
/// the HTML report keeps in the check's output.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"graded in [0-9.]+ s", "graded in [duration]"),
        (
            r#"<td class="num">[0-9.]+ m?s</td>"#,
            r#"<td class="num">[duration]</td>"#,
        ),
        (r"\([0-9]+\) panicked", "([tid]) panicked"),
    ]
}

/// The human report in English and Korean and the HTML report (which is
/// English only: `--lang` words the human report) of one wrong answer's
/// model check, snapshotted as `NAME_en`, `NAME_ko`, `NAME_html`.
fn snapshot(name: &str, exercise: &str, check: &str, wrong: &str) -> [String; 3] {
    let en = replay(exercise, check, wrong, &["--lang", "en"]);
    let ko = replay(exercise, check, wrong, &["--lang", "ko"]);
    let html = replay(exercise, check, wrong, &["--format", "html"]);
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!(format!("{name}_en"), en);
        insta::assert_snapshot!(format!("{name}_ko"), ko);
        insta::assert_snapshot!(format!("{name}_html"), html);
    });
    [en, ko, html]
}

/// The kit's own words in the message above the trace, in Korean: its
/// sentences around the check author's scenario and the code's panic
/// message (both quoted as they are), the deadlock's threads and locks.
fn assert_message_in_korean(ko: &str) {
    let end = ko.find("실패한 실행의 스레드 실행 순서").expect("a trace");
    let message = &ko[..end];
    for english in [
        "the model checker",
        "found by",
        "that fails",
        "This is deterministic",
        "every run",
        "every thread",
        "deadlock:",
        "waits on",
        "waits for",
        "created at",
        "protecting",
        "released",
        "preemption bound",
        "execution ",
    ] {
        assert!(!message.contains(english), "`{english}` in\n{message}");
    }
}

/// The words of the trace that are the grader's own, in Korean: the
/// trace's heading, its execution, its sentence and what each object is.
fn assert_trace_in_korean(ko: &str) {
    let start = ko.find("실패한 실행의 스레드 실행 순서").expect("a trace");
    let end = ko.find("재현:").expect("a replay line");
    let trace = &ko[start..end];
    for english in [
        "interleaving of the failing execution",
        "loom execution",
        "created at",
        "protecting",
        "steps omitted",
        "step omitted",
    ] {
        assert!(!trace.contains(english), "`{english}` in\n{trace}");
    }
    assert!(trace.contains("loom 실행"), "{trace}");
}

#[test]
fn a_lost_wakeup_in_05_condvar() {
    let [en, ko, html] = snapshot(
        "lost_wakeup_05",
        "05-condvar",
        "queue_model",
        "05-condvar/notify-before-push",
    );
    assert!(en.contains("a lost wake-up."), "{en}");
    assert!(ko.contains("깨우기 신호를 잃어버렸습니다."), "{ko}");
    assert!(ko.contains("에서 생성"), "{ko}");
    assert!(
        ko.contains("깨우기 신호를 잃어버렸습니다. 조건 변수에서"),
        "{ko}"
    );
    assert!(ko.contains("consumer-2이(가) 끝나기를 기다림"), "{ko}");
    assert_message_in_korean(&ko);
    assert_trace_in_korean(&ko);
    assert!(html.contains("<table class=\"trace\">"), "{html}");
}

#[test]
fn a_relaxed_flag_in_08_atomics() {
    let [en, ko, html] = snapshot(
        "relaxed_flag_08",
        "08-atomics",
        "mailbox_model",
        "08-atomics/publish-relaxed",
    );
    assert!(
        en.contains("nothing ordered that store before the load"),
        "{en}"
    );
    assert!(ko.contains("앞에 두는 순서가 없어서"), "{ko}");
    // The scenario and the check's assertion are the author's words.
    assert!(
        ko.contains("“a writer publishing [1, 2, 3, 4] while a reader reads”에서"),
        "{ko}"
    );
    assert!(ko.contains("the reader saw the flag up"), "{ko}");
    assert_message_in_korean(&ko);
    assert_trace_in_korean(&ko);
    assert!(html.contains("<tr class=\"mark\">"), "{html}");
}
