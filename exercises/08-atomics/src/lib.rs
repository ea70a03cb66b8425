//! Exercise 08: atomics and memory ordering. Read README.md first.
//!
//! Six tasks. Replace every `todo!()` with your answer and run
//! `cargo test -p atomics`; then run the grader for the hidden checks. The
//! `unsafe` code around `UnsafeCell` is given: your part is the atomics and
//! their orderings. Take atomics, cells, `spin_loop` and `park` from
//! `threadlings` (std's names, instrumented for the grader), not from `std`
//! or `core`.
#![allow(unused)]

use std::ops::{Deref, DerefMut};

use threadlings::cell::{MutPtr, UnsafeCell};
use threadlings::hint;
use threadlings::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, Ordering};
use threadlings::thread::{self, Thread};

/// Task 1: a counter many threads increment at once, without a lock.
#[derive(Debug, Default)]
pub struct AtomicCounter {
    value: AtomicU64,
}

impl AtomicCounter {
    /// A counter at 0.
    pub fn new() -> AtomicCounter {
        todo!()
    }

    /// Adds 1 and returns the value right after this increment.
    ///
    /// One atomic read-modify-write (`fetch_add`), not a `load` followed by
    /// a `store`: between those two, other threads can increment, and the
    /// store would overwrite their work. A counter that only counts needs no
    /// ordering with other memory: `Ordering::Relaxed` is enough here.
    pub fn increment(&self) -> u64 {
        todo!()
    }

    /// The current value.
    pub fn get(&self) -> u64 {
        todo!()
    }
}

/// Task 2: a spin lock. `lock()` busy-waits instead of sleeping, which pays
/// off only for very short critical sections (and is how real locks start
/// before they sleep).
///
/// ```ignore
/// let total = atomics::SpinLock::new(0);
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| *total.lock() += 1);
///     }
/// });
/// assert_eq!(*total.lock(), 4);
/// ```
#[derive(Debug)]
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

// SAFETY: the lock hands out access to `value` to one thread at a time (if
// `try_lock`, `lock` and `unlock` are right), so sharing the lock between
// threads is like sending the value from one to the next.
unsafe impl<T: Send> Sync for SpinLock<T> {}

/// Access to the data of a locked [`SpinLock`]; unlocks when dropped.
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
    /// Tracked access to the data (under `--cfg loom` the model checker sees
    /// it); always `Some` until the guard is dropped.
    data: Option<MutPtr<T>>,
}

impl<T> SpinLock<T> {
    /// An unlocked lock holding `value`.
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Takes the lock if it is free, without waiting; it never refuses a free
    /// lock (README: `compare_exchange_weak` may fail spuriously).
    ///
    /// Flip `locked` from `false` to `true` in **one** atomic step
    /// (`compare_exchange`): a `load` that sees `false` followed by a
    /// `store(true)` lets two threads in at once. On success, use
    /// `Ordering::Acquire`: it makes everything the previous holder wrote
    /// before its `unlock` (a `Release` store) visible to this thread. Then
    /// return `Some(self.guard())`.
    pub fn try_lock(&self) -> Option<SpinGuard<'_, T>> {
        todo!()
    }

    /// Takes the lock, spinning until it is free.
    ///
    /// Loop on `try_lock`; while it fails, wait with plain loads until
    /// `locked` reads `false` (cheaper than hammering `compare_exchange`),
    /// calling `threadlings::hint::spin_loop()` in every turn of the loop.
    pub fn lock(&self) -> SpinGuard<'_, T> {
        todo!()
    }

    /// Releases the lock (the guard calls it when dropped).
    ///
    /// `Ordering::Release`: the writes made while holding the lock must be
    /// visible to the next thread that takes it with `Acquire`.
    fn unlock(&self) {
        todo!()
    }

    /// A guard for the current holder (given).
    fn guard(&self) -> SpinGuard<'_, T> {
        SpinGuard {
            lock: self,
            data: Some(self.value.get_mut()),
        }
    }
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        let data = self.data.as_ref().expect("a live guard has its data");
        // SAFETY: this guard exists only while its thread holds the lock, so
        // no other thread accesses the data.
        unsafe { MutPtr::deref(data) }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        let data = self.data.as_ref().expect("a live guard has its data");
        // SAFETY: as in `deref`, and `&mut self` makes this access unique.
        unsafe { MutPtr::deref(data) }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    fn drop(&mut self) {
        // End the access to the data *before* letting the next thread in.
        self.data = None;
        self.lock.unlock();
    }
}

/// Task 3: a value initialized once, by whichever thread asks first, while
/// the others wait for it; then shared by all (like `std::sync::OnceLock`).
#[derive(Debug)]
pub struct OnceValue<T> {
    /// `EMPTY`, then `RUNNING` while one thread runs `init`, then `READY`.
    state: AtomicU8,
    value: UnsafeCell<Option<T>>,
}

const EMPTY: u8 = 0;
const RUNNING: u8 = 1;
const READY: u8 = 2;

// SAFETY: the value is written once, by the thread that moved the state
// from EMPTY to RUNNING, before the Release store of READY; everyone else
// reads it only after an Acquire load saw READY. So `&OnceValue<T>` gives
// shared `&T` to many threads (T: Sync) and the value may have been made on
// another thread (T: Send).
unsafe impl<T: Send + Sync> Sync for OnceValue<T> {}

impl<T> OnceValue<T> {
    /// No value yet.
    pub fn new() -> OnceValue<T> {
        OnceValue {
            state: AtomicU8::new(EMPTY),
            value: UnsafeCell::new(None),
        }
    }

    /// The value, if it is initialized (`READY`), without waiting.
    ///
    /// Load the state with `Ordering::Acquire`, so that the value written
    /// before the `Release` store of `READY` is visible here; then
    /// `Some(unsafe { self.value_ref() })`.
    pub fn get(&self) -> Option<&T> {
        todo!()
    }

    /// The value, running `init` first if nobody has yet.
    ///
    /// - Exactly one thread ever runs `init`: the one whose
    ///   `compare_exchange(EMPTY, RUNNING, ..)` succeeds (a `load` then a
    ///   `store` lets two threads both see `EMPTY`). It stores the value with
    ///   `store_value`, then sets the state to `READY` with `Release`.
    /// - A thread that finds `READY` returns the value; one that finds
    ///   `RUNNING` waits, calling `threadlings::hint::spin_loop()`, until it
    ///   reads `READY` (with `Acquire`).
    pub fn get_or_init<F>(&self, init: F) -> &T
    where
        F: FnOnce() -> T,
    {
        todo!()
    }

    /// Stores the value (given).
    ///
    /// # Safety
    ///
    /// Only the thread that moved the state from `EMPTY` to `RUNNING` may
    /// call this, once, before it stores `READY`.
    unsafe fn store_value(&self, value: T) {
        // SAFETY: the caller is the only thread touching the value now.
        self.value.with_mut(|slot| unsafe { *slot = Some(value) });
    }

    /// The stored value (given).
    ///
    /// # Safety
    ///
    /// Only after this thread stored the value, or saw `READY` with an
    /// `Acquire` load.
    unsafe fn value_ref(&self) -> &T {
        // SAFETY: the value was written before READY was published and is
        // never written again, so shared references to it stay valid as
        // long as `self`.
        self.value
            .with(|slot| unsafe { (*slot).as_ref().expect("the value is stored before READY") })
    }
}

impl<T> Default for OnceValue<T> {
    fn default() -> Self {
        OnceValue::new()
    }
}

/// Task 4: one thread publishes a message of four words; other threads poll
/// for it. The words are plain `Relaxed` atomics: what makes a reader that
/// sees the flag also see the words is the ordering on the flag.
#[derive(Debug, Default)]
pub struct Mailbox {
    words: [AtomicU64; 4],
    ready: AtomicBool,
}

impl Mailbox {
    /// An empty mailbox.
    pub fn new() -> Mailbox {
        todo!()
    }

    /// Writes the message, then raises the flag (called once).
    ///
    /// The word stores may be `Relaxed`; the flag store must be `Release`:
    /// it "publishes" every write this thread made before it.
    pub fn publish(&self, message: [u64; 4]) {
        todo!()
    }

    /// The message if the flag is up, else `None`.
    ///
    /// Load the flag with `Acquire`: a reader whose load sees the flag then
    /// sees every write made before the `Release` store that raised it. With
    /// `Relaxed` on either side, a reader may see the flag and stale words
    /// (on ARM and POWER in practice; on x86 the hardware keeps two stores,
    /// and two loads, in order, but the compiler may still reorder `Relaxed`
    /// accesses, so a test that passes there proves nothing; the model
    /// checker shows the stale outcome).
    pub fn read(&self) -> Option<[u64; 4]> {
        todo!()
    }
}

/// Task 5: an increment that stops at a limit, as one compare-exchange loop.
impl AtomicCounter {
    /// Adds 1 unless the counter already reached `limit`: returns the value
    /// right after this increment, or `None` when the counter is at `limit`.
    ///
    /// `fetch_add` cannot say "only if below the limit". Read the value,
    /// decide, and write `value + 1` only if nobody changed the counter in
    /// between: `compare_exchange_weak(value, value + 1, ..)`. When it fails
    /// it returns the value it found instead: decide again with that one, in
    /// a loop. The `_weak` version may also fail when the value did match
    /// (spuriously; the grader's stress runs make it do so now and then): in
    /// a loop that retries anyway, that costs nothing and can compile to
    /// cheaper code on some processors. `Relaxed` is enough, as in
    /// `increment`: the counter publishes no other memory.
    pub fn increment_below(&self, limit: u64) -> Option<u64> {
        todo!()
    }
}

/// Task 6: a one-shot signal that one thread waits for without spinning:
/// `thread::park` and `Thread::unpark`, the blocking that every real lock,
/// condition variable and channel is built on.
///
/// ```
/// use std::sync::Arc;
/// use atomics::Signal;
///
/// let done = Arc::new(Signal::new()); // the main thread will wait for it
/// let worker = {
///     let done = done.clone();
///     std::thread::spawn(move || done.raise())
/// };
/// done.wait();
/// assert!(done.is_raised());
/// worker.join().unwrap();
/// ```
#[derive(Debug)]
pub struct Signal {
    raised: AtomicBool,
    /// The thread that waits: the one that created the signal.
    waiter: Thread,
}

impl Signal {
    /// A signal, not raised, that the calling thread will wait for (given).
    pub fn new() -> Signal {
        Signal {
            raised: AtomicBool::new(false),
            waiter: thread::current(),
        }
    }

    /// Raises the signal and wakes the waiting thread. Any thread may call
    /// it, any number of times.
    ///
    /// Store `true` first (`Release`: whatever this thread wrote before
    /// raising becomes visible to the waiter's `Acquire` load), then
    /// `self.waiter.unpark()`. The other order can lose the wake-up: the
    /// waiter may use the unpark token, find the flag still down and park
    /// again just before the flag goes up, with nobody left to wake it.
    pub fn raise(&self) {
        todo!()
    }

    /// Whether the signal is raised (never waits).
    ///
    /// Load the flag with `Acquire`, as in `wait`: a thread that sees it
    /// raised then also sees what the raiser wrote before raising.
    pub fn is_raised(&self) -> bool {
        todo!()
    }

    /// Returns once the signal is raised, at once if it already is. Only the
    /// thread that created the signal may call it.
    ///
    /// Park while the flag (loaded with `Acquire`) is down, in a `while`
    /// loop: `thread::park` may return without any `unpark` (std says so,
    /// and the grader's stress runs make it happen), and an `unpark` that
    /// came before the `park` makes the `park` return at once.
    pub fn wait(&self) {
        todo!()
    }
}

impl Default for Signal {
    fn default() -> Self {
        Signal::new()
    }
}
