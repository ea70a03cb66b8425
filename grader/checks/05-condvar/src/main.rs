//! Hidden checks of exercise 05-condvar.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

mod lin;

use lin::{queue_lin, queue_lin_explore, queue_lin_model};

use condvar::{Barrier, BoundedQueue};
use rand::Rng;
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, eventually, fail, t, within};

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
    within(
        LIMIT,
        t!(
            "BoundedQueue push, pop, try_pop, len",
            "BoundedQueue의 push, pop, try_pop, len"
        ),
        move || {
            let queue = BoundedQueue::new(capacity);
            ensure_eq!(
                queue.capacity(),
                capacity,
                t!(
                    "capacity() is what new got",
                    "capacity()는 new에 준 값입니다"
                )
            );
            ensure!(
                queue.is_empty(),
                t!("a new queue is empty", "새 큐는 비어 있습니다")
            );
            ensure_eq!(
                queue.try_pop(),
                None,
                t!("try_pop on an empty queue", "빈 큐에 대한 try_pop")
            );
            for i in 0..capacity {
                queue.push(i);
                ensure_eq!(
                    queue.len(),
                    i + 1,
                    t!("len() after {} pushes", "push {}번 뒤의 len()", i + 1)
                );
            }
            ensure_eq!(
                queue.pop(),
                0,
                t!(
                    "pop returns the oldest item",
                    "pop은 가장 오래된 항목을 돌려줍니다"
                )
            );
            queue.push(capacity);
            let rest: Vec<usize> = (0..capacity).map(|_| queue.pop()).collect();
            ensure_eq!(
                rest,
                (1..=capacity).collect::<Vec<_>>(),
                t!(
                    "items come out in the order they went in",
                    "항목은 들어간 순서대로 나옵니다"
                )
            );
            queue.push(7);
            ensure_eq!(
                queue.try_pop(),
                Some(7),
                t!(
                    "try_pop takes what is there",
                    "try_pop은 큐에 있는 항목을 가져갑니다"
                )
            );
            ensure!(
                queue.is_empty(),
                t!("the queue is empty again", "큐가 다시 비어 있습니다")
            );
            Ok(())
        },
    )?
}

fn queue_blocks(_ctx: &mut Ctx) -> CheckResult {
    within(
        Duration::from_secs(25),
        t!("blocking push and pop", "막히는 push와 pop"),
        || {
            let queue = Arc::new(BoundedQueue::new(2));
            // A producer pushing a third item must wait for room.
            let producer = {
                let queue = queue.clone();
                std::thread::spawn(move || (0..3).for_each(|i| queue.push(i)))
            };
            if !eventually(Duration::from_secs(10), || queue.len() == 2) {
                let len = queue.len();
                fail!(t!(
                    "a producer pushing 3 items into a queue of 2 should fill it (len() is {len})",
                    "용량이 2인 큐에 항목 3개를 push하는 생산자는 큐를 가득 채워야 \
                     합니다(len()은 {len})"
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
            if producer.is_finished() || queue.len() != 2 {
                let len = queue.len();
                fail!(t!(
                    "push must wait while the queue is full: the third push returned \
                     (len() is {len})",
                    "큐가 가득 찬 동안 push는 기다려야 합니다: 세 번째 push가 \
                     반환되었습니다(len()은 {len})"
                ));
            }
            ensure_eq!(queue.pop(), 0, t!("the first item out", "처음 나오는 항목"));
            ensure!(
                eventually(Duration::from_secs(10), || producer.is_finished()),
                t!(
                    "after a pop made room, the waiting push must complete",
                    "pop이 자리를 만든 뒤에는 기다리던 push가 끝나야 합니다"
                )
            );
            producer.join().expect(&t!(
                "the producer thread panicked",
                "생산자 스레드가 패닉했습니다"
            ));
            ensure_eq!(
                (queue.pop(), queue.pop()),
                (1, 2),
                t!("the other items, in order", "나머지 항목, 순서대로")
            );
            // A consumer popping from an empty queue must wait for a push.
            let consumer = {
                let queue = queue.clone();
                std::thread::spawn(move || queue.pop())
            };
            std::thread::sleep(Duration::from_millis(100));
            ensure!(
                !consumer.is_finished(),
                t!(
                    "pop must wait while the queue is empty, but it returned",
                    "큐가 비어 있는 동안 pop은 기다려야 하는데, 반환되었습니다"
                )
            );
            queue.push(42);
            ensure!(
                eventually(Duration::from_secs(10), || consumer.is_finished()),
                t!(
                    "after a push, the waiting pop must return",
                    "push가 있은 뒤에는 기다리던 pop이 반환되어야 합니다"
                )
            );
            match consumer.join() {
                Ok(item) => ensure_eq!(
                    item,
                    42,
                    t!(
                        "the waiting pop gets the pushed item",
                        "기다리던 pop은 push된 항목을 받습니다"
                    )
                ),
                Err(_) => fail!(t!(
                    "the consumer thread panicked",
                    "소비자 스레드가 패닉했습니다"
                )),
            }
            Ok(())
        },
    )?
}

fn barrier_leaders(_ctx: &mut Ctx) -> CheckResult {
    const PARTIES: usize = 3;
    const GENERATIONS: usize = 10;
    let outcome = within(
        Duration::from_secs(25),
        t!(
            "3 threads × 10 barrier waits",
            "스레드 3개 × 배리어 wait 10번"
        ),
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
        t!(
            "exactly one thread per generation gets `true` from wait()",
            "세대마다 정확히 한 스레드만 wait()에서 `true`를 받습니다"
        )
    );
    ensure_eq!(
        outcome.1,
        0,
        t!(
            "no thread may leave wait() before every thread of its generation arrived",
            "어떤 스레드도 자기 세대의 모든 스레드가 도착하기 전에 wait()를 떠나면 안 됩니다"
        )
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
    Stress::new(
        ctx,
        t!(
            "2 producers and 2 consumers on a BoundedQueue of 2",
            "용량이 2인 BoundedQueue 위의 생산자 2개와 소비자 2개"
        ),
    )
    .threads(4)
    .ops(12)
    .rounds(300)
    .run(
        |_rng| BoundedQueue::<u64>::new(CAPACITY),
        |queue, thread, step, _rng| {
            if thread < PRODUCERS {
                let item = (thread as u64) << 32 | step as u64;
                race::doing(|| {
                    t!(
                        "push(item {step} of producer {thread})",
                        "push(생산자 {thread}의 항목 {step})"
                    )
                });
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
                            t!(
                                "the queue never holds more than its capacity (2)",
                                "큐는 용량(2)보다 많이 담지 않습니다"
                            ),
                            t!(
                                "len() = {len}, seen by worker-{thread}",
                                "len() = {len}, worker-{thread}이(가) 본 값"
                            ),
                        ));
                    }
                    if let QueueOp::Popped { item, .. } = *op {
                        let (producer, seq) = ((item >> 32) as usize, item & 0xffff_ffff);
                        if producer >= PRODUCERS {
                            return Err(Violation::new(
                                t!(
                                    "pop returns items that were pushed",
                                    "pop은 push된 항목을 돌려줍니다"
                                ),
                                t!("popped {item:#x}", "{item:#x}을(를) pop했습니다"),
                            ));
                        }
                        if last_seen[producer].is_some_and(|last| seq <= last) {
                            let last = last_seen[producer].unwrap_or_default();
                            return Err(Violation::new(
                                t!(
                                    "first in, first out: one consumer gets the items of one \
                                         producer in the order they were pushed",
                                    "선입선출: 한 소비자는 한 생산자의 항목을 push된 순서대로 \
                                         받습니다"
                                ),
                                t!(
                                    "worker-{thread} popped item {seq} of producer \
                                         {producer} after item {last}",
                                    "worker-{thread}이(가) 생산자 {producer}의 항목 {last}을(를) \
                                         pop한 뒤에 항목 {seq}을(를) pop했습니다"
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
                let (pushed, popped) = (pushed.len(), popped.len());
                return Err(Violation::new(
                    t!(
                        "every pushed item is popped exactly once",
                        "push된 모든 항목은 정확히 한 번 pop됩니다"
                    ),
                    t!(
                        "{pushed} pushed, {popped} popped: {lost} never came out, {twice} \
                             came out twice",
                        "항목 {pushed}개 push, {popped}개 pop: {lost}개는 한 번도 나오지 \
                             않았고 {twice}개는 두 번 나왔습니다"
                    ),
                ));
            }
            Violation::ensure_eq(
                &t!(
                    "after the round (as many pops as pushes) the queue is empty",
                    "라운드가 끝난 뒤(push한 만큼 pop한 뒤) 큐는 비어 있습니다"
                ),
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
    Explore::new(t!(
        "2 producers pushing 3 items each into a BoundedQueue of 1, 2 consumers popping 3 each",
        "생산자 2개가 용량이 1인 BoundedQueue에 항목을 3개씩 push하고, 소비자 2개가 3개씩 pop"
    ))
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
                                race::doing(|| {
                                    t!(
                                        "push(item {i} of producer {p})",
                                        "push(생산자 {p}의 항목 {i})"
                                    )
                                });
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
                    t!(
                        "the queue never holds more than its capacity (1)",
                        "큐는 용량(1)보다 많이 담지 않습니다"
                    ),
                    t!(
                        "len() = {longest}, seen by producer-{p} right after a push",
                        "len() = {longest}, producer-{p}이(가) push 직후에 본 값"
                    ),
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
                        t!(
                            "pop returns items that were pushed",
                            "pop은 push된 항목을 돌려줍니다"
                        ),
                        t!(
                            "consumer-{c} popped {item:#x}",
                            "consumer-{c}이(가) {item:#x}을(를) pop했습니다"
                        ),
                    ));
                }
                if last_seen[producer].is_some_and(|last| seq <= last) {
                    return Err(Violation::new(
                        t!(
                            "first in, first out: one consumer gets the items of one producer \
                             in the order they were pushed",
                            "선입선출: 한 소비자는 한 생산자의 항목을 push된 순서대로 받습니다"
                        ),
                        t!(
                            "consumer-{c} got {items:x?}",
                            "consumer-{c}이(가) 받은 항목: {items:x?}"
                        ),
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
        Violation::ensure_eq(
            &t!(
                "every pushed item is popped exactly once",
                "push된 모든 항목은 정확히 한 번 pop됩니다"
            ),
            popped,
            pushed,
        )?;
        Violation::ensure_eq(
            &t!("the queue is empty at the end", "끝에 큐가 비어 있습니다"),
            queue.len(),
            0,
        )
    })
}

fn queue_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "one producer pushing 1 and 2 into a BoundedQueue of 1, two consumers popping",
        "생산자 하나가 용량이 1인 BoundedQueue에 1과 2를 push하고, 소비자 둘이 pop"
    ))
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
        assert_eq!(
            got,
            [1, 2],
            "{}",
            t!(
                "each consumer gets one of the two items",
                "각 소비자는 두 항목 중 하나를 받습니다"
            )
        );
        assert!(
            queue.is_empty(),
            "{}",
            t!("both items were taken", "두 항목 모두 꺼내졌습니다")
        );
    })
}

fn barrier_stress(ctx: &mut Ctx) -> CheckResult {
    const PARTIES: usize = 4;
    const GENERATIONS: usize = 25;
    Stress::new(
        ctx,
        t!(
            "4 threads × 25 waits on a Barrier of 4",
            "용량이 4인 Barrier에서 스레드 4개 × wait 25번"
        ),
    )
    .threads(PARTIES)
    .ops(GENERATIONS)
    .rounds(80)
    .run(
        |_rng| (Barrier::new(PARTIES), AtomicUsize::new(0)),
        |(barrier, arrived), _thread, generation, _rng| {
            arrived.fetch_add(1, Ordering::SeqCst);
            race::doing(|| {
                t!(
                    "wait() of generation {generation}",
                    "세대 {generation}의 wait()"
                )
            });
            let leader = barrier.wait();
            (generation, leader, arrived.load(Ordering::SeqCst))
        },
        |_subject, log| {
            for (thread, ops) in log.threads.iter().enumerate() {
                for &(generation, _, seen) in ops {
                    if seen < (generation + 1) * PARTIES {
                        let least = (generation + 1) * PARTIES;
                        return Err(Violation::new(
                            t!(
                                "nobody leaves wait() before every thread of its generation \
                                     arrived",
                                "자기 세대의 모든 스레드가 도착하기 전에는 아무도 wait()를 \
                                     떠나지 않습니다"
                            ),
                            t!(
                                "worker-{thread} left wait() of generation {generation} \
                                     when only {seen} arrivals had happened",
                                "worker-{thread}이(가) 도착이 {seen}번밖에 없었을 때 세대 \
                                     {generation}의 wait()를 떠났습니다"
                            ),
                        )
                        .expected(t!("at least {least}", "{least} 이상")));
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
                        t!(
                            "exactly one thread per generation gets `true` from wait()",
                            "세대마다 정확히 한 스레드만 wait()에서 `true`를 받습니다"
                        ),
                        t!(
                            "{leaders} leaders in generation {generation}",
                            "세대 {generation}의 리더 {leaders}개"
                        ),
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
    Explore::new(t!(
        "4 threads crossing a Barrier of 4 three times",
        "스레드 4개가 용량이 4인 Barrier를 세 번 건넘"
    ))
    .iterations(1000)
    .check(ctx, || {
        let barrier = Arc::new(Barrier::new(PARTIES));
        let arrived = Arc::new(threadlings::sync::atomic::AtomicUsize::new(0));
        let cross = move |barrier: &Barrier, arrived: &threadlings::sync::atomic::AtomicUsize| {
            (0..GENERATIONS)
                .map(|generation| {
                    arrived.fetch_add(1, Ordering::SeqCst);
                    race::doing(|| {
                        t!(
                            "wait() of generation {generation}",
                            "세대 {generation}의 wait()"
                        )
                    });
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
                    let least = (generation + 1) * PARTIES;
                    return Err(Violation::new(
                        t!(
                            "nobody leaves wait() before every thread of its generation arrived",
                            "자기 세대의 모든 스레드가 도착하기 전에는 아무도 wait()를 떠나지 \
                                 않습니다"
                        ),
                        t!(
                            "party-{thread} left wait() of generation {generation} when \
                                 only {seen} arrivals had happened",
                            "party-{thread}이(가) 도착이 {seen}번밖에 없었을 때 세대 \
                                 {generation}의 wait()를 떠났습니다"
                        ),
                    )
                    .expected(t!("at least {least}", "{least} 이상")));
                }
            }
        }
        for generation in 0..GENERATIONS {
            let leaders = results.iter().filter(|r| r[generation].0).count();
            Violation::ensure_eq(
                &t!(
                    "exactly one thread gets `true` from wait() in generation {generation}",
                    "세대 {generation}에서 정확히 한 스레드만 wait()에서 `true`를 받습니다"
                ),
                leaders,
                1,
            )?;
        }
        Ok(())
    })
}

fn barrier_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "three threads crossing a Barrier of 3 twice",
        "스레드 셋이 용량이 3인 Barrier를 두 번 건넘"
    ))
    .check(ctx, || {
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
            assert_eq!(
                leaders,
                1,
                "{}",
                t!(
                    "exactly one leader in generation {generation}",
                    "세대 {generation}에는 리더가 정확히 하나입니다"
                )
            );
        }
    })
}
