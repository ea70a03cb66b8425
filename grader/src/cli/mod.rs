//! Command-line arguments and dispatch to one module per command.

mod batch_cmd;
mod export_cmd;
mod grade_cmd;
mod help;
mod hint_cmd;
mod list_cmd;
mod mutants_cmd;
mod new_cmd;
mod readmes_cmd;
mod replay_cmd;
mod verify_cmd;
mod watch_cmd;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, FromArgMatches, Parser, Subcommand};
use threadlings_grader::course::{self, Course};
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::i18n::Lang;
use threadlings_grader::report::Format;
use threadlings_grader::subject::Subject;

/// Grades the Threadlings exercises: hidden tests, race checks and timing checks.
///
/// Without a command, grades the exercises in `exercises/` and prints a report.
#[derive(Debug, Parser)]
#[command(name = "grader", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    grade: GradeArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Grade the stubs, the reference solutions (several runs) and every
    /// known-wrong answer; fail if a solution loses a point or a wrong answer
    /// is not caught where it was written to fail.
    Verify(verify_cmd::VerifyArgs),
    /// List the exercises with their topic, points and current status.
    List,
    /// List the concurrency mutants planted in the reference solutions, or
    /// grade them (`--grade`) and print the coverage table (instructors).
    Mutants(mutants_cmd::MutantsArgs),
    /// Run one check again with a seed and show its evidence: `replay
    /// 04-shared-state counter_model --seed 7` (the command every failed
    /// check's report prints).
    Replay(replay_cmd::ReplayArgs),
    /// Show the next hint for an exercise (one more each time).
    Hint(hint_cmd::HintArgs),
    /// Check the "How it is graded" table of every README against
    /// checks.toml; `--fix` rewrites the stale ones (instructors).
    Readmes(readmes_cmd::ReadmesArgs),
    /// Re-grade the exercise you are editing on every save (q to quit).
    Watch,
    /// Scaffold a new exercise `NN-topic` (instructors).
    New(new_cmd::NewArgs),
    /// Write the student repository to DIR: no solutions, no private checks
    /// (instructors).
    Export(export_cmd::ExportArgs),
    /// Grade every submission in a directory into a gradebook CSV
    /// (instructors; resumable; `--jobs N` submissions at once).
    Batch(batch_cmd::BatchArgs),
    /// Merge the JSON gradebooks of `batch --shard I/N` runs into one
    /// gradebook, CSV and JSON (instructors).
    Merge(batch_cmd::MergeArgs),
}

/// Which sources are graded: the working copy unless a flag names another.
/// One definition for every command that grades (`grade`, `replay`).
#[derive(Debug, Args)]
struct SubjectArgs {
    /// Grade the exercise sources in DIR (same layout as `exercises/`; only
    /// each `NN-topic/src/` is taken from it).
    #[arg(long, value_name = "DIR", conflicts_with_all = ["solutions", "wrong"])]
    subject: Option<PathBuf>,
    /// Grade the reference solutions (same as `--subject solutions`).
    #[arg(long, conflicts_with = "wrong")]
    solutions: bool,
    /// Grade a known-wrong answer, `NN-topic/NAME` (instructors).
    #[arg(long, value_name = "EXERCISE/NAME")]
    wrong: Option<String>,
}

#[derive(Debug, Args)]
struct GradeArgs {
    #[command(flatten)]
    which: SubjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Write the report to FILE instead of stdout.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with status 1 when the score is below X points (or X%, e.g. `80%`).
    #[arg(long, value_name = "X")]
    min_score: Option<String>,
    /// Grade every exercise now: also those unchanged since a full-marks
    /// grading, whose verdicts are otherwise reused.
    #[arg(long)]
    fresh: bool,
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// Grade only this exercise (`04-shared-state`, `shared-state`, `04`, or its
    /// package name `shared_state`); repeatable.
    #[arg(long, value_name = "NAME", global = true)]
    only: Vec<String>,
    /// Seed for every seeded choice; a failure report prints the one to replay.
    #[arg(long, value_name = "N", global = true)]
    seed: Option<u64>,
    /// Check processes to run at once (default: available cores).
    #[arg(long, value_name = "N", global = true)]
    jobs: Option<usize>,
    /// The course root (default: the nearest ancestor holding course.toml).
    #[arg(long, value_name = "DIR", global = true)]
    course: Option<PathBuf>,
    /// No progress display.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Show every check in full: those of passed exercises with what each
    /// race check covered, and failed ones with the checkers' own output,
    /// schedules and replay commands, without grouping checks that caught
    /// one bug.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// Language of the messages: the human report, watch, the progress line,
    /// list, hint, verify and this help (default: Korean when LC_ALL,
    /// LC_MESSAGES or LANG starts with `ko`, else English). Machine formats
    /// stay English.
    #[arg(long, value_enum, value_name = "LANG", global = true)]
    lang: Option<Lang>,
}

impl Cli {
    /// The command line `args` (the program's name first), its `-h`,
    /// `--help` and parse errors in the grader's language: clap prints them
    /// while it parses, so `--lang` is read from `args` (and the locale)
    /// before. An error exits as clap exits, with clap's exit code.
    pub fn parse_args(args: Vec<OsString>) -> Cli {
        let lang = Lang::resolve(Lang::from_args(&args));
        let mut matches = help::command(lang)
            .try_get_matches_from(args)
            .unwrap_or_else(|error| match lang {
                Lang::En => error.exit(),
                Lang::Ko => help::error_in_korean(error).exit(),
            });
        // What `Parser::parse` does with matches the derive cannot read.
        Cli::from_arg_matches_mut(&mut matches)
            .unwrap_or_else(|error| error.format(&mut help::command(lang)).exit())
    }
}

pub fn run(cli: Cli) -> Result<ExitCode> {
    let course = load_course(cli.common.course.as_deref())?;
    let options = grade_options(&course, &cli.common)?;
    let lang = Lang::resolve(cli.common.lang);
    match cli.command {
        None => grade_cmd::run(&course, &cli.grade, options, &cli.common, lang),
        Some(Command::Replay(args)) => replay_cmd::run(&course, &args, options, &cli.common, lang),
        Some(Command::Verify(args)) => {
            verify_cmd::run(&course, &args, options, cli.common.quiet, lang)
        }
        Some(Command::List) => list_cmd::run(&course, &options, lang),
        Some(Command::Mutants(args)) => mutants_cmd::run(&course, &args, options),
        Some(Command::Hint(args)) => hint_cmd::run(&course, &args, &options, lang),
        Some(Command::Readmes(args)) => readmes_cmd::run(&course, &args, &options),
        Some(Command::Watch) => {
            // Watch is the student's terminal: its first grading keeps the
            // verdicts of unchanged full-marks exercises; `r` grades all now.
            let options = GradeOptions {
                reuse_verdicts: threadlings_grader::reuse::terminal_may_reuse(
                    cli.common.seed.is_some(),
                ),
                ..options
            };
            watch_cmd::run(&course, options, lang)
        }
        Some(Command::New(args)) => new_cmd::run(&course, &args),
        Some(Command::Export(args)) => export_cmd::run(&course, &args),
        Some(Command::Batch(args)) => batch_cmd::run(&course, &args, options, cli.common.seed),
        Some(Command::Merge(args)) => batch_cmd::run_merge(&course, &args),
    }
}

fn load_course(explicit: Option<&Path>) -> Result<Course> {
    let root = match explicit {
        Some(dir) => dir.to_path_buf(),
        None => {
            let cwd = std::env::current_dir().context("cannot read the current directory")?;
            course::find_root(&cwd)
                .or_else(|| course::find_root(Path::new(env!("CARGO_MANIFEST_DIR"))))
                .context(
                    "no course.toml found here or in any parent directory (use --course DIR)",
                )?
        }
    };
    let root = root
        .canonicalize()
        .with_context(|| format!("cannot open the course at {}", root.display()))?;
    Ok(course::load(&root)?)
}

fn grade_options(course: &Course, common: &CommonArgs) -> Result<GradeOptions> {
    let only = common
        .only
        .iter()
        .map(|name| Ok(course.resolve_name(name)?.name.clone()))
        .collect::<Result<Vec<_>>>()?;
    let parallelism = match common.jobs {
        Some(0) => bail!("--jobs must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok(GradeOptions {
        only,
        only_checks: Vec::new(),
        seed: common.seed.unwrap_or_else(fresh_seed),
        parallelism,
        work_dir: work_dir(course),
        shortcut_stubs: true,
        build_slot: 0,
        // The default command turns this on for the student's terminal.
        reuse_verdicts: false,
    })
}

/// Generated workspaces and build artifacts live beside cargo's own output.
fn work_dir(course: &Course) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|dir| {
            if dir.is_absolute() {
                dir
            } else {
                course.root.join(dir)
            }
        })
        .unwrap_or_else(|| course.root.join("target"));
    target.join("threadlings")
}

/// Where the student's progress is remembered (hint levels, last report):
/// `THREADLINGS_STATE_DIR`, or the work directory.
fn state_dir(options: &GradeOptions) -> PathBuf {
    std::env::var_os("THREADLINGS_STATE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| options.work_dir.clone())
}

/// A seed small enough to type when replaying.
fn fresh_seed() -> u64 {
    rand::random::<u64>() % 1_000_000
}

/// The subject `--wrong`, `--solutions` or `--subject` names (the working
/// copy when none does).
fn choose_subject(course: &Course, args: &SubjectArgs) -> Result<Subject> {
    if let Some(wrong) = args.wrong.as_deref() {
        let (exercise, name) = wrong
            .split_once('/')
            .context("--wrong takes EXERCISE/NAME, e.g. 01-threads/join-each")?;
        let plan = course.resolve_name(exercise)?;
        let answer = plan
            .wrong_answers
            .iter()
            .find(|w| w.name == name)
            .with_context(|| format!("{} has no wrong answer `{name}`", plan.name))?;
        return Ok(Subject::wrong_answer(course, answer));
    }
    if args.solutions {
        return Ok(Subject::solutions(course));
    }
    match args.subject.as_deref() {
        Some(dir) => Ok(Subject::directory(course, dir)?),
        None => Ok(Subject::exercises(course)),
    }
}

/// Whether to colour text written to stdout.
fn colour_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && console::Term::stdout().is_term()
}

/// Whether to show progress on stderr.
fn progress_enabled(quiet: bool) -> bool {
    !quiet && console::Term::stderr().is_term()
}
