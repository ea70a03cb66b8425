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
///
/// The stubs are graded first and alone: that grading builds every
/// dependency of every variant in build slot 0, which the wrong answers'
/// slots are seeded from. Then the wrong answers are built and graded on
/// their workers while this thread runs the public tests and the solution
/// runs beside them (a wrong answer mostly waits: for a hung call's
/// patience, a rendezvous that never fills, its build); the machine lock
/// still gives every timing check the machine alone. The rows returned are
/// in a fixed order (the wrong answers' last, in the course's order, runs in
/// order); `on_row` sees the wrong answers' as they land, after the rest.
pub fn verify(
    course: &Course,
    options: &VerifyOptions,
    observer: &mut dyn Observer,
    on_row: &mut dyn FnMut(&VerifyRow),
) -> Result<Vec<VerifyRow>> {
    // The proofs run beside the wrong answers, and the wrong answers' rows
    // land after them: both print through `on_row`, one after the other
    // (never at once), hence the cell.
    let on_row = std::cell::RefCell::new(on_row);
    let mut rows = Vec::new();
    let push = |row: VerifyRow, rows: &mut Vec<VerifyRow>| {
        (on_row.borrow_mut())(&row);
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

    let known: Vec<(&WrongAnswer, CatchRule)> = course
        .exercises
        .iter()
        .filter(|e| in_scope(&e.name))
        .flat_map(|exercise| exercise.wrong_answers.iter())
        .map(|wrong| (wrong, CatchRule::EveryListedCheck))
        .collect();
    let mut proofs = |observer: &mut dyn Observer| -> Result<()> {
        let row = public_tests_row(course, &Subject::exercises(course), options, false)?;
        push(row, &mut rows);
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
        let row = public_tests_row(course, &Subject::solutions(course), options, true)?;
        push(row, &mut rows);
        Ok(())
    };
    // Printed as they land; kept in the answers' order, runs in order.
    let verdicts = grade_wrong_answers_beside(
        course,
        &known,
        options,
        observer,
        &mut |row| (on_row.borrow_mut())(row),
        &mut proofs,
    )?;
    rows.extend(verdicts.into_iter().map(|verdict| verdict.row));
    Ok(rows)
}

/// When a wrong answer counts as caught.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CatchRule {
    /// Every check its `caught_by` names must fail (not pass, not be
    /// skipped): a known-wrong answer names the checks written to catch it.
    EveryListedCheck,
    /// At least one check its `caught_by` names must fail: a mutant lists
    /// every check of its exercise and is caught if any of them notices.
    AnyListedCheck,
}

/// The verdict on one run of one graded wrong answer.
#[derive(Debug, Clone)]
pub struct WrongVerdict {
    /// Index of the answer in the slice given to [`grade_wrong_answers`].
    pub index: usize,
    /// 1-based run; the seed is `base_seed + run - 1`.
    pub run: u32,
    /// Caught or not under its [`CatchRule`], and why not.
    pub row: VerifyRow,
    /// The full report (only the `caught_by` checks were run).
    pub report: GradeReport,
}

/// Grades wrong answers (known-wrong ones, or synthetic ones such as
/// mutants: any [`WrongAnswer`] whose `dir/src` overlays its exercise's
/// solution, from any mix of exercises), each `options.wrong_runs` times with
/// seeds from `options.base_seed`, running only the checks its `caught_by`
/// names, and judges each run by the answer's [`CatchRule`].
///
/// Workers build in build slots (`build::slot`), one slot per unit of
/// `options.grade.parallelism`, so compiles do not queue on one cargo lock;
/// there are [`WORKERS_PER_SLOT`] workers per slot, because most of a wrong
/// answer's time is waiting, not computing. An answer whose listed checks
/// include one that must run alone (timing) is only built by the workers;
/// all such answers are then graded one at a time on their warm builds, with
/// `observer` showing progress. `on_row` sees each row as it lands; the
/// verdicts come back in the order of `answers`, runs in order.
pub fn grade_wrong_answers(
    course: &Course,
    answers: &[(&WrongAnswer, CatchRule)],
    options: &VerifyOptions,
    observer: &mut dyn Observer,
    on_row: &mut dyn FnMut(&VerifyRow),
) -> Result<Vec<WrongVerdict>> {
    grade_wrong_answers_beside(course, answers, options, observer, on_row, &mut |_| Ok(()))
}

/// Workers per build slot in [`grade_wrong_answers`]. Measured on the whole
/// course (2 cores, `verify --runs 2`, docs/speed.md): one worker per core
/// kept 0.9 of the 2 cores busy in the wrong-answer phase; two per core cut
/// that phase from 312 s to 224 s at the same CPU time, with no miss.
pub const WORKERS_PER_SLOT: usize = 2;

/// [`grade_wrong_answers`], with `beside` running on this thread (with
/// `observer`) while the workers build and grade the shareable answers; the
/// rows of answers graded meanwhile reach `on_row` once `beside` returns,
/// and the answers that run alone are graded after it.
fn grade_wrong_answers_beside(
    course: &Course,
    answers: &[(&WrongAnswer, CatchRule)],
    options: &VerifyOptions,
    observer: &mut dyn Observer,
    on_row: &mut dyn FnMut(&VerifyRow),
    beside: &mut dyn FnMut(&mut dyn Observer) -> Result<()>,
) -> Result<Vec<WrongVerdict>> {
    // Run-major: every answer's first run before any second run, so a
    // second run finds its answer built (in the slot that built it).
    let jobs: Vec<WrongJob> = (0..options.wrong_runs)
        .flat_map(|run| {
            answers
                .iter()
                .enumerate()
                .map(move |(index, &(wrong, rule))| WrongJob {
                    index,
                    wrong,
                    rule,
                    run,
                    exclusive: course.exercise(&wrong.exercise).is_some_and(|exercise| {
                        exercise
                            .checks
                            .iter()
                            .any(|c| c.exclusive && wrong.caught_by.contains(&c.name))
                    }),
                })
        })
        .collect();
    let mut verdicts = Vec::new();
    let mut built_alone = Vec::new();
    let (beside_result, pool_result) = crate::pool::beside(
        |send| {
            build_or_grade_in_parallel(course, options, &jobs, &mut |done| {
                send(done) == crate::pool::Flow::Continue
            })
        },
        || {
            let result = beside(observer);
            let flow = match result {
                Ok(()) => crate::pool::Flow::Continue,
                // No more wrong answers: the error is what gets reported.
                Err(_) => crate::pool::Flow::Stop,
            };
            (result, flow)
        },
        &mut |done| match done {
            Done::Graded(verdict) => {
                on_row(&verdict.row);
                verdicts.push(verdict);
            }
            Done::Built { job, slot } => built_alone.push((job, slot)),
        },
    );
    beside_result?;
    pool_result?;
    built_alone.sort_unstable();
    for (job, slot) in built_alone {
        let verdict = verify_wrong(
            course,
            options,
            &jobs[job],
            options.grade.parallelism,
            slot,
            observer,
        )?;
        on_row(&verdict.row);
        verdicts.push(verdict);
    }
    verdicts.sort_by_key(|v| (v.index, v.run));
    Ok(verdicts)
}

/// One run of one wrong answer.
struct WrongJob<'a> {
    index: usize,
    wrong: &'a WrongAnswer,
    rule: CatchRule,
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
    build_slot: usize,
    observer: &mut dyn Observer,
) -> Result<WrongVerdict> {
    let seed = options.base_seed.wrapping_add(u64::from(job.run));
    let grade_options = wrong_grade_options(options, job, parallelism, build_slot);
    let subject = Subject::wrong_answer(course, job.wrong);
    let report = grade(course, &subject, &grade_options, observer)?;
    Ok(WrongVerdict {
        index: job.index,
        run: job.run + 1,
        row: wrong_row(&report, job.wrong, job.rule, job.run + 1, seed),
        report,
    })
}

fn wrong_grade_options(
    options: &VerifyOptions,
    job: &WrongJob<'_>,
    parallelism: usize,
    build_slot: usize,
) -> GradeOptions {
    let mut grade_options = with_seed(options, options.base_seed.wrapping_add(u64::from(job.run)));
    grade_options.only = vec![job.wrong.exercise.clone()];
    grade_options.only_checks = job.wrong.caught_by.clone();
    grade_options.parallelism = parallelism;
    grade_options.build_slot = build_slot;
    grade_options
}

/// What a worker finished: a graded run, or the build of a run to grade alone.
enum Done {
    Graded(WrongVerdict),
    Built { job: usize, slot: usize },
}

/// Workers, each building in its own slot: shareable jobs are graded whole
/// (one check at a time per worker, so one answer's checks run while another
/// compiles, and checks that wait on a patience wait side by side); jobs
/// that must run alone are only built.
fn build_or_grade_in_parallel(
    course: &Course,
    options: &VerifyOptions,
    jobs: &[WrongJob<'_>],
    on_done: &mut dyn FnMut(Done) -> bool,
) -> Result<()> {
    // The slot each answer was first built in: its later runs build there
    // too (a no-op), instead of compiling it again in another slot.
    let homes = std::sync::Mutex::new(std::collections::HashMap::<usize, usize>::new());
    let slots = options.grade.parallelism.max(1);
    let mut first_error = None;
    crate::pool::for_each(
        jobs,
        slots * WORKERS_PER_SLOT,
        "verify-worker",
        |worker, index, job| {
            let slot = *homes
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .entry(job.index)
                .or_insert(crate::build::slot::for_worker(worker, slots));
            if job.exclusive {
                let subject = Subject::wrong_answer(course, job.wrong);
                let build = wrong_grade_options(options, job, 1, slot);
                crate::grade::build_only(course, &subject, &build)
                    .map(|()| Done::Built { job: index, slot })
            } else {
                verify_wrong(course, options, job, 1, slot, &mut crate::grade::Silent)
                    .map(Done::Graded)
            }
        },
        &mut |_, done| match done {
            Ok(done) => {
                if on_done(done) {
                    crate::pool::Flow::Continue
                } else {
                    crate::pool::Flow::Stop
                }
            }
            Err(error) => {
                // Stop handing out work; finish what is running.
                first_error.get_or_insert(error);
                crate::pool::Flow::Stop
            }
        },
    );
    first_error.map_or(Ok(()), Err)
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
        // Every verdict of `verify` is graded now.
        reuse_verdicts: false,
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

fn wrong_row(
    report: &GradeReport,
    wrong: &WrongAnswer,
    rule: CatchRule,
    run: u32,
    seed: u64,
) -> VerifyRow {
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
            let mut misses = Vec::new();
            for name in &wrong.caught_by {
                match exercise.checks.iter().find(|c| &c.name == name) {
                    Some(check) if check.status == CheckStatus::Passed => {
                        misses.push(format!("`{name}` passed; it must catch this answer"))
                    }
                    Some(check) if check.status == CheckStatus::Skipped => {
                        misses.push(format!("`{name}` was skipped; it must catch this answer"))
                    }
                    Some(_) => {}
                    None => misses.push(format!("`{name}` did not run")),
                }
            }
            let caught = match rule {
                CatchRule::EveryListedCheck => misses.is_empty(),
                CatchRule::AnyListedCheck => misses.len() < wrong.caught_by.len(),
            };
            if !caught {
                problems = misses;
                if problems.is_empty() {
                    problems.push("no check is listed to catch it".to_string());
                }
            }
        }
    }
    let expected = match rule {
        CatchRule::EveryListedCheck => format!("caught by {}", wrong.caught_by.join(", ")),
        CatchRule::AnyListedCheck => {
            format!("caught by any of {}", wrong.caught_by.join(", "))
        }
    };
    row(
        &format!("wrong {}/{}", wrong.exercise, wrong.name),
        run,
        seed,
        &expected,
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
                build_slot: 0,
                reuse_verdicts: true,
            },
        };
        assert!(!with_seed(&options, 7).shortcut_stubs);
        assert!(!with_seed(&options, 7).reuse_verdicts);
    }

    fn report_with(statuses: &[(&str, CheckStatus)]) -> GradeReport {
        use threadlings_schema::report::{CheckKind, CheckReport, ExerciseReport};
        let checks = statuses
            .iter()
            .map(|(name, status)| {
                CheckReport::without_evidence(*name, CheckKind::Test, *status, 1.0, 1)
            })
            .collect();
        GradeReport {
            format_version: threadlings_schema::report::REPORT_FORMAT_VERSION,
            subject: "wrong".to_string(),
            seed: 1,
            score: 0.0,
            max_score: 2.0,
            duration_ms: 0,
            exercises: vec![ExerciseReport {
                name: "05-condvar".to_string(),
                title: String::new(),
                topic: String::new(),
                score: 0.0,
                max_score: 2.0,
                status: ExerciseStatus::Failed,
                checks,
                build_errors: None,
                integrity: Vec::new(),
                title_ko: None,
                reused: None,
            }],
        }
    }

    fn answer(caught_by: &[&str]) -> WrongAnswer {
        WrongAnswer {
            exercise: "05-condvar".to_string(),
            name: "mutant-1".to_string(),
            dir: std::path::PathBuf::from("m"),
            description: String::new(),
            caught_by: caught_by.iter().map(|c| c.to_string()).collect(),
        }
    }

    /// A known-wrong answer must fail every check it names; a mutant is
    /// caught when any one of its exercise's checks fails.
    #[test]
    fn every_listed_check_must_fail_but_any_one_catches_a_mutant() {
        let wrong = answer(&["a", "b"]);
        let one_failed = report_with(&[("a", CheckStatus::Failed), ("b", CheckStatus::Passed)]);
        let every = wrong_row(&one_failed, &wrong, CatchRule::EveryListedCheck, 1, 1);
        assert!(!every.ok);
        assert!(every.problem.unwrap().contains("`b` passed"));
        assert!(wrong_row(&one_failed, &wrong, CatchRule::AnyListedCheck, 1, 1).ok);

        let none_failed = report_with(&[("a", CheckStatus::Passed), ("b", CheckStatus::Skipped)]);
        let any = wrong_row(&none_failed, &wrong, CatchRule::AnyListedCheck, 1, 1);
        assert!(!any.ok);
        assert!(any.expected.contains("any of a, b"), "{}", any.expected);

        let both = report_with(&[("a", CheckStatus::Timeout), ("b", CheckStatus::Crashed)]);
        assert!(wrong_row(&both, &wrong, CatchRule::EveryListedCheck, 1, 1).ok);
        assert!(!wrong_row(&both, &answer(&[]), CatchRule::AnyListedCheck, 1, 1).ok);
    }
}
