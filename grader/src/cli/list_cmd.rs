//! `grader list`: the exercises, their points, and the status of the last
//! full grading of the working copy.

use std::process::ExitCode;

use anyhow::Result;
use threadlings_grader::course::Course;
use threadlings_grader::grade::GradeOptions;
use threadlings_grader::i18n::{self, Lang};
use threadlings_grader::report::human::points;
use threadlings_schema::report::GradeReport;

pub fn run(course: &Course, options: &GradeOptions, lang: Lang) -> Result<ExitCode> {
    let last: Option<GradeReport> =
        std::fs::read_to_string(super::state_dir(options).join("last-report.json"))
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok());
    let [exercise, topic, points_heading, status] = i18n::list_headings(lang);
    // Padded by display width: a Korean heading is two columns a letter.
    let pad = |text: &str, width, align| console::pad_str(text, width, align, None).into_owned();
    println!(
        "{} {} {}  {status}",
        pad(exercise, 20, console::Alignment::Left),
        pad(topic, 16, console::Alignment::Left),
        pad(points_heading, 8, console::Alignment::Right),
    );
    for exercise in &course.exercises {
        let max: f64 = exercise.checks.iter().map(|c| c.points).sum();
        let status = last
            .as_ref()
            .and_then(|r| r.exercises.iter().find(|e| e.name == exercise.name))
            .map_or_else(
                || i18n::not_graded_yet(lang).to_string(),
                |e| match lang {
                    Lang::En => format!("{} ({})", e.status.as_str(), points(e.score, e.max_score)),
                    Lang::Ko => format!(
                        "{} ({})",
                        i18n::exercise_status(lang, e.status),
                        points(e.score, e.max_score)
                    ),
                },
            );
        println!(
            "{:<20} {:<16} {:>8}  {status}",
            exercise.name,
            exercise.topic,
            points(max, max).split('/').next().unwrap_or_default()
        );
    }
    if last.is_none() {
        println!("\n{}", i18n::run_the_grader(lang));
    }
    Ok(ExitCode::SUCCESS)
}
