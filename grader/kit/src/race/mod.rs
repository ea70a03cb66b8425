//! The race kit: checks that catch every racy answer, every run, and never
//! fail a correct one.
//!
//! Exercises checked this way use the course facade (`threadlings::sync`,
//! `threadlings::thread`) instead of std. Four tools, from cheapest to most
//! thorough:
//!
//! # 1. Stress runs ([`Stress`])
//!
//! Many threads × many rounds of a seeded operation mix against a fresh
//! subject per round, with the facade's instrumentation on: every lock,
//! unlock, wait, notify, atomic operation, spawn and join may yield, spin or
//! sleep (seeded), which turns nanosecond race windows into microsecond ones,
//! on one core as on many. After every round an invariant is checked on a
//! quiescent subject; a failure names the invariant, the values seen, the
//! round, the seed and the replay command. A stress run finds lost updates,
//! missed wake-ups and lock-order deadlocks with overwhelming probability per
//! run; it cannot find weak-memory bugs (it perturbs timing, not the
//! compiler's or the processor's reordering, and x86 hardware rarely shows
//! them).
//!
//! # 2. Deadlock diagnosis ([`watch`], built into [`Stress`])
//!
//! The facade's locks record holders and waiters. When every tracked thread
//! has been blocked (without a timeout) and nothing moved for the stall
//! period, the check fails with the wait-for cycle, e.g. "deadlock: worker-1
//! waits for mutex #2 (…), held by worker-0, which waits for mutex #1 (…),
//! held by worker-1", instead of a bare timeout.
//!
//! # 3. Schedule exploration ([`Explore`], `shuttle` build variant)
//!
//! Under `--cfg shuttle` the facade runs on shuttle, whose controlled
//! scheduler runs one thread at a time and decides at every synchronization
//! point which thread goes next: PCT (random priorities plus a few random
//! priority changes, the default) or uniformly random. The same scenario runs
//! once per schedule, a thousand schedules in well under a second, so it can
//! be bigger than a model (3–4 threads, dozens of operations). The schedules
//! are a function of the check's seed alone: a failure names the schedule
//! that failed (its number, shuttle's encoding of it) and the same `--seed`
//! fails the same way on every run and every machine. A deadlock is found
//! the moment no thread can run, and reported with its wait-for cycle like
//! a stress run's. Shuttle treats every atomic as `SeqCst`, so exploration
//! never finds an ordering bug; and an answer that is correct but serial (one
//! big lock) passes it, since that is a matter of timing.
//!
//! # 4. Model checks ([`Model`], `loom` build variant)
//!
//! Under `--cfg loom` the facade runs on loom, which explores every
//! interleaving of a small scenario (up to a preemption bound), including
//! the stale values `Relaxed` loads may return. Deterministic: the same
//! scenario fails the same way on every run and every machine. Each model
//! check is its own check (own process: loom aborts on deadlock, which the
//! runner turns into a `failed` verdict "deadlock: ..." before it can).
//!
//! Budgets are explicit: rounds × threads × operations for stress runs (with
//! a time cap that only ever cuts a *passing* run short), schedules and PCT
//! depth for explorations (same kind of time cap), preemption bound and
//! maximum duration for models. Choose them so that a correct answer
//! finishes in about a second and every known-wrong answer is caught in
//! every run; `grader verify --runs 20` proves it.
//!
//! The numbers in a check's code are defaults: the check's `budget` in
//! `checks.toml` (`rounds` for a stress run, `schedules` and `depth` for an
//! exploration, `preemption_bound` for a model, `max_ms` for the time cap of
//! any of them) wins over them, so an instructor trades thoroughness for
//! speed without touching Rust. The grader hands it over as
//! `--budget rounds=300,max_ms=5000`; [`Ctx::budget`](crate::Ctx::budget)
//! holds it, and [`replay_command`] repeats it. A key the check's tool does
//! not use fails the check as a metadata error.

mod budget;
mod deadlock;
mod explore;
mod model;
mod panics;
mod replay;
mod stress;
pub mod trace;

pub use deadlock::{Diagnosis, diagnose, watch};
pub use explore::{Explore, Outcome, Scheduler};
pub use model::Model;
pub use replay::replay_command;
pub use stress::{RoundLog, Stress, Violation};

// For the linearizability and litmus kits (crate::lin, crate::litmus): one
// budget check and one panic text for every tool.
pub(crate) use budget::for_tool as budget_for;
pub(crate) use panics::text as panic_text;

/// Tells the grader what a race check covered: rounds, schedules or
/// interleavings run and the bounds they ran under (a report's
/// `coverage`). Nothing happens when no grader is listening.
pub(crate) fn send_coverage(check: &str, coverage: threadlings_schema::report::Coverage) {
    crate::channel::send(threadlings_schema::protocol::Message::Coverage {
        check: check.to_string(),
        coverage,
    });
}

/// Tells deadlock reports what the current thread is doing
/// ("worker-1 (transfer 3 → 1)"). Cheap when instrumentation is off: the
/// closure is not called.
pub fn doing(what: impl FnOnce() -> String) {
    if threadlings::instrument::is_enabled() {
        threadlings::instrument::doing(Some(what()));
    }
}
