//! Exercise 06: reader-writer locks. Read README.md first.
//!
//! Two tasks. Replace every `todo!()` with your answer and run
//! `cargo test -p rwlock_cache`; then run the grader for the hidden checks.
//! Take locks from `threadlings::sync` (std's names, instrumented for the
//! grader), not from `std`.
#![allow(unused)]

use std::collections::HashMap;
use std::hash::Hash;

use threadlings::sync::{Arc, RwLock};

/// Task 1: a configuration that many threads read all the time and one
/// thread replaces now and then ("hot reload"), shared by reference.
///
/// ```ignore
/// let config = rwlock_cache::Config::new(vec!["a".to_string()]);
/// assert_eq!(config.read(|names| names.len()), 1);
/// config.update(|names| names.push("b".to_string()));
/// assert_eq!(config.snapshot(), ["a", "b"]);
/// ```
#[derive(Debug, Default)]
pub struct Config<T> {
    current: RwLock<T>,
}

impl<T> Config<T> {
    /// A configuration holding `initial`.
    pub fn new(initial: T) -> Config<T> {
        todo!()
    }

    /// Calls `f` with the current configuration and returns what it returns.
    ///
    /// `f` runs under the **read** lock: any number of threads can be inside
    /// `read` (or [`Config::snapshot`]) at the same time, and none of them
    /// sees an update half done.
    pub fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        todo!()
    }

    /// Changes the configuration with `change` and returns what it returns.
    ///
    /// `change` runs under the **write** lock, as one critical section: no
    /// reader sees the configuration while `change` works on it, and updates
    /// made at the same time by several threads all count (none overwrites
    /// another with a stale copy).
    ///
    /// ```ignore
    /// let config = rwlock_cache::Config::new(1);
    /// assert_eq!(config.update(|n| { *n += 1; *n }), 2);
    /// ```
    pub fn update<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        todo!()
    }
}

impl<T: Clone> Config<T> {
    /// A copy of the current configuration, cloned under the **read** lock
    /// (readers at the same time clone at the same time).
    pub fn snapshot(&self) -> T {
        todo!()
    }
}

/// The slot of one key: `None` until its value is computed. Threads that
/// find it `None` take its write lock, and only the first one computes
/// (README: "one slot per key").
type Slot<V> = RwLock<Option<V>>;

/// Task 2: a read-mostly cache. `get(key)` returns `compute(&key)`, computing
/// it on the first request for `key` only, however many threads ask at once.
///
/// ```ignore
/// let cache = rwlock_cache::Cache::new(|n: &u64| n * n);
/// assert_eq!(cache.get(12), 144); // computes
/// assert_eq!(cache.get(12), 144); // cached
/// assert_eq!(cache.peek(&12), Some(144));
/// assert_eq!(cache.peek(&5), None);
/// ```
pub struct Cache<K, V> {
    compute: Box<dyn Fn(&K) -> V + Send + Sync>,
    /// Key → its slot. Read-locked to find a slot, write-locked only to add
    /// one. Never held while a value is computed.
    slots: RwLock<HashMap<K, Arc<Slot<V>>>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    /// An empty cache whose values are `compute(&key)`.
    pub fn new(compute: impl Fn(&K) -> V + Send + Sync + 'static) -> Cache<K, V> {
        todo!()
    }

    /// The value of `key`: `compute(&key)`, computed on the first request for
    /// `key` and cached from then on.
    ///
    /// - **Once per key, ever.** `compute` is called at most once for each
    ///   key over the life of the cache, even when many threads ask for the
    ///   same missing key at the same time: one of them computes, the others
    ///   wait for that value and return a clone of it (README: "the
    ///   check-then-insert race").
    /// - **Hits are shared.** Returning a cached value takes read locks only,
    ///   so any number of threads read cached values (clone them) at once.
    /// - **A compute blocks no one else.** `compute` runs with no cache-wide
    ///   lock held: while one key is computed, `get` of other keys (cached or
    ///   not), `peek` of other keys and `len` go on. Only callers of the same
    ///   key wait for it.
    ///
    /// If `compute` panics, the panic reaches the caller (later calls for
    /// that key may panic too).
    pub fn get(&self, key: K) -> V {
        todo!()
    }

    /// The cached value of `key`, without computing it.
    ///
    /// `Some` once the value of `key` has been computed; `None` if `get(key)`
    /// was never called. For a key whose value is being computed right now it
    /// may return `None` or wait for that value (either is fine). Takes read
    /// locks only, and never calls `compute`.
    pub fn peek(&self, key: &K) -> Option<V> {
        todo!()
    }

    /// How many keys the cache holds: the distinct keys `get` was called
    /// with. A key whose value is still being computed may or may not count.
    pub fn len(&self) -> usize {
        todo!()
    }

    /// Whether the cache holds no key (`len() == 0`).
    pub fn is_empty(&self) -> bool {
        todo!()
    }
}
