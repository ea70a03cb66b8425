//! `grader verify`: prove the grader on the course's own answers.
//!
//! The stubs must compile and score 0 without hanging; the reference solutions
//! must score full marks on every run; every known-wrong answer must fail the
//! checks it was written to fail, on every run. Each run uses a new seed, so
//! repeated runs explore different inputs and schedules.

use serde::Serialize;
use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use crate::course::{Course, WrongAnswer};
use crate::error::Result;
use crate::grade::{GradeOptions, Observer, grade};
use crate::public_tests::{self, PublicTests};
use crate::subject::Subject;

#[derive(Debug, Clone)]
pub struct VerifyOptions {
    /// Runs of the reference solutions.
    pub runs: u32,
    /// Runs of each wrong answer.
    pub wrong_runs: u32,
    pub base_seed: u64,
    pub grade: GradeOptions,
}

/// One expectation checked on one run.
#[derive(Debug, Clone, Serialize)]
pub struct VerifyRow {
    /// `stubs`, `solutions`, or `wrong EX/NAME`.
    pub subject: String,
    pub run: u32,
    pub seed: u64,
    pub expected: String,
    pub ok: bool,
    /// What happened, when it was not what was expected.
    pub problem: Option<String>,
    pub duration_ms: u64,
}

/// Runs every expectation; `on_row` sees each result as it lands.
pub fn verify(
    course: &Course,
    options: &VerifyOptions,
    observer: &mut dyn Observer,
    on_row: &mut dyn FnMut(&VerifyRow),
) -> Result<Vec<VerifyRow>> {
    let mut rows = Vec::new();
    let mut push = |row: VerifyRow, rows: &mut Vec<VerifyRow>| {
        on_row(&row);
        rows.push(row);
    };
    let only = &options.grade.only;
    let in_scope = |exercise: &str| only.is_empty() || only.iter().any(|o| o == exercise);

    let seed = options.base_seed;
    let report = grade(
        course,
        &Subject::exercises(course),
        &with_seed(options, seed),
        observer,
    )?;
    push(stub_row(&report, seed), &mut rows);
    push(
        public_tests_row(course, &Subject::exercises(course), options, false)?,
        &mut rows,
    );

    for run in 0..options.runs {
        let seed = options.base_seed.wrapping_add(u64::from(run));
        let report = grade(
            course,
            &Subject::solutions(course),
            &with_seed(options, seed),
            observer,
        )?;
        push(solution_row(&report, run + 1, seed), &mut rows);
    }

    push(
        public_tests_row(course, &Subject::solutions(course), options, true)?,
        &mut rows,
    );

    let wrong_jobs: Vec<WrongJob> = course
        .exercises
        .iter()
        .filter(|e| in_scope(&e.name))
        .flat_map(|exercise| {
            exercise.wrong_answers.iter().flat_map(move |wrong| {
                (0..options.wrong_runs).map(move |run| WrongJob {
                    exclusive: exercise
                        .checks
                        .iter()
                        .any(|c| c.exclusive && wrong.caught_by.contains(&c.name)),
                    wrong,
                    run,
                })
            })
        })
        .collect();
    let (exclusive, shared): (Vec<WrongJob>, Vec<WrongJob>) =
        wrong_jobs.into_iter().partition(|job| job.exclusive);
    verify_wrong_in_parallel(course, options, &shared, &mut |row| push(row, &mut rows))?;
    for job in &exclusive {
        push(
            verify_wrong(course, options, job, options.grade.parallelism, observer)?,
            &mut rows,
        );
    }
    Ok(rows)
}

/// One run of one known-wrong answer.
struct WrongJob<'a> {
    wrong: &'a WrongAnswer,
    run: u32,
    /// One of the checks it must fail runs alone (timing): then the wrong
    /// answer is graded alone too, so no other grading disturbs the verdict.
    exclusive: bool,
}

/// Grades one run of a wrong answer, running only the checks it must fail.
fn verify_wrong(
    course: &Course,
    options: &VerifyOptions,
    job: &WrongJob<'_>,
    parallelism: usize,
    observer: &mut dyn Observer,
) -> Result<VerifyRow> {
    let seed = options.base_seed.wrapping_add(u64::from(job.run));
    let mut grade_options = with_seed(options, seed);
    grade_options.only = vec![job.wrong.exercise.clone()];
    grade_options.only_checks = job.wrong.caught_by.clone();
    grade_options.parallelism = parallelism;
    let subject = Subject::wrong_answer(course, job.wrong);
    let report = grade(course, &subject, &grade_options, observer)?;
    Ok(wrong_row(&report, job.wrong, job.run + 1, seed))
}

/// Grades wrong answers whose checks may share the machine, several at once.
/// Their builds still queue on cargo's lock, but one answer's checks run
/// while the next one compiles, and the checks that wait on a patience (a
/// sequential answer never meeting a rendezvous) wait side by side.
fn verify_wrong_in_parallel(
    course: &Course,
    options: &VerifyOptions,
    jobs: &[WrongJob<'_>],
    on_row: &mut dyn FnMut(VerifyRow),
) -> Result<()> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<Result<VerifyRow>>();
    std::thread::scope(|scope| {
        for worker in 0..options.grade.parallelism.max(1).min(jobs.len()) {
            let tx = tx.clone();
            let next = &next;
            std::thread::Builder::new()
                .name(format!("verify-worker-{worker}"))
                .spawn_scoped(scope, move || {
                    loop {
                        let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(job) = jobs.get(index) else { break };
                        let row = verify_wrong(course, options, job, 1, &mut crate::grade::Silent);
                        if tx.send(row).is_err() {
                            break;
                        }
                    }
                })
                .expect("failed to start a verify worker thread");
        }
        drop(tx);
        let mut first_error = None;
        for row in rx {
            match row {
                Ok(row) => on_row(row),
                Err(error) => {
                    // Stop handing out work; finish what is running.
                    next.store(jobs.len(), std::sync::atomic::Ordering::Relaxed);
                    first_error.get_or_insert(error);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    })
}

/// The public tests of every exercise in scope must fail on the stubs (and
/// never hang) and pass on the solutions.
fn public_tests_row(
    course: &Course,
    subject: &Subject,
    options: &VerifyOptions,
    should_pass: bool,
) -> Result<VerifyRow> {
    let started = std::time::Instant::now();
    let ws = crate::subject::prepare(course, subject, &options.grade.work_dir)?;
    let mut problems = Vec::new();
    for exercise in &course.exercises {
        if !options.grade.only.is_empty() && !options.grade.only.contains(&exercise.name) {
            continue;
        }
        let outcome = public_tests::run(&ws, exercise, &options.grade.work_dir)?;
        match (outcome, should_pass) {
            (PublicTests::Passed, true) | (PublicTests::Failed { .. }, false) => {}
            (PublicTests::Missing, _) => {
                problems.push(format!("{} has no public tests (tests/)", exercise.name))
            }
            (PublicTests::TimedOut, _) => {
                problems.push(format!("{}: public tests hang", exercise.name))
            }
            (PublicTests::Passed, false) => {
                problems.push(format!("{}: public tests pass on the stubs", exercise.name))
            }
            (PublicTests::Failed { output }, true) => {
                let failing: Vec<&str> = output
                    .lines()
                    .filter(|l| l.contains("FAILED") || l.starts_with("error"))
                    .take(5)
                    .collect();
                problems.push(format!(
                    "{}: public tests fail on the solution: {}",
                    exercise.name,
                    failing.join(" | ")
                ))
            }
        }
    }
    let subject_name = if should_pass {
        "public tests on solutions"
    } else {
        "public tests on stubs"
    };
    let expected = if should_pass {
        "pass"
    } else {
        "fail without hanging"
    };
    Ok(VerifyRow {
        subject: subject_name.to_string(),
        run: 1,
        seed: options.base_seed,
        expected: expected.to_string(),
        ok: problems.is_empty(),
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

fn with_seed(options: &VerifyOptions, seed: u64) -> GradeOptions {
    GradeOptions {
        seed,
        // The stubs are graded with every check: that proof is what lets
        // every other grading skip them (`subject::stubs`).
        shortcut_stubs: false,
        ..options.grade.clone()
    }
}

fn stub_row(report: &GradeReport, seed: u64) -> VerifyRow {
    let mut problems = Vec::new();
    for exercise in &report.exercises {
        if exercise.status == ExerciseStatus::CompileError {
            problems.push(format!("{} does not compile", exercise.name));
        }
        for check in &exercise.checks {
            if check.status == CheckStatus::Passed {
                problems.push(format!(
                    "{}::{} passes on the stub",
                    exercise.name, check.name
                ));
            }
            if check.status == CheckStatus::Timeout {
                problems.push(format!(
                    "{}::{} hangs on the stub",
                    exercise.name, check.name
                ));
            }
        }
    }
    row(
        "stubs",
        1,
        seed,
        "compile, score 0, never hang",
        problems,
        report,
    )
}

fn solution_row(report: &GradeReport, run: u32, seed: u64) -> VerifyRow {
    let problems = report
        .exercises
        .iter()
        .flat_map(|e| {
            e.checks
                .iter()
                .filter(|c| !matches!(c.status, CheckStatus::Passed | CheckStatus::Skipped))
                .map(move |c| {
                    let first_line = c.message.lines().next().unwrap_or_default();
                    format!("{}::{} {}: {first_line}", e.name, c.name, c.status.as_str())
                })
        })
        .collect();
    row("solutions", run, seed, "full marks", problems, report)
}

fn wrong_row(report: &GradeReport, wrong: &WrongAnswer, run: u32, seed: u64) -> VerifyRow {
    let mut problems = Vec::new();
    match report.exercises.first() {
        None => problems.push("the exercise was not graded".to_string()),
        Some(exercise) if exercise.status == ExerciseStatus::CompileError => {
            problems.push(format!(
                "does not compile (a wrong answer must compile and fail a check): {}",
                exercise
                    .build_errors
                    .as_deref()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
            ))
        }
        Some(exercise) => {
            for name in &wrong.caught_by {
                match exercise.checks.iter().find(|c| &c.name == name) {
                    Some(check) if check.status == CheckStatus::Passed => {
                        problems.push(format!("`{name}` passed; it must catch this answer"))
                    }
                    Some(check) if check.status == CheckStatus::Skipped => {
                        problems.push(format!("`{name}` was skipped; it must catch this answer"))
                    }
                    Some(_) => {}
                    None => problems.push(format!("`{name}` did not run")),
                }
            }
        }
    }
    row(
        &format!("wrong {}/{}", wrong.exercise, wrong.name),
        run,
        seed,
        &format!("caught by {}", wrong.caught_by.join(", ")),
        problems,
        report,
    )
}

fn row(
    subject: &str,
    run: u32,
    seed: u64,
    expected: &str,
    problems: Vec<String>,
    report: &GradeReport,
) -> VerifyRow {
    VerifyRow {
        subject: subject.to_string(),
        run,
        seed,
        expected: expected.to_string(),
        ok: problems.is_empty(),
        problem: (!problems.is_empty()).then(|| problems.join("; ")),
        duration_ms: report.duration_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `verify` proves the stubs score 0 by running their checks, which is
    /// what lets every other grading skip them: it never takes the shortcut.
    #[test]
    fn verify_grades_the_stubs_with_their_real_checks() {
        let options = VerifyOptions {
            runs: 1,
            wrong_runs: 1,
            base_seed: 0,
            grade: GradeOptions {
                only: Vec::new(),
                only_checks: Vec::new(),
                seed: 0,
                parallelism: 1,
                work_dir: std::path::PathBuf::from("target/threadlings"),
                shortcut_stubs: true,
            },
        };
        assert!(!with_seed(&options, 7).shortcut_stubs);
    }
}
