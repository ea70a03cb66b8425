//! Probes that prove concurrency structurally, without trusting the clock.
//!
//! A [`Rendezvous`] of K parties can only be completed if K tasks are alive at
//! the same time, so a secretly sequential answer can never complete it, on any
//! machine, however slow. Correct answers complete it as soon as the K-th task
//! starts. Patience only bounds how long a sequential answer makes us wait: the
//! first party to give up releases everyone and the rendezvous is marked missed.
//! [`InFlight`] counts tasks running at once and remembers the peak.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// A barrier with patience: `arrive` returns once all parties arrived or once
/// someone waited longer than the patience.
pub struct Rendezvous {
    parties: usize,
    patience: Duration,
    state: Mutex<RendezvousState>,
    changed: Condvar,
}

#[derive(Default)]
struct RendezvousState {
    arrived: usize,
    met: bool,
    gave_up: bool,
}

impl Rendezvous {
    pub fn new(parties: usize, patience: Duration) -> Self {
        Rendezvous {
            parties,
            patience,
            state: Mutex::new(RendezvousState::default()),
            changed: Condvar::new(),
        }
    }

    /// Arrives and waits for the others. Returns whether all parties met.
    pub fn arrive(&self) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.arrived += 1;
        // Once someone gave up, the parties were provably not all alive at
        // once; later arrivals must not complete the rendezvous sequentially.
        if state.gave_up {
            return false;
        }
        if state.arrived >= self.parties {
            state.met = true;
            self.changed.notify_all();
            return true;
        }
        let deadline = Instant::now() + self.patience;
        while !state.met && !state.gave_up {
            let now = Instant::now();
            if now >= deadline {
                state.gave_up = true;
                self.changed.notify_all();
                break;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        state.met
    }

    /// Whether all parties were alive at once.
    pub fn met(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).met
    }

    /// How many parties arrived so far.
    pub fn arrived(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).arrived
    }
}

/// Counts tasks in flight and remembers the peak.
#[derive(Default)]
pub struct InFlight {
    state: Mutex<(usize, usize, usize)>, // (now, peak, finished)
}

impl InFlight {
    pub fn new() -> Self {
        Self::default()
    }

    /// Marks a task as running until the returned guard drops.
    pub fn enter(&self) -> InFlightGuard<'_> {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 += 1;
        state.1 = state.1.max(state.0);
        InFlightGuard { owner: self }
    }

    /// The most tasks that were running at once.
    pub fn peak(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).1
    }

    /// Tasks running right now.
    pub fn current(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).0
    }

    /// Tasks that finished.
    pub fn finished(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).2
    }
}

/// Leaves the in-flight count when dropped.
pub struct InFlightGuard<'a> {
    owner: &'a InFlight,
}

impl Drop for InFlightGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.owner.state.lock().unwrap_or_else(|p| p.into_inner());
        state.0 -= 1;
        state.2 += 1;
    }
}
