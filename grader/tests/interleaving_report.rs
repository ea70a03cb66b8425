//! The interleaving a failed race check shows, from a real grading: the
//! known-wrong answer 04-shared-state/lost-update (`Counter::add` reads the
//! total in one critical section and writes it in another), graded with a
//! fixed seed. Its shuttle exploration and its loom model check must each
//! show a per-thread trace in which one thread read a value, another then
//! stored, and the first thread's store overwrote that store: the human
//! text (English and Korean) and the JSON data are snapshotted.
//!
//! It grades one exercise of the real course (warm: the check programs and
//! their loom and shuttle variants are built by any earlier grading), so
//! the snapshots move only when the facade, the kit or the report change.

use std::path::PathBuf;
use std::time::Duration;

use assert_cmd::Command;
use threadlings_grader::i18n::Lang;
use threadlings_grader::report::trace;
use threadlings_schema::report::{CheckReport, GradeReport, TraceCause};

/// A cold build of the exercise's three check programs on a loaded 2-core
/// machine.
const LIMIT: Duration = Duration::from_secs(900);
const SEED: &str = "821626";

fn course_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn lost_update_report() -> GradeReport {
    let output = Command::cargo_bin("grader")
        .unwrap()
        .current_dir(course_root())
        .timeout(LIMIT)
        .args([
            "--quiet",
            "--wrong",
            "04-shared-state/lost-update",
            "--only",
            "04",
            "--format",
            "json",
            "--seed",
            SEED,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the grader failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the JSON report parses")
}

fn check<'a>(report: &'a GradeReport, name: &str) -> &'a CheckReport {
    report
        .exercises
        .iter()
        .flat_map(|e| &e.checks)
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name}"))
}

#[test]
fn a_lost_update_shows_the_interleaving_that_lost_it() {
    let report = lost_update_report();
    for name in ["counter_explore", "counter_model"] {
        let trace = check(&report, name)
            .trace
            .as_ref()
            .unwrap_or_else(|| panic!("{name} has no trace"));
        // The bar: two threads read the same value, the second store
        // overwrites the first.
        let Some(TraceCause::LostUpdate { reader, writer, .. }) = &trace.cause else {
            panic!("{name}: not recognised as a lost update: {trace:?}");
        };
        assert_ne!(reader, writer);
        assert_eq!(trace.steps.iter().filter(|s| s.mark).count(), 1);
        insta::assert_snapshot!(format!("{name}_en"), trace::render(trace, Lang::En, ""));
        insta::assert_snapshot!(format!("{name}_ko"), trace::render(trace, Lang::Ko, ""));
    }
    // The data, as a CI script reads it (no durations in a trace).
    insta::assert_json_snapshot!("counter_model_json", check(&report, "counter_model").trace);
}
