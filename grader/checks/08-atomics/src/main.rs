//! Hidden checks of exercise 08-atomics.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod litmus;

use litmus::{mailbox_litmus, mailbox_litmus_stress};

use atomics::{AtomicCounter, Mailbox, OnceValue, Signal, SpinLock};
use rand::Rng;
use threadlings::sync::atomic::{AtomicU64 as ModelAtomicU64, AtomicUsize as ModelAtomicUsize};
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, t, within};

threadlings_kit::checks![
    atomics_basics,
    counter_stress,
    counter_explore,
    counter_model,
    spinlock_stress,
    try_lock_takes_a_free_lock,
    spinlock_explore,
    spinlock_model,
    once_stress,
    once_explore,
    once_model,
    mailbox_stress,
    mailbox_model,
    bounded_basics,
    bounded_stress,
    bounded_explore,
    bounded_model,
    signal_basics,
    signal_stress,
    signal_explore,
    signal_model,
    signal_acquires,
    mailbox_litmus,
    mailbox_litmus_stress,
];

const LIMIT: Duration = Duration::from_secs(15);

fn atomics_basics(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..20);
    let message: [u64; 4] = std::array::from_fn(|_| ctx.rng().random());
    within(
        LIMIT,
        t!(
            "AtomicCounter, SpinLock, OnceValue, Mailbox",
            "AtomicCounter, SpinLock, OnceValue, Mailbox"
        ),
        move || {
            let counter = AtomicCounter::new();
            ensure_eq!(
                counter.get(),
                0,
                t!("a new counter is 0", "새 카운터는 0입니다")
            );
            for i in 1..=n {
                ensure_eq!(
                    counter.increment(),
                    i,
                    t!(
                        "increment returns the new value",
                        "increment는 새 값을 돌려줍니다"
                    )
                );
            }
            ensure_eq!(
                counter.get(),
                n,
                t!("get after {n} increments", "increment {n}번 뒤의 get")
            );

            let lock = SpinLock::new(vec![1]);
            {
                let mut guard = lock.lock();
                guard.push(2);
                ensure!(
                    lock.try_lock().is_none(),
                    t!(
                        "try_lock must fail while the lock is held",
                        "락을 쥐고 있는 동안 try_lock은 실패해야 합니다"
                    )
                );
            }
            match lock.try_lock() {
                Some(guard) => ensure_eq!(
                    *guard,
                    vec![1, 2],
                    t!("the data written under the lock", "락을 쥐고 쓴 데이터")
                ),
                None => threadlings_kit::fail!(t!(
                    "try_lock must succeed once the guard is dropped",
                    "가드를 drop한 뒤에는 try_lock이 성공해야 합니다"
                )),
            }

            let once = OnceValue::new();
            ensure_eq!(
                once.get(),
                None,
                t!("get before get_or_init", "get_or_init 전의 get")
            );
            ensure_eq!(
                *once.get_or_init(|| n),
                n,
                t!("get_or_init runs init", "get_or_init은 init을 실행합니다")
            );
            ensure_eq!(
                *once.get_or_init(|| n + 1),
                n,
                t!(
                    "a second get_or_init returns the first value",
                    "두 번째 get_or_init은 첫 번째 값을 돌려줍니다"
                )
            );
            ensure_eq!(
                once.get(),
                Some(&n),
                t!("get after get_or_init", "get_or_init 뒤의 get")
            );

            let mailbox = Mailbox::new();
            ensure_eq!(
                mailbox.read(),
                None,
                t!("read before publish", "publish 전의 read")
            );
            mailbox.publish(message);
            ensure_eq!(
                mailbox.read(),
                Some(message),
                t!("read after publish", "publish 뒤의 read")
            );
            Ok(())
        },
    )?
}

fn counter_stress(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 4;
    const OPS: usize = 100;
    Stress::new(
        ctx,
        t!(
            "concurrent AtomicCounter::increment calls",
            "동시에 일어나는 AtomicCounter::increment 호출"
        ),
    )
    .threads(THREADS)
    .ops(OPS)
    .rounds(100)
    .run(
        |_rng| AtomicCounter::new(),
        |counter, _thread, _step, _rng| counter.increment(),
        |counter, log| {
            let total = counter.get();
            if total != (THREADS * OPS) as u64 {
                return Err(Violation::new(
                    t!(
                        "every increment counts: after the round, get() is the number of \
                             increments",
                        "모든 증가가 반영되어야 합니다: 라운드가 끝난 뒤 get()은 증가 \
                             횟수와 같아야 합니다"
                    ),
                    format!("get() = {total}"),
                )
                .expected((THREADS * OPS).to_string()));
            }
            let mut returned: Vec<u64> = log.all().copied().collect();
            returned.sort_unstable();
            if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
                let twice = pair[0];
                return Err(Violation::new(
                    t!(
                        "each increment returns the value right after its own increment, so \
                             no two return the same value",
                        "각 increment는 자기 증가 직후의 값을 돌려주므로, 두 호출이 같은 \
                             값을 돌려주는 일은 없어야 합니다"
                    ),
                    t!(
                        "two increments returned {}",
                        "increment 두 번이 모두 {0}을(를) 돌려주었습니다",
                        twice
                    ),
                ));
            }
            Ok(())
        },
    )
}

fn counter_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const INCREMENTS: usize = 4;
    Explore::new(t!(
        "3 threads calling increment() 4 times each",
        "스레드 3개가 각자 increment()를 4번 호출"
    ))
    .iterations(1000)
    .check(ctx, || {
        let counter = Arc::new(AtomicCounter::new());
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let counter = counter.clone();
                threadlings::thread::Builder::new()
                    .name(format!("incrementer-{t}"))
                    .spawn(move || {
                        (0..INCREMENTS)
                            .map(|_| counter.increment())
                            .collect::<Vec<_>>()
                    })
                    .unwrap()
            })
            .collect();
        let mut returned: Vec<u64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        Violation::ensure_eq(
            &t!(
                "every increment counts: get() is the number of increments",
                "모든 증가가 반영되어야 합니다: get()은 증가 횟수와 같아야 합니다"
            ),
            counter.get(),
            (THREADS * INCREMENTS) as u64,
        )?;
        returned.sort_unstable();
        Violation::ensure_eq(
            &t!(
                "each increment returns the value right after its own increment, so they \
                     return 1, 2, 3, ... once each",
                "각 increment는 자기 증가 직후의 값을 돌려주므로, 1, 2, 3, ...을 한 번씩 \
                     돌려주어야 합니다"
            ),
            returned,
            (1..=(THREADS * INCREMENTS) as u64).collect(),
        )
    })
}

fn counter_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "two threads calling increment() at once",
        "두 스레드가 동시에 increment()를 호출"
    ))
    .check(ctx, || {
        let counter = Arc::new(AtomicCounter::new());
        let other = {
            let counter = counter.clone();
            threadlings::thread::Builder::new()
                .name(t!("increment on thread 2", "두 번째 increment"))
                .spawn(move || counter.increment())
                .unwrap()
        };
        let mine = counter.increment();
        let theirs = other.join().unwrap();
        assert_eq!(
            counter.get(),
            2,
            "{}",
            t!(
                "after two increments the counter must be 2: one increment was lost",
                "increment를 두 번 한 뒤 카운터는 2여야 합니다: 증가 하나가 사라졌습니다"
            )
        );
        let mut returned = [mine, theirs];
        returned.sort_unstable();
        assert_eq!(
            returned,
            [1, 2],
            "{}",
            t!(
                "the two increments must return 1 and 2",
                "두 increment는 1과 2를 돌려주어야 합니다"
            )
        );
    })
}

fn try_lock_takes_a_free_lock(ctx: &mut Ctx) -> CheckResult {
    // One thread: the lock is free at every try_lock. Under stress the
    // facade's compare_exchange_weak fails spuriously now and then, as the
    // contract allows (and LL/SC hardware does), so a lone weak attempt
    // shows up as a free lock refused.
    Stress::new(
        ctx,
        t!(
            "try_lock on a free SpinLock",
            "아무도 쥐지 않은 SpinLock에 try_lock"
        ),
    )
        .threads(1)
        .ops(40)
        .rounds(20)
        .run(
            |_rng| SpinLock::new(0_u64),
            |lock, _thread, _step, _rng| {
                race::doing(|| t!("try_lock() on a free lock", "아무도 쥐지 않은 락에 try_lock()"));
                lock.try_lock().is_some()
            },
            |_, log| {
                let refused = log.all().filter(|taken| !**taken).count();
                if refused > 0 {
                    return Err(Violation::new(
                        t!(
                            "try_lock takes a free lock: one attempt that must not fail spuriously \
                             (compare_exchange, not compare_exchange_weak, when there is no retry loop)",
                            "try_lock은 아무도 쥐지 않은 락을 잡아야 합니다: 가짜로(spuriously) \
                             실패하면 안 되는 한 번의 시도입니다(재시도 루프가 없을 때는 \
                             compare_exchange_weak가 아니라 compare_exchange)"
                        ),
                        t!(
                            "try_lock() returned None on a free lock {refused} times",
                            "아무도 쥐지 않은 락에서 try_lock()이 None을 {refused}번 돌려주었습니다"
                        ),
                    )
                    .expected(t!("0 times", "0번")));
                }
                Ok(())
            },
        )
}

fn spinlock_stress(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 4;
    const OPS: usize = 50;
    Stress::new(
        ctx,
        t!(
            "4 threads taking a SpinLock around a read-modify-write",
            "스레드 4개가 SpinLock을 잡고 읽기-수정-쓰기를 함"
        ),
    )
    .threads(THREADS)
    .ops(OPS)
    .rounds(100)
    .run(
        |_rng| {
            (
                SpinLock::new(0_u64),
                AtomicUsize::new(0),
                AtomicUsize::new(0),
            )
        },
        |(lock, inside, overlaps), _thread, _step, _rng| {
            race::doing(|| "lock()".to_string());
            let mut guard = lock.lock();
            if inside.fetch_add(1, Ordering::SeqCst) != 0 {
                overlaps.fetch_add(1, Ordering::SeqCst);
            }
            let before = *guard;
            // A synchronization point inside the critical section: under
            // stress another thread gets every chance to barge in here.
            threadlings::hint::spin_loop();
            *guard = before + 1;
            inside.fetch_sub(1, Ordering::SeqCst);
            drop(guard);
        },
        |(lock, _, overlaps), _log| {
            let overlaps = overlaps.load(Ordering::SeqCst);
            if overlaps != 0 {
                return Err(Violation::new(
                    t!(
                        "mutual exclusion: never two threads between lock() and the guard's drop",
                        "상호 배제: lock()과 가드의 drop 사이에 두 스레드가 동시에 있으면 안 됩니다"
                    ),
                    t!(
                        "a thread entered while another was inside, {overlaps} times",
                        "다른 스레드가 안에 있는 동안 스레드가 들어온 일이 {overlaps}번 있었습니다"
                    ),
                )
                .expected(t!("0 times", "0번")));
            }
            let value = *lock.lock();
            Violation::ensure_eq(
                &t!(
                    "every update made under the lock counts",
                    "락을 쥐고 한 모든 갱신이 반영되어야 합니다"
                ),
                value,
                (THREADS * OPS) as u64,
            )
        },
    )
}

fn spinlock_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const SECTIONS: usize = 3;
    Explore::new(t!(
        "3 threads each taking the SpinLock 3 times around a read-modify-write",
        "스레드 3개가 각자 3번씩 SpinLock을 잡고 읽기-수정-쓰기를 함"
    ))
    .iterations(1000)
    .check(ctx, || {
        let lock = Arc::new(SpinLock::new(0_u64));
        let inside = Arc::new(ModelAtomicUsize::new(0));
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (lock, inside) = (lock.clone(), inside.clone());
                threadlings::thread::Builder::new()
                    .name(format!("locker-{t}"))
                    .spawn(move || {
                        let mut overlaps = 0;
                        for _ in 0..SECTIONS {
                            race::doing(|| "lock()".to_string());
                            let mut guard = lock.lock();
                            if inside.fetch_add(1, Ordering::SeqCst) != 0 {
                                overlaps += 1;
                            }
                            let before = *guard;
                            // A scheduling point inside the critical
                            // section: another thread may run here.
                            threadlings::hint::spin_loop();
                            *guard = before + 1;
                            inside.fetch_sub(1, Ordering::SeqCst);
                            drop(guard);
                        }
                        overlaps
                    })
                    .unwrap()
            })
            .collect();
        let overlaps: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        Violation::ensure_eq(
            &t!(
                "mutual exclusion: never two threads between lock() and the guard's drop \
                     (times a thread entered while another was inside)",
                "상호 배제: lock()과 가드의 drop 사이에 두 스레드가 동시에 있으면 안 \
                     됩니다(다른 스레드가 안에 있는 동안 스레드가 들어온 횟수)"
            ),
            overlaps,
            0,
        )?;
        Violation::ensure_eq(
            &t!(
                "every update made under the lock counts",
                "락을 쥐고 한 모든 갱신이 반영되어야 합니다"
            ),
            *lock.lock(),
            (THREADS * SECTIONS) as u64,
        )
    })
}

fn spinlock_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "two threads each adding 1 under the SpinLock",
        "두 스레드가 각자 SpinLock을 잡고 1을 더함"
    ))
    .check(ctx, || {
        let lock = Arc::new(SpinLock::new(0_u64));
        let other = {
            let lock = lock.clone();
            threadlings::thread::Builder::new()
                .name("locker-2".to_string())
                .spawn(move || *lock.lock() += 1)
                .unwrap()
        };
        *lock.lock() += 1;
        other.join().unwrap();
        assert_eq!(
            *lock.lock(),
            2,
            "{}",
            t!(
                "both updates made under the lock count",
                "락을 쥐고 한 두 갱신이 모두 반영되어야 합니다"
            )
        );
    })
}

fn once_stress(ctx: &mut Ctx) -> CheckResult {
    // Each round is one race to initialize: perturb half of the points so
    // that a check-then-act gets interleaved early.
    Stress::new(
        ctx,
        t!(
            "4 threads racing to get_or_init a fresh OnceValue",
            "새 OnceValue의 get_or_init을 두고 경쟁하는 스레드 4개"
        ),
    )
    .threads(4)
    .ops(3)
    .rounds(300)
    .perturb_rate(500)
    .run(
        |_rng| (OnceValue::<u64>::new(), AtomicUsize::new(0)),
        |(once, calls), thread, step, _rng| {
            if step == 0 {
                race::doing(|| "get_or_init(..)".to_string());
                let value = *once.get_or_init(|| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    threadlings::hint::spin_loop();
                    1000 + thread as u64
                });
                (step, Some(value))
            } else {
                (step, once.get().copied())
            }
        },
        |(_, calls), log| {
            let calls = calls.load(Ordering::SeqCst);
            if calls != 1 {
                return Err(Violation::new(
                    t!(
                        "init runs exactly once, however many threads call get_or_init at once",
                        "동시에 get_or_init을 호출하는 스레드가 몇 개든 init은 정확히 한 번 \
                             실행되어야 합니다"
                    ),
                    t!("init ran {calls} times", "init이 {calls}번 실행되었습니다"),
                )
                .expected(t!("once", "한 번")));
            }
            let first = log.threads[0][0].1;
            for (thread, ops) in log.threads.iter().enumerate() {
                for &(step, value) in ops {
                    if value != first {
                        let call = if step == 0 { "get_or_init" } else { "get" };
                        return Err(Violation::new(
                            t!(
                                "every caller gets the one value: get_or_init returns it, and \
                                     get after get_or_init returns Some of it",
                                "모든 호출자가 그 하나의 값을 받아야 합니다: get_or_init은 \
                                     그 값을 돌려주고, get_or_init 뒤의 get은 그 값의 Some을 \
                                     돌려줍니다"
                            ),
                            t!(
                                "worker-{thread}'s {call} returned {value:?}",
                                "worker-{thread}의 {call}이(가) {value:?}을(를) \
                                     돌려주었습니다"
                            ),
                        )
                        .expected(format!("{first:?}")));
                    }
                }
            }
            Ok(())
        },
    )
}

fn once_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: u64 = 3;
    Explore::new(t!(
        "3 threads calling get_or_init and then get on a fresh OnceValue, a 4th calling get",
        "새 OnceValue에 스레드 3개가 get_or_init 다음 get을 호출하고, 네 번째 스레드가 get을 \
             호출"
    ))
    .iterations(1000)
    .check(ctx, || {
        let once = Arc::new(OnceValue::<u64>::new());
        let calls = Arc::new(ModelAtomicUsize::new(0));
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (once, calls) = (once.clone(), calls.clone());
                threadlings::thread::Builder::new()
                    .name(format!("get_or_init({})", 100 + t))
                    .spawn(move || {
                        race::doing(|| "get_or_init(..)".to_string());
                        let value = *once.get_or_init(|| {
                            calls.fetch_add(1, Ordering::SeqCst);
                            threadlings::hint::spin_loop();
                            100 + t
                        });
                        (value, once.get().copied())
                    })
                    .unwrap()
            })
            .collect();
        let peeked = once.get().copied();
        let results: Vec<(u64, Option<u64>)> =
            handles.into_iter().map(|h| h.join().unwrap()).collect();
        Violation::ensure_eq(
            &t!(
                "init runs exactly once, however many threads call get_or_init at once",
                "동시에 get_or_init을 호출하는 스레드가 몇 개든 init은 정확히 한 번 실행되어야 \
                 합니다"
            ),
            calls.load(Ordering::SeqCst),
            1,
        )?;
        let value = results[0].0;
        for (t, &(got, later)) in results.iter().enumerate() {
            if got != value || later != Some(value) {
                let init = 100 + t;
                return Err(Violation::new(
                    t!(
                        "every caller gets the one value: get_or_init returns it, and get after \
                         get_or_init returns Some of it",
                        "모든 호출자가 그 하나의 값을 받아야 합니다: get_or_init은 그 값을 \
                         돌려주고, get_or_init 뒤의 get은 그 값의 Some을 돌려줍니다"
                    ),
                    t!(
                        "get_or_init({}) returned {got}, then get() returned {later:?}",
                        "get_or_init({0})이(가) {got}을(를) 돌려준 뒤 get()이 {later:?}을(를) \
                         돌려주었습니다",
                        init
                    ),
                )
                .expected(t!(
                    "{value} and Some({value})",
                    "{value}과(와) Some({value})"
                )));
            }
        }
        if peeked.is_some_and(|p| p != value) {
            return Err(Violation::new(
                t!(
                    "get() returns None or the one value",
                    "get()은 None이나 그 하나의 값을 돌려주어야 합니다"
                ),
                t!(
                    "get() returned {peeked:?}",
                    "get()이 {peeked:?}을(를) 돌려주었습니다"
                ),
            )
            .expected(t!("None or Some({value})", "None 또는 Some({value})")));
        }
        Ok(())
    })
}

fn once_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "two threads calling get_or_init and one calling get",
        "두 스레드가 get_or_init을, 한 스레드가 get을 호출"
    ))
    .check(ctx, || {
        let once = Arc::new(OnceValue::<u64>::new());
        let calls = Arc::new(AtomicUsize::new(0));
        let init = |value: u64| {
            let (once, calls) = (once.clone(), calls.clone());
            move || {
                *once.get_or_init(|| {
                    calls.fetch_add(1, Ordering::SeqCst);
                    value
                })
            }
        };
        let first = threadlings::thread::Builder::new()
            .name("get_or_init(1)".to_string())
            .spawn(init(1))
            .unwrap();
        let peek = {
            let once = once.clone();
            threadlings::thread::Builder::new()
                .name("get()".to_string())
                .spawn(move || once.get().copied())
                .unwrap()
        };
        let mine = init(2)();
        let theirs = first.join().unwrap();
        let peeked = peek.join().unwrap();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "{}",
            t!(
                "init must run exactly once",
                "init은 정확히 한 번 실행되어야 합니다"
            )
        );
        assert_eq!(
            mine,
            theirs,
            "{}",
            t!(
                "both get_or_init calls return the same value",
                "두 get_or_init 호출은 같은 값을 돌려주어야 합니다"
            )
        );
        assert!(
            peeked.is_none() || peeked == Some(mine),
            "{}",
            t!(
                "get() returns None or the value, got {peeked:?} (the value is {mine})",
                "get()은 None이나 그 값을 돌려주어야 하는데 {peeked:?}을(를) 돌려주었습니다(값은 \
                 {mine}입니다)"
            )
        );
    })
}

fn mailbox_stress(ctx: &mut Ctx) -> CheckResult {
    Stress::new(
        ctx,
        t!(
            "a writer publishing while 3 readers poll a Mailbox",
            "읽는 스레드 3개가 Mailbox를 폴링하는 동안 쓰는 스레드 하나가 게시"
        ),
    )
    .threads(4)
    .ops(20)
    .rounds(200)
    .run(
        |rng| {
            let message: [u64; 4] = std::array::from_fn(|_| rng.random_range(1..u64::MAX));
            (Mailbox::new(), message)
        },
        |(mailbox, message), thread, step, _rng| {
            if thread == 0 && step == 0 {
                race::doing(|| "publish(..)".to_string());
                mailbox.publish(*message);
                None
            } else {
                mailbox.read()
            }
        },
        |(mailbox, message), log| {
            for (thread, reads) in log.threads.iter().enumerate() {
                if let Some(seen) = reads.iter().flatten().find(|m| *m != message) {
                    return Err(Violation::new(
                        t!(
                            "a reader that sees the flag sees the whole message",
                            "플래그를 본 읽는 스레드는 메시지 전체를 봐야 합니다"
                        ),
                        t!(
                            "worker-{thread} read {seen:?}",
                            "worker-{thread}이(가) {seen:?}을(를) 읽었습니다"
                        ),
                    )
                    .expected(format!("{message:?}")));
                }
            }
            Violation::ensure_eq(
                &t!(
                    "after publish, read returns the message",
                    "publish 뒤에는 read가 메시지를 돌려주어야 합니다"
                ),
                mailbox.read(),
                Some(*message),
            )
        },
    )
}

fn mailbox_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "a writer publishing [1, 2, 3, 4] while a reader reads",
        "읽는 스레드가 읽는 동안 쓰는 스레드가 [1, 2, 3, 4]를 게시"
    ))
    .check(ctx, || {
        let mailbox = Arc::new(Mailbox::new());
        let writer = {
            let mailbox = mailbox.clone();
            threadlings::thread::Builder::new()
                .name("writer".to_string())
                .spawn(move || mailbox.publish([1, 2, 3, 4]))
                .unwrap()
        };
        if let Some(message) = mailbox.read() {
            assert_eq!(
                message,
                [1, 2, 3, 4],
                "{}",
                t!(
                    "the reader saw the flag up but not the words written before it",
                    "읽는 스레드가 올라간 플래그는 봤지만 그 전에 쓴 단어들은 보지 못했습니다"
                )
            );
        }
        writer.join().unwrap();
    })
}

fn bounded_basics(ctx: &mut Ctx) -> CheckResult {
    let limit = ctx.rng().random_range(2..30);
    within(LIMIT, "AtomicCounter::increment_below", move || {
        let counter = AtomicCounter::new();
        for i in 1..=limit {
            ensure_eq!(
                counter.increment_below(limit),
                Some(i),
                t!(
                    "increment_below({limit}) below the limit adds 1 and returns the new value",
                    "한도 아래에서 increment_below({limit})은(는) 1을 더하고 새 값을 돌려줍니다"
                )
            );
        }
        ensure_eq!(
            counter.increment_below(limit),
            None,
            t!(
                "increment_below({limit}) on a counter at {limit}",
                "{limit}인 카운터에 increment_below({limit})"
            )
        );
        ensure_eq!(
            counter.get(),
            limit,
            t!(
                "a refused increment changes nothing",
                "거절된 증가는 아무것도 바꾸지 않습니다"
            )
        );
        ensure_eq!(
            counter.increment(),
            limit + 1,
            t!(
                "increment still works past the limit",
                "한도를 넘어서도 increment는 여전히 동작합니다"
            )
        );
        ensure_eq!(
            counter.increment_below(limit),
            None,
            t!(
                "increment_below({limit}) on a counter above {limit}",
                "{limit}보다 큰 카운터에 increment_below({limit})"
            )
        );
        Ok(())
    })?
}

/// The invariant of a round of `increment_below(limit)` calls that asked for
/// more increments than the limit allows.
fn bounded_invariant(limit: u64, final_value: u64, successes: &[u64]) -> Result<(), Violation> {
    let mut sorted = successes.to_vec();
    sorted.sort_unstable();
    if final_value != limit || sorted != (1..=limit).collect::<Vec<_>>() {
        let shown: Vec<u64> = sorted.iter().copied().take(12).collect();
        let succeeded = sorted.len();
        return Err(Violation::new(
            t!(
                "with at least as many calls as the limit, exactly `limit` = {limit} calls succeed, \
                 returning 1, 2, ..., {limit} once each, and the counter ends at {limit}",
                "호출이 한도 이상이면 정확히 `limit` = {limit}번의 호출이 성공해 1, 2, ..., \
                 {limit}을(를) 한 번씩 돌려주고, 카운터는 {limit}에서 끝나야 합니다"
            ),
            t!(
                "{} calls succeeded (first returned values, sorted: {shown:?}); get() = \
                 {final_value}",
                "호출 {0}번이 성공했습니다(돌려준 값의 앞부분, 정렬됨: {shown:?}); get() = \
                 {final_value}",
                succeeded
            ),
        ));
    }
    Ok(())
}

fn bounded_stress(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 4;
    const OPS: usize = 40;
    Stress::new(
        ctx,
        t!(
            "4 threads calling increment_below(limit) more often than limit",
            "스레드 4개가 increment_below(limit)을 limit보다 많이 호출"
        ),
    )
    .threads(THREADS)
    .ops(OPS)
    .rounds(150)
    .run(
        |rng| {
            (
                AtomicCounter::new(),
                rng.random_range(20..(THREADS * OPS) as u64 - 20),
            )
        },
        |(counter, limit), _thread, _step, _rng| counter.increment_below(*limit),
        |(counter, limit), log| {
            let successes: Vec<u64> = log.all().flatten().copied().collect();
            bounded_invariant(*limit, counter.get(), &successes)
        },
    )
}

fn bounded_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const CALLS: usize = 3;
    // As many calls as the limit allows: a call that gives up below the
    // limit leaves the counter short. The limit itself is checked after.
    const LIMIT_HERE: u64 = 9;
    Explore::new(t!(
        "3 threads calling increment_below(9) 3 times each, then one more call",
        "스레드 3개가 각자 increment_below(9)를 3번 호출한 뒤 한 번 더 호출"
    ))
    .iterations(1000)
    .check(ctx, || {
        let counter = Arc::new(AtomicCounter::new());
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let counter = counter.clone();
                threadlings::thread::Builder::new()
                    .name(format!("caller-{t}"))
                    .spawn(move || {
                        (0..CALLS)
                            .filter_map(|_| counter.increment_below(LIMIT_HERE))
                            .collect::<Vec<_>>()
                    })
                    .unwrap()
            })
            .collect();
        let successes: Vec<u64> = handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect();
        bounded_invariant(LIMIT_HERE, counter.get(), &successes)?;
        Violation::ensure_eq(
            &t!(
                "a call after the limit is reached returns None",
                "한도에 닿은 뒤의 호출은 None을 돌려주어야 합니다"
            ),
            counter.increment_below(LIMIT_HERE),
            None,
        )
    })
}

fn bounded_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "two threads calling increment_below(2) at once, then one more call",
        "두 스레드가 동시에 increment_below(2)를 호출한 뒤 한 번 더 호출"
    ))
    .check(ctx, || {
        let counter = Arc::new(AtomicCounter::new());
        let other = {
            let counter = counter.clone();
            threadlings::thread::Builder::new()
                .name(t!("increment_below on thread 2", "두 번째 increment_below"))
                .spawn(move || counter.increment_below(2))
                .unwrap()
        };
        let mine = counter.increment_below(2);
        let theirs = other.join().unwrap();
        let mut returned = [mine, theirs];
        returned.sort_unstable();
        assert_eq!(
            returned,
            [Some(1), Some(2)],
            "{}",
            t!(
                "two calls below the limit 2 must both succeed, returning 1 and 2 (a lost \
                     increment, or a call that gave up when another thread changed the value)",
                "한도 2 아래의 두 호출은 모두 성공해 1과 2를 돌려주어야 합니다(증가를 \
                     잃어버렸거나, 다른 스레드가 값을 바꿨을 때 포기한 호출이 있습니다)"
            )
        );
        assert_eq!(
            counter.increment_below(2),
            None,
            "{}",
            t!(
                "a third call must find the limit reached",
                "세 번째 호출은 한도에 닿았음을 알아야 합니다"
            )
        );
    })
}

fn signal_basics(_ctx: &mut Ctx) -> CheckResult {
    within(
        LIMIT,
        t!(
            "Signal: raise, is_raised, wait",
            "Signal: raise, is_raised, wait"
        ),
        || {
            let signal = Arc::new(Signal::new());
            ensure!(
                !signal.is_raised(),
                t!(
                    "a new signal is not raised",
                    "새 신호는 올라가 있지 않습니다"
                )
            );
            let raiser = {
                let signal = signal.clone();
                std::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(20));
                    signal.raise();
                })
            };
            signal.wait();
            ensure!(
                signal.is_raised(),
                t!(
                    "wait() returned, so the signal is raised",
                    "wait()가 돌아왔으므로 신호는 올라가 있어야 합니다"
                )
            );
            raiser.join().expect(&t!(
                "the raising thread panicked",
                "raise하는 스레드가 패닉을 일으켰습니다"
            ));
            signal.raise();
            signal.wait();
            ensure!(
                signal.is_raised(),
                t!(
                    "raising twice keeps it raised",
                    "두 번 raise해도 신호는 올라가 있어야 합니다"
                )
            );
            Ok(())
        },
    )?
}

fn signal_stress(ctx: &mut Ctx) -> CheckResult {
    const ROUNDS: u64 = 300;
    let seed: u64 = ctx.rng().random();
    let replay = race::replay_command(ctx);
    threadlings::instrument::enable(threadlings::instrument::Config::stress(seed));
    let outcome = race::watch(
        t!(
            "300 rounds of a thread waiting for a Signal while another publishes a value and raises \
             it, with random pauses (and spurious returns from park)",
            "한 스레드가 Signal을 기다리고 다른 스레드가 값을 게시한 뒤 신호를 올리는 \
             300라운드(무작위 멈춤과 park의 가짜 반환 포함)"
        ),
        Duration::from_secs(10),
        Duration::from_secs(2),
        move || -> Result<(), String> {
            for round in 0..ROUNDS {
                let signal = Arc::new(Signal::new());
                let payload = Arc::new(ModelAtomicU64::new(0));
                let raiser = {
                    let (signal, payload) = (signal.clone(), payload.clone());
                    threadlings::thread::Builder::new()
                        .name("raiser".to_string())
                        .spawn(move || {
                            payload.store(round + 1, Ordering::Relaxed);
                            signal.raise();
                            if round % 3 == 0 {
                                signal.raise();
                            }
                        })
                        .unwrap()
                };
                race::doing(|| t!("wait() in round {round}", "라운드 {round}의 wait()"));
                signal.wait();
                if !signal.is_raised() {
                    return Err(t!(
                        "round {round}: wait() returned while the signal was not raised \
                         (park may return without an unpark: wait in a `while` loop that \
                         re-checks the flag)",
                        "라운드 {round}: 신호가 올라가지 않았는데 wait()가 돌아왔습니다(park는 \
                         unpark 없이도 돌아올 수 있습니다: 플래그를 다시 확인하는 `while` 루프 \
                         안에서 기다리세요)"
                    ));
                }
                let seen = payload.load(Ordering::Relaxed);
                if seen != round + 1 {
                    let written = round + 1;
                    return Err(t!(
                        "round {round}: after wait() returned, the value written before \
                         raise() read {seen}, not {}",
                        "라운드 {round}: wait()가 돌아온 뒤 raise() 전에 쓴 값이 {0}이(가) 아니라 \
                         {seen}(으)로 읽혔습니다",
                        written
                    ));
                }
                raiser.join().unwrap();
                race::doing(|| {
                    t!(
                        "a second wait() in round {round}, after raise",
                        "라운드 {round}에서 raise 뒤의 두 번째 wait()"
                    )
                });
                signal.wait();
            }
            Ok(())
        },
    );
    threadlings::instrument::disable();
    match outcome? {
        Ok(()) => Ok(()),
        Err(message) => threadlings_kit::fail!("{message}\n(seed {}; {replay})", ctx.seed()),
    }
}

fn signal_explore(ctx: &mut Ctx) -> CheckResult {
    Explore::new(t!(
        "a thread waiting for a Signal that another thread raises after writing a value",
        "다른 스레드가 값을 쓴 뒤 올리는 Signal을 기다리는 스레드"
    ))
    .iterations(1000)
    .check(ctx, || {
        let signal = Arc::new(Signal::new());
        let payload = Arc::new(ModelAtomicU64::new(0));
        let raiser = {
            let (signal, payload) = (signal.clone(), payload.clone());
            threadlings::thread::Builder::new()
                .name("raiser".to_string())
                .spawn(move || {
                    payload.store(7, Ordering::Relaxed);
                    signal.raise();
                })
                .unwrap()
        };
        signal.wait();
        Violation::ensure_eq(
            &t!(
                "wait() returns only once the signal is raised",
                "wait()는 신호가 올라간 뒤에만 돌아와야 합니다"
            ),
            signal.is_raised(),
            true,
        )?;
        Violation::ensure_eq(
            &t!(
                "after wait(), the value written before raise() is there",
                "wait() 뒤에는 raise() 전에 쓴 값이 보여야 합니다"
            ),
            payload.load(Ordering::Relaxed),
            7,
        )?;
        raiser.join().unwrap();
        signal.wait();
        Ok(())
    })
}

fn signal_acquires(_ctx: &mut Ctx) -> CheckResult {
    // No checker here can show the stale read of a `Relaxed` flag: x86 never
    // reorders two loads, shuttle runs every atomic as SeqCst, and loom joins
    // the waiter's view at `unpark` whether or not `park` consumed it. What
    // can be checked is the cause: a wait that sees the flag raised and
    // returns without parking must have acquired something, or nothing
    // orders the raiser's earlier writes before the waiter's later reads.
    let signal = Signal::new();
    signal.raise();
    let ((), acquires) = threadlings::instrument::count_acquires(|| signal.wait());
    if acquires == Some(0) {
        threadlings_kit::fail!(t!(
            "wait() found the signal raised and returned without an Acquire operation (a load, \
             read-modify-write or fence with Acquire or stronger) and without parking: nothing \
             then makes what the raiser wrote before raise() visible after wait(). Load the flag \
             with Ordering::Acquire",
            "wait()가 올라간 신호를 보고 Acquire 연산(Acquire 이상의 순서를 쓴 load, \
             읽기-수정-쓰기, 펜스) 없이, park하지도 않고 돌아왔습니다: 그러면 raise하는 스레드가 \
             raise() 전에 쓴 것을 wait() 뒤에 보이게 해 주는 것이 없습니다. 플래그를 \
             Ordering::Acquire로 load하세요"
        ));
    }
    let (raised, acquires) = threadlings::instrument::count_acquires(|| signal.is_raised());
    ensure!(
        raised,
        t!(
            "is_raised() must be true after raise()",
            "raise() 뒤에는 is_raised()가 true여야 합니다"
        )
    );
    if acquires == Some(0) {
        threadlings_kit::fail!(t!(
            "is_raised() returned true without an Acquire operation: a thread that sees the \
             signal raised must also see what the raiser wrote before raise(). Load the flag \
             with Ordering::Acquire",
            "is_raised()가 Acquire 연산 없이 true를 돌려주었습니다: 신호가 올라간 것을 본 \
             스레드는 raise하는 스레드가 raise() 전에 쓴 것도 봐야 합니다. 플래그를 \
             Ordering::Acquire로 load하세요"
        ));
    }
    Ok(())
}

fn signal_model(ctx: &mut Ctx) -> CheckResult {
    // Loom treats `unpark` as synchronizing with the unparked thread (std
    // promises no such thing), so the waiter itself would see the value even
    // with a `Relaxed` flag. A third thread that only looks at `is_raised`
    // is unparked by nobody: what it sees rests on the flag's orderings alone.
    Model::new(t!(
        "a thread waiting for a Signal that another raises after writing a value, while a third \
             looks at is_raised",
        "다른 스레드가 값을 쓴 뒤 올리는 Signal을 한 스레드가 기다리고, 세 번째 스레드가 \
             is_raised를 살펴봄"
    ))
    .check(ctx, || {
        let signal = Arc::new(Signal::new());
        let payload = Arc::new(ModelAtomicU64::new(0));
        let raiser = {
            let (signal, payload) = (signal.clone(), payload.clone());
            threadlings::thread::Builder::new()
                .name("raiser".to_string())
                .spawn(move || {
                    payload.store(7, Ordering::Relaxed);
                    signal.raise();
                })
                .unwrap()
        };
        let observer = {
            let (signal, payload) = (signal.clone(), payload.clone());
            threadlings::thread::Builder::new()
                .name("observer".to_string())
                .spawn(move || {
                    if signal.is_raised() {
                        assert_eq!(
                            payload.load(Ordering::Relaxed),
                            7,
                            "{}",
                            t!(
                                "is_raised() returned true but the value written before raise() \
                                 is not visible: raise must store the flag with Release and \
                                 is_raised load it with Acquire",
                                "is_raised()가 true를 돌려주었지만 raise() 전에 쓴 값이 보이지 \
                                 않습니다: raise는 플래그를 Release로 store하고 is_raised는 \
                                 Acquire로 load해야 합니다"
                            )
                        );
                    }
                })
                .unwrap()
        };
        signal.wait();
        assert_eq!(
            payload.load(Ordering::Relaxed),
            7,
            "{}",
            t!(
                "wait() returned but the value written before raise() is not visible: raise must \
                 store the flag with Release and wait must load it with Acquire",
                "wait()가 돌아왔지만 raise() 전에 쓴 값이 보이지 않습니다: raise는 플래그를 \
                 Release로 store하고 wait는 Acquire로 load해야 합니다"
            )
        );
        raiser.join().unwrap();
        observer.join().unwrap();
    })
}
