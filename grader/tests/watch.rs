//! `grader watch`, driven as a person would: in tmux, reading the screen with
//! capture-pane and typing with send-keys, while the test edits the exercise.
//! Plus the pieces without a terminal: which saves count, which keys quit,
//! what the screen shows.

use crate::fixture_course;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use threadlings_grader::course;
use threadlings_grader::watch::{Action, WatchState, action_for, exercise_of};
use threadlings_schema::report::GradeReport;

/// A tmux server of our own (its own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn available() -> bool {
        Command::new("tmux")
            .arg("-V")
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn start(name: &str, command: &str) -> Tmux {
        let tmux = Tmux {
            socket: format!("threadlings-watch-{}-{name}", std::process::id()),
        };
        let status = tmux
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "watch",
                "-x",
                "110",
                "-y",
                "40",
                command,
            ])
            .status()
            .unwrap();
        assert!(status.success(), "tmux new-session failed");
        tmux
    }

    fn cmd(&self) -> Command {
        let mut cmd = Command::new("tmux");
        cmd.args(["-L", &self.socket]);
        cmd
    }

    fn screen(&self) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-t", "watch"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn alive(&self) -> bool {
        self.cmd()
            .args(["has-session", "-t", "watch"])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn keys(&self, keys: &str) {
        assert!(
            self.cmd()
                .args(["send-keys", "-t", "watch", keys])
                .status()
                .unwrap()
                .success()
        );
    }

    /// Waits until the screen shows every one of `wanted`.
    fn wait_for(&self, wanted: &[&str], limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if wanted.iter().all(|w| screen.contains(w)) {
                return screen;
            }
            assert!(
                start.elapsed() < limit,
                "waited {limit:?} for {wanted:?}; the screen shows:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn wait_gone(&self, limit: Duration) {
        let start = Instant::now();
        while self.alive() {
            assert!(
                start.elapsed() < limit,
                "watch did not quit:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").output();
    }
}

fn watch_command(root: &Path) -> String {
    format!(
        "env NO_COLOR=1 CARGO_TARGET_DIR={} {} --course {} watch --seed 3",
        fixture_course::shared_target().display(),
        assert_cmd::cargo::cargo_bin("grader").display(),
        root.display()
    )
}

const SLOW: Duration = Duration::from_secs(180);

#[test]
fn watch_regrades_on_save_in_tmux_and_quits_with_q() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (apt-get install tmux)");
        return;
    }
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    let tmux = Tmux::start("q", &watch_command(fixture.root()));

    // First screen: the first unsolved exercise, not started.
    tmux.wait_for(
        &[
            "Threadlings watch",
            "Now: 01-echo",
            "not started",
            "Start here",
        ],
        SLOW,
    );

    // Save a half-right answer: re-graded, the failing check and its message.
    fixture.solve_partly();
    let screen = tmux.wait_for(
        &[
            "Now: 01-echo",
            "2/4",
            "✗ totals",
            "total(&[1, 2, 3]) must be 6",
            "actual:   7",
        ],
        SLOW,
    );
    assert!(screen.contains("✓ doubles"), "{screen}");
    assert!(
        screen.contains("replay: cargo run -p grader -- replay 01-echo totals --seed 3"),
        "{screen}"
    );

    // Editor litter in the same directory does not re-grade anything.
    std::fs::write(
        fixture.root().join("exercises/01-echo/src/.lib.rs.swp"),
        "x",
    )
    .unwrap();

    // Save the right answer.
    fixture.solve();
    tmux.wait_for(&["01-echo passes now", "Everything passes", "✓01"], SLOW);

    tmux.keys("q");
    tmux.wait_gone(Duration::from_secs(10));
}

#[test]
fn watch_quits_with_ctrl_c() {
    if !Tmux::available() {
        eprintln!("SKIPPED: tmux is not installed (apt-get install tmux)");
        return;
    }
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    let tmux = Tmux::start("ctrl-c", &watch_command(fixture.root()));
    tmux.wait_for(&["Now: 01-echo"], SLOW);
    tmux.keys("C-c");
    tmux.wait_gone(Duration::from_secs(10));
}

#[test]
fn only_saves_of_exercise_sources_count() {
    let fixture = fixture_course::course();
    let course = course::load(fixture.root()).unwrap();
    let root = course.root.clone();
    let at = |p: &str| exercise_of(&course, &root.join(p));
    assert_eq!(
        at("exercises/01-echo/src/lib.rs").as_deref(),
        Some("01-echo")
    );
    assert_eq!(
        at("exercises/01-echo/src/nested/mod.rs").as_deref(),
        Some("01-echo")
    );
    assert_eq!(at("exercises/01-echo/README.md"), None);
    assert_eq!(at("exercises/01-echo/tests/public.rs"), None);
    assert_eq!(at("exercises/01-echo/src/.lib.rs.swp"), None);
    assert_eq!(at("exercises/01-echo/src/lib.rs~"), None);
    assert_eq!(at("exercises/01-echo/src/4913"), None);
    assert_eq!(at("exercises/09-missing/src/lib.rs"), None);
    assert_eq!(at("grader/checks/01-echo/src/main.rs"), None);
}

#[test]
fn q_and_ctrl_c_quit_r_regrades_everything() {
    assert_eq!(action_for('q', false), Some(Action::Quit));
    assert_eq!(action_for('Q', false), Some(Action::Quit));
    assert_eq!(action_for('c', true), Some(Action::Quit));
    assert_eq!(action_for('d', true), Some(Action::Quit));
    assert_eq!(action_for('c', false), None);
    assert_eq!(action_for('r', false), Some(Action::RegradeAll));
    assert_eq!(action_for('x', false), None);
}

#[test]
fn the_screen_follows_the_exercise_being_edited() {
    let fixture = fixture_course::course();
    let course = course::load(fixture.root()).unwrap();
    let report = |status: &str, score: f64| -> GradeReport {
        serde_json::from_value(serde_json::json!({
            "format_version": 1, "subject": "exercises", "seed": 3,
            "score": score, "max_score": 4.0, "duration_ms": 10,
            "exercises": [{
                "name": "01-echo", "title": "Echo", "topic": "echo",
                "score": score, "max_score": 4.0, "status": status,
                "checks": [{
                    "name": "totals", "kind": "test",
                    "status": if status == "passed" { "passed" } else { "failed" },
                    "score": score, "max_score": 4.0,
                    "message": if status == "passed" { "" } else { "total is off\n  expected: 6" },
                    "duration_ms": 1, "seed": 3,
                    "timeline": {
                        "label": "total(4 values)",
                        "events": [
                            {"task": "part 0", "thread": 0, "start_us": 0, "end_us": 500},
                            {"task": "part 1", "thread": 0, "start_us": 500, "end_us": 1000}
                        ],
                        "peak_in_flight": 1,
                        "threads": 1
                    }
                }]
            }]
        }))
        .unwrap()
    };
    let mut state = WatchState::new(&course, 3);
    assert!(
        state
            .screen(false, 40)
            .join("\n")
            .contains("Grading every exercise")
    );
    state.record(&report("failed", 0.0), None);
    assert_eq!(state.focus(), Some("01-echo"));
    let screen = state.screen(false, 40).join("\n");
    assert!(screen.contains("Now: 01-echo"), "{screen}");
    assert!(
        screen.contains("      total is off\n        expected: 6"),
        "{screen}"
    );
    assert!(
        screen.contains("timeline: total(4 values)"),
        "the evidence is drawn: {screen}"
    );
    state.record(&report("passed", 4.0), Some("01-echo"));
    assert_eq!(state.focus(), None);
    let screen = state.screen(false, 40).join("\n");
    assert!(screen.contains("✓ 01-echo passes now"), "{screen}");
    assert!(screen.contains("Everything passes"), "{screen}");
    // A small terminal cuts the middle, never the help line.
    state.record(&report("failed", 0.0), Some("01-echo"));
    let small = state.screen(false, 8);
    assert!(small.len() <= 8, "{small:#?}");
    assert!(small.iter().any(|l| l.contains("q quit")));
}

/// An exercise whose verdict was reused (`threadlings_grader::reuse`) is
/// named under the progress line, with how to grade it now.
#[test]
fn the_screen_names_the_exercises_whose_verdicts_were_reused() {
    let fixture = fixture_course::course();
    let course = course::load(fixture.root()).unwrap();
    let mut report: serde_json::Value = serde_json::json!({
        "format_version": 1, "subject": "exercises", "seed": 3,
        "score": 4.0, "max_score": 4.0, "duration_ms": 10,
        "exercises": [{
            "name": "01-echo", "title": "Echo", "topic": "echo",
            "score": 4.0, "max_score": 4.0, "status": "passed",
            "checks": [{
                "name": "totals", "kind": "test", "status": "passed",
                "score": 4.0, "max_score": 4.0, "message": "",
                "duration_ms": 1, "seed": 3
            }]
        }]
    });
    let mut state = WatchState::new(&course, 3);
    state.record(&serde_json::from_value(report.clone()).unwrap(), None);
    let fresh = state.screen(false, 40).join("\n");
    assert!(!fresh.contains("checks not run again"), "{fresh}");

    report["exercises"][0]["reused"] = serde_json::json!({"graded_at_unix_s": 1, "seed": 2});
    let mut state = WatchState::new(&course, 3);
    state.record(&serde_json::from_value(report).unwrap(), None);
    let reused = state.screen(false, 40).join("\n");
    assert!(
        reused.contains(
            "unchanged since full marks, checks not run again: 01 (r grades everything now)"
        ),
        "{reused}"
    );
}
