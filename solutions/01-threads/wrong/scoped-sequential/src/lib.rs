//! Wrong answer `scoped-sequential`: count_in_parallel counts the parts one after another.
//! Everything else is the reference solution.
//!
//! The pattern behind every task: *spawn everything first, join afterwards*.
//! A thread starts running the moment it is spawned; `join` only waits for it.
//! Joining a thread right after spawning it would make the program sequential.

use std::any::Any;
use std::sync::Arc;
use std::thread;

/// Task 1: Python's `threading.Thread(target=worker, args=(i,))`, in Rust.
pub fn spawn_workers(n: usize, worker: fn(usize)) {
    // Start all threads first. A `fn` pointer is `Copy`, so each closure gets
    // its own copy; `move` copies `i` in too (each thread needs its own `i`).
    let handles: Vec<thread::JoinHandle<()>> =
        (0..n).map(|i| thread::spawn(move || worker(i))).collect();
    // Then wait for every one of them, like `t.join()` in Python. Dropping a
    // handle instead would *detach* the thread: we would return while it
    // still runs, and the program might exit before it ever finishes.
    for handle in handles {
        handle.join().expect("a worker panicked");
    }
}

/// Task 2: run `worker(i)` for `i` in `0..n` on `n` threads at once and return
/// the results in worker order.
pub fn run_workers<T, F>(n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    // Every thread needs the closure, but `thread::spawn` wants a `'static`
    // closure that owns what it uses. An `Arc` gives each thread an owning,
    // shared pointer to the one closure (no copy of the closure itself).
    let worker = Arc::new(worker);
    let handles: Vec<thread::JoinHandle<T>> = (0..n)
        .map(|i| {
            let worker = Arc::clone(&worker);
            thread::spawn(move || worker(i))
        })
        .collect();
    // The handles are in spawn order, so joining them in order yields the
    // results in worker order, however the threads happened to finish.
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a worker panicked"))
        .collect()
}

/// Task 3: move each chunk of `data` into its own thread, process it there
/// with `f`, and return the results in chunk order.
pub fn process_chunks<T, R, F>(data: Vec<T>, chunk_size: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(Vec<T>) -> R + Send + Sync + 'static,
{
    assert!(chunk_size > 0, "chunk_size must be at least 1");
    let f = Arc::new(f);
    let mut handles = Vec::new();
    let mut items = data.into_iter();
    loop {
        // Take the next `chunk_size` items out of the vector: the chunk now
        // owns them, and nothing else can touch them any more...
        let chunk: Vec<T> = items.by_ref().take(chunk_size).collect();
        if chunk.is_empty() {
            break;
        }
        let f = Arc::clone(&f);
        // ...and `move` hands the chunk over to the new thread. No copy, no
        // lock: ownership guarantees only that thread can use it.
        handles.push(thread::spawn(move || f(chunk)));
    }
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a chunk worker panicked"))
        .collect()
}

/// Task 4: like `run_workers`, but worker `i` runs on a thread named
/// `"{prefix}-{i}"`.
pub fn run_named<T, F>(prefix: &str, n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let worker = Arc::new(worker);
    let handles: Vec<thread::JoinHandle<T>> = (0..n)
        .map(|i| {
            let worker = Arc::clone(&worker);
            // `thread::Builder` configures a thread before it starts. Unlike
            // `thread::spawn`, its `spawn` returns an `io::Result`: the OS
            // may refuse to create a thread.
            thread::Builder::new()
                .name(format!("{prefix}-{i}"))
                .spawn(move || worker(i))
                .expect("failed to spawn a named thread")
        })
        .collect();
    handles
        .into_iter()
        .map(|handle| handle.join().expect("a worker panicked"))
        .collect()
}

/// Task 5: like `run_workers`, but a worker that panics gives `Err(message)`
/// in its slot while every other worker still runs to the end.
pub fn run_workers_catching<T, F>(n: usize, worker: F) -> Vec<Result<T, String>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    let worker = Arc::new(worker);
    let handles: Vec<thread::JoinHandle<T>> = (0..n)
        .map(|i| {
            let worker = Arc::clone(&worker);
            thread::spawn(move || worker(i))
        })
        .collect();
    // A panic ends only the thread it happens in. `join` reports it as
    // `Err(payload)`: we turn that into a value instead of unwrapping it
    // (which would re-raise the panic here and lose every other result).
    handles
        .into_iter()
        .map(|handle| handle.join().map_err(panic_message))
        .collect()
}

/// The message a panic was raised with. `panic!("literal")` carries a
/// `&'static str`, `panic!("{x}")` a `String`; `panic_any` can carry anything.
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    if let Some(message) = payload.downcast_ref::<&str>() {
        message.to_string()
    } else if let Ok(message) = payload.downcast::<String>() {
        *message
    } else {
        "unknown panic".to_string()
    }
}

/// Task 6: count the elements of `data` matching `pred`, split into
/// `threads` parts counted at the same time on scoped threads.
pub fn count_in_parallel<T, P>(data: &[T], threads: usize, pred: P) -> usize
where
    T: Sync,
    P: Fn(&T) -> bool + Sync,
{
    // `.max(1)`: `chunks(0)` panics, which an empty slice would ask for.
    let part = data.len().div_ceil(threads.max(1)).max(1);
    let pred = &pred;
    // `thread::scope` guarantees every thread spawned in it is joined before
    // it returns, so the threads may *borrow* `data` and `pred`: no `Arc`, no
    // `'static`, no copying of the data.
    thread::scope(|scope| {
        data.chunks(part)
            .map(|chunk| {
                // WRONG: joined right away, so only one part is counted at a time.
                scope
                    .spawn(move || chunk.iter().filter(|x| pred(x)).count())
                    .join()
                    .expect("a counting thread panicked")
            })
            .sum()
    })
}
