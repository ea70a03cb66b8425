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
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, fail, within};

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
        "available() after new({permits}), then after each acquire, then after each permit is dropped"
    );
    Ok(())
}

fn semaphore_blocks_when_empty(_ctx: &mut Ctx) -> CheckResult {
    let (early, late, available) = within(LIMIT, "acquire() on an empty semaphore", || {
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
            waiter.join().expect("the waiting thread panicked");
            (early, got.load(Ordering::SeqCst), semaphore.available())
        })
    })?;
    ensure!(
        !early,
        "acquire() returned while the only permit was held: it must wait until a permit is given back"
    );
    ensure!(
        late,
        "acquire() never returned after the permit was given back"
    );
    ensure_eq!(
        available,
        1,
        "every permit must be back once all guards are dropped"
    );
    Ok(())
}

fn semaphore_bounds_holders(ctx: &mut Ctx) -> CheckResult {
    let permits = ctx.rng().random_range(2..5);
    let threads = 3 * permits;
    let recorder = Recorder::new(format!(
        "{threads} threads sharing Semaphore::new({permits})"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let probe = Arc::new(LimitProbe::new(permits, SETTLE, PATIENCE));
    let (rec, pr) = (recorder.clone(), probe.clone());
    let available = within(LIMIT, "threads acquiring the semaphore", move || {
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
    ensure!(
        !probe.exceeded(),
        "{} threads held a permit at the same time, but the semaphore has only {permits} permits: \
         acquire() must wait while no permit is free",
        probe.peak()
    );
    ensure!(
        probe.reached(),
        "at most {} of the {permits} permits were ever held at once: acquire() must not wait \
         while a permit is free",
        probe.peak()
    );
    ensure_eq!(
        available,
        permits,
        "every permit must be back once all guards are dropped"
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
        let expected: Vec<String> = resources.iter().map(|r| format!("page {r}")).collect();
        let input = resources.clone();
        let got = within(
            LIMIT,
            &format!("fetch_all({} resources, {k})", resources.len()),
            move || {
                fetch_all(&input, k, |r| {
                    simulated_io(Duration::from_millis(2));
                    format!("page {r}")
                })
            },
        )?;
        ensure_eq!(
            got,
            expected,
            "fetch_all({resources:?}, {k}, ..) must return one result per resource, in the order of the resources"
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
    let recorder = Recorder::new(format!("fetch_all({n} resources, at most {k} in flight)"));
    let evidence = recorder.evidence_on_exit(ctx);
    let probe = Arc::new(LimitProbe::new(k, SETTLE, PATIENCE));
    let (rec, pr) = (recorder.clone(), probe.clone());
    let resources: Vec<u32> = (0..n as u32).collect();
    let results = within(
        LIMIT,
        &format!("fetch_all({n} resources, {k})"),
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
        "fetch_all must return every result, in order"
    );
    Ok((probe, k, evidence))
}

fn fetch_all_never_exceeds_limit(ctx: &mut Ctx) -> CheckResult {
    let (probe, k, _evidence) = probed_fetch_all(ctx)?;
    ensure!(
        !probe.exceeded(),
        "{} fetches were in flight at the same time, but at most {k} are allowed: take a permit \
         (or a worker) before each fetch and give it back after",
        probe.peak()
    );
    Ok(())
}

fn fetch_all_reaches_limit(ctx: &mut Ctx) -> CheckResult {
    let (probe, k, _evidence) = probed_fetch_all(ctx)?;
    if probe.reached() {
        return Ok(());
    }
    if probe.peak() <= 1 {
        fail!(
            "your fetches ran one at a time: while one request waited, no other was in flight \
             (up to {k} may run at once; a held fetch waited {:.0} s for company)",
            PATIENCE.as_secs_f64()
        );
    }
    let waited = if probe.release() == Release::GaveUp {
        format!(
            " (a held fetch waited {:.0} s for a {k}th)",
            PATIENCE.as_secs_f64()
        )
    } else {
        String::new()
    };
    fail!(
        "at most {} fetches were in flight at once, but {k} are allowed and there was enough work \
         for {k}: the limit is off by one or the workers are too few{waited}",
        probe.peak()
    );
}

fn fetch_all_overlaps_waits(ctx: &mut Ctx) -> CheckResult {
    let (n, k, each) = (12, 4, Duration::from_millis(150));
    let recorder = Recorder::new(format!(
        "fetch_all({n} resources of {} each, at most {k} in flight)",
        ms(each)
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let expected = Latency::tasks(n, each, k);
    let measurement = expected.measure(3, || {
        let rec = recorder.clone();
        let resources: Vec<usize> = (0..n).collect();
        let (results, took) = within(
            LIMIT,
            &format!("fetch_all({n} resources, {k})"),
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
            "fetch_all must return every result, in order"
        );
        Ok(took)
    })?;
    recorder.note(measurement.note());
    measurement.judge(&format!(
        "fetch_all({n} resources of {} each, {k})",
        ms(each)
    ))
}
