//! The course facade: `threadlings::sync` and `threadlings::thread` are
//! `std::sync` and `std::thread`, with the same names and signatures, so an
//! answer written against them reads exactly like ordinary Rust.
//!
//! Why exercises import these instead of `std::sync` and `std::thread`: the
//! grader can then look *inside* the synchronization of an answer.
//!
//! - **Normal build** (what `cargo test` compiles): std's own primitives behind
//!   thin wrappers. Until the grader switches instrumentation on, every
//!   operation costs one relaxed load of a global flag and a predictable
//!   branch, nothing else: no allocation, no extra locking, std semantics.
//! - **Stress** (switched on at run time by the grader's kit, see
//!   [`instrument`]): at every synchronization point (lock, unlock, wait,
//!   notify, atomic operation, spawn, join) a seeded random choice may yield,
//!   spin or sleep for a few microseconds. This widens race windows that are
//!   nanoseconds wide on real hardware, so a lost update or a lock-order
//!   deadlock shows up in every run instead of once in a thousand, even on one
//!   core. What std's contracts allow to happen spuriously now happens now and
//!   then (seeded): a `Condvar` wait returns without a notify, `park` without
//!   an `unpark`, `compare_exchange_weak` fails although the value matched; so
//!   an `if` where a `while` belongs is caught wherever a check waits (schedule
//!   explorations under shuttle get the spurious wake-ups too, drawn from
//!   shuttle's replayable randomness). Locks also record who holds them and
//!   who waits for them, so a stalled check can print the wait-for cycle
//!   ("worker-1 waits for mutex #2, held by worker-0, which waits for mutex
//!   #1, held by worker-1"), and each acquisition with its mode, so a check
//!   can audit which locks an operation takes ([`instrument::audit`]).
//! - **`--cfg loom`** (the grader's `loom` build variant): loom's model
//!   checking types underneath, so the grader can explore every interleaving
//!   of a small scenario, including the reorderings weak memory orderings
//!   allow (a `Relaxed` that should be `Release`/`Acquire`).
//! - **`--cfg shuttle`** (the grader's `shuttle` build variant): shuttle's
//!   controlled scheduler underneath, so the grader can explore many seeded,
//!   replayable interleavings of bigger scenarios (3–4 threads, dozens of
//!   operations) at microseconds per schedule. Shuttle treats every atomic as
//!   `SeqCst`: it finds lost updates, missed wake-ups and deadlocks, never an
//!   ordering bug (that is loom's job).
//!
//! The stress switch is a run-time switch rather than a `--cfg` build variant
//! on purpose: a student compiles, tests and is graded against the very same
//! types (an API the facade lacks fails in the student's own `cargo test`,
//! never only inside the grader), the grader builds check programs once
//! instead of twice, and a check can choose per scenario whether to perturb
//! (timing checks must not be perturbed; race checks must be).
//!
//! Differences from std are hidden the way tokio's `src/loom` hides them:
//! loom has no `Barrier`, `thread::scope`, `sleep` or poisoning, so the facade
//! provides them on top of loom's primitives (a loom lock never reports
//! poisoning). Shuttle lacks less (`Builder::spawn_scoped`, `is_finished`,
//! `OnceLock`, `LazyLock`, and a `Barrier` that can be built outside an
//! execution), and the facade builds those on shuttle's primitives too. Under
//! shuttle a panic in any thread ends the execution as a failure, a lock is
//! never seen poisoned, and a timed wait never times out (shuttle has no
//! clock: a thread that only a timeout would wake is reported as deadlocked).
//! Two deliberate differences remain: [`cell::UnsafeCell`] has loom's closure
//! API (loom cannot track raw pointers), and under loom the constructors are
//! not `const` (a loom model needs fresh state per execution, so there are no
//! `static` locks in a model anyway).

#![warn(missing_docs)]

#[cfg(all(loom, shuttle))]
compile_error!("`--cfg loom` and `--cfg shuttle` exclude each other: build one checker at a time");

pub mod cell;
pub mod hint;
pub mod instrument;
mod rt;
pub mod sync;
pub mod thread;
