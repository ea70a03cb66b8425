//! Task 2: `run_workers` returns each worker's result, in worker order.

mod common;

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use common::Meeting;

#[test]
fn results_come_back_in_worker_order() {
    assert_eq!(threads::run_workers(4, |i| i * i), vec![0, 1, 4, 9]);
}

#[test]
fn results_stay_in_worker_order_when_later_workers_finish_first() {
    // Worker 0 sleeps longest, so the workers finish roughly last to first.
    let results = threads::run_workers(5, |i| {
        thread::sleep(Duration::from_millis(20 * (5 - i as u64)));
        format!("worker {i}")
    });
    assert_eq!(
        results,
        vec!["worker 0", "worker 1", "worker 2", "worker 3", "worker 4"],
        "result[i] must be worker(i)'s result, whatever the finishing order"
    );
}

#[test]
fn zero_workers_give_no_results() {
    assert_eq!(threads::run_workers(0, |i| i), Vec::<usize>::new());
}

#[test]
fn all_workers_run_at_the_same_time() {
    let meeting = Arc::new(Meeting::new(6));
    let inside = Arc::clone(&meeting);

    threads::run_workers(6, move |_| inside.arrive());

    assert!(
        meeting.met(),
        "the 6 workers never all ran at once: spawn them all first, then join"
    );
}
