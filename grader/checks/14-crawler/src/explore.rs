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
use threadlings_kit::{CheckResult, Ctx, t};

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
    Explore::new(t!(
        "ending one turn on each of 2 hosts while a thread waits for each, then 4 threads, 2 per \
         host, each taking 2 turns on its host through one Politeness (delay 0)",
        "호스트 2개 각각에서 스레드 하나씩이 기다리는 동안 호스트마다 turn 하나를 끝내고, \
         그다음 스레드 4개(호스트마다 2개)가 Politeness 하나를 통해(delay 0) 각자 자기 \
         호스트에서 turn을 2번씩 받음"
    ))
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
                            let name = HOSTS[host];
                            race::doing(|| {
                                t!("holding a turn on {name}", "{name}의 turn을 쥐고 있음")
                            });
                            let others = inside[host].fetch_add(1, Ordering::SeqCst);
                            threadlings::thread::yield_now();
                            inside[host].fetch_sub(1, Ordering::SeqCst);
                            if others > 0 {
                                return Err(Violation::new(
                                    t!(
                                        "one request at a time per host",
                                        "호스트마다 한 번에 요청 하나"
                                    ),
                                    t!("two turns on {name} at once", "{name}에 동시에 turn 두 개"),
                                ));
                            }
                            drop(granted);
                        }
                        race::doing(|| t!("done", "끝남"));
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
        t!(
            "turn(host, None) always grants a turn (no deadline)",
            "turn(host, None)은 언제나 turn을 줍니다(마감 시간 없음)"
        ),
        "None".to_string(), // data: the value turn returned
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
                    let name = HOSTS[host];
                    race::doing(|| {
                        t!(
                            "turn({name}) while main holds it",
                            "main이 쥐고 있는 동안 turn({name})"
                        )
                    });
                    let granted = politeness.turn(HOSTS[host], None).ok_or_else(no_turn)?;
                    race::doing(|| {
                        t!(
                            "holding {name}, waiting for the other waiter",
                            "{name}을(를) 쥐고 다른 대기자를 기다리는 중"
                        )
                    });
                    both_granted.wait();
                    drop(granted);
                    Ok(())
                })
                .unwrap()
        })
        .collect();
    race::doing(|| {
        t!(
            "ending both turns, then waiting until both waiters hold theirs",
            "두 turn을 끝내고, 두 대기자가 모두 자기 turn을 쥘 때까지 기다리는 중"
        )
    });
    drop(held);
    both_granted.wait();
    for waiter in waiters {
        waiter.join().unwrap()?;
    }
    Ok(())
}
