//! One bug, one story, and replay in one command, on real gradings of the
//! course: the known-wrong answers 04-shared-state/lost-update (three race
//! checks catch one lost update) and 07-deadlock/left-fork-first (three
//! catch one deadlock), with a fixed seed. The default human report shows
//! the model check's trace once, one line for each other check, and none of
//! the checkers' own output, schedules or `RUSTFLAGS` commands; `--verbose`
//! and the JSON keep them; `grader replay` runs exactly one check again and
//! prints its trace again.
//!
//! Warm, these grade one exercise each (their loom and shuttle variants are
//! built by any earlier grading).

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use predicates::prelude::*;
use threadlings_schema::report::GradeReport;

/// A cold build of an exercise's three check programs on a loaded 2-core
/// machine.
const LIMIT: Duration = Duration::from_secs(900);
const SEED: &str = "821626";
const LOST_UPDATE: &str = "04-shared-state/lost-update";
/// The report's length before this change (46 lines in issue 14, 122 with
/// the traces of item 1): a story must be shorter than the first.
const ISSUE_14_LINES: usize = 46;

fn course_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn grader() -> Command {
    let mut cmd = Command::cargo_bin("grader").unwrap();
    cmd.current_dir(course_root())
        .timeout(LIMIT)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("--quiet");
    cmd
}

fn stdout(args: &[&str]) -> String {
    let output = grader().args(args).output().unwrap();
    assert!(
        output.status.success(),
        "grader {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

fn lost_update(extra: &[&str]) -> String {
    let mut args = vec!["--wrong", LOST_UPDATE, "--only", "04", "--seed", SEED];
    args.extend_from_slice(extra);
    stdout(&args)
}

/// What the default view leaves to `--verbose` and the JSON.
const CHECKER_NOISE: [&str; 6] = [
    "Task failed, serializing schedule",
    "panicked in task",
    "shuttle schedule: ",
    "RUSTFLAGS=",
    "--target-dir",
    "assertion `left == right` failed",
];

#[test]
fn a_lost_update_caught_three_times_is_told_once_with_its_trace() {
    let text = lost_update(&[]);
    let lines = text.lines().count();
    assert!(lines < ISSUE_14_LINES, "{lines} lines:\n{text}");
    // One trace, led by the model check, with the overwrite marked.
    assert_eq!(
        text.matches("interleaving of the failing execution")
            .count(),
        1,
        "{text}"
    );
    assert!(text.contains("(loom execution"), "{text}");
    assert!(
        text.lines().any(|l| l.trim_start().starts_with("→ ")),
        "{text}"
    );
    assert!(text.contains("overwrote"), "{text}");
    // The other two checks: one line each, and their points.
    for other in ["counter_stress", "counter_explore"] {
        let line = text
            .lines()
            .find(|l| l.contains(other))
            .unwrap_or_else(|| panic!("{other} is listed:\n{text}"));
        assert!(line.contains("0/2"), "{line}");
        assert!(line.contains("same bug as above, caught in "), "{line}");
    }
    for noise in CHECKER_NOISE {
        assert!(
            !text.contains(noise),
            "`{noise}` in the default view:\n{text}"
        );
    }
    // Every replay line is the grader's one-check command.
    let replays: Vec<&str> = text.lines().filter(|l| l.contains("replay:")).collect();
    assert_eq!(
        replays,
        [format!(
            "        replay: cargo run -p grader -- replay 04-shared-state counter_model --seed \
             {SEED} --wrong {LOST_UPDATE}"
        )]
    );
}

#[test]
fn verbose_and_json_keep_what_the_story_leaves_out() {
    let verbose = lost_update(&["--verbose"]);
    assert_eq!(
        verbose
            .matches("interleaving of the failing execution")
            .count(),
        3,
        "{verbose}"
    );
    for noise in CHECKER_NOISE {
        assert!(verbose.contains(noise), "`{noise}` missing:\n{verbose}");
    }
    let json: GradeReport = serde_json::from_str(&lost_update(&["--format", "json"])).unwrap();
    let checks = &json.exercises[0].checks;
    let explore = checks.iter().find(|c| c.name == "counter_explore").unwrap();
    assert!(explore.message.contains("shuttle schedule: "));
    assert!(explore.message.contains("RUSTFLAGS="));
    assert!(explore.trace.is_some());
    assert!(
        explore
            .output
            .as_deref()
            .is_some_and(|o| o.contains("Task failed, serializing schedule"))
    );
    assert_eq!(
        explore.replay.as_deref(),
        Some(
            format!(
                "cargo run -p grader -- replay 04-shared-state counter_explore --seed {SEED} \
                 --wrong {LOST_UPDATE}"
            )
            .as_str()
        )
    );
}

#[test]
fn a_passing_race_check_says_what_it_covered() {
    use threadlings_schema::report::CoverageTool;
    let json: GradeReport = serde_json::from_str(&lost_update(&["--format", "json"])).unwrap();
    let checks = &json.exercises[0].checks;
    let coverage = |name: &str| {
        checks
            .iter()
            .find(|c| c.name == name)
            .and_then(|c| c.coverage.clone())
            .unwrap_or_else(|| panic!("{name} reports its coverage"))
    };
    let stress = coverage("bank_stress");
    assert_eq!(stress.tool, CoverageTool::Stress);
    assert!(
        stress.executions > 0 && stress.threads.is_some(),
        "{stress:?}"
    );
    assert!(!stress.deterministic);
    let explore = coverage("bank_explore");
    assert_eq!(explore.tool, CoverageTool::Exploration);
    assert!(
        explore.pct_depth.is_some() && explore.deterministic,
        "{explore:?}"
    );
    let model = coverage("transfer_model");
    assert_eq!(model.tool, CoverageTool::Model);
    assert!(model.preemption_bound.is_some(), "{model:?}");
    // A failed one says what it ran up to the failure.
    assert_eq!(coverage("counter_explore").executions, 2);

    let text = lost_update(&[]);
    let line = |name: &str| {
        text.lines()
            .find(|l| l.contains(name))
            .unwrap_or_default()
            .to_string()
    };
    assert!(
        line("bank_explore").ends_with("schedules, PCT depth 3"),
        "{text}"
    );
    assert!(
        line("transfer_model").contains("every interleaving up to 3 preemptions"),
        "{text}"
    );
    assert!(
        line("bank_stress").contains(" rounds × 4 threads × "),
        "{text}"
    );
}

#[test]
fn verbose_lists_what_each_check_of_a_passed_exercise_covered() {
    let text = stdout(&["--solutions", "--only", "04", "--seed", SEED, "--verbose"]);
    let line = text
        .lines()
        .find(|l| l.contains("bank_explore"))
        .unwrap_or_else(|| panic!("bank_explore is listed:\n{text}"));
    assert!(
        line.contains("passed") && line.ends_with("PCT depth 3"),
        "{line}"
    );
    let quiet = stdout(&["--solutions", "--only", "04", "--seed", SEED]);
    assert!(!quiet.contains("bank_explore"), "{quiet}");
}

#[test]
fn the_korean_story_says_the_same_in_korean() {
    let text = lost_update(&["--lang", "ko"]);
    assert_eq!(
        text.matches("위와 같은 버그를 잡았습니다").count(),
        2,
        "{text}"
    );
    assert!(text.contains("스트레스 라운드 1/150"), "{text}");
    assert!(!text.contains("same bug"), "{text}");
}

#[test]
fn a_deadlock_caught_three_times_is_told_once() {
    let text = stdout(&[
        "--wrong",
        "07-deadlock/left-fork-first",
        "--only",
        "07",
        "--seed",
        SEED,
    ]);
    assert!(text.lines().count() < ISSUE_14_LINES, "{text}");
    assert_eq!(
        text.matches("interleaving of the failing execution")
            .count(),
        1,
        "{text}"
    );
    assert_eq!(text.matches("same bug as above").count(), 2, "{text}");
    // Five forks made at one place share one line.
    assert!(
        text.contains("fork-0, fork-1, fork-2: mutex protecting u64, created at "),
        "{text}"
    );
    assert!(!text.contains("deadlock! blocked tasks"), "{text}");
}

#[test]
fn replay_runs_one_check_again_and_shows_the_same_trace() {
    let json: GradeReport = serde_json::from_str(&lost_update(&["--format", "json"])).unwrap();
    let graded = json.exercises[0]
        .checks
        .iter()
        .find(|c| c.name == "counter_explore")
        .unwrap();
    // The exercise by its package name, as --only takes it.
    let replayed = stdout(&[
        "replay",
        "shared_state",
        "counter_explore",
        "--seed",
        SEED,
        "--wrong",
        LOST_UPDATE,
        "--format",
        "json",
    ]);
    let replayed: GradeReport = serde_json::from_str(&replayed).unwrap();
    let checks = &replayed.exercises[0].checks;
    assert_eq!(checks.len(), 1, "exactly one check ran");
    assert_eq!(checks[0].name, "counter_explore");
    assert_eq!(checks[0].trace, graded.trace, "the same interleaving");
    assert_eq!(checks[0].replay, graded.replay);

    let text = stdout(&[
        "replay",
        "04",
        "counter_explore",
        "--seed",
        SEED,
        "--wrong",
        LOST_UPDATE,
    ]);
    assert!(
        text.contains("interleaving of the failing execution"),
        "{text}"
    );
    assert!(text.contains("overwrote"), "{text}");
    assert!(!text.contains("counter_model"), "{text}");
}

#[test]
fn replay_names_what_it_needs() {
    grader()
        .args(["replay", "04", "counter_model"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--seed N"));
    grader()
        .args(["replay", "04", "no_such_check", "--seed", "1"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no check `no_such_check`"))
        .stderr(predicate::str::contains("counter_model"));
}
