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
//!
//! [`cli_help_ko`] is the other kind of catalog: the command line's own
//! descriptions in Korean, for `--help` (the English is clap's doc comments).

pub mod cli_help_ko;
pub mod en;
pub mod ko;

use threadlings_schema::report::{
    CheckReport, Explanation, OutcomeRow, OutcomeTable, RaceFailure, SandboxFinding, Scenario,
    ScenarioOp, Trace, TraceCause, TraceExecution, TraceObject, TraceObjectWhat,
};

use crate::i18n::Lang;

/// An explanation in `lang`.
pub fn explanation(lang: Lang, e: &Explanation) -> String {
    match lang {
        Lang::En => en::explanation(e),
        Lang::Ko => ko::explanation(e),
    }
}

/// A failed race check's message in `lang`, with its expected and actual
/// values; `replay` keeps the check program's replay command and schedule.
pub fn race_failure(lang: Lang, r: &RaceFailure, replay: bool) -> String {
    match lang {
        Lang::En => en::race_failure(r),
        Lang::Ko => ko::race_failure(r, replay),
    }
}

/// A sandbox finding in `lang`.
pub fn finding(lang: Lang, f: &SandboxFinding) -> String {
    match lang {
        Lang::En => en::finding(f),
        Lang::Ko => ko::finding(f),
    }
}

/// Which execution a trace shows, in `lang`.
pub fn trace_execution(lang: Lang, e: &TraceExecution) -> String {
    match lang {
        Lang::En => en::trace_execution(e),
        Lang::Ko => ko::trace_execution(e),
    }
}

/// What went wrong in a trace, in `lang`.
pub fn trace_cause(lang: Lang, c: &TraceCause) -> String {
    match lang {
        Lang::En => en::trace_cause(c),
        Lang::Ko => ko::trace_cause(c),
    }
}

/// What a lock or atomic of a trace is, in `lang`.
pub fn trace_object_what(lang: Lang, w: &TraceObjectWhat) -> String {
    match lang {
        Lang::En => en::trace_object(w),
        Lang::Ko => ko::trace_object(w),
    }
}

/// A trace's execution label in `lang`. English is the label the report
/// carries (the English rendering of its `execution`); a trace without the
/// data (older than it, or made by hand) keeps its label in every language.
pub fn trace_label(lang: Lang, trace: &Trace) -> String {
    match (lang, &trace.execution) {
        (Lang::Ko, Some(e)) => ko::trace_execution(e),
        _ => trace.label.clone(),
    }
}

/// A trace's one sentence in `lang`: the report's own `summary` in
/// English, its `cause` worded in any other language (the last steps, when
/// it has none).
pub fn trace_summary(lang: Lang, trace: &Trace) -> String {
    match lang {
        Lang::En => trace.summary.clone(),
        Lang::Ko => ko::trace_cause(trace.cause.as_ref().unwrap_or(&TraceCause::Failed)),
    }
}

/// What a trace's object is in `lang`: its `detail` in English, its `what`
/// worded in any other language (the `detail`, when it has no data).
pub fn trace_object(lang: Lang, object: &TraceObject) -> String {
    match (lang, &object.what) {
        (Lang::Ko, Some(w)) => ko::trace_object(w),
        _ => object.detail.clone(),
    }
}

/// A litmus check's outcome table in `lang`.
pub fn outcome_table(lang: Lang, table: &OutcomeTable) -> String {
    match lang {
        Lang::En => table.to_text(),
        Lang::Ko => ko::outcome_table(table),
    }
}

/// A linearizability check's scenario in `lang`.
pub fn scenario(lang: Lang, scenario: &Scenario) -> String {
    match lang {
        Lang::En => scenario.to_text(),
        Lang::Ko => ko::scenario(scenario),
    }
}

// ---------------------------------------------------------------------------
// The pieces of a scenario and an outcome table the HTML report lays out as
// tables, in `lang` (the text layouts above are made of the same words).

/// The column headings of an outcome table.
pub fn outcome_headings(lang: Lang) -> [&'static str; 5] {
    match lang {
        Lang::En => en::OUTCOME_HEADINGS,
        Lang::Ko => ko::OUTCOME_HEADINGS,
    }
}

/// What an outcome table is of, with its result names.
pub fn outcome_caption(lang: Lang, table: &OutcomeTable) -> String {
    match lang {
        Lang::En => en::outcome_caption(table),
        Lang::Ko => ko::outcome_caption(table),
    }
}

/// An outcome's class, whether the model allows it, how often it was seen
/// here and its verdict, in `lang`.
pub fn outcome_cells(lang: Lang, row: &OutcomeRow) -> [String; 4] {
    match lang {
        Lang::En => en::outcome_cells(row),
        Lang::Ko => ko::outcome_cells(row),
    }
}

/// The notes under an outcome table, in `lang`.
pub fn outcome_notes(lang: Lang, table: &OutcomeTable) -> Vec<String> {
    match lang {
        Lang::En => en::outcome_notes(table),
        Lang::Ko => ko::outcome_notes(table),
    }
}

/// What a scenario is of.
pub fn scenario_caption(lang: Lang, scenario: &Scenario) -> String {
    match lang {
        Lang::En => en::scenario_caption(scenario),
        Lang::Ko => ko::scenario_caption(scenario),
    }
}

/// The heading of a scenario's thread column.
pub fn scenario_thread(lang: Lang, index: usize) -> String {
    match lang {
        Lang::En => en::scenario_thread(index),
        Lang::Ko => ko::scenario_thread(index),
    }
}

/// What an operation of a scenario returned, or that it did not return.
pub fn scenario_result(lang: Lang, op: &ScenarioOp) -> &str {
    match lang {
        Lang::En => en::scenario_result(op),
        Lang::Ko => ko::scenario_result(op),
    }
}

/// Why no order explains a scenario's results and how it was found, one
/// line each, in `lang`.
pub fn scenario_lines(lang: Lang, scenario: &Scenario) -> Vec<String> {
    match lang {
        Lang::En => en::scenario_lines(scenario),
        Lang::Ko => ko::scenario_lines(scenario),
    }
}

/// The heading of a scenario's operation-level interleaving.
pub fn scenario_interleaving(lang: Lang) -> &'static str {
    match lang {
        Lang::En => en::SCENARIO_INTERLEAVING,
        Lang::Ko => ko::SCENARIO_INTERLEAVING,
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
#[derive(Debug, Clone, Copy, PartialEq)]
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

/// What a check program's own replay line looks like: `render` asks `own`
/// whether it keeps it.
const REPLAY_PROBE: &str = "seed 1; replay: cargo run";

/// `check`'s message in `lang`; `own` shapes a check program's own text
/// (the human report drops its replay incantations unless verbose). A race
/// check's failure is worded from its data (`CheckReport::race`) in any
/// language but English, the author's and the code's words quoted.
pub fn render(lang: Lang, check: &CheckReport, own: &dyn Fn(&str) -> String) -> String {
    if lang == Lang::En && check.explanation.is_none() && check.findings.is_empty() {
        return own(&check.message);
    }
    let (head, findings) = parts(check);
    let mut text = match (head, &check.race) {
        // The kit's verdict keeps the check program's replay command
        // exactly where its English (`own`) does.
        (Head::Grader(Explanation::KitFailed { failure }), _) => match lang {
            Lang::En => own(&en::kit_failure(failure)),
            Lang::Ko => {
                let replay = !own(REPLAY_PROBE).trim().is_empty();
                own(&ko::kit_failure(failure, replay))
            }
        },
        (Head::Grader(e), _) => explanation(lang, e),
        (Head::Own(_), Some(race)) if lang == Lang::Ko => {
            // The replay command and schedule the check program wrote stay
            // exactly when `own` keeps them in its English.
            let replay = !own(REPLAY_PROBE).trim().is_empty();
            // A linearizability check's model check or exploration: the
            // kit's invariant about its scenario's object, in Korean.
            let lin = check
                .scenario
                .as_ref()
                .and_then(|s| ko::lin_race(race, &s.label));
            own(&ko::race_failure(lin.as_ref().unwrap_or(race), replay))
        }
        (Head::Own(text), _) => own(text),
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
        Explanation::PassedLeavingProcesses,
        Explanation::PassedBesideForgedLines,
        Explanation::SeveralVerdicts,
        Explanation::SupervisorLost,
        Explanation::ProtocolMismatch { lines: 2 },
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
            kit: None,
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
    explanations.extend(kit_samples());
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

/// One of every skip and failure the kit words as data, inside the
/// explanation that carries it.
pub fn kit_samples() -> Vec<Explanation> {
    use threadlings_schema::report::{KitFailure, KitSkip, MachineCores, RaceBuild, RaceReplay};
    let s = str::to_string;
    let cores = |affinity, quota| MachineCores {
        usable: 1,
        available: 2,
        affinity,
        quota,
    };
    let replay = RaceReplay {
        seed: 7,
        command: s("cargo run -p check-build_a_channel -- fifo_per_sender --seed 7"),
    };
    let skips = [
        KitSkip::OtherBuild {
            build: RaceBuild::Loom,
            what: s("two racing sends"),
        },
        KitSkip::OtherBuild {
            build: RaceBuild::Shuttle,
            what: s("two racing sends"),
        },
        KitSkip::TooFewCores {
            needed: 2,
            cores: cores(Some(1), None),
        },
        KitSkip::BusyMachine {
            threads: 4,
            machine_floor: 1.5,
            decisive_busy: 1.4,
            decisive_rounds: 1,
            rounds: 12,
            rounds_to_fail: 3,
            cores: cores(None, Some(1.5)),
        },
    ];
    let speedup = |most_busy| KitFailure::Speedup {
        what: s("parallel_sum(4000000 items, 4 workers)"),
        threads: 4,
        decisive_rounds: 3,
        most_busy,
        required: 1.45,
        machine: 1.9,
        candidate: 0.98,
        candidate_ms: 101.4,
        baseline_ms: 99.6,
        rounds: 12,
    };
    let failures = [
        speedup(1.0),
        speedup(1.8),
        KitFailure::Latency {
            what: s("fetch_all(12 resources, at most 3 at once)"),
            concurrent_ms: 200.0,
            limit_ms: 700.0,
            best_ms: 1203.7,
            tries: 3,
            sequential_ms: 1200.0,
        },
        KitFailure::NotLinearizable {
            label: s("Channel::bounded(2)"),
            scenario: String::new(),
            replay: replay.clone(),
        },
        KitFailure::LinPanic {
            panic: s("thread 1: Recv panicked: index out of bounds"),
            label: s("Channel::bounded(2)"),
            replay: replay.clone(),
        },
        KitFailure::LinUnfinished {
            label: s("Channel::bounded(2)"),
            race: Box::new(threadlings_schema::report::RaceFailure::Hang {
                run: threadlings_schema::report::WatchedRun::Run {
                    what: KitFailure::lin_stress_run_english("Channel::bounded(2)"),
                },
                limit_ms: 20_000,
                threads: Vec::new(),
            }),
            scenario: Some(String::new()),
            replay: replay.clone(),
        },
        KitFailure::LitmusForbidden {
            tool: threadlings_schema::report::LitmusTool::Model,
            label: s("message passing through the Mailbox"),
            outcomes: vec![s("flag=1 words=0 (none of the words)")],
            table: String::new(),
            replay: replay.clone(),
        },
        KitFailure::LitmusForbidden {
            tool: threadlings_schema::report::LitmusTool::Stress,
            label: s("message passing through the Mailbox"),
            outcomes: vec![s("flag=1 words=0 (none of the words)")],
            table: String::new(),
            replay,
        },
    ];
    let mut out: Vec<Explanation> = skips
        .into_iter()
        .map(|kit| Explanation::Skipped {
            reason: kit.to_english(),
            kit: Some(kit),
        })
        .collect();
    out.extend(
        failures
            .into_iter()
            .map(|failure| Explanation::KitFailed { failure }),
    );
    out
}

/// One of every trace cause, execution and object description, for the
/// catalogs' tests and the report tests that must cover them all.
pub fn trace_samples() -> (Vec<TraceCause>, Vec<TraceExecution>, Vec<TraceObjectWhat>) {
    use threadlings_schema::report::TraceLockKind;
    let s = str::to_string;
    let mut causes = Vec::new();
    for stale_read in [false, true] {
        causes.push(TraceCause::LostUpdate {
            object: s("mutex #1"),
            reader: s("adder-1"),
            read: s("0"),
            writer: s("add(1) on thread 2"),
            overwritten: s("1"),
            stored: s("1"),
            stale_read,
        });
    }
    causes.push(TraceCause::StaleRead {
        object: s("atomic #1"),
        reader: s("main"),
        read: s("0"),
        writer: s("writer"),
        stored: s("1"),
    });
    for waiters in [
        vec![s("consumer-0")],
        vec![s("consumer-0"), s("consumer-1")],
    ] {
        for last_notify in [Some(s("producer")), None] {
            causes.push(TraceCause::LostWakeup {
                condvar: s("condvar #2"),
                waiters: waiters.clone(),
                last_notify,
            });
        }
    }
    causes.push(TraceCause::Deadlock {
        threads: vec![s("philosopher-0")],
    });
    causes.push(TraceCause::Deadlock {
        threads: vec![s("philosopher-0"), s("philosopher-1")],
    });
    causes.push(TraceCause::Failed);
    let executions = vec![
        TraceExecution::Stress {
            round: 3,
            rounds: 150,
        },
        TraceExecution::Exploration {
            schedule: 2,
            schedules: 1000,
        },
        TraceExecution::Model { execution: 7 },
    ];
    let mut objects = Vec::new();
    for lock in [
        TraceLockKind::Mutex,
        TraceLockKind::Rwlock,
        TraceLockKind::Condvar,
        TraceLockKind::Barrier,
    ] {
        for protects in [Some(s("u64")), None] {
            objects.push(TraceObjectWhat::Lock {
                lock,
                protects,
                created_at: s("src/lib.rs:61:20"),
            });
        }
    }
    objects.push(TraceObjectWhat::Atomic {
        type_name: s("AtomicBool"),
    });
    (causes, executions, objects)
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
    const QUOTED: &[&str] = &[
        "index out of bounds",
        "No such file or directory",
        "message passing through the Mailbox",
        "none of the words",
    ];

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

    #[test]
    fn every_trace_cause_reads_in_each_language() {
        let (causes, executions, _) = trace_samples();
        for c in &causes {
            let english = trace_cause(Lang::En, c);
            let korean = trace_cause(Lang::Ko, c);
            assert!(!english.is_empty() && !has_hangul(&english), "{english}");
            assert!(has_hangul(&korean), "not Korean: {korean}");
            for phrase in english_phrases(&english) {
                assert!(!korean.contains(&phrase), "{phrase} left in {korean}");
            }
            // The trace's own names (a thread named after its operation)
            // stay as they are.
            let words = korean.replace("add(1) on thread 2", "");
            for word in ["thread ", "read ", "wait", "store", "lost", "marked"] {
                assert!(!words.contains(word), "{c:?}: {word} in {korean}");
            }
        }
        for e in &executions {
            let korean = trace_execution(Lang::Ko, e);
            assert!(has_hangul(&korean), "not Korean: {korean}");
            for word in ["round", "schedule", "execution", " of "] {
                assert!(!korean.contains(word), "{e:?}: {word} in {korean}");
            }
        }
    }

    #[test]
    fn every_trace_object_reads_in_each_language() {
        let (_, _, objects) = trace_samples();
        for w in &objects {
            let english = trace_object_what(Lang::En, w);
            let korean = trace_object_what(Lang::Ko, w);
            assert!(!has_hangul(&english), "{english}");
            if matches!(w, TraceObjectWhat::Atomic { .. }) {
                // An atomic is its type's name in every language.
                assert_eq!(korean, english);
                continue;
            }
            assert!(has_hangul(&korean), "not Korean: {korean}");
            for word in ["protecting", "created at"] {
                assert!(!korean.contains(word), "{w:?}: {word} in {korean}");
            }
        }
    }

    #[test]
    fn the_trace_english_is_the_one_the_kit_has_always_sent() {
        let (causes, executions, objects) = trace_samples();
        assert_eq!(
            en::trace_cause(&causes[0]),
            "thread adder-1 read 0 from mutex #1, then thread “add(1) on thread 2” stored 1; \
             adder-1's store of 1 overwrote add(1) on thread 2's store of 1 without reading it: \
             one update was lost."
        );
        assert_eq!(
            en::trace_cause(&causes[1]),
            "thread adder-1 read 0 from mutex #1 although thread “add(1) on thread 2” had \
             stored 1 there (nothing ordered that store before the load); adder-1's store of 1 \
             overwrote add(1) on thread 2's store of 1: one update was lost."
        );
        assert_eq!(
            en::trace_cause(&causes[3]),
            "consumer-0 waits on condvar #2 (marked), and no notify on condvar #2 came after: \
             the last one, by producer, came before the wait started, so it cannot end it. \
             Nothing is left to wake it: a lost wake-up."
        );
        assert_eq!(
            en::trace_cause(&causes[6]),
            "consumer-0, consumer-1 wait on condvar #2 (marked), and no thread ever notified \
             condvar #2. Nothing is left to wake them: a lost wake-up."
        );
        assert_eq!(
            en::trace_cause(&causes[7]),
            "no thread can run: philosopher-0 waits at its last request (marked) for what \
             another thread holds or has yet to do."
        );
        let labels: Vec<String> = executions.iter().map(en::trace_execution).collect();
        assert_eq!(
            labels,
            [
                "stress round 3 of 150",
                "shuttle schedule 2 of 1000",
                "loom execution 7"
            ]
        );
        assert_eq!(
            en::trace_object(&objects[0]),
            "mutex protecting u64, created at src/lib.rs:61:20"
        );
        assert_eq!(
            en::trace_object(&objects[5]),
            "condvar, created at src/lib.rs:61:20"
        );
        assert_eq!(
            ko::trace_object(&objects[0]),
            "u64을(를) 보호하는 mutex, src/lib.rs:61:20에서 생성"
        );
        assert_eq!(ko::trace_execution(&executions[1]), "shuttle 스케줄 2/1000");
    }

    fn report(message: &str, findings: Vec<SandboxFinding>) -> CheckReport {
        use threadlings_schema::report::{CheckKind, CheckStatus};
        CheckReport {
            message: message.to_string(),
            findings,
            ..CheckReport::without_evidence("c", CheckKind::Test, CheckStatus::Failed, 1.0, 1)
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
