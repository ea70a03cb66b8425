//! The grader's own words in English and Korean around the reports: the
//! human and HTML reports' chrome (headings, status words, what to do next),
//! the `list`, `hint`, `verify` and `watch` screens, the progress line, and
//! the phrases of a race check's interleaving and coverage.
//!
//! The explanations the grader writes into a check's message (time-outs,
//! crashes, compile errors, sandbox limits) are not here: they are data in
//! the report and worded once per language in [`crate::messages`].

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

    /// The `--lang` of a command line (`args` as the program received them,
    /// its own name first), read before clap parses it: clap prints `--help`
    /// while it parses, so the help's language must be known first. Read as
    /// clap reads a global option: `--lang ko` or `--lang=ko`, before or after
    /// the command, and nothing after `--`. The first `--lang` decides (clap
    /// refuses a second one unless `--help` came first and ended the parse);
    /// a value clap will refuse is none.
    pub fn from_args(args: &[std::ffi::OsString]) -> Option<Lang> {
        let mut args = args.iter().skip(1).map(|arg| arg.to_str());
        while let Some(arg) = args.next() {
            let value = match arg {
                Some("--") => return None,
                Some("--lang") => args.next().flatten(),
                Some(arg) => arg.strip_prefix("--lang="),
                None => None,
            };
            if let Some(value) = value {
                return Lang::from_str(value, false).ok();
            }
        }
        None
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

    /// The language's tag (BCP 47), as HTML's `lang` attribute takes it.
    pub fn tag(self) -> &'static str {
        self.pick("en", "ko")
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
    start_here_with(lang, exercise, &str::to_string)
}

/// [`start_here`], with `code` around each file name and piece of code (the
/// HTML report marks them `<code>`; the sentence itself holds no markup).
pub fn start_here_with(lang: Lang, exercise: &str, code: &dyn Fn(&str) -> String) -> String {
    let (lib, todo) = (code("src/lib.rs"), code("todo!()"));
    match lang {
        Lang::En => format!(
            "Start here: read {}, then replace the {todo}s in {lib}.",
            code(&format!("exercises/{exercise}/README.md"))
        ),
        Lang::Ko => format!(
            "여기서 시작하세요: {}(영어 원문은 {})를 읽고, {lib}의 {todo}를 여러분의 코드로 \
             바꾸세요.",
            code(&format!("exercises/{exercise}/README.ko.md")),
            code("README.md")
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
/// evidence shows (`report::story`), with the execution it caught it in
/// (worded in `lang`: `messages::trace_label`).
pub fn also_caught(lang: Lang, label: Option<&str>) -> String {
    match (lang, label) {
        (Lang::En, Some(label)) => format!("same bug as above, caught in {label}"),
        (Lang::En, None) => "same bug as above".to_string(),
        (Lang::Ko, Some(label)) => format!("위와 같은 버그를 잡았습니다({label})"),
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

/// After an exercise whose verdict was reused (`reuse`): how long ago it was
/// graded, and with which seed.
pub fn reused_marker(lang: Lang, seconds_ago: u64, seed: u64) -> String {
    let (minutes, hours, days) = (seconds_ago / 60, seconds_ago / 3600, seconds_ago / 86_400);
    match lang {
        Lang::En => {
            let ago = match (minutes, hours, days) {
                (0, _, _) => "just now".to_string(),
                (m, 0, _) => format!("{m} min ago"),
                (_, h, 0) => format!("{h} h ago"),
                (_, _, 1) => "1 day ago".to_string(),
                (_, _, d) => format!("{d} days ago"),
            };
            format!("· unchanged: verdict of {ago}, seed {seed}")
        }
        Lang::Ko => {
            let ago = match (minutes, hours, days) {
                (0, _, _) => "방금".to_string(),
                (m, 0, _) => format!("{m}분 전"),
                (_, h, 0) => format!("{h}시간 전"),
                (_, _, d) => format!("{d}일 전"),
            };
            format!("· 변경 없음: {ago} 판정, 시드 {seed}")
        }
    }
}

/// Under the score, when some verdicts were reused.
pub fn reused_summary(lang: Lang, exercises: usize) -> String {
    match lang {
        Lang::En => format!(
            "{exercises} unchanged exercise(s) kept the verdict of their last full-marks grading \
             (checks not run again); `cargo run -p grader -- --fresh` grades everything now."
        ),
        Lang::Ko => format!(
            "바뀌지 않은 연습 문제 {exercises}개는 마지막 만점 채점의 판정을 그대로 씁니다(검사를 \
             다시 실행하지 않음). 모두 지금 채점하려면 `cargo run -p grader -- --fresh`."
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
// The HTML report (`report::html`): its own headings and labels. The status
// words, the start-here sentence, the coverage phrase and the replay line
// are the human report's, above.

/// The page's title and first heading.
pub fn html_title(lang: Lang, subject: &str) -> String {
    match lang {
        Lang::En => format!("Threadlings report: {subject}"),
        Lang::Ko => format!("Threadlings 보고서: {}", subject_ko(subject)),
    }
}

/// The word before the score at the top of the page.
pub fn html_score(lang: Lang) -> &'static str {
    lang.pick("Score", "점수")
}

/// How long the grading took: `graded in 2.4 s`.
pub fn graded_in(lang: Lang, secs: f64) -> String {
    match lang {
        Lang::En => format!("graded in {secs:.1} s"),
        Lang::Ko => format!("채점 시간 {secs:.1}초"),
    }
}

/// The heading of the summary table.
pub fn html_exercises(lang: Lang) -> &'static str {
    lang.pick("Exercises", "연습 문제")
}

/// The summary table's columns: exercise, title, points, status.
pub fn html_summary_headings(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::En => ["Exercise", "Title", "Points", "Status"],
        Lang::Ko => ["연습 문제", "제목", "점수", "상태"],
    }
}

/// An exercise table's columns: check, kind, status, points, time, seed.
pub fn html_check_headings(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::En => ["Check", "Kind", "Status", "Points", "Time", "Seed"],
        Lang::Ko => ["검사", "종류", "상태", "점수", "시간", "시드"],
    }
}

/// Under a passing race check: what it covered ([`coverage`]'s phrase).
pub fn covered(lang: Lang, phrase: &str) -> String {
    match lang {
        Lang::En => format!("covered: {phrase}"),
        Lang::Ko => format!("검사한 범위: {phrase}"),
    }
}

/// A timing check's chart: its caption, with the tasks left out.
pub fn html_timeline_caption(
    lang: Lang,
    label: &str,
    peak_in_flight: u32,
    threads: u32,
    omitted: u32,
) -> String {
    match (lang, omitted) {
        (Lang::En, 0) => {
            format!("{label}: at most {peak_in_flight} running at once, on {threads} thread(s)")
        }
        (Lang::En, _) => format!(
            "{label}: at most {peak_in_flight} running at once, on {threads} thread(s) \
             ({omitted} more tasks not shown)"
        ),
        (Lang::Ko, 0) => {
            format!("{label}: 동시에 최대 {peak_in_flight}개 실행, 스레드 {threads}개")
        }
        (Lang::Ko, _) => format!(
            "{label}: 동시에 최대 {peak_in_flight}개 실행, 스레드 {threads}개 (나머지 작업 \
             {omitted}개는 생략)"
        ),
    }
}

/// A timing check's chart, for a screen reader.
pub fn html_timeline_label(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => format!("timeline of {label}"),
        Lang::Ko => format!("{label}의 타임라인"),
    }
}

/// One task's bar of a timing check's chart, on hover.
pub fn html_timeline_task(
    lang: Lang,
    task: &str,
    thread: u32,
    start_us: u64,
    end_us: Option<u64>,
) -> String {
    match (lang, end_us) {
        (Lang::En, None) => {
            format!("{task} on thread {thread}: started at {start_us} µs, had not ended")
        }
        (Lang::En, Some(end)) => {
            format!("{task} on thread {thread}: started at {start_us} µs, ended at {end} µs")
        }
        (Lang::Ko, None) => format!("{task}, 스레드 {thread}: {start_us} µs에 시작, 끝나지 않음"),
        (Lang::Ko, Some(end)) => {
            format!("{task}, 스레드 {thread}: {start_us} µs에 시작, {end} µs에 끝남")
        }
    }
}

// ---------------------------------------------------------------------------
// A check's details as text (`report::details`): the HTML report's, in the
// reader's language, and the machine formats' (JUnit, Gradescope,
// Classroom, PrairieLearn), in English.

/// `seed: 4242`
pub fn seed_line(lang: Lang, seed: u64) -> String {
    format!("{}: {seed}", lang.pick("seed", "시드"))
}

/// The line before a check's captured output.
pub fn output_heading(lang: Lang) -> &'static str {
    lang.pick("--- output ---", "--- 출력 ---")
}

/// The line before an exercise's compiler errors.
pub fn compiler_errors_heading(lang: Lang) -> &'static str {
    lang.pick("--- compiler errors ---", "--- 컴파일러 오류 ---")
}

/// Output cut before its last lines.
pub fn earlier_lines_cut(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("[{count} earlier lines cut]"),
        Lang::Ko => format!("[앞의 {count}줄 생략]"),
    }
}

/// Compiler errors cut after their first lines.
pub fn more_lines_cut(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("[{count} more lines cut]"),
        Lang::Ko => format!("[뒤의 {count}줄 생략]"),
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
// `grader watch` and the progress line.

/// `· seed 3 · 1/4 exercises pass · 4/20 points`, after the watch title.
pub fn watch_summary(lang: Lang, seed: u64, passed: usize, total: usize, points: &str) -> String {
    match lang {
        Lang::En => format!("· seed {seed} · {passed}/{total} exercises pass · {points} points"),
        Lang::Ko => {
            format!("· 시드 {seed} · 연습 문제 {total}개 중 {passed}개 통과 · 점수 {points}")
        }
    }
}

/// An exercise passed on the save just graded.
pub fn watch_passes_now(lang: Lang, exercise: &str) -> String {
    match lang {
        Lang::En => format!("✓ {exercise} passes now. Well done!"),
        Lang::Ko => format!("✓ 이제 {exercise}이(가) 통과합니다. 잘했어요!"),
    }
}

pub fn watch_first_grading(lang: Lang) -> &'static str {
    lang.pick(
        "Grading every exercise to find where you are…",
        "어디까지 했는지 찾으려고 모든 연습 문제를 채점하는 중…",
    )
}

/// The label before the row of exercise marks (`✓01 ✗02 ·03`).
pub fn watch_progress(lang: Lang) -> &'static str {
    lang.pick("Progress", "진행")
}

/// Under watch's progress line: the exercises whose verdicts were reused.
pub fn watch_reused(lang: Lang, numbers: &str) -> String {
    match lang {
        Lang::En => format!(
            "unchanged since full marks, checks not run again: {numbers} (r grades everything now)"
        ),
        Lang::Ko => format!(
            "만점 이후 바뀌지 않아 검사를 다시 실행하지 않음: {numbers} (r을 누르면 모두 지금 채점)"
        ),
    }
}

/// The help line, with how long the last grading took.
pub fn watch_help(lang: Lang, last_grading_secs: Option<f64>) -> String {
    match (lang, last_grading_secs) {
        (Lang::En, took) => format!(
            "Save a file in exercises/*/src to re-grade it · r re-grade all · q quit{}",
            took.map(|t| format!(" (last grading {t:.1} s)"))
                .unwrap_or_default()
        ),
        (Lang::Ko, took) => format!(
            "exercises/*/src의 파일을 저장하면 다시 채점합니다 · r 모두 다시 채점 · q 종료{}",
            took.map(|t| format!(" (마지막 채점 {t:.1}초)"))
                .unwrap_or_default()
        ),
    }
}

/// The screen is cut: `count` lines are not shown.
pub fn watch_more_lines(lang: Lang, count: usize) -> String {
    match lang {
        Lang::En => format!("… {count} more lines (make the terminal taller)"),
        Lang::Ko => format!("… {count}줄 더 있습니다(터미널 창을 더 크게 하세요)"),
    }
}

/// `Now:` before the exercise in focus.
pub fn watch_now(lang: Lang) -> &'static str {
    lang.pick("Now:", "지금:")
}

/// What watch is doing: grading everything, one exercise, or it failed.
pub fn watch_grading(lang: Lang, exercise: Option<&str>) -> String {
    match (lang, exercise) {
        (Lang::En, None) => "grading every exercise…".to_string(),
        (Lang::En, Some(name)) => format!("grading {name}…"),
        (Lang::Ko, None) => "모든 연습 문제 채점 중…".to_string(),
        (Lang::Ko, Some(name)) => format!("{name} 채점 중…"),
    }
}

pub fn watch_grading_failed(lang: Lang, error: &str) -> String {
    match lang {
        Lang::En => format!("grading failed: {error}"),
        Lang::Ko => format!("채점 실패: {error}"),
    }
}

/// The progress line while the checks of `exercises` exercises build.
pub fn progress_building(lang: Lang, exercises: usize) -> String {
    match lang {
        Lang::En => format!("building the checks of {exercises} exercise(s)"),
        Lang::Ko => format!("연습 문제 {exercises}개의 검사 빌드 중"),
    }
}

/// The progress line while one package builds.
pub fn progress_compiling(lang: Lang, name: &str) -> String {
    match lang {
        Lang::En => format!("building: {name}"),
        Lang::Ko => format!("빌드 중: {name}"),
    }
}

/// The words before the progress bar of the checks that run.
pub fn progress_running(lang: Lang) -> &'static str {
    lang.pick("running checks", "검사 실행 중")
}

/// After a finished check on the progress line.
pub fn progress_check_done(lang: Lang, passed: bool) -> &'static str {
    match passed {
        true => lang.pick("ok", "통과"),
        false => lang.pick("not passed", "통과 못 함"),
    }
}

/// The heading of a timing check's timeline (`report::timeline`): the
/// check's label, then how many tasks ran on how many threads.
pub fn timeline_heading(
    lang: Lang,
    label: &str,
    tasks: usize,
    threads: u32,
    peak_in_flight: u32,
) -> String {
    let plural = |n: usize| if n == 1 { "" } else { "s" };
    match lang {
        Lang::En => format!(
            "timeline: {label}: {tasks} task{} on {threads} thread{}, at most {peak_in_flight} \
             at once",
            plural(tasks),
            plural(threads as usize),
        ),
        Lang::Ko => format!(
            "타임라인: {label}: 작업 {tasks}개, 스레드 {threads}개, 동시에 최대 {peak_in_flight}개"
        ),
    }
}

/// In place of a timeline task's end: it had not ended.
pub fn timeline_still_running(lang: Lang) -> &'static str {
    lang.pick("still running", "아직 실행 중")
}

/// Timeline rows left out.
pub fn timeline_more(lang: Lang, hidden: usize) -> String {
    match lang {
        Lang::En => format!("({hidden} more not shown)"),
        Lang::Ko => format!("(나머지 {hidden}개는 생략)"),
    }
}

/// Under a timeline whose tasks never overlapped.
pub fn timeline_sequential(lang: Lang) -> &'static str {
    lang.pick(
        "the tasks ran one after another: never two at the same time",
        "작업이 하나씩 차례로 실행되었습니다: 두 작업이 동시에 실행된 적이 없습니다",
    )
}

// ---------------------------------------------------------------------------
// The chrome around a failed race check's interleaving (report::trace). Its
// data (which execution, what went wrong, what each object is) is worded in
// the catalogs, `crate::messages::{en,ko}`, from the trace's fields.

/// `interleaving of the failing execution (loom execution 2):`, with the
/// execution already worded in `lang` (`messages::trace_label`).
pub fn trace_heading(lang: Lang, label: &str) -> String {
    match lang {
        Lang::En => format!("interleaving of the failing execution ({label}):"),
        Lang::Ko => format!("실패한 실행의 스레드 실행 순서({label}):"),
    }
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
/// A trace step's operation word (the kit's English, `TraceStep::op`) in
/// `lang`. API names stay as they are (`lock`, `notify_one`, `fetch_add`);
/// the words the kit adds around them are translated: an `RwLock`'s mode
/// (`read`, `write`), `locked` (got a lock it waited for), `woken`,
/// `… failed`, `call`, `return`.
pub fn trace_op(lang: Lang, op: &str) -> String {
    if lang == Lang::En {
        return op.to_string();
    }
    let (mode, word) = match op.split_once(' ') {
        Some((mode @ ("read" | "write"), word)) => (Some(mode), word),
        _ => (None, op),
    };
    let word = match word {
        "locked" => "lock 획득".to_string(),
        "woken" => "깨어남".to_string(),
        "call" => "호출".to_string(),
        "return" => "반환".to_string(),
        "barrier wait" => "barrier wait".to_string(),
        word => match word.strip_suffix(" failed") {
            Some(name) => format!("{name} 실패"),
            None => word.to_string(),
        },
    };
    match mode {
        Some("read") => format!("읽기 {word}"),
        Some(_) => format!("쓰기 {word}"),
        None => word,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_operations_keep_api_names_and_translate_the_kits_words() {
        let ko = |op| trace_op(Lang::Ko, op);
        assert_eq!(ko("lock"), "lock");
        assert_eq!(ko("locked"), "lock 획득");
        assert_eq!(ko("write locked"), "쓰기 lock 획득");
        assert_eq!(ko("read unlock"), "읽기 unlock");
        assert_eq!(ko("try_lock failed"), "try_lock 실패");
        assert_eq!(ko("read try_lock failed"), "읽기 try_lock 실패");
        assert_eq!(ko("compare_exchange failed"), "compare_exchange 실패");
        assert_eq!(ko("woken"), "깨어남");
        assert_eq!(ko("call"), "호출");
        assert_eq!(trace_op(Lang::En, "locked"), "locked");
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
    fn the_command_line_names_the_language_as_clap_reads_it() {
        let lang = |args: &[&str]| {
            let args: Vec<std::ffi::OsString> = std::iter::once("grader")
                .chain(args.iter().copied())
                .map(Into::into)
                .collect();
            Lang::from_args(&args)
        };
        assert_eq!(lang(&["--lang", "ko", "--help"]), Some(Lang::Ko));
        assert_eq!(lang(&["--lang=ko", "--help"]), Some(Lang::Ko));
        assert_eq!(lang(&["verify", "--help", "--lang", "ko"]), Some(Lang::Ko));
        assert_eq!(
            lang(&["replay", "04", "check", "--lang=en"]),
            Some(Lang::En)
        );
        assert_eq!(lang(&["--help"]), None);
        // Not a language clap accepts, or no value at all: the locale decides.
        assert_eq!(lang(&["--lang", "fr", "--help"]), None);
        assert_eq!(lang(&["--lang=KO"]), None);
        assert_eq!(lang(&["--help", "--lang"]), None);
        // The first one decides; after `--` nothing is an option.
        assert_eq!(lang(&["--lang", "en", "--lang", "ko"]), Some(Lang::En));
        assert_eq!(lang(&["--", "--lang", "ko"]), None);
        // The program's name is not an argument.
        let named_lang: Vec<std::ffi::OsString> = vec!["--lang=ko".into()];
        assert_eq!(Lang::from_args(&named_lang), None);
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
