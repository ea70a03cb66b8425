//! Deadlock diagnosis from the facade's lock registry.
//!
//! A deadlock is declared only when two things hold at once: every tracked
//! thread is blocked without a timeout (on a lock, an untimed condvar wait, a
//! join, a barrier or the end of a scope), and the registry's event counter
//! has not moved for the whole stall period. A correct answer never shows
//! both: a woken thread moves the counter within microseconds, and a thread
//! that computes or sleeps is not blocked. So the stall period only bounds
//! how long a deadlocked answer keeps us waiting; it is not a timing bet.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use threadlings::instrument::{self, BlockedOn, LockInfo, Snapshot, ThreadInfo};
use threadlings_schema::report::{
    CycleLink, DeadlockSummary, LockAccess, RaceDeadlock, RaceFailure, RaceLock, RaceThread,
    RaceThreadState, ThreadWait, TraceLockKind, TraceObjectWhat, WatchedRun,
};

use crate::{Failure, Stop};

/// How often [`watch`] looks at the registry.
const POLL: Duration = Duration::from_millis(20);

/// What [`diagnose`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// One line: "deadlock: A waits for L1, held by B, which waits for ...".
    pub summary: String,
    /// Every blocked thread, one per line.
    pub threads: String,
    /// Whether the threads wait for each other's locks in a cycle.
    pub cycle: bool,
    /// The same as data (`summary` and `threads` are its English).
    pub deadlock: RaceDeadlock,
}

/// Runs `f` on its own thread while watching the lock registry. Fails with
/// "deadlock: ..." as soon as every tracked thread has been blocked for
/// `stall` with nothing moving, or with a report of what each thread was
/// doing when `limit` passes. The facade's instrumentation must be on.
pub fn watch<T, F>(what: impl AsRef<str>, limit: Duration, stall: Duration, f: F) -> Result<T, Stop>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let what = what.as_ref();
    watch_with(what, limit, stall, &|| None, f)
}

/// Why a watched run ends before `f` returns.
pub(crate) enum Early {
    /// A failure found while other threads may still be stuck (a worker
    /// panicked and left the others waiting for it).
    Fail(Failure),
    /// A `todo!()` was hit: re-raised on the check thread so the harness
    /// reports "not started".
    Stub(String),
}

/// [`watch`], also ending as soon as `early` has something to report.
pub(crate) fn watch_with<T, F>(
    what: &str,
    limit: Duration,
    stall: Duration,
    early: &dyn Fn() -> Option<Early>,
    f: F,
) -> Result<T, Stop>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    thread::Builder::new()
        .name("check-runner".to_string())
        .spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
            let _ = tx.send(outcome);
        })
        .map_err(|e| {
            Stop::Fail(Failure::new(crate::t!(
                "could not start a thread: {e}",
                "스레드를 시작할 수 없습니다: {e}"
            )))
        })?;
    let started = Instant::now();
    let mut events = instrument::events();
    let mut still_since = Instant::now();
    loop {
        match rx.recv_timeout(POLL) {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(payload)) => std::panic::resume_unwind(payload),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Stop::Fail(Failure::new(crate::t!(
                    "{what}: the check's runner thread vanished",
                    "{what}: 검사를 실행하던 스레드가 사라졌습니다"
                ))));
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        match early() {
            Some(Early::Fail(failure)) => return Err(Stop::Fail(failure)),
            Some(Early::Stub(message)) => panic!("{message}"),
            None => {}
        }
        let now = instrument::events();
        if now != events {
            events = now;
            still_since = Instant::now();
        } else if still_since.elapsed() >= stall {
            let snapshot = instrument::snapshot();
            // Re-check under the registry lock: nothing may have moved.
            if snapshot.events == events
                && let Some(diagnosis) = diagnose(&snapshot)
            {
                return Err(Stop::Fail(Failure::race(RaceFailure::Deadlock {
                    run: WatchedRun::Run {
                        what: what.to_string(),
                    },
                    deadlock: diagnosis.deadlock,
                    stall_ms: millis(stall),
                })));
            }
        }
        if started.elapsed() >= limit {
            let snapshot = instrument::snapshot();
            return Err(Stop::Fail(Failure::race(RaceFailure::Hang {
                run: WatchedRun::Run {
                    what: what.to_string(),
                },
                limit_ms: millis(limit),
                threads: thread_states(&snapshot),
            })));
        }
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// A deadlock, if every tracked thread in `snapshot` is blocked without a
/// timeout. Prefers the wait-for cycle between lock holders when there is
/// one; otherwise says that nobody is left to wake the waiters.
pub fn diagnose(snapshot: &Snapshot) -> Option<Diagnosis> {
    if snapshot.threads.is_empty() || !snapshot.threads.iter().all(|t| stuck(snapshot, t)) {
        return None;
    }
    let threads = thread_states(snapshot);
    // A thread waiting for a lock it holds itself: a cycle of one.
    let self_wait = snapshot.threads.iter().find(|t| match &t.blocked {
        Some(BlockedOn::Lock { lock, .. }) => snapshot
            .holders(lock.id)
            .iter()
            .any(|(holder, _)| *holder == t.id),
        _ => false,
    });
    let (summary, cycle) = if let Some(t) = self_wait {
        (
            DeadlockSummary::HoldsItself {
                thread: thread_ref(snapshot, t.id),
                lock: wanted(t).unwrap_or_else(|| panic!("{}", lock_waiter_wants_a_lock())),
            },
            true,
        )
    } else if let Some(cycle) = find_cycle(snapshot) {
        (
            DeadlockSummary::Cycle {
                links: cycle_links(snapshot, &cycle),
            },
            true,
        )
    } else if snapshot
        .threads
        .iter()
        .any(|t| matches!(t.blocked, Some(BlockedOn::Condvar { .. })))
    {
        (DeadlockSummary::LostWakeup, false)
    } else {
        (DeadlockSummary::NoneLeft, false)
    };
    let deadlock = RaceDeadlock {
        summary,
        threads,
        checker: None,
    };
    Some(Diagnosis {
        summary: deadlock.summary.to_english(),
        threads: deadlock.threads_english(),
        cycle,
        deadlock,
    })
}

/// Whether `t` is blocked with nothing on its way to wake it. A thread that
/// was already released (its lock is free, its condvar notified, its barrier
/// full, the thread it joins gone) but has not run yet is not stuck: under
/// heavy load that "not run yet" can last long, and it must never look like
/// a deadlock.
fn stuck(snapshot: &Snapshot, t: &ThreadInfo) -> bool {
    match &t.blocked {
        None => false,
        Some(BlockedOn::Lock { lock, .. }) => !snapshot.holders(lock.id).is_empty(),
        Some(BlockedOn::Condvar { notified, .. }) => !notified,
        Some(BlockedOn::Join { thread }) => snapshot.thread(*thread).is_some(),
        Some(BlockedOn::Barrier { released, .. }) => !released,
        Some(BlockedOn::Scope) => true,
    }
}

/// The threads `t` waits for: holders of the lock it wants, or the thread
/// it joins.
fn waits_for(snapshot: &Snapshot, t: &ThreadInfo) -> Vec<u64> {
    match &t.blocked {
        Some(BlockedOn::Lock { lock, write }) => snapshot
            .holders(lock.id)
            .iter()
            .filter(|(holder, exclusive)| *holder != t.id && (*write || *exclusive))
            .map(|(holder, _)| *holder)
            .collect(),
        Some(BlockedOn::Join { thread }) => vec![*thread],
        _ => Vec::new(),
    }
}

/// A cycle of threads, each waiting for the next (the last for the first).
fn find_cycle(snapshot: &Snapshot) -> Option<Vec<u64>> {
    // Start from lock waiters so the report opens with a lock, not a join.
    let mut starts: Vec<&ThreadInfo> = snapshot.threads.iter().collect();
    starts.sort_by_key(|t| !matches!(t.blocked, Some(BlockedOn::Lock { .. })));
    for start in starts {
        let mut path = vec![start.id];
        let mut current = start;
        while let Some(&next) = waits_for(snapshot, current).first() {
            if let Some(at) = path.iter().position(|&p| p == next) {
                return Some(path[at..].to_vec());
            }
            path.push(next);
            match snapshot.thread(next) {
                Some(thread) => current = thread,
                None => break,
            }
        }
    }
    None
}

/// A thread by id: its name and what it does, or that it finished.
fn thread_ref(snapshot: &Snapshot, id: u64) -> RaceThread {
    match snapshot.thread(id) {
        Some(t) => RaceThread::Live {
            name: t.name.clone(),
            doing: t.doing.clone(),
        },
        None => RaceThread::Finished { id },
    }
}

/// A lock as reports name it: its name, or its label and what it is.
fn lock_ref(lock: &LockInfo) -> RaceLock {
    let kind = match lock.kind {
        instrument::LockKind::Mutex => TraceLockKind::Mutex,
        instrument::LockKind::RwLock => TraceLockKind::Rwlock,
        instrument::LockKind::Condvar => TraceLockKind::Condvar,
        instrument::LockKind::Barrier => TraceLockKind::Barrier,
    };
    match &lock.name {
        Some(name) => RaceLock {
            label: name.clone(),
            what: None,
            access: None,
        },
        None => RaceLock {
            label: format!("{} #{}", kind.as_str(), lock.id),
            what: Some(TraceObjectWhat::Lock {
                lock: kind,
                protects: (!lock.type_name.is_empty()).then(|| lock.type_name.clone()),
                created_at: lock.created_at.clone(),
            }),
            access: None,
        },
    }
}

/// Why a thread blocked on a lock must have a lock to name (a kit bug if not).
fn lock_waiter_wants_a_lock() -> String {
    crate::t!(
        "a lock waiter wants a lock",
        "락을 기다리는 스레드에게는 기다리는 락이 있어야 합니다"
    )
}

/// The lock `t` waits for, with the access asked for when it is an rwlock.
fn wanted(t: &ThreadInfo) -> Option<RaceLock> {
    match &t.blocked {
        Some(BlockedOn::Lock { lock, write }) => {
            let mut wanted = lock_ref(lock);
            if lock.kind == instrument::LockKind::RwLock {
                wanted.access = Some(if *write {
                    LockAccess::Write
                } else {
                    LockAccess::Read
                });
            }
            Some(wanted)
        }
        _ => None,
    }
}

fn cycle_links(snapshot: &Snapshot, cycle: &[u64]) -> Vec<CycleLink> {
    cycle
        .iter()
        .map(|&id| {
            let t = snapshot.thread(id).unwrap_or_else(|| {
                panic!(
                    "{}",
                    crate::t!(
                        "cycle members are live threads",
                        "순환에 속한 스레드는 살아 있는 스레드입니다"
                    )
                )
            });
            CycleLink {
                thread: thread_ref(snapshot, id),
                lock: match &t.blocked {
                    Some(BlockedOn::Join { .. }) => None,
                    // Cycle members wait for a lock or a join; `wanted`
                    // names no lock for anything else.
                    _ => Some(wanted(t).unwrap_or(RaceLock {
                        label: String::new(),
                        what: None,
                        access: None,
                    })),
                },
            }
        })
        .collect()
}

/// Each tracked thread: what it waits for and which locks it holds.
pub(crate) fn thread_states(snapshot: &Snapshot) -> Vec<RaceThreadState> {
    snapshot
        .threads
        .iter()
        .map(|t| {
            let state = match &t.blocked {
                None => ThreadWait::Running,
                Some(BlockedOn::Lock { lock, .. }) => ThreadWait::Lock {
                    lock: wanted(t).unwrap_or_else(|| panic!("{}", lock_waiter_wants_a_lock())),
                    held_by: snapshot
                        .holders(lock.id)
                        .iter()
                        .map(|(h, _)| thread_ref(snapshot, *h))
                        .collect(),
                },
                Some(BlockedOn::Condvar { condvar, mutex, .. }) => ThreadWait::Condvar {
                    condvar: lock_ref(condvar),
                    mutex: lock_ref(mutex),
                },
                Some(BlockedOn::Join { thread }) => ThreadWait::Join {
                    thread: thread_ref(snapshot, *thread),
                },
                Some(BlockedOn::Barrier { barrier, .. }) => ThreadWait::Barrier {
                    barrier: lock_ref(barrier),
                },
                Some(BlockedOn::Scope) => ThreadWait::Scope,
            };
            let holds = snapshot
                .held
                .iter()
                .filter(|h| h.holders.iter().any(|(holder, _)| *holder == t.id))
                .map(|h| lock_ref(&h.lock))
                .collect();
            RaceThreadState {
                thread: thread_ref(snapshot, t.id),
                state,
                holds,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use threadlings::instrument::{HeldLock, LockInfo, LockKind};

    fn lock(id: u64) -> LockInfo {
        LockInfo {
            id,
            kind: LockKind::Mutex,
            name: Some(format!("fork-{id}")),
            created_at: "src/lib.rs:1:1".to_string(),
            type_name: "()".to_string(),
        }
    }

    fn thread(id: u64, name: &str, blocked: Option<BlockedOn>) -> ThreadInfo {
        ThreadInfo {
            id,
            name: name.to_string(),
            doing: None,
            blocked,
        }
    }

    #[test]
    fn a_lock_cycle_is_reported_as_a_cycle() {
        let snapshot = Snapshot {
            events: 7,
            threads: vec![
                thread(
                    2,
                    "philosopher-2",
                    Some(BlockedOn::Lock {
                        lock: lock(3),
                        write: true,
                    }),
                ),
                thread(
                    3,
                    "philosopher-3",
                    Some(BlockedOn::Lock {
                        lock: lock(2),
                        write: true,
                    }),
                ),
                thread(1, "main", Some(BlockedOn::Join { thread: 2 })),
            ],
            held: vec![
                HeldLock {
                    lock: lock(2),
                    holders: vec![(2, true)],
                },
                HeldLock {
                    lock: lock(3),
                    holders: vec![(3, true)],
                },
            ],
        };
        let diagnosis = diagnose(&snapshot).expect("everyone is blocked");
        assert!(diagnosis.cycle);
        assert_eq!(
            diagnosis.summary,
            "deadlock: philosopher-2 waits for fork-3, held by philosopher-3, which waits for \
             fork-2, held by philosopher-2"
        );
    }

    #[test]
    fn waiting_for_a_lock_held_by_oneself_is_named() {
        let snapshot = Snapshot {
            events: 3,
            threads: vec![thread(
                1,
                "worker-0",
                Some(BlockedOn::Lock {
                    lock: lock(4),
                    write: true,
                }),
            )],
            held: vec![HeldLock {
                lock: lock(4),
                holders: vec![(1, false)],
            }],
        };
        let diagnosis = diagnose(&snapshot).expect("everyone is blocked");
        assert!(
            diagnosis
                .summary
                .starts_with("deadlock: worker-0 waits for fork-4, which it holds itself"),
            "{}",
            diagnosis.summary
        );
    }

    #[test]
    fn released_threads_that_have_not_run_yet_are_not_stuck() {
        // Everyone "blocked", but each one already released: a notified
        // condvar waiter, a lock waiter whose lock is free, a joiner whose
        // thread is gone, a barrier waiter whose generation is complete.
        let snapshot = Snapshot {
            events: 9,
            threads: vec![
                thread(
                    1,
                    "a",
                    Some(BlockedOn::Condvar {
                        condvar: lock(9),
                        mutex: lock(8),
                        notified: true,
                    }),
                ),
                thread(
                    2,
                    "b",
                    Some(BlockedOn::Lock {
                        lock: lock(7),
                        write: true,
                    }),
                ),
                thread(3, "c", Some(BlockedOn::Join { thread: 42 })),
                thread(
                    4,
                    "d",
                    Some(BlockedOn::Barrier {
                        barrier: lock(6),
                        released: true,
                    }),
                ),
            ],
            held: vec![],
        };
        for t in &snapshot.threads {
            let alone = Snapshot {
                threads: vec![t.clone()],
                ..snapshot.clone()
            };
            assert_eq!(diagnose(&alone), None, "{} is not stuck", t.name);
        }
        assert_eq!(diagnose(&snapshot), None);
    }

    #[test]
    fn a_running_thread_means_no_deadlock() {
        let snapshot = Snapshot {
            events: 1,
            threads: vec![
                thread(1, "a", None),
                thread(
                    2,
                    "b",
                    Some(BlockedOn::Lock {
                        lock: lock(1),
                        write: true,
                    }),
                ),
            ],
            held: vec![HeldLock {
                lock: lock(1),
                holders: vec![(1, true)],
            }],
        };
        assert_eq!(diagnose(&snapshot), None);
    }

    #[test]
    fn condvar_waiters_without_a_notifier_are_a_lost_wakeup() {
        let snapshot = Snapshot {
            events: 1,
            threads: vec![thread(
                1,
                "consumer-0",
                Some(BlockedOn::Condvar {
                    condvar: lock(9),
                    mutex: lock(8),
                    notified: false,
                }),
            )],
            held: vec![],
        };
        let diagnosis = diagnose(&snapshot).expect("everyone is blocked");
        assert!(!diagnosis.cycle);
        assert!(diagnosis.summary.contains("lost wake-up"));
    }
}
