//! Loom model checks: every interleaving of a small scenario, up to a
//! preemption bound, in the `loom` build variant.

use std::time::Duration;

use super::budget;
use crate::{CheckResult, Ctx, Stop};

/// A model check. Build with [`Model::new`], then [`Model::check`].
///
/// The scenario closure runs once per explored interleaving, so it must
/// build all of its state itself (fresh locks, fresh `Arc`s) and use only
/// the facade's threads and primitives. Keep it small: 2 or 3 threads and a
/// handful of operations each. Loom supports at most 4 spawned threads.
#[derive(Debug, Clone)]
pub struct Model {
    what: String,
    preemption_bound: usize,
    max_duration: Duration,
    max_branches: usize,
}

impl Model {
    /// A model check of `what` (shown in failures, e.g. "two opposite transfers").
    ///
    /// Defaults: preemption bound 3, at most 20 s of exploration, 10 000
    /// branches per execution.
    pub fn new(what: impl AsRef<str>) -> Model {
        let what = what.as_ref();
        Model {
            what: what.to_string(),
            preemption_bound: 3,
            max_duration: Duration::from_secs(20),
            max_branches: 10_000,
        }
    }

    /// How many times loom may preempt a thread in one execution (2–3: bugs
    /// almost always need few preemptions, and the cost grows steeply).
    pub fn preemption_bound(mut self, bound: usize) -> Model {
        self.preemption_bound = bound;
        self
    }

    /// Stops exploring after this long (a passing model is then reported as
    /// passing on the interleavings explored). Size models so that the whole
    /// space is explored well within it: then the verdict is deterministic.
    pub fn max_duration(mut self, max: Duration) -> Model {
        self.max_duration = max;
        self
    }

    /// Most scheduling decisions in one execution (a thread that spins
    /// without `threadlings::hint::spin_loop` exceeds any bound).
    pub fn max_branches(mut self, max: usize) -> Model {
        self.max_branches = max;
        self
    }

    /// Explores `scenario`; fails with the first interleaving that panics or
    /// deadlocks. Outside the `loom` build this check is skipped.
    ///
    /// The check's `budget` in `checks.toml` wins over what the code set:
    /// `preemption_bound` replaces [`Model::preemption_bound`] and `max_ms`
    /// [`Model::max_duration`]. Any other key fails the check as a metadata
    /// error.
    pub fn check<F>(self, ctx: &mut Ctx, scenario: F) -> CheckResult
    where
        F: Fn() + Sync + Send + 'static,
    {
        let model = self.with_budget(ctx)?;
        imp::check(model, ctx, scenario)
    }

    /// The metadata's budget over the code's numbers.
    fn with_budget(mut self, ctx: &Ctx) -> Result<Model, Stop> {
        let budget = budget::for_tool(ctx, "model", &["preemption_bound"])?;
        if let Some(bound) = budget.preemption_bound {
            self.preemption_bound = usize::try_from(bound).unwrap_or(usize::MAX);
        }
        if let Some(ms) = budget.max_ms {
            self.max_duration = Duration::from_millis(ms);
        }
        Ok(self)
    }
}

#[cfg(not(loom))]
mod imp {
    use threadlings_schema::report::{KitSkip, RaceBuild};

    use super::Model;
    use crate::{CheckResult, Ctx, Stop};

    pub(super) fn check<F>(model: Model, _ctx: &mut Ctx, _scenario: F) -> CheckResult
    where
        F: Fn() + Sync + Send + 'static,
    {
        Err(Stop::KitSkip(KitSkip::OtherBuild {
            build: RaceBuild::Loom,
            what: model.what,
        }))
    }
}

#[cfg(loom)]
mod imp {
    use std::panic::{self, AssertUnwindSafe};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Instant;

    use threadlings::instrument::{self, Config};
    use threadlings_schema::protocol::{Message, Verdict};
    use threadlings_schema::report::{
        Coverage, CoverageTool, DeadlockSummary, RaceDeadlock, RaceFailure, RaceHint, RacePanic,
        RaceReplay, TraceExecution,
    };

    use super::Model;
    use crate::race::deadlock::{diagnose, thread_states};
    use crate::race::panics;
    use crate::race::replay::replay_command;
    use crate::race::trace::{self, Ending};
    use crate::{CheckResult, Ctx, Failure, Stop, channel};

    /// The message loom's scheduler panics with when no thread can run.
    const LOOM_DEADLOCK: &str = "deadlock; threads";

    pub(super) fn check<F>(model: Model, ctx: &mut Ctx, scenario: F) -> CheckResult
    where
        F: Fn() + Sync + Send + 'static,
    {
        panics::record();
        instrument::enable(Config::registry_only());
        // Loom runs one thread at a time: the log's order is the
        // interleaving, and `reset` empties it before each execution.
        instrument::trace::record(true);
        let executions = Arc::new(AtomicUsize::new(0));
        let replay = RaceReplay {
            seed: ctx.seed(),
            command: replay_command(ctx),
        };
        install_deadlock_hook(
            ctx.name().to_string(),
            model.what.clone(),
            executions.clone(),
            replay.clone(),
        );

        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(model.preemption_bound);
        builder.max_duration = Some(model.max_duration);
        builder.max_branches = model.max_branches;
        // Loom looks at the clock only every `checkpoint_interval` executions.
        builder.checkpoint_interval = 1;
        builder.checkpoint_file = None;
        let counter = executions.clone();
        let started = Instant::now();
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
            builder.check(move || {
                counter.fetch_add(1, Ordering::Relaxed);
                instrument::reset();
                scenario();
            })
        }));
        let explored = executions.load(Ordering::Relaxed);
        crate::race::send_coverage(
            ctx.name(),
            Coverage {
                tool: CoverageTool::Model,
                executions: explored as u64,
                budget: None,
                threads: None,
                operations: None,
                pct_depth: None,
                preemption_bound: Some(model.preemption_bound as u32),
                // Loom stops exploring, without failing, at its time limit.
                time_capped: outcome.is_ok() && started.elapsed() >= model.max_duration,
                deterministic: true,
            },
        );
        if outcome.is_err() {
            trace::send(
                ctx.name(),
                TraceExecution::Model {
                    execution: explored as u64,
                },
                Ending::FailedUnderWeakMemory,
            );
        }
        instrument::disable();
        match outcome {
            Ok(()) => {
                let (what, took, bound) = (&model.what, started.elapsed(), model.preemption_bound);
                eprintln!(
                    "{}",
                    crate::t!(
                        "model `{what}`: {explored} interleavings explored in {took:?} (preemption bound {bound})",
                        "model `{what}`: {took:?} 동안 인터리빙 {explored}개 탐색(선점 한도 {bound})"
                    )
                );
                Ok(())
            }
            Err(payload) => {
                let message = panics::text(payload.as_ref());
                // data: the panic message of `todo!()`, re-raised as "not started"
                if message.starts_with("not yet implemented") {
                    panic::resume_unwind(payload);
                }
                Err(Stop::Fail(Failure::race(RaceFailure::ModelFailed {
                    what: model.what.clone(),
                    execution: explored as u64,
                    preemption_bound: model.preemption_bound as u64,
                    panic: RacePanic {
                        hint: hint(&message),
                        ..panics::panic_of(&message)
                    },
                    replay,
                })))
            }
        }
    }

    fn hint(message: &str) -> Option<RaceHint> {
        if message.contains("Causality violation") {
            Some(RaceHint::Unsynchronized)
        // data: loom's panic message for an execution over its branch bound
        } else if message.contains("maximum number of branches") {
            Some(RaceHint::SpinsWithoutEnd)
        } else {
            None
        }
    }

    /// Loom aborts the process after a deadlock panic (the panic cannot
    /// unwind through its scheduler), so the verdict is sent from the hook.
    fn install_deadlock_hook(
        check: String,
        what: String,
        executions: Arc<AtomicUsize>,
        replay: RaceReplay,
    ) {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let message = panics::text(info.payload());
            if message.starts_with(LOOM_DEADLOCK) {
                let explored = executions.load(Ordering::Relaxed);
                let snapshot = instrument::try_snapshot().unwrap_or_default();
                trace::send(
                    &check,
                    TraceExecution::Model {
                        execution: explored as u64,
                    },
                    Ending::Deadlock,
                );
                let deadlock = match diagnose(&snapshot) {
                    Some(d) => d.deadlock,
                    None => RaceDeadlock {
                        summary: DeadlockSummary::NoThreadCanRun,
                        threads: thread_states(&snapshot),
                        checker: None,
                    },
                };
                let failure = Failure::race(RaceFailure::ModelDeadlock {
                    what: what.clone(),
                    execution: explored as u64,
                    deadlock,
                    replay: replay.clone(),
                });
                channel::send(Message::Finished {
                    check: check.clone(),
                    verdict: Verdict::Failed(failure),
                });
                std::process::exit(0);
            }
            previous(info);
        }));
    }
}

/// Run with `RUSTFLAGS="--cfg loom" cargo test -p threadlings-kit --lib
/// --target-dir target/loom` (the normal build only has the skip).
#[cfg(test)]
#[cfg(loom)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use threadlings::sync::atomic::AtomicU64;
    use threadlings_schema::budget::Budget;

    use super::Model;
    use crate::Ctx;

    /// How many interleavings of two threads, each making three atomic
    /// additions, the model explores under `budget` (the code says bound 3).
    fn interleavings(budget: &str) -> usize {
        let executions = Arc::new(AtomicUsize::new(0));
        let counter = executions.clone();
        let mut ctx = Ctx::new("adds_model", 1).with_budget(Budget::parse(budget).unwrap());
        let outcome =
            Model::new("two adding threads")
                .preemption_bound(3)
                .check(&mut ctx, move || {
                    counter.fetch_add(1, Ordering::Relaxed);
                    let value = Arc::new(AtomicU64::new(0));
                    let other = {
                        let value = value.clone();
                        threadlings::thread::spawn(move || {
                            for _ in 0..3 {
                                value.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                            }
                        })
                    };
                    for _ in 0..3 {
                        value.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    }
                    other.join().unwrap();
                });
        assert_eq!(outcome, Ok(()));
        executions.load(Ordering::Relaxed)
    }

    #[test]
    fn the_metadata_budget_wins_over_the_preemption_bound_the_code_sets() {
        let by_code = interleavings("");
        let bounded = interleavings("preemption_bound=0");
        assert!(bounded < by_code, "bound 0: {bounded}, bound 3: {by_code}");
        assert_eq!(interleavings("preemption_bound=3"), by_code);
    }
}
