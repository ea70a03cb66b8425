//! The semaphore under the facade: stress (random pauses at every lock,
//! wait and notify, and spurious wake-ups) and schedule exploration
//! (shuttle). A waiter that trusts one wake-up (`if` instead of `while`), a
//! permit given back without waking a waiter, or a count read and written in
//! two critical sections is caught here, not only on an unlucky machine.

use std::sync::Arc;

use io_concurrency::Semaphore;
use threadlings::sync::atomic::{AtomicUsize, Ordering};
use threadlings_kit::race::{self, Explore, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, t};

/// One round's subject: the semaphore and how many hold a permit now.
struct Subject {
    semaphore: Semaphore,
    holders: AtomicUsize,
}

/// Takes a permit, notes the holders, gives it back: the most holders seen.
fn hold(subject: &Subject) -> usize {
    let permit = subject.semaphore.acquire();
    let now = subject.holders.fetch_add(1, Ordering::SeqCst) + 1;
    threadlings::thread::yield_now();
    subject.holders.fetch_sub(1, Ordering::SeqCst);
    drop(permit);
    now
}

pub fn semaphore_stress(ctx: &mut Ctx) -> CheckResult {
    const PERMITS: usize = 2;
    let what = t!(
        "5 threads × 20 acquire/release on a Semaphore of 2",
        "허가 2개짜리 Semaphore에서 스레드 5개 × acquire/release 20번"
    );
    Stress::new(ctx, what).threads(5).ops(20).rounds(100).run(
        |_rng| Subject {
            semaphore: Semaphore::new(PERMITS),
            holders: AtomicUsize::new(0),
        },
        |subject, _thread, i, _rng| {
            race::doing(|| format!("acquire() #{i}"));
            hold(subject)
        },
        |subject, log| {
            if let Some(most) = log.all().copied().max().filter(|&most| most > PERMITS) {
                return Err(Violation::new(
                    t!(
                        "never more holders than permits (2)",
                        "허가를 쥔 스레드가 허가 수(2)보다 많아지는 일은 없어야 합니다"
                    ),
                    t!(
                        "{most} threads held a permit at once",
                        "스레드 {most}개가 동시에 허가를 쥐었습니다"
                    ),
                ));
            }
            Violation::ensure_eq(
                &t!(
                    "every permit is back once all are dropped: available() == 2",
                    "모두 버려지면 모든 허가가 돌아와 있어야 합니다: available() == 2"
                ),
                subject.semaphore.available(),
                PERMITS,
            )
        },
    )
}

pub fn semaphore_explore(ctx: &mut Ctx) -> CheckResult {
    const PERMITS: usize = 1;
    const THREADS: usize = 3;
    let what = t!(
        "3 threads taking a Semaphore of 1 twice each",
        "허가 1개짜리 Semaphore를 각자 두 번씩 얻는 스레드 3개"
    );
    Explore::new(what).iterations(1000).check(ctx, || {
        let subject = Arc::new(Subject {
            semaphore: Semaphore::new(PERMITS),
            holders: AtomicUsize::new(0),
        });
        let threads: Vec<_> = (0..THREADS)
            .map(|t| {
                let subject = subject.clone();
                threadlings::thread::Builder::new()
                    .name(format!("worker-{t}"))
                    .spawn(move || {
                        (0..2)
                            .map(|i| {
                                race::doing(|| format!("acquire() #{i}"));
                                hold(&subject)
                            })
                            .max()
                            .unwrap_or(0)
                    })
                    .unwrap()
            })
            .collect();
        for (t, thread) in threads.into_iter().enumerate() {
            let most = thread.join().unwrap();
            if most > PERMITS {
                return Err(Violation::new(
                    t!(
                        "never more holders than permits (1)",
                        "허가를 쥔 스레드가 허가 수(1)보다 많아지는 일은 없어야 합니다"
                    ),
                    t!(
                        "worker-{t} saw {most} holders at once",
                        "worker-{t}이(가) 허가를 쥔 스레드 {most}개를 동시에 보았습니다"
                    ),
                ));
            }
        }
        Violation::ensure_eq(
            &t!(
                "the permit is back once all are dropped: available() == 1",
                "모두 버려지면 허가가 돌아와 있어야 합니다: available() == 1"
            ),
            subject.semaphore.available(),
            PERMITS,
        )
    })
}
