//! Threads on a model checker: loom's threads under `--cfg loom`, shuttle's
//! under `--cfg shuttle`, plus what they lack: `scope`, `Builder::spawn_scoped`,
//! `sleep`, `park_timeout` and `is_finished` (loom has none of them, shuttle
//! has no `spawn_scoped` or `is_finished`). Sleeping and timed parking yield: a
//! model has no clock.

use std::fmt;
use std::io;
use std::marker::PhantomData;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool as StdAtomicBool, Ordering as StdOrdering};
use std::sync::{Arc as StdArc, Mutex as StdMutex};
use std::time::Duration;

use crate::rt;
use crate::rt::model;

pub use model::{AccessError, LocalKey, Thread, ThreadId, current, park, yield_now};

/// A model has no clock: sleeping is a chance for other threads to run.
pub fn sleep(_dur: Duration) {
    yield_now();
}

/// Parks with a timeout: in a model, a yield (a timed park may always return
/// early, so this is a valid implementation).
pub fn park_timeout(_dur: Duration) {
    yield_now();
}

/// Spawns a new model thread.
pub fn spawn<F, T>(f: F) -> JoinHandle<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    Builder::new().spawn(f).expect("failed to spawn thread")
}

/// Owned permission to join a model thread.
pub struct JoinHandle<T> {
    inner: model::JoinHandle<T>,
    finished: StdArc<StdAtomicBool>,
}

impl<T> JoinHandle<T> {
    /// Waits for the thread to finish.
    pub fn join(self) -> crate::thread::Result<T> {
        let thread = self.inner.thread().clone();
        join_tracked(&thread, || self.inner.join())
    }

    /// The thread's handle.
    pub fn thread(&self) -> &Thread {
        self.inner.thread()
    }

    /// Whether the thread has finished running its closure.
    pub fn is_finished(&self) -> bool {
        self.finished.load(StdOrdering::SeqCst)
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle").finish_non_exhaustive()
    }
}

fn join_tracked<R>(thread: &Thread, join: impl FnOnce() -> R) -> R {
    if !rt::tracking() {
        return join();
    }
    let tid = rt::tid_of_model(thread.id(), thread.name());
    rt::join_waiting(tid);
    let result = join();
    rt::unblocked();
    result
}

use super::Builder;

/// Records in the trace that the current thread spawned `thread`.
fn spawned(thread: &Thread) {
    if rt::recording() {
        let tid = rt::tid_of_model(thread.id(), thread.name());
        rt::record_thread(crate::instrument::trace::Op::Spawn, tid);
    }
}

impl Builder {
    fn into_model(self) -> model::Builder {
        let mut builder = model::Builder::new();
        if let Some(name) = self.name {
            builder = builder.name(name);
        }
        if let Some(size) = self.stack_size {
            builder = builder.stack_size(size);
        }
        builder
    }

    /// Spawns a model thread with this configuration.
    pub fn spawn<F, T>(self, f: F) -> io::Result<JoinHandle<T>>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let finished = StdArc::new(StdAtomicBool::new(false));
        let done = finished.clone();
        let inner = self.into_model().spawn(move || {
            let result = f();
            rt::model_thread_done();
            done.store(true, StdOrdering::SeqCst);
            result
        })?;
        spawned(inner.thread());
        Ok(JoinHandle { inner, finished })
    }

    /// Spawns a scoped model thread with this configuration.
    pub fn spawn_scoped<'scope, 'env, F, T>(
        self,
        scope: &'scope Scope<'scope, 'env>,
        f: F,
    ) -> io::Result<ScopedJoinHandle<'scope, T>>
    where
        F: FnOnce() -> T + Send + 'scope,
        T: Send + 'scope,
    {
        let packet: StdArc<StdMutex<Option<crate::thread::Result<T>>>> =
            StdArc::new(StdMutex::new(None));
        let out = packet.clone();
        let body: Box<dyn FnOnce() + Send + 'scope> = Box::new(move || {
            // Under shuttle a panic in any thread fails the execution at
            // once (that is how shuttle reports it, with its schedule), so it
            // is not caught; loom's scoped threads keep std's behaviour of
            // handing the panic to `join`.
            #[cfg(loom)]
            let result = catch_unwind(AssertUnwindSafe(f));
            #[cfg(shuttle)]
            let result = Ok(f());
            *out.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
            rt::model_thread_done();
        });
        // SAFETY: the closure borrows only what lives for 'scope, and
        // `scope` joins every thread it spawned before it returns (also when
        // its body panics), so the thread never outlives those borrows. This
        // is how std implements scoped threads.
        let body: Box<dyn FnOnce() + Send + 'static> = unsafe {
            std::mem::transmute::<Box<dyn FnOnce() + Send + 'scope>, Box<dyn FnOnce() + Send>>(body)
        };
        let handle = self.into_model().spawn(body)?;
        let thread = handle.thread().clone();
        spawned(&thread);
        let mut handles = scope.handles.lock().unwrap_or_else(|p| p.into_inner());
        handles.push(Some(handle));
        Ok(ScopedJoinHandle {
            scope_handles: &scope.handles,
            index: handles.len() - 1,
            packet,
            thread,
            _scope: PhantomData,
        })
    }
}

type Handles = StdMutex<Vec<Option<model::JoinHandle<()>>>>;

/// A scope to spawn scoped model threads in.
pub struct Scope<'scope, 'env: 'scope> {
    handles: Handles,
    _scope: PhantomData<&'scope mut &'scope ()>,
    _env: PhantomData<&'env mut &'env ()>,
}

/// Creates a scope for spawning model threads that may borrow from the
/// caller; every thread spawned in it is joined before `scope` returns.
pub fn scope<'env, F, T>(f: F) -> T
where
    F: for<'scope> FnOnce(&'scope Scope<'scope, 'env>) -> T,
{
    let scope = Scope {
        handles: StdMutex::new(Vec::new()),
        _scope: PhantomData,
        _env: PhantomData,
    };
    let result = catch_unwind(AssertUnwindSafe(|| f(&scope)));
    let left: Vec<_> = scope
        .handles
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .iter_mut()
        .filter_map(Option::take)
        .collect();
    for handle in left {
        let thread = handle.thread().clone();
        let _ = join_tracked(&thread, || handle.join());
    }
    match result {
        Ok(value) => value,
        Err(payload) => resume_unwind(payload),
    }
}

impl<'scope> Scope<'scope, '_> {
    /// Spawns a model thread that may borrow from outside the scope.
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

/// Owned permission to join a scoped model thread.
pub struct ScopedJoinHandle<'scope, T> {
    scope_handles: &'scope Handles,
    index: usize,
    packet: StdArc<StdMutex<Option<crate::thread::Result<T>>>>,
    thread: Thread,
    _scope: PhantomData<&'scope ()>,
}

impl<T> ScopedJoinHandle<'_, T> {
    /// Waits for the thread to finish; `Err` carries its panic payload.
    pub fn join(self) -> crate::thread::Result<T> {
        let handle = self.scope_handles.lock().unwrap_or_else(|p| p.into_inner())[self.index]
            .take()
            .expect("a scoped thread is joined once");
        let _ = join_tracked(&self.thread, || handle.join());
        self.packet
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
            .expect("a joined scoped thread has stored its result")
    }

    /// The thread's handle.
    pub fn thread(&self) -> &Thread {
        &self.thread
    }

    /// Whether the thread has finished running its closure.
    pub fn is_finished(&self) -> bool {
        self.packet
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }
}

impl<T> fmt::Debug for ScopedJoinHandle<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ScopedJoinHandle").finish_non_exhaustive()
    }
}
