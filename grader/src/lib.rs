//! The Threadlings grader as a library: the `grader` binary is a thin CLI over
//! it, and the test suite drives it directly.
//!
//! The pipeline has one folder per stage, talking through one result model
//! (`threadlings_schema::report`): `course` (metadata) → `subject` (what is
//! graded, laid out as a build workspace) → `build` → `run` → `score` →
//! `report`. `grade` strings the stages together; `verify` grades the course's
//! own stubs, solutions and wrong answers.

pub mod batch;
pub mod build;
pub mod course;
pub mod error;
pub mod export;
pub mod fnv;
pub mod grade;
pub mod i18n;
pub mod landlock;
pub mod machine_lock;
pub mod messages;
pub mod mutants;
pub mod pool;
pub mod procfs;
pub mod public_tests;
pub mod report;
pub mod reuse;
pub mod run;
pub mod scaffold;
pub mod score;
pub mod subject;
pub mod ui;
pub mod verify;
pub mod watch;
