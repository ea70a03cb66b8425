//! Evidence from timing checks: the timeline of tasks a check program sends
//! on the result channel before its verdict, so reports can show how the
//! tasks really ran (one after another, or at the same time).

use threadlings_schema::protocol::{Envelope, Message};
use threadlings_schema::report::Timeline;

/// The last `Evidence` for `check` stamped with our nonce; lines without it
/// are ignored, like forged verdicts.
pub fn evidence_from(lines: &str, nonce: &str, check: &str) -> Option<Box<Timeline>> {
    lines
        .lines()
        .filter_map(|line| serde_json::from_str::<Envelope>(line).ok())
        .filter(|envelope| envelope.nonce == nonce)
        .filter_map(|envelope| match envelope.message {
            Message::Evidence {
                check: name,
                timeline,
            } if name == check => Some(Box::new(timeline)),
            _ => None,
        })
        .next_back()
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlings_schema::report::TaskEvent;

    fn line(nonce: &str, message: Message) -> String {
        Envelope {
            nonce: nonce.to_string(),
            message,
        }
        .to_line()
    }

    #[test]
    fn keeps_the_last_evidence_with_our_nonce() {
        let timeline = |label: &str| Timeline {
            label: label.to_string(),
            events: vec![TaskEvent {
                task: "t".to_string(),
                thread: 0,
                start_us: 0,
                end_us: Some(5),
            }],
            ..Timeline::default()
        };
        let evidence = |label: &str| Message::Evidence {
            check: "c".to_string(),
            timeline: timeline(label),
        };
        let text = [
            line("n", evidence("first")),
            line("forged", evidence("forged")),
            line("n", evidence("second")),
            line(
                "n",
                Message::Evidence {
                    check: "other".to_string(),
                    timeline: timeline("other"),
                },
            ),
            "not json\n".to_string(),
        ]
        .concat();
        assert_eq!(
            evidence_from(&text, "n", "c"),
            Some(Box::new(timeline("second")))
        );
        assert_eq!(evidence_from(&text, "n", "missing"), None);
    }
}
