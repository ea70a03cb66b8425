//! Helpers shared by the public tests.
#![allow(dead_code)]

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// A meeting point for `parties` threads that gives up instead of hanging.
///
/// `arrive` waits until `parties` threads have arrived, which can only happen
/// if that many are running at the same time. If your code runs the workers
/// one after another, the first one waits `PATIENCE`, gives up, and the test
/// fails with a message instead of hanging forever.
pub struct Meeting {
    parties: usize,
    state: Mutex<MeetingState>,
    changed: Condvar,
}

struct MeetingState {
    arrived: usize,
    met: bool,
    gave_up: bool,
}

const PATIENCE: Duration = Duration::from_secs(5);

impl Meeting {
    pub const fn new(parties: usize) -> Self {
        Meeting {
            parties,
            state: Mutex::new(MeetingState {
                arrived: 0,
                met: false,
                gave_up: false,
            }),
            changed: Condvar::new(),
        }
    }

    /// Arrives and waits (at most `PATIENCE`) for the other parties.
    pub fn arrive(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        state.arrived += 1;
        if state.arrived >= self.parties && !state.gave_up {
            state.met = true;
            self.changed.notify_all();
            return;
        }
        let deadline = Instant::now() + PATIENCE;
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
    }

    /// Whether all parties were waiting here at the same time.
    pub fn met(&self) -> bool {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).met
    }
}
