//! Threads on std.

use std::fmt;
use std::io;
use std::marker::PhantomData;

use crate::rt;

pub use std::thread::{AccessError, LocalKey, Thread, ThreadId, current, sleep, yield_now};

/// Blocks the current thread until its token is made available by
/// [`Thread::unpark`] (std's `park`).
///
/// std's contract allows `park` to return spuriously, without an `unpark`,
/// so a caller parks in a loop that re-checks its condition. Under the
/// grader's stress instrumentation this `park` sometimes does return at once
/// (seeded), so an `if` where a `while` belongs is caught on every run.
pub fn park() {
    rt::point();
    if rt::spurious() {
        return;
    }
    std::thread::park();
    crate::instrument::note_acquire();
    rt::point();
}

/// Like [`park`], but gives up after `dur` at the latest (std's
/// `park_timeout`); it may return spuriously too.
pub fn park_timeout(dur: std::time::Duration) {
    rt::point();
    if rt::spurious() {
        return;
    }
    std::thread::park_timeout(dur);
    crate::instrument::note_acquire();
    rt::point();
}

/// Spawns a new thread, returning a [`JoinHandle`] for it.
///
/// # Panics
///
/// Panics if the operating system fails to create a thread (like std's).
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn(f).expect("failed to spawn thread")
}

/// Creates a scope for spawning threads that may borrow from the caller;
/// every thread spawned in it is joined before `scope` returns.
pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    let mut waiting = false;
    let result = std::thread::scope(|s| {
        let result = f(Scope::from_std(s));
        // std now joins the threads still running; say so in the registry.
        if rt::tracking() {
            rt::scope_waiting();
            waiting = true;
        }
        result
    });
    if waiting {
        rt::unblocked();
    }
    result
}

/// Owned permission to join a thread (`std::thread::JoinHandle`'s API).
pub struct JoinHandle<T> {
    inner: std::thread::JoinHandle<T>,
    tid: u64,
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish; `Err` carries its panic payload.
    pub fn join(self) -> crate::thread::Result<T> {
        join_tracked(self.tid, || self.inner.join())
    }

    /// The thread's handle.
    pub fn thread(&self) -> &Thread {
        self.inner.thread()
    }

    /// Whether the thread has finished running its closure.
    pub fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

fn join_tracked<R>(tid: u64, join: impl FnOnce() -> R) -> R {
    if !rt::tracking() || tid == 0 {
        return join();
    }
    rt::point();
    rt::join_waiting(tid);
    let result = join();
    rt::unblocked();
    rt::point();
    result
}

use super::Builder;

impl Builder {
    fn into_std(self) -> (std::thread::Builder, u64) {
        let tid = rt::spawning(self.name.as_deref());
        let mut builder = std::thread::Builder::new();
        if let Some(name) = self.name {
            builder = builder.name(name);
        }
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        (builder, tid)
    }

    /// Spawns a thread with this configuration.
    pub fn spawn<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (builder, tid) = self.into_std();
        rt::point();
        match builder.spawn(move || {
            rt::started(tid);
            f()
        }) {
            Ok(inner) => Ok(JoinHandle { inner, tid }),
            Err(e) => {
                rt::thread_finished(tid);
                Err(e)
            }
        }
    }

    /// Spawns a scoped thread with this configuration.
    pub fn spawn_scoped<'scope, 'env, F, T>(
        self,
        scope: &'scope Scope<'scope, 'env>,
        f: F,
    ) -> io::Result<ScopedJoinHandle<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let (builder, tid) = self.into_std();
        rt::point();
        match builder.spawn_scoped(&scope.inner, move || {
            rt::started(tid);
            f()
        }) {
            Ok(inner) => Ok(ScopedJoinHandle { inner, tid }),
            Err(e) => {
                rt::thread_finished(tid);
                Err(e)
            }
        }
    }
}

/// A scope to spawn scoped threads in (`std::thread::Scope`'s API).
#[repr(transparent)]
pub struct Scope<'scope, 'env: 'scope> {
    inner: std::thread::Scope<'scope, 'env>,
    _invariant: PhantomData<&'scope mut &'env ()>,
}

impl<'scope, 'env> Scope<'scope, 'env> {
    fn from_std(scope: &'scope std::thread::Scope<'scope, 'env>) -> &'scope Self {
        // SAFETY: `Scope` is `repr(transparent)` over std's scope (the other
        // field is a zero-sized marker), so the two references have the same
        // layout and the same lifetime.
        unsafe { &*(scope as *const std::thread::Scope<'scope, 'env>).cast::<Self>() }
    }

    /// Spawns a thread that may borrow from outside the scope.
    ///
    /// # Panics
    ///
    /// Panics if the operating system fails to create a thread.
    pub fn spawn<F, T>(&'scope self, f: F) -> ScopedJoinHandle<'scope, T>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        Builder::new()
            .spawn_scoped(self, f)
            .expect("failed to spawn thread")
    }
}

impl fmt::Debug for Scope<'_, '_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope").finish_non_exhaustive()
    }
}

/// Owned permission to join a scoped thread.
pub struct ScopedJoinHandle<'scope, T> {
    inner: std::thread::ScopedJoinHandle<'scope, T>,
    tid: u64,
}

impl<T> ScopedJoinHandle<'_, T> {
    /// Waits for the thread to finish; `Err` carries its panic payload.
    pub fn join(self) -> crate::thread::Result<T> {
        join_tracked(self.tid, || self.inner.join())
    }

    /// The thread's handle.
    pub fn thread(&self) -> &Thread {
        self.inner.thread()
    }

    /// Whether the thread has finished running its closure.
    pub fn is_finished(&self) -> bool {
        self.inner.is_finished()
    }
}

impl<T> fmt::Debug for ScopedJoinHandle<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedJoinHandle").finish_non_exhaustive()
    }
}
