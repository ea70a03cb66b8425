//! `grader export DIR`: write the student repository.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use threadlings_grader::course::Course;
use threadlings_grader::export;

/// The GitHub Classroom workflow template (see docs/ci/github-classroom.md).
const CLASSROOM_WORKFLOW: &str = "docs/ci/.github/workflows/classroom.yml";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Where to write the student repository (must be missing or empty).
    dir: PathBuf,
    /// Also install the GitHub Classroom workflow template as
    /// `.github/workflows/classroom.yml`.
    #[arg(long)]
    classroom_workflow: bool,
    /// Keep the private checks: for a grading bundle students never see
    /// (a Gradescope autograder). Still no solutions, no wrong answers.
    #[arg(long, conflicts_with = "classroom_workflow")]
    include_private: bool,
}

pub fn run(course: &Course, args: &ExportArgs) -> Result<ExitCode> {
    let summary = export::export_with(course, &args.dir, args.include_private)?;
    if args.classroom_workflow {
        let template = course.root.join(CLASSROOM_WORKFLOW);
        let text = std::fs::read_to_string(&template)
            .with_context(|| format!("cannot read {}", template.display()))?;
        let target = args.dir.join(".github/workflows/classroom.yml");
        std::fs::create_dir_all(target.parent().expect("has a parent"))?;
        std::fs::write(&target, text)
            .with_context(|| format!("cannot write {}", target.display()))?;
    }
    println!(
        "Exported the student repository to {} ({} files).",
        args.dir.display(),
        summary.files.len()
    );
    if args.include_private {
        println!("Private checks kept (--include-private): do not give this to students.");
    } else if summary.private_checks.is_empty() {
        println!("No private checks.");
    } else {
        println!(
            "Left out {} private check(s): {}",
            summary.private_checks.len(),
            summary.private_checks.join(", ")
        );
    }
    if !summary.instructor_crates.is_empty() {
        let crates: Vec<String> = summary
            .instructor_crates
            .iter()
            .map(|c| c.display().to_string())
            .collect();
        println!("Left out instructor-only crate(s): {}", crates.join(", "));
    }
    println!(
        "Not exported: solutions/, wrong answers, grader/tests/, instructor docs.\n\
         Check it: cd {} && cargo run -p grader",
        args.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
