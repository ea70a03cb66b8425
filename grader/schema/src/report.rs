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
    pub message: String,
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
