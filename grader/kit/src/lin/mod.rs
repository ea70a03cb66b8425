//! Linearizability checks: a concurrent object judged against its
//! *sequential* specification, as JetBrains' Lincheck does for Kotlin.
//!
//! The instructor writes a [`Spec`] once: the operations of the student's
//! type (an enum), how to apply one to the student's object, the same
//! operation on a plain sequential model, and a generator of operations. The
//! kit then generates small scenarios from the check's seed (an init part, 2–3
//! threads of a few operations, a post part; see [`Sizes`] for the limits and
//! why), runs each many times, records every operation's call and return on a
//! global logical clock and its result, and accepts a run only if some
//! sequential order of the operations that respects real time explains every
//! result (Wing & Gong's search with memoization, [`history`]).
//!
//! Three ways to run, like the race kit's tools, and with the same budgets:
//!
//! - [`Lin::stress`]: the plain build with the facade's perturbation on;
//!   `rounds` executions (a new scenario every [`Lin::runs_per_scenario`]),
//!   `max_ms` caps the time. A failure is shrunk (operations and threads
//!   dropped while it still fails) before it is reported.
//! - [`Lin::explore`]: the `shuttle` build; one generated scenario per
//!   explored schedule (`schedules`, `depth`, `max_ms`, as [`Explore`]).
//! - [`Lin::model`]: the `loom` build; one small scenario, every interleaving
//!   up to the preemption bound (`preemption_bound`, `max_ms`, as [`Model`]).
//!
//! A failure sends a [`Scenario`](threadlings_schema::report::Scenario) as
//! evidence: the scenario as per-thread columns with each result, and the
//! results no sequential order explains, and the interleaving at the
//! granularity of operations (every call and return in clock order). Under
//! shuttle and loom the check's [`Trace`](threadlings_schema::report::Trace)
//! shows the failing execution finer (each lock, wait and atomic step, the
//! calls and returns among them: [`execute`] announces them to the facade),
//! so the scenario's own operation-level interleaving is left out there.

pub mod history;
mod scenario;

use std::fmt::Debug;
use std::hash::Hash;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use threadlings_schema::protocol::Message;
use threadlings_schema::report::{RaceReplay, Scenario as ScenarioEvidence, ScenarioOp};

use crate::race::{Explore, Model, Violation, replay_command};
use crate::{CheckResult, Ctx, Failure, Stop};
pub use history::{Entry, MAX_OPS, Sequential, Unexplained, linearize};
pub use rand_chacha::ChaCha8Rng;
pub use scenario::{Part, Scenario, Sizes, generate, generate_safe, never_stuck};

/// A concurrent object's operations and its sequential specification.
pub trait Spec: Send + Sync + 'static {
    /// The student's object (built afresh for every execution).
    type Subject: Sync;
    /// One operation, e.g. `enum Op { Push(u32), Pop }`.
    type Op: Clone + Debug + Send + Sync + 'static;
    /// What an operation returns (one type for all of them).
    type Ret: Clone + Debug + PartialEq + Send + 'static;
    /// The sequential model's state: cloned at every step, hashed.
    type State: Clone + Hash + Eq;

    /// The object as the report names it, e.g. `BoundedQueue::new(2)`.
    fn label(&self) -> String;
    /// A fresh student object.
    fn subject(&self) -> Self::Subject;
    /// Runs `op` on the student's object.
    fn apply(&self, subject: &Self::Subject, op: &Self::Op) -> Self::Ret;
    /// The model's initial state.
    fn initial(&self) -> Self::State;
    /// `op` on the model: the next state and the result, or `None` when `op`
    /// cannot complete in `state` (it blocks until another operation acts).
    fn step(&self, state: &Self::State, op: &Self::Op) -> Option<(Self::State, Self::Ret)>;
    /// Draws an operation for `part` of a scenario.
    fn generate(&self, rng: &mut ChaCha8Rng, part: Part) -> Self::Op;
}

/// The spec's model, as the checker takes it.
struct ModelOf<'a, S>(&'a S);

impl<S: Spec> Sequential<S::Op, S::Ret> for ModelOf<'_, S> {
    type State = S::State;
    fn step(&self, state: &S::State, op: &S::Op) -> Option<(S::State, S::Ret)> {
        self.0.step(state, op)
    }
}

/// The operations of one execution, with results and clock ticks, in the
/// order init, threads (each in program order), post.
pub type History<S> = Vec<Entry<<S as Spec>::Op, <S as Spec>::Ret>>;

/// A linearizability check. Build with [`Lin::new`], tune, then run with
/// [`Lin::stress`], [`Lin::explore`] or [`Lin::model`].
pub struct Lin<S: Spec> {
    spec: Arc<S>,
    sizes: Sizes,
    rounds: usize,
    runs_per_scenario: usize,
    time_cap: Duration,
    limit: Duration,
    stall: Duration,
    shrink_time: Duration,
    model_scenarios: usize,
}

/// How many draws the generator gets to produce a scenario that cannot hang.
const GENERATE_TRIES: usize = 200;
/// How many executions a smaller scenario gets to fail again while shrinking.
const SHRINK_ATTEMPTS: usize = 200;

impl<S: Spec> Lin<S> {
    /// A check of `spec`. Defaults: [`Sizes::default`] (1 init, 3 threads × 3,
    /// 1 post), 2000 executions, a new scenario every 20, at most 4 s of
    /// executions, 15 s limit, deadlock declared after 1 s of complete stall,
    /// at most 3 s of shrinking.
    pub fn new(spec: S) -> Lin<S> {
        Lin {
            spec: Arc::new(spec),
            sizes: Sizes::default(),
            rounds: 2000,
            runs_per_scenario: 20,
            time_cap: Duration::from_secs(4),
            limit: Duration::from_secs(15),
            stall: Duration::from_secs(1),
            shrink_time: Duration::from_secs(3),
            model_scenarios: 6,
        }
    }

    /// Scenario sizes (capped at [`Sizes::MAX`]).
    pub fn sizes(mut self, sizes: Sizes) -> Lin<S> {
        self.sizes = sizes.clamped();
        self
    }

    /// Executions of a stress run (the `rounds` budget key wins over it).
    pub fn rounds(mut self, rounds: usize) -> Lin<S> {
        self.rounds = rounds.max(1);
        self
    }

    /// Executions of one scenario before a stress run draws the next.
    pub fn runs_per_scenario(mut self, runs: usize) -> Lin<S> {
        self.runs_per_scenario = runs.max(1);
        self
    }

    /// Stops starting executions after this long (the `max_ms` budget key
    /// wins over it); it only ever cuts a passing run short.
    pub fn time_cap(mut self, cap: Duration) -> Lin<S> {
        self.time_cap = cap;
        self
    }

    /// How long a failing stress run may spend shrinking its scenario.
    pub fn shrink_time(mut self, time: Duration) -> Lin<S> {
        self.shrink_time = time;
        self
    }

    /// The stress run's stall period before a deadlock is declared.
    pub fn stall(mut self, stall: Duration) -> Lin<S> {
        self.stall = stall;
        self
    }

    /// Runs scenarios under the facade's perturbation (plain build) and
    /// checks every execution's results against the model.
    pub fn stress(mut self, ctx: &mut Ctx) -> CheckResult {
        let budget = crate::race::budget_for(ctx, "linearizability stress", &["rounds"])?;
        if let Some(rounds) = budget.rounds {
            self.rounds = usize::try_from(rounds).unwrap_or(usize::MAX).max(1);
        }
        if let Some(ms) = budget.max_ms {
            let margin = self.limit.saturating_sub(self.time_cap);
            self.time_cap = Duration::from_millis(ms);
            self.limit = self.limit.max(self.time_cap + margin);
        }
        stress::run(self, ctx)
    }

    /// Explores schedules of generated scenarios (`shuttle` build; skipped
    /// elsewhere): one scenario per schedule, checked against the model.
    pub fn explore(self, ctx: &mut Ctx, explore: Explore) -> CheckResult {
        let spec = self.spec.clone();
        let sizes = self.sizes;
        let seed: u64 = ctx.rng().random();
        let executions = Arc::new(AtomicU64::new(0));
        let found: Arc<Mutex<Option<ScenarioEvidence>>> = Arc::new(Mutex::new(None));
        let slot = found.clone();
        let result = explore.check(ctx, move || -> Result<(), Violation> {
            let n = executions.fetch_add(1, Ordering::Relaxed);
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            let Some(scenario) = generate_safe(&*spec, sizes, &mut rng, GENERATE_TRIES) else {
                return Err(generator_violation(&*spec));
            };
            let history = execute(&*spec, &scenario, false).map_err(panic_violation)?;
            judge(&*spec, &scenario, &history).map_err(|found| {
                let (evidence, violation) = *found;
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(evidence);
                }
                violation
            })
        });
        send_if_failed(ctx, &result, &found);
        result
    }

    /// Model-checks small generated scenarios (`loom` build; skipped
    /// elsewhere): for each of [`Lin::model_scenarios`] scenarios, every
    /// interleaving up to the preemption bound. Keep the sizes small (2–3
    /// threads of 1–2 operations): loom's cost grows steeply with them.
    pub fn model(self, ctx: &mut Ctx, model: Model) -> CheckResult {
        let mut rng = ChaCha8Rng::seed_from_u64(ctx.rng().random());
        let mut scenarios = Vec::with_capacity(self.model_scenarios);
        for _ in 0..self.model_scenarios {
            match generate_safe(&*self.spec, self.sizes, &mut rng, GENERATE_TRIES) {
                Some(scenario) => scenarios.push(scenario),
                None => {
                    return Err(Stop::Fail(Failure::new(
                        generator_violation(&*self.spec).invariant,
                    )));
                }
            }
        }
        self.model_on(ctx, model, scenarios)
    }

    /// Model-checks the scenarios the instructor names (`loom` build;
    /// skipped elsewhere): the shapes a lesson is about, checked on every
    /// run rather than when the generator happens to draw them. A scenario
    /// that can leave a thread blocked forever in the model is a metadata
    /// error.
    pub fn model_on(
        self,
        ctx: &mut Ctx,
        model: Model,
        scenarios: Vec<Scenario<S::Op>>,
    ) -> CheckResult {
        for scenario in scenarios {
            let spec = self.spec.clone();
            if !never_stuck(&*spec, &scenario) {
                let label = spec.label();
                return Err(Stop::Fail(Failure::new(crate::t!(
                    "metadata error: a scenario of {label} can leave a thread blocked forever:                      {scenario:?}",
                    "메타데이터 오류: “{label}”의 시나리오가 스레드를 영원히 막힌 채로 둘 수 있습니다: \
                     {scenario:?}"
                ))));
            }
            let found: Arc<Mutex<Option<ScenarioEvidence>>> = Arc::new(Mutex::new(None));
            let slot = found.clone();
            let result = model.clone().check(ctx, move || {
                let history = match execute(&*spec, &scenario, false) {
                    Ok(history) => history,
                    Err(message) => panic!("{message}"),
                };
                if let Err(found) = judge(&*spec, &scenario, &history) {
                    let (evidence, violation) = *found;
                    let text = format!("{}\n{}", violation.invariant, violation.seen);
                    if let Ok(mut slot) = slot.lock() {
                        *slot = Some(evidence);
                    }
                    panic!("{text}");
                }
            });
            send_if_failed(ctx, &result, &found);
            result?;
        }
        Ok(())
    }

    /// How many scenarios [`Lin::model`] checks (default 6), each its own
    /// loom model.
    pub fn model_scenarios(mut self, scenarios: usize) -> Lin<S> {
        self.model_scenarios = scenarios.max(1);
        self
    }
}

fn send_if_failed(ctx: &Ctx, result: &CheckResult, found: &Mutex<Option<ScenarioEvidence>>) {
    if result.is_err()
        && let Some(mut evidence) = found.lock().ok().and_then(|mut slot| slot.take())
    {
        // Explorations and model checks (the only callers) sent the
        // failing execution's trace, calls and returns included: the
        // operation-level interleaving would say part of it twice.
        evidence.trace.clear();
        send_evidence(ctx.name(), evidence);
    }
}

/// Sends a scenario to the grader as the running check's evidence.
pub fn send_evidence(check: &str, scenario: ScenarioEvidence) {
    crate::channel::send(Message::Scenario {
        check: check.to_string(),
        scenario,
    });
}

fn generator_violation<S: Spec>(spec: &S) -> Violation {
    let label = spec.label();
    Violation::new(
        crate::t!(
            "metadata error: the generator of {label} keeps producing scenarios that can leave a \
             thread blocked forever (in {GENERATE_TRIES} draws); make it balance blocking \
             operations",
            "메타데이터 오류: “{label}”의 생성기가 스레드를 영원히 막힌 채로 둘 수 있는 시나리오만 \
             계속 만듭니다({GENERATE_TRIES}번 뽑음). 막히는 연산들이 균형을 이루도록 \
             생성기를 고치세요"
        ),
        "no scenario",
    )
}

fn panic_violation(message: String) -> Violation {
    Violation::new(message, "a panic")
}

/// Runs `scenario` once on a fresh subject: init on this thread, the
/// threads concurrently (through the facade, so stress perturbs them and
/// shuttle and loom schedule them), then post. `Err` is a panic of the code
/// under test, in words; a `todo!()` is re-raised so the harness reports
/// the exercise as not started.
pub fn execute<S: Spec>(
    spec: &S,
    scenario: &Scenario<S::Op>,
    barrier: bool,
) -> Result<History<S>, String> {
    let subject = spec.subject();
    // A plain std atomic, outside the facade: the clock must not perturb or
    // be scheduled itself, only order the calls and returns it stamps.
    let clock = AtomicU64::new(0);
    let run_one = |part: Part, op: &S::Op| -> Result<Entry<S::Op, S::Ret>, String> {
        let call = clock.fetch_add(1, Ordering::SeqCst);
        // The interleaving a failed exploration reports shows the calls
        // and returns between the synchronization steps they made.
        threadlings::instrument::trace::call(|| format!("{op:?}"));
        let ret =
            catch_unwind(AssertUnwindSafe(|| spec.apply(&subject, op))).map_err(|payload| {
                let message = crate::race::panic_text(payload.as_ref());
                // data: the panic message of `todo!()`, re-raised as "not started"
                if message.starts_with("not yet implemented") {
                    resume_unwind(payload);
                }
                let part_ko = match part {
                    Part::Thread(t) => format!("스레드 {t}"),
                    other => other.to_string(),
                };
                crate::t!(
                    "{part}: {op:?} panicked: {message}",
                    "{part_ko}: {op:?}이(가) 패닉을 일으켰습니다: {message}"
                )
            })?;
        threadlings::instrument::trace::returned(|| format!("{ret:?}"));
        let ret_at = clock.fetch_add(1, Ordering::SeqCst);
        Ok(Entry {
            part,
            op: op.clone(),
            ret,
            call,
            ret_at,
        })
    };
    let mut history = Vec::with_capacity(scenario.len());
    for op in &scenario.init {
        history.push(run_one(Part::Init, op)?);
    }
    let start = barrier.then(|| threadlings::sync::Barrier::new(scenario.threads.len()));
    let columns = threadlings::thread::scope(|scope| {
        let handles: Vec<_> = scenario
            .threads
            .iter()
            .enumerate()
            .map(|(t, ops)| {
                let (start, run_one) = (&start, &run_one);
                threadlings::thread::Builder::new()
                    .name(format!("lin-{t}"))
                    .spawn_scoped(scope, move || {
                        if let Some(start) = start {
                            start.wait();
                        }
                        ops.iter()
                            .map(|op| run_one(Part::Thread(t), op))
                            .collect::<Result<Vec<_>, String>>()
                    })
                    .unwrap_or_else(|e| {
                        panic!(
                            "{}: {e:?}",
                            crate::t!(
                                "could not start a scenario thread",
                                "시나리오 스레드를 시작할 수 없습니다"
                            )
                        )
                    })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join())
            .collect::<Vec<_>>()
    });
    for column in columns {
        match column {
            Ok(entries) => history.extend(entries?),
            Err(payload) => resume_unwind(payload),
        }
    }
    for op in &scenario.post {
        history.push(run_one(Part::Post, op)?);
    }
    Ok(history)
}

/// Checks one execution's history; on failure, the evidence and the
/// violation a tool reports.
fn judge<S: Spec>(
    spec: &S,
    scenario: &Scenario<S::Op>,
    history: &History<S>,
) -> Result<(), Box<(ScenarioEvidence, Violation)>> {
    let why = match linearize(&ModelOf(spec), &spec.initial(), history) {
        Ok(_) => return Ok(()),
        Err(why) => why,
    };
    let evidence = evidence(spec, scenario, history, Some(&why));
    let violation = Violation::new(
        ScenarioEvidence::not_linearizable_english(&spec.label()),
        match render_text(&evidence) {
            text if text.is_empty() => ScenarioEvidence::IN_THE_REPORT_ENGLISH.to_string(),
            text => format!("\n{text}"),
        },
    );
    Err(Box::new((evidence, violation)))
}

/// The scenario as evidence: per-part columns, results (from `history`,
/// `None` for operations that had not returned), the unexplained ones.
pub fn evidence<S: Spec>(
    spec: &S,
    scenario: &Scenario<S::Op>,
    history: &History<S>,
    why: Option<&Unexplained<S::Ret>>,
) -> ScenarioEvidence {
    let flagged: Vec<usize> = why
        .map(|why| why.candidates.iter().map(|(i, _)| *i).collect())
        .unwrap_or_default();
    let mut next = 0;
    let mut cells = |part: Part, ops: &[S::Op]| -> Vec<ScenarioOp> {
        ops.iter()
            .map(|op| {
                let entry = history
                    .get(next)
                    .filter(|entry| entry.part == part)
                    .map(|entry| (next, entry));
                if entry.is_some() {
                    next += 1;
                }
                ScenarioOp {
                    op: format!("{op:?}"),
                    result: entry.map(|(_, e)| format!("{:?}", e.ret)),
                    call: entry.map_or(0, |(_, e)| e.call),
                    ret: entry.map(|(_, e)| e.ret_at),
                    unexplained: entry.is_some_and(|(i, _)| flagged.contains(&i)),
                }
            })
            .collect()
    };
    let init = cells(Part::Init, &scenario.init);
    let threads = scenario
        .threads
        .iter()
        .enumerate()
        .map(|(t, ops)| cells(Part::Thread(t), ops))
        .collect();
    let post = cells(Part::Post, &scenario.post);
    let explained = why.map(|why| history::explain(history, why));
    ScenarioEvidence {
        label: spec.label(),
        init,
        threads,
        post,
        unexplained: explained
            .as_ref()
            .map(|why| why.to_english())
            .unwrap_or_default(),
        notes: Vec::new(),
        why: explained,
        about: Vec::new(),
        trace: if why.is_some() {
            interleaving::<S>(history)
        } else {
            Vec::new()
        },
    }
}

/// The execution at the granularity of operations: every call and every
/// return in clock order ("thread 1: Send(458) called", "... returned
/// Ok(())"). Finer steps (each lock and wait) are for a traced replay.
pub fn interleaving<S: Spec>(history: &History<S>) -> Vec<String> {
    let mut events: Vec<(u64, String)> = history
        .iter()
        .flat_map(|entry| {
            let (part, op, ret) = (entry.part.to_string(), &entry.op, &entry.ret);
            let part_ko = match entry.part {
                scenario::Part::Thread(t) => format!("스레드 {t}"),
                other => other.to_string(),
            };
            // `{n:.0}` uses an argument and prints nothing: each language
            // names the part its own way.
            [
                (
                    entry.call,
                    crate::t!(
                        "{0}: {2:?} called{1:.0}",
                        "{1}{0:.0}: {2:?} 호출",
                        part,
                        part_ko,
                        op
                    ),
                ),
                (
                    entry.ret_at,
                    crate::t!(
                        "{0}: {2:?} returned {3:?}{1:.0}",
                        "{1}{0:.0}: {2:?} 반환 {3:?}",
                        part,
                        part_ko,
                        op,
                        ret
                    ),
                ),
            ]
        })
        .collect();
    events.sort_by_key(|(tick, _)| *tick);
    events.into_iter().map(|(_, text)| text).collect()
}

/// The scenario as text (see [`ScenarioEvidence::to_text`]) for a failure
/// message; empty when a grader is listening, since it renders the evidence
/// itself (as text or as a table) and a message must not say it twice.
pub fn render_text(scenario: &ScenarioEvidence) -> String {
    if crate::channel::to_grader() {
        String::new()
    } else {
        scenario.to_text()
    }
}

mod stress;

/// The replay every failure ends with (`seed N; replay: ...`).
fn replay(ctx: &Ctx) -> RaceReplay {
    RaceReplay {
        seed: ctx.seed(),
        command: replay_command(ctx),
    }
}

/// A failing scenario, the history that failed, and why.
pub(crate) type Failing<S> = (
    Scenario<<S as Spec>::Op>,
    History<S>,
    Unexplained<<S as Spec>::Ret>,
);

/// The scenario run by a shrinking thread: sends every smaller scenario that
/// still fails, until no smaller one does or `deadline` passes.
fn shrink<S: Spec>(
    spec: Arc<S>,
    first: Scenario<S::Op>,
    found: mpsc::Sender<Failing<S>>,
    deadline: Instant,
) {
    let mut current = first;
    'smaller: loop {
        for candidate in current.smaller() {
            if !never_stuck(&*spec, &candidate) {
                continue;
            }
            for _ in 0..SHRINK_ATTEMPTS {
                if Instant::now() >= deadline {
                    return;
                }
                let Ok(history) = execute(&*spec, &candidate, true) else {
                    continue;
                };
                if let Err(why) = linearize(&ModelOf(&*spec), &spec.initial(), &history) {
                    if found.send((candidate.clone(), history, why)).is_err() {
                        return;
                    }
                    current = candidate;
                    continue 'smaller;
                }
            }
        }
        return;
    }
}

/// Plain build only: under `--cfg shuttle` or `--cfg loom` the facade needs
/// their runtimes.
#[cfg(test)]
#[cfg(not(any(shuttle, loom)))]
mod tests;
