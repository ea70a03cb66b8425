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
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, ensure, ensure_eq, fail, skip, within};
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

/// `task 3` or `tasks 0, 1, 2`.
fn task_list(items: &BTreeSet<usize>) -> String {
    let numbers: Vec<String> = items.iter().map(usize::to_string).collect();
    let word = if numbers.len() == 1 { "task" } else { "tasks" };
    format!("{word} {}", numbers.join(", "))
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
            &format!("cpu_threads_with_gil(gil, {n}, task)"),
            move || {
                let gil = Gil::new();
                cpu_threads_with_gil(&gil, n, |i| {
                    lock(&seen).push(i);
                    format!("task {i} of {salt}")
                })
            },
        )?;
        let expected: Vec<String> = (0..n).map(|i| format!("task {i} of {salt}")).collect();
        ensure_eq!(
            got,
            expected,
            "cpu_threads_with_gil(gil, {n}, task) must return task(i) at index i"
        );
        let mut calls = lock(&calls).clone();
        calls.sort_unstable();
        ensure_eq!(
            calls,
            (0..n).collect::<Vec<_>>(),
            "cpu_threads_with_gil(gil, {n}, task) must call task(i) exactly once for each i in 0..{n}"
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
        &format!("cpu_threads_with_gil(gil, {n}, task)"),
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
        "cpu_threads_with_gil must return task(i) at index i"
    );
    let without_gil = lock(&without_gil).clone();
    ensure!(
        without_gil.is_empty(),
        "{} ran while the thread did not hold the GIL: in cpu_threads_with_gil each thread \
         must take it (`let _gil = gil.acquire();`) before its task and keep the guard until the \
         task returns. Without it these are plain Rust threads, not Python's",
        task_list(&without_gil)
    );
    let snapshot = recorder.snapshot();
    ensure!(
        snapshot.peak <= 1,
        "{} tasks ran at the same time although each held the GIL: the GIL must not be shared",
        snapshot.peak
    );
    if snapshot.worker_threads == 0 {
        fail!(
            "every task ran on the calling thread: start one thread per task, each taking the \
             GIL before its task"
        );
    }
    ensure_eq!(
        snapshot.worker_threads,
        n,
        "cpu_threads_with_gil(gil, {n}, ..) must run each task on a thread of its own"
    );
    let queued = lock(&queued).unwrap_or(0);
    ensure!(
        queued + 1 >= n,
        "while the first task held the GIL, at most {queued} other thread(s) ever waited for it, \
         but {n} threads should have been started together (all but one queueing for the lock; \
         the task waited {:.0} s): start every thread before joining any",
        PATIENCE.as_secs_f64()
    );
    recorder.note(format!(
        "{n} threads, {} queued for the GIL while the first task ran; at most one task at a time",
        queued
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
            &format!("io_threads_with_gil(gil, {n}, python, blocking)"),
            move || {
                let gil = Gil::new();
                io_threads_with_gil(
                    &gil,
                    n,
                    |i| (i as u64) * 1000 + salt,
                    |request| {
                        simulated_io(Duration::from_millis(1));
                        format!("answer to {request}")
                    },
                )
            },
        )?;
        let expected: Vec<String> = (0..n)
            .map(|i| format!("answer to {}", (i as u64) * 1000 + salt))
            .collect();
        ensure_eq!(
            got,
            expected,
            "io_threads_with_gil(gil, {n}, python, blocking) must return blocking(python(i)) at index i"
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
        &format!("io_threads_with_gil(gil, {n}, python, blocking)"),
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
        "io_threads_with_gil must return blocking(python(i)) at index i"
    );
    let python_without = lock(&python_without).clone();
    ensure!(
        python_without.is_empty(),
        "python(i) of {} ran while the thread did not hold the GIL: Python code needs the GIL, \
         take it (`gil.acquire()`) before calling python(i)",
        task_list(&python_without)
    );
    let blocking_with = lock(&blocking_with).clone();
    ensure!(
        blocking_with.is_empty(),
        "the blocking part of {} ran while the thread held the GIL, so every other thread \
         waited for this one's I/O: release the GIL around the wait with \
         `guard.allow_threads(|| blocking(request))`, as CPython does around a socket read",
        task_list(&blocking_with)
    );
    if recorder.worker_threads() == 0 {
        fail!("every task ran on the calling thread: start one thread per task");
    }
    ensure_eq!(
        recorder.worker_threads(),
        n,
        "io_threads_with_gil(gil, {n}, ..) must run each task on a thread of its own"
    );
    ensure!(
        rendezvous.met(),
        "the {n} blocking waits were never all in flight at the same time (a wait waited {:.0} s \
         for the others): start every thread before joining any, and hold the GIL only for \
         python(i), not around the wait",
        PATIENCE.as_secs_f64()
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
        &format!("cpu_threads_without_gil({n}, task)"),
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
        "cpu_threads_without_gil must return task(i) at index i"
    );
    let threads = recorder.worker_threads();
    if threads == 0 {
        fail!(
            "every task ran on the calling thread, one after another: without a GIL, start one \
             thread per task so they compute in parallel"
        );
    }
    ensure!(
        rendezvous.met(),
        "your tasks ran one at a time, never all {n} at once (at most {} at once; a task waited \
         {:.0} s for the others): start every thread before joining any",
        recorder.peak(),
        PATIENCE.as_secs_f64()
    );
    ensure_eq!(
        threads,
        n,
        "cpu_threads_without_gil({n}, ..) must run each task on a thread of its own"
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
    let (report, call, caller) =
        within(LIMIT, &format!("gil_lab(gil, {tasks} tasks)"), move || {
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

fn span(origin: Instant, run: Run) -> String {
    format!(
        "{} to {} ({:.1} ms)",
        at(origin, run.started),
        at(origin, run.finished),
        run.duration().as_secs_f64() * 1e3
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
            "report.{name} finishes before it starts ({}): measure each run with Run::measure",
            span(origin, *run)
        );
        ensure!(
            lab.call.started <= run.started && run.finished <= lab.call.finished,
            "report.{name} runs from {}, but this gil_lab call ran from {}: every run in the \
             report must be measured during the call, around its tasks",
            span(origin, *run),
            span(origin, lab.call)
        );
    }
    // Distinct runs, in report order; identical one-thread CPU runs are one
    // run shared by both CPU experiments.
    let mut distinct: Vec<(&'static str, Run, RunKind)> = Vec::new();
    for &(name, run, kind) in &runs {
        if let Some(&(other, same, other_kind)) = distinct.iter().find(|(_, r, _)| *r == run) {
            ensure!(
                kind == RunKind::CpuOneThread && other_kind == RunKind::CpuOneThread,
                "report.{name} is the same run as report.{other} ({}): each run must be measured \
                 on its own (only the one-thread CPU run may be shared by both CPU experiments)",
                span(origin, same)
            );
            continue;
        }
        for &(other, r, _) in &distinct {
            ensure!(
                run.finished <= r.started || r.finished <= run.started,
                "report.{name} ({}) overlaps report.{other} ({}): the runs happen one after \
                 another, so each must be measured around its own run only",
                span(origin, run),
                span(origin, r)
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
                fail!(
                    "{} task {} ran from {} to {}, but no {experiment} run in your report \
                     contains it: each reported run must be measured around exactly the tasks it \
                     ran (Run::measure around the run), not made up, copied or computed from \
                     another run",
                    call.kind.name(),
                    call.index,
                    at(origin, call.start),
                    at(origin, call.end)
                );
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
            if indices.is_empty() {
                fail!(
                    "report.{name} ({}) contains none of the {} tasks: it was not measured \
                     around a run of the tasks",
                    span(origin, *run),
                    task.name()
                );
            }
            ensure_eq!(
                indices,
                (0..n).collect::<Vec<_>>(),
                "the {} tasks inside report.{name} ({}): a run executes each of the {n} tasks \
                 exactly once",
                task.name(),
                span(origin, *run)
            );
        }
        let threads: BTreeSet<String> = calls.iter().map(|c| format!("{:?}", c.thread)).collect();
        match kind {
            RunKind::CpuOneThread | RunKind::IoOneThread => ensure!(
                threads.len() == 1,
                "report.{name} is a one-thread run, but its tasks ran on {} threads: call them \
                 one after another on the calling thread",
                threads.len()
            ),
            _ => ensure!(
                threads.len() == n,
                "report.{name} is a threaded run, but its {n} tasks ran on {} thread(s): use \
                 one thread per task ({})",
                threads.len(),
                match kind {
                    RunKind::CpuWithGil => "cpu_threads_with_gil",
                    RunKind::IoWithGil => "io_threads_with_gil",
                    _ => "cpu_threads_without_gil",
                }
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
                ensure!(
                    without.is_empty(),
                    "in report.{name}, CPU {} ran without holding the GIL: the CPU \
                     experiment with the GIL must run its threads under it",
                    task_list(&without)
                );
            }
            RunKind::IoWithGil => {
                let python_without: BTreeSet<usize> = calls
                    .iter()
                    .filter(|c| c.kind == Kind::Python && !(c.held.0 && c.held.1))
                    .map(|c| c.index)
                    .collect();
                ensure!(
                    python_without.is_empty(),
                    "in report.{name}, python(i) of {} ran without the GIL: the Python part \
                     needs it",
                    task_list(&python_without)
                );
                let blocking_with: BTreeSet<usize> = calls
                    .iter()
                    .filter(|c| c.kind == Kind::Blocking && (c.held.0 || c.held.1))
                    .map(|c| c.index)
                    .collect();
                ensure!(
                    blocking_with.is_empty(),
                    "in report.{name}, the blocking part of {} ran holding the GIL: \
                     release it around the wait (allow_threads)",
                    task_list(&blocking_with)
                );
            }
            RunKind::CpuWithoutGil => ensure!(
                gil_held.is_empty(),
                "in report.{name}, CPU {} ran holding the GIL: the experiment without the \
                 GIL must not take it",
                task_list(&gil_held)
            ),
            RunKind::CpuOneThread | RunKind::IoOneThread => {}
        }
        let first = calls.iter().map(|c| c.start).min().unwrap_or(run.started);
        let last = calls.iter().map(|c| c.end).max().unwrap_or(run.started);
        seen.push(RunSeen {
            name,
            reported: run.duration(),
            tasks_span: last.saturating_duration_since(first),
            threads: threads.len(),
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
    let mut notes = vec![
        "task names: `cpu 2 gil/N +G` is cpu task 2, inside the run report.cpu_with_gil.threads \
         (gil = cpu_with_gil, io = io_with_gil, nogil = cpu_without_gil; /1 = one_thread, /N = \
         threads; `outside` = in no reported run of its kind), run holding the GIL (+G); times \
         from the start of the gil_lab call"
            .to_string(),
    ];
    for (name, run, _) in &runs {
        notes.push(format!("report.{name}: {}", span(origin, *run)));
    }
    if let Some(seen) = seen {
        for run in seen {
            notes.push(format!(
                "{}: you measured {:.1} ms; its tasks ran for {:.1} ms on {} thread(s)",
                run.name,
                run.reported.as_secs_f64() * 1e3,
                run.tasks_span.as_secs_f64() * 1e3,
                run.threads
            ));
        }
        let r = &lab.report;
        notes.push(format!(
            "your speedups: CPU with GIL {:.2}x, I/O with GIL {:.2}x, CPU without GIL {:.2}x",
            r.cpu_with_gil.speedup(),
            r.io_with_gil.speedup(),
            r.cpu_without_gil.speedup()
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
    let label = format!("gil_lab(gil, {tasks} tasks): every task call it made");
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
    /// What `yours` timed, for the notes ("your run without the GIL").
    label: &'static str,
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
        format!(
            "round {index}: one thread (course's loop) {:.0} ms, course's parallel loop {:.0} \
             ms ({:.2}x, {:.1} cores busy), {} {:.0} ms ({:.2}x, required {:.2}x){}",
            self.baseline.as_secs_f64() * 1e3,
            self.control.as_secs_f64() * 1e3,
            self.machine(),
            self.control_busy,
            self.label,
            self.yours.as_secs_f64() * 1e3,
            self.speedup(),
            self.required(),
            if self.passes() {
                " ok"
            } else if !self.informative() {
                " (machine busy: not counted)"
            } else {
                ""
            }
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
    let label = format!("gil_lab(gil, {tasks} CPU-heavy tasks)");
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
            fail!(
                "in report.cpu_without_gil.threads a task ran on the thread that called gil_lab: \
                 cpu_threads_without_gil must run each task on a thread of its own"
            );
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
            label: "your run without the GIL",
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
        let mut timeline = lab_timeline(&lab, format!("{label}, last round"), Some(&seen));
        // Only the experiment without the GIL is sized for timing here.
        timeline.events.retain(|e| e.task.contains("nogil"));
        timeline.notes.retain(|n| !n.starts_with("your speedups"));
        timeline.notes.push(
            "in this check the one-thread runs and the runs under the GIL get small tasks: only \
             report.cpu_without_gil.threads is timed, against the course's loops right after it"
                .to_string(),
        );
        timeline.notes.push(format!(
            "{} rounds, {counted} counted (course's loop >= {MACHINE_FLOOR:.1}x with >= \
             {BUSY_FLOOR:.1} cores busy); machine: {}",
            measured.len(),
            cores.describe()
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
        skip!(
            "the machine could not run {tasks} threads in parallel during this check: in only \
             {counted} of {} rounds was the course's own parallel loop {MACHINE_FLOOR:.1}x \
             faster than one thread with {BUSY_FLOOR:.1} cores busy, and a verdict needs \
             {MIN_COUNTED} ({}; other processes may be using the cores). The structural checks \
             still grade this exercise",
            measured.len(),
            cores.describe()
        );
    }
    let best = measured
        .iter()
        .filter(|r| r.informative())
        .max_by(|a, b| a.speedup().total_cmp(&b.speedup()))
        .expect("a counted round");
    Err(Stop::Fail(
        Failure::new(format!(
            "your CPU run without the GIL (report.cpu_without_gil.threads: {tasks} tasks on \
             {tasks} threads) was not faster than one thread, in any of the {counted} rounds \
             where the course's own parallel loop was: do the threads of cpu_threads_without_gil \
             really compute at the same time (all started before any is joined, no lock around \
             the tasks)?"
        ))
        .expected(format!(
            "at least {:.2}x faster than one thread (the course's parallel loop reached {:.2}x \
             right after your run)",
            best.required(),
            best.machine()
        ))
        .actual(format!(
            "{:.2}x ({:.0} ms vs {:.0} ms on one thread), your best counted round",
            best.speedup(),
            best.yours.as_secs_f64() * 1e3,
            best.baseline.as_secs_f64() * 1e3
        )),
    ))
}

// ---------------------------------------------------------------- task 5: processes

/// The worker program handed to `cpu_processes` (src/bin/gil-worker.rs).
fn worker() -> std::path::PathBuf {
    std::env::current_exe()
        .expect("the check program knows its own path")
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
        &format!("cpu_processes({n}, worker, {args:?})"),
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
    let args = vec!["crunch".to_string(), seed.to_string(), rounds.to_string()];
    match call_processes(n, args)? {
        Ok(results) => ensure_eq!(
            results,
            expected,
            "cpu_processes({n}, ..) must return the result of the worker started with index i at \
             index i"
        ),
        Err(e) => fail!("cpu_processes({n}, ..) failed on workers that all succeed: {e}"),
    }
    match call_processes(
        0,
        vec!["crunch".to_string(), "1".to_string(), "1".to_string()],
    )? {
        Ok(results) => ensure!(
            results.is_empty(),
            "cpu_processes(0, ..) starts nothing and returns no results, not {results:?}"
        ),
        Err(e) => fail!("cpu_processes(0, ..) starts nothing and must succeed, not fail: {e}"),
    }
    for (args, why) in [
        ("fail", "exits with status 3"),
        ("garbage", "prints `not a number`"),
    ] {
        if let Ok(results) = call_processes(2, vec![args.to_string()])? {
            fail!(
                "a worker that {why} must make cpu_processes return an Err, but it returned \
                 Ok({results:?})"
            );
        }
    }
    Ok(())
}

fn processes_run_at_once(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..6);
    let dir = format!("meet-{}", ctx.rng().random::<u32>());
    std::fs::create_dir_all(&dir)
        .map_err(|e| Stop::Fail(Failure::new(format!("cannot create {dir}: {e}"))))?;
    let patience_ms = PATIENCE.as_millis().to_string();
    let args = vec!["meet".to_string(), dir, n.to_string(), patience_ms];
    let results = match call_processes(n, args)? {
        Ok(results) => results,
        Err(e) => fail!("cpu_processes({n}, ..) failed on workers that all succeed: {e}"),
    };
    ensure_eq!(
        results.len(),
        n,
        "cpu_processes({n}, ..) returns one result per task"
    );
    ensure!(
        results.iter().all(|&met| met == 1),
        "your worker processes did not all run at the same time: each worker waits for the \
         others to start, and one of them waited {:.0} s in vain (results {results:?}, 1 = met \
         the others): start all {n} processes before waiting for any",
        PATIENCE.as_secs_f64()
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
            Err(e) => fail!("cpu_processes({tasks}, ..) failed on workers that all succeed: {e}"),
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
                    .map_err(|e| Stop::Fail(Failure::new(format!("cannot start gil-worker: {e}"))))
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
            "cpu_processes must return the result of worker i at index i"
        );
        measured.push(SpeedRound {
            label: "your cpu_processes run",
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
        label: format!("cpu_processes({tasks} CPU-heavy tasks)"),
        ..Timeline::default()
    };
    timeline.notes.push(format!(
        "{} rounds, {counted} counted (course's process pool >= {MACHINE_FLOOR:.1}x with >= \
         {BUSY_FLOOR:.1} cores busy); machine: {}",
        measured.len(),
        cores.describe()
    ));
    timeline
        .notes
        .extend(measured.iter().enumerate().map(|(i, r)| r.note(i + 1)));
    send_evidence(ctx, timeline);
    if measured.iter().any(SpeedRound::passes) {
        return Ok(());
    }
    if counted < MIN_COUNTED {
        skip!(
            "the machine could not run {tasks} processes in parallel during this check: in only \
             {counted} of {} rounds was the course's own process pool {MACHINE_FLOOR:.1}x faster \
             than one thread with {BUSY_FLOOR:.1} cores busy, and a verdict needs {MIN_COUNTED} \
             ({}). The structural checks still grade this task",
            measured.len(),
            cores.describe()
        );
    }
    let best = measured
        .iter()
        .filter(|r| r.informative())
        .max_by(|a, b| a.speedup().total_cmp(&b.speedup()))
        .expect("a counted round");
    Err(Stop::Fail(
        Failure::new(format!(
            "your cpu_processes run ({tasks} CPU-heavy tasks in {tasks} processes) was not faster \
             than one thread, in any of the {counted} rounds where the course's own process pool \
             was: are all processes started before you wait for any?"
        ))
        .expected(format!(
            "at least {:.2}x faster than one thread (the course's pool reached {:.2}x right \
             after your run)",
            best.required(),
            best.machine()
        ))
        .actual(format!(
            "{:.2}x ({:.0} ms vs {:.0} ms on one thread), your best counted round",
            best.speedup(),
            best.yours.as_secs_f64() * 1e3,
            best.baseline.as_secs_f64() * 1e3
        )),
    ))
}
