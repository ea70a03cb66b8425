//! Evidence a check program sends on the result channel before its verdict,
//! so reports can show what the check saw: the timeline of a timing check
//! (how the tasks really ran), the scenario of a linearizability check (per
//! thread, what each operation returned, what no sequential order explains),
//! the outcome table of a litmus check, the interleaving of a failed race
//! check, what a race check covered, the check author's words in Korean.

use threadlings_schema::protocol::{Envelope, Message};
use threadlings_schema::report::{Coverage, OutcomeTable, Scenario, Timeline, Trace};

/// Everything a check sent as evidence; the last of each kind counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    pub timeline: Option<Box<Timeline>>,
    pub scenario: Option<Box<Scenario>>,
    pub outcomes: Option<Box<OutcomeTable>>,
    pub trace: Option<Box<Trace>>,
    pub coverage: Option<Box<Coverage>>,
    /// The check author's words in Korean, English → Korean (every pair the
    /// check sent).
    pub words_ko: std::collections::BTreeMap<String, String>,
}

/// The evidence for `check` stamped with our nonce; lines without it are
/// ignored, like forged verdicts.
pub fn evidence_from(lines: &str, nonce: &str, check: &str) -> Evidence {
    let mut evidence = Evidence::default();
    let ours = lines
        .lines()
        .filter_map(|line| serde_json::from_str::<Envelope>(line).ok())
        .filter(|envelope| envelope.nonce == nonce);
    for envelope in ours {
        match envelope.message {
            Message::Evidence {
                check: name,
                timeline,
            } if name == check => evidence.timeline = Some(Box::new(timeline)),
            Message::Scenario {
                check: name,
                scenario,
            } if name == check => evidence.scenario = Some(Box::new(scenario)),
            Message::Outcomes { check: name, table } if name == check => {
                evidence.outcomes = Some(Box::new(table));
            }
            Message::Trace { check: name, trace } if name == check => {
                evidence.trace = Some(Box::new(trace));
            }
            Message::Coverage {
                check: name,
                coverage,
            } if name == check => evidence.coverage = Some(Box::new(coverage)),
            // One check per process: every pair is this check's.
            Message::Words { en, ko } => {
                evidence.words_ko.insert(en, ko);
            }
            _ => {}
        }
    }
    evidence
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
            evidence_from(&text, "n", "c").timeline,
            Some(Box::new(timeline("second")))
        );
        assert_eq!(evidence_from(&text, "n", "missing"), Evidence::default());
    }

    #[test]
    fn scenarios_and_outcome_tables_are_kept_beside_the_timeline() {
        let scenario = |label: &str| Scenario {
            label: label.to_string(),
            ..Scenario::default()
        };
        let table = |label: &str| OutcomeTable {
            label: label.to_string(),
            ..OutcomeTable::default()
        };
        let text = [
            line(
                "n",
                Message::Scenario {
                    check: "c".to_string(),
                    scenario: scenario("first"),
                },
            ),
            line(
                "forged",
                Message::Scenario {
                    check: "c".to_string(),
                    scenario: scenario("forged"),
                },
            ),
            line(
                "n",
                Message::Scenario {
                    check: "c".to_string(),
                    scenario: scenario("last"),
                },
            ),
            line(
                "n",
                Message::Outcomes {
                    check: "c".to_string(),
                    table: table("mp"),
                },
            ),
            line(
                "n",
                Message::Outcomes {
                    check: "other".to_string(),
                    table: table("other"),
                },
            ),
        ]
        .concat();
        let evidence = evidence_from(&text, "n", "c");
        assert_eq!(evidence.scenario, Some(Box::new(scenario("last"))));
        assert_eq!(evidence.outcomes, Some(Box::new(table("mp"))));
        assert_eq!(evidence.timeline, None);
    }
}
