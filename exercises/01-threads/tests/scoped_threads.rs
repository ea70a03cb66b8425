//! Task 6: `count_in_parallel` counts with scoped threads that borrow the data.

mod common;

use common::Meeting;

#[test]
fn counts_the_matching_elements() {
    let numbers: Vec<i64> = (1..=10).collect();
    assert_eq!(threads::count_in_parallel(&numbers, 3, |x| x % 2 == 0), 5);
    // `numbers` was only borrowed: it is still ours.
    assert_eq!(numbers.len(), 10);
}

#[test]
fn works_with_more_threads_than_elements() {
    let words = ["scope", "spawn", "join"];
    assert_eq!(
        threads::count_in_parallel(&words, 8, |w| w.starts_with('s')),
        2
    );
}

#[test]
fn an_empty_slice_counts_zero() {
    let nothing: Vec<u8> = Vec::new();
    assert_eq!(threads::count_in_parallel(&nothing, 4, |_| true), 0);
}

#[test]
fn parts_are_counted_at_the_same_time() {
    // 4 parts of 1 element: each part's only call to `pred` meets the others.
    let meeting = Meeting::new(4);
    let data = [1, 2, 3, 4];
    let count = threads::count_in_parallel(&data, 4, |_| {
        meeting.arrive();
        true
    });
    assert_eq!(count, 4);
    assert!(
        meeting.met(),
        "the 4 parts were never counted at once: spawn every scoped thread before joining any"
    );
}
