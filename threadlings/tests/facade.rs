//! The facade behaves like std, with instrumentation off and on.
#![cfg(not(any(loom, shuttle)))]

use std::time::Duration;

use threadlings::instrument::{self, BlockedOn, Config};
use threadlings::sync::atomic::{AtomicUsize, Ordering};
use threadlings::sync::{Arc, Barrier, Condvar, Mutex, RwLock};
use threadlings::thread;

/// Instrumentation is process-wide: one test at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// A little of everything, the way exercises use it.
fn workload() -> (u64, usize, usize) {
    let counter = Arc::new(Mutex::new(0_u64));
    let table = RwLock::new(vec![0_u32; 4]);
    let hits = AtomicUsize::new(0);
    let barrier = Barrier::new(4);
    let leaders = AtomicUsize::new(0);
    thread::scope(|s| {
        for i in 0..4 {
            let counter = counter.clone();
            let (table, hits, barrier, leaders) = (&table, &hits, &barrier, &leaders);
            thread::Builder::new()
                .name(format!("worker-{i}"))
                .spawn_scoped(s, move || {
                    for _ in 0..200 {
                        *counter.lock().unwrap() += 1;
                        table.write().unwrap()[i] += 1;
                        let _ = table.read().unwrap().iter().sum::<u32>();
                        hits.fetch_add(1, Ordering::Relaxed);
                    }
                    if barrier.wait().is_leader() {
                        leaders.fetch_add(1, Ordering::Relaxed);
                    }
                })
                .unwrap();
        }
    });
    let total = *counter.lock().unwrap();
    (total, hits.into_inner(), leaders.into_inner())
}

#[test]
fn std_behaviour_without_instrumentation() {
    let _serial = serial();
    instrument::disable();
    assert_eq!(workload(), (800, 800, 1));
}

#[test]
fn std_behaviour_under_stress() {
    let _serial = serial();
    instrument::enable(Config::stress(3));
    let result = workload();
    instrument::disable();
    assert_eq!(result, (800, 800, 1));
}

#[test]
fn condvar_handoff_and_timeouts() {
    let _serial = serial();
    instrument::enable(Config::stress(5));
    let state = Arc::new((Mutex::new(None::<u32>), Condvar::new()));
    let producer = {
        let state = state.clone();
        thread::spawn(move || {
            *state.0.lock().unwrap() = Some(7);
            state.1.notify_one();
        })
    };
    let guard = state
        .1
        .wait_while(state.0.lock().unwrap(), |v| v.is_none())
        .unwrap();
    assert_eq!(*guard, Some(7));
    let (guard, timeout) = state
        .1
        .wait_timeout_while(guard, Duration::from_millis(20), |v| v.is_some())
        .unwrap();
    assert!(timeout.timed_out());
    drop(guard);
    producer.join().unwrap();
    instrument::disable();
}

#[test]
fn poisoning_is_std_poisoning() {
    let _serial = serial();
    let lock = Arc::new(Mutex::new(1));
    let poisoner = lock.clone();
    let _ = thread::spawn(move || {
        let _guard = poisoner.lock().unwrap();
        panic!("poison it");
    })
    .join();
    assert!(lock.is_poisoned());
    let value = *lock.lock().unwrap_or_else(|p| p.into_inner());
    assert_eq!(value, 1);
    lock.clear_poison();
    assert!(!lock.is_poisoned());
}

#[test]
fn the_registry_knows_holders_and_waiters() {
    let _serial = serial();
    instrument::enable(Config::registry_only());
    let lock = Arc::new(Mutex::new(()));
    instrument::name(&*lock, "the-lock");
    let held = lock.lock().unwrap();
    let waiter = {
        let lock = lock.clone();
        thread::Builder::new()
            .name("waiter".to_string())
            .spawn(move || drop(lock.lock().unwrap()))
            .unwrap()
    };
    let mut seen = None;
    for _ in 0..500 {
        let snapshot = instrument::snapshot();
        let waiting = snapshot.threads.iter().find(|t| t.name == "waiter");
        if let Some(BlockedOn::Lock { lock, .. }) = waiting.and_then(|t| t.blocked.as_ref()) {
            seen = Some((lock.to_string(), snapshot.holders(lock.id).len()));
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(held);
    waiter.join().unwrap();
    instrument::disable();
    assert_eq!(seen, Some(("the-lock".to_string(), 1)));
}

#[test]
fn statics_still_work() {
    static COUNT: AtomicUsize = AtomicUsize::new(0);
    static LOCK: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    COUNT.fetch_add(1, Ordering::SeqCst);
    LOCK.lock().unwrap().push(1);
    assert!(COUNT.load(Ordering::SeqCst) >= 1);
}
