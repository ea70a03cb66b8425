//! The grader's own words in English and Korean: the human report's chrome
//! (headings, status words, what to do next), the `list`, `hint` and `verify`
//! commands, and the explanations the grader itself writes into a check's
//! message (time-outs, crashes, compile errors, sandbox limits).
//!
//! Reports keep those explanations in English: the JSON result is a stable
//! contract. The human renderer translates them when it prints them, by their
//! structure: each one is matched against the English template it was made
//! from ([`check_message`]). A message the grader did not write (a check's own
//! failure text) is printed unchanged.

use std::borrow::Cow;

use clap::ValueEnum;
use threadlings_schema::report::{CheckKind, CheckStatus, ExerciseStatus};

/// The language of everything the grader prints for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum Lang {
    /// English.
    #[default]
    En,
    /// Korean (한국어).
    Ko,
}

impl Lang {
    /// `explicit` (the `--lang` flag) if given, else the locale.
    pub fn resolve(explicit: Option<Lang>) -> Lang {
        explicit.unwrap_or_else(|| Lang::from_locale(|key| std::env::var(key).ok()))
    }

    /// The language of the locale, read as the C library does: the first of
    /// `LC_ALL`, `LC_MESSAGES` and `LANG` that is set and not empty decides;
    /// Korean when it starts with `ko` (`ko`, `ko_KR.UTF-8`), else English.
    pub fn from_locale(var: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .find_map(|key| var(key).filter(|value| !value.is_empty()))
            .map_or(Lang::En, |value| {
                if value.to_ascii_lowercase().starts_with("ko") {
                    Lang::Ko
                } else {
                    Lang::En
                }
            })
    }

    fn pick<'a>(self, en: &'a str, ko: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Ko => ko,
        }
    }
}

// ---------------------------------------------------------------------------
// The human report.

/// `Grading exercises`
pub fn grading(lang: Lang, subject: &str) -> String {
    match lang {
        Lang::En => format!("Grading {subject}"),
        Lang::Ko => format!("{} 채점", subject_ko(subject)),
    }
}

/// The Korean name of a grading subject (`subject::Subject::label`): the two
/// course trees and the wrong answers get Korean names, so the header does
/// not read "exercises 채점"; a directory the student named stays its path.
fn subject_ko(subject: &str) -> String {
    match subject {
        "exercises" => "연습 문제".to_string(),
        "solutions" => "모범 답안".to_string(),
        _ => match subject.strip_prefix("wrong answer ") {
            Some(which) => format!("오답 {which}"),
            None => subject.to_string(),
        },
    }
}

/// `(seed 4242)`
pub fn seed_in_parentheses(lang: Lang, seed: u64) -> String {
    format!("({})", seed_label(lang, seed))
}

/// `seed 4242`
pub fn seed_label(lang: Lang, seed: u64) -> String {
    match lang {
        Lang::En => format!("seed {seed}"),
        Lang::Ko => format!("시드 {seed}"),
    }
}

pub fn exercise_status(lang: Lang, status: ExerciseStatus) -> &'static str {
    match status {
        ExerciseStatus::Passed => lang.pick("passed", "통과"),
        ExerciseStatus::Failed => lang.pick("failed", "실패"),
        ExerciseStatus::CompileError => lang.pick("does not compile", "컴파일 안 됨"),
        ExerciseStatus::NotStarted => lang.pick("not started", "시작 전"),
    }
}

/// The status word of a check that failed only because a task it uses still
/// calls `todo!()`: "not started", like the exercise it belongs to, not
/// "failed" above a message that says it was never started.
pub fn check_not_started(lang: Lang) -> &'static str {
    lang.pick("not started", "시작 전")
}

/// The start of the message the grader writes for a check whose task still
/// calls `todo!()` (see `score`); the human report keys its wording on it.
pub const NOT_STARTED_MESSAGE: &str = "not started yet: a task this check uses still calls todo!()";

/// Whether `message` is the grader's "a task still calls todo!()" message.
pub fn is_not_started_message(message: &str) -> bool {
    message.starts_with(NOT_STARTED_MESSAGE)
}

pub fn check_status(lang: Lang, status: CheckStatus) -> &'static str {
    match status {
        CheckStatus::Passed => lang.pick("passed", "통과"),
        CheckStatus::Skipped => lang.pick("skipped", "건너뜀"),
        CheckStatus::Failed => lang.pick("failed", "실패"),
        CheckStatus::Timeout => lang.pick("timeout", "시간 초과"),
        CheckStatus::Crashed => lang.pick("crashed", "비정상 종료"),
        CheckStatus::CompileError => lang.pick("compile error", "컴파일 오류"),
    }
}

/// What to do with an exercise that is not started.
pub fn start_here(lang: Lang, exercise: &str) -> String {
    match lang {
        Lang::En => format!(
            "Start here: read exercises/{exercise}/README.md, then replace the todo!()s in src/lib.rs."
        ),
        Lang::Ko => format!(
            "여기서 시작하세요: exercises/{exercise}/README.ko.md(영어 원문은 README.md)를 읽고, \
             src/lib.rs의 todo!()를 여러분의 코드로 바꾸세요."
        ),
    }
}

/// The label before an integrity finding in the human report.
pub fn integrity_label(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "integrity:",
        Lang::Ko => "무결성:",
    }
}

/// Compiler output cut after the first lines: the command that shows all of
/// it. With the exercise's package known, `cargo build -p PACKAGE`; without
/// it, plain `cargo build` in the exercise's directory (cargo then builds the
/// package whose manifest is there), never a placeholder to fill in.
pub fn more_build_lines(lang: Lang, count: usize, exercise: &str, package: Option<&str>) -> String {
    match (lang, package) {
        (Lang::En, Some(package)) => {
            format!("... {count} more lines: run `cargo build -p {package}` to see them all")
        }
        (Lang::En, None) => {
            format!(
                "... {count} more lines: run `cargo build` in exercises/{exercise} to see them all"
            )
        }
        (Lang::Ko, Some(package)) => format!(
            "... {count}줄 더 있습니다: 모두 보려면 `cargo build -p {package}`를 실행하세요"
        ),
        (Lang::Ko, None) => format!(
            "... {count}줄 더 있습니다: 모두 보려면 exercises/{exercise}에서 `cargo build`를 실행하세요"
        ),
    }
}

/// Check output cut before the last lines.
pub fn earlier_output_lines(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("[{count} earlier lines of output]"),
        Lang::Ko => format!("[앞선 출력 {count}줄 생략]"),
    }
}

/// After the status line of a check that caught the bug another check's
/// evidence shows (`report::story`), with the execution it caught it in.
pub fn also_caught(lang: Lang, label: Option<&str>) -> String {
    match (lang, label) {
        (Lang::En, Some(label)) => format!("same bug as above, caught in {label}"),
        (Lang::En, None) => "same bug as above".to_string(),
        (Lang::Ko, Some(label)) => {
            format!("위와 같은 버그를 잡았습니다({})", trace_label_ko(label))
        }
        (Lang::Ko, None) => "위와 같은 버그를 잡았습니다".to_string(),
    }
}

/// What a race check covered, in a few words (`150 rounds × 4 threads × 60
/// operations`, `1000 schedules, PCT depth 3`, `every interleaving up to 3
/// preemptions (41 executions)`), from the numbers the check sent.
pub fn coverage(lang: Lang, c: &threadlings_schema::report::Coverage) -> String {
    use threadlings_schema::report::CoverageTool;
    let n = c.executions;
    let of = |unit_en: &str, unit_ko: &str| match (lang, c.time_capped, c.budget) {
        (Lang::En, true, Some(budget)) => format!("{n} of {budget} {unit_en}"),
        (Lang::En, _, _) => format!("{n} {unit_en}"),
        (Lang::Ko, true, Some(budget)) => format!("{unit_ko} {budget}개 중 {n}개"),
        (Lang::Ko, _, _) => format!("{unit_ko} {n}개"),
    };
    let capped = match (lang, c.time_capped) {
        (_, false) => "",
        (Lang::En, true) => " (time cap)",
        (Lang::Ko, true) => " (시간 한도)",
    };
    let text = match c.tool {
        CoverageTool::Stress => {
            let mut text = of("rounds", "라운드");
            if let (Some(threads), Some(ops)) = (c.threads, c.operations) {
                let plural = |count: u32, word: &str| match count {
                    1 => format!("1 {word}"),
                    _ => format!("{count} {word}s"),
                };
                text.push_str(&match lang {
                    Lang::En => format!(
                        " × {} × {}",
                        plural(threads, "thread"),
                        plural(ops, "operation")
                    ),
                    Lang::Ko => format!(" × 스레드 {threads}개 × 연산 {ops}개"),
                });
            }
            text
        }
        CoverageTool::Exploration => match (lang, c.pct_depth) {
            (Lang::En, Some(depth)) => format!("{}, PCT depth {depth}", of("schedules", "")),
            (Lang::En, None) => of("random schedules", ""),
            (Lang::Ko, Some(depth)) => format!("{}, PCT 깊이 {depth}", of("", "스케줄")),
            (Lang::Ko, None) => of("", "무작위 스케줄"),
        },
        CoverageTool::Model => {
            let bound = c.preemption_bound.unwrap_or_default();
            match (lang, c.time_capped) {
                (Lang::En, false) => {
                    format!("every interleaving up to {bound} preemptions ({n} executions)")
                }
                (Lang::En, true) => format!("{n} interleavings up to {bound} preemptions"),
                (Lang::Ko, false) => format!("선점 {bound}회 이하의 모든 인터리빙(실행 {n}회)"),
                (Lang::Ko, true) => format!("선점 {bound}회 이하의 인터리빙 {n}개"),
            }
        }
    };
    format!("{text}{capped}")
}

/// `replay: <command>`
pub fn replay(lang: Lang, command: &str) -> String {
    format!("{}: {command}", lang.pick("replay", "재현"))
}

/// `Score:`
pub fn score_label(lang: Lang) -> &'static str {
    lang.pick("Score:", "점수:")
}

/// `1 passed, 1 failed, 1 not compiling, 1 not started`
pub fn exercise_counts(
    lang: Lang,
    passed: usize,
    failed: usize,
    not_compiling: usize,
    not_started: usize,
) -> String {
    match lang {
        Lang::En => format!(
            "{passed} passed, {failed} failed, {not_compiling} not compiling, {not_started} not started"
        ),
        Lang::Ko => format!(
            "통과 {passed}, 실패 {failed}, 컴파일 안 됨 {not_compiling}, 시작 전 {not_started}"
        ),
    }
}

pub fn all_passed(lang: Lang) -> &'static str {
    lang.pick(
        "Everything passes. Well done!",
        "모두 통과했습니다. 잘했어요!",
    )
}

/// The exercise to work on next.
pub fn next(lang: Lang, exercise: &str, topic: &str) -> String {
    match lang {
        Lang::En => format!("Next: {exercise} (stuck? `cargo run -p grader -- hint {topic}`)"),
        Lang::Ko => {
            format!("다음: {exercise} (막혔나요? `cargo run -p grader -- hint {topic}`)")
        }
    }
}

// ---------------------------------------------------------------------------
// `grader list`, `grader hint`, `grader verify`.

/// The column headings of a README's generated checks table.
pub fn checks_table_headings(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::En => ["check", "kind", "points", "what it checks"],
        Lang::Ko => ["검사", "종류", "점수", "검사 내용"],
    }
}

/// The line under a README's table marker: where the table comes from.
pub fn checks_table_note(lang: Lang, exercise: &str) -> String {
    match lang {
        Lang::En => format!(
            "<!-- Generated from grader/checks/{exercise}/checks.toml by \
             `cargo run -p grader -- readmes --fix`; edit checks.toml, not this table. -->"
        ),
        Lang::Ko => format!(
            "<!-- grader/checks/{exercise}/checks.toml에서 \
             `cargo run -p grader -- readmes --fix`로 만든 표입니다. 표가 아니라 checks.toml을 \
             고치세요. 검사 내용은 checks.toml의 영어 원문 그대로입니다. -->"
        ),
    }
}

/// The last row of a README's checks table.
pub fn checks_table_total(lang: Lang) -> &'static str {
    lang.pick("total", "합계")
}

/// The heading of a README's grading section (without `## `).
pub fn graded_heading(lang: Lang) -> &'static str {
    lang.pick("How it is graded", "채점 방식")
}

/// A check's kind as a README table names it: race checks by the tool that
/// runs them (stress, shuttle's schedule exploration, loom's model check).
pub fn check_kind_label(lang: Lang, kind: CheckKind, variant: Option<&str>) -> String {
    match (kind, variant) {
        (CheckKind::Race, Some("shuttle")) => lang
            .pick("race: exploration (shuttle)", "race: 스케줄 탐색 (shuttle)")
            .to_string(),
        (CheckKind::Race, Some("loom")) => lang
            .pick("race: model check (loom)", "race: 모델 검사 (loom)")
            .to_string(),
        (CheckKind::Race, Some(other)) => format!("race ({other})"),
        (CheckKind::Race, None) => lang.pick("race: stress", "race: 스트레스").to_string(),
        (kind, _) => kind.as_str().to_string(),
    }
}

/// The column headings of `grader list`: exercise, topic, points, status.
pub fn list_headings(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::En => ["exercise", "topic", "points", "status"],
        Lang::Ko => ["연습 문제", "주제", "배점", "상태"],
    }
}

pub fn not_graded_yet(lang: Lang) -> &'static str {
    lang.pick("not graded yet", "아직 채점 안 함")
}

pub fn run_the_grader(lang: Lang) -> &'static str {
    lang.pick(
        "Run `cargo run -p grader` to grade the exercises.",
        "`cargo run -p grader`를 실행해 연습 문제를 채점하세요.",
    )
}

pub fn no_hints(lang: Lang, exercise: &str) -> String {
    match lang {
        Lang::En => format!("{exercise} has no hints; its README.md explains the tasks."),
        Lang::Ko => format!(
            "{exercise}에는 힌트가 없습니다. 과제 설명은 README.ko.md(영어 원문은 README.md)에 있습니다."
        ),
    }
}

/// `Hint 1/3 for 01-threads:`
pub fn hint_heading(lang: Lang, number: usize, total: usize, exercise: &str) -> String {
    match lang {
        Lang::En => format!("Hint {number}/{total} for {exercise}:"),
        Lang::Ko => format!("{exercise} 힌트 {number}/{total}:"),
    }
}

pub fn next_hint(lang: Lang) -> &'static str {
    lang.pick(
        "Run the same command again for the next hint.",
        "다음 힌트를 보려면 같은 명령을 다시 실행하세요.",
    )
}

pub fn verify_heading(lang: Lang, runs: u32, wrong_runs: u32, first_seed: u64) -> String {
    match lang {
        Lang::En => format!(
            "verify: stubs, {runs} run(s) of the solutions, {wrong_runs} run(s) of each wrong \
             answer (seeds from {first_seed})"
        ),
        Lang::Ko => format!(
            "verify: 스텁, 모범 답안 {runs}회 실행, 오답마다 {wrong_runs}회 실행 \
             (시드 {first_seed}부터)"
        ),
    }
}

/// One row of `grader verify`.
pub fn verify_row(
    lang: Lang,
    ok: bool,
    subject: &str,
    run: u32,
    seed: u64,
    expected: &str,
) -> String {
    let mark = if ok { "✓" } else { "✗" };
    match lang {
        Lang::En => format!("{mark} {subject:<44} run {run:<3} seed {seed:<8} {expected}"),
        Lang::Ko => format!("{mark} {subject:<44} 실행 {run:<3} 시드 {seed:<8} {expected}"),
    }
}

/// `MISS: <problem>`, indented.
pub fn verify_miss(lang: Lang, problem: &str) -> String {
    format!("      {}: {problem}", lang.pick("MISS", "놓침"))
}

pub fn verify_summary(lang: Lang, checked: usize, misses: usize) -> String {
    match lang {
        Lang::En => format!("verify: {checked} expectation(s) checked, {misses} miss(es)"),
        Lang::Ko => format!("verify: 기대 {checked}건 확인, 놓침 {misses}건"),
    }
}

// ---------------------------------------------------------------------------
// Messages the grader writes into a check report (score stage, sandbox
// limits, facade scan), recognised by the English template they were made
// from. `{}` in an English template stands for a value; `{0}`, `{1}`... in its
// Korean version say where each value goes.

struct Template {
    en: &'static str,
    ko: &'static str,
}

const fn t(en: &'static str, ko: &'static str) -> Template {
    Template { en, ko }
}

/// Whole messages (score stage and facade scan).
const MESSAGES: &[Template] = &[
    t(
        "the hidden checks do not compile against your code: did you change a public function's \
         name or signature? Keep the API given in src/lib.rs.",
        "숨겨진 검사가 여러분의 코드와 함께 컴파일되지 않습니다: 공개 함수의 이름이나 시그니처를 \
         바꾸지 않았나요? src/lib.rs에 주어진 API를 그대로 유지하세요.",
    ),
    t(
        "your code does not compile; fix the errors below (`cargo build -p {}` shows them in \
         colour)",
        "코드가 컴파일되지 않습니다. 아래 오류를 고치세요(`cargo build -p {0}`를 실행하면 색으로 \
         구분해 보여 줍니다)",
    ),
    t(
        "no sources for this exercise in the graded directory (expected NN-topic/src/)",
        "채점하는 디렉터리에 이 연습 문제의 소스가 없습니다(NN-topic/src/가 있어야 합니다)",
    ),
    t(
        "the `{}` build of the checks does not compile with your code. Exercises checked this \
         way must use the course's `threadlings::sync` and `threadlings::thread` instead of \
         `std::sync` and `std::thread`, and keep locks and atomics out of `static`s (a model \
         check creates them afresh for every interleaving it explores).",
        "검사의 `{0}` 빌드가 여러분의 코드와 함께 컴파일되지 않습니다. 이 방식으로 검사하는 연습 \
         문제에서는 `std::sync`와 `std::thread` 대신 코스의 `threadlings::sync`와 \
         `threadlings::thread`를 써야 하고, 락과 원자적 변수를 `static`에 두면 안 됩니다(모델 \
         검사는 탐색하는 인터리빙마다 이것들을 새로 만듭니다).",
    ),
    t(
        "did not finish within {} s: possible deadlock or infinite loop in `{}` (threads waiting \
         for each other, a lost wake-up, or a loop that never ends)",
        "{0}초 안에 끝나지 않았습니다: `{1}`에서 교착 상태나 무한 루프가 의심됩니다(서로를 \
         기다리는 스레드, 놓친 깨우기 신호, 끝나지 않는 루프)",
    ),
    t(
        "the process exited (code {}) before the check finished: does the code call \
         std::process::exit, or panic while panicking?",
        "검사가 끝나기 전에 프로세스가 종료되었습니다(종료 코드 {0}): 코드가 std::process::exit를 \
         호출하거나, 패닉을 처리하는 중에 다시 패닉을 일으키지 않나요?",
    ),
    t(
        "the check program could not be started: {}",
        "검사 프로그램을 시작할 수 없습니다: {0}",
    ),
    t(
        "not started yet: a task this check uses still calls todo!() ({})",
        "아직 시작하지 않았습니다: 이 검사가 쓰는 과제가 아직 todo!()를 호출합니다({0})",
    ),
    t("panicked at {}: {}", "{0}에서 패닉: {1}"),
    t("panicked: {}", "패닉: {0}"),
    t("skipped: {}", "건너뜀: {0}"),
    t(
        "not graded: this race check watches your locks, atomics and threads through the course \
         facade, but {}. Take them from threadlings::sync and threadlings::thread (same names and \
         methods as std) and do without `unsafe` unless the exercise asks for it; then this \
         check grades your answer.",
        "채점하지 않음: 이 경쟁 상태 검사는 코스 퍼사드를 통해 여러분의 락, 원자적 변수, 스레드를 \
         지켜보는데, 코드가 퍼사드를 거치지 않습니다: {0}. 이것들을 threadlings::sync와 \
         threadlings::thread에서 가져오고(이름과 메서드는 std와 같습니다), 연습 문제가 요구하지 \
         않는 한 `unsafe` 없이 작성하세요. 그러면 이 검사가 답을 채점합니다.",
    ),
];

/// What a crash was (`crashed: <what>`).
const CRASHES: &[Template] = &[
    t(
        "stack overflow (unbounded recursion, or a huge value on the stack)",
        "스택 오버플로(끝없는 재귀, 또는 스택에 놓인 거대한 값)",
    ),
    t(
        "aborted (SIGABRT): std::process::abort, a panic that could not unwind, or a failed \
         allocation",
        "중단됨(SIGABRT): std::process::abort, 되감을 수 없는 패닉, 또는 메모리 할당 실패",
    ),
    t(
        "segmentation fault (SIGSEGV): invalid memory access in unsafe code",
        "세그멘테이션 오류(SIGSEGV): unsafe 코드의 잘못된 메모리 접근",
    ),
    t(
        "bus error (SIGBUS): invalid memory access",
        "버스 오류(SIGBUS): 잘못된 메모리 접근",
    ),
    t(
        "killed (SIGKILL): out of memory, or a resource limit",
        "강제 종료됨(SIGKILL): 메모리 부족, 또는 자원 한도",
    ),
    t("arithmetic error (SIGFPE)", "산술 오류(SIGFPE)"),
    t("illegal instruction (SIGILL)", "잘못된 명령어(SIGILL)"),
    t(
        "CPU time limit exceeded (SIGXCPU)",
        "CPU 시간 한도 초과(SIGXCPU)",
    ),
    t("broken pipe (SIGPIPE)", "끊어진 파이프(SIGPIPE)"),
    t(
        "file size limit exceeded (SIGXFSZ)",
        "파일 크기 한도 초과(SIGXFSZ)",
    ),
    t("killed by signal {}", "시그널 {0}로 종료됨"),
];

const CRASHED: Template = t("crashed: ", "비정상 종료: ");
const CRASHED_AFTER: Template = t(
    " after the check finished (a thread left running crashed the process)",
    " (검사가 끝난 뒤: 실행 중으로 남겨 둔 스레드가 프로세스를 비정상 종료시켰습니다)",
);

/// What the sandbox saw, appended to a failed check's message after `; `.
const LIMITS: &[Template] = &[
    t(
        "out of memory: an allocation failed at the check's memory limit of {} MB (peak \
         resident memory {} MB); unbounded growth, or a collection that is never emptied?",
        "메모리 부족: 검사의 메모리 한도 {0} MB에서 할당이 실패했습니다(최대 상주 메모리 {1} MB). \
         끝없이 커지는 데이터나, 한 번도 비우지 않는 컬렉션이 있지 않나요?",
    ),
    t(
        "reached the task limit: at most {} threads and processes may run at once; threads or \
         processes started without bound?",
        "작업 한도에 도달했습니다: 스레드와 프로세스는 동시에 최대 {0}개까지 실행할 수 있습니다. \
         스레드나 프로세스를 제한 없이 시작하지 않았나요?",
    ),
    t(
        "a file grew past the check's file size limit of {} MB",
        "파일이 검사의 파일 크기 한도 {0} MB를 넘었습니다",
    ),
    t(
        "printed {} of output; the report keeps the first and last {} KB",
        "출력이 {0}에 이릅니다. 보고서에는 처음과 마지막 {1} KB만 남깁니다",
    ),
    t(
        "{} process started by the code under test was still running after the check ended and \
         was killed: every process it starts must end (and be waited for) before it returns",
        "검사한 코드가 시작한 프로세스 {0}개가 검사가 끝난 뒤에도 실행 중이어서 강제 종료되었습니다: \
         함수가 반환하기 전에, 시작한 모든 프로세스가 끝나야(그리고 wait로 회수되어야) 합니다",
    ),
    t(
        "{} processes started by the code under test were still running after the check ended \
         and were killed: every process it starts must end (and be waited for) before it returns",
        "검사한 코드가 시작한 프로세스 {0}개가 검사가 끝난 뒤에도 실행 중이어서 강제 종료되었습니다: \
         함수가 반환하기 전에, 시작한 모든 프로세스가 끝나야(그리고 wait로 회수되어야) 합니다",
    ),
    t(
        "the code under test wrote {} line(s) on the grader's private result channel: only the \
         check harness may; the check fails and the submission is flagged for the instructor",
        "검사한 코드가 채점기 전용 결과 채널에 {0}줄을 썼습니다. 이 채널에는 검사 하네스만 쓸 수 \
         있습니다. 검사는 실패로 처리되고, 제출물은 강사가 확인하도록 표시됩니다",
    ),
    t(
        "the code under test tried to open the check process's memory or the grader's private \
         descriptors (/proc/self/mem, /proc/self/fd/3 or 4): the check fails and the submission is \
         flagged for the instructor",
        "검사한 코드가 검사 프로세스의 메모리나 채점기 전용 파일 디스크립터(/proc/self/mem, \
         /proc/self/fd/3 또는 4)를 열려고 했습니다. 검사는 실패로 처리되고, 제출물은 강사가 \
         확인하도록 표시됩니다",
    ),
    t(
        "the code under test printed lines shaped like the grader's verdicts: the check fails and \
         the submission is flagged for the instructor",
        "검사한 코드가 채점기의 판정처럼 생긴 줄을 출력했습니다. 검사는 실패로 처리되고, 제출물은 \
         강사가 확인하도록 표시됩니다",
    ),
];

/// A check's message in `lang`. The explanations the grader writes are
/// translated; anything else (what a check program reported, a panic
/// message, a compiler error) is kept as it is.
pub fn check_message(lang: Lang, message: &str) -> Cow<'_, str> {
    if lang == Lang::En {
        return Cow::Borrowed(message);
    }
    // `<message>; <limit>; <limit>...`: the sandbox's findings after a
    // message, which may itself be the grader's or a check's own. Looked for
    // first: a message ending in a value (`panicked: {}`) would take them in.
    for (at, _) in message.match_indices("; ") {
        if let Some(limits) = translate_limits(&message[at + 2..]) {
            let head = &message[..at];
            let head = translate_whole(head).unwrap_or_else(|| head.to_string());
            return Cow::Owned(format!("{head}; {limits}"));
        }
    }
    match translate_whole(message) {
        Some(whole) => Cow::Owned(whole),
        None => Cow::Borrowed(message),
    }
}

fn translate_whole(message: &str) -> Option<String> {
    if let Some(translated) = translate_with(MESSAGES, message) {
        return Some(translated);
    }
    let what = message.strip_prefix(CRASHED.en)?;
    let (what, after) = match what.strip_suffix(CRASHED_AFTER.en) {
        Some(what) => (what, CRASHED_AFTER.ko),
        None => (what, ""),
    };
    let what = translate_with(CRASHES, what)?;
    Some(format!("{}{what}{after}", CRASHED.ko))
}

/// `text` as one or more sandbox findings joined by `; `, translated.
fn translate_limits(text: &str) -> Option<String> {
    if let Some(one) = translate_limit(text) {
        return Some(one);
    }
    text.match_indices("; ").find_map(|(at, _)| {
        let first = translate_limit(&text[..at])?;
        let rest = translate_limits(&text[at + 2..])?;
        Some(format!("{first}; {rest}"))
    })
}

/// One sandbox finding. Its values are numbers and sizes: one that holds a
/// separator or a line break took in text that came before the finding.
fn translate_limit(text: &str) -> Option<String> {
    LIMITS.iter().find_map(|template| {
        let values = match_template(template.en, text)?;
        let plain = |value: &&str| !value.contains("; ") && !value.contains('\n');
        values.iter().all(plain).then(|| fill(template.ko, &values))
    })
}

fn translate_with(templates: &[Template], text: &str) -> Option<String> {
    templates.iter().find_map(|template| {
        let values = match_template(template.en, text)?;
        Some(fill(template.ko, &values))
    })
}

/// The values of `text` if it is `template` with its `{}`s filled in. Each
/// value ends at the first occurrence of the literal text after it, except
/// the last, which ends where the template's closing text begins.
fn match_template<'a>(template: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let pieces: Vec<&str> = template.split("{}").collect();
    let (first, rest) = pieces.split_first()?;
    let Some((last, middle)) = rest.split_last() else {
        return (template == text).then(Vec::new);
    };
    let inner = text.strip_prefix(first)?.strip_suffix(last)?;
    let mut values = Vec::with_capacity(rest.len());
    let mut at = 0;
    for literal in middle {
        if literal.is_empty() {
            return None;
        }
        let found = inner[at..].find(literal)?;
        values.push(&inner[at..at + found]);
        at += found + literal.len();
    }
    values.push(&inner[at..]);
    Some(values)
}

/// `template` with `{0}`, `{1}`... replaced by `values`.
fn fill(template: &str, values: &[&str]) -> String {
    let mut out = template.to_string();
    for (i, value) in values.iter().enumerate() {
        out = out.replace(&format!("{{{i}}}"), value);
    }
    out
}

/// A timing check's timeline (as drawn by `report::timeline`) in `lang`:
/// its heading, the "one after another" verdict and the cut note are
/// translated; task names, the label and the measurements are not.
pub fn timeline(lang: Lang, text: &str) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let indent = &body[..body.len() - body.trim_start().len()];
        let rest = body.trim_start();
        let translated = timeline_line(rest);
        match translated {
            Some(translated) => {
                out.push_str(indent);
                out.push_str(&translated);
            }
            None => out.push_str(body),
        }
        out.push_str(newline);
    }
    out
}

fn timeline_line(line: &str) -> Option<String> {
    if let Some(heading) = line.strip_prefix("timeline: ") {
        let (label, counts) = heading.rsplit_once(": ")?;
        let values = match_template("{} task{} on {} thread{}, at most {} at once", counts)?;
        return Some(format!(
            "타임라인: {label}: 작업 {}개, 스레드 {}개, 동시에 최대 {}개",
            values[0], values[2], values[4]
        ));
    }
    if line == "the tasks ran one after another: never two at the same time" {
        return Some(
            "작업이 하나씩 차례로 실행되었습니다: 두 작업이 동시에 실행된 적이 없습니다"
                .to_string(),
        );
    }
    if let Some(values) = match_template("({} more not shown)", line) {
        return Some(format!("(나머지 {}개는 생략)", values[0]));
    }
    if line.contains('│') {
        return line
            .strip_suffix("still running")
            .map(|bar| format!("{bar}아직 실행 중"));
    }
    None
}

// ---------------------------------------------------------------------------
// The interleaving of a failed race check (report::trace). Its sentences are
// phrased here from the trace's data (`TraceCause`), not matched back from
// the English summary, so a reworded English sentence cannot leave the
// Korean one behind.

/// `interleaving of the failing execution (loom execution 2):`
pub fn trace_heading(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => format!("interleaving of the failing execution ({label}):"),
        Lang::Ko => format!("실패한 실행의 스레드 실행 순서({}):", trace_label_ko(label)),
    }
}

/// The kit's labels (`shuttle schedule 2 of 1000`, `loom execution 2`).
fn trace_label_ko(label: &str) -> String {
    if let Some(values) = match_template("shuttle schedule {} of {}", label) {
        return format!("shuttle 스케줄 {}/{}", values[0], values[1]);
    }
    if let Some(rest) = label.strip_prefix("loom execution ") {
        return format!("loom 실행 {rest}");
    }
    if let Some(values) = match_template("stress round {} of {}", label) {
        return format!("스트레스 라운드 {}/{}", values[0], values[1]);
    }
    label.to_string()
}

/// `… 12 steps omitted`
pub fn trace_omitted(lang: Lang, count: u32) -> String {
    match (lang, count) {
        (Lang::En, 1) => "… 1 step omitted".to_string(),
        (Lang::En, _) => format!("… {count} steps omitted"),
        (Lang::Ko, _) => format!("… {count}단계 생략"),
    }
}

/// `(read 0, wrote 1)`; `None` when the step shows no value.
pub fn trace_values(lang: Lang, read: Option<&str>, wrote: Option<&str>) -> Option<String> {
    Some(match (lang, read, wrote) {
        (_, None, None) => return None,
        (Lang::En, Some(r), None) => format!("(read {r})"),
        (Lang::En, None, Some(w)) => format!("(wrote {w})"),
        (Lang::En, Some(r), Some(w)) => format!("(read {r}, wrote {w})"),
        (Lang::Ko, Some(r), None) => format!("({r} 읽음)"),
        (Lang::Ko, None, Some(w)) => format!("({w} 씀)"),
        (Lang::Ko, Some(r), Some(w)) => format!("({r} 읽음, {w} 씀)"),
    })
}

/// What went wrong, in one sentence, from the trace's cause.
pub fn trace_summary(lang: Lang, trace: &threadlings_schema::report::Trace) -> String {
    use threadlings_schema::report::TraceCause;
    if lang == Lang::En {
        return trace.summary.clone();
    }
    match &trace.cause {
        Some(TraceCause::LostUpdate {
            object,
            reader,
            read,
            writer,
            overwritten,
            stored,
            stale_read: false,
        }) => format!(
            "스레드 {reader}이(가) {object}에서 {read}을(를) 읽은 뒤 스레드 {writer}이(가) \
             {overwritten}을(를) 저장했고, {reader}이(가) 다시 읽지 않고 저장한 {stored}이(가) \
             {writer}의 {overwritten}을(를) 덮어썼습니다: 갱신 하나가 사라졌습니다."
        ),
        Some(TraceCause::LostUpdate {
            object,
            reader,
            read,
            writer,
            overwritten,
            stored,
            stale_read: true,
        }) => format!(
            "스레드 {writer}이(가) {object}에 {overwritten}을(를) 이미 저장했는데도 스레드 \
             {reader}은(는) {read}을(를) 읽었고(그 저장을 읽기보다 앞에 두는 순서가 없었습니다), \
             {reader}이(가) 저장한 {stored}이(가) {writer}의 {overwritten}을(를) \
             덮어썼습니다: 갱신 하나가 사라졌습니다."
        ),
        Some(TraceCause::StaleRead {
            object,
            reader,
            read,
            writer,
            stored,
        }) => format!(
            "스레드 {writer}이(가) {object}에 {stored}을(를) 먼저 저장했는데도 스레드 {reader}은(는) \
             {read}을(를) 읽었습니다: 그 저장을 이 읽기보다 앞에 두는 순서가 없어서 더 오래된 \
             값을 읽을 수 있었고, 실제로 그랬습니다."
        ),
        Some(TraceCause::LostWakeup {
            condvar,
            waiters,
            last_notify: Some(notifier),
        }) => format!(
            "{}이(가) {condvar}에서 기다리는데(→ 표시) 그 뒤로 {condvar}에 대한 notify가 없었습니다: \
             마지막 notify는 {notifier}이(가) 기다림이 시작되기 전에 보냈으므로 이 기다림을 \
             끝낼 수 없습니다. 깨워 줄 스레드가 남아 있지 않습니다: 깨우기 신호를 잃어버렸습니다.",
            waiters.join(", ")
        ),
        Some(TraceCause::LostWakeup {
            condvar,
            waiters,
            last_notify: None,
        }) => format!(
            "{}이(가) {condvar}에서 기다리는데(→ 표시) 어떤 스레드도 {condvar}에 notify하지 \
             않았습니다. 깨워 줄 스레드가 남아 있지 않습니다: 깨우기 신호를 잃어버렸습니다.",
            waiters.join(", ")
        ),
        Some(TraceCause::Deadlock { threads }) => format!(
            "어떤 스레드도 진행할 수 없습니다: {}이(가) 각자 마지막 요청(→ 표시)에서, 막혀 있는 \
             다른 스레드가 쥐고 있거나 아직 하지 않은 일을 기다립니다.",
            threads.join(", ")
        ),
        Some(TraceCause::Failed) | None => {
            "실패한 실행을 단계별로 보여 줍니다(길면 중요한 부분만).".to_string()
        }
    }
}

/// What a lock or atomic is (`mutex protecting u64, created at
/// src/lib.rs:61:20`; an atomic's type alone).
pub fn trace_object(lang: Lang, detail: &str) -> String {
    if lang == Lang::En {
        return detail.to_string();
    }
    if let Some(values) = match_template("{} protecting {}, created at {}", detail) {
        return format!(
            "{}을(를) 보호하는 {}, {}에서 생성",
            values[1], values[0], values[2]
        );
    }
    if let Some(values) = match_template("{}, created at {}", detail) {
        return format!("{}, {}에서 생성", values[0], values[1]);
    }
    detail.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_match_their_own_shape() {
        assert_eq!(
            match_template(
                "panicked at {}: {}",
                "panicked at src/lib.rs:4:5: boom: bad"
            ),
            Some(vec!["src/lib.rs:4:5", "boom: bad"])
        );
        assert_eq!(match_template("panicked: {}", "panicked at x: y"), None);
        assert_eq!(match_template("no values", "no values"), Some(vec![]));
        assert_eq!(
            match_template(
                "not started yet: a task this check uses still calls todo!() ({})",
                "not started yet: a task this check uses still calls todo!() (f(x) (y))"
            ),
            Some(vec!["f(x) (y)"])
        );
    }

    #[test]
    fn coverage_reads_as_a_phrase_in_each_language() {
        use threadlings_schema::report::{Coverage, CoverageTool};
        let stress = Coverage {
            tool: CoverageTool::Stress,
            executions: 150,
            budget: Some(150),
            threads: Some(4),
            operations: Some(1),
            pct_depth: None,
            preemption_bound: None,
            time_capped: false,
            deterministic: false,
        };
        assert_eq!(
            coverage(Lang::En, &stress),
            "150 rounds × 4 threads × 1 operation"
        );
        assert_eq!(
            coverage(Lang::Ko, &stress),
            "라운드 150개 × 스레드 4개 × 연산 1개"
        );
        let explore = Coverage {
            tool: CoverageTool::Exploration,
            executions: 612,
            budget: Some(1000),
            threads: None,
            operations: None,
            pct_depth: Some(3),
            time_capped: true,
            deterministic: true,
            ..stress.clone()
        };
        assert_eq!(
            coverage(Lang::En, &explore),
            "612 of 1000 schedules, PCT depth 3 (time cap)"
        );
        assert_eq!(
            coverage(Lang::Ko, &explore),
            "스케줄 1000개 중 612개, PCT 깊이 3 (시간 한도)"
        );
        let model = Coverage {
            tool: CoverageTool::Model,
            executions: 41,
            budget: None,
            pct_depth: None,
            preemption_bound: Some(3),
            time_capped: false,
            ..explore
        };
        assert_eq!(
            coverage(Lang::En, &model),
            "every interleaving up to 3 preemptions (41 executions)"
        );
        assert_eq!(
            coverage(Lang::Ko, &model),
            "선점 3회 이하의 모든 인터리빙(실행 41회)"
        );
    }

    #[test]
    fn korean_header_names_the_subject_in_korean() {
        assert_eq!(grading(Lang::Ko, "exercises"), "연습 문제 채점");
        assert_eq!(grading(Lang::Ko, "solutions"), "모범 답안 채점");
        assert_eq!(
            grading(Lang::Ko, "wrong answer 04-shared-state/lost_update"),
            "오답 04-shared-state/lost_update 채점"
        );
        assert_eq!(grading(Lang::Ko, "/tmp/mine"), "/tmp/mine 채점");
        assert_eq!(grading(Lang::En, "exercises"), "Grading exercises");
    }

    #[test]
    fn every_korean_template_uses_every_value() {
        for template in MESSAGES.iter().chain(CRASHES).chain(LIMITS) {
            let count = template.en.matches("{}").count();
            for i in 0..count {
                assert!(
                    template.ko.contains(&format!("{{{i}}}")),
                    "{:?} misses {{{i}}}",
                    template.ko
                );
            }
            assert!(!template.ko.contains(&format!("{{{count}}}")));
        }
    }

    #[test]
    fn locale_order_follows_the_c_library() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(Lang::from_locale(env(&[("LANG", "ko_KR.UTF-8")])), Lang::Ko);
        assert_eq!(Lang::from_locale(env(&[("LANG", "C.UTF-8")])), Lang::En);
        assert_eq!(Lang::from_locale(env(&[])), Lang::En);
        assert_eq!(
            Lang::from_locale(env(&[("LC_ALL", "en_US.UTF-8"), ("LANG", "ko_KR.UTF-8")])),
            Lang::En
        );
        assert_eq!(
            Lang::from_locale(env(&[
                ("LC_ALL", ""),
                ("LC_MESSAGES", "ko_KR"),
                ("LANG", "C")
            ])),
            Lang::Ko
        );
    }
}
