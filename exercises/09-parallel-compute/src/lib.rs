//! Exercise 09: parallel compute. Read README.md first.
#![allow(unused)]

use std::collections::HashMap;
use std::sync::atomic::AtomicU64;
use std::thread;

/// Task 1: the sum of `value(item)` over all `items`, computed by
/// `worker_count` scoped threads (`std::thread::scope`).
///
/// Split `items` into `worker_count` contiguous chunks of (nearly) equal size
/// and give each chunk to its own thread, which sums its part without
/// talking to the others; then add up the partial sums. Exactly
/// `worker_count` threads when `items.len() >= worker_count` (never a thread
/// per item), and no lock around the loop: the workers must really compute
/// at the same time.
///
/// `worker_count` is at least 1. The sum fits in a `u64`.
pub fn parallel_sum<T, F>(items: &[T], worker_count: usize, value: F) -> u64
where
    T: Sync,
    F: Fn(&T) -> u64 + Sync,
{
    todo!()
}

/// Given (no need to change it): the words of `text`, lowercased. A word is a
/// run of letters or digits; everything else separates words.
pub fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Task 2: how often each word occurs in `documents`, as a map-reduce over
/// `worker_count` scoped threads.
///
/// - Map: split `documents` into `worker_count` contiguous chunks, one thread
///   each (exactly `worker_count` when `documents.len() >= worker_count`). A
///   worker calls `words(document)` for each document of its chunk and counts
///   the words in its *own* `HashMap`: no sharing, no lock while counting.
/// - Reduce: merge the workers' maps into one.
///
/// Typical call: `word_frequencies(&docs, 4, |doc: &String| words_of(doc))`.
pub fn word_frequencies<D, F, I>(
    documents: &[D],
    worker_count: usize,
    words: F,
) -> HashMap<String, usize>
where
    D: Sync,
    F: Fn(&D) -> I + Sync,
    I: IntoIterator<Item = String>,
{
    todo!()
}

/// Task 3: one counter per worker, which the workers bump at the same time
/// without slowing each other down.
///
/// Worker `i` only ever touches `slot(i)`, so no two workers share a counter.
/// They must not share a *cache line* either: caches keep memory in lines (64
/// bytes on x86-64), a core must own a line to write to it, and two counters
/// on one line bounce between the cores on every write (false sharing). Keep
/// every slot in a 128-byte block of its own (see the README: why 128, not 64).
pub struct WorkerCounters {
    // Your fields here.
    _todo: (),
}

impl WorkerCounters {
    /// `workers` counters, all 0.
    pub fn new(workers: usize) -> Self {
        todo!()
    }

    /// Worker `worker`'s counter (`worker < workers`).
    pub fn slot(&self, worker: usize) -> &AtomicU64 {
        todo!()
    }

    /// The sum of all counters.
    pub fn total(&self) -> u64 {
        todo!()
    }
}
