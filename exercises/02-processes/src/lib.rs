//! Exercise 02: processes. Read README.md first.
#![allow(unused)]

use std::fmt;
use std::io;
use std::path::Path;
use std::process::ExitStatus;
use std::sync::atomic::AtomicUsize;
use std::time::Duration;

/// Given (keep it): `process_handler` adds 1 to this variable and prints it.
/// The README uses it to show that processes do not share memory.
pub static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// Given: what a child left behind once it was waited for (reaped).
#[derive(Debug)]
pub struct Finished {
    /// The child's process id.
    pub pid: u32,
    /// How it ended: `status.code()` after a normal exit, `status.signal()`
    /// (from `std::os::unix::process::ExitStatusExt`) if a signal killed it.
    pub status: ExitStatus,
    /// Everything it wrote to its standard output (decoded lossily as UTF-8).
    pub stdout: String,
}

/// Given: why running children did not go as planned.
#[derive(Debug)]
pub enum ProcessError {
    /// Starting, reading from or waiting for a child failed (no such program, ...).
    Io(io::Error),
    /// Child `index` ended unsuccessfully: a non-zero exit code, or a signal.
    Failed {
        index: usize,
        pid: u32,
        status: ExitStatus,
        stdout: String,
    },
    /// Child `index` was still running at its deadline: it was killed and reaped.
    TimedOut {
        index: usize,
        pid: u32,
        stdout: String,
    },
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessError::Io(e) => write!(f, "i/o error: {e}"),
            ProcessError::Failed {
                index, pid, status, ..
            } => write!(f, "child {index} (pid {pid}) failed: {status}"),
            ProcessError::TimedOut { index, pid, .. } => {
                write!(
                    f,
                    "child {index} (pid {pid}) overran its deadline and was killed"
                )
            }
        }
    }
}

impl std::error::Error for ProcessError {}

impl From<io::Error> for ProcessError {
    fn from(e: io::Error) -> Self {
        ProcessError::Io(e)
    }
}

/// Task 1: run `program` with `args` as one child process and wait for it.
///
/// Capture the child's standard output (its standard error goes where yours
/// goes) and return its pid, exit status and output. An unsuccessful exit
/// status is *not* an error here: the caller looks at `status`. The child may
/// write far more than a pipe holds (64 KiB), so read its output while it runs,
/// not after it exited.
pub fn run_one(program: &Path, args: &[&str]) -> io::Result<Finished> {
    todo!()
}

/// Task 2: the founding example. Start `n` children, child `i` running
/// `program <args...> <i>`, all at the same time (start every child before you
/// wait for any), wait for all of them and return what each left behind, in
/// index order. An unsuccessful exit status is not an error here.
pub fn run_all(program: &Path, args: &[&str], n: usize) -> io::Result<Vec<Finished>> {
    todo!()
}

/// Task 3: like `run_all`, but a child that did not succeed is an error:
/// return `ProcessError::Failed` for the first unsuccessful child in index
/// order. Every child must still be waited for (reaped) before you return:
/// the failed one and those after it too.
pub fn run_all_checked(
    program: &Path,
    args: &[&str],
    n: usize,
) -> Result<Vec<Finished>, ProcessError> {
    todo!()
}

/// Task 4: run one child like `run_one`, but give it at most `deadline`.
///
/// A child still running at its deadline is killed, then waited for (reaped:
/// no zombie left), and the result is `ProcessError::TimedOut { index: 0, .. }`
/// with the output it wrote until then. A child that ends in time gives `Ok`,
/// whatever its exit status (like `run_one`). Return only once the child is
/// reaped.
pub fn run_with_deadline(
    program: &Path,
    args: &[&str],
    deadline: Duration,
) -> Result<Finished, ProcessError> {
    todo!()
}

/// Task 5: the supervisor. Start `n` children like `run_all` (all at the same
/// time), each with its own `deadline` counted from its start. Return one
/// result per child, in index order: `Ok` for a child that succeeded,
/// `Failed` for one that ended unsuccessfully, `TimedOut` for one that was
/// killed at its deadline. Every child is reaped before you return.
pub fn supervise(
    program: &Path,
    args: &[&str],
    n: usize,
    deadline: Duration,
) -> Vec<Result<Finished, ProcessError>> {
    todo!()
}
