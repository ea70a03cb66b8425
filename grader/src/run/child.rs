//! One check in one child process: its own process group, a private result
//! channel on fd 3, a scratch working directory, bounded output capture, and a
//! watchdog that kills the whole group when the time limit passes.

use std::io::Read;
use std::os::fd::AsRawFd;
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use threadlings_schema::protocol::{
    Envelope, Message, NONCE_ENV, RESULT_FD, RESULT_FD_ENV, Verdict,
};

use super::capture::{Capture, drain};
use super::outcome::{CheckRun, RunOutcome};

/// How long to wait for output pipes to close after the process group died.
/// A grandchild that left the group can hold them open forever.
const PIPE_GRACE: Duration = Duration::from_millis(300);

/// One check to run.
#[derive(Debug, Clone)]
pub struct CheckJob {
    pub exercise: String,
    pub check: String,
    pub program: PathBuf,
    pub seed: u64,
    pub timeout: Duration,
    pub exclusive: bool,
}

/// Runs one check and waits for it, never longer than its time limit.
pub fn run_check(job: &CheckJob) -> CheckRun {
    let started = Instant::now();
    match run_inner(job) {
        Ok((outcome, output)) => CheckRun {
            outcome,
            duration: started.elapsed(),
            output,
        },
        Err(error) => CheckRun {
            outcome: RunOutcome::NotRun(error.to_string()),
            duration: started.elapsed(),
            output: String::new(),
        },
    }
}

fn run_inner(job: &CheckJob) -> std::io::Result<(RunOutcome, String)> {
    let scratch = tempfile::Builder::new()
        .prefix("threadlings-check-")
        .tempdir()?;
    let nonce = format!("{:032x}", rand::random::<u128>());
    let (result_reader, result_writer) = std::io::pipe()?;
    let write_fd = result_writer.as_raw_fd();

    let mut command = Command::new(&job.program);
    command
        .arg(&job.check)
        .arg("--seed")
        .arg(job.seed.to_string())
        .current_dir(scratch.path())
        .env(RESULT_FD_ENV, RESULT_FD.to_string())
        .env(NONCE_ENV, &nonce)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0);
    // SAFETY: only async-signal-safe calls (dup2, fcntl) between fork and exec.
    unsafe {
        command.pre_exec(move || {
            if write_fd == RESULT_FD {
                // dup2 onto itself would keep close-on-exec set.
                let flags = libc::fcntl(RESULT_FD, libc::F_GETFD);
                if flags == -1
                    || libc::fcntl(RESULT_FD, libc::F_SETFD, flags & !libc::FD_CLOEXEC) == -1
                {
                    return Err(std::io::Error::last_os_error());
                }
            } else if libc::dup2(write_fd, RESULT_FD) == -1 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn()?;
    drop(result_writer);
    let pgid = child.id() as libc::pid_t;

    let stdout = Arc::new(Mutex::new(Capture::default()));
    let stderr = Arc::new(Mutex::new(Capture::default()));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let readers = [
        spawn_drain(
            "check-stdout",
            child.stdout.take(),
            stdout.clone(),
            done_tx.clone(),
        ),
        spawn_drain(
            "check-stderr",
            child.stderr.take(),
            stderr.clone(),
            done_tx.clone(),
        ),
    ];
    let result_lines = Arc::new(Mutex::new(String::new()));
    let result_thread = {
        let lines = result_lines.clone();
        let done = done_tx.clone();
        thread::Builder::new()
            .name("check-results".to_string())
            .spawn(move || {
                let mut text = String::new();
                let mut reader = result_reader.take(1024 * 1024);
                let _ = reader.read_to_string(&mut text);
                if let Ok(mut lines) = lines.lock() {
                    *lines = text;
                }
                let _ = done.send(());
            })?
    };
    drop(done_tx);

    let (wait_tx, wait_rx) = mpsc::channel();
    let waiter = thread::Builder::new()
        .name("check-wait".to_string())
        .spawn(move || {
            let status = child.wait();
            let _ = wait_tx.send(status);
        })?;
    let status = match wait_rx.recv_timeout(job.timeout) {
        Ok(status) => Some(status?),
        Err(_) => None,
    };
    // Whatever happened, nothing of this check may outlive it.
    kill_group(pgid);
    if status.is_none() {
        let _ = wait_rx.recv();
    }
    let _ = waiter.join();

    let deadline = Instant::now() + PIPE_GRACE;
    for _ in 0..readers.len() + 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break;
        }
    }
    drop(readers);
    drop(result_thread);

    let verdict = {
        let lines = result_lines.lock().map(|l| l.clone()).unwrap_or_default();
        verdict_from(&lines, &nonce, &job.check)
    };
    let stderr = stderr
        .lock()
        .map(|c| (c.text(), c.contains("has overflowed its stack")));
    let (stderr_text, stack_overflow) = stderr.unwrap_or_default();
    let stdout_text = stdout.lock().map(|c| c.text()).unwrap_or_default();
    let output = combine_output(&stdout_text, &stderr_text);

    let outcome = match status {
        None => RunOutcome::TimedOut { limit: job.timeout },
        Some(status) => match (status.signal(), verdict) {
            (Some(signal), verdict) => RunOutcome::Signaled {
                signal,
                stack_overflow,
                verdict,
            },
            (None, Some(verdict)) => RunOutcome::Reported(verdict),
            (None, None) => RunOutcome::ExitedEarly {
                code: status.code().unwrap_or(-1),
            },
        },
    };
    Ok((outcome, output))
}

fn spawn_drain(
    name: &str,
    source: Option<impl Read + Send + 'static>,
    into: Arc<Mutex<Capture>>,
    done: mpsc::Sender<()>,
) -> Option<thread::JoinHandle<()>> {
    let source = source?;
    thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            drain(source, into);
            let _ = done.send(());
        })
        .ok()
}

fn kill_group(pgid: libc::pid_t) {
    // SAFETY: plain syscall; ESRCH (group already gone) is fine.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// The last `Finished` verdict for `check` stamped with our nonce. Lines
/// without it (forged by student code that wrote to fd 3) are ignored.
fn verdict_from(lines: &str, nonce: &str, check: &str) -> Option<Verdict> {
    lines
        .lines()
        .filter_map(|line| serde_json::from_str::<Envelope>(line).ok())
        .filter(|envelope| envelope.nonce == nonce)
        .filter_map(|envelope| match envelope.message {
            Message::Finished {
                check: name,
                verdict,
            } if name == check => Some(verdict),
            _ => None,
        })
        .next()
}

fn combine_output(stdout: &str, stderr: &str) -> String {
    let mut out = String::new();
    if !stdout.trim().is_empty() {
        out.push_str("--- stdout ---\n");
        out.push_str(stdout.trim_end());
        out.push('\n');
    }
    if !stderr.trim().is_empty() {
        out.push_str("--- stderr ---\n");
        out.push_str(stderr.trim_end());
        out.push('\n');
    }
    out
}
