//! `grader replay EXERCISE CHECK --seed N`: runs exactly one check again, on
//! the same subject (`--solutions`, `--wrong EX/NAME`, `--subject DIR`, or
//! the working copy), with the run seed it failed with. The check's build
//! variant, budget, time limit and sandbox come from the course's metadata,
//! as in any grading (it is a grading of one exercise with one check
//! selected), so the checker explores the same schedules or rounds and
//! fails at the same one; its evidence (the trace) is printed again. Every
//! report's `replay` line is this command (`Subject::replay_command`).

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Args;
use threadlings_grader::course::Course;
use threadlings_grader::grade::{GradeOptions, grade};
use threadlings_grader::i18n::Lang;
use threadlings_grader::report::{self, Format, human};
use threadlings_grader::ui::progress::Progress;
use threadlings_schema::exit_codes;

use super::{CommonArgs, SubjectArgs, choose_subject, colour_stdout, progress_enabled};

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// The exercise (`04-shared-state`, `shared-state`, `04` or `shared_state`).
    exercise: String,
    /// The check to run again, as the report names it (`counter_model`).
    check: String,
    #[command(flatten)]
    which: SubjectArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
}

pub fn run(
    course: &Course,
    args: &ReplayArgs,
    mut options: GradeOptions,
    common: &CommonArgs,
    lang: Lang,
) -> Result<ExitCode> {
    if common.seed.is_none() {
        bail!(
            "replay needs the seed of the run it repeats: `replay {} {} --seed N` (every \
             report prints it)",
            args.exercise,
            args.check
        );
    }
    let plan = course.resolve_name(&args.exercise)?;
    if !plan.checks.iter().any(|c| c.name == args.check) {
        let names: Vec<&str> = plan.checks.iter().map(|c| c.name.as_str()).collect();
        bail!(
            "{} has no check `{}`; its checks are: {}",
            plan.name,
            args.check,
            names.join(", ")
        );
    }
    let subject = choose_subject(course, &args.which)?;
    options.only = vec![plan.name.clone()];
    options.only_checks = vec![args.check.clone()];
    let mut progress = Progress::in_lang(progress_enabled(common.quiet), lang);
    let report = grade(course, &subject, &options, &mut progress)
        .with_context(|| format!("cannot replay {} {}", plan.name, args.check))?;
    let text = match args.format {
        Format::Human => human::render_replay(&report, colour_stdout(), lang, common.verbose),
        format => report::render_for_in(course, &report, format, false, lang),
    };
    print!("{text}");
    Ok(ExitCode::from(exit_codes::OK))
}
