//! The grading pipeline for one subject: prepare the build workspace, build
//! every check program in one cargo call per build variant, run the checks,
//! score, and assemble the report model that every output format renders.
//!
//! Only what can score is built: an exercise whose sources are still the
//! committed stubs (`subject::stubs`) is reported not started without a
//! build, and a variant (loom, shuttle) is built only for exercises whose
//! plain build compiled, since a compile error decides the exercise alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Instant;

use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, Explanation, GradeReport,
    IntegrityFlag, IntegrityKind, REPORT_FORMAT_VERSION,
};

use crate::build::{self, BuildEvent, ExerciseBuild};
use crate::course::{Course, ExercisePlan};
use crate::error::{Error, Result};
use crate::reuse;
use crate::run::{self, CheckJob, CheckRun, RunEvent};
use crate::score::{CheckAttempt, score_exercise};
use crate::subject::{self, Subject};

/// How to grade.
#[derive(Debug, Clone)]
pub struct GradeOptions {
    /// Exercise names to grade; empty means all.
    pub only: Vec<String>,
    /// Check names to run; empty means all (`verify` runs only the checks a
    /// wrong answer must fail).
    pub only_checks: Vec<String>,
    /// The run seed handed to every check.
    pub seed: u64,
    /// Check processes run at once (exclusive checks always run alone).
    pub parallelism: usize,
    /// Where generated workspaces and build artifacts live.
    pub work_dir: PathBuf,
    /// Report exercises whose sources are the committed stubs as not started
    /// without building or running their checks. `verify` turns this off: it
    /// grades the stubs with every check to prove they score 0, which is what
    /// makes the shortcut safe everywhere else.
    pub shortcut_stubs: bool,
    /// Which set of build directories cargo builds in (`build::slot`): 0 is
    /// the one every grading shares; `verify`'s parallel workers build in
    /// their own, so their builds do not queue on one cargo lock.
    pub build_slot: usize,
    /// Reuse the full-marks verdict of an exercise whose sources, check
    /// programs and grader are those of an earlier grading, and record new
    /// ones (`reuse`). Only the student's own terminal turns this on.
    pub reuse_verdicts: bool,
}

/// What the pipeline tells the terminal while it works.
pub trait Observer {
    fn build_started(&mut self, _exercises: usize) {}
    fn build_event(&mut self, _event: &BuildEvent) {}
    fn run_started(&mut self, _checks: usize) {}
    fn check_finished(&mut self, _job: &CheckJob, _run: &CheckRun) {}
    fn finished(&mut self) {}
}

/// An observer that shows nothing (tests, `verify` in quiet mode).
pub struct Silent;
impl Observer for Silent {}

/// Builds per variant (`None` is the plain build), then per exercise.
type Builds = BTreeMap<Option<String>, BTreeMap<String, ExerciseBuild>>;

/// Grades `subject` and returns the report.
pub fn grade(
    course: &Course,
    subject: &Subject,
    options: &GradeOptions,
    observer: &mut dyn Observer,
) -> Result<GradeReport> {
    let started = Instant::now();
    let selected = selected_plans(course, options);
    let exercises: Vec<&ExercisePlan> = selected.iter().collect();
    let Prepared {
        ws,
        untouched,
        started_exercises,
        builds,
    } = prepare_and_build(course, subject, &exercises, options, observer)?;
    // Race checks see an answer only through the course facade; sources that
    // bypass it are not graded by them (see subject::scan).
    let refused =
        subject::scan::refusals(&started_exercises, |name| ws.exercise_dir(name).join("src"))?;
    let keys = verdict_keys(&ws, &started_exercises, &builds, options);
    let store = reuse::Store::in_work_dir(&options.work_dir);
    let mut reused: BTreeMap<String, ExerciseReport> = keys
        .iter()
        .filter_map(|(name, key)| Some((name.clone(), store.reusable(name, *key)?)))
        .collect();

    let mut jobs = Vec::new();
    let mut attempts: Vec<Vec<Option<CheckAttempt>>> = Vec::new();
    for exercise in &exercises {
        let mut slots = Vec::new();
        if untouched.contains(&exercise.name) || reused.contains_key(&exercise.name) {
            attempts.push(slots);
            continue;
        }
        for check in &exercise.checks {
            if check.kind == CheckKind::Race
                && let Some(reason) = refused.get(&exercise.name)
            {
                slots.push(Some(CheckAttempt::Refused(reason.clone())));
                continue;
            }
            match builds
                .get(&check.variant)
                .and_then(|b| b.get(&exercise.name))
            {
                Some(ExerciseBuild::Ready { check_program }) => {
                    jobs.push(CheckJob {
                        exercise: exercise.name.clone(),
                        check: check.name.clone(),
                        program: check_program.clone(),
                        seed: options.seed,
                        timeout: check.timeout,
                        exclusive: check.exclusive,
                        limits: check.limits,
                        budget: check.budget,
                        read: exercise.sandbox_read.clone(),
                    });
                    slots.push(None);
                }
                Some(ExerciseBuild::Failed { errors, .. }) => {
                    slots.push(Some(CheckAttempt::NotBuilt(errors.clone())))
                }
                _ => slots.push(Some(CheckAttempt::NotBuilt(String::new()))),
            }
        }
        attempts.push(slots);
    }

    observer.run_started(jobs.len());
    let lock = crate::machine_lock::MachineLock::for_machine();
    let runs = run::run_all(
        &jobs,
        options.parallelism,
        &lock,
        &mut |event| match event {
            RunEvent::Finished { job, run } => observer.check_finished(job, run),
        },
    );
    observer.finished();

    let mut runs = runs.into_iter();
    let mut reports = Vec::new();
    for (exercise, slots) in exercises.iter().zip(attempts) {
        if untouched.contains(&exercise.name) {
            reports.push(untouched_report(exercise, options.seed));
            continue;
        }
        if let Some(report) = reused.remove(&exercise.name) {
            reports.push(report);
            continue;
        }
        let plain = builds
            .get(&None)
            .and_then(|b| b.get(&exercise.name))
            .unwrap_or(&ExerciseBuild::Missing);
        let attempts: Vec<CheckAttempt> = slots
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|| {
                    CheckAttempt::Ran(runs.next().expect("one run per scheduled job"))
                })
            })
            .collect();
        let replay = |check: &str| subject.replay_command(&exercise.name, check, options.seed);
        let mut report = score_exercise(exercise, plain, &attempts, options.seed, &replay);
        if exercise.allow_unsafe && matches!(plain, ExerciseBuild::Ready { .. }) {
            report
                .integrity
                .extend(unsafe_review(&ws.exercise_dir(&exercise.name)));
        }
        if let Some(key) = keys.get(&exercise.name) {
            store.record(&report, *key, options.seed);
        }
        reports.push(report);
    }

    Ok(GradeReport {
        format_version: REPORT_FORMAT_VERSION,
        subject: subject.label.clone(),
        seed: options.seed,
        score: reports.iter().map(|e| e.score).sum(),
        max_score: reports.iter().map(|e| e.max_score).sum(),
        duration_ms: started.elapsed().as_millis() as u64,
        exercises: reports,
    })
}

/// The verdict key (`reuse::key`) of every started exercise whose check
/// programs all built, when `options` reuse verdicts; empty otherwise.
fn verdict_keys(
    ws: &subject::BuildWorkspace,
    exercises: &[&ExercisePlan],
    builds: &Builds,
    options: &GradeOptions,
) -> BTreeMap<String, u64> {
    // A verdict of some checks only is never a whole exercise's verdict.
    if !options.reuse_verdicts || !options.only_checks.is_empty() {
        return BTreeMap::new();
    }
    let mut keys = BTreeMap::new();
    for exercise in exercises {
        let programs: Option<Vec<&std::path::Path>> = exercise
            .checks
            .iter()
            .map(
                |check| match builds.get(&check.variant)?.get(&exercise.name)? {
                    ExerciseBuild::Ready { check_program } => Some(check_program.as_path()),
                    _ => None,
                },
            )
            .collect();
        let sources = subject::stubs::fingerprint(&ws.exercise_dir(&exercise.name).join("src"));
        if let (Some(programs), Ok(sources)) = (programs, sources)
            && let Some(key) = reuse::key(exercise, sources, &programs)
        {
            keys.insert(exercise.name.clone(), key);
        }
    }
    keys
}

/// Builds everything grading `subject` with `options` would run, and runs
/// nothing. `verify` builds the wrong answers whose checks run alone this way
/// on parallel workers first, then grades them one at a time on warm builds,
/// so their compiles do not wait for each other's measurements.
pub fn build_only(course: &Course, subject: &Subject, options: &GradeOptions) -> Result<()> {
    let selected = selected_plans(course, options);
    let exercises: Vec<&ExercisePlan> = selected.iter().collect();
    prepare_and_build(course, subject, &exercises, options, &mut Silent).map(|_| ())
}

/// The exercises `options` selects, each with only the checks it selects.
fn selected_plans(course: &Course, options: &GradeOptions) -> Vec<ExercisePlan> {
    course
        .exercises
        .iter()
        .filter(|e| options.only.is_empty() || options.only.contains(&e.name))
        .map(|e| {
            let mut e = e.clone();
            if !options.only_checks.is_empty() {
                e.checks.retain(|c| options.only_checks.contains(&c.name));
            }
            e
        })
        .collect()
}

/// A subject's workspace, laid out and built.
struct Prepared<'a> {
    ws: subject::BuildWorkspace,
    /// Exercises still the committed stubs: not built, not run.
    untouched: BTreeSet<String>,
    started_exercises: Vec<&'a ExercisePlan>,
    builds: Builds,
}

fn prepare_and_build<'a>(
    course: &Course,
    subject: &Subject,
    exercises: &[&'a ExercisePlan],
    options: &GradeOptions,
    observer: &mut dyn Observer,
) -> Result<Prepared<'a>> {
    let ws = subject::prepare(course, subject, &options.work_dir)?;
    let untouched = if options.shortcut_stubs {
        subject::stubs::untouched(exercises, |name| ws.exercise_dir(name).join("src"))?
    } else {
        BTreeSet::new()
    };
    let started_exercises: Vec<&ExercisePlan> = exercises
        .iter()
        .copied()
        .filter(|e| !untouched.contains(&e.name))
        .collect();
    observer.build_started(started_exercises.len());
    let builds = build_all_variants(course, &ws, &started_exercises, options, observer)?;
    Ok(Prepared {
        ws,
        untouched,
        started_exercises,
        builds,
    })
}

/// The report of an exercise whose sources are the committed stubs: what
/// running its checks on the stubs gives (`verify` proves they all fail), in
/// the words the human report keys "not started" on, saying they did not run.
fn untouched_report(plan: &ExercisePlan, seed: u64) -> ExerciseReport {
    let checks: Vec<CheckReport> = plan
        .checks
        .iter()
        .map(|check| {
            crate::score::not_run(
                check,
                CheckStatus::Failed,
                Explanation::StubsUntouched,
                seed,
            )
        })
        .collect();
    ExerciseReport {
        name: plan.name.clone(),
        title: plan.title.clone(),
        topic: plan.topic.clone(),
        score: 0.0,
        max_score: checks.iter().map(|c| c.max_score).sum(),
        status: ExerciseStatus::NotStarted,
        checks,
        build_errors: None,
        integrity: Vec::new(),
        title_ko: plan.title_ko.clone(),
        reused: None,
    }
}

/// The flag of an exercise that allows `unsafe` when the submission uses it:
/// unsafe code runs inside the check process, where the sandbox cannot keep
/// it from the result channel (docs/sandbox.md), so an instructor reads it.
fn unsafe_review(exercise_dir: &std::path::Path) -> Option<IntegrityFlag> {
    let uses = subject::scan::unsafe_uses(&exercise_dir.join("src"));
    let first = uses.first()?;
    Some(IntegrityFlag {
        kind: IntegrityKind::UnsafeReview,
        check: None,
        detail: format!(
            "{} use(s) of `unsafe`, the first at {}:{}: this exercise allows `unsafe`, which \
             could forge the check's result from inside the check process; read them",
            uses.len(),
            first.file,
            first.line
        ),
        finding: None,
    })
}

/// Builds the plain variant for every exercise, then each other variant for
/// the exercises that have checks needing it and whose plain build compiled
/// (a failed plain build makes the exercise a compile error whatever the
/// variants do, so building them would only cost time). The other variants
/// build side by side: each has its own build and target directories, so
/// their cargo runs share no lock, and one exercise's loom and shuttle
/// builds are each mostly one compile after the other, one core each
/// (docs/speed.md, "Variants build side by side").
fn build_all_variants(
    course: &Course,
    ws: &subject::BuildWorkspace,
    exercises: &[&ExercisePlan],
    options: &GradeOptions,
    observer: &mut dyn Observer,
) -> Result<Builds> {
    let mut builds = Builds::new();
    let plain = build::build(
        ws,
        exercises,
        None,
        &options.work_dir,
        options.build_slot,
        &mut |event| observer.build_event(&event),
    )?;
    let compiled = |name: &str| matches!(plain.get(name), Some(ExerciseBuild::Ready { .. }));
    let mut wanted: BTreeSet<&String> = BTreeSet::new();
    for exercise in exercises.iter().filter(|e| compiled(&e.name)) {
        wanted.extend(exercise.checks.iter().filter_map(|c| c.variant.as_ref()));
    }
    let mut variants = Vec::new();
    for name in wanted {
        let variant = course
            .variants
            .get(name)
            .ok_or_else(|| Error::Subject(format!("unknown build variant `{name}`")))?;
        let needing: Vec<&ExercisePlan> = exercises
            .iter()
            .copied()
            .filter(|e| {
                compiled(&e.name) && e.checks.iter().any(|c| c.variant.as_ref() == Some(name))
            })
            .collect();
        variants.push((name, variant, needing));
    }
    builds.insert(None, plain);
    let built = std::thread::scope(|scope| {
        let (events, received) = std::sync::mpsc::channel();
        let handles: Vec<_> = variants
            .iter()
            .map(|(name, variant, needing)| {
                let events = events.clone();
                let handle = scope.spawn(move || {
                    build::build(
                        ws,
                        needing,
                        Some(variant),
                        &options.work_dir,
                        options.build_slot,
                        &mut |event| {
                            let _ = events.send(event);
                        },
                    )
                });
                (name, handle)
            })
            .collect();
        // The observer is the terminal's: it sees every event from here.
        drop(events);
        for event in received {
            observer.build_event(&event);
        }
        handles
            .into_iter()
            .map(|(name, handle)| {
                let built = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                built.map(|built| (Some((*name).clone()), built))
            })
            .collect::<Result<Vec<_>>>()
    })?;
    builds.extend(built);
    Ok(builds)
}
