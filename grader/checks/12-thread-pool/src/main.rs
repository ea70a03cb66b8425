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
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, fail, t, within};

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
        t!(
            "only {finished} of the {jobs} jobs had finished when drop returned: drop must let the \
             workers run every queued job, then join them",
            "drop이 반환했을 때 작업 {jobs}개 중 {finished}개만 끝나 있었습니다: drop은 워커들이 큐에 \
             쌓인 모든 작업을 실행하게 한 다음 워커들을 조인해야 합니다"
        )
    );
    Ok(())
}

// ------------------------------------------------------------------ execute

fn execute_runs_every_job(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(1..5);
    let jobs = ctx.rng().random_range(10..40);
    let ran = Arc::new(Mutex::new(Vec::new()));
    let seen = ran.clone();
    let what = t!(
        "ThreadPool::new({size}), {jobs} execute() calls, drop",
        "ThreadPool::new({size}), execute() 호출 {jobs}번, drop"
    );
    let (reported_size, caller_ran) = within(LIMIT, what, move || {
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
    })?;
    ensure_eq!(
        reported_size,
        size,
        t!(
            "ThreadPool::new({size}).size() must be the number of workers",
            "ThreadPool::new({size}).size()는 워커의 수여야 합니다"
        )
    );
    ensure!(
        !caller_ran,
        t!(
            "a job ran on the thread that called execute(): execute only queues the job, one of \
             the pool's workers runs it",
            "execute()를 호출한 스레드에서 작업이 실행되었습니다: execute는 작업을 큐에 넣기만 하고, \
             실행은 풀의 워커 가운데 하나가 합니다"
        )
    );
    let mut ran: Vec<usize> = lock(&ran).iter().map(|(i, _)| *i).collect();
    ran.sort_unstable();
    let expected: Vec<usize> = (0..jobs).collect();
    if ran != expected {
        let missing = expected.iter().filter(|i| !ran.contains(i)).count();
        let count = ran.len();
        // A piece of the sentence below, replaced by its Korean inside the
        // sentence's.
        let more = if count > jobs - missing {
            t!(", some more than once", ", 일부는 두 번 이상")
        } else {
            String::new()
        };
        fail!(t!(
            "after drop returned, {count} of the {jobs} jobs given to execute() had run ({missing} \
             missing{more}): every queued job must run exactly once before drop returns",
            "drop이 반환한 뒤, execute()에 넘긴 작업 {jobs}개 중 {count}개가 실행되어 있었습니다 \
             ({missing}개 빠짐{more}): 큐에 들어간 모든 작업은 drop이 반환하기 전에 정확히 한 번 \
             실행되어야 합니다"
        ));
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
    let what = t!(
        "ThreadPool::new({size}), {jobs} submit() calls",
        "ThreadPool::new({size}), submit() 호출 {jobs}번"
    );
    let results = within(LIMIT, what, move || {
        let pool = ThreadPool::new(size);
        let receivers: Vec<Receiver<Result<String, String>>> = naps
            .iter()
            .enumerate()
            .map(|(i, &nap)| {
                pool.submit(move || {
                    simulated_io(Duration::from_millis(nap));
                    format!("job {i} of {salt}") // data: the job's result, compared below
                })
            })
            .collect();
        let results: Vec<Result<Result<String, String>, String>> = receivers
            .iter()
            .map(|rx| {
                rx.recv_timeout(Duration::from_secs(10))
                    .map_err(|e| match e {
                        // Pieces of the sentence that quotes them,
                        // replaced by their Korean inside its.
                        RecvTimeoutError::Timeout => {
                            t!("no result within 10 s", "10초 안에 결과가 오지 않음")
                        }
                        RecvTimeoutError::Disconnected => t!(
                            "the result channel closed without a result",
                            "결과 없이 결과 채널이 닫힘"
                        ),
                    })
            })
            .collect();
        drop(pool);
        results
    })?;
    for (i, got) in results.into_iter().enumerate() {
        let expected = format!("job {i} of {salt}"); // data: what job i returned
        match got {
            Ok(Ok(value)) => ensure_eq!(
                value,
                expected,
                t!(
                    "the receiver of the {i}th submit() must deliver that job's result",
                    "{i}번째 submit()의 수신자는 그 작업의 결과를 전달해야 합니다"
                )
            ),
            Ok(Err(message)) => fail!(t!(
                "job {i} did not panic, but its receiver delivered Err({message:?}); expected \
                 Ok({expected:?})",
                "작업 {i}은(는) 패닉하지 않았는데 수신자가 Err({message:?})을(를) 전달했습니다. 기대한 \
                 값은 Ok({expected:?})입니다"
            )),
            Err(problem) => fail!(t!(
                "receiver of job {i}: {problem}: submit must send the job's outcome into the \
                 channel it returned",
                "작업 {i}의 수신자: {problem}: submit은 작업의 결과를 자기가 돌려준 채널로 보내야 \
                 합니다"
            )),
        }
    }
    Ok(())
}

// ------------------------------------------------------------ fixed workers

fn jobs_run_on_pool_workers(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let jobs = size * ctx.rng().random_range(6..9);
    let recorder = Recorder::new(t!(
        "ThreadPool::new({size}) running {jobs} jobs",
        "작업 {jobs}개를 실행하는 ThreadPool::new({size})"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rec = recorder.clone();
    let what = t!(
        "ThreadPool::new({size}), {jobs} jobs, drop",
        "ThreadPool::new({size}), 작업 {jobs}개, drop"
    );
    let (started, caller_ran) = within(LIMIT, what, move || {
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
    })?;
    ensure!(
        !caller_ran,
        t!(
            "jobs ran on the thread that called execute(): the pool's workers must run them",
            "execute()를 호출한 스레드에서 작업이 실행되었습니다: 작업은 풀의 워커들이 실행해야 \
             합니다"
        )
    );
    let snapshot = recorder.snapshot();
    ensure_finished(snapshot.finished, jobs)?;
    let threads = snapshot.worker_threads;
    ensure!(
        threads <= size,
        t!(
            "the {jobs} jobs ran on {threads} different threads, but the pool has {size} workers: a thread \
             per job is not a pool. Start the {size} workers once, in new(), and let them take the \
             jobs from a shared queue",
            "작업 {jobs}개가 서로 다른 스레드 {threads}개에서 실행되었지만 풀의 워커는 {size}개입니다: \
             작업마다 스레드를 두는 것은 풀이 아닙니다. 워커 {size}개를 new()에서 한 번만 시작하고, \
             워커들이 공유 큐에서 작업을 가져가게 하세요"
        )
    );
    if let Some(started) = started {
        recorder.note(t!(
            "ThreadPool::new({size}) started {started} thread(s)",
            "ThreadPool::new({size})이(가) 스레드 {started}개를 시작했습니다"
        ));
        ensure!(
            started >= size,
            t!(
                "ThreadPool::new({size}) started {started} thread(s): a fixed-size pool starts all \
                 {size} workers up front, in new()",
                "ThreadPool::new({size})이(가) 스레드 {started}개를 시작했습니다: 크기가 고정된 풀은 \
                 워커 {size}개를 모두 new()에서 미리 시작합니다"
            )
        );
    }
    Ok(())
}

fn pool_runs_k_jobs_at_once(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let jobs = 3 * size + ctx.rng().random_range(0..size);
    let recorder = Recorder::new(t!(
        "ThreadPool::new({size}) running {jobs} jobs",
        "작업 {jobs}개를 실행하는 ThreadPool::new({size})"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let probe = Arc::new(LimitProbe::new(size, SETTLE, PATIENCE));
    let (rec, pr) = (recorder.clone(), probe.clone());
    let what = t!(
        "ThreadPool::new({size}), {jobs} jobs, drop",
        "ThreadPool::new({size}), 작업 {jobs}개, drop"
    );
    within(LIMIT, what, move || {
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
    })?;
    ensure_finished(recorder.snapshot().finished, jobs)?;
    let (peak, patience) = (probe.peak(), PATIENCE.as_secs_f64());
    ensure!(
        !probe.exceeded(),
        t!(
            "{peak} jobs ran at the same time, but the pool has {size} workers: each job must run on \
             one of them (a thread per job is not a pool)",
            "작업 {peak}개가 동시에 실행되었지만 풀의 워커는 {size}개입니다: 각 작업은 워커 가운데 \
             하나에서 실행되어야 합니다(작업마다 스레드를 두는 것은 풀이 아닙니다)"
        )
    );
    if probe.reached() {
        return Ok(());
    }
    // A piece of the sentence below, replaced by its Korean inside the
    // sentence's.
    let waited = if probe.release() == Release::GaveUp {
        t!(
            " (a running job waited {patience:.0} s for the others)",
            " (실행 중인 작업이 나머지를 {patience:.0}초 동안 기다렸습니다)"
        )
    } else {
        String::new()
    };
    fail!(t!(
        "at most {peak} job(s) ran at once, but the pool has {size} workers and there were {jobs} \
         jobs queued{waited}: does a worker keep the queue's lock while it runs a job? Take the \
         job in one statement (`let job = queue.lock().unwrap().recv();`) so the lock is \
         released before the job runs",
        "동시에 실행된 작업은 많아야 {peak}개였지만, 풀의 워커는 {size}개이고 큐에는 작업 \
         {jobs}개가 있었습니다{waited}: 워커가 작업을 실행하는 동안 큐의 락을 쥐고 있지 않나요? \
         작업은 별도의 문장에서 꺼내세요(`let job = queue.lock().unwrap().recv();`). 그러면 \
         작업이 실행되기 전에 락이 풀립니다"
    ));
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
    let recorder = Recorder::new(t!(
        "ThreadPool::new({size}): {size} panicking jobs, then {size} jobs meeting",
        "ThreadPool::new({size}): 패닉하는 작업 {size}개, 그다음 서로 만나는 작업 {size}개"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rec = recorder.clone();
    let what = t!(
        "ThreadPool::new({size}) with panicking jobs",
        "패닉하는 작업이 있는 ThreadPool::new({size})"
    );
    let scenario = within(LIMIT, what, move || {
        rec.mark_caller();
        let pool = ThreadPool::new(size);
        // One panic per worker: the panicking jobs meet first, so each
        // runs on a different worker.
        let first = Arc::new(threadlings_kit::probe::Rendezvous::new(size, PATIENCE));
        for i in 0..size {
            let (rec, first) = (rec.clone(), first.clone());
            pool.execute(move || {
                let _job = rec.task(t!("panicking job {i}", "패닉하는 작업 {i}"));
                first.arrive();
                panic!(
                    "{}",
                    t!(
                        "job {i} fails on purpose (the check expects this panic)",
                        "작업 {i}이(가) 일부러 실패합니다(검사가 기대하는 패닉입니다)"
                    )
                );
            });
        }
        // Then `size` jobs that only meet if `size` workers are alive.
        let after = Arc::new(threadlings_kit::probe::Rendezvous::new(size, PATIENCE));
        let receivers: Vec<_> = (0..size)
            .map(|i| {
                let (rec, after) = (rec.clone(), after.clone());
                pool.submit(move || {
                    let _job = rec.task(t!("job {i} after the panics", "패닉 뒤의 작업 {i}"));
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
                pool.submit(|| -> u32 { panic!("disk full") }), // data: compared below
                pool.submit(move || -> u32 { panic!("error {code}") }), // data: compared below
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
    })?;
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        scenario.first_panics_met,
        t!(
            "the {size} workers never ran {size} jobs at the same time (the first jobs waited {patience:.0} \
             s for each other): does a worker keep the queue's lock while it runs a job?",
            "워커 {size}개가 작업 {size}개를 한 번도 동시에 실행하지 않았습니다(첫 작업들이 서로를 \
             {patience:.0}초 동안 기다렸습니다): 워커가 작업을 실행하는 동안 큐의 락을 쥐고 있지 \
             않나요?"
        )
    );
    for (i, got) in scenario.after.iter().enumerate() {
        match got {
            Outcome::Value(v) => ensure_eq!(
                *v,
                i * 10,
                t!(
                    "result of job {i} after the panics",
                    "패닉 뒤의 작업 {i}의 결과"
                )
            ),
            Outcome::Panicked(message) => fail!(t!(
                "job {i} after the panics did not panic, but its receiver delivered Err({message:?})",
                "패닉 뒤의 작업 {i}은(는) 패닉하지 않았는데 수신자가 Err({message:?})을(를) 전달했습니다"
            )),
            Outcome::Closed => fail!(t!(
                "after {size} jobs panicked (one in each worker), job {i} was dropped without running \
                 (its result channel closed): a panic in a job \
                 killed its worker thread, and the pool shrank. Run every job under \
                 std::panic::catch_unwind, in the worker loop, so the worker goes on with the \
                 next job",
                "작업 {size}개가 패닉한 뒤(워커마다 하나씩), 작업 {i}은(는) 실행되지 않은 채 \
                 버려졌습니다(결과 채널이 닫혔습니다): 작업의 패닉이 워커 스레드를 죽여 풀이 \
                 줄어들었습니다. 워커 루프 안에서 모든 작업을 std::panic::catch_unwind 아래에서 \
                 실행해, 워커가 다음 작업으로 넘어가게 하세요"
            )),
            Outcome::NoResult => fail!(t!(
                "after {size} jobs panicked (one in each worker), job {i} never ran: a panic in a job \
                 killed its worker thread, and the pool shrank. Run every job under \
                 std::panic::catch_unwind, in the worker loop, so the worker goes on with the \
                 next job",
                "작업 {size}개가 패닉한 뒤(워커마다 하나씩), 작업 {i}은(는) 끝내 실행되지 \
                 않았습니다: 작업의 패닉이 워커 스레드를 죽여 풀이 줄어들었습니다. 워커 루프 \
                 안에서 모든 작업을 std::panic::catch_unwind 아래에서 실행해, 워커가 다음 작업으로 \
                 넘어가게 하세요"
            )),
        }
    }
    ensure!(
        scenario.after_met,
        t!(
            "after {size} jobs panicked, the pool never ran {size} jobs at once again (a job waited \
             {patience:.0} s for the others): some workers died with their job's panic",
            "작업 {size}개가 패닉한 뒤 풀이 다시는 작업 {size}개를 동시에 실행하지 못했습니다(한 \
             작업이 나머지를 {patience:.0}초 동안 기다렸습니다): 몇몇 워커가 자기 작업의 패닉과 \
             함께 죽었습니다"
        )
    );
    // data: the panic messages above and the value the third job returned
    let expected = [
        Outcome::Panicked("disk full".to_string()),
        Outcome::Panicked(format!("error {code}")),
        Outcome::Value(code),
    ];
    // Pieces of the sentence below, replaced by their Korean inside the
    // sentence's (`{{code}}` is the text `{code}`, as in the panic! above).
    let what = [
        t!(
            "a job that panicked with `panic!(\"disk full\")` (a &str)",
            "`panic!(\"disk full\")`로 패닉한 작업(&str)"
        ),
        t!(
            "a job that panicked with `panic!(\"error {{code}}\")` (a String)",
            "`panic!(\"error {{code}}\")`로 패닉한 작업(String)"
        ),
        t!(
            "a job after those panics that returned normally",
            "그 패닉들 뒤에 정상적으로 반환한 작업"
        ),
    ];
    for ((got, want), what) in scenario.messages.iter().zip(&expected).zip(what) {
        ensure_eq!(
            got,
            want,
            t!(
                "the receiver of {what} must deliver Err(its panic message) for a panic, Ok(value) \
                 otherwise",
                "{what}의 수신자는 패닉이면 Err(그 패닉 메시지)를, 아니면 Ok(값)을 전달해야 합니다"
            )
        );
    }
    Ok(())
}

// ----------------------------------------------------------------- shutdown

fn drop_finishes_queued_jobs(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(1..4);
    let queued = ctx.rng().random_range(5..20);
    let recorder = Recorder::new(t!(
        "ThreadPool::new({size}): {size} busy jobs, {queued} queued jobs, then drop",
        "ThreadPool::new({size}): 바쁜 작업 {size}개, 큐에 쌓인 작업 {queued}개, 그다음 drop"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let gate = Arc::new(Gate::default());
    let watch = Arc::new(DropWatch::default());
    let helper = open_gate_when_drop_blocks(watch.clone(), gate.clone());
    let ran = Arc::new(AtomicUsize::new(0));
    let (rec, g, w, r) = (recorder.clone(), gate.clone(), watch.clone(), ran.clone());
    let what = t!(
        "dropping ThreadPool::new({size}) with {queued} jobs queued",
        "큐에 작업 {queued}개가 쌓인 ThreadPool::new({size}) 버리기"
    );
    let scenario = within(LIMIT, what, move || {
        rec.mark_caller();
        let pool = ThreadPool::new(size);
        for i in 0..size {
            let (rec, g) = (rec.clone(), g.clone());
            pool.execute(move || {
                let _job = rec.task(t!("busy job {i}", "바쁜 작업 {i}"));
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
                let _job = rec.task(t!("queued job {i}", "큐에 쌓인 작업 {i}"));
                r.fetch_add(1, Ordering::SeqCst);
            });
        }
        w.drop_pool(pool);
        Ok(r.load(Ordering::SeqCst))
    });
    finish(&watch, helper);
    match scenario? {
        Err(busy) => fail!(t!(
            "only {busy} of the pool's {size} workers ever ran a job at the same time (the \
             others never took one): each worker must take jobs from the queue while the others \
             are busy",
            "풀의 워커 {size}개 중 동시에 작업을 실행한 것은 {busy}개뿐이었습니다(나머지는 작업을 \
             하나도 가져가지 않았습니다): 각 워커는 다른 워커들이 바쁜 동안에도 큐에서 작업을 \
             가져가야 합니다"
        )),
        Ok(done) => {
            recorder.note(t!(
                "{done} of the {queued} queued jobs had run when drop returned",
                "drop이 반환했을 때 큐에 쌓인 작업 {queued}개 중 {done}개가 실행되어 있었습니다"
            ));
            ensure!(
                done == queued,
                t!(
                    "drop returned after only {done} of the {queued} queued jobs ran: a graceful \
                     shutdown finishes every job queued before it. Close the queue (drop the Sender) \
                     and let each worker take jobs until recv() fails, instead of stopping the \
                     workers (a flag) or emptying the queue",
                    "큐에 쌓인 작업 {queued}개 중 {done}개만 실행된 뒤 drop이 반환했습니다: 우아한 \
                     종료는 그 전에 큐에 들어간 모든 작업을 끝냅니다. 워커를 (플래그로) 멈추거나 \
                     큐를 비우는 대신, 큐를 닫고(Sender를 버리고) 각 워커가 recv()가 실패할 때까지 \
                     작업을 가져가게 하세요"
                )
            );
        }
    }
    Ok(())
}

fn drop_joins_every_worker(ctx: &mut Ctx) -> CheckResult {
    let size = ctx.rng().random_range(2..5);
    let recorder = Recorder::new(t!(
        "ThreadPool::new({size}): {size} running jobs, then drop",
        "ThreadPool::new({size}): 실행 중인 작업 {size}개, 그다음 drop"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let gate = Arc::new(Gate::default());
    let watch = Arc::new(DropWatch::default());
    let helper = open_gate_when_drop_blocks(watch.clone(), gate.clone());
    let (rec, g, w) = (recorder.clone(), gate.clone(), watch.clone());
    let what = t!(
        "dropping ThreadPool::new({size}) while {size} jobs run",
        "작업 {size}개가 실행되는 동안 ThreadPool::new({size}) 버리기"
    );
    let scenario = within(LIMIT, what, move || {
        rec.mark_caller();
        let before = process_threads();
        let pool = ThreadPool::new(size);
        for i in 0..size {
            let (rec, g) = (rec.clone(), g.clone());
            pool.execute(move || {
                let _job = rec.task(t!("running job {i}", "실행 중인 작업 {i}"));
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
    });
    finish(&watch, helper);
    let (busy, running, extra_threads) = scenario?;
    let extra = extra_threads.map_or("?".to_string(), |n| n.to_string());
    recorder.note(t!(
        "when drop returned: {running} job(s) still running, {extra} thread(s) more than before the \
         pool",
        "drop이 반환했을 때: 아직 실행 중인 작업 {running}개, 풀을 만들기 전보다 스레드 {extra}개 \
         더 많음"
    ));
    ensure!(
        running == 0,
        t!(
            "drop returned while {running} of the pool's jobs were still running: Drop must join \
             every worker (wait until its thread has ended); dropping a JoinHandle only detaches \
             the thread",
            "풀의 작업 {running}개가 아직 실행 중인데 drop이 반환했습니다: Drop은 모든 워커를 \
             조인해야 합니다(워커 스레드가 끝날 때까지 기다리기). JoinHandle을 버리면 스레드가 \
             분리(detach)될 뿐입니다"
        )
    );
    if let Some(extra) = extra_threads {
        ensure!(
            extra == 0,
            t!(
                "after drop returned, {extra} thread(s) started by the pool were still alive: Drop \
                 must close the queue and join every worker thread",
                "drop이 반환한 뒤에도 풀이 시작한 스레드 {extra}개가 아직 살아 있었습니다: Drop은 \
                 큐를 닫고 모든 워커 스레드를 조인해야 합니다"
            )
        );
    }
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        busy >= 1,
        t!(
            "no job started within {patience:.0} s of being queued",
            "큐에 들어간 지 {patience:.0}초 안에 시작한 작업이 하나도 없습니다"
        )
    );
    Ok(())
}
