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
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, t, within};

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
        .expect(&t!(
            "the check program knows its own path",
            "검사 프로그램은 자기 경로를 알고 있습니다"
        ))
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
        // data: the file the probe writes its pid to
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

/// Fails unless every probe `0..n` was started and reaped. `after` (when
/// the check looked) is a phrase of its own, written with `t!` by the
/// caller: the messages around it are built from pieces.
fn ensure_all_reaped(n: usize, after: &str) -> CheckResult {
    for index in 0..n {
        let Some(pid) = recorded_pid(index) else {
            fail!(
                "{} ({after})",
                t!(
                    "child {index} was never started",
                    "자식 {index}이(가) 한 번도 시작되지 않았습니다"
                )
            );
        };
        match settled_state(pid) {
            None => {}
            Some('Z') => fail!(
                "{}{after}{}",
                t!(
                    "child {index} (pid {pid}) was never waited for: it is a zombie (state Z in \
                     /proc/{pid}/stat) ",
                    "자식 {index}(pid {pid})을(를) 아무도 기다리지 않았습니다: 좀비 상태입니다\
                     (/proc/{pid}/stat의 상태 Z). 확인한 시점: "
                ),
                t!(
                    ". Every child must be reaped with wait() before you return, also when another \
                     child failed",
                    ". 다른 자식이 실패했을 때도, 반환하기 전에 모든 자식을 wait()로 회수해야 \
                     합니다"
                )
            ),
            Some(state) => fail!(
                "{}{after}{}",
                t!(
                    "child {index} (pid {pid}) is still running (state {state} in /proc/{pid}/stat) ",
                    "자식 {index}(pid {pid})이(가) 아직 실행 중입니다(/proc/{pid}/stat의 상태 \
                     {state}). 확인한 시점: "
                ),
                t!(
                    ": you returned without waiting for it. Wait for every child before you \
                     return, also when another child failed",
                    ". 자식을 기다리지 않고 반환했습니다. 다른 자식이 실패했을 때도, 반환하기 전에 \
                     모든 자식을 기다리세요"
                )
            ),
        }
    }
    Ok(())
}

fn describe(status: &ExitStatus) -> String {
    match (status.code(), status.signal()) {
        // data: an ExitStatus shown as a value (also inside show()'s notation)
        (Some(code), _) => format!("exit code {code}"),
        // data: an ExitStatus shown as a value (also inside show()'s notation)
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
        // `what` and `why` are phrases of their own (written with t! by the
        // callers): the message is built from pieces
        Stop::Fail(_) => Stop::Fail(Failure::new(format!(
            "{what}{}{why}",
            t!(
                " did not return within {:.0} s: ",
                "이(가) {:.0}초 안에 반환하지 않았습니다: ",
                limit.as_secs_f64()
            )
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
    let (got_bytes, got_lines) = (got.len(), got.lines().count());
    let (want_bytes, want_lines) = (want.len(), want.lines().count());
    t!(
        "{} bytes ({} lines) instead of {} bytes ({} lines); first difference at line {line}",
        "{2}바이트({3}줄)가 아니라 {0}바이트({1}줄)입니다. 처음 달라지는 곳은 {line}번 줄입니다",
        got_bytes,
        got_lines,
        want_bytes,
        want_lines
    )
}

fn met(dir: &str) -> bool {
    Path::new(dir).join("met").exists() // data: the marker file the probes write
}

// ---------------------------------------------------------------- task 1

fn run_one_passes_args_and_captures_output(ctx: &mut Ctx) -> CheckResult {
    let code: u8 = ctx.rng().random_range(0..=6);
    let word = format!("word{}", ctx.rng().random_range(100..1000));
    let args = vec![
        format!("*=echo,exit:{code}"),
        word,
        "with space".to_string(), // data: an argument passed to the child
        "0".to_string(),
    ];
    let program = probe();
    let call = owned(&args);
    let got = within(Duration::from_secs(15), "run_one(probe, ..)", move || {
        processes::run_one(&program, &refs(&call))
    })?;
    let finished = match got {
        Ok(finished) => finished,
        Err(e) => fail!(t!(
            "run_one returned an error for a child that ran fine: {e}",
            "run_one이 문제없이 실행된 자식에 대해 오류를 반환했습니다: {e}"
        )),
    };
    ensure_eq!(
        finished.stdout,
        format!("args {}\n", args.join(" ")), // data: what the probe prints for `echo`
        t!(
            "run_one must pass every argument unchanged (one argument each, spaces included) and \
             return everything the child printed",
            "run_one은 모든 인자를 바꾸지 않고(인자 하나는 그대로 하나로, 공백도 그대로) 넘기고, \
             자식이 출력한 것을 모두 돌려주어야 합니다"
        )
    );
    ensure_eq!(
        finished.status.code(),
        Some(i32::from(code)),
        t!(
            "run_one must return the child's exit status as it is (a non-zero code is not an \
             error in run_one)",
            "run_one은 자식의 종료 상태를 그대로 돌려주어야 합니다(run_one에서는 0이 아닌 코드도 \
             오류가 아닙니다)"
        )
    );
    let recorded = recorded_pid(0);
    ensure_eq!(
        Some(finished.pid),
        recorded,
        t!(
            "run_one must return the pid of the child it started",
            "run_one은 자기가 시작한 자식의 pid를 돌려주어야 합니다"
        )
    );
    ensure_all_reaped(1, &t!("after run_one returned", "run_one이 반환한 뒤"))?;

    let missing = std::env::current_dir()
        .unwrap_or_default()
        .join("no-such-program"); // data: a program that does not exist
    let got = within(Duration::from_secs(10), "run_one(missing, ..)", move || {
        processes::run_one(&missing, &[])
    })?;
    ensure!(
        got.is_err(),
        t!(
            "run_one must return an error when the program cannot be started (no such file), got Ok",
            "프로그램을 시작할 수 없으면(그런 파일이 없음) run_one은 오류를 반환해야 하는데, Ok를 \
             반환했습니다"
        )
    );
    Ok(())
}

fn large_output_is_not_lost(ctx: &mut Ctx) -> CheckResult {
    let lines: u64 = ctx.rng().random_range(60_000..70_000); // about 1 MiB
    let args = vec![format!("*=flood:{lines}"), "0".to_string()];
    let program = probe();
    let got = within_or(
        Duration::from_secs(20),
        &t!(
            "run_one on a child printing 1 MiB",
            "1 MiB를 출력하는 자식에 대한 run_one"
        ),
        &t!(
            "a pipe holds only 64 KiB, so the child blocks writing until someone reads, while \
             you wait for it to exit: a deadlock. Read the output while you wait (for example \
             Child::wait_with_output, or a reader thread), not after the child exited",
            "파이프는 64 KiB만 담으므로, 자식은 누군가 읽을 때까지 쓰기에서 막히고, 여러분은 \
             자식이 끝나기를 기다립니다: 교착 상태입니다. 자식이 끝난 뒤가 아니라 기다리는 \
             동안 출력을 읽으세요(예를 들어 Child::wait_with_output, 또는 읽기를 맡은 스레드)"
        ),
        move || processes::run_one(&program, &refs(&args)),
    )?;
    let finished = match got {
        Ok(finished) => finished,
        Err(e) => fail!(t!(
            "run_one returned an error for a child that ran fine: {e}",
            "run_one이 문제없이 실행된 자식에 대해 오류를 반환했습니다: {e}"
        )),
    };
    let want = flood_text(lines);
    if finished.stdout != want {
        // the difference is a sentence of its own: the message is built from pieces
        let printed = want.len();
        fail!(
            "{}{}",
            t!(
                "output was lost or changed: the child printed {} bytes, run_one returned ",
                "출력이 사라지거나 바뀌었습니다: 자식은 {}바이트를 출력했는데, run_one이 돌려준 \
                 것은 ",
                printed
            ),
            first_difference(&finished.stdout, &want)
        );
    }
    let status = describe(&finished.status);
    ensure!(
        finished.status.success(),
        t!(
            "the child exited normally, run_one reported {}",
            "자식은 정상적으로 끝났는데, run_one은 {}을(를) 보고했습니다",
            status
        )
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
            format!("{i}=sleep:{},print{ending}", 40 * (n - i)) // data: a rule for the probe
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
        Err(e) => fail!(t!(
            "run_all returned an error although every child started: {e}",
            "모든 자식이 시작되었는데도 run_all이 오류를 반환했습니다: {e}"
        )),
    };
    ensure_eq!(
        all.len(),
        n,
        t!(
            "run_all must return one entry per child",
            "run_all은 자식마다 항목을 하나씩 반환해야 합니다"
        )
    );
    let outputs: Vec<&str> = all.iter().map(|f| f.stdout.as_str()).collect();
    let want: Vec<String> = (0..n).map(|i| format!("child {i}\n")).collect(); // data: what the probe prints
    ensure_eq!(
        outputs,
        want,
        t!(
            "entry i must be child i's output (child i runs `program <args...> i`), in index \
             order, whatever order the children finish in",
            "자식들이 어떤 순서로 끝나든, 항목 i는 인덱스 순서대로 자식 i의 출력이어야 \
             합니다(자식 i는 `program <args...> i`를 실행합니다)"
        )
    );
    for (i, f) in all.iter().enumerate() {
        let want = if i == odd { Some(2) } else { Some(0) };
        ensure_eq!(
            f.status.code(),
            want,
            t!(
                "child {i}'s exit status is wrong (run_all returns statuses as they are)",
                "자식 {i}의 종료 상태가 틀렸습니다(run_all은 종료 상태를 그대로 돌려줍니다)"
            )
        );
        ensure_eq!(
            Some(f.pid),
            recorded_pid(i),
            t!(
                "entry {i} must carry the pid of child {i}",
                "항목 {i}에는 자식 {i}의 pid가 들어 있어야 합니다"
            )
        );
    }
    ensure_all_reaped(n, &t!("after run_all returned", "run_all이 반환한 뒤"))
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
        t!(
            "your children never ran at the same time: all {n} must be alive at once (start every \
             child first, then wait for them). The children wait up to {} s for each other; \
             yours did not meet",
            "자식들이 한 번도 동시에 실행되지 않았습니다: {n}개 모두가 한꺼번에 살아 있어야 \
             합니다(모든 자식을 먼저 시작한 다음 기다리세요). 자식들은 서로를 최대 {}초 \
             기다리는데, 여러분의 자식들은 만나지 못했습니다",
            PATIENCE_MS / 1000
        )
    );
    match got {
        Ok(all) => ensure_eq!(
            all.len(),
            n,
            t!(
                "run_all must return one entry per child",
                "run_all은 자식마다 항목을 하나씩 반환해야 합니다"
            )
        ),
        Err(e) => fail!(t!(
            "run_all returned an error although every child ran fine: {e}",
            "모든 자식이 문제없이 실행되었는데도 run_all이 오류를 반환했습니다: {e}"
        )),
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
            t!(
                "run_all_checked must return one entry per child",
                "run_all_checked는 자식마다 항목을 하나씩 반환해야 합니다"
            )
        ),
        Err(e) => fail!(t!(
            "run_all_checked returned an error although every child succeeded: {e}",
            "모든 자식이 성공했는데도 run_all_checked가 오류를 반환했습니다: {e}"
        )),
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
                t!(
                    "Failed must name the index of the child that failed",
                    "Failed에는 실패한 자식의 인덱스가 들어 있어야 합니다"
                )
            );
            ensure_eq!(
                status.code(),
                Some(3),
                t!(
                    "Failed must carry the failed child's exit status",
                    "Failed에는 실패한 자식의 종료 상태가 들어 있어야 합니다"
                )
            );
            ensure_eq!(
                stdout,
                format!("child {bad}\n"), // data: what the probe prints
                t!(
                    "Failed must carry the failed child's output",
                    "Failed에는 실패한 자식의 출력이 들어 있어야 합니다"
                )
            );
        }
        Ok(_) => fail!(t!(
            "child {bad} exited with status 3, but run_all_checked returned Ok: check \
             ExitStatus::success() of every child",
            "자식 {bad}이(가) 종료 상태 3으로 끝났는데 run_all_checked가 Ok를 반환했습니다: 모든 \
             자식의 ExitStatus::success()를 확인하세요"
        )),
        Err(e) => fail!(t!(
            "child {bad} exited with status 3: expected Failed, got {e}",
            "자식 {bad}이(가) 종료 상태 3으로 끝났습니다: Failed를 기대했는데 {e}을(를) \
             받았습니다"
        )),
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
                t!(
                    "Failed must name the index of the child that failed",
                    "Failed에는 실패한 자식의 인덱스가 들어 있어야 합니다"
                )
            );
            ensure_eq!(
                status.signal(),
                Some(9),
                t!(
                    "Failed must carry the status of a child killed by SIGKILL",
                    "Failed에는 SIGKILL로 죽은 자식의 종료 상태가 들어 있어야 합니다"
                )
            );
        }
        Ok(_) => fail!(t!(
            "child {bad} was killed by SIGKILL, but run_all_checked returned Ok: a child \
             killed by a signal has no exit code and did not succeed",
            "자식 {bad}이(가) SIGKILL로 죽었는데 run_all_checked가 Ok를 반환했습니다: 시그널로 \
             죽은 자식은 종료 코드가 없고, 성공한 것이 아닙니다"
        )),
        Err(e) => fail!(t!(
            "child {bad} was killed by a signal: expected Failed, got {e}",
            "자식 {bad}이(가) 시그널로 죽었습니다: Failed를 기대했는데 {e}을(를) 받았습니다"
        )),
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
        &t!(
            "after run_all_checked returned (child {bad} had failed)",
            "run_all_checked가 반환한 뒤(자식 {bad}이(가) 실패한 상태)"
        ),
    )?;
    match got {
        Err(ProcessError::Failed { index, .. }) => {
            ensure_eq!(
                index,
                bad,
                t!(
                    "Failed must name the index of the child that failed",
                    "Failed에는 실패한 자식의 인덱스가 들어 있어야 합니다"
                )
            )
        }
        Ok(_) => fail!(t!(
            "child {bad} exited with status 3, but run_all_checked returned Ok",
            "자식 {bad}이(가) 종료 상태 3으로 끝났는데 run_all_checked가 Ok를 반환했습니다"
        )),
        Err(e) => fail!(t!(
            "child {bad} exited with status 3: expected Failed, got {e}",
            "자식 {bad}이(가) 종료 상태 3으로 끝났습니다: Failed를 기대했는데 {e}을(를) \
             받았습니다"
        )),
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
        &t!(
            "run_with_deadline on a child that never exits",
            "끝나지 않는 자식에 대한 run_with_deadline"
        ),
        &t!(
            "the child prints a line and then hangs; it must be killed at the deadline \
             (Child::kill), then reaped (Child::wait). Do not wait for it without a limit",
            "자식은 한 줄을 출력한 뒤 멈춰 있습니다: 마감 시간에 죽이고(Child::kill) 그다음 \
             회수해야 합니다(Child::wait). 제한 없이 기다리지 마세요"
        ),
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
                t!(
                    "run_with_deadline reports its one child as index 0",
                    "run_with_deadline은 하나뿐인 자식을 인덱스 0으로 보고합니다"
                )
            );
            ensure_eq!(
                Some(*p),
                pid,
                t!(
                    "TimedOut must carry the pid of the child",
                    "TimedOut에는 자식의 pid가 들어 있어야 합니다"
                )
            );
            ensure_eq!(
                stdout.as_str(),
                "child 0\n", // data: what the probe prints
                t!(
                    "TimedOut must carry what the child printed before it was killed",
                    "TimedOut에는 자식이 죽기 전에 출력한 내용이 들어 있어야 합니다"
                )
            );
        }
        other => {
            let got = show(other);
            fail!(t!(
                "the child never exits, so run_with_deadline must return TimedOut after {} ms; got {}",
                "자식이 끝나지 않으므로 run_with_deadline은 {} ms 뒤에 TimedOut을 반환해야 하는데, \
                 {}을(를) 반환했습니다",
                deadline.as_millis(),
                got
            ))
        }
    }
    ensure!(
        elapsed >= deadline,
        t!(
            "run_with_deadline gave up after {} ms, before the {} ms deadline",
            "run_with_deadline이 {1} ms 마감 시간이 되기 전, {0} ms 만에 포기했습니다",
            elapsed.as_millis(),
            deadline.as_millis()
        )
    );
    if let Some(pid) = pid
        && let Some(state) = settled_state(pid)
        && state != 'Z'
    {
        fail!(t!(
            "the child (pid {pid}) is still running (state {state} in /proc/{pid}/stat) after \
             run_with_deadline returned TimedOut: kill it (Child::kill) at the deadline",
            "run_with_deadline이 TimedOut을 반환한 뒤에도 자식(pid {pid})이 아직 실행 \
             중입니다(/proc/{pid}/stat의 상태 {state}): 마감 시간에 자식을 죽이세요(Child::kill)"
        ));
    }
    Ok(())
}

fn killed_child_is_reaped(ctx: &mut Ctx) -> CheckResult {
    let (got, _, _) = run_hanging(ctx)?;
    let shown = show(&got);
    ensure!(
        matches!(got, Err(ProcessError::TimedOut { .. })),
        t!(
            "the child never exits, so run_with_deadline must return TimedOut; got {}",
            "자식이 끝나지 않으므로 run_with_deadline은 TimedOut을 반환해야 하는데, {}을(를) \
             반환했습니다",
            shown
        )
    );
    let Some(pid) = recorded_pid(0) else {
        fail!(t!(
            "the child was never started",
            "자식이 한 번도 시작되지 않았습니다"
        ));
    };
    match settled_state(pid) {
        None => Ok(()),
        Some('Z') => fail!(t!(
            "the killed child (pid {pid}) is a zombie (state Z in /proc/{pid}/stat): kill() \
             only sends a signal; the dead child stays in the process table until its parent \
             waits for it. Call Child::wait after Child::kill",
            "죽인 자식(pid {pid})이 좀비입니다(/proc/{pid}/stat의 상태 Z): kill()은 시그널을 \
             보낼 뿐이고, 죽은 자식은 부모가 기다려 줄 때까지 프로세스 표에 남아 있습니다. \
             Child::kill 다음에 Child::wait를 호출하세요"
        )),
        Some(state) => fail!(t!(
            "the child (pid {pid}) is still running (state {state} in /proc/{pid}/stat) after \
             run_with_deadline returned: kill it at the deadline, then wait for it",
            "run_with_deadline이 반환한 뒤에도 자식(pid {pid})이 아직 실행 중입니다\
             (/proc/{pid}/stat의 상태 {state}): 마감 시간에 죽인 다음 기다리세요"
        )),
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
        t!(
            "run_with_deadline on a child printing 256 KiB",
            "256 KiB를 출력하는 자식에 대한 run_with_deadline"
        ),
        move || processes::run_with_deadline(&program, &refs(&args), deadline),
    )?;
    let elapsed = started.elapsed();
    let finished = match got {
        Ok(finished) => finished,
        Err(ProcessError::TimedOut { stdout, .. }) => fail!(t!(
            "a child that prints 256 KiB and exits at once was killed at the {} s deadline \
             after you read {} bytes of its output: it was blocked writing into a full pipe \
             (64 KiB) because nobody read it while you waited. Read the output in another \
             thread while you wait",
            "256 KiB를 출력하고 곧바로 끝나는 자식이, 여러분이 출력을 {1}바이트 읽은 뒤 {0}초 \
             마감 시간에 죽었습니다: 여러분이 기다리는 동안 아무도 파이프를 읽지 않아서, \
             자식은 가득 찬 파이프(64 KiB)에 쓰다가 막혀 있었습니다. 기다리는 동안 다른 \
             스레드에서 출력을 읽으세요",
            deadline.as_secs(),
            stdout.len()
        )),
        Err(e) => fail!(t!(
            "run_with_deadline returned an error for a child that ran fine: {e}",
            "run_with_deadline이 문제없이 실행된 자식에 대해 오류를 반환했습니다: {e}"
        )),
    };
    let want = flood_text(lines);
    if finished.stdout != want {
        // the difference is a sentence of its own: the message is built from pieces
        fail!(
            "{}{}",
            t!(
                "output was lost or changed: ",
                "출력이 사라지거나 바뀌었습니다: 돌려받은 출력은 "
            ),
            first_difference(&finished.stdout, &want)
        );
    }
    ensure_eq!(
        finished.status.code(),
        Some(4),
        t!(
            "run_with_deadline must return the exit status of a child that ended in time",
            "run_with_deadline은 시간 안에 끝난 자식의 종료 상태를 돌려주어야 합니다"
        )
    );
    ensure!(
        elapsed < deadline,
        t!(
            "the child ended at once, but run_with_deadline took {:.1} s: return as soon as the \
             child ends, do not sleep until the deadline",
            "자식은 곧바로 끝났는데 run_with_deadline은 {:.1}초 걸렸습니다: 자식이 끝나는 즉시 \
             반환하고, 마감 시간까지 잠들지 마세요",
            elapsed.as_secs_f64()
        )
    );
    ensure_all_reaped(
        1,
        &t!(
            "after run_with_deadline returned",
            "run_with_deadline이 반환한 뒤"
        ),
    )
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
        t!(
            "your supervised children never ran at the same time: all {n} must be alive at once \
             (start every child, then watch them all together)",
            "감독하는 자식들이 한 번도 동시에 실행되지 않았습니다: {n}개 모두가 한꺼번에 살아 \
             있어야 합니다(모든 자식을 시작한 다음, 모두를 함께 지켜보세요)"
        )
    );
    ensure_eq!(
        got.len(),
        n,
        t!(
            "supervise must return one result per child",
            "supervise는 자식마다 결과를 하나씩 반환해야 합니다"
        )
    );
    for (i, result) in got.iter().enumerate() {
        match result {
            Ok(f) => ensure_eq!(
                f.stdout,
                format!("child {i}\n"), // data: what the probe prints
                t!(
                    "result {i} must hold child {i}'s output",
                    "결과 {i}에는 자식 {i}의 출력이 들어 있어야 합니다"
                )
            ),
            other => {
                let shown = show(other);
                fail!(t!(
                    "child {i} succeeded well within its deadline, got {}",
                    "자식 {i}은(는) 마감 시간보다 한참 일찍 성공했는데, 결과가 {}입니다",
                    shown
                ))
            }
        }
    }
    ensure_all_reaped(n, &t!("after supervise returned", "supervise가 반환한 뒤"))
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
        &t!(
            "one child never exits; it must be killed at its deadline and reaped",
            "자식 하나가 끝나지 않습니다: 그 자식은 마감 시간에 죽이고 회수해야 합니다"
        ),
        move || processes::supervise(&program, &refs(&args), n, deadline),
    )?;
    ensure_eq!(
        got.len(),
        n,
        t!(
            "supervise must return one result per child",
            "supervise는 자식마다 결과를 하나씩 반환해야 합니다"
        )
    );
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
            // the result in show()'s notation, then in words why
            let want = if i == hung {
                t!(
                    "Err(TimedOut {{ index: {i}, stdout \"child {i}\\n\" }}) (it never exits)",
                    "Err(TimedOut {{ index: {i}, stdout \"child {i}\\n\" }}) (끝나지 않는 자식입니다)"
                )
            } else if i == failed {
                t!(
                    "Err(Failed {{ index: {i}, exit code 5, .. }}) (it exits with status 5)",
                    "Err(Failed {{ index: {i}, exit code 5, .. }}) (종료 상태 5로 끝나는 자식입니다)"
                )
            } else {
                t!(
                    "Ok(.., exit code 0, stdout \"child {i}\\n\") (it succeeds at once)",
                    "Ok(.., exit code 0, stdout \"child {i}\\n\") (곧바로 성공하는 자식입니다)"
                )
            };
            return Err(Stop::Fail(
                Failure::new(t!(
                    "result {i} of supervise is wrong",
                    "supervise의 결과 {i}이(가) 틀렸습니다"
                ))
                .expected(want)
                .actual(show(result)),
            ));
        }
    }
    ensure_all_reaped(n, &t!("after supervise returned", "supervise가 반환한 뒤"))
}
