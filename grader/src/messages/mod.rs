//! The explanations the grader writes into a check report, worded once per
//! language. Producers (the score stage, the sandbox, the facade scan) put
//! what happened into the report as data ([`Explanation`],
//! [`SandboxFinding`]) and take the English `message` the JSON keeps from
//! [`en`]; the human report words the same data in the reader's language.
//!
//! This replaces matching English sentences back against templates to
//! translate them: each catalog is an exhaustive `match`, so an explanation
//! without its Korean words does not compile, and rewording the English
//! cannot leave the Korean behind. A message the grader did not write (a
//! check program's own failure text, a compiler error) has no explanation
//! and is printed as it is.

pub mod en;
pub mod ko;

use threadlings_schema::report::{CheckReport, Explanation, SandboxFinding};

use crate::i18n::Lang;

/// An explanation in `lang`.
pub fn explanation(lang: Lang, e: &Explanation) -> String {
    match lang {
        Lang::En => en::explanation(e),
        Lang::Ko => ko::explanation(e),
    }
}

/// A sandbox finding in `lang`.
pub fn finding(lang: Lang, f: &SandboxFinding) -> String {
    match lang {
        Lang::En => en::finding(f),
        Lang::Ko => ko::finding(f),
    }
}

/// A check's message as the JSON report keeps it: `head` (the English
/// rendering of the explanation, or the check program's own text), then each
/// finding after `; `.
pub fn message(head: &str, findings: &[SandboxFinding]) -> String {
    let mut message = head.to_string();
    for f in findings {
        message.push_str("; ");
        message.push_str(&en::finding(f));
    }
    message
}

/// What a check report says, split into the part the grader worded and the
/// part a check program wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Head<'a> {
    /// The grader's own explanation.
    Grader(&'a Explanation),
    /// The check program's own text (never translated).
    Own(&'a str),
}

/// `check`'s message as its head and its sandbox findings. The head of a
/// message with findings but no explanation is the message without the
/// findings' English rendering, which the same catalog appended; a report
/// whose message does not end that way (edited, or older than findings as
/// data) gives its whole message and no findings.
pub fn parts(check: &CheckReport) -> (Head<'_>, &[SandboxFinding]) {
    if let Some(e) = &check.explanation {
        return (Head::Grader(e), &check.findings);
    }
    let suffix = message("", &check.findings);
    match check.message.strip_suffix(suffix.as_str()) {
        Some(own) => (Head::Own(own), &check.findings),
        None => (Head::Own(&check.message), &[]),
    }
}

/// `check`'s message in `lang`; `own` shapes a check program's own text
/// (the human report drops its replay incantations unless verbose).
pub fn render(lang: Lang, check: &CheckReport, own: &dyn Fn(&str) -> String) -> String {
    if lang == Lang::En && check.explanation.is_none() && check.findings.is_empty() {
        return own(&check.message);
    }
    let (head, findings) = parts(check);
    let mut text = match head {
        Head::Grader(e) => explanation(lang, e),
        Head::Own(text) => own(text),
    };
    for f in findings {
        text.push_str("; ");
        text.push_str(&finding(lang, f));
    }
    text
}

/// Whether `check` failed only because a task it uses still calls
/// `todo!()`. Reports written before explanations were data say so only in
/// their message's first words.
pub fn is_not_started(check: &CheckReport) -> bool {
    match &check.explanation {
        Some(Explanation::NotStarted { .. } | Explanation::StubsUntouched) => true,
        Some(_) => false,
        None => check.message.starts_with(en::NOT_STARTED),
    }
}

/// A size of output: whole MB from 10 MB on, else KB rounded up.
fn human_bytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= 10 * MB {
        format!("{} MB", bytes / MB)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// A time limit in whole seconds, as the reports have always shown it.
fn whole_seconds(ms: u64) -> String {
    format!("{:.0}", ms as f64 / 1000.0)
}

/// One of every explanation and finding, for the catalogs' tests and the
/// report tests that must cover them all.
pub fn samples() -> (Vec<Explanation>, Vec<SandboxFinding>) {
    use threadlings_schema::report::{Crash, FacadeUse};
    let mut explanations = vec![
        Explanation::ChecksDoNotCompile,
        Explanation::DoesNotCompile {
            package: "threads".to_string(),
        },
        Explanation::NoSources,
        Explanation::VariantDoesNotCompile {
            variant: "loom".to_string(),
        },
        Explanation::Timeout {
            limit_ms: 30_000,
            check: "shutdown_joins_everything".to_string(),
        },
        Explanation::ExitedEarly { code: 3 },
        Explanation::NotRun {
            error: "No such file or directory (os error 2)".to_string(),
        },
        Explanation::NotStarted {
            detail: "not yet implemented".to_string(),
        },
        Explanation::StubsUntouched,
        Explanation::Panicked {
            location: Some("src/lib.rs:12:5".to_string()),
            message: "index out of bounds".to_string(),
        },
        Explanation::Panicked {
            location: None,
            message: "boom".to_string(),
        },
        Explanation::Skipped {
            reason: "only one core".to_string(),
        },
        Explanation::OffFacade {
            uses: vec![
                FacadeUse {
                    file: "src/lib.rs".to_string(),
                    line: 3,
                    what: "`std::sync::Mutex`".to_string(),
                },
                FacadeUse {
                    file: "src/lib.rs".to_string(),
                    line: 9,
                    what: "`unsafe`".to_string(),
                },
            ],
            more: 2,
        },
    ];
    for crash in [
        Crash::StackOverflow,
        Crash::Abort,
        Crash::SegmentationFault,
        Crash::BusError,
        Crash::Killed,
        Crash::ArithmeticError,
        Crash::IllegalInstruction,
        Crash::CpuTimeLimit,
        Crash::BrokenPipe,
        Crash::FileSizeLimit,
        Crash::Signal(10),
    ] {
        for after_finish in [false, true] {
            explanations.push(Explanation::Crashed {
                crash,
                after_finish,
            });
        }
    }
    let findings = vec![
        SandboxFinding::OutOfMemory {
            limit_mb: 64,
            peak_mb: 68,
        },
        SandboxFinding::TaskLimit { limit: 16 },
        SandboxFinding::FileSize { limit_mb: 8 },
        SandboxFinding::OutputTruncated {
            total_bytes: 30 * 1024 * 1024,
            kept_kb: 8,
        },
        SandboxFinding::LeftoverProcesses { count: 1 },
        SandboxFinding::LeftoverProcesses { count: 3 },
        SandboxFinding::ResultChannelForged { lines: 2 },
        SandboxFinding::ForbiddenOpen,
        SandboxFinding::VerdictShapedOutput,
    ];
    (explanations, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_hangul(text: &str) -> bool {
        text.chars().any(|c| ('가'..='힣').contains(&c))
    }

    /// The English words of a rendering: runs of at least four words made
    /// of ASCII letters, with the values the sample put in left out.
    fn english_phrases(text: &str) -> Vec<String> {
        let mut phrases = Vec::new();
        let mut run: Vec<&str> = Vec::new();
        for word in text.split_whitespace() {
            let plain = word.trim_matches(|c: char| !c.is_ascii_alphabetic());
            if !plain.is_empty() && plain.chars().all(|c| c.is_ascii_alphabetic()) {
                run.push(plain);
            } else {
                if run.len() >= 4 {
                    phrases.push(run.join(" "));
                }
                run.clear();
            }
        }
        if run.len() >= 4 {
            phrases.push(run.join(" "));
        }
        phrases
    }

    /// Values of the samples that are English on purpose: the check's or
    /// the student's own words.
    const QUOTED: &[&str] = &["index out of bounds", "No such file or directory"];

    #[test]
    fn every_explanation_reads_in_each_language() {
        let (explanations, _) = samples();
        for e in &explanations {
            let english = en::explanation(e);
            let korean = ko::explanation(e);
            assert!(!english.is_empty() && !has_hangul(&english), "{english}");
            assert!(has_hangul(&korean), "not Korean: {korean}");
            for phrase in english_phrases(&english) {
                if QUOTED
                    .iter()
                    .any(|q| phrase.contains(q) || q.contains(&phrase))
                {
                    continue;
                }
                assert!(
                    !korean.contains(&phrase),
                    "English left in the Korean of {e:?}: {phrase}\n{korean}"
                );
            }
            assert_eq!(explanation(Lang::En, e), english);
            assert_eq!(explanation(Lang::Ko, e), korean);
        }
    }

    #[test]
    fn every_finding_reads_in_each_language() {
        let (_, findings) = samples();
        for f in &findings {
            let english = en::finding(f);
            let korean = ko::finding(f);
            assert!(!has_hangul(&english), "{english}");
            assert!(has_hangul(&korean), "not Korean: {korean}");
            assert!(!korean.contains("; "), "a finding is one clause: {korean}");
            for phrase in english_phrases(&english) {
                assert!(!korean.contains(&phrase), "{phrase} left in {korean}");
            }
        }
    }

    #[test]
    fn the_english_wording_is_the_one_reports_have_always_had() {
        let timeout = Explanation::Timeout {
            limit_ms: 30_000,
            check: "shutdown".to_string(),
        };
        assert_eq!(
            en::explanation(&timeout),
            "did not finish within 30 s: possible deadlock or infinite loop in `shutdown` \
             (threads waiting for each other, a lost wake-up, or a loop that never ends)"
        );
        assert_eq!(
            ko::explanation(&timeout),
            "30초 안에 끝나지 않았습니다: `shutdown`에서 교착 상태나 무한 루프가 의심됩니다(서로를 \
             기다리는 스레드, 놓친 깨우기 신호, 끝나지 않는 루프)"
        );
        assert_eq!(
            en::finding(&SandboxFinding::OutputTruncated {
                total_bytes: 3 << 30,
                kept_kb: 8
            }),
            "printed 3072 MB of output; the report keeps the first and last 8 KB"
        );
        assert_eq!(
            en::finding(&SandboxFinding::LeftoverProcesses { count: 2 }),
            "2 processes started by the code under test were still running after the check \
             ended and were killed: every process it starts must end (and be waited for) \
             before it returns"
        );
        assert!(
            en::explanation(&Explanation::StubsUntouched).starts_with(en::NOT_STARTED),
            "the not-started status word keys on this prefix"
        );
    }

    fn report(message: &str, findings: Vec<SandboxFinding>) -> CheckReport {
        use threadlings_schema::report::{CheckKind, CheckStatus};
        CheckReport {
            name: "c".to_string(),
            kind: CheckKind::Test,
            status: CheckStatus::Failed,
            score: 0.0,
            max_score: 1.0,
            message: message.to_string(),
            explanation: None,
            findings,
            duration_ms: 0,
            seed: 1,
            replay: None,
            output: None,
            timeline: None,
            scenario: None,
            outcomes: None,
            trace: None,
            coverage: None,
        }
    }

    #[test]
    fn a_checks_own_text_stays_and_its_findings_are_worded_per_language() {
        let findings = vec![SandboxFinding::LeftoverProcesses { count: 2 }];
        let own = "the counter lost updates; 3 of 4000 are missing";
        let checked = report(&message(own, &findings), findings);
        let same = |text: &str| text.to_string();
        assert_eq!(render(Lang::En, &checked, &same), checked.message);
        let korean = render(Lang::Ko, &checked, &same);
        assert!(korean.starts_with(&format!("{own}; ")), "{korean}");
        assert!(korean.contains("프로세스 2개"), "{korean}");
        // A message that does not end in its findings' English is kept whole.
        let edited = report("edited by hand", vec![SandboxFinding::ForbiddenOpen]);
        assert_eq!(render(Lang::Ko, &edited, &same), "edited by hand");
    }
}
