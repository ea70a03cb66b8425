//! A standalone HTML page (inline CSS, no scripts, nothing fetched): a summary
//! table of the exercises, then one table per exercise with a row per check,
//! and under every check that did not pass its message, seed, replay command
//! and captured output; under a passing race check, what it covered. Compile
//! errors are shown in full.
//!
//! The page speaks the reader's language (`--lang`): every word on it comes
//! from the catalogs the human report words itself from ([`crate::i18n`] for
//! the page's own headings and labels, [`crate::messages`] for what the
//! grader says about a check), so this file holds layout, not wording. Like
//! `--verbose`, it shows every check in full, with no story grouping.

use std::fmt::Write;

use threadlings_schema::report::{
    CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport, OutcomeTable, Scenario,
    ScenarioOp, Timeline, Trace,
};

use super::{details, number};
use crate::i18n::{self, Lang};
use crate::messages;

const STYLE: &str = "
body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 70rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .4rem; }
.meta { color: #57606a; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.passed { color: #1a7f37; font-weight: 600; }
.failed, .timeout, .crashed, .compile_error { color: #cf222e; font-weight: 600; }
.skipped, .not_started { color: #6e7781; font-weight: 600; }
.details td { background: #fff8f5; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; white-space: pre-wrap; margin: .3rem 0; font-size: 13px; }
.bar { height: .6rem; background: #eaeef2; border-radius: .3rem; overflow: hidden; max-width: 24rem; }
.bar > div { height: 100%; background: #2da44e; }
figure.timeline { margin: .4rem 0; }
figure.timeline figcaption { color: #57606a; font-size: 13px; }
table.scenario, table.outcomes { width: auto; font-size: 13px; }
table.scenario td, table.outcomes td { font-family: ui-monospace, monospace; }
td.unexplained { background: #ffebe9; font-weight: 600; }
tr.forbidden td { background: #ffebe9; }
table.trace { width: auto; font-size: 13px; }
table.trace td { font-family: ui-monospace, monospace; border-left: 2px solid #d0d7de; padding: .15rem .6rem; }
table.trace tr.mark td.step { background: #ffebe9; font-weight: 600; }
table.trace tr.omitted td { color: #6e7781; border-left: none; font-style: italic; }
caption { text-align: left; color: #57606a; font-size: 13px; }
";

/// The page in English.
pub fn render(report: &GradeReport) -> String {
    render_in(report, Lang::En)
}

/// The page in `lang`.
pub fn render_in(report: &GradeReport, lang: Lang) -> String {
    let report = &*super::words::in_lang(report, lang);
    let mut out = String::new();
    let percent = if report.max_score > 0.0 {
        100.0 * report.score / report.max_score
    } else {
        0.0
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{tag}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>{title}</h1>\n\
         <p class=\"meta\">{score_word} <strong>{score}/{max}</strong> ({percent:.0}%) &middot; \
         {seed} &middot; {graded_in}</p>\n\
         <div class=\"bar\" role=\"img\" aria-label=\"{percent:.0}%\"><div style=\"width: \
         {percent:.1}%\"></div></div>\n",
        tag = lang.tag(),
        title = escape(&i18n::html_title(lang, &report.subject)),
        score_word = escape(i18n::html_score(lang)),
        score = number(report.score),
        max = number(report.max_score),
        seed = escape(&i18n::seed_label(lang, report.seed)),
        graded_in = escape(&i18n::graded_in(lang, report.duration_ms as f64 / 1000.0)),
    );
    let _ = write!(
        out,
        "<h2>{}</h2>\n<table class=\"summary\">\n<thead>{}</thead>\n<tbody>\n",
        escape(i18n::html_exercises(lang)),
        heading_row(&i18n::html_summary_headings(lang)),
    );
    for exercise in &report.exercises {
        let _ = writeln!(
            out,
            "<tr><td><a href=\"#{id}\">{name}</a></td><td>{title}</td><td class=\"num\">{score}/{max}</td>\
             <td class=\"{status}\">{label}</td></tr>",
            id = anchor(&exercise.name),
            name = escape(&exercise.name),
            title = escape(&exercise.title),
            score = number(exercise.score),
            max = number(exercise.max_score),
            status = exercise.status.as_str(),
            label = escape(i18n::exercise_status(lang, exercise.status)),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for exercise in &report.exercises {
        render_exercise(&mut out, exercise, lang);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// `<tr><th>a</th><th>b</th></tr>`
fn heading_row(headings: &[&str]) -> String {
    let cells: String = headings
        .iter()
        .map(|h| format!("<th>{}</th>", escape(h)))
        .collect();
    format!("<tr>{cells}</tr>")
}

fn render_exercise(out: &mut String, exercise: &ExerciseReport, lang: Lang) {
    let _ = write!(
        out,
        "<section id=\"{id}\">\n<h2>{name}: {title} <span class=\"{status}\">{score}/{max} \
         {label}</span></h2>\n",
        id = anchor(&exercise.name),
        name = escape(&exercise.name),
        title = escape(&exercise.title),
        status = exercise.status.as_str(),
        score = number(exercise.score),
        max = number(exercise.max_score),
        label = escape(i18n::exercise_status(lang, exercise.status)),
    );
    if exercise.status == ExerciseStatus::NotStarted {
        // The catalog's sentence holds no markup to escape; its file names
        // and code are escaped inside their `<code>`.
        let code = |text: &str| format!("<code>{}</code>", escape(text));
        let _ = writeln!(
            out,
            "<p>{}</p>",
            i18n::start_here_with(lang, &exercise.name, &code)
        );
    }
    let _ = write!(
        out,
        "<table class=\"checks\">\n<thead>{}</thead>\n<tbody>\n",
        heading_row(&i18n::html_check_headings(lang))
    );
    for check in &exercise.checks {
        render_check(out, exercise, check, lang);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn render_check(out: &mut String, exercise: &ExerciseReport, check: &CheckReport, lang: Lang) {
    let _ = writeln!(
        out,
        "<tr><td>{name}</td><td>{kind}</td><td class=\"{status}\">{status_label}</td>\
         <td class=\"num\">{score}/{max}</td><td class=\"num\">{ms} ms</td><td class=\"num\">{seed}</td></tr>",
        name = escape(&check.name),
        kind = check.kind.as_str(),
        status = check.status.as_str(),
        status_label = escape(i18n::check_status(lang, check.status)),
        score = number(check.score),
        max = number(check.max_score),
        ms = check.duration_ms,
        seed = check.seed,
    );
    let timeline = check.timeline.as_ref().filter(|t| !t.events.is_empty());
    // A passing race check says what it covered, as the human report does.
    let coverage = check
        .coverage
        .as_ref()
        .filter(|_| check.status == CheckStatus::Passed);
    if check.status == CheckStatus::Passed
        && timeline.is_none()
        && check.outcomes.is_none()
        && coverage.is_none()
    {
        return;
    }
    out.push_str("<tr class=\"details\"><td colspan=\"6\">");
    if let Some(coverage) = coverage {
        let phrase = i18n::coverage(lang, coverage);
        let _ = write!(
            out,
            "<p class=\"meta\">{}</p>",
            escape(&i18n::covered(lang, &phrase))
        );
    }
    let details = details(exercise, check, false, lang);
    if !details.is_empty() {
        let _ = write!(out, "<pre>{}</pre>", escape(&details));
    }
    if let Some(timeline) = timeline {
        render_timeline(out, timeline, lang);
    }
    if let Some(scenario) = check
        .scenario
        .as_ref()
        .filter(|_| check.status != CheckStatus::Passed)
    {
        render_scenario(out, scenario, lang);
    }
    if let Some(table) = &check.outcomes {
        render_outcomes(out, table, lang);
    }
    if let Some(trace) = check
        .trace
        .as_ref()
        .filter(|_| check.status != CheckStatus::Passed)
    {
        render_trace(out, trace, lang);
    }
    out.push_str("</td></tr>\n");
}

/// A linearizability check's scenario: init and post as rows across the
/// table, one column per thread between them; a result no sequential order
/// explains is highlighted; then why, the notes and the interleaving.
fn render_scenario(out: &mut String, scenario: &Scenario, lang: Lang) {
    let columns = scenario.threads.len().max(1);
    let cell = |op: &ScenarioOp| {
        let class = if op.unexplained {
            " class=\"unexplained\""
        } else {
            ""
        };
        format!(
            "<td{class}>{} → {}</td>",
            escape(&op.op),
            escape(messages::scenario_result(lang, op))
        )
    };
    let _ = write!(
        out,
        "<table class=\"scenario\"><caption>{}</caption>\n<thead><tr><th></th>",
        escape(&messages::scenario_caption(lang, scenario))
    );
    for t in 0..scenario.threads.len() {
        let _ = write!(
            out,
            "<th>{}</th>",
            escape(&messages::scenario_thread(lang, t))
        );
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let sequential = |out: &mut String, name: &str, ops: &[ScenarioOp]| {
        for op in ops {
            let _ = writeln!(
                out,
                "<tr><th>{name}</th>{}{}</tr>",
                cell(op),
                "<td></td>".repeat(columns - 1)
            );
        }
    };
    sequential(out, "init", &scenario.init);
    let rows = scenario.threads.iter().map(Vec::len).max().unwrap_or(0);
    for row in 0..rows {
        out.push_str("<tr><th></th>");
        for column in &scenario.threads {
            match column.get(row) {
                Some(op) => out.push_str(&cell(op)),
                None => out.push_str("<td></td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    sequential(out, "post", &scenario.post);
    out.push_str("</tbody></table>\n");
    let lines = messages::scenario_lines(lang, scenario);
    if !lines.is_empty() {
        let _ = writeln!(out, "<pre>{}</pre>", escape(&lines.join("\n")));
    }
    if !scenario.trace.is_empty() {
        let _ = writeln!(
            out,
            "<pre>{}\n{}</pre>",
            escape(messages::scenario_interleaving(lang)),
            escape(&scenario.trace.join("\n"))
        );
    }
}

/// A failed race check's interleaving as lanes: one column per thread, one
/// row per step in the order they happened (so time runs down the page, as
/// in the text report), the step where it went wrong highlighted, steps
/// left out as one row where they were; then what happened and what each
/// object is.
fn render_trace(out: &mut String, trace: &Trace, lang: Lang) {
    let columns = trace.threads.len().max(1);
    let heading = i18n::trace_heading(lang, &messages::trace_label(lang, trace));
    let _ = write!(
        out,
        "<table class=\"trace\"><caption>{}</caption>\n<thead><tr><th></th>",
        escape(heading.trim_end_matches(':'))
    );
    for name in &trace.threads {
        let _ = write!(out, "<th>{}</th>", escape(name));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let mut shown = 0_u32;
    let omitted_row = |out: &mut String, count: u32| {
        let _ = writeln!(
            out,
            "<tr class=\"omitted\"><th></th><td colspan=\"{columns}\">{}</td></tr>",
            escape(&i18n::trace_omitted(lang, count))
        );
    };
    for step in &trace.steps {
        if step.omitted_before > 0 {
            shown += step.omitted_before;
            omitted_row(out, step.omitted_before);
        }
        let column = (step.thread as usize).min(columns - 1);
        let _ = write!(
            out,
            "<tr{}><th>{}</th>",
            if step.mark { " class=\"mark\"" } else { "" },
            if step.mark { "→" } else { "" }
        );
        for c in 0..columns {
            if c == column {
                let _ = write!(
                    out,
                    "<td class=\"step\">{}</td>",
                    escape(&super::trace::cell(step, lang))
                );
            } else {
                out.push_str("<td></td>");
            }
        }
        out.push_str("</tr>\n");
    }
    if trace.omitted > shown {
        omitted_row(out, trace.omitted - shown);
    }
    out.push_str("</tbody></table>\n");
    let mut notes = vec![messages::trace_summary(lang, trace)];
    notes.extend(
        trace
            .objects
            .iter()
            .filter(|o| !o.detail.is_empty())
            .map(|o| format!("{}: {}", o.label, messages::trace_object(lang, o))),
    );
    let _ = writeln!(out, "<pre>{}</pre>", escape(&notes.join("\n")));
}

/// A litmus check's outcome table, forbidden outcomes that were seen or that
/// the model allows highlighted.
fn render_outcomes(out: &mut String, table: &OutcomeTable, lang: Lang) {
    let _ = write!(
        out,
        "<table class=\"outcomes\"><caption>{}</caption>\n<thead>{}</thead>\n<tbody>\n",
        escape(&messages::outcome_caption(lang, table)),
        heading_row(&messages::outcome_headings(lang)),
    );
    for row in &table.rows {
        let bad = row.verdict == "FORBIDDEN";
        let [class, allowed, seen, verdict] = messages::outcome_cells(lang, row);
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if bad { " class=\"forbidden\"" } else { "" },
            escape(&row.outcome),
            escape(&class),
            escape(&allowed),
            escape(&seen),
            escape(&verdict)
        );
    }
    out.push_str("</tbody></table>\n");
    let notes = messages::outcome_notes(lang, table);
    if !notes.is_empty() {
        let _ = writeln!(out, "<pre>{}</pre>", escape(&notes.join("\n")));
    }
}

/// Thread colours of the timeline chart (colour-blind friendly, Okabe-Ito).
const THREAD_COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// A timing check's evidence as an SVG chart: one row per task, a bar from
/// its start to its end, coloured by the thread it ran on. Tasks that run one
/// after another form a staircase; tasks that overlap stand side by side.
fn render_timeline(out: &mut String, timeline: &Timeline, lang: Lang) {
    const LABEL_WIDTH: f64 = 140.0;
    const CHART_WIDTH: f64 = 560.0;
    const ROW: f64 = 16.0;
    let end = timeline
        .events
        .iter()
        .map(|e| e.end_us.unwrap_or(e.start_us))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = ROW * timeline.events.len() as f64 + 22.0;
    let caption = i18n::html_timeline_caption(
        lang,
        &timeline.label,
        timeline.peak_in_flight,
        timeline.threads,
        timeline.omitted,
    );
    let _ = write!(
        out,
        "<figure class=\"timeline\"><figcaption>{caption}</figcaption>\n<svg \
         xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{label}\" font-size=\"11\" \
         font-family=\"monospace\">\n",
        caption = escape(&caption),
        label = escape(&i18n::html_timeline_label(lang, &timeline.label)),
        width = LABEL_WIDTH + CHART_WIDTH + 10.0,
    );
    for (row, event) in timeline.events.iter().enumerate() {
        let y = ROW * row as f64;
        let x = LABEL_WIDTH + CHART_WIDTH * event.start_us as f64 / end;
        let stop = event.end_us.unwrap_or(end as u64);
        let width = (CHART_WIDTH * (stop.saturating_sub(event.start_us)) as f64 / end).max(1.5);
        let colour = THREAD_COLOURS[event.thread as usize % THREAD_COLOURS.len()];
        let unfinished = if event.end_us.is_none() {
            " stroke=\"#cf222e\" stroke-dasharray=\"3 2\" fill-opacity=\"0.4\""
        } else {
            ""
        };
        let task = truncate(&event.task, 20);
        let title =
            i18n::html_timeline_task(lang, &task, event.thread, event.start_us, event.end_us);
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{ty:.1}\">{task}</text><rect x=\"{x:.1}\" y=\"{ry:.1}\" width=\"{width:.1}\" \
             height=\"{h:.1}\" fill=\"{colour}\"{unfinished}><title>{title}</title></rect>",
            ty = y + ROW - 4.0,
            ry = y + 2.0,
            h = ROW - 4.0,
            task = escape(&task),
            title = escape(&title),
        );
    }
    let axis_y = ROW * timeline.events.len() as f64 + 14.0;
    let _ = writeln!(
        out,
        "<text x=\"{LABEL_WIDTH}\" y=\"{axis_y:.1}\">0</text><text x=\"{right:.1}\" y=\"{axis_y:.1}\" \
         text-anchor=\"end\">{ms:.1} ms</text>\n</svg>",
        right = LABEL_WIDTH + CHART_WIDTH,
        ms = end / 1000.0,
    );
    if !timeline.notes.is_empty() {
        out.push_str("<ul class=\"notes\">");
        for note in &timeline.notes {
            let _ = write!(out, "<li>{}</li>", escape(note));
        }
        out.push_str("</ul>");
    }
    out.push_str("</figure>");
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut short: String = text.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

fn anchor(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}
