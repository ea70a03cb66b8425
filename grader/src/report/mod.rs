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
pub mod words;

use clap::ValueEnum;

use crate::i18n::{self, Lang};
use crate::messages;

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

/// Like [`render_in`], with what the course's metadata says about
/// presentation (Gradescope: when private checks' results are shown). The
/// formats people read (human, HTML) speak `lang` (`--lang`); the machine
/// formats stay as their readers specify them.
pub fn render_for_in(
    course: &crate::course::Course,
    report: &threadlings_schema::report::GradeReport,
    format: Format,
    colour: bool,
    lang: Lang,
) -> String {
    match format {
        Format::Gradescope => {
            gradescope::render_with(report, &gradescope::Visibility::for_course(course))
        }
        format => render_in(report, format, colour, lang),
    }
}

/// Renders `report` in `format`; `colour` only affects the human format.
pub fn render(
    report: &threadlings_schema::report::GradeReport,
    format: Format,
    colour: bool,
) -> String {
    render_in(report, format, colour, Lang::En)
}

/// [`render`] in `lang`: the human and HTML reports are worded in it, from
/// the same catalogs ([`crate::i18n`], [`crate::messages`]).
pub fn render_in(
    report: &threadlings_schema::report::GradeReport,
    format: Format,
    colour: bool,
    lang: Lang,
) -> String {
    match format {
        Format::Human => human::render_in(report, colour, lang),
        Format::Json => json::render(report),
        Format::Gradescope => gradescope::render(report),
        Format::Classroom => classroom::render(report),
        Format::Junit => junit::render(report),
        Format::Prairielearn => prairielearn::render(report),
        Format::Html => html::render_in(report, lang),
    }
}

/// Lines of captured output or compiler errors kept in a machine format's
/// per-check text (the JSON report keeps everything).
pub(crate) const MAX_DETAIL_LINES: usize = 60;

/// What a reader needs to act on one check that did not pass: the message,
/// the seed and command to replay it, and the end of what it printed.
/// Empty for a passed check. In English: the machine formats carry it.
pub(crate) fn check_details(
    exercise: &threadlings_schema::report::ExerciseReport,
    check: &threadlings_schema::report::CheckReport,
) -> String {
    details(exercise, check, true, Lang::En)
}

/// [`check_details`] in `lang`, with the scenario of a linearizability
/// check, the outcome table of a litmus check and the interleaving of a race
/// check as text after the message when `with_evidence` (the HTML report
/// draws them as tables instead). The message is the one the human report
/// words ([`messages::render`]), the check program's replay command kept.
pub(crate) fn details(
    exercise: &threadlings_schema::report::ExerciseReport,
    check: &threadlings_schema::report::CheckReport,
    with_evidence: bool,
    lang: Lang,
) -> String {
    use threadlings_schema::report::CheckStatus;
    if check.status == CheckStatus::Passed {
        return String::new();
    }
    let mut text = messages::render(lang, check, &str::to_string)
        .trim_end()
        .to_string();
    if with_evidence {
        if let Some(scenario) = &check.scenario {
            text.push('\n');
            text.push_str(messages::scenario(lang, scenario).trim_end());
        }
        if let Some(table) = &check.outcomes {
            text.push('\n');
            text.push_str(messages::outcome_table(lang, table).trim_end());
        }
        if let Some(trace) = &check.trace {
            text.push('\n');
            text.push_str(trace::render(trace, lang, "").trim_end());
        }
    }
    if check.status != CheckStatus::CompileError && check.status != CheckStatus::Skipped {
        text.push('\n');
        text.push_str(&i18n::seed_line(lang, check.seed));
    }
    if let Some(replay) = &check.replay {
        text.push('\n');
        text.push_str(&i18n::replay(lang, replay));
    }
    if let Some(output) = &check.output {
        text.push_str(&format!("\n{}\n", i18n::output_heading(lang)));
        text.push_str(&tail_lines(output, MAX_DETAIL_LINES, lang));
    }
    if check.status == CheckStatus::CompileError
        && let Some(errors) = &exercise.build_errors
    {
        text.push_str(&format!("\n{}\n", i18n::compiler_errors_heading(lang)));
        text.push_str(&head_lines(errors, MAX_DETAIL_LINES, lang));
    }
    text.trim_start().to_string()
}

/// The last `count` lines of `text`, with a note of how many were cut.
pub(crate) fn tail_lines(text: &str, count: usize, lang: Lang) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let skip = lines.len().saturating_sub(count);
    let mut out = String::new();
    if skip > 0 {
        out.push_str(&i18n::earlier_lines_cut(lang, skip));
        out.push('\n');
    }
    out.push_str(&lines[skip..].join("\n"));
    out
}

/// The first `count` lines of `text`, with a note of how many were cut.
pub(crate) fn head_lines(text: &str, count: usize, lang: Lang) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = lines[..lines.len().min(count)].join("\n");
    if lines.len() > count {
        out.push('\n');
        out.push_str(&i18n::more_lines_cut(lang, lines.len() - count));
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
