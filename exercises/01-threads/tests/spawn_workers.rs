//! Task 1: `spawn_workers`, Python's `threading.Thread(target=worker, args=(i,))`.

mod common;

use std::sync::Mutex;
use std::thread::{self, ThreadId};

use common::Meeting;

#[test]
fn every_worker_runs_once_before_spawn_workers_returns() {
    static SEEN: Mutex<Vec<usize>> = Mutex::new(Vec::new());
    fn worker(i: usize) {
        println!("worker {i} running");
        SEEN.lock().unwrap().push(i);
    }

    threads::spawn_workers(5, worker);

    let mut seen = SEEN.lock().unwrap().clone();
    seen.sort();
    assert_eq!(
        seen,
        vec![0, 1, 2, 3, 4],
        "each worker(i) must have run exactly once when spawn_workers returns"
    );
}

#[test]
fn zero_workers_start_nothing() {
    static CALLS: Mutex<usize> = Mutex::new(0);
    fn worker(_i: usize) {
        *CALLS.lock().unwrap() += 1;
    }

    threads::spawn_workers(0, worker);

    assert_eq!(*CALLS.lock().unwrap(), 0);
}

#[test]
fn each_worker_runs_on_a_new_thread() {
    static THREADS: Mutex<Vec<ThreadId>> = Mutex::new(Vec::new());
    fn worker(_i: usize) {
        THREADS.lock().unwrap().push(thread::current().id());
    }

    threads::spawn_workers(4, worker);

    let mut ids = THREADS.lock().unwrap().clone();
    assert_eq!(ids.len(), 4, "4 workers must have run");
    assert!(
        !ids.contains(&thread::current().id()),
        "a worker ran on the calling thread instead of a new one"
    );
    ids.sort_by_key(|id| format!("{id:?}"));
    ids.dedup();
    assert_eq!(ids.len(), 4, "two workers shared a thread");
}

#[test]
fn all_workers_run_at_the_same_time() {
    static MEETING: Meeting = Meeting::new(5);
    fn worker(_i: usize) {
        MEETING.arrive();
    }

    threads::spawn_workers(5, worker);

    assert!(
        MEETING.met(),
        "the 5 workers never all ran at once: start every thread before joining any"
    );
}
