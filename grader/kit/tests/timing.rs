//! The timing kit's proofs must never fail correct concurrent code and must
//! always catch sequential or unbounded code.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use threadlings_kit::timing::{
    Latency, LimitProbe, Recorder, Release, cores, process_threads, wait_for_threads_at_most,
    wait_until_settled,
};

#[test]
fn recorder_counts_peak_and_worker_threads() {
    let recorder = Recorder::new("four tasks at once");
    recorder.mark_caller();
    let barrier = Arc::new(std::sync::Barrier::new(4));
    thread::scope(|scope| {
        for i in 0..4 {
            let (recorder, barrier) = (&recorder, barrier.clone());
            scope.spawn(move || {
                recorder.run(format!("task {i}"), || {
                    barrier.wait();
                });
            });
        }
    });
    recorder.run("on the caller", || {});
    assert_eq!(recorder.peak(), 4);
    assert_eq!(recorder.worker_threads(), 4);
    let timeline = recorder.timeline();
    assert_eq!(timeline.events.len(), 5);
    assert_eq!(timeline.peak_in_flight, 4);
    assert_eq!(timeline.threads, 5);
    assert!(timeline.events.iter().all(|e| e.end_us.is_some()));
}

#[test]
fn touch_is_first_once_per_worker_thread() {
    let recorder = Recorder::new("touches");
    recorder.mark_caller();
    assert!(!recorder.touch(), "the caller is not a worker");
    let firsts: Vec<bool> = thread::scope(|scope| {
        let handles: Vec<_> = (0..3)
            .map(|_| scope.spawn(|| (0..10).map(|_| recorder.touch()).filter(|f| *f).count() == 1))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(firsts, [true, true, true]);
    assert_eq!(recorder.worker_threads(), 3);
    assert_eq!(recorder.timeline().events.len(), 4);
}

#[test]
fn limit_probe_settles_at_exactly_the_limit() {
    let probe = LimitProbe::new(3, Duration::from_millis(100), Duration::from_secs(30));
    let permits = Arc::new(std::sync::Mutex::new(3usize));
    let freed = Arc::new(std::sync::Condvar::new());
    thread::scope(|scope| {
        for _ in 0..9 {
            scope.spawn(|| {
                // A correct semaphore of 3 permits.
                let mut free = permits.lock().unwrap();
                while *free == 0 {
                    free = freed.wait(free).unwrap();
                }
                *free -= 1;
                drop(free);
                drop(probe.enter());
                *permits.lock().unwrap() += 1;
                freed.notify_one();
            });
        }
    });
    assert_eq!(probe.peak(), 3);
    assert!(probe.reached() && !probe.exceeded());
    assert_eq!(probe.release(), Release::Settled);
}

#[test]
fn limit_probe_sees_one_too_many_at_once() {
    let probe = LimitProbe::new(2, Duration::from_secs(30), Duration::from_secs(30));
    thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| drop(probe.enter()));
        }
    });
    assert!(probe.exceeded());
    assert_eq!(probe.release(), Release::Exceeded);
}

#[test]
fn limit_probe_gives_up_on_sequential_tasks() {
    let probe = LimitProbe::new(2, Duration::from_secs(30), Duration::from_millis(50));
    for _ in 0..3 {
        drop(probe.enter());
    }
    assert_eq!(probe.peak(), 1);
    assert!(!probe.reached());
    assert_eq!(probe.release(), Release::GaveUp);
}

#[test]
fn latency_limit_is_halfway_and_catches_sequential_runs() {
    let expected = Latency::tasks(12, Duration::from_millis(100), 4);
    assert_eq!(expected.concurrent, Duration::from_millis(300));
    assert_eq!(expected.sequential, Duration::from_millis(1200));
    assert_eq!(expected.limit(), Duration::from_millis(750));
    let mut calls = 0;
    let slow = expected
        .measure(3, || {
            calls += 1;
            Ok(Duration::from_millis(1200))
        })
        .unwrap();
    assert_eq!(calls, 3, "a slow run is measured again");
    assert!(!slow.passed() && slow.judge("x").is_err());
    let fast = expected
        .measure(3, || Ok(Duration::from_millis(320)))
        .unwrap();
    assert_eq!(fast.tries.len(), 1);
    assert!(fast.passed());
}

#[test]
fn settled_count_stops_at_a_blocked_producer() {
    let (tx, rx) = std::sync::mpsc::sync_channel::<u32>(2);
    let produced = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = produced.clone();
    let producer = thread::spawn(move || {
        for i in 0..50 {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            if tx.send(i).is_err() {
                break;
            }
        }
    });
    let seen = wait_until_settled(
        || produced.load(std::sync::atomic::Ordering::SeqCst),
        50,
        Duration::from_millis(100),
        Duration::from_secs(10),
    );
    assert_eq!(seen, 3, "2 in the channel, 1 blocked in send");
    drop(rx);
    producer.join().unwrap();
}

#[test]
fn cores_and_threads_are_readable() {
    let cores = cores();
    assert!(cores.usable() >= 1 && cores.usable() <= cores.available);
    assert!(cores.describe().contains("usable core"));
    // Other tests run threads too: only check that counting works.
    let now = process_threads().expect("/proc/self/status is readable");
    assert!(now >= 1);
    assert!(wait_for_threads_at_most(usize::MAX, Duration::from_secs(1)).is_some());
}
