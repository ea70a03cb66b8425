//! Score stage: turn how each check process ended into points and a message a
//! student can act on, using the points and limits from the course metadata.
//!
//! What the grader itself has to say about a check (it timed out, crashed,
//! did not compile) goes into the report as an [`Explanation`] and the
//! sandbox's findings as a list; the English `message` is rendered from them
//! by `crate::messages`, never worded here.

use threadlings_schema::protocol::Verdict;
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, Crash, ExerciseReport, ExerciseStatus, Explanation,
    IntegrityFlag, IntegrityKind,
};

use crate::build::ExerciseBuild;
use crate::course::{CheckPlan, ExercisePlan};
use crate::messages;
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
    Refused(Explanation),
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
                            finding: Some(hit.finding()),
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
                    finding: None,
                });
            }
            let explanation = if *in_checks {
                Explanation::ChecksDoNotCompile
            } else {
                Explanation::DoesNotCompile {
                    package: plan.package.clone(),
                }
            };
            (
                vec![build_check(plan, explanation, seed)],
                Some(errors.clone()),
                ExerciseStatus::CompileError,
            )
        }
        ExerciseBuild::Missing => (
            vec![build_check(plan, Explanation::NoSources, seed)],
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
        title_ko: plan.title_ko.clone(),
        reused: None,
    }
}

fn build_check(plan: &ExercisePlan, explanation: Explanation, seed: u64) -> CheckReport {
    let max_score = plan.checks.iter().map(|c| c.points).sum();
    CheckReport {
        message: messages::en::explanation(&explanation),
        explanation: Some(explanation),
        ..CheckReport::without_evidence(
            "build",
            CheckKind::Build,
            CheckStatus::CompileError,
            max_score,
            seed,
        )
    }
}

fn variant_build_failure(check: &CheckPlan, errors: &str, seed: u64) -> CheckReport {
    let explanation = Explanation::VariantDoesNotCompile {
        variant: check.variant.as_deref().unwrap_or("plain").to_string(),
    };
    CheckReport {
        output: (!errors.is_empty()).then(|| errors.to_string()),
        ..not_run(check, CheckStatus::CompileError, explanation, seed)
    }
}

fn refused_check(check: &CheckPlan, reason: &Explanation, seed: u64) -> CheckReport {
    not_run(check, CheckStatus::Failed, reason.clone(), seed)
}

/// The report of `check` when the grader did not run it: `status`, no
/// points, and `explanation` saying why (its English wording as `message`).
pub fn not_run(
    check: &CheckPlan,
    status: CheckStatus,
    explanation: Explanation,
    seed: u64,
) -> CheckReport {
    CheckReport {
        message: messages::en::explanation(&explanation),
        explanation: Some(explanation),
        ..CheckReport::without_evidence(check.name.clone(), check.kind, status, check.points, seed)
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
    let (status, head) = status_and_head(check, &run.outcome);
    let passed = status == CheckStatus::Passed;
    let skipped = status == CheckStatus::Skipped;
    let failed = !(passed || skipped);
    // What the sandbox saw: a limit reached, processes left behind.
    let findings: Vec<_> = match failed {
        true => run.limits_hit.iter().map(LimitHit::finding).collect(),
        false => Vec::new(),
    };
    let (message, explanation) = match head {
        Head::Grader(explanation) => (
            messages::message(&messages::en::explanation(&explanation), &findings),
            Some(explanation),
        ),
        Head::Own(text) => (messages::message(&text, &findings), None),
    };
    let mut report = CheckReport {
        name: check.name.clone(),
        kind: check.kind,
        status,
        score: if passed { check.points } else { 0.0 },
        max_score: if skipped { 0.0 } else { check.points },
        message,
        explanation,
        findings,
        duration_ms: run.duration.as_millis() as u64,
        seed,
        replay: failed.then(|| replay(&check.name)),
        output: (failed && !run.output.is_empty()).then(|| run.output.clone()),
        timeline: run.evidence.timeline.as_deref().cloned(),
        scenario: run.evidence.scenario.as_deref().cloned(),
        outcomes: run.evidence.outcomes.as_deref().cloned(),
        trace: run.evidence.trace.as_deref().cloned(),
        coverage: run.evidence.coverage.as_deref().cloned(),
        // The data only where it is what the message says (a check that
        // reworded the kit's failure keeps its own words).
        race: match &run.outcome {
            RunOutcome::Reported(Verdict::Failed(failure)) => failure
                .race
                .as_deref()
                .filter(|race| race.to_english() == failure.message)
                .cloned(),
            _ => None,
        },
        words_ko: Default::default(),
    };
    report.words_ko = crate::report::words::quoted(&report, &run.evidence.words_ko);
    report
}

/// The head of a check's message: the grader's explanation, or what the
/// check program wrote.
enum Head {
    Grader(Explanation),
    Own(String),
}

fn status_and_head(check: &CheckPlan, outcome: &RunOutcome) -> (CheckStatus, Head) {
    let grader = |status, explanation| (status, Head::Grader(explanation));
    match outcome {
        RunOutcome::Reported(verdict) => verdict_status(verdict),
        RunOutcome::TimedOut { limit } => grader(
            CheckStatus::Timeout,
            Explanation::Timeout {
                limit_ms: u64::try_from(limit.as_millis()).unwrap_or(u64::MAX),
                check: check.name.clone(),
            },
        ),
        RunOutcome::Signaled {
            signal,
            stack_overflow,
            verdict,
        } => grader(
            CheckStatus::Crashed,
            Explanation::Crashed {
                crash: if *stack_overflow {
                    Crash::StackOverflow
                } else {
                    crash_of(*signal)
                },
                after_finish: verdict.is_some(),
            },
        ),
        RunOutcome::ExitedEarly { code } => grader(
            CheckStatus::Crashed,
            Explanation::ExitedEarly { code: *code },
        ),
        RunOutcome::NotRun(error) => grader(
            CheckStatus::Crashed,
            Explanation::NotRun {
                error: error.clone(),
            },
        ),
        RunOutcome::PassedLeavingProcesses => {
            grader(CheckStatus::Failed, Explanation::PassedLeavingProcesses)
        }
        RunOutcome::PassedBesideForgedLines => {
            grader(CheckStatus::Failed, Explanation::PassedBesideForgedLines)
        }
        RunOutcome::SeveralVerdicts => grader(CheckStatus::Failed, Explanation::SeveralVerdicts),
        RunOutcome::SupervisorLost => grader(CheckStatus::Failed, Explanation::SupervisorLost),
        RunOutcome::ProtocolMismatch { lines } => grader(
            CheckStatus::Crashed,
            Explanation::ProtocolMismatch { lines: *lines },
        ),
    }
}

fn verdict_status(verdict: &Verdict) -> (CheckStatus, Head) {
    match verdict {
        Verdict::Passed => (CheckStatus::Passed, Head::Own(String::new())),
        // The kit's own verdict (a timing or linearizability check) is
        // worded from its data, if the check did not reword it.
        Verdict::Failed(failure) => match failure.kit_data() {
            Some(kit) => (
                CheckStatus::Failed,
                Head::Grader(Explanation::KitFailed {
                    failure: kit.clone(),
                }),
            ),
            None => (CheckStatus::Failed, Head::Own(failure.render())),
        },
        Verdict::NotStarted { message } => (
            CheckStatus::Failed,
            Head::Grader(Explanation::NotStarted {
                detail: message.clone(),
            }),
        ),
        Verdict::Panicked { message, location } => (
            CheckStatus::Crashed,
            Head::Grader(Explanation::Panicked {
                location: location.clone(),
                message: message.clone(),
            }),
        ),
        Verdict::Skipped { reason, kit } => (
            CheckStatus::Skipped,
            Head::Grader(Explanation::Skipped {
                reason: reason.clone(),
                // The data only where it is what the reason says.
                kit: kit.clone().filter(|kit| kit.to_english() == *reason),
            }),
        ),
    }
}

/// The crash a signal means.
fn crash_of(signal: i32) -> Crash {
    match signal {
        libc::SIGABRT => Crash::Abort,
        libc::SIGSEGV => Crash::SegmentationFault,
        libc::SIGBUS => Crash::BusError,
        libc::SIGKILL => Crash::Killed,
        libc::SIGFPE => Crash::ArithmeticError,
        libc::SIGILL => Crash::IllegalInstruction,
        libc::SIGXCPU => Crash::CpuTimeLimit,
        libc::SIGPIPE => Crash::BrokenPipe,
        libc::SIGXFSZ => Crash::FileSizeLimit,
        other => Crash::Signal(other),
    }
}
