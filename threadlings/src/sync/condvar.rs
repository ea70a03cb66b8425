//! `Condvar`.

use std::fmt;
use std::time::{Duration, Instant};

#[cfg(loom)]
use loom::sync as imp;
#[cfg(shuttle)]
use shuttle::sync as imp;
#[cfg(not(any(loom, shuttle)))]
use std::sync as imp;

use super::{LockResult, MutexGuard, map_lock};
use crate::rt::{self, Kind, LockMeta};

/// A condition variable: `std::sync::Condvar` with the same API.
pub struct Condvar {
    meta: LockMeta,
    inner: imp::Condvar,
}

/// Whether a timed wait on a [`Condvar`] timed out (std's type has a private
/// constructor, so the facade has its own with the same API).
#[derive(Debug, PartialEq, Eq, Copy, Clone)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// Whether the wait ended because the timeout elapsed.
    pub fn timed_out(&self) -> bool {
        self.0
    }
}

impl Condvar {
    /// Creates a new condition variable.
    #[cfg(not(loom))]
    #[track_caller]
    #[inline]
    pub const fn new() -> Condvar {
        Condvar {
            meta: LockMeta::new(),
            inner: imp::Condvar::new(),
        }
    }

    /// Creates a new condition variable.
    #[cfg(loom)]
    #[track_caller]
    pub fn new() -> Condvar {
        Condvar {
            meta: LockMeta::new(),
            inner: imp::Condvar::new(),
        }
    }

    /// Blocks until notified, releasing the mutex while it waits.
    ///
    /// Like std's, it may wake up spuriously: always wait in a loop that
    /// re-checks the condition. Under the grader's stress runs and schedule
    /// explorations it does, now and then (seeded): it releases the mutex,
    /// lets other threads run, and returns with the mutex locked again,
    /// without any notify.
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        if rt::spurious() {
            return guard.relock();
        }
        let (inner, tracked, owner) = guard.into_parts();
        let Some(mutex) = tracked else {
            return map_lock(self.inner.wait(inner), |g| {
                MutexGuard::from_parts(g, None, owner)
            });
        };
        rt::point();
        let condvar = self.meta.desc(Kind::Condvar, "");
        rt::condvar_waiting(condvar, mutex, false);
        let result = self.inner.wait(inner);
        rt::condvar_woken(condvar, mutex, false);
        rt::point();
        map_lock(result, |g| MutexGuard::from_parts(g, tracked, owner))
    }

    /// Waits while `condition` returns `true`.
    pub fn wait_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        mut condition: F,
    ) -> LockResult<MutexGuard<'a, T>>
    where
        F: FnMut(&mut T) -> bool,
    {
        while condition(&mut *guard) {
            guard = self.wait(guard)?;
        }
        Ok(guard)
    }

    /// Waits until notified or until `dur` has elapsed. It may wake up
    /// spuriously too (without a notify and before `dur`), as
    /// [`Condvar::wait`] does.
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        dur: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        if rt::spurious() {
            return map_lock(guard.relock(), |g| (g, WaitTimeoutResult(false)));
        }
        let (inner, tracked, owner) = guard.into_parts();
        let condvar = self.meta.desc(Kind::Condvar, "");
        if let Some(mutex) = tracked {
            rt::point();
            rt::condvar_waiting(condvar, mutex, true);
        }
        let result = self.inner.wait_timeout(inner, dur);
        if let Some(mutex) = tracked {
            rt::condvar_woken(condvar, mutex, true);
            rt::point();
        }
        map_lock(result, |(g, timeout)| {
            (
                MutexGuard::from_parts(g, tracked, owner),
                WaitTimeoutResult(timeout.timed_out()),
            )
        })
    }

    /// Waits while `condition` returns `true`, for at most `dur` in total.
    pub fn wait_timeout_while<'a, T, F>(
        &self,
        mut guard: MutexGuard<'a, T>,
        dur: Duration,
        mut condition: F,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)>
    where
        F: FnMut(&mut T) -> bool,
    {
        let start = Instant::now();
        loop {
            if !condition(&mut *guard) {
                return Ok((guard, WaitTimeoutResult(false)));
            }
            let Some(left) = dur.checked_sub(start.elapsed()) else {
                return Ok((guard, WaitTimeoutResult(true)));
            };
            guard = match self.wait_timeout(guard, left) {
                Ok((guard, _)) => guard,
                Err(poison) => {
                    let (guard, _) = poison.into_inner();
                    return Err(std::sync::PoisonError::new((
                        guard,
                        WaitTimeoutResult(false),
                    )));
                }
            };
        }
    }

    /// Wakes up one thread blocked on this condition variable.
    pub fn notify_one(&self) {
        if rt::active() {
            rt::point();
            if rt::tracking() {
                rt::notified(self.meta.desc(Kind::Condvar, ""), false);
            }
            self.inner.notify_one();
            rt::point();
        } else {
            self.inner.notify_one();
        }
    }

    /// Wakes up every thread blocked on this condition variable.
    pub fn notify_all(&self) {
        if rt::active() {
            rt::point();
            if rt::tracking() {
                rt::notified(self.meta.desc(Kind::Condvar, ""), true);
            }
            self.inner.notify_all();
            rt::point();
        } else {
            self.inner.notify_all();
        }
    }
}

impl crate::instrument::Named for Condvar {
    fn set_name(&self, name: String) {
        rt::set_name(&self.meta, Kind::Condvar, name);
    }
}

impl Default for Condvar {
    #[track_caller]
    fn default() -> Condvar {
        Condvar::new()
    }
}

impl fmt::Debug for Condvar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Condvar").finish_non_exhaustive()
    }
}
