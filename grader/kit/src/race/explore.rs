//! Schedule exploration with shuttle: the same scenario run under a
//! controlled scheduler that picks a different interleaving each execution,
//! seeded and replayable, in the `shuttle` build variant.

use std::time::Duration;

use super::budget;
use super::stress::Violation;
use crate::{CheckResult, Ctx, Stop};

/// How the exploration picks interleavings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheduler {
    /// Probabilistic Concurrency Testing with this bug depth: random thread
    /// priorities plus `depth - 1` random priority changes per execution.
    /// Finds any bug that needs at most `depth - 1` preemptions with a
    /// probability that does not shrink with the scenario's length.
    Pct {
        /// Bug depth (1 = no preemptions; 2–3 catch almost every bug).
        depth: usize,
    },
    /// A uniformly random choice of the next thread at every step.
    Random,
}

impl std::fmt::Display for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scheduler::Pct { depth } => f.write_str(&crate::t!(
                "PCT scheduler, depth {depth}",
                "PCT 스케줄러, 깊이 {depth}"
            )),
            Scheduler::Random => f.write_str(&crate::t!("random scheduler", "무작위 스케줄러")),
        }
    }
}

/// What a scenario returns: `()` (it fails by panicking, e.g. with
/// `assert!`) or `Result<(), Violation>` (it fails by returning `Err`).
pub trait Outcome {
    /// The violation, if the scenario found one.
    fn into_violation(self) -> Option<Violation>;
}

impl Outcome for () {
    fn into_violation(self) -> Option<Violation> {
        None
    }
}

impl Outcome for Result<(), Violation> {
    fn into_violation(self) -> Option<Violation> {
        self.err()
    }
}

/// A schedule exploration check. Build with [`Explore::new`], tune, then
/// [`Explore::check`].
///
/// The scenario runs once per explored schedule, so it must build all of
/// its state itself (fresh locks, fresh `Arc`s) and use only the facade's
/// threads and primitives. It can be bigger than a loom model: 3 or 4
/// threads with a few dozen operations each cost microseconds per schedule.
///
/// Shuttle runs every atomic as `SeqCst`: exploration finds lost updates,
/// check-then-act races, missed wake-ups and deadlocks, never a missing
/// `Acquire`/`Release` (that is [`super::Model`]'s job).
///
/// The schedules are a function of the check's seed only: the same `--seed`
/// explores the same schedules in the same order and fails at the same one,
/// with the same message, on every run and every machine.
#[derive(Debug, Clone)]
pub struct Explore {
    what: String,
    scheduler: Scheduler,
    iterations: usize,
    max_time: Duration,
    max_steps: usize,
}

impl Explore {
    /// An exploration of `what` (shown in failures, e.g. "three threads
    /// adding to one Counter").
    ///
    /// Defaults: PCT with depth 3, 1000 schedules, at most 20 s (a safety
    /// net: size the budget so a correct answer takes well under a second),
    /// at most 100 000 scheduling steps per execution.
    pub fn new(what: impl AsRef<str>) -> Explore {
        let what = what.as_ref();
        Explore {
            what: what.to_string(),
            scheduler: Scheduler::Pct { depth: 3 },
            iterations: 1000,
            max_time: Duration::from_secs(20),
            max_steps: 100_000,
        }
    }

    /// Uses the PCT scheduler with this bug depth (at least 1).
    pub fn depth(mut self, depth: usize) -> Explore {
        self.scheduler = Scheduler::Pct {
            depth: depth.max(1),
        };
        self
    }

    /// Uses the random scheduler instead of PCT.
    pub fn random(mut self) -> Explore {
        self.scheduler = Scheduler::Random;
        self
    }

    /// How many schedules to explore (each one execution of the scenario).
    pub fn iterations(mut self, iterations: usize) -> Explore {
        self.iterations = iterations.max(1);
        self
    }

    /// Stops exploring after this long. It only ever shortens a run that
    /// found nothing so far (a passing run is then reported as passing on the
    /// schedules explored); budgets must catch wrong answers well within it.
    pub fn max_time(mut self, max: Duration) -> Explore {
        self.max_time = max;
        self
    }

    /// Most scheduling steps in one execution (a thread that spins without
    /// `threadlings::hint::spin_loop` exceeds any bound).
    pub fn max_steps(mut self, max: usize) -> Explore {
        self.max_steps = max.max(1);
        self
    }

    /// Explores `scenario`; fails with the first schedule in which it
    /// panics, returns a [`Violation`] or deadlocks. Outside the `shuttle`
    /// build this check is skipped.
    ///
    /// The check's `budget` in `checks.toml` wins over what the code set:
    /// `schedules` replaces [`Explore::iterations`], `depth` the PCT depth
    /// and `max_ms` [`Explore::max_time`]. Any other key (and `depth` with
    /// the random scheduler) fails the check as a metadata error.
    pub fn check<F, R>(self, ctx: &mut Ctx, scenario: F) -> CheckResult
    where
        F: Fn() -> R + Send + Sync + 'static,
        R: Outcome,
    {
        let explore = self.with_budget(ctx)?;
        imp::check(explore, ctx, scenario)
    }

    /// The metadata's budget over the code's numbers.
    fn with_budget(mut self, ctx: &Ctx) -> Result<Explore, Stop> {
        let budget = match self.scheduler {
            Scheduler::Pct { .. } => budget::for_tool(ctx, "exploration", &["schedules", "depth"]),
            Scheduler::Random => {
                budget::for_tool(ctx, "random-scheduler exploration", &["schedules"])
            }
        }?;
        if let Some(schedules) = budget.schedules {
            self = self.iterations(usize::try_from(schedules).unwrap_or(usize::MAX));
        }
        if let Some(depth) = budget.depth {
            self = self.depth(usize::try_from(depth).unwrap_or(usize::MAX));
        }
        if let Some(ms) = budget.max_ms {
            self.max_time = Duration::from_millis(ms);
        }
        Ok(self)
    }
}

#[cfg(not(shuttle))]
mod imp {
    use threadlings_schema::report::{KitSkip, RaceBuild};

    use super::{Explore, Outcome};
    use crate::{CheckResult, Ctx, Stop};

    pub(super) fn check<F, R>(explore: Explore, _ctx: &mut Ctx, _scenario: F) -> CheckResult
    where
        F: Fn() -> R + Send + Sync + 'static,
        R: Outcome,
    {
        Err(Stop::KitSkip(KitSkip::OtherBuild {
            build: RaceBuild::Shuttle,
            what: explore.what,
        }))
    }
}

#[cfg(shuttle)]
mod imp {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use rand::Rng;
    use shuttle::scheduler::{PctScheduler, RandomScheduler};
    use shuttle::{Config, FailurePersistence, MaxSteps, Runner};
    use threadlings::instrument::{self, Config as Instrument};
    use threadlings_schema::report::{
        Coverage, CoverageTool, DeadlockSummary, ExplorationAt, ExplorationScheduler, RaceDeadlock,
        RaceFailure, RaceHint, RacePanic, RaceReplay, RaceViolation, ShuttleSchedule,
        TraceExecution,
    };

    use super::{Explore, Outcome, Scheduler};
    use crate::race::deadlock::{diagnose, thread_states};
    use crate::race::panics;
    use crate::race::replay::replay_command;
    use crate::race::trace::{self, Ending};
    use crate::{CheckResult, Ctx, Failure, Stop};

    /// How shuttle reports a deadlock (its panic message starts so).
    const SHUTTLE_DEADLOCK: &str = "deadlock!";
    /// How shuttle reports an execution that exceeded its step bound.
    const SHUTTLE_STEPS: &str = "exceeded max_steps bound";
    /// Each model thread's stack: room for the answer's frames and for
    /// formatting a panic message in an unoptimized build.
    const STACK_SIZE: usize = 256 * 1024;
    /// Longer schedules are not shown (the seed replays them anyway).
    const MAX_SCHEDULE_CHARS: usize = 2000;

    /// Carries a scenario's [`Violation`] out of shuttle (which stops an
    /// execution only on a panic); the panic hook keeps it quiet.
    use crate::race::panics::Violated;

    pub(super) fn check<F, R>(explore: Explore, ctx: &mut Ctx, scenario: F) -> CheckResult
    where
        F: Fn() -> R + Send + Sync + 'static,
        R: Outcome,
    {
        panics::record();
        let seed: u64 = ctx.rng().random();
        let replay = RaceReplay {
            seed: ctx.seed(),
            command: replay_command(ctx),
        };
        instrument::enable(Instrument::exploration());
        // Shuttle runs one thread at a time: the log's order is the
        // interleaving, and `reset` empties it before each schedule.
        instrument::trace::record(true);
        let _off = Disable;

        let mut config = Config::new();
        config.stack_size = STACK_SIZE;
        config.failure_persistence = FailurePersistence::None;
        config.max_steps = MaxSteps::FailAfter(explore.max_steps);
        config.max_time = Some(explore.max_time);
        // Shuttle warns that its atomics are all SeqCst: the checks know.
        config.silence_warnings = true;

        let executions = Arc::new(AtomicUsize::new(0));
        let counter = executions.clone();
        let body = move || {
            counter.fetch_add(1, Ordering::Relaxed);
            instrument::reset();
            if let Some(violation) = scenario().into_violation() {
                panic::panic_any(Violated(violation));
            }
        };
        let started = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| match explore.scheduler {
            Scheduler::Pct { depth } => Runner::new(
                PctScheduler::new_from_seed(seed, depth, explore.iterations),
                config,
            )
            .run(body),
            Scheduler::Random => Runner::new(
                RandomScheduler::new_from_seed(seed, explore.iterations),
                config,
            )
            .run(body),
        }));
        let explored = executions.load(Ordering::Relaxed);
        crate::race::send_coverage(
            ctx.name(),
            Coverage {
                tool: CoverageTool::Exploration,
                executions: explored as u64,
                budget: Some(explore.iterations as u64),
                threads: None,
                operations: None,
                pct_depth: match explore.scheduler {
                    Scheduler::Pct { depth } => Some(depth as u32),
                    Scheduler::Random => None,
                },
                preemption_bound: None,
                time_capped: outcome.is_ok() && explored < explore.iterations,
                deterministic: true,
            },
        );
        match outcome {
            Ok(ran) => {
                let (limit, schedules) = (explore.max_time, explore.iterations);
                let cut = if ran < schedules {
                    crate::t!(
                        " (time limit {limit:?} reached: {ran} of {schedules} schedules)",
                        "(시간 한도 {limit:?}에 도달: 스케줄 {schedules}개 중 {ran}개)"
                    )
                } else {
                    String::new()
                };
                let (what, took, scheduler) = (&explore.what, started.elapsed(), explore.scheduler);
                eprintln!(
                    "{}",
                    crate::t!(
                        "explore `{what}`: {ran} schedules explored in {took:?} ({scheduler}, shuttle seed {seed}){cut}",
                        "explore `{what}`: {took:?} 동안 스케줄 {ran}개 탐색({scheduler}, shuttle 시드 {seed}){cut}"
                    )
                );
                Ok(())
            }
            Err(payload) => {
                let schedule = failing_schedule();
                let snapshot = instrument::try_snapshot().unwrap_or_default();
                let at = ExplorationAt {
                    scheduler: match explore.scheduler {
                        Scheduler::Pct { depth } => ExplorationScheduler::Pct {
                            depth: depth as u64,
                        },
                        Scheduler::Random => ExplorationScheduler::Random,
                    },
                    schedule: explored as u64,
                    schedules: explore.iterations as u64,
                    shuttle_seed: seed,
                };
                let deadlocked = payload.downcast_ref::<Violated>().is_none()
                    && panics::text(payload.as_ref()).starts_with(SHUTTLE_DEADLOCK);
                trace::send(
                    ctx.name(),
                    TraceExecution::Exploration {
                        schedule: explored as u64,
                        schedules: explore.iterations as u64,
                    },
                    if deadlocked {
                        Ending::Deadlock
                    } else {
                        Ending::Failed
                    },
                );
                let what = explore.what.clone();
                if let Some(Violated(violation)) = payload.downcast_ref::<Violated>() {
                    return Err(Stop::Fail(Failure::race(
                        RaceFailure::ExplorationViolation {
                            what,
                            at,
                            violation: RaceViolation {
                                invariant: violation.invariant.clone(),
                                expected: violation.expected.clone(),
                                seen: violation.seen.clone(),
                            },
                            schedule,
                            replay,
                        },
                    )));
                }
                let message = panics::text(payload.as_ref());
                // data: the panic message of `todo!()`, re-raised as "not started"
                if message.starts_with("not yet implemented") {
                    panic::resume_unwind(payload);
                }
                if message.starts_with(SHUTTLE_DEADLOCK) {
                    let deadlock = match diagnose(&snapshot) {
                        Some(d) => d.deadlock,
                        None => RaceDeadlock {
                            summary: DeadlockSummary::NoThreadCanRun,
                            threads: thread_states(&snapshot),
                            checker: Some(message.trim_end().to_string()),
                        },
                    };
                    return Err(Stop::Fail(Failure::race(
                        RaceFailure::ExplorationDeadlock {
                            what,
                            at,
                            deadlock,
                            schedule,
                            replay,
                        },
                    )));
                }
                Err(Stop::Fail(Failure::race(RaceFailure::ExplorationFailed {
                    what,
                    at,
                    panic: RacePanic {
                        hint: hint(&message),
                        ..panics::panic_of(&message)
                    },
                    schedule,
                    replay,
                })))
            }
        }
    }

    fn hint(message: &str) -> Option<RaceHint> {
        message
            .starts_with(SHUTTLE_STEPS)
            .then_some(RaceHint::SpinsWithoutEnd)
    }

    /// The schedule of the execution that just failed, in shuttle's encoding
    /// (`shuttle::replay(scenario, "...")` runs exactly that interleaving).
    fn failing_schedule() -> ShuttleSchedule {
        let schedule = shuttle_engine::runtime::execution::CurrentSchedule::get_schedule();
        // Shuttle wraps it at 76 columns; one token is easier to copy.
        let encoded: String =
            shuttle_engine::scheduler::serialization::serialize_schedule(&schedule)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
        if encoded.len() > MAX_SCHEDULE_CHARS {
            ShuttleSchedule::TooLong {
                steps: schedule.len() as u64,
                chars: encoded.len() as u64,
            }
        } else {
            ShuttleSchedule::Encoded { schedule: encoded }
        }
    }

    /// Turns instrumentation off when the exploration ends, however it ends.
    struct Disable;

    impl Drop for Disable {
        fn drop(&mut self) {
            instrument::disable();
        }
    }
}

/// Run with `RUSTFLAGS="--cfg shuttle" cargo test -p threadlings-kit --lib
/// --target-dir target/shuttle` (the normal build only has the skip).
#[cfg(test)]
#[cfg(shuttle)]
mod tests {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Arc;

    use threadlings::sync::Mutex;

    use super::{Explore, Violation};
    use crate::{Ctx, Stop};

    /// Instrumentation is process-wide: one exploration at a time.
    static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// Two threads adding 1 with the read and the write in two critical
    /// sections: an addition is lost when they interleave.
    fn lost_update() -> Result<(), Violation> {
        let value = Arc::new(Mutex::new(0_u64));
        let add = |value: Arc<Mutex<u64>>| {
            move || {
                let seen = *value.lock().unwrap();
                *value.lock().unwrap() = seen + 1;
            }
        };
        let other = threadlings::thread::spawn(add(value.clone()));
        add(value.clone())();
        other.join().unwrap();
        Violation::ensure_eq("both additions count", *value.lock().unwrap(), 2)
    }

    fn explore(seed: u64, scenario: fn() -> Result<(), Violation>) -> Result<(), Stop> {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let mut ctx = Ctx::new("lost_update", seed);
        Explore::new("two racing additions")
            .iterations(200)
            .check(&mut ctx, scenario)
    }

    fn failure(seed: u64) -> String {
        match explore(seed, lost_update) {
            Err(Stop::Fail(failure)) => format!(
                "{}\nactual {:?}, expected {:?}",
                failure.message, failure.actual, failure.expected
            ),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_race_fails_with_its_seed_and_the_same_seed_fails_the_same_way() {
        let first = failure(3);
        assert!(first.contains("both additions count"), "{first}");
        assert!(first.contains("seed 3; replay: "), "{first}");
        assert!(first.contains("shuttle schedule: 91"), "{first}");
        assert_eq!(failure(3), first);
        assert_eq!(failure(3), first);
    }

    #[test]
    fn the_schedule_shown_replays_the_failure() {
        let message = failure(11);
        let schedule = message
            .split("shuttle schedule: ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .expect("the failure shows the schedule")
            .to_string();
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let replayed = panic::catch_unwind(AssertUnwindSafe(|| {
            shuttle::replay(
                || {
                    if let Err(violation) = lost_update() {
                        panic!("{}", violation.invariant);
                    }
                },
                &schedule,
            )
        }));
        let payload = replayed.expect_err("replaying the failing schedule fails again");
        assert_eq!(
            crate::race::panics::text(payload.as_ref()),
            "both additions count"
        );
    }

    #[test]
    fn the_metadata_budget_wins_over_the_schedules_the_code_sets() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use threadlings_schema::budget::Budget;

        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let executions = Arc::new(AtomicUsize::new(0));
        let counter = executions.clone();
        let mut ctx =
            Ctx::new("lost_update", 3).with_budget(Budget::parse("schedules=7,depth=2").unwrap());
        let outcome =
            Explore::new("two locked additions")
                .iterations(200)
                .check(&mut ctx, move || {
                    counter.fetch_add(1, Ordering::Relaxed);
                    let value = Arc::new(Mutex::new(0_u64));
                    let other = {
                        let value = value.clone();
                        threadlings::thread::spawn(move || *value.lock().unwrap() += 1)
                    };
                    *value.lock().unwrap() += 1;
                    other.join().unwrap();
                });
        assert_eq!(outcome, Ok(()));
        assert_eq!(executions.load(Ordering::Relaxed), 7);

        let mut ctx = Ctx::new("lost_update", 3).with_budget(Budget::parse("schedules=9").unwrap());
        let Err(Stop::Fail(failure)) = Explore::new("two racing additions")
            .iterations(200)
            .check(&mut ctx, lost_update)
        else {
            panic!("expected a failure");
        };
        assert!(
            failure.message.contains(" of 9, shuttle seed"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("--seed 3 --budget schedules=9"),
            "{}",
            failure.message
        );

        let mut ctx = Ctx::new("lost_update", 3).with_budget(Budget::parse("depth=2").unwrap());
        let Err(Stop::Fail(failure)) = Explore::new("x").random().check(&mut ctx, || ()) else {
            panic!("`depth` means nothing to the random scheduler");
        };
        assert!(
            failure.message.starts_with(
                "metadata error: budget key `depth` is not used by a random-scheduler exploration"
            ),
            "{}",
            failure.message
        );
    }

    #[test]
    fn a_correct_scenario_passes() {
        fn correct() -> Result<(), Violation> {
            let value = Arc::new(Mutex::new(0_u64));
            let other = {
                let value = value.clone();
                threadlings::thread::spawn(move || *value.lock().unwrap() += 1)
            };
            *value.lock().unwrap() += 1;
            other.join().unwrap();
            Violation::ensure_eq("both additions count", *value.lock().unwrap(), 2)
        }
        for seed in 0..5 {
            assert_eq!(explore(seed, correct), Ok(()));
        }
    }

    #[test]
    fn a_deadlock_is_reported_with_its_cycle() {
        fn opposite_orders() -> Result<(), Violation> {
            let forks = Arc::new([Mutex::new(()), Mutex::new(())]);
            threadlings::instrument::name(&forks[0], "fork-0");
            threadlings::instrument::name(&forks[1], "fork-1");
            let other = {
                let forks = forks.clone();
                threadlings::thread::Builder::new()
                    .name("philosopher-1".to_string())
                    .spawn(move || {
                        let _first = forks[1].lock().unwrap();
                        let _second = forks[0].lock().unwrap();
                    })
                    .unwrap()
            };
            {
                let _first = forks[0].lock().unwrap();
                let _second = forks[1].lock().unwrap();
            }
            other.join().unwrap();
            Ok(())
        }
        let Err(Stop::Fail(failure)) = explore(5, opposite_orders) else {
            panic!("expected a deadlock");
        };
        let first_line = failure.message.lines().next().unwrap_or_default();
        assert!(
            first_line.starts_with("deadlock: ")
                && first_line.contains("fork-0")
                && first_line.contains("fork-1")
                && first_line.contains("philosopher-1"),
            "{}",
            failure.message
        );
    }
}
