//! `grader hint NAME`: reveal an exercise's hints one level at a time, in
//! the grader's language (Korean `hints_ko` when the exercise has them). The
//! level reached is remembered in the work directory, one for both languages.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use threadlings_grader::course::Course;
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::i18n::{self, Lang};

#[derive(Debug, Args)]
pub struct HintArgs {
    /// The exercise (`04-shared-state`, `shared-state`, `04` or the package
    /// name `shared_state`).
    exercise: String,
    /// Show every hint at once.
    #[arg(long)]
    all: bool,
}

pub fn run(
    course: &Course,
    args: &HintArgs,
    options: &GradeOptions,
    lang: Lang,
) -> Result<ExitCode> {
    let exercise = course.resolve_name(&args.exercise)?;
    let hints = exercise.hints_in(lang);
    if hints.is_empty() {
        println!("{}", i18n::no_hints(lang, &exercise.name));
        return Ok(ExitCode::SUCCESS);
    }
    let state_path = super::state_dir(options).join("hints.json");
    let mut levels: BTreeMap<String, usize> = std::fs::read_to_string(&state_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let total = hints.len();
    let level = if args.all {
        total
    } else {
        (levels.get(&exercise.name).copied().unwrap_or(0) + 1).min(total)
    };
    for (i, hint) in hints.iter().take(level).enumerate() {
        let heading = i18n::hint_heading(lang, i + 1, total, &exercise.name);
        println!("{heading}\n  {hint}\n");
    }
    if level < total {
        println!("{}", i18n::next_hint(lang));
    }
    levels.insert(exercise.name.clone(), level);
    let _ = std::fs::create_dir_all(super::state_dir(options));
    let _ = std::fs::write(&state_path, serde_json::to_string_pretty(&levels)?);
    Ok(ExitCode::SUCCESS)
}
