//! The grading report: the one result model every output format renders.
//!
//! Its JSON form is a stable contract (CI scripts and grading platforms read it):
//! add fields, never rename or remove them.

use serde::{Deserialize, Serialize};

/// Version of the JSON report layout, bumped only on incompatible change.
pub const REPORT_FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GradeReport {
    pub format_version: u32,
    /// What was graded: `exercises`, `solutions`, or a directory.
    pub subject: String,
    /// The seed every seeded choice was derived from; `--seed` replays it.
    pub seed: u64,
    pub score: f64,
    pub max_score: f64,
    pub duration_ms: u64,
    pub exercises: Vec<ExerciseReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExerciseReport {
    /// Directory name, for example `01-threads`.
    pub name: String,
    pub title: String,
    /// The title in Korean, when the exercise has one (the human and HTML
    /// reports in Korean show it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_ko: Option<String>,
    pub topic: String,
    pub score: f64,
    pub max_score: f64,
    pub status: ExerciseStatus,
    pub checks: Vec<CheckReport>,
    /// The compiler's rendered errors when the exercise did not build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub build_errors: Option<String>,
    /// What the submission did that only a cheating or broken program does,
    /// or what an instructor must review by hand; empty for ordinary code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub integrity: Vec<IntegrityFlag>,
    /// Set when this verdict was not graded now but reused: the exercise's
    /// sources, its check programs and the grader are exactly those of an
    /// earlier full-marks grading of the student's working copy. Only the
    /// student's terminal reuses verdicts; machine-readable reports, CI and
    /// `--subject` gradings never do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reused: Option<ReusedVerdict>,
}

/// Where a reused exercise verdict came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReusedVerdict {
    /// When the verdict was graded, in seconds since the Unix epoch.
    pub graded_at_unix_s: u64,
    /// The seed it was graded with (its checks' `seed` too).
    pub seed: u64,
}

/// One integrity finding, for an instructor to filter on (`jq
/// '.exercises[].integrity[]'`, the `integrity` column of `batch`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntegrityFlag {
    pub kind: IntegrityKind,
    /// The check it happened in; `None` for the build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<String>,
    /// What was seen, in one sentence.
    pub detail: String,
    /// What was seen, as data, when the sandbox saw it (`detail` is its
    /// English rendering); absent for flags without one (a compile bound).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding: Option<SandboxFinding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrityKind {
    /// A compiler run hit the exercise's time, memory or file-size bound.
    CompileBound,
    /// Lines on the private result channel that the harness did not write.
    ResultChannel,
    /// Protocol-shaped verdict lines printed on stdout or stderr.
    VerdictShapedOutput,
    /// The check process's memory or the grader's descriptors opened.
    ForbiddenOpen,
    /// The exercise allows `unsafe` and the submission uses it: unsafe code
    /// in the check process could forge its result; read it (docs/sandbox.md).
    UnsafeReview,
}

impl IntegrityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IntegrityKind::CompileBound => "compile_bound",
            IntegrityKind::ResultChannel => "result_channel",
            IntegrityKind::VerdictShapedOutput => "verdict_shaped_output",
            IntegrityKind::ForbiddenOpen => "forbidden_open",
            IntegrityKind::UnsafeReview => "unsafe_review",
        }
    }

    /// Whether the flag points at cheating (or a broken program), as opposed
    /// to code an instructor should read.
    pub fn is_violation(self) -> bool {
        !matches!(self, IntegrityKind::UnsafeReview)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExerciseStatus {
    Passed,
    Failed,
    CompileError,
    NotStarted,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckReport {
    pub name: String,
    pub kind: CheckKind,
    pub status: CheckStatus,
    pub score: f64,
    pub max_score: f64,
    /// Empty when passed; otherwise what was expected and what happened.
    /// English: the check program's own text, or the rendering of
    /// `explanation` (then `findings`, each after `; `).
    pub message: String,
    /// Why the grader failed, skipped or did not run the check, as data,
    /// when the grader wrote the message itself (a time-out, a crash, a
    /// compile error); absent when the message is the check program's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
    /// What the sandbox saw while the check ran (a limit reached, processes
    /// left behind, tampering), in the order `message` lists them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<SandboxFinding>,
    pub duration_ms: u64,
    pub seed: u64,
    /// The command that replays this check with the same seed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay: Option<String>,
    /// A tail of what the check process printed, when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// What a timing check saw: when each task ran, and on which thread.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// What a linearizability check saw: the (minimized) scenario as
    /// per-thread columns, each operation's result, and the results no
    /// sequential order explains.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<Scenario>,
    /// What a litmus check saw: each outcome of a tiny racy program, whether
    /// the program's memory orderings allow it, and how often it showed here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcomes: Option<OutcomeTable>,
    /// What a failed race check saw: the interleaving of the failing
    /// execution, cut to the steps that lead to the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<Trace>,
    /// What a race check covered: rounds, schedules or interleavings run,
    /// with the budget's bounds (sent whether it passed or failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<Coverage>,
    /// What a failed race check (stress run, schedule exploration, model
    /// check) says, as data: `message` is its English rendering
    /// ([`RaceFailure::to_english`], then the expected and actual values);
    /// absent for any other message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub race: Option<RaceFailure>,
    /// The check author's words in Korean, English → Korean, for the
    /// sentences this report quotes (the kit's `t!`): the human and HTML
    /// reports in Korean replace the English with them; every other field
    /// stays English.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub words_ko: std::collections::BTreeMap<String, String>,
}

impl CheckReport {
    /// A check with `status`, none of its `max_score` points, no message and
    /// no evidence, as the grader reports a check that did not run or could
    /// not be built; set the rest with struct update syntax.
    pub fn without_evidence(
        name: impl Into<String>,
        kind: CheckKind,
        status: CheckStatus,
        max_score: f64,
        seed: u64,
    ) -> CheckReport {
        CheckReport {
            name: name.into(),
            kind,
            status,
            score: 0.0,
            max_score,
            message: String::new(),
            explanation: None,
            findings: Vec::new(),
            duration_ms: 0,
            seed,
            replay: None,
            output: None,
            timeline: None,
            scenario: None,
            outcomes: None,
            trace: None,
            coverage: None,
            race: None,
            words_ko: Default::default(),
        }
    }
}

/// Why the grader gave a check the status it has, when the grader (not the
/// check program) decided it: the values, not the sentence, so every
/// language phrases it from the same data (the grader's `messages` catalogs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Explanation {
    /// The exercise builds, the hidden checks do not compile against it
    /// (a public function renamed or re-typed).
    ChecksDoNotCompile,
    /// The exercise itself does not compile.
    DoesNotCompile { package: String },
    /// The graded directory has no sources for the exercise.
    NoSources,
    /// The check's build variant (`loom`, `shuttle`) does not compile with
    /// the answer, although the plain build does.
    VariantDoesNotCompile { variant: String },
    /// The check outlived its time limit.
    Timeout {
        /// The limit in milliseconds (rendered in whole seconds).
        limit_ms: u64,
        check: String,
    },
    /// The check process was killed by a signal.
    Crashed {
        crash: Crash,
        /// The harness had reported its verdict before the process died.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        after_finish: bool,
    },
    /// The process exited before the harness reported.
    ExitedEarly { code: i32 },
    /// The check program could not be started.
    NotRun { error: String },
    /// The check passed, but the code under test left processes running.
    PassedLeavingProcesses,
    /// The check passed beside result lines the harness did not write (the
    /// code under test spoke on the grader's behalf).
    PassedBesideForgedLines,
    /// More than one verdict arrived on the result channel.
    SeveralVerdicts,
    /// The check's supervisor process was killed before it reported.
    SupervisorLost,
    /// The check program reported in a protocol this grader does not know.
    ProtocolMismatch { lines: usize },
    /// A task the check uses still calls `todo!()`; `detail` is what the
    /// check saw (the `todo!()`'s message).
    NotStarted { detail: String },
    /// The exercise's sources are still the course's stubs: the checks did
    /// not run.
    StubsUntouched,
    /// The code under test panicked.
    Panicked {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        location: Option<String>,
        message: String,
    },
    /// The check skipped itself; `reason` is the check's own words, or the
    /// English of `kit` when the kit skipped it for a reason it words as
    /// data (a speedup without the cores, a model check outside its build).
    Skipped {
        reason: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kit: Option<KitSkip>,
    },
    /// A timing or linearizability check failed with the kit's own verdict
    /// (the check program's message is its English: the kit decided, not
    /// the check's author).
    KitFailed { failure: KitFailure },
    /// A race check not run: the answer bypasses the course facade.
    OffFacade {
        /// The first places found.
        uses: Vec<FacadeUse>,
        /// How many more places were found.
        #[serde(default, skip_serializing_if = "is_zero_usize")]
        more: usize,
    },
}

/// One place an answer bypasses the course facade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacadeUse {
    /// Relative to the exercise (`src/lib.rs`).
    pub file: String,
    pub line: usize,
    /// What was found, e.g. "`std::sync::Mutex`" or "`unsafe`".
    pub what: String,
}

/// How a check process crashed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Crash {
    StackOverflow,
    Abort,
    SegmentationFault,
    BusError,
    Killed,
    ArithmeticError,
    IllegalInstruction,
    CpuTimeLimit,
    BrokenPipe,
    FileSizeLimit,
    /// Another signal, by number.
    Signal(i32),
}

/// What the sandbox saw while a check ran: a limit it reached, what it had
/// to clean up, or signs that something other than the harness spoke.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SandboxFinding {
    /// An allocation failed at the memory limit.
    OutOfMemory { limit_mb: u64, peak_mb: u64 },
    /// Starting a thread or process failed at the task limit.
    TaskLimit { limit: u64 },
    /// A file grew past the file size limit.
    FileSize { limit_mb: u64 },
    /// More output than the report keeps: `total_bytes` printed, the first
    /// and last `kept_kb` kept.
    OutputTruncated { total_bytes: u64, kept_kb: u64 },
    /// Processes the check started were still running after it ended.
    LeftoverProcesses { count: u32 },
    /// Lines on the private result channel the harness did not write.
    ResultChannelForged { lines: u32 },
    /// The check process's memory or the grader's descriptors opened.
    ForbiddenOpen,
    /// Protocol-shaped verdict lines printed on stdout or stderr.
    VerdictShapedOutput,
}

/// How much of the space of executions a race check covered, as numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub tool: CoverageTool,
    /// Stress rounds, explored schedules, or model-checked interleavings
    /// run (up to and including a failing one).
    pub executions: u64,
    /// What the budget asked for: rounds or schedules (a model check runs
    /// until it has seen every interleaving within its bounds: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget: Option<u64>,
    /// Threads per stress round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<u32>,
    /// Operations per thread and stress round.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operations: Option<u32>,
    /// The exploration's PCT depth (absent: the uniformly random scheduler).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pct_depth: Option<u32>,
    /// The model check's preemption bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preemption_bound: Option<u32>,
    /// The time cap ended the run before its budget (or, for a model
    /// check, before it had seen every interleaving).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub time_capped: bool,
    /// The same seed makes the same executions (exploration, model check;
    /// a stress run depends on the machine's timing too).
    pub deterministic: bool,
}

/// The tool a race check used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CoverageTool {
    /// Rounds under the facade's seeded perturbation.
    Stress,
    /// Shuttle's schedule exploration.
    Exploration,
    /// Loom's model check.
    Model,
}

/// The evidence of a failed race check: the synchronization steps of the
/// failing execution (from the course facade), per thread, cut to the ones
/// that lead to the failure, the step where it went wrong marked, and one
/// sentence saying what happened.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    /// Which execution this is, e.g. `shuttle schedule 2 of 1000`: the
    /// English rendering of `execution` when there is one.
    pub label: String,
    /// Which execution this is, as data (the renderers word it per
    /// language); absent in traces older than it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<TraceExecution>,
    /// Thread names; a step's `thread` indexes this list.
    pub threads: Vec<String>,
    /// The locks and atomics the steps name, with what each one is.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<TraceObject>,
    /// The steps kept, oldest first.
    pub steps: Vec<TraceStep>,
    /// What went wrong, as data (the renderers phrase it per language).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause: Option<TraceCause>,
    /// What went wrong, in one English sentence: the English rendering of
    /// `cause` ([`TraceCause::to_english`]).
    pub summary: String,
    /// Steps of the execution left out (the sum of the steps'
    /// `omitted_before`, and the steps before the first one kept).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: u32,
}

/// One synchronization step of a [`Trace`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceStep {
    /// Index into [`Trace::threads`].
    pub thread: u32,
    /// The operation: `lock`, `locked` (got a lock asked for earlier),
    /// `unlock`, `try_lock failed`, `read`/`write` (rwlock), `wait`, `woken`,
    /// `notify_one`, `notify_all`, `barrier wait`, `spawn`, `join`, `load`,
    /// `store`, an atomic method (`fetch_add`, `compare_exchange`, ...), or
    /// `call`/`return` of an operation of the code under test.
    pub op: String,
    /// What it was done to: an object's label, a thread's name, or the
    /// operation called (`push(3)`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub object: String,
    /// The value it read, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read: Option<String>,
    /// The value it wrote, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wrote: Option<String>,
    /// What a `return` step's operation returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Where it went wrong.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mark: bool,
    /// Steps of the execution left out just before this one.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted_before: u32,
}

/// A lock or atomic a [`Trace`] names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceObject {
    /// As the steps name it, e.g. `mutex #1`.
    pub label: String,
    /// What it is, e.g. `mutex protecting u64, created at src/lib.rs:61:20`:
    /// the English rendering of `what` when there is one.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    /// What it is, as data (the renderers word it per language); absent
    /// when the facade did not know, and in traces older than it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<TraceObjectWhat>,
}

/// Which execution of a race check a [`Trace`] shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "tool", rename_all = "snake_case")]
pub enum TraceExecution {
    /// Round `round` (from 1) of a stress run of `rounds`.
    Stress { round: u64, rounds: u64 },
    /// Schedule `schedule` (from 1) of a shuttle exploration of `schedules`.
    Exploration { schedule: u64, schedules: u64 },
    /// Execution `execution` of a loom model check (it has no budget: it
    /// runs until it has seen every interleaving within its bound).
    Model { execution: u64 },
}

/// What a lock or atomic of a [`Trace`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceObjectWhat {
    /// A lock (or condition variable, or barrier) of the course facade.
    Lock {
        lock: TraceLockKind,
        /// The type of the value it protects (`u64`), when it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        protects: Option<String>,
        /// Where the code under test created it (`src/lib.rs:61:20`).
        created_at: String,
    },
    /// An atomic, by its type (`AtomicBool`).
    Atomic { type_name: String },
}

/// The kind of a lock in a [`TraceObjectWhat::Lock`]: the facade's type
/// names, which the reports keep as they are in every language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TraceLockKind {
    Mutex,
    Rwlock,
    Condvar,
    Barrier,
}

impl TraceLockKind {
    /// `mutex`, `rwlock`, `condvar`, `barrier`: how the steps and every
    /// language name it.
    pub fn as_str(self) -> &'static str {
        match self {
            TraceLockKind::Mutex => "mutex",
            TraceLockKind::Rwlock => "rwlock",
            TraceLockKind::Condvar => "condvar",
            TraceLockKind::Barrier => "barrier",
        }
    }
}

/// What a [`Trace`] shows went wrong, recognised from its steps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceCause {
    /// `reader` read `read` from `object`, `writer` then stored
    /// `overwritten` (or had stored it already: `stale_read`), and `reader`
    /// stored `stored` over it without reading it: `writer`'s update was
    /// lost.
    LostUpdate {
        object: String,
        reader: String,
        read: String,
        writer: String,
        overwritten: String,
        stored: String,
        /// The read came after `writer`'s store in the execution but
        /// returned an older value (loom: nothing ordered the store before
        /// the load).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        stale_read: bool,
    },
    /// `reader` read `read` from `object` although `writer` had stored
    /// `stored` there before (in the execution's order): nothing ordered the
    /// store before the load, so loom let it return an older value.
    StaleRead {
        object: String,
        reader: String,
        read: String,
        writer: String,
        stored: String,
    },
    /// Every blocked thread waits on `condvar` and no notify on it came
    /// after they started waiting; `last_notify` names the thread whose
    /// notify came last, before (none: it was never notified).
    LostWakeup {
        condvar: String,
        waiters: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        last_notify: Option<String>,
    },
    /// Every thread was blocked; each blocked thread's last request (a lock,
    /// a wait, a join) is marked.
    Deadlock { threads: Vec<String> },
    /// Nothing recognised: the last steps before the failure.
    Failed,
}

/// The evidence of a timing check: one span per task (or per worker thread),
/// so a report can show that tasks ran one after another.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    /// What was measured, e.g. `fetch_all(12 resources, at most 3 in flight)`.
    pub label: String,
    /// One span per task, in start order.
    pub events: Vec<TaskEvent>,
    /// Spans left out to keep the report small (the first ones are kept).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub omitted: u32,
    /// The most tasks that were running at once, as counted while they ran.
    pub peak_in_flight: u32,
    /// Distinct threads the tasks ran on.
    pub threads: u32,
    /// Measurements behind the verdict, one per line (durations, speedups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One task's run: microseconds since the first task of the timeline started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEvent {
    /// The task's name, e.g. `fetch 3` or `worker 1`.
    pub task: String,
    /// Which thread ran it: 0 for the first thread seen, 1 for the next, ...
    pub thread: u32,
    pub start_us: u64,
    /// `None` when the task had not ended when the evidence was taken.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_us: Option<u64>,
}

/// The evidence of a linearizability check: one scenario (init part, 2–3
/// threads, post part), what every operation returned, and the operations
/// whose results no sequential order of the operations (respecting real
/// time) explains.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The object under test, e.g. `BoundedQueue::new(2)`.
    pub label: String,
    /// Operations run one after another before the threads start.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub init: Vec<ScenarioOp>,
    /// One column per thread, operations in program order.
    pub threads: Vec<Vec<ScenarioOp>>,
    /// Operations run one after another once every thread has finished.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub post: Vec<ScenarioOp>,
    /// Why the results are wrong, one sentence per line (empty when the
    /// scenario did not finish).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unexplained: Vec<String>,
    /// How the scenario was found and shrunk (runs, sizes, tool).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Why the results are wrong, as data, when the kit wrote
    /// `unexplained`: its English is [`ScenarioWhy::to_english`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<ScenarioWhy>,
    /// The kit's notes as data: `notes` is their English
    /// ([`ScenarioNote::to_english`]), one line each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub about: Vec<ScenarioNote>,
    /// The interleaving at the granularity of operations, one call or
    /// return per line in clock order, when no finer one was recorded: a
    /// schedule exploration or model check sends the failing execution's
    /// synchronization steps, calls and returns among them, as the check's
    /// `trace` ([`Trace`]) instead, and leaves this empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<String>,
}

/// One operation of a [`Scenario`] and what it returned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioOp {
    /// The call, e.g. `push(3)`.
    pub op: String,
    /// What it returned (`None` when it had not returned: a hang).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    /// Logical clock ticks of the call and the return (one global counter
    /// bumped before every call and after every return: real-time order).
    #[serde(default)]
    pub call: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ret: Option<u64>,
    /// Whether this operation's result is among those no sequential order
    /// explains.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unexplained: bool,
}

impl ScenarioOp {
    /// What it returned, or `(did not return)`, in English.
    pub fn result_english(&self) -> &str {
        self.result.as_deref().unwrap_or("(did not return)")
    }
}

/// The evidence of a litmus check: jcstress-style outcome table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OutcomeTable {
    /// The program, e.g. `message passing: data Relaxed, flag Release/Acquire`.
    pub label: String,
    /// The named results an outcome is made of, e.g. `["r_flag", "r_data"]`.
    pub results: Vec<String>,
    pub rows: Vec<OutcomeRow>,
    /// How the outcomes were enumerated and observed (model, runs, machine).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// How the kit filled the table, as data: `notes` is its English
    /// ([`LitmusRun::notes_english`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<LitmusRun>,
}

/// One outcome of a litmus program.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeRow {
    /// The values of the named results, e.g. `r_flag=1 r_data=0`.
    pub outcome: String,
    /// What the instructor's table calls it.
    pub class: OutcomeClass,
    /// Whether the memory model allows it for the program's orderings
    /// (`None` when the model was not run in this build).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed: Option<bool>,
    /// How often stress runs on this machine observed it (`None` when no
    /// stress runs were made in this build).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<u64>,
    /// `ok`, `interesting` or `FORBIDDEN` ([`OutcomeVerdict::as_str`]).
    pub verdict: String,
}

impl OutcomeRow {
    /// Whether the model allows it, in English: `yes`, `no`, `not run`.
    pub fn allowed_english(&self) -> &'static str {
        match self.allowed {
            Some(true) => "yes",
            Some(false) => "no",
            None => "not run",
        }
    }

    /// How often it was seen here, in English: the count or `not run`.
    pub fn seen_english(&self) -> String {
        self.seen.map_or("not run".to_string(), |n| n.to_string())
    }

    /// The verdict as data (`None` for a word the kit does not write).
    pub fn verdict_kind(&self) -> Option<OutcomeVerdict> {
        OutcomeVerdict::from_wire(&self.verdict)
    }
}

/// The verdict on one outcome of a litmus program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeVerdict {
    /// Not seen or allowed, or not forbidden.
    Ok,
    /// An interesting outcome that happened.
    Interesting,
    /// A forbidden outcome that happened: the check fails.
    Forbidden,
}

impl OutcomeVerdict {
    /// The word `OutcomeRow::verdict` holds (the same in every language on
    /// the wire: the report translates it from this).
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeVerdict::Ok => "ok",
            OutcomeVerdict::Interesting => "interesting",
            OutcomeVerdict::Forbidden => "FORBIDDEN",
        }
    }

    pub fn from_wire(word: &str) -> Option<OutcomeVerdict> {
        [
            OutcomeVerdict::Ok,
            OutcomeVerdict::Interesting,
            OutcomeVerdict::Forbidden,
        ]
        .into_iter()
        .find(|v| v.as_str() == word)
    }
}

/// How a litmus check filled its outcome table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LitmusRun {
    /// The model check (`loom`): the outcomes of `interleavings`
    /// interleavings under the answer's orderings.
    Model { interleavings: u64 },
    /// The stress check: `runs` runs on this machine.
    Stress {
        runs: u64,
        /// `std::env::consts::ARCH`.
        arch: String,
        cores: usize,
    },
}

impl LitmusRun {
    /// The table's notes, as the kit has always written them.
    pub fn notes_english(&self) -> Vec<String> {
        match self {
            LitmusRun::Model { interleavings } => vec![
                format!(
                    "allowed: the outcomes loom produced in {interleavings} interleavings under \
                     your orderings (loom models the stale values Relaxed and Acquire loads may \
                     return, not every Relaxed behaviour, and treats SeqCst like AcqRel)"
                ),
                "seen here: counted by the stress check of the same program".to_string(),
            ],
            LitmusRun::Stress { runs, arch, cores } => vec![
                format!(
                    "seen here: {runs} runs on this machine ({arch}, {cores} cores), with random \
                     pauses at atomic operations"
                ),
                "allowed: decided by the model check (loom) of the same program".to_string(),
            ],
        }
    }

    /// Which engine, for a failure.
    pub fn tool(&self) -> LitmusTool {
        match self {
            LitmusRun::Model { .. } => LitmusTool::Model,
            LitmusRun::Stress { .. } => LitmusTool::Stress,
        }
    }
}

/// The engine of a litmus check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LitmusTool {
    /// `loom`: what the orderings allow.
    Model,
    /// Real threads: what this machine showed.
    Stress,
}

/// How an instructor classes an outcome of a litmus program.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeClass {
    #[default]
    Acceptable,
    Interesting,
    Forbidden,
}

impl OutcomeClass {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeClass::Acceptable => "acceptable",
            OutcomeClass::Interesting => "interesting",
            OutcomeClass::Forbidden => "forbidden",
        }
    }
}

impl Scenario {
    /// The scenario as text: init, then one column per thread, then post;
    /// `!` marks a result no sequential order explains; then why, and the
    /// notes. The one text form every report and the kit's messages use.
    pub fn to_text(&self) -> String {
        let cell = |op: &ScenarioOp| {
            let mark = if op.unexplained { " !" } else { "" };
            format!("{}: {}{mark}", op.op, op.result_english())
        };
        let mut out = String::new();
        if !self.init.is_empty() {
            let ops: Vec<String> = self.init.iter().map(cell).collect();
            out.push_str(&format!("init:  {}\n", ops.join(", ")));
        }
        let columns: Vec<Vec<String>> = self
            .threads
            .iter()
            .map(|ops| ops.iter().map(cell).collect())
            .collect();
        let widths: Vec<usize> = columns
            .iter()
            .enumerate()
            .map(|(t, col)| {
                col.iter()
                    .map(|c| c.chars().count())
                    .chain([Scenario::thread_english(t).len()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let row = |cells: Vec<String>| {
            let padded: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(t, c)| format!("{c:<w$}", w = widths[t]))
                .collect();
            format!("       {}\n", padded.join(" | ").trim_end())
        };
        out.push_str(&row((0..columns.len())
            .map(Scenario::thread_english)
            .collect()));
        let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
        for r in 0..rows {
            out.push_str(&row(columns
                .iter()
                .map(|col| col.get(r).cloned().unwrap_or_default())
                .collect()));
        }
        if !self.post.is_empty() {
            let ops: Vec<String> = self.post.iter().map(cell).collect();
            out.push_str(&format!("post:  {}\n", ops.join(", ")));
        }
        for line in self.unexplained.iter().chain(&self.notes) {
            out.push_str(line);
            out.push('\n');
        }
        if !self.trace.is_empty() {
            out.push_str(Scenario::INTERLEAVING_ENGLISH);
            out.push('\n');
            for step in &self.trace {
                out.push_str(&format!("  {step}\n"));
            }
        }
        out
    }
}

impl OutcomeTable {
    /// The table as text: one row per outcome with its class, whether the
    /// model allows it, how often it was seen here, and the verdict.
    pub fn to_text(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|row| row.outcome.chars().count())
            .chain(["outcome".len()])
            .max()
            .unwrap_or(0);
        let mut out = format!(
            "outcomes of {} ({}):\n",
            self.label,
            self.results.join(", ")
        );
        out.push_str(&format!(
            "  {:<width$}  {:<11}  {:<16}  {:>10}  verdict\n",
            "outcome", "class", "allowed by model", "seen here"
        ));
        for row in &self.rows {
            out.push_str(&format!(
                "  {:<width$}  {:<11}  {:<16}  {:>10}  {}\n",
                row.outcome,
                row.class.as_str(),
                row.allowed_english(),
                row.seen_english(),
                row.verdict
            ));
        }
        for note in &self.notes {
            out.push_str(&format!("  {note}\n"));
        }
        out
    }
}

// ---------------------------------------------------------------------------
// The linearizability kit's own lines about a scenario, as data. The
// operations and values (`Recv`, `Some(2)`) are the instructor's `Spec`
// words (its `Debug`), values in every language; the sentences around them
// are the kit's, English here (the kit writes them into the scenario it
// sends), Korean in the grader's `messages::ko`.

/// Where an operation of a scenario ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScenarioPart {
    Init,
    Thread { index: usize },
    Post,
}

impl ScenarioPart {
    /// `init`, `thread 1`, `post`.
    pub fn to_english(self) -> String {
        match self {
            ScenarioPart::Init => "init".to_string(),
            ScenarioPart::Thread { index } => format!("thread {index}"),
            ScenarioPart::Post => "post".to_string(),
        }
    }
}

/// Why no sequential order explains a scenario's results: the longest
/// prefix some order explains, and the operations that could come next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioWhy {
    pub explained: usize,
    pub operations: usize,
    pub candidates: Vec<ScenarioCandidate>,
}

/// An operation that could come next, what it returned, and what the
/// sequential model would have returned there (`None`: it would block).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScenarioCandidate {
    pub part: ScenarioPart,
    pub op: String,
    pub returned: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

impl ScenarioWhy {
    /// The lines of `Scenario::unexplained`, as the kit has always written
    /// them.
    pub fn to_english(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "no sequential order of these operations (keeping every operation that returned \
             before another was called in front of it) gives these results: the longest \
             explainable prefix holds {} of {} operations; after it, none of these can come next:",
            self.explained, self.operations
        )];
        for c in &self.candidates {
            let model = match &c.model {
                Some(ret) => format!("a sequential run would return {ret} here"),
                None => "a sequential run would block here".to_string(),
            };
            lines.push(format!(
                "  {} {} returned {}, but {model}",
                c.part.to_english(),
                c.op,
                c.returned
            ));
        }
        lines
    }
}

/// The sizes of a linearizability stress run's scenarios.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinSizes {
    pub init: usize,
    pub threads: usize,
    pub ops: usize,
    pub post: usize,
    /// Executions of each scenario.
    pub runs: usize,
}

impl LinSizes {
    pub fn to_english(&self) -> String {
        format!(
            "scenarios of {} init, {} threads × {} operations, {} post; {} executions each, with \
             random pauses at every lock, wait, notify and atomic operation",
            self.init, self.threads, self.ops, self.post, self.runs
        )
    }
}

/// A note of the kit on a scenario.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScenarioNote {
    /// How the stress run generated its scenarios (a panic's scenario).
    Sizes { sizes: LinSizes },
    /// Where a stress run found the failure and how it was shrunk.
    /// `execution` from 1.
    Found {
        execution: usize,
        executions: usize,
        sizes: LinSizes,
        original: usize,
        operations: usize,
        steps: usize,
    },
    /// The scenario running when a stress run hung or deadlocked.
    DidNotFinish { sizes: LinSizes },
}

impl ScenarioNote {
    pub fn to_english(&self) -> String {
        match self {
            ScenarioNote::Sizes { sizes } => sizes.to_english(),
            ScenarioNote::Found {
                execution,
                executions,
                sizes,
                original,
                operations,
                steps,
            } => format!(
                "found at execution {execution} of {executions} ({}); shrunk from {original} to \
                 {operations} operations in {steps} steps, each smaller scenario run until it \
                 failed again",
                sizes.to_english()
            ),
            ScenarioNote::DidNotFinish { sizes } => format!(
                "this scenario did not finish ({}); the model finishes every interleaving of it, \
                 so some thread waits for a wake-up that never comes",
                sizes.to_english()
            ),
        }
    }
}

impl Scenario {
    /// The invariant a linearizability model check or exploration reports
    /// broken (a value of its `RaceFailure`): the kit's sentence, worded in
    /// Korean where a report's race failure still says exactly this of its
    /// scenario's label.
    pub fn not_linearizable_english(label: &str) -> String {
        format!(
            "the results of {label} are not linearizable: no order of its operations, one at a \
             time, gives them"
        )
    }

    /// What the invariant above saw, when the grader shows the scenario.
    pub const IN_THE_REPORT_ENGLISH: &'static str = "the scenario in the report";

    /// The heading of a thread's column: `thread 1`.
    pub fn thread_english(index: usize) -> String {
        format!("thread {index}")
    }

    /// The heading of the operation-level interleaving (`trace`).
    pub const INTERLEAVING_ENGLISH: &'static str = "interleaving:";

    /// `why`, if `unexplained` is still its English.
    pub fn why_data(&self) -> Option<&ScenarioWhy> {
        self.why
            .as_ref()
            .filter(|why| why.to_english() == self.unexplained)
    }

    /// `about`, if `notes` is still its English.
    pub fn about_data(&self) -> Option<&[ScenarioNote]> {
        let english: Vec<String> = self.about.iter().map(ScenarioNote::to_english).collect();
        (!self.about.is_empty() && english == self.notes).then_some(self.about.as_slice())
    }
}

impl OutcomeTable {
    /// `run`, if `notes` is still its English.
    pub fn run_data(&self) -> Option<&LitmusRun> {
        self.run
            .as_ref()
            .filter(|run| run.notes_english() == self.notes)
    }
}

// ---------------------------------------------------------------------------
// The English words of a trace's data. They live here, not in the grader's
// `messages::en` catalog, because the kit writes them into the `Trace` it
// sends (`label`, `summary`, `detail`: the English the JSON has always had)
// and the kit cannot depend on the grader; the grader's `messages::en`
// takes them from here and `messages::ko` words the same data in Korean.
// Each is an exhaustive `match`: a new variant has no words in either
// language until it is given them.

impl TraceExecution {
    /// `stress round 3 of 150`, `shuttle schedule 2 of 1000`, `loom
    /// execution 7`.
    pub fn to_english(&self) -> String {
        match *self {
            TraceExecution::Stress { round, rounds } => format!("stress round {round} of {rounds}"),
            TraceExecution::Exploration {
                schedule,
                schedules,
            } => format!("shuttle schedule {schedule} of {schedules}"),
            TraceExecution::Model { execution } => format!("loom execution {execution}"),
        }
    }
}

impl TraceObjectWhat {
    /// `mutex protecting u64, created at src/lib.rs:61:20`, `condvar,
    /// created at src/lib.rs:9:5`, `AtomicBool`.
    pub fn to_english(&self) -> String {
        match self {
            TraceObjectWhat::Lock {
                lock,
                protects: Some(protects),
                created_at,
            } => format!(
                "{} protecting {protects}, created at {created_at}",
                lock.as_str()
            ),
            TraceObjectWhat::Lock {
                lock,
                protects: None,
                created_at,
            } => format!("{}, created at {created_at}", lock.as_str()),
            TraceObjectWhat::Atomic { type_name } => type_name.clone(),
        }
    }
}

impl TraceCause {
    /// What went wrong, in one English sentence (a [`Trace`]'s `summary`).
    pub fn to_english(&self) -> String {
        match self {
            TraceCause::LostUpdate {
                object,
                reader,
                read,
                writer,
                overwritten,
                stored,
                stale_read: false,
            } => format!(
                "{} read {read} from {object}, then {} stored {overwritten}; {reader}'s store of \
                 {stored} overwrote {writer}'s store of {overwritten} without reading it: one \
                 update was lost.",
                thread_in_sentence(reader),
                thread_in_sentence(writer),
            ),
            TraceCause::LostUpdate {
                object,
                reader,
                read,
                writer,
                overwritten,
                stored,
                stale_read: true,
            } => format!(
                "{} read {read} from {object} although {} had stored {overwritten} there \
                 (nothing ordered that store before the load); {reader}'s store of {stored} \
                 overwrote {writer}'s store of {overwritten}: one update was lost.",
                thread_in_sentence(reader),
                thread_in_sentence(writer),
            ),
            TraceCause::StaleRead {
                object,
                reader,
                read,
                writer,
                stored,
            } => format!(
                "{} read {read} from {object} although {} had stored {stored} there before: \
                 nothing ordered that store before the load, so the load could return an older \
                 value, and did.",
                thread_in_sentence(reader),
                thread_in_sentence(writer),
            ),
            TraceCause::LostWakeup {
                condvar,
                waiters,
                last_notify,
            } => {
                let (waits, it) = if waiters.len() == 1 {
                    ("waits", "it")
                } else {
                    ("wait", "them")
                };
                let waiters = waiters.join(", ");
                match last_notify {
                    Some(notifier) => format!(
                        "{waiters} {waits} on {condvar} (marked), and no notify on {condvar} came \
                         after: the last one, by {notifier}, came before the wait started, so it \
                         cannot end it. Nothing is left to wake {it}: a lost wake-up."
                    ),
                    None => format!(
                        "{waiters} {waits} on {condvar} (marked), and no thread ever notified \
                         {condvar}. Nothing is left to wake {it}: a lost wake-up."
                    ),
                }
            }
            TraceCause::Deadlock { threads } => match threads.as_slice() {
                [one] => format!(
                    "no thread can run: {one} waits at its last request (marked) for what another \
                     thread holds or has yet to do."
                ),
                _ => format!(
                    "no thread can run: each of {} waits at its last request (marked) for what \
                     another blocked thread holds or has yet to do.",
                    threads.join(", ")
                ),
            },
            TraceCause::Failed => {
                "the failing execution step by step (when it is long, the parts that matter)."
                    .to_string()
            }
        }
    }
}

/// `thread main`, `thread “add(1) on thread 2”`: a thread in an English
/// sentence.
fn thread_in_sentence(name: &str) -> String {
    if name.contains(' ') {
        format!("thread “{name}”")
    } else {
        format!("thread {name}")
    }
}

// ---------------------------------------------------------------------------
// The failure message of a failed race check, as data. The race kit (stress
// runs, schedule explorations, model checks) used to write it as English
// sentences around the check author's words; it now sends what happened
// (`protocol::Failure::race`, copied into `CheckReport::race`), and the
// sentences are worded once per language: in English here (the kit writes
// `to_english` into the failure's `message`, byte for byte the old text,
// and cannot depend on the grader), in Korean by the grader's
// `messages::ko`. The check author's words (`what`, an invariant, expected
// and seen values) and the code's own panic messages are values, quoted as
// they are in every language.

/// What a failed race check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RaceFailure {
    /// A model check's interleaving panicked (the check's assertion or the
    /// code under test).
    ModelFailed {
        /// The scenario, in the check author's words.
        what: String,
        execution: u64,
        preemption_bound: u64,
        panic: RacePanic,
        replay: RaceReplay,
    },
    /// A model check's interleaving left every thread blocked.
    ModelDeadlock {
        what: String,
        execution: u64,
        deadlock: RaceDeadlock,
        replay: RaceReplay,
    },
    /// An explored schedule broke the scenario's invariant.
    ExplorationViolation {
        what: String,
        at: ExplorationAt,
        violation: RaceViolation,
        schedule: ShuttleSchedule,
        replay: RaceReplay,
    },
    /// An explored schedule left every thread blocked.
    ExplorationDeadlock {
        what: String,
        at: ExplorationAt,
        deadlock: RaceDeadlock,
        schedule: ShuttleSchedule,
        replay: RaceReplay,
    },
    /// An explored schedule panicked.
    ExplorationFailed {
        what: String,
        at: ExplorationAt,
        panic: RacePanic,
        schedule: ShuttleSchedule,
        replay: RaceReplay,
    },
    /// The invariant did not hold after a stress round.
    StressViolation {
        what: String,
        /// From 1.
        round: u64,
        rounds: u64,
        threads: u64,
        operations: u64,
        violation: RaceViolation,
        replay: RaceReplay,
    },
    /// A stress worker panicked.
    StressPanic {
        /// The worker's name (`worker-2`).
        thread: String,
        /// What it was doing, in the check author's words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        doing: Option<String>,
        round: u64,
        rounds: u64,
        what: String,
        panic: RacePanic,
        replay: RaceReplay,
    },
    /// Every watched thread was blocked and nothing moved for `stall_ms`.
    Deadlock {
        run: WatchedRun,
        deadlock: RaceDeadlock,
        stall_ms: u64,
    },
    /// The watched run outlived its limit.
    Hang {
        run: WatchedRun,
        limit_ms: u64,
        /// Each thread at that moment.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        threads: Vec<RaceThreadState>,
    },
}

/// What ran while the kit watched for a deadlock or a hang.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum WatchedRun {
    /// A check's own run, in its author's words.
    Run { what: String },
    /// A stress run of `what`, in round `round` (from 1) of `rounds`.
    Stress {
        what: String,
        round: u64,
        rounds: u64,
        replay: RaceReplay,
    },
}

/// How to run a race check again: the run's seed and the check program's
/// own command (the grader's `replay` line is its own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceReplay {
    pub seed: u64,
    pub command: String,
}

/// A panic in a failing execution: its message (the code's or the check's
/// own words), where it happened, and what the kit recognised in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RacePanic {
    pub message: String,
    /// In the code under test (`src/lib.rs:57:38`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<RaceHint>,
}

/// What the kit recognised in a checker's panic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaceHint {
    /// Loom's causality violation: data touched with no happens-before.
    Unsynchronized,
    /// A thread ran past the checker's bound on steps: a spin without end.
    SpinsWithoutEnd,
}

/// A scenario's invariant that did not hold, in the check author's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceViolation {
    pub invariant: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    pub seen: String,
}

/// Where in a schedule exploration a failure was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplorationAt {
    pub scheduler: ExplorationScheduler,
    /// From 1.
    pub schedule: u64,
    pub schedules: u64,
    pub shuttle_seed: u64,
}

/// The scheduler of a schedule exploration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExplorationScheduler {
    Pct { depth: u64 },
    Random,
}

/// The failing schedule in shuttle's encoding, or its size when too long.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ShuttleSchedule {
    Encoded { schedule: String },
    TooLong { steps: u64, chars: u64 },
}

/// A deadlock: why no thread can go on, and each thread's state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceDeadlock {
    pub summary: DeadlockSummary,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<RaceThreadState>,
    /// What the checker said, shown when no thread could be described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checker: Option<String>,
}

/// Why no thread can go on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlockSummary {
    /// A thread waits for a lock it holds itself.
    HoldsItself { thread: RaceThread, lock: RaceLock },
    /// Each thread waits for the next (the last for the first).
    Cycle { links: Vec<CycleLink> },
    /// Nobody is left to wake condition-variable waiters.
    LostWakeup,
    /// Nobody is left to wake the others.
    NoneLeft,
    /// The checker found no runnable thread, the facade nothing to say.
    NoThreadCanRun,
}

/// One thread of a wait-for cycle: it waits for `lock`, held by the next
/// thread of the cycle, or (no lock) for the next thread to finish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CycleLink {
    pub thread: RaceThread,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<RaceLock>,
}

/// A thread a race failure names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RaceThread {
    /// A thread, with what it was doing (the check author's words).
    Live {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        doing: Option<String>,
    },
    /// A thread that finished, by the facade's id.
    Finished { id: u64 },
}

/// A lock (or condvar, or barrier) a race failure names: the name the
/// code gave it (`fork-1`), or its label (`mutex #2`) and what it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceLock {
    pub label: String,
    /// Absent for a lock the code named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub what: Option<TraceObjectWhat>,
    /// The access an rwlock waiter asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<LockAccess>,
}

/// Read or write access to an rwlock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LockAccess {
    Read,
    Write,
}

/// One thread of a deadlock or hang report: what it waits for and which
/// locks it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RaceThreadState {
    pub thread: RaceThread,
    pub state: ThreadWait,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holds: Vec<RaceLock>,
}

/// What a thread waits for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ThreadWait {
    /// Not blocked (running, sleeping, or waiting with a timeout).
    Running,
    Lock {
        lock: RaceLock,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        held_by: Vec<RaceThread>,
    },
    Condvar {
        condvar: RaceLock,
        mutex: RaceLock,
    },
    Join {
        thread: RaceThread,
    },
    Barrier {
        barrier: RaceLock,
    },
    /// The end of a `thread::scope`.
    Scope,
}

impl RaceFailure {
    /// The violated invariant's values, for `Failure::expected`/`actual`.
    pub fn violation(&self) -> Option<&RaceViolation> {
        match self {
            RaceFailure::ExplorationViolation { violation, .. }
            | RaceFailure::StressViolation { violation, .. } => Some(violation),
            _ => None,
        }
    }

    /// The failure's message in English, as the kit has always written it
    /// (without the expected and actual values, which `Failure` adds).
    pub fn to_english(&self) -> String {
        match self {
            RaceFailure::ModelFailed {
                what,
                execution,
                preemption_bound,
                panic,
                replay,
            } => format!(
                "the model checker found an interleaving of {what} that fails (execution \
                 {execution}, preemption bound {preemption_bound}):\n  {}\nThis is \
                 deterministic: the same interleaving fails on every run ({})",
                panic.to_english(),
                replay.to_english()
            ),
            RaceFailure::ModelDeadlock {
                what,
                execution,
                deadlock,
                replay,
            } => format!(
                "{}\nfound by the model checker in {what} (execution {execution}); every thread \
                 was blocked:\n{}This is deterministic: the same interleaving deadlocks on \
                 every run ({})",
                deadlock.summary.to_english(),
                deadlock.threads_english(),
                replay.to_english()
            ),
            RaceFailure::ExplorationViolation {
                what,
                at,
                violation,
                schedule,
                replay,
            } => format!(
                "invariant violated in an interleaving of {what} ({}):\n  {}\n{}",
                at.to_english(),
                violation.invariant,
                exploration_tail(schedule, replay)
            ),
            RaceFailure::ExplorationDeadlock {
                what,
                at,
                deadlock,
                schedule,
                replay,
            } => format!(
                "{}\nfound by schedule exploration of {what} ({}); every thread was \
                 blocked:\n{}{}",
                deadlock.summary.to_english(),
                at.to_english(),
                deadlock.threads_english(),
                exploration_tail(schedule, replay)
            ),
            RaceFailure::ExplorationFailed {
                what,
                at,
                panic,
                schedule,
                replay,
            } => format!(
                "schedule exploration found an interleaving of {what} that fails ({}):\n  \
                 {}\n{}",
                at.to_english(),
                panic.to_english(),
                exploration_tail(schedule, replay)
            ),
            RaceFailure::StressViolation {
                what,
                round,
                rounds,
                threads,
                operations,
                violation,
                replay,
            } => format!(
                "invariant violated after round {round} of {rounds} of {what} ({threads} \
                 threads × {operations} operations, with random pauses at every lock, unlock, \
                 wait and atomic operation):\n  {}\n{}",
                violation.invariant,
                replay.to_english()
            ),
            RaceFailure::StressPanic {
                thread,
                doing,
                round,
                rounds,
                what,
                panic,
                replay,
            } => {
                let doing = doing
                    .as_ref()
                    .map(|d| format!(" in {d}"))
                    .unwrap_or_default();
                format!(
                    "{thread} panicked{doing}, in round {round} of {rounds} of {what}:\n  \
                     {}\n{}",
                    panic.to_english(),
                    replay.to_english()
                )
            }
            RaceFailure::Deadlock {
                run,
                deadlock,
                stall_ms,
            } => run.around_english(format!(
                "{}\nwhile running {}; every thread was blocked and nothing moved for {:.1} \
                 s:\n{}",
                deadlock.summary.to_english(),
                run.what_english(),
                std::time::Duration::from_millis(*stall_ms).as_secs_f64(),
                deadlock.threads_english()
            )),
            RaceFailure::Hang {
                run,
                limit_ms,
                threads,
            } => {
                let mut message = format!(
                    "{} did not finish within {:.0} s: a thread never finished (an endless \
                     loop, a spin that never sees its flag, or threads waiting in a way the \
                     course facade cannot see)",
                    run.what_english(),
                    std::time::Duration::from_millis(*limit_ms).as_secs_f64()
                );
                if !threads.is_empty() {
                    message.push_str("\nthreads at that moment:\n");
                    message.push_str(&threads_english(threads));
                }
                run.around_english(message)
            }
        }
    }
}

/// The end of an exploration's failure: the schedule, and why the seed
/// replays it.
fn exploration_tail(schedule: &ShuttleSchedule, replay: &RaceReplay) -> String {
    format!(
        "shuttle schedule: {}\nThe schedules are a function of the seed: the same seed \
         explores the same ones and fails at this one on every run ({})",
        schedule.to_english(),
        replay.to_english()
    )
}

impl WatchedRun {
    /// `the stress run of {what}`, or the check's own words.
    pub fn what_english(&self) -> String {
        match self {
            WatchedRun::Run { what } => what.clone(),
            WatchedRun::Stress { what, .. } => format!("the stress run of {what}"),
        }
    }

    /// A stress run adds when it happened and how to see it again.
    fn around_english(&self, message: String) -> String {
        match self {
            WatchedRun::Run { .. } => message,
            WatchedRun::Stress {
                round,
                rounds,
                replay,
                ..
            } => format!(
                "{}\n(in round {round} of {rounds}; {})",
                message.trim_end(),
                replay.to_english()
            ),
        }
    }
}

impl RaceReplay {
    /// `seed 7; replay: cargo run -p check-... -- NAME --seed 7`.
    pub fn to_english(&self) -> String {
        format!("seed {}; replay: {}", self.seed, self.command)
    }
}

impl RacePanic {
    /// `message (at src/lib.rs:57:38)` and the hint on a line of its own.
    pub fn to_english(&self) -> String {
        let message = self.message.trim_end();
        let mut out = match &self.location {
            Some(location) => format!("{message} (at {location})"),
            None => message.to_string(),
        };
        if let Some(hint) = self.hint {
            out.push_str("\n  ");
            out.push_str(&hint.to_english());
        }
        out
    }
}

impl RaceHint {
    pub fn to_english(self) -> String {
        match self {
            RaceHint::Unsynchronized => {
                "Two threads touched the same data with no happens-before between them: the \
                 reading side did not synchronize with the writing side. A flag or lock that \
                 publishes data needs Release on the store and Acquire on the load (Relaxed \
                 orders nothing)."
            }
            RaceHint::SpinsWithoutEnd => {
                "A thread spins without end: a busy-wait loop must call \
                 threadlings::hint::spin_loop() (or thread::yield_now()) and must be able to \
                 see the value it waits for."
            }
        }
        .to_string()
    }
}

impl ExplorationAt {
    /// `PCT scheduler, depth 3, schedule 2 of 1000, shuttle seed 42`.
    pub fn to_english(&self) -> String {
        let scheduler = match self.scheduler {
            ExplorationScheduler::Pct { depth } => format!("PCT scheduler, depth {depth}"),
            ExplorationScheduler::Random => "random scheduler".to_string(),
        };
        format!(
            "{scheduler}, schedule {} of {}, shuttle seed {}",
            self.schedule, self.schedules, self.shuttle_seed
        )
    }
}

impl ShuttleSchedule {
    pub fn to_english(&self) -> String {
        match self {
            ShuttleSchedule::Encoded { schedule } => schedule.clone(),
            ShuttleSchedule::TooLong { steps, chars } => format!(
                "{steps} steps, {chars} characters in shuttle's encoding (too long to show; \
                 the seed replays it)"
            ),
        }
    }
}

impl RaceDeadlock {
    /// One line per thread (each ending in a newline), or the checker's
    /// own words when no thread was described.
    pub fn threads_english(&self) -> String {
        match (&self.checker, self.threads.is_empty()) {
            (Some(checker), true) => format!("  {}\n", checker.trim_end()),
            _ => threads_english(&self.threads),
        }
    }
}

/// `  worker-0: waits for mutex #1 (...), held by worker-1; holds mutex #2 (...)`,
/// one line per thread.
fn threads_english(threads: &[RaceThreadState]) -> String {
    let mut out = String::new();
    for t in threads {
        out.push_str(&format!(
            "  {}: {}",
            t.thread.to_english(),
            t.state.to_english()
        ));
        if !t.holds.is_empty() {
            let holds: Vec<String> = t.holds.iter().map(RaceLock::to_english).collect();
            out.push_str(&format!("; holds {}", holds.join(", ")));
        }
        out.push('\n');
    }
    out
}

impl DeadlockSummary {
    /// One line: `deadlock: A waits for L1, held by B, which waits for ...`.
    pub fn to_english(&self) -> String {
        match self {
            DeadlockSummary::HoldsItself { thread, lock } => format!(
                "deadlock: {} waits for {}, which it holds itself. The course's (and std's) \
                 locks are not re-entrant: locking a Mutex the thread already holds, or asking \
                 an RwLock for write access while the same thread's read guard is alive, waits \
                 forever",
                thread.to_english(),
                lock.to_english()
            ),
            DeadlockSummary::Cycle { links } => {
                let mut out = "deadlock: ".to_string();
                for (i, link) in links.iter().enumerate() {
                    let next = &links[(i + 1) % links.len()].thread;
                    let subject = if i == 0 {
                        link.thread.to_english()
                    } else {
                        "which".to_string()
                    };
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match &link.lock {
                        None => out.push_str(&format!(
                            "{subject} waits for {} to finish",
                            next.to_english()
                        )),
                        Some(lock) => out.push_str(&format!(
                            "{subject} waits for {}, held by {}",
                            lock.to_english(),
                            next.to_english()
                        )),
                    }
                }
                out
            }
            DeadlockSummary::LostWakeup => {
                "deadlock: every thread is blocked and none is left to wake the others: a lost \
                 wake-up. A thread waiting on a condition variable is woken only by a notify \
                 that comes after it started waiting; look for notify_one where every waiter \
                 must wake, a notify sent before the state change it announces, or a state \
                 change without a notify"
                    .to_string()
            }
            DeadlockSummary::NoneLeft => {
                "deadlock: every thread is blocked and none is left to wake the others".to_string()
            }
            DeadlockSummary::NoThreadCanRun => "deadlock: no thread can run".to_string(),
        }
    }
}

impl RaceThread {
    /// `worker-1 (transfer 3 → 1)`, `main`, `thread #4 (finished)`.
    pub fn to_english(&self) -> String {
        match self {
            RaceThread::Live {
                name,
                doing: Some(doing),
            } => format!("{name} ({doing})"),
            RaceThread::Live { name, doing: None } => name.clone(),
            RaceThread::Finished { id } => format!("thread #{id} (finished)"),
        }
    }
}

impl RaceLock {
    /// `fork-1`, `mutex #2 (protecting u64, created at src/lib.rs:9:5)`,
    /// `rwlock #3 (created at src/lib.rs:4:1) (write)`.
    pub fn to_english(&self) -> String {
        let mut out = self.label.clone();
        if let Some(TraceObjectWhat::Lock {
            protects,
            created_at,
            ..
        }) = &self.what
        {
            out.push_str(" (");
            if let Some(protects) = protects {
                out.push_str(&format!("protecting {protects}, "));
            }
            out.push_str(&format!("created at {created_at})"));
        }
        match self.access {
            Some(LockAccess::Read) => out.push_str(" (read)"),
            Some(LockAccess::Write) => out.push_str(" (write)"),
            None => {}
        }
        out
    }
}

impl ThreadWait {
    /// `waits for fork-1, held by philosopher-2`, `running (...)`.
    pub fn to_english(&self) -> String {
        match self {
            ThreadWait::Running => "running (or sleeping, or waiting with a timeout)".to_string(),
            ThreadWait::Lock { lock, held_by } if held_by.is_empty() => {
                format!("waits for {}", lock.to_english())
            }
            ThreadWait::Lock { lock, held_by } => {
                let holders: Vec<String> = held_by.iter().map(RaceThread::to_english).collect();
                format!(
                    "waits for {}, held by {}",
                    lock.to_english(),
                    holders.join(" and ")
                )
            }
            ThreadWait::Condvar { condvar, mutex } => format!(
                "waits on {} (with {} released) for a notify",
                condvar.to_english(),
                mutex.to_english()
            ),
            ThreadWait::Join { thread } => {
                format!("waits for {} to finish", thread.to_english())
            }
            ThreadWait::Barrier { barrier } => {
                format!("waits at {} for the other threads", barrier.to_english())
            }
            ThreadWait::Scope => "waits for its scoped threads to finish".to_string(),
        }
    }
}

fn is_zero_usize(value: &usize) -> bool {
    *value == 0
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    /// Hidden functional tests.
    Test,
    /// Stress, schedule exploration and model checking.
    Race,
    /// Proofs of concurrency, parallelism and latency.
    Timing,
    /// Process and IPC behaviour.
    Process,
    /// Stand-in entry for an exercise that did not compile.
    Build,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Passed,
    Failed,
    Timeout,
    Crashed,
    CompileError,
    Skipped,
}

impl CheckKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckKind::Test => "test",
            CheckKind::Race => "race",
            CheckKind::Timing => "timing",
            CheckKind::Process => "process",
            CheckKind::Build => "build",
        }
    }
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Passed => "passed",
            CheckStatus::Failed => "failed",
            CheckStatus::Timeout => "timeout",
            CheckStatus::Crashed => "crashed",
            CheckStatus::CompileError => "compile_error",
            CheckStatus::Skipped => "skipped",
        }
    }
}

impl ExerciseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ExerciseStatus::Passed => "passed",
            ExerciseStatus::Failed => "failed",
            ExerciseStatus::CompileError => "compile_error",
            ExerciseStatus::NotStarted => "not_started",
        }
    }
}

/// The English of a race failure's data is the text the kit wrote before
/// it was data: each expected string below is built by the kit's old code
/// (its `format!`s, copied as they were), from the same values.
#[cfg(test)]
mod race_english {
    use super::*;

    fn replay() -> RaceReplay {
        RaceReplay {
            seed: 7,
            command: "cargo run -p check-bank -- transfer_stress --seed 7".to_string(),
        }
    }

    fn old_replay() -> String {
        "seed 7; replay: cargo run -p check-bank -- transfer_stress --seed 7".to_string()
    }

    fn named(name: &str) -> RaceLock {
        RaceLock {
            label: name.to_string(),
            what: None,
            access: None,
        }
    }

    fn mutex() -> RaceLock {
        RaceLock {
            label: "mutex #2".to_string(),
            what: Some(TraceObjectWhat::Lock {
                lock: TraceLockKind::Mutex,
                protects: Some("VecDeque<i32>".to_string()),
                created_at: "src/lib.rs:41:20".to_string(),
            }),
            access: None,
        }
    }

    fn live(name: &str, doing: Option<&str>) -> RaceThread {
        RaceThread::Live {
            name: name.to_string(),
            doing: doing.map(str::to_string),
        }
    }

    /// Threads in every state, and their lines as `describe_threads` wrote
    /// them.
    fn threads() -> (Vec<RaceThreadState>, String) {
        let rwlock = RaceLock {
            label: "rwlock #3".to_string(),
            what: Some(TraceObjectWhat::Lock {
                lock: TraceLockKind::Rwlock,
                protects: None,
                created_at: "src/lib.rs:4:1".to_string(),
            }),
            access: Some(LockAccess::Write),
        };
        let states = vec![
            RaceThreadState {
                thread: live("worker-0", Some("transfer 3 → 1")),
                state: ThreadWait::Lock {
                    lock: rwlock,
                    held_by: vec![live("worker-1", None), RaceThread::Finished { id: 9 }],
                },
                holds: vec![named("fork-0"), mutex()],
            },
            RaceThreadState {
                thread: live("worker-1", None),
                state: ThreadWait::Condvar {
                    condvar: RaceLock {
                        label: "condvar #1".to_string(),
                        what: Some(TraceObjectWhat::Lock {
                            lock: TraceLockKind::Condvar,
                            protects: None,
                            created_at: "src/lib.rs:43:24".to_string(),
                        }),
                        access: None,
                    },
                    mutex: mutex(),
                },
                holds: vec![],
            },
            RaceThreadState {
                thread: live("main", None),
                state: ThreadWait::Join {
                    thread: live("worker-1", None),
                },
                holds: vec![],
            },
            RaceThreadState {
                thread: live("b", None),
                state: ThreadWait::Barrier {
                    barrier: named("start"),
                },
                holds: vec![],
            },
            RaceThreadState {
                thread: live("c", None),
                state: ThreadWait::Scope,
                holds: vec![],
            },
            RaceThreadState {
                thread: live("d", None),
                state: ThreadWait::Running,
                holds: vec![],
            },
            RaceThreadState {
                thread: live("e", None),
                state: ThreadWait::Lock {
                    lock: named("fork-4"),
                    held_by: vec![],
                },
                holds: vec![],
            },
        ];
        let lines = "  worker-0 (transfer 3 → 1): waits for rwlock #3 (created at src/lib.rs:4:1) \
                     (write), held by worker-1 and thread #9 (finished); holds fork-0, mutex #2 \
                     (protecting VecDeque<i32>, created at src/lib.rs:41:20)\n  worker-1: waits \
                     on condvar #1 (created at src/lib.rs:43:24) (with mutex #2 (protecting \
                     VecDeque<i32>, created at src/lib.rs:41:20) released) for a notify\n  main: \
                     waits for worker-1 to finish\n  b: waits at start for the other threads\n  \
                     c: waits for its scoped threads to finish\n  d: running (or sleeping, or \
                     waiting with a timeout)\n  e: waits for fork-4\n";
        (states, lines.to_string())
    }

    fn cycle() -> (DeadlockSummary, String) {
        let summary = DeadlockSummary::Cycle {
            links: vec![
                CycleLink {
                    thread: live("philosopher-2", Some("meal 1")),
                    lock: Some(named("fork-3")),
                },
                CycleLink {
                    thread: live("philosopher-3", None),
                    lock: None,
                },
            ],
        };
        let english = "deadlock: philosopher-2 (meal 1) waits for fork-3, held by philosopher-3, \
                       which waits for philosopher-2 (meal 1) to finish";
        (summary, english.to_string())
    }

    #[test]
    fn stress_failures_read_as_before() {
        let violation = RaceFailure::StressViolation {
            what: "concurrent transfers".to_string(),
            round: 3,
            rounds: 150,
            threads: 4,
            operations: 60,
            violation: RaceViolation {
                invariant: "money is conserved".to_string(),
                expected: Some("400".to_string()),
                seen: "399".to_string(),
            },
            replay: replay(),
        };
        assert_eq!(
            violation.to_english(),
            format!(
                "invariant violated after round {} of {} of {} ({} threads × {} operations, \
                 with random pauses at every lock, unlock, wait and atomic operation):\n  {}\n{}",
                3,
                150,
                "concurrent transfers",
                4,
                60,
                "money is conserved",
                old_replay()
            )
        );
        let panic = RaceFailure::StressPanic {
            thread: "worker-2".to_string(),
            doing: Some("transfer 3 → 1".to_string()),
            round: 1,
            rounds: 150,
            what: "concurrent transfers".to_string(),
            panic: RacePanic {
                message: "overdrawn\n".to_string(),
                location: Some("src/lib.rs:57:38".to_string()),
                hint: None,
            },
            replay: replay(),
        };
        let doing = format!(" in {}", "transfer 3 → 1");
        assert_eq!(
            panic.to_english(),
            format!(
                "{}-{} panicked{doing}, in round {} of {} of {}:\n  {}\n{}",
                "worker",
                2,
                1,
                150,
                "concurrent transfers",
                "overdrawn (at src/lib.rs:57:38)",
                old_replay()
            )
        );
        let (states, lines) = threads();
        let (summary, summary_english) = cycle();
        let stress = WatchedRun::Stress {
            what: "concurrent transfers".to_string(),
            round: 2,
            rounds: 60,
            replay: replay(),
        };
        let deadlock = RaceFailure::Deadlock {
            run: stress.clone(),
            deadlock: RaceDeadlock {
                summary,
                threads: states.clone(),
                checker: None,
            },
            stall_ms: 2000,
        };
        let inner = format!(
            "{}\nwhile running {}; every thread was blocked and nothing moved for {:.1} s:\n{}",
            summary_english,
            "the stress run of concurrent transfers",
            std::time::Duration::from_secs(2).as_secs_f64(),
            lines
        );
        assert_eq!(
            deadlock.to_english(),
            format!(
                "{}\n(in round {} of {}; {})",
                inner.trim_end(),
                2,
                60,
                old_replay()
            )
        );
        let hang = RaceFailure::Hang {
            run: stress,
            limit_ms: 20_000,
            threads: states,
        };
        let mut inner = format!(
            "{} did not finish within {:.0} s: a thread never finished (an endless loop, a \
             spin that never sees its flag, or threads waiting in a way the course facade \
             cannot see)",
            "the stress run of concurrent transfers",
            std::time::Duration::from_secs(20).as_secs_f64()
        );
        inner.push_str("\nthreads at that moment:\n");
        inner.push_str(&lines);
        assert_eq!(
            hang.to_english(),
            format!(
                "{}\n(in round {} of {}; {})",
                inner.trim_end(),
                2,
                60,
                old_replay()
            )
        );
        let watched = RaceFailure::Hang {
            run: WatchedRun::Run {
                what: "300 rounds of a Signal".to_string(),
            },
            limit_ms: 10_000,
            threads: vec![],
        };
        assert_eq!(
            watched.to_english(),
            "300 rounds of a Signal did not finish within 10 s: a thread never finished (an \
             endless loop, a spin that never sees its flag, or threads waiting in a way the \
             course facade cannot see)"
        );
    }

    #[test]
    fn exploration_and_model_failures_read_as_before() {
        let at = ExplorationAt {
            scheduler: ExplorationScheduler::Pct { depth: 3 },
            schedule: 2,
            schedules: 1000,
            shuttle_seed: 42,
        };
        let old_at = format!(
            "{}, schedule {} of {}, shuttle seed {}",
            "PCT scheduler, depth 3", 2, 1000, 42
        );
        let tail = |schedule: &str| {
            format!(
                "shuttle schedule: {schedule}\nThe schedules are a function of the seed: the \
                 same seed explores the same ones and fails at this one on every run ({})",
                old_replay()
            )
        };
        let violation = RaceFailure::ExplorationViolation {
            what: "three adders".to_string(),
            at,
            violation: RaceViolation {
                invariant: "every addition counts".to_string(),
                expected: None,
                seen: "13".to_string(),
            },
            schedule: ShuttleSchedule::Encoded {
                schedule: "9102".to_string(),
            },
            replay: replay(),
        };
        assert_eq!(
            violation.to_english(),
            format!(
                "invariant violated in an interleaving of {} ({old_at}):\n  {}\n{}",
                "three adders",
                "every addition counts",
                tail("9102")
            )
        );
        let too_long = format!(
            "{} steps, {} characters in shuttle's encoding (too long to show; the seed \
             replays it)",
            900, 2400
        );
        let deadlock = RaceFailure::ExplorationDeadlock {
            what: "four philosophers".to_string(),
            at: ExplorationAt {
                scheduler: ExplorationScheduler::Random,
                ..at
            },
            deadlock: RaceDeadlock {
                summary: DeadlockSummary::NoThreadCanRun,
                threads: vec![],
                checker: Some("deadlock! blocked tasks: [main]\n".to_string()),
            },
            schedule: ShuttleSchedule::TooLong {
                steps: 900,
                chars: 2400,
            },
            replay: replay(),
        };
        assert_eq!(
            deadlock.to_english(),
            format!(
                "{}\nfound by schedule exploration of {} ({}); every thread was blocked:\n{}{}",
                "deadlock: no thread can run",
                "four philosophers",
                "random scheduler, schedule 2 of 1000, shuttle seed 42",
                "  deadlock! blocked tasks: [main]\n",
                tail(&too_long)
            )
        );
        let spin = "\n  A thread spins without end: a busy-wait loop must call \
             threadlings::hint::spin_loop() (or thread::yield_now()) and must be able to see \
             the value it waits for.";
        let failed = RaceFailure::ExplorationFailed {
            what: "a spinning waiter".to_string(),
            at,
            panic: RacePanic {
                message: "exceeded max_steps bound 100000".to_string(),
                location: None,
                hint: Some(RaceHint::SpinsWithoutEnd),
            },
            schedule: ShuttleSchedule::Encoded {
                schedule: "91".to_string(),
            },
            replay: replay(),
        };
        assert_eq!(
            failed.to_english(),
            format!(
                "schedule exploration found an interleaving of {} that fails ({old_at}):\n  \
                 {}{}\n{}",
                "a spinning waiter",
                "exceeded max_steps bound 100000",
                spin,
                tail("91")
            )
        );
        let causality = "\n  Two threads touched the same data with no happens-before between \
             them: the reading side did not synchronize with the writing side. A flag or lock \
             that publishes data needs Release on the store and Acquire on the load (Relaxed \
             orders nothing).";
        let model = RaceFailure::ModelFailed {
            what: "a mailbox".to_string(),
            execution: 3,
            preemption_bound: 3,
            panic: RacePanic {
                message: "Causality violation".to_string(),
                location: Some("src/lib.rs:9:5".to_string()),
                hint: Some(RaceHint::Unsynchronized),
            },
            replay: replay(),
        };
        assert_eq!(
            model.to_english(),
            format!(
                "the model checker found an interleaving of {} that fails (execution \
                 {}, preemption bound {}):\n  {}{}\nThis is deterministic: \
                 the same interleaving fails on every run ({})",
                "a mailbox",
                3,
                3,
                "Causality violation (at src/lib.rs:9:5)",
                causality,
                old_replay()
            )
        );
        let (states, lines) = threads();
        for (summary, english) in [
            cycle(),
            (
                DeadlockSummary::HoldsItself {
                    thread: live("worker-0", None),
                    lock: named("fork-4"),
                },
                "deadlock: worker-0 waits for fork-4, which it holds itself. The course's (and \
                 std's) locks are not re-entrant: locking a Mutex the thread already holds, or \
                 asking an RwLock for write access while the same thread's read guard is alive, \
                 waits forever"
                    .to_string(),
            ),
            (
                DeadlockSummary::NoneLeft,
                "deadlock: every thread is blocked and none is left to wake the others".to_string(),
            ),
        ] {
            let model = RaceFailure::ModelDeadlock {
                what: "three philosophers".to_string(),
                execution: 91,
                deadlock: RaceDeadlock {
                    summary,
                    threads: states.clone(),
                    checker: None,
                },
                replay: replay(),
            };
            assert_eq!(
                model.to_english(),
                format!(
                    "{english}\nfound by the model checker in {} (execution {}); every thread \
                     was blocked:\n{lines}This is deterministic: the same interleaving \
                     deadlocks on every run ({})",
                    "three philosophers",
                    91,
                    old_replay()
                )
            );
        }
    }

    #[test]
    fn the_data_reads_back_from_json() {
        let (states, _) = threads();
        let failure = RaceFailure::Deadlock {
            run: WatchedRun::Run {
                what: "x".to_string(),
            },
            deadlock: RaceDeadlock {
                summary: cycle().0,
                threads: states,
                checker: None,
            },
            stall_ms: 1500,
        };
        let json = serde_json::to_string(&failure).unwrap();
        assert_eq!(serde_json::from_str::<RaceFailure>(&json).unwrap(), failure);
    }
}

// ---------------------------------------------------------------------------
// The kit's own skips and verdicts outside the race kit (the timing and
// linearizability kits, the race tools' build skips), as data. As for a
// race failure, the English is here (`to_english`), byte for byte the text
// the kit wrote before it was data, because the kit writes it and cannot
// depend on the grader; the grader's `messages::ko` words the same data.
// The check author's words (`what`, a scenario's label, a panic message)
// stay values.

/// The cores a process may use, as a timing check reports them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MachineCores {
    /// Whole cores usable at once: the smallest of the three, at least 1.
    pub usable: usize,
    /// `std::thread::available_parallelism()`.
    pub available: usize,
    /// CPUs in the affinity mask, if readable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affinity: Option<usize>,
    /// Cores' worth of CPU time the cgroup quota allows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<f64>,
}

/// The build a race tool needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RaceBuild {
    /// A model check (`--cfg loom`).
    Loom,
    /// A schedule exploration (`--cfg shuttle`).
    Shuttle,
}

/// Why the kit skipped a check: `Explanation::Skipped.kit`, whose `reason`
/// is its English rendering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KitSkip {
    /// A model check or schedule exploration in a build without its checker.
    OtherBuild { build: RaceBuild, what: String },
    /// A speedup needs more usable cores than this machine gives.
    TooFewCores { needed: usize, cores: MachineCores },
    /// The course's own parallel loop did not show parallelism clearly in
    /// enough rounds to judge a speedup.
    BusyMachine {
        threads: usize,
        /// What the control must beat one thread by, and the cores it must
        /// keep busy, in a round that can fail an answer.
        machine_floor: f64,
        decisive_busy: f64,
        /// Rounds that showed it, rounds run, rounds needed.
        decisive_rounds: usize,
        rounds: usize,
        rounds_to_fail: usize,
        cores: MachineCores,
    },
}

/// A failed timing or linearizability check, as the kit found it:
/// `Explanation::KitFailed`, whose English is the check's message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KitFailure {
    /// The candidate was not faster than one thread in any round where the
    /// course's own parallel loop clearly was. Times in milliseconds.
    Speedup {
        what: String,
        threads: usize,
        decisive_rounds: usize,
        /// The most cores the candidate kept busy in any round.
        most_busy: f64,
        required: f64,
        machine: f64,
        candidate: f64,
        candidate_ms: f64,
        baseline_ms: f64,
        rounds: usize,
    },
    /// The tasks were not in flight at the same time. Times in
    /// milliseconds.
    Latency {
        what: String,
        concurrent_ms: f64,
        limit_ms: f64,
        best_ms: f64,
        tries: usize,
        sequential_ms: f64,
    },
    /// A linearizability stress run found results no sequential order
    /// explains; `scenario` is the scenario as text when no grader renders
    /// the evidence (empty under the grader).
    NotLinearizable {
        label: String,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        scenario: String,
        replay: RaceReplay,
    },
    /// The code under test panicked during a linearizability stress run:
    /// the panic (`PART: OP panicked: MESSAGE`, the code's words) as it is.
    LinPanic {
        panic: String,
        label: String,
        replay: RaceReplay,
    },
    /// A linearizability stress run deadlocked or hung (the watcher's
    /// `race` failure); `scenario` is `Some` when a scenario was running
    /// (its text, empty under the grader, which shows the evidence).
    LinUnfinished {
        /// The object (the spec's label); the watched run's `what` is
        /// [`KitFailure::lin_stress_run_english`] of it.
        label: String,
        race: Box<RaceFailure>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        scenario: Option<String>,
        replay: RaceReplay,
    },
    /// A litmus check saw (stress) or allowed (model) outcomes its table
    /// forbids; `outcomes` are the rows' outcomes, `table` the table as
    /// text when no grader renders the evidence (empty under the grader).
    LitmusForbidden {
        tool: LitmusTool,
        label: String,
        outcomes: Vec<String>,
        #[serde(default, skip_serializing_if = "String::is_empty")]
        table: String,
        replay: RaceReplay,
    },
}

/// `123 ms`, as the timing kit writes a duration.
fn ms_english(ms: f64) -> String {
    format!("{ms:.0} ms")
}

impl MachineCores {
    /// `1 usable core (affinity 1 CPU, no CPU quota, available_parallelism 1)`.
    pub fn to_english(&self) -> String {
        let usable = self.usable;
        let affinity = match self.affinity {
            Some(n) => format!("affinity {n} CPU{}", if n == 1 { "" } else { "s" }),
            None => "affinity unknown".to_string(),
        };
        let quota = match self.quota {
            Some(q) => format!("cgroup CPU quota {q:.2} cores"),
            None => "no CPU quota".to_string(),
        };
        format!(
            "{usable} usable core{} ({affinity}, {quota}, available_parallelism {})",
            if usable == 1 { "" } else { "s" },
            self.available
        )
    }
}

impl KitSkip {
    /// The reason, as the kit has always written it.
    pub fn to_english(&self) -> String {
        match self {
            KitSkip::OtherBuild {
                build: RaceBuild::Loom,
                what,
            } => format!(
                "the model check of {what} runs only in the `loom` build (RUSTFLAGS=\"--cfg \
                 loom\")"
            ),
            KitSkip::OtherBuild {
                build: RaceBuild::Shuttle,
                what,
            } => format!(
                "the schedule exploration of {what} runs only in the `shuttle` build \
                 (RUSTFLAGS=\"--cfg shuttle\")"
            ),
            KitSkip::TooFewCores { needed, cores } => format!(
                "a speedup needs {needed} cores and this machine gives {}; the structural checks \
                 (tasks alive at once, thread counts) still grade this exercise",
                cores.to_english()
            ),
            KitSkip::BusyMachine {
                threads,
                machine_floor,
                decisive_busy,
                decisive_rounds,
                rounds,
                rounds_to_fail,
                cores,
            } => format!(
                "the machine could not run {threads} threads in parallel during this check: the \
                 course's own parallel loop showed it clearly (at least {machine_floor:.1}x \
                 faster than one thread with {decisive_busy:.1} cores busy) in {decisive_rounds} \
                 of {rounds} rounds, {rounds_to_fail} needed to judge ({}; other processes may \
                 be using the cores). The structural checks still grade this exercise",
                cores.to_english()
            ),
        }
    }
}

impl KitFailure {
    /// What the linearizability kit's watcher says it watched.
    pub fn lin_stress_run_english(label: &str) -> String {
        format!("the linearizability stress run of {label}")
    }

    /// The failure's message, as the kit has always written it.
    pub fn to_english(&self) -> String {
        match self {
            KitFailure::Speedup {
                what,
                threads,
                decisive_rounds,
                most_busy,
                ..
            } => {
                let hint = if *most_busy < 1.2 {
                    format!(
                        " It kept at most {most_busy:.1} cores busy: the work ran one thread at \
                         a time (a lock held around the hot loop, or no threads at all?)."
                    )
                } else {
                    " The cores were busy but the work did not go faster: overhead per item \
                     (a thread, a lock or an allocation per item?)."
                        .to_string()
                };
                format!(
                    "{what} was not faster with {threads} threads than the course's loop on one \
                     thread, in any of the {decisive_rounds} rounds where the course's own \
                     parallel loop clearly was.{hint}"
                )
            }
            KitFailure::Latency { what, .. } => format!(
                "{what} took as long as running the tasks one after another: they were not in \
                 flight at the same time"
            ),
            KitFailure::NotLinearizable {
                label,
                scenario,
                replay,
            } => format!(
                "the results of {label} are not linearizable: no order of the operations, one \
                 at a time, gives what the threads saw (init runs first, then the threads at \
                 the same time, then post; `!` marks a result no order explains):\n{scenario}{}",
                replay.to_english()
            ),
            KitFailure::LinPanic {
                panic,
                label,
                replay,
            } => format!(
                "{panic}\nwhile running a scenario of {label}\n{}",
                replay.to_english()
            ),
            KitFailure::LinUnfinished {
                race,
                scenario: Some(text),
                replay,
                ..
            } => format!(
                "{}\nin this scenario:\n{text}{}",
                race.to_english().trim_end(),
                replay.to_english()
            ),
            KitFailure::LinUnfinished {
                race,
                scenario: None,
                replay,
                ..
            } => format!("{}\n{}", race.to_english().trim_end(), replay.to_english()),
            KitFailure::LitmusForbidden {
                tool,
                label,
                outcomes,
                table,
                replay,
            } => {
                let how = match tool {
                    LitmusTool::Model => "your orderings allow",
                    LitmusTool::Stress => "this machine showed",
                };
                let shown = match table.is_empty() {
                    true => String::new(),
                    false => format!("\n{table}"),
                };
                format!(
                    "{how} a forbidden outcome of {label}: {}{shown}\n{}",
                    outcomes.join("; "),
                    replay.to_english()
                )
            }
        }
    }

    /// What the check expected, if the failure compares values.
    pub fn expected_english(&self) -> Option<String> {
        match self {
            KitFailure::Speedup {
                required, machine, ..
            } => Some(format!(
                "at least {required:.2}x faster than one thread (the course's parallel loop \
                 reached {machine:.2}x in the same run)"
            )),
            KitFailure::Latency {
                concurrent_ms,
                limit_ms,
                ..
            } => Some(format!(
                "about {} (tasks overlapping), at most {}",
                ms_english(*concurrent_ms),
                ms_english(*limit_ms)
            )),
            KitFailure::NotLinearizable { .. }
            | KitFailure::LinPanic { .. }
            | KitFailure::LinUnfinished { .. }
            | KitFailure::LitmusForbidden { .. } => None,
        }
    }

    /// What the code did instead, if the failure compares values.
    pub fn actual_english(&self) -> Option<String> {
        match self {
            KitFailure::Speedup {
                candidate,
                candidate_ms,
                baseline_ms,
                rounds,
                ..
            } => Some(format!(
                "{candidate:.2}x ({} vs {} on one thread, best of {rounds} rounds)",
                ms_english(*candidate_ms),
                ms_english(*baseline_ms)
            )),
            KitFailure::Latency {
                best_ms,
                tries,
                sequential_ms,
                ..
            } => Some(format!(
                "{} at best over {tries} tries (one at a time takes at least {})",
                ms_english(*best_ms),
                ms_english(*sequential_ms)
            )),
            KitFailure::NotLinearizable { .. }
            | KitFailure::LinPanic { .. }
            | KitFailure::LinUnfinished { .. }
            | KitFailure::LitmusForbidden { .. } => None,
        }
    }
}

/// The English of the kit's skips and timing and linearizability failures
/// is the text the kit wrote before it was data: each expected string is
/// built by the kit's old code (its `format!`s, copied as they were), from
/// the same values.
#[cfg(test)]
mod kit_english {
    use std::time::Duration;

    use super::*;
    use crate::protocol::Failure;

    /// The old `timing::ms`.
    fn ms(duration: Duration) -> String {
        format!("{:.0} ms", duration.as_secs_f64() * 1000.0)
    }

    fn in_ms(duration: Duration) -> f64 {
        duration.as_secs_f64() * 1000.0
    }

    /// The old `Cores::describe`.
    fn describe(usable: usize, available: usize, a: Option<usize>, q: Option<f64>) -> String {
        let affinity = match a {
            Some(n) => format!("affinity {n} CPU{}", if n == 1 { "" } else { "s" }),
            None => "affinity unknown".to_string(),
        };
        let quota = match q {
            Some(q) => format!("cgroup CPU quota {q:.2} cores"),
            None => "no CPU quota".to_string(),
        };
        format!(
            "{usable} usable core{} ({affinity}, {quota}, available_parallelism {})",
            if usable == 1 { "" } else { "s" },
            available
        )
    }

    fn cores(usable: usize, available: usize, a: Option<usize>, q: Option<f64>) -> MachineCores {
        MachineCores {
            usable,
            available,
            affinity: a,
            quota: q,
        }
    }

    #[test]
    fn skips_read_as_before() {
        let what = "two opposite transfers".to_string();
        assert_eq!(
            KitSkip::OtherBuild {
                build: RaceBuild::Loom,
                what: what.clone()
            }
            .to_english(),
            format!(
                "the model check of {} runs only in the `loom` build (RUSTFLAGS=\"--cfg loom\")",
                what
            )
        );
        assert_eq!(
            KitSkip::OtherBuild {
                build: RaceBuild::Shuttle,
                what: what.clone()
            }
            .to_english(),
            format!(
                "the schedule exploration of {} runs only in the `shuttle` build (RUSTFLAGS=\"--cfg \
                 shuttle\")",
                what
            )
        );
        for (usable, available, a, q) in [
            (1, 1, Some(1), None),
            (2, 4, Some(2), Some(2.5)),
            (1, 8, None, Some(1.0)),
        ] {
            let n = 2;
            assert_eq!(
                KitSkip::TooFewCores {
                    needed: n,
                    cores: cores(usable, available, a, q)
                }
                .to_english(),
                format!(
                    "a speedup needs {n} cores and this machine gives {}; the structural checks \
                     (tasks alive at once, thread counts) still grade this exercise",
                    describe(usable, available, a, q)
                )
            );
        }
        let (threads, machine_floor, decisive_busy, decisive, rounds, to_fail) =
            (4, 1.5, 1.4, 0, 12, 3);
        assert_eq!(
            KitSkip::BusyMachine {
                threads,
                machine_floor,
                decisive_busy,
                decisive_rounds: decisive,
                rounds,
                rounds_to_fail: to_fail,
                cores: cores(2, 2, Some(2), None),
            }
            .to_english(),
            format!(
                "the machine could not run {} threads in parallel during this check: the \
                 course's own parallel loop showed it clearly (at least {:.1}x faster than one \
                 thread with {:.1} cores busy) in {} of {} rounds, {} needed to judge ({}; other \
                 processes may be using the cores). The structural checks still grade this \
                 exercise",
                threads,
                machine_floor,
                decisive_busy,
                decisive,
                rounds,
                to_fail,
                describe(2, 2, Some(2), None)
            )
        );
    }

    #[test]
    fn timing_failures_read_as_before() {
        let what = "parallel_sum(4000000 items, 4 workers)";
        let (candidate, baseline) = (
            Duration::from_micros(101_499),
            Duration::from_nanos(99_500_001),
        );
        let (threads, decisive, rounds, required, machine, speed) =
            (4, 3, 12, 1.4537, 1.9074, 0.9806);
        for candidate_busy in [1.04, 1.63] {
            let kit = KitFailure::Speedup {
                what: what.to_string(),
                threads,
                decisive_rounds: decisive,
                most_busy: candidate_busy,
                required,
                machine,
                candidate: speed,
                candidate_ms: in_ms(candidate),
                baseline_ms: in_ms(baseline),
                rounds,
            };
            let hint = if candidate_busy < 1.2 {
                format!(
                    " It kept at most {candidate_busy:.1} cores busy: the work ran one thread at a \
                     time (a lock held around the hot loop, or no threads at all?)."
                )
            } else {
                " The cores were busy but the work did not go faster: overhead per item \
                 (a thread, a lock or an allocation per item?)."
                    .to_string()
            };
            let old = Failure::new(format!(
                "{what} was not faster with {} threads than the course's loop on one thread, in \
                 any of the {} rounds where the course's own parallel loop clearly was.{hint}",
                threads, decisive
            ))
            .expected(format!(
                "at least {:.2}x faster than one thread (the course's parallel loop reached \
                 {machine:.2}x in the same run)",
                required
            ))
            .actual(format!(
                "{:.2}x ({} vs {} on one thread, best of {} rounds)",
                speed,
                ms(candidate),
                ms(baseline),
                rounds
            ));
            let new = Failure::kit(kit.clone());
            assert_eq!(new.render(), old.render());
            assert_eq!(new.kit_data(), Some(&kit));
        }
        let what = "fetch_all(12 resources, at most 3 at once)";
        let (concurrent, limit, best, sequential, tries) = (
            Duration::from_millis(400),
            Duration::from_micros(800_500),
            Duration::from_nanos(1_203_499_999),
            Duration::from_millis(1200),
            3,
        );
        let old = Failure::new(format!(
            "{what} took as long as running the tasks one after another: they were not \
             in flight at the same time"
        ))
        .expected(format!(
            "about {} (tasks overlapping), at most {}",
            ms(concurrent),
            ms(limit)
        ))
        .actual(format!(
            "{} at best over {} tries (one at a time takes at least {})",
            ms(best),
            tries,
            ms(sequential)
        ));
        let new = Failure::kit(KitFailure::Latency {
            what: what.to_string(),
            concurrent_ms: in_ms(concurrent),
            limit_ms: in_ms(limit),
            best_ms: in_ms(best),
            tries,
            sequential_ms: in_ms(sequential),
        });
        assert_eq!(new.render(), old.render());
        // Reworded by the check: the data no longer says it.
        let mut reworded = new.clone();
        reworded.message.push_str(" With one counter per thread...");
        assert_eq!(reworded.kit_data(), None);
    }

    #[test]
    fn linearizability_failures_read_as_before() {
        let label = "Channel::bounded(2)";
        let seed = RaceReplay {
            seed: 7,
            command: "cargo run -p check-build_a_channel -- fifo --seed 7".to_string(),
        };
        let replay = format!("seed {}; replay: {}", 7, seed.command);
        for text in ["", "init:  Send(1): Ok(())\n       thread 0 | thread 1\n"] {
            let old = format!(
                "the results of {label} are not linearizable: no order of the operations, one \
                 at a time, gives what the threads saw (init runs first, then the threads at \
                 the same time, then post; `!` marks a result no order explains):\n{text}{replay}"
            );
            let new = Failure::kit(KitFailure::NotLinearizable {
                label: label.to_string(),
                scenario: text.to_string(),
                replay: seed.clone(),
            });
            assert_eq!(new.render(), old);
        }
        let message = "thread 1: Recv panicked: boom";
        let old = format!("{message}\nwhile running a scenario of {label}\n{replay}");
        let new = Failure::kit(KitFailure::LinPanic {
            panic: message.to_string(),
            label: label.to_string(),
            replay: seed,
        });
        assert_eq!(new.render(), old);
    }

    #[test]
    fn litmus_words_read_as_before() {
        // The old notes of `Litmus::model` and `Litmus::stress`.
        let n = 9u64;
        assert_eq!(
            LitmusRun::Model { interleavings: n }.notes_english(),
            vec![
                format!(
                    "allowed: the outcomes loom produced in {} interleavings under your \
                     orderings (loom models the stale values Relaxed and Acquire loads may \
                     return, not every Relaxed behaviour, and treats SeqCst like AcqRel)",
                    n
                ),
                "seen here: counted by the stress check of the same program".to_string(),
            ]
        );
        let (runs, arch, cores) = (1559, "x86_64", 2);
        assert_eq!(
            LitmusRun::Stress {
                runs,
                arch: arch.to_string(),
                cores
            }
            .notes_english(),
            vec![
                format!(
                    "seen here: {runs} runs on this machine ({}, {} cores), with random pauses \
                     at atomic operations",
                    arch, cores
                ),
                "allowed: decided by the model check (loom) of the same program".to_string(),
            ]
        );
        for verdict in ["ok", "interesting", "FORBIDDEN"] {
            assert_eq!(
                OutcomeVerdict::from_wire(verdict).unwrap().as_str(),
                verdict
            );
        }
        // The old `Litmus::finish` message, with and without the table.
        let label = "message passing through the Mailbox (publish ‖ read)";
        let forbidden = vec![
            "flag=1 words=0 (x)".to_string(),
            "flag=1 words=2".to_string(),
        ];
        let replay = RaceReplay {
            seed: 7,
            command: "cargo run -p check-atomics -- mailbox_litmus --seed 7".to_string(),
        };
        for (tool, how) in [
            (LitmusTool::Model, "your orderings allow"),
            (LitmusTool::Stress, "this machine showed"),
        ] {
            for text in ["", "outcomes of x (a, b):\n  row\n"] {
                let shown = if text.is_empty() {
                    String::new()
                } else {
                    format!("\n{text}")
                };
                let old = format!(
                    "{how} a forbidden outcome of {}: {}{shown}\nseed {}; replay: {}",
                    label,
                    forbidden.join("; "),
                    7,
                    replay.command
                );
                let kit = KitFailure::LitmusForbidden {
                    tool,
                    label: label.to_string(),
                    outcomes: forbidden.clone(),
                    table: text.to_string(),
                    replay: replay.clone(),
                };
                assert_eq!(Failure::kit(kit.clone()).render(), old);
                assert_eq!(Failure::kit(kit.clone()).kit_data(), Some(&kit));
            }
        }
    }

    #[test]
    fn scenario_lines_read_as_before() {
        let why = ScenarioWhy {
            explained: 2,
            operations: 4,
            candidates: vec![
                ScenarioCandidate {
                    part: ScenarioPart::Thread { index: 1 },
                    op: "Recv".to_string(),
                    returned: "Some(2)".to_string(),
                    model: Some("Some(1)".to_string()),
                },
                ScenarioCandidate {
                    part: ScenarioPart::Post,
                    op: "Pop".to_string(),
                    returned: "None".to_string(),
                    model: None,
                },
            ],
        };
        // The old `history::describe`, with `Part`'s Display and `Debug`
        // values.
        let old = vec![
            format!(
                "no sequential order of these operations (keeping every operation that returned \
                 before another was called in front of it) gives these results: the longest \
                 explainable prefix holds {} of {} operations; after it, none of these can come \
                 next:",
                2, 4
            ),
            format!(
                "  {} {:?} returned {:?}, but {}",
                "thread 1",
                Op::Recv,
                Some(2),
                format!("a sequential run would return {:?} here", Some(1))
            ),
            format!(
                "  {} {:?} returned {:?}, but {}",
                "post",
                Op::Pop,
                None::<u32>,
                "a sequential run would block here"
            ),
        ];
        assert_eq!(why.to_english(), old);
        let sizes = LinSizes {
            init: 2,
            threads: 3,
            ops: 3,
            post: 1,
            runs: 20,
        };
        let sizes_note = format!(
            "scenarios of {} init, {} threads × {} operations, {} post; {} executions each, with \
             random pauses at every lock, wait, notify and atomic operation",
            2, 3, 3, 1, 20
        );
        assert_eq!(ScenarioNote::Sizes { sizes }.to_english(), sizes_note);
        assert_eq!(
            ScenarioNote::Found {
                execution: 41,
                executions: 400,
                sizes,
                original: 11,
                operations: 4,
                steps: 5
            }
            .to_english(),
            format!(
                "found at execution {} of {} ({sizes_note}); shrunk from {} to {} operations in \
                 {} steps, each smaller scenario run until it failed again",
                40 + 1,
                400,
                11,
                4,
                5
            )
        );
        assert_eq!(
            ScenarioNote::DidNotFinish { sizes }.to_english(),
            format!(
                "this scenario did not finish ({sizes_note}); the model finishes every \
                 interleaving of it, so some thread waits for a wake-up that never comes"
            )
        );
        // The old wrapping of the watcher's failure in a lin stress run.
        let race = RaceFailure::Hang {
            run: WatchedRun::Run {
                what: KitFailure::lin_stress_run_english("Q"),
            },
            limit_ms: 20_000,
            threads: Vec::new(),
        };
        assert_eq!(
            KitFailure::lin_stress_run_english("Q"),
            format!("the linearizability stress run of {}", "Q")
        );
        let replay = RaceReplay {
            seed: 3,
            command: "cargo run -p c -- q --seed 3".to_string(),
        };
        let message = Failure::race(race.clone()).message;
        for scenario in [
            None,
            Some(String::new()),
            Some("       thread 0\n".to_string()),
        ] {
            let old = match &scenario {
                Some(text) => format!(
                    "{}\nin this scenario:\n{}{}",
                    message.trim_end(),
                    text,
                    replay.to_english()
                ),
                None => format!("{}\n{}", message.trim_end(), replay.to_english()),
            };
            let kit = KitFailure::LinUnfinished {
                label: "Q".to_string(),
                race: Box::new(race.clone()),
                scenario,
                replay: replay.clone(),
            };
            assert_eq!(Failure::kit(kit).render(), old);
        }
    }

    #[derive(Debug)]
    enum Op {
        Recv,
        Pop,
    }

    #[test]
    fn the_data_round_trips_and_older_verdicts_still_read() {
        let skip = crate::protocol::Verdict::Skipped {
            reason: "only one core".to_string(),
            kit: None,
        };
        let json = serde_json::to_string(&skip).unwrap();
        assert_eq!(json, r#"{"outcome":"skipped","reason":"only one core"}"#);
        assert_eq!(
            serde_json::from_str::<crate::protocol::Verdict>(&json).unwrap(),
            skip
        );
        let explanation: Explanation =
            serde_json::from_str(r#"{"kind":"skipped","reason":"x"}"#).unwrap();
        assert_eq!(
            explanation,
            Explanation::Skipped {
                reason: "x".to_string(),
                kit: None
            }
        );
        let failed = Explanation::KitFailed {
            failure: KitFailure::Latency {
                what: "w".to_string(),
                concurrent_ms: 400.0,
                limit_ms: 800.5,
                best_ms: 1203.499999,
                tries: 3,
                sequential_ms: 1200.0,
            },
        };
        let json = serde_json::to_string(&failed).unwrap();
        assert_eq!(serde_json::from_str::<Explanation>(&json).unwrap(), failed);
    }
}
