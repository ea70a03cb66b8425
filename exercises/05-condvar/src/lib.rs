//! Exercise 05: condition variables. Read README.md first.
//!
//! Two tasks. Replace every `todo!()` with your answer and run
//! `cargo test -p condvar`; then run the grader for the hidden checks.
//! Take locks from `threadlings::sync` (std's names, instrumented for the
//! grader), not from `std`.
#![allow(unused)]

use std::collections::VecDeque;

use threadlings::sync::{Condvar, Mutex};

/// Task 1: a first-in first-out queue holding at most `capacity` items,
/// shared by reference between producer and consumer threads.
///
/// ```ignore
/// let queue = condvar::BoundedQueue::new(2);
/// std::thread::scope(|s| {
///     s.spawn(|| for i in 0..10 { queue.push(i) }); // waits whenever 2 are queued
///     s.spawn(|| for _ in 0..10 { println!("{}", queue.pop()) }); // 0, 1, ..., 9
/// });
/// ```
#[derive(Debug)]
pub struct BoundedQueue<T> {
    items: Mutex<VecDeque<T>>,
    capacity: usize,
    /// Consumers wait on it while the queue is empty; `push` notifies it.
    not_empty: Condvar,
    /// Producers wait on it while the queue is full; `pop` notifies it.
    not_full: Condvar,
}

impl<T> BoundedQueue<T> {
    /// An empty queue for at most `capacity` items.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0 (nothing could ever be pushed).
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        todo!()
    }

    /// Appends `item`, first waiting while the queue is full.
    ///
    /// Wait in a `while` loop (README: "`if` instead of `while`"); change the
    /// queue, *then* notify a waiting consumer (README: "notifying before the
    /// state changes").
    pub fn push(&self, item: T) {
        todo!()
    }

    /// Removes and returns the oldest item, first waiting while the queue is
    /// empty. Wakes a producer that may be waiting for room.
    pub fn pop(&self) -> T {
        todo!()
    }

    /// Removes and returns the oldest item if there is one, without waiting.
    pub fn try_pop(&self) -> Option<T> {
        todo!()
    }

    /// How many items are queued right now.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        todo!()
    }

    /// The most items the queue holds.
    pub fn capacity(&self) -> usize {
        todo!()
    }
}

/// Task 2: a reusable barrier for `parties` threads, built from a mutex and
/// a condition variable.
///
/// ```ignore
/// let barrier = condvar::Barrier::new(3);
/// std::thread::scope(|s| {
///     for i in 0..3 {
///         s.spawn(|| {
///             for round in 0..5 {
///                 // ... work of this round ...
///                 barrier.wait(); // nobody starts round + 1 before all finished round
///             }
///         });
///     }
/// });
/// ```
#[derive(Debug)]
pub struct Barrier {
    parties: usize,
    state: Mutex<BarrierState>,
    /// Waiters sleep on it until the last one of their generation arrives.
    all_arrived: Condvar,
}

/// What the barrier's mutex protects.
#[derive(Debug, Default)]
struct BarrierState {
    /// Threads of the current generation that have arrived.
    arrived: usize,
    /// How many times the barrier has opened so far.
    generation: u64,
}

impl Barrier {
    /// A barrier for `parties` threads (0 behaves like 1).
    pub fn new(parties: usize) -> Barrier {
        todo!()
    }

    /// Waits until all `parties` threads of this generation have called
    /// `wait`, then returns. Exactly one of them, the last to arrive, gets
    /// `true`; the others get `false`.
    ///
    /// - The last to arrive starts the next generation (count from 0 again,
    ///   generation + 1) and wakes **every** waiter (README: "`notify_one`
    ///   where every waiter must wake").
    /// - A waiter returns once the generation it arrived in is over. Keep the
    ///   generation you arrived in and wait `while` it is still current:
    ///   counting arrivals alone cannot tell a fast thread that is already
    ///   back for the next generation from this one.
    pub fn wait(&self) -> bool {
        todo!()
    }
}
