//! The default command: grade one subject and report.

use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use threadlings_grader::course::Course;
use threadlings_grader::grade::{GradeOptions, grade};
use threadlings_grader::i18n::Lang;
use threadlings_grader::report::{self, Format, classroom, github, human, json};
use threadlings_grader::subject::Subject;
use threadlings_grader::ui::progress::Progress;
use threadlings_schema::exit_codes;
use threadlings_schema::report::GradeReport;

use super::{CommonArgs, GradeArgs, choose_subject, colour_stdout, progress_enabled};

pub fn run(
    course: &Course,
    args: &GradeArgs,
    mut options: GradeOptions,
    common: &CommonArgs,
    lang: Lang,
) -> Result<ExitCode> {
    let quiet = common.quiet;
    let min_score = args.min_score.as_deref().map(parse_min_score).transpose()?;
    let subject = choose_subject(course, &args.which)?;
    if args.which.wrong.is_some()
        && options.only.is_empty()
        && let Some((exercise, _)) = args.which.wrong.as_deref().and_then(|w| w.split_once('/'))
    {
        options.only = vec![course.resolve_name(exercise)?.name.clone()];
    }
    options.reuse_verdicts = reuses_verdicts(&subject, args, common);
    let mut progress = Progress::in_lang(progress_enabled(quiet), lang);
    let report = grade(course, &subject, &options, &mut progress)?;
    if subject.label == "exercises" && options.only.is_empty() {
        // `grader list` shows the status of the last full grading.
        let _ = std::fs::create_dir_all(super::state_dir(&options));
        let _ = std::fs::write(
            super::state_dir(&options).join("last-report.json"),
            json::render(&report),
        );
    }

    let to_file = args.output.is_some();
    let colour = !to_file && colour_stdout();
    // The human and HTML reports speak `lang`; machine formats stay as specified.
    let text = match args.format {
        Format::Human => {
            human::render_with_options(&report, colour, lang, common.verbose, &|name| {
                course.exercise(name).map(|e| e.package.clone())
            })
        }
        format => report::render_for_in(course, &report, format, colour, lang),
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .with_context(|| format!("cannot write the report to {}", path.display()))?,
        None => print!("{text}"),
    }
    publish_to_ci(&report, args.format, to_file)?;

    let below = min_score.is_some_and(|min| below_min(&report, min));
    Ok(ExitCode::from(if below {
        exit_codes::BELOW_MIN_SCORE_OR_VERIFY_FAILED
    } else {
        exit_codes::OK
    }))
}

/// Whether this grading may reuse the verdicts of unchanged exercises
/// (`reuse`): only the student's own terminal, grading the working copy in
/// the human format. A grading whose result counts or is read by a program
/// (CI, `--subject`, a machine format, a file, `--min-score`), one that asks
/// for a seed, and `--fresh` grade everything now.
fn reuses_verdicts(subject: &Subject, args: &GradeArgs, common: &CommonArgs) -> bool {
    subject.is_working_copy()
        && args.which.subject.is_none()
        && args.format == Format::Human
        && args.output.is_none()
        && args.min_score.is_none()
        && !args.fresh
        && threadlings_grader::reuse::terminal_may_reuse(common.seed.is_some())
}

/// GitHub Actions: the job summary, annotations (only when stdout does not
/// carry a machine-readable report they would corrupt), and for
/// `--format classroom` the step output `result` the classroom reporter reads.
fn publish_to_ci(report: &GradeReport, format: Format, to_file: bool) -> Result<()> {
    let env = github::GithubEnv::from_env();
    let annotations = github::publish(report, &env).context("cannot write the job summary")?;
    if to_file || !format.is_machine_readable() {
        for line in annotations {
            println!("{line}");
        }
    }
    if format == Format::Classroom {
        github::set_output(&env, "result", &classroom::encode(report))
            .context("cannot write the step output (GITHUB_OUTPUT)")?;
    }
    Ok(())
}

#[derive(Debug, Clone, Copy)]
enum MinScore {
    Points(f64),
    Percent(f64),
}

fn parse_min_score(text: &str) -> Result<MinScore> {
    let (number, percent) = match text.strip_suffix('%') {
        Some(number) => (number, true),
        None => (text, false),
    };
    let value: f64 = number
        .trim()
        .parse()
        .with_context(|| format!("--min-score takes a number or a percentage, got `{text}`"))?;
    if !value.is_finite() || value < 0.0 {
        bail!("--min-score must be a number >= 0, got `{text}`");
    }
    Ok(if percent {
        MinScore::Percent(value)
    } else {
        MinScore::Points(value)
    })
}

fn below_min(report: &GradeReport, min: MinScore) -> bool {
    match min {
        MinScore::Points(points) => report.score < points,
        MinScore::Percent(percent) => {
            report.max_score > 0.0 && 100.0 * report.score / report.max_score < percent
        }
    }
}
