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
use threadlings_kit::{CheckResult, Ctx, Failure, ensure, ensure_eq, fail, t, within};

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
            t!(
                "pipeline({} inputs, capacity {capacity}, ..)",
                "pipeline(입력 {}개, capacity {capacity}, ..)",
                inputs.len()
            ),
            move || pipeline(given, capacity, |x: u32| x * 2, |y: u32| format!("<{y}>")),
        )?;
        ensure_eq!(
            got,
            expected,
            t!(
                "pipeline({inputs:?}, {capacity}, x*2, <y>) must return second(first(x)) for every input, in order",
                "pipeline({inputs:?}, {capacity}, x*2, <y>) 호출은 모든 입력의 second(first(x)) 값을 입력 순서대로 돌려주어야 합니다"
            )
        );
    }
    Ok(())
}

fn pipeline_stages_overlap(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(4..12);
    let recorder = Recorder::new(t!(
        "pipeline({n} inputs, capacity 1)",
        "pipeline(입력 {n}개, capacity 1)"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    // Stage 1 on item 1 and stage 2 on item 0 wait for each other: only met
    // when the two stages really run at the same time.
    let rendezvous = Arc::new(Rendezvous::new(2, PATIENCE));
    let (rec1, rv1) = (recorder.clone(), rendezvous.clone());
    let (rec2, rv2) = (recorder.clone(), rendezvous.clone());
    let caller = recorder.clone();
    let label = t!("pipeline({n} inputs, 1, ..)", "pipeline(입력 {n}개, 1, ..)");
    let got = within(LIMIT, &label, move || {
        caller.mark_caller();
        pipeline(
            (0..n).collect::<Vec<usize>>(),
            1,
            move |i| {
                rec1.run(t!("stage 1, item {i}", "단계 1, 항목 {i}"), || {
                    if i == 1 {
                        rv1.arrive();
                    }
                });
                i
            },
            move |i| {
                rec2.run(t!("stage 2, item {i}", "단계 2, 항목 {i}"), || {
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
        t!(
            "pipeline must pass every item through, in order",
            "pipeline은 모든 항목을 빠짐없이 순서대로 통과시켜야 합니다"
        )
    );
    ensure!(
        rendezvous.met(),
        t!(
            "your stages ran one after another: stage 2 never worked on item 0 while stage 1 worked \
             on item 1 (stage 1 waited {:.0} s for it). Run each stage on its own thread, connected \
             by channels, so both work at the same time",
            "단계들이 하나씩 차례로 실행되었습니다: 단계 1이 항목 1을 처리하는 동안 단계 2가 \
             항목 0을 처리한 적이 없습니다(단계 1은 그것을 {:.0}초 동안 기다렸습니다). 각 단계를 \
             채널로 이어진 자기 스레드에서 실행해서, 두 단계가 동시에 일하게 하세요",
            PATIENCE.as_secs_f64()
        )
    );
    Ok(())
}

fn pipeline_applies_backpressure(ctx: &mut Ctx) -> CheckResult {
    let capacity = ctx.rng().random_range(1..4);
    let n = 40;
    let recorder = Recorder::new(t!(
        "pipeline({n} inputs, capacity {capacity}), stage 2 held",
        "pipeline(입력 {n}개, capacity {capacity}), 단계 2를 붙잡아 둠"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let produced = Arc::new(AtomicUsize::new(0));
    let ahead = Arc::new(AtomicUsize::new(0));
    let (rec1, rec2, caller) = (recorder.clone(), recorder.clone(), recorder.clone());
    let (p1, p2, ahead2) = (produced.clone(), produced.clone(), ahead.clone());
    let got = within(
        LIMIT,
        t!(
            "pipeline({n} inputs, {capacity}, ..)",
            "pipeline(입력 {n}개, {capacity}, ..)"
        ),
        move || {
            caller.mark_caller();
            pipeline(
                (0..n).collect::<Vec<usize>>(),
                capacity,
                move |i| {
                    rec1.run(t!("stage 1, item {i}", "단계 1, 항목 {i}"), || {
                        p1.fetch_add(1, Ordering::SeqCst)
                    });
                    i
                },
                move |i| {
                    rec2.run(t!("stage 2, item {i}", "단계 2, 항목 {i}"), || {
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
        t!(
            "pipeline must pass every item through, in order",
            "pipeline은 모든 항목을 빠짐없이 순서대로 통과시켜야 합니다"
        )
    );
    let ahead = ahead.load(Ordering::SeqCst);
    let allowed = capacity + 2;
    recorder.note(t!(
        "while stage 2 was held on item 0, stage 1 produced {ahead} items (capacity {capacity}: at most \
         {allowed} = {capacity} in the channel, 1 being sent, 1 in stage 2)",
        "단계 2를 항목 0에 붙잡아 둔 동안 단계 1은 항목 {ahead}개를 만들었습니다(capacity \
         {capacity}: 최대 {allowed}개 = 채널 안에 {capacity}개, 보내는 중인 1개, 단계 2에 있는 1개)"
    ));
    if ahead > allowed {
        return Err(Failure::new(t!(
            "no backpressure: while stage 2 was busy with item 0, stage 1 went on and produced \
             {ahead} of {n} items. Use mpsc::sync_channel({capacity}) between the stages so a fast \
             stage waits for a slow one instead of buffering everything",
            "배압이 없습니다: 단계 2가 항목 0을 처리하느라 바쁜 동안, 단계 1은 멈추지 않고 항목 \
             {n}개 중 {ahead}개를 만들었습니다. 단계 사이에 mpsc::sync_channel({capacity}) 채널을 \
             두어서, 빠른 단계가 모든 것을 버퍼에 쌓는 대신 느린 단계를 기다리게 하세요"
        ))
        .expected(t!(
            "at most {allowed} items produced ahead",
            "앞서 만든 항목 최대 {allowed}개"
        ))
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
            t!(
                "fan_out_fan_in({} jobs, {workers}, ..)",
                "fan_out_fan_in(작업 {}개, {workers}, ..)",
                jobs.len()
            ),
            move || fan_out_fan_in(given, workers, |x: u64| x * x),
        )?;
        ensure_eq!(
            got,
            expected,
            t!(
                "fan_out_fan_in({jobs:?}, {workers}, x*x) must return work(job) for every job, in job order",
                "fan_out_fan_in({jobs:?}, {workers}, x*x) 호출은 모든 작업의 work(job) 값을 작업 순서대로 돌려주어야 합니다"
            )
        );
    }
    Ok(())
}

fn fan_out_workers_run_at_once(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..6);
    let n = 3 * workers;
    let recorder = Recorder::new(t!(
        "fan_out_fan_in({n} jobs, {workers} workers)",
        "fan_out_fan_in(작업 {n}개, 워커 {workers}개)"
    ));
    let _evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let caller = recorder.clone();
    let got = within(
        LIMIT,
        t!(
            "fan_out_fan_in({n} jobs, {workers})",
            "fan_out_fan_in(작업 {n}개, {workers})"
        ),
        move || {
            caller.mark_caller();
            fan_out_fan_in((0..n).collect::<Vec<usize>>(), workers, move |i| {
                rec.run(t!("job {i}", "작업 {i}"), || rv.arrive());
                i
            })
        },
    )?;
    ensure_eq!(
        got,
        (0..n).collect::<Vec<_>>(),
        t!(
            "every job's result, in job order",
            "모든 작업의 결과, 작업 순서대로"
        )
    );
    ensure!(
        rendezvous.met(),
        t!(
            "your workers never ran {workers} jobs at the same time (at most {}): start all \
             {workers} workers before sending the jobs, and let them all receive from one channel",
            "워커들이 작업 {workers}개를 동시에 실행한 적이 없습니다(최대 {}개): 작업을 보내기 \
             전에 워커 {workers}개를 모두 시작하고, 모두가 한 채널에서 받게 하세요",
            recorder.peak()
        )
    );
    ensure_eq!(
        recorder.worker_threads(),
        workers,
        t!(
            "jobs must run on exactly {workers} worker threads (not on the caller, not a thread per job)",
            "작업은 정확히 {workers}개의 워커 스레드에서 실행되어야 합니다(호출자 스레드에서 \
             실행하거나 작업마다 스레드를 하나씩 만들면 안 됩니다)"
        )
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
        t!(
            "fan_out_fan_in({n} jobs, {workers})",
            "fan_out_fan_in(작업 {n}개, {workers})"
        ),
        move || {
            fan_out_fan_in((0..n).collect::<Vec<usize>>(), workers, move |i| {
                counter.fetch_add(1, Ordering::SeqCst);
                i
            })
        },
    );
    if result.is_err() && done.load(Ordering::SeqCst) == n {
        fail!(t!(
            "all {n} jobs were done, but fan_out_fan_in never returned: the results channel never \
             closed because a Sender is still alive. Drop your own results Sender after giving \
             each worker its clone, so the channel closes when the last worker ends",
            "작업 {n}개가 모두 끝났지만 fan_out_fan_in이 반환하지 않았습니다: Sender 하나가 아직 \
             살아 있어서 결과 채널이 닫히지 않았습니다. 각 워커에게 복제본을 준 뒤 여러분이 쥔 \
             결과 Sender를 버리세요(drop). 그러면 마지막 워커가 끝날 때 채널이 닫힙니다"
        ));
    }
    let got = result?;
    ensure_eq!(
        got,
        (0..n).collect::<Vec<_>>(),
        t!(
            "every job's result, in job order",
            "모든 작업의 결과, 작업 순서대로"
        )
    );
    let after = wait_for_threads_at_most(before, THREAD_EXIT).unwrap_or(0);
    ensure!(
        after <= before,
        t!(
            "fan_out_fan_in returned but left {} thread(s) running: join every worker before returning",
            "fan_out_fan_in이 반환했지만 스레드 {}개를 실행 중으로 남겼습니다: 반환하기 전에 모든 \
             워커를 조인하세요",
            after - before
        )
    );
    Ok(())
}

// ------------------------------------------------------------ forward_until

fn forward_stops_when_input_closes(ctx: &mut Ctx) -> CheckResult {
    let n = ctx.rng().random_range(1..20);
    let what = t!(
        "forward_until(..) on a closed input",
        "닫힌 입력에 대한 forward_until(..)"
    );
    let (stop, forwarded, received) = within(LIMIT, what, move || {
        let (in_tx, in_rx) = crossbeam_channel::unbounded();
        let (_cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        for i in 0..n {
            in_tx.send(i).unwrap();
        }
        drop(in_tx);
        let (stop, forwarded) = forward_until(&in_rx, &cancel_rx, &out_tx, Duration::from_secs(30));
        (stop, forwarded, out_rx.try_iter().collect::<Vec<usize>>())
    })?;
    ensure_eq!(
        stop,
        Stop::InputClosed,
        t!(
            "all senders of the input were dropped",
            "입력 채널의 Sender가 모두 버려졌습니다"
        )
    );
    ensure_eq!(
        received,
        (0..n).collect::<Vec<_>>(),
        t!(
            "every message forwarded, in order, before stopping",
            "멈추기 전에 모든 메시지를 순서대로 전달"
        )
    );
    ensure_eq!(
        forwarded,
        n,
        t!("the count of messages forwarded", "전달한 메시지 수")
    );
    Ok(())
}

fn forward_stops_on_cancel(_ctx: &mut Ctx) -> CheckResult {
    for close in [false, true] {
        // The Korean puts how the cancel comes elsewhere in each sentence:
        // one sentence per way, each with its own Korean.
        let label = if close {
            t!(
                "forward_until(..) then closing cancel",
                "forward_until(..) 뒤 cancel 닫기"
            )
        } else {
            t!(
                "forward_until(..) then a message on cancel",
                "forward_until(..) 뒤 cancel에 메시지 보내기"
            )
        };
        let (stop, forwarded, took) = within(LIMIT, &label, move || {
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
            "{}",
            if close {
                t!(
                    "forward_until must stop on closing cancel while the input is still open",
                    "입력이 아직 열려 있어도 cancel이 닫히면 forward_until은 멈춰야 합니다"
                )
            } else {
                t!(
                    "forward_until must stop on a message on cancel while the input is still open",
                    "입력이 아직 열려 있어도 cancel에 메시지가 오면 forward_until은 멈춰야 합니다"
                )
            }
        );
        ensure_eq!(
            forwarded,
            2,
            t!(
                "the two messages sent before the cancel are forwarded",
                "취소 전에 보낸 메시지 두 개는 전달됩니다"
            )
        );
        ensure!(
            took < Duration::from_secs(10),
            "{}",
            if close {
                t!(
                    "forward_until took {took:?} to notice closing cancel: wait on input and cancel \
                     at once with select!",
                    "forward_until이 cancel이 닫힌 것을 알아차리는 데 {took:?}이(가) 걸렸습니다: \
                     select!로 input과 cancel을 한꺼번에 기다리세요"
                )
            } else {
                t!(
                    "forward_until took {took:?} to notice a message on cancel: wait on input and \
                     cancel at once with select!",
                    "forward_until이 cancel에 온 메시지를 알아차리는 데 {took:?}이(가) 걸렸습니다: \
                     select!로 input과 cancel을 한꺼번에 기다리세요"
                )
            }
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
    let what = t!(
        "forward_until(..) with a quiet input",
        "메시지가 오지 않는 입력에 대한 forward_until(..)"
    );
    let (stop, forwarded, quiet_for) = within(LIMIT, what, move || {
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
        t!(
            "with the input open but quiet, forward_until must stop as Idle",
            "입력이 열려 있지만 메시지가 오지 않으면 forward_until은 Idle로 멈춰야 합니다"
        )
    );
    ensure_eq!(
        forwarded,
        count,
        t!(
            "messages {gap:?} apart, closer than the idle time ({idle:?}), must all be forwarded: the \
             idle time counts from the last message, not from the start",
            "{gap:?} 간격으로 온 메시지는 간격이 유휴 시간({idle:?})보다 짧으므로 모두 전달되어야 \
             합니다: 유휴 시간은 처음부터가 아니라 마지막 메시지부터 셉니다"
        )
    );
    ensure!(
        quiet_for >= idle,
        t!(
            "forward_until stopped {quiet_for:?} after the last message, before the idle time ({idle:?}) \
             passed: the idle time counts from the last message",
            "forward_until이 마지막 메시지 {quiet_for:?} 뒤, 유휴 시간({idle:?})이 지나기 전에 \
             멈췄습니다: 유휴 시간은 마지막 메시지부터 셉니다"
        )
    );
    Ok(())
}

// ------------------------------------------------------- cancel + shutdown

fn cancel_keeps_finished_results(ctx: &mut Ctx) -> CheckResult {
    let workers = ctx.rng().random_range(2..5);
    let queued = 10 * workers;
    let recorder = Recorder::new(t!(
        "process_until_cancelled({queued} jobs queued, {workers} workers), cancelled while all are busy",
        "process_until_cancelled(대기 중인 작업 {queued}개, 워커 {workers}개), 모두 바쁠 때 취소"
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
                rec.run(t!("job {i}", "작업 {i}"), || {
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
    recorder.note(t!(
        "{} jobs finished their work, {} results returned",
        "작업 {}개가 일을 마쳤고, 결과 {}개가 반환되었습니다",
        finished.len(),
        results.len()
    ));
    ensure!(
        rendezvous.met(),
        t!(
            "your workers never ran {workers} jobs at the same time (at most {})",
            "워커들이 작업 {workers}개를 동시에 실행한 적이 없습니다(최대 {}개)",
            recorder.peak()
        )
    );
    let lost: Vec<usize> = finished.difference(&got).copied().collect();
    if !lost.is_empty() {
        return Err(Failure::new(t!(
            "results lost on shutdown: the work for jobs {lost:?} finished (after the cancel) but \
             their results were not returned. After a cancel, keep receiving results until every \
             worker has dropped its Sender",
            "종료 중에 결과를 잃었습니다: 작업 {lost:?}의 일은 (취소 뒤에) 끝났지만 그 결과가 \
             반환되지 않았습니다. 취소한 뒤에도 모든 워커가 자기 Sender를 버릴 때까지 결과를 \
             계속 받으세요"
        ))
        .expected(t!("{} results", "결과 {}개", finished.len()))
        .actual(format!("{}", results.len()))
        .into());
    }
    ensure_eq!(
        results.len(),
        got.len(),
        t!("no result returned twice", "두 번 반환된 결과는 없습니다")
    );
    // Reported, not judged: `select!` picks at random among ready arms, so
    // without a check of `cancel` first a worker may take a few more jobs.
    let late = started_after_cancel.load(Ordering::SeqCst);
    recorder.note(t!(
        "{late} job(s) started after the cancel",
        "취소 뒤에 시작된 작업 {late}개"
    ));
    let after = wait_for_threads_at_most(before, THREAD_EXIT).unwrap_or(0);
    ensure!(
        after <= before,
        t!(
            "process_until_cancelled returned but left {} thread(s) running: join every worker",
            "process_until_cancelled가 반환했지만 스레드 {}개를 실행 중으로 남겼습니다: 모든 \
             워커를 조인하세요",
            after - before
        )
    );
    Ok(())
}

// ------------------------------------------------- panics reach the caller

/// What the checks' stage and worker functions panic with.
const OWN_PANIC: &str = "a stage of the check failed on purpose"; // data: the panic payload the check throws and looks for in the caller's panic

/// Runs `call`, which must panic with [`OWN_PANIC`]: the panic of a thread
/// it started, handed on by `join` + `resume_unwind`. Returning (a thread
/// never joined, its panic lost) or panicking with another message (the
/// payload swapped by `unwrap()`, or a missing result) fails. `what` comes
/// from `t!`; a failure quotes it before its own `t!`, so a Korean report
/// words both pieces.
fn expect_own_panic<T>(what: &str, call: impl FnOnce() -> T + Send + 'static) -> CheckResult
where
    T: std::fmt::Debug + Send + 'static,
{
    let outcome = within(LIMIT, what, move || catch_unwind(AssertUnwindSafe(call)))?;
    let payload = match outcome {
        Ok(value) => fail!(
            "{what} {}",
            t!(
                "returned {value:?} although one of its threads panicked: the panic was lost. \
                 Join every thread you start; `join()` returns the thread's panic as `Err(payload)`: \
                 hand it on with `std::panic::resume_unwind(payload)`",
                "호출이, 스레드 하나가 패닉했는데도 {value:?}을(를) 반환했습니다: 패닉이 \
                 사라졌습니다. 시작한 모든 스레드를 조인하세요. `join()`은 스레드의 패닉을 \
                 `Err(payload)`로 돌려주니, 그 값을 `std::panic::resume_unwind(payload)`로 넘기세요"
            )
        ),
        Err(payload) => payload,
    };
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    // data: the message of `todo!()`'s panic
    if message.starts_with("not yet implemented") {
        // A stub: the harness reports it as not started.
        resume_unwind(payload);
    }
    ensure!(
        message.contains(OWN_PANIC),
        "{what} {}",
        t!(
            "panicked with `{message}` instead of its thread's own panic (`{OWN_PANIC}`): hand \
             the `Err(payload)` of `join()` on with `std::panic::resume_unwind(payload)` (`unwrap()` \
             replaces the thread's message with its own)",
            "호출이 스레드 자신의 패닉(`{OWN_PANIC}`)이 아닌 다른 패닉(`{message}`)을 \
             일으켰습니다: `join()`의 `Err(payload)`를 `std::panic::resume_unwind(payload)`로 \
             넘기세요(`unwrap()`은 스레드의 메시지를 자기 메시지로 바꿔 버립니다)"
        )
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
        t!(
            "pipeline(0..8) with identity stages",
            "항등 단계로 실행한 pipeline(0..8)"
        )
    );
    expect_own_panic(
        &t!(
            "pipeline(0..{n}, capacity {capacity}) whose stage `{stage}` panics on input {failing}",
            "입력 {failing}에서 단계 `{stage}`가 패닉하는 pipeline(0..{n}, capacity {capacity})"
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
        &t!(
            "fan_out_fan_in({n} jobs, {workers} workers) whose job {failing} panics",
            "작업 {failing}이(가) 패닉하는 fan_out_fan_in(작업 {n}개, 워커 {workers}개)"
        ),
        move || fan_out_fan_in((0..n).collect::<Vec<usize>>(), workers, fail),
    )?;
    let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded::<usize>();
    for i in 0..n {
        jobs_tx.send(i).unwrap();
    }
    drop(jobs_tx);
    let (cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
    let outcome = expect_own_panic(
        &t!(
            "process_until_cancelled({n} jobs, then closed; {workers} workers) whose job {failing} \
             panics",
            "작업 {failing}이(가) 패닉하는 process_until_cancelled(작업 {n}개, 그 뒤 닫힘; 워커 \
             {workers}개)"
        ),
        move || process_until_cancelled(jobs_rx, cancel_rx, workers, fail),
    );
    // Never cancelled: a closed cancel channel would stop the workers at once.
    drop(cancel_tx);
    outcome
}
