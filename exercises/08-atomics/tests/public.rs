//! Public tests of exercise 08-atomics: `cargo test -p atomics`.
//!
//! They run your code on plain threads, on this machine's memory model: a
//! missing Acquire/Release passes here and still fails the hidden model checks.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use atomics::{AtomicCounter, Mailbox, OnceValue, Signal, SpinLock};

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
            panic!("{what} did not return within {secs} s: a thread spinning forever?")
        }
    }
}

#[test]
fn counter_counts_every_increment() {
    let total = within(30, "8 threads incrementing", || {
        let counter = AtomicCounter::new();
        thread::scope(|s| {
            for _ in 0..8 {
                s.spawn(|| {
                    for _ in 0..10_000 {
                        counter.increment();
                    }
                });
            }
        });
        counter.get()
    });
    assert_eq!(total, 80_000);
}

#[test]
fn increment_returns_the_new_value() {
    let counter = AtomicCounter::new();
    assert_eq!(counter.increment(), 1);
    assert_eq!(counter.increment(), 2);
    assert_eq!(counter.get(), 2);
}

#[test]
fn spin_lock_excludes() {
    let total = within(30, "4 threads taking a spin lock", || {
        let lock = SpinLock::new(0_u64);
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..10_000 {
                        *lock.lock() += 1;
                    }
                });
            }
        });
        *lock.lock()
    });
    assert_eq!(total, 40_000);
}

#[test]
fn try_lock_fails_while_locked() {
    let lock = SpinLock::new(String::from("a"));
    {
        let mut guard = lock.try_lock().expect("a free lock can be taken");
        guard.push('b');
        assert!(lock.try_lock().is_none(), "a held lock cannot be taken");
    }
    assert_eq!(*lock.try_lock().expect("released on drop"), "ab");
}

#[test]
fn once_value_runs_init_once() {
    let calls = within(30, "8 threads calling get_or_init", || {
        let once = OnceValue::new();
        let calls = std::sync::atomic::AtomicUsize::new(0);
        thread::scope(|s| {
            for i in 0..8 {
                let (once, calls) = (&once, &calls);
                s.spawn(move || {
                    let value = once.get_or_init(|| {
                        calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        i * 100
                    });
                    assert_eq!(once.get(), Some(value));
                });
            }
        });
        calls.into_inner()
    });
    assert_eq!(calls, 1);
}

#[test]
fn get_is_none_before_init() {
    let once: OnceValue<String> = OnceValue::new();
    assert_eq!(once.get(), None);
    assert_eq!(once.get_or_init(|| "x".to_string()), "x");
    assert_eq!(once.get_or_init(|| "y".to_string()), "x");
    assert_eq!(once.get().map(String::as_str), Some("x"));
}

#[test]
fn mailbox_delivers_the_whole_message() {
    let got = within(30, "a reader polling a mailbox", || {
        let mailbox = Mailbox::new();
        assert_eq!(mailbox.read(), None);
        thread::scope(|s| {
            let reader = s.spawn(|| {
                loop {
                    if let Some(message) = mailbox.read() {
                        break message;
                    }
                    std::hint::spin_loop();
                }
            });
            mailbox.publish([1, 2, 3, 4]);
            reader.join().unwrap()
        })
    });
    assert_eq!(got, [1, 2, 3, 4]);
}

#[test]
fn increment_below_stops_at_the_limit() {
    let counter = AtomicCounter::new();
    assert_eq!(counter.increment_below(2), Some(1));
    assert_eq!(counter.increment_below(2), Some(2));
    assert_eq!(counter.increment_below(2), None);
    assert_eq!(counter.get(), 2);
    assert_eq!(
        counter.increment_below(0),
        None,
        "a counter at 2 is not below 0"
    );
}

#[test]
fn increment_below_counts_every_success_across_threads() {
    let (successes, total) = within(30, "4 threads calling increment_below(100)", || {
        let counter = AtomicCounter::new();
        let successes: usize = thread::scope(|s| {
            let workers: Vec<_> = (0..4)
                .map(|_| {
                    s.spawn(|| {
                        (0..50)
                            .filter(|_| counter.increment_below(100).is_some())
                            .count()
                    })
                })
                .collect();
            workers.into_iter().map(|w| w.join().unwrap()).sum()
        });
        (successes, counter.get())
    });
    assert_eq!(successes, 100, "exactly `limit` calls succeed");
    assert_eq!(total, 100);
}

#[test]
fn signal_wakes_its_waiter() {
    let raised = within(30, "a thread waiting for a Signal", || {
        let signal = Signal::new();
        assert!(!signal.is_raised());
        thread::scope(|s| {
            s.spawn(|| {
                thread::sleep(Duration::from_millis(20));
                signal.raise();
            });
            signal.wait();
            signal.is_raised()
        })
    });
    assert!(raised);
}

#[test]
fn signal_raised_before_wait_returns_at_once() {
    within(30, "waiting for a Signal raised earlier", || {
        let signal = Signal::new();
        thread::scope(|s| {
            s.spawn(|| signal.raise());
        });
        signal.wait();
        signal.wait();
    });
}
