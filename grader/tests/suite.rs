//! The grader's integration tests, as one test binary: `cargo test` runs its
//! tests side by side (libtest's threads, one per core), where a binary per file
//! would run one file after another and link each file on its own. Graders
//! started by different tests coordinate their timing checks through the
//! machine lock (`threadlings_grader::machine_lock`); fixture-course gradings
//! take turns through `fixture_course::serial`. Run one file with
//! `cargo test -p grader --test suite <file>::`, e.g. `--test suite batch::`.

mod fixture_course;

#[path = "batch.rs"]
mod batch;
#[path = "budget.rs"]
mod budget;
#[path = "build_selection.rs"]
mod build_selection;
#[path = "check_words.rs"]
mod check_words;
#[path = "cli.rs"]
mod cli;
#[path = "course_metadata.rs"]
mod course_metadata;
#[path = "evidence_reports.rs"]
mod evidence_reports;
#[path = "export.rs"]
mod export;
#[path = "formats.rs"]
mod formats;
#[path = "formats_ci.rs"]
mod formats_ci;
#[path = "formats_cli.rs"]
mod formats_cli;
#[path = "interleaving_report.rs"]
mod interleaving_report;
#[path = "korean.rs"]
mod korean;
#[path = "mutants.rs"]
mod mutants;
#[path = "readme_tables.rs"]
mod readme_tables;
#[path = "real_reports.rs"]
mod real_reports;
#[path = "report_snapshots.rs"]
mod report_snapshots;
#[path = "reuse.rs"]
mod reuse;
#[path = "sandbox.rs"]
mod sandbox;
#[path = "scaffold.rs"]
mod scaffold;
#[path = "story_replay.rs"]
mod story_replay;
#[path = "stubs_lock.rs"]
mod stubs_lock;
#[path = "verify_rows.rs"]
mod verify_rows;
#[path = "watch.rs"]
mod watch;
