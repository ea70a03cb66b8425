//! Litmus checks: outcome tables for memory ordering, as OpenJDK's jcstress
//! grades them.
//!
//! A litmus program is tiny: 2–3 threads, a few atomic accesses through the
//! student's code, and named results (`flag`, `words`). The instructor's
//! table classes every outcome (a tuple of result values) as acceptable,
//! interesting or forbidden; an outcome not in the table is forbidden. Two
//! engines fill the table, one per build, each its own check:
//!
//! - [`Litmus::model`] (`loom` build): loom runs the program once per
//!   interleaving, including the stale values a load may return under the
//!   student's orderings; the outcomes it produces are the ones those
//!   orderings **allow**. The check fails when a forbidden outcome is
//!   allowed. Loom's limits decide which programs it may grade: it does not
//!   model every behaviour `Relaxed` permits (no load buffering, no values
//!   "out of thin air") and it treats `SeqCst` like `AcqRel`, so a program
//!   whose forbidden outcome needs `SeqCst` to be excluded (store buffering,
//!   IRIW) would be reported allowed for a correct answer. Never grade those
//!   shapes with it; message passing (a flag `Release`/`Acquire` over data)
//!   and lock acquire/release are in its range.
//! - [`Litmus::stress`] (plain build): runs the program `rounds` times on
//!   real threads, with the facade's perturbation, and counts what **this
//!   machine** showed. The check fails when a forbidden outcome was seen.
//!   On x86 the hardware keeps stores in order and loads in order, so a
//!   missing `Release`/`Acquire` is rarely if ever seen here; what stress
//!   does catch everywhere is a program-order mistake (a flag raised before
//!   the data is written). The table shows both, so a student sees that
//!   "never seen here" is not "not allowed".
//!
//! Either way the table goes to the report as an
//! [`OutcomeTable`](threadlings_schema::report::OutcomeTable): outcome,
//! class, allowed by the model (from the loom check), seen here N times (from
//! the stress check), verdict.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use threadlings::instrument::{self, Config};
use threadlings_schema::protocol::Message;
pub use threadlings_schema::report::OutcomeClass;
use threadlings_schema::report::{
    KitFailure, LitmusRun, OutcomeRow, OutcomeTable, OutcomeVerdict, RaceReplay,
};

use crate::race::{Model, replay_command};
use crate::{CheckResult, Ctx, Failure, Stop};

/// One outcome: the value of each named result, in order.
pub type Outcome = Vec<u64>;

/// A litmus check. Build with [`Litmus::new`], class its outcomes with
/// [`Litmus::outcome`], then run with [`Litmus::model`] or
/// [`Litmus::stress`].
#[derive(Debug, Clone)]
pub struct Litmus {
    label: String,
    results: Vec<String>,
    table: Vec<(Outcome, OutcomeClass, String)>,
    rounds: usize,
    time_cap: Duration,
}

impl Litmus {
    /// A litmus program called `label` with these named results. Defaults for
    /// stress: 2000 runs, at most 3 s.
    pub fn new(label: impl AsRef<str>, results: &[&str]) -> Litmus {
        let label = label.as_ref();
        Litmus {
            label: label.to_string(),
            results: results.iter().map(|r| r.to_string()).collect(),
            table: Vec::new(),
            rounds: 2000,
            time_cap: Duration::from_secs(3),
        }
    }

    /// Classes one outcome (`values` in the order of the results), with a
    /// few words on what it means ("the reader came first").
    pub fn outcome(
        mut self,
        values: &[u64],
        class: OutcomeClass,
        meaning: impl AsRef<str>,
    ) -> Litmus {
        let meaning = meaning.as_ref();
        self.table
            .push((values.to_vec(), class, meaning.to_string()));
        self
    }

    /// Runs of a stress check (the `rounds` budget key wins over it).
    pub fn rounds(mut self, rounds: usize) -> Litmus {
        self.rounds = rounds.max(1);
        self
    }

    /// The class of `outcome`: the table's, or forbidden when it has none.
    pub fn class_of(&self, outcome: &[u64]) -> OutcomeClass {
        self.table
            .iter()
            .find(|(values, _, _)| values == outcome)
            .map_or(OutcomeClass::Forbidden, |(_, class, _)| *class)
    }

    /// Enumerates the outcomes the program's orderings allow (`loom` build;
    /// skipped elsewhere). `program` runs once per interleaving: it creates
    /// its atomics, spawns its threads through the facade, joins them and
    /// returns the results. Fails when a forbidden outcome is allowed.
    pub fn model<F>(self, ctx: &mut Ctx, model: Model, program: F) -> CheckResult
    where
        F: Fn() -> Outcome + Send + Sync + 'static,
    {
        let seen: Arc<Mutex<BTreeMap<Outcome, u64>>> = Arc::default();
        let record = seen.clone();
        model.check(ctx, move || {
            let outcome = program();
            if let Ok(mut seen) = record.lock() {
                *seen.entry(outcome).or_default() += 1;
            }
        })?;
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let table = self.table(
            &seen.keys().map(|o| (o.clone(), 0)).collect(),
            Some(&seen),
            Some(LitmusRun::Model {
                interleavings: seen.values().sum::<u64>(),
            }),
        );
        self.finish(ctx, table)
    }

    /// Runs the program `rounds` times on real threads with the facade's
    /// perturbation (plain build) and counts the outcomes. `program(run)`
    /// gets the run's number (to vary a delay, for instance). Fails when a
    /// forbidden outcome was seen.
    pub fn stress<F>(mut self, ctx: &mut Ctx, program: F) -> CheckResult
    where
        F: Fn(usize) -> Outcome,
    {
        let budget = crate::race::budget_for(ctx, "litmus stress", &["rounds"])?;
        if let Some(rounds) = budget.rounds {
            self.rounds = usize::try_from(rounds).unwrap_or(usize::MAX).max(1);
        }
        if let Some(ms) = budget.max_ms {
            self.time_cap = Duration::from_millis(ms);
        }
        let seed: u64 = ctx.rng().random();
        instrument::enable(Config::stress(seed));
        let started = Instant::now();
        let mut seen: BTreeMap<Outcome, u64> = BTreeMap::new();
        let mut runs = 0;
        for run in 0..self.rounds {
            if started.elapsed() >= self.time_cap {
                break;
            }
            *seen.entry(program(run)).or_default() += 1;
            runs += 1;
        }
        instrument::disable();
        let table = self.table(
            &seen,
            None,
            Some(LitmusRun::Stress {
                runs,
                arch: std::env::consts::ARCH.to_string(),
                cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            }),
        );
        self.finish(ctx, table)
    }

    /// The outcome table: every outcome of the instructor's table, then every
    /// other outcome that was seen or allowed. `allowed` is `None` when this
    /// build does not know. `run` words the notes (none in unit tests).
    fn table(
        &self,
        seen: &BTreeMap<Outcome, u64>,
        allowed: Option<&BTreeMap<Outcome, u64>>,
        run: Option<LitmusRun>,
    ) -> OutcomeTable {
        let mut outcomes: Vec<Outcome> = self.table.iter().map(|(o, _, _)| o.clone()).collect();
        for outcome in seen.keys() {
            if !outcomes.contains(outcome) {
                outcomes.push(outcome.clone());
            }
        }
        let rows = outcomes
            .into_iter()
            .map(|outcome| {
                let class = self.class_of(&outcome);
                let allowed_here = allowed.map(|a| a.contains_key(&outcome));
                let count = allowed
                    .is_none()
                    .then(|| seen.get(&outcome).copied().unwrap_or(0));
                let happened = allowed_here.unwrap_or(count > Some(0));
                let verdict = match class {
                    OutcomeClass::Forbidden if happened => OutcomeVerdict::Forbidden,
                    OutcomeClass::Interesting if happened => OutcomeVerdict::Interesting,
                    _ => OutcomeVerdict::Ok,
                };
                let meaning = self
                    .table
                    .iter()
                    .find(|(o, _, _)| *o == outcome)
                    .map(|(_, _, m)| format!(" ({m})"))
                    .unwrap_or_default();
                OutcomeRow {
                    outcome: format!("{}{meaning}", self.render(&outcome)),
                    class,
                    allowed: allowed_here,
                    seen: count,
                    verdict: verdict.as_str().to_string(),
                }
            })
            .collect();
        OutcomeTable {
            label: self.label.clone(),
            results: self.results.clone(),
            rows,
            notes: run
                .as_ref()
                .map(LitmusRun::notes_english)
                .unwrap_or_default(),
            run,
        }
    }

    /// `flag=1 words=4`.
    fn render(&self, outcome: &[u64]) -> String {
        self.results
            .iter()
            .zip(outcome)
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Sends the table as evidence; fails when a row's verdict is FORBIDDEN.
    fn finish(&self, ctx: &Ctx, table: OutcomeTable) -> CheckResult {
        let forbidden: Vec<String> = table
            .rows
            .iter()
            .filter(|row| row.verdict_kind() == Some(OutcomeVerdict::Forbidden))
            .map(|row| row.outcome.clone())
            .collect();
        let text = table.to_text();
        let tool = table.run.as_ref().map(LitmusRun::tool);
        crate::channel::send(Message::Outcomes {
            check: ctx.name().to_string(),
            table,
        });
        if forbidden.is_empty() {
            return Ok(());
        }
        let table = if crate::channel::to_grader() {
            String::new()
        } else {
            text
        };
        Err(Stop::Fail(Failure::kit(KitFailure::LitmusForbidden {
            tool: tool.unwrap_or_else(|| {
                panic!(
                    "{}",
                    crate::t!(
                        "model and stress say how they ran",
                        "model과 stress는 어떻게 실행했는지 알려 줍니다"
                    )
                )
            }),
            label: self.label.clone(),
            outcomes: forbidden,
            table,
            replay: RaceReplay {
                seed: ctx.seed(),
                command: replay_command(ctx),
            },
        })))
    }
}

/// Plain build only: the stress engine needs the facade's std runtime.
#[cfg(test)]
#[cfg(not(any(shuttle, loom)))]
mod tests {
    use threadlings::sync::atomic::{AtomicU64, Ordering};
    use threadlings_schema::report::OutcomeClass;

    use super::Litmus;
    use crate::{Ctx, Stop};

    fn litmus() -> Litmus {
        Litmus::new("message passing", &["flag", "data"])
            .outcome(&[0, 0], OutcomeClass::Acceptable, "the reader came first")
            .outcome(&[0, 42], OutcomeClass::Interesting, "data before flag")
            .outcome(&[1, 42], OutcomeClass::Acceptable, "the message")
            .rounds(300)
    }

    /// Message passing with Release/Acquire on real threads.
    fn program() -> Vec<u64> {
        let flag = AtomicU64::new(0);
        let data = AtomicU64::new(0);
        threadlings::thread::scope(|s| {
            let writer = s.spawn(|| {
                data.store(42, Ordering::Relaxed);
                flag.store(1, Ordering::Release);
            });
            let seen = vec![flag.load(Ordering::Acquire), data.load(Ordering::Relaxed)];
            writer.join().unwrap();
            seen
        })
    }

    #[test]
    fn a_forbidden_outcome_that_shows_fails_the_check_and_is_flagged_in_the_table() {
        let mut ctx = Ctx::new("mp_litmus", 3);
        // The engine, not the hardware, is under test: run 5 "sees" the
        // forbidden outcome.
        let result = litmus().stress(
            &mut ctx,
            |run| if run == 5 { vec![1, 0] } else { vec![0, 0] },
        );
        let Err(Stop::Fail(failure)) = result else {
            panic!("flag=1 data=0 was seen and is forbidden: {result:?}");
        };
        assert!(
            failure
                .message
                .contains("this machine showed a forbidden outcome"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("flag=1 data=0"),
            "{}",
            failure.message
        );
        assert!(
            failure.message.contains("FORBIDDEN"),
            "the table: {}",
            failure.message
        );
        // The message is the English of its data.
        let Some(threadlings_schema::report::KitFailure::LitmusForbidden {
            tool, outcomes, ..
        }) = failure.kit_data()
        else {
            panic!("no litmus data: {failure:?}");
        };
        assert_eq!(*tool, threadlings_schema::report::LitmusTool::Stress);
        assert_eq!(outcomes, &vec!["flag=1 data=0".to_string()]);
    }

    #[test]
    fn the_table_classes_unlisted_outcomes_as_forbidden_and_counts_what_was_seen() {
        let litmus = litmus();
        assert_eq!(litmus.class_of(&[1, 0]), OutcomeClass::Forbidden);
        assert_eq!(litmus.class_of(&[0, 42]), OutcomeClass::Interesting);
        let mut seen = std::collections::BTreeMap::new();
        seen.insert(vec![0, 0], 7);
        seen.insert(vec![1, 0], 1);
        let table = litmus.table(&seen, None, None);
        let row = |start: &str| {
            table
                .rows
                .iter()
                .find(|r| r.outcome.starts_with(start))
                .unwrap_or_else(|| panic!("no row {start}: {table:?}"))
                .clone()
        };
        assert_eq!(row("flag=1 data=0").verdict, "FORBIDDEN");
        assert_eq!(row("flag=1 data=0").seen, Some(1));
        assert_eq!(row("flag=0 data=0").verdict, "ok");
        assert_eq!(row("flag=0 data=0").seen, Some(7));
        assert_eq!(
            row("flag=0 data=42").verdict,
            "ok",
            "interesting only once seen"
        );
        assert_eq!(row("flag=1 data=42").allowed, None, "stress does not know");
        // The model's view: allowed outcomes, nothing counted.
        let table = litmus.table(&seen, Some(&seen), None);
        assert!(
            table
                .rows
                .iter()
                .any(|r| r.outcome.starts_with("flag=1 data=0") && r.allowed == Some(true))
        );
    }

    #[test]
    fn a_correct_program_passes() {
        let mut ctx = Ctx::new("mp_litmus", 4);
        assert_eq!(litmus().stress(&mut ctx, |_| program()), Ok(()));
    }
}
