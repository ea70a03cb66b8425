//! `Barrier`: std's under the normal build; built from the model checker's
//! mutex and condition variable under `--cfg loom` (loom has none) and
//! `--cfg shuttle` (shuttle's own cannot be created outside an execution, so
//! it could not have a `const` constructor).

use std::fmt;

use crate::rt::{self, Kind, LockMeta};

#[cfg(loom)]
use loom::sync as model;
#[cfg(shuttle)]
use shuttle::sync as model;

/// Lets `n` threads wait for each other: `std::sync::Barrier`'s API.
pub struct Barrier {
    meta: LockMeta,
    parties: usize,
    #[cfg(not(any(loom, shuttle)))]
    inner: std::sync::Barrier,
    /// Arrivals in the current generation, and the generation number.
    #[cfg(any(loom, shuttle))]
    state: model::Mutex<(usize, u64)>,
    #[cfg(any(loom, shuttle))]
    all_arrived: model::Condvar,
}

/// Returned by [`Barrier::wait`]: exactly one thread per use is the leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// Whether this thread is the leader (the last to arrive).
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

impl Barrier {
    /// A barrier for `n` threads (`0` behaves like `1`).
    #[cfg(not(any(loom, shuttle)))]
    #[track_caller]
    #[inline]
    pub const fn new(n: usize) -> Barrier {
        Barrier {
            meta: LockMeta::new(),
            parties: if n == 0 { 1 } else { n },
            inner: std::sync::Barrier::new(n),
        }
    }

    /// A barrier for `n` threads (`0` behaves like `1`).
    #[cfg(loom)]
    #[track_caller]
    pub fn new(n: usize) -> Barrier {
        Barrier {
            meta: LockMeta::new(),
            parties: n.max(1),
            state: model::Mutex::new((0, 0)),
            all_arrived: model::Condvar::new(),
        }
    }

    /// A barrier for `n` threads (`0` behaves like `1`).
    #[cfg(shuttle)]
    #[track_caller]
    #[inline]
    pub const fn new(n: usize) -> Barrier {
        Barrier {
            meta: LockMeta::new(),
            parties: if n == 0 { 1 } else { n },
            state: model::Mutex::new((0, 0)),
            all_arrived: model::Condvar::new(),
        }
    }

    /// Blocks until all `n` threads have called `wait`.
    pub fn wait(&self) -> BarrierWaitResult {
        let tracked = rt::tracking();
        if tracked {
            rt::point();
            rt::barrier_waiting(self.meta.desc(Kind::Barrier, ""), self.parties);
        }
        let leader = self.wait_inner();
        if tracked {
            rt::unblocked();
            rt::point();
        }
        BarrierWaitResult(leader)
    }

    #[cfg(not(any(loom, shuttle)))]
    fn wait_inner(&self) -> bool {
        self.inner.wait().is_leader()
    }

    #[cfg(any(loom, shuttle))]
    fn wait_inner(&self) -> bool {
        let mut state = self.state.lock().unwrap();
        let generation = state.1;
        state.0 += 1;
        if state.0 == self.parties {
            state.0 = 0;
            state.1 += 1;
            self.all_arrived.notify_all();
            return true;
        }
        while state.1 == generation {
            state = self.all_arrived.wait(state).unwrap();
        }
        false
    }
}

impl crate::instrument::Named for Barrier {
    fn set_name(&self, name: String) {
        rt::set_name(&self.meta, Kind::Barrier, name);
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier").finish_non_exhaustive()
    }
}
