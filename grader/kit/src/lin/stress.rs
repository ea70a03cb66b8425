//! The stress runner of a linearizability check: generated scenarios run
//! many times each under the facade's perturbation, every execution judged,
//! a failure shrunk and reported with its scenario; a hang is diagnosed by
//! the race kit's watcher and reported with the scenario that was running.

use std::sync::{Arc, Mutex, mpsc};
use std::time::Instant;
use threadlings_schema::report::{
    Coverage, CoverageTool, KitFailure, LinSizes, Scenario as ScenarioEvidence, ScenarioNote,
};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use threadlings::instrument::{self, Config};

use super::{
    GENERATE_TRIES, History, Lin, ModelOf, Scenario, Spec, Unexplained, evidence, generate_safe,
    linearize, render_text, replay, send_evidence, shrink,
};
use crate::{CheckResult, Ctx, Failure, Stop};

/// What ended a stress run early.
enum Found<S: Spec> {
    /// The generator could not produce a scenario that cannot hang.
    Generator,
    /// The code under test panicked (not a `todo!()`).
    Panic(String, Scenario<S::Op>),
    /// An execution whose results no sequential order explains.
    NotLinearizable(Box<NotLinearizable<S>>),
}

/// An execution whose results no sequential order explains.
struct NotLinearizable<S: Spec> {
    scenario: Scenario<S::Op>,
    history: History<S>,
    why: Unexplained<S::Ret>,
    execution: usize,
}

pub(super) fn run<S: Spec>(lin: Lin<S>, ctx: &mut Ctx) -> CheckResult {
    let seed: u64 = ctx.rng().random();
    let replay = replay(ctx);
    let label = lin.spec.label();
    instrument::enable(Config::stress(seed));
    let _off = Disable;
    // The scenario running now, for the report of a hang.
    let current: Arc<Mutex<Option<Scenario<S::Op>>>> = Arc::new(Mutex::new(None));
    let (spec, sizes, rounds, per, cap) = (
        lin.spec.clone(),
        lin.sizes,
        lin.rounds,
        lin.runs_per_scenario,
        lin.time_cap,
    );
    let running = current.clone();
    let check = ctx.name();
    let started = Instant::now();
    let outcome = crate::race::watch(
        KitFailure::lin_stress_run_english(&label),
        lin.limit,
        lin.stall,
        move || -> Result<usize, Found<S>> {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let mut scenario = None;
            for execution in 0..rounds {
                if started.elapsed() >= cap {
                    eprintln!(
                        "{}",
                        crate::t!(
                            "lin `{check}`: time cap {cap:?} reached after {execution} of {rounds} \
                             executions",
                            "lin `{check}`: 실행 {rounds}번 중 {execution}번 뒤에 시간 한도 \
                             {cap:?}에 도달했습니다"
                        )
                    );
                    return Ok(execution);
                }
                if execution % per == 0 {
                    let next = generate_safe(&*spec, sizes, &mut rng, GENERATE_TRIES)
                        .ok_or(Found::Generator)?;
                    if let Ok(mut slot) = running.lock() {
                        *slot = Some(next.clone());
                    }
                    scenario = Some(next);
                }
                let Some(scenario) = scenario.as_ref() else {
                    panic!(
                        "{}",
                        crate::t!(
                            "drawn at execution 0",
                            "시나리오는 실행 0에서 뽑혔어야 합니다"
                        )
                    )
                };
                let history = super::execute(&*spec, scenario, true)
                    .map_err(|message| Found::Panic(message, scenario.clone()))?;
                if let Err(why) = linearize(&ModelOf(&*spec), &spec.initial(), &history) {
                    return Err(Found::NotLinearizable(Box::new(NotLinearizable {
                        scenario: scenario.clone(),
                        history,
                        why,
                        execution,
                    })));
                }
            }
            Ok(rounds)
        },
    );
    let sizes = LinSizes {
        init: lin.sizes.init,
        threads: lin.sizes.threads,
        ops: lin.sizes.ops,
        post: lin.sizes.post,
        runs: lin.runs_per_scenario,
    };
    let sizes_note = sizes.to_english();
    match outcome {
        Ok(Ok(executions)) => {
            crate::race::send_coverage(
                check,
                Coverage {
                    tool: CoverageTool::Stress,
                    executions: executions as u64,
                    budget: Some(rounds as u64),
                    threads: Some(lin.sizes.threads as u32),
                    operations: Some(lin.sizes.ops as u32),
                    pct_depth: None,
                    preemption_bound: None,
                    time_capped: executions < rounds,
                    deterministic: false,
                },
            );
            if std::env::var_os("THREADLINGS_RACE_STATS").is_some() {
                let took = started.elapsed();
                eprintln!(
                    "{}",
                    crate::t!(
                        "lin `{check}`: {executions} executions in {took:?} ({sizes_note})",
                        "lin `{check}`: {took:?} 동안 실행 {executions}번({sizes_note})"
                    )
                );
            }
            Ok(())
        }
        Ok(Err(Found::Generator)) => Err(Stop::Fail(Failure::new(crate::t!(
            "metadata error: the generator of {label} keeps producing scenarios that can leave \
             a thread blocked forever; make it balance blocking operations",
            "메타데이터 오류: “{label}”의 생성기가 스레드를 영원히 막힌 채로 둘 수 있는 시나리오만 \
             계속 만듭니다. 막히는 연산들이 균형을 이루도록 생성기를 고치세요"
        )))),
        Ok(Err(Found::Panic(message, scenario))) => {
            let mut shown = evidence(&*lin.spec, &scenario, &Vec::new(), None);
            note(&mut shown, ScenarioNote::Sizes { sizes });
            send_evidence(check, shown);
            Err(Stop::Fail(Failure::kit(KitFailure::LinPanic {
                panic: message,
                label,
                replay,
            })))
        }
        Ok(Err(Found::NotLinearizable(found))) => {
            let NotLinearizable {
                scenario,
                history,
                why,
                execution,
            } = *found;
            let original = scenario.len();
            let (scenario, history, why, steps) = shrunk(&lin, scenario, history, why);
            let mut shown = evidence(&*lin.spec, &scenario, &history, Some(&why));
            note(
                &mut shown,
                ScenarioNote::Found {
                    execution: execution + 1,
                    executions: lin.rounds,
                    sizes,
                    original,
                    operations: scenario.len(),
                    steps,
                },
            );
            let text = render_text(&shown);
            send_evidence(check, shown);
            Err(Stop::Fail(Failure::kit(KitFailure::NotLinearizable {
                label,
                scenario: text,
                replay,
            })))
        }
        Err(Stop::Fail(mut failure)) => {
            // A deadlock or a hang: show the scenario it happened in.
            let running = current.lock().ok().and_then(|s| s.clone());
            let shown = running.map(|scenario| {
                let mut shown = evidence(&*lin.spec, &scenario, &Vec::new(), None);
                note(&mut shown, ScenarioNote::DidNotFinish { sizes });
                shown
            });
            let text = shown.as_ref().map(render_text);
            // The watcher's failure as data, when its message is still
            // what the data says.
            let race = failure.race.take().filter(|race| {
                race.to_english() == failure.message
                    && race.violation().is_none()
                    && failure.expected.is_none()
                    && failure.actual.is_none()
                    && failure.kit.is_none()
            });
            failure = match race {
                Some(race) => Failure::kit(KitFailure::LinUnfinished {
                    label,
                    race,
                    scenario: text,
                    replay,
                }),
                None => {
                    failure.message = match text {
                        Some(text) => format!(
                            "{}\n{}:\n{text}{}",
                            failure.message.trim_end(),
                            crate::t!("in this scenario", "이 시나리오에서"),
                            replay.to_english()
                        ),
                        None => format!("{}\n{}", failure.message.trim_end(), replay.to_english()),
                    };
                    failure
                }
            };
            if let Some(shown) = shown {
                send_evidence(check, shown);
            }
            Err(Stop::Fail(failure))
        }
        Err(other) => Err(other),
    }
}

/// Shrinks a failing scenario on its own thread (a smaller scenario may hang
/// a wrong answer: then shrinking ends at the deadline, with what it had).
#[allow(clippy::type_complexity)]
fn shrunk<S: Spec>(
    lin: &Lin<S>,
    scenario: Scenario<S::Op>,
    history: History<S>,
    why: Unexplained<S::Ret>,
) -> (Scenario<S::Op>, History<S>, Unexplained<S::Ret>, usize) {
    let (tx, rx) = mpsc::channel();
    let deadline = Instant::now() + lin.shrink_time;
    let (spec, first) = (lin.spec.clone(), scenario.clone());
    let _ = std::thread::Builder::new()
        .name("lin-shrink".to_string())
        .spawn(move || shrink(spec, first, tx, deadline));
    let mut best = (scenario, history, why, 0);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left + std::time::Duration::from_millis(50)) {
            Ok((scenario, history, why)) => best = (scenario, history, why, best.3 + 1),
            Err(_) => return best,
        }
    }
}

/// Turns the facade's instrumentation off when the run ends, however it ends.
struct Disable;

impl Drop for Disable {
    fn drop(&mut self) {
        instrument::disable();
    }
}

/// Adds the kit's note to a scenario, as data and as its English.
fn note(scenario: &mut ScenarioEvidence, note: ScenarioNote) {
    scenario.notes.push(note.to_english());
    scenario.about.push(note);
}
