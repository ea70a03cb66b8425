//! Schedule exploration of `Politeness` (shuttle, no network): waiters for
//! different hosts share what the answer uses to wait, so a release that
//! wakes only one of them may wake the wrong one. A thread left waiting for
//! a host that is free is a failure with the wait-for picture (it can never
//! run again), even if every other thread finished.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crawler::Politeness;
use threadlings::instrument;
use threadlings::sync::Barrier;
use threadlings_kit::race::{self, Explore, Violation};
use threadlings_kit::{CheckResult, Ctx};

const HOSTS: [&str; 2] = ["alpha.test:80", "beta.test:80"];

/// Two phases, each a fresh `Politeness` with politeness and no pause
/// (`Some(Duration::ZERO)`: only "one request at a time per host" makes
/// anyone wait).
///
/// 1. The hand-off: the main thread holds a turn on each host while one
///    thread per host waits for a turn; then it ends both turns and waits
///    (at a barrier) until both waiters hold theirs. Nothing else will ever
///    end a turn, so a release that woke only a waiter for the other host
///    leaves a thread waiting for a free host for good.
/// 2. Two threads per host, two turns each: every turn is granted, never
///    two at once to one host.
pub fn politeness_explore(ctx: &mut Ctx) -> CheckResult {
    const TURNS: usize = 2;
    Explore::new(
        "ending one turn on each of 2 hosts while a thread waits for each, then 4 threads, 2 per \
         host, each taking 2 turns on its host through one Politeness (delay 0)",
    )
    .iterations(1000)
    .check(ctx, || {
        hand_off()?;
        let politeness = Arc::new(Politeness::new(Some(Duration::ZERO)));
        let inside: Arc<[AtomicUsize; 2]> = Arc::new([AtomicUsize::new(0), AtomicUsize::new(0)]);
        let threads: Vec<_> = (0..4)
            .map(|i| {
                let (politeness, inside) = (politeness.clone(), inside.clone());
                let host = i % 2;
                threadlings::thread::Builder::new()
                    .name(format!("worker-{i} ({})", HOSTS[host]))
                    .spawn(move || -> Result<(), Violation> {
                        for turn in 0..TURNS {
                            race::doing(|| format!("turn({}) #{turn}", HOSTS[host]));
                            let Some(granted) = politeness.turn(HOSTS[host], None) else {
                                return Err(no_turn());
                            };
                            race::doing(|| format!("holding a turn on {}", HOSTS[host]));
                            let others = inside[host].fetch_add(1, Ordering::SeqCst);
                            threadlings::thread::yield_now();
                            inside[host].fetch_sub(1, Ordering::SeqCst);
                            if others > 0 {
                                return Err(Violation::new(
                                    "one request at a time per host",
                                    format!("two turns on {} at once", HOSTS[host]),
                                ));
                            }
                            drop(granted);
                        }
                        race::doing(|| "done".to_string());
                        Ok(())
                    })
                    .unwrap()
            })
            .collect();
        for thread in threads {
            thread.join().unwrap()?;
        }
        Ok(())
    })
}

fn no_turn() -> Violation {
    Violation::new(
        "turn(host, None) always grants a turn (no deadline)",
        "None".to_string(),
    )
}

/// Phase 1 of [`politeness_explore`].
fn hand_off() -> Result<(), Violation> {
    let politeness = Arc::new(Politeness::new(Some(Duration::ZERO)));
    let both_granted = Arc::new(Barrier::new(3));
    instrument::name(&*both_granted, "both-waiters-granted");
    let held: Vec<_> = HOSTS
        .iter()
        .map(|host| politeness.turn(host, None).ok_or_else(no_turn))
        .collect::<Result<_, _>>()?;
    let waiters: Vec<_> = (0..2)
        .map(|host| {
            let (politeness, both_granted) = (politeness.clone(), both_granted.clone());
            threadlings::thread::Builder::new()
                .name(format!("waiter ({})", HOSTS[host]))
                .spawn(move || -> Result<(), Violation> {
                    race::doing(|| format!("turn({}) while main holds it", HOSTS[host]));
                    let granted = politeness.turn(HOSTS[host], None).ok_or_else(no_turn)?;
                    race::doing(|| {
                        format!("holding {}, waiting for the other waiter", HOSTS[host])
                    });
                    both_granted.wait();
                    drop(granted);
                    Ok(())
                })
                .unwrap()
        })
        .collect();
    race::doing(|| "ending both turns, then waiting until both waiters hold theirs".to_string());
    drop(held);
    both_granted.wait();
    for waiter in waiters {
        waiter.join().unwrap()?;
    }
    Ok(())
}
