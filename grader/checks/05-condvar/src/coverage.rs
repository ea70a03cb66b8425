//! Scenarios for the queue operations the first scenarios did not need:
//! `try_pop`, `len` and `is_empty` next to producers blocked in `push`. A
//! `try_pop` that frees room must wake a producer waiting for it; if it does
//! not, the producer stays blocked while the queue has room, and the
//! exploration reports it with the wait-for picture (a thread that can never
//! run again is a failure, even if every other thread finished).

use std::sync::Arc;

use condvar::BoundedQueue;
use threadlings_kit::race::{self, Explore, Violation};
use threadlings_kit::{CheckResult, Ctx, t};

/// One producer pushes 3 items into a queue of 1 (so it waits for room
/// after every push); one consumer takes them with `try_pop`, and only when
/// `try_pop` finds nothing waits with `pop` (which a correct `push` ends).
/// It also asks `len` and `is_empty` between its takes.
pub fn queue_try_pop_explore(ctx: &mut Ctx) -> CheckResult {
    const ITEMS: u64 = 3;
    Explore::new(t!(
        "a producer pushing 3 items into a BoundedQueue of 1 while a consumer takes them with \
         try_pop (pop only when try_pop finds nothing)",
        "생산자 하나가 용량이 1인 BoundedQueue에 항목 3개를 push하는 동안 소비자 하나가 \
         try_pop으로 꺼냄(try_pop이 아무것도 찾지 못할 때만 pop)"
    ))
    .iterations(1000)
    .check(ctx, || {
        let queue = Arc::new(BoundedQueue::<u64>::new(1));
        let producer = {
            let queue = queue.clone();
            threadlings::thread::Builder::new()
                .name("producer".to_string())
                .spawn(move || {
                    for i in 0..ITEMS {
                        race::doing(|| {
                            t!(
                                "push(item {i}), waiting for room",
                                "push(항목 {i}), 자리가 나기를 기다림"
                            )
                        });
                        queue.push(i);
                    }
                })
                .unwrap()
        };
        let consumer = {
            let queue = queue.clone();
            threadlings::thread::Builder::new()
                .name("consumer".to_string())
                .spawn(move || {
                    let mut got = Vec::new();
                    let mut sizes = Vec::new();
                    while got.len() < ITEMS as usize {
                        // Two calls, two moments: only each one alone can
                        // be judged (a push may come in between).
                        sizes.push(queue.len());
                        let _ = queue.is_empty();
                        race::doing(|| "try_pop()".to_string());
                        match queue.try_pop() {
                            Some(item) => got.push(item),
                            None => {
                                race::doing(|| {
                                    t!(
                                        "pop() after try_pop found the queue empty",
                                        "try_pop이 빈 큐를 본 뒤의 pop()"
                                    )
                                });
                                got.push(queue.pop());
                            }
                        }
                    }
                    (got, sizes)
                })
                .unwrap()
        };
        producer.join().unwrap();
        let (got, sizes) = consumer.join().unwrap();
        if let Some(&len) = sizes.iter().find(|&&len| len > 1) {
            return Err(Violation::new(
                t!(
                    "len() is never above the capacity (1)",
                    "len()은 용량(1)을 넘지 않습니다"
                ),
                format!("len() = {len}"),
            ));
        }
        Violation::ensure_eq(
            &t!(
                "every item is taken once, in order",
                "모든 항목은 순서대로 한 번씩 꺼내집니다"
            ),
            got,
            (0..ITEMS).collect::<Vec<_>>(),
        )?;
        Violation::ensure_eq(
            &t!("the queue is empty at the end", "끝에 큐가 비어 있습니다"),
            queue.len(),
            0,
        )?;
        Violation::ensure_eq(
            &t!("is_empty() at the end", "끝났을 때의 is_empty()"),
            queue.is_empty(),
            true,
        )
    })
}
