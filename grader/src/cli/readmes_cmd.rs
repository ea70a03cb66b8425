//! `grader readmes`: check (or, with `--fix`, rewrite) the "How it is graded"
//! table of every exercise README against its checks.toml. `grader verify`
//! runs the same check, so a stale table fails it.

use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use threadlings_grader::course::{Course, readme_table};
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::verify::VerifyRow;
use threadlings_schema::exit_codes;

#[derive(Debug, Args)]
pub struct ReadmesArgs {
    /// Rewrite every stale table (a missing one goes at the end of the
    /// README's grading section) instead of only reporting it.
    #[arg(long)]
    fix: bool,
}

pub fn run(course: &Course, args: &ReadmesArgs, options: &GradeOptions) -> Result<ExitCode> {
    if args.fix {
        let changed = readme_table::fix(course, &options.only)?;
        for path in &changed {
            println!("updated {}", path.display());
        }
        if changed.is_empty() {
            println!("every README's checks table is up to date");
        }
        return Ok(ExitCode::from(exit_codes::OK));
    }
    let row = readme_row(course, &options.only, options.seed)?;
    match &row.problem {
        None => {
            println!("every README's checks table is up to date");
            Ok(ExitCode::from(exit_codes::OK))
        }
        Some(problem) => {
            println!("{problem}");
            Ok(ExitCode::from(exit_codes::BELOW_MIN_SCORE_OR_VERIFY_FAILED))
        }
    }
}

/// The verify row of the README tables of the exercises in `only` (all when
/// empty): ok when every table matches its checks.toml.
pub fn readme_row(course: &Course, only: &[String], seed: u64) -> Result<VerifyRow> {
    let stale = readme_table::check(course, only)?;
    let problem = (!stale.is_empty()).then(|| {
        let list: String = stale
            .iter()
            .map(|s| {
                let what = if s.has_table {
                    "differs from checks.toml"
                } else {
                    "has no checks table"
                };
                format!("\n        {} {what}", s.readme.path.display())
            })
            .collect();
        format!(
            "{} README(s) out of date; `cargo run -p grader -- readmes --fix` rewrites them:{list}",
            stale.len()
        )
    });
    Ok(VerifyRow {
        subject: "readmes".to_string(),
        run: 1,
        seed,
        expected: "every README's \"How it is graded\" table matches checks.toml".to_string(),
        ok: problem.is_none(),
        problem,
        duration_ms: 0,
    })
}
