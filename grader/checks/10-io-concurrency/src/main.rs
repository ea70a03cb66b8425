//! Hidden checks of exercise 10-io-concurrency.
//!
//! The bound ("at most K in flight") and its use ("really K in flight") are
//! proven structurally with a `LimitProbe`: it holds the first fetches until
//! K are in flight, then watches for a (K+1)-th. The latency check uses
//! sleeps, which never end early, so a sequential answer can never pass it.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

use io_concurrency::{Semaphore, fetch_all};
use rand::Rng;
use threadlings_kit::timing::{
    Latency, LimitProbe, PATIENCE, Recorder, Release, SETTLE, ms, simulated_io,
};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, fail, t, within};

mod race;

use race::{semaphore_explore, semaphore_stress};

threadlings_kit::checks![
    semaphore_counts_permits,
    semaphore_blocks_when_empty,
    semaphore_bounds_holders,
    semaphore_stress,
    semaphore_explore,
    fetch_all_results_in_order,
    fetch_all_never_exceeds_limit,
    fetch_all_reaches_limit,
    fetch_all_overlaps_waits,
];

const LIMIT: Duration = Duration::from_secs(20);

fn semaphore_counts_permits(ctx: &mut Ctx) -> CheckResult {
    let permits = ctx.rng().random_range(2..6);
    let seen = within(LIMIT, "Semaphore::new / acquire / drop", move || {
        let semaphore = Semaphore::new(permits);
        let mut seen = vec![semaphore.available()];
        let mut held = Vec::new();
        for _ in 0..permits {
            held.push(semaphore.acquire());
            seen.push(semaphore.available());
        }
        while held.pop().is_some() {
            seen.push(semaphore.available());
        }
        seen
    })?;
    let expected: Vec<usize> = (0..=permits).rev().chain(1..=permits).collect();
    ensure_eq!(
        seen,
        expected,
        t!(
            "available() after new({permits}), then after each acquire, then after each permit is dropped",
            "new({permits}) 직후, 그다음 acquire할 때마다, 그다음 허가를 하나씩 버릴 때마다의 available() 값"
        )
    );
    Ok(())
}

fn semaphore_blocks_when_empty(_ctx: &mut Ctx) -> CheckResult {
    let what = t!(
        "acquire() on an empty semaphore",
        "빈 세마포어에서 acquire() 호출"
    );
    let (early, late, available) = within(LIMIT, what, || {
        let semaphore = Semaphore::new(1);
        let held = semaphore.acquire();
        let got = AtomicBool::new(false);
        thread::scope(|scope| {
            let waiter = scope.spawn(|| {
                let _permit = semaphore.acquire();
                got.store(true, Ordering::SeqCst);
            });
            // A correct acquire cannot return while the permit is held, however
            // long we wait; 200 ms is plenty for a wrong one to return.
            thread::sleep(Duration::from_millis(200));
            let early = got.load(Ordering::SeqCst);
            drop(held);
            waiter.join().expect(&t!(
                "the waiting thread panicked",
                "기다리던 스레드가 패닉을 일으켰습니다"
            ));
            (early, got.load(Ordering::SeqCst), semaphore.available())
        })
    })?;
    ensure!(
        !early,
        t!(
            "acquire() returned while the only permit was held: it must wait until a permit is given back",
            "하나뿐인 허가를 누군가 쥐고 있는데 acquire()가 반환했습니다: 허가가 돌아올 때까지 기다려야 합니다"
        )
    );
    ensure!(
        late,
        t!(
            "acquire() never returned after the permit was given back",
            "허가가 돌아온 뒤에도 acquire()가 끝내 반환하지 않았습니다"
        )
    );
    ensure_eq!(
        available,
        1,
        t!(
            "every permit must be back once all guards are dropped",
            "가드가 모두 버려지면 모든 허가가 돌아와 있어야 합니다"
        )
    );
    Ok(())
}

fn semaphore_bounds_holders(ctx: &mut Ctx) -> CheckResult {
    let permits = ctx.rng().random_range(2..5);
    let threads = 3 * permits;
    let recorder = Recorder::new(t!(
        "{threads} threads sharing Semaphore::new({permits})",
        "Semaphore::new({permits})을(를) 함께 쓰는 스레드 {threads}개"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let probe = Arc::new(LimitProbe::new(permits, SETTLE, PATIENCE));
    let (rec, pr) = (recorder.clone(), probe.clone());
    let what = t!(
        "threads acquiring the semaphore",
        "세마포어를 얻으려는 스레드들"
    );
    let available = within(LIMIT, what, move || {
        rec.mark_caller();
        let semaphore = Semaphore::new(permits);
        thread::scope(|scope| {
            for i in 0..threads {
                let (semaphore, rec, pr) = (&semaphore, &rec, &pr);
                scope.spawn(move || {
                    let _permit = semaphore.acquire();
                    let _task = rec.task(format!("holder {i}"));
                    let _in = pr.enter();
                    thread::sleep(Duration::from_millis(5));
                });
            }
        });
        semaphore.available()
    })?;
    let peak = probe.peak();
    ensure!(
        !probe.exceeded(),
        t!(
            "{peak} threads held a permit at the same time, but the semaphore has only {permits} permits: \
             acquire() must wait while no permit is free",
            "스레드 {peak}개가 동시에 허가를 쥐었지만 세마포어의 허가는 {permits}개뿐입니다: \
             남은 허가가 없는 동안 acquire()는 기다려야 합니다"
        )
    );
    ensure!(
        probe.reached(),
        t!(
            "at most {peak} of the {permits} permits were ever held at once: acquire() must not wait \
             while a permit is free",
            "허가 {permits}개 가운데 한꺼번에 쥔 것은 많아야 {peak}개였습니다: 남은 허가가 있는 \
             동안 acquire()는 기다리면 안 됩니다"
        )
    );
    ensure_eq!(
        available,
        permits,
        t!(
            "every permit must be back once all guards are dropped",
            "가드가 모두 버려지면 모든 허가가 돌아와 있어야 합니다"
        )
    );
    Ok(())
}

fn fetch_all_results_in_order(ctx: &mut Ctx) -> CheckResult {
    let rng = ctx.rng();
    let cases: Vec<(Vec<u32>, usize)> = vec![
        (Vec::new(), 3),
        ((0..7).map(|_| rng.random_range(0..1000)).collect(), 1),
        ((0..9).map(|_| rng.random_range(0..1000)).collect(), 4),
        ((0..5).map(|_| rng.random_range(0..1000)).collect(), 16),
    ];
    for (resources, k) in cases {
        // data: what the fetch below returns, compared with fetch_all's results
        let expected: Vec<String> = resources.iter().map(|r| format!("page {r}")).collect();
        let input = resources.clone();
        let got = within(
            LIMIT,
            t!(
                "fetch_all({len} resources, {k})",
                "fetch_all(리소스 {len}개, {k})",
                len = resources.len()
            ),
            move || {
                fetch_all(&input, k, |r| {
                    simulated_io(Duration::from_millis(2));
                    format!("page {r}") // data: the fetched value, compared with `expected`
                })
            },
        )?;
        ensure_eq!(
            got,
            expected,
            t!(
                "fetch_all({resources:?}, {k}, ..) must return one result per resource, in the order of the resources",
                "fetch_all({resources:?}, {k}, ..)은(는) 리소스마다 결과를 하나씩, 리소스의 순서대로 돌려줘야 합니다"
            )
        );
    }
    Ok(())
}

/// Runs fetch_all under a limit probe; returns the probe after the call.
fn probed_fetch_all(
    ctx: &mut Ctx,
) -> Result<
    (
        Arc<LimitProbe>,
        usize,
        threadlings_kit::timing::EvidenceGuard,
    ),
    threadlings_kit::Stop,
> {
    let k = ctx.rng().random_range(2..5);
    let n = 4 * k + ctx.rng().random_range(0..k);
    let recorder = Recorder::new(t!(
        "fetch_all({n} resources, at most {k} in flight)",
        "fetch_all(리소스 {n}개, 동시에 진행 중인 것은 최대 {k}개)"
    ));
    let evidence = recorder.evidence_on_exit(ctx);
    let probe = Arc::new(LimitProbe::new(k, SETTLE, PATIENCE));
    let (rec, pr) = (recorder.clone(), probe.clone());
    let resources: Vec<u32> = (0..n as u32).collect();
    let results = within(
        LIMIT,
        t!(
            "fetch_all({n} resources, {k})",
            "fetch_all(리소스 {n}개, {k})"
        ),
        move || {
            rec.mark_caller();
            fetch_all(&resources, k, |&id| {
                let _task = rec.task(format!("fetch {id}"));
                let _in = pr.enter();
                simulated_io(Duration::from_millis(20));
                id
            })
        },
    )?;
    ensure_eq!(
        results,
        (0..n as u32).collect::<Vec<_>>(),
        t!(
            "fetch_all must return every result, in order",
            "fetch_all은 모든 결과를 순서대로 돌려줘야 합니다"
        )
    );
    Ok((probe, k, evidence))
}

fn fetch_all_never_exceeds_limit(ctx: &mut Ctx) -> CheckResult {
    let (probe, k, _evidence) = probed_fetch_all(ctx)?;
    let peak = probe.peak();
    ensure!(
        !probe.exceeded(),
        t!(
            "{peak} fetches were in flight at the same time, but at most {k} are allowed: take a permit \
             (or a worker) before each fetch and give it back after",
            "fetch {peak}개가 동시에 진행 중이었지만 허용되는 것은 최대 {k}개입니다: fetch마다 먼저 \
             허가(또는 워커)를 받고, 끝나면 돌려주세요"
        )
    );
    Ok(())
}

fn fetch_all_reaches_limit(ctx: &mut Ctx) -> CheckResult {
    let (probe, k, _evidence) = probed_fetch_all(ctx)?;
    if probe.reached() {
        return Ok(());
    }
    let (peak, patience) = (probe.peak(), PATIENCE.as_secs_f64());
    if peak <= 1 {
        fail!(t!(
            "your fetches ran one at a time: while one request waited, no other was in flight \
             (up to {k} may run at once; a held fetch waited {patience:.0} s for company)",
            "fetch가 한 번에 하나씩 실행되었습니다: 요청 하나가 기다리는 동안 진행 중인 다른 \
             요청이 없었습니다(동시에 {k}개까지 실행할 수 있습니다. 붙잡아 둔 fetch가 함께 진행될 \
             fetch를 {patience:.0}초 동안 기다렸습니다)"
        ));
    }
    let waited = if probe.release() == Release::GaveUp {
        t!(
            " (a held fetch waited {patience:.0} s for a {k}th)",
            " (붙잡아 둔 fetch가 {k}번째 fetch를 {patience:.0}초 동안 기다렸습니다)"
        )
    } else {
        String::new()
    };
    fail!(t!(
        "at most {peak} fetches were in flight at once, but {k} are allowed and there was enough work \
         for {k}: the limit is off by one or the workers are too few{waited}",
        "동시에 진행 중인 fetch는 많아야 {peak}개였지만, {k}개까지 허용되고 {k}개를 채울 만큼 \
         일이 있었습니다: 한도가 하나 차이로 틀렸거나 워커가 너무 적습니다{waited}"
    ));
}

fn fetch_all_overlaps_waits(ctx: &mut Ctx) -> CheckResult {
    let (n, k, each) = (12, 4, Duration::from_millis(150));
    let each_ms = ms(each);
    let recorder = Recorder::new(t!(
        "fetch_all({n} resources of {each_ms} each, at most {k} in flight)",
        "fetch_all(각각 {each_ms} 걸리는 리소스 {n}개, 동시에 진행 중인 것은 최대 {k}개)"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let expected = Latency::tasks(n, each, k);
    let measurement = expected.measure(3, || {
        let rec = recorder.clone();
        let resources: Vec<usize> = (0..n).collect();
        let (results, took) = within(
            LIMIT,
            t!(
                "fetch_all({n} resources, {k})",
                "fetch_all(리소스 {n}개, {k})"
            ),
            move || {
                rec.mark_caller();
                let started = std::time::Instant::now();
                let results = fetch_all(&resources, k, |&id| {
                    let _task = rec.task(format!("fetch {id}"));
                    simulated_io(each);
                    id
                });
                (results, started.elapsed())
            },
        )?;
        ensure_eq!(
            results,
            (0..n).collect::<Vec<_>>(),
            t!(
                "fetch_all must return every result, in order",
                "fetch_all은 모든 결과를 순서대로 돌려줘야 합니다"
            )
        );
        Ok(took)
    })?;
    recorder.note(measurement.note());
    measurement.judge(t!(
        "fetch_all({n} resources of {each_ms} each, {k})",
        "fetch_all(각각 {each_ms} 걸리는 리소스 {n}개, {k})"
    ))
}
