//! Score stage: turn how each check process ended into points and a message a
//! student can act on, using the points and limits from the course metadata.

use threadlings_schema::protocol::Verdict;
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, IntegrityFlag,
    IntegrityKind,
};

use crate::build::ExerciseBuild;
use crate::course::{CheckPlan, ExercisePlan};
use crate::run::{CheckRun, LimitHit, RunOutcome};

/// What happened to one check: it ran, or its build variant did not compile.
#[derive(Debug, Clone)]
pub enum CheckAttempt {
    Ran(CheckRun),
    /// The check program of this check's build variant did not compile
    /// (the plain build did); carries the compiler's messages.
    NotBuilt(String),
    /// Not run: the answer bypasses the course facade this race check
    /// watches it through (`subject::scan`); carries the reason.
    Refused(String),
}

/// Scores one exercise. `attempts` holds one entry per check in plan order;
/// `build` is the plain build, which decides whether the exercise compiles;
/// `replay` gives the command that replays a failed check, by its name.
pub fn score_exercise(
    plan: &ExercisePlan,
    build: &ExerciseBuild,
    attempts: &[CheckAttempt],
    seed: u64,
    replay: &dyn Fn(&str) -> String,
) -> ExerciseReport {
    let mut integrity = Vec::new();
    let (checks, build_errors, status) = match build {
        ExerciseBuild::Ready { .. } => {
            let checks: Vec<CheckReport> = plan
                .checks
                .iter()
                .zip(attempts)
                .map(|(check, attempt)| match attempt {
                    CheckAttempt::Ran(run) => score_check(check, run, seed, replay),
                    CheckAttempt::NotBuilt(errors) => variant_build_failure(check, errors, seed),
                    CheckAttempt::Refused(reason) => refused_check(check, reason, seed),
                })
                .collect();
            let runs: Vec<&CheckRun> = attempts
                .iter()
                .filter_map(|a| match a {
                    CheckAttempt::Ran(run) => Some(run),
                    CheckAttempt::NotBuilt(_) | CheckAttempt::Refused(_) => None,
                })
                .collect();
            for (check, attempt) in plan.checks.iter().zip(attempts) {
                let CheckAttempt::Ran(run) = attempt else {
                    continue;
                };
                for hit in &run.limits_hit {
                    if let LimitHit::Tampered(tamper) = hit {
                        integrity.push(IntegrityFlag {
                            kind: tamper.kind(),
                            check: Some(check.name.clone()),
                            detail: hit.describe(),
                        });
                    }
                }
            }
            let status = exercise_status(&checks, &runs);
            (checks, None, status)
        }
        ExerciseBuild::Failed {
            errors,
            in_checks,
            bound,
        } => {
            if let Some(bound) = bound {
                integrity.push(IntegrityFlag {
                    kind: IntegrityKind::CompileBound,
                    check: None,
                    detail: bound.clone(),
                });
            }
            let message = if *in_checks {
                "the hidden checks do not compile against your code: did you change a public \
                 function's name or signature? Keep the API given in src/lib.rs."
                    .to_string()
            } else {
                format!(
                    "your code does not compile; fix the errors below (`cargo build -p {}` shows \
                     them in colour)",
                    plan.package
                )
            };
            (
                vec![build_check(plan, &message, seed)],
                Some(errors.clone()),
                ExerciseStatus::CompileError,
            )
        }
        ExerciseBuild::Missing => (
            vec![build_check(
                plan,
                "no sources for this exercise in the graded directory (expected NN-topic/src/)",
                seed,
            )],
            None,
            ExerciseStatus::CompileError,
        ),
    };
    // Skipped checks neither gain nor lose points: their maximum is zero.
    let max_score = checks.iter().map(|c| c.max_score).sum();
    ExerciseReport {
        name: plan.name.clone(),
        title: plan.title.clone(),
        topic: plan.topic.clone(),
        score: checks.iter().map(|c| c.score).sum(),
        max_score,
        status,
        checks,
        build_errors,
        integrity,
    }
}

fn build_check(plan: &ExercisePlan, message: &str, seed: u64) -> CheckReport {
    CheckReport {
        name: "build".to_string(),
        kind: CheckKind::Build,
        status: CheckStatus::CompileError,
        score: 0.0,
        max_score: plan.checks.iter().map(|c| c.points).sum(),
        message: message.to_string(),
        duration_ms: 0,
        seed,
        replay: None,
        output: None,
        timeline: None,
        scenario: None,
        outcomes: None,
        trace: None,
        coverage: None,
    }
}

fn variant_build_failure(check: &CheckPlan, errors: &str, seed: u64) -> CheckReport {
    let variant = check.variant.as_deref().unwrap_or("plain");
    CheckReport {
        name: check.name.clone(),
        kind: check.kind,
        status: CheckStatus::CompileError,
        score: 0.0,
        max_score: check.points,
        message: format!(
            "the `{variant}` build of the checks does not compile with your code. Exercises \
             checked this way must use the course's `threadlings::sync` and \
             `threadlings::thread` instead of `std::sync` and `std::thread`, and keep locks \
             and atomics out of `static`s (a model check creates them afresh for every \
             interleaving it explores)."
        ),
        duration_ms: 0,
        seed,
        replay: None,
        output: (!errors.is_empty()).then(|| errors.to_string()),
        timeline: None,
        scenario: None,
        outcomes: None,
        trace: None,
        coverage: None,
    }
}

fn refused_check(check: &CheckPlan, reason: &str, seed: u64) -> CheckReport {
    CheckReport {
        name: check.name.clone(),
        kind: check.kind,
        status: CheckStatus::Failed,
        score: 0.0,
        max_score: check.points,
        message: reason.to_string(),
        duration_ms: 0,
        seed,
        replay: None,
        output: None,
        timeline: None,
        scenario: None,
        outcomes: None,
        trace: None,
        coverage: None,
    }
}

fn exercise_status(checks: &[CheckReport], runs: &[&CheckRun]) -> ExerciseStatus {
    let all_good = checks
        .iter()
        .all(|c| matches!(c.status, CheckStatus::Passed | CheckStatus::Skipped));
    let any_passed = checks.iter().any(|c| c.status == CheckStatus::Passed);
    let any_stub = runs
        .iter()
        .any(|r| matches!(r.outcome, RunOutcome::Reported(Verdict::NotStarted { .. })));
    if all_good {
        ExerciseStatus::Passed
    } else if any_stub && !any_passed {
        ExerciseStatus::NotStarted
    } else {
        ExerciseStatus::Failed
    }
}

fn score_check(
    check: &CheckPlan,
    run: &CheckRun,
    seed: u64,
    replay: &dyn Fn(&str) -> String,
) -> CheckReport {
    let (status, mut message) = status_and_message(check, &run.outcome);
    let passed = status == CheckStatus::Passed;
    let skipped = status == CheckStatus::Skipped;
    let failed = !(passed || skipped);
    if failed {
        // What the sandbox saw: a limit reached, processes left behind.
        for hit in &run.limits_hit {
            message.push_str("; ");
            message.push_str(&hit.describe());
        }
    }
    CheckReport {
        name: check.name.clone(),
        kind: check.kind,
        status,
        score: if passed { check.points } else { 0.0 },
        max_score: if skipped { 0.0 } else { check.points },
        message,
        duration_ms: run.duration.as_millis() as u64,
        seed,
        replay: failed.then(|| replay(&check.name)),
        output: (failed && !run.output.is_empty()).then(|| run.output.clone()),
        timeline: run.evidence.timeline.as_deref().cloned(),
        scenario: run.evidence.scenario.as_deref().cloned(),
        outcomes: run.evidence.outcomes.as_deref().cloned(),
        trace: run.evidence.trace.as_deref().cloned(),
        coverage: run.evidence.coverage.as_deref().cloned(),
    }
}

fn status_and_message(check: &CheckPlan, outcome: &RunOutcome) -> (CheckStatus, String) {
    match outcome {
        RunOutcome::Reported(verdict) => verdict_status(verdict),
        RunOutcome::TimedOut { limit } => (
            CheckStatus::Timeout,
            format!(
                "did not finish within {:.0} s: possible deadlock or infinite loop in `{}` \
                 (threads waiting for each other, a lost wake-up, or a loop that never ends)",
                limit.as_secs_f64(),
                check.name
            ),
        ),
        RunOutcome::Signaled {
            signal,
            stack_overflow,
            verdict,
        } => {
            let what = if *stack_overflow {
                "stack overflow (unbounded recursion, or a huge value on the stack)".to_string()
            } else {
                signal_description(*signal)
            };
            let after = if verdict.is_some() {
                " after the check finished (a thread left running crashed the process)"
            } else {
                ""
            };
            (CheckStatus::Crashed, format!("crashed: {what}{after}"))
        }
        RunOutcome::ExitedEarly { code } => (
            CheckStatus::Crashed,
            format!(
                "the process exited (code {code}) before the check finished: does the code call \
                 std::process::exit, or panic while panicking?"
            ),
        ),
        RunOutcome::NotRun(error) => (
            CheckStatus::Crashed,
            format!("the check program could not be started: {error}"),
        ),
    }
}

fn verdict_status(verdict: &Verdict) -> (CheckStatus, String) {
    match verdict {
        Verdict::Passed => (CheckStatus::Passed, String::new()),
        Verdict::Failed(failure) => (CheckStatus::Failed, failure.render()),
        Verdict::NotStarted { message } => (
            CheckStatus::Failed,
            format!("{} ({message})", crate::i18n::NOT_STARTED_MESSAGE),
        ),
        Verdict::Panicked { message, location } => (
            CheckStatus::Crashed,
            match location {
                Some(location) => format!("panicked at {location}: {message}"),
                None => format!("panicked: {message}"),
            },
        ),
        Verdict::Skipped { reason } => (CheckStatus::Skipped, format!("skipped: {reason}")),
    }
}

fn signal_description(signal: i32) -> String {
    let name = match signal {
        libc::SIGABRT => {
            "aborted (SIGABRT): std::process::abort, a panic that could not unwind, or a failed allocation"
        }
        libc::SIGSEGV => "segmentation fault (SIGSEGV): invalid memory access in unsafe code",
        libc::SIGBUS => "bus error (SIGBUS): invalid memory access",
        libc::SIGKILL => "killed (SIGKILL): out of memory, or a resource limit",
        libc::SIGFPE => "arithmetic error (SIGFPE)",
        libc::SIGILL => "illegal instruction (SIGILL)",
        libc::SIGXCPU => "CPU time limit exceeded (SIGXCPU)",
        libc::SIGPIPE => "broken pipe (SIGPIPE)",
        libc::SIGXFSZ => "file size limit exceeded (SIGXFSZ)",
        _ => return format!("killed by signal {signal}"),
    };
    name.to_string()
}
