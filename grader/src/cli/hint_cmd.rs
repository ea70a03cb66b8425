//! `grader hint NAME`: reveal an exercise's hints one level at a time. The
//! level reached is remembered in the work directory.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Result;
use clap::Args;
use threadlings_grader::course::Course;
use threadlings_grader::grade::GradeOptions;

#[derive(Debug, Args)]
pub struct HintArgs {
    /// The exercise (`01-threads`, `threads` or `01`).
    exercise: String,
    /// Show every hint at once.
    #[arg(long)]
    all: bool,
}

pub fn run(course: &Course, args: &HintArgs, options: &GradeOptions) -> Result<ExitCode> {
    let exercise = course.resolve_name(&args.exercise)?;
    if exercise.hints.is_empty() {
        println!(
            "{} has no hints; its README.md explains the tasks.",
            exercise.name
        );
        return Ok(ExitCode::SUCCESS);
    }
    let state_path = super::state_dir(options).join("hints.json");
    let mut levels: BTreeMap<String, usize> = std::fs::read_to_string(&state_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let total = exercise.hints.len();
    let level = if args.all {
        total
    } else {
        (levels.get(&exercise.name).copied().unwrap_or(0) + 1).min(total)
    };
    for (i, hint) in exercise.hints.iter().take(level).enumerate() {
        println!("Hint {}/{total} for {}:\n  {hint}\n", i + 1, exercise.name);
    }
    if level < total {
        println!("Run the same command again for the next hint.");
    }
    levels.insert(exercise.name.clone(), level);
    let _ = std::fs::create_dir_all(super::state_dir(options));
    let _ = std::fs::write(&state_path, serde_json::to_string_pretty(&levels)?);
    Ok(ExitCode::SUCCESS)
}
