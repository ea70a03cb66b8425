//! Task 5: `run_workers_catching` turns a worker's panic into an `Err` for
//! that worker only. (The "thread '...' panicked" lines these tests print are
//! the workers' panics, reported as usual before `join` sees them.)

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

#[test]
fn a_panicking_worker_becomes_err_with_its_message() {
    let results = threads::run_workers_catching(3, |i| {
        if i == 1 {
            panic!("worker {i} failed");
        }
        i * 10
    });
    assert_eq!(
        results,
        vec![Ok(0), Err("worker 1 failed".to_string()), Ok(20)]
    );
}

#[test]
fn a_literal_panic_message_is_reported_too() {
    let results = threads::run_workers_catching(2, |i| {
        if i == 0 {
            panic!("disk full");
        }
        i
    });
    assert_eq!(results, vec![Err("disk full".to_string()), Ok(1)]);
}

#[test]
fn a_panic_without_text_is_an_unknown_panic() {
    let results = threads::run_workers_catching(2, |i| {
        if i == 1 {
            std::panic::panic_any(42);
        }
        i
    });
    assert_eq!(results, vec![Ok(0), Err("unknown panic".to_string())]);
}

#[test]
fn the_other_workers_still_finish() {
    let finished = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&finished);

    let results = threads::run_workers_catching(5, move |i| {
        if i == 0 {
            panic!("first worker gives up");
        }
        counter.fetch_add(1, Ordering::SeqCst);
        i
    });

    assert_eq!(results.len(), 5, "every worker gets a slot");
    assert_eq!(
        finished.load(Ordering::SeqCst),
        4,
        "the 4 workers that did not panic must all have finished"
    );
    assert_eq!(results[4], Ok(4));
}
