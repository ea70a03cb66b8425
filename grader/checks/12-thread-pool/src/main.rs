//! Hidden checks of exercise 12-thread-pool.
//!
//! Every verdict is structural, so it holds on one core and under any load:
//! - which threads ran the jobs (`Recorder::worker_threads`, with the caller
//!   marked), and how many threads `new` started (`process_threads`): a thread
//!   per job shows up as more distinct threads than workers;
//! - how many jobs ran at once (`LimitProbe`: it holds the first jobs until k
//!   are in flight, then watches for a (k+1)-th; `Rendezvous` after panics);
//! - shutdown: the first jobs are held at a gate while more jobs are queued,
//!   then the pool is dropped. The gate opens only once the dropping thread is
//!   blocked inside `drop` (its state in `/proc` is "sleeping", as it is while
//!   joining a worker), so shutdown has already begun when the held jobs end:
//!   a pool that abandons its queue, or returns from drop without joining its
//!   workers, is caught on every run, however fast or slow the machine.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};
use threadlings::sync::mpsc::{Receiver, RecvTimeoutError};

use rand::Rng;
use thread_pool::ThreadPool;
use threadlings_kit::timing::{
    LimitProbe, PATIENCE, Recorder, Release, SETTLE, process_threads, simulated_io,
    wait_for_threads_at_most,
};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, fail, within};

mod lin;
mod race;

use lin::{job_queue_lin, job_queue_lin_explore};
use race::{pool_explore, pool_stress};

threadlings_kit::checks![
    execute_runs_every_job,
    submit_returns_results,
    jobs_run_on_pool_workers,
    pool_runs_k_jobs_at_once,
    pool_stress,
    pool_explore,
    panicking_job_keeps_worker,
    drop_finishes_queued_jobs,
    drop_joins_every_worker,
    job_queue_lin,
    job_queue_lin_explore,
];

/// Limit for one scenario with the pool.
const LIMIT: Duration = Duration::from_secs(25);
/// How long the gate helper waits for a dropping thread that never blocks
/// (a drop that spins instead of joining) before it opens the gate anyway.
const DROP_FALLBACK: Duration = Duration::from_secs(3);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

// ------------------------------------------------------------------ helpers

/// Holds jobs until opened.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn open(&self) {
        *lock(&self.open) = true;
        self.opened.notify_all();
    }

    /// Waits until the gate opens (at most `LIMIT`, so a stuck check ends).
    fn pass(&self) {
        let deadline = Instant::now() + LIMIT;
        let mut open = lock(&self.open);
        while !*open && Instant::now() < deadline {
            open = self
                .opened
                .wait_timeout(open, deadline - Instant::now())
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

/// `/proc/<pid>/task/<tid>` of the calling thread.
fn this_thread_dir() -> Option<PathBuf> {
    std::fs::read_link("/proc/thread-self")
        .ok()
        .map(|relative| Path::new("/proc").join(relative))
}

/// The scheduler state of a thread (`R` running, `S` sleeping, ...).
fn thread_state(dir: &Path) -> Option<char> {
    let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
    let (_, after_name) = stat.rsplit_once(')')?;
    after_name.trim_start().chars().next()
}

/// Tells a helper thread when the pool is being dropped, so it can open a
/// gate once shutdown has begun.
#[derive(Default)]
struct DropWatch {
    /// The dropping thread's `/proc` directory.
    dropper: Mutex<Option<PathBuf>>,
    dropping: AtomicBool,
    returned: AtomicBool,
    /// Set by the check when it has looked at everything; opens the gate.
    finished: AtomicBool,
}

impl DropWatch {
    /// Drops `pool`, marking the start and the end of the drop.
    fn drop_pool(&self, pool: ThreadPool) {
        *lock(&self.dropper) = this_thread_dir();
        self.dropping.store(true, Ordering::SeqCst);
        drop(pool);
        self.returned.store(true, Ordering::SeqCst);
    }
}

/// Starts the helper that opens `gate` once the dropping thread blocks inside
/// `drop` (a correct drop blocks joining a worker held at the gate), or after
/// `DROP_FALLBACK`; if `drop` returns without ever blocking, the gate stays
/// shut until the check says it is finished.
fn open_gate_when_drop_blocks(watch: Arc<DropWatch>, gate: Arc<Gate>) -> JoinHandle<()> {
    thread::spawn(move || {
        let started = Instant::now();
        let mut dropping_since = None;
        loop {
            if watch.finished.load(Ordering::SeqCst) || started.elapsed() > 2 * LIMIT {
                break;
            }
            if watch.dropping.load(Ordering::SeqCst) && !watch.returned.load(Ordering::SeqCst) {
                let since = *dropping_since.get_or_insert_with(Instant::now);
                let blocked = lock(&watch.dropper)
                    .as_deref()
                    .and_then(thread_state)
                    .is_some_and(|state| matches!(state, 'S' | 'D'));
                if blocked || since.elapsed() > DROP_FALLBACK {
                    break;
                }
            }
            thread::sleep(Duration::from_millis(1));
        }
        gate.open();
    })
}

/// Lets the gate helper end and waits for it.
fn finish(watch: &DropWatch, helper: JoinHandle<()>) {
    watch.finished.store(true, Ordering::SeqCst);
    let _ = helper.join();
}

/// Fails unless all `jobs` jobs had finished when drop returned.
fn ensure_finished(finished: usize, jobs: usize) -> CheckResult {
    ensure!(
        finished == jobs,
        "only {finished} of the {jobs} jobs had finished when drop returned: drop must let the \
         workers run every queued job, then join them"
    );
    Ok(())
}

// ------------------------------------------------------------------ execute

fn execute_runs_every_job(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(1..5);
    let jobs = ctx.rng().random_range(10..40);
    let ran = Arc::new(Mutex::new(Vec::new()));
    let seen = ran.clone();
    let (reported_size, caller_ran) = within(
        LIMIT,
        &format!("ThreadPool::new({size}), {jobs} execute() calls, drop"),
        move || {
            let caller = thread::current().id();
            let pool = ThreadPool::new(size);
            let reported_size = pool.size();
            for i in 0..jobs {
                let seen = seen.clone();
                pool.execute(move || {
                    lock(&seen).push((i, thread::current().id() == caller));
                });
            }
            drop(pool);
            let caller_ran = lock(&seen).iter().any(|(_, on_caller)| *on_caller);
            (reported_size, caller_ran)
        },
    )?;
    ensure_eq!(
        reported_size,
        size,
        "ThreadPool::new({size}).size() must be the number of workers"
    );
    ensure!(
        !caller_ran,
        "a job ran on the thread that called execute(): execute only queues the job, one of \
         the pool's workers runs it"
    );
    let mut ran: Vec<usize> = lock(&ran).iter().map(|(i, _)| *i).collect();
    ran.sort_unstable();
    let expected: Vec<usize> = (0..jobs).collect();
    if ran != expected {
        let missing = expected.iter().filter(|i| !ran.contains(i)).count();
        fail!(
            "after drop returned, {} of the {jobs} jobs given to execute() had run ({missing} \
             missing{}): every queued job must run exactly once before drop returns",
            ran.len(),
            if ran.len() > jobs - missing {
                ", some more than once"
            } else {
                ""
            }
        );
    }
    Ok(())
}

// ------------------------------------------------------------------- submit

fn submit_returns_results(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let jobs = ctx.rng().random_range(8..20);
    let salt: u64 = ctx.rng().random_range(1..1000);
    // Sleeps from long to short: later jobs tend to finish first.
    let naps: Vec<u64> = (0..jobs).map(|i| ((jobs - i) % 5) as u64 * 3).collect();
    let results = within(
        LIMIT,
        &format!("ThreadPool::new({size}), {jobs} submit() calls"),
        move || {
            let pool = ThreadPool::new(size);
            let receivers: Vec<Receiver<Result<String, String>>> = naps
                .iter()
                .enumerate()
                .map(|(i, &nap)| {
                    pool.submit(move || {
                        simulated_io(Duration::from_millis(nap));
                        format!("job {i} of {salt}")
                    })
                })
                .collect();
            let results: Vec<Result<Result<String, String>, String>> = receivers
                .iter()
                .map(|rx| {
                    rx.recv_timeout(Duration::from_secs(10))
                        .map_err(|e| match e {
                            RecvTimeoutError::Timeout => "no result within 10 s".to_string(),
                            RecvTimeoutError::Disconnected => {
                                "the result channel closed without a result".to_string()
                            }
                        })
                })
                .collect();
            drop(pool);
            results
        },
    )?;
    for (i, got) in results.into_iter().enumerate() {
        let expected = format!("job {i} of {salt}");
        match got {
            Ok(Ok(value)) => ensure_eq!(
                value,
                expected,
                "the receiver of the {i}th submit() must deliver that job's result"
            ),
            Ok(Err(message)) => fail!(
                "job {i} did not panic, but its receiver delivered Err({message:?}); expected \
                 Ok({expected:?})"
            ),
            Err(problem) => fail!(
                "receiver of job {i}: {problem}: submit must send the job's outcome into the \
                 channel it returned"
            ),
        }
    }
    Ok(())
}

// ------------------------------------------------------------ fixed workers

fn jobs_run_on_pool_workers(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let jobs = size * ctx.rng().random_range(6..9);
    let recorder = Recorder::new(format!("ThreadPool::new({size}) running {jobs} jobs"));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rec = recorder.clone();
    let (started, caller_ran) = within(
        LIMIT,
        &format!("ThreadPool::new({size}), {jobs} jobs, drop"),
        move || {
            rec.mark_caller();
            let caller = thread::current().id();
            let caller_ran = Arc::new(AtomicBool::new(false));
            let before = process_threads();
            let pool = ThreadPool::new(size);
            let started = before
                .zip(process_threads())
                .map(|(b, a)| a.saturating_sub(b));
            for i in 0..jobs {
                let (rec, caller_ran) = (rec.clone(), caller_ran.clone());
                pool.execute(move || {
                    if thread::current().id() == caller {
                        caller_ran.store(true, Ordering::SeqCst);
                    }
                    let _job = rec.task(format!("job {i}"));
                    simulated_io(Duration::from_millis(1));
                });
            }
            drop(pool);
            (started, caller_ran.load(Ordering::SeqCst))
        },
    )?;
    ensure!(
        !caller_ran,
        "jobs ran on the thread that called execute(): the pool's workers must run them"
    );
    let snapshot = recorder.snapshot();
    ensure_finished(snapshot.finished, jobs)?;
    ensure!(
        snapshot.worker_threads <= size,
        "the {jobs} jobs ran on {} different threads, but the pool has {size} workers: a thread \
         per job is not a pool. Start the {size} workers once, in new(), and let them take the \
         jobs from a shared queue",
        snapshot.worker_threads
    );
    if let Some(started) = started {
        recorder.note(format!(
            "ThreadPool::new({size}) started {started} thread(s)"
        ));
        ensure!(
            started >= size,
            "ThreadPool::new({size}) started {started} thread(s): a fixed-size pool starts all \
             {size} workers up front, in new()"
        );
    }
    Ok(())
}

fn pool_runs_k_jobs_at_once(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let jobs = 3 * size + ctx.rng().random_range(0..size);
    let recorder = Recorder::new(format!("ThreadPool::new({size}) running {jobs} jobs"));
    let _evidence = recorder.evidence_on_exit(ctx);
    let probe = Arc::new(LimitProbe::new(size, SETTLE, PATIENCE));
    let (rec, pr) = (recorder.clone(), probe.clone());
    within(
        LIMIT,
        &format!("ThreadPool::new({size}), {jobs} jobs, drop"),
        move || {
            rec.mark_caller();
            let pool = ThreadPool::new(size);
            for i in 0..jobs {
                let (rec, pr) = (rec.clone(), pr.clone());
                pool.execute(move || {
                    let _job = rec.task(format!("job {i}"));
                    let _in = pr.enter();
                    simulated_io(Duration::from_millis(2));
                });
            }
            drop(pool);
        },
    )?;
    ensure_finished(recorder.snapshot().finished, jobs)?;
    ensure!(
        !probe.exceeded(),
        "{} jobs ran at the same time, but the pool has {size} workers: each job must run on \
         one of them (a thread per job is not a pool)",
        probe.peak()
    );
    if probe.reached() {
        return Ok(());
    }
    let waited = if probe.release() == Release::GaveUp {
        format!(
            " (a running job waited {:.0} s for the others)",
            PATIENCE.as_secs_f64()
        )
    } else {
        String::new()
    };
    fail!(
        "at most {} job(s) ran at once, but the pool has {size} workers and there were {jobs} \
         jobs queued{waited}: does a worker keep the queue's lock while it runs a job? Take the \
         job in one statement (`let job = queue.lock().unwrap().recv();`) so the lock is \
         released before the job runs",
        probe.peak()
    );
}

// ------------------------------------------------------------------- panics

/// What happened to one submitted job.
#[derive(Debug, Clone, PartialEq)]
enum Outcome<T> {
    Value(T),
    Panicked(String),
    Closed,
    NoResult,
}

fn outcome<T>(rx: &Receiver<Result<T, String>>, patience: Duration) -> Outcome<T> {
    match rx.recv_timeout(patience) {
        Ok(Ok(value)) => Outcome::Value(value),
        Ok(Err(message)) => Outcome::Panicked(message),
        Err(RecvTimeoutError::Disconnected) => Outcome::Closed,
        Err(RecvTimeoutError::Timeout) => Outcome::NoResult,
    }
}

struct PanicScenario {
    first_panics_met: bool,
    after: Vec<Outcome<usize>>,
    after_met: bool,
    messages: Vec<Outcome<u32>>,
}

fn panicking_job_keeps_worker(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let code: u32 = ctx.rng().random_range(100..1000);
    let recorder = Recorder::new(format!(
        "ThreadPool::new({size}): {size} panicking jobs, then {size} jobs meeting"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rec = recorder.clone();
    let scenario = within(
        LIMIT,
        &format!("ThreadPool::new({size}) with panicking jobs"),
        move || {
            rec.mark_caller();
            let pool = ThreadPool::new(size);
            // One panic per worker: the panicking jobs meet first, so each
            // runs on a different worker.
            let first = Arc::new(threadlings_kit::probe::Rendezvous::new(size, PATIENCE));
            for i in 0..size {
                let (rec, first) = (rec.clone(), first.clone());
                pool.execute(move || {
                    let _job = rec.task(format!("panicking job {i}"));
                    first.arrive();
                    panic!("job {i} fails on purpose (the check expects this panic)");
                });
            }
            // Then `size` jobs that only meet if `size` workers are alive.
            let after = Arc::new(threadlings_kit::probe::Rendezvous::new(size, PATIENCE));
            let receivers: Vec<_> = (0..size)
                .map(|i| {
                    let (rec, after) = (rec.clone(), after.clone());
                    pool.submit(move || {
                        let _job = rec.task(format!("job {i} after the panics"));
                        after.arrive();
                        i * 10
                    })
                })
                .collect();
            // One patience for all: a job that never runs costs it once.
            let deadline = Instant::now() + 2 * PATIENCE;
            let outcomes: Vec<Outcome<usize>> = receivers
                .iter()
                .map(|rx| outcome(rx, deadline.saturating_duration_since(Instant::now())))
                .collect();
            let alive = outcomes.iter().all(|o| matches!(o, Outcome::Value(_)));
            let messages = if alive {
                let code = code;
                let receivers = [
                    pool.submit(|| -> u32 { panic!("disk full") }),
                    pool.submit(move || -> u32 { panic!("error {code}") }),
                    pool.submit(move || code),
                ];
                let deadline = Instant::now() + 2 * PATIENCE;
                receivers
                    .iter()
                    .map(|rx| outcome(rx, deadline.saturating_duration_since(Instant::now())))
                    .collect()
            } else {
                Vec::new()
            };
            let scenario = PanicScenario {
                first_panics_met: first.met(),
                after: outcomes,
                after_met: after.met(),
                messages,
            };
            if alive {
                drop(pool);
            } else {
                // Its workers are gone or stuck: do not wait for them.
                std::mem::forget(pool);
            }
            scenario
        },
    )?;
    ensure!(
        scenario.first_panics_met,
        "the {size} workers never ran {size} jobs at the same time (the first jobs waited {:.0} \
         s for each other): does a worker keep the queue's lock while it runs a job?",
        PATIENCE.as_secs_f64()
    );
    for (i, got) in scenario.after.iter().enumerate() {
        match got {
            Outcome::Value(v) => ensure_eq!(*v, i * 10, "result of job {i} after the panics"),
            Outcome::Panicked(message) => fail!(
                "job {i} after the panics did not panic, but its receiver delivered Err({message:?})"
            ),
            Outcome::Closed | Outcome::NoResult => fail!(
                "after {size} jobs panicked (one in each worker), job {i} {}: a panic in a job \
                 killed its worker thread, and the pool shrank. Run every job under \
                 std::panic::catch_unwind, in the worker loop, so the worker goes on with the \
                 next job",
                if *got == Outcome::Closed {
                    "was dropped without running (its result channel closed)"
                } else {
                    "never ran"
                }
            ),
        }
    }
    ensure!(
        scenario.after_met,
        "after {size} jobs panicked, the pool never ran {size} jobs at once again (a job waited \
         {:.0} s for the others): some workers died with their job's panic",
        PATIENCE.as_secs_f64()
    );
    let expected = [
        Outcome::Panicked("disk full".to_string()),
        Outcome::Panicked(format!("error {code}")),
        Outcome::Value(code),
    ];
    let what = [
        "a job that panicked with `panic!(\"disk full\")` (a &str)",
        "a job that panicked with `panic!(\"error {code}\")` (a String)",
        "a job after those panics that returned normally",
    ];
    for ((got, want), what) in scenario.messages.iter().zip(&expected).zip(what) {
        ensure_eq!(
            got,
            want,
            "the receiver of {what} must deliver Err(its panic message) for a panic, Ok(value) \
             otherwise"
        );
    }
    Ok(())
}

// ----------------------------------------------------------------- shutdown

fn drop_finishes_queued_jobs(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(1..4);
    let queued = ctx.rng().random_range(5..20);
    let recorder = Recorder::new(format!(
        "ThreadPool::new({size}): {size} busy jobs, {queued} queued jobs, then drop"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let gate = Arc::new(Gate::default());
    let watch = Arc::new(DropWatch::default());
    let helper = open_gate_when_drop_blocks(watch.clone(), gate.clone());
    let ran = Arc::new(AtomicUsize::new(0));
    let (rec, g, w, r) = (recorder.clone(), gate.clone(), watch.clone(), ran.clone());
    let scenario = within(
        LIMIT,
        &format!("dropping ThreadPool::new({size}) with {queued} jobs queued"),
        move || {
            rec.mark_caller();
            let pool = ThreadPool::new(size);
            for i in 0..size {
                let (rec, g) = (rec.clone(), g.clone());
                pool.execute(move || {
                    let _job = rec.task(format!("busy job {i}"));
                    g.pass();
                });
            }
            let busy = rec.wait_until(PATIENCE, |s| s.in_flight >= size).in_flight;
            if busy < size {
                g.open();
                drop(pool);
                return Err(busy);
            }
            for i in 0..queued {
                let (rec, r) = (rec.clone(), r.clone());
                pool.execute(move || {
                    let _job = rec.task(format!("queued job {i}"));
                    r.fetch_add(1, Ordering::SeqCst);
                });
            }
            w.drop_pool(pool);
            Ok(r.load(Ordering::SeqCst))
        },
    );
    finish(&watch, helper);
    match scenario? {
        Err(busy) => fail!(
            "only {busy} of the pool's {size} workers ever ran a job at the same time (the \
             others never took one): each worker must take jobs from the queue while the others \
             are busy"
        ),
        Ok(done) => {
            recorder.note(format!(
                "{done} of the {queued} queued jobs had run when drop returned"
            ));
            ensure!(
                done == queued,
                "drop returned after only {done} of the {queued} queued jobs ran: a graceful \
                 shutdown finishes every job queued before it. Close the queue (drop the Sender) \
                 and let each worker take jobs until recv() fails, instead of stopping the \
                 workers (a flag) or emptying the queue"
            );
        }
    }
    Ok(())
}

fn drop_joins_every_worker(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let recorder = Recorder::new(format!(
        "ThreadPool::new({size}): {size} running jobs, then drop"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let gate = Arc::new(Gate::default());
    let watch = Arc::new(DropWatch::default());
    let helper = open_gate_when_drop_blocks(watch.clone(), gate.clone());
    let (rec, g, w) = (recorder.clone(), gate.clone(), watch.clone());
    let scenario = within(
        LIMIT,
        &format!("dropping ThreadPool::new({size}) while {size} jobs run"),
        move || {
            rec.mark_caller();
            let before = process_threads();
            let pool = ThreadPool::new(size);
            for i in 0..size {
                let (rec, g) = (rec.clone(), g.clone());
                pool.execute(move || {
                    let _job = rec.task(format!("running job {i}"));
                    g.pass();
                });
            }
            let busy = rec.wait_until(PATIENCE, |s| s.in_flight >= size).in_flight;
            w.drop_pool(pool);
            let running = rec.snapshot().in_flight;
            // A joined thread is gone within microseconds.
            let alive = before.and_then(|before| {
                wait_for_threads_at_most(before, Duration::from_millis(500))
                    .map(|now| now.saturating_sub(before))
            });
            (busy, running, alive)
        },
    );
    finish(&watch, helper);
    let (busy, running, extra_threads) = scenario?;
    recorder.note(format!(
        "when drop returned: {running} job(s) still running, {} thread(s) more than before the \
         pool",
        extra_threads.map_or("?".to_string(), |n| n.to_string())
    ));
    ensure!(
        running == 0,
        "drop returned while {running} of the pool's jobs were still running: Drop must join \
         every worker (wait until its thread has ended); dropping a JoinHandle only detaches \
         the thread"
    );
    if let Some(extra) = extra_threads {
        ensure!(
            extra == 0,
            "after drop returned, {extra} thread(s) started by the pool were still alive: Drop \
             must close the queue and join every worker thread"
        );
    }
    ensure!(
        busy >= 1,
        "no job started within {:.0} s of being queued",
        PATIENCE.as_secs_f64()
    );
    Ok(())
}
