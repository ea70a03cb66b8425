//! The pool under the facade: stress (random pauses at every lock of the
//! job queue, every thread start and join) and schedule exploration
//! (shuttle: many seeded interleavings of submitting, working and shutting
//! down, where a thread left blocked for good fails with the wait-for
//! picture).

use std::sync::Arc;

use thread_pool::ThreadPool;
use threadlings::sync::atomic::{AtomicUsize, Ordering};
use threadlings_kit::race::{self, Explore, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, t};

/// A pool of 3 and how many jobs ran on it.
struct Subject {
    pool: ThreadPool,
    ran: Arc<AtomicUsize>,
}

pub fn pool_stress(ctx: &mut Ctx) -> CheckResult {
    const SUBMITTERS: usize = 3;
    const JOBS: usize = 8;
    let what = t!(
        "3 threads × 8 submits to a ThreadPool of 3, then dropping it",
        "워커 3개짜리 ThreadPool에 스레드 3개 × submit 8번, 그다음 풀 버리기"
    );
    Stress::new(ctx, what)
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
                race::doing(|| {
                    t!(
                        "submit(job {value}) and wait for its result",
                        "submit(job {value}) 호출 후 결과를 기다림"
                    )
                });
                let result = subject.pool.submit(move || {
                    ran.fetch_add(1, Ordering::SeqCst);
                    value * 2
                });
                (value, result.recv().ok())
            },
            |subject, log| {
                if let Some((value, got)) =
                    log.all().find(|(value, got)| *got != Some(Ok(value * 2)))
                {
                    return Err(Violation::new(
                        t!(
                            "every submitted job's result arrives on its channel",
                            "submit한 모든 작업의 결과가 자기 채널로 도착해야 합니다"
                        ),
                        format!("job {value}: {got:?}"),
                    )
                    .expected(format!("Some(Ok({}))", value * 2)));
                }
                Violation::ensure_eq(
                    &t!(
                        "every job ran exactly once",
                        "모든 작업이 정확히 한 번 실행되어야 합니다"
                    ),
                    subject.ran.load(Ordering::SeqCst),
                    SUBMITTERS * JOBS,
                )
            },
        )
}

pub fn pool_explore(ctx: &mut Ctx) -> CheckResult {
    const JOBS: usize = 4;
    let what = t!(
        "a ThreadPool of 2 running 4 submitted jobs, then dropped",
        "submit된 작업 4개를 실행한 뒤 버려지는 워커 2개짜리 ThreadPool"
    );
    Explore::new(what).iterations(500).check(ctx, || {
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
        race::doing(|| t!("dropping the pool", "풀 버리기"));
        drop(pool);
        Violation::ensure_eq(
            &t!(
                "every queued job ran before drop returned",
                "큐에 들어간 모든 작업이 drop이 반환하기 전에 실행되어야 합니다"
            ),
            ran.load(Ordering::SeqCst),
            JOBS,
        )?;
        let got: Vec<_> = results.iter().map(|r| r.try_recv().ok()).collect();
        Violation::ensure_eq(
            &t!(
                "every job's result is on its channel once drop returned",
                "drop이 반환하면 모든 작업의 결과가 자기 채널에 있어야 합니다"
            ),
            got,
            (0..JOBS)
                .map(|i| Some(Ok::<usize, String>(i * 3)))
                .collect::<Vec<_>>(),
        )
    })
}
