//! `grader list`: the exercises, their points, and the status of the last
//! full grading of the working copy.

use std::process::ExitCode;

use anyhow::Result;
use threadlings_grader::course::Course;
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::report::human::points;
use threadlings_schema::report::GradeReport;

pub fn run(course: &Course, options: &GradeOptions) -> Result<ExitCode> {
    let last: Option<GradeReport> =
        std::fs::read_to_string(super::state_dir(options).join("last-report.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
    println!("{:<20} {:<16} {:>8}  status", "exercise", "topic", "points");
    for exercise in &course.exercises {
        let max: f64 = exercise.checks.iter().map(|c| c.points).sum();
        let status = last
            .as_ref()
            .and_then(|r| r.exercises.iter().find(|e| e.name == exercise.name))
            .map_or_else(
                || "not graded yet".to_string(),
                |e| format!("{} ({})", e.status.as_str(), points(e.score, e.max_score)),
            );
        println!(
            "{:<20} {:<16} {:>8}  {status}",
            exercise.name,
            exercise.topic,
            points(max, max).split('/').next().unwrap_or_default()
        );
    }
    if last.is_none() {
        println!("\nRun `cargo run -p grader` to grade the exercises.");
    }
    Ok(ExitCode::SUCCESS)
}
