//! WRONG: word_frequencies shares one map behind one lock held around each worker's loop.

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
    let shared = std::sync::Mutex::new(HashMap::new());
    let (words, shared_ref) = (&words, &shared);
    thread::scope(|scope| {
        for chunk in chunks(documents, worker_count) {
            scope.spawn(move || {
                // One global map, locked for the worker's whole loop.
                let mut counts = shared_ref.lock().unwrap();
                for document in chunk {
                    for word in words(document) {
                        *counts.entry(word).or_insert(0) += 1;
                    }
                }
            });
        }
    });
    shared.into_inner().unwrap()
}
