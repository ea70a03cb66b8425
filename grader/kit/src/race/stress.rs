//! The stress runner: threads × rounds of seeded operations with the
//! facade's perturbation on, an invariant checked after every round, and
//! deadlock diagnosis while it runs.

use std::fmt::Debug;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use threadlings::instrument::{self, Config};

use super::trace::{self, Ending};

use super::budget;
use super::deadlock::{Early, watch_with};
use super::panics;
use super::replay::replay_command;
use crate::{CheckResult, Ctx, Failure, Stop};
use threadlings_schema::budget::Budget;
use threadlings_schema::report::{
    Coverage, CoverageTool, RaceFailure, RacePanic, RaceReplay, RaceViolation, TraceExecution,
    WatchedRun,
};

/// An invariant that did not hold after a round.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The invariant, in words ("money is conserved: ...").
    pub invariant: String,
    /// What it should have been.
    pub expected: Option<String>,
    /// What was seen.
    pub seen: String,
}

impl Violation {
    /// The invariant `invariant` does not hold; `seen` is what was observed.
    pub fn new(invariant: impl Into<String>, seen: impl Into<String>) -> Violation {
        Violation {
            invariant: invariant.into(),
            expected: None,
            seen: seen.into(),
        }
    }

    /// What the values should have been.
    pub fn expected(mut self, expected: impl Into<String>) -> Violation {
        self.expected = Some(expected.into());
        self
    }

    /// Fails unless `actual == expected`, naming the invariant.
    pub fn ensure_eq<T: PartialEq + Debug>(
        invariant: &str,
        actual: T,
        expected: T,
    ) -> Result<(), Violation> {
        if actual == expected {
            Ok(())
        } else {
            Err(Violation::new(invariant, format!("{actual:?}")).expected(format!("{expected:?}")))
        }
    }
}

/// What the threads did in one round: `threads[t]` lists thread `t`'s
/// results in order.
#[derive(Debug)]
pub struct RoundLog<O> {
    /// The round number, from 0.
    pub round: usize,
    /// Per thread, the result of each operation, in order.
    pub threads: Vec<Vec<O>>,
}

impl<O> RoundLog<O> {
    /// Every result of the round.
    pub fn all(&self) -> impl Iterator<Item = &O> {
        self.threads.iter().flatten()
    }
}

/// A stress run. Build with [`Stress::new`], tune, then [`Stress::run`].
#[derive(Debug, Clone)]
pub struct Stress {
    what: String,
    check: String,
    seed: u64,
    replay: RaceReplay,
    threads: usize,
    rounds: usize,
    ops: usize,
    time_cap: Duration,
    limit: Duration,
    stall: Duration,
    config: Config,
    /// The first worker panic, reported even if other workers are stuck:
    /// (what to report, when it was recorded, whether it is only a poisoned
    /// lock, the consequence of another thread's panic).
    early: Arc<Mutex<EarlySlot>>,
    /// The round running now (for reports of deadlocks and hangs).
    round: Arc<std::sync::atomic::AtomicUsize>,
    /// Worker threads are named `{names}-{t}`.
    names: String,
    /// The metadata's budget, applied over the code's numbers by `run` (or
    /// the metadata error it is).
    budget: Result<Budget, Stop>,
}

type EarlySlot = Option<(Early, Instant, bool)>;

impl std::fmt::Debug for Early {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Early::Fail(failure) => write!(f, "Fail({})", failure.message),
            Early::Stub(message) => write!(f, "Stub({message})"),
        }
    }
}

impl Stress {
    /// A stress run of `what` (shown in failures, e.g. "concurrent transfers").
    ///
    /// Defaults: 4 threads × 20 operations, 100 rounds, at most 5 s of
    /// rounds, deadlock declared after 2 s of complete stall, 20 s limit.
    ///
    /// The check's `budget` in `checks.toml` wins over what the code sets:
    /// `rounds` replaces [`Stress::rounds`] and `max_ms` the time cap
    /// ([`Stress::time_cap`]; the limit keeps the code's margin above it).
    /// Any other key fails the check as a metadata error.
    pub fn new(ctx: &mut Ctx, what: impl AsRef<str>) -> Stress {
        let what = what.as_ref();
        let seed = ctx.rng().random();
        Stress {
            what: what.to_string(),
            check: ctx.name().to_string(),
            seed,
            replay: RaceReplay {
                seed: ctx.seed(),
                command: replay_command(ctx),
            },
            threads: 4,
            rounds: 100,
            ops: 20,
            time_cap: Duration::from_secs(5),
            limit: Duration::from_secs(20),
            stall: Duration::from_secs(2),
            config: Config::stress(seed),
            early: Arc::new(Mutex::new(None)),
            round: Arc::new(std::sync::atomic::AtomicUsize::new(0)),
            names: "worker".to_string(),
            budget: budget::for_tool(ctx, "stress", &["rounds"]),
        }
    }

    /// Threads per round (each runs [`Stress::ops`] operations).
    pub fn threads(mut self, threads: usize) -> Stress {
        self.threads = threads.max(1);
        self
    }

    /// Names the worker threads `{prefix}-0`, `{prefix}-1`, ... (default
    /// `worker`), as deadlock reports and failures show them.
    pub fn thread_names(mut self, prefix: &str) -> Stress {
        self.names = prefix.to_string();
        self
    }

    /// Rounds, each on a fresh subject, each followed by the invariant.
    pub fn rounds(mut self, rounds: usize) -> Stress {
        self.rounds = rounds.max(1);
        self
    }

    /// Operations per thread per round.
    pub fn ops(mut self, ops: usize) -> Stress {
        self.ops = ops.max(1);
        self
    }

    /// Stops starting new rounds after this long. It only ever shortens a
    /// run that found nothing so far; budgets must catch wrong answers well
    /// within it.
    pub fn time_cap(mut self, cap: Duration) -> Stress {
        self.time_cap = cap;
        self
    }

    /// The whole run's limit (then: "did not finish", with each thread's state).
    pub fn limit(mut self, limit: Duration) -> Stress {
        self.limit = limit;
        self
    }

    /// How long every thread must have been blocked, with nothing moving,
    /// before the run is declared deadlocked.
    pub fn stall(mut self, stall: Duration) -> Stress {
        self.stall = stall;
        self
    }

    /// Share of synchronization points perturbed, in 1/1000 (default 200).
    pub fn perturb_rate(mut self, per_mille: u32) -> Stress {
        self.config.rate_per_mille = per_mille;
        self
    }

    /// Runs the rounds.
    ///
    /// - `setup` builds a fresh subject for each round (on the runner thread).
    /// - `op(&subject, thread, step, rng)` is operation number `step` of
    ///   thread `thread`, with that thread's seeded random source; its result
    ///   goes to the log.
    /// - `invariant(&subject, &log)` runs after every round, once all threads
    ///   are joined.
    ///
    /// A panic in an operation fails the check, naming the thread and round
    /// (a `todo!()` is reported as "not started" by the harness).
    pub fn run<S, O, Setup, Op, Inv>(self, setup: Setup, op: Op, invariant: Inv) -> CheckResult
    where
        S: Sync + 'static,
        O: Send + 'static,
        Setup: FnMut(&mut ChaCha8Rng) -> S + Send + 'static,
        Op: Fn(&S, usize, usize, &mut ChaCha8Rng) -> O + Send + Sync + 'static,
        Inv: FnMut(&S, &RoundLog<O>) -> Result<(), Violation> + Send + 'static,
    {
        let this = self.with_budget()?;
        this.run_planned(setup, op, invariant)
    }

    /// The metadata's budget over the code's numbers.
    fn with_budget(mut self) -> Result<Stress, Stop> {
        let budget = self.budget.clone()?;
        if let Some(rounds) = budget.rounds {
            self.rounds = usize::try_from(rounds).unwrap_or(usize::MAX).max(1);
        }
        if let Some(ms) = budget.max_ms {
            let margin = self.limit.saturating_sub(self.time_cap);
            self.time_cap = Duration::from_millis(ms);
            self.limit = self.limit.max(self.time_cap + margin);
        }
        Ok(self)
    }

    fn run_planned<S, O, Setup, Op, Inv>(self, setup: Setup, op: Op, invariant: Inv) -> CheckResult
    where
        S: Sync + 'static,
        O: Send + 'static,
        Setup: FnMut(&mut ChaCha8Rng) -> S + Send + 'static,
        Op: Fn(&S, usize, usize, &mut ChaCha8Rng) -> O + Send + Sync + 'static,
        Inv: FnMut(&S, &RoundLog<O>) -> Result<(), Violation> + Send + 'static,
    {
        panics::record();
        instrument::enable(self.config.clone());
        // The steps of each round, for the report of a failed one. Real
        // threads run at once here, so the log's order is the order the
        // facade recorded them in: exact for each lock (a step is recorded
        // while the lock is held), approximate across objects.
        instrument::trace::record(true);
        let _off = Disable;
        let limit = self.limit;
        let stall = self.stall;
        let what = crate::t!("the stress run of {}", "“{}”의 스트레스 실행", self.what);
        let early = self.early.clone();
        let plan = Arc::new(self);
        let runner = plan.clone();
        let outcome = watch_with(
            &what,
            limit,
            stall,
            &|| {
                let mut slot = early.lock().ok()?;
                // A poisoned lock is a consequence: give the panic that
                // poisoned it a moment to be recorded first.
                let ready = slot.as_ref().is_some_and(|(_, at, poison)| {
                    !poison || at.elapsed() >= Duration::from_millis(200)
                });
                if ready {
                    slot.take().map(|(early, _, _)| early)
                } else {
                    None
                }
            },
            move || runner.rounds_loop(setup, op, invariant),
        )
        .map_err(|stop| match stop {
            // A deadlock or a hang: say when, and how to see it again.
            Stop::Fail(failure) if !failure.message.contains(&plan.replay.to_english()) => {
                let round = plan.round.load(std::sync::atomic::Ordering::Relaxed);
                if failure.message.starts_with("deadlock") {
                    trace::send(&plan.check, plan.round_label(round), Ending::Deadlock);
                }
                Stop::Fail(plan.in_round(failure, round))
            }
            other => other,
        })?;
        outcome.map_err(Stop::Fail)
    }

    fn rounds_loop<S, O, Setup, Op, Inv>(
        &self,
        mut setup: Setup,
        op: Op,
        mut invariant: Inv,
    ) -> Result<(), Failure>
    where
        S: Sync,
        O: Send,
        Setup: FnMut(&mut ChaCha8Rng) -> S,
        Op: Fn(&S, usize, usize, &mut ChaCha8Rng) -> O + Sync,
        Inv: FnMut(&S, &RoundLog<O>) -> Result<(), Violation>,
    {
        let started = Instant::now();
        let mut rng = ChaCha8Rng::seed_from_u64(self.seed);
        let coverage = |rounds: usize, time_capped: bool| Coverage {
            tool: CoverageTool::Stress,
            executions: rounds as u64,
            budget: Some(self.rounds as u64),
            threads: Some(self.threads as u32),
            operations: Some(self.ops as u32),
            pct_depth: None,
            preemption_bound: None,
            time_capped,
            deterministic: false,
        };
        for round in 0..self.rounds {
            self.round
                .store(round, std::sync::atomic::Ordering::Relaxed);
            if started.elapsed() >= self.time_cap {
                let (check, cap, rounds) = (&self.check, self.time_cap, self.rounds);
                eprintln!(
                    "{}",
                    crate::t!(
                        "stress `{check}`: time cap {cap:?} reached after {round} of {rounds} rounds",
                        "stress `{check}`: 라운드 {rounds}개 중 {round}개 뒤에 시간 한도 {cap:?}에 \
                         도달했습니다"
                    )
                );
                super::send_coverage(&self.check, coverage(round, true));
                return Ok(());
            }
            let subject = setup(&mut rng);
            let round_seed: u64 = rng.random();
            instrument::trace::clear();
            let log = self.one_round(&subject, &op, round, round_seed)?;
            if let Err(violation) = invariant(&subject, &log) {
                trace::send(&self.check, self.round_label(round), Ending::Failed);
                super::send_coverage(&self.check, coverage(round + 1, false));
                return Err(self.violation_failure(round, &violation));
            }
        }
        if std::env::var_os("THREADLINGS_RACE_STATS").is_some() {
            let (check, rounds, threads, ops, took) = (
                &self.check,
                self.rounds,
                self.threads,
                self.ops,
                started.elapsed(),
            );
            eprintln!(
                "{}",
                crate::t!(
                    "stress `{check}`: {rounds} rounds × {threads} threads × {ops} ops in {took:?}",
                    "stress `{check}`: {took:?} 동안 라운드 {rounds}개 × 스레드 {threads}개 × 연산 \
                     {ops}개"
                )
            );
        }
        super::send_coverage(&self.check, coverage(self.rounds, false));
        Ok(())
    }

    fn one_round<S, O, Op>(
        &self,
        subject: &S,
        op: &Op,
        round: usize,
        round_seed: u64,
    ) -> Result<RoundLog<O>, Failure>
    where
        S: Sync,
        O: Send,
        Op: Fn(&S, usize, usize, &mut ChaCha8Rng) -> O + Sync,
    {
        let start = threadlings::sync::Barrier::new(self.threads);
        let ops = self.ops;
        let results = threadlings::thread::scope(|scope| {
            let handles: Vec<_> = (0..self.threads)
                .map(|t| {
                    let start = &start;
                    threadlings::thread::Builder::new()
                        .name(format!("{}-{t}", self.names))
                        .spawn_scoped(scope, move || {
                            let mut rng = ChaCha8Rng::seed_from_u64(
                                round_seed ^ (t as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
                            );
                            start.wait();
                            let outcome = catch_unwind(AssertUnwindSafe(|| {
                                (0..ops)
                                    .map(|step| op(subject, t, step, &mut rng))
                                    .collect::<Vec<O>>()
                            }));
                            match outcome {
                                Ok(log) => {
                                    threadlings::instrument::doing(None);
                                    log
                                }
                                Err(payload) => {
                                    self.worker_panicked(t, round, payload.as_ref());
                                    resume_unwind(payload)
                                }
                            }
                        })
                        .unwrap_or_else(|e| {
                            panic!(
                                "{}: {e:?}",
                                crate::t!(
                                    "could not start a stress thread",
                                    "스트레스 스레드를 시작할 수 없습니다"
                                )
                            )
                        })
                })
                .collect();
            handles.into_iter().map(|h| h.join()).collect::<Vec<_>>()
        });
        let mut threads = Vec::with_capacity(results.len());
        let mut panicked = Vec::new();
        for (t, result) in results.into_iter().enumerate() {
            match result {
                Ok(log) => threads.push(log),
                Err(payload) => {
                    let message = panics::text(payload.as_ref());
                    // data: the panic message of `todo!()`
                    if message.starts_with("not yet implemented") {
                        // Let the harness report the stub as "not started".
                        resume_unwind(payload);
                    }
                    panicked.push((t, message));
                }
            }
        }
        // Report the panic that started it, not the poisoned locks it left.
        panicked.sort_by_key(|(_, message)| message.contains("PoisonError"));
        if let Some((t, message)) = panicked.first() {
            return Err(self.panic_failure(*t, round, message, None));
        }
        Ok(RoundLog { round, threads })
    }

    /// Records a worker's panic so the watcher reports it at once, even if
    /// other workers now wait forever for what the panicked one never did.
    fn worker_panicked(&self, t: usize, round: usize, payload: &(dyn std::any::Any + Send)) {
        let message = panics::text(payload);
        let doing = instrument::snapshot()
            .threads
            .into_iter()
            .find(|th| th.name == format!("{}-{t}", self.names))
            .and_then(|th| th.doing);
        let poison = message.contains("PoisonError");
        // data: the panic message of `todo!()`
        let early = if message.starts_with("not yet implemented") {
            Early::Stub(message)
        } else {
            Early::Fail(self.panic_failure(t, round, &message, doing.as_deref()))
        };
        if let Ok(mut slot) = self.early.lock() {
            // The original panic beats the poisoned locks it leaves behind.
            if slot
                .as_ref()
                .is_none_or(|(_, _, was_poison)| *was_poison && !poison)
            {
                *slot = Some((early, Instant::now(), poison));
            }
        }
    }

    fn panic_failure(&self, t: usize, round: usize, message: &str, doing: Option<&str>) -> Failure {
        Failure::race(RaceFailure::StressPanic {
            thread: format!("{}-{t}", self.names),
            doing: doing.map(str::to_string),
            round: round as u64 + 1,
            rounds: self.rounds as u64,
            what: self.what.clone(),
            panic: RacePanic {
                hint: None,
                ..panics::panic_of(message)
            },
            replay: self.replay.clone(),
        })
    }

    /// A deadlock or hang the watcher found, said of round `round` (from
    /// 0) of this run, with the replay.
    fn in_round(&self, mut failure: Failure, round: usize) -> Failure {
        let stress = WatchedRun::Stress {
            what: self.what.clone(),
            round: round as u64 + 1,
            rounds: self.rounds as u64,
            replay: self.replay.clone(),
        };
        match failure.race.take().map(|race| *race) {
            Some(RaceFailure::Deadlock {
                run: WatchedRun::Run { .. },
                deadlock,
                stall_ms,
            }) => Failure::race(RaceFailure::Deadlock {
                run: stress,
                deadlock,
                stall_ms,
            }),
            Some(RaceFailure::Hang {
                run: WatchedRun::Run { .. },
                limit_ms,
                threads,
            }) => Failure::race(RaceFailure::Hang {
                run: stress,
                limit_ms,
                threads,
            }),
            race => {
                // Not the watcher's data (a thread that could not start):
                // the words stay as they are, with when and how to replay.
                failure.race = race.map(Box::new);
                let (round, rounds) = (round + 1, self.rounds);
                failure.message = format!(
                    "{}\n({}; {})",
                    failure.message.trim_end(),
                    crate::t!(
                        "in round {round} of {rounds}",
                        "라운드 {round}/{rounds}에서"
                    ),
                    self.replay.to_english()
                );
                failure
            }
        }
    }

    /// Round 3 of 150 (`stress round 3 of 150`): which execution a trace
    /// shows.
    fn round_label(&self, round: usize) -> TraceExecution {
        TraceExecution::Stress {
            round: round as u64 + 1,
            rounds: self.rounds as u64,
        }
    }

    fn violation_failure(&self, round: usize, violation: &Violation) -> Failure {
        Failure::race(RaceFailure::StressViolation {
            what: self.what.clone(),
            round: round as u64 + 1,
            rounds: self.rounds as u64,
            threads: self.threads as u64,
            operations: self.ops as u64,
            violation: RaceViolation {
                invariant: violation.invariant.clone(),
                expected: violation.expected.clone(),
                seen: violation.seen.clone(),
            },
            replay: self.replay.clone(),
        })
    }
}

/// Turns instrumentation off when the run ends, however it ends.
struct Disable;

impl Drop for Disable {
    fn drop(&mut self) {
        instrument::disable();
    }
}

/// Plain build only: under `--cfg shuttle` or `--cfg loom` the facade needs
/// their runtimes.
#[cfg(test)]
#[cfg(not(any(shuttle, loom)))]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use threadlings_schema::budget::Budget;

    use super::{Stress, Violation};
    use crate::{CheckResult, Ctx, Stop};

    /// Instrumentation is process-wide: one stress run (or audit) at a time.
    use crate::INSTRUMENT_SERIAL as SERIAL;

    fn ctx(budget: &str) -> Ctx {
        Ctx::new("counter_stress", 5).with_budget(Budget::parse(budget).unwrap())
    }

    /// A stress run whose code asks for 50 rounds; returns how many rounds
    /// ran and the verdict (the invariant fails when `fail` says so).
    fn run(budget: &str, fail: bool) -> (usize, CheckResult) {
        let _serial = SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let rounds = Arc::new(AtomicUsize::new(0));
        let seen = rounds.clone();
        let result = Stress::new(&mut ctx(budget), "no-op operations")
            .threads(2)
            .ops(1)
            .rounds(50)
            .run(
                |_| (),
                |_, _, _, _| (),
                move |_, _| {
                    seen.fetch_add(1, Ordering::Relaxed);
                    if fail {
                        Err(Violation::new("never holds", "a round ran"))
                    } else {
                        Ok(())
                    }
                },
            );
        (rounds.load(Ordering::Relaxed), result)
    }

    #[test]
    fn the_metadata_budget_wins_over_the_rounds_the_code_sets() {
        assert_eq!(run("", false), (50, Ok(())));
        assert_eq!(run("rounds=3", false), (3, Ok(())));
    }

    #[test]
    fn a_failure_counts_the_budgeted_rounds_and_its_replay_repeats_the_budget() {
        let (rounds, result) = run("rounds=3,max_ms=9000", true);
        assert_eq!(rounds, 1);
        let Err(Stop::Fail(failure)) = result else {
            panic!("the invariant never holds, got {result:?}");
        };
        assert!(
            failure
                .message
                .contains("after round 1 of 3 of no-op operations"),
            "{}",
            failure.message
        );
        assert!(
            failure
                .message
                .contains("-- counter_stress --seed 5 --budget rounds=3,max_ms=9000"),
            "{}",
            failure.message
        );
    }

    #[test]
    fn max_ms_replaces_the_time_cap_and_the_limit_keeps_its_margin() {
        let stress = Stress::new(&mut ctx("max_ms=7000"), "x")
            .time_cap(Duration::from_secs(2))
            .with_budget()
            .unwrap();
        assert_eq!(stress.time_cap, Duration::from_secs(7));
        assert_eq!(stress.limit, Duration::from_secs(25));
        assert_eq!(stress.rounds, 100, "the code's rounds stay");
    }

    #[test]
    fn a_key_a_stress_run_does_not_use_fails_the_check_before_any_round() {
        let (rounds, result) = run("schedules=10", false);
        assert_eq!(rounds, 0);
        let Err(Stop::Fail(failure)) = result else {
            panic!("`schedules` must not be ignored, got {result:?}");
        };
        assert!(
            failure.message.starts_with(
                "metadata error: budget key `schedules` is not used by a stress check"
            ),
            "{}",
            failure.message
        );
    }
}
