//! Exercise 06: reader-writer locks. Read README.md first.
//!
//! Known-wrong answer: `Config::update` loses concurrent updates.

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
        f(&self.current.read().unwrap())
    }
}

impl<T: Clone> Config<T> {
    /// Changes the configuration with `change` and returns what it returns.
    ///
    /// WRONG: copy, change the copy, store it back. The read lock is released
    /// before the write lock is taken, so an update made in between is
    /// overwritten by this stale copy.
    pub fn update<R>(&self, change: impl FnOnce(&mut T) -> R) -> R {
        let mut copy = self.snapshot();
        let result = change(&mut copy);
        *self.current.write().unwrap() = copy;
        result
    }

    /// A copy of the current configuration, cloned under the **read** lock
    /// (readers at the same time clone at the same time).
    pub fn snapshot(&self) -> T {
        self.current.read().unwrap().clone()
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
        Cache {
            compute: Box::new(compute),
            slots: RwLock::new(HashMap::new()),
        }
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
        let slot = self.slot(&key);
        // Fast path: already computed; a read lock, shared with other readers.
        if let Some(value) = &*slot.read().unwrap() {
            return value.clone();
        }
        // Missing: take this key's write lock and check again. Another thread
        // may have computed it between our read and our write lock.
        let mut value = slot.write().unwrap();
        if let Some(value) = &*value {
            return value.clone();
        }
        let computed = (self.compute)(&key);
        *value = Some(computed.clone());
        computed
    }

    /// The slot of `key`, added if there is none yet. The cache-wide write
    /// lock is held only for that insertion, never while computing.
    fn slot(&self, key: &K) -> Arc<Slot<V>> {
        if let Some(slot) = self.slots.read().unwrap().get(key) {
            return Arc::clone(slot);
        }
        let mut slots = self.slots.write().unwrap();
        // `entry` checks again under the write lock: another thread may have
        // added the slot since our read lock was released.
        Arc::clone(
            slots
                .entry(key.clone())
                .or_insert_with(|| Arc::new(RwLock::new(None))),
        )
    }

    /// The cached value of `key`, without computing it.
    ///
    /// `Some` once the value of `key` has been computed; `None` if `get(key)`
    /// was never called. For a key whose value is being computed right now it
    /// may return `None` or wait for that value (either is fine). Takes read
    /// locks only, and never calls `compute`.
    pub fn peek(&self, key: &K) -> Option<V> {
        let slot = Arc::clone(self.slots.read().unwrap().get(key)?);
        slot.read().unwrap().clone()
    }

    /// How many keys the cache holds: the distinct keys `get` was called
    /// with. A key whose value is still being computed may or may not count.
    pub fn len(&self) -> usize {
        self.slots.read().unwrap().len()
    }

    /// Whether the cache holds no key (`len() == 0`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
