//! Exercise 06: reader-writer locks. Read README.md first.
//!
//! Known-wrong answer: every read takes the write lock.

use std::collections::HashMap;
use std::hash::Hash;

use threadlings::sync::RwLock;

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
        Config {
            current: RwLock::new(initial),
        }
    }

    /// Calls `f` with the current configuration and returns what it returns.
    ///
    /// `f` runs under the **read** lock: any number of threads can be inside
    /// `read` (or [`Config::snapshot`]) at the same time, and none of them
    /// sees an update half done.
    pub fn read<R>(&self, f: impl FnOnce(&T) -> R) -> R {
        // WRONG: the write lock for a read.
        f(&self.current.write().unwrap())
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
        change(&mut self.current.write().unwrap())
    }
}

impl<T: Clone> Config<T> {
    /// A copy of the current configuration, cloned under the **read** lock
    /// (readers at the same time clone at the same time).
    pub fn snapshot(&self) -> T {
        // WRONG: the write lock for a read.
        self.current.write().unwrap().clone()
    }
}

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
    values: RwLock<HashMap<K, V>>,
}

impl<K, V> Cache<K, V>
where
    K: Eq + Hash + Clone,
    V: Clone,
{
    /// An empty cache whose values are `compute(&key)`.
    pub fn new(compute: impl Fn(&K) -> V + Send + Sync + 'static) -> Cache<K, V> {
        Cache {
            compute: Box::new(compute),
            values: RwLock::new(HashMap::new()),
        }
    }

    /// The value of `key`, computed on a miss.
    ///
    /// WRONG: takes the write lock for every call, hits included, and
    /// computes under it. Correct (each key computed once), but every reader
    /// waits for every other one: an RwLock used as a Mutex.
    pub fn get(&self, key: K) -> V {
        // WRONG: the write lock even for a hit: readers never overlap.
        let mut values = self.values.write().unwrap();
        if let Some(value) = values.get(&key) {
            return value.clone();
        }
        let value = (self.compute)(&key);
        values.insert(key, value.clone());
        value
    }

    /// The cached value of `key`, without computing it.
    pub fn peek(&self, key: &K) -> Option<V> {
        self.values.write().unwrap().get(key).cloned()
    }

    /// How many keys the cache holds.
    pub fn len(&self) -> usize {
        self.values.read().unwrap().len()
    }

    /// Whether the cache holds no key (`len() == 0`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
