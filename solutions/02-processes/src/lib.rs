//! Exercise 02: processes. Reference solution.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::AtomicUsize;
use std::thread::{self, JoinHandle};
use std::time::Duration;
use std::time::Instant;

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

/// How often a deadline watcher looks whether its child has ended.
const POLL: Duration = Duration::from_millis(5);

pub fn run_one(program: &Path, args: &[&str]) -> io::Result<Finished> {
    let child = Command::new(program)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()?;
    let pid = child.id();
    // Reads stdout while waiting, so a child that fills the pipe never blocks.
    let output = child.wait_with_output()?;
    Ok(Finished {
        pid,
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
    })
}

/// Starts child `index`: `program <args...> <index>`, stdout piped.
fn spawn_indexed(program: &Path, args: &[&str], index: usize) -> io::Result<Child> {
    Command::new(program)
        .args(args)
        .arg(index.to_string())
        .stdout(Stdio::piped())
        .spawn()
}

pub fn run_all(program: &Path, args: &[&str], n: usize) -> io::Result<Vec<Finished>> {
    // Start every child before waiting for any: they run at the same time.
    let mut children = Vec::with_capacity(n);
    for index in 0..n {
        match spawn_indexed(program, args, index) {
            Ok(child) => children.push(child),
            Err(e) => {
                // Reap the ones already started before giving up.
                for mut child in children {
                    let _ = child.kill();
                    let _ = child.wait();
                }
                return Err(e);
            }
        }
    }
    // Waiting in index order is fine: a child that is not waited for yet keeps
    // running; at worst it blocks on a full pipe until its turn comes.
    let mut finished = Vec::with_capacity(n);
    let mut first_error = None;
    for child in children {
        let pid = child.id();
        match child.wait_with_output() {
            Ok(output) => finished.push(Finished {
                pid,
                status: output.status,
                stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            }),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    match first_error {
        Some(e) => Err(e),
        None => Ok(finished),
    }
}

pub fn run_all_checked(
    program: &Path,
    args: &[&str],
    n: usize,
) -> Result<Vec<Finished>, ProcessError> {
    // run_all has reaped every child by the time it returns.
    let finished = run_all(program, args, n)?;
    if let Some(index) = finished.iter().position(|f| !f.status.success()) {
        let failed = finished.into_iter().nth(index).expect("index is in range");
        return Err(ProcessError::Failed {
            index,
            pid: failed.pid,
            status: failed.status,
            stdout: failed.stdout,
        });
    }
    Ok(finished)
}

/// A started child and the thread draining its stdout.
struct Running {
    child: Child,
    reader: JoinHandle<String>,
}

fn start(mut command: Command) -> io::Result<Running> {
    let mut child = command.stdout(Stdio::piped()).spawn()?;
    let mut stdout = child.stdout.take().expect("stdout is piped");
    let reader = thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = stdout.read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    });
    Ok(Running { child, reader })
}

/// Waits for a started child until `deadline_at`; kills and reaps it then.
/// Returns the pid, `Some(status)` if it ended in time, and its output.
fn finish_by(
    running: Running,
    deadline_at: Instant,
) -> io::Result<(u32, Option<ExitStatus>, String)> {
    let Running { mut child, reader } = running;
    let pid = child.id();
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        }
        let now = Instant::now();
        if now >= deadline_at {
            // Kill, then wait: a killed child stays a zombie until reaped.
            let _ = child.kill();
            child.wait()?;
            break None;
        }
        thread::sleep(POLL.min(deadline_at - now));
    };
    // The pipe closes once the child is gone, so the reader finishes.
    let stdout = reader.join().unwrap_or_default();
    Ok((pid, status, stdout))
}

pub fn run_with_deadline(
    program: &Path,
    args: &[&str],
    deadline: Duration,
) -> Result<Finished, ProcessError> {
    let mut command = Command::new(program);
    command.args(args);
    let running = start(command)?;
    let deadline_at = Instant::now() + deadline;
    match finish_by(running, deadline_at)? {
        (pid, Some(status), stdout) => Ok(Finished {
            pid,
            status,
            stdout,
        }),
        (pid, None, stdout) => Err(ProcessError::TimedOut {
            index: 0,
            pid,
            stdout,
        }),
    }
}

pub fn supervise(
    program: &Path,
    args: &[&str],
    n: usize,
    deadline: Duration,
) -> Vec<Result<Finished, ProcessError>> {
    // One supervising thread per child: each starts its child and watches it,
    // so all children run (and are timed) at the same time.
    thread::scope(|scope| {
        let watchers: Vec<_> = (0..n)
            .map(|index| {
                scope.spawn(move || -> Result<Finished, ProcessError> {
                    let mut command = Command::new(program);
                    command.args(args).arg(index.to_string());
                    let running = start(command)?;
                    let deadline_at = Instant::now() + deadline;
                    match finish_by(running, deadline_at)? {
                        (pid, Some(status), stdout) if status.success() => Ok(Finished {
                            pid,
                            status,
                            stdout,
                        }),
                        (pid, Some(status), stdout) => Err(ProcessError::Failed {
                            index,
                            pid,
                            status,
                            stdout,
                        }),
                        (pid, None, stdout) => Err(ProcessError::TimedOut { index, pid, stdout }),
                    }
                })
            })
            .collect();
        watchers
            .into_iter()
            .map(|w| w.join().expect("a supervising thread panicked"))
            .collect()
    })
}
