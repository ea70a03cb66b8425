//! `grader verify`: grade the stubs, solutions and wrong answers and print a
//! table of what held and what did not.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use threadlings_grader::course::Course;
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::i18n::{self, Lang};
use threadlings_grader::report::Format;
use threadlings_grader::scaffold;
use threadlings_grader::ui::progress::Progress;
use threadlings_grader::verify::{VerifyOptions, VerifyRow, verify};
use threadlings_schema::exit_codes;

use super::progress_enabled;

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Runs of the solutions (default from course.toml); each run uses the next seed.
    #[arg(long, value_name = "N")]
    runs: Option<u32>,
    /// Runs of each wrong answer (default: as many as --runs). Only the checks
    /// a wrong answer must fail are run.
    #[arg(long, value_name = "N")]
    wrong_runs: Option<u32>,
    /// Output format of the table.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Also plant concurrency mutants in the reference solutions and prove
    /// the checks catch each one (or that `mutants.toml` marks it equivalent).
    #[arg(long)]
    mutants: bool,
    #[command(flatten)]
    mutant_options: super::mutants_cmd::MutantOptions,
}

pub fn run(
    course: &Course,
    args: &VerifyArgs,
    options: GradeOptions,
    quiet: bool,
    lang: Lang,
) -> Result<ExitCode> {
    let runs = args.runs.unwrap_or(course.verify_runs).max(1);
    let wrong_runs = args.wrong_runs.unwrap_or(runs).max(1);
    let verify_options = VerifyOptions {
        runs,
        wrong_runs,
        base_seed: options.seed,
        grade: options,
    };
    let human = args.format == Format::Human;
    if human {
        println!(
            "{}",
            i18n::verify_heading(lang, runs, wrong_runs, verify_options.base_seed)
        );
    }
    if !matches!(args.format, Format::Human | Format::Json) {
        anyhow::bail!("verify writes --format human or json");
    }
    // Placeholders first: they are found at once, and a scaffold passes
    // every other expectation by design.
    let mut scaffolds = scaffold_rows(course, &verify_options);
    // README tables are as cheap to check: a stale one is a miss like any.
    scaffolds.push(super::readmes_cmd::readme_row(
        course,
        &verify_options.grade.only,
        verify_options.base_seed,
    )?);
    if human {
        for row in &scaffolds {
            let line =
                i18n::verify_row(lang, row.ok, &row.subject, row.run, row.seed, &row.expected);
            println!("{line}");
            if let Some(problem) = &row.problem {
                println!("{}", i18n::verify_miss(lang, problem));
            }
        }
    }
    let mut progress = Progress::in_lang(progress_enabled(quiet), lang);
    let mut rows = verify(course, &verify_options, &mut progress, &mut |row| {
        if human {
            let line =
                i18n::verify_row(lang, row.ok, &row.subject, row.run, row.seed, &row.expected);
            println!("{line}");
            if let Some(problem) = &row.problem {
                println!("{}", i18n::verify_miss(lang, problem));
            }
        }
    })?;
    rows.splice(0..0, scaffolds);
    if args.mutants {
        let grade_options = verify_options.grade.clone();
        let mutant_rows = super::mutants_cmd::grade_and_report(
            course,
            &grade_options,
            &args.mutant_options,
            human,
        )?;
        if human {
            for row in mutant_rows.iter().filter(|r| !r.ok) {
                let line =
                    i18n::verify_row(lang, row.ok, &row.subject, row.run, row.seed, &row.expected);
                println!("{line}");
                if let Some(problem) = &row.problem {
                    println!("{}", i18n::verify_miss(lang, problem));
                }
            }
        }
        rows.extend(mutant_rows);
    }
    let misses = rows.iter().filter(|r| !r.ok).count();
    if human {
        println!("\n{}", i18n::verify_summary(lang, rows.len(), misses));
    } else {
        println!("{}", serde_json::to_string_pretty(&rows)?);
    }
    Ok(ExitCode::from(if misses == 0 {
        exit_codes::OK
    } else {
        exit_codes::BELOW_MIN_SCORE_OR_VERIFY_FAILED
    }))
}

/// One failing row per exercise in scope that still holds `grader new`
/// placeholders, naming each file, line and what to write there.
fn scaffold_rows(course: &Course, options: &VerifyOptions) -> Vec<VerifyRow> {
    let only = &options.grade.only;
    course
        .exercises
        .iter()
        .filter(|e| only.is_empty() || only.contains(&e.name))
        .filter_map(|exercise| {
            let left = scaffold::placeholders(course, exercise);
            if left.is_empty() {
                return None;
            }
            let list: Vec<String> = left
                .iter()
                .map(|p| format!("{}:{} ({})", p.path.display(), p.line, p.todo))
                .collect();
            Some(VerifyRow {
                subject: format!("scaffold {}", exercise.name),
                run: 1,
                seed: options.base_seed,
                expected: format!("no `{}` placeholders left", scaffold::MARKER),
                ok: false,
                problem: Some(format!(
                    "{} is still a scaffold ({} placeholder(s)); its stub, solution and wrong \
                     answer grade as expected only because they are placeholders. Still to \
                     write:{}",
                    exercise.name,
                    left.len(),
                    list.iter()
                        .map(|l| format!("\n        {l}"))
                        .collect::<String>()
                )),
                duration_ms: 0,
            })
        })
        .collect()
}
