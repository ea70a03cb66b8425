//! The terminal report: one line per exercise, details only where something
//! failed, and what to do next. Colour is optional; the text reads the same
//! without it (tests snapshot it uncoloured). Race checks that caught one
//! bug tell one story (see [`super::story`]); `verbose` shows every check's
//! own evidence, raw message and output instead.

use std::fmt::Write;

use console::Style;
use threadlings_schema::report::{
    CheckKind, CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport,
};

use super::story;
use crate::i18n::{self, Lang};
use crate::messages;

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
    render_in(report, colour, Lang::En)
}

/// [`render`] in `lang`: the report's own words are translated, and the
/// explanations the grader gave for checks are worded in `lang` from their
/// data (see [`crate::messages`]); a check's own text is printed as it is.
pub fn render_in(report: &GradeReport, colour: bool, lang: Lang) -> String {
    render_with_packages(report, colour, lang, &|_| None)
}

/// [`render_in`], knowing each exercise's package name (the report itself
/// does not carry it): commands it prints, such as the one that shows a
/// compiler output cut short, then name the real package.
pub fn render_with_packages(
    report: &GradeReport,
    colour: bool,
    lang: Lang,
    package_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    render_with_options(report, colour, lang, false, package_of)
}

/// [`render_with_packages`]; `verbose` lists the checks of passed exercises
/// too and shows every failed check in full: the message as the check
/// program wrote it (its own replay command, the schedule it failed at) and
/// what it printed, and no story grouping.
pub fn render_with_options(
    report: &GradeReport,
    colour: bool,
    lang: Lang,
    verbose: bool,
    package_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    let report = &*super::words::in_lang(report, lang);
    let s = Styles::new(colour);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        s.bold.apply_to(i18n::grading(lang, &report.subject)),
        s.dim.apply_to(i18n::seed_in_parentheses(lang, report.seed))
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
        // Display columns: a Hangul syllable takes two (and three bytes).
        .map(|e| console::measure_text_width(&e.title))
        .max()
        .unwrap_or(0);
    for exercise in &report.exercises {
        out.push('\n');
        let package = package_of(&exercise.name);
        let shape = Shape {
            name_width,
            title_width,
            package: package.as_deref(),
            verbose,
        };
        render_exercise(&mut out, exercise, &shape, &s, lang);
    }
    out.push('\n');
    render_summary(&mut out, report, &s, lang);
    out
}

/// Column widths of the exercise lines, the exercise's package, and whether
/// to show everything.
struct Shape<'a> {
    name_width: usize,
    title_width: usize,
    package: Option<&'a str>,
    verbose: bool,
}

/// The report of `grader replay`: the subject and seed, then the one check
/// replayed with all its evidence (`verbose`: also its raw message and
/// output).
pub fn render_replay(report: &GradeReport, colour: bool, lang: Lang, verbose: bool) -> String {
    let report = &*super::words::in_lang(report, lang);
    let s = Styles::new(colour);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} {}",
        s.bold.apply_to(i18n::grading(lang, &report.subject)),
        s.dim.apply_to(i18n::seed_in_parentheses(lang, report.seed))
    );
    for exercise in &report.exercises {
        let _ = writeln!(out, "{}", s.bold.apply_to(&exercise.name));
        if exercise.status == ExerciseStatus::NotStarted {
            let _ = writeln!(out, "    {}", i18n::start_here(lang, &exercise.name));
            continue;
        }
        for check in &exercise.checks {
            render_check(&mut out, check, &s, lang, verbose);
            if check.status == CheckStatus::CompileError
                && let Some(errors) = &exercise.build_errors
            {
                for line in errors.lines().take(MAX_BUILD_LINES) {
                    let _ = writeln!(out, "    {}", s.dim.apply_to(line));
                }
            }
        }
    }
    out
}

fn render_exercise(out: &mut String, e: &ExerciseReport, shape: &Shape, s: &Styles, lang: Lang) {
    let (name_width, title_width) = (shape.name_width, shape.title_width);
    let word = i18n::exercise_status(lang, e.status);
    let status = match e.status {
        ExerciseStatus::Passed => s.good.apply_to(word),
        ExerciseStatus::Failed => s.bad.apply_to(word),
        ExerciseStatus::CompileError => s.bad.apply_to(word),
        ExerciseStatus::NotStarted => s.dim.apply_to(word),
    };
    let reused = e.reused.as_ref().map(|r| {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let marker = i18n::reused_marker(lang, now.saturating_sub(r.graded_at_unix_s), r.seed);
        format!("  {}", s.dim.apply_to(marker))
    });
    let _ = writeln!(
        out,
        "{:<name_width$}  {}  {:>9}  {}{}",
        s.bold.apply_to(&e.name),
        console::pad_str(&e.title, title_width, console::Alignment::Left, None),
        points(e.score, e.max_score),
        status,
        reused.unwrap_or_default(),
    );
    for flag in e.integrity.iter().filter(|f| f.kind.is_violation()) {
        let _ = writeln!(
            out,
            "    {} {}",
            s.bad.apply_to(i18n::integrity_label(lang)),
            match &flag.finding {
                Some(finding) => messages::finding(lang, finding),
                None => flag.detail.clone(),
            }
        );
    }
    match e.status {
        // Verbose: every check, and what each race check covered.
        ExerciseStatus::Passed if shape.verbose => {
            for check in &e.checks {
                render_check(out, check, s, lang, true);
            }
        }
        ExerciseStatus::Passed => {}
        ExerciseStatus::NotStarted => {
            let _ = writeln!(out, "    {}", i18n::start_here(lang, &e.name));
        }
        ExerciseStatus::CompileError => {
            for check in &e.checks {
                let message = messages::render(lang, check, &|own| own.to_string());
                let _ = writeln!(out, "    {message}");
            }
            if let Some(errors) = &e.build_errors {
                let lines: Vec<&str> = errors.lines().collect();
                for line in lines.iter().take(MAX_BUILD_LINES) {
                    let _ = writeln!(out, "    {}", s.dim.apply_to(line));
                }
                if lines.len() > MAX_BUILD_LINES {
                    let _ = writeln!(
                        out,
                        "    {}",
                        i18n::more_build_lines(
                            lang,
                            lines.len() - MAX_BUILD_LINES,
                            &e.name,
                            shape.package
                        )
                    );
                }
            }
        }
        ExerciseStatus::Failed if shape.verbose => {
            for check in &e.checks {
                render_check(out, check, s, lang, true);
            }
        }
        ExerciseStatus::Failed => {
            let stories = story::stories(&e.checks);
            let mut told = vec![false; e.checks.len()];
            for (i, check) in e.checks.iter().enumerate() {
                if told[i] {
                    continue;
                }
                match stories.iter().find(|st| st.members().contains(&i)) {
                    Some(st) => {
                        let lead = &e.checks[st.lead];
                        render_check(out, lead, s, lang, false);
                        for &other in &st.also {
                            render_also(out, &e.checks[other], s, lang);
                        }
                        for member in st.members() {
                            told[member] = true;
                        }
                    }
                    None => render_check(out, check, s, lang, false),
                }
            }
        }
    }
}

/// A check of a story that is not its lead: its status line and, on the
/// same line, that it caught the bug shown above (and where).
fn render_also(out: &mut String, c: &CheckReport, s: &Styles, lang: Lang) {
    let label = c.trace.as_ref().map(|t| messages::trace_label(lang, t));
    let _ = writeln!(
        out,
        "{}  {}",
        status_line(c, s, lang),
        s.dim.apply_to(i18n::also_caught(lang, label.as_deref()))
    );
}

/// `    ✗ name    kind   0/2  failed`
fn status_line(c: &CheckReport, s: &Styles, lang: Lang) -> String {
    // A check that failed only because its task is still `todo!()` says so
    // in its status word too (the JSON status stays `failed`: it scores 0).
    let not_started = c.status == CheckStatus::Failed && messages::is_not_started(c);
    let word = if not_started {
        i18n::check_not_started(lang)
    } else {
        i18n::check_status(lang, c.status)
    };
    let (mark, word) = match c.status {
        _ if not_started => (s.dim.apply_to("·"), s.dim.apply_to(word)),
        CheckStatus::Passed => (s.good.apply_to("✓"), s.good.apply_to(word)),
        CheckStatus::Skipped => (s.dim.apply_to("-"), s.dim.apply_to(word)),
        CheckStatus::Failed => (s.bad.apply_to("✗"), s.bad.apply_to(word)),
        CheckStatus::Timeout => (s.bad.apply_to("✗"), s.bad.apply_to(word)),
        CheckStatus::Crashed => (s.bad.apply_to("✗"), s.bad.apply_to(word)),
        CheckStatus::CompileError => (s.bad.apply_to("✗"), s.bad.apply_to(word)),
    };
    let line = format!(
        "    {mark} {:<34} {:<7} {:>7}  {word}",
        c.name,
        c.kind.as_str(),
        points(c.score, c.max_score),
    );
    // A passing race check says what it covered.
    match c
        .coverage
        .as_ref()
        .filter(|_| c.status == CheckStatus::Passed)
    {
        Some(coverage) => format!("{line}  {}", s.dim.apply_to(i18n::coverage(lang, coverage))),
        None => line,
    }
}

/// A check's status line and, unless it passed, its evidence. Without
/// `verbose`, the message leaves out the check program's replay command and
/// schedule (see [`story::plain_message`]) and a race check's output (the
/// checkers' own panics) is not shown.
fn render_check(out: &mut String, c: &CheckReport, s: &Styles, lang: Lang, verbose: bool) {
    let _ = writeln!(out, "{}", status_line(c, s, lang));
    // A litmus check's outcome table teaches even when it passes.
    if let Some(table) = &c.outcomes {
        for line in messages::outcome_table(lang, table).lines() {
            let _ = writeln!(out, "        {line}");
        }
    }
    if c.status == CheckStatus::Passed {
        return;
    }
    let own = |text: &str| match verbose {
        true => text.to_string(),
        false => story::plain_message(text),
    };
    for line in messages::render(lang, c, &own).lines() {
        let _ = writeln!(out, "        {line}");
    }
    if let Some(scenario) = &c.scenario {
        for line in messages::scenario(lang, scenario).lines() {
            let _ = writeln!(out, "        {line}");
        }
    }
    if let Some(trace) = &c.trace {
        out.push_str(&super::trace::render(trace, lang, "        "));
    }
    let mut timeline = String::new();
    super::timeline::render_for_check_in(&mut timeline, c, "        ", lang);
    out.push_str(&timeline);
    let show_output = verbose || c.kind != CheckKind::Race;
    if let Some(output) = c.output.as_ref().filter(|_| show_output) {
        let lines: Vec<&str> = output.lines().collect();
        let skip = lines.len().saturating_sub(MAX_OUTPUT_LINES);
        if skip > 0 {
            let _ = writeln!(
                out,
                "        {}",
                s.dim.apply_to(i18n::earlier_output_lines(lang, skip))
            );
        }
        for line in &lines[skip..] {
            let _ = writeln!(out, "        {}", s.dim.apply_to(line));
        }
    }
    if let Some(replay) = &c.replay {
        let _ = writeln!(out, "        {}", i18n::replay(lang, replay));
    }
}

fn render_summary(out: &mut String, report: &GradeReport, s: &Styles, lang: Lang) {
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
        "{} {} ({percent:.0}%)  {}  {}",
        s.bold.apply_to(i18n::score_label(lang)),
        points(report.score, report.max_score),
        i18n::exercise_counts(
            lang,
            count(ExerciseStatus::Passed),
            count(ExerciseStatus::Failed),
            count(ExerciseStatus::CompileError),
            count(ExerciseStatus::NotStarted),
        ),
        s.dim.apply_to(i18n::seed_label(lang, report.seed)),
    );
    let reused = report
        .exercises
        .iter()
        .filter(|e| e.reused.is_some())
        .count();
    if reused > 0 {
        let _ = writeln!(
            out,
            "{}",
            s.dim.apply_to(i18n::reused_summary(lang, reused))
        );
    }
    let next = report
        .exercises
        .iter()
        .find(|e| e.status != ExerciseStatus::Passed);
    match next {
        None => {
            let _ = writeln!(out, "{}", s.good.apply_to(i18n::all_passed(lang)));
        }
        Some(e) => {
            let topic = e.name.split_once('-').map_or(e.name.as_str(), |(_, t)| t);
            let _ = writeln!(out, "{}", i18n::next(lang, &e.name, topic));
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
