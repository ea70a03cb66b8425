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

/// Under stress a `Condvar` wait returns now and then without a notify (std's
/// contract allows it), with the mutex locked again; never without stress.
#[test]
fn condvar_waits_wake_spuriously_under_stress_only() {
    let _serial = serial();
    let spurious_returns = || {
        let pair = (Mutex::new(0_u32), Condvar::new());
        let mut woken = 0;
        for _ in 0..64 {
            let guard = pair.0.lock().unwrap();
            // Nobody ever notifies: a return before the timeout is spurious.
            let (mut guard, result) = pair
                .1
                .wait_timeout(guard, Duration::from_millis(2))
                .unwrap();
            *guard += 1; // the mutex is locked again either way
            if !result.timed_out() {
                woken += 1;
            }
        }
        assert_eq!(*pair.0.lock().unwrap(), 64);
        woken
    };
    instrument::enable(Config::stress(9));
    let under_stress = spurious_returns();
    instrument::disable();
    assert!(
        under_stress > 0,
        "no spurious wake-up in 64 waits under stress"
    );
    // Without instrumentation the facade is std: no wake-up of its own.
    instrument::enable(Config {
        spurious: false,
        ..Config::stress(9)
    });
    let without = spurious_returns();
    instrument::disable();
    assert_eq!(without, 0);
}

/// An audit lists the current thread's acquisitions with their modes, and
/// `held_now` the locks held at the moment it is called.
#[test]
fn audits_name_every_acquisition_and_its_mode() {
    let _serial = serial();
    instrument::enable(Config::registry_only());
    let table = RwLock::new(vec![1_u32, 2]);
    let counter = Mutex::new(0_u32);
    instrument::name(&table, "table");
    let (sum, seen) = instrument::audit(|| table.read().unwrap().iter().sum::<u32>());
    assert_eq!(sum, 3);
    let modes: Vec<String> = seen
        .iter()
        .map(|a| format!("{} {}", a.mode(), a.lock))
        .collect();
    assert_eq!(modes, ["read table"]);
    let ((), seen) = instrument::audit(|| {
        let _outer = counter.lock().unwrap();
        table.write().unwrap().push(3);
        let held: Vec<&'static str> = instrument::held_now().iter().map(|a| a.mode()).collect();
        assert_eq!(held, ["mutex"], "the write lock was released already");
    });
    let shown: Vec<String> = seen.iter().map(ToString::to_string).collect();
    assert_eq!(shown.len(), 2);
    assert!(shown[0].starts_with("the lock of mutex #"), "{shown:?}");
    assert_eq!(shown[1], "the write lock of table");
    // Another thread's acquisitions are not this thread's.
    let ((), seen) = instrument::audit(|| {
        thread::scope(|s| {
            s.spawn(|| drop(table.write().unwrap()));
        })
    });
    assert!(seen.is_empty(), "{seen:?}");
    instrument::disable();
    assert!(instrument::held_now().is_empty());
}

#[test]
fn the_trace_records_values_threads_and_atomics_and_only_while_recording() {
    use instrument::trace::{self, Mode, ObjectWhat, Op, Target, Value};
    let _serial = serial();
    instrument::enable(Config::registry_only());
    trace::record(true);
    trace::clear();
    let counter = Arc::new(Mutex::new(5_u64));
    let hits = AtomicUsize::new(1);
    {
        let seen = *counter.lock().unwrap();
        *counter.lock().unwrap() = seen + 2;
    }
    hits.fetch_add(3, Ordering::SeqCst);
    let worker = {
        let counter = counter.clone();
        thread::Builder::new()
            .name("helper".to_string())
            .spawn(move || *counter.lock().unwrap() += 1)
            .unwrap()
    };
    worker.join().unwrap();
    let recorded = trace::current();
    trace::record(false);
    let _ = counter.lock().unwrap();
    assert_eq!(trace::current().steps.len(), recorded.steps.len());
    instrument::disable();

    let ops: Vec<Op> = recorded.steps.iter().map(|s| s.op).collect();
    let mutex = |seen: Option<u128>| Op::Locked {
        mode: Mode::Mutex,
        seen: seen.map(Value::UInt),
        waited: false,
    };
    let unlock = |wrote: Option<u128>| Op::Unlock {
        mode: Mode::Mutex,
        wrote: wrote.map(Value::UInt),
    };
    assert_eq!(
        ops[..5],
        [
            mutex(Some(5)),
            unlock(None),
            mutex(Some(5)),
            unlock(Some(7)),
            Op::Rmw {
                name: "fetch_add",
                read: Value::UInt(1),
                wrote: Value::UInt(4),
            },
        ]
    );
    assert_eq!(ops[5], Op::Spawn);
    assert!(ops.contains(&unlock(Some(8))), "{ops:?}");
    assert!(
        recorded.threads.iter().any(|t| t == "helper"),
        "{recorded:?}"
    );
    assert!(recorded.objects[0].label.starts_with("mutex #"));
    assert!(
        matches!(
            &recorded.objects[0].what,
            Some(ObjectWhat::Lock { kind: instrument::LockKind::Mutex, type_name, created_at })
                if type_name == "u64" && created_at.contains("facade.rs:")
        ),
        "{:?}",
        recorded.objects[0]
    );
    assert_eq!(recorded.objects[1].label, "atomic #1");
    assert_eq!(
        recorded.objects[1].what,
        Some(ObjectWhat::Atomic {
            type_name: "AtomicUsize".to_string()
        })
    );
    let helper = recorded.threads.iter().position(|t| t == "helper").unwrap();
    assert_eq!(recorded.steps[5].target, Target::Thread(helper));
}
