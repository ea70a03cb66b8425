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
use threadlings_kit::{CheckResult, Ctx, Failure, Stop, t};

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
    let seed_shown = ctx.seed();
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
                &t!(
                    "the pool never finished while its workers kept dying",
                    "워커들이 계속 죽는 동안 풀이 끝나지 않았습니다"
                ),
            )?;
            ensure_report_shape(&report, TASKS)?;
            if let Some((i, result)) = report.results.iter().enumerate().find(|(_, r)| r.is_ok()) {
                return Err(Stop::Fail(
                    Failure::new(t!(
                        "round {round}: task {i} killed its worker, yet its result is {result:?}",
                        "라운드 {round}: 작업 {i}은(는) 자기 워커를 죽였는데, 그 결과가 \
                         {result:?}입니다"
                    ))
                    .expected("Err(Crashed)"),
                ));
            }
            if report.attempts != vec![1; TASKS] {
                return Err(Stop::Fail(
                    Failure::new(t!(
                        "round {round}: with max_attempts = 1 every task is tried exactly once \
                         (attempts are counted by threads sharing them: an increment lost \
                         between two threads, or counted twice?)",
                        "라운드 {round}: max_attempts = 1이면 모든 작업은 정확히 한 번 \
                         시도됩니다(시도 횟수는 그것을 공유하는 스레드들이 셉니다: 두 스레드 \
                         사이에서 증가 하나가 사라졌나요, 아니면 두 번 세었나요?)"
                    ))
                    .expected(format!("{:?}", vec![1; TASKS]))
                    .actual(format!("{:?}", report.attempts)),
                ));
            }
            if report.workers_started != WORKERS + TASKS {
                let started = report.workers_started;
                return Err(Stop::Fail(
                    Failure::new(t!(
                        "round {round} of {ROUNDS}, with random pauses at every lock and atomic \
                         operation: {WORKERS} workers, then one replacement for each of the \
                         {TASKS} that died, but workers_started says {}. Supervising threads \
                         replace workers at the same moment: an increment split into a read \
                         and a write (load, then store) loses one of them; use one atomic \
                         read-modify-write (fetch_add) or a lock around both (seed {}; {replay})",
                        "라운드 {round}/{ROUNDS}, 모든 락과 원자적 연산에서 무작위로 멈춤: 워커 \
                         {WORKERS}개, 그다음 죽은 {TASKS}개마다 교체 워커가 하나씩이어야 하는데, \
                         workers_started는 {}입니다. 감독 스레드들은 같은 순간에 워커를 \
                         교체합니다: 읽기와 쓰기로 나뉜 증가(load 다음 store)는 그중 하나를 \
                         잃어버립니다. 원자적 read-modify-write 하나(fetch_add)를 쓰거나 둘을 \
                         하나의 락으로 감싸세요(seed {}; {replay})",
                        started,
                        seed_shown
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
