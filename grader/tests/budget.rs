//! End to end: a race check's `budget` in checks.toml reaches the check
//! program (`--budget ...`), wins over the numbers in the check's code, is
//! repeated by the kit's replay command, and a budget key the check's tool
//! does not use (or a budget nothing uses) fails the check as a metadata
//! error instead of being ignored. On the small fixture course, with stress
//! checks whose verdicts do not depend on the schedule.

use crate::fixture_course;

use threadlings_schema::report::{CheckReport, CheckStatus, GradeReport};

const CHECKS_TOML: &str = r#"format_version = 1

[exercise]
title = "Echo: double and add"
topic = "echo"

[[check]]
name = "doubles_stress"
kind = "race"
budget = { rounds = 7, max_ms = 60000 }
description = "double, on several threads at once; the code asks for 50 rounds."

[[check]]
name = "doubles_misbudgeted"
kind = "race"
budget = { rounds = 4, schedules = 10 }
description = "the same stress run with a key a stress run does not use."

[[check]]
name = "totals"
kind = "race"
budget = { rounds = 2 }
description = "no stress run at all, but a budget."
"#;

const CHECKS_MAIN: &str = r#"//! Budgeted race checks of exercise 01-echo.

use threadlings_kit::race::{Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure_eq};

fn doubling(ctx: &mut Ctx) -> CheckResult {
    Stress::new(ctx, "concurrent doubling")
        .threads(2)
        .ops(3)
        .rounds(50)
        .run(
            |_| (),
            |_, thread, step, _| {
                let x = (10 * thread + step) as u64;
                (x, echo::double(x))
            },
            |_, log| {
                for &(x, doubled) in log.all() {
                    Violation::ensure_eq(&format!("double({x}) is {}", 2 * x), doubled, 2 * x)?;
                }
                Ok(())
            },
        )
}

fn doubles_stress(ctx: &mut Ctx) -> CheckResult {
    doubling(ctx)
}

fn doubles_misbudgeted(ctx: &mut Ctx) -> CheckResult {
    doubling(ctx)
}

fn totals(_ctx: &mut Ctx) -> CheckResult {
    ensure_eq!(echo::total(&[1, 2, 3]), 6, "total(&[1, 2, 3]) must be 6");
    Ok(())
}

threadlings_kit::checks![doubles_stress, doubles_misbudgeted, totals];
"#;

fn graded(fixture: &fixture_course::Fixture, subject: &[&str]) -> Vec<CheckReport> {
    let output = fixture
        .grader()
        .args(["--quiet", "--seed", "3", "--format", "json"])
        .args(subject)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "grader {subject:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: GradeReport = serde_json::from_slice(&output.stdout).unwrap();
    report.exercises.into_iter().next().unwrap().checks
}

fn check<'a>(checks: &'a [CheckReport], name: &str) -> &'a CheckReport {
    checks.iter().find(|c| c.name == name).unwrap()
}

#[test]
fn the_metadata_budget_reaches_the_check_and_wins_over_its_code() {
    let _serial = fixture_course::serial();
    let fixture = fixture_course::course();
    fixture.write("grader/checks/01-echo/checks.toml", CHECKS_TOML);
    fixture.write("grader/checks/01-echo/src/main.rs", CHECKS_MAIN);
    fixture.write(
        "solutions/01-echo/wrong/add-one/wrong.toml",
        "description = \"doubles by adding one\"\ncaught_by = [\"doubles_stress\"]\n",
    );

    // The reference solution passes the budgeted stress run; the budget
    // mistakes fail, whatever the answer, and say what to fix.
    let solved = graded(&fixture, &["--solutions"]);
    let stress = check(&solved, "doubles_stress");
    assert_eq!(stress.status, CheckStatus::Passed, "{}", stress.message);
    let misbudgeted = check(&solved, "doubles_misbudgeted");
    assert_eq!(misbudgeted.status, CheckStatus::Failed);
    assert!(
        misbudgeted.message.starts_with(
            "metadata error: budget key `schedules` is not used by a stress check (check \
             `doubles_misbudgeted` in its checks.toml"
        ),
        "{}",
        misbudgeted.message
    );
    let unused = check(&solved, "totals");
    assert_eq!(unused.status, CheckStatus::Failed);
    assert!(
        unused.message.starts_with(
            "metadata error: check `totals` has `budget = { rounds = 2 }` in its checks.toml, \
             but it runs no stress run"
        ),
        "{}",
        unused.message
    );

    // A wrong answer fails in the first round, of the 7 the metadata asks
    // for (the code says 50), and its replay command repeats the budget.
    let wrong = graded(&fixture, &["--wrong", "01-echo/add-one"]);
    let stress = check(&wrong, "doubles_stress");
    assert_eq!(stress.status, CheckStatus::Failed);
    assert!(
        stress
            .message
            .contains("invariant violated after round 1 of 7 of concurrent doubling"),
        "{}",
        stress.message
    );
    assert!(
        stress
            .message
            .contains("-- doubles_stress --seed 3 --budget rounds=7,max_ms=60000"),
        "{}",
        stress.message
    );
}
