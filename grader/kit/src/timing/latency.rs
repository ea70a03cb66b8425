//! Latency proofs for I/O-bound work: tasks that mostly wait.
//!
//! A simulated I/O call sleeps, and a sleep never returns early. So an answer
//! that runs the tasks one at a time can never finish faster than the sum of
//! their durations, on any machine. Concurrent code finishes near the longest
//! chain of tasks it must run one after another (`rounds × each`). The limit
//! sits halfway between the two: a sequential answer is above it on every
//! run, while a correct answer has half the gap as slack for a slow or busy
//! machine, and is measured again (best of several tries) if a run was slow.

use std::time::{Duration, Instant};

use threadlings_schema::report::KitFailure;

use crate::{Failure, Stop};

/// Blocks the calling thread for `duration` without using the CPU, as a
/// network or disk request would.
pub fn simulated_io(duration: Duration) {
    std::thread::sleep(duration);
}

/// Runs `f` and returns its result with the wall-clock time it took.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let started = Instant::now();
    let value = f();
    (value, started.elapsed())
}

/// What a latency check expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latency {
    /// The time when tasks run as the exercise asks (for example
    /// `ceil(n / k) × each` for at most k at once), without overhead.
    pub concurrent: Duration,
    /// The time a one-at-a-time answer takes at least (the sum of the sleeps).
    pub sequential: Duration,
}

/// The outcome of a latency measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct LatencyMeasurement {
    pub expected: Latency,
    /// Every try's time, in order.
    pub tries: Vec<Duration>,
}

impl Latency {
    /// `tasks` tasks of `each`, at most `at_once` running together.
    pub fn tasks(tasks: usize, each: Duration, at_once: usize) -> Latency {
        let at_once = at_once.max(1);
        Latency {
            concurrent: each * tasks.div_ceil(at_once) as u32,
            sequential: each * tasks as u32,
        }
    }

    /// Halfway between concurrent and sequential: above it is "one at a time".
    pub fn limit(&self) -> Duration {
        self.concurrent + (self.sequential.saturating_sub(self.concurrent)) / 2
    }

    /// Runs `attempt` (which returns the time of one run of the code under
    /// test) until a try is within the limit, at most `tries` times.
    ///
    /// Retrying is sound: a sequential answer cannot beat the sum of its
    /// sleeps, so no number of tries lets it pass.
    pub fn measure(
        &self,
        tries: usize,
        mut attempt: impl FnMut() -> Result<Duration, Stop>,
    ) -> Result<LatencyMeasurement, Stop> {
        super::claim_machine("Latency::measure");
        assert!(
            self.sequential >= self.concurrent * 2,
            "{}",
            crate::t!(
                "a latency check needs sequential >= 2 x concurrent to leave 50% slack",
                "지연 시간 검사는 50%의 여유를 두려면 sequential >= 2 x concurrent여야 합니다"
            )
        );
        let mut measurement = LatencyMeasurement {
            expected: *self,
            tries: Vec::new(),
        };
        for _ in 0..tries.max(1) {
            let took = attempt()?;
            measurement.tries.push(took);
            if took <= self.limit() {
                break;
            }
        }
        Ok(measurement)
    }
}

impl LatencyMeasurement {
    /// The fastest try.
    pub fn best(&self) -> Duration {
        self.tries.iter().copied().min().unwrap_or_default()
    }

    pub fn passed(&self) -> bool {
        self.best() <= self.expected.limit()
    }

    /// One line for the evidence notes.
    pub fn note(&self) -> String {
        let tries = self.tries.len();
        let y = if tries == 1 { "y" } else { "ies" };
        crate::t!(
            "took {0} (best of {1} tr{y}); concurrent ≈ {2}, one at a time ≥ {3}, limit {4}",
            "{0} 걸림({1}번 시도 중 가장 빠름); 동시에 실행하면 ≈ {2}, 하나씩 실행하면 ≥ {3}, 한도 {4}",
            ms(self.best()),
            tries,
            ms(self.expected.concurrent),
            ms(self.expected.sequential),
            ms(self.expected.limit()),
        )
    }

    /// Passes, or fails with `what` and the numbers.
    pub fn judge(&self, what: impl AsRef<str>) -> Result<(), Stop> {
        let what = what.as_ref();
        if self.passed() {
            return Ok(());
        }
        Err(Stop::Fail(Failure::kit(KitFailure::Latency {
            what: what.to_string(),
            concurrent_ms: in_ms(self.expected.concurrent),
            limit_ms: in_ms(self.expected.limit()),
            best_ms: in_ms(self.best()),
            tries: self.tries.len(),
            sequential_ms: in_ms(self.expected.sequential),
        })))
    }
}

/// `123 ms`.
pub fn ms(duration: Duration) -> String {
    format!("{:.0} ms", in_ms(duration))
}

/// A duration in milliseconds, as a report's data carries it (and [`ms`]
/// rounds it).
pub(crate) fn in_ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
