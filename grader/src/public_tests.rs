//! Runs the course's public tests (`exercises/NN-topic/tests/`) against a
//! subject's sources, for `verify`: they must fail on the stubs and pass on
//! the reference solutions, or students are misled by their own test suite.

use std::fs::File;
use std::os::unix::process::CommandExt as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::build::PROFILE;
use crate::course::ExercisePlan;
use crate::error::{Error, Result};
use crate::subject::BuildWorkspace;

/// Compile and run time allowed for one exercise's public tests.
const LIMIT: Duration = Duration::from_secs(300);

#[derive(Debug, Clone, PartialEq)]
pub enum PublicTests {
    Passed,
    Failed {
        output: String,
    },
    TimedOut,
    /// The exercise has no `tests/` directory.
    Missing,
}

/// Runs `cargo test` for one exercise of a prepared workspace.
pub fn run(ws: &BuildWorkspace, exercise: &ExercisePlan, work_dir: &Path) -> Result<PublicTests> {
    if !exercise.exercise_dir.join("tests").is_dir() {
        return Ok(PublicTests::Missing);
    }
    let _shared = crate::machine_lock::MachineLock::for_machine().shared();
    let log_path = ws.root.join(format!("public-tests-{}.log", exercise.name));
    let log =
        File::create(&log_path).map_err(Error::io(format!("create {}", log_path.display())))?;
    let log_err = log
        .try_clone()
        .map_err(Error::io("duplicate a file handle"))?;
    let mut child = crate::build::cargo_command(
        ws,
        "test",
        &[exercise],
        &work_dir.join("build"),
        &ws.target_dir,
    )?
    .args([
        "--profile",
        PROFILE,
        "--no-fail-fast",
        "--tests",
        "-p",
        &exercise.package,
    ])
    .env("CARGO_TERM_COLOR", "never")
    .stdin(Stdio::null())
    .stdout(log)
    .stderr(log_err)
    .process_group(0)
    .spawn()
    .map_err(Error::io("run cargo test"))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(Error::io("wait for cargo test"))? {
            break Some(status);
        }
        if started.elapsed() > LIMIT {
            // SAFETY: plain syscall on the group we created.
            unsafe {
                libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
            }
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ok(match status {
        None => PublicTests::TimedOut,
        Some(status) if status.success() => PublicTests::Passed,
        Some(_) => PublicTests::Failed {
            output: std::fs::read_to_string(&log_path).unwrap_or_default(),
        },
    })
}
