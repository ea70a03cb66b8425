//! The pool under the facade: stress (random pauses at every lock of the
//! job queue, every thread start and join) and schedule exploration
//! (shuttle: many seeded interleavings of submitting, working and shutting
//! down, where a thread left blocked for good fails with the wait-for
//! picture).

use std::sync::Arc;

use thread_pool::ThreadPool;
use threadlings::sync::atomic::{AtomicUsize, Ordering};
use threadlings_kit::race::{self, Explore, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx};

/// A pool of 3 and how many jobs ran on it.
struct Subject {
    pool: ThreadPool,
    ran: Arc<AtomicUsize>,
}

pub fn pool_stress(ctx: &mut Ctx) -> CheckResult {
    const SUBMITTERS: usize = 3;
    const JOBS: usize = 8;
    Stress::new(
        ctx,
        "3 threads × 8 submits to a ThreadPool of 3, then dropping it",
    )
    .threads(SUBMITTERS)
    .thread_names("submitter")
    .ops(JOBS)
    .rounds(60)
    .run(
        |_rng| Subject {
            pool: ThreadPool::new(3),
            ran: Arc::new(AtomicUsize::new(0)),
        },
        |subject, thread, step, _rng| {
            let ran = subject.ran.clone();
            let value = thread * 1000 + step;
            race::doing(|| format!("submit(job {value}) and wait for its result"));
            let result = subject.pool.submit(move || {
                ran.fetch_add(1, Ordering::SeqCst);
                value * 2
            });
            (value, result.recv().ok())
        },
        |subject, log| {
            if let Some((value, got)) = log.all().find(|(value, got)| *got != Some(Ok(value * 2))) {
                return Err(Violation::new(
                    "every submitted job's result arrives on its channel",
                    format!("job {value}: {got:?}"),
                )
                .expected(format!("Some(Ok({}))", value * 2)));
            }
            Violation::ensure_eq(
                "every job ran exactly once",
                subject.ran.load(Ordering::SeqCst),
                SUBMITTERS * JOBS,
            )
        },
    )
}

pub fn pool_explore(ctx: &mut Ctx) -> CheckResult {
    const JOBS: usize = 4;
    Explore::new("a ThreadPool of 2 running 4 submitted jobs, then dropped")
        .iterations(500)
        .check(ctx, || {
            let ran = Arc::new(AtomicUsize::new(0));
            let pool = ThreadPool::new(2);
            let results: Vec<_> = (0..JOBS)
                .map(|i| {
                    let ran = ran.clone();
                    pool.submit(move || {
                        ran.fetch_add(1, Ordering::SeqCst);
                        i * 3
                    })
                })
                .collect();
            race::doing(|| "dropping the pool".to_string());
            drop(pool);
            Violation::ensure_eq(
                "every queued job ran before drop returned",
                ran.load(Ordering::SeqCst),
                JOBS,
            )?;
            let got: Vec<_> = results.iter().map(|r| r.try_recv().ok()).collect();
            Violation::ensure_eq(
                "every job's result is on its channel once drop returned",
                got,
                (0..JOBS)
                    .map(|i| Some(Ok::<usize, String>(i * 3)))
                    .collect::<Vec<_>>(),
            )
        })
}
