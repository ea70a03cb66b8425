//! The English catalog: the one place the grader's own explanations are
//! worded in English. The score stage, the sandbox and the facade scan
//! render their `CheckReport.message` from here (the JSON keeps that
//! rendering), and the English human report prints it.
//!
//! Each function is an exhaustive `match` over its enum: a new explanation
//! does not compile until it has its English words (and, in `ko.rs`, its
//! Korean ones). Keep the wording stable: JSON readers and reviews' tests
//! compare these sentences.

use threadlings_schema::report::{
    Crash, Explanation, KitFailure, KitSkip, OutcomeRow, OutcomeTable, RaceFailure, SandboxFinding,
    Scenario, ScenarioOp, TraceCause, TraceExecution, TraceObjectWhat,
};

/// The start of every "a task still calls `todo!()`" explanation; the human
/// report keys its "not started" status word on it for reports written
/// before explanations were data.
pub const NOT_STARTED: &str = "not started yet: a task this check uses still calls todo!()";

/// An explanation in English.
pub fn explanation(e: &Explanation) -> String {
    match e {
        Explanation::ChecksDoNotCompile => {
            "the hidden checks do not compile against your code: did you change a public \
             function's name or signature? Keep the API given in src/lib.rs."
                .to_string()
        }
        Explanation::DoesNotCompile { package } => format!(
            "your code does not compile; fix the errors below (`cargo build -p {package}` shows \
             them in colour)"
        ),
        Explanation::NoSources => {
            "no sources for this exercise in the graded directory (expected NN-topic/src/)"
                .to_string()
        }
        Explanation::VariantDoesNotCompile { variant } => format!(
            "the `{variant}` build of the checks does not compile with your code. Exercises \
             checked this way must use the course's `threadlings::sync` and \
             `threadlings::thread` instead of `std::sync` and `std::thread`, and keep locks \
             and atomics out of `static`s (a model check creates them afresh for every \
             interleaving it explores)."
        ),
        Explanation::Timeout { limit_ms, check } => format!(
            "did not finish within {} s: possible deadlock or infinite loop in `{check}` \
             (threads waiting for each other, a lost wake-up, or a loop that never ends)",
            super::whole_seconds(*limit_ms)
        ),
        Explanation::Crashed {
            crash,
            after_finish,
        } => {
            let after = if *after_finish {
                " after the check finished (a thread left running crashed the process)"
            } else {
                ""
            };
            format!("crashed: {}{after}", self::crash(*crash))
        }
        Explanation::ExitedEarly { code } => format!(
            "the process exited (code {code}) before the check finished: does the code call \
             std::process::exit, or panic while panicking?"
        ),
        Explanation::NotRun { error } => {
            format!("the check program could not be started: {error}")
        }
        Explanation::PassedLeavingProcesses => {
            "the check passed, but the code under test left processes running".to_string()
        }
        Explanation::SeveralVerdicts => "more than one verdict arrived on the result channel: \
                                         something other than the check harness wrote to it, \
                                         so none of them counts"
            .to_string(),
        Explanation::SupervisorLost => "the check's supervisor process was killed before it \
                                        reported (by the code under test?), so the check \
                                        cannot be judged"
            .to_string(),
        Explanation::ProtocolMismatch { lines } => format!(
            "the check program reported in a protocol this grader does not know ({lines} line(s) with this run's secret did not parse): \
             the grader and the check programs were built from different sources; run the \
             grader with `cargo run -p grader` so both are rebuilt"
        ),
        Explanation::PassedBesideForgedLines => "the check's result cannot be trusted: the code \
                                                 under test spoke on the grader's behalf"
            .to_string(),
        Explanation::NotStarted { detail } => format!("{NOT_STARTED} ({detail})"),
        Explanation::StubsUntouched => format!(
            "{NOT_STARTED} (the sources are still the course's stubs; the checks run once you \
             change them)"
        ),
        Explanation::Panicked {
            location: Some(location),
            message,
        } => format!("panicked at {location}: {message}"),
        Explanation::Panicked {
            location: None,
            message,
        } => format!("panicked: {message}"),
        Explanation::Skipped { reason, .. } => format!("skipped: {reason}"),
        Explanation::KitFailed { failure } => kit_failure(failure),
        Explanation::OffFacade { uses, more } => {
            let shown: Vec<String> = uses
                .iter()
                .map(|u| format!("{}:{} uses {}", u.file, u.line, u.what))
                .collect();
            let more = match more {
                0 => String::new(),
                n => format!(" (and {n} more)"),
            };
            format!(
                "not graded: this race check watches your locks, atomics and threads through the \
                 course facade, but {}{more}. Take them from threadlings::sync and \
                 threadlings::thread (same names and methods as std) and do without `unsafe` \
                 unless the exercise asks for it; then this check grades your answer.",
                shown.join("; ")
            )
        }
    }
}

/// What a crash was, after `crashed: `.
fn crash(crash: Crash) -> String {
    match crash {
        Crash::StackOverflow => {
            "stack overflow (unbounded recursion, or a huge value on the stack)"
        }
        Crash::Abort => {
            "aborted (SIGABRT): std::process::abort, a panic that could not unwind, or a failed \
             allocation"
        }
        Crash::SegmentationFault => {
            "segmentation fault (SIGSEGV): invalid memory access in unsafe code"
        }
        Crash::BusError => "bus error (SIGBUS): invalid memory access",
        Crash::Killed => "killed (SIGKILL): out of memory, or a resource limit",
        Crash::ArithmeticError => "arithmetic error (SIGFPE)",
        Crash::IllegalInstruction => "illegal instruction (SIGILL)",
        Crash::CpuTimeLimit => "CPU time limit exceeded (SIGXCPU)",
        Crash::BrokenPipe => "broken pipe (SIGPIPE)",
        Crash::FileSizeLimit => "file size limit exceeded (SIGXFSZ)",
        Crash::Signal(signal) => return format!("killed by signal {signal}"),
    }
    .to_string()
}

/// One sandbox finding in English.
pub fn finding(f: &SandboxFinding) -> String {
    match f {
        SandboxFinding::OutOfMemory { limit_mb, peak_mb } => format!(
            "out of memory: an allocation failed at the check's memory limit of {limit_mb} MB \
             (peak resident memory {peak_mb} MB); unbounded growth, or a collection that is \
             never emptied?"
        ),
        SandboxFinding::TaskLimit { limit } => format!(
            "reached the task limit: at most {limit} threads and processes may run at once; \
             threads or processes started without bound?"
        ),
        SandboxFinding::FileSize { limit_mb } => {
            format!("a file grew past the check's file size limit of {limit_mb} MB")
        }
        SandboxFinding::OutputTruncated {
            total_bytes,
            kept_kb,
        } => format!(
            "printed {} of output; the report keeps the first and last {kept_kb} KB",
            super::human_bytes(*total_bytes)
        ),
        SandboxFinding::LeftoverProcesses { count: 1 } => {
            "1 process started by the code under test was still running after the check ended \
             and was killed: every process it starts must end (and be waited for) before it \
             returns"
                .to_string()
        }
        SandboxFinding::LeftoverProcesses { count } => format!(
            "{count} processes started by the code under test were still running after the \
             check ended and were killed: every process it starts must end (and be waited for) \
             before it returns"
        ),
        SandboxFinding::ResultChannelForged { lines } => format!(
            "the code under test wrote {lines} line(s) on the grader's private result channel: \
             only the check harness may; the check fails and the submission is flagged for the \
             instructor"
        ),
        SandboxFinding::ForbiddenOpen => {
            "the code under test tried to open the check process's memory or the grader's \
             private descriptors (/proc/self/mem, /proc/self/fd/3 or 4): the check fails and \
             the submission is flagged for the instructor"
                .to_string()
        }
        SandboxFinding::VerdictShapedOutput => {
            "the code under test printed lines shaped like the grader's verdicts: the check \
             fails and the submission is flagged for the instructor"
                .to_string()
        }
    }
}

// ---------------------------------------------------------------------------
// A failed race check's interleaving (`Trace`). Its English words are the
// schema's own (`to_english`, each an exhaustive `match` next to the types):
// the kit writes them into the trace it sends (`label`, `summary`, an
// object's `detail`, the English the JSON has always had) and cannot depend
// on the grader, so they cannot live in this file without being written
// twice. The grader takes them from here; `ko.rs` words the same data.

/// Which execution a trace shows: `shuttle schedule 2 of 1000`.
pub fn trace_execution(e: &TraceExecution) -> String {
    e.to_english()
}

/// What went wrong in a trace, in one sentence.
pub fn trace_cause(c: &TraceCause) -> String {
    c.to_english()
}

/// What a lock or atomic is: `mutex protecting u64, created at
/// src/lib.rs:61:20`.
pub fn trace_object(w: &TraceObjectWhat) -> String {
    w.to_english()
}

/// A failed race check's message, with its expected and actual values:
/// the English the kit wrote into the failure (the schema's
/// [`RaceFailure::to_english`], for the same reason as a trace's words,
/// and the protocol's rendering of the values).
pub fn race_failure(r: &RaceFailure) -> String {
    threadlings_schema::protocol::Failure::race(r.clone()).render()
}

/// A skip reason the kit words as data: the English it has always sent
/// (the schema's [`KitSkip::to_english`], for the same reason as a trace's
/// words).
pub fn kit_skip(k: &KitSkip) -> String {
    k.to_english()
}

/// A failed timing or linearizability check's message, with its expected
/// and actual values: the English the kit wrote into the failure (the
/// schema's [`KitFailure::to_english`] and the protocol's rendering).
pub fn kit_failure(k: &KitFailure) -> String {
    threadlings_schema::protocol::Failure::kit(k.clone()).render()
}

// ---------------------------------------------------------------------------
// A linearizability check's scenario and a litmus check's outcome table as
// the HTML report draws them (tables, not the text layouts of `to_text`).
// The words they share with the text layouts are the schema's.

/// The column headings of an outcome table.
pub const OUTCOME_HEADINGS: [&str; 5] = [
    "outcome",
    "class",
    "allowed by the model?",
    "seen here",
    "verdict",
];

/// What an outcome table is of: `outcomes of LABEL (r_flag, r_data)`.
pub fn outcome_caption(t: &OutcomeTable) -> String {
    format!("outcomes of {} ({})", t.label, t.results.join(", "))
}

/// One row of an outcome table after its outcome: class, whether the model
/// allows it, how often it was seen here, verdict.
pub fn outcome_cells(row: &OutcomeRow) -> [String; 4] {
    [
        row.class.as_str().to_string(),
        row.allowed_english().to_string(),
        row.seen_english(),
        row.verdict.clone(),
    ]
}

/// The notes under an outcome table.
pub fn outcome_notes(t: &OutcomeTable) -> Vec<String> {
    t.notes.clone()
}

/// The heading of a scenario's thread column: `thread 1`.
pub fn scenario_thread(index: usize) -> String {
    Scenario::thread_english(index)
}

/// What an operation returned, or that it did not return.
pub fn scenario_result(op: &ScenarioOp) -> &str {
    op.result_english()
}

/// What a scenario is of: `scenario of BoundedQueue::new(2)`.
pub fn scenario_caption(s: &Scenario) -> String {
    format!("scenario of {}", s.label)
}

/// The heading of a scenario's operation-level interleaving.
pub const SCENARIO_INTERLEAVING: &str = Scenario::INTERLEAVING_ENGLISH;

/// Why no order explains a scenario's results and how it was found, one
/// line each.
pub fn scenario_lines(s: &Scenario) -> Vec<String> {
    s.unexplained.iter().chain(&s.notes).cloned().collect()
}
