//! The pool under the facade's stress instrumentation: the supervising
//! threads share a queue, result slots and a counter of started workers,
//! and replace lost workers at the same moment. Every lock, atomic
//! operation and thread start may pause (seeded), so a read-modify-write of
//! shared state split in two (a `load` then a `store`, a lock released
//! between the check and the change) loses an update in every run instead
//! of once in a thousand.

use std::time::Duration;

use rand::Rng;
use threadlings::instrument::{self, Config};
use threadlings_kit::race;
use threadlings_kit::{CheckResult, Ctx, Failure, Stop};

use crate::{config, ensure_report_shape, framing_works, pool};

const ROUNDS: usize = 4;
const WORKERS: usize = 4;
const TASKS: usize = 24;

/// Every task kills its worker at once, so the four supervising threads
/// keep replacing workers side by side: 4 + 24 workers are started per
/// round, and `workers_started` must count every one.
pub fn pool_restarts_under_stress(ctx: &mut Ctx) -> CheckResult {
    framing_works()?;
    let seed: u64 = ctx.rng().random();
    let replay = race::replay_command(ctx);
    // Every synchronization point pauses: the windows between a read and
    // a write of shared state are as wide as a process start's jitter.
    instrument::enable(Config {
        rate_per_mille: 1000,
        max_spin: Duration::from_micros(300),
        max_sleep: Duration::from_millis(1),
        ..Config::stress(seed)
    });
    let outcome = (|| -> CheckResult {
        for round in 0..ROUNDS {
            let report = pool(
                config(WORKERS, Duration::from_secs(30), 1),
                vec!["crash".to_string(); TASKS],
                Duration::from_secs(40),
                "the pool never finished while its workers kept dying",
            )?;
            ensure_report_shape(&report, TASKS)?;
            if let Some((i, result)) = report.results.iter().enumerate().find(|(_, r)| r.is_ok()) {
                return Err(Stop::Fail(
                    Failure::new(format!(
                        "round {round}: task {i} killed its worker, yet its result is {result:?}"
                    ))
                    .expected("Err(Crashed)"),
                ));
            }
            if report.attempts != vec![1; TASKS] {
                return Err(Stop::Fail(
                    Failure::new(format!(
                        "round {round}: with max_attempts = 1 every task is tried exactly once \
                         (attempts are counted by threads sharing them: an increment lost \
                         between two threads, or counted twice?)"
                    ))
                    .expected(format!("{:?}", vec![1; TASKS]))
                    .actual(format!("{:?}", report.attempts)),
                ));
            }
            if report.workers_started != WORKERS + TASKS {
                return Err(Stop::Fail(
                    Failure::new(format!(
                        "round {round} of {ROUNDS}, with random pauses at every lock and atomic \
                         operation: {WORKERS} workers, then one replacement for each of the \
                         {TASKS} that died, but workers_started says {}. Supervising threads \
                         replace workers at the same moment: an increment split into a read \
                         and a write (load, then store) loses one of them; use one atomic \
                         read-modify-write (fetch_add) or a lock around both (seed {}; {replay})",
                        report.workers_started,
                        ctx.seed()
                    ))
                    .expected((WORKERS + TASKS).to_string())
                    .actual(report.workers_started.to_string()),
                ));
            }
        }
        Ok(())
    })();
    instrument::disable();
    outcome
}
