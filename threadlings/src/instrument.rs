//! Switching the facade's instrumentation on and reading its lock registry.
//!
//! Exercises never need this module: the grader's kit turns instrumentation
//! on around a race check, and reads [`snapshot`] when a check stalls to say
//! which thread waits for which lock. It is public so that instructors can
//! use it from their own tests too.
//!
//! ```
//! use threadlings::instrument::{self, Config};
//! use threadlings::sync::Mutex;
//!
//! instrument::enable(Config::stress(42));
//! let m = Mutex::new(0);
//! *m.lock().unwrap() += 1; // may yield, spin or sleep around the lock
//! instrument::disable();
//! ```

use std::fmt;
use std::time::Duration;

use crate::rt;

pub mod trace;

/// How the facade behaves once [`enable`]d.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Seeds the random choices at synchronization points (per thread).
    pub seed: u64,
    /// Yield, spin or sleep at synchronization points (ignored under loom).
    pub perturb: bool,
    /// Produce the spurious outcomes std's contracts allow, now and then
    /// (seeded): a `Condvar` wait that returns without a notify, a `park`
    /// without an `unpark`, a `compare_exchange_weak` that fails although
    /// the value matched. Ignored under loom; under shuttle the choice is
    /// part of the explored schedule.
    pub spurious: bool,
    /// Share of synchronization points that are perturbed, in 1/1000.
    pub rate_per_mille: u32,
    /// Longest busy-wait at a perturbed point.
    pub max_spin: Duration,
    /// Longest sleep at a perturbed point.
    pub max_sleep: Duration,
}

impl Config {
    /// Record holders and waiters only: no perturbation.
    pub fn registry_only() -> Config {
        Config {
            seed: 0,
            perturb: false,
            spurious: false,
            rate_per_mille: 0,
            max_spin: Duration::ZERO,
            max_sleep: Duration::ZERO,
        }
    }

    /// Registry plus perturbation with defaults that open race windows wide
    /// on one core as on many: about one point in five is perturbed.
    pub fn stress(seed: u64) -> Config {
        Config {
            seed,
            perturb: true,
            spurious: true,
            rate_per_mille: 200,
            max_spin: Duration::from_micros(20),
            max_sleep: Duration::from_micros(200),
        }
    }
}

impl Config {
    /// Registry plus spurious outcomes, without timing perturbation: what a
    /// schedule exploration wants (shuttle picks the interleaving; the
    /// facade adds the spurious wake-ups the contracts allow).
    pub fn exploration() -> Config {
        Config {
            spurious: true,
            ..Config::registry_only()
        }
    }
}

/// Turns instrumentation on for every thread of the process.
pub fn enable(config: Config) {
    let rate = (u64::from(config.rate_per_mille.min(1000)) * 65_536 / 1000) as u32;
    rt::configure(rt::Settings {
        seed: config.seed,
        track: true,
        perturb: config.perturb,
        spurious: config.spurious,
        rate,
        max_spin_ns: config.max_spin.as_nanos().min(u128::from(u64::MAX)) as u64,
        max_sleep_us: config.max_sleep.as_micros().min(u128::from(u64::MAX)) as u64,
    });
}

/// Turns instrumentation off: back to plain std behaviour.
pub fn disable() {
    rt::configure(rt::Settings {
        seed: 0,
        track: false,
        perturb: false,
        spurious: false,
        rate: 0,
        max_spin_ns: 0,
        max_sleep_us: 0,
    });
}

/// Whether instrumentation is on.
pub fn is_enabled() -> bool {
    rt::active()
}

/// Forgets every registered thread and lock. Model checks call it before
/// each execution; stress runs never need it.
pub fn reset() {
    rt::reset();
}

/// A counter that moves whenever a tracked thread locks, unlocks, waits,
/// wakes, notifies, starts or finishes. If it stands still while every
/// thread is blocked, nothing will ever wake them.
pub fn events() -> u64 {
    rt::events()
}

/// Describes what the current thread is doing, for deadlock reports
/// ("worker-1 (transfer 3 → 1)"). `None` clears it. No effect while
/// instrumentation is off.
pub fn doing(what: Option<String>) {
    if rt::tracking() {
        rt::set_doing(what);
    }
}

/// Gives a lock, condition variable or barrier a name for reports
/// ("fork-3" instead of "mutex #7 (created at src/lib.rs:12)").
pub fn name<L: Named + ?Sized>(lock: &L, name: impl Into<String>) {
    lock.set_name(name.into());
}

/// The facade's primitives that can be [`name`]d.
pub trait Named {
    /// Records `name` for this primitive in the registry.
    fn set_name(&self, name: String);
}

/// What kind of primitive a [`LockInfo`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKind {
    /// [`crate::sync::Mutex`]
    Mutex,
    /// [`crate::sync::RwLock`]
    RwLock,
    /// [`crate::sync::Condvar`]
    Condvar,
    /// [`crate::sync::Barrier`]
    Barrier,
}

/// A lock-like primitive as reports show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LockInfo {
    /// Numbered on first tracked use.
    pub id: u64,
    /// Mutex, RwLock, Condvar or Barrier.
    pub kind: LockKind,
    /// Its [`name`], if it was given one.
    pub name: Option<String>,
    /// Where it was created, from the crate's `src/` (`src/lib.rs:31:24`).
    pub created_at: String,
    /// The type it protects (`u64`), empty for condvars and barriers.
    pub type_name: String,
}

impl fmt::Display for LockInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.name {
            return f.write_str(name);
        }
        let kind = match self.kind {
            LockKind::Mutex => "mutex",
            LockKind::RwLock => "rwlock",
            LockKind::Condvar => "condvar",
            LockKind::Barrier => "barrier",
        };
        write!(f, "{kind} #{} (", self.id)?;
        if !self.type_name.is_empty() {
            write!(f, "protecting {}, ", self.type_name)?;
        }
        write!(f, "created at {})", self.created_at)
    }
}

/// What a blocked thread waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockedOn {
    /// Locking a mutex or rwlock (`write`: exclusively).
    Lock {
        /// The lock.
        lock: LockInfo,
        /// Whether it asked for exclusive access.
        write: bool,
    },
    /// An untimed `Condvar::wait`.
    Condvar {
        /// The condition variable.
        condvar: LockInfo,
        /// The mutex released while waiting.
        mutex: LockInfo,
        /// A notify is on its way to some waiter of this condvar (it
        /// happened, the woken waiter has not run yet): not stuck.
        notified: bool,
    },
    /// `JoinHandle::join` of the thread with this registry id.
    Join {
        /// Registry id of the thread being joined.
        thread: u64,
    },
    /// `Barrier::wait`.
    Barrier {
        /// The barrier.
        barrier: LockInfo,
        /// Enough threads arrived after this one to open the barrier: it
        /// only has to run again.
        released: bool,
    },
    /// The end of a `thread::scope`, waiting for its threads.
    Scope,
}

/// One tracked thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadInfo {
    /// Registry id.
    pub id: u64,
    /// The thread's name, or `thread #N`.
    pub name: String,
    /// What it said it was doing ([`doing`]).
    pub doing: Option<String>,
    /// What it is blocked on, if it is blocked without a timeout.
    pub blocked: Option<BlockedOn>,
}

/// A lock that is held right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldLock {
    /// The lock.
    pub lock: LockInfo,
    /// Registry ids of its holders, with `true` for exclusive holds.
    pub holders: Vec<(u64, bool)>,
}

/// The registry at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// [`events`] when the snapshot was taken.
    pub events: u64,
    /// Every live tracked thread, by id.
    pub threads: Vec<ThreadInfo>,
    /// Every held lock, by id.
    pub held: Vec<HeldLock>,
}

impl Snapshot {
    /// The thread with registry id `id`.
    pub fn thread(&self, id: u64) -> Option<&ThreadInfo> {
        self.threads.iter().find(|t| t.id == id)
    }

    /// The holders of lock `id` (empty if nobody holds it).
    pub fn holders(&self, lock: u64) -> &[(u64, bool)] {
        self.held
            .iter()
            .find(|h| h.lock.id == lock)
            .map_or(&[], |h| &h.holders)
    }
}

/// The registry now.
pub fn snapshot() -> Snapshot {
    rt::with_snapshot(convert)
}

/// The registry now, or `None` if it is busy (for panic hooks, which may
/// run while the registry is locked).
pub fn try_snapshot() -> Option<Snapshot> {
    rt::try_with_snapshot(convert)
}

fn convert(r: &rt::Registry, events: u64) -> Snapshot {
    let info = |d: &rt::Desc| info(r, d);
    let mut threads: Vec<ThreadInfo> = r
        .threads
        .iter()
        .map(|(&id, rec)| ThreadInfo {
            id,
            name: rec.name.clone(),
            doing: rec.doing.clone(),
            blocked: rec.blocked.as_ref().map(|b| match b {
                rt::Blocked::Lock { lock, write } => BlockedOn::Lock {
                    lock: info(lock),
                    write: *write,
                },
                rt::Blocked::Condvar { condvar, mutex } => BlockedOn::Condvar {
                    condvar: info(condvar),
                    mutex: info(mutex),
                    notified: r.condvars.get(&condvar.id).is_some_and(|c| c.pending > 0),
                },
                rt::Blocked::Join { thread } => BlockedOn::Join { thread: *thread },
                rt::Blocked::Barrier { barrier, ticket } => BlockedOn::Barrier {
                    barrier: info(barrier),
                    released: r
                        .barriers
                        .get(&barrier.id)
                        .is_some_and(|&(arrived, parties)| {
                            *ticket < arrived / parties.max(1) * parties.max(1)
                        }),
                },
                rt::Blocked::Scope => BlockedOn::Scope,
            }),
        })
        .collect();
    threads.sort_by_key(|t| t.id);
    let mut held: Vec<HeldLock> = r
        .held
        .values()
        .map(|(desc, holders)| HeldLock {
            lock: info(desc),
            holders: holders.clone(),
        })
        .collect();
    held.sort_by_key(|h| h.lock.id);
    Snapshot {
        events,
        threads,
        held,
    }
}

/// One lock acquisition seen by [`audit`], or one lock [`held_now`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acquisition {
    /// The lock.
    pub lock: LockInfo,
    /// Exclusively: a mutex, or an rwlock's write lock; `false`: an
    /// rwlock's read lock.
    pub exclusive: bool,
}

impl Acquisition {
    /// How it was taken: "read", "write" or "mutex".
    pub fn mode(&self) -> &'static str {
        match (self.lock.kind, self.exclusive) {
            (LockKind::RwLock, false) => "read",
            (LockKind::RwLock, true) => "write",
            _ => "mutex",
        }
    }
}

impl fmt::Display for Acquisition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.mode() {
            "mutex" => write!(f, "the lock of {}", self.lock),
            mode => write!(f, "the {mode} lock of {}", self.lock),
        }
    }
}

/// Runs `f` on the current thread and returns what it returned, with every
/// lock the current thread acquired while it ran, in order (mutexes, read
/// and write locks, including the re-locking of a mutex when a `Condvar`
/// wait returns). Acquisitions by other threads are not counted. Needs the
/// instrumentation [`enable`]d (otherwise nothing is recorded); audits nest.
///
/// This is how a check holds an answer to "this operation takes read locks
/// only": the report can name the lock and the mode it saw.
pub fn audit<R>(f: impl FnOnce() -> R) -> (R, Vec<Acquisition>) {
    if !rt::tracking() {
        return (f(), Vec::new());
    }
    /// Closes the audit if `f` panics (the check then reports the panic).
    struct Open(Option<Option<Vec<(rt::Desc, bool)>>>);
    impl Drop for Open {
        fn drop(&mut self) {
            if let Some(outer) = self.0.take() {
                rt::audit_end(outer);
            }
        }
    }
    let mut open = Open(Some(rt::audit_begin()));
    let value = f();
    let seen = open.0.take().map(rt::audit_end).unwrap_or_default();
    (value, acquisitions(&seen))
}

/// The locks the current thread holds right now, by lock id (e.g. called
/// from inside a callback the answer runs: "no lock is held while `compute`
/// runs"). Empty while the instrumentation is off.
pub fn held_now() -> Vec<Acquisition> {
    if !rt::tracking() {
        return Vec::new();
    }
    acquisitions(&rt::held_by_current())
}

fn acquisitions(seen: &[(rt::Desc, bool)]) -> Vec<Acquisition> {
    rt::with_snapshot(|r, _| {
        seen.iter()
            .map(|(desc, exclusive)| Acquisition {
                lock: info(r, desc),
                exclusive: *exclusive,
            })
            .collect()
    })
}

fn info(r: &rt::Registry, d: &rt::Desc) -> LockInfo {
    LockInfo {
        id: d.id,
        kind: match d.kind {
            rt::Kind::Mutex => LockKind::Mutex,
            rt::Kind::RwLock => LockKind::RwLock,
            rt::Kind::Condvar => LockKind::Condvar,
            rt::Kind::Barrier => LockKind::Barrier,
        },
        name: r.names.get(&d.id).cloned(),
        created_at: short_location(d.created_at),
        type_name: short_type_name(d.type_name),
    }
}

/// `some/build/dir/exercises/04-x/src/lib.rs:31:24` → `src/lib.rs:31:24`:
/// the path a student knows.
fn short_location(location: &std::panic::Location<'_>) -> String {
    let file = location.file();
    let file = match file.rfind("/src/") {
        Some(at) => &file[at + 1..],
        None => file,
    };
    format!("{file}:{}:{}", location.line(), location.column())
}

/// `alloc::vec::Vec<core::option::Option<u64>>` → `Vec<Option<u64>>`.
fn short_type_name(full: &str) -> String {
    let mut out = String::with_capacity(full.len());
    let mut segment = String::new();
    for c in full.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            out.push_str(segment.rsplit("::").next().unwrap_or_default());
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::short_type_name;

    #[test]
    fn type_names_lose_their_paths() {
        assert_eq!(
            short_type_name("alloc::vec::Vec<core::option::Option<u64>>"),
            "Vec<Option<u64>>"
        );
        assert_eq!(short_type_name("(u64, i32)"), "(u64, i32)");
    }
}

thread_local! {
    /// Acquire operations of the current thread while [`count_acquires`]
    /// runs (`None` outside one).
    static ACQUIRES: std::cell::Cell<Option<u32>> = const { std::cell::Cell::new(None) };
}

/// Notes an atomic operation's ordering for [`count_acquires`]: `Acquire`,
/// `AcqRel` and `SeqCst` count (a compare-exchange notes both of its
/// orderings, so the count can only err towards more).
#[inline]
pub(crate) fn note_ordering(order: std::sync::atomic::Ordering) {
    use std::sync::atomic::Ordering::{AcqRel, Acquire, SeqCst};
    if matches!(order, Acquire | AcqRel | SeqCst) {
        note_acquire();
    }
}

/// Notes an operation that synchronizes the current thread with another
/// (an acquire, or a `park` that returned: it may have consumed an
/// `unpark`'s token, which synchronizes like a release/acquire pair).
#[inline]
pub(crate) fn note_acquire() {
    ACQUIRES.with(|count| {
        if let Some(n) = count.get() {
            count.set(Some(n.saturating_add(1)));
        }
    });
}

/// Runs `f` on the current thread and returns what it returned, with how
/// many operations through the facade could have synchronized this thread
/// with another: atomic loads, read-modify-writes and fences with `Acquire`,
/// `AcqRel` or `SeqCst`, and returns from `thread::park`. Zero means nothing
/// `f` did can make another thread's earlier writes visible to it: a `wait`
/// that returns on a flag it read with `Relaxed` alone, for example. This is
/// what a check uses where no checker can show the stale read itself (x86
/// never reorders loads; loom joins a thread's view at every `unpark`).
/// Normal builds only (loom and shuttle keep their own atomics): elsewhere
/// the count is `None`.
pub fn count_acquires<R>(f: impl FnOnce() -> R) -> (R, Option<u32>) {
    if cfg!(any(loom, shuttle)) {
        return (f(), None);
    }
    /// Restores the enclosing count if `f` panics.
    struct Open(Option<u32>);
    impl Drop for Open {
        fn drop(&mut self) {
            ACQUIRES.with(|count| count.set(self.0));
        }
    }
    let outer = ACQUIRES.with(|count| count.replace(Some(0)));
    let open = Open(outer);
    let value = f();
    let seen = ACQUIRES.with(|count| count.get()).unwrap_or(0);
    drop(open);
    if let Some(n) = outer {
        ACQUIRES.with(|count| count.set(Some(n.saturating_add(seen))));
    }
    (value, Some(seen))
}
