//! The metadata files as written by instructors, parsed without interpretation.
//! Every field has a doc comment and a default so a file states only what it
//! changes; `plan.rs` validates and resolves them.

use serde::Deserialize;
use threadlings_schema::report::CheckKind;

/// `course.toml` at the course root.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CourseFile {
    /// Layout version of the metadata files; only 1 exists.
    pub format_version: u32,
    /// The course title shown in reports.
    #[serde(default = "default_title")]
    pub title: String,
    /// Values a check inherits unless its own file says otherwise.
    #[serde(default)]
    pub defaults: Defaults,
    /// Build variants: the check programs compiled again with extra cfgs
    /// (for example `loom`), each in its own build directory.
    #[serde(default)]
    pub variants: std::collections::BTreeMap<String, VariantEntry>,
    /// How `--format gradescope` shows results to students.
    #[serde(default)]
    pub gradescope: GradescopeEntry,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GradescopeEntry {
    /// When students see the results of private checks (`private = true`):
    /// Gradescope's test `visibility`. Default `after_due_date`.
    #[serde(default)]
    pub private_visibility: GradescopeVisibility,
}

/// Gradescope's `visibility` values (Autograder Specifications).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GradescopeVisibility {
    /// Shown to students at once.
    Visible,
    /// Never shown to students.
    Hidden,
    /// Shown once the due date (the late due date, if any) has passed.
    #[default]
    AfterDueDate,
    /// Shown once the instructor publishes the grades.
    AfterPublished,
}

impl GradescopeVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            GradescopeVisibility::Visible => "visible",
            GradescopeVisibility::Hidden => "hidden",
            GradescopeVisibility::AfterDueDate => "after_due_date",
            GradescopeVisibility::AfterPublished => "after_published",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantEntry {
    /// `--cfg` names passed to rustc for every crate of the build.
    #[serde(default)]
    pub cfg: Vec<String>,
    /// What the variant is for, shown to instructors.
    #[serde(default)]
    pub description: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defaults {
    /// Wall-clock limit for one check process, in milliseconds.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// Points a check is worth when its entry does not say.
    #[serde(default = "default_points")]
    pub points: f64,
    /// Runs of the reference solutions that `verify` grades by default.
    #[serde(default = "default_verify_runs")]
    pub verify_runs: u32,
    /// Sandbox limits every check inherits (see `CheckEntry`); unset means
    /// the grader's built-in defaults (docs/sandbox.md).
    #[serde(default)]
    pub memory_mb: Option<u64>,
    #[serde(default)]
    pub max_tasks: Option<u64>,
    #[serde(default)]
    pub output_kb: Option<u64>,
    #[serde(default)]
    pub file_mb: Option<u64>,
    /// CPU time one compiler run of an exercise may use, in milliseconds
    /// (`RLIMIT_CPU` of the compile; see grader/src/build/confine.rs).
    #[serde(default)]
    pub compile_timeout_ms: Option<u64>,
    /// Resident memory one compiler run of an exercise may use, in MiB.
    #[serde(default)]
    pub compile_memory_mb: Option<u64>,
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults {
            timeout_ms: default_timeout_ms(),
            points: default_points(),
            verify_runs: default_verify_runs(),
            memory_mb: None,
            max_tasks: None,
            output_kb: None,
            file_mb: None,
            compile_timeout_ms: None,
            compile_memory_mb: None,
        }
    }
}

/// `grader/checks/NN-topic/checks.toml`: one exercise and its hidden checks.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChecksFile {
    /// Layout version; only 1 exists.
    pub format_version: u32,
    pub exercise: ExerciseEntry,
    /// The checks, in the order reports list them.
    #[serde(default, rename = "check")]
    pub checks: Vec<CheckEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseEntry {
    /// Title shown in reports.
    pub title: String,
    /// The title in Korean, shown when the grader speaks Korean; absent
    /// means the English one is shown.
    #[serde(default)]
    pub title_ko: Option<String>,
    /// One-word topic, shown by `grader list`.
    #[serde(default)]
    pub topic: String,
    /// Hints revealed one at a time by `grader hint`.
    #[serde(default)]
    pub hints: Vec<String>,
    /// The same hints in Korean, shown when the grader speaks Korean; absent
    /// means the English ones are shown. When present, one per English hint
    /// (the levels a student has reached are shared by both languages).
    #[serde(default)]
    pub hints_ko: Option<Vec<String>>,
    /// Bounds of the exercise's compiler runs, winning over the course's
    /// `[defaults]` (see `Defaults`).
    pub compile_timeout_ms: Option<u64>,
    pub compile_memory_mb: Option<u64>,
    /// Paths (relative to the course root) the checks may read at run time
    /// beyond the system and their own programs: data files, say. Student
    /// code in the check reads them too.
    #[serde(default)]
    pub sandbox_read: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckEntry {
    /// The check function's name in the check program.
    pub name: String,
    /// What the check is about: test, race, timing or process.
    #[serde(default = "default_kind")]
    pub kind: CheckKind,
    /// Points for passing; defaults to the course default.
    pub points: Option<f64>,
    /// Wall-clock limit in milliseconds; defaults to the course default.
    pub timeout_ms: Option<u64>,
    /// Run alone, never beside another check. Timing checks default to
    /// alone; `exclusive = false` lets one whose proofs are all structural
    /// (rendezvous, peaks, thread counts: they hold under any load) run
    /// beside others. The kit refuses a clock-deciding proof in such a check.
    #[serde(default)]
    pub exclusive: Option<bool>,
    /// Build variant (from course.toml `[variants]`) the check program is
    /// compiled as; the plain build when absent.
    pub variant: Option<String>,
    /// One sentence shown in reports and `grader list`.
    #[serde(default)]
    pub description: String,
    /// Kept out of the student repository (`grader export`): the check
    /// function lives in the check crate's `src/private.rs`, which the export
    /// replaces with an empty list, and this entry is dropped from the
    /// exported checks.toml. Graded like any other check by the course copy.
    #[serde(default)]
    pub private: bool,
    /// Memory limit of the check process in MiB (heap, stacks, private
    /// mappings); an allocation beyond it fails and the check crashes with
    /// "out of memory".
    pub memory_mb: Option<u64>,
    /// Threads and processes the check may run at once.
    pub max_tasks: Option<u64>,
    /// Output kept for the report, in KiB (first and last half).
    pub output_kb: Option<u64>,
    /// Largest file the check may write, in MiB.
    pub file_mb: Option<u64>,
    /// A race check's budget, winning over the numbers in its code:
    /// `rounds` (stress), `schedules` and `depth` (exploration),
    /// `preemption_bound` (model), `max_ms` (time cap of any of them).
    /// Kept as a table so `plan.rs` names the check when a key is wrong.
    pub budget: Option<toml::Table>,
}

/// `solutions/NN-topic/wrong/NAME/wrong.toml`: a known-wrong answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrongFile {
    /// What is wrong with it, in one sentence.
    pub description: String,
    /// Checks that must not pass on it, every run.
    pub caught_by: Vec<String>,
}

fn default_title() -> String {
    "Threadlings".to_string()
}
fn default_timeout_ms() -> u64 {
    30_000
}
fn default_points() -> f64 {
    1.0
}
fn default_verify_runs() -> u32 {
    3
}
fn default_kind() -> CheckKind {
    CheckKind::Test
}
