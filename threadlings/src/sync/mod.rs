//! `std::sync` with the same names and signatures.
//!
//! `Mutex`, `RwLock`, `Condvar`, `Barrier` and the atomics are instrumented
//! (see the crate docs); `Arc`, `Weak`, `mpsc` and the once-types are std's
//! own (under loom, `mpsc` is loom's; under shuttle, `mpsc` and `Once` are
//! shuttle's, and `OnceLock` and `LazyLock` are built on shuttle's `Once`).
//! `Arc` is std's in every build: its reference count is not a
//! synchronization point the checks model, and std's keeps the full API
//! (unsized coercions, `make_mut`, `into_inner`).

mod barrier;
mod condvar;
mod mutex;
#[cfg(shuttle)]
mod once_shuttle;
mod rwlock;

pub mod atomic;

pub use barrier::{Barrier, BarrierWaitResult};
pub use condvar::{Condvar, WaitTimeoutResult};
pub use mutex::{Mutex, MutexGuard};
pub use rwlock::{RwLock, RwLockReadGuard, RwLockWriteGuard};

#[cfg(shuttle)]
pub use once_shuttle::{LazyLock, Once, OnceLock, OnceState};
pub use std::sync::{Arc, LockResult, PoisonError, TryLockError, TryLockResult, Weak};
#[cfg(not(shuttle))]
pub use std::sync::{LazyLock, Once, OnceLock, OnceState};

/// Multi-producer, single-consumer channels: std's (loom's under `--cfg loom`,
/// shuttle's under `--cfg shuttle`).
pub mod mpsc {
    #[cfg(loom)]
    pub use loom::sync::mpsc::{Receiver, Sender, channel};
    #[cfg(shuttle)]
    pub use shuttle::sync::mpsc::*;
    #[cfg(not(any(loom, shuttle)))]
    pub use std::sync::mpsc::*;
    #[cfg(loom)]
    pub use std::sync::mpsc::{RecvError, RecvTimeoutError, SendError, TryRecvError};
}

/// Maps the guard inside a lock result, keeping the poison flag.
pub(crate) fn map_lock<G, H>(result: LockResult<G>, f: impl FnOnce(G) -> H) -> LockResult<H> {
    match result {
        Ok(guard) => Ok(f(guard)),
        Err(poison) => Err(PoisonError::new(f(poison.into_inner()))),
    }
}

/// Maps the guard inside a try-lock result, keeping the poison flag.
pub(crate) fn map_try_lock<G, H>(
    result: TryLockResult<G>,
    f: impl FnOnce(G) -> H,
) -> TryLockResult<H> {
    match result {
        Ok(guard) => Ok(f(guard)),
        Err(TryLockError::Poisoned(poison)) => Err(TryLockError::Poisoned(PoisonError::new(f(
            poison.into_inner(),
        )))),
        Err(TryLockError::WouldBlock) => Err(TryLockError::WouldBlock),
    }
}
