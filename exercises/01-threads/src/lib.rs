//! Exercise 01: threads. Read README.md first.
#![allow(unused)]

/// Task 1: run `worker(i)` for `i` in `0..n`, each on its own thread, all at
/// the same time, and return their results in worker order.
pub fn run_workers<T, F>(n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    todo!()
}
