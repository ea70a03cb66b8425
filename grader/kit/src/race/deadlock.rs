//! Deadlock diagnosis from the facade's lock registry.
//!
//! A deadlock is declared only when two things hold at once: every tracked
//! thread is blocked without a timeout (on a lock, an untimed condvar wait, a
//! join, a barrier or the end of a scope), and the registry's event counter
//! has not moved for the whole stall period. A correct answer never shows
//! both: a woken thread moves the counter within microseconds, and a thread
//! that computes or sleeps is not blocked. So the stall period only bounds
//! how long a deadlocked answer keeps us waiting; it is not a timing bet.

use std::fmt::Write as _;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use threadlings::instrument::{self, BlockedOn, Snapshot, ThreadInfo};

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
}

/// Runs `f` on its own thread while watching the lock registry. Fails with
/// "deadlock: ..." as soon as every tracked thread has been blocked for
/// `stall` with nothing moving, or with a report of what each thread was
/// doing when `limit` passes. The facade's instrumentation must be on.
pub fn watch<T, F>(what: &str, limit: Duration, stall: Duration, f: F) -> Result<T, Stop>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
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
        .map_err(|e| Stop::Fail(Failure::new(format!("could not start a thread: {e}"))))?;
    let started = Instant::now();
    let mut events = instrument::events();
    let mut still_since = Instant::now();
    loop {
        match rx.recv_timeout(POLL) {
            Ok(Ok(value)) => return Ok(value),
            Ok(Err(payload)) => std::panic::resume_unwind(payload),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(Stop::Fail(Failure::new(format!(
                    "{what}: the check's runner thread vanished"
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
                return Err(Stop::Fail(deadlock_failure(what, &diagnosis, stall)));
            }
        }
        if started.elapsed() >= limit {
            let snapshot = instrument::snapshot();
            let mut message = format!(
                "{what} did not finish within {:.0} s: a thread never finished (an endless \
                 loop, a spin that never sees its flag, or threads waiting in a way the course \
                 facade cannot see)",
                limit.as_secs_f64()
            );
            let threads = describe_threads(&snapshot);
            if !threads.is_empty() {
                message.push_str("\nthreads at that moment:\n");
                message.push_str(&threads);
            }
            return Err(Stop::Fail(Failure::new(message)));
        }
    }
}

fn deadlock_failure(what: &str, diagnosis: &Diagnosis, stall: Duration) -> Failure {
    Failure::new(format!(
        "{}\nwhile running {what}; every thread was blocked and nothing moved for {:.1} s:\n{}",
        diagnosis.summary,
        stall.as_secs_f64(),
        diagnosis.threads
    ))
}

/// A deadlock, if every tracked thread in `snapshot` is blocked without a
/// timeout. Prefers the wait-for cycle between lock holders when there is
/// one; otherwise says that nobody is left to wake the waiters.
pub fn diagnose(snapshot: &Snapshot) -> Option<Diagnosis> {
    if snapshot.threads.is_empty() || !snapshot.threads.iter().all(|t| stuck(snapshot, t)) {
        return None;
    }
    let threads = describe_threads(snapshot);
    // A thread waiting for a lock it holds itself: a cycle of one.
    let self_wait = snapshot.threads.iter().find(|t| match &t.blocked {
        Some(BlockedOn::Lock { lock, .. }) => snapshot
            .holders(lock.id)
            .iter()
            .any(|(holder, _)| *holder == t.id),
        _ => false,
    });
    if let Some(t) = self_wait {
        return Some(Diagnosis {
            summary: format!(
                "deadlock: {} waits for {}, which it holds itself. The course's (and std's) \
                 locks are not re-entrant: locking a Mutex the thread already holds, or asking \
                 an RwLock for write access while the same thread's read guard is alive, waits \
                 forever",
                thread_name(snapshot, t.id),
                wanted(t)
            ),
            threads,
            cycle: true,
        });
    }
    if let Some(cycle) = find_cycle(snapshot) {
        return Some(Diagnosis {
            summary: format!("deadlock: {}", describe_cycle(snapshot, &cycle)),
            threads,
            cycle: true,
        });
    }
    let waiting_on_condvar = snapshot
        .threads
        .iter()
        .any(|t| matches!(t.blocked, Some(BlockedOn::Condvar { .. })));
    let summary = if waiting_on_condvar {
        "deadlock: every thread is blocked and none is left to wake the others: a lost \
         wake-up. A thread waiting on a condition variable is woken only by a notify that \
         comes after it started waiting; look for notify_one where every waiter must wake, \
         a notify sent before the state change it announces, or a state change without a \
         notify"
            .to_string()
    } else {
        "deadlock: every thread is blocked and none is left to wake the others".to_string()
    };
    Some(Diagnosis {
        summary,
        threads,
        cycle: false,
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

fn thread_name(snapshot: &Snapshot, id: u64) -> String {
    match snapshot.thread(id) {
        Some(t) => match &t.doing {
            Some(doing) => format!("{} ({doing})", t.name),
            None => t.name.clone(),
        },
        None => format!("thread #{id} (finished)"),
    }
}

fn wanted(t: &ThreadInfo) -> String {
    match &t.blocked {
        Some(BlockedOn::Lock { lock, write }) => {
            if lock.kind == instrument::LockKind::RwLock {
                let how = if *write { "write" } else { "read" };
                format!("{lock} ({how})")
            } else {
                lock.to_string()
            }
        }
        _ => String::new(),
    }
}

fn describe_cycle(snapshot: &Snapshot, cycle: &[u64]) -> String {
    let mut out = String::new();
    for (i, &id) in cycle.iter().enumerate() {
        let t = snapshot.thread(id).expect("cycle members are live threads");
        let next = cycle[(i + 1) % cycle.len()];
        let subject = if i == 0 {
            thread_name(snapshot, id)
        } else {
            "which".to_string()
        };
        if i > 0 {
            out.push_str(", ");
        }
        match &t.blocked {
            Some(BlockedOn::Join { .. }) => {
                let _ = write!(
                    out,
                    "{subject} waits for {} to finish",
                    thread_name(snapshot, next)
                );
            }
            _ => {
                let _ = write!(
                    out,
                    "{subject} waits for {}, held by {}",
                    wanted(t),
                    thread_name(snapshot, next)
                );
            }
        }
    }
    out
}

/// One line per tracked thread: its name, what it does, what it waits for.
pub(crate) fn describe_threads(snapshot: &Snapshot) -> String {
    let mut out = String::new();
    for t in &snapshot.threads {
        let state = match &t.blocked {
            None => "running (or sleeping, or waiting with a timeout)".to_string(),
            Some(BlockedOn::Lock { .. }) => {
                let holders: Vec<String> = match &t.blocked {
                    Some(BlockedOn::Lock { lock, .. }) => snapshot
                        .holders(lock.id)
                        .iter()
                        .map(|(h, _)| thread_name(snapshot, *h))
                        .collect(),
                    _ => Vec::new(),
                };
                if holders.is_empty() {
                    format!("waits for {}", wanted(t))
                } else {
                    format!("waits for {}, held by {}", wanted(t), holders.join(" and "))
                }
            }
            Some(BlockedOn::Condvar { condvar, mutex, .. }) => {
                format!("waits on {condvar} (with {mutex} released) for a notify")
            }
            Some(BlockedOn::Join { thread }) => {
                format!("waits for {} to finish", thread_name(snapshot, *thread))
            }
            Some(BlockedOn::Barrier { barrier, .. }) => {
                format!("waits at {barrier} for the other threads")
            }
            Some(BlockedOn::Scope) => "waits for its scoped threads to finish".to_string(),
        };
        let holds: Vec<String> = snapshot
            .held
            .iter()
            .filter(|h| h.holders.iter().any(|(holder, _)| *holder == t.id))
            .map(|h| h.lock.to_string())
            .collect();
        let _ = write!(out, "  {}: {state}", thread_name(snapshot, t.id));
        if !holds.is_empty() {
            let _ = write!(out, "; holds {}", holds.join(", "));
        }
        out.push('\n');
    }
    out
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
