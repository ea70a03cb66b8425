//! The race kit end to end, on small subjects built from the course facade.

use std::sync::Arc;
use std::time::Duration;

use threadlings::instrument::{self, Config};
use threadlings::sync::Mutex;
use threadlings_kit::Stop;
use threadlings_kit::race::watch;

/// Instrumentation is process-wide: one test at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|p| p.into_inner())
}

/// Two threads taking two locks in opposite orders, held at the rendezvous
/// point so the deadlock is certain: the watcher must name the cycle.
#[test]
fn a_lock_order_deadlock_is_reported_as_a_cycle() {
    let _serial = serial();
    instrument::enable(Config::registry_only());
    let outcome = watch(
        "two opposite lockers",
        Duration::from_secs(20),
        Duration::from_millis(300),
        || {
            let forks = Arc::new([Mutex::new(()), Mutex::new(())]);
            instrument::name(&forks[0], "fork-0");
            instrument::name(&forks[1], "fork-1");
            let gate = Arc::new(std::sync::Barrier::new(2));
            let handles: Vec<_> = (0..2)
                .map(|i| {
                    let (forks, gate) = (forks.clone(), gate.clone());
                    threadlings::thread::Builder::new()
                        .name(format!("philosopher-{i}"))
                        .spawn(move || {
                            let _first = forks[i].lock().unwrap();
                            gate.wait();
                            let _second = forks[1 - i].lock().unwrap();
                        })
                        .unwrap()
                })
                .collect();
            for handle in handles {
                handle.join().unwrap();
            }
        },
    );
    instrument::disable();
    let Err(Stop::Fail(failure)) = outcome else {
        panic!("expected a deadlock failure, got {outcome:?}");
    };
    let first_line = failure.message.lines().next().unwrap_or_default();
    assert!(
        first_line
            == "deadlock: philosopher-0 waits for fork-1, held by philosopher-1, which waits for fork-0, held by philosopher-0"
            || first_line
                == "deadlock: philosopher-1 waits for fork-0, held by philosopher-0, which waits for fork-1, held by philosopher-1",
        "unexpected report: {}",
        failure.message
    );
}

/// A run that finishes is not a deadlock, however long a thread waits for
/// another that sleeps (a sleeping thread is not blocked).
#[test]
fn waiting_that_ends_is_not_a_deadlock() {
    let _serial = serial();
    instrument::enable(Config::stress(7));
    let outcome = watch(
        "a slow handoff",
        Duration::from_secs(20),
        Duration::from_millis(300),
        || {
            let slot = Arc::new((Mutex::new(0), threadlings::sync::Condvar::new()));
            let producer = {
                let slot = slot.clone();
                threadlings::thread::spawn(move || {
                    std::thread::sleep(Duration::from_millis(600));
                    *slot.0.lock().unwrap() = 1;
                    slot.1.notify_all();
                })
            };
            let mut value = slot.0.lock().unwrap();
            while *value == 0 {
                value = slot.1.wait(value).unwrap();
            }
            drop(value);
            producer.join().unwrap();
        },
    );
    instrument::disable();
    assert!(outcome.is_ok(), "{outcome:?}");
}
