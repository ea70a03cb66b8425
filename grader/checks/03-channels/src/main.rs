//! Hidden checks of exercise 03-channels.
//!
//! Concurrency is proven structurally: a rendezvous between stage 1 working on
//! item 1 and stage 2 working on item 0 (only a real pipeline meets it); a
//! rendezvous of `worker_count` inside `work` (fan-out); backpressure by
//! holding stage 2 and seeing how far stage 1 gets (a bounded channel stops
//! it at `capacity + 2`, an unbounded one lets it run to the end). Shutdown
//! by the clock only as an upper bound: correct code returns at once.

use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use channels::{Stop, fan_out_fan_in, forward_until, pipeline, process_until_cancelled};
use rand::Rng;
use threadlings_kit::timing::{
    PATIENCE, Recorder, Rendezvous, process_threads, wait_for_threads_at_most, wait_until_settled,
};
use threadlings_kit::{CheckResult, Ctx, Failure, ensure, ensure_eq, fail, within};

threadlings_kit::checks![
    pipeline_results_in_order,
    pipeline_stages_overlap,
    pipeline_applies_backpressure,
    fan_out_results_in_job_order,
    fan_out_workers_run_at_once,
    fan_out_returns_when_done,
    forward_stops_when_input_closes,
    forward_stops_on_cancel,
    forward_stops_when_idle,
    cancel_keeps_finished_results,
    stage_panic_reaches_the_caller,
    worker_panic_reaches_the_caller,
];

const LIMIT: Duration = Duration::from_secs(20);
/// Threads may take this long to disappear after being joined.
const THREAD_EXIT: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------- pipeline

fn pipeline_results_in_order(ctx: &mut Ctx) -> CheckResult {
    let rng = ctx.rng();
    let mut cases: Vec<(Vec<u32>, usize)> = vec![(Vec::new(), 1), (vec![5], 1)];
    for capacity in [0, 1, 3] {
        let len = rng.random_range(1..60);
        cases.push((
            (0..len).map(|_| rng.random_range(0..1000)).collect(),
            capacity,
        ));
    }
    for (inputs, capacity) in cases {
        let expected: Vec<String> = inputs.iter().map(|x| format!("<{}>", x * 2)).collect();
        let given = inputs.clone();
        let got = within(
            LIMIT,
            &format!("pipeline({} inputs, capacity {capacity}, ..)", inputs.len()),
            move || pipeline(given, capacity, |x: u32| x * 2, |y: u32| format!("<{y}>")),
        )?;
        ensure_eq!(
            got,
            expected,
            "pipeline({inputs:?}, {capacity}, x*2, <y>) must return second(first(x)) for every input, in order"
        );
    }
    Ok(())
}

fn pipeline_stages_overlap(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(4..12);
    let recorder = Recorder::new(format!("pipeline({n} inputs, capacity 1)"));
    let _evidence = recorder.evidence_on_exit(ctx);
    // Stage 1 on item 1 and stage 2 on item 0 wait for each other: only met
    // when the two stages really run at the same time.
    let rendezvous = Arc::new(Rendezvous::new(2, PATIENCE));
    let (rec1, rv1) = (recorder.clone(), rendezvous.clone());
    let (rec2, rv2) = (recorder.clone(), rendezvous.clone());
    let caller = recorder.clone();
    let got = within(LIMIT, &format!("pipeline({n} inputs, 1, ..)"), move || {
        caller.mark_caller();
        pipeline(
            (0..n).collect::<Vec<usize>>(),
            1,
            move |i| {
                rec1.run(format!("stage 1, item {i}"), || {
                    if i == 1 {
                        rv1.arrive();
                    }
                });
                i
            },
            move |i| {
                rec2.run(format!("stage 2, item {i}"), || {
                    if i == 0 {
                        rv2.arrive();
                    }
                });
                i
            },
        )
    })?;
    ensure_eq!(
        got,
        (0..n).collect::<Vec<_>>(),
        "pipeline must pass every item through, in order"
    );
    ensure!(
        rendezvous.met(),
        "your stages ran one after another: stage 2 never worked on item 0 while stage 1 worked \
         on item 1 (stage 1 waited {:.0} s for it). Run each stage on its own thread, connected \
         by channels, so both work at the same time",
        PATIENCE.as_secs_f64()
    );
    Ok(())
}

fn pipeline_applies_backpressure(ctx: &mut Ctx) -> CheckResult {
    let capacity = ctx.rng().random_range(1..4);
    let n = 40;
    let recorder = Recorder::new(format!(
        "pipeline({n} inputs, capacity {capacity}), stage 2 held"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let produced = Arc::new(AtomicUsize::new(0));
    let ahead = Arc::new(AtomicUsize::new(0));
    let (rec1, rec2, caller) = (recorder.clone(), recorder.clone(), recorder.clone());
    let (p1, p2, ahead2) = (produced.clone(), produced.clone(), ahead.clone());
    let got = within(
        LIMIT,
        &format!("pipeline({n} inputs, {capacity}, ..)"),
        move || {
            caller.mark_caller();
            pipeline(
                (0..n).collect::<Vec<usize>>(),
                capacity,
                move |i| {
                    rec1.run(format!("stage 1, item {i}"), || {
                        p1.fetch_add(1, Ordering::SeqCst)
                    });
                    i
                },
                move |i| {
                    rec2.run(format!("stage 2, item {i}"), || {
                        if i == 0 {
                            // Hold stage 2 and let stage 1 run until it is
                            // blocked (bounded channel) or done (unbounded).
                            let seen = wait_until_settled(
                                || p2.load(Ordering::SeqCst),
                                n,
                                Duration::from_millis(300),
                                PATIENCE,
                            );
                            ahead2.store(seen, Ordering::SeqCst);
                        }
                    });
                    i
                },
            )
        },
    )?;
    ensure_eq!(
        got,
        (0..n).collect::<Vec<_>>(),
        "pipeline must pass every item through, in order"
    );
    let ahead = ahead.load(Ordering::SeqCst);
    let allowed = capacity + 2;
    recorder.note(format!(
        "while stage 2 was held on item 0, stage 1 produced {ahead} items (capacity {capacity}: at most \
         {allowed} = {capacity} in the channel, 1 being sent, 1 in stage 2)"
    ));
    if ahead > allowed {
        return Err(Failure::new(format!(
            "no backpressure: while stage 2 was busy with item 0, stage 1 went on and produced \
             {ahead} of {n} items. Use mpsc::sync_channel({capacity}) between the stages so a fast \
             stage waits for a slow one instead of buffering everything"
        ))
        .expected(format!("at most {allowed} items produced ahead"))
        .actual(format!("{ahead}"))
        .into());
    }
    Ok(())
}

// ------------------------------------------------------------- fan-out/in

fn fan_out_results_in_job_order(ctx: &mut Ctx) -> CheckResult {
    let rng = ctx.rng();
    let mut cases: Vec<(Vec<u64>, usize)> = vec![(Vec::new(), 2), (vec![3], 4)];
    for workers in [1, 3, 6] {
        let len = rng.random_range(1..80);
        cases.push((
            (0..len).map(|_| rng.random_range(0..1000)).collect(),
            workers,
        ));
    }
    for (jobs, workers) in cases {
        let expected: Vec<u64> = jobs.iter().map(|x| x * x).collect();
        let given = jobs.clone();
        let got = within(
            LIMIT,
            &format!("fan_out_fan_in({} jobs, {workers}, ..)", jobs.len()),
            move || fan_out_fan_in(given, workers, |x: u64| x * x),
        )?;
        ensure_eq!(
            got,
            expected,
            "fan_out_fan_in({jobs:?}, {workers}, x*x) must return work(job) for every job, in job order"
        );
    }
    Ok(())
}

fn fan_out_workers_run_at_once(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..6);
    let n = 3 * workers;
    let recorder = Recorder::new(format!("fan_out_fan_in({n} jobs, {workers} workers)"));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let caller = recorder.clone();
    let got = within(
        LIMIT,
        &format!("fan_out_fan_in({n} jobs, {workers})"),
        move || {
            caller.mark_caller();
            fan_out_fan_in((0..n).collect::<Vec<usize>>(), workers, move |i| {
                rec.run(format!("job {i}"), || rv.arrive());
                i
            })
        },
    )?;
    ensure_eq!(
        got,
        (0..n).collect::<Vec<_>>(),
        "every job's result, in job order"
    );
    ensure!(
        rendezvous.met(),
        "your workers never ran {workers} jobs at the same time (at most {}): start all \
         {workers} workers before sending the jobs, and let them all receive from one channel",
        recorder.peak()
    );
    ensure_eq!(
        recorder.worker_threads(),
        workers,
        "jobs must run on exactly {workers} worker threads (not on the caller, not a thread per job)"
    );
    Ok(())
}

fn fan_out_returns_when_done(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..5);
    let n = 4 * workers;
    let done = Arc::new(AtomicUsize::new(0));
    let counter = done.clone();
    let before = process_threads().unwrap_or(0);
    let result = within(
        Duration::from_secs(5),
        &format!("fan_out_fan_in({n} jobs, {workers})"),
        move || {
            fan_out_fan_in((0..n).collect::<Vec<usize>>(), workers, move |i| {
                counter.fetch_add(1, Ordering::SeqCst);
                i
            })
        },
    );
    if result.is_err() && done.load(Ordering::SeqCst) == n {
        fail!(
            "all {n} jobs were done, but fan_out_fan_in never returned: the results channel never \
             closed because a Sender is still alive. Drop your own results Sender after giving \
             each worker its clone, so the channel closes when the last worker ends"
        );
    }
    let got = result?;
    ensure_eq!(
        got,
        (0..n).collect::<Vec<_>>(),
        "every job's result, in job order"
    );
    let after = wait_for_threads_at_most(before, THREAD_EXIT).unwrap_or(0);
    ensure!(
        after <= before,
        "fan_out_fan_in returned but left {} thread(s) running: join every worker before returning",
        after - before
    );
    Ok(())
}

// ------------------------------------------------------------ forward_until

fn forward_stops_when_input_closes(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(1..20);
    let (stop, forwarded, received) =
        within(LIMIT, "forward_until(..) on a closed input", move || {
            let (in_tx, in_rx) = crossbeam_channel::unbounded();
            let (_cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
            let (out_tx, out_rx) = crossbeam_channel::unbounded();
            for i in 0..n {
                in_tx.send(i).unwrap();
            }
            drop(in_tx);
            let (stop, forwarded) =
                forward_until(&in_rx, &cancel_rx, &out_tx, Duration::from_secs(30));
            (stop, forwarded, out_rx.try_iter().collect::<Vec<usize>>())
        })?;
    ensure_eq!(
        stop,
        Stop::InputClosed,
        "all senders of the input were dropped"
    );
    ensure_eq!(
        received,
        (0..n).collect::<Vec<_>>(),
        "every message forwarded, in order, before stopping"
    );
    ensure_eq!(forwarded, n, "the count of messages forwarded");
    Ok(())
}

fn forward_stops_on_cancel(_ctx: &mut Ctx) -> CheckResult {
    for close in [false, true] {
        let how = if close {
            "closing cancel"
        } else {
            "a message on cancel"
        };
        let (stop, forwarded, took) =
            within(LIMIT, &format!("forward_until(..) then {how}"), move || {
                let (in_tx, in_rx) = crossbeam_channel::unbounded();
                let (cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
                let (out_tx, _out_rx) = crossbeam_channel::unbounded();
                in_tx.send(1).unwrap();
                in_tx.send(2).unwrap();
                let canceller = thread::spawn(move || {
                    thread::sleep(Duration::from_millis(100));
                    if close {
                        drop(cancel_tx);
                    } else {
                        cancel_tx.send(()).unwrap();
                        thread::sleep(Duration::from_secs(60));
                    }
                });
                let started = Instant::now();
                let (stop, forwarded) =
                    forward_until(&in_rx, &cancel_rx, &out_tx, Duration::from_secs(30));
                let took = started.elapsed();
                drop(in_tx);
                if close {
                    let _ = canceller.join();
                }
                (stop, forwarded, took)
            })?;
        ensure_eq!(
            stop,
            Stop::Cancelled,
            "forward_until must stop on {how} while the input is still open"
        );
        ensure_eq!(
            forwarded,
            2,
            "the two messages sent before the cancel are forwarded"
        );
        ensure!(
            took < Duration::from_secs(10),
            "forward_until took {took:?} to notice {how}: wait on input and cancel at once with select!"
        );
    }
    Ok(())
}

fn forward_stops_when_idle(_ctx: &mut Ctx) -> CheckResult {
    // Six messages 200 ms apart, then a quiet (but open) input. The gaps are
    // far below the idle time, so a stage whose idle time counts from the last
    // message forwards all six; together they last longer than the idle time,
    // so one that counts from the start stops too early.
    let idle = Duration::from_millis(800);
    let gap = Duration::from_millis(200);
    let count = 6;
    let (stop, forwarded, quiet_for) =
        within(LIMIT, "forward_until(..) with a quiet input", move || {
            let (in_tx, in_rx) = crossbeam_channel::unbounded();
            let (_cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
            let (out_tx, _out_rx) = crossbeam_channel::unbounded();
            let last_sent = Arc::new(std::sync::Mutex::new(Instant::now()));
            let stamp = last_sent.clone();
            let sender = thread::spawn(move || {
                for i in 0..count {
                    thread::sleep(gap);
                    *stamp.lock().unwrap() = Instant::now();
                    in_tx.send(i).unwrap();
                }
                // Keep the input open (not closed), just quiet.
                thread::sleep(Duration::from_secs(60));
            });
            let (stop, forwarded) = forward_until(&in_rx, &cancel_rx, &out_tx, idle);
            let quiet_for = last_sent.lock().unwrap().elapsed();
            drop(sender);
            (stop, forwarded, quiet_for)
        })?;
    ensure_eq!(
        stop,
        Stop::Idle,
        "with the input open but quiet, forward_until must stop as Idle"
    );
    ensure_eq!(
        forwarded,
        count,
        "messages {gap:?} apart, closer than the idle time ({idle:?}), must all be forwarded: the \
         idle time counts from the last message, not from the start"
    );
    ensure!(
        quiet_for >= idle,
        "forward_until stopped {quiet_for:?} after the last message, before the idle time ({idle:?}) \
         passed: the idle time counts from the last message"
    );
    Ok(())
}

// ------------------------------------------------------- cancel + shutdown

fn cancel_keeps_finished_results(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..5);
    let queued = 10 * workers;
    let recorder = Recorder::new(format!(
        "process_until_cancelled({queued} jobs queued, {workers} workers), cancelled while all are busy"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let cancelled = Arc::new(AtomicBool::new(false));
    let started_after_cancel = Arc::new(AtomicUsize::new(0));
    let finished: Arc<std::sync::Mutex<BTreeSet<usize>>> = Arc::default();
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));

    let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded::<usize>();
    for i in 0..queued {
        jobs_tx.send(i).unwrap();
    }
    let (cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
    let before = process_threads().unwrap_or(0);

    let (rec, caller) = (recorder.clone(), recorder.clone());
    let (flag, late, done, rv) = (
        cancelled.clone(),
        started_after_cancel.clone(),
        finished.clone(),
        rendezvous.clone(),
    );
    let handle = thread::spawn(move || {
        within(LIMIT, "process_until_cancelled(..)", move || {
            caller.mark_caller();
            process_until_cancelled(jobs_rx, cancel_rx, workers, move |i| {
                if flag.load(Ordering::SeqCst) {
                    late.fetch_add(1, Ordering::SeqCst);
                }
                rec.run(format!("job {i}"), || {
                    rv.arrive();
                    // Busy until the cancel, then a little longer: the result
                    // is sent *after* the cancel, and must not be lost.
                    while !flag.load(Ordering::SeqCst) {
                        thread::sleep(Duration::from_millis(1));
                    }
                    thread::sleep(Duration::from_millis(300));
                });
                done.lock().unwrap().insert(i);
                i
            })
        })
    });
    // Cancel once every worker is busy with a job (or at once if the answer
    // already returned: a panic or early exit needs no patience).
    recorder.wait_until(PATIENCE, |s| s.in_flight >= workers || handle.is_finished());
    drop(cancel_tx);
    cancelled.store(true, Ordering::SeqCst);
    // A panic of the answer is re-raised here, where the harness reports it.
    let results = handle
        .join()
        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
    drop(jobs_tx);

    let finished = finished.lock().unwrap().clone();
    let got: BTreeSet<usize> = results.iter().copied().collect();
    recorder.note(format!(
        "{} jobs finished their work, {} results returned",
        finished.len(),
        results.len()
    ));
    ensure!(
        rendezvous.met(),
        "your workers never ran {workers} jobs at the same time (at most {})",
        recorder.peak()
    );
    let lost: Vec<usize> = finished.difference(&got).copied().collect();
    if !lost.is_empty() {
        return Err(Failure::new(format!(
            "results lost on shutdown: the work for jobs {lost:?} finished (after the cancel) but \
             their results were not returned. After a cancel, keep receiving results until every \
             worker has dropped its Sender"
        ))
        .expected(format!("{} results", finished.len()))
        .actual(format!("{}", results.len()))
        .into());
    }
    ensure_eq!(results.len(), got.len(), "no result returned twice");
    // Reported, not judged: `select!` picks at random among ready arms, so
    // without a check of `cancel` first a worker may take a few more jobs.
    recorder.note(format!(
        "{} job(s) started after the cancel",
        started_after_cancel.load(Ordering::SeqCst)
    ));
    let after = wait_for_threads_at_most(before, THREAD_EXIT).unwrap_or(0);
    ensure!(
        after <= before,
        "process_until_cancelled returned but left {} thread(s) running: join every worker",
        after - before
    );
    Ok(())
}

// ------------------------------------------------- panics reach the caller

/// What the checks' stage and worker functions panic with.
const OWN_PANIC: &str = "a stage of the check failed on purpose";

/// Runs `call`, which must panic with [`OWN_PANIC`]: the panic of a thread
/// it started, handed on by `join` + `resume_unwind`. Returning (a thread
/// never joined, its panic lost) or panicking with another message (the
/// payload swapped by `unwrap()`, or a missing result) fails.
fn expect_own_panic<T>(what: &str, call: impl FnOnce() -> T + Send + 'static) -> CheckResult
where
    T: std::fmt::Debug + Send + 'static,
{
    let outcome = within(LIMIT, what, move || catch_unwind(AssertUnwindSafe(call)))?;
    let payload = match outcome {
        Ok(value) => fail!(
            "{what} returned {value:?} although one of its threads panicked: the panic was lost. \
             Join every thread you start; `join()` returns the thread's panic as `Err(payload)`: \
             hand it on with `std::panic::resume_unwind(payload)`"
        ),
        Err(payload) => payload,
    };
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    if message.starts_with("not yet implemented") {
        // A stub: the harness reports it as not started.
        resume_unwind(payload);
    }
    ensure!(
        message.contains(OWN_PANIC),
        "{what} panicked with `{message}` instead of its thread's own panic (`{OWN_PANIC}`): hand \
         the `Err(payload)` of `join()` on with `std::panic::resume_unwind(payload)` (`unwrap()` \
         replaces the thread's message with its own)"
    );
    Ok(())
}

fn stage_panic_reaches_the_caller(ctx: &mut Ctx) -> CheckResult {
    let n = 8;
    let failing = ctx.rng().random_range(0..n);
    let capacity = ctx.rng().random_range(1..3);
    let in_second = ctx.rng().random_bool(0.5);
    let stage = if in_second { "second" } else { "first" };
    // A working pipeline first: a stub is then reported as not started.
    let fine = within(LIMIT, "pipeline(0..8)", move || {
        pipeline((0..n).collect::<Vec<u32>>(), capacity, |x| x, |x| x)
    })?;
    ensure_eq!(
        fine,
        (0..n).collect::<Vec<_>>(),
        "pipeline(0..8) with identity stages"
    );
    expect_own_panic(
        &format!(
            "pipeline(0..{n}, capacity {capacity}) whose stage `{stage}` panics on input {failing}"
        ),
        move || {
            let fail = move |x: u32| {
                if x == failing {
                    panic!("{OWN_PANIC}");
                }
                x
            };
            if in_second {
                pipeline((0..n).collect(), capacity, |x| x, fail)
            } else {
                pipeline((0..n).collect(), capacity, fail, |x| x)
            }
        },
    )
}

fn worker_panic_reaches_the_caller(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..5);
    let n = 4 * workers;
    let failing = ctx.rng().random_range(0..n);
    let fail = move |x: usize| {
        if x == failing {
            panic!("{OWN_PANIC}");
        }
        x
    };
    expect_own_panic(
        &format!("fan_out_fan_in({n} jobs, {workers} workers) whose job {failing} panics"),
        move || fan_out_fan_in((0..n).collect::<Vec<usize>>(), workers, fail),
    )?;
    let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded::<usize>();
    for i in 0..n {
        jobs_tx.send(i).unwrap();
    }
    drop(jobs_tx);
    let (cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
    let outcome = expect_own_panic(
        &format!(
            "process_until_cancelled({n} jobs, then closed; {workers} workers) whose job {failing} \
             panics"
        ),
        move || process_until_cancelled(jobs_rx, cancel_rx, workers, fail),
    );
    // Never cancelled: a closed cancel channel would stop the workers at once.
    drop(cancel_tx);
    outcome
}
