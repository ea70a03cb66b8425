//! Exercise 01: threads. Reference solution.

use std::sync::Arc;
use std::thread;

pub fn run_workers<T, F>(n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let worker = Arc::new(worker);
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let worker = Arc::clone(&worker);
            thread::spawn(move || worker(i))
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}
