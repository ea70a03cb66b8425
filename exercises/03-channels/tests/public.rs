//! Public tests of exercise 03-channels: `cargo test -p channels`.
//! The hidden checks ask for more: stages that really overlap, backpressure,
//! every thread joined, no result lost on cancel.

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use channels::{Stop, fan_out_fan_in, forward_until, pipeline, process_until_cancelled};

/// Runs `f`, failing the test (instead of hanging) if it takes longer than `secs`.
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    let worker = thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(Duration::from_secs(secs)) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Disconnected) => match worker.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("the worker sends before it ends"),
        },
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("no answer within {secs} s: a Sender kept alive, or a deadlock?")
        }
    }
}

#[test]
fn pipeline_applies_both_stages_in_order() {
    let out = within(10, || {
        pipeline(vec![1, 2, 3, 4], 2, |x: i32| x + 1, |y: i32| y * 10)
    });
    assert_eq!(out, [20, 30, 40, 50]);
}

#[test]
fn fan_out_fan_in_keeps_job_order() {
    let out = within(10, || {
        fan_out_fan_in((0..50).collect::<Vec<u64>>(), 4, |x| x * x)
    });
    assert_eq!(out, (0..50).map(|x| x * x).collect::<Vec<_>>());
}

#[test]
fn forward_until_stops_when_input_closes() {
    let (stop, forwarded, out) = within(10, || {
        let (in_tx, in_rx) = crossbeam_channel::unbounded();
        let (_cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
        let (out_tx, out_rx) = crossbeam_channel::unbounded();
        for word in ["a", "b", "c"] {
            in_tx.send(word).unwrap();
        }
        drop(in_tx);
        let (stop, n) = forward_until(&in_rx, &cancel_rx, &out_tx, Duration::from_secs(5));
        (stop, n, out_rx.try_iter().collect::<Vec<_>>())
    });
    assert_eq!(stop, Stop::InputClosed);
    assert_eq!(forwarded, 3);
    assert_eq!(out, ["a", "b", "c"]);
}

#[test]
fn forward_until_stops_when_idle() {
    let (stop, took) = within(10, || {
        let (_in_tx, in_rx) = crossbeam_channel::unbounded::<u8>();
        let (_cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
        let (out_tx, _out_rx) = crossbeam_channel::unbounded();
        let started = Instant::now();
        let (stop, _) = forward_until(&in_rx, &cancel_rx, &out_tx, Duration::from_millis(200));
        (stop, started.elapsed())
    });
    assert_eq!(stop, Stop::Idle);
    assert!(took >= Duration::from_millis(200), "stopped after {took:?}");
}

#[test]
fn process_until_cancelled_returns_results_when_jobs_run_out() {
    let mut results = within(10, || {
        let (jobs_tx, jobs_rx) = crossbeam_channel::unbounded();
        let (_cancel_tx, cancel_rx) = crossbeam_channel::unbounded::<()>();
        for i in 0..20 {
            jobs_tx.send(i).unwrap();
        }
        drop(jobs_tx);
        process_until_cancelled(jobs_rx, cancel_rx, 3, |i: u32| i + 100)
    });
    results.sort();
    assert_eq!(results, (100..120).collect::<Vec<_>>());
}
