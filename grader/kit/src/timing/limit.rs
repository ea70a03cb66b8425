//! [`LimitProbe`]: proves that code runs *at most* K tasks at once and that it
//! really *reaches* K, for "at most K in flight" exercises (semaphores,
//! bounded pools, bounded channels).

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How the held tasks were let go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// Nobody was released yet.
    Holding,
    /// K tasks were in flight and no (K+1)-th started during the settle time:
    /// the bound held and was reached.
    Settled,
    /// A (K+1)-th task started while K were held: the bound was broken.
    Exceeded,
    /// Fewer than K tasks ever ran at once during the patience.
    GaveUp,
}

/// Holds the first tasks until K of them are in flight, then watches for a
/// (K+1)-th.
///
/// Every task calls [`LimitProbe::enter`] and keeps the guard while it runs.
/// Until the probe opens, entering tasks wait, so nothing finishes and frees a
/// slot: correct code then has exactly K tasks in flight and can never start
/// another one, while code without a (correct) bound has no reason to wait
/// and starts the (K+1)-th right away. The probe opens when
/// - a (K+1)-th task enters (the bound is broken: [`Release::Exceeded`]);
/// - K tasks were in flight for `settle` with no new one ([`Release::Settled`]);
/// - `patience` passed since the first task entered without K in flight
///   ([`Release::GaveUp`]: the code never runs K tasks at once).
///
/// Once open, tasks pass straight through; the peak is still tracked, so a
/// bound broken later is seen too.
///
/// A correct answer is never judged by the clock: it reaches K as soon as its
/// K-th task starts and can never exceed K. Settle and patience only bound how
/// long a wrong answer gets to show itself (it needs microseconds).
pub struct LimitProbe {
    limit: usize,
    settle: Duration,
    patience: Duration,
    state: Mutex<LimitState>,
    changed: Condvar,
}

struct LimitState {
    now: usize,
    peak: usize,
    entered: usize,
    first_at: Option<Instant>,
    reached_at: Option<Instant>,
    release: Release,
}

impl LimitProbe {
    /// A probe for "at most `limit` at once". Typical: `settle` 1 s,
    /// `patience` [`super::PATIENCE`].
    pub fn new(limit: usize, settle: Duration, patience: Duration) -> Self {
        assert!(
            limit >= 1,
            "{}",
            crate::t!(
                "a limit probe needs a limit of at least 1",
                "LimitProbe의 한도는 1 이상이어야 합니다"
            )
        );
        super::claim_machine("LimitProbe");
        LimitProbe {
            limit,
            settle,
            patience,
            state: Mutex::new(LimitState {
                now: 0,
                peak: 0,
                entered: 0,
                first_at: None,
                reached_at: None,
                release: Release::Holding,
            }),
            changed: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, LimitState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Enters as one task in flight until the guard drops; may hold the
    /// caller until the probe opens (see the type's docs).
    pub fn enter(&self) -> LimitGuard<'_> {
        let mut state = self.lock();
        let now = Instant::now();
        state.now += 1;
        state.entered += 1;
        state.peak = state.peak.max(state.now);
        state.first_at.get_or_insert(now);
        if state.now >= self.limit && state.reached_at.is_none() {
            state.reached_at = Some(now);
        }
        if state.now > self.limit && state.release == Release::Holding {
            state.release = Release::Exceeded;
        }
        self.changed.notify_all();
        while state.release == Release::Holding {
            let deadline = match (state.reached_at, state.first_at) {
                (Some(reached), _) => reached + self.settle,
                (None, Some(first)) => first + self.patience,
                (None, None) => unreachable!(
                    "{}",
                    crate::t!("this task entered", "이 작업은 이미 들어왔습니다")
                ),
            };
            let now = Instant::now();
            if now >= deadline {
                state.release = if state.reached_at.is_some() {
                    Release::Settled
                } else {
                    Release::GaveUp
                };
                self.changed.notify_all();
                break;
            }
            state = self
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        LimitGuard { owner: self }
    }

    /// The bound under test.
    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The most tasks that were in flight at once.
    pub fn peak(&self) -> usize {
        self.lock().peak
    }

    /// Tasks that entered so far.
    pub fn entered(&self) -> usize {
        self.lock().entered
    }

    /// Whether `limit` tasks were ever in flight at once.
    pub fn reached(&self) -> bool {
        self.peak() >= self.limit
    }

    /// Whether more than `limit` tasks were ever in flight at once.
    pub fn exceeded(&self) -> bool {
        self.peak() > self.limit
    }

    /// How the held tasks were let go.
    pub fn release(&self) -> Release {
        self.lock().release
    }
}

/// Leaves the probe when dropped.
pub struct LimitGuard<'a> {
    owner: &'a LimitProbe,
}

impl Drop for LimitGuard<'_> {
    fn drop(&mut self) {
        let mut state = self.owner.lock();
        state.now -= 1;
        drop(state);
        self.owner.changed.notify_all();
    }
}

/// Waits until `value()` reaches `target`, or stops changing for `quiet`, or
/// `patience` passes; returns the last value seen.
///
/// For backpressure checks: hold the consumer, let the producer run, and see
/// how far ahead it gets. A producer stopped by a bounded channel stops
/// changing the count (it is blocked, so waiting longer cannot change the
/// verdict); one with unbounded buffering runs to `target` in microseconds.
pub fn wait_until_settled(
    value: impl Fn() -> usize,
    target: usize,
    quiet: Duration,
    patience: Duration,
) -> usize {
    super::claim_machine("wait_until_settled");
    let started = Instant::now();
    let mut last = value();
    let mut last_change = started;
    loop {
        if last >= target {
            return last;
        }
        let now = Instant::now();
        if now.duration_since(last_change) >= quiet || now.duration_since(started) >= patience {
            return last;
        }
        std::thread::sleep(Duration::from_millis(1));
        let seen = value();
        if seen != last {
            last = seen;
            last_change = Instant::now();
        }
    }
}
