//! Task 3: `process_chunks` moves each chunk of the data into its own thread.

mod common;

use std::sync::Arc;
use std::thread::{self, ThreadId};

use common::Meeting;

/// Deliberately not `Clone`: the chunks can only be moved, never copied.
#[derive(Debug, PartialEq)]
struct Letter(char);

#[test]
fn chunk_results_come_back_in_chunk_order() {
    let sums = threads::process_chunks(vec![1, 2, 3, 4, 5], 2, |chunk| chunk.iter().sum::<i32>());
    assert_eq!(sums, vec![3, 7, 5]);
}

#[test]
fn chunks_are_moved_not_copied() {
    let letters: Vec<Letter> = "threads".chars().map(Letter).collect();
    let words = threads::process_chunks(letters, 3, |chunk: Vec<Letter>| {
        chunk.into_iter().map(|Letter(c)| c).collect::<String>()
    });
    assert_eq!(words, vec!["thr", "ead", "s"]);
}

#[test]
fn empty_data_gives_no_results() {
    let results = threads::process_chunks(Vec::<Letter>::new(), 4, |chunk| chunk.len());
    assert!(results.is_empty());
}

#[test]
fn each_chunk_gets_a_thread_of_its_own() {
    let ids: Vec<ThreadId> =
        threads::process_chunks((0..8).collect::<Vec<u32>>(), 2, |_| thread::current().id());
    assert_eq!(ids.len(), 4, "8 items in chunks of 2 make 4 chunks");
    assert!(
        !ids.contains(&thread::current().id()),
        "a chunk was processed on the calling thread"
    );
    for (a, id) in ids.iter().enumerate() {
        assert!(
            !ids[a + 1..].contains(id),
            "chunk {a} shared its thread with a later chunk"
        );
    }
}

#[test]
fn all_chunks_are_processed_at_the_same_time() {
    let meeting = Arc::new(Meeting::new(3));
    let inside = Arc::clone(&meeting);

    threads::process_chunks((0..6).collect::<Vec<u8>>(), 2, move |_| inside.arrive());

    assert!(
        meeting.met(),
        "the 3 chunks were never processed at once: start one thread per chunk before joining any"
    );
}
