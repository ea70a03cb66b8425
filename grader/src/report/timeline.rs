//! A small text timeline of a failed timing check's evidence: one row per
//! task, a bar where it ran. Tasks that ran one after another form a
//! staircase, so a student sees it at a glance.
//!
//! ```text
//! timeline: fetch_all(6 resources, at most 3 at once): 6 tasks on 1 thread, at most 1 at once
//!   fetch 0  t0 │██████                                  │    0 – 150 ms
//!   fetch 1  t0 │      ███████                           │  150 – 301 ms
//!   ...
//!   the tasks ran one after another: never two at the same time
//! ```
//!
//! Its words are drawn in the reader's language (`crate::i18n`); the label,
//! task names and measurement notes are the check's and stay as sent.

use std::fmt::Write;

use threadlings_schema::report::{CheckReport, CheckStatus, Timeline};

use crate::i18n::{self, Lang};

/// Columns of the bar area.
const WIDTH: usize = 40;
/// Rows drawn before summarising the rest.
const MAX_ROWS: usize = 12;
/// Longest task name shown.
const MAX_NAME: usize = 18;

/// Draws the check's timeline (if it has one and did not pass) into `out`,
/// indented by `indent`.
pub fn render_for_check(out: &mut String, check: &CheckReport, indent: &str) {
    render_for_check_in(out, check, indent, Lang::En);
}

/// [`render_for_check`] in `lang`.
pub fn render_for_check_in(out: &mut String, check: &CheckReport, indent: &str, lang: Lang) {
    if matches!(check.status, CheckStatus::Passed | CheckStatus::Skipped) {
        return;
    }
    if let Some(timeline) = &check.timeline {
        out.push_str(&render_in(timeline, indent, lang));
    }
}

/// The timeline as text lines, each starting with `indent`.
pub fn render(timeline: &Timeline, indent: &str) -> String {
    render_in(timeline, indent, Lang::En)
}

/// [`render`] in `lang`.
pub fn render_in(timeline: &Timeline, indent: &str, lang: Lang) -> String {
    let mut out = String::new();
    let events = &timeline.events;
    let total_tasks = events.len() + timeline.omitted as usize;
    let _ = writeln!(
        out,
        "{indent}{}",
        i18n::timeline_heading(
            lang,
            &timeline.label,
            total_tasks,
            timeline.threads,
            timeline.peak_in_flight
        )
    );
    if !events.is_empty() {
        let span_end = events
            .iter()
            .map(|e| e.end_us.unwrap_or(e.start_us).max(e.start_us))
            .max()
            .unwrap_or(0)
            .max(1);
        let unit_ms = span_end >= 10_000;
        let time = |us: u64| {
            if unit_ms {
                format!("{:.0}", us as f64 / 1000.0)
            } else {
                format!("{:.1}", us as f64 / 1000.0)
            }
        };
        let names: Vec<String> = events
            .iter()
            .map(|e| e.task.chars().take(MAX_NAME).collect())
            .collect();
        let name_width = names.iter().map(|n| n.chars().count()).max().unwrap_or(0);
        let time_width = time(span_end).len();
        let column = |us: u64| ((us as u128 * WIDTH as u128) / span_end as u128) as usize;
        for (event, name) in events.iter().zip(&names).take(MAX_ROWS) {
            let end = event.end_us.unwrap_or(span_end);
            let first = column(event.start_us).min(WIDTH - 1);
            let last = column(end).clamp(first + 1, WIDTH);
            let bar: String = (0..WIDTH)
                .map(|c| if c >= first && c < last { '█' } else { ' ' })
                .collect();
            let until = match event.end_us {
                Some(end) => format!("{:>time_width$} ms", time(end)),
                None => i18n::timeline_still_running(lang).to_string(),
            };
            let _ = writeln!(
                out,
                "{indent}  {name:<name_width$}  t{:<2} │{bar}│ {:>time_width$} – {until}",
                event.thread,
                time(event.start_us),
            );
        }
        let hidden = total_tasks.saturating_sub(MAX_ROWS.min(events.len()));
        if hidden > 0 {
            let _ = writeln!(out, "{indent}  {}", i18n::timeline_more(lang, hidden));
        }
    }
    if total_tasks > 1 && timeline.peak_in_flight <= 1 {
        let _ = writeln!(out, "{indent}  {}", i18n::timeline_sequential(lang));
    }
    for note in &timeline.notes {
        let _ = writeln!(out, "{indent}  {note}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlings_schema::report::TaskEvent;

    fn event(task: &str, start_ms: u64, end_ms: Option<u64>) -> TaskEvent {
        TaskEvent {
            task: task.to_string(),
            thread: 0,
            start_us: start_ms * 1000,
            end_us: end_ms.map(|e| e * 1000),
        }
    }

    #[test]
    fn sequential_tasks_draw_a_staircase() {
        let timeline = Timeline {
            label: "fetch_all(3 resources, at most 3 at once)".to_string(),
            events: vec![
                event("fetch 0", 0, Some(100)),
                event("fetch 1", 100, Some(200)),
                event("fetch 2", 200, Some(300)),
            ],
            omitted: 0,
            peak_in_flight: 1,
            threads: 1,
            notes: vec!["took 300 ms".to_string()],
        };
        let text = render(&timeline, "");
        let expected = "\
timeline: fetch_all(3 resources, at most 3 at once): 3 tasks on 1 thread, at most 1 at once
  fetch 0  t0  │█████████████                           │   0 – 100 ms
  fetch 1  t0  │             █████████████              │ 100 – 200 ms
  fetch 2  t0  │                          ██████████████│ 200 – 300 ms
  the tasks ran one after another: never two at the same time
  took 300 ms
";
        assert_eq!(text, expected);
    }

    #[test]
    fn unfinished_and_omitted_tasks_are_said() {
        let timeline = Timeline {
            label: "x".to_string(),
            events: vec![event("a", 0, Some(1)), event("b", 0, None)],
            omitted: 3,
            peak_in_flight: 2,
            threads: 2,
            notes: vec![],
        };
        let text = render(&timeline, "    ");
        assert!(
            text.contains("5 tasks on 2 threads, at most 2 at once"),
            "{text}"
        );
        assert!(text.contains("still running"), "{text}");
        assert!(text.contains("(3 more not shown)"), "{text}");
        assert!(!text.contains("one after another"), "{text}");
    }
}
