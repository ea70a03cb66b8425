//! `grader batch SUBMISSIONS_DIR --csv gradebook.csv`: grade many submissions;
//! `grader merge SHARD.json... --csv gradebook.csv`: combine shards.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;
use threadlings_grader::batch::merge::{self, MergeOptions};
use threadlings_grader::batch::shard::Shard;
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
    /// The gradebook as JSON, with every submission's whole report (default:
    /// the CSV's path with the extension `.json`). `grader merge` reads it.
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
    /// Grade only shard I of N (e.g. `2/8`): the submissions whose name
    /// hashes to it (FNV-1a 64 of the directory name, mod N), so N machines
    /// share a class and `grader merge` joins their gradebooks. Needs `--seed`.
    #[arg(long, value_name = "I/N")]
    shard: Option<Shard>,
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
    if let Some(shard) = args.shard
        && explicit_seed.is_none()
    {
        bail!(
            "--shard {shard} needs --seed N: every shard of a class must use the same seed, \
             or `grader merge` cannot join them"
        );
    }
    let batch_options = BatchOptions {
        submissions: args.submissions.clone(),
        csv: args.csv.clone(),
        json: args.json.clone().unwrap_or_else(|| json_beside(&args.csv)),
        shard: args.shard,
        state_dir,
        jobs: options.parallelism,
        seed: explicit_seed,
        fresh_seed: options.seed,
        timeout: Duration::from_secs(args.submission_timeout.max(1)),
        only: options.only.clone(),
        grader: threadlings_grader::procfs::own_executable()
            .context("cannot find the grader executable")?,
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
            let shard = batch_options
                .shard
                .map_or_else(String::new, |s| format!("shard {s}: "));
            println!(
                "batch: {shard}{total} submission(s), {done} already graded, {to_grade} to grade \
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
        "batch: wrote {} and {} ({} graded, {} error(s))",
        args.csv.display(),
        batch_options.json.display(),
        summary.graded,
        summary.errors
    );
    Ok(ExitCode::SUCCESS)
}

/// `gradebook.csv` -> `gradebook.json` (never the CSV itself).
fn json_beside(csv: &std::path::Path) -> PathBuf {
    let json = csv.with_extension("json");
    if json == csv {
        let mut name = csv.as_os_str().to_os_string();
        name.push(".json");
        PathBuf::from(name)
    } else {
        json
    }
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shards' JSON gradebooks (`batch --shard I/N` writes one each).
    #[arg(required = true, value_name = "SHARD.json")]
    inputs: Vec<PathBuf>,
    /// The merged gradebook to write.
    #[arg(long, value_name = "FILE")]
    csv: PathBuf,
    /// The merged JSON gradebook (default: the CSV's path with `.json`).
    #[arg(long, value_name = "FILE")]
    json: Option<PathBuf>,
}

pub fn run_merge(course: &Course, args: &MergeArgs) -> Result<ExitCode> {
    let options = MergeOptions {
        inputs: args.inputs.clone(),
        csv: args.csv.clone(),
        json: args.json.clone().unwrap_or_else(|| json_beside(&args.csv)),
    };
    let summary = merge::merge(course, &options)?;
    println!(
        "merge: {} shard(s) into {} and {} ({} graded, {} error(s), {} pending)",
        summary.shards,
        options.csv.display(),
        options.json.display(),
        summary.graded,
        summary.errors,
        summary.pending
    );
    Ok(ExitCode::SUCCESS)
}
