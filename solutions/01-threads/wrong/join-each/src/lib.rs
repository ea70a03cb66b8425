//! Wrong: joins each thread right after spawning it.

use std::sync::Arc;
use std::thread;

pub fn run_workers<T, F>(n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let worker = Arc::new(worker);
    (0..n)
        .map(|i| {
            let worker = Arc::clone(&worker);
            thread::spawn(move || worker(i)).join().unwrap()
        })
        .collect()
}
