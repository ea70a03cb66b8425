//! The instrumentation runtime behind the facade: the mode switch, seeded
//! perturbation at synchronization points, and the registry of who holds and
//! who waits for which lock.
//!
//! Everything here is off until [`crate::instrument::enable`] is called; the
//! fast path of every facade operation is one relaxed load of [`MODE`].

use std::collections::HashMap;
use std::panic::Location;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::atomic::{AtomicU8, AtomicU32, AtomicU64};
use std::sync::{Mutex as StdMutex, MutexGuard as StdMutexGuard};

use crate::instrument::trace::{Mode, Op, Value};

/// Record holders and waiters.
const TRACK: u8 = 1;
/// Yield, spin or sleep at synchronization points.
const PERTURB: u8 = 2;
/// Produce the spurious outcomes contracts allow (see [`spurious`]).
const SPURIOUS: u8 = 4;
/// Record each synchronization step in the trace log
/// ([`crate::instrument::trace`]); only meaningful with [`TRACK`].
const RECORD: u8 = 8;
/// Steps the trace log keeps: the last ones, a failing execution's end.
const TRACE_CAPACITY: usize = 512;

static MODE: AtomicU8 = AtomicU8::new(0);
static SEED: AtomicU64 = AtomicU64::new(0);
/// Bumped by every `enable`, so threads reseed their random source.
static EPOCH: AtomicU64 = AtomicU64::new(1);
/// Probability of perturbing a point, out of 65536.
static RATE: AtomicU32 = AtomicU32::new(0);
static MAX_SPIN_NS: AtomicU64 = AtomicU64::new(0);
static MAX_SLEEP_US: AtomicU64 = AtomicU64::new(0);
/// Counts registry changes and notifications: if it stands still while
/// every thread is blocked, nothing can ever wake them.
static EVENTS: AtomicU64 = AtomicU64::new(0);
static NEXT_LOCK: AtomicU64 = AtomicU64::new(1);
static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);
/// Threads that perturb without being tracked still need distinct streams.
#[cfg(not(any(loom, shuttle)))]
static NEXT_STREAM: AtomicU64 = AtomicU64::new(1);

/// Whether any instrumentation is on (the fast-path test).
#[inline(always)]
pub(crate) fn active() -> bool {
    MODE.load(Relaxed) != 0
}

#[inline(always)]
pub(crate) fn tracking() -> bool {
    MODE.load(Relaxed) & TRACK != 0
}

/// Whether synchronization steps are recorded (tracking and recording on).
#[inline(always)]
pub(crate) fn recording() -> bool {
    MODE.load(Relaxed) & (TRACK | RECORD) == TRACK | RECORD
}

/// Turns the trace log on or off (it survives [`configure`] while tracking
/// stays on, so a check may switch recording on before or after enabling).
pub(crate) fn set_recording(on: bool) {
    if on {
        MODE.fetch_or(RECORD, Relaxed);
    } else {
        MODE.fetch_and(!RECORD, Relaxed);
    }
}

pub(crate) struct Settings {
    pub seed: u64,
    pub track: bool,
    pub perturb: bool,
    pub spurious: bool,
    pub rate: u32,
    pub max_spin_ns: u64,
    pub max_sleep_us: u64,
}

pub(crate) fn configure(settings: Settings) {
    SEED.store(settings.seed, Relaxed);
    RATE.store(settings.rate, Relaxed);
    MAX_SPIN_NS.store(settings.max_spin_ns, Relaxed);
    MAX_SLEEP_US.store(settings.max_sleep_us, Relaxed);
    EPOCH.fetch_add(1, Relaxed);
    // Under loom or shuttle the scheduler is the checker's: perturbing would
    // only slow it down (and a real sleep would stall every model thread).
    let perturb = settings.perturb && cfg!(not(any(loom, shuttle)));
    // Spurious outcomes are drawn from the thread's seeded stream, or under
    // shuttle from shuttle's own (replayable) randomness; loom explores
    // without them (its state space would double at every wait).
    let spurious = settings.spurious && cfg!(not(loom));
    let mode = (if settings.track { TRACK } else { 0 })
        | (if perturb { PERTURB } else { 0 })
        | (if spurious { SPURIOUS } else { 0 });
    // Recording stays as it was while tracking stays on; off turns it off.
    let keep = if settings.track {
        MODE.load(Relaxed) & RECORD
    } else {
        0
    };
    MODE.store(mode | keep, Relaxed);
}

pub(crate) fn events() -> u64 {
    EVENTS.load(Relaxed)
}

fn event() {
    EVENTS.fetch_add(1, Relaxed);
}

// ---------------------------------------------------------------------------
// Perturbation

/// A synchronization point: maybe yield, spin or sleep (seeded).
#[inline(always)]
pub(crate) fn point() {
    if MODE.load(Relaxed) & PERTURB != 0 {
        perturb();
    }
}

/// Whether an operation whose contract allows a spurious outcome should
/// produce one now (a weak compare-exchange that fails although the value
/// matched, a `park` that returns without an `unpark`, a `Condvar` wait that
/// returns without a notify): seeded, only while the instrumentation asks
/// for it (stress runs; under shuttle, schedule explorations), about one
/// call in eight. A correct caller retries in a loop and never notices; one
/// that trusts a single attempt is caught on every run instead of once on
/// some other machine.
#[inline(always)]
pub(crate) fn spurious() -> bool {
    MODE.load(Relaxed) & SPURIOUS != 0 && spurious_draw()
}

#[cold]
#[inline(never)]
#[cfg(not(shuttle))]
fn spurious_draw() -> bool {
    next_random().is_some_and(|r| r % 8 == 0)
}

/// Under shuttle the draw is shuttle's: part of the schedule, so a failing
/// schedule replays with the same spurious wake-ups.
#[cold]
#[inline(never)]
#[cfg(shuttle)]
fn spurious_draw() -> bool {
    use shuttle::rand::RngCore;
    shuttle::rand::thread_rng().next_u64().is_multiple_of(8)
}

#[cold]
#[inline(never)]
fn perturb() {
    let Some(r) = next_random() else { return };
    if (r & 0xffff) as u32 >= RATE.load(Relaxed) {
        return;
    }
    match (r >> 16) % 10 {
        // Give the processor to another thread, if one is ready.
        0..=3 => std::thread::yield_now(),
        // Stay on the processor a little longer (inside a critical section
        // this makes other threads pile up behind the lock).
        4..=7 => {
            let max = MAX_SPIN_NS.load(Relaxed).max(1);
            let spin = std::time::Duration::from_nanos((r >> 24) % max);
            let start = std::time::Instant::now();
            while start.elapsed() < spin {
                std::hint::spin_loop();
            }
        }
        // Get off the processor for a while: on one core this is what lets
        // another thread run inside the window.
        _ => {
            let max = MAX_SLEEP_US.load(Relaxed).max(1);
            std::thread::sleep(std::time::Duration::from_micros(1 + (r >> 24) % max));
        }
    }
}

#[cfg(not(any(loom, shuttle)))]
mod local {
    use std::cell::Cell;

    /// Per-thread state: registry id and random stream. Its destructor marks
    /// the thread finished in the registry.
    pub(super) struct Slot {
        pub tid: Cell<u64>,
        pub rng: Cell<u64>,
        pub epoch: Cell<u64>,
    }

    impl Drop for Slot {
        fn drop(&mut self) {
            let tid = self.tid.get();
            if tid != 0 {
                super::thread_finished(tid);
            }
        }
    }

    thread_local! {
        pub(super) static SLOT: Slot = const {
            Slot { tid: Cell::new(0), rng: Cell::new(0), epoch: Cell::new(0) }
        };
    }
}

#[cfg(not(any(loom, shuttle)))]
fn next_random() -> Option<u64> {
    local::SLOT
        .try_with(|slot| {
            let epoch = EPOCH.load(Relaxed);
            if slot.epoch.get() != epoch {
                slot.epoch.set(epoch);
                let stream = NEXT_STREAM.fetch_add(1, Relaxed);
                slot.rng.set(splitmix(
                    SEED.load(Relaxed) ^ stream.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                ));
            }
            let next = splitmix(slot.rng.get());
            slot.rng.set(next);
            next
        })
        .ok()
}

#[cfg(any(loom, shuttle))]
fn next_random() -> Option<u64> {
    None
}

#[cfg(not(any(loom, shuttle)))]
fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

// ---------------------------------------------------------------------------
// The registry

/// What kind of primitive a lock record describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Mutex,
    RwLock,
    Condvar,
    Barrier,
}

/// The identity of a lock-like object, lazily numbered on first tracked use.
pub(crate) struct LockMeta {
    id: AtomicU64,
    created_at: &'static Location<'static>,
}

impl LockMeta {
    #[track_caller]
    #[inline]
    pub(crate) const fn new() -> LockMeta {
        LockMeta {
            id: AtomicU64::new(0),
            created_at: Location::caller(),
        }
    }

    pub(crate) fn desc(&self, kind: Kind, type_name: &'static str) -> Desc {
        let mut id = self.id.load(Relaxed);
        if id == 0 {
            let fresh = NEXT_LOCK.fetch_add(1, Relaxed);
            id = match self.id.compare_exchange(0, fresh, Relaxed, Relaxed) {
                Ok(_) => fresh,
                Err(existing) => existing,
            };
        }
        Desc {
            id,
            kind,
            created_at: self.created_at,
            type_name,
        }
    }
}

/// A lock as the registry describes it (cheap to copy).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Desc {
    pub id: u64,
    pub kind: Kind,
    pub created_at: &'static Location<'static>,
    pub type_name: &'static str,
}

#[derive(Debug, Clone)]
pub(crate) enum Blocked {
    Lock {
        lock: Desc,
        write: bool,
    },
    Condvar {
        condvar: Desc,
        mutex: Desc,
    },
    Join {
        thread: u64,
    },
    Barrier {
        barrier: Desc,
        /// This thread's arrival number at the barrier (from 0).
        ticket: u64,
    },
    #[cfg_attr(any(loom, shuttle), allow(dead_code))]
    Scope,
}

pub(crate) struct ThreadRec {
    pub name: String,
    pub doing: Option<String>,
    pub blocked: Option<Blocked>,
}

#[derive(Default)]
pub(crate) struct Registry {
    pub threads: HashMap<u64, ThreadRec>,
    /// Locks currently held, with their holders (`true`: exclusively).
    pub held: HashMap<u64, (Desc, Vec<(u64, bool)>)>,
    pub names: HashMap<u64, String>,
    /// Per condition variable: untimed waiters, and notifications that will
    /// wake some of them but have not been consumed yet. A waiter that was
    /// notified but has not run yet still looks blocked; `pending` says
    /// that it is not.
    pub condvars: HashMap<u64, CondvarState>,
    /// Per barrier: arrivals so far, and the number of parties.
    pub barriers: HashMap<u64, (u64, u64)>,
    /// Per thread with an audit open ([`crate::instrument::audit`]): every
    /// lock it acquired since (`true`: exclusively).
    pub audits: HashMap<u64, Vec<(Desc, bool)>>,
    /// Registry ids of the model threads (loom's or shuttle's), by their ids.
    #[cfg(any(loom, shuttle))]
    pub model_ids: HashMap<model::ThreadId, u64>,
    /// The synchronization steps recorded while [`recording`].
    pub trace: TraceLog,
}

/// What a recorded step was done to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Obj {
    Lock(u64),
    /// An atomic, by its number in [`TraceLog::atomics`].
    Atomic(u32),
    /// A thread (spawned or joined), by registry id.
    Thread(u64),
    /// An operation of the code under test, by its number in
    /// [`TraceLog::calls`].
    Call(u32),
}

/// One recorded step.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawStep {
    pub tid: u64,
    pub op: Op,
    pub obj: Obj,
}

/// The last [`TRACE_CAPACITY`] steps, and what they name: a thread or a
/// lock leaves the registry when it ends, its name stays here.
#[derive(Default)]
pub(crate) struct TraceLog {
    pub steps: std::collections::VecDeque<RawStep>,
    /// Steps pushed out of the front of the ring.
    pub dropped: u64,
    /// Thread names by registry id, in order of first step.
    pub threads: Vec<(u64, String)>,
    pub locks: HashMap<u64, Desc>,
    /// Atomics by address, numbered in order of first step (with the type
    /// of their value).
    pub atomics: Vec<(usize, &'static str)>,
    /// The operations a check announced ([`record_call`]): what was called,
    /// and what it returned once it did.
    pub calls: Vec<(String, Option<String>)>,
    /// Per thread, its call that has not returned yet.
    pub open_calls: Vec<(u64, u32)>,
}

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CondvarState {
    pub waiters: usize,
    pub pending: usize,
}

static REGISTRY: StdMutex<Option<Registry>> = StdMutex::new(None);

pub(crate) fn registry() -> StdMutexGuard<'static, Option<Registry>> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// Runs `f` on the registry, creating it on first use.
fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> R {
    let mut guard = registry();
    f(guard.get_or_insert_with(Registry::default))
}

/// Forgets every thread and lock (loom, shuttle: before each execution).
pub(crate) fn reset() {
    *registry() = Some(Registry::default());
    if cfg!(any(loom, shuttle)) {
        NEXT_LOCK.store(1, Relaxed);
        NEXT_THREAD.store(1, Relaxed);
    }
    event();
}

fn default_name(tid: u64) -> String {
    format!("thread #{tid}")
}

/// The registry id of the current thread, registering it on first use
/// (0 when it cannot be known, e.g. during thread teardown).
#[cfg(not(any(loom, shuttle)))]
fn current_tid() -> u64 {
    local::SLOT
        .try_with(|slot| {
            let tid = slot.tid.get();
            if tid != 0 {
                return tid;
            }
            let tid = NEXT_THREAD.fetch_add(1, Relaxed);
            slot.tid.set(tid);
            let name = std::thread::current()
                .name()
                .map_or_else(|| default_name(tid), str::to_string);
            with_registry(|r| {
                r.threads.insert(
                    tid,
                    ThreadRec {
                        name,
                        doing: None,
                        blocked: None,
                    },
                )
            });
            tid
        })
        .unwrap_or(0)
}

#[cfg(any(loom, shuttle))]
fn current_tid() -> u64 {
    let me = model::current();
    tid_of_model(me.id(), me.name())
}

/// The model checker's thread API (loom's or shuttle's).
#[cfg(loom)]
pub(crate) use loom::thread as model;
#[cfg(shuttle)]
pub(crate) use shuttle::thread as model;

/// Whether `id` is the model's main thread (the one running the scenario).
#[cfg(loom)]
fn is_model_main(id: model::ThreadId) -> bool {
    // Loom numbers its threads from 0, the model's main thread.
    format!("{id:?}") == "ThreadId(0)"
}

#[cfg(shuttle)]
fn is_model_main(id: model::ThreadId) -> bool {
    // Shuttle's main task (the scenario itself) is task 0.
    usize::from(id) == 0
}

/// The registry id of a model thread, registering it on first sight.
#[cfg(any(loom, shuttle))]
pub(crate) fn tid_of_model(id: model::ThreadId, name: Option<&str>) -> u64 {
    with_registry(|r| {
        if let Some(&tid) = r.model_ids.get(&id) {
            return tid;
        }
        let tid = NEXT_THREAD.fetch_add(1, Relaxed);
        r.model_ids.insert(id, tid);
        // The scenario's own thread is "main" in reports, whatever the
        // checker calls it (shuttle: "main-thread").
        let name = if is_model_main(id) {
            "main".to_string()
        } else {
            name.map_or_else(|| default_name(tid), str::to_string)
        };
        r.threads.insert(
            tid,
            ThreadRec {
                name,
                doing: None,
                blocked: None,
            },
        );
        tid
    })
}

fn update(tid: u64, f: impl FnOnce(&mut Registry, u64)) {
    if tid == 0 {
        return;
    }
    with_registry(|r| f(r, tid));
    event();
}

/// Appends a step to the trace log (the caller checked [`recording`]).
fn record_in(r: &mut Registry, tid: u64, op: Op, obj: Obj) {
    if tid == 0 {
        return;
    }
    let log = &mut r.trace;
    if !log.threads.iter().any(|(t, _)| *t == tid) {
        let name = r
            .threads
            .get(&tid)
            .map_or_else(|| default_name(tid), |rec| rec.name.clone());
        log.threads.push((tid, name));
    }
    if log.steps.len() == TRACE_CAPACITY {
        log.steps.pop_front();
        log.dropped += 1;
    }
    log.steps.push_back(RawStep { tid, op, obj });
}

/// Records a step on a lock-like object.
fn record_lock(r: &mut Registry, tid: u64, op: Op, lock: Desc) {
    r.trace.locks.entry(lock.id).or_insert(lock);
    record_in(r, tid, op, Obj::Lock(lock.id));
}

/// Records a step on the atomic at `addr` holding a `type_name`.
pub(crate) fn record_atomic(op: Op, addr: usize, type_name: &'static str) {
    let tid = current_tid();
    with_registry(|r| {
        let log = &mut r.trace;
        let index = match log.atomics.iter().position(|(a, _)| *a == addr) {
            Some(index) => index,
            None => {
                log.atomics.push((addr, type_name));
                log.atomics.len() - 1
            }
        };
        record_in(r, tid, op, Obj::Atomic(index as u32));
    });
}

/// Records that the current thread spawned or joins thread `child`.
pub(crate) fn record_thread(op: Op, child: u64) {
    let tid = current_tid();
    with_registry(|r| {
        if !r.trace.threads.iter().any(|(t, _)| *t == child)
            && let Some(rec) = r.threads.get(&child)
        {
            // Named now: a thread that ends before its first step leaves
            // the registry, and the spawn step must still name it.
            let name = rec.name.clone();
            // Keep the parent first in the column order.
            if !r.trace.threads.iter().any(|(t, _)| *t == tid)
                && let Some(parent) = r.threads.get(&tid)
            {
                let parent = parent.name.clone();
                r.trace.threads.push((tid, parent));
            }
            r.trace.threads.push((child, name));
        }
        record_in(r, tid, op, Obj::Thread(child));
    });
}

/// Records that the current thread calls the operation `op` of the code
/// under test.
pub(crate) fn record_call(op: String) {
    let tid = current_tid();
    with_registry(|r| {
        let log = &mut r.trace;
        let index = log.calls.len() as u32;
        log.calls.push((op, None));
        log.open_calls.retain(|(t, _)| *t != tid);
        log.open_calls.push((tid, index));
        record_in(r, tid, Op::Call, Obj::Call(index));
    });
}

/// Records that the current thread's open call returned `result`.
pub(crate) fn record_return(result: String) {
    let tid = current_tid();
    with_registry(|r| {
        let log = &mut r.trace;
        let Some(at) = log.open_calls.iter().position(|(t, _)| *t == tid) else {
            return;
        };
        let (_, index) = log.open_calls.swap_remove(at);
        if let Some(call) = log.calls.get_mut(index as usize) {
            call.1 = Some(result);
        }
        record_in(r, tid, Op::Return, Obj::Call(index));
    });
}

/// Empties the trace log (a stress round starts; the registry stays).
pub(crate) fn clear_trace() {
    with_registry(|r| r.trace = TraceLog::default());
}

/// Runs `f` on the registry and its trace log (`None` if the registry is
/// busy and `wait` is false: a panic hook may run while it is locked).
pub(crate) fn with_trace<R>(wait: bool, f: impl FnOnce(&Registry) -> R) -> Option<R> {
    let mut guard = if wait {
        registry()
    } else {
        match REGISTRY.try_lock() {
            Ok(guard) => guard,
            Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
            Err(std::sync::TryLockError::WouldBlock) => return None,
        }
    };
    Some(f(guard.get_or_insert_with(Registry::default)))
}

fn set_blocked(r: &mut Registry, tid: u64, blocked: Option<Blocked>) {
    if let Some(rec) = r.threads.get_mut(&tid) {
        rec.blocked = blocked;
    }
}

fn add_holder(r: &mut Registry, tid: u64, lock: Desc, exclusive: bool) {
    r.held
        .entry(lock.id)
        .or_insert_with(|| (lock, Vec::new()))
        .1
        .push((tid, exclusive));
}

fn remove_holder(r: &mut Registry, tid: u64, lock: Desc) {
    if let Some((_, holders)) = r.held.get_mut(&lock.id) {
        if let Some(at) = holders.iter().position(|(h, _)| *h == tid) {
            holders.swap_remove(at);
        }
        if holders.is_empty() {
            r.held.remove(&lock.id);
        }
    }
}

/// How a lock of `kind` taken (`exclusive`) appears in the trace.
fn mode(kind: Kind, exclusive: bool) -> Mode {
    match (kind, exclusive) {
        (Kind::RwLock, false) => Mode::Read,
        (Kind::RwLock, true) => Mode::Write,
        _ => Mode::Mutex,
    }
}

pub(crate) fn lock_waiting(lock: Desc, write: bool) {
    update(current_tid(), |r, tid| {
        set_blocked(r, tid, Some(Blocked::Lock { lock, write }));
        if recording() {
            let mode = mode(lock.kind, write);
            record_lock(r, tid, Op::Lock { mode }, lock);
        }
    });
}

/// `seen`: the protected value as the new holder finds it, when recording
/// and the facade can show it.
pub(crate) fn lock_acquired(lock: Desc, exclusive: bool, seen: Option<Value>) {
    update(current_tid(), |r, tid| {
        set_blocked(r, tid, None);
        add_holder(r, tid, lock, exclusive);
        if let Some(log) = r.audits.get_mut(&tid) {
            log.push((lock, exclusive));
        }
        if recording() {
            let mode = mode(lock.kind, exclusive);
            // A request directly followed by its acquisition is one step;
            // a request with other steps between them stays, and the
            // acquisition says it waited.
            let steps = &mut r.trace.steps;
            let asked = steps.back().is_some_and(|last| {
                last.tid == tid
                    && last.obj == Obj::Lock(lock.id)
                    && matches!(last.op, Op::Lock { .. })
            });
            if asked {
                steps.pop_back();
            }
            let op = Op::Locked {
                mode,
                seen,
                // This thread's last step on the lock is its request.
                waited: !asked
                    && r.trace
                        .steps
                        .iter()
                        .rev()
                        .find(|s| s.tid == tid && s.obj == Obj::Lock(lock.id))
                        .is_some_and(|s| matches!(s.op, Op::Lock { .. })),
            };
            record_lock(r, tid, op, lock);
        }
    });
}

/// A `try_lock` (or `try_read`, `try_write`) that found the lock taken.
pub(crate) fn lock_try_failed(lock: Desc, exclusive: bool) {
    if recording() {
        let tid = current_tid();
        let mode = mode(lock.kind, exclusive);
        with_registry(|r| record_lock(r, tid, Op::TryLockFailed { mode }, lock));
    }
}

/// Opens an audit of the current thread's acquisitions; returns what an
/// enclosing audit had recorded so far (restored by [`audit_end`]).
pub(crate) fn audit_begin() -> Option<Vec<(Desc, bool)>> {
    let tid = current_tid();
    with_registry(|r| r.audits.insert(tid, Vec::new()))
}

/// Closes the audit [`audit_begin`] opened: what it saw, in order. An
/// enclosing audit sees these acquisitions too.
pub(crate) fn audit_end(outer: Option<Vec<(Desc, bool)>>) -> Vec<(Desc, bool)> {
    let tid = current_tid();
    with_registry(|r| {
        let seen = r.audits.remove(&tid).unwrap_or_default();
        if let Some(mut outer) = outer {
            outer.extend(seen.iter().copied());
            r.audits.insert(tid, outer);
        }
        seen
    })
}

/// The locks the current thread holds right now (`true`: exclusively).
pub(crate) fn held_by_current() -> Vec<(Desc, bool)> {
    let tid = current_tid();
    with_registry(|r| {
        let mut held: Vec<(Desc, bool)> = r
            .held
            .values()
            .filter_map(|(desc, holders)| {
                holders
                    .iter()
                    .find(|(holder, _)| *holder == tid)
                    .map(|&(_, exclusive)| (*desc, exclusive))
            })
            .collect();
        held.sort_by_key(|(desc, _)| desc.id);
        held
    })
}

/// `wrote`: the value the holder leaves, when it took the data mutably
/// (and recording, and the facade can show it).
pub(crate) fn lock_released(lock: Desc, wrote: Option<Value>) {
    update(current_tid(), |r, tid| {
        if recording() {
            let exclusive = r
                .held
                .get(&lock.id)
                .and_then(|(_, holders)| holders.iter().find(|(h, _)| *h == tid))
                .is_none_or(|&(_, exclusive)| exclusive);
            let mode = mode(lock.kind, exclusive);
            record_lock(r, tid, Op::Unlock { mode, wrote }, lock);
        }
        remove_holder(r, tid, lock)
    });
}

pub(crate) fn condvar_waiting(condvar: Desc, mutex: Desc, timed: bool) {
    update(current_tid(), |r, tid| {
        remove_holder(r, tid, mutex);
        let blocked = (!timed).then_some(Blocked::Condvar { condvar, mutex });
        if !timed {
            r.condvars.entry(condvar.id).or_default().waiters += 1;
        }
        set_blocked(r, tid, blocked);
        if recording() {
            record_lock(r, tid, Op::Wait, condvar);
        }
    });
}

pub(crate) fn condvar_woken(condvar: Desc, mutex: Desc, timed: bool) {
    update(current_tid(), |r, tid| {
        if !timed && let Some(state) = r.condvars.get_mut(&condvar.id) {
            state.waiters = state.waiters.saturating_sub(1);
            state.pending = state.pending.saturating_sub(1).min(state.waiters);
        }
        set_blocked(r, tid, None);
        add_holder(r, tid, mutex, true);
        if recording() {
            record_lock(r, tid, Op::Woken, condvar);
        }
    });
}

/// A notify on `condvar`: the waiters it wakes are no longer blocked, even
/// before they get to run.
pub(crate) fn notified(condvar: Desc, all: bool) {
    let tid = if recording() { current_tid() } else { 0 };
    with_registry(|r| {
        if tid != 0 {
            record_lock(r, tid, Op::Notify { all }, condvar);
        }
        if let Some(state) = r.condvars.get_mut(&condvar.id) {
            state.pending = if all {
                state.waiters
            } else {
                (state.pending + 1).min(state.waiters)
            };
        }
    });
    event();
}

pub(crate) fn join_waiting(thread: u64) {
    update(current_tid(), |r, tid| {
        set_blocked(r, tid, Some(Blocked::Join { thread }));
    });
    if recording() {
        record_thread(Op::Join, thread);
    }
}

pub(crate) fn barrier_waiting(barrier: Desc, parties: usize) {
    update(current_tid(), |r, tid| {
        let state = r.barriers.entry(barrier.id).or_insert((0, 0));
        let ticket = state.0;
        state.0 += 1;
        state.1 = parties.max(1) as u64;
        set_blocked(r, tid, Some(Blocked::Barrier { barrier, ticket }));
        if recording() {
            record_lock(r, tid, Op::BarrierWait, barrier);
        }
    });
}

#[cfg_attr(any(loom, shuttle), allow(dead_code))]
pub(crate) fn scope_waiting() {
    update(current_tid(), |r, tid| {
        set_blocked(r, tid, Some(Blocked::Scope))
    });
}

pub(crate) fn unblocked() {
    update(current_tid(), |r, tid| set_blocked(r, tid, None));
}

pub(crate) fn set_doing(doing: Option<String>) {
    update(current_tid(), |r, tid| {
        if let Some(rec) = r.threads.get_mut(&tid) {
            rec.doing = doing;
        }
    });
}

pub(crate) fn set_name(meta: &LockMeta, kind: Kind, name: String) {
    let desc = meta.desc(kind, "");
    with_registry(|r| r.names.insert(desc.id, name));
}

/// Registers a thread about to be spawned (std) and returns its id.
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn spawning(name: Option<&str>) -> u64 {
    if !tracking() {
        return 0;
    }
    let tid = NEXT_THREAD.fetch_add(1, Relaxed);
    let name = name.map_or_else(|| default_name(tid), str::to_string);
    update(tid, |r, tid| {
        r.threads.insert(
            tid,
            ThreadRec {
                name,
                doing: None,
                blocked: None,
            },
        );
    });
    if recording() {
        record_thread(Op::Spawn, tid);
    }
    tid
}

/// First thing a spawned thread runs (std).
#[cfg(not(any(loom, shuttle)))]
pub(crate) fn started(tid: u64) {
    if tid != 0 {
        let _ = local::SLOT.try_with(|slot| slot.tid.set(tid));
    }
    point();
}

/// The current model thread (loom's or shuttle's) is about to end.
#[cfg(any(loom, shuttle))]
pub(crate) fn model_thread_done() {
    if tracking() {
        thread_finished(current_tid());
    }
}

pub(crate) fn thread_finished(tid: u64) {
    update(tid, |r, tid| {
        r.threads.remove(&tid);
    });
}

/// The registry's view, for [`crate::instrument::snapshot`].
pub(crate) fn with_snapshot<R>(f: impl FnOnce(&Registry, u64) -> R) -> R {
    let events = events();
    with_registry(|r| f(r, events))
}

/// Like [`with_snapshot`], but gives up instead of waiting for the registry
/// (panic hooks run while the registry may be locked).
pub(crate) fn try_with_snapshot<R>(f: impl FnOnce(&Registry, u64) -> R) -> Option<R> {
    let events = events();
    let mut guard = match REGISTRY.try_lock() {
        Ok(guard) => guard,
        Err(std::sync::TryLockError::Poisoned(p)) => p.into_inner(),
        Err(std::sync::TryLockError::WouldBlock) => return None,
    };
    Some(f(guard.get_or_insert_with(Registry::default), events))
}
