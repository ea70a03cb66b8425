//! Public tests of exercise 10-io-concurrency: `cargo test -p io_concurrency`.
//! The hidden checks ask for more (they prove the bound and its use exactly).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use io_concurrency::{Semaphore, fetch_all};

/// Runs `f`, failing the test (instead of hanging) if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
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
        Err(mpsc::RecvTimeoutError::Timeout) => panic!("no answer within {secs} s: a deadlock?"),
    }
}

#[test]
fn acquire_takes_a_permit_and_drop_gives_it_back() {
    within(10, || {
        let semaphore = Semaphore::new(2);
        assert_eq!(semaphore.available(), 2);
        let first = semaphore.acquire();
        assert_eq!(semaphore.available(), 1);
        let second = semaphore.acquire();
        assert_eq!(semaphore.available(), 0);
        drop(first);
        assert_eq!(semaphore.available(), 1);
        drop(second);
        assert_eq!(semaphore.available(), 2);
    });
}

#[test]
fn never_more_holders_than_permits() {
    let peak = within(20, || {
        let semaphore = Semaphore::new(3);
        let now = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        thread::scope(|scope| {
            for _ in 0..12 {
                scope.spawn(|| {
                    let _permit = semaphore.acquire();
                    let holders = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(holders, Ordering::SeqCst);
                    thread::sleep(Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        peak.load(Ordering::SeqCst)
    });
    assert!(peak <= 3, "{peak} threads held one of 3 permits at once");
}

#[test]
fn fetch_all_returns_results_in_order() {
    let pages = within(10, || {
        fetch_all(&["a", "b", "c", "d", "e"], 2, |name| format!("page {name}"))
    });
    assert_eq!(pages, ["page a", "page b", "page c", "page d", "page e"]);
}

#[test]
fn fetch_all_overlaps_the_waits() {
    // No clock: each simulated fetch waits until 4 fetches have been in flight
    // at once, which only overlapping fetches can reach. A slow machine only
    // makes them reach it later; patience just bounds how long a one-at-a-time
    // answer keeps us waiting (the first fetch to give up releases the rest).
    #[derive(Default)]
    struct InFlight {
        now: usize,
        peak: usize,
        gave_up: bool,
    }
    let peak = within(30, || {
        let state = Mutex::new(InFlight::default());
        let changed = Condvar::new();
        let ids: Vec<u32> = (0..8).collect();
        fetch_all(&ids, 4, |_| {
            let mut s = state.lock().unwrap();
            s.now += 1;
            s.peak = s.peak.max(s.now);
            changed.notify_all();
            let deadline = Instant::now() + Duration::from_secs(10);
            while s.peak < 4 && !s.gave_up {
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    s.gave_up = true;
                    changed.notify_all();
                    break;
                }
                s = changed.wait_timeout(s, left).unwrap().0;
            }
            s.now -= 1;
        });
        state.into_inner().unwrap().peak
    });
    assert_eq!(
        peak, 4,
        "8 fetches with at most 4 in flight: the most in flight at once was {peak}, not 4"
    );
}
