//! The interleaving of a failed race check ([`Trace`]) as text: one column
//! per thread, one row per step in the order the steps happened, so a
//! student reads down the page and sees who did what when. The marked step
//! (where it went wrong) is flagged with `→` in the margin; steps left out
//! are one "… N steps omitted" line where they were; then the one sentence
//! saying what happened, and what each lock or atomic is. Every text format
//! uses it (the HTML report draws the same lanes as a table).

use threadlings_schema::report::{Trace, TraceStep};

use console::measure_text_width as width;

use crate::i18n::{self, Lang};
use crate::messages;

/// Widest a column gets; a longer cell is cut with `…`.
const MAX_CELL: usize = 36;

/// A step as one cell: `lock mutex #1 (read 0)`.
pub fn cell(step: &TraceStep, lang: Lang) -> String {
    let mut text = i18n::trace_op(lang, &step.op);
    if !step.object.is_empty() {
        text.push(' ');
        text.push_str(&step.object);
    }
    if let Some(values) = i18n::trace_values(lang, step.read.as_deref(), step.wrote.as_deref()) {
        text.push(' ');
        text.push_str(&values);
    }
    if let Some(result) = &step.result {
        text.push_str(" → ");
        text.push_str(result);
    }
    if text.chars().count() > MAX_CELL {
        text = text.chars().take(MAX_CELL - 1).collect::<String>() + "…";
    }
    text
}

/// The trace as lines (each prefixed with `indent`).
pub fn render(trace: &Trace, lang: Lang, indent: &str) -> String {
    let threads = trace.threads.len().max(1);
    let cells: Vec<String> = trace.steps.iter().map(|s| cell(s, lang)).collect();
    // Display widths: a Hangul syllable takes two columns.
    let mut widths: Vec<usize> = trace.threads.iter().map(|t| width(t)).collect();
    widths.resize(threads, 0);
    for (step, text) in trace.steps.iter().zip(&cells) {
        let column = (step.thread as usize).min(threads - 1);
        widths[column] = widths[column].max(width(text));
    }
    let row = |column: Option<usize>, text: &str| {
        let cells: Vec<String> = (0..threads)
            .map(|c| {
                let content = if Some(c) == column { text } else { "" };
                let pad = widths[c].saturating_sub(width(content));
                format!("{content}{}", " ".repeat(pad))
            })
            .collect();
        cells.join(" │ ").trim_end().to_string()
    };
    let mut out = String::new();
    out.push_str(&format!(
        "{indent}{}\n",
        i18n::trace_heading(lang, &messages::trace_label(lang, trace))
    ));
    let header: Vec<String> = (0..threads)
        .map(|c| {
            let name = trace.threads.get(c).map_or("", String::as_str);
            format!(
                "{name}{}",
                " ".repeat(widths[c].saturating_sub(width(name)))
            )
        })
        .collect();
    out.push_str(&format!("{indent}  {}\n", header.join(" │ ").trim_end()));
    let mut shown_omitted = 0_u32;
    for (step, text) in trace.steps.iter().zip(&cells) {
        if step.omitted_before > 0 {
            shown_omitted += step.omitted_before;
            out.push_str(&format!(
                "{indent}  {}\n",
                i18n::trace_omitted(lang, step.omitted_before)
            ));
        }
        let margin = if step.mark { "→ " } else { "  " };
        out.push_str(&format!(
            "{indent}{margin}{}\n",
            row(Some(step.thread as usize), text)
        ));
    }
    let after = trace.omitted.saturating_sub(shown_omitted);
    if after > 0 {
        out.push_str(&format!("{indent}  {}\n", i18n::trace_omitted(lang, after)));
    }
    out.push_str(&format!(
        "{indent}{}\n",
        messages::trace_summary(lang, trace)
    ));
    // Objects made at one place (five forks) share one line.
    let mut details: Vec<(String, Vec<&str>)> = Vec::new();
    for object in trace.objects.iter().filter(|o| !o.detail.is_empty()) {
        let detail = messages::trace_object(lang, object);
        match details.iter_mut().find(|(d, _)| *d == detail) {
            Some((_, labels)) => labels.push(&object.label),
            None => details.push((detail, vec![&object.label])),
        }
    }
    for (detail, labels) in details {
        out.push_str(&format!("{indent}  {}: {detail}\n", labels.join(", ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use threadlings_schema::report::{
        TraceCause, TraceExecution, TraceLockKind, TraceObject, TraceObjectWhat,
    };

    use super::*;

    fn step(thread: u32, op: &str, read: Option<&str>, wrote: Option<&str>) -> TraceStep {
        TraceStep {
            thread,
            op: op.to_string(),
            object: "mutex #1".to_string(),
            read: read.map(str::to_string),
            wrote: wrote.map(str::to_string),
            ..TraceStep::default()
        }
    }

    fn lost_update() -> Trace {
        let mut steps = vec![
            step(0, "lock", Some("0"), None),
            step(0, "unlock", None, None),
            step(1, "lock", Some("0"), None),
            step(1, "unlock", None, None),
            step(0, "lock", Some("0"), None),
            step(0, "unlock", None, Some("1")),
            step(1, "lock", Some("1"), None),
            step(1, "unlock", None, Some("1")),
        ];
        steps[2].omitted_before = 3;
        steps[7].mark = true;
        Trace {
            label: "loom execution 2".to_string(),
            execution: Some(TraceExecution::Model { execution: 2 }),
            threads: vec!["main".to_string(), "add(1) on thread 2".to_string()],
            objects: vec![TraceObject {
                label: "mutex #1".to_string(),
                detail: "mutex protecting u64, created at src/lib.rs:61:20".to_string(),
                what: Some(TraceObjectWhat::Lock {
                    lock: TraceLockKind::Mutex,
                    protects: Some("u64".to_string()),
                    created_at: "src/lib.rs:61:20".to_string(),
                }),
            }],
            steps,
            cause: Some(TraceCause::LostUpdate {
                object: "mutex #1".to_string(),
                reader: "add(1) on thread 2".to_string(),
                read: "0".to_string(),
                writer: "main".to_string(),
                overwritten: "1".to_string(),
                stored: "1".to_string(),
                stale_read: false,
            }),
            summary: "thread “add(1) on thread 2” read 0 from mutex #1, then thread main \
                      stored 1; add(1) on thread 2's store of 1 overwrote main's store of 1 \
                      without reading it: one update was lost."
                .to_string(),
            omitted: 5,
        }
    }

    #[test]
    fn one_column_per_thread_and_the_marked_step_flagged() {
        let text = render(&lost_update(), Lang::En, "");
        assert_eq!(
            text,
            "interleaving of the failing execution (loom execution 2):
  main                      │ add(1) on thread 2
  lock mutex #1 (read 0)    │
  unlock mutex #1           │
  … 3 steps omitted
                            │ lock mutex #1 (read 0)
                            │ unlock mutex #1
  lock mutex #1 (read 0)    │
  unlock mutex #1 (wrote 1) │
                            │ lock mutex #1 (read 1)
→                           │ unlock mutex #1 (wrote 1)
  … 2 steps omitted
thread “add(1) on thread 2” read 0 from mutex #1, then thread main stored 1; add(1) on thread 2's store of 1 overwrote main's store of 1 without reading it: one update was lost.
  mutex #1: mutex protecting u64, created at src/lib.rs:61:20
"
        );
    }

    #[test]
    fn every_cause_has_a_korean_sentence() {
        let causes = [
            TraceCause::LostUpdate {
                object: "mutex #1".to_string(),
                reader: "a".to_string(),
                read: "0".to_string(),
                writer: "b".to_string(),
                overwritten: "1".to_string(),
                stored: "1".to_string(),
                stale_read: true,
            },
            TraceCause::StaleRead {
                object: "atomic #1".to_string(),
                reader: "a".to_string(),
                read: "0".to_string(),
                writer: "b".to_string(),
                stored: "1".to_string(),
            },
            TraceCause::LostWakeup {
                condvar: "condvar #1".to_string(),
                waiters: vec!["a".to_string()],
                last_notify: Some("b".to_string()),
            },
            TraceCause::LostWakeup {
                condvar: "condvar #1".to_string(),
                waiters: vec!["a".to_string()],
                last_notify: None,
            },
            TraceCause::Deadlock {
                threads: vec!["a".to_string(), "b".to_string()],
            },
            TraceCause::Failed,
        ];
        for cause in causes {
            let trace = Trace {
                cause: Some(cause.clone()),
                summary: "an English sentence".to_string(),
                ..lost_update()
            };
            let korean = messages::trace_summary(Lang::Ko, &trace);
            assert!(
                korean.chars().any(|c| ('가'..='힣').contains(&c)),
                "{cause:?}: {korean}"
            );
            for english in ["thread", "read ", "wait", "store", "English"] {
                assert!(!korean.contains(english), "{cause:?}: {korean}");
            }
            assert_eq!(
                messages::trace_summary(Lang::En, &trace),
                "an English sentence"
            );
        }
    }

    #[test]
    fn korean_has_no_english_sentence() {
        let text = render(&lost_update(), Lang::Ko, "");
        assert!(text.contains("(0 읽음)"), "{text}");
        assert!(text.contains("(1 씀)"), "{text}");
        assert!(text.contains("3단계 생략"), "{text}");
        assert!(!text.contains("overwrote"), "{text}");
        assert!(!text.contains("interleaving"), "{text}");
        assert!(!text.contains("created at"), "{text}");
        assert!(text.contains("(loom 실행 2)"), "{text}");
        assert!(
            text.contains("u64을(를) 보호하는 mutex, src/lib.rs:61:20에서 생성"),
            "{text}"
        );
    }

    #[test]
    fn a_trace_without_data_keeps_its_english_words() {
        // A report older than the data: its label and details as they are.
        let mut old = lost_update();
        old.execution = None;
        old.objects[0].what = None;
        let text = render(&old, Lang::Ko, "");
        assert!(text.contains("(loom execution 2)"), "{text}");
        assert!(text.contains("mutex protecting u64"), "{text}");
    }
}
