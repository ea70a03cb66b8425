//! The terminal report: one line per exercise, details only where something
//! failed, and what to do next. Colour is optional; the text reads the same
//! without it (tests snapshot it uncoloured).

use std::fmt::Write;

use console::Style;
use threadlings_schema::report::{
    CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport,
};

/// Lines of compiler output shown per exercise before cutting.
const MAX_BUILD_LINES: usize = 40;
/// Lines of captured check output shown per failed check.
const MAX_OUTPUT_LINES: usize = 12;

pub struct Styles {
    good: Style,
    bad: Style,
    dim: Style,
    bold: Style,
}

impl Styles {
    pub fn new(colour: bool) -> Self {
        let style = |s: Style| s.force_styling(colour);
        Styles {
            good: style(Style::new().green()),
            bad: style(Style::new().red()),
            dim: style(Style::new().dim()),
            bold: style(Style::new().bold()),
        }
    }
}

pub fn render(report: &GradeReport, colour: bool) -> String {
    let s = Styles::new(colour);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        s.bold.apply_to(format!("Grading {}", report.subject)),
        s.dim.apply_to(format!("(seed {})", report.seed))
    );
    let name_width = report
        .exercises
        .iter()
        .map(|e| e.name.len())
        .max()
        .unwrap_or(0);
    let title_width = report
        .exercises
        .iter()
        .map(|e| e.title.len())
        .max()
        .unwrap_or(0);
    for exercise in &report.exercises {
        out.push('\n');
        render_exercise(&mut out, exercise, name_width, title_width, &s);
    }
    out.push('\n');
    render_summary(&mut out, report, &s);
    out
}

fn render_exercise(
    out: &mut String,
    e: &ExerciseReport,
    name_width: usize,
    title_width: usize,
    s: &Styles,
) {
    let status = match e.status {
        ExerciseStatus::Passed => s.good.apply_to("passed"),
        ExerciseStatus::Failed => s.bad.apply_to("failed"),
        ExerciseStatus::CompileError => s.bad.apply_to("does not compile"),
        ExerciseStatus::NotStarted => s.dim.apply_to("not started"),
    };
    let _ = writeln!(
        out,
        "{:<name_width$}  {:<title_width$}  {:>9}  {}",
        s.bold.apply_to(&e.name),
        e.title,
        points(e.score, e.max_score),
        status,
    );
    match e.status {
        ExerciseStatus::Passed => {}
        ExerciseStatus::NotStarted => {
            let _ = writeln!(
                out,
                "    Start here: read exercises/{}/README.md, then replace the todo!()s in src/lib.rs.",
                e.name
            );
        }
        ExerciseStatus::CompileError => {
            for check in &e.checks {
                let _ = writeln!(out, "    {}", check.message);
            }
            if let Some(errors) = &e.build_errors {
                let lines: Vec<&str> = errors.lines().collect();
                for line in lines.iter().take(MAX_BUILD_LINES) {
                    let _ = writeln!(out, "    {}", s.dim.apply_to(line));
                }
                if lines.len() > MAX_BUILD_LINES {
                    let _ = writeln!(
                        out,
                        "    ... {} more lines: run `cargo build -p <package>` in exercises/{}",
                        lines.len() - MAX_BUILD_LINES,
                        e.name
                    );
                }
            }
        }
        ExerciseStatus::Failed => {
            for check in &e.checks {
                render_check(out, check, s);
            }
        }
    }
}

fn render_check(out: &mut String, c: &CheckReport, s: &Styles) {
    let (mark, word) = match c.status {
        CheckStatus::Passed => (s.good.apply_to("✓"), s.good.apply_to("passed")),
        CheckStatus::Skipped => (s.dim.apply_to("-"), s.dim.apply_to("skipped")),
        CheckStatus::Failed => (s.bad.apply_to("✗"), s.bad.apply_to("failed")),
        CheckStatus::Timeout => (s.bad.apply_to("✗"), s.bad.apply_to("timeout")),
        CheckStatus::Crashed => (s.bad.apply_to("✗"), s.bad.apply_to("crashed")),
        CheckStatus::CompileError => (s.bad.apply_to("✗"), s.bad.apply_to("compile error")),
    };
    let _ = writeln!(
        out,
        "    {mark} {:<34} {:<7} {:>7}  {word}",
        c.name,
        c.kind.as_str(),
        points(c.score, c.max_score),
    );
    if c.status == CheckStatus::Passed {
        return;
    }
    for line in c.message.lines() {
        let _ = writeln!(out, "        {line}");
    }
    super::timeline::render_for_check(out, c, "        ");
    if let Some(output) = &c.output {
        let lines: Vec<&str> = output.lines().collect();
        let skip = lines.len().saturating_sub(MAX_OUTPUT_LINES);
        if skip > 0 {
            let _ = writeln!(
                out,
                "        {}",
                s.dim.apply_to(format!("[{skip} earlier lines of output]"))
            );
        }
        for line in &lines[skip..] {
            let _ = writeln!(out, "        {}", s.dim.apply_to(line));
        }
    }
    if let Some(replay) = &c.replay {
        let _ = writeln!(out, "        replay: {replay}");
    }
}

fn render_summary(out: &mut String, report: &GradeReport, s: &Styles) {
    let count = |status| {
        report
            .exercises
            .iter()
            .filter(|e| e.status == status)
            .count()
    };
    let percent = if report.max_score > 0.0 {
        100.0 * report.score / report.max_score
    } else {
        0.0
    };
    let _ = writeln!(
        out,
        "{} {} ({percent:.0}%)  {} passed, {} failed, {} not compiling, {} not started  {}",
        s.bold.apply_to("Score:"),
        points(report.score, report.max_score),
        count(ExerciseStatus::Passed),
        count(ExerciseStatus::Failed),
        count(ExerciseStatus::CompileError),
        count(ExerciseStatus::NotStarted),
        s.dim.apply_to(format!("seed {}", report.seed)),
    );
    let next = report
        .exercises
        .iter()
        .find(|e| e.status != ExerciseStatus::Passed);
    match next {
        None => {
            let _ = writeln!(out, "{}", s.good.apply_to("Everything passes. Well done!"));
        }
        Some(e) => {
            let topic = e.name.split_once('-').map_or(e.name.as_str(), |(_, t)| t);
            let _ = writeln!(
                out,
                "Next: {} (stuck? `cargo run -p grader -- hint {topic}`)",
                e.name
            );
        }
    }
}

/// `3/4`, or `2.5/4` when fractional.
pub fn points(score: f64, max: f64) -> String {
    format!("{}/{}", number(score), number(max))
}

fn number(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.1}")
    }
}
