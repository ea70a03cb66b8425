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
}

/// Why the grader gave a check the status it has, when the grader (not the
/// check program) decided it: the values, not the sentence, so every
/// language phrases it from the same data (the grader's `messages` catalogs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The check skipped itself; `reason` is the check's own words.
    Skipped { reason: String },
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
    /// `ok`, `interesting` or `FORBIDDEN`.
    pub verdict: String,
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
            let result = op.result.as_deref().unwrap_or("(did not return)");
            let mark = if op.unexplained { " !" } else { "" };
            format!("{}: {result}{mark}", op.op)
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
                    .chain([format!("thread {t}").len()])
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
            .map(|t| format!("thread {t}"))
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
            out.push_str("interleaving:\n");
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
        let allowed = |row: &OutcomeRow| match row.allowed {
            Some(true) => "yes",
            Some(false) => "no",
            None => "not run",
        };
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
                allowed(row),
                row.seen.map_or("not run".to_string(), |n| n.to_string()),
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
