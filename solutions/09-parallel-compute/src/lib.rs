//! Exercise 09: parallel compute. Reference solution.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

/// `items` split into `parts` contiguous chunks whose sizes differ by at most
/// one (fewer, never empty, when there are fewer items than parts).
fn chunks<T>(items: &[T], parts: usize) -> impl Iterator<Item = &[T]> {
    let parts = parts.max(1).min(items.len());
    let n = items.len();
    (0..parts).map(move |i| &items[i * n / parts..(i + 1) * n / parts])
}

pub fn parallel_sum<T, F>(items: &[T], worker_count: usize, value: F) -> u64
where
    T: Sync,
    F: Fn(&T) -> u64 + Sync,
{
    let value = &value;
    thread::scope(|scope| {
        // Spawn every worker first, then join: joining inside the loop would
        // run the chunks one after another.
        let workers: Vec<_> = chunks(items, worker_count)
            .map(|chunk| scope.spawn(move || chunk.iter().map(value).sum::<u64>()))
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .sum()
    })
}

/// Given: the words of `text`, lowercased.
pub fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

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
    let words = &words;
    let maps: Vec<HashMap<String, usize>> = thread::scope(|scope| {
        let workers: Vec<_> = chunks(documents, worker_count)
            .map(|chunk| {
                scope.spawn(move || {
                    // Map: each worker counts into its own map, no sharing.
                    let mut counts = HashMap::new();
                    for document in chunk {
                        for word in words(document) {
                            *counts.entry(word).or_insert(0) += 1;
                        }
                    }
                    counts
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|worker| {
                worker
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    });
    // Reduce: merge each smaller map into the larger one.
    maps.into_iter()
        .reduce(|a, b| {
            if a.len() >= b.len() {
                merge(a, b)
            } else {
                merge(b, a)
            }
        })
        .unwrap_or_default()
}

fn merge(mut into: HashMap<String, usize>, from: HashMap<String, usize>) -> HashMap<String, usize> {
    for (word, count) in from {
        *into.entry(word).or_insert(0) += count;
    }
    into
}

/// One counter alone in a 128-byte block. An x86-64 cache line is 64 bytes,
/// but Intel's spatial prefetcher (since Sandy Bridge) fetches lines in
/// 128-byte pairs, and some aarch64 cores (Apple's, ARM "big" cores) have
/// 128-byte lines: 128 is what `crossbeam_utils::CachePadded` uses on both.
/// `repr(align)` also rounds the size up to a multiple of 128, so the slots of
/// a `Vec` are 128 bytes apart.
#[repr(align(128))]
struct Padded(AtomicU64);

/// Task 3: one counter per worker, each in a 128-byte block of its own.
pub struct WorkerCounters {
    slots: Vec<Padded>,
}

impl WorkerCounters {
    pub fn new(workers: usize) -> Self {
        WorkerCounters {
            slots: (0..workers).map(|_| Padded(AtomicU64::new(0))).collect(),
        }
    }

    pub fn slot(&self, worker: usize) -> &AtomicU64 {
        &self.slots[worker].0
    }

    pub fn total(&self) -> u64 {
        self.slots
            .iter()
            .map(|slot| slot.0.load(Ordering::Relaxed))
            .sum()
    }
}
