//! GitHub Actions integration: a Markdown summary for the job page
//! (`GITHUB_STEP_SUMMARY`) and `::error` annotations on the student's files.
//!
//! Annotation rule (at most [`MAX_ANNOTATIONS`], the number GitHub shows per
//! step): one per exercise that does not compile, and one per check that
//! failed, timed out or crashed in an exercise the student has started, in
//! course order. Exercises not started yet are not annotated: early in the
//! course they are most of the list and would bury the failures being worked
//! on. When there are more candidates than fit, the last slot says how many
//! were left out and points to the job summary, which lists them all.

use std::fmt::Write;

use threadlings_schema::report::{CheckStatus, ExerciseStatus, GradeReport};

use super::{exercise_source, number};

/// GitHub shows at most 10 error annotations per step.
pub const MAX_ANNOTATIONS: usize = 10;

/// The job summary: a table of exercises and the failing checks.
pub fn step_summary(report: &GradeReport) -> String {
    let mut out = String::new();
    let percent = if report.max_score > 0.0 {
        100.0 * report.score / report.max_score
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "## Threadlings: {}/{} points ({percent:.0}%)\n",
        number(report.score),
        number(report.max_score)
    );
    let _ = writeln!(
        out,
        "Graded `{}` with seed `{}`.\n",
        cell(&report.subject),
        report.seed
    );
    out.push_str("| Exercise | Title | Points | Status |\n| --- | --- | ---: | --- |\n");
    for exercise in &report.exercises {
        let icon = match exercise.status {
            ExerciseStatus::Passed => "✅ passed",
            ExerciseStatus::Failed => "❌ failed",
            ExerciseStatus::CompileError => "🛠️ does not compile",
            ExerciseStatus::NotStarted => "⏳ not started",
        };
        let _ = writeln!(
            out,
            "| {} | {} | {}/{} | {icon} |",
            cell(&exercise.name),
            cell(&exercise.title),
            number(exercise.score),
            number(exercise.max_score)
        );
    }
    let failing: Vec<_> = report
        .exercises
        .iter()
        .filter(|e| {
            matches!(
                e.status,
                ExerciseStatus::Failed | ExerciseStatus::CompileError
            )
        })
        .flat_map(|e| {
            e.checks
                .iter()
                .filter(|c| is_failure(c.status))
                .map(move |c| (e, c))
        })
        .collect();
    if !failing.is_empty() {
        out.push_str(
            "\n### Failing checks\n\n| Check | Status | Message | Replay |\n| --- | --- | --- | --- |\n",
        );
        for (exercise, check) in failing {
            let first_line = check.message.lines().next().unwrap_or_default();
            let replay = check
                .replay
                .as_deref()
                .map(|r| format!("`{}`", cell(r)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {}::{} | {} | {} | {replay} |",
                cell(&exercise.name),
                cell(&check.name),
                check.status.as_str(),
                cell(first_line)
            );
        }
    }
    out.push('\n');
    out
}

/// The `::error` workflow commands for `report`, at most [`MAX_ANNOTATIONS`].
pub fn annotations(report: &GradeReport) -> Vec<String> {
    let mut candidates = Vec::new();
    for exercise in &report.exercises {
        let file = exercise_source(&exercise.name);
        match exercise.status {
            ExerciseStatus::CompileError => {
                let message = exercise
                    .checks
                    .first()
                    .map(|c| c.message.as_str())
                    .unwrap_or("does not compile");
                let first_error = exercise
                    .build_errors
                    .as_deref()
                    .and_then(|e| e.lines().find(|l| l.starts_with("error")))
                    .unwrap_or_default();
                candidates.push(command(
                    &file,
                    &format!("{} does not compile", exercise.name),
                    &format!("{message}\n{first_error}"),
                ));
            }
            ExerciseStatus::Failed => {
                for check in exercise.checks.iter().filter(|c| is_failure(c.status)) {
                    let mut message = check.message.clone();
                    if let Some(replay) = &check.replay {
                        message.push_str(&format!("\nreplay: {replay}"));
                    }
                    candidates.push(command(
                        &file,
                        &format!(
                            "{}::{} {}",
                            exercise.name,
                            check.name,
                            check.status.as_str()
                        ),
                        &message,
                    ));
                }
            }
            ExerciseStatus::Passed | ExerciseStatus::NotStarted => {}
        }
    }
    if candidates.len() > MAX_ANNOTATIONS {
        let left_out = candidates.len() - (MAX_ANNOTATIONS - 1);
        candidates.truncate(MAX_ANNOTATIONS - 1);
        candidates.push(format!(
            "::error title={}::{}",
            escape_property("Threadlings"),
            escape_data(&format!(
                "{left_out} more failing checks are not annotated; the job summary lists them all"
            ))
        ));
    }
    candidates
}

fn is_failure(status: CheckStatus) -> bool {
    matches!(
        status,
        CheckStatus::Failed
            | CheckStatus::Timeout
            | CheckStatus::Crashed
            | CheckStatus::CompileError
    )
}

fn command(file: &str, title: &str, message: &str) -> String {
    format!(
        "::error file={},title={}::{}",
        escape_property(file),
        escape_property(title),
        escape_data(message.trim_end())
    )
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property value (GitHub's `escapeProperty`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// Makes text safe inside a Markdown table cell: one line, no bare pipes,
/// and no raw HTML (the summary renders HTML, and would strip tags).
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace(['\n', '\r'], " ")
}

/// What the GitHub Actions environment asks for (read once, so tests can
/// pass their own).
#[derive(Debug, Clone, Default)]
pub struct GithubEnv {
    /// `GITHUB_ACTIONS=true`: print annotations.
    pub actions: bool,
    /// `GITHUB_STEP_SUMMARY`: the file the job summary is appended to.
    pub step_summary: Option<std::path::PathBuf>,
    /// `GITHUB_OUTPUT`: the file step outputs are appended to.
    pub output: Option<std::path::PathBuf>,
}

impl GithubEnv {
    pub fn from_env() -> Self {
        let path = |name| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from)
        };
        GithubEnv {
            actions: std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true"),
            step_summary: path("GITHUB_STEP_SUMMARY"),
            output: path("GITHUB_OUTPUT"),
        }
    }
}

/// Appends the job summary when asked for, and returns the annotations to
/// print (none outside GitHub Actions).
pub fn publish(report: &GradeReport, env: &GithubEnv) -> std::io::Result<Vec<String>> {
    if let Some(path) = &env.step_summary {
        append(path, &step_summary(report))?;
    }
    Ok(if env.actions {
        annotations(report)
    } else {
        Vec::new()
    })
}

/// Sets the step output `name` (GitHub's `GITHUB_OUTPUT` file format for a
/// single-line value).
pub fn set_output(env: &GithubEnv, name: &str, value: &str) -> std::io::Result<bool> {
    match &env.output {
        Some(path) => {
            append(path, &format!("{name}={value}\n"))?;
            Ok(true)
        }
        None => Ok(false),
    }
}

fn append(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
