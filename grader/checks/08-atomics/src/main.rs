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
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, within};

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

fn try_lock_takes_a_free_lock(ctx: &mut Ctx) -> CheckResult {
    // One thread: the lock is free at every try_lock. Under stress the
    // facade's compare_exchange_weak fails spuriously now and then, as the
    // contract allows (and LL/SC hardware does), so a lone weak attempt
    // shows up as a free lock refused.
    Stress::new(ctx, "try_lock on a free SpinLock")
        .threads(1)
        .ops(40)
        .rounds(20)
        .run(
            |_rng| SpinLock::new(0_u64),
            |lock, _thread, _step, _rng| {
                race::doing(|| "try_lock() on a free lock".to_string());
                lock.try_lock().is_some()
            },
            |_, log| {
                let refused = log.all().filter(|taken| !**taken).count();
                if refused > 0 {
                    return Err(Violation::new(
                        "try_lock takes a free lock: one attempt that must not fail spuriously \
                         (compare_exchange, not compare_exchange_weak, when there is no retry loop)",
                        format!("try_lock() returned None on a free lock {refused} times"),
                    )
                    .expected("0 times"));
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

fn bounded_basics(ctx: &mut Ctx) -> CheckResult {
    let limit = ctx.rng().random_range(2..30);
    within(LIMIT, "AtomicCounter::increment_below", move || {
        let counter = AtomicCounter::new();
        for i in 1..=limit {
            ensure_eq!(
                counter.increment_below(limit),
                Some(i),
                "increment_below({limit}) below the limit adds 1 and returns the new value"
            );
        }
        ensure_eq!(
            counter.increment_below(limit),
            None,
            "increment_below({limit}) on a counter at {limit}"
        );
        ensure_eq!(counter.get(), limit, "a refused increment changes nothing");
        ensure_eq!(
            counter.increment(),
            limit + 1,
            "increment still works past the limit"
        );
        ensure_eq!(
            counter.increment_below(limit),
            None,
            "increment_below({limit}) on a counter above {limit}"
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
        return Err(Violation::new(
            format!(
                "with at least as many calls as the limit, exactly `limit` = {limit} calls succeed, \
                 returning 1, 2, ..., {limit} once each, and the counter ends at {limit}"
            ),
            format!(
                "{} calls succeeded (first returned values, sorted: {shown:?}); get() = \
                 {final_value}",
                sorted.len()
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
        "4 threads calling increment_below(limit) more often than limit",
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
    Explore::new("3 threads calling increment_below(9) 3 times each, then one more call")
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
                "a call after the limit is reached returns None",
                counter.increment_below(LIMIT_HERE),
                None,
            )
        })
}

fn bounded_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads calling increment_below(2) at once, then one more call").check(
        ctx,
        || {
            let counter = Arc::new(AtomicCounter::new());
            let other = {
                let counter = counter.clone();
                threadlings::thread::Builder::new()
                    .name("increment_below on thread 2".to_string())
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
                "two calls below the limit 2 must both succeed, returning 1 and 2 (a lost \
                 increment, or a call that gave up when another thread changed the value)"
            );
            assert_eq!(
                counter.increment_below(2),
                None,
                "a third call must find the limit reached"
            );
        },
    )
}

fn signal_basics(_ctx: &mut Ctx) -> CheckResult {
    within(LIMIT, "Signal: raise, is_raised, wait", || {
        let signal = Arc::new(Signal::new());
        ensure!(!signal.is_raised(), "a new signal is not raised");
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
            "wait() returned, so the signal is raised"
        );
        raiser.join().expect("the raising thread panicked");
        signal.raise();
        signal.wait();
        ensure!(signal.is_raised(), "raising twice keeps it raised");
        Ok(())
    })?
}

fn signal_stress(ctx: &mut Ctx) -> CheckResult {
    const ROUNDS: u64 = 300;
    let seed: u64 = ctx.rng().random();
    let replay = race::replay_command(ctx);
    threadlings::instrument::enable(threadlings::instrument::Config::stress(seed));
    let outcome = race::watch(
        "300 rounds of a thread waiting for a Signal while another publishes a value and raises \
         it, with random pauses (and spurious returns from park)",
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
                race::doing(|| format!("wait() in round {round}"));
                signal.wait();
                if !signal.is_raised() {
                    return Err(format!(
                        "round {round}: wait() returned while the signal was not raised \
                         (park may return without an unpark: wait in a `while` loop that \
                         re-checks the flag)"
                    ));
                }
                let seen = payload.load(Ordering::Relaxed);
                if seen != round + 1 {
                    return Err(format!(
                        "round {round}: after wait() returned, the value written before \
                         raise() read {seen}, not {}",
                        round + 1
                    ));
                }
                raiser.join().unwrap();
                race::doing(|| format!("a second wait() in round {round}, after raise"));
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
    Explore::new("a thread waiting for a Signal that another thread raises after writing a value")
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
                "wait() returns only once the signal is raised",
                signal.is_raised(),
                true,
            )?;
            Violation::ensure_eq(
                "after wait(), the value written before raise() is there",
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
        threadlings_kit::fail!(
            "wait() found the signal raised and returned without an Acquire operation (a load, \
             read-modify-write or fence with Acquire or stronger) and without parking: nothing \
             then makes what the raiser wrote before raise() visible after wait(). Load the flag \
             with Ordering::Acquire"
        );
    }
    let (raised, acquires) = threadlings::instrument::count_acquires(|| signal.is_raised());
    ensure!(raised, "is_raised() must be true after raise()");
    if acquires == Some(0) {
        threadlings_kit::fail!(
            "is_raised() returned true without an Acquire operation: a thread that sees the \
             signal raised must also see what the raiser wrote before raise(). Load the flag \
             with Ordering::Acquire"
        );
    }
    Ok(())
}

fn signal_model(ctx: &mut Ctx) -> CheckResult {
    // Loom treats `unpark` as synchronizing with the unparked thread (std
    // promises no such thing), so the waiter itself would see the value even
    // with a `Relaxed` flag. A third thread that only looks at `is_raised`
    // is unparked by nobody: what it sees rests on the flag's orderings alone.
    Model::new(
        "a thread waiting for a Signal that another raises after writing a value, while a third \
         looks at is_raised",
    )
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
                            "is_raised() returned true but the value written before raise() \
                             is not visible: raise must store the flag with Release and \
                             is_raised load it with Acquire"
                        );
                    }
                })
                .unwrap()
        };
        signal.wait();
        assert_eq!(
            payload.load(Ordering::Relaxed),
            7,
            "wait() returned but the value written before raise() is not visible: raise must \
             store the flag with Release and wait must load it with Acquire"
        );
        raiser.join().unwrap();
        observer.join().unwrap();
    })
}
