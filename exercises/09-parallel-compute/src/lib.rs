//! Exercise 09: parallel compute. Read README.md first.
#![allow(unused)]

use std::collections::HashMap;
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
