//! Exercise 05: condition variables. Read README.md first.
//!
//! Reference solution.

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
        assert!(
            capacity > 0,
            "a BoundedQueue needs a capacity of at least 1"
        );
        BoundedQueue {
            items: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
        }
    }

    /// Appends `item`, first waiting while the queue is full.
    ///
    /// Wait in a `while` loop (README: "`if` instead of `while`"); change the
    /// queue, *then* notify a waiting consumer (README: "notifying before the
    /// state changes").
    pub fn push(&self, item: T) {
        let mut items = self.items.lock().unwrap();
        // WRONG: `if`, so a woken producer does not check again.
        if items.len() == self.capacity {
            items = self.not_full.wait(items).unwrap();
        }
        items.push_back(item);
        drop(items);
        self.not_empty.notify_one();
    }

    /// Removes and returns the oldest item, first waiting while the queue is
    /// empty. Wakes a producer that may be waiting for room.
    pub fn pop(&self) -> T {
        let mut items = self.items.lock().unwrap();
        // WRONG: `if`, so a woken consumer does not check again.
        if items.is_empty() {
            items = self.not_empty.wait(items).unwrap();
        }
        let item = items
            .pop_front()
            .expect("pop found the queue empty after waiting");
        drop(items);
        self.not_full.notify_one();
        item
    }

    /// Removes and returns the oldest item if there is one, without waiting.
    pub fn try_pop(&self) -> Option<T> {
        let item = self.items.lock().unwrap().pop_front()?;
        self.not_full.notify_one();
        Some(item)
    }

    /// How many items are queued right now.
    pub fn len(&self) -> usize {
        self.items.lock().unwrap().len()
    }

    /// Whether the queue is empty right now.
    pub fn is_empty(&self) -> bool {
        self.items.lock().unwrap().is_empty()
    }

    /// The most items the queue holds.
    pub fn capacity(&self) -> usize {
        self.capacity
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
        Barrier {
            parties: parties.max(1),
            state: Mutex::new(BarrierState::default()),
            all_arrived: Condvar::new(),
        }
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
        let mut state = self.state.lock().unwrap();
        let generation = state.generation;
        state.arrived += 1;
        if state.arrived == self.parties {
            state.arrived = 0;
            state.generation += 1;
            drop(state);
            self.all_arrived.notify_all();
            return true;
        }
        while state.generation == generation {
            state = self.all_arrived.wait(state).unwrap();
        }
        false
    }
}
