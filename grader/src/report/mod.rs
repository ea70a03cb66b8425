//! Report stage: one file per output format, all rendering the same
//! [`GradeReport`](threadlings_schema::report::GradeReport) model.

pub mod classroom;
pub mod github;
pub mod gradescope;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod prairielearn;
pub mod story;
pub mod timeline;
pub mod trace;

use clap::ValueEnum;

/// The formats `--format` accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A summary table with actionable failure messages, for people.
    Human,
    /// The stable JSON result (see `threadlings-schema`), for CI and scripts.
    Json,
    /// Gradescope's `results.json` (write it to /autograder/results/results.json).
    Gradescope,
    /// The result JSON the GitHub Classroom grading reporter reads (base64 in a
    /// step output; see docs/ci/github-classroom.md).
    Classroom,
    /// JUnit XML: one testsuite per exercise, one testcase per check.
    Junit,
    /// PrairieLearn's external-grader results.json (write it to
    /// /grade/results/results.json; see docs/ci/prairielearn.md).
    Prairielearn,
    /// A standalone HTML page with a table per exercise.
    Html,
}

impl Format {
    /// Whether the format is read by programs rather than people.
    pub fn is_machine_readable(self) -> bool {
        !matches!(self, Format::Human)
    }
}

/// Like [`render`], with what the course's metadata says about presentation
/// (Gradescope: when private checks' results are shown).
pub fn render_for(
    course: &crate::course::Course,
    report: &threadlings_schema::report::GradeReport,
    format: Format,
    colour: bool,
) -> String {
    match format {
        Format::Gradescope => {
            gradescope::render_with(report, &gradescope::Visibility::for_course(course))
        }
        format => render(report, format, colour),
    }
}

/// Renders `report` in `format`; `colour` only affects the human format.
pub fn render(
    report: &threadlings_schema::report::GradeReport,
    format: Format,
    colour: bool,
) -> String {
    match format {
        Format::Human => human::render(report, colour),
        Format::Json => json::render(report),
        Format::Gradescope => gradescope::render(report),
        Format::Classroom => classroom::render(report),
        Format::Junit => junit::render(report),
        Format::Prairielearn => prairielearn::render(report),
        Format::Html => html::render(report),
    }
}

/// Lines of captured output or compiler errors kept in a machine format's
/// per-check text (the JSON report keeps everything).
pub(crate) const MAX_DETAIL_LINES: usize = 60;

/// What a reader needs to act on one check that did not pass: the message,
/// the seed and command to replay it, and the end of what it printed.
/// Empty for a passed check.
pub(crate) fn check_details(
    exercise: &threadlings_schema::report::ExerciseReport,
    check: &threadlings_schema::report::CheckReport,
) -> String {
    details(exercise, check, true)
}

/// [`check_details`], with the scenario of a linearizability check and the
/// outcome table of a litmus check as text after the message when
/// `with_evidence` (the HTML report draws them as tables instead).
pub(crate) fn details(
    exercise: &threadlings_schema::report::ExerciseReport,
    check: &threadlings_schema::report::CheckReport,
    with_evidence: bool,
) -> String {
    use threadlings_schema::report::CheckStatus;
    if check.status == CheckStatus::Passed {
        return String::new();
    }
    let mut text = check.message.trim_end().to_string();
    if with_evidence {
        if let Some(scenario) = &check.scenario {
            text.push('\n');
            text.push_str(scenario.to_text().trim_end());
        }
        if let Some(table) = &check.outcomes {
            text.push('\n');
            text.push_str(table.to_text().trim_end());
        }
        if let Some(trace) = &check.trace {
            text.push('\n');
            text.push_str(trace::render(trace, crate::i18n::Lang::En, "").trim_end());
        }
    }
    if check.status != CheckStatus::CompileError && check.status != CheckStatus::Skipped {
        text.push_str(&format!("\nseed: {}", check.seed));
    }
    if let Some(replay) = &check.replay {
        text.push_str(&format!("\nreplay: {replay}"));
    }
    if let Some(output) = &check.output {
        text.push_str("\n--- output ---\n");
        text.push_str(&tail_lines(output, MAX_DETAIL_LINES));
    }
    if check.status == CheckStatus::CompileError
        && let Some(errors) = &exercise.build_errors
    {
        text.push_str("\n--- compiler errors ---\n");
        text.push_str(&head_lines(errors, MAX_DETAIL_LINES));
    }
    text.trim_start().to_string()
}

/// The last `count` lines of `text`, with a note of how many were cut.
pub(crate) fn tail_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let skip = lines.len().saturating_sub(count);
    let mut out = String::new();
    if skip > 0 {
        out.push_str(&format!("[{skip} earlier lines cut]\n"));
    }
    out.push_str(&lines[skip..].join("\n"));
    out
}

/// The first `count` lines of `text`, with a note of how many were cut.
pub(crate) fn head_lines(text: &str, count: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[..lines.len().min(count)].join("\n");
    if lines.len() > count {
        out.push_str(&format!("\n[{} more lines cut]", lines.len() - count));
    }
    out
}

/// `3`, or `2.5` when fractional: points as people write them.
pub(crate) fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}

/// `exercises/NN-topic/src/lib.rs`: the file a student edits for an exercise.
pub(crate) fn exercise_source(exercise: &str) -> String {
    format!("exercises/{exercise}/src/lib.rs")
}
