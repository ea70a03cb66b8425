//! Linearizability checks of exercise 12: the job queue against its
//! sequential specification.
//!
//! With **one** worker, the pool's queue is first-in first-out: the jobs start
//! in the order they were queued. Several callers queue jobs at once, so
//! "the order they were queued" is some one-at-a-time order of the
//! `execute`/`submit` calls that keeps a call that returned before another
//! was made in front of it, and the order the jobs started must be such an
//! order. No hand-written invariant says this: "every job runs once, its
//! result arrives" holds for a pool that takes the newest job first.
//!
//! The scenario: a `ThreadPool::new(1)`; init queues one job, 3 threads queue
//! 2 jobs each (`execute(job id)` or `submit(job id)`; the job appends its id
//! to a log as it starts), post drops the pool and returns the log. The model
//! is a FIFO queue: each call appends its id, `drop(pool)` returns them in
//! that order. Why 1 + 3 × 2 + 1 operations: seven jobs queued by three
//! callers at once are enough for two of them to wait in the queue while the
//! worker is busy or not yet awake, which is all a newest-first (or any other
//! non-FIFO) queue needs to show: wrong/lifo-queue fails in the first or
//! second stress execution (50 seeds of 50, also pinned to one core) and
//! shrinks to 3 operations, and in the first or second schedule explored
//! (20 of 20). Bigger costs more
//! than it finds: no call returns anything until `drop(pool)`, so the checker
//! (and the kit's check that a scenario cannot hang) walks every order of the
//! concurrent part, 90 here against 1680 for 3 × 3, which made a shuttle
//! schedule 8 times slower. Warm, on 2 loaded cores, the stress run (1000
//! executions) takes 1.1–1.8 s and the exploration (1000 schedules) 0.4–1.2 s.
//! The ids are drawn from 1..1000, so a result names its job.

use std::sync::{Arc, Mutex, PoisonError, RwLock};

use rand::Rng;
use thread_pool::ThreadPool;
use threadlings::sync::mpsc::Receiver;
use threadlings_kit::lin::{ChaCha8Rng, Lin, Part, Sizes, Spec};
use threadlings_kit::race::Explore;
use threadlings_kit::{CheckResult, Ctx, t};

#[derive(Clone, PartialEq, Eq)]
pub enum Op {
    /// `pool.execute(job)`; the job logs `id` as it starts.
    Execute(u32),
    /// `pool.submit(job)`; the job logs `id` as it starts and returns it.
    Submit(u32),
    /// `drop(pool)`, then the log: the ids in the order their jobs started.
    DropPool,
}

impl std::fmt::Debug for Op {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Op::Execute(id) => write!(f, "execute(job {id})"),
            Op::Submit(id) => write!(f, "submit(job {id})"),
            Op::DropPool => write!(f, "drop(pool)"),
        }
    }
}

#[derive(Clone, PartialEq, Eq)]
pub enum Ret {
    /// `execute` and `submit` return at once.
    Queued,
    /// What `drop(pool)` showed: the jobs in the order they started.
    Started(Vec<u32>),
}

impl std::fmt::Debug for Ret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ret::Queued => write!(f, "()"),
            // The words once, not once per list of ids: this is formatted for
            // every execution an exploration records.
            Ret::Started(ids) => write!(
                f,
                "{} {ids:?}",
                t!("jobs started in order", "작업이 시작한 순서")
            ),
        }
    }
}

/// The model: the ids queued so far, oldest first; `dropped` once the pool
/// is gone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fifo {
    queued: Vec<u32>,
    dropped: bool,
}

/// A pool of one worker and what its jobs logged.
///
/// The check's own locks are std's: `pool` is only ever read-locked while
/// the threads run (write-locked in the post part, after they have all
/// finished), and the log and receivers are held for a push, so none of them
/// can block a thread the facade schedules.
pub struct Subject {
    pool: RwLock<Option<ThreadPool>>,
    started: Arc<Mutex<Vec<u32>>>,
    /// The submitted jobs' receivers, kept until the pool is dropped (a
    /// result nobody can receive is not what this check is about).
    results: Mutex<Vec<Receiver<Result<u32, String>>>>,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What a job does: log its id. A failed exploration's interleaving shows
/// its start in the worker's column ("call job 7 starts"), so the order the
/// worker took the jobs in is there beside the calls that queued them. Only
/// the start: the interleaving keeps every call and return while they are at
/// most 24 steps (8 operations and 7 job starts are 23).
fn start(started: &Mutex<Vec<u32>>, id: u32) {
    threadlings::instrument::trace::call(|| format!("job {id} starts"));
    lock(started).push(id);
}

pub struct PoolSpec;

impl Spec for PoolSpec {
    type Subject = Subject;
    type Op = Op;
    type Ret = Ret;
    type State = Fifo;

    fn label(&self) -> String {
        "ThreadPool::new(1)".to_string()
    }

    fn subject(&self) -> Subject {
        Subject {
            pool: RwLock::new(Some(ThreadPool::new(1))),
            started: Arc::new(Mutex::new(Vec::new())),
            results: Mutex::new(Vec::new()),
        }
    }

    fn apply(&self, subject: &Subject, op: &Op) -> Ret {
        threadlings_kit::race::doing(|| format!("{op:?}"));
        match op {
            Op::Execute(id) | Op::Submit(id) => {
                let (id, started) = (*id, subject.started.clone());
                let pool = subject.pool.read().unwrap_or_else(PoisonError::into_inner);
                let Some(pool) = pool.as_ref() else {
                    return Ret::Queued; // after drop(pool): never generated
                };
                if matches!(op, Op::Execute(_)) {
                    pool.execute(move || start(&started, id));
                } else {
                    let result = pool.submit(move || {
                        start(&started, id);
                        id
                    });
                    lock(&subject.results).push(result);
                }
                Ret::Queued
            }
            Op::DropPool => {
                let pool = subject
                    .pool
                    .write()
                    .unwrap_or_else(PoisonError::into_inner)
                    .take();
                drop(pool);
                lock(&subject.results).clear();
                Ret::Started(lock(&subject.started).clone())
            }
        }
    }

    fn initial(&self) -> Fifo {
        Fifo {
            queued: Vec::new(),
            dropped: false,
        }
    }

    fn step(&self, state: &Fifo, op: &Op) -> Option<(Fifo, Ret)> {
        let mut next = state.clone();
        let ret = match op {
            Op::Execute(id) | Op::Submit(id) => {
                if !next.dropped {
                    next.queued.push(*id);
                }
                Ret::Queued
            }
            Op::DropPool => {
                next.dropped = true;
                Ret::Started(next.queued.clone())
            }
        };
        Some((next, ret))
    }

    fn generate(&self, rng: &mut ChaCha8Rng, part: Part) -> Op {
        let id = rng.random_range(1..1000);
        match part {
            Part::Post => Op::DropPool,
            _ if rng.random_bool(0.5) => Op::Execute(id),
            _ => Op::Submit(id),
        }
    }
}

/// 1 init, 3 threads × 2, 1 post: see the module docs.
const SIZES: Sizes = Sizes {
    init: 1,
    threads: 3,
    ops: 2,
    post: 1,
};

/// Stress: 1000 executions (a new scenario every 20), capped at 4 s.
pub fn job_queue_lin(ctx: &mut Ctx) -> CheckResult {
    Lin::new(PoolSpec).sizes(SIZES).rounds(1000).stress(ctx)
}

/// Exploration: 1000 shuttle schedules, a generated scenario each.
pub fn job_queue_lin_explore(ctx: &mut Ctx) -> CheckResult {
    Lin::new(PoolSpec).sizes(SIZES).explore(
        ctx,
        Explore::new(t!(
            "generated scenarios of a ThreadPool of 1",
            "워커 1개짜리 ThreadPool에서 생성한 시나리오들"
        ))
        .iterations(1000),
    )
}
