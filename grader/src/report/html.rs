//! A standalone HTML page (inline CSS, no scripts, nothing fetched): a summary
//! table of the exercises, then one table per exercise with a row per check,
//! and under every check that did not pass its message, seed, replay command
//! and captured output. Compile errors are shown in full.

use std::fmt::Write;

use threadlings_schema::report::{
    CheckReport, CheckStatus, ExerciseReport, ExerciseStatus, GradeReport, OutcomeTable, Scenario,
    ScenarioOp, Timeline, Trace,
};

use super::{details, number};

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

pub fn render(report: &GradeReport) -> String {
    let mut out = String::new();
    let percent = if report.max_score > 0.0 {
        100.0 * report.score / report.max_score
    } else {
        0.0
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Threadlings report: {subject}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>Threadlings report: {subject}</h1>\n\
         <p class=\"meta\">Score <strong>{score}/{max}</strong> ({percent:.0}%) &middot; seed \
         {seed} &middot; graded in {secs:.1} s</p>\n\
         <div class=\"bar\" role=\"img\" aria-label=\"{percent:.0}%\"><div style=\"width: \
         {percent:.1}%\"></div></div>\n",
        subject = escape(&report.subject),
        score = number(report.score),
        max = number(report.max_score),
        seed = report.seed,
        secs = report.duration_ms as f64 / 1000.0,
    );
    out.push_str(
        "<h2>Exercises</h2>\n<table class=\"summary\">\n<thead><tr><th>Exercise</th><th>Title</th>\
         <th>Points</th><th>Status</th></tr></thead>\n<tbody>\n",
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
            label = exercise_label(exercise.status),
        );
    }
    out.push_str("</tbody>\n</table>\n");
    for exercise in &report.exercises {
        render_exercise(&mut out, exercise);
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn render_exercise(out: &mut String, exercise: &ExerciseReport) {
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
        label = exercise_label(exercise.status),
    );
    if exercise.status == ExerciseStatus::NotStarted {
        let _ = writeln!(
            out,
            "<p>Start here: read <code>exercises/{name}/README.md</code>, then replace the \
             <code>todo!()</code>s in <code>src/lib.rs</code>.</p>",
            name = escape(&exercise.name)
        );
    }
    out.push_str(
        "<table class=\"checks\">\n<thead><tr><th>Check</th><th>Kind</th><th>Status</th>\
         <th>Points</th><th>Time</th><th>Seed</th></tr></thead>\n<tbody>\n",
    );
    for check in &exercise.checks {
        render_check(out, exercise, check);
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn render_check(out: &mut String, exercise: &ExerciseReport, check: &CheckReport) {
    let _ = writeln!(
        out,
        "<tr><td>{name}</td><td>{kind}</td><td class=\"{status}\">{status_label}</td>\
         <td class=\"num\">{score}/{max}</td><td class=\"num\">{ms} ms</td><td class=\"num\">{seed}</td></tr>",
        name = escape(&check.name),
        kind = check.kind.as_str(),
        status = check.status.as_str(),
        status_label = check.status.as_str().replace('_', " "),
        score = number(check.score),
        max = number(check.max_score),
        ms = check.duration_ms,
        seed = check.seed,
    );
    let timeline = check.timeline.as_ref().filter(|t| !t.events.is_empty());
    if check.status == CheckStatus::Passed && timeline.is_none() && check.outcomes.is_none() {
        return;
    }
    out.push_str("<tr class=\"details\"><td colspan=\"6\">");
    let details = details(exercise, check, false);
    if !details.is_empty() {
        let _ = write!(out, "<pre>{}</pre>", escape(&details));
    }
    if let Some(timeline) = timeline {
        render_timeline(out, timeline);
    }
    if let Some(scenario) = check
        .scenario
        .as_ref()
        .filter(|_| check.status != CheckStatus::Passed)
    {
        render_scenario(out, scenario);
    }
    if let Some(table) = &check.outcomes {
        render_outcomes(out, table);
    }
    if let Some(trace) = check
        .trace
        .as_ref()
        .filter(|_| check.status != CheckStatus::Passed)
    {
        render_trace(out, trace);
    }
    out.push_str("</td></tr>\n");
}

/// A linearizability check's scenario: init and post as rows across the
/// table, one column per thread between them; a result no sequential order
/// explains is highlighted; then why, the notes and the interleaving.
fn render_scenario(out: &mut String, scenario: &Scenario) {
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
            escape(op.result.as_deref().unwrap_or("(did not return)"))
        )
    };
    let _ = write!(
        out,
        "<table class=\"scenario\"><caption>scenario of {}</caption>\n<thead><tr><th></th>",
        escape(&scenario.label)
    );
    for t in 0..scenario.threads.len() {
        let _ = write!(out, "<th>thread {t}</th>");
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
    let text: Vec<&String> = scenario.unexplained.iter().chain(&scenario.notes).collect();
    if !text.is_empty() {
        let lines: Vec<&str> = text.iter().map(|s| s.as_str()).collect();
        let _ = writeln!(out, "<pre>{}</pre>", escape(&lines.join("\n")));
    }
    if !scenario.trace.is_empty() {
        let _ = writeln!(
            out,
            "<pre>interleaving:\n{}</pre>",
            escape(&scenario.trace.join("\n"))
        );
    }
}

/// A failed race check's interleaving as lanes: one column per thread, one
/// row per step in the order they happened (so time runs down the page, as
/// in the text report), the step where it went wrong highlighted, steps
/// left out as one row where they were; then what happened and what each
/// object is.
fn render_trace(out: &mut String, trace: &Trace) {
    use crate::i18n::{self, Lang};
    let columns = trace.threads.len().max(1);
    let _ = write!(
        out,
        "<table class=\"trace\"><caption>{}</caption>\n<thead><tr><th></th>",
        escape(i18n::trace_heading(Lang::En, &trace.label).trim_end_matches(':'))
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
            escape(&i18n::trace_omitted(Lang::En, count))
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
                    escape(&super::trace::cell(step, Lang::En))
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
    let mut notes = vec![trace.summary.clone()];
    notes.extend(
        trace
            .objects
            .iter()
            .filter(|o| !o.detail.is_empty())
            .map(|o| format!("{}: {}", o.label, o.detail)),
    );
    let _ = writeln!(out, "<pre>{}</pre>", escape(&notes.join("\n")));
}

/// A litmus check's outcome table, forbidden outcomes that were seen or that
/// the model allows highlighted.
fn render_outcomes(out: &mut String, table: &OutcomeTable) {
    let _ = write!(
        out,
        "<table class=\"outcomes\"><caption>outcomes of {} ({})</caption>\n<thead><tr>\
         <th>outcome</th><th>class</th><th>allowed by the model?</th><th>seen here</th>\
         <th>verdict</th></tr></thead>\n<tbody>\n",
        escape(&table.label),
        escape(&table.results.join(", "))
    );
    for row in &table.rows {
        let bad = row.verdict == "FORBIDDEN";
        let _ = writeln!(
            out,
            "<tr{}><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            if bad { " class=\"forbidden\"" } else { "" },
            escape(&row.outcome),
            row.class.as_str(),
            match row.allowed {
                Some(true) => "yes",
                Some(false) => "no",
                None => "not run",
            },
            row.seen.map_or("not run".to_string(), |n| n.to_string()),
            escape(&row.verdict)
        );
    }
    out.push_str("</tbody></table>\n");
    if !table.notes.is_empty() {
        let _ = writeln!(out, "<pre>{}</pre>", escape(&table.notes.join("\n")));
    }
}

/// Thread colours of the timeline chart (colour-blind friendly, Okabe-Ito).
const THREAD_COLOURS: [&str; 8] = [
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
];

/// A timing check's evidence as an SVG chart: one row per task, a bar from
/// its start to its end, coloured by the thread it ran on. Tasks that run one
/// after another form a staircase; tasks that overlap stand side by side.
fn render_timeline(out: &mut String, timeline: &Timeline) {
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
    let _ = write!(
        out,
        "<figure class=\"timeline\"><figcaption>{label}: at most {peak} running at once, on {threads} \
         thread(s){omitted}</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" \
         height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"timeline of \
         {label}\" font-size=\"11\" font-family=\"monospace\">\n",
        label = escape(&timeline.label),
        peak = timeline.peak_in_flight,
        threads = timeline.threads,
        omitted = if timeline.omitted > 0 {
            format!(" ({} more tasks not shown)", timeline.omitted)
        } else {
            String::new()
        },
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
        let ended = event.end_us.map_or_else(
            || "had not ended".to_string(),
            |e| format!("ended at {e} µs"),
        );
        let _ = writeln!(
            out,
            "<text x=\"0\" y=\"{ty:.1}\">{task}</text><rect x=\"{x:.1}\" y=\"{ry:.1}\" width=\"{width:.1}\" \
             height=\"{h:.1}\" fill=\"{colour}\"{unfinished}><title>{task} on thread {thread}: started at \
             {start} µs, {ended}</title></rect>",
            ty = y + ROW - 4.0,
            ry = y + 2.0,
            h = ROW - 4.0,
            task = escape(&truncate(&event.task, 20)),
            thread = event.thread,
            start = event.start_us,
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

fn exercise_label(status: ExerciseStatus) -> &'static str {
    match status {
        ExerciseStatus::Passed => "passed",
        ExerciseStatus::Failed => "failed",
        ExerciseStatus::CompileError => "does not compile",
        ExerciseStatus::NotStarted => "not started",
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
