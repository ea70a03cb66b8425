//! Hidden checks of exercise 02-processes.
//!
//! Every check starts `processes-probe` (a binary of this crate, built beside
//! the check program) as the child program, so the child's behaviour is ours:
//! it records its pid in `pids/<i>` of the scratch directory, and it proves
//! concurrency with a rendezvous through files (see the probe's docs).
//! Reaping is checked in /proc: a child of this process that was not waited
//! for is still listed there with our pid as its parent (as a zombie, `Z`, or
//! still running).

use std::fs;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitStatus;
use std::time::{Duration, Instant};

use processes::{Finished, ProcessError};
use rand::Rng;
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, within};

threadlings_kit::checks![
    run_one_passes_args_and_captures_output,
    large_output_is_not_lost,
    results_in_child_order,
    children_run_concurrently,
    failing_child_is_an_error,
    every_child_reaped_after_a_failure,
    overrunning_child_is_killed,
    killed_child_is_reaped,
    fast_child_is_not_killed,
    supervisor_runs_children_concurrently,
    supervisor_kills_only_the_overrunning_child,
];

/// How long a rendezvous probe waits for the others. Correct answers meet as
/// soon as the last child starts; only a sequential answer waits this long.
const PATIENCE_MS: u64 = 10_000;

fn probe() -> PathBuf {
    std::env::current_exe()
        .expect("the check program knows its own path")
        .with_file_name("processes-probe")
}

fn owned(args: &[String]) -> Vec<String> {
    args.to_vec()
}

fn refs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The pid probe `index` recorded, waiting a little for it to appear (a child
/// that was started but not waited for may not have written it yet).
fn recorded_pid(index: usize) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        if let Some(pid) = fs::read_to_string(format!("pids/{index}"))
            .ok()
            .and_then(|text| text.trim().parse().ok())
        {
            return Some(pid);
        }
        if Instant::now() >= deadline {
            return None;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The /proc state of `pid` if it is a child of this process that was never
/// reaped (`Z` for a zombie, `S`/`R`/... for one still running).
fn unreaped_state(pid: u32) -> Option<char> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = &stat[stat.rfind(')')? + 1..];
    let mut fields = after.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid: u32 = fields.next()?.parse().ok()?;
    (ppid == std::process::id()).then_some(state)
}

/// `unreaped_state`, once it settles: a child killed a moment ago may still
/// be dying (`R`) before it becomes a zombie (`Z`), so a state other than `Z`
/// is looked at again for up to a second.
fn settled_state(pid: u32) -> Option<char> {
    let deadline = Instant::now() + Duration::from_secs(1);
    loop {
        let state = unreaped_state(pid);
        if matches!(state, None | Some('Z')) || Instant::now() >= deadline {
            return state;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Fails unless every probe `0..n` was started and reaped.
fn ensure_all_reaped(n: usize, after: &str) -> CheckResult {
    for index in 0..n {
        let Some(pid) = recorded_pid(index) else {
            fail!("child {index} was never started ({after})");
        };
        match settled_state(pid) {
            None => {}
            Some('Z') => fail!(
                "child {index} (pid {pid}) was never waited for: it is a zombie (state Z in \
                 /proc/{pid}/stat) {after}. Every child must be reaped with wait() before you \
                 return, also when another child failed"
            ),
            Some(state) => fail!(
                "child {index} (pid {pid}) is still running (state {state} in /proc/{pid}/stat) \
                 {after}: you returned without waiting for it. Wait for every child before you \
                 return, also when another child failed"
            ),
        }
    }
    Ok(())
}

fn describe(status: &ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit code {code}"),
        (None, Some(signal)) => format!("killed by signal {signal}"),
        _ => format!("{status:?}"),
    }
}

fn show(result: &Result<Finished, ProcessError>) -> String {
    match result {
        Ok(f) => format!(
            "Ok(pid {}, {}, stdout {:?})",
            f.pid,
            describe(&f.status),
            clip(&f.stdout)
        ),
        Err(ProcessError::Io(e)) => format!("Err(Io({e}))"),
        Err(ProcessError::Failed {
            index,
            status,
            stdout,
            ..
        }) => format!(
            "Err(Failed {{ index: {index}, {}, stdout {:?} }})",
            describe(status),
            clip(stdout)
        ),
        Err(ProcessError::TimedOut { index, stdout, .. }) => {
            format!(
                "Err(TimedOut {{ index: {index}, stdout {:?} }})",
                clip(stdout)
            )
        }
    }
}

fn clip(text: &str) -> String {
    if text.len() <= 80 {
        text.to_string()
    } else {
        let cut = (0..=80)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        format!("{}... ({} bytes)", &text[..cut], text.len())
    }
}

/// `within`, with a message of our own when the limit passes.
fn within_or<T, F>(limit: Duration, what: &str, why: &str, f: F) -> Result<T, Stop>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    within(limit, what, f).map_err(|stop| match stop {
        Stop::Fail(_) => Stop::Fail(Failure::new(format!(
            "{what} did not return within {:.0} s: {why}",
            limit.as_secs_f64()
        ))),
        other => other,
    })
}

/// The output of `flood:LINES`.
fn flood_text(lines: u64) -> String {
    (0..lines).map(|line| format!("{line:015}\n")).collect()
}

/// The first line where `got` differs from `want`, for a failure message.
fn first_difference(got: &str, want: &str) -> String {
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(g, w)| g != w)
        .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
    format!(
        "{} bytes ({} lines) instead of {} bytes ({} lines); first difference at line {line}",
        got.len(),
        got.lines().count(),
        want.len(),
        want.lines().count()
    )
}

fn met(dir: &str) -> bool {
    Path::new(dir).join("met").exists()
}

// ---------------------------------------------------------------- task 1

fn run_one_passes_args_and_captures_output(ctx: &mut Ctx) -> CheckResult {
    let code: u8 = ctx.rng().random_range(0..=6);
    let word = format!("word{}", ctx.rng().random_range(100..1000));
    let args = vec![
        format!("*=echo,exit:{code}"),
        word,
        "with space".to_string(),
        "0".to_string(),
    ];
    let program = probe();
    let call = owned(&args);
    let got = within(Duration::from_secs(15), "run_one(probe, ..)", move || {
        processes::run_one(&program, &refs(&call))
    })?;
    let finished = match got {
        Ok(finished) => finished,
        Err(e) => fail!("run_one returned an error for a child that ran fine: {e}"),
    };
    ensure_eq!(
        finished.stdout,
        format!("args {}\n", args.join(" ")),
        "run_one must pass every argument unchanged (one argument each, spaces included) and \
         return everything the child printed"
    );
    ensure_eq!(
        finished.status.code(),
        Some(i32::from(code)),
        "run_one must return the child's exit status as it is (a non-zero code is not an \
         error in run_one)"
    );
    let recorded = recorded_pid(0);
    ensure_eq!(
        Some(finished.pid),
        recorded,
        "run_one must return the pid of the child it started"
    );
    ensure_all_reaped(1, "after run_one returned")?;

    let missing = std::env::current_dir()
        .unwrap_or_default()
        .join("no-such-program");
    let got = within(Duration::from_secs(10), "run_one(missing, ..)", move || {
        processes::run_one(&missing, &[])
    })?;
    ensure!(
        got.is_err(),
        "run_one must return an error when the program cannot be started (no such file), got Ok"
    );
    Ok(())
}

fn large_output_is_not_lost(ctx: &mut Ctx) -> CheckResult {
    let lines: u64 = ctx.rng().random_range(60_000..70_000); // about 1 MiB
    let args = vec![format!("*=flood:{lines}"), "0".to_string()];
    let program = probe();
    let got = within_or(
        Duration::from_secs(20),
        "run_one on a child printing 1 MiB",
        "a pipe holds only 64 KiB, so the child blocks writing until someone reads, while \
         you wait for it to exit: a deadlock. Read the output while you wait (for example \
         Child::wait_with_output, or a reader thread), not after the child exited",
        move || processes::run_one(&program, &refs(&args)),
    )?;
    let finished = match got {
        Ok(finished) => finished,
        Err(e) => fail!("run_one returned an error for a child that ran fine: {e}"),
    };
    let want = flood_text(lines);
    ensure!(
        finished.stdout == want,
        "output was lost or changed: the child printed {} bytes, run_one returned {}",
        want.len(),
        first_difference(&finished.stdout, &want)
    );
    ensure!(
        finished.status.success(),
        "the child exited normally, run_one reported {}",
        describe(&finished.status)
    );
    Ok(())
}

// ---------------------------------------------------------------- task 2

fn results_in_child_order(ctx: &mut Ctx) -> CheckResult {
    let n: usize = ctx.rng().random_range(3..=6);
    let odd = ctx.rng().random_range(0..n);
    // Later children finish first, so finishing order is not index order.
    let mut args: Vec<String> = (0..n)
        .map(|i| {
            let ending = if i == odd { ",exit:2" } else { "" };
            format!("{i}=sleep:{},print{ending}", 40 * (n - i))
        })
        .collect();
    args.insert(0, "--".to_string()); // an argument to pass through, not a rule
    let program = probe();
    let call = owned(&args);
    let got = within(
        Duration::from_secs(20),
        "run_all(probe, .., n)",
        move || processes::run_all(&program, &refs(&call), n),
    )?;
    let all = match got {
        Ok(all) => all,
        Err(e) => fail!("run_all returned an error although every child started: {e}"),
    };
    ensure_eq!(all.len(), n, "run_all must return one entry per child");
    let outputs: Vec<&str> = all.iter().map(|f| f.stdout.as_str()).collect();
    let want: Vec<String> = (0..n).map(|i| format!("child {i}\n")).collect();
    ensure_eq!(
        outputs,
        want,
        "entry i must be child i's output (child i runs `program <args...> i`), in index \
         order, whatever order the children finish in"
    );
    for (i, f) in all.iter().enumerate() {
        let want = if i == odd { Some(2) } else { Some(0) };
        ensure_eq!(
            f.status.code(),
            want,
            "child {i}'s exit status is wrong (run_all returns statuses as they are)"
        );
        ensure_eq!(
            Some(f.pid),
            recorded_pid(i),
            "entry {i} must carry the pid of child {i}"
        );
    }
    ensure_all_reaped(n, "after run_all returned")
}

fn children_run_concurrently(ctx: &mut Ctx) -> CheckResult {
    let n: usize = ctx.rng().random_range(3..=6);
    let args = vec![format!("*=rendezvous:rv:{n}:{PATIENCE_MS},print")];
    let program = probe();
    let got = within(
        Duration::from_secs(25),
        "run_all(probe, .., n)",
        move || processes::run_all(&program, &refs(&args), n),
    )?;
    ensure!(
        met("rv"),
        "your children never ran at the same time: all {n} must be alive at once (start every \
         child first, then wait for them). The children wait up to {} s for each other; \
         yours did not meet",
        PATIENCE_MS / 1000
    );
    match got {
        Ok(all) => ensure_eq!(all.len(), n, "run_all must return one entry per child"),
        Err(e) => fail!("run_all returned an error although every child ran fine: {e}"),
    }
    Ok(())
}

// ---------------------------------------------------------------- task 3

fn failing_child_is_an_error(ctx: &mut Ctx) -> CheckResult {
    let n: usize = ctx.rng().random_range(3..=6);
    let program = probe();

    // Everything fine: no error.
    let call = program.clone();
    let got = within(
        Duration::from_secs(20),
        "run_all_checked(probe, .., n)",
        move || processes::run_all_checked(&call, &["*=print"], n),
    )?;
    match got {
        Ok(all) => ensure_eq!(
            all.len(),
            n,
            "run_all_checked must return one entry per child"
        ),
        Err(e) => fail!("run_all_checked returned an error although every child succeeded: {e}"),
    }

    // Child `bad` exits with status 3.
    let bad = ctx.rng().random_range(0..n);
    let args = vec![format!("{bad}=print,exit:3"), "*=print".to_string()];
    let call = program.clone();
    let got = within(
        Duration::from_secs(20),
        "run_all_checked(probe, .., n)",
        move || processes::run_all_checked(&call, &refs(&args), n),
    )?;
    match got {
        Err(ProcessError::Failed {
            index,
            status,
            stdout,
            ..
        }) => {
            ensure_eq!(
                index,
                bad,
                "Failed must name the index of the child that failed"
            );
            ensure_eq!(
                status.code(),
                Some(3),
                "Failed must carry the failed child's exit status"
            );
            ensure_eq!(
                stdout,
                format!("child {bad}\n"),
                "Failed must carry the failed child's output"
            );
        }
        Ok(_) => fail!(
            "child {bad} exited with status 3, but run_all_checked returned Ok: check \
             ExitStatus::success() of every child"
        ),
        Err(e) => fail!("child {bad} exited with status 3: expected Failed, got {e}"),
    }

    // Child `bad` is killed by a signal: no exit code at all.
    let bad = ctx.rng().random_range(0..n);
    let args = vec![format!("{bad}=kill"), "*=print".to_string()];
    let got = within(
        Duration::from_secs(20),
        "run_all_checked(probe, .., n)",
        move || processes::run_all_checked(&program, &refs(&args), n),
    )?;
    match got {
        Err(ProcessError::Failed { index, status, .. }) => {
            ensure_eq!(
                index,
                bad,
                "Failed must name the index of the child that failed"
            );
            ensure_eq!(
                status.signal(),
                Some(9),
                "Failed must carry the status of a child killed by SIGKILL"
            );
        }
        Ok(_) => fail!(
            "child {bad} was killed by SIGKILL, but run_all_checked returned Ok: a child \
             killed by a signal has no exit code and did not succeed"
        ),
        Err(e) => fail!("child {bad} was killed by a signal: expected Failed, got {e}"),
    }
    Ok(())
}

fn every_child_reaped_after_a_failure(ctx: &mut Ctx) -> CheckResult {
    let n: usize = ctx.rng().random_range(3..=6);
    let bad = ctx.rng().random_range(0..n - 1);
    // The children after the failed one are still running when it fails.
    let args = vec![format!("{bad}=exit:3"), "*=sleep:300,print".to_string()];
    let program = probe();
    let got = within(
        Duration::from_secs(20),
        "run_all_checked(probe, .., n)",
        move || processes::run_all_checked(&program, &refs(&args), n),
    )?;
    ensure_all_reaped(
        n,
        &format!("after run_all_checked returned (child {bad} had failed)"),
    )?;
    match got {
        Err(ProcessError::Failed { index, .. }) => {
            ensure_eq!(
                index,
                bad,
                "Failed must name the index of the child that failed"
            )
        }
        Ok(_) => fail!("child {bad} exited with status 3, but run_all_checked returned Ok"),
        Err(e) => fail!("child {bad} exited with status 3: expected Failed, got {e}"),
    }
    Ok(())
}

// ---------------------------------------------------------------- task 4

/// Runs a child that prints a line and hangs, with a short deadline.
fn run_hanging(
    ctx: &mut Ctx,
) -> Result<(Result<Finished, ProcessError>, Duration, Duration), Stop> {
    let deadline = Duration::from_millis(ctx.rng().random_range(300..700));
    let program = probe();
    let started = Instant::now();
    let got = within_or(
        Duration::from_secs(15),
        "run_with_deadline on a child that never exits",
        "the child prints a line and then hangs; it must be killed at the deadline \
         (Child::kill), then reaped (Child::wait). Do not wait for it without a limit",
        move || processes::run_with_deadline(&program, &["*=print,hang", "0"], deadline),
    )?;
    Ok((got, started.elapsed(), deadline))
}

fn overrunning_child_is_killed(ctx: &mut Ctx) -> CheckResult {
    let (got, elapsed, deadline) = run_hanging(ctx)?;
    let pid = recorded_pid(0);
    match &got {
        Err(ProcessError::TimedOut {
            index,
            pid: p,
            stdout,
        }) => {
            ensure_eq!(
                *index,
                0,
                "run_with_deadline reports its one child as index 0"
            );
            ensure_eq!(Some(*p), pid, "TimedOut must carry the pid of the child");
            ensure_eq!(
                stdout.as_str(),
                "child 0\n",
                "TimedOut must carry what the child printed before it was killed"
            );
        }
        other => fail!(
            "the child never exits, so run_with_deadline must return TimedOut after {} ms; got {}",
            deadline.as_millis(),
            show(other)
        ),
    }
    ensure!(
        elapsed >= deadline,
        "run_with_deadline gave up after {} ms, before the {} ms deadline",
        elapsed.as_millis(),
        deadline.as_millis()
    );
    if let Some(pid) = pid
        && let Some(state) = settled_state(pid)
        && state != 'Z'
    {
        fail!(
            "the child (pid {pid}) is still running (state {state} in /proc/{pid}/stat) after \
             run_with_deadline returned TimedOut: kill it (Child::kill) at the deadline"
        );
    }
    Ok(())
}

fn killed_child_is_reaped(ctx: &mut Ctx) -> CheckResult {
    let (got, _, _) = run_hanging(ctx)?;
    ensure!(
        matches!(got, Err(ProcessError::TimedOut { .. })),
        "the child never exits, so run_with_deadline must return TimedOut; got {}",
        show(&got)
    );
    let Some(pid) = recorded_pid(0) else {
        fail!("the child was never started");
    };
    match settled_state(pid) {
        None => Ok(()),
        Some('Z') => fail!(
            "the killed child (pid {pid}) is a zombie (state Z in /proc/{pid}/stat): kill() \
             only sends a signal; the dead child stays in the process table until its parent \
             waits for it. Call Child::wait after Child::kill"
        ),
        Some(state) => fail!(
            "the child (pid {pid}) is still running (state {state} in /proc/{pid}/stat) after \
             run_with_deadline returned: kill it at the deadline, then wait for it"
        ),
    }
}

fn fast_child_is_not_killed(ctx: &mut Ctx) -> CheckResult {
    let lines: u64 = ctx.rng().random_range(16_000..20_000); // about 256 KiB
    let deadline = Duration::from_secs(10);
    let args = vec![format!("*=flood:{lines},exit:4"), "0".to_string()];
    let program = probe();
    let started = Instant::now();
    let got = within(
        Duration::from_secs(25),
        "run_with_deadline on a child printing 256 KiB",
        move || processes::run_with_deadline(&program, &refs(&args), deadline),
    )?;
    let elapsed = started.elapsed();
    let finished = match got {
        Ok(finished) => finished,
        Err(ProcessError::TimedOut { stdout, .. }) => fail!(
            "a child that prints 256 KiB and exits at once was killed at the {} s deadline \
             after you read {} bytes of its output: it was blocked writing into a full pipe \
             (64 KiB) because nobody read it while you waited. Read the output in another \
             thread while you wait",
            deadline.as_secs(),
            stdout.len()
        ),
        Err(e) => fail!("run_with_deadline returned an error for a child that ran fine: {e}"),
    };
    let want = flood_text(lines);
    ensure!(
        finished.stdout == want,
        "output was lost or changed: {}",
        first_difference(&finished.stdout, &want)
    );
    ensure_eq!(
        finished.status.code(),
        Some(4),
        "run_with_deadline must return the exit status of a child that ended in time"
    );
    ensure!(
        elapsed < deadline,
        "the child ended at once, but run_with_deadline took {:.1} s: return as soon as the \
         child ends, do not sleep until the deadline",
        elapsed.as_secs_f64()
    );
    ensure_all_reaped(1, "after run_with_deadline returned")
}

// ---------------------------------------------------------------- task 5

fn supervisor_runs_children_concurrently(ctx: &mut Ctx) -> CheckResult {
    let n: usize = ctx.rng().random_range(3..=6);
    let args = vec![format!("*=rendezvous:rv:{n}:{PATIENCE_MS},print")];
    let program = probe();
    let got = within(
        Duration::from_secs(25),
        "supervise(probe, .., n, ..)",
        move || processes::supervise(&program, &refs(&args), n, Duration::from_secs(60)),
    )?;
    ensure!(
        met("rv"),
        "your supervised children never ran at the same time: all {n} must be alive at once \
         (start every child, then watch them all together)"
    );
    ensure_eq!(got.len(), n, "supervise must return one result per child");
    for (i, result) in got.iter().enumerate() {
        match result {
            Ok(f) => ensure_eq!(
                f.stdout,
                format!("child {i}\n"),
                "result {i} must hold child {i}'s output"
            ),
            other => fail!(
                "child {i} succeeded well within its deadline, got {}",
                show(other)
            ),
        }
    }
    ensure_all_reaped(n, "after supervise returned")
}

fn supervisor_kills_only_the_overrunning_child(ctx: &mut Ctx) -> CheckResult {
    let n: usize = ctx.rng().random_range(3..=6);
    let hung = ctx.rng().random_range(0..n);
    let failed = (hung + ctx.rng().random_range(1..n)) % n;
    let deadline = Duration::from_millis(2000);
    let args = vec![
        format!("{hung}=print,hang"),
        format!("{failed}=print,exit:5"),
        "*=print".to_string(),
    ];
    let program = probe();
    let got = within_or(
        Duration::from_secs(20),
        "supervise(probe, .., n, 2 s)",
        "one child never exits; it must be killed at its deadline and reaped",
        move || processes::supervise(&program, &refs(&args), n, deadline),
    )?;
    ensure_eq!(got.len(), n, "supervise must return one result per child");
    for (i, result) in got.iter().enumerate() {
        let ok = match result {
            Err(ProcessError::TimedOut { index, stdout, .. }) if i == hung => {
                *index == i && stdout == &format!("child {i}\n")
            }
            Err(ProcessError::Failed { index, status, .. }) if i == failed => {
                *index == i && status.code() == Some(5)
            }
            Ok(f) if i != hung && i != failed => {
                f.stdout == format!("child {i}\n") && f.status.success()
            }
            _ => false,
        };
        if !ok {
            let want = if i == hung {
                format!("Err(TimedOut {{ index: {i}, stdout \"child {i}\\n\" }}) (it never exits)")
            } else if i == failed {
                format!("Err(Failed {{ index: {i}, exit code 5, .. }}) (it exits with status 5)")
            } else {
                format!("Ok(.., exit code 0, stdout \"child {i}\\n\") (it succeeds at once)")
            };
            return Err(Stop::Fail(
                Failure::new(format!("result {i} of supervise is wrong"))
                    .expected(want)
                    .actual(show(result)),
            ));
        }
    }
    ensure_all_reaped(n, "after supervise returned")
}
