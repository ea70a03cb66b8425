//! The wire protocol between a check program and the grader.
//!
//! A check program runs one check per process. It reports on a dedicated file
//! descriptor (never stdout or stderr, which student code can write to), one JSON
//! object per line, each stamped with a per-run nonce that the grader hands over
//! on fd 4 (a pipe holding only the nonce, named by `NONCE_FD_ENV`), which the
//! harness drains and closes before any student code runs. The grader ignores
//! lines without the nonce, fails a check whose channel carries lines the harness
//! did not write, and flags the submission (docs/sandbox.md).

use serde::{Deserialize, Serialize};

use crate::report::{
    Coverage, KitFailure, KitSkip, OutcomeTable, RaceFailure, Scenario, Timeline, Trace,
};

/// Environment variable naming the file descriptor the harness reports on.
pub const RESULT_FD_ENV: &str = "THREADLINGS_RESULT_FD";
/// Environment variable carrying the nonce that stamps every report line.
pub const NONCE_ENV: &str = "THREADLINGS_NONCE";
/// The file descriptor the grader sets up for the result channel.
pub const RESULT_FD: i32 = 3;
/// Environment variable naming the file descriptor the nonce is read from: a
/// pipe holding only the nonce, which the harness drains and closes before any
/// student code runs. (A nonce in the environment would stay readable in
/// `/proc/self/environ` after `remove_var`.) `NONCE_ENV` remains for running
/// a check program by hand.
pub const NONCE_FD_ENV: &str = "THREADLINGS_NONCE_FD";
/// The file descriptor the grader hands the nonce on.
pub const NONCE_FD: i32 = 4;

/// One line on the result channel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    pub nonce: String,
    pub message: Message,
}

/// What a check program says about the check it runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Message {
    /// The harness is about to run the named check (sent before student code runs).
    Started { check: String, seed: u64 },
    /// The check reached a verdict.
    Finished { check: String, verdict: Verdict },
    /// What a timing check saw (sent before `Finished`; the last one counts):
    /// when each task started and ended, and on which thread.
    Evidence { check: String, timeline: Timeline },
    /// What a linearizability check saw (sent before `Finished`; the last
    /// one counts): the scenario, each result, what no order explains.
    Scenario { check: String, scenario: Scenario },
    /// What a litmus check saw (sent before `Finished`; the last one
    /// counts): its outcome table.
    Outcomes { check: String, table: OutcomeTable },
    /// What a failed race check saw (sent before `Finished`; the last one
    /// counts): the failing execution's interleaving.
    Trace { check: String, trace: Trace },
    /// What a race check covered (sent before `Finished`; the last one
    /// counts).
    Coverage { check: String, coverage: Coverage },
    /// The check author's words in Korean: `ko` is the Korean of `en`, an
    /// English sentence the check wrote (with the kit's `t!`). Sent once per
    /// sentence, before the report that may quote it; the grader words the
    /// human and HTML reports in Korean with these pairs.
    Words { en: String, ko: String },
    /// The code under test tried to open this process's memory or the
    /// grader's descriptors (sent before `Finished`; see the kit's tripwire).
    Tampered { check: String, opened: Vec<String> },
}

/// The verdict of one check, as reported by the check program itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Verdict {
    Passed,
    /// The check ran to the end and found the answer wrong.
    Failed(Failure),
    /// The code under test panicked (the panic was caught by the harness).
    Panicked {
        message: String,
        location: Option<String>,
    },
    /// The code under test still hits a `todo!()` stub.
    NotStarted {
        message: String,
    },
    /// The check could not run meaningfully here (for example a speedup check
    /// on a single core); it neither gains nor loses points.
    Skipped {
        reason: String,
        /// Why, as data, when the kit skipped it: `reason` is its English.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kit: Option<KitSkip>,
    },
}

/// Why a check failed, written for a student to act on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    /// What went wrong, in one or two sentences.
    pub message: String,
    /// What the check expected, if it compared values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// What the code produced instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// What a race check found, as data, when the race kit wrote the
    /// message: `message` is its English rendering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// (Boxed: it is big, and most failures have none.)
    pub race: Option<Box<RaceFailure>>,
    /// What a timing or linearizability check found, as data, when the kit
    /// wrote the message (and the expected and actual values): they are
    /// its English rendering. (Boxed, as `race`.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kit: Option<Box<KitFailure>>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            expected: None,
            actual: None,
            race: None,
            kit: None,
        }
    }

    /// A race check's failure: the message is `race`'s English rendering,
    /// expected and actual the violated invariant's values, if any.
    pub fn race(race: RaceFailure) -> Self {
        let (expected, actual) = match race.violation() {
            Some(v) => (v.expected.clone(), Some(v.seen.clone())),
            None => (None, None),
        };
        Failure {
            message: race.to_english(),
            expected,
            actual,
            race: Some(Box::new(race)),
            kit: None,
        }
    }

    /// A timing or linearizability check's failure, worded by the kit:
    /// message, expected and actual are `kit`'s English rendering.
    pub fn kit(kit: KitFailure) -> Self {
        Failure {
            message: kit.to_english(),
            expected: kit.expected_english(),
            actual: kit.actual_english(),
            race: None,
            kit: Some(Box::new(kit)),
        }
    }

    /// The kit's data, if the message and values are still its English (a
    /// check that rewords the kit's failure keeps its own words).
    pub fn kit_data(&self) -> Option<&KitFailure> {
        self.kit.as_deref().filter(|kit| {
            kit.to_english() == self.message
                && kit.expected_english() == self.expected
                && kit.actual_english() == self.actual
        })
    }

    pub fn expected(mut self, expected: impl Into<String>) -> Self {
        self.expected = Some(expected.into());
        self
    }

    pub fn actual(mut self, actual: impl Into<String>) -> Self {
        self.actual = Some(actual.into());
        self
    }

    /// The failure as the lines a report shows.
    pub fn render(&self) -> String {
        let mut out = self.message.clone();
        if let Some(expected) = &self.expected {
            out.push_str("\n  expected: ");
            out.push_str(expected);
        }
        if let Some(actual) = &self.actual {
            out.push_str("\n  actual:   ");
            out.push_str(actual);
        }
        out
    }
}

impl Envelope {
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).expect("protocol types always serialize");
        line.push('\n');
        line
    }
}
