//! Snapshots of real reports (issue 14, item 6): what the grader binary
//! prints for a known-wrong answer of the course, not a report made by
//! hand. One lost update (04-shared-state/lost-update: a read and its write
//! in two critical sections), one lost wake-up (05-condvar/notify-before-push:
//! a notify sent before the push it announces), one deadlock
//! (07-deadlock/left-fork-first: every philosopher takes the same side's
//! fork first) and one `Relaxed`-ordering bug (08-atomics/publish-relaxed: a
//! flag that publishes nothing), each in the human report and in the HTML
//! report, in English and in Korean, with a fixed seed.
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

/// Durations (`graded in 0.2 s`, `채점 시간 0.2초`, a check's `16 ms`) and the
/// thread ids of the checker's own panic lines (`thread 'main' (13636)
/// panicked`), which the HTML report keeps in the check's output.
fn filters() -> Vec<(&'static str, &'static str)> {
    vec![
        (r"graded in [0-9.]+ s", "graded in [duration]"),
        (r"채점 시간 [0-9.]+초", "채점 시간 [duration]"),
        (
            r#"<td class="num">[0-9.]+ m?s</td>"#,
            r#"<td class="num">[duration]</td>"#,
        ),
        (r"\([0-9]+\) panicked", "([tid]) panicked"),
    ]
}

/// The reports of one wrong answer's model check.
struct Reports {
    /// The human report in English and Korean, as the binary prints them.
    en: String,
    ko: String,
    /// The HTML page in English, as the binary prints it.
    html: String,
    /// The HTML page in Korean, as the binary prints it.
    html_ko: String,
}

/// The human report in English and Korean and the HTML page in English and
/// Korean of one wrong answer's model check, snapshotted as `NAME_en`,
/// `NAME_ko`, `NAME_html` and `NAME_html_ko`.
fn snapshot(name: &str, exercise: &str, check: &str, wrong: &str) -> Reports {
    let en = replay(exercise, check, wrong, &["--lang", "en"]);
    let ko = replay(exercise, check, wrong, &["--lang", "ko"]);
    assert_no_english_sentence(&ko);
    let html = replay(exercise, check, wrong, &["--format", "html"]);
    let html_ko = replay(
        exercise,
        check,
        wrong,
        &["--format", "html", "--lang", "ko"],
    );
    insta::with_settings!({ filters => filters() }, {
        insta::assert_snapshot!(format!("{name}_en"), en);
        insta::assert_snapshot!(format!("{name}_ko"), ko);
        insta::assert_snapshot!(format!("{name}_html"), html);
        insta::assert_snapshot!(format!("{name}_html_ko"), html_ko);
    });
    Reports {
        en,
        ko,
        html,
        html_ko,
    }
}

/// Where a trace starts in a Korean report (its heading, in the human
/// report's text and in the HTML page's caption alike).
const TRACE_KO: &str = "실패한 실행의 스레드 실행 순서";
/// The line before a check's captured output in a Korean HTML page: what
/// follows is the check program's own output, printed as it is.
const OUTPUT_KO: &str = "--- 출력 ---";

/// The kit's own words in the message above the trace, in Korean: its
/// sentences around the check author's scenario and the code's panic
/// message (both quoted as they are), the deadlock's threads and locks.
fn assert_message_in_korean(ko: &str) {
    let trace = ko.find(TRACE_KO).expect("a trace");
    let end = ko.find(OUTPUT_KO).map_or(trace, |output| output.min(trace));
    let message = &ko[..end];
    assert_no_english_sentence(message);
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

/// No English sentence anywhere in a Korean report, the check author's
/// words included: no three words of letters in a row, outside the replay
/// command. API names (`notify_one`, `Counter::add(1)`), object labels
/// (`mutex #1`) and values are not words of letters.
fn assert_no_english_sentence(ko: &str) {
    for line in ko.lines().filter(|l| !l.contains("cargo run -p grader")) {
        let mut run = Vec::new();
        for token in line.split_whitespace() {
            let word = token
                .trim_start_matches(['(', '“', '"', '`', '['])
                .trim_end_matches([',', '.', ':', ';', ')', '”', '"', '`', ']']);
            if word.len() >= 2 && word.chars().all(|c| c.is_ascii_alphabetic()) {
                run.push(word);
                assert!(run.len() < 3, "English `{}` in\n{line}", run.join(" "));
            } else {
                run.clear();
            }
        }
    }
}

/// The words of the trace that are the grader's own, in Korean: the
/// trace's heading, its execution, its sentence and what each object is.
/// The human report ends the trace at its replay line; the HTML page has
/// that line above the trace, which runs to the end of the page.
fn assert_trace_in_korean(ko: &str) {
    let start = ko.find(TRACE_KO).expect("a trace");
    let end = ko[start..]
        .find("재현:")
        .map_or(ko.len(), |end| start + end);
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

/// A Korean HTML page: Korean from its `lang` to its last cell, but for the
/// course's own words (an exercise's title), the check author's and the
/// check program's output. Its message and trace pass the same assertions
/// as the human report's.
fn assert_page_in_korean(page: &str) {
    assert!(page.contains("<html lang=\"ko\">"), "{page}");
    let body = &page[page.find("<body>").expect("a body")..];
    // The text between the tags (the `<style>` sits in the head), without
    // what the check program printed (after `--- 출력 ---` in a `<pre>`:
    // Rust's own panic lines, quoted as they were printed).
    let mut quoted = String::new();
    let mut rest = body;
    while let Some(start) = rest.find(OUTPUT_KO) {
        quoted.push_str(&rest[..start]);
        rest = rest[start..]
            .split_once("</pre>")
            .map_or("", |(_, after)| after);
    }
    quoted.push_str(rest);
    let text: String = quoted
        .split('<')
        .filter_map(|piece| piece.split_once('>').map(|(_, text)| text))
        .collect::<Vec<_>>()
        .join("\n");
    assert_no_english_sentence(&text);
    for english in [
        "Threadlings report",
        "Score",
        "graded in",
        "&middot; seed",
        ">Exercises<",
        ">Exercise<",
        ">Title<",
        ">Check<",
        ">Kind<",
        ">Status<",
        ">Points<",
        ">Time<",
        ">Seed<",
        ">failed<",
        " failed</span>",
        "wrong answer",
        "seed: ",
        "replay: cargo run -p grader",
        "--- output ---",
    ] {
        assert!(!body.contains(english), "`{english}` in\n{body}");
    }
    for korean in [
        ">연습 문제<",
        ">검사<",
        ">실패<",
        "시드: 7",
        "재현: cargo run -p grader",
    ] {
        assert!(body.contains(korean), "no `{korean}` in\n{body}");
    }
    // The headings above name the exercise (`07-deadlock: Deadlock: ...`):
    // the message starts in the check's details.
    let details = &body[body.find("<tr class=\"details\">").expect("details")..];
    assert_message_in_korean(details);
    assert_trace_in_korean(details);
}

#[test]
fn a_lost_update_in_04_shared_state() {
    let Reports {
        en,
        ko,
        html,
        html_ko,
    } = snapshot(
        "lost_update_04",
        "04-shared-state",
        "counter_model",
        "04-shared-state/lost-update",
    );
    assert!(en.contains("one update was lost."), "{en}");
    assert!(ko.contains("갱신 하나가 사라졌습니다."), "{ko}");
    assert!(ko.contains("(1 씀)"), "{ko}");
    assert_message_in_korean(&ko);
    assert_trace_in_korean(&ko);
    assert!(html.contains("<tr class=\"mark\">"), "{html}");
    assert!(html_ko.contains("갱신 하나가 사라졌습니다."), "{html_ko}");
    assert!(html_ko.contains("unlock mutex #1 (1 씀)"), "{html_ko}");
    assert_page_in_korean(&html_ko);
}

#[test]
fn a_lost_wakeup_in_05_condvar() {
    let Reports {
        en,
        ko,
        html,
        html_ko,
    } = snapshot(
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
    assert!(
        html_ko.contains("깨우기 신호를 잃어버렸습니다."),
        "{html_ko}"
    );
    assert_page_in_korean(&html_ko);
}

#[test]
fn a_deadlock_in_07_deadlock() {
    let Reports {
        en,
        ko,
        html,
        html_ko,
    } = snapshot(
        "deadlock_07",
        "07-deadlock",
        "dine_model",
        "07-deadlock/left-fork-first",
    );
    assert!(en.contains("no thread can run"), "{en}");
    assert!(ko.contains("교착 상태: philosopher-0은(는)"), "{ko}");
    assert!(ko.contains("어떤 스레드도 진행할 수 없습니다"), "{ko}");
    assert_message_in_korean(&ko);
    assert_trace_in_korean(&ko);
    assert!(html.contains("<tr class=\"mark\">"), "{html}");
    assert!(
        html_ko.contains("어떤 스레드도 진행할 수 없습니다"),
        "{html_ko}"
    );
    assert_page_in_korean(&html_ko);
}

#[test]
fn a_relaxed_flag_in_08_atomics() {
    let Reports {
        en,
        ko,
        html,
        html_ko,
    } = snapshot(
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
    // The scenario and the check's assertion: the author's words, in the
    // Korean the check wrote beside them (`t!`).
    assert!(
        ko.contains("“읽는 스레드가 읽는 동안 쓰는 스레드가 [1, 2, 3, 4]를 게시”에서"),
        "{ko}"
    );
    assert!(ko.contains("읽는 스레드가 올라간 플래그는 봤지만"), "{ko}");
    assert_message_in_korean(&ko);
    assert_trace_in_korean(&ko);
    assert!(html.contains("<tr class=\"mark\">"), "{html}");
    assert!(html_ko.contains("앞에 두는 순서가 없어서"), "{html_ko}");
    assert_page_in_korean(&html_ko);
}
