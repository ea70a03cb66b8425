//! `grader batch SUBMISSIONS_DIR`: grade every submission (one directory per
//! student) into a gradebook CSV.
//!
//! Isolation: each submission is graded by its own grader process (this same
//! binary, `--subject`), in its own build workspace, with only its exercise
//! sources taken from it; course, checks and metadata come from the trusted
//! course copy. The process runs in its own process group under a time limit;
//! when the limit passes, it and everything it started (cargo, rustc, check
//! programs) are killed. A submission that does not compile, hangs, crashes
//! the grader or is not a directory gets an `error` row (or a row of zeros for
//! what did not compile), never a stopped batch.
//!
//! The limit is wall time, and it includes time a submission's grader waits
//! for the machine lock (`machine_lock`: no build runs during another
//! grader's timing check, batch's other workers included). Set it for the
//! slowest honest submission plus the longest timing phase of a neighbour;
//! the default is generous for that reason.
//!
//! Resumable: each finished submission is saved in the state directory
//! (`<id>.json`, or `<id>.error.txt`) before the CSV is rewritten, and a later
//! run skips what is saved, with the seed the batch started with. Kill it at
//! any moment and run the same command again.
//!
//! Past one machine: `--shard I/N` grades only the submissions of shard I
//! ([`shard`]), and [`merge`] combines the shards' JSON gradebooks
//! ([`gradebook`]) into the CSV and JSON one batch would have written.

pub mod gradebook;
pub mod merge;
pub mod shard;

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use threadlings_schema::report::GradeReport;

use crate::course::Course;
use crate::error::{Error, Result};
use crate::subject::Subject;

/// How to run a batch.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// One subdirectory per student.
    pub submissions: PathBuf,
    /// The gradebook to write.
    pub csv: PathBuf,
    /// The same gradebook as JSON, with every report ([`gradebook`]).
    pub json: PathBuf,
    /// Grade only this shard's submissions; `None` grades all.
    pub shard: Option<shard::Shard>,
    /// Where finished gradings are kept between runs.
    pub state_dir: PathBuf,
    /// Submissions graded at once.
    pub jobs: usize,
    /// The seed, unless the state directory already has one.
    pub seed: Option<u64>,
    /// A seed for a new batch when none is given.
    pub fresh_seed: u64,
    /// Time limit of one submission's grading (build included).
    pub timeout: Duration,
    /// Exercises to grade; empty means all.
    pub only: Vec<String>,
    /// The grader executable run for each submission.
    pub grader: PathBuf,
    /// Grade again the submissions whose last attempt ended in an error.
    pub retry_errors: bool,
    /// The grader's work directory (build workspaces are removed from it
    /// after each submission unless `keep_builds`).
    pub work_dir: PathBuf,
    pub keep_builds: bool,
}

/// One student's submission.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The directory name, as the gradebook shows it.
    pub student: String,
    /// The state file stem (the name, made safe for a file name).
    pub id: String,
    pub dir: PathBuf,
}

/// How one submission ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    Graded(Box<GradeReport>),
    Error(String),
    /// The batch was interrupted while grading it: nothing is saved, the
    /// next run grades it.
    Interrupted,
}

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

extern "C" fn on_interrupt(_signal: libc::c_int) {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Makes Ctrl-C (SIGINT), SIGTERM and SIGHUP stop the batch cleanly: the
/// gradings under way are killed with everything they started, what was
/// finished stays saved, and [`run`] returns an error saying how to resume.
pub fn stop_on_interrupt() {
    for signal in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
        // SAFETY: the handler only stores to an atomic, which is
        // async-signal-safe.
        unsafe {
            libc::signal(signal, on_interrupt as *const () as libc::sighandler_t);
        }
    }
}

fn interrupted() -> bool {
    INTERRUPTED.load(Ordering::SeqCst)
}

/// Progress, for the terminal.
#[derive(Debug, Clone)]
pub enum BatchEvent {
    /// `done` were finished in an earlier run; `to_grade` are left.
    Started {
        seed: u64,
        total: usize,
        done: usize,
        to_grade: usize,
    },
    Finished {
        student: String,
        outcome: Outcome,
        elapsed: Duration,
    },
}

#[derive(Debug, Clone, Default)]
pub struct BatchSummary {
    pub graded: usize,
    pub errors: usize,
    /// Graded in this run (the others were resumed from the state directory).
    pub graded_now: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct BatchMeta {
    seed: u64,
    only: Vec<String>,
}

/// Finds the submissions: every entry of `dir`, sorted by name. Hidden
/// entries are ignored.
pub fn discover(dir: &Path) -> Result<Vec<Submission>> {
    let entries = std::fs::read_dir(dir).map_err(|source| Error::Read {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut submissions: Vec<Submission> = entries
        .flatten()
        .filter_map(|entry| {
            let student = entry.file_name().to_string_lossy().into_owned();
            (!student.starts_with('.')).then(|| Submission {
                id: safe_id(&student),
                student,
                dir: entry.path(),
            })
        })
        .collect();
    submissions.sort_by(|a, b| a.student.cmp(&b.student));
    Ok(submissions)
}

/// A file-name-safe id: the name itself when it is safe, otherwise its safe
/// characters and a hash, so two names never share an id.
pub(crate) fn safe_id(name: &str) -> String {
    let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if !name.is_empty() && name.chars().all(safe) && !name.starts_with('.') {
        return name.to_string();
    }
    let cleaned: String = name.chars().filter(|c| safe(*c)).take(40).collect();
    let hash = shard::fnv1a64(name.as_bytes());
    format!("{cleaned}-{hash:016x}")
}

/// Grades every submission not already graded, and writes the gradebook.
pub fn run(
    course: &Course,
    options: &BatchOptions,
    on_event: &mut dyn FnMut(&BatchEvent),
) -> Result<BatchSummary> {
    // Absolute: each submission is graded by a grader started in a scratch
    // directory, where a relative path would name nothing.
    let root = std::path::absolute(&options.submissions).map_err(Error::io(format!(
        "resolve {}",
        options.submissions.display()
    )))?;
    let mut submissions = discover(&root)?;
    if let Some(shard) = options.shard {
        submissions.retain(|s| shard.contains(&s.student));
    }
    std::fs::create_dir_all(&options.state_dir)
        .map_err(Error::io(format!("create {}", options.state_dir.display())))?;
    let seed = resolve_meta(options)?;

    let mut outcomes: BTreeMap<String, Outcome> = BTreeMap::new();
    let mut queue = Vec::new();
    for submission in &submissions {
        match saved_outcome(&options.state_dir, &submission.id) {
            Some(Outcome::Error(_)) if options.retry_errors => queue.push(submission.clone()),
            Some(outcome) => {
                outcomes.insert(submission.student.clone(), outcome);
            }
            None => queue.push(submission.clone()),
        }
    }
    on_event(&BatchEvent::Started {
        seed,
        total: submissions.len(),
        done: outcomes.len(),
        to_grade: queue.len(),
    });
    write_gradebooks(course, options, &submissions, &outcomes, seed)?;

    let graded_now = queue.len();
    let mut failure = None;
    crate::pool::for_each(
        &queue,
        options.jobs,
        "batch-worker",
        |_, _, submission| {
            if interrupted() {
                return (Outcome::Interrupted, Duration::ZERO);
            }
            let started = Instant::now();
            let outcome = grade_one(course, options, submission, seed);
            (outcome, started.elapsed())
        },
        &mut |index, (outcome, elapsed)| {
            if matches!(outcome, Outcome::Interrupted) {
                return crate::pool::Flow::Stop;
            }
            let submission = &queue[index];
            let saved = save_outcome(&options.state_dir, &submission.id, &outcome).and_then(|()| {
                outcomes.insert(submission.student.clone(), outcome.clone());
                write_gradebooks(course, options, &submissions, &outcomes, seed)
            });
            if let Err(error) = saved {
                failure.get_or_insert(error);
                return crate::pool::Flow::Stop;
            }
            on_event(&BatchEvent::Finished {
                student: submission.student.clone(),
                outcome,
                elapsed,
            });
            if interrupted() {
                crate::pool::Flow::Stop
            } else {
                crate::pool::Flow::Continue
            }
        },
    );
    if let Some(error) = failure {
        return Err(error);
    }

    if interrupted() {
        return Err(Error::Subject(format!(
            "interrupted: {} of {} submission(s) graded and saved in {}; run the same command \
             to grade the rest",
            outcomes.len(),
            submissions.len(),
            options.state_dir.display()
        )));
    }
    let errors = outcomes
        .values()
        .filter(|o| matches!(o, Outcome::Error(_)))
        .count();
    Ok(BatchSummary {
        graded: outcomes.len() - errors,
        errors,
        graded_now,
    })
}

/// The seed of the batch: the one saved by an earlier run, which an explicit
/// `--seed` must agree with, or a new one.
fn resolve_meta(options: &BatchOptions) -> Result<u64> {
    let path = options.state_dir.join("batch.json");
    let saved: Option<BatchMeta> = std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok());
    match saved {
        Some(meta) => {
            if options.seed.is_some_and(|s| s != meta.seed) || meta.only != options.only {
                return Err(Error::Subject(format!(
                    "{} holds a batch started with seed {} and --only [{}]; resume it with the \
                     same options, or use another --state directory",
                    options.state_dir.display(),
                    meta.seed,
                    meta.only.join(", ")
                )));
            }
            Ok(meta.seed)
        }
        None => {
            let meta = BatchMeta {
                seed: options.seed.unwrap_or(options.fresh_seed),
                only: options.only.clone(),
            };
            write_atomic(
                &path,
                serde_json::to_string_pretty(&meta)
                    .expect("meta serializes")
                    .as_bytes(),
            )?;
            Ok(meta.seed)
        }
    }
}

fn saved_outcome(state: &Path, id: &str) -> Option<Outcome> {
    if let Ok(text) = std::fs::read_to_string(state.join(format!("{id}.json")))
        && let Ok(report) = serde_json::from_str::<GradeReport>(&text)
    {
        return Some(Outcome::Graded(Box::new(report)));
    }
    std::fs::read_to_string(state.join(format!("{id}.error.txt")))
        .ok()
        .map(Outcome::Error)
}

fn save_outcome(state: &Path, id: &str, outcome: &Outcome) -> Result<()> {
    let json = state.join(format!("{id}.json"));
    let error = state.join(format!("{id}.error.txt"));
    match outcome {
        Outcome::Graded(report) => {
            let text = serde_json::to_string_pretty(report).expect("reports serialize");
            write_atomic(&json, text.as_bytes())?;
            let _ = std::fs::remove_file(error);
        }
        Outcome::Error(message) => {
            write_atomic(&error, message.as_bytes())?;
            let _ = std::fs::remove_file(json);
        }
        Outcome::Interrupted => {}
    }
    Ok(())
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(Error::io(format!("create {}", parent.display())))?;
    let mut temp = tempfile::NamedTempFile::new_in(parent)
        .map_err(Error::io(format!("create a file in {}", parent.display())))?;
    std::io::Write::write_all(&mut temp, bytes)
        .map_err(Error::io(format!("write {}", path.display())))?;
    temp.persist(path)
        .map_err(|e| e.error)
        .map_err(Error::io(format!("write {}", path.display())))?;
    Ok(())
}

/// The directory whose `NN-topic/src` trees are graded: the submission's
/// `exercises/` when it is a whole repository, else the submission itself.
pub fn subject_dir(submission: &Path) -> PathBuf {
    let nested = submission.join("exercises");
    if nested.is_dir() && !is_symlink(&nested) {
        nested
    } else {
        submission.to_path_buf()
    }
}

fn is_symlink(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn grade_one(
    course: &Course,
    options: &BatchOptions,
    submission: &Submission,
    seed: u64,
) -> Outcome {
    if is_symlink(&submission.dir) {
        return Outcome::Error("the submission is a symlink; not followed".to_string());
    }
    if !submission.dir.is_dir() {
        return Outcome::Error("the submission is not a directory".to_string());
    }
    let subject = subject_dir(&submission.dir);
    let scratch = match tempfile::Builder::new()
        .prefix("threadlings-batch-")
        .tempdir()
    {
        Ok(dir) => dir,
        Err(e) => return Outcome::Error(format!("cannot create a scratch directory: {e}")),
    };
    let report_path = scratch.path().join("report.json");
    let log_path = options.state_dir.join(format!("{}.log", submission.id));
    let log = match std::fs::File::create(&log_path) {
        Ok(file) => file,
        Err(e) => return Outcome::Error(format!("cannot create {}: {e}", log_path.display())),
    };
    let mut command = Command::new(&options.grader);
    command
        .arg("--course")
        .arg(&course.root)
        .arg("--subject")
        .arg(&subject)
        .args(["--format", "json", "--quiet", "--jobs", "1"])
        .arg("--seed")
        .arg(seed.to_string())
        .arg("--output")
        .arg(&report_path);
    for only in &options.only {
        command.arg("--only").arg(only);
    }
    // If the batch itself is killed outright, its graders go with it.
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let outcome = match command
        .current_dir(scratch.path())
        .env("THREADLINGS_STATE_DIR", scratch.path())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .process_group(0)
        .spawn()
    {
        Err(e) => Outcome::Error(format!("cannot start the grader: {e}")),
        Ok(mut child) => {
            let deadline = Instant::now() + options.timeout;
            let status = loop {
                match child.try_wait() {
                    Ok(Some(status)) => break Some(status),
                    Ok(None) if Instant::now() >= deadline || interrupted() => break None,
                    Ok(None) => std::thread::sleep(Duration::from_millis(100)),
                    Err(_) => break None,
                }
            };
            match status {
                None => {
                    kill_tree(child.id());
                    let _ = child.wait();
                    if interrupted() {
                        Outcome::Interrupted
                    } else {
                        Outcome::Error(format!(
                            "grading did not finish within {} s; stopped",
                            options.timeout.as_secs()
                        ))
                    }
                }
                Some(status) => match std::fs::read_to_string(&report_path)
                    .ok()
                    .and_then(|text| serde_json::from_str::<GradeReport>(&text).ok())
                {
                    Some(report) if status.code() == Some(0) => Outcome::Graded(Box::new(report)),
                    _ => {
                        let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                        let last = log.lines().rev().find(|l| !l.trim().is_empty());
                        Outcome::Error(format!(
                            "the grader failed ({status}): {}",
                            last.unwrap_or("no message")
                        ))
                    }
                },
            }
        }
    };
    if !options.keep_builds {
        remove_builds(course, &options.work_dir, &subject);
    }
    outcome
}

/// Removes the build workspace and artifacts of one graded directory.
fn remove_builds(course: &Course, work_dir: &Path, subject: &Path) {
    let Ok(subject) = Subject::directory(course, subject) else {
        return;
    };
    let slug = crate::subject::generated_slug(course, &subject, work_dir);
    let _ = std::fs::remove_dir_all(work_dir.join("subjects").join(&slug));
    if let Ok(entries) = std::fs::read_dir(work_dir.join("out")) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name == slug || name.starts_with(&format!("{slug}-")) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Stops `pid` and every process it started: stop them all first (so none
/// can fork away), then kill each one's process group and the process.
fn kill_tree(pid: u32) {
    let mut family = vec![pid as libc::pid_t];
    let mut index = 0;
    while index < family.len() {
        let parent = family[index];
        // SAFETY: kill with a valid signal has no memory effects.
        unsafe {
            libc::kill(parent, libc::SIGSTOP);
        }
        family.extend(children_of(parent));
        index += 1;
    }
    for &member in &family {
        // SAFETY: as above; a stale pid at worst signals nothing.
        unsafe {
            let group = libc::getpgid(member);
            if group > 1 {
                libc::kill(-group, libc::SIGKILL);
            }
            libc::kill(member, libc::SIGKILL);
        }
    }
}

/// Direct children of `pid`.
fn children_of(pid: libc::pid_t) -> Vec<libc::pid_t> {
    crate::procfs::pids()
        .filter(|&candidate| crate::procfs::parent_of(candidate) == u32::try_from(pid).ok())
        .filter_map(|candidate| libc::pid_t::try_from(candidate).ok())
        .collect()
}

/// Rewrites the CSV and the JSON gradebook.
fn write_gradebooks(
    course: &Course,
    options: &BatchOptions,
    submissions: &[Submission],
    outcomes: &BTreeMap<String, Outcome>,
    seed: u64,
) -> Result<()> {
    write_csv(
        course,
        &options.only,
        &options.csv,
        submissions,
        outcomes,
        seed,
    )?;
    let students = submissions
        .iter()
        .map(|s| gradebook::Entry {
            student: s.student.clone(),
            result: gradebook::EntryResult::from_outcome(outcomes.get(&s.student)),
        })
        .collect();
    gradebook::write(
        &options.json,
        &gradebook::Gradebook {
            format_version: gradebook::GRADEBOOK_FORMAT_VERSION,
            seed,
            only: options.only.clone(),
            shard: options.shard,
            students,
        },
    )
}

/// Rewrites the gradebook: one row per submission found, in name order.
pub(crate) fn write_csv(
    course: &Course,
    only: &[String],
    csv_path: &Path,
    submissions: &[Submission],
    outcomes: &BTreeMap<String, Outcome>,
    seed: u64,
) -> Result<()> {
    let exercises: Vec<&str> = course
        .exercises
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.name))
        .map(|e| e.name.as_str())
        .collect();
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["student", "status", "score", "max_score", "percent"];
    header.extend(exercises.iter().copied());
    header.extend(["seed", "message", "integrity"]);
    let csv_error = |e: csv::Error| Error::Subject(format!("cannot write the gradebook: {e}"));
    writer.write_record(&header).map_err(csv_error)?;
    for submission in submissions {
        let mut row = vec![submission.student.clone()];
        match outcomes.get(&submission.student) {
            None => {
                row.extend([
                    "pending".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                row.extend(exercises.iter().map(|_| String::new()));
                row.extend([seed.to_string(), String::new(), String::new()]);
            }
            Some(Outcome::Interrupted) => unreachable!("interrupted gradings are not kept"),
            Some(Outcome::Error(message)) => {
                row.extend([
                    "error".to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                ]);
                row.extend(exercises.iter().map(|_| String::new()));
                row.extend([seed.to_string(), one_line(message), String::new()]);
            }
            Some(Outcome::Graded(report)) => {
                let percent = if report.max_score > 0.0 {
                    100.0 * report.score / report.max_score
                } else {
                    0.0
                };
                row.extend([
                    "graded".to_string(),
                    number(report.score),
                    number(report.max_score),
                    format!("{percent:.1}"),
                ]);
                for name in &exercises {
                    row.push(
                        report
                            .exercises
                            .iter()
                            .find(|e| e.name == *name)
                            .map_or_else(String::new, |e| number(e.score)),
                    );
                }
                let problems: Vec<String> = report
                    .exercises
                    .iter()
                    .filter(|e| e.status.as_str() != "passed")
                    .map(|e| format!("{} {}", e.name, e.status.as_str()))
                    .collect();
                row.extend([
                    report.seed.to_string(),
                    problems.join("; "),
                    integrity_cell(report),
                ]);
            }
        }
        writer.write_record(&row).map_err(csv_error)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| Error::Subject(format!("cannot write the gradebook: {e}")))?;
    write_atomic(csv_path, &bytes)
}

/// The `integrity` column: every flag as `exercise:kind` (with the check
/// when there is one), for an instructor to filter on.
fn integrity_cell(report: &threadlings_schema::report::GradeReport) -> String {
    report
        .exercises
        .iter()
        .flat_map(|e| {
            e.integrity.iter().map(move |flag| match &flag.check {
                Some(check) => format!("{}:{}({check})", e.name, flag.kind.as_str()),
                None => format!("{}:{}", e.name, flag.kind.as_str()),
            })
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use threadlings_schema::report::{
        ExerciseReport, ExerciseStatus, GradeReport, IntegrityFlag, IntegrityKind,
    };

    fn exercise(name: &str, integrity: Vec<IntegrityFlag>) -> ExerciseReport {
        ExerciseReport {
            name: name.to_string(),
            title: String::new(),
            topic: String::new(),
            score: 0.0,
            max_score: 1.0,
            status: ExerciseStatus::Failed,
            checks: Vec::new(),
            build_errors: None,
            integrity,
            title_ko: None,
            reused: None,
        }
    }

    #[test]
    fn the_integrity_column_names_each_flag_with_its_exercise_and_check() {
        let flag = |kind, check: Option<&str>| IntegrityFlag {
            kind,
            check: check.map(str::to_string),
            detail: String::new(),
            finding: None,
        };
        let report = GradeReport {
            format_version: 1,
            subject: "s".to_string(),
            seed: 1,
            score: 0.0,
            max_score: 2.0,
            duration_ms: 0,
            exercises: vec![
                exercise(
                    "01-threads",
                    vec![flag(IntegrityKind::ResultChannel, Some("spawns"))],
                ),
                exercise("02-processes", Vec::new()),
                exercise("05-condvar", vec![flag(IntegrityKind::CompileBound, None)]),
            ],
        };
        assert_eq!(
            super::integrity_cell(&report),
            "01-threads:result_channel(spawns); 05-condvar:compile_bound"
        );
    }
}
