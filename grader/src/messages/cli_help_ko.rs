//! The grader's `--help` in Korean: one Korean text for every description
//! the command line shows, keyed by where clap keeps it (a command's path, an
//! argument's id), and the words clap itself prints around them (headings,
//! its own `--help` and `--version` lines, default and possible values, and
//! its parse errors). The English stays in the doc
//! comments of `src/cli/`, which clap reads; the binary's `cli::help`
//! rewrites its command tree from this catalog when the language is Korean,
//! and its tests fail when a command, argument or value of that tree has no
//! entry here, or an entry names one that no longer exists.
//!
//! The words follow the course's Korean texts ([`super::ko`], `docs/ko/`):
//! 채점, 연습 문제, 검사, 모범 답안, 오답, 시드, 강사.

/// What a Korean text describes. A command is named by its path as typed
/// (`grader`, `grader verify`); an argument by the path of the command that
/// declares it (a global one by `grader`) and its clap id (the field's name,
/// `min_score`); a possible value by its name, the same wherever it is
/// offered (`--format human`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key<'a> {
    /// A command's description (`about`).
    About(&'a str),
    /// The longer description `--help` shows instead, where the English has one.
    LongAbout(&'a str),
    /// An argument's description (`help`).
    Help(&'a str, &'a str),
    /// The longer description `--help` shows instead, where the English has one.
    LongHelp(&'a str, &'a str),
    /// A possible value's description, listed by `--help`.
    Value(&'a str),
}

/// The Korean of `key`, if the catalog has it.
pub fn text(key: Key<'_>) -> Option<&'static str> {
    CATALOG
        .iter()
        .find(|(entry, _)| *entry == key)
        .map(|(_, korean)| *korean)
}

/// clap's `Usage:` heading.
pub const USAGE_HEADING: &str = "사용법:";
/// clap's `Commands` heading.
pub const COMMANDS_HEADING: &str = "명령";
/// clap's `Arguments` heading (the positional arguments).
pub const ARGUMENTS_HEADING: &str = "인자";
/// clap's `Options` heading.
pub const OPTIONS_HEADING: &str = "옵션";
/// clap's `-h, --help` line where `-h` and `--help` show the same.
pub const HELP_FLAG: &str = "도움말을 출력합니다";
/// clap's `-h, --help` line in the summary (`-h`) where `--help` shows more.
pub const HELP_FLAG_SEE_MORE: &str = "도움말을 출력합니다 (더 자세히는 '--help')";
/// clap's `-h, --help` line in the full help (`--help`).
pub const HELP_FLAG_SEE_SUMMARY: &str = "도움말을 출력합니다 (요약은 '-h')";
/// clap's `-V, --version` line.
pub const VERSION_FLAG: &str = "버전을 출력합니다";
/// clap's `help` command.
pub const HELP_COMMAND: &str = "이 도움말이나 주어진 하위 명령의 도움말을 출력합니다";
/// clap's `[default: X]` after an argument's description.
pub const DEFAULT_VALUE: &str = "기본값";
/// clap's `[possible values: a, b]` after an argument's description, and the
/// heading of the list `--help` gives when the values are described.
pub const POSSIBLE_VALUES: &str = "가능한 값";

// clap's parse errors. `{arg}` is an argument as clap names it
// (`--format <FORMAT>`), `{value}` what was typed, `{command}` a command's
// name; both stay as typed, quoted, so no particle follows them.

/// The heading of a parse error (clap's `error:`).
pub const ERROR_HEADING: &str = "오류:";
/// The heading of a suggestion under a parse error (clap's `tip:`).
pub const TIP_HEADING: &str = "팁:";
/// The last line of a parse error; `{flag}` is `--help`.
pub const TRY_HELP: &str = "자세한 내용은 '{flag}'로 볼 수 있습니다.";
/// An argument the command does not take.
pub const UNKNOWN_ARGUMENT: &str = "예상하지 못한 인자입니다: '{value}'";
/// A command that does not exist.
pub const UNKNOWN_COMMAND: &str = "알 수 없는 명령입니다: '{value}'";
/// A value the argument does not take (a `--format` that is no format).
pub const INVALID_VALUE: &str = "'{arg}'에 쓸 수 없는 값입니다: '{value}'";
/// The same, with the reason the value was refused (a sentence of
/// [`NOT_A_NUMBER`] and the like).
pub const INVALID_VALUE_BECAUSE: &str = "'{arg}'에 쓸 수 없는 값입니다: '{value}'. {reason}";
/// Why a number argument refused its value: empty.
pub const NUMBER_EMPTY: &str = "값이 비어 있습니다";
/// Why a number argument refused its value: not digits.
pub const NOT_A_NUMBER: &str = "숫자가 아닌 문자가 있습니다";
/// Why a number argument refused its value: too large for it.
pub const NUMBER_TOO_LARGE: &str = "수가 너무 큽니다";
/// Why a number argument refused its value: too small for it.
pub const NUMBER_TOO_SMALL: &str = "수가 너무 작습니다";
/// Why a number argument refused its value: zero.
pub const NUMBER_ZERO: &str = "0은 쓸 수 없습니다";
/// Why a number argument refused its value: out of its range (`{value}`:
/// `0..=4294967295`).
pub const NUMBER_OUT_OF_RANGE: &str = "허용 범위({value})를 벗어납니다";
/// An argument given without its value (`--format` at the end).
pub const MISSING_VALUE: &str = "'{arg}'에 값이 필요한데 주어지지 않았습니다";
/// A value for an argument that takes no more (`--quiet=yes`).
pub const UNEXPECTED_VALUE: &str = "'{arg}'에는 더 이상 값을 줄 수 없습니다: '{value}'";
/// Fewer values than the argument needs.
pub const TOO_FEW_VALUES: &str = "'{arg}'에는 값이 {expected}개 필요한데 {actual}개만 주어졌습니다";
/// Another number of values than the argument takes.
pub const WRONG_NUMBER_OF_VALUES: &str =
    "'{arg}'에는 값이 {expected}개 필요한데 {actual}개가 주어졌습니다";
/// Arguments the command needs and was not given, listed under it.
pub const MISSING_REQUIRED: &str = "다음 필수 인자가 주어지지 않았습니다:";
/// A command that needs a command under it (`{command}`), with the list
/// `[하위 명령: ...]` under it.
pub const MISSING_COMMAND: &str = "'{command}'에는 하위 명령이 필요한데 주어지지 않았습니다";
/// The name of that list.
pub const SUBCOMMANDS: &str = "하위 명령";
/// An argument given twice that takes one value.
pub const ARGUMENT_REPEATED: &str = "'{arg}' 인자는 여러 번 쓸 수 없습니다";
/// Two arguments that exclude each other (`--solutions --wrong ...`).
pub const ARGUMENT_CONFLICT: &str = "'{arg}' 인자는 '{value}' 인자와 함께 쓸 수 없습니다";
/// The same with several others, listed under it.
pub const ARGUMENT_CONFLICTS: &str = "'{arg}' 인자는 다음 인자와 함께 쓸 수 없습니다:";
/// The same when clap does not say with which.
pub const ARGUMENT_CONFLICTS_OTHERS: &str =
    "'{arg}' 인자는 함께 준 다른 인자와 같이 쓸 수 없습니다";
/// An argument that needs `=` before its value.
pub const NO_EQUALS: &str = "'{arg}'에 값을 줄 때는 등호(=)를 써야 합니다";
/// An argument that is not UTF-8.
pub const INVALID_UTF8: &str = "인자 가운데 올바른 UTF-8이 아닌 것이 있습니다";
/// Suggestion: arguments close to what was typed (`{value}`: each quoted,
/// joined by `, `).
pub const SIMILAR_ARGUMENT: &str = "비슷한 인자가 있습니다: {value}";
/// Suggestion: commands close to what was typed.
pub const SIMILAR_COMMAND: &str = "비슷한 명령이 있습니다: {value}";
/// Suggestion: values close to what was typed.
pub const SIMILAR_VALUE: &str = "비슷한 값이 있습니다: {value}";
/// Suggestion: the argument exists on a command (`{value}`: `verify --runs`).
pub const ARGUMENT_OF_COMMAND: &str = "다른 명령에 있는 인자입니다: '{value}'";
/// Suggestion: how to pass what looks like an argument as a value
/// (`{value}`: what was typed; `{arg}`: the command line that does it).
pub const PASS_AS_VALUE: &str = "'{value}' 자체를 값으로 넘기려면 이렇게 쓰세요: '{arg}'";
/// Suggestion: a command was typed after `--`.
pub const COMMAND_AFTER_DOUBLE_DASH: &str =
    "같은 이름의 명령이 있습니다: '{value}'. 명령으로 쓰려면 앞의 '{arg}'를 지우세요";

// Texts that more than one command shows: the flattened argument groups
// (`SubjectArgs`, `MutantOptions`) and the exercise argument.
const SUBJECT: &str = "DIR에 있는 연습 문제 소스를 채점합니다(`exercises/`와 같은 구조이며, 각 `NN-topic/src/`만 \
     가져옵니다)";
const SOLUTIONS: &str = "모범 답안을 채점합니다(`--subject solutions`와 같습니다)";
const WRONG: &str = "알려진 오답 `NN-topic/NAME`을 채점합니다(강사용)";
const FORMAT: &str = "출력 형식";
const MUTANTS_SAMPLE: &str = "모든 뮤턴트 대신 시드로 고른 N개의 표본만 채점합니다(CI는 실행마다 \
     다른 표본을 채점합니다. 전체 실행은 `scripts/mutants.sh`)";
const MUTANTS_ALL: &str = "살아남은 뮤턴트만이 아니라 잡힌 뮤턴트도 모두 출력합니다";

/// Every Korean text of the command line, in the order `grader --help` and
/// each command's help show them.
pub const CATALOG: &[(Key<'static>, &str)] = &[
    // grader
    (
        Key::About("grader"),
        "Threadlings 코스의 숨겨진 검사를 빌드하고, 실행하고, 채점하고, 보고합니다.",
    ),
    (Key::Help("grader", "subject"), SUBJECT),
    (Key::Help("grader", "solutions"), SOLUTIONS),
    (Key::Help("grader", "wrong"), WRONG),
    (Key::Help("grader", "format"), FORMAT),
    (
        Key::Help("grader", "output"),
        "보고서를 표준 출력 대신 FILE에 씁니다",
    ),
    (
        Key::Help("grader", "min_score"),
        "점수가 X점(또는 X%, 예: `80%`)보다 낮으면 상태 코드 1로 끝납니다",
    ),
    (
        Key::Help("grader", "fresh"),
        "모든 연습 문제를 지금 채점합니다. 만점을 받은 뒤 바뀌지 않아 판정을 다시 쓰던 \
         연습 문제도 다시 채점합니다",
    ),
    (
        Key::Help("grader", "only"),
        "이 연습 문제만 채점합니다(`04-shared-state`, `shared-state`, `04`, 또는 패키지 이름 \
         `shared_state`). 여러 번 쓸 수 있습니다",
    ),
    (
        Key::Help("grader", "seed"),
        "시드를 따르는 모든 선택에 쓸 시드. 실패 보고서는 다시 실행할 때 쓸 시드를 출력합니다",
    ),
    (
        Key::Help("grader", "jobs"),
        "동시에 실행할 검사 프로세스 수(기본값: 쓸 수 있는 코어 수)",
    ),
    (
        Key::Help("grader", "course"),
        "코스의 루트(기본값: course.toml이 있는 가장 가까운 상위 디렉터리)",
    ),
    (Key::Help("grader", "quiet"), "진행 표시를 하지 않습니다"),
    (
        Key::Help("grader", "verbose"),
        "모든 검사를 빠짐없이 보여 줍니다: 통과한 연습 문제의 검사는 각 경쟁 상태 검사가 \
         확인한 범위와 함께, 실패한 검사는 검사기 자신의 출력, 스케줄, 재현 명령과 함께 보여 \
         주고, 같은 버그를 잡은 검사들을 묶지 않습니다",
    ),
    (
        Key::Help("grader", "lang"),
        "메시지의 언어: 사람이 읽는 보고서, watch, 진행 표시, list, hint, verify와 이 \
         도움말(기본값: LC_ALL, LC_MESSAGES, LANG이 `ko`로 시작하면 한국어, 아니면 영어). 기계가 \
         읽는 형식은 영어 그대로입니다",
    ),
    // The values of `--format` and `--lang`.
    (
        Key::Value("human"),
        "사람을 위한 요약 표와, 무엇을 고칠지 알려 주는 실패 메시지",
    ),
    (
        Key::Value("json"),
        "CI와 스크립트를 위한 안정된 JSON 결과(`threadlings-schema` 참고)",
    ),
    (
        Key::Value("gradescope"),
        "Gradescope의 `results.json`(/autograder/results/results.json에 쓰세요)",
    ),
    (
        Key::Value("classroom"),
        "GitHub Classroom 채점 리포터가 읽는 결과 JSON(스텝 출력에 base64로. \
         docs/ci/github-classroom.md 참고)",
    ),
    (
        Key::Value("junit"),
        "JUnit XML: 연습 문제마다 testsuite 하나, 검사마다 testcase 하나",
    ),
    (
        Key::Value("prairielearn"),
        "PrairieLearn 외부 채점기의 results.json(/grade/results/results.json에 쓰세요. \
         docs/ci/prairielearn.md 참고)",
    ),
    (
        Key::Value("html"),
        "연습 문제마다 표가 하나씩 있는 독립 HTML 페이지",
    ),
    (Key::Value("en"), "영어"),
    (Key::Value("ko"), "한국어"),
    // grader verify
    (
        Key::About("grader verify"),
        "스텁, 모범 답안(여러 번 실행), 알려진 오답을 모두 채점합니다. 모범 답안이 한 점이라도 \
         잃거나, 오답이 실패하도록 만든 곳에서 잡히지 않으면 실패합니다",
    ),
    (
        Key::Help("grader verify", "runs"),
        "모범 답안의 실행 횟수(기본값은 course.toml에 있습니다). 실행마다 다음 시드를 씁니다",
    ),
    (
        Key::Help("grader verify", "wrong_runs"),
        "오답마다의 실행 횟수(기본값: --runs와 같은 횟수). 오답이 실패해야 하는 검사만 \
         실행합니다",
    ),
    (Key::Help("grader verify", "format"), "표의 출력 형식"),
    (
        Key::Help("grader verify", "mutants"),
        "모범 답안에 동시성 뮤턴트도 심고, 검사가 그 하나하나를 잡는다는 것(또는 \
         `mutants.toml`이 동등하다고 표시했다는 것)을 증명합니다",
    ),
    (Key::Help("grader verify", "sample"), MUTANTS_SAMPLE),
    (Key::Help("grader verify", "all"), MUTANTS_ALL),
    // grader list
    (
        Key::About("grader list"),
        "연습 문제를 주제, 배점, 현재 상태와 함께 나열합니다",
    ),
    // grader mutants
    (
        Key::About("grader mutants"),
        "모범 답안에 심어 둔 동시성 뮤턴트를 나열하거나, 채점해서(`--grade`) 커버리지 표를 \
         출력합니다(강사용)",
    ),
    (
        Key::Help("grader mutants", "grade"),
        "뮤턴트를 채점하고 커버리지 표를 출력합니다(없으면 나열만 합니다)",
    ),
    (Key::Help("grader mutants", "sample"), MUTANTS_SAMPLE),
    (Key::Help("grader mutants", "all"), MUTANTS_ALL),
    // grader replay
    (
        Key::About("grader replay"),
        "검사 하나를 시드로 다시 실행하고 그 증거를 보여 줍니다: `replay 04-shared-state \
         counter_model --seed 7`(실패한 검사마다 보고서가 출력하는 명령)",
    ),
    (
        Key::Help("grader replay", "exercise"),
        "연습 문제(`04-shared-state`, `shared-state`, `04` 또는 `shared_state`)",
    ),
    (
        Key::Help("grader replay", "check"),
        "다시 실행할 검사, 보고서에 나온 이름 그대로(`counter_model`)",
    ),
    (Key::Help("grader replay", "subject"), SUBJECT),
    (Key::Help("grader replay", "solutions"), SOLUTIONS),
    (Key::Help("grader replay", "wrong"), WRONG),
    (Key::Help("grader replay", "format"), FORMAT),
    // grader hint
    (
        Key::About("grader hint"),
        "연습 문제의 다음 힌트를 보여 줍니다(실행할 때마다 하나씩 더)",
    ),
    (
        Key::Help("grader hint", "exercise"),
        "연습 문제(`04-shared-state`, `shared-state`, `04` 또는 패키지 이름 `shared_state`)",
    ),
    (
        Key::Help("grader hint", "all"),
        "모든 힌트를 한꺼번에 보여 줍니다",
    ),
    // grader readmes
    (
        Key::About("grader readmes"),
        "모든 README의 \"How it is graded\"(채점 방식) 표를 checks.toml과 대조합니다. `--fix`는 \
         낡은 표를 다시 씁니다(강사용)",
    ),
    (
        Key::Help("grader readmes", "fix"),
        "낡은 표를 알리기만 하지 않고 모두 다시 씁니다(없는 표는 README의 채점 절 끝에 \
         넣습니다)",
    ),
    // grader watch
    (
        Key::About("grader watch"),
        "편집 중인 연습 문제를 저장할 때마다 다시 채점합니다(q로 끝냅니다)",
    ),
    // grader new
    (
        Key::About("grader new"),
        "새 연습 문제 `NN-topic`의 뼈대를 만듭니다(강사용)",
    ),
    (
        Key::Help("grader new", "name"),
        "연습 문제 디렉터리의 이름 `NN-topic`(예: `07-channels`). topic이 패키지 이름이 됩니다",
    ),
    // grader export
    (
        Key::About("grader export"),
        "학생용 저장소를 DIR에 씁니다: 모범 답안도, 비공개 검사도 넣지 않습니다(강사용)",
    ),
    (
        Key::Help("grader export", "dir"),
        "학생용 저장소를 쓸 곳(없거나 비어 있어야 합니다)",
    ),
    (
        Key::Help("grader export", "classroom_workflow"),
        "GitHub Classroom 워크플로 템플릿도 `.github/workflows/classroom.yml`로 설치합니다",
    ),
    (
        Key::Help("grader export", "include_private"),
        "비공개 검사를 남깁니다: 학생이 볼 일 없는 채점 묶음(Gradescope 자동 채점기)용. 모범 \
         답안과 오답은 여전히 넣지 않습니다",
    ),
    // grader batch
    (
        Key::About("grader batch"),
        "디렉터리 안의 모든 제출물을 채점해 성적표 CSV로 만듭니다(강사용. 중단한 곳부터 \
         이어서 하고, `--jobs N`이면 제출물 N개를 한꺼번에 채점합니다)",
    ),
    (
        Key::Help("grader batch", "submissions"),
        "학생마다 디렉터리가 하나씩 있는 디렉터리: 각각은 학생 저장소 전체(그 `exercises/`를 \
         채점합니다)이거나 연습 문제 자체입니다",
    ),
    (
        Key::Help("grader batch", "csv"),
        "쓸 성적표: 학생마다 한 행, 연습 문제마다 한 열",
    ),
    (
        Key::Help("grader batch", "json"),
        "모든 제출물의 보고서 전체가 담긴 JSON 성적표(기본값: CSV의 경로에서 확장자를 `.json`으로 \
         바꾼 것). `grader merge`가 읽습니다",
    ),
    (
        Key::Help("grader batch", "shard"),
        "N개의 샤드 중 I번째만 채점합니다(예: `2/8`): 이름의 해시(디렉터리 이름의 FNV-1a 64, mod \
         N)가 그 샤드에 드는 제출물들입니다. 그래서 N대의 컴퓨터가 한 반을 나눠 채점하고 `grader \
         merge`가 그 성적표들을 합칩니다. `--seed`가 필요합니다",
    ),
    (
        Key::Help("grader batch", "state"),
        "중단된 일괄 채점을 이어서 할 수 있게 끝난 채점을 보관하는 곳(기본값: CSV 옆의 \
         `<csv>.state/`)",
    ),
    (
        Key::Help("grader batch", "submission_timeout"),
        "제출물 하나의 채점 시간 제한(빌드 포함, 초 단위)",
    ),
    (
        Key::Help("grader batch", "retry_errors"),
        "마지막 시도가 오류로 끝난 제출물을 다시 채점합니다",
    ),
    (
        Key::Help("grader batch", "keep_builds"),
        "제출물마다의 빌드 작업 공간을 남겨 둡니다(디스크를 아끼려고 지우는 것이 기본입니다)",
    ),
    // grader merge
    (
        Key::About("grader merge"),
        "`batch --shard I/N` 실행들의 JSON 성적표를 하나의 성적표(CSV와 JSON)로 합칩니다(강사용)",
    ),
    (
        Key::Help("grader merge", "inputs"),
        "샤드들의 JSON 성적표(`batch --shard I/N`이 하나씩 씁니다)",
    ),
    (Key::Help("grader merge", "csv"), "합친 성적표를 쓸 파일"),
    (
        Key::Help("grader merge", "json"),
        "합친 JSON 성적표(기본값: CSV의 경로에서 확장자를 `.json`으로 바꾼 것)",
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_worded_once() {
        let mut seen = std::collections::HashSet::new();
        for (key, _) in CATALOG {
            assert!(seen.insert(key), "{key:?} is in the catalog twice");
        }
    }

    #[test]
    fn every_text_is_korean() {
        let hangul = |text: &str| text.chars().any(|c| ('가'..='힣').contains(&c));
        for (key, korean) in CATALOG {
            assert!(hangul(korean), "{key:?}: {korean}");
        }
    }

    #[test]
    fn a_key_finds_its_text() {
        assert_eq!(
            text(Key::Help("grader verify", "format")),
            Some("표의 출력 형식")
        );
        assert_eq!(text(Key::Help("grader verify", "missing")), None);
    }
}
