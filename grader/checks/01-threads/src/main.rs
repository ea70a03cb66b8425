//! Hidden checks of exercise 01-threads.
//!
//! How the checks stay right on any machine:
//! - Concurrency is proven with `probe::Rendezvous` (K workers can only meet
//!   if K are alive at once), never with the clock.
//! - Orders are *forced*, not hoped for: in `results_in_worker_order` worker
//!   `i` may only finish after the thread of worker `i + 1` has exited, so the
//!   finishing order is exactly the reverse of the worker order on every run.
//! - "Did it wait for its workers?" is decided with a gate the workers block
//!   on: no worker can finish before the check opens it, so a function that
//!   returns before the gate opens provably left its workers running.
//!
//! Patience (how long a worker waits for another) only ever bounds how long a
//! wrong, sequential answer keeps a check waiting; a correct answer never
//! depends on it.

use std::any::Any;
use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use rand::Rng;
use rand::seq::SliceRandom;
use threadlings_kit::probe::{InFlight, Rendezvous};
use threadlings_kit::{CheckResult, Ctx, Stop, ensure, ensure_eq, fail, t, within};

threadlings_kit::checks![
    spawn_workers_runs_each_worker,
    spawn_workers_waits_for_all,
    spawn_workers_run_concurrently,
    results_in_worker_order,
    workers_run_concurrently,
    chunks_moved_and_in_order,
    chunks_run_concurrently,
    threads_are_named,
    named_workers_run_concurrently,
    panicking_worker_is_reported,
    other_workers_still_finish,
    scoped_count_is_correct,
    scoped_parts_run_concurrently,
];

/// Limit for a call that should return promptly.
const CALL_LIMIT: Duration = Duration::from_secs(10);
/// Limit for a call whose workers meet at a rendezvous (a sequential answer
/// makes the first worker wait out the whole patience).
const RENDEZVOUS_LIMIT: Duration = Duration::from_secs(20);
/// How long a worker waits for others that a correct answer has already
/// started. Generous: only wrong answers ever wait it out.
const PATIENCE: Duration = Duration::from_secs(5);

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn panic_text(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        t!(
            "a panic with a non-text payload",
            "텍스트가 아닌 페이로드를 가진 패닉"
        )
    }
}

/// Waits on `changed` while `waiting` holds, at most until `deadline`.
fn wait_until<'a, T>(
    changed: &Condvar,
    mut guard: MutexGuard<'a, T>,
    deadline: Instant,
    mut waiting: impl FnMut(&T) -> bool,
) -> MutexGuard<'a, T> {
    while waiting(&guard) {
        let now = Instant::now();
        if now >= deadline {
            break;
        }
        guard = changed
            .wait_timeout(guard, deadline - now)
            .unwrap_or_else(PoisonError::into_inner)
            .0;
    }
    guard
}

/// Describes which of `0..n` are missing or repeated in `seen`.
fn coverage_problems(n: usize, seen: &[usize]) -> Option<String> {
    let mut counts = vec![0usize; n];
    let mut out_of_range = Vec::new();
    for &i in seen {
        match counts.get_mut(i) {
            Some(count) => *count += 1,
            None => out_of_range.push(i),
        }
    }
    let missing: Vec<usize> = (0..n).filter(|&i| counts[i] == 0).collect();
    let repeated: Vec<usize> = (0..n).filter(|&i| counts[i] > 1).collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(t!(
            "worker(i) had not run for i in {missing:?}",
            "{missing:?}에 속한 i에 대해 worker(i)가 실행되지 않았습니다"
        ));
    }
    if !repeated.is_empty() {
        problems.push(t!(
            "worker(i) ran more than once for i in {repeated:?}",
            "{repeated:?}에 속한 i에 대해 worker(i)가 두 번 이상 실행되었습니다"
        ));
    }
    if !out_of_range.is_empty() {
        problems.push(t!(
            "worker(i) was called with i outside 0..{n}: {out_of_range:?}",
            "worker(i)가 0..{n} 밖의 i로 호출되었습니다: {out_of_range:?}"
        ));
    }
    (!problems.is_empty()).then(|| problems.join("; "))
}

// ---------------------------------------------------------------------------
// Thread-exit tracking: lets a worker wait until *another worker's thread*
// has ended (after everything that thread did once its worker returned, such
// as sending the result somewhere).

/// Which workers' threads have exited; shared by all workers of one call.
struct Exits {
    state: Mutex<ExitsState>,
    changed: Condvar,
}

struct ExitsState {
    exited: Vec<bool>,
    gave_up: bool,
}

/// Marks a worker's thread as exited when that thread's locals are destroyed.
struct ExitSignal {
    exits: Arc<Exits>,
    worker: usize,
}

impl Drop for ExitSignal {
    fn drop(&mut self) {
        let mut state = lock(&self.exits.state);
        if let Some(flag) = state.exited.get_mut(self.worker) {
            *flag = true;
        }
        self.exits.changed.notify_all();
    }
}

thread_local! {
    static EXIT_SIGNAL: RefCell<Option<ExitSignal>> = const { RefCell::new(None) };
}

impl Exits {
    fn new(n: usize) -> Arc<Exits> {
        Arc::new(Exits {
            state: Mutex::new(ExitsState {
                exited: vec![false; n],
                gave_up: false,
            }),
            changed: Condvar::new(),
        })
    }

    /// Worker `worker` runs on the current thread: flag it once the thread ends.
    fn exit_with_thread(self: &Arc<Self>, worker: usize) {
        let previous = EXIT_SIGNAL.with(|slot| {
            slot.borrow_mut().replace(ExitSignal {
                exits: Arc::clone(self),
                worker,
            })
        });
        drop(previous);
    }

    /// Waits until the thread of `worker` has exited. Gives up (for every
    /// later waiter too) when patience runs out: the workers were then
    /// provably not all running at once, and nothing is forced any more.
    fn wait_for_exit(&self, worker: usize) {
        let state = lock(&self.state);
        let deadline = Instant::now() + PATIENCE;
        let mut state = wait_until(&self.changed, state, deadline, |s| {
            !s.exited[worker] && !s.gave_up
        });
        if !state.exited[worker] {
            state.gave_up = true;
            self.changed.notify_all();
        }
    }

    fn gave_up(&self) -> bool {
        lock(&self.state).gave_up
    }
}

// ---------------------------------------------------------------------------
// Task 1: spawn_workers(n, worker: fn(usize))
// `worker` is a plain function pointer, so these workers talk to the check
// through statics (one check runs per process).

static RAN: Mutex<Vec<(usize, ThreadId)>> = Mutex::new(Vec::new());

fn recording_worker(i: usize) {
    lock(&RAN).push((i, thread::current().id()));
}

fn spawn_workers_runs_each_worker(ctx: &mut Ctx) -> CheckResult {
    within(CALL_LIMIT, "spawn_workers(0, worker)", || {
        threads::spawn_workers(0, recording_worker)
    })?;
    let calls = std::mem::take(&mut *lock(&RAN)).len();
    ensure!(
        calls == 0,
        t!(
            "spawn_workers(0, worker) must not call worker at all, but it called it {calls} time(s)",
            "spawn_workers(0, worker)는 worker를 한 번도 호출하지 않아야 하는데, {calls}번 호출했습니다"
        )
    );

    let n = ctx.rng().random_range(1..=8);
    let caller = within(
        CALL_LIMIT,
        format!("spawn_workers({n}, worker)"),
        move || {
            threads::spawn_workers(n, recording_worker);
            thread::current().id()
        },
    )?;
    let ran = std::mem::take(&mut *lock(&RAN));
    let indices: Vec<usize> = ran.iter().map(|&(i, _)| i).collect();
    if let Some(problem) = coverage_problems(n, &indices) {
        fail!(
            "{}{problem}{}",
            t!(
                "spawn_workers({n}, worker) must have called worker(i) exactly once for every i in \
                 0..{n} by the time it returns, but ",
                "spawn_workers({n}, worker)는 반환할 때까지 0..{n}의 모든 i에 대해 worker(i)를 \
                 정확히 한 번씩 호출했어야 하는데, "
            ),
            t!(
                ". Start one thread per worker, then join every JoinHandle before returning.",
                ". 워커마다 스레드를 하나씩 시작한 다음, 반환하기 전에 모든 JoinHandle을 조인하세요."
            )
        );
    }
    if let Some(&(i, _)) = ran.iter().find(|&&(_, id)| id == caller) {
        fail!(t!(
            "worker({i}) ran on the thread that called spawn_workers: each worker must run on a \
             new thread (thread::spawn(move || worker(i)))",
            "worker({i})가 spawn_workers를 호출한 스레드에서 실행되었습니다: 각 워커는 새 \
             스레드에서 실행되어야 합니다(thread::spawn(move || worker(i)))"
        ));
    }
    let mut seen: Vec<(ThreadId, usize)> = Vec::new();
    for &(i, id) in &ran {
        if let Some(&(_, j)) = seen.iter().find(|&&(other, _)| other == id) {
            fail!(t!(
                "worker({j}) and worker({i}) ran on the same thread: each worker needs a thread \
                 of its own",
                "worker({j}), worker({i})가 같은 스레드에서 실행되었습니다: 워커마다 자기만의 \
                 스레드가 필요합니다"
            ));
        }
        seen.push((id, i));
    }
    Ok(())
}

/// The workers of `spawn_workers_waits_for_all` and what the check saw.
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

struct GateState {
    /// Workers that reached the gate.
    parked: usize,
    /// Whether the check let them through.
    open: bool,
    /// Workers that went through and returned.
    finished: usize,
    /// `finished` at the moment `spawn_workers` returned.
    returned_with: Option<usize>,
    /// `spawn_workers` panicked (a `todo!()` stub, for example).
    call_panic: Option<Box<dyn Any + Send>>,
}

static GATE: Gate = Gate {
    state: Mutex::new(GateState {
        parked: 0,
        open: false,
        finished: 0,
        returned_with: None,
        call_panic: None,
    }),
    changed: Condvar::new(),
};

fn gated_worker(_i: usize) {
    let state = lock(&GATE.state);
    let mut state = wait_until_open(state);
    state.finished += 1;
    GATE.changed.notify_all();
}

fn wait_until_open(mut state: MutexGuard<'_, GateState>) -> MutexGuard<'_, GateState> {
    state.parked += 1;
    GATE.changed.notify_all();
    while !state.open {
        state = GATE
            .changed
            .wait(state)
            .unwrap_or_else(PoisonError::into_inner);
    }
    state
}

fn spawn_workers_waits_for_all(ctx: &mut Ctx) -> CheckResult {
    /// How long a function that does not wait gets to return once all its
    /// workers are parked (it has nothing left to do but return).
    const GRACE: Duration = Duration::from_secs(1);
    let n = ctx.rng().random_range(2..=8);
    thread::Builder::new()
        .name("check: spawn_workers".to_string())
        .spawn(move || {
            let outcome = panic::catch_unwind(|| threads::spawn_workers(n, gated_worker));
            let mut state = lock(&GATE.state);
            match outcome {
                Ok(()) => state.returned_with = Some(state.finished),
                Err(payload) => state.call_panic = Some(payload),
            }
            GATE.changed.notify_all();
        })
        .map_err(|e| {
            fail_now(t!(
                "could not start a thread: {e}",
                "스레드를 시작할 수 없습니다: {e}"
            ))
        })?;

    let ended = |s: &GateState| s.returned_with.is_some() || s.call_panic.is_some();
    let state = lock(&GATE.state);
    // Until every worker is parked at the gate (or the call ended)...
    let state = wait_until(
        &GATE.changed,
        state,
        Instant::now() + PATIENCE,
        |s: &GateState| !ended(s) && s.parked < n,
    );
    // ...then a little longer: a function that does not join returns now.
    let mut state = wait_until(&GATE.changed, state, Instant::now() + GRACE, |s| !ended(s));
    let returned_early = state.returned_with;
    state.open = true;
    GATE.changed.notify_all();
    if let Some(payload) = state.call_panic.take() {
        drop(state);
        panic::resume_unwind(payload);
    }
    if let Some(finished) = returned_early {
        fail!(t!(
            "spawn_workers({n}, worker) returned while its workers were still running: when it \
             returned, {finished} of {n} workers had finished (the check held them inside \
             worker(i)). Keep every JoinHandle and join each one before returning; a thread \
             nobody joins may be cut off when the program exits.",
            "spawn_workers({n}, worker)는 워커가 아직 실행 중일 때 반환했습니다: 반환할 때 워커 \
             {n}개 중 {finished}개만 끝나 있었습니다(검사가 워커를 worker(i) 안에 붙잡아 \
             두었습니다). 모든 JoinHandle을 보관하고 반환하기 전에 하나씩 조인하세요. 아무도 \
             조인하지 않은 스레드는 프로그램이 끝날 때 작업 도중에 끊길 수 있습니다."
        ));
    }
    let mut state = wait_until(&GATE.changed, state, Instant::now() + CALL_LIMIT, |s| {
        !ended(s)
    });
    if let Some(payload) = state.call_panic.take() {
        drop(state);
        panic::resume_unwind(payload);
    }
    let Some(finished) = state.returned_with else {
        let finished = state.finished;
        fail!(t!(
            "spawn_workers({n}, worker) did not return within {:.0} s after all {} of its \
             workers had finished: is it waiting for something that never happens?",
            "spawn_workers({n}, worker)는 워커 {1}개가 모두 끝난 뒤 {0:.0}초 안에 반환하지 \
             않았습니다: 일어나지 않을 무언가를 기다리고 있지 않나요?",
            CALL_LIMIT.as_secs_f64(),
            finished
        ));
    };
    ensure!(
        finished == n,
        t!(
            "spawn_workers({n}, worker) returned when only {finished} of its {n} workers had \
             finished: join every JoinHandle before returning",
            "spawn_workers({n}, worker)는 워커 {n}개 중 {finished}개만 끝났을 때 반환했습니다: \
             반환하기 전에 모든 JoinHandle을 조인하세요"
        )
    );
    Ok(())
}

fn fail_now(message: String) -> Stop {
    Stop::Fail(threadlings_kit::Failure::new(message))
}

static SPAWN_RENDEZVOUS: OnceLock<Rendezvous> = OnceLock::new();
static SPAWN_IN_FLIGHT: OnceLock<InFlight> = OnceLock::new();

fn meeting_worker(_i: usize) {
    let _running = SPAWN_IN_FLIGHT.get().map(InFlight::enter);
    if let Some(rendezvous) = SPAWN_RENDEZVOUS.get() {
        rendezvous.arrive();
    }
}

fn spawn_workers_run_concurrently(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(2..=8);
    let rendezvous = SPAWN_RENDEZVOUS.get_or_init(|| Rendezvous::new(n, PATIENCE));
    let in_flight = SPAWN_IN_FLIGHT.get_or_init(InFlight::new);
    within(
        RENDEZVOUS_LIMIT,
        format!("spawn_workers({n}, worker)"),
        move || threads::spawn_workers(n, meeting_worker),
    )?;
    concurrency_verdict(
        &format!("spawn_workers({n}, worker)"),
        n,
        rendezvous,
        in_flight,
    )
}

/// The verdict of a rendezvous of `n` workers, with the peak seen running.
fn concurrency_verdict(
    call: &str,
    n: usize,
    rendezvous: &Rendezvous,
    in_flight: &InFlight,
) -> CheckResult {
    let arrived = rendezvous.arrived();
    ensure!(
        arrived >= n,
        t!(
            "{call} ran only {arrived} of its {n} workers before returning",
            "{call}은(는) 반환하기 전에 워커 {n}개 중 {arrived}개만 실행했습니다"
        )
    );
    let peak = in_flight.peak();
    ensure!(
        rendezvous.met(),
        t!(
            "{call}: the {n} workers never ran at the same time (the most running at once was {}). \
             Start every thread first and only then join them: joining a thread right after \
             spawning it waits for it to finish before the next one starts.",
            "{call}: 워커 {n}개가 한 번도 동시에 실행되지 않았습니다(한꺼번에 실행 중이던 최대 \
             수는 {}개였습니다). 모든 스레드를 먼저 시작하고 그다음에야 조인하세요: 스레드를 \
             생성하자마자 조인하면 다음 스레드가 시작되기 전에 그 스레드가 끝나기를 기다리게 \
             됩니다.",
            peak
        )
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Task 2: run_workers

fn results_in_worker_order(ctx: &mut Ctx) -> CheckResult {
    let none = within(CALL_LIMIT, "run_workers(0, ..)", || {
        threads::run_workers(0, |i| i)
    })?;
    ensure_eq!(
        none,
        Vec::<usize>::new(),
        t!(
            "run_workers(0, ..) starts no worker",
            "run_workers(0, ..)는 워커를 하나도 시작하지 않습니다"
        )
    );
    let one = within(CALL_LIMIT, "run_workers(1, ..)", || {
        threads::run_workers(1, |i| i + 41)
    })?;
    ensure_eq!(one, vec![41], "run_workers(1, |i| i + 41)");

    let n = ctx.rng().random_range(3..=8);
    let salts: Vec<u32> = (0..n).map(|_| ctx.rng().random_range(0..1000)).collect();
    let expected: Vec<String> = (0..n).map(|i| format!("w{i}:{}", salts[i])).collect();
    let exits = Exits::new(n);
    let worker_exits = Arc::clone(&exits);
    let got = within(CALL_LIMIT, format!("run_workers({n}, ..)"), move || {
        threads::run_workers(n, move |i| {
            worker_exits.exit_with_thread(i);
            // Force the finishing order: worker i returns only after the
            // thread of worker i + 1 has ended, so they finish last to first.
            if i + 1 < n {
                worker_exits.wait_for_exit(i + 1);
            }
            format!("w{i}:{}", salts[i])
        })
    })?;
    if got != expected {
        let mut sorted_got = got.clone();
        sorted_got.sort();
        let mut sorted_expected = expected.clone();
        sorted_expected.sort();
        let forced = !exits.gave_up();
        let message = if got.len() != n {
            let results = got.len();
            t!(
                "run_workers({n}, worker) returned {} results; expected one per worker, \
                 result[i] = worker(i)",
                "run_workers({n}, worker)가 결과를 {}개 반환했습니다: 워커마다 하나씩, \
                 result[i] = worker(i)여야 합니다",
                results
            )
        } else if sorted_got == sorted_expected && forced {
            let last = n - 1;
            t!(
                "run_workers({n}, worker) returned the results in the order the workers \
                 finished, not in worker order. In this run the workers finished last to first \
                 (worker {} first, worker 0 last). result[i] must be worker(i)'s result: keep \
                 the JoinHandles in spawn order and join them in that order.",
                "run_workers({n}, worker)가 결과를 워커 순서가 아니라 워커가 끝난 순서대로 \
                 반환했습니다. 이번 실행에서 워커는 마지막 것부터 거꾸로 끝났습니다(워커 {}이(가) \
                 가장 먼저, 워커 0이 가장 나중에). result[i]는 worker(i)의 결과여야 합니다: \
                 JoinHandle을 생성한 순서대로 보관하고 그 순서대로 조인하세요.",
                last
            )
        } else {
            t!(
                "run_workers({n}, worker) must return worker(i)'s result at index i (the check's \
                 worker {{i}} returns \"w{{i}}:<number>\")",
                "run_workers({n}, worker)는 worker(i)의 결과를 인덱스 i에 돌려주어야 합니다(검사의 \
                 워커 {{i}}은(는) \"w{{i}}:<number>\"를 반환합니다)"
            )
        };
        return Err(Stop::Fail(
            threadlings_kit::Failure::new(message)
                .expected(format!("{expected:?}"))
                .actual(format!("{got:?}")),
        ));
    }
    Ok(())
}

fn workers_run_concurrently(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(2..=8);
    let rendezvous = Arc::new(Rendezvous::new(n, PATIENCE));
    let in_flight = Arc::new(InFlight::new());
    let (probe, counter) = (Arc::clone(&rendezvous), Arc::clone(&in_flight));
    let call = format!("run_workers({n}, ..)");
    within(RENDEZVOUS_LIMIT, &call, move || {
        threads::run_workers(n, move |_| {
            let _running = counter.enter();
            probe.arrive()
        })
    })?;
    concurrency_verdict(&call, n, &rendezvous, &in_flight)
}

// ---------------------------------------------------------------------------
// Task 3: process_chunks

/// Not `Clone`: the only way to get it into a thread is to move it there.
#[derive(Debug, PartialEq)]
struct Token(u32);

fn chunks_moved_and_in_order(ctx: &mut Ctx) -> CheckResult {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let empty = within(CALL_LIMIT, "process_chunks(vec![], 3, f)", move || {
        threads::process_chunks(Vec::<Token>::new(), 3, move |chunk: Vec<Token>| {
            counter.fetch_add(1, Ordering::SeqCst);
            chunk.len()
        })
    })?;
    let called = calls.load(Ordering::SeqCst);
    ensure!(
        empty.is_empty() && called == 0,
        t!(
            "process_chunks(vec![], 3, f) must return an empty Vec without calling f, but returned \
             {empty:?} after calling f {} time(s)",
            "process_chunks(vec![], 3, f)는 f를 호출하지 않고 빈 Vec을 반환해야 하는데, f를 {}번 \
             호출한 뒤 {empty:?}을(를) 반환했습니다",
            called
        )
    );

    // At least two chunks, so that "one thread for everything" shows.
    let chunk_size = ctx.rng().random_range(1..=6);
    let len = ctx.rng().random_range(chunk_size + 1..=40);
    let values: Vec<u32> = (0..len)
        .map(|_| ctx.rng().random_range(0..10_000))
        .collect();
    let expected: Vec<Vec<u32>> = values.chunks(chunk_size).map(<[u32]>::to_vec).collect();
    let data: Vec<Token> = values.iter().map(|&v| Token(v)).collect();
    let call = format!("process_chunks(<{len} items>, {chunk_size}, f)");
    let (caller, got) = within(CALL_LIMIT, &call, move || {
        let got = threads::process_chunks(data, chunk_size, |chunk: Vec<Token>| {
            let values: Vec<u32> = chunk.into_iter().map(|t| t.0).collect();
            (thread::current().id(), values)
        });
        (thread::current().id(), got)
    })?;
    let chunks: Vec<Vec<u32>> = got.iter().map(|(_, chunk)| chunk.clone()).collect();
    ensure_eq!(
        chunks,
        expected,
        t!(
            "{call} must call f once per chunk of {chunk_size} items, in order (the last chunk may \
             be shorter), and return f's results in chunk order",
            "{call}은(는) 항목 {chunk_size}개짜리 조각마다 f를 순서대로 한 번씩 호출하고(마지막 \
             조각은 더 짧을 수 있습니다), f의 결과를 조각 순서대로 반환해야 합니다"
        )
    );
    ensure!(
        got.iter().all(|(id, _)| *id != caller),
        t!(
            "{call} ran f on the calling thread: move each chunk into a new thread and call f there",
            "{call}이(가) f를 자기를 호출한 스레드에서 실행했습니다: 각 조각을 새 스레드로 옮기고 \
             그 스레드에서 f를 호출하세요"
        )
    );
    let threads_used: HashSet<ThreadId> = got.iter().map(|(id, _)| *id).collect();
    let (processed, used) = (got.len(), threads_used.len());
    ensure!(
        used == processed,
        t!(
            "{call} processed {} chunks on only {} thread(s): each chunk needs a thread of its own",
            "{call}이(가) 조각 {}개를 스레드 {}개에서만 처리했습니다: 조각마다 자기만의 스레드가 \
             필요합니다",
            processed,
            used
        )
    );
    Ok(())
}

fn chunks_run_concurrently(ctx: &mut Ctx) -> CheckResult {
    let chunks = ctx.rng().random_range(2..=6);
    let chunk_size = ctx.rng().random_range(1..=4);
    let len = (chunks - 1) * chunk_size + ctx.rng().random_range(1..=chunk_size);
    let rendezvous = Arc::new(Rendezvous::new(chunks, PATIENCE));
    let in_flight = Arc::new(InFlight::new());
    let (probe, counter) = (Arc::clone(&rendezvous), Arc::clone(&in_flight));
    let data: Vec<Token> = (0..len as u32).map(Token).collect();
    let call = format!("process_chunks(<{len} items>, {chunk_size}, f)");
    within(RENDEZVOUS_LIMIT, &call, move || {
        threads::process_chunks(data, chunk_size, move |chunk: Vec<Token>| {
            let _running = counter.enter();
            probe.arrive();
            chunk.len()
        })
    })?;
    let arrived = rendezvous.arrived();
    ensure!(
        arrived == chunks,
        t!(
            "{call} must call f once per chunk ({chunks} chunks), but called it {arrived} time(s)",
            "{call}은(는) 조각마다 f를 한 번씩(조각 {chunks}개) 호출해야 하는데, {arrived}번 \
             호출했습니다"
        )
    );
    let peak = in_flight.peak();
    ensure!(
        rendezvous.met(),
        t!(
            "{call}: the {chunks} chunks were never processed at the same time (the most at once \
             was {}). Spawn one thread per chunk, moving the chunk in, and join them only after \
             all are started.",
            "{call}: 조각 {chunks}개가 한 번도 동시에 처리되지 않았습니다(한꺼번에 처리 중이던 \
             최대 수는 {}개였습니다). 조각마다 스레드를 하나씩 생성해 조각을 옮겨 넣고, 모두 \
             시작한 뒤에만 조인하세요.",
            peak
        )
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Task 4: run_named

// data: thread-name prefixes passed to run_named and compared with the threads' names
const PREFIXES: &[&str] = &["fetch", "render", "io", "crawler", "db-writer", "job"];

fn threads_are_named(ctx: &mut Ctx) -> CheckResult {
    let prefix = format!(
        "{}{}",
        PREFIXES[ctx.rng().random_range(0..PREFIXES.len())],
        ctx.rng().random_range(1..100)
    );
    let n = ctx.rng().random_range(1..=6);
    let call = format!("run_named({prefix:?}, {n}, ..)");
    let name = prefix.clone();
    let got = within(CALL_LIMIT, &call, move || {
        threads::run_named(&name, n, |i| {
            (i, thread::current().name().map(str::to_string))
        })
    })?;
    let indices: Vec<usize> = got.iter().map(|(i, _)| *i).collect();
    ensure_eq!(
        indices,
        (0..n).collect::<Vec<_>>(),
        t!(
            "{call} must return worker(i)'s result at index i",
            "{call}은(는) worker(i)의 결과를 인덱스 i에 돌려주어야 합니다"
        )
    );
    let names: Vec<Option<String>> = got.into_iter().map(|(_, name)| name).collect();
    let expected: Vec<Option<String>> = (0..n).map(|i| Some(format!("{prefix}-{i}"))).collect();
    if names != expected {
        let hint = if names.iter().any(Option::is_none) {
            t!(
                "some workers ran on unnamed threads: thread::spawn cannot name a thread, \
                 thread::Builder::new().name(..).spawn(..) can",
                "이름 없는 스레드에서 실행된 워커가 있습니다: thread::spawn으로는 스레드에 이름을 \
                 붙일 수 없고, thread::Builder::new().name(..).spawn(..)으로는 붙일 수 있습니다"
            )
        } else {
            // `{prefix}-{i}` is the pattern, shown as it is (not filled in)
            t!(
                "worker i must run on a thread named \"{{prefix}}-{{i}}\"",
                "워커 i는 \"{{prefix}}-{{i}}\"라는 이름의 스레드에서 실행되어야 합니다"
            )
        };
        return Err(Stop::Fail(
            threadlings_kit::Failure::new(format!("{call}: {hint}"))
                .expected(format!("{expected:?}"))
                .actual(format!("{names:?}")),
        ));
    }
    Ok(())
}

fn named_workers_run_concurrently(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(2..=6);
    let rendezvous = Arc::new(Rendezvous::new(n, PATIENCE));
    let in_flight = Arc::new(InFlight::new());
    let (probe, counter) = (Arc::clone(&rendezvous), Arc::clone(&in_flight));
    let call = format!("run_named(\"meet\", {n}, ..)");
    within(RENDEZVOUS_LIMIT, &call, move || {
        threads::run_named("meet", n, move |_| {
            let _running = counter.enter();
            probe.arrive()
        })
    })?;
    concurrency_verdict(&call, n, &rendezvous, &in_flight)
}

// ---------------------------------------------------------------------------
// Task 5: run_workers_catching

/// How a check worker panics.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Panic {
    /// `panic!("literal")`: a `&'static str` payload.
    Str(&'static str),
    /// `panic!("... {x}")`: a `String` payload.
    Text(u32),
    /// `panic_any(42)`: neither.
    Number(u32),
}

/// Panic payloads of the check's workers, expected back as `Err(message)`.
const LITERALS: &[&str] = &[
    "disk full",        // data: a worker's panic payload
    "connection reset", // data: a worker's panic payload
    "out of cheese",    // data: a worker's panic payload
    "bad input",        // data: a worker's panic payload
];

impl Panic {
    fn raise(self, worker: usize) -> ! {
        match self {
            Panic::Str(text) => panic::panic_any(text),
            Panic::Text(code) => {
                // data: a worker's panic payload
                panic::panic_any(format!("worker {worker} failed with code {code}"))
            }
            Panic::Number(code) => panic::panic_any(code),
        }
    }

    fn expected_message(self, worker: usize) -> String {
        match self {
            Panic::Str(text) => text.to_string(),
            // data: the payload, expected back as the message
            Panic::Text(code) => format!("worker {worker} failed with code {code}"),
            // data: the message the exercise specifies for a payload that is not text
            Panic::Number(_) => "unknown panic".to_string(),
        }
    }

    fn describe(self, worker: usize) -> String {
        match self {
            Panic::Str(text) => t!(
                "worker {worker} panicked with panic!({text:?}): the payload is a &'static str, \
                 read it with payload.downcast_ref::<&str>()",
                "워커 {worker}이(가) panic!({text:?})으로 패닉했습니다: 페이로드가 &'static \
                 str이므로 payload.downcast_ref::<&str>()로 읽으세요"
            ),
            Panic::Text(code) => t!(
                "worker {worker} panicked with panic!(\"worker {{i}} failed with code {code}\"): the payload is a String, read it with payload.downcast_ref::<String>()",
                "워커 {worker}이(가) panic!(\"worker {{i}} failed with code {code}\")으로 \
                 패닉했습니다: 페이로드가 String이므로 payload.downcast_ref::<String>()으로 \
                 읽으세요"
            ),
            Panic::Number(code) => t!(
                "worker {worker} panicked with panic_any({code}u32), a payload that is not \
                 text: its message must be \"unknown panic\"",
                "워커 {worker}이(가) 텍스트가 아닌 페이로드인 panic_any({code}u32)로 \
                 패닉했습니다: 그 메시지는 \"unknown panic\"이어야 합니다"
            ),
        }
    }
}

/// Runs `run_workers_catching`, turning a panic *of the call itself* (not of
/// a worker) into a failure that explains what to do instead.
fn call_catching(
    call: &str,
    n: usize,
    worker: impl Fn(usize) -> u64 + Send + Sync + 'static,
) -> Result<Vec<Result<u64, String>>, Stop> {
    let outcome = within(CALL_LIMIT, call, move || {
        panic::catch_unwind(AssertUnwindSafe(|| {
            threads::run_workers_catching(n, worker)
        }))
    })?;
    match outcome {
        Ok(results) => Ok(results),
        Err(payload) => {
            let message = panic_text(payload.as_ref());
            // data: the panic message of todo!()
            if message.starts_with("not yet implemented") {
                panic::resume_unwind(payload);
            }
            fail!(t!(
                "{call} panicked itself ({message:?}) because one of its workers panicked. \
                 `join` returns Err(payload) for a worker that panicked: turn it into \
                 Err(message) for that worker instead of unwrapping it, and keep joining the \
                 others.",
                "워커 하나가 패닉했다고 {call} 자체가 패닉했습니다({message:?}). 패닉한 워커에 \
                 대해 `join`은 Err(payload)를 돌려줍니다: 그것을 unwrap하지 말고 그 워커의 \
                 Err(message)로 바꾼 다음, 나머지 워커도 계속 조인하세요."
            ))
        }
    }
}

fn panicking_worker_is_reported(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..=8);
    // At least one worker panics and at least one does not.
    let mut order: Vec<usize> = (0..n).collect();
    order.shuffle(ctx.rng());
    let panickers = ctx.rng().random_range(1..n);
    let mut plan: Vec<Option<Panic>> = vec![None; n];
    for (k, &i) in order[..panickers].iter().enumerate() {
        let kind = match k % 3 {
            0 => Panic::Str(LITERALS[ctx.rng().random_range(0..LITERALS.len())]),
            1 => Panic::Text(ctx.rng().random_range(1..1000)),
            _ => Panic::Number(ctx.rng().random_range(1..1000)),
        };
        plan[i] = Some(kind);
    }
    let salt: u64 = ctx.rng().random_range(1..1000);
    let expected: Vec<Result<u64, String>> = (0..n)
        .map(|i| match plan[i] {
            Some(kind) => Err(kind.expected_message(i)),
            None => Ok(i as u64 * 1000 + salt),
        })
        .collect();
    let call = format!("run_workers_catching({n}, ..)");
    let worker_plan = plan.clone();
    let got = call_catching(&call, n, move |i| match worker_plan[i] {
        Some(kind) => kind.raise(i),
        None => i as u64 * 1000 + salt,
    })?;
    if got == expected {
        return Ok(());
    }
    let message = if got.len() != n {
        let results = got.len();
        t!(
            "{call} returned {} results; expected one per worker (Err for each worker that \
             panicked, Ok for the others)",
            "{call}이(가) 결과를 {}개 반환했습니다: 워커마다 하나씩이어야 합니다(패닉한 워커는 \
             Err, 나머지 워커는 Ok)",
            results
        )
    } else {
        let i = (0..n).find(|&i| got[i] != expected[i]).unwrap_or(0);
        match (plan[i], &got[i]) {
            (Some(kind), Err(_)) => format!("{call}: {}", kind.describe(i)),
            // the description is a sentence of its own: the message is built from pieces
            (Some(kind), Ok(_)) => format!(
                "{} ({})",
                t!(
                    "{call}: worker {i} panicked but its slot holds Ok(..); it must hold \
                     Err(message)",
                    "{call}: 워커 {i}이(가) 패닉했는데 그 자리에 Ok(..)가 들어 있습니다: \
                     Err(message)가 들어 있어야 합니다"
                ),
                kind.describe(i)
            ),
            (None, _) => t!(
                "{call}: worker {i} did not panic, so its slot must hold Ok(worker({i})) in \
                 worker order",
                "{call}: 워커 {i}은(는) 패닉하지 않았으므로, 워커 순서에 따른 그 자리에는 \
                 Ok(worker({i}))가 들어 있어야 합니다"
            ),
        }
    };
    Err(Stop::Fail(
        threadlings_kit::Failure::new(message)
            .expected(format!("{expected:?}"))
            .actual(format!("{got:?}")),
    ))
}

fn other_workers_still_finish(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..=8);
    // Never the last worker: answers that stop at the first panic must show.
    let panicker = ctx.rng().random_range(0..n - 1);
    let message = LITERALS[ctx.rng().random_range(0..LITERALS.len())];
    let exits = Exits::new(n);
    let finished = Arc::new(AtomicUsize::new(0));
    let (worker_exits, worker_finished) = (Arc::clone(&exits), Arc::clone(&finished));
    let call = format!("run_workers_catching({n}, ..)");
    let (got, finished_at_return) = {
        let finished = Arc::clone(&finished);
        let results = call_catching(&call, n, move |i| {
            if i == panicker {
                worker_exits.exit_with_thread(i);
                panic::panic_any(message);
            }
            // The others finish only after the panicking worker's thread
            // has ended: they outlive the panic.
            worker_exits.wait_for_exit(panicker);
            worker_finished.fetch_add(1, Ordering::SeqCst);
            i as u64
        })?;
        (results, finished.load(Ordering::SeqCst))
    };
    let expected: Vec<Result<u64, String>> = (0..n)
        .map(|i| {
            if i == panicker {
                Err(message.to_string())
            } else {
                Ok(i as u64)
            }
        })
        .collect();
    ensure_eq!(
        got,
        expected,
        t!(
            "{call}: worker {panicker} panicked first, and the {} others kept running and finished \
             afterwards. Every worker gets a slot, in worker order: keep joining the remaining \
             handles after one returns Err",
            "{call}: 워커 {panicker}이(가) 먼저 패닉했고, 나머지 {}개는 계속 실행되어 그 뒤에 \
             끝났습니다. 모든 워커는 워커 순서대로 자리를 하나씩 받습니다: 한 핸들이 Err를 \
             반환한 뒤에도 남은 핸들을 계속 조인하세요",
            n - 1
        )
    );
    ensure!(
        finished_at_return == n - 1,
        t!(
            "{call} returned while {} of the {} workers that did not panic were still running: join \
             every handle before returning",
            "{call}이(가) 패닉하지 않은 워커 {1}개 중 {0}개가 아직 실행 중일 때 반환했습니다: \
             반환하기 전에 모든 핸들을 조인하세요",
            n - 1 - finished_at_return,
            n - 1
        )
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// Task 6: count_in_parallel (scoped threads)

fn scoped_count_is_correct(ctx: &mut Ctx) -> CheckResult {
    let mut cases: Vec<(usize, usize)> = vec![(0, ctx.rng().random_range(1..=4))];
    let threads_few = ctx.rng().random_range(3..=8);
    cases.push((ctx.rng().random_range(1..threads_few), threads_few));
    cases.push((ctx.rng().random_range(1..=200), 1));
    for _ in 0..3 {
        cases.push((
            ctx.rng().random_range(1..=200),
            ctx.rng().random_range(2..=8),
        ));
    }
    for (len, threads) in cases {
        let divisor: i64 = ctx.rng().random_range(2..=5);
        let data: Vec<i64> = (0..len)
            .map(|_| ctx.rng().random_range(-1000..1000))
            .collect();
        let expected = data.iter().filter(|&&x| x % divisor == 0).count();
        let call = format!("count_in_parallel(<{len} numbers>, {threads}, |x| x % {divisor} == 0)");
        let outcome = within(CALL_LIMIT, &call, move || {
            let calls = AtomicUsize::new(0);
            let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
                threads::count_in_parallel(&data, threads, |x| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    x % divisor == 0
                })
            }));
            outcome.map(|count| (count, calls.into_inner()))
        })?;
        let (count, calls) = match outcome {
            Ok(found) => found,
            Err(payload) => {
                let message = panic_text(payload.as_ref());
                // data: the panic message of todo!()
                if message.starts_with("not yet implemented") {
                    panic::resume_unwind(payload);
                }
                if len == 0 {
                    fail!(t!(
                        "{call} panicked: {message:?} (an empty slice must count 0; note that \
                         data.chunks(0) panics)",
                        "{call}이(가) 패닉했습니다: {message:?} (빈 슬라이스에서는 0을 세어야 \
                         합니다. data.chunks(0)은 패닉한다는 점에 주의하세요)"
                    ));
                }
                fail!(t!(
                    "{call} panicked: {message:?}",
                    "{call}이(가) 패닉했습니다: {message:?}"
                ));
            }
        };
        ensure_eq!(
            count,
            expected,
            t!(
                "{call} returned a wrong count",
                "{call}이(가) 잘못된 개수를 반환했습니다"
            )
        );
        ensure!(
            calls == len,
            t!(
                "{call} must call pred exactly once per element ({len} times), but called it {calls} \
                 times",
                "{call}은(는) 원소마다 pred를 정확히 한 번씩({len}번) 호출해야 하는데, {calls}번 \
                 호출했습니다"
            )
        );
    }
    Ok(())
}

fn scoped_parts_run_concurrently(ctx: &mut Ctx) -> CheckResult {
    let threads = ctx.rng().random_range(2..=6);
    let per_part = ctx.rng().random_range(1..=10);
    let len = threads * per_part;
    let call = format!("count_in_parallel(<{len} numbers>, {threads}, pred)");
    let (count, met, parts, peak) = within(RENDEZVOUS_LIMIT, &call, move || {
        let data: Vec<u32> = (0..len as u32).collect();
        let rendezvous = Rendezvous::new(threads, PATIENCE);
        let in_flight = InFlight::new();
        let seen: Mutex<HashSet<ThreadId>> = Mutex::new(HashSet::new());
        // pred's first call on each thread meets the others there: the
        // rendezvous completes only if `threads` parts are counted at once.
        let count = threads::count_in_parallel(&data, threads, |x| {
            let first_on_this_thread = lock(&seen).insert(thread::current().id());
            if first_on_this_thread {
                let _running = in_flight.enter();
                rendezvous.arrive();
            }
            x % 2 == 0
        });
        let parts = lock(&seen).len();
        (count, rendezvous.met(), parts, in_flight.peak())
    })?;
    ensure_eq!(
        count,
        len.div_ceil(2),
        t!(
            "{call} returned a wrong count",
            "{call}이(가) 잘못된 개수를 반환했습니다"
        )
    );
    ensure!(
        parts >= threads,
        t!(
            "{call} counted on only {parts} thread(s): split the data into {threads} parts and count \
             each part on its own scoped thread",
            "{call}이(가) 스레드 {parts}개에서만 셌습니다: 데이터를 {threads}개 부분으로 나누고, \
             부분마다 자기만의 스코프 스레드에서 세세요"
        )
    );
    ensure!(
        met,
        t!(
            "{call}: the {threads} parts were never counted at the same time (the most at once was \
             {peak}). Spawn all scoped threads first (keep their handles, or let the scope join them) \
             instead of joining each one right after spawning it.",
            "{call}: {threads}개 부분이 한 번도 동시에 세어지지 않았습니다(한꺼번에 세던 최대 수는 \
             {peak}개였습니다). 스코프 스레드를 하나씩 생성하자마자 조인하지 말고, 먼저 모두 \
             생성하세요(핸들을 보관하거나, 스코프가 조인하게 두세요)."
        )
    );
    Ok(())
}
