//! Exercise 01: threads. Read README.md first.
//!
//! Six tasks, one function each. Replace every `todo!()` with your answer and
//! run `cargo test -p threads`; then run the grader for the hidden checks.
#![allow(unused)]

/// Task 1: start `n` threads, thread `i` running `worker(i)`, then wait for all
/// of them to finish before returning.
///
/// This is the Rust version of Python's
///
/// ```python
/// threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
/// for t in threads: t.start()
/// for t in threads: t.join()
/// ```
///
/// - All `n` workers must run *at the same time*: start every thread before
///   you wait for any of them.
/// - Every worker must have finished when `spawn_workers` returns: keep each
///   thread's `JoinHandle` and `join` it. Dropping a handle does not stop the
///   thread, it only means nobody waits for it.
/// - `n == 0` starts no thread.
///
/// ```ignore
/// fn worker(i: usize) {
///     println!("worker {i} running");
/// }
/// threads::spawn_workers(5, worker); // prints 5 lines, in any order
/// ```
pub fn spawn_workers(n: usize, worker: fn(usize)) {
    todo!()
}

/// Task 2: run `worker(i)` for `i` in `0..n`, each on its own thread, all at
/// the same time, and return their results in worker order.
///
/// `result[i]` must be what `worker(i)` returned, whichever thread finished
/// first. The closure is shared by all threads: `thread::spawn` needs a
/// closure that owns everything it uses (`'static`), so share `worker` with an
/// `Arc` and give each thread its own clone of the `Arc`.
///
/// ```ignore
/// let squares = threads::run_workers(4, |i| i * i);
/// assert_eq!(squares, vec![0, 1, 4, 9]);
/// ```
pub fn run_workers<T, F>(n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    todo!()
}

/// Task 3: split `data` into chunks of `chunk_size` items (the last chunk may
/// be shorter, like `slice::chunks`), *move* each chunk into its own thread,
/// call `f(chunk)` there, and return the results in chunk order.
///
/// - `T` is not `Clone`: the chunks must be moved out of `data`, not copied.
///   (`data.into_iter()` with `.by_ref().take(chunk_size)` is one way.)
/// - All chunks are processed at the same time, one thread per chunk.
/// - Empty `data` gives an empty `Vec` and starts no thread.
/// - `chunk_size` is at least 1.
///
/// ```ignore
/// let sums = threads::process_chunks(vec![1, 2, 3, 4, 5], 2, |chunk| chunk.iter().sum::<i32>());
/// assert_eq!(sums, vec![3, 7, 5]);
/// ```
pub fn process_chunks<T, R, F>(data: Vec<T>, chunk_size: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(Vec<T>) -> R + Send + Sync + 'static,
{
    todo!()
}

/// Task 4: like [`run_workers`], but worker `i` runs on a thread *named*
/// `"{prefix}-{i}"` (for example `"fetch-0"`, `"fetch-1"`, ...).
///
/// Names show up in panic messages (`thread 'fetch-3' panicked at ...`), in
/// debuggers and in `top -H`; `std::thread::current().name()` reads it. Use
/// `std::thread::Builder` to name a thread before it starts. All workers run
/// at the same time; results come back in worker order.
///
/// ```ignore
/// let names = threads::run_named("fetch", 2, |_| {
///     std::thread::current().name().map(String::from)
/// });
/// assert_eq!(names, vec![Some("fetch-0".to_string()), Some("fetch-1".to_string())]);
/// ```
pub fn run_named<T, F>(prefix: &str, n: usize, worker: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    todo!()
}

/// Task 5: like [`run_workers`], but a worker that panics must not take the
/// others down: its slot holds `Err(message)`, every other slot `Ok(result)`.
///
/// - Every worker runs to the end, even if another one panicked first, and
///   all of them have finished when this function returns.
/// - `message` is the text the worker panicked with. `join` hands you the
///   panic's *payload* (`Box<dyn Any + Send>`): `panic!("disk full")` carries
///   a `&'static str`, `panic!("disk {n} full")` a `String`; look for both
///   with `downcast_ref`. For any other payload (`std::panic::panic_any(42)`)
///   use `"unknown panic"`.
/// - This function itself never panics because of a worker.
///
/// ```ignore
/// let results = threads::run_workers_catching(3, |i| {
///     if i == 1 {
///         panic!("worker {i} failed");
///     }
///     i * 10
/// });
/// assert_eq!(results, vec![Ok(0), Err("worker 1 failed".to_string()), Ok(20)]);
/// ```
pub fn run_workers_catching<T, F>(n: usize, worker: F) -> Vec<Result<T, String>>
where
    T: Send + 'static,
    F: Fn(usize) -> T + Send + Sync + 'static,
{
    todo!()
}

/// Task 6: count the elements of `data` for which `pred` is true, using
/// `threads` *scoped* threads that borrow `data` (no copying, no `Arc`).
///
/// - Split `data` into `threads` contiguous parts of about the same size,
///   e.g. `data.chunks(data.len().div_ceil(threads))` (careful: `chunks(0)`
///   panics, and an empty slice would ask for it).
/// - Count every part on its own thread inside one `std::thread::scope`, all
///   parts at the same time, and add up the counts.
/// - `pred` is called exactly once per element. `threads` is at least 1.
///
/// ```ignore
/// let numbers: Vec<i64> = (1..=10).collect();
/// let even = threads::count_in_parallel(&numbers, 3, |x| x % 2 == 0);
/// assert_eq!(even, 5);
/// println!("still mine: {numbers:?}"); // borrowed, not moved
/// ```
pub fn count_in_parallel<T, P>(data: &[T], threads: usize, pred: P) -> usize
where
    T: Sync,
    P: Fn(&T) -> bool + Sync,
{
    todo!()
}
