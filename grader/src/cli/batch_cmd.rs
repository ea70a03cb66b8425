//! `grader batch SUBMISSIONS_DIR --csv gradebook.csv`: grade many submissions.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::Args;
use threadlings_grader::batch::{self, BatchEvent, BatchOptions, Outcome};
use threadlings_grader::course::Course;
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::report::human::points;

#[derive(Debug, Args)]
pub struct BatchArgs {
    /// A directory holding one directory per student: either a whole student
    /// repository (its `exercises/` is graded) or the exercises themselves.
    submissions: PathBuf,
    /// The gradebook to write: one row per student, a column per exercise.
    #[arg(long, value_name = "FILE")]
    csv: PathBuf,
    /// Where finished gradings are kept so an interrupted batch resumes
    /// (default: next to the CSV, `<csv>.state/`).
    #[arg(long, value_name = "DIR")]
    state: Option<PathBuf>,
    /// Time limit of one submission's grading, build included, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 900)]
    submission_timeout: u64,
    /// Grade again the submissions whose last attempt ended in an error.
    #[arg(long)]
    retry_errors: bool,
    /// Keep each submission's build workspace (they are removed to save disk).
    #[arg(long)]
    keep_builds: bool,
}

/// `--jobs` (the global option) is the number of submissions graded at once;
/// each submission's checks then run one at a time.
pub fn run(
    course: &Course,
    args: &BatchArgs,
    options: GradeOptions,
    explicit_seed: Option<u64>,
) -> Result<ExitCode> {
    let state_dir = args.state.clone().unwrap_or_else(|| {
        let mut name = args.csv.file_name().unwrap_or_default().to_os_string();
        name.push(".state");
        args.csv.with_file_name(name)
    });
    let batch_options = BatchOptions {
        submissions: args.submissions.clone(),
        csv: args.csv.clone(),
        state_dir,
        jobs: options.parallelism,
        seed: explicit_seed,
        fresh_seed: options.seed,
        timeout: Duration::from_secs(args.submission_timeout.max(1)),
        only: options.only.clone(),
        grader: std::env::current_exe().context("cannot find the grader executable")?,
        retry_errors: args.retry_errors,
        work_dir: options.work_dir.clone(),
        keep_builds: args.keep_builds,
    };
    batch::stop_on_interrupt();
    let mut finished = 0;
    let mut total_to_grade = 0;
    let summary = batch::run(course, &batch_options, &mut |event| match event {
        BatchEvent::Started {
            seed,
            total,
            done,
            to_grade,
        } => {
            total_to_grade = *to_grade;
            println!(
                "batch: {total} submission(s), {done} already graded, {to_grade} to grade \
                 (seed {seed}, state in {})",
                batch_options.state_dir.display()
            );
        }
        BatchEvent::Finished {
            student,
            outcome,
            elapsed,
        } => {
            finished += 1;
            let result = match outcome {
                Outcome::Graded(report) => points(report.score, report.max_score),
                Outcome::Error(message) => format!("error: {message}"),
                Outcome::Interrupted => "interrupted".to_string(),
            };
            println!(
                "[{finished}/{total_to_grade}] {student}: {result} ({:.1} s)",
                elapsed.as_secs_f64()
            );
        }
    })?;
    println!(
        "batch: wrote {} ({} graded, {} error(s))",
        args.csv.display(),
        summary.graded,
        summary.errors
    );
    Ok(ExitCode::SUCCESS)
}
