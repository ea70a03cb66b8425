//! Given (no need to change it): CPython's Global Interpreter Lock in
//! miniature.
//!
//! In CPython every thread must hold the GIL to run Python code; the
//! interpreter takes it before running a thread's bytecode and hands it to
//! another thread now and then. C code that blocks (a socket read, a file
//! read, `time.sleep`) releases it around the blocking call with
//! `Py_BEGIN_ALLOW_THREADS` / `Py_END_ALLOW_THREADS`, so other threads can
//! run Python code meanwhile.
//!
//! Here the interpreter is you: a thread calls [`Gil::acquire`] before it runs
//! a task's "Python code" and keeps the [`GilGuard`] while it runs;
//! [`GilGuard::allow_threads`] releases the GIL around a blocking call and
//! takes it back afterwards. (PyO3, the Rust bindings to CPython, spells these
//! `Python::attach` and `py.detach` since PyO3 0.26; `Python::with_gil` and
//! `py.allow_threads` before.)

use std::marker::PhantomData;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, ThreadId};

/// One global lock that a task must hold to run, like CPython's GIL.
///
/// Create one per experiment with [`Gil::new`] and share it by reference
/// (scoped threads can borrow it). At most one thread holds it at any moment;
/// the others wait in [`Gil::acquire`].
#[derive(Debug, Default)]
pub struct Gil {
    state: Mutex<State>,
    released: Condvar,
}

#[derive(Debug, Default)]
struct State {
    holder: Option<ThreadId>,
    waiting: usize,
}

impl Gil {
    /// A GIL nobody holds.
    pub fn new() -> Gil {
        Gil::default()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Takes the GIL, waiting while another thread holds it, and holds it
    /// until the returned guard is dropped.
    ///
    /// # Panics
    ///
    /// If the calling thread already holds it (it would wait for itself
    /// forever).
    pub fn acquire(&self) -> GilGuard<'_> {
        self.take();
        GilGuard {
            gil: self,
            not_send: PhantomData,
        }
    }

    /// Whether the calling thread holds the GIL now (CPython:
    /// `PyGILState_Check()`).
    pub fn is_held_by_current_thread(&self) -> bool {
        self.lock().holder == Some(thread::current().id())
    }

    /// How many threads are waiting in [`Gil::acquire`] right now. CPython
    /// has no such call; it is here so you (and the grader) can watch the
    /// threads queue up for the lock.
    pub fn waiting(&self) -> usize {
        self.lock().waiting
    }

    fn take(&self) {
        let me = thread::current().id();
        let mut state = self.lock();
        assert!(
            state.holder != Some(me),
            "this thread already holds the GIL: acquire it once per thread, and drop the guard \
             (or use allow_threads) before taking it again"
        );
        state.waiting += 1;
        while state.holder.is_some() {
            state = self
                .released
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        state.waiting -= 1;
        state.holder = Some(me);
    }

    fn give_back(&self) {
        self.lock().holder = None;
        self.released.notify_one();
    }
}

/// Proof that the current thread holds the GIL; releases it when dropped.
///
/// It cannot be sent to another thread: like a Python thread state, it
/// belongs to the thread that took the lock.
#[derive(Debug)]
pub struct GilGuard<'a> {
    gil: &'a Gil,
    not_send: PhantomData<*const ()>,
}

impl GilGuard<'_> {
    /// Releases the GIL while `blocking` runs and takes it back afterwards
    /// (CPython: `Py_BEGIN_ALLOW_THREADS` ... `Py_END_ALLOW_THREADS`).
    ///
    /// Wrap the blocking part of a task in it (a network read, a sleep):
    /// other threads can run their Python code while this one waits.
    /// `blocking` must not touch "Python" state, exactly as C code between
    /// those two macros must not.
    pub fn allow_threads<T>(&mut self, blocking: impl FnOnce() -> T) -> T {
        /// Takes the GIL back even if `blocking` panics, so the guard's drop
        /// releases a lock this thread really holds.
        struct Retake<'g>(&'g Gil);
        impl Drop for Retake<'_> {
            fn drop(&mut self) {
                self.0.take();
            }
        }
        self.gil.give_back();
        let _retake = Retake(self.gil);
        blocking()
    }
}

impl Drop for GilGuard<'_> {
    fn drop(&mut self) {
        self.gil.give_back();
    }
}
