//! Hidden checks of exercise 08-atomics.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use atomics::{AtomicCounter, Mailbox, OnceValue, SpinLock};
use rand::Rng;
use threadlings::sync::atomic::AtomicUsize as ModelAtomicUsize;
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, within};

threadlings_kit::checks![
    atomics_basics,
    counter_stress,
    counter_explore,
    counter_model,
    spinlock_stress,
    spinlock_explore,
    spinlock_model,
    once_stress,
    once_explore,
    once_model,
    mailbox_stress,
    mailbox_model,
];

const LIMIT: Duration = Duration::from_secs(15);

fn atomics_basics(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(3..20);
    let message: [u64; 4] = std::array::from_fn(|_| ctx.rng().random());
    within(
        LIMIT,
        "AtomicCounter, SpinLock, OnceValue, Mailbox",
        move || {
            let counter = AtomicCounter::new();
            ensure_eq!(counter.get(), 0, "a new counter is 0");
            for i in 1..=n {
                ensure_eq!(counter.increment(), i, "increment returns the new value");
            }
            ensure_eq!(counter.get(), n, "get after {n} increments");

            let lock = SpinLock::new(vec![1]);
            {
                let mut guard = lock.lock();
                guard.push(2);
                ensure!(
                    lock.try_lock().is_none(),
                    "try_lock must fail while the lock is held"
                );
            }
            match lock.try_lock() {
                Some(guard) => ensure_eq!(*guard, vec![1, 2], "the data written under the lock"),
                None => threadlings_kit::fail!("try_lock must succeed once the guard is dropped"),
            }

            let once = OnceValue::new();
            ensure_eq!(once.get(), None, "get before get_or_init");
            ensure_eq!(*once.get_or_init(|| n), n, "get_or_init runs init");
            ensure_eq!(
                *once.get_or_init(|| n + 1),
                n,
                "a second get_or_init returns the first value"
            );
            ensure_eq!(once.get(), Some(&n), "get after get_or_init");

            let mailbox = Mailbox::new();
            ensure_eq!(mailbox.read(), None, "read before publish");
            mailbox.publish(message);
            ensure_eq!(mailbox.read(), Some(message), "read after publish");
            Ok(())
        },
    )?
}

fn counter_stress(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 4;
    const OPS: usize = 100;
    Stress::new(ctx, "concurrent AtomicCounter::increment calls")
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
                        "every increment counts: after the round, get() is the number of \
                         increments",
                        format!("get() = {total}"),
                    )
                    .expected((THREADS * OPS).to_string()));
                }
                let mut returned: Vec<u64> = log.all().copied().collect();
                returned.sort_unstable();
                if let Some(pair) = returned.windows(2).find(|w| w[0] == w[1]) {
                    return Err(Violation::new(
                        "each increment returns the value right after its own increment, so \
                         no two return the same value",
                        format!("two increments returned {}", pair[0]),
                    ));
                }
                Ok(())
            },
        )
}

fn counter_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const INCREMENTS: usize = 4;
    Explore::new("3 threads calling increment() 4 times each")
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
                "every increment counts: get() is the number of increments",
                counter.get(),
                (THREADS * INCREMENTS) as u64,
            )?;
            returned.sort_unstable();
            Violation::ensure_eq(
                "each increment returns the value right after its own increment, so they \
                 return 1, 2, 3, ... once each",
                returned,
                (1..=(THREADS * INCREMENTS) as u64).collect(),
            )
        })
}

fn counter_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads calling increment() at once").check(ctx, || {
        let counter = Arc::new(AtomicCounter::new());
        let other = {
            let counter = counter.clone();
            threadlings::thread::Builder::new()
                .name("increment on thread 2".to_string())
                .spawn(move || counter.increment())
                .unwrap()
        };
        let mine = counter.increment();
        let theirs = other.join().unwrap();
        assert_eq!(
            counter.get(),
            2,
            "after two increments the counter must be 2: one increment was lost"
        );
        let mut returned = [mine, theirs];
        returned.sort_unstable();
        assert_eq!(returned, [1, 2], "the two increments must return 1 and 2");
    })
}

fn spinlock_stress(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 4;
    const OPS: usize = 50;
    Stress::new(
        ctx,
        "4 threads taking a SpinLock around a read-modify-write",
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
                    "mutual exclusion: never two threads between lock() and the guard's drop",
                    format!("a thread entered while another was inside, {overlaps} times"),
                )
                .expected("0 times"));
            }
            let value = *lock.lock();
            Violation::ensure_eq(
                "every update made under the lock counts",
                value,
                (THREADS * OPS) as u64,
            )
        },
    )
}

fn spinlock_explore(ctx: &mut Ctx) -> CheckResult {
    const THREADS: usize = 3;
    const SECTIONS: usize = 3;
    Explore::new("3 threads each taking the SpinLock 3 times around a read-modify-write")
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
                "mutual exclusion: never two threads between lock() and the guard's drop \
                 (times a thread entered while another was inside)",
                overlaps,
                0,
            )?;
            Violation::ensure_eq(
                "every update made under the lock counts",
                *lock.lock(),
                (THREADS * SECTIONS) as u64,
            )
        })
}

fn spinlock_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads each adding 1 under the SpinLock").check(ctx, || {
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
        assert_eq!(*lock.lock(), 2, "both updates made under the lock count");
    })
}

fn once_stress(ctx: &mut Ctx) -> CheckResult {
    // Each round is one race to initialize: perturb half of the points so
    // that a check-then-act gets interleaved early.
    Stress::new(ctx, "4 threads racing to get_or_init a fresh OnceValue")
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
                        "init runs exactly once, however many threads call get_or_init at once",
                        format!("init ran {calls} times"),
                    )
                    .expected("once"));
                }
                let first = log.threads[0][0].1;
                for (thread, ops) in log.threads.iter().enumerate() {
                    for &(step, value) in ops {
                        if value != first {
                            let call = if step == 0 { "get_or_init" } else { "get" };
                            return Err(Violation::new(
                                "every caller gets the one value: get_or_init returns it, and \
                                 get after get_or_init returns Some of it",
                                format!("worker-{thread}'s {call} returned {value:?}"),
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
    Explore::new(
        "3 threads calling get_or_init and then get on a fresh OnceValue, a 4th calling get",
    )
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
            "init runs exactly once, however many threads call get_or_init at once",
            calls.load(Ordering::SeqCst),
            1,
        )?;
        let value = results[0].0;
        for (t, &(got, later)) in results.iter().enumerate() {
            if got != value || later != Some(value) {
                return Err(Violation::new(
                    "every caller gets the one value: get_or_init returns it, and get after \
                         get_or_init returns Some of it",
                    format!(
                        "get_or_init({}) returned {got}, then get() returned {later:?}",
                        100 + t
                    ),
                )
                .expected(format!("{value} and Some({value})")));
            }
        }
        if peeked.is_some_and(|p| p != value) {
            return Err(Violation::new(
                "get() returns None or the one value",
                format!("get() returned {peeked:?}"),
            )
            .expected(format!("None or Some({value})")));
        }
        Ok(())
    })
}

fn once_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads calling get_or_init and one calling get").check(ctx, || {
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
            "init must run exactly once"
        );
        assert_eq!(mine, theirs, "both get_or_init calls return the same value");
        assert!(
            peeked.is_none() || peeked == Some(mine),
            "get() returns None or the value, got {peeked:?} (the value is {mine})"
        );
    })
}

fn mailbox_stress(ctx: &mut Ctx) -> CheckResult {
    Stress::new(ctx, "a writer publishing while 3 readers poll a Mailbox")
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
                            "a reader that sees the flag sees the whole message",
                            format!("worker-{thread} read {seen:?}"),
                        )
                        .expected(format!("{message:?}")));
                    }
                }
                Violation::ensure_eq(
                    "after publish, read returns the message",
                    mailbox.read(),
                    Some(*message),
                )
            },
        )
}

fn mailbox_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("a writer publishing [1, 2, 3, 4] while a reader reads").check(ctx, || {
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
                "the reader saw the flag up but not the words written before it"
            );
        }
        writer.join().unwrap();
    })
}
