//! Hidden checks of exercise 11-gil-lab.
//!
//! The checks hand student code a `Gil` they created and tasks of their own,
//! so for every task call they know the thread, when it started and ended, and
//! whether that thread held the GIL (`Gil::is_held_by_current_thread`).
//!
//! - Structural checks (any machine, one core too): tasks under the GIL hold
//!   it, and while the first one runs the other threads queue for the lock
//!   (`Gil::waiting`), so they were all started together; the blocking part of
//!   an I/O task runs with the GIL released, and all blocking waits meet at a
//!   rendezvous, which only works if they are in flight at once; threads
//!   without a GIL meet at a rendezvous.
//! - The lab's report is checked against the calls it made: every reported
//!   run must lie inside the `gil_lab` call, runs must not overlap, and each
//!   must contain exactly its tasks, run the way its experiment says. These
//!   are inequalities of one monotonic clock between events the check saw, so
//!   a measured report satisfies them on any machine, however slow, while a
//!   made-up or copied time cannot.
//! - The speedup without the GIL is judged against the check's own one-thread
//!   and parallel loops, run right after the student's run in each round (the
//!   kit's `SpeedupTrial` rules, with that fixed order); it is skipped on one
//!   core or when the machine cannot give a speedup right now.

use std::collections::BTreeSet;
use std::io;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

mod crunch;
use crunch::crunch;

use gil_lab::{
    Gil, LabReport, Run, Workload, cpu_processes, cpu_threads_with_gil, cpu_threads_without_gil,
    gil_lab, io_threads_with_gil,
};
use rand::Rng;
use threadlings_kit::timing::{
    PATIENCE, Recorder, Rendezvous, require_cores, scale_to, send_evidence, simulated_io,
};
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, skip, t, within};
use threadlings_schema::report::{TaskEvent, Timeline};

threadlings_kit::checks![
    with_gil_results_in_order,
    with_gil_tasks_hold_the_gil,
    io_results_in_order,
    io_releases_the_gil_around_blocking,
    without_gil_runs_at_once,
    lab_report_is_measured,
    lab_without_gil_speeds_up,
    processes_results_in_order,
    processes_run_at_once,
    processes_speed_up,
];

/// Limit for one call of student code.
const LIMIT: Duration = Duration::from_secs(30);
/// Tasks (and threads) of the speedup check: more threads than cores is fine.
const SPEEDUP_TASKS: usize = 4;
/// Base size of a CPU task in `lab_report_is_measured` (about a millisecond).
const CHECK_ROUNDS: u64 = 300_000;

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Busy for about `duration` of wall time (CPU-bound, never sleeps).
fn spin(duration: Duration) {
    let end = Instant::now() + duration;
    while Instant::now() < end {
        std::hint::black_box(crunch(1, 64));
    }
}

/// The numbers of `items` (`3`, `0, 1, 2`) and the `s` of English `tasks`
/// (empty for one task): a sentence writes `task{s} {list}` in English
/// (`task 3`, `tasks 0, 1, 2`) and `작업 {list}{s:.0}` in Korean, which has no
/// plural (`{s:.0}` uses the argument and prints nothing).
fn task_list(items: &BTreeSet<usize>) -> (String, &'static str) {
    let numbers: Vec<String> = items.iter().map(usize::to_string).collect();
    let s = if numbers.len() == 1 { "" } else { "s" };
    (numbers.join(", "), s)
}

// ------------------------------------------------------ cpu_threads_with_gil

fn with_gil_results_in_order(ctx: &mut Ctx) -> CheckResult {
    let salt: usize = ctx.rng().random_range(1..1000);
    let mut sizes = vec![0, 1];
    sizes.push(ctx.rng().random_range(2..9));
    for n in sizes {
        let calls = Arc::new(Mutex::new(Vec::new()));
        let seen = calls.clone();
        let got = within(
            LIMIT,
            format!("cpu_threads_with_gil(gil, {n}, task)"),
            move || {
                let gil = Gil::new();
                cpu_threads_with_gil(&gil, n, |i| {
                    lock(&seen).push(i);
                    format!("task {i} of {salt}") // data: the task's result, compared below
                })
            },
        )?;
        // data: what each task above returns
        let expected: Vec<String> = (0..n).map(|i| format!("task {i} of {salt}")).collect();
        ensure_eq!(
            got,
            expected,
            t!(
                "cpu_threads_with_gil(gil, {n}, task) must return task(i) at index i",
                "cpu_threads_with_gil(gil, {n}, task)은(는) 인덱스 i에 task(i)를 돌려줘야 합니다"
            )
        );
        let mut calls = lock(&calls).clone();
        calls.sort_unstable();
        ensure_eq!(
            calls,
            (0..n).collect::<Vec<_>>(),
            t!(
                "cpu_threads_with_gil(gil, {n}, task) must call task(i) exactly once for each i in 0..{n}",
                "cpu_threads_with_gil(gil, {n}, task)은(는) 0..{n}의 각 i에 대해 task(i)를 정확히 한 번 호출해야 합니다"
            )
        );
    }
    Ok(())
}

fn with_gil_tasks_hold_the_gil(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..7);
    let recorder = Recorder::new(format!("cpu_threads_with_gil(gil, {n}, task)"));
    let _evidence = recorder.evidence_on_exit(ctx);
    let gil = Arc::new(Gil::new());
    let without_gil = Arc::new(Mutex::new(BTreeSet::new()));
    // The most threads seen queueing for the GIL while the first task held it.
    let queued = Arc::new(Mutex::new(None::<usize>));
    let (rec, g, bad, q) = (
        recorder.clone(),
        gil.clone(),
        without_gil.clone(),
        queued.clone(),
    );
    let results = within(
        LIMIT,
        format!("cpu_threads_with_gil(gil, {n}, task)"),
        move || {
            rec.mark_caller();
            let first = AtomicBool::new(true);
            cpu_threads_with_gil(&g, n, |i| {
                let _task = rec.task(format!("task {i}"));
                if !g.is_held_by_current_thread() {
                    lock(&bad).insert(i);
                } else if first.swap(false, Ordering::SeqCst) {
                    // Holding the GIL, wait for the other threads to queue
                    // for it: they can only if they were all started.
                    let deadline = Instant::now() + PATIENCE;
                    let mut most = g.waiting();
                    while most < n - 1 && Instant::now() < deadline {
                        thread::sleep(Duration::from_millis(1));
                        most = most.max(g.waiting());
                    }
                    *lock(&q) = Some(most);
                }
                spin(Duration::from_millis(2));
                if !g.is_held_by_current_thread() {
                    lock(&bad).insert(i);
                }
                i
            })
        },
    )?;
    ensure_eq!(
        results,
        (0..n).collect::<Vec<_>>(),
        t!(
            "cpu_threads_with_gil must return task(i) at index i",
            "cpu_threads_with_gil은 인덱스 i에 task(i)를 돌려줘야 합니다"
        )
    );
    let without_gil = lock(&without_gil).clone();
    let (list, s) = task_list(&without_gil);
    ensure!(
        without_gil.is_empty(),
        t!(
            "task{s} {list} ran while the thread did not hold the GIL: in cpu_threads_with_gil each thread \
             must take it (`let _gil = gil.acquire();`) before its task and keep the guard until the \
             task returns. Without it these are plain Rust threads, not Python's",
            "작업 {list}{s:.0}이(가) GIL을 쥐지 않은 스레드에서 실행되었습니다: cpu_threads_with_gil에서 \
             각 스레드는 작업 전에 GIL을 잡고(`let _gil = gil.acquire();`) 작업이 반환할 때까지 \
             가드를 쥐고 있어야 합니다. 그렇지 않으면 이 스레드들은 파이썬의 스레드가 아니라 평범한 \
             Rust 스레드입니다"
        )
    );
    let snapshot = recorder.snapshot();
    let peak = snapshot.peak;
    ensure!(
        peak <= 1,
        t!(
            "{peak} tasks ran at the same time although each held the GIL: the GIL must not be shared",
            "작업마다 GIL을 쥐고 있었는데도 작업 {peak}개가 동시에 실행되었습니다: GIL은 공유되면 \
             안 됩니다"
        )
    );
    if snapshot.worker_threads == 0 {
        fail!(t!(
            "every task ran on the calling thread: start one thread per task, each taking the \
             GIL before its task",
            "모든 작업이 호출한 스레드에서 실행되었습니다: 작업마다 스레드를 하나씩 시작하고, 각 \
             스레드가 작업 전에 GIL을 잡게 하세요"
        ));
    }
    ensure_eq!(
        snapshot.worker_threads,
        n,
        t!(
            "cpu_threads_with_gil(gil, {n}, ..) must run each task on a thread of its own",
            "cpu_threads_with_gil(gil, {n}, ..)은(는) 작업을 저마다 자기만의 스레드에서 실행해야 합니다"
        )
    );
    let queued = lock(&queued).unwrap_or(0);
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        queued + 1 >= n,
        t!(
            "while the first task held the GIL, at most {queued} other thread(s) ever waited for it, \
             but {n} threads should have been started together (all but one queueing for the lock; \
             the task waited {patience:.0} s): start every thread before joining any",
            "첫 작업이 GIL을 쥐고 있는 동안 GIL을 기다린 다른 스레드는 많아야 {queued}개였지만, \
             스레드 {n}개가 함께 시작되었어야 합니다(하나를 뺀 모두가 락을 얻으려고 줄 서 있어야 \
             합니다. 그 작업은 {patience:.0}초 동안 기다렸습니다): 어느 스레드든 조인하기 전에 모든 \
             스레드를 시작하세요"
        )
    );
    recorder.note(t!(
        "{n} threads, {queued} queued for the GIL while the first task ran; at most one task at a time",
        "스레드 {n}개, 첫 작업이 실행되는 동안 {queued}개가 GIL을 얻으려고 줄 섬; 한 번에 실행된 \
         작업은 많아야 하나"
    ));
    Ok(())
}

// ------------------------------------------------------- io_threads_with_gil

fn io_results_in_order(ctx: &mut Ctx) -> CheckResult {
    let salt: u64 = ctx.rng().random_range(1..1000);
    let mut sizes = vec![0, 1];
    sizes.push(ctx.rng().random_range(2..9));
    for n in sizes {
        let got = within(
            LIMIT,
            format!("io_threads_with_gil(gil, {n}, python, blocking)"),
            move || {
                let gil = Gil::new();
                io_threads_with_gil(
                    &gil,
                    n,
                    |i| (i as u64) * 1000 + salt,
                    |request| {
                        simulated_io(Duration::from_millis(1));
                        format!("answer to {request}") // data: the result, compared below
                    },
                )
            },
        )?;
        let expected: Vec<String> = (0..n)
            .map(|i| format!("answer to {}", (i as u64) * 1000 + salt)) // data: blocking's result
            .collect();
        ensure_eq!(
            got,
            expected,
            t!(
                "io_threads_with_gil(gil, {n}, python, blocking) must return blocking(python(i)) at index i",
                "io_threads_with_gil(gil, {n}, python, blocking)은(는) 인덱스 i에 blocking(python(i))를 돌려줘야 합니다"
            )
        );
    }
    Ok(())
}

fn io_releases_the_gil_around_blocking(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..7);
    let recorder = Recorder::new(format!("io_threads_with_gil(gil, {n}, python, blocking)"));
    let _evidence = recorder.evidence_on_exit(ctx);
    let gil = Arc::new(Gil::new());
    let rendezvous = Arc::new(Rendezvous::new(n, PATIENCE));
    let python_without = Arc::new(Mutex::new(BTreeSet::new()));
    let blocking_with = Arc::new(Mutex::new(BTreeSet::new()));
    let (rec, g, rv, pw, bw) = (
        recorder.clone(),
        gil.clone(),
        rendezvous.clone(),
        python_without.clone(),
        blocking_with.clone(),
    );
    let results = within(
        LIMIT,
        format!("io_threads_with_gil(gil, {n}, python, blocking)"),
        move || {
            rec.mark_caller();
            io_threads_with_gil(
                &g,
                n,
                |i| {
                    let _task = rec.task(format!("python {i}"));
                    if !g.is_held_by_current_thread() {
                        lock(&pw).insert(i);
                    }
                    i
                },
                |i| {
                    let _task = rec.task(format!("blocking {i}"));
                    if g.is_held_by_current_thread() {
                        // Waiting here would keep every other thread out.
                        lock(&bw).insert(i);
                    } else {
                        rv.arrive();
                    }
                    simulated_io(Duration::from_millis(5));
                    i * 2
                },
            )
        },
    )?;
    ensure_eq!(
        results,
        (0..n).map(|i| i * 2).collect::<Vec<_>>(),
        t!(
            "io_threads_with_gil must return blocking(python(i)) at index i",
            "io_threads_with_gil은 인덱스 i에 blocking(python(i))를 돌려줘야 합니다"
        )
    );
    let python_without = lock(&python_without).clone();
    let (list, s) = task_list(&python_without);
    ensure!(
        python_without.is_empty(),
        t!(
            "python(i) of task{s} {list} ran while the thread did not hold the GIL: Python code needs the GIL, \
             take it (`gil.acquire()`) before calling python(i)",
            "작업 {list}{s:.0}의 python(i)이(가) GIL을 쥐지 않은 스레드에서 실행되었습니다: 파이썬 \
             코드에는 GIL이 필요합니다. python(i)를 호출하기 전에 GIL을 잡으세요(`gil.acquire()`)"
        )
    );
    let blocking_with = lock(&blocking_with).clone();
    let (list, s) = task_list(&blocking_with);
    ensure!(
        blocking_with.is_empty(),
        t!(
            "the blocking part of task{s} {list} ran while the thread held the GIL, so every other thread \
             waited for this one's I/O: release the GIL around the wait with \
             `guard.allow_threads(|| blocking(request))`, as CPython does around a socket read",
            "작업 {list}{s:.0}의 블로킹 부분이 GIL을 쥔 스레드에서 실행되어, 다른 모든 스레드가 이 \
             스레드의 I/O를 기다렸습니다: CPython이 소켓 읽기 동안 그러듯이, \
             `guard.allow_threads(|| blocking(request))`로 기다리는 동안 GIL을 푸세요"
        )
    );
    if recorder.worker_threads() == 0 {
        fail!(t!(
            "every task ran on the calling thread: start one thread per task",
            "모든 작업이 호출한 스레드에서 실행되었습니다: 작업마다 스레드를 하나씩 시작하세요"
        ));
    }
    ensure_eq!(
        recorder.worker_threads(),
        n,
        t!(
            "io_threads_with_gil(gil, {n}, ..) must run each task on a thread of its own",
            "io_threads_with_gil(gil, {n}, ..)은(는) 작업을 저마다 자기만의 스레드에서 실행해야 합니다"
        )
    );
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        rendezvous.met(),
        t!(
            "the {n} blocking waits were never all in flight at the same time (a wait waited {patience:.0} s \
             for the others): start every thread before joining any, and hold the GIL only for \
             python(i), not around the wait",
            "블로킹 기다림 {n}개가 한 번도 모두 동시에 진행 중이지 않았습니다(한 기다림이 나머지를 \
             {patience:.0}초 동안 기다렸습니다): 어느 스레드든 조인하기 전에 모든 스레드를 시작하고, \
             GIL은 기다림을 감싸지 말고 python(i) 동안에만 쥐세요"
        )
    );
    Ok(())
}

// --------------------------------------------------- cpu_threads_without_gil

fn without_gil_runs_at_once(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..7);
    let recorder = Recorder::new(format!("cpu_threads_without_gil({n}, task)"));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(n, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let results = within(
        LIMIT,
        format!("cpu_threads_without_gil({n}, task)"),
        move || {
            rec.mark_caller();
            cpu_threads_without_gil(n, |i| {
                let _task = rec.task(format!("task {i}"));
                rv.arrive();
                spin(Duration::from_millis(2));
                i + 100
            })
        },
    )?;
    ensure_eq!(
        results,
        (0..n).map(|i| i + 100).collect::<Vec<_>>(),
        t!(
            "cpu_threads_without_gil must return task(i) at index i",
            "cpu_threads_without_gil은 인덱스 i에 task(i)를 돌려줘야 합니다"
        )
    );
    let threads = recorder.worker_threads();
    if threads == 0 {
        fail!(t!(
            "every task ran on the calling thread, one after another: without a GIL, start one \
             thread per task so they compute in parallel",
            "모든 작업이 호출한 스레드에서 하나씩 차례로 실행되었습니다: GIL이 없으니 작업마다 \
             스레드를 하나씩 시작해 병렬로 계산하게 하세요"
        ));
    }
    let (peak, patience) = (recorder.peak(), PATIENCE.as_secs_f64());
    ensure!(
        rendezvous.met(),
        t!(
            "your tasks ran one at a time, never all {n} at once (at most {peak} at once; a task waited \
             {patience:.0} s for the others): start every thread before joining any",
            "여러분의 작업은 한 번에 하나씩 실행되어, {n}개가 모두 동시에 실행된 적이 없습니다(동시에 많아야 \
             {peak}개. 한 작업이 나머지를 {patience:.0}초 동안 기다렸습니다): 어느 스레드든 조인하기 \
             전에 모든 스레드를 시작하세요"
        )
    );
    ensure_eq!(
        threads,
        n,
        t!(
            "cpu_threads_without_gil({n}, ..) must run each task on a thread of its own",
            "cpu_threads_without_gil({n}, ..)은(는) 작업을 저마다 자기만의 스레드에서 실행해야 합니다"
        )
    );
    Ok(())
}

// ------------------------------------------------------------------- gil_lab

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cpu,
    Python,
    Blocking,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Cpu => "cpu",
            Kind::Python => "python",
            Kind::Blocking => "blocking",
        }
    }
}

/// One call of a task the check handed to `gil_lab`.
#[derive(Debug, Clone)]
struct Call {
    kind: Kind,
    index: usize,
    thread: ThreadId,
    start: Instant,
    end: Instant,
    /// Whether the thread held the GIL when the task started and when it ended.
    held: (bool, bool),
}

/// The workload's tasks, recording every call.
struct LabProbe {
    gil: Gil,
    seed: u64,
    rounds: u64,
    io_wait: Duration,
    sizing: Sizing,
    next: AtomicUsize,
    /// The thread that called `gil_lab`.
    caller: OnceLock<ThreadId>,
    calls: Mutex<Vec<Call>>,
}

/// How big each task call is, as a factor of the base size.
struct Sizing {
    /// Factor of the k-th call (cycled); all 1.0 for equal tasks. Calls of
    /// varying size make every run's time unpredictable, so a time made up
    /// from another run's cannot fit around the tasks by luck.
    per_call: Vec<f64>,
    /// Extra factor of CPU calls that start with the GIL held...
    under_gil: f64,
    /// ...and of CPU calls on the thread that called `gil_lab` (the
    /// one-thread runs). The speedup check shrinks both: it times only the
    /// threaded run without the GIL, and a long CPU burst right before that
    /// run would make a busy machine's scheduler hold it back.
    on_caller: f64,
}

impl Sizing {
    fn varying(per_call: Vec<f64>) -> Sizing {
        Sizing {
            per_call,
            under_gil: 1.0,
            on_caller: 1.0,
        }
    }
}

/// `python(i)` returns this plus `i`; `blocking` recovers `i` from it.
const REQUEST: u64 = 1 << 40;

impl LabProbe {
    fn record<T>(&self, kind: Kind, index: usize, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let held_before = self.gil.is_held_by_current_thread();
        let value = f();
        let held_after = self.gil.is_held_by_current_thread();
        let end = Instant::now();
        lock(&self.calls).push(Call {
            kind,
            index,
            thread: thread::current().id(),
            start,
            end,
            held: (held_before, held_after),
        });
        value
    }

    fn size(&self) -> f64 {
        let k = self.next.fetch_add(1, Ordering::Relaxed);
        self.sizing.per_call[k % self.sizing.per_call.len()]
    }

    fn cpu(&self, i: usize) -> u64 {
        let mut size = self.size();
        if self.gil.is_held_by_current_thread() {
            size *= self.sizing.under_gil;
        }
        if self.caller.get() == Some(&thread::current().id()) {
            size *= self.sizing.on_caller;
        }
        let rounds = (self.rounds as f64 * size) as u64;
        self.record(Kind::Cpu, i, || crunch(self.seed ^ i as u64, rounds))
    }

    fn python(&self, i: usize) -> u64 {
        self.record(Kind::Python, i, || REQUEST + i as u64)
    }

    fn blocking(&self, request: u64) -> u64 {
        let index = request.wrapping_sub(REQUEST) as usize;
        let wait = self.io_wait.mul_f64(self.size());
        self.record(Kind::Blocking, index, || {
            simulated_io(wait);
            request ^ 1
        })
    }
}

/// One call of `gil_lab` and everything the check saw of it.
struct LabCall {
    tasks: usize,
    report: LabReport,
    /// When the call started and returned, read by the check.
    call: Run,
    /// The thread that called `gil_lab`.
    caller: ThreadId,
    calls: Vec<Call>,
}

fn call_lab(
    tasks: usize,
    seed: u64,
    rounds: u64,
    io_wait: Duration,
    sizing: Sizing,
) -> Result<LabCall, Stop> {
    let probe = Arc::new(LabProbe {
        gil: Gil::new(),
        seed,
        rounds,
        io_wait,
        sizing,
        next: AtomicUsize::new(0),
        caller: OnceLock::new(),
        calls: Mutex::new(Vec::new()),
    });
    let p = probe.clone();
    let what = t!(
        "gil_lab(gil, {tasks} tasks)",
        "gil_lab(gil, 작업 {tasks}개)"
    );
    let (report, call, caller) = within(LIMIT, what, move || {
        let caller = thread::current().id();
        let _ = p.caller.set(caller);
        let cpu = |i: usize| p.cpu(i);
        let python = |i: usize| p.python(i);
        let blocking = |request: u64| p.blocking(request);
        let work = Workload {
            tasks,
            cpu: &cpu,
            python: &python,
            blocking: &blocking,
        };
        let started = Instant::now();
        let report = gil_lab(&p.gil, &work);
        let finished = Instant::now();
        (report, Run { started, finished }, caller)
    })?;
    let calls = std::mem::take(&mut *lock(&probe.calls));
    Ok(LabCall {
        tasks,
        report,
        call,
        caller,
        calls,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunKind {
    /// The tasks one after another on one thread.
    CpuOneThread,
    CpuWithGil,
    IoOneThread,
    IoWithGil,
    CpuWithoutGil,
}

impl RunKind {
    fn is_cpu(self) -> bool {
        !matches!(self, RunKind::IoOneThread | RunKind::IoWithGil)
    }
}

/// The six runs of a report, by field name.
fn reported_runs(report: &LabReport) -> [(&'static str, Run, RunKind); 6] {
    [
        (
            "cpu_with_gil.one_thread",
            report.cpu_with_gil.one_thread,
            RunKind::CpuOneThread,
        ),
        (
            "cpu_with_gil.threads",
            report.cpu_with_gil.threads,
            RunKind::CpuWithGil,
        ),
        (
            "io_with_gil.one_thread",
            report.io_with_gil.one_thread,
            RunKind::IoOneThread,
        ),
        (
            "io_with_gil.threads",
            report.io_with_gil.threads,
            RunKind::IoWithGil,
        ),
        (
            "cpu_without_gil.one_thread",
            report.cpu_without_gil.one_thread,
            RunKind::CpuOneThread,
        ),
        (
            "cpu_without_gil.threads",
            report.cpu_without_gil.threads,
            RunKind::CpuWithoutGil,
        ),
    ]
}

/// What the check saw of one reported run.
struct RunSeen {
    name: &'static str,
    reported: Duration,
    /// First task start to last task end.
    tasks_span: Duration,
    threads: usize,
}

/// Milliseconds of `t` after `origin`, signed, for messages.
fn at(origin: Instant, t: Instant) -> String {
    let ms = if t >= origin {
        t.duration_since(origin).as_secs_f64() * 1e3
    } else {
        -(origin.duration_since(t).as_secs_f64() * 1e3)
    };
    format!("{ms:+.1} ms")
}

/// `+1.0 ms to +5.0 ms (4.0 ms)`: a piece of a sentence, replaced by its
/// Korean inside the sentence's.
fn span(origin: Instant, run: Run) -> String {
    let (from, to) = (at(origin, run.started), at(origin, run.finished));
    let ms = run.duration().as_secs_f64() * 1e3;
    t!(
        "{from} to {to} ({ms:.1} ms)",
        "{from}부터 {to}까지({ms:.1} ms)"
    )
}

fn contains(run: Run, call: &Call) -> bool {
    run.started <= call.start && call.end <= run.finished
}

/// Checks a report against the calls: every run inside the call, runs
/// disjoint (the two one-thread CPU runs may be the same run), every task call
/// inside a run of its kind, each run exactly its tasks, run as its
/// experiment says. Returns what was seen of each run.
fn validate(lab: &LabCall) -> Result<Vec<RunSeen>, Stop> {
    let n = lab.tasks;
    let origin = lab.call.started;
    let runs = reported_runs(&lab.report);
    for (name, run, _) in &runs {
        ensure!(
            run.started <= run.finished,
            t!(
                "report.{name} finishes before it starts ({}): measure each run with Run::measure",
                "report.{name}은(는) 시작하기 전에 끝납니다({}): 각 실행을 Run::measure로 재세요",
                span(origin, *run)
            )
        );
        ensure!(
            lab.call.started <= run.started && run.finished <= lab.call.finished,
            t!(
                "report.{name} runs from {}, but this gil_lab call ran from {}: every run in the \
                 report must be measured during the call, around its tasks",
                "report.{name}은(는) {} 실행되었는데, 이 gil_lab 호출은 {} 실행되었습니다: 보고서의 \
                 모든 실행은 호출 도중에, 자기 작업들을 감싸서 재야 합니다",
                span(origin, *run),
                span(origin, lab.call)
            )
        );
    }
    // Distinct runs, in report order; identical one-thread CPU runs are one
    // run shared by both CPU experiments.
    let mut distinct: Vec<(&'static str, Run, RunKind)> = Vec::new();
    for &(name, run, kind) in &runs {
        if let Some(&(other, same, other_kind)) = distinct.iter().find(|(_, r, _)| *r == run) {
            ensure!(
                kind == RunKind::CpuOneThread && other_kind == RunKind::CpuOneThread,
                t!(
                    "report.{name} is the same run as report.{other} ({}): each run must be measured \
                     on its own (only the one-thread CPU run may be shared by both CPU experiments)",
                    "report.{name}은(는) report.{other}와(과) 같은 실행입니다({}): 각 실행은 따로 \
                     재야 합니다(두 CPU 실험이 함께 쓸 수 있는 것은 스레드 하나짜리 CPU 실행뿐입니다)",
                    span(origin, same)
                )
            );
            continue;
        }
        for &(other, r, _) in &distinct {
            ensure!(
                run.finished <= r.started || r.finished <= run.started,
                t!(
                    "report.{name} ({}) overlaps report.{other} ({}): the runs happen one after \
                     another, so each must be measured around its own run only",
                    "report.{name}({})이(가) report.{other}({})와(과) 겹칩니다: 실행들은 차례로 \
                     일어나므로, 각각은 자기 실행만 감싸서 재야 합니다",
                    span(origin, run),
                    span(origin, r)
                )
            );
        }
        distinct.push((name, run, kind));
    }
    // Every call inside exactly one run of its kind (runs are disjoint).
    let mut members: Vec<Vec<&Call>> = vec![Vec::new(); distinct.len()];
    for call in &lab.calls {
        let cpu = call.kind == Kind::Cpu;
        let home = distinct
            .iter()
            .position(|(_, run, kind)| kind.is_cpu() == cpu && contains(*run, call));
        match home {
            Some(index) => members[index].push(call),
            None => {
                let experiment = if cpu { "CPU" } else { "I/O" };
                let (kind, index) = (call.kind.name(), call.index);
                let (start, end) = (at(origin, call.start), at(origin, call.end));
                fail!(t!(
                    "{kind} task {index} ran from {start} to {end}, but no {experiment} run in your report \
                     contains it: each reported run must be measured around exactly the tasks it \
                     ran (Run::measure around the run), not made up, copied or computed from \
                     another run",
                    "{kind} 작업 {index}은(는) {start}부터 {end}까지 실행되었지만, 보고서의 어떤 \
                     {experiment} 실행도 이 작업을 담고 있지 않습니다: 보고한 각 실행은 그 실행이 \
                     실행한 작업들을 정확히 감싸서 재야 하며(실행을 감싼 Run::measure), 지어내거나 \
                     베끼거나 다른 실행에서 계산하면 안 됩니다"
                ));
            }
        }
    }
    let mut seen = Vec::new();
    for ((name, run, kind), calls) in distinct.iter().zip(&members) {
        let expected_kinds: &[Kind] = if kind.is_cpu() {
            &[Kind::Cpu]
        } else {
            &[Kind::Python, Kind::Blocking]
        };
        for &task in expected_kinds {
            let mut indices: Vec<usize> = calls
                .iter()
                .filter(|c| c.kind == task)
                .map(|c| c.index)
                .collect();
            indices.sort_unstable();
            let task = task.name();
            if indices.is_empty() {
                fail!(t!(
                    "report.{name} ({}) contains none of the {task} tasks: it was not measured \
                     around a run of the tasks",
                    "report.{name}({})에는 {task} 작업이 하나도 없습니다: 작업들의 실행을 감싸서 잰 \
                     것이 아닙니다",
                    span(origin, *run)
                ));
            }
            ensure_eq!(
                indices,
                (0..n).collect::<Vec<_>>(),
                t!(
                    "the {task} tasks inside report.{name} ({}): a run executes each of the {n} tasks \
                     exactly once",
                    "report.{name}({}) 안의 {task} 작업들: 한 실행은 작업 {n}개를 각각 정확히 한 번 \
                     실행합니다",
                    span(origin, *run)
                )
            );
        }
        let threads: BTreeSet<String> = calls.iter().map(|c| format!("{:?}", c.thread)).collect();
        let count = threads.len();
        match kind {
            RunKind::CpuOneThread | RunKind::IoOneThread => ensure!(
                count == 1,
                t!(
                    "report.{name} is a one-thread run, but its tasks ran on {count} threads: call them \
                     one after another on the calling thread",
                    "report.{name}은(는) 스레드 하나짜리 실행인데, 그 작업들이 스레드 {count}개에서 \
                     실행되었습니다: 호출한 스레드에서 작업들을 하나씩 차례로 호출하세요"
                )
            ),
            _ => ensure!(
                count == n,
                t!(
                    "report.{name} is a threaded run, but its {n} tasks ran on {count} thread(s): use \
                     one thread per task ({})",
                    "report.{name}은(는) 여러 스레드로 하는 실행인데, 그 작업 {n}개가 스레드 {count}개에서 \
                     실행되었습니다: 작업마다 스레드를 하나씩 쓰세요({})",
                    match kind {
                        RunKind::CpuWithGil => "cpu_threads_with_gil",
                        RunKind::IoWithGil => "io_threads_with_gil",
                        _ => "cpu_threads_without_gil",
                    }
                )
            ),
        }
        let gil_held: BTreeSet<usize> = calls
            .iter()
            .filter(|c| c.held.0 || c.held.1)
            .map(|c| c.index)
            .collect();
        match kind {
            RunKind::CpuWithGil => {
                let without: BTreeSet<usize> = calls
                    .iter()
                    .filter(|c| !(c.held.0 && c.held.1))
                    .map(|c| c.index)
                    .collect();
                let (list, s) = task_list(&without);
                ensure!(
                    without.is_empty(),
                    t!(
                        "in report.{name}, CPU task{s} {list} ran without holding the GIL: the CPU \
                         experiment with the GIL must run its threads under it",
                        "report.{name}에서 CPU 작업 {list}{s:.0}이(가) GIL을 쥐지 않고 실행되었습니다: \
                         GIL이 있는 CPU 실험은 스레드들을 GIL 아래에서 실행해야 합니다"
                    )
                );
            }
            RunKind::IoWithGil => {
                let python_without: BTreeSet<usize> = calls
                    .iter()
                    .filter(|c| c.kind == Kind::Python && !(c.held.0 && c.held.1))
                    .map(|c| c.index)
                    .collect();
                let (list, s) = task_list(&python_without);
                ensure!(
                    python_without.is_empty(),
                    t!(
                        "in report.{name}, python(i) of task{s} {list} ran without the GIL: the Python part \
                         needs it",
                        "report.{name}에서 작업 {list}{s:.0}의 python(i)이(가) GIL 없이 실행되었습니다: \
                         파이썬 부분에는 GIL이 필요합니다"
                    )
                );
                let blocking_with: BTreeSet<usize> = calls
                    .iter()
                    .filter(|c| c.kind == Kind::Blocking && (c.held.0 || c.held.1))
                    .map(|c| c.index)
                    .collect();
                let (list, s) = task_list(&blocking_with);
                ensure!(
                    blocking_with.is_empty(),
                    t!(
                        "in report.{name}, the blocking part of task{s} {list} ran holding the GIL: \
                         release it around the wait (allow_threads)",
                        "report.{name}에서 작업 {list}{s:.0}의 블로킹 부분이 GIL을 쥔 채 \
                         실행되었습니다: 기다리는 동안 GIL을 푸세요(allow_threads)"
                    )
                );
            }
            RunKind::CpuWithoutGil => {
                let (list, s) = task_list(&gil_held);
                ensure!(
                    gil_held.is_empty(),
                    t!(
                        "in report.{name}, CPU task{s} {list} ran holding the GIL: the experiment without the \
                         GIL must not take it",
                        "report.{name}에서 CPU 작업 {list}{s:.0}이(가) GIL을 쥔 채 실행되었습니다: GIL \
                         없는 실험은 GIL을 잡으면 안 됩니다"
                    )
                )
            }
            RunKind::CpuOneThread | RunKind::IoOneThread => {}
        }
        let first = calls.iter().map(|c| c.start).min().unwrap_or(run.started);
        let last = calls.iter().map(|c| c.end).max().unwrap_or(run.started);
        seen.push(RunSeen {
            name,
            reported: run.duration(),
            tasks_span: last.saturating_duration_since(first),
            threads: count,
        });
    }
    Ok(seen)
}

/// A short tag for a run in timeline task names (they are shown cut to 18
/// characters).
fn run_tag(name: &str) -> &'static str {
    match name {
        "cpu_with_gil.one_thread" => "gil/1",
        "cpu_with_gil.threads" => "gil/N",
        "io_with_gil.one_thread" => "io/1",
        "io_with_gil.threads" => "io/N",
        "cpu_without_gil.one_thread" => "nogil/1",
        "cpu_without_gil.threads" => "nogil/N",
        _ => "?",
    }
}

/// The calls as a timeline, each named after the reported run containing it.
/// Times are from the start of the `gil_lab` call.
fn lab_timeline(lab: &LabCall, label: String, seen: Option<&[RunSeen]>) -> Timeline {
    let runs = reported_runs(&lab.report);
    let mut calls: Vec<&Call> = lab.calls.iter().collect();
    calls.sort_by_key(|c| c.start);
    let origin = lab.call.started;
    let mut threads: Vec<ThreadId> = Vec::new();
    let mut events = Vec::new();
    for call in &calls {
        let thread = match threads.iter().position(|t| *t == call.thread) {
            Some(index) => index,
            None => {
                threads.push(call.thread);
                threads.len() - 1
            }
        };
        let run = runs
            .iter()
            .find(|(_, run, kind)| {
                kind.is_cpu() == (call.kind == Kind::Cpu) && contains(*run, call)
            })
            .map_or("outside", |(name, _, _)| run_tag(name));
        let gil = match call.held {
            (false, false) => "",
            _ => " +G",
        };
        events.push(TaskEvent {
            task: format!("{} {} {run}{gil}", call.kind.name(), call.index),
            thread: thread as u32,
            start_us: call.start.saturating_duration_since(origin).as_micros() as u64,
            end_us: Some(call.end.saturating_duration_since(origin).as_micros() as u64),
        });
    }
    // Peak of calls in flight at once.
    let mut edges: Vec<(Instant, i32)> = calls
        .iter()
        .flat_map(|c| [(c.start, 1), (c.end, -1)])
        .collect();
    edges.sort();
    let (mut now, mut peak) = (0, 0);
    for (_, delta) in edges {
        now += delta;
        peak = peak.max(now);
    }
    let mut notes = vec![t!(
        "task names: `cpu 2 gil/N +G` is cpu task 2, inside the run report.cpu_with_gil.threads \
         (gil = cpu_with_gil, io = io_with_gil, nogil = cpu_without_gil; /1 = one_thread, /N = \
         threads; `outside` = in no reported run of its kind), run holding the GIL (+G); times \
         from the start of the gil_lab call",
        "작업 이름: `cpu 2 gil/N +G`는 실행 report.cpu_with_gil.threads 안의 cpu 작업 2이고 \
         (gil = cpu_with_gil, io = io_with_gil, nogil = cpu_without_gil; /1 = one_thread, /N = \
         threads; `outside` = 같은 종류의 보고된 실행 어디에도 속하지 않음), GIL을 쥐고 \
         실행되었습니다(+G). 시간은 gil_lab 호출이 시작된 때부터 잽니다"
    )];
    for (name, run, _) in &runs {
        notes.push(format!("report.{name}: {}", span(origin, *run)));
    }
    if let Some(seen) = seen {
        for run in seen {
            let (name, threads) = (run.name, run.threads);
            let reported = run.reported.as_secs_f64() * 1e3;
            let tasks = run.tasks_span.as_secs_f64() * 1e3;
            notes.push(t!(
                "{name}: you measured {reported:.1} ms; its tasks ran for {tasks:.1} ms on {threads} thread(s)",
                "{name}: 여러분이 잰 시간은 {reported:.1} ms, 그 작업들은 스레드 {threads}개에서 \
                 {tasks:.1} ms 동안 실행되었습니다"
            ));
        }
        let r = &lab.report;
        let (cpu, io, nogil) = (
            r.cpu_with_gil.speedup(),
            r.io_with_gil.speedup(),
            r.cpu_without_gil.speedup(),
        );
        notes.push(t!(
            "your speedups: CPU with GIL {cpu:.2}x, I/O with GIL {io:.2}x, CPU without GIL {nogil:.2}x",
            "여러분의 속도 향상: GIL 있는 CPU {cpu:.2}배, GIL 있는 I/O {io:.2}배, GIL 없는 CPU \
             {nogil:.2}배"
        ));
    }
    let total = events.len();
    events.truncate(threadlings_kit::timing::MAX_EVENTS);
    Timeline {
        label,
        omitted: total.saturating_sub(events.len()) as u32,
        events,
        peak_in_flight: peak as u32,
        threads: threads.len() as u32,
        notes,
    }
}

fn lab_report_is_measured(ctx: &mut Ctx) -> CheckResult {
    let tasks = ctx.rng().random_range(3..6);
    let seed: u64 = ctx.rng().random();
    let io_wait = Duration::from_millis(ctx.rng().random_range(5..15));
    let rounds = CHECK_ROUNDS;
    // Task sizes from half to twice the base, different for every call.
    let sizes: Vec<f64> = (0..97).map(|_| ctx.rng().random_range(0.5..2.0)).collect();
    let lab = call_lab(tasks, seed, rounds, io_wait, Sizing::varying(sizes))?;
    let verdict = validate(&lab);
    let label = t!(
        "gil_lab(gil, {tasks} tasks): every task call it made",
        "gil_lab(gil, 작업 {tasks}개): 이 호출이 한 모든 작업 호출"
    );
    send_evidence(
        ctx,
        lab_timeline(&lab, label, verdict.as_ref().ok().map(Vec::as_slice)),
    );
    verdict.map(|_| ())
}

/// One round of the speedup check: the student's lab call, then, right after
/// its CPU run without the GIL (the last run of the call), the course's own
/// parallel loop and one-thread loop on the same tasks. Measured back to back,
/// so one round sees one state of a shared machine's load.
struct SpeedRound {
    /// What `yours` timed, for the notes ("your run without the GIL"): a
    /// piece of a sentence, replaced by its Korean inside the sentence's.
    label: String,
    /// report.cpu_without_gil.threads (validated: it contains its tasks), or
    /// the student's `cpu_processes` call.
    yours: Duration,
    control: Duration,
    /// Cores the course's parallel loop kept busy (process CPU / wall time).
    control_busy: f64,
    baseline: Duration,
}

/// The speedup the machine must show in a round for it to count...
const MACHINE_FLOOR: f64 = 1.5;
/// ...with this many cores busy on average.
const BUSY_FLOOR: f64 = 1.2;
/// The student's run must get this share of the course loop's gain.
const SHARE: f64 = 0.5;
/// Counted rounds needed before a failure: one round in which the machine
/// happened to be calm right after the student's run, but not during it,
/// must not fail a correct answer.
const MIN_COUNTED: usize = 3;
/// A pause before each of the course's loops in the speedup check.
const REST: Duration = Duration::from_millis(20);

/// CPU time the calling thread used so far.
fn thread_cpu_time() -> Duration {
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe {
        let mut ts: libc::timespec = std::mem::zeroed();
        if libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) != 0 {
            return Duration::ZERO;
        }
        Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
    }
}

impl SpeedRound {
    fn machine(&self) -> f64 {
        self.baseline.as_secs_f64() / self.control.as_secs_f64().max(1e-9)
    }

    fn speedup(&self) -> f64 {
        self.baseline.as_secs_f64() / self.yours.as_secs_f64().max(1e-9)
    }

    fn required(&self) -> f64 {
        1.0 + SHARE * (self.machine() - 1.0)
    }

    /// Whether the course's loop showed in this round that the machine could
    /// run the threads in parallel.
    fn informative(&self) -> bool {
        self.machine() >= MACHINE_FLOOR && self.control_busy >= BUSY_FLOOR
    }

    fn passes(&self) -> bool {
        self.informative() && self.speedup() >= self.required()
    }

    fn note(&self, index: usize) -> String {
        let (baseline, control) = (
            self.baseline.as_secs_f64() * 1e3,
            self.control.as_secs_f64() * 1e3,
        );
        let (machine, busy, label) = (self.machine(), self.control_busy, &self.label);
        let (yours, speedup, required) = (
            self.yours.as_secs_f64() * 1e3,
            self.speedup(),
            self.required(),
        );
        let verdict = if self.passes() {
            " ok".to_string()
        } else if !self.informative() {
            t!(
                " (machine busy: not counted)",
                " (컴퓨터가 바쁨: 세지 않음)"
            )
        } else {
            String::new()
        };
        t!(
            "round {index}: one thread (course's loop) {baseline:.0} ms, course's parallel loop {control:.0} \
             ms ({machine:.2}x, {busy:.1} cores busy), {label} {yours:.0} ms ({speedup:.2}x, required {required:.2}x){verdict}",
            "라운드 {index}: 스레드 하나(코스의 루프) {baseline:.0} ms, 코스의 병렬 루프 {control:.0} \
             ms({machine:.2}배, 바쁜 코어 {busy:.1}개), {label} {yours:.0} ms({speedup:.2}배, 필요한 \
             속도 향상 {required:.2}배){verdict}"
        )
    }
}

/// The speedup check, in rounds like the kit's `SpeedupTrial`, but with a
/// fixed order: the student's lab call first, so that its measured run (the
/// last of the call) and the course's loops run back to back. A round counts
/// only if the course's parallel loop showed parallelism in it; the student's
/// run must reach half its gain in one counted round. It fails only if it
/// reached it in none of at least `MIN_COUNTED` counted rounds; with fewer,
/// the machine was too busy to judge and the check skips. (The CPU tasks the
/// lab runs under the GIL are made small here: only the run without it is
/// timed.)
fn lab_without_gil_speeds_up(ctx: &mut Ctx) -> CheckResult {
    const MAX_ROUNDS: usize = 24;
    const MIN_ROUNDS: usize = 3;
    const BUDGET: Duration = Duration::from_secs(12);
    let tasks = SPEEDUP_TASKS;
    let seed: u64 = ctx.rng().random();
    let cores = require_cores(2)?;
    // Sized by CPU time, which a busy machine does not stretch.
    let rounds = scale_to(Duration::from_millis(100), 10_000, 1 << 30, |rounds| {
        let started = thread_cpu_time();
        for i in 0..tasks {
            std::hint::black_box(crunch(seed ^ i as u64, rounds as u64));
        }
        thread_cpu_time().saturating_sub(started)
    }) as u64;
    let io_wait = Duration::from_millis(5);
    let label = t!(
        "gil_lab(gil, {tasks} CPU-heavy tasks)",
        "gil_lab(gil, CPU를 많이 쓰는 작업 {tasks}개)"
    );
    let started = Instant::now();
    let mut measured: Vec<SpeedRound> = Vec::new();
    let mut last = None;
    while measured.len() < MAX_ROUNDS {
        let sizing = Sizing {
            per_call: vec![1.0],
            under_gil: 0.05,
            on_caller: 0.05,
        };
        let lab = call_lab(tasks, seed, rounds, io_wait, sizing)?;
        let seen = match validate(&lab) {
            Ok(seen) => seen,
            Err(stop) => {
                send_evidence(ctx, lab_timeline(&lab, label, None));
                return Err(stop);
            }
        };
        let run = lab.report.cpu_without_gil.threads;
        if lab
            .calls
            .iter()
            .any(|c| c.thread == lab.caller && contains(run, c))
        {
            fail!(t!(
                "in report.cpu_without_gil.threads a task ran on the thread that called gil_lab: \
                 cpu_threads_without_gil must run each task on a thread of its own",
                "report.cpu_without_gil.threads에서 작업 하나가 gil_lab을 호출한 스레드에서 \
                 실행되었습니다: cpu_threads_without_gil은 작업을 저마다 자기만의 스레드에서 \
                 실행해야 합니다"
            ));
        }
        let yours = run.duration();
        // The same short rest before each of the course's loops as the
        // student's run had (its lab call ends with waits and small tasks).
        thread::sleep(REST);
        let wall = Instant::now();
        let cpu: Duration = thread::scope(|s| {
            let handles: Vec<_> = (0..tasks)
                .map(|i| {
                    s.spawn(move || {
                        std::hint::black_box(crunch(seed ^ i as u64, rounds));
                        thread_cpu_time()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        let control = wall.elapsed();
        let control_busy = cpu.as_secs_f64() / control.as_secs_f64().max(1e-9);
        thread::sleep(REST);
        let one = Instant::now();
        for i in 0..tasks {
            std::hint::black_box(crunch(seed ^ i as u64, rounds));
        }
        let baseline = one.elapsed();
        measured.push(SpeedRound {
            label: t!("your run without the GIL", "GIL 없이 한 여러분의 실행"),
            yours,
            control,
            control_busy,
            baseline,
        });
        last = Some((lab, seen));
        let passed = measured.iter().any(SpeedRound::passes);
        let counted = measured.iter().filter(|r| r.informative()).count();
        // A correct run passes in its first counted round; a few more
        // counted rounds give a slowed one more chances.
        let judged = passed || counted >= MIN_COUNTED + 2;
        // A pass is final (no later round can undo it): stop at once.
        if passed || (measured.len() >= MIN_ROUNDS && (judged || started.elapsed() >= BUDGET)) {
            break;
        }
    }
    let counted = measured.iter().filter(|r| r.informative()).count();
    if let Some((lab, seen)) = last {
        let mut timeline = lab_timeline(
            &lab,
            t!("{label}, last round", "{label}, 마지막 라운드"),
            Some(&seen),
        );
        // Only the experiment without the GIL is sized for timing here.
        timeline.events.retain(|e| e.task.contains("nogil"));
        // data: the start of the English note, which t! returned
        timeline.notes.retain(|n| !n.starts_with("your speedups"));
        timeline.notes.push(t!(
            "in this check the one-thread runs and the runs under the GIL get small tasks: only \
             report.cpu_without_gil.threads is timed, against the course's loops right after it",
            "이 검사에서 스레드 하나짜리 실행과 GIL 아래의 실행은 작은 작업을 받습니다: 시간을 \
             재는 것은 report.cpu_without_gil.threads뿐이고, 바로 뒤에 실행한 코스의 루프들과 \
             비교합니다"
        ));
        let (rounds, machine) = (measured.len(), cores.describe());
        timeline.notes.push(t!(
            "{rounds} rounds, {counted} counted (course's loop >= {MACHINE_FLOOR:.1}x with >= \
             {BUSY_FLOOR:.1} cores busy); machine: {machine}",
            "{rounds}라운드, 그중 {counted}라운드를 셈(코스의 루프가 {MACHINE_FLOOR:.1}배 이상, \
             바쁜 코어 {BUSY_FLOOR:.1}개 이상); 컴퓨터: {machine}"
        ));
        timeline
            .notes
            .extend(measured.iter().enumerate().map(|(i, r)| r.note(i + 1)));
        send_evidence(ctx, timeline);
    }
    if measured.iter().any(SpeedRound::passes) {
        return Ok(());
    }
    if counted < MIN_COUNTED {
        let (rounds, machine) = (measured.len(), cores.describe());
        skip!(t!(
            "the machine could not run {tasks} threads in parallel during this check: in only \
             {counted} of {rounds} rounds was the course's own parallel loop {MACHINE_FLOOR:.1}x \
             faster than one thread with {BUSY_FLOOR:.1} cores busy, and a verdict needs \
             {MIN_COUNTED} ({machine}; other processes may be using the cores). The structural checks \
             still grade this exercise",
            "이 검사 동안 컴퓨터가 스레드 {tasks}개를 병렬로 실행하지 못했습니다: 코스 자체의 병렬 \
             루프가 코어 {BUSY_FLOOR:.1}개를 바쁘게 쓰며 스레드 하나보다 {MACHINE_FLOOR:.1}배 빨랐던 \
             라운드는 {rounds}개 중 {counted}개뿐이었는데, 판정에는 {MIN_COUNTED}개가 \
             필요합니다({machine}; 다른 프로세스가 코어를 쓰고 있을 수 있습니다). 구조 검사는 \
             여전히 이 연습 문제를 채점합니다"
        ));
    }
    let best = measured
        .iter()
        .filter(|r| r.informative())
        .max_by(|a, b| a.speedup().total_cmp(&b.speedup()))
        .expect(&t!("a counted round", "센 라운드가 하나는 있어야 합니다"));
    let (required, machine) = (best.required(), best.machine());
    let (speedup, yours, baseline) = (
        best.speedup(),
        best.yours.as_secs_f64() * 1e3,
        best.baseline.as_secs_f64() * 1e3,
    );
    Err(Stop::Fail(
        Failure::new(t!(
            "your CPU run without the GIL (report.cpu_without_gil.threads: {tasks} tasks on \
             {tasks} threads) was not faster than one thread, in any of the {counted} rounds \
             where the course's own parallel loop was: do the threads of cpu_threads_without_gil \
             really compute at the same time (all started before any is joined, no lock around \
             the tasks)?",
            "GIL 없이 한 여러분의 CPU 실행(report.cpu_without_gil.threads: 스레드 {tasks}개에서 \
             작업 {tasks}개)은 코스 자체의 병렬 루프가 스레드 하나보다 빨랐던 라운드 {counted}개 \
             중 어디에서도 스레드 하나보다 빠르지 않았습니다: cpu_threads_without_gil의 스레드들이 \
             정말 동시에 계산하나요(어느 하나를 조인하기 전에 모두 시작했나요, 작업을 감싸는 락은 \
             없나요)?"
        ))
        .expected(t!(
            "at least {required:.2}x faster than one thread (the course's parallel loop reached {machine:.2}x \
             right after your run)",
            "스레드 하나보다 {required:.2}배 이상 빠름(여러분의 실행 바로 뒤에 코스의 병렬 루프는 \
             {machine:.2}배)"
        ))
        .actual(t!(
            "{speedup:.2}x ({yours:.0} ms vs {baseline:.0} ms on one thread), your best counted round",
            "{speedup:.2}배(스레드 하나일 때 {baseline:.0} ms 대비 {yours:.0} ms), 센 라운드 중 \
             여러분의 최고 기록"
        )),
    ))
}

// ---------------------------------------------------------------- task 5: processes

/// The worker program handed to `cpu_processes` (src/bin/gil-worker.rs).
fn worker() -> std::path::PathBuf {
    std::env::current_exe()
        .expect(&t!(
            "the check program knows its own path",
            "검사 프로그램은 자기 경로를 알아야 합니다"
        ))
        .with_file_name("gil-worker")
}

/// CPU time used by the reaped children of this process so far.
fn children_cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct we pass.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        if libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) != 0 {
            return Duration::ZERO;
        }
        let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        time(usage.ru_utime) + time(usage.ru_stime)
    }
}

/// `cpu_processes(n, worker, args)` under `within`, with owned arguments.
fn call_processes(n: usize, args: Vec<String>) -> Result<io::Result<Vec<u64>>, Stop> {
    let worker = worker();
    within(
        LIMIT,
        format!("cpu_processes({n}, worker, {args:?})"),
        move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cpu_processes(n, &worker, &args)
        },
    )
}

fn processes_results_in_order(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..7);
    let seed: u64 = ctx.rng().random();
    let rounds = 1_000;
    let expected: Vec<u64> = (0..n).map(|i| crunch(seed ^ i as u64, rounds)).collect();
    // data: gil-worker's command line
    let args = vec!["crunch".to_string(), seed.to_string(), rounds.to_string()];
    match call_processes(n, args)? {
        Ok(results) => ensure_eq!(
            results,
            expected,
            t!(
                "cpu_processes({n}, ..) must return the result of the worker started with index i at \
                 index i",
                "cpu_processes({n}, ..)은(는) 인덱스 i로 시작한 워커의 결과를 인덱스 i에 돌려줘야 \
                 합니다"
            )
        ),
        Err(e) => fail!(t!(
            "cpu_processes({n}, ..) failed on workers that all succeed: {e}",
            "cpu_processes({n}, ..)이(가) 모두 성공하는 워커들로 실패했습니다: {e}"
        )),
    }
    match call_processes(
        0,
        vec!["crunch".to_string(), "1".to_string(), "1".to_string()],
    )? {
        Ok(results) => ensure!(
            results.is_empty(),
            t!(
                "cpu_processes(0, ..) starts nothing and returns no results, not {results:?}",
                "cpu_processes(0, ..)은(는) 아무것도 시작하지 않고 결과도 돌려주지 않아야 하는데, \
                 {results:?}을(를) 돌려주었습니다"
            )
        ),
        Err(e) => fail!(t!(
            "cpu_processes(0, ..) starts nothing and must succeed, not fail: {e}",
            "cpu_processes(0, ..)은(는) 아무것도 시작하지 않으므로 실패하지 말고 성공해야 합니다: {e}"
        )),
    }
    // `why` is a piece of the sentence below, replaced by its Korean inside
    // the sentence's.
    for (args, why) in [
        (
            "fail", // data: gil-worker's command
            t!("exits with status 3", "상태 3으로 종료하는"),
        ),
        (
            "garbage", // data: gil-worker's command
            t!("prints `not a number`", "`not a number`를 출력하는"),
        ),
    ] {
        if let Ok(results) = call_processes(2, vec![args.to_string()])? {
            fail!(t!(
                "a worker that {why} must make cpu_processes return an Err, but it returned \
                 Ok({results:?})",
                "{why} 워커가 있으면 cpu_processes는 Err를 돌려줘야 하는데, Ok({results:?})을(를) \
                 돌려주었습니다"
            ));
        }
    }
    Ok(())
}

fn processes_run_at_once(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..6);
    let dir = format!("meet-{}", ctx.rng().random::<u32>());
    std::fs::create_dir_all(&dir).map_err(|e| {
        Stop::Fail(Failure::new(t!(
            "cannot create {dir}: {e}",
            "{dir}을(를) 만들 수 없습니다: {e}"
        )))
    })?;
    let patience_ms = PATIENCE.as_millis().to_string();
    // data: gil-worker's command line
    let args = vec!["meet".to_string(), dir, n.to_string(), patience_ms];
    let results = match call_processes(n, args)? {
        Ok(results) => results,
        Err(e) => fail!(t!(
            "cpu_processes({n}, ..) failed on workers that all succeed: {e}",
            "cpu_processes({n}, ..)이(가) 모두 성공하는 워커들로 실패했습니다: {e}"
        )),
    };
    ensure_eq!(
        results.len(),
        n,
        t!(
            "cpu_processes({n}, ..) returns one result per task",
            "cpu_processes({n}, ..)은(는) 작업마다 결과를 하나씩 돌려줍니다"
        )
    );
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        results.iter().all(|&met| met == 1),
        t!(
            "your worker processes did not all run at the same time: each worker waits for the \
             others to start, and one of them waited {patience:.0} s in vain (results {results:?}, 1 = met \
             the others): start all {n} processes before waiting for any",
            "워커 프로세스들이 모두 동시에 실행되지는 않았습니다: 각 워커는 나머지가 시작하기를 \
             기다리는데, 그중 하나가 {patience:.0}초 동안 헛되이 기다렸습니다(결과 {results:?}, 1 = \
             나머지를 만남): 어느 것을 기다리기 전에 프로세스 {n}개를 모두 시작하세요"
        )
    );
    Ok(())
}

fn processes_speed_up(ctx: &mut Ctx) -> CheckResult {
    const MAX_ROUNDS: usize = 24;
    const MIN_ROUNDS: usize = 3;
    const BUDGET: Duration = Duration::from_secs(12);
    let tasks = SPEEDUP_TASKS;
    let seed: u64 = ctx.rng().random();
    let cores = require_cores(2)?;
    // Sized by CPU time, which a busy machine does not stretch.
    let rounds = scale_to(Duration::from_millis(100), 10_000, 1 << 30, |rounds| {
        let started = thread_cpu_time();
        for i in 0..tasks {
            std::hint::black_box(crunch(seed ^ i as u64, rounds as u64));
        }
        thread_cpu_time().saturating_sub(started)
    }) as u64;
    // data: gil-worker's command line
    let args = vec!["crunch".to_string(), seed.to_string(), rounds.to_string()];
    let worker = worker();
    let started = Instant::now();
    let mut measured: Vec<SpeedRound> = Vec::new();
    while measured.len() < MAX_ROUNDS {
        thread::sleep(REST);
        let clock = Instant::now();
        let results = call_processes(tasks, args.clone())?;
        let yours = clock.elapsed();
        let results = match results {
            Ok(results) => results,
            Err(e) => fail!(t!(
                "cpu_processes({tasks}, ..) failed on workers that all succeed: {e}",
                "cpu_processes({tasks}, ..)이(가) 모두 성공하는 워커들로 실패했습니다: {e}"
            )),
        };
        // The course's own process pool: every worker started, then all
        // waited for, on the same tasks.
        thread::sleep(REST);
        let cpu_before = children_cpu_time();
        let wall = Instant::now();
        let children: Vec<_> = (0..tasks)
            .map(|i| {
                std::process::Command::new(&worker)
                    .args(&args)
                    .arg(i.to_string())
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .map_err(|e| {
                        Stop::Fail(Failure::new(t!(
                            "cannot start gil-worker: {e}",
                            "gil-worker를 시작할 수 없습니다: {e}"
                        )))
                    })
            })
            .collect::<Result<_, _>>()?;
        for mut child in children {
            let _ = child.wait();
        }
        let control = wall.elapsed();
        let control_busy = children_cpu_time().saturating_sub(cpu_before).as_secs_f64()
            / control.as_secs_f64().max(1e-9);
        thread::sleep(REST);
        let one = Instant::now();
        let expected: Vec<u64> = (0..tasks)
            .map(|i| crunch(seed ^ i as u64, rounds))
            .collect();
        let baseline = one.elapsed();
        ensure_eq!(
            results,
            expected,
            t!(
                "cpu_processes must return the result of worker i at index i",
                "cpu_processes는 워커 i의 결과를 인덱스 i에 돌려줘야 합니다"
            )
        );
        measured.push(SpeedRound {
            label: t!("your cpu_processes run", "여러분의 cpu_processes 실행"),
            yours,
            control,
            control_busy,
            baseline,
        });
        let passed = measured.iter().any(SpeedRound::passes);
        let counted = measured.iter().filter(|r| r.informative()).count();
        let judged = passed || counted >= MIN_COUNTED + 2;
        // A pass is final (no later round can undo it): stop at once.
        if passed || (measured.len() >= MIN_ROUNDS && (judged || started.elapsed() >= BUDGET)) {
            break;
        }
    }
    let counted = measured.iter().filter(|r| r.informative()).count();
    let mut timeline = Timeline {
        label: t!(
            "cpu_processes({tasks} CPU-heavy tasks)",
            "cpu_processes(CPU를 많이 쓰는 작업 {tasks}개)"
        ),
        ..Timeline::default()
    };
    let (rounds, machine) = (measured.len(), cores.describe());
    timeline.notes.push(t!(
        "{rounds} rounds, {counted} counted (course's process pool >= {MACHINE_FLOOR:.1}x with >= \
         {BUSY_FLOOR:.1} cores busy); machine: {machine}",
        "{rounds}라운드, 그중 {counted}라운드를 셈(코스의 프로세스 풀이 {MACHINE_FLOOR:.1}배 이상, \
         바쁜 코어 {BUSY_FLOOR:.1}개 이상); 컴퓨터: {machine}"
    ));
    timeline
        .notes
        .extend(measured.iter().enumerate().map(|(i, r)| r.note(i + 1)));
    send_evidence(ctx, timeline);
    if measured.iter().any(SpeedRound::passes) {
        return Ok(());
    }
    if counted < MIN_COUNTED {
        skip!(t!(
            "the machine could not run {tasks} processes in parallel during this check: in only \
             {counted} of {rounds} rounds was the course's own process pool {MACHINE_FLOOR:.1}x faster \
             than one thread with {BUSY_FLOOR:.1} cores busy, and a verdict needs {MIN_COUNTED} \
             ({machine}). The structural checks still grade this task",
            "이 검사 동안 컴퓨터가 프로세스 {tasks}개를 병렬로 실행하지 못했습니다: 코스 자체의 \
             프로세스 풀이 코어 {BUSY_FLOOR:.1}개를 바쁘게 쓰며 스레드 하나보다 {MACHINE_FLOOR:.1}배 \
             빨랐던 라운드는 {rounds}개 중 {counted}개뿐이었는데, 판정에는 {MIN_COUNTED}개가 \
             필요합니다({machine}). 구조 검사는 여전히 이 과제를 채점합니다"
        ));
    }
    let best = measured
        .iter()
        .filter(|r| r.informative())
        .max_by(|a, b| a.speedup().total_cmp(&b.speedup()))
        .expect(&t!("a counted round", "센 라운드가 하나는 있어야 합니다"));
    let (required, machine) = (best.required(), best.machine());
    let (speedup, yours, baseline) = (
        best.speedup(),
        best.yours.as_secs_f64() * 1e3,
        best.baseline.as_secs_f64() * 1e3,
    );
    Err(Stop::Fail(
        Failure::new(t!(
            "your cpu_processes run ({tasks} CPU-heavy tasks in {tasks} processes) was not faster \
             than one thread, in any of the {counted} rounds where the course's own process pool \
             was: are all processes started before you wait for any?",
            "여러분의 cpu_processes 실행(프로세스 {tasks}개에서 CPU를 많이 쓰는 작업 {tasks}개)은 \
             코스 자체의 프로세스 풀이 스레드 하나보다 빨랐던 라운드 {counted}개 중 어디에서도 \
             스레드 하나보다 빠르지 않았습니다: 어느 것을 기다리기 전에 모든 프로세스를 \
             시작하나요?"
        ))
        .expected(t!(
            "at least {required:.2}x faster than one thread (the course's pool reached {machine:.2}x right \
             after your run)",
            "스레드 하나보다 {required:.2}배 이상 빠름(여러분의 실행 바로 뒤에 코스의 풀은 \
             {machine:.2}배)"
        ))
        .actual(t!(
            "{speedup:.2}x ({yours:.0} ms vs {baseline:.0} ms on one thread), your best counted round",
            "{speedup:.2}배(스레드 하나일 때 {baseline:.0} ms 대비 {yours:.0} ms), 센 라운드 중 \
             여러분의 최고 기록"
        )),
    ))
}
