//! Verdicts reused in the everyday loop: a student who edits one exercise and
//! runs `cargo run -p grader` waits for that exercise only.
//!
//! An exercise of the student's working copy that scored full marks, with
//! every check passed (none skipped), is recorded with a key over everything
//! its verdict depends on: its mirrored sources, its check programs as built
//! now (path, size, modification time and inode of each variant's binary, so
//! a change to a check, the kit, the facade or a dependency shows as a
//! relink), its checks directory and plan (points, timeouts, budgets), the
//! grader binary, and the cores the checks saw. When a later grading finds
//! the same key, the exercise's checks are not run again; the report marks
//! the verdict as reused, with when and with which seed it was graded.
//!
//! Only full-marks verdicts are reused: a failed or partly skipped verdict
//! may owe its result to the machine's load or to a schedule one seed found,
//! and the student re-running it wants a new try. Only the student's own
//! terminal asks for reuse (`GradeOptions::reuse_verdicts`): CI, `--subject`,
//! machine-readable formats, `--seed`, `--min-score` and `--fresh` always
//! grade everything. The store sits in the work directory, which the student
//! controls, so a reused verdict is a convenience, never a grade that counts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use threadlings_schema::report::{CheckStatus, ExerciseReport, ExerciseStatus, ReusedVerdict};

use crate::course::ExercisePlan;
use crate::fnv::Fnv1a;

/// Bumped when what a key covers changes, so older records never match.
const KEY_VERSION: &str = "threadlings-verdict-v1";

/// The recorded verdicts of one work directory.
pub struct Store {
    dir: PathBuf,
}

/// One recorded verdict, as stored.
#[derive(Serialize, Deserialize)]
struct Recorded {
    key: String,
    graded_at_unix_s: u64,
    seed: u64,
    report: ExerciseReport,
}

impl Store {
    pub fn in_work_dir(work_dir: &Path) -> Store {
        Store {
            dir: work_dir.join("verdicts"),
        }
    }

    fn file(&self, exercise: &str) -> PathBuf {
        self.dir.join(format!("{exercise}.json"))
    }

    /// The recorded verdict of `exercise` if it was graded under `key`,
    /// marked as reused.
    pub fn reusable(&self, exercise: &str, key: u64) -> Option<ExerciseReport> {
        let text = std::fs::read_to_string(self.file(exercise)).ok()?;
        let recorded: Recorded = serde_json::from_str(&text).ok()?;
        if recorded.key != format!("{key:016x}") || !reusable(&recorded.report) {
            return None;
        }
        let mut report = recorded.report;
        report.reused = Some(ReusedVerdict {
            graded_at_unix_s: recorded.graded_at_unix_s,
            seed: recorded.seed,
        });
        Some(report)
    }

    /// Records `report` (graded now, with `seed`) under `key` when it can be
    /// reused, and forgets an older record of the exercise when it cannot.
    pub fn record(&self, report: &ExerciseReport, key: u64, seed: u64) {
        let file = self.file(&report.name);
        if !reusable(report) || report.reused.is_some() {
            let _ = std::fs::remove_file(file);
            return;
        }
        let recorded = Recorded {
            key: format!("{key:016x}"),
            graded_at_unix_s: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            seed,
            report: report.clone(),
        };
        // A lost record only costs a re-run: failures to write are ignored.
        let _ = std::fs::create_dir_all(&self.dir);
        if let Ok(text) = serde_json::to_string(&recorded) {
            let _ = crate::subject::write_if_changed(&file, text.as_bytes());
        }
    }
}

/// Whether a grading started from the student's terminal may reuse
/// verdicts: not when it asks for one seed (`--seed`: the student wants that
/// run), and never in CI (`in_ci`). Each command adds its own conditions.
pub fn terminal_may_reuse(explicit_seed: bool) -> bool {
    !explicit_seed && !ci_value_says_ci(std::env::var_os("CI").as_deref())
}

/// CI services set `CI` (GitHub Actions, GitLab, most others) to a value
/// other than empty, `false` or `0`.
fn ci_value_says_ci(value: Option<&std::ffi::OsStr>) -> bool {
    value.is_some_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Full marks, every check passed (none skipped), no integrity violation.
/// (A review note, such as the `unsafe` an exercise allows, is derived from
/// the unchanged sources and kept with the verdict.)
fn reusable(report: &ExerciseReport) -> bool {
    report.status == ExerciseStatus::Passed
        && !report.integrity.iter().any(|flag| flag.kind.is_violation())
        && !report.checks.is_empty()
        && report
            .checks
            .iter()
            .all(|c| c.status == CheckStatus::Passed && c.score >= c.max_score)
}

/// The key of `plan`'s verdict: its mirrored sources' fingerprint, the check
/// programs it runs, its checks directory and plan, the grader binary and
/// the cores. `None` when one of them cannot be read (then nothing is reused).
pub fn key(plan: &ExercisePlan, sources: u64, check_programs: &[&Path]) -> Option<u64> {
    let mut hash = Fnv1a::default();
    let mut feed = |bytes: &[u8]| {
        hash.write(&(bytes.len() as u64).to_le_bytes());
        hash.write(bytes);
    };
    feed(KEY_VERSION.as_bytes());
    feed(&sources.to_le_bytes());
    feed(format!("{plan:?}").as_bytes());
    feed(
        &crate::subject::stubs::fingerprint(&plan.checks_dir)
            .ok()?
            .to_le_bytes(),
    );
    feed(&file_identity(&crate::procfs::own_executable().ok()?)?);
    let mut programs: Vec<&Path> = check_programs.to_vec();
    programs.sort();
    programs.dedup();
    for program in programs {
        feed(program.as_os_str().as_encoded_bytes());
        feed(&file_identity(program)?);
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    feed(&(cores as u64).to_le_bytes());
    Some(hash.finish())
}

/// Size, modification time and inode: what changes when cargo relinks a
/// binary or a new grader is built.
fn file_identity(path: &Path) -> Option<Vec<u8>> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path).ok()?;
    let mut bytes = Vec::with_capacity(40);
    for value in [
        meta.len(),
        meta.mtime() as u64,
        meta.mtime_nsec() as u64,
        meta.ino(),
        meta.dev(),
    ] {
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlings_schema::report::{CheckKind, CheckReport};

    fn check(status: CheckStatus, score: f64) -> CheckReport {
        CheckReport {
            score,
            ..CheckReport::without_evidence("c", CheckKind::Test, status, 1.0, 9)
        }
    }

    fn exercise(status: ExerciseStatus, checks: Vec<CheckReport>) -> ExerciseReport {
        ExerciseReport {
            name: "01-threads".to_string(),
            title: String::new(),
            title_ko: None,
            topic: String::new(),
            score: checks.iter().map(|c| c.score).sum(),
            max_score: checks.len() as f64,
            status,
            checks,
            build_errors: None,
            integrity: Vec::new(),
            reused: None,
        }
    }

    #[test]
    fn ci_is_any_value_of_ci_but_empty_false_and_0() {
        use std::ffi::OsStr;
        for value in ["true", "1", "yes", "github"] {
            assert!(ci_value_says_ci(Some(OsStr::new(value))), "{value}");
        }
        for value in ["", "false", "0"] {
            assert!(!ci_value_says_ci(Some(OsStr::new(value))), "{value}");
        }
        assert!(!ci_value_says_ci(None));
    }

    #[test]
    fn only_a_full_marks_verdict_is_recorded_and_only_under_its_key() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::in_work_dir(dir.path());
        let passed = exercise(
            ExerciseStatus::Passed,
            vec![check(CheckStatus::Passed, 1.0)],
        );
        store.record(&passed, 7, 42);
        assert!(store.reusable("01-threads", 8).is_none(), "another key");
        let reused = store.reusable("01-threads", 7).expect("the same key");
        assert_eq!(reused.reused.as_ref().map(|r| r.seed), Some(42));
        assert_eq!(reused.checks, passed.checks);

        // An exercise that allows `unsafe` carries a review note, not a
        // violation: its verdict is kept, note and all.
        let flag = |kind| threadlings_schema::report::IntegrityFlag {
            kind,
            check: None,
            detail: String::new(),
            finding: None,
        };
        let mut reviewed = passed.clone();
        reviewed.integrity.push(flag(
            threadlings_schema::report::IntegrityKind::UnsafeReview,
        ));
        store.record(&reviewed, 7, 42);
        let kept = store
            .reusable("01-threads", 7)
            .expect("a review note is no violation");
        assert_eq!(kept.integrity, reviewed.integrity);

        // A failed, a skipped or a violating verdict replaces the record
        // with nothing: the next grading runs the checks again.
        for worse in [
            exercise(
                ExerciseStatus::Failed,
                vec![check(CheckStatus::Failed, 0.0)],
            ),
            exercise(
                ExerciseStatus::Passed,
                vec![check(CheckStatus::Skipped, 1.0)],
            ),
            {
                let mut flagged = passed.clone();
                flagged.integrity.push(flag(
                    threadlings_schema::report::IntegrityKind::ResultChannel,
                ));
                flagged
            },
        ] {
            store.record(&passed, 7, 42);
            store.record(&worse, 7, 43);
            assert!(store.reusable("01-threads", 7).is_none(), "{worse:?}");
        }
    }

    #[test]
    fn the_key_follows_the_sources_the_check_programs_and_the_plan() {
        let dir = tempfile::tempdir().unwrap();
        let checks_dir = dir.path().join("checks");
        std::fs::create_dir_all(&checks_dir).unwrap();
        std::fs::write(checks_dir.join("checks.toml"), "a").unwrap();
        let program = dir.path().join("check-threads");
        std::fs::write(&program, "binary").unwrap();
        let plan = crate::course::ExercisePlan {
            name: "01-threads".to_string(),
            title: "Threads".to_string(),
            title_ko: None,
            topic: "threads".to_string(),
            hints: Vec::new(),
            hints_ko: Vec::new(),
            exercise_dir: dir.path().join("exercise"),
            checks_dir: checks_dir.clone(),
            package: "threads".to_string(),
            check_package: "check-threads".to_string(),
            checks: Vec::new(),
            wrong_answers: Vec::new(),
            allow_unsafe: false,
            compile: crate::course::CompileBounds::DEFAULT,
            sandbox_read: Vec::new(),
        };
        let key = |plan: &crate::course::ExercisePlan, sources| {
            super::key(plan, sources, &[program.as_path()]).unwrap()
        };
        let first = key(&plan, 1);
        assert_eq!(first, key(&plan, 1));
        assert_ne!(first, key(&plan, 2), "sources");
        std::fs::write(checks_dir.join("checks.toml"), "b").unwrap();
        let second = key(&plan, 1);
        assert_ne!(first, second, "the checks directory");
        // A relinked check program: same bytes, a new file.
        std::fs::remove_file(&program).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(&program, "binary").unwrap();
        let third = key(&plan, 1);
        assert_ne!(second, third, "the check program");
        let mut more_points = plan.clone();
        more_points.title.push('!');
        assert_ne!(third, key(&more_points, 1), "the plan");
        assert!(
            super::key(&plan, 1, &[dir.path().join("gone").as_path()]).is_none(),
            "a missing program"
        );
    }
}
