//! `RwLock` and its guards.

use std::fmt;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};

#[cfg(loom)]
use loom::sync as imp;
#[cfg(shuttle)]
use shuttle::sync as imp;
#[cfg(not(any(loom, shuttle)))]
use std::sync as imp;

use super::mutex::{seen, seen_in};
use super::{LockResult, TryLockError, TryLockResult, map_lock, map_try_lock};
use crate::rt::{self, Desc, Kind, LockMeta};

/// A reader-writer lock: `std::sync::RwLock` with the same API.
pub struct RwLock<T: ?Sized> {
    meta: LockMeta,
    inner: imp::RwLock<T>,
}

/// Shared access to the data of a [`RwLock`]; released when dropped.
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct RwLockReadGuard<'a, T: ?Sized + 'a> {
    inner: ManuallyDrop<imp::RwLockReadGuard<'a, T>>,
    tracked: Option<Desc>,
    /// Never set: a read guard cannot write (one `Drop` for both guards).
    wrote: bool,
}

/// Exclusive access to the data of a [`RwLock`]; released when dropped.
#[must_use = "if unused the RwLock will immediately unlock"]
#[clippy::has_significant_drop]
pub struct RwLockWriteGuard<'a, T: ?Sized + 'a> {
    inner: ManuallyDrop<imp::RwLockWriteGuard<'a, T>>,
    tracked: Option<Desc>,
    /// Whether the holder took the data mutably (the trace then shows the
    /// value left at the unlock).
    wrote: bool,
}

impl<T> RwLock<T> {
    /// Creates a new unlocked reader-writer lock holding `t`.
    #[cfg(not(loom))]
    #[track_caller]
    #[inline]
    pub const fn new(t: T) -> RwLock<T> {
        RwLock {
            meta: LockMeta::new(),
            inner: imp::RwLock::new(t),
        }
    }

    /// Creates a new unlocked reader-writer lock holding `t`.
    #[cfg(loom)]
    #[track_caller]
    pub fn new(t: T) -> RwLock<T> {
        RwLock {
            meta: LockMeta::new(),
            inner: imp::RwLock::new(t),
        }
    }

    /// Consumes the lock, returning the data.
    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> RwLock<T> {
    fn desc(&self) -> Desc {
        self.meta.desc(Kind::RwLock, std::any::type_name::<T>())
    }

    /// Locks with shared read access, blocking while a writer holds it.
    pub fn read(&self) -> LockResult<RwLockReadGuard<'_, T>> {
        if !rt::active() {
            return map_lock(self.inner.read(), |g| RwLockReadGuard::new(g, None));
        }
        rt::point();
        let tracked = rt::tracking().then(|| self.desc());
        if let Some(desc) = tracked {
            rt::lock_waiting(desc, false);
        }
        let result = self.inner.read();
        if let Some(desc) = tracked {
            rt::lock_acquired(desc, false, seen(&result));
        }
        rt::point();
        map_lock(result, |g| RwLockReadGuard::new(g, tracked))
    }

    /// Attempts to lock with shared read access without blocking.
    pub fn try_read(&self) -> TryLockResult<RwLockReadGuard<'_, T>> {
        if !rt::active() {
            return map_try_lock(self.inner.try_read(), |g| RwLockReadGuard::new(g, None));
        }
        rt::point();
        let tracked = rt::tracking().then(|| self.desc());
        let result = self.inner.try_read();
        let taken = !matches!(result, Err(TryLockError::WouldBlock));
        if let Some(desc) = tracked.filter(|_| !taken) {
            rt::lock_try_failed(desc, false);
        }
        let tracked = tracked.filter(|_| taken);
        if let Some(desc) = tracked {
            let seen = match &result {
                Ok(guard) => seen_in(guard),
                Err(TryLockError::Poisoned(p)) => seen_in(p.get_ref()),
                Err(TryLockError::WouldBlock) => None,
            };
            rt::lock_acquired(desc, false, seen);
        }
        map_try_lock(result, |g| RwLockReadGuard::new(g, tracked))
    }

    /// Locks with exclusive write access, blocking while anyone holds it.
    pub fn write(&self) -> LockResult<RwLockWriteGuard<'_, T>> {
        if !rt::active() {
            return map_lock(self.inner.write(), |g| RwLockWriteGuard::new(g, None));
        }
        rt::point();
        let tracked = rt::tracking().then(|| self.desc());
        if let Some(desc) = tracked {
            rt::lock_waiting(desc, true);
        }
        let result = self.inner.write();
        if let Some(desc) = tracked {
            rt::lock_acquired(desc, true, seen(&result));
        }
        rt::point();
        map_lock(result, |g| RwLockWriteGuard::new(g, tracked))
    }

    /// Attempts to lock with exclusive write access without blocking.
    pub fn try_write(&self) -> TryLockResult<RwLockWriteGuard<'_, T>> {
        if !rt::active() {
            return map_try_lock(self.inner.try_write(), |g| RwLockWriteGuard::new(g, None));
        }
        rt::point();
        let tracked = rt::tracking().then(|| self.desc());
        let result = self.inner.try_write();
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
        map_try_lock(result, |g| RwLockWriteGuard::new(g, tracked))
    }

    /// Whether a writer panicked while holding the lock (never under loom or
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

impl<T: ?Sized> crate::instrument::Named for RwLock<T> {
    fn set_name(&self, name: String) {
        rt::set_name(&self.meta, Kind::RwLock, name);
    }
}

impl<T: Default> Default for RwLock<T> {
    #[track_caller]
    fn default() -> RwLock<T> {
        RwLock::new(T::default())
    }
}

impl<T> From<T> for RwLock<T> {
    #[track_caller]
    fn from(t: T) -> RwLock<T> {
        RwLock::new(t)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.try_read() {
            Ok(guard) => f.debug_struct("RwLock").field("data", &&*guard).finish(),
            Err(_) => f.debug_struct("RwLock").finish_non_exhaustive(),
        }
    }
}

macro_rules! guard_common {
    ($guard:ident, $imp:ident) => {
        impl<'a, T: ?Sized> $guard<'a, T> {
            fn new(inner: imp::$imp<'a, T>, tracked: Option<Desc>) -> Self {
                $guard {
                    inner: ManuallyDrop::new(inner),
                    tracked,
                    wrote: false,
                }
            }
        }

        impl<T: ?Sized> Deref for $guard<'_, T> {
            type Target = T;

            fn deref(&self) -> &T {
                &self.inner
            }
        }

        impl<T: ?Sized> Drop for $guard<'_, T> {
            #[inline]
            fn drop(&mut self) {
                if let Some(desc) = self.tracked {
                    rt::point();
                    let wrote = if self.wrote {
                        seen_in(&*self.inner)
                    } else {
                        None
                    };
                    rt::lock_released(desc, wrote);
                }
                // SAFETY: dropped exactly once, here.
                unsafe { ManuallyDrop::drop(&mut self.inner) };
                if self.tracked.is_some() {
                    rt::point();
                }
            }
        }

        impl<T: ?Sized + fmt::Debug> fmt::Debug for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&**self, f)
            }
        }

        impl<T: ?Sized + fmt::Display> fmt::Display for $guard<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&**self, f)
            }
        }
    };
}

guard_common!(RwLockReadGuard, RwLockReadGuard);
guard_common!(RwLockWriteGuard, RwLockWriteGuard);

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.wrote = true;
        &mut self.inner
    }
}
