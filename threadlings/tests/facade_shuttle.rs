//! The facade on shuttle (`RUSTFLAGS="--cfg shuttle" cargo test -p threadlings
//! --tests --target-dir target/shuttle`): std's names and behaviour inside
//! shuttle executions, including what the facade builds on top of shuttle.
#![cfg(shuttle)]

use threadlings::sync::atomic::{AtomicUsize, Ordering};
use threadlings::sync::{Arc, Barrier, Condvar, LazyLock, Mutex, OnceLock, RwLock, mpsc};
use threadlings::thread;

/// A little of everything, the way exercises use it (as in `facade.rs`).
fn workload() -> (u64, usize, usize) {
    let counter = Arc::new(Mutex::new(0_u64));
    let table = RwLock::new(vec![0_u32; 3]);
    let hits = AtomicUsize::new(0);
    let barrier = Barrier::new(3);
    let leaders = AtomicUsize::new(0);
    thread::scope(|s| {
        for i in 0..3 {
            let counter = counter.clone();
            let (table, hits, barrier, leaders) = (&table, &hits, &barrier, &leaders);
            thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn_scoped(s, move || {
                    for _ in 0..3 {
                        *counter.lock().unwrap() += 1;
                        table.write().unwrap()[i] += 1;
                        let _ = table.read().unwrap().iter().sum::<u32>();
                        hits.fetch_add(1, Ordering::SeqCst);
                    }
                    if barrier.wait().is_leader() {
                        leaders.fetch_add(1, Ordering::SeqCst);
                    }
                })
                .unwrap();
        }
    });
    let total = *counter.lock().unwrap();
    (total, hits.into_inner(), leaders.into_inner())
}

#[test]
fn std_behaviour_in_every_schedule() {
    shuttle::check_pct(|| assert_eq!(workload(), (9, 9, 1)), 200, 3);
    shuttle::check_random(|| assert_eq!(workload(), (9, 9, 1)), 200);
}

#[test]
fn once_lock_initializes_once_under_races() {
    shuttle::check_pct(
        || {
            let cell = Arc::new(OnceLock::new());
            let calls = Arc::new(AtomicUsize::new(0));
            let handles: Vec<_> = (0..3_u64)
                .map(|t| {
                    let (cell, calls) = (cell.clone(), calls.clone());
                    thread::spawn(move || {
                        *cell.get_or_init(|| {
                            calls.fetch_add(1, Ordering::SeqCst);
                            thread::yield_now();
                            t
                        })
                    })
                })
                .collect();
            let seen: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
            assert_eq!(calls.load(Ordering::SeqCst), 1);
            assert!(seen.iter().all(|&v| v == seen[0]));
            assert_eq!(cell.set(99), Err(99));
            assert_eq!(cell.get(), Some(&seen[0]));
        },
        300,
        3,
    );
}

static LAZY: LazyLock<Vec<u32>> = LazyLock::new(|| vec![1, 2, 3]);

#[test]
fn lazy_lock_and_channels_and_condvars() {
    shuttle::check_random(
        || {
            let (tx, rx) = mpsc::channel();
            let pair = Arc::new((Mutex::new(false), Condvar::new()));
            let sender = {
                let pair = pair.clone();
                thread::spawn(move || {
                    tx.send(LAZY.iter().sum::<u32>()).unwrap();
                    *pair.0.lock().unwrap() = true;
                    pair.1.notify_all();
                })
            };
            let mut ready = pair.0.lock().unwrap();
            while !*ready {
                ready = pair.1.wait(ready).unwrap();
            }
            drop(ready);
            assert_eq!(rx.recv().unwrap(), 6);
            sender.join().unwrap();
            assert!(!pair.0.is_poisoned());
        },
        200,
    );
}

#[test]
fn join_handles_say_when_they_finished() {
    shuttle::check_random(
        || {
            let handle = thread::spawn(|| thread::sleep(std::time::Duration::from_secs(1)));
            while !handle.is_finished() {
                thread::yield_now();
            }
            handle.join().unwrap();
            let flag = AtomicUsize::new(0);
            thread::scope(|s| {
                let h = s.spawn(|| flag.fetch_add(1, Ordering::SeqCst));
                while !h.is_finished() {
                    threadlings::hint::spin_loop();
                }
                assert_eq!(h.join().unwrap(), 0);
            });
            assert_eq!(flag.into_inner(), 1);
        },
        100,
    );
}
