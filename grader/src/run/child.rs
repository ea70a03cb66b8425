//! One check in one sandboxed child process: a supervisor that outlives it
//! and kills everything it started, resource limits, a user id of its own
//! (as root), Landlock, a private result channel on fd 3 stamped with a nonce
//! handed over on fd 4, a scratch working directory, a clean environment, and
//! bounded output capture. See docs/sandbox.md.

use std::ffi::{CString, OsStr};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use rustix::process::Resource;
use threadlings_schema::budget::Budget;
use threadlings_schema::protocol::{
    Envelope, Message, NONCE_FD, NONCE_FD_ENV, RESULT_FD, RESULT_FD_ENV, Verdict,
};

use super::capture::{Capture, drain};
use super::limits::{LimitHit, Limits, Tamper};
use super::outcome::{CheckRun, RunOutcome};
use super::sandbox::{self, sandbox};
use super::supervisor::{Ending, Launch};

/// How long to wait for output pipes to close after the check ended. The
/// supervisor killed everything that could hold them, so this only matters
/// when the supervisor itself was lost.
const PIPE_GRACE: Duration = Duration::from_millis(300);

/// Unprivileged, the task limit counts all the user's tasks: this many more
/// than the user's count at the start plus the check's allowance.
const UNPRIVILEGED_TASK_SLACK: u64 = 16;

/// At most this much is read from the result channel.
const RESULT_CAP: u64 = 1024 * 1024;

/// One check to run.
#[derive(Debug, Clone)]
pub struct CheckJob {
    pub exercise: String,
    pub check: String,
    pub program: PathBuf,
    pub seed: u64,
    pub timeout: Duration,
    pub exclusive: bool,
    /// Memory, tasks, output and file size the check may use.
    pub limits: Limits,
    /// The metadata's budget, passed as `--budget ...` when set.
    pub budget: Budget,
    /// Paths the exercise declares its checks read, beyond the system and
    /// the check's own program directory (`sandbox_read` in checks.toml).
    pub read: Vec<PathBuf>,
}

/// Runs one check and waits for it, never longer than its time limit.
pub fn run_check(job: &CheckJob) -> CheckRun {
    let started = Instant::now();
    match run_inner(job) {
        Ok(ran) => CheckRun {
            outcome: ran.outcome,
            duration: started.elapsed(),
            output: ran.output,
            evidence: ran.evidence,
            limits_hit: ran.limits_hit,
        },
        Err(error) => CheckRun {
            outcome: RunOutcome::NotRun(error.to_string()),
            duration: started.elapsed(),
            output: String::new(),
            evidence: Evidence::default(),
            limits_hit: Vec::new(),
        },
    }
}

type Evidence = super::evidence::Evidence;

struct Ran {
    outcome: RunOutcome,
    output: String,
    evidence: Evidence,
    limits_hit: Vec<LimitHit>,
}

fn run_inner(job: &CheckJob) -> std::io::Result<Ran> {
    let sandbox = sandbox();
    let _priority = sandbox.raise_priority();
    let lease = sandbox.lease_uid()?;
    let uid = lease.as_ref().map(|lease| lease.uid);
    let scratch = sandbox::new_scratch()?;
    sandbox::give_scratch(scratch.path(), uid)?;
    // Absolute: the check process enters its scratch directory before exec.
    let program = sandbox.program_for(&std::path::absolute(&job.program)?)?;

    // The nonce travels through a pipe the harness drains before any student
    // code runs: an environment variable would stay readable in
    // /proc/self/environ after the harness removed it.
    let nonce = format!("{:032x}", rand::random::<u128>());
    let (nonce_reader, mut nonce_writer) = std::io::pipe()?;
    nonce_writer.write_all(nonce.as_bytes())?;
    drop(nonce_writer);
    let (result_reader, result_writer) = std::io::pipe()?;
    let (stdout_reader, stdout_writer) = std::io::pipe()?;
    let (stderr_reader, stderr_writer) = std::io::pipe()?;

    let mut args = vec![
        sandbox::c_path(&program)?,
        c_string(job.check.as_bytes())?,
        c_string(b"--seed")?,
        c_string(job.seed.to_string().as_bytes())?,
    ];
    if !job.budget.is_empty() {
        args.push(c_string(b"--budget")?);
        args.push(c_string(job.budget.to_string().as_bytes())?);
    }
    if !job.exclusive {
        // Runs beside other work: the kit then refuses clock-deciding proofs.
        args.push(c_string(b"--shared")?);
    }
    let launch = Launch {
        program: sandbox::c_path(&program)?,
        args,
        env: check_environment(scratch.path())?,
        scratch: sandbox::c_path(scratch.path())?,
        stdin: File::open("/dev/null")?.into(),
        stdout: OwnedFd::from(stdout_writer),
        stderr: OwnedFd::from(stderr_writer),
        results: OwnedFd::from(result_writer),
        nonce: OwnedFd::from(nonce_reader),
        landlock: sandbox.landlock_ruleset(scratch.path(), &program, &job.read)?,
        netns: sandbox.netns(),
        rlimits: rlimits(&job.limits, uid),
        uid,
    };
    let supervisor = launch.start()?;

    let output_cap = job.limits.output_bytes();
    let stdout = Arc::new(Mutex::new(Capture::with_limit(output_cap)));
    let stderr = Arc::new(Mutex::new(Capture::with_limit(output_cap)));
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let readers = [
        spawn_drain(
            "check-stdout",
            stdout_reader,
            stdout.clone(),
            done_tx.clone(),
        ),
        spawn_drain(
            "check-stderr",
            stderr_reader,
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
                let _ = result_reader.take(RESULT_CAP).read_to_string(&mut text);
                if let Ok(mut lines) = lines.lock() {
                    *lines = text;
                }
                let _ = done.send(());
            })?
    };
    drop(done_tx);

    let finished = supervisor.wait(job.timeout);

    let deadline = Instant::now() + PIPE_GRACE;
    for _ in 0..readers.len() + 1 {
        let left = deadline.saturating_duration_since(Instant::now());
        if done_rx.recv_timeout(left).is_err() {
            break;
        }
    }
    drop(readers);
    drop(result_thread);

    // Everything of the check is dead: clean up what it left.
    if let Some(uid) = uid {
        sandbox::remove_ipc_of(uid);
        if sandbox.landlock_abi().is_none() {
            sandbox::remove_files_of(uid);
        }
    }
    sandbox::remove_scratch(scratch);
    drop(lease);

    let (verdict, evidence) = {
        let lines = result_lines.lock().map(|l| l.clone()).unwrap_or_default();
        (
            verdict_from(&lines, &nonce, &job.check),
            super::evidence::evidence_from(&lines, &nonce, &job.check),
        )
    };
    let (stdout, stderr) = (
        stdout.lock().unwrap_or_else(|p| p.into_inner()),
        stderr.lock().unwrap_or_else(|p| p.into_inner()),
    );
    let stderr_text = stderr.text();
    let output = combine_output(&stdout.text(), &stderr_text);

    let mut limits_hit: Vec<LimitHit> = tampering(&lines_text(&result_lines), &nonce, &output)
        .into_iter()
        .map(LimitHit::Tampered)
        .collect();
    let tampered = !limits_hit.is_empty();
    let unknown = unknown_protocol_lines(&lines_text(&result_lines), &nonce);
    let outcome = match finished.ending {
        Ending::TimedOut => RunOutcome::TimedOut { limit: job.timeout },
        Ending::SetupFailed(message) => RunOutcome::NotRun(message),
        Ending::Lost => RunOutcome::SupervisorLost,
        Ending::Exited {
            status,
            left_running,
        } => {
            if left_running > 0 {
                limits_hit.push(LimitHit::LeftRunning {
                    processes: left_running,
                });
            }
            match (status.signal(), verdict) {
                (Some(signal), verdict) => RunOutcome::Signaled {
                    signal,
                    stack_overflow: stderr_text.contains("has overflowed its stack"),
                    verdict: match verdict {
                        Some(Reported::One(verdict)) => Some(verdict),
                        _ => None,
                    },
                },
                // A pass does not count if the code left processes behind.
                (None, Some(Reported::One(Verdict::Passed))) if left_running > 0 => {
                    RunOutcome::PassedLeavingProcesses
                }
                // Nor does one beside lines the harness did not write.
                (None, Some(Reported::One(Verdict::Passed))) if tampered => {
                    RunOutcome::PassedBesideForgedLines
                }
                (None, Some(Reported::Several)) => RunOutcome::SeveralVerdicts,
                (None, Some(Reported::One(verdict))) => RunOutcome::Reported(verdict),
                (None, None) if unknown > 0 => RunOutcome::ProtocolMismatch { lines: unknown },
                (None, None) => RunOutcome::ExitedEarly {
                    code: status.code().unwrap_or(-1),
                },
            }
        }
    };

    // Which limits explain the ending, from what the process said and what
    // the supervisor saw.
    let said = format!("{stderr_text}\n{}", verdict_text(&outcome));
    if said.contains("memory allocation of") || said.contains("Cannot allocate memory") {
        limits_hit.push(LimitHit::Memory {
            limit_mb: job.limits.memory_mb,
            peak_kb: finished.peak_kb,
        });
    }
    let limit = job.limits.max_tasks;
    let spawn_refused = said.contains("failed to spawn thread")
        && (said.contains("os error 11") || said.contains("Resource temporarily unavailable"));
    let at_limit = |count: u64| count.saturating_mul(10) >= limit.saturating_mul(9);
    let crowded = finished
        .killed_at_timeout
        .is_some_and(|n| at_limit(u64::from(n)))
        || matches!(outcome, RunOutcome::Signaled { .. } | RunOutcome::Reported(_))
            && limits_hit.iter().any(|hit| {
                matches!(hit, LimitHit::LeftRunning { processes } if at_limit(u64::from(*processes) + 1))
            });
    if spawn_refused || crowded {
        limits_hit.push(LimitHit::Tasks { limit });
    }
    if matches!(outcome, RunOutcome::Signaled { signal, .. } if signal == libc::SIGXFSZ)
        || said.contains("File too large")
    {
        limits_hit.push(LimitHit::FileSize {
            limit_mb: job.limits.file_mb,
        });
    }
    if stdout.truncated() || stderr.truncated() {
        limits_hit.push(LimitHit::Output {
            limit_kb: job.limits.output_kb,
            total_bytes: stdout.total() + stderr.total(),
        });
    }
    Ok(Ran {
        outcome,
        output,
        evidence,
        limits_hit,
    })
}

/// The messages a verdict carries, for recognising limits in them.
fn verdict_text(outcome: &RunOutcome) -> String {
    let verdict = match outcome {
        RunOutcome::Reported(verdict) => Some(verdict),
        RunOutcome::Signaled { verdict, .. } => verdict.as_ref(),
        _ => None,
    };
    match verdict {
        Some(Verdict::Failed(failure)) => failure.render(),
        Some(Verdict::Panicked { message, .. }) => message.clone(),
        _ => String::new(),
    }
}

/// Kernel limits for the check process. Memory, file size and core dumps
/// apply per process; the task limit applies per real user id, so without a
/// user id of its own the check's allowance comes on top of the tasks the
/// user already runs.
fn rlimits(limits: &Limits, uid: Option<u32>) -> Vec<(Resource, u64)> {
    let tasks = match uid {
        Some(_) => limits.max_tasks,
        None => {
            // The user's other programs may start tasks while the check runs:
            // some slack, so that a correct check never fails for it.
            let mine = rustix::process::getuid().as_raw();
            (sandbox::tasks_of_user(mine) as u64)
                .saturating_add(limits.max_tasks)
                .saturating_add(UNPRIVILEGED_TASK_SLACK)
        }
    };
    [
        (Resource::Data, limits.memory_bytes()),
        (Resource::Fsize, limits.file_bytes()),
        (Resource::Core, 0),
        (Resource::Nproc, tasks),
    ]
    .into_iter()
    // Never above the grader's own hard limit: raising it needs privilege.
    .map(|(resource, value)| {
        let hard = rustix::process::getrlimit(resource).maximum;
        (resource, hard.map_or(value, |hard| value.min(hard)))
    })
    .collect()
}

/// Variables a check program may see; everything else (tokens and secrets of
/// a CI job among them) stays with the grader.
fn inherited(key: &OsStr) -> bool {
    let key = key.as_bytes();
    matches!(key, b"PATH" | b"LANG" | b"TZ" | b"RUST_MIN_STACK")
        || key.starts_with(b"LC_")
        || key.starts_with(b"LOOM_")
}

fn check_environment(scratch: &Path) -> std::io::Result<Vec<CString>> {
    let mut env: Vec<Vec<u8>> = std::env::vars_os()
        .filter(|(key, _)| inherited(key))
        .map(|(key, value)| [key.as_bytes(), b"=", value.as_bytes()].concat())
        .collect();
    if !env.iter().any(|entry| entry.starts_with(b"PATH=")) {
        env.push(b"PATH=/usr/local/bin:/usr/bin:/bin".to_vec());
    }
    let scratch = scratch.as_os_str().as_bytes();
    env.push([b"HOME=", scratch].concat());
    env.push([b"TMPDIR=", scratch].concat());
    env.push(b"RUST_BACKTRACE=0".to_vec());
    env.push(format!("{RESULT_FD_ENV}={RESULT_FD}").into_bytes());
    env.push(format!("{NONCE_FD_ENV}={NONCE_FD}").into_bytes());
    env.into_iter().map(|entry| c_string(&entry)).collect()
}

fn c_string(bytes: &[u8]) -> std::io::Result<CString> {
    CString::new(bytes).map_err(|_| std::io::Error::other("an argument contains a NUL byte"))
}

fn spawn_drain(
    name: &str,
    source: impl Read + Send + 'static,
    into: Arc<Mutex<Capture>>,
    done: mpsc::Sender<()>,
) -> Option<thread::JoinHandle<()>> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn(move || {
            drain(source, into);
            let _ = done.send(());
        })
        .ok()
}

fn lines_text(lines: &Mutex<String>) -> String {
    lines.lock().map(|l| l.clone()).unwrap_or_default()
}

/// What the check's channels show that only tampering explains: lines on
/// the result channel the harness did not write (it writes nothing but
/// protocol lines stamped with the nonce), and protocol lines in the output
/// (the harness never prints them while the grader runs it).
fn tampering(results: &str, nonce: &str, output: &str) -> Vec<Tamper> {
    let mut found = Vec::new();
    let foreign = results
        .lines()
        .filter(|line| !line.trim().is_empty())
        .filter(|line| {
            serde_json::from_str::<Envelope>(line).map_or_else(
                |_| !stamped_with(line, nonce),
                |envelope| envelope.nonce != nonce,
            )
        })
        .count();
    if foreign > 0 {
        found.push(Tamper::ForeignResultLines {
            lines: u32::try_from(foreign).unwrap_or(u32::MAX),
        });
    }
    let shaped = output.lines().any(|line| {
        let line = line.trim();
        line.contains("\"nonce\"")
            && (line.contains("\"finished\"") || line.contains("\"verdict\""))
    });
    if shaped {
        found.push(Tamper::VerdictShapedOutput);
    }
    let opened = results
        .lines()
        .filter_map(|line| serde_json::from_str::<Envelope>(line).ok())
        .any(|envelope| {
            envelope.nonce == nonce && matches!(envelope.message, Message::Tampered { .. })
        });
    if opened {
        found.push(Tamper::ForbiddenOpen);
    }
    found
}

/// Whether `line` is JSON stamped with `nonce`. Only the harness knows the
/// nonce, so such a line that is not a protocol message this grader knows
/// comes from a check program built from other sources (a grader binary
/// copied or kept from another checkout): a mismatch to report, not
/// tampering to flag.
fn stamped_with(line: &str, nonce: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(line)
        .is_ok_and(|value| value.get("nonce").and_then(|n| n.as_str()) == Some(nonce))
}

/// The lines stamped with `nonce` that are not protocol messages this
/// grader knows (see [`stamped_with`]).
fn unknown_protocol_lines(results: &str, nonce: &str) -> usize {
    results
        .lines()
        .filter(|line| serde_json::from_str::<Envelope>(line).is_err() && stamped_with(line, nonce))
        .count()
}

/// What the harness reported for a check.
#[derive(Debug, Clone, PartialEq)]
enum Reported {
    One(Verdict),
    /// More than one verdict: something else wrote with the nonce.
    Several,
}

/// The verdict for `check` stamped with our nonce. Lines without it (forged
/// by student code that wrote to fd 3) are ignored. The harness sends one
/// verdict: more than one means something else wrote with the nonce, and the
/// check fails ([`RunOutcome::SeveralVerdicts`]).
fn verdict_from(lines: &str, nonce: &str, check: &str) -> Option<Reported> {
    let mut verdicts = lines
        .lines()
        .filter_map(|line| serde_json::from_str::<Envelope>(line).ok())
        .filter(|envelope| envelope.nonce == nonce)
        .filter_map(|envelope| match envelope.message {
            Message::Finished {
                check: name,
                verdict,
            } if name == check => Some(verdict),
            _ => None,
        });
    let first = verdicts.next()?;
    if verdicts.next().is_some() {
        return Some(Reported::Several);
    }
    Some(Reported::One(first))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn line(nonce: &str, verdict: Verdict) -> String {
        Envelope {
            nonce: nonce.to_string(),
            message: Message::Finished {
                check: "c".to_string(),
                verdict,
            },
        }
        .to_line()
    }

    #[test]
    fn forged_lines_are_ignored_and_a_second_verdict_fails() {
        let failed = Verdict::Failed(threadlings_schema::protocol::Failure::new("wrong"));
        let forged = [line("guess", Verdict::Passed), line("n", failed.clone())].concat();
        assert_eq!(verdict_from(&forged, "n", "c"), Some(Reported::One(failed)));
        let doubled = [line("n", Verdict::Passed), line("n", Verdict::Passed)].concat();
        assert_eq!(verdict_from(&doubled, "n", "c"), Some(Reported::Several));
        assert_eq!(verdict_from("not json\n", "n", "c"), None);
    }

    #[test]
    fn a_stamped_line_of_an_unknown_protocol_is_a_mismatch_not_tampering() {
        // What a check program built from newer sources sends: our nonce, a
        // message type this grader does not know.
        let newer = "{\"nonce\":\"n\",\"message\":{\"type\":\"from_the_future\"}}\n";
        assert_eq!(unknown_protocol_lines(newer, "n"), 1);
        assert!(tampering(newer, "n", "").is_empty(), "not tampering");
        // Without the nonce it is still a foreign line.
        let guessed = newer.replace("\"n\"", "\"guess\"");
        assert_eq!(unknown_protocol_lines(&guessed, "n"), 0);
        assert!(matches!(
            tampering(&guessed, "n", "")[..],
            [Tamper::ForeignResultLines { lines: 1 }]
        ));
    }

    #[test]
    fn the_environment_keeps_no_secrets() {
        assert!(inherited(OsStr::new("PATH")));
        assert!(inherited(OsStr::new("LC_ALL")));
        assert!(!inherited(OsStr::new("GITHUB_TOKEN")));
        assert!(!inherited(OsStr::new("THREADLINGS_NONCE")));
        let env = check_environment(Path::new("/tmp/x")).unwrap();
        assert!(env.iter().any(|e| e.as_bytes() == b"HOME=/tmp/x"));
        assert!(
            env.iter()
                .any(|e| e.as_bytes() == b"THREADLINGS_NONCE_FD=4")
        );
    }
}
