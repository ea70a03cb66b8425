//! Hidden checks of exercise 05-condvar.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod lin;

use lin::{queue_lin, queue_lin_explore, queue_lin_model};

use condvar::{Barrier, BoundedQueue};
use rand::Rng;
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, eventually, fail, within};

mod coverage;

use coverage::queue_try_pop_explore;

threadlings_kit::checks![
    queue_fifo,
    queue_blocks,
    barrier_leaders,
    queue_stress,
    queue_explore,
    queue_try_pop_explore,
    queue_model,
    barrier_stress,
    barrier_explore,
    barrier_model,
    queue_lin,
    queue_lin_explore,
    queue_lin_model,
];

const LIMIT: Duration = Duration::from_secs(15);

fn queue_fifo(ctx: &mut Ctx) -> CheckResult {
    let capacity = ctx.rng().random_range(2..=5);
    within(LIMIT, "BoundedQueue push, pop, try_pop, len", move || {
        let queue = BoundedQueue::new(capacity);
        ensure_eq!(queue.capacity(), capacity, "capacity() is what new got");
        ensure!(queue.is_empty(), "a new queue is empty");
        ensure_eq!(queue.try_pop(), None, "try_pop on an empty queue");
        for i in 0..capacity {
            queue.push(i);
            ensure_eq!(queue.len(), i + 1, "len() after {} pushes", i + 1);
        }
        ensure_eq!(queue.pop(), 0, "pop returns the oldest item");
        queue.push(capacity);
        let rest: Vec<usize> = (0..capacity).map(|_| queue.pop()).collect();
        ensure_eq!(
            rest,
            (1..=capacity).collect::<Vec<_>>(),
            "items come out in the order they went in"
        );
        queue.push(7);
        ensure_eq!(queue.try_pop(), Some(7), "try_pop takes what is there");
        ensure!(queue.is_empty(), "the queue is empty again");
        Ok(())
    })?
}

fn queue_blocks(_ctx: &mut Ctx) -> CheckResult {
    within(Duration::from_secs(25), "blocking push and pop", || {
        let queue = Arc::new(BoundedQueue::new(2));
        // A producer pushing a third item must wait for room.
        let producer = {
            let queue = queue.clone();
            std::thread::spawn(move || (0..3).for_each(|i| queue.push(i)))
        };
        ensure!(
            eventually(Duration::from_secs(10), || queue.len() == 2),
            "a producer pushing 3 items into a queue of 2 should fill it (len() is {})",
            queue.len()
        );
        std::thread::sleep(Duration::from_millis(100));
        ensure!(
            !producer.is_finished() && queue.len() == 2,
            "push must wait while the queue is full: the third push returned (len() is {})",
            queue.len()
        );
        ensure_eq!(queue.pop(), 0, "the first item out");
        ensure!(
            eventually(Duration::from_secs(10), || producer.is_finished()),
            "after a pop made room, the waiting push must complete"
        );
        producer.join().expect("the producer thread panicked");
        ensure_eq!(
            (queue.pop(), queue.pop()),
            (1, 2),
            "the other items, in order"
        );
        // A consumer popping from an empty queue must wait for a push.
        let consumer = {
            let queue = queue.clone();
            std::thread::spawn(move || queue.pop())
        };
        std::thread::sleep(Duration::from_millis(100));
        ensure!(
            !consumer.is_finished(),
            "pop must wait while the queue is empty, but it returned"
        );
        queue.push(42);
        ensure!(
            eventually(Duration::from_secs(10), || consumer.is_finished()),
            "after a push, the waiting pop must return"
        );
        match consumer.join() {
            Ok(item) => ensure_eq!(item, 42, "the waiting pop gets the pushed item"),
            Err(_) => fail!("the consumer thread panicked"),
        }
        Ok(())
    })?
}

fn barrier_leaders(_ctx: &mut Ctx) -> CheckResult {
    const PARTIES: usize = 3;
    const GENERATIONS: usize = 10;
    let outcome = within(
        Duration::from_secs(25),
        "3 threads × 10 barrier waits",
        || {
            let barrier = Barrier::new(PARTIES);
            let arrived = AtomicUsize::new(0);
            let leaders = AtomicUsize::new(0);
            let early = AtomicUsize::new(0);
            std::thread::scope(|s| {
                for _ in 0..PARTIES {
                    s.spawn(|| {
                        for generation in 0..GENERATIONS {
                            arrived.fetch_add(1, Ordering::SeqCst);
                            if barrier.wait() {
                                leaders.fetch_add(1, Ordering::SeqCst);
                            }
                            if arrived.load(Ordering::SeqCst) < (generation + 1) * PARTIES {
                                early.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    });
                }
            });
            (leaders.into_inner(), early.into_inner())
        },
    )?;
    ensure_eq!(
        outcome.0,
        GENERATIONS,
        "exactly one thread per generation gets `true` from wait()"
    );
    ensure_eq!(
        outcome.1,
        0,
        "no thread may leave wait() before every thread of its generation arrived"
    );
    Ok(())
}

/// What one queue-stress operation saw.
#[derive(Debug, Clone, Copy)]
enum QueueOp {
    Pushed { item: u64, len: usize },
    Popped { item: u64, len: usize },
}

fn queue_stress(ctx: &mut Ctx) -> CheckResult {
    const CAPACITY: usize = 2;
    const PRODUCERS: usize = 2;
    // Short rounds, many of them: a lost wake-up shows at the end of a
    // round (the last item's notify), so rounds are what finds it.
    Stress::new(ctx, "2 producers and 2 consumers on a BoundedQueue of 2")
        .threads(4)
        .ops(12)
        .rounds(300)
        .run(
            |_rng| BoundedQueue::<u64>::new(CAPACITY),
            |queue, thread, step, _rng| {
                if thread < PRODUCERS {
                    let item = (thread as u64) << 32 | step as u64;
                    race::doing(|| format!("push(item {step} of producer {thread})"));
                    queue.push(item);
                    QueueOp::Pushed {
                        item,
                        len: queue.len(),
                    }
                } else {
                    race::doing(|| "pop()".to_string());
                    let item = queue.pop();
                    QueueOp::Popped {
                        item,
                        len: queue.len(),
                    }
                }
            },
            |queue, log| {
                let mut popped = Vec::new();
                for (thread, ops) in log.threads.iter().enumerate() {
                    let mut last_seen = [None::<u64>; PRODUCERS];
                    for op in ops {
                        let (QueueOp::Pushed { len, .. } | QueueOp::Popped { len, .. }) = *op;
                        if len > CAPACITY {
                            return Err(Violation::new(
                                "the queue never holds more than its capacity (2)",
                                format!("len() = {len}, seen by worker-{thread}"),
                            ));
                        }
                        if let QueueOp::Popped { item, .. } = *op {
                            let (producer, seq) = ((item >> 32) as usize, item & 0xffff_ffff);
                            if producer >= PRODUCERS {
                                return Err(Violation::new(
                                    "pop returns items that were pushed",
                                    format!("popped {item:#x}"),
                                ));
                            }
                            if last_seen[producer].is_some_and(|last| seq <= last) {
                                return Err(Violation::new(
                                    "first in, first out: one consumer gets the items of one \
                                     producer in the order they were pushed",
                                    format!(
                                        "worker-{thread} popped item {seq} of producer \
                                         {producer} after item {}",
                                        last_seen[producer].unwrap_or_default()
                                    ),
                                ));
                            }
                            last_seen[producer] = Some(seq);
                            popped.push(item);
                        }
                    }
                }
                popped.sort_unstable();
                let mut pushed: Vec<u64> = log
                    .all()
                    .filter_map(|op| match op {
                        QueueOp::Pushed { item, .. } => Some(*item),
                        QueueOp::Popped { .. } => None,
                    })
                    .collect();
                pushed.sort_unstable();
                if popped != pushed {
                    let lost = pushed.iter().filter(|i| !popped.contains(i)).count();
                    let twice = popped.len() + lost - pushed.len();
                    return Err(Violation::new(
                        "every pushed item is popped exactly once",
                        format!(
                            "{} pushed, {} popped: {lost} never came out, {twice} came out twice",
                            pushed.len(),
                            popped.len()
                        ),
                    ));
                }
                Violation::ensure_eq(
                    "after the round (as many pops as pushes) the queue is empty",
                    queue.len(),
                    0,
                )
            },
        )
}

fn queue_explore(ctx: &mut Ctx) -> CheckResult {
    const CAPACITY: usize = 1;
    const PRODUCERS: usize = 2;
    const CONSUMERS: usize = 2;
    const ITEMS: u64 = 3;
    Explore::new(
        "2 producers pushing 3 items each into a BoundedQueue of 1, 2 consumers popping 3 each",
    )
    .iterations(1000)
    .check(ctx, || {
        let queue = Arc::new(BoundedQueue::<u64>::new(CAPACITY));
        let producers: Vec<_> = (0..PRODUCERS as u64)
            .map(|p| {
                let queue = queue.clone();
                threadlings::thread::Builder::new()
                    .name(format!("producer-{p}"))
                    .spawn(move || {
                        (0..ITEMS)
                            .map(|i| {
                                race::doing(|| format!("push(item {i} of producer {p})"));
                                queue.push(p << 32 | i);
                                queue.len()
                            })
                            .max()
                            .unwrap_or(0)
                    })
                    .unwrap()
            })
            .collect();
        let consumers: Vec<_> = (0..CONSUMERS)
            .map(|c| {
                let queue = queue.clone();
                threadlings::thread::Builder::new()
                    .name(format!("consumer-{c}"))
                    .spawn(move || {
                        (0..ITEMS)
                            .map(|_| {
                                race::doing(|| "pop()".to_string());
                                queue.pop()
                            })
                            .collect::<Vec<u64>>()
                    })
                    .unwrap()
            })
            .collect();
        for (p, producer) in producers.into_iter().enumerate() {
            let longest = producer.join().unwrap();
            if longest > CAPACITY {
                return Err(Violation::new(
                    "the queue never holds more than its capacity (1)",
                    format!("len() = {longest}, seen by producer-{p} right after a push"),
                ));
            }
        }
        let mut popped = Vec::new();
        for (c, consumer) in consumers.into_iter().enumerate() {
            let items = consumer.join().unwrap();
            let mut last_seen = [None::<u64>; PRODUCERS];
            for &item in &items {
                let (producer, seq) = ((item >> 32) as usize, item & 0xffff_ffff);
                if producer >= PRODUCERS || seq >= ITEMS {
                    return Err(Violation::new(
                        "pop returns items that were pushed",
                        format!("consumer-{c} popped {item:#x}"),
                    ));
                }
                if last_seen[producer].is_some_and(|last| seq <= last) {
                    return Err(Violation::new(
                        "first in, first out: one consumer gets the items of one producer \
                             in the order they were pushed",
                        format!("consumer-{c} got {items:x?}"),
                    ));
                }
                last_seen[producer] = Some(seq);
            }
            popped.extend(items);
        }
        popped.sort_unstable();
        let pushed: Vec<u64> = (0..PRODUCERS as u64)
            .flat_map(|p| (0..ITEMS).map(move |i| p << 32 | i))
            .collect();
        Violation::ensure_eq("every pushed item is popped exactly once", popped, pushed)?;
        Violation::ensure_eq("the queue is empty at the end", queue.len(), 0)
    })
}

fn queue_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("one producer pushing 1 and 2 into a BoundedQueue of 1, two consumers popping")
        .check(ctx, || {
            let queue = Arc::new(BoundedQueue::new(1));
            let consumer = |name: &str| {
                let queue = queue.clone();
                threadlings::thread::Builder::new()
                    .name(name.to_string())
                    .spawn(move || queue.pop())
                    .unwrap()
            };
            let first = consumer("consumer-1");
            let second = consumer("consumer-2");
            queue.push(1);
            queue.push(2);
            let mut got = [first.join().unwrap(), second.join().unwrap()];
            got.sort_unstable();
            assert_eq!(got, [1, 2], "each consumer gets one of the two items");
            assert!(queue.is_empty(), "both items were taken");
        })
}

fn barrier_stress(ctx: &mut Ctx) -> CheckResult {
    const PARTIES: usize = 4;
    const GENERATIONS: usize = 25;
    Stress::new(ctx, "4 threads × 25 waits on a Barrier of 4")
        .threads(PARTIES)
        .ops(GENERATIONS)
        .rounds(80)
        .run(
            |_rng| (Barrier::new(PARTIES), AtomicUsize::new(0)),
            |(barrier, arrived), _thread, generation, _rng| {
                arrived.fetch_add(1, Ordering::SeqCst);
                race::doing(|| format!("wait() of generation {generation}"));
                let leader = barrier.wait();
                (generation, leader, arrived.load(Ordering::SeqCst))
            },
            |_subject, log| {
                for (thread, ops) in log.threads.iter().enumerate() {
                    for &(generation, _, seen) in ops {
                        if seen < (generation + 1) * PARTIES {
                            return Err(Violation::new(
                                "nobody leaves wait() before every thread of its generation \
                                 arrived",
                                format!(
                                    "worker-{thread} left wait() of generation {generation} \
                                     when only {seen} arrivals had happened"
                                ),
                            )
                            .expected(format!("at least {}", (generation + 1) * PARTIES)));
                        }
                    }
                }
                for generation in 0..GENERATIONS {
                    let leaders = log
                        .all()
                        .filter(|&&(g, leader, _)| g == generation && leader)
                        .count();
                    if leaders != 1 {
                        return Err(Violation::new(
                            "exactly one thread per generation gets `true` from wait()",
                            format!("{leaders} leaders in generation {generation}"),
                        ));
                    }
                }
                Ok(())
            },
        )
}

fn barrier_explore(ctx: &mut Ctx) -> CheckResult {
    const PARTIES: usize = 4;
    const GENERATIONS: usize = 3;
    Explore::new("4 threads crossing a Barrier of 4 three times")
        .iterations(1000)
        .check(ctx, || {
            let barrier = Arc::new(Barrier::new(PARTIES));
            let arrived = Arc::new(threadlings::sync::atomic::AtomicUsize::new(0));
            let cross =
                move |barrier: &Barrier, arrived: &threadlings::sync::atomic::AtomicUsize| {
                    (0..GENERATIONS)
                        .map(|generation| {
                            arrived.fetch_add(1, Ordering::SeqCst);
                            race::doing(|| format!("wait() of generation {generation}"));
                            let leader = barrier.wait();
                            (leader, arrived.load(Ordering::SeqCst))
                        })
                        .collect::<Vec<_>>()
                };
            let others: Vec<_> = (1..PARTIES)
                .map(|t| {
                    let (barrier, arrived) = (barrier.clone(), arrived.clone());
                    threadlings::thread::Builder::new()
                        .name(format!("party-{t}"))
                        .spawn(move || cross(&barrier, &arrived))
                        .unwrap()
                })
                .collect();
            let mut results = vec![cross(&barrier, &arrived)];
            results.extend(others.into_iter().map(|h| h.join().unwrap()));
            for (thread, crossings) in results.iter().enumerate() {
                for (generation, &(_, seen)) in crossings.iter().enumerate() {
                    if seen < (generation + 1) * PARTIES {
                        return Err(Violation::new(
                            "nobody leaves wait() before every thread of its generation arrived",
                            format!(
                                "party-{thread} left wait() of generation {generation} when \
                                 only {seen} arrivals had happened"
                            ),
                        )
                        .expected(format!("at least {}", (generation + 1) * PARTIES)));
                    }
                }
            }
            for generation in 0..GENERATIONS {
                let leaders = results.iter().filter(|r| r[generation].0).count();
                Violation::ensure_eq(
                    &format!(
                        "exactly one thread gets `true` from wait() in generation {generation}"
                    ),
                    leaders,
                    1,
                )?;
            }
            Ok(())
        })
}

fn barrier_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("three threads crossing a Barrier of 3 twice").check(ctx, || {
        let barrier = Arc::new(Barrier::new(3));
        let spawn = |name: &str| {
            let barrier = barrier.clone();
            threadlings::thread::Builder::new()
                .name(name.to_string())
                .spawn(move || [barrier.wait(), barrier.wait()])
                .unwrap()
        };
        let a = spawn("party-2");
        let b = spawn("party-3");
        let mine = [barrier.wait(), barrier.wait()];
        let results = [mine, a.join().unwrap(), b.join().unwrap()];
        for generation in 0..2 {
            let leaders = results.iter().filter(|r| r[generation]).count();
            assert_eq!(leaders, 1, "exactly one leader in generation {generation}");
        }
    })
}
