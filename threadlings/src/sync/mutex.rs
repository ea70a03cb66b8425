//! `Mutex` and `MutexGuard`.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

#[cfg(loom)]
use loom::sync as imp;
#[cfg(shuttle)]
use shuttle::sync as imp;
#[cfg(not(any(loom, shuttle)))]
use std::sync as imp;

use super::{LockResult, TryLockError, TryLockResult, map_lock, map_try_lock};
use crate::instrument::trace::Value;
use crate::rt::{self, Desc, Kind, LockMeta};

/// A mutual exclusion primitive: `std::sync::Mutex` with the same API.
pub struct Mutex<T: ?Sized> {
    meta: LockMeta,
    inner: imp::Mutex<T>,
}

/// The guard of a locked [`Mutex`]; unlocks when dropped.
#[must_use = "if unused the Mutex will immediately unlock"]
#[clippy::has_significant_drop]
pub struct MutexGuard<'a, T: ?Sized + 'a> {
    inner: ManuallyDrop<imp::MutexGuard<'a, T>>,
    /// `Some` when the lock was taken with tracking on: the guard then
    /// reports its release, whatever the mode is by then.
    tracked: Option<Desc>,
    /// The mutex it locks: a spurious wake-up of a `Condvar` wait unlocks
    /// and locks it again.
    mutex: &'a Mutex<T>,
    /// Whether the holder took the data mutably: the trace then shows the
    /// value it leaves at the unlock (a plain store, cheaper than a check).
    wrote: bool,
}

impl<T> Mutex<T> {
    /// Creates a new unlocked mutex holding `t`.
    #[cfg(not(loom))]
    #[track_caller]
    #[inline]
    pub const fn new(t: T) -> Mutex<T> {
        Mutex {
            meta: LockMeta::new(),
            inner: imp::Mutex::new(t),
        }
    }

    /// Creates a new unlocked mutex holding `t`.
    #[cfg(loom)]
    #[track_caller]
    pub fn new(t: T) -> Mutex<T> {
        Mutex {
            meta: LockMeta::new(),
            inner: imp::Mutex::new(t),
        }
    }

    /// Consumes the mutex, returning the data.
    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    fn desc(&self) -> Desc {
        self.meta.desc(Kind::Mutex, std::any::type_name::<T>())
    }

    /// Acquires the mutex, blocking the current thread until it can.
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        if !rt::active() {
            return map_lock(self.inner.lock(), |g| MutexGuard::new(g, None, self));
        }
        rt::point();
        let tracked = rt::tracking().then(|| self.desc());
        if let Some(desc) = tracked {
            rt::lock_waiting(desc, true);
        }
        let result = self.inner.lock();
        if let Some(desc) = tracked {
            rt::lock_acquired(desc, true, seen(&result));
        }
        rt::point();
        map_lock(result, |g| MutexGuard::new(g, tracked, self))
    }

    /// Attempts to acquire the mutex without blocking.
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        if !rt::active() {
            return map_try_lock(self.inner.try_lock(), |g| MutexGuard::new(g, None, self));
        }
        rt::point();
        let tracked = rt::tracking().then(|| self.desc());
        let result = self.inner.try_lock();
        let taken = !matches!(result, Err(TryLockError::WouldBlock));
        if let Some(desc) = tracked.filter(|_| !taken) {
            rt::lock_try_failed(desc, true);
        }
        let tracked = tracked.filter(|_| taken);
        if let Some(desc) = tracked {
            let seen = match &result {
                Ok(guard) => seen_in(guard),
                Err(TryLockError::Poisoned(p)) => seen_in(p.get_ref()),
                Err(TryLockError::WouldBlock) => None,
            };
            rt::lock_acquired(desc, true, seen);
        }
        map_try_lock(result, |g| MutexGuard::new(g, tracked, self))
    }

    /// Whether a thread panicked while holding the lock (never under loom or
    /// shuttle: a panic ends a shuttle execution before anyone could look).
    pub fn is_poisoned(&self) -> bool {
        #[cfg(not(any(loom, shuttle)))]
        return self.inner.is_poisoned();
        #[cfg(any(loom, shuttle))]
        return false;
    }

    /// Clears the poisoned state.
    pub fn clear_poison(&self) {
        #[cfg(not(loom))]
        self.inner.clear_poison();
    }

    /// A mutable reference to the data; no locking needed with `&mut self`.
    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        self.inner.get_mut()
    }
}

/// The value a lock result's guard protects, for the trace (only while
/// recording: reading it costs a type-name comparison).
pub(crate) fn seen<G: Deref>(result: &LockResult<G>) -> Option<Value> {
    match result {
        Ok(guard) => seen_in(guard),
        Err(poison) => seen_in(poison.get_ref()),
    }
}

/// [`seen`] for one guard.
pub(crate) fn seen_in<G: Deref>(guard: &G) -> Option<Value> {
    if rt::recording() {
        Value::of(&**guard)
    } else {
        None
    }
}

impl<T: ?Sized> crate::instrument::Named for Mutex<T> {
    fn set_name(&self, name: String) {
        rt::set_name(&self.meta, Kind::Mutex, name);
    }
}

impl<T: Default> Default for Mutex<T> {
    #[track_caller]
    fn default() -> Mutex<T> {
        Mutex::new(T::default())
    }
}

impl<T> From<T> for Mutex<T> {
    #[track_caller]
    fn from(t: T) -> Mutex<T> {
        Mutex::new(t)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.inner, f)
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    fn new(inner: imp::MutexGuard<'a, T>, tracked: Option<Desc>, mutex: &'a Mutex<T>) -> Self {
        MutexGuard {
            inner: ManuallyDrop::new(inner),
            tracked,
            mutex,
            wrote: false,
        }
    }

    /// Takes the std (or loom) guard out without unlocking (for `Condvar`).
    pub(crate) fn into_parts(self) -> (imp::MutexGuard<'a, T>, Option<Desc>, &'a Mutex<T>) {
        let mut me = ManuallyDrop::new(self);
        // SAFETY: `me` is never used or dropped again, so the inner guard is
        // moved out exactly once.
        let inner = unsafe { ManuallyDrop::take(&mut me.inner) };
        (inner, me.tracked, me.mutex)
    }

    pub(crate) fn from_parts(
        inner: imp::MutexGuard<'a, T>,
        tracked: Option<Desc>,
        mutex: &'a Mutex<T>,
    ) -> Self {
        MutexGuard::new(inner, tracked, mutex)
    }

    /// Unlocks and locks the mutex again, letting other threads in between:
    /// a `Condvar` wait that wakes up spuriously.
    pub(crate) fn relock(self) -> LockResult<MutexGuard<'a, T>> {
        let mutex = self.mutex;
        drop(self);
        crate::thread::yield_now();
        mutex.lock()
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.inner
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.wrote = true;
        &mut self.inner
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        if let Some(desc) = self.tracked {
            // Still inside the critical section: let others pile up.
            rt::point();
            let wrote = if self.wrote {
                seen_in(&*self.inner)
            } else {
                None
            };
            rt::lock_released(desc, wrote);
        }
        // SAFETY: dropped exactly once, here; `into_parts` skips this `Drop`.
        unsafe { ManuallyDrop::drop(&mut self.inner) };
        if self.tracked.is_some() {
            // Just outside: let another thread in before we come back.
            rt::point();
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}
