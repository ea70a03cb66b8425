//! Public tests of exercise 05-condvar: `cargo test -p condvar`.
//!
//! They run your code on plain threads, without the grader's random pauses:
//! a wake-up race that passes here can still fail the hidden stress checks.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use condvar::{Barrier, BoundedQueue};

/// Runs `f`, failing the test (instead of hanging) if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{what} did not return within {secs} s: a deadlock or a lost wake-up?")
        }
    }
}

#[test]
fn queue_is_first_in_first_out() {
    let queue = BoundedQueue::new(3);
    assert_eq!(queue.capacity(), 3);
    assert!(queue.is_empty());
    queue.push("a");
    queue.push("b");
    assert_eq!(queue.len(), 2);
    assert_eq!(queue.pop(), "a");
    queue.push("c");
    assert_eq!(queue.try_pop(), Some("b"));
    assert_eq!(queue.pop(), "c");
    assert_eq!(queue.try_pop(), None);
}

#[test]
fn pop_waits_for_a_push() {
    let got = within(20, "pop on an empty queue, then a push", || {
        let queue = BoundedQueue::new(1);
        thread::scope(|s| {
            let consumer = s.spawn(|| queue.pop());
            thread::sleep(Duration::from_millis(50));
            queue.push(42);
            consumer.join().unwrap()
        })
    });
    assert_eq!(got, 42);
}

#[test]
fn push_waits_for_room() {
    let order = within(20, "push on a full queue, then a pop", || {
        let queue = BoundedQueue::new(1);
        queue.push(1);
        thread::scope(|s| {
            let producer = s.spawn(|| queue.push(2));
            thread::sleep(Duration::from_millis(50));
            assert_eq!(queue.len(), 1, "push must wait while the queue is full");
            let first = queue.pop();
            producer.join().unwrap();
            vec![first, queue.pop()]
        })
    });
    assert_eq!(order, vec![1, 2]);
}

#[test]
fn producers_and_consumers_deliver_everything() {
    let mut got = within(30, "2 producers and 2 consumers", || {
        let queue = BoundedQueue::new(2);
        thread::scope(|s| {
            for p in 0..2 {
                let queue = &queue;
                s.spawn(move || {
                    for i in 0..500 {
                        queue.push(p * 1000 + i);
                    }
                });
            }
            let consumers: Vec<_> = (0..2)
                .map(|_| s.spawn(|| (0..500).map(|_| queue.pop()).collect::<Vec<_>>()))
                .collect();
            consumers
                .into_iter()
                .flat_map(|c| c.join().unwrap())
                .collect::<Vec<_>>()
        })
    });
    got.sort_unstable();
    let want: Vec<_> = (0..500).chain(1000..1500).collect();
    assert_eq!(got, want);
}

#[test]
fn barrier_has_one_leader_per_generation() {
    let leaders = within(30, "3 threads through a barrier 10 times", || {
        let barrier = Barrier::new(3);
        let leaders = AtomicUsize::new(0);
        thread::scope(|s| {
            for _ in 0..3 {
                s.spawn(|| {
                    for _ in 0..10 {
                        if barrier.wait() {
                            leaders.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                });
            }
        });
        leaders.into_inner()
    });
    assert_eq!(leaders, 10);
}

#[test]
fn barrier_holds_everyone_until_the_last_arrives() {
    within(30, "a barrier of 2", || {
        let barrier = Barrier::new(2);
        let passed = AtomicUsize::new(0);
        thread::scope(|s| {
            s.spawn(|| {
                barrier.wait();
                passed.fetch_add(1, Ordering::SeqCst);
            });
            thread::sleep(Duration::from_millis(50));
            assert_eq!(passed.load(Ordering::SeqCst), 0, "nobody passes alone");
            barrier.wait();
        });
        assert_eq!(passed.load(Ordering::SeqCst), 1);
    });
}
