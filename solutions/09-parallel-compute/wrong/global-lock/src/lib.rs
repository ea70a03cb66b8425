//! WRONG: a global lock held around the hot loop serializes the workers.

use std::collections::HashMap;
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
    let total = std::sync::Mutex::new(0u64);
    let (value, total_ref) = (&value, &total);
    thread::scope(|scope| {
        for chunk in chunks(items, worker_count) {
            scope.spawn(move || {
                // The lock is held for the whole loop: only one worker computes
                // at a time, the others wait.
                let mut total = total_ref.lock().unwrap();
                for item in chunk {
                    *total += value(item);
                }
            });
        }
    });
    total.into_inner().unwrap()
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
