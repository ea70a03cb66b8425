//! Hidden checks of exercise 06-rwlock-cache.

mod lin;

use lin::{cache_lin, cache_lin_explore, cache_lin_model};
use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, mpsc};
use std::time::{Duration, Instant};

use rand::Rng;
use rwlock_cache::{Cache, Config};
use threadlings_kit::probe::{InFlight, Rendezvous};
use threadlings_kit::race::{self, Explore, Model, Stress, Violation};
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, fail, within};

mod audits;

use audits::reads_take_read_locks;

threadlings_kit::checks![
    config_basics,
    cache_basics,
    config_stress,
    config_model,
    config_explore,
    cache_stress,
    cache_model,
    cache_explore,
    reads_take_read_locks,
    compute_model,
    snapshots_overlap,
    cached_reads_overlap,
    compute_blocks_no_one,
    cache_lin,
    cache_lin_explore,
    cache_lin_model,
];

const LIMIT: Duration = Duration::from_secs(15);

/// How long a probe waits for the other threads before it decides they
/// cannot be where it is at the same time. A correct answer gets there in
/// microseconds; only a wrong answer ever waits this long.
const PATIENCE: Duration = Duration::from_secs(5);

fn config_basics(ctx: &mut Ctx) -> CheckResult {
    let first: u64 = ctx.rng().random_range(1..1000);
    let added: Vec<u64> = (0..4).map(|_| ctx.rng().random_range(1..100)).collect();
    within(LIMIT, "Config::new, read, update, snapshot", move || {
        let config = Config::new(vec![first]);
        ensure_eq!(config.snapshot(), vec![first], "snapshot() of a new Config");
        ensure_eq!(
            config.read(|items| items.len()),
            1,
            "read(f) returns what f returns"
        );
        let mut expected = vec![first];
        for (i, &n) in added.iter().enumerate() {
            expected.push(n);
            ensure_eq!(
                config.update(|items| {
                    items.push(n);
                    items.len()
                }),
                i + 2,
                "update(change) returns what change returns"
            );
        }
        ensure_eq!(config.snapshot(), expected, "snapshot() after the updates");
        ensure_eq!(
            config.read(|items| items.iter().sum::<u64>()),
            expected.iter().sum::<u64>(),
            "read(f) sees every update"
        );
        let defaulted: Config<String> = Config::default();
        ensure_eq!(
            defaulted.snapshot(),
            "",
            "Config::default() holds T::default()"
        );
        Ok(())
    })?
}

fn cache_basics(ctx: &mut Ctx) -> CheckResult {
    let keys: Vec<u32> = (0..6).map(|_| ctx.rng().random_range(0..1000)).collect();
    within(LIMIT, "Cache::new, get, peek, len", move || {
        let calls = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
        let counter = calls.clone();
        let cache = Cache::new(move |word: &String| {
            *counter.lock().unwrap().entry(word.clone()).or_default() += 1;
            format!("<{word}>")
        });
        ensure!(cache.is_empty(), "a new cache is empty");
        ensure_eq!(cache.len(), 0, "len() of a new cache");
        ensure_eq!(cache.peek(&"a".to_string()), None, "peek on an empty cache");
        let mut distinct = BTreeSet::new();
        for key in &keys {
            let key = key.to_string();
            distinct.insert(key.clone());
            ensure_eq!(
                cache.get(key.clone()),
                format!("<{key}>"),
                "get(key) returns compute(&key)"
            );
            ensure_eq!(
                cache.peek(&key),
                Some(format!("<{key}>")),
                "peek(&key) after get(key)"
            );
            ensure_eq!(cache.len(), distinct.len(), "len() counts distinct keys");
        }
        for key in &keys {
            ensure_eq!(
                cache.get(key.to_string()),
                format!("<{key}>"),
                "get of a cached key"
            );
        }
        ensure_eq!(
            cache.peek(&"never asked".to_string()),
            None,
            "peek of a key never asked for"
        );
        ensure!(!cache.is_empty(), "a cache holding keys is not empty");
        let calls = calls.lock().unwrap().clone();
        for key in &distinct {
            ensure_eq!(
                calls.get(key).copied().unwrap_or(0),
                1,
                "compute(&{key:?}) runs once, however often get({key:?}) is called"
            );
        }
        ensure_eq!(
            calls.len(),
            distinct.len(),
            "peek never calls compute (computed keys: {:?})",
            calls.keys().collect::<Vec<_>>()
        );
        Ok(())
    })?
}

/// The configuration of the stress and model runs: `b == 2 * a` always.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Settings {
    version: u64,
    a: u64,
    b: u64,
}

/// One operation of the config stress run.
#[derive(Debug, Clone, Copy)]
enum ConfigOp {
    /// `update` added `n` and returned the version it made.
    Updated { n: u64, version: u64 },
    /// What `snapshot()` returned.
    Snapshot(Settings),
    /// What `read(|s| *s)` returned.
    Read(Settings),
}

fn config_stress(ctx: &mut Ctx) -> CheckResult {
    Stress::new(ctx, "concurrent Config updates and reads")
        .threads(4)
        .ops(40)
        .rounds(150)
        .run(
            |_rng| Config::new(Settings::default()),
            |config, _thread, _step, rng| match rng.random_range(0..10) {
                0..7 => {
                    let n = rng.random_range(1..=9_u64);
                    race::doing(|| format!("update(add {n})"));
                    let version = config.update(|s| {
                        s.version += 1;
                        s.a += n;
                        s.b += 2 * n;
                        s.version
                    });
                    ConfigOp::Updated { n, version }
                }
                7 | 8 => {
                    race::doing(|| "snapshot()".to_string());
                    ConfigOp::Snapshot(config.snapshot())
                }
                _ => {
                    race::doing(|| "read(f)".to_string());
                    ConfigOp::Read(config.read(|s| *s))
                }
            },
            |config, log| {
                let updates = log
                    .all()
                    .filter(|op| matches!(op, ConfigOp::Updated { .. }))
                    .count() as u64;
                let added: u64 = log
                    .all()
                    .map(|op| match op {
                        ConfigOp::Updated { n, .. } => *n,
                        _ => 0,
                    })
                    .sum();
                for op in log.all() {
                    let (ConfigOp::Snapshot(s) | ConfigOp::Read(s)) = op else {
                        continue;
                    };
                    if s.b != 2 * s.a || s.version > updates {
                        return Err(Violation::new(
                            "a reader sees the configuration between updates, never in the \
                             middle of one",
                            format!("{s:?} (every update keeps b == 2 × a)"),
                        ));
                    }
                }
                let last = config.snapshot();
                if last.a != added || last.version != updates {
                    return Err(Violation::new(
                        "every update counts: after the round the configuration holds the \
                         sum of everything the updates added",
                        format!("a = {}, version = {}", last.a, last.version),
                    )
                    .expected(format!(
                        "a = {added}, version = {updates} ({updates} updates)"
                    )));
                }
                let mut versions: Vec<u64> = log
                    .all()
                    .filter_map(|op| match op {
                        ConfigOp::Updated { version, .. } => Some(*version),
                        _ => None,
                    })
                    .collect();
                versions.sort_unstable();
                if let Some(pair) = versions.windows(2).find(|w| w[0] == w[1]) {
                    return Err(Violation::new(
                        "each update runs on the configuration every earlier update left, so \
                         no two updates return the same version",
                        format!("two updates returned version {}", pair[0]),
                    ));
                }
                Ok(())
            },
        )
}

fn config_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads calling Config::update(add 1) at once, with snapshot() alongside")
        .check(ctx, || {
            let config = Arc::new(Config::new(Settings::default()));
            let add = |s: &mut Settings| {
                s.version += 1;
                s.a += 1;
                s.b += 2;
                s.version
            };
            let other = {
                let config = config.clone();
                threadlings::thread::Builder::new()
                    .name("update on thread 2".to_string())
                    .spawn(move || config.update(add))
                    .unwrap()
            };
            let mine = config.update(add);
            let seen = config.snapshot();
            let theirs = other.join().unwrap();
            assert!(
                seen.b == 2 * seen.a && seen.version >= 1,
                "snapshot() after this thread's update saw {seen:?}"
            );
            let last = config.snapshot();
            assert_eq!(
                (last.version, last.a),
                (2, 2),
                "after two updates that each add 1, the configuration must hold 2: one \
                 update was lost"
            );
            let mut returned = [mine, theirs];
            returned.sort_unstable();
            assert_eq!(
                returned,
                [1, 2],
                "the two updates must return versions 1 and 2"
            );
        })
}

/// Schedule exploration: three updaters and a reader of a fresh `Config`.
fn config_explore(ctx: &mut Ctx) -> CheckResult {
    Explore::new("three threads calling Config::update(add 1) and one calling snapshot()")
        .iterations(1000)
        .check(ctx, || {
            let config = Arc::new(Config::new(Settings::default()));
            let updaters: Vec<_> = (0..3)
                .map(|t| {
                    let config = config.clone();
                    threadlings::thread::Builder::new()
                        .name(format!("update on thread {t}"))
                        .spawn(move || {
                            config.update(|s: &mut Settings| {
                                s.version += 1;
                                s.a += 1;
                                s.b += 2;
                                s.version
                            })
                        })
                        .unwrap()
                })
                .collect();
            let seen = config.snapshot();
            let mut versions: Vec<u64> = updaters.into_iter().map(|h| h.join().unwrap()).collect();
            if seen.b != 2 * seen.a || seen.a != seen.version {
                return Err(Violation::new(
                    "snapshot() sees whole updates only",
                    format!("snapshot() saw {seen:?} while three updates ran"),
                )
                .expected("version == a and b == 2 × a"));
            }
            let last = config.snapshot();
            versions.sort_unstable();
            if (last.version, last.a, last.b) != (3, 3, 6) || versions != [1, 2, 3] {
                return Err(Violation::new(
                    "no update is lost",
                    format!(
                        "after three updates: {last:?}, the updates returned versions {versions:?}"
                    ),
                )
                .expected("Settings { version: 3, a: 3, b: 6 }, versions [1, 2, 3]"));
            }
            Ok(())
        })
}

/// Keys of the cache stress run.
const KEYS: usize = 5;

fn value_of(key: usize) -> u64 {
    key as u64 * 1_000_003 + 17
}

/// One operation of the cache stress run.
#[derive(Debug, Clone, Copy)]
enum CacheOp {
    Get { key: usize, value: u64 },
    Peek { key: usize, value: Option<u64> },
    Len(usize),
}

/// A fresh cache and how often its compute ran, per key.
struct Counted {
    cache: Cache<usize, u64>,
    calls: Arc<Vec<threadlings::sync::atomic::AtomicUsize>>,
}

fn counted_cache() -> Counted {
    let calls: Arc<Vec<_>> = Arc::new(
        (0..KEYS)
            .map(|_| threadlings::sync::atomic::AtomicUsize::new(0))
            .collect(),
    );
    let counter = calls.clone();
    let cache = Cache::new(move |key: &usize| {
        // An atomic of the facade: a place where the stress run may pause.
        counter[*key].fetch_add(1, Ordering::SeqCst);
        value_of(*key)
    });
    Counted { cache, calls }
}

fn cache_stress(ctx: &mut Ctx) -> CheckResult {
    Stress::new(ctx, "4 threads asking a fresh cache for 5 keys")
        .threads(4)
        .ops(10)
        .rounds(250)
        .run(
            |_rng| counted_cache(),
            |counted, _thread, _step, rng| {
                let key = rng.random_range(0..KEYS);
                match rng.random_range(0..10) {
                    0..8 => {
                        race::doing(|| format!("get({key})"));
                        CacheOp::Get {
                            key,
                            value: counted.cache.get(key),
                        }
                    }
                    8 => {
                        race::doing(|| format!("peek(&{key})"));
                        CacheOp::Peek {
                            key,
                            value: counted.cache.peek(&key),
                        }
                    }
                    _ => {
                        race::doing(|| "len()".to_string());
                        CacheOp::Len(counted.cache.len())
                    }
                }
            },
            |counted, log| {
                let calls: Vec<usize> = counted
                    .calls
                    .iter()
                    .map(|c| c.load(Ordering::SeqCst))
                    .collect();
                if let Some((key, &n)) = calls.iter().enumerate().find(|(_, n)| **n > 1) {
                    let askers = log
                        .threads
                        .iter()
                        .filter(|ops| {
                            ops.iter()
                                .any(|op| matches!(op, CacheOp::Get { key: k, .. } if *k == key))
                        })
                        .count();
                    return Err(Violation::new(
                        "compute runs at most once per key, even when several threads miss \
                         the same key at the same time",
                        format!(
                            "compute(&{key}) ran {n} times ({askers} threads asked for key \
                             {key}; compute calls per key: {calls:?})"
                        ),
                    )
                    .expected("1".to_string()));
                }
                let mut asked = BTreeSet::new();
                for op in log.all() {
                    match *op {
                        CacheOp::Get { key, value } => {
                            asked.insert(key);
                            if value != value_of(key) {
                                return Err(Violation::new(
                                    "get(key) returns compute(&key)",
                                    format!("get({key}) returned {value}"),
                                )
                                .expected(value_of(key).to_string()));
                            }
                        }
                        CacheOp::Peek {
                            key,
                            value: Some(value),
                        } if value != value_of(key) => {
                            return Err(Violation::new(
                                "peek(&key) returns None or the value of key",
                                format!("peek(&{key}) returned Some({value})"),
                            )
                            .expected(format!("None or Some({})", value_of(key))));
                        }
                        CacheOp::Len(len) if len > KEYS => {
                            return Err(Violation::new(
                                "len() counts distinct keys (there are 5)",
                                format!("len() returned {len}"),
                            ));
                        }
                        _ => {}
                    }
                }
                for (key, &n) in calls.iter().enumerate() {
                    let expected = usize::from(asked.contains(&key));
                    if n != expected {
                        return Err(Violation::new(
                            "compute runs once for each key get was called with, and never \
                             for the others",
                            format!("compute(&{key}) ran {n} times"),
                        )
                        .expected(expected.to_string()));
                    }
                    let peeked = counted.cache.peek(&key);
                    let wanted = asked.contains(&key).then(|| value_of(key));
                    if peeked != wanted {
                        return Err(Violation::new(
                            "after the round, peek(&key) is Some(value) for every key get was \
                             called with, None for the others",
                            format!("peek(&{key}) = {peeked:?}"),
                        )
                        .expected(format!("{wanted:?}")));
                    }
                }
                Violation::ensure_eq(
                    "after the round, len() is the number of distinct keys get was called with",
                    counted.cache.len(),
                    asked.len(),
                )
            },
        )
}

fn cache_model(ctx: &mut Ctx) -> CheckResult {
    Model::new("two threads calling get(1) on an empty cache at once").check(ctx, || {
        let counted = Arc::new(counted_cache());
        let other = {
            let counted = counted.clone();
            threadlings::thread::Builder::new()
                .name("get(1) on thread 2".to_string())
                .spawn(move || counted.cache.get(1))
                .unwrap()
        };
        let mine = counted.cache.get(1);
        let peeked = counted.cache.peek(&1);
        let theirs = other.join().unwrap();
        assert_eq!(
            [mine, theirs],
            [value_of(1); 2],
            "both get(1) calls return compute(&1)"
        );
        assert_eq!(
            peeked,
            Some(value_of(1)),
            "peek(&1) after this thread's get(1) returned"
        );
        assert_eq!(
            counted.calls[1].load(Ordering::SeqCst),
            1,
            "compute(&1) must run once: both threads missed key 1 and both computed it"
        );
        assert_eq!(counted.cache.len(), 1, "len() after get(1) twice");
    })
}

/// Schedule exploration: three threads asking overlapping keys of a fresh cache.
fn cache_explore(ctx: &mut Ctx) -> CheckResult {
    Explore::new("three threads calling get, peek and len on overlapping keys of an empty cache")
        .iterations(1000)
        .check(ctx, || {
            let counted = Arc::new(counted_cache());
            let askers: Vec<_> = (0..3)
                .map(|t| {
                    let counted = counted.clone();
                    threadlings::thread::Builder::new()
                        .name(format!("asker {t}"))
                        .spawn(move || {
                            // Keys t and t+1 (mod 3): every key is wanted by two threads.
                            let (a, b) = (t, (t + 1) % 3);
                            let first = counted.cache.get(a);
                            let peeked = counted.cache.peek(&b);
                            let second = counted.cache.get(b);
                            let len = counted.cache.len();
                            (a, first, b, peeked, second, len)
                        })
                        .unwrap()
                })
                .collect();
            for handle in askers {
                let (a, first, b, peeked, second, len) = handle.join().unwrap();
                if first != value_of(a) || second != value_of(b) {
                    return Err(Violation::new(
                        "get(key) returns compute(&key)",
                        format!("get({a}) = {first}, get({b}) = {second}"),
                    )
                    .expected(format!("{} and {}", value_of(a), value_of(b))));
                }
                if peeked.is_some_and(|v| v != value_of(b)) {
                    return Err(Violation::new(
                        "peek(&key) returns None or compute(&key)",
                        format!("peek(&{b}) = {peeked:?}"),
                    ));
                }
                if !(1..=3).contains(&len) {
                    return Err(Violation::new(
                        "len() counts the keys asked for so far",
                        format!("len() = {len} right after two get calls"),
                    )
                    .expected("1 to 3"));
                }
            }
            let calls: Vec<usize> = (0..3)
                .map(|k| counted.calls[k].load(Ordering::SeqCst))
                .collect();
            if calls != [1, 1, 1] {
                return Err(Violation::new(
                    "each key is computed once",
                    format!("compute ran {calls:?} times for keys 0, 1, 2"),
                )
                .expected(
                    "[1, 1, 1]: a thread that misses must check again under the write lock",
                ));
            }
            let len = counted.cache.len();
            if len != 3 {
                return Err(
                    Violation::new("len() counts distinct keys", format!("len() = {len}"))
                        .expected("3"),
                );
            }
            Ok(())
        })
}

fn compute_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(
        "get(1) on one thread, whose compute waits until get(2) of a cached key has returned \
         on another",
    )
    .check(ctx, || {
        // The main thread holds `gate` until its get(2) returned; compute(&1)
        // takes it, so it cannot end before that get(2) did.
        let gate = Arc::new(threadlings::sync::Mutex::new(()));
        let cache = {
            let gate = gate.clone();
            Arc::new(Cache::new(move |key: &u32| {
                if *key == 1 {
                    drop(gate.lock().unwrap());
                }
                u64::from(*key) * 10
            }))
        };
        assert_eq!(cache.get(2), 20, "get(2) on an empty cache");
        let held = gate.lock().unwrap();
        let slow = {
            let cache = cache.clone();
            threadlings::thread::Builder::new()
                .name("get(1), computing".to_string())
                .spawn(move || cache.get(1))
                .unwrap()
        };
        // compute(&1) may be running now, and waits for this get(2). A
        // compute that holds a lock get(2) needs never ends (deadlock).
        let hit = cache.get(2);
        drop(held);
        assert_eq!(hit, 20, "get(2) of a cached key");
        assert_eq!(slow.join().unwrap(), 10, "get(1)");
    })
}

/// Counts clones made while armed, and makes each one wait at a rendezvous
/// for the others: if K threads can clone at the same time (under a shared
/// read lock), the rendezvous of K is met; if they must take turns (a write
/// lock), it cannot be.
struct CloneProbe {
    armed: AtomicBool,
    rendezvous: Rendezvous,
    in_flight: InFlight,
}

impl CloneProbe {
    fn new(parties: usize) -> Arc<CloneProbe> {
        Arc::new(CloneProbe {
            armed: AtomicBool::new(false),
            rendezvous: Rendezvous::new(parties, PATIENCE),
            in_flight: InFlight::new(),
        })
    }

    /// One reader is where the probe looks (cloning, or inside `read`).
    fn arrive(&self) {
        if self.armed.load(Ordering::SeqCst) {
            let _inside = self.in_flight.enter();
            self.rendezvous.arrive();
        }
    }
}

/// A value whose `clone` reports to a [`CloneProbe`].
struct Probed {
    value: u64,
    probe: Arc<CloneProbe>,
}

impl Clone for Probed {
    fn clone(&self) -> Probed {
        self.probe.arrive();
        Probed {
            value: self.value,
            probe: self.probe.clone(),
        }
    }
}

/// Runs `readers` on threads of their own at the same time, and returns
/// what they returned.
fn run_readers<S, T>(subject: S, readers: Vec<fn(&S) -> T>) -> Vec<T>
where
    S: Sync,
    T: Send,
{
    std::thread::scope(|s| {
        let handles: Vec<_> = readers
            .into_iter()
            .map(|reader| {
                let subject = &subject;
                s.spawn(move || reader(subject))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a reader thread panicked"))
            .collect()
    })
}

fn snapshots_overlap(_ctx: &mut Ctx) -> CheckResult {
    const READERS: usize = 4;
    let probe = CloneProbe::new(READERS);
    let watched = probe.clone();
    let values = within(
        Duration::from_secs(25),
        "2 snapshot() and 2 read(f) calls at once",
        move || {
            let config = Config::new(Probed {
                value: 42,
                probe: probe.clone(),
            });
            probe.armed.store(true, Ordering::SeqCst);
            let values = run_readers(
                config,
                vec![
                    |c: &Config<Probed>| c.snapshot().value,
                    |c| c.snapshot().value,
                    |c| {
                        c.read(|p| {
                            p.probe.arrive();
                            p.value
                        })
                    },
                    |c| {
                        c.read(|p| {
                            p.probe.arrive();
                            p.value
                        })
                    },
                ],
            );
            probe.armed.store(false, Ordering::SeqCst);
            values
        },
    )?;
    ensure_eq!(
        values,
        vec![42; READERS],
        "every reader sees the configuration"
    );
    ensure!(
        watched.rendezvous.met(),
        "readers never read the configuration at the same time: at most {} of {READERS} \
         readers (2 cloning in snapshot(), 2 inside read(f)) were there at once. Readers \
         take the read lock (`self.current.read()`), which any number of threads hold \
         together; the write lock is for update only.",
        watched.in_flight.peak()
    );
    Ok(())
}

fn cached_reads_overlap(_ctx: &mut Ctx) -> CheckResult {
    const READERS: usize = 4;
    let probe = CloneProbe::new(READERS);
    let watched = probe.clone();
    let values = within(
        Duration::from_secs(25),
        "4 get calls of cached keys at once",
        move || {
            let maker = probe.clone();
            let cache = Cache::new(move |key: &u32| Probed {
                value: u64::from(*key) * 10,
                probe: maker.clone(),
            });
            for key in 0..3 {
                let _ = cache.get(key);
            }
            probe.armed.store(true, Ordering::SeqCst);
            let values = run_readers(
                cache,
                vec![
                    |c: &Cache<u32, Probed>| c.get(0).value,
                    |c| c.get(0).value,
                    |c| c.get(1).value,
                    |c| c.get(2).value,
                ],
            );
            probe.armed.store(false, Ordering::SeqCst);
            values
        },
    )?;
    ensure_eq!(
        values,
        vec![0, 0, 10, 20],
        "get of cached keys returns their values"
    );
    ensure!(
        watched.rendezvous.met(),
        "hits never ran at the same time: at most {} of {READERS} get calls of cached keys \
         (two of key 0, one of 1, one of 2) were cloning their value at once. A hit must \
         take read locks only (any number of threads hold them together); keep the write \
         lock for adding what is missing.",
        watched.in_flight.peak()
    );
    Ok(())
}

/// Holds `compute(&SLOW)` until released.
#[derive(Default)]
struct Gate {
    /// (compute(&SLOW) entered, released)
    state: Mutex<(bool, bool)>,
    changed: Condvar,
}

impl Gate {
    fn enter_and_wait(&self, limit: Duration) {
        let mut state = self.state.lock().unwrap();
        state.0 = true;
        self.changed.notify_all();
        let deadline = Instant::now() + limit;
        while !state.1 && Instant::now() < deadline {
            state = self
                .changed
                .wait_timeout(state, deadline.saturating_duration_since(Instant::now()))
                .unwrap()
                .0;
        }
    }

    fn wait_entered(&self, limit: Duration) -> bool {
        let state = self.state.lock().unwrap();
        self.changed
            .wait_timeout_while(state, limit, |s| !s.0)
            .unwrap()
            .0
            .0
    }

    fn release(&self) {
        self.state.lock().unwrap().1 = true;
        self.changed.notify_all();
    }
}

fn compute_blocks_no_one(_ctx: &mut Ctx) -> CheckResult {
    const SLOW: u32 = 7;
    const CACHED: u32 = 3;
    const FRESH: u32 = 11;
    let gate = Arc::new(Gate::default());
    let calls = Arc::new(Mutex::new(HashMap::<u32, usize>::new()));
    let cache = {
        let (gate, calls) = (gate.clone(), calls.clone());
        Arc::new(Cache::new(move |key: &u32| {
            *calls.lock().unwrap().entry(*key).or_default() += 1;
            if *key == SLOW {
                gate.enter_and_wait(Duration::from_secs(20));
            }
            u64::from(*key) + 100
        }))
    };
    let release = gate.clone();
    let outcome = within(
        Duration::from_secs(40),
        "get calls while compute(&7) runs",
        move || {
            let _ = cache.get(CACHED);
            let spawn_get = |key: u32| {
                let cache = cache.clone();
                std::thread::spawn(move || cache.get(key))
            };
            let slow = spawn_get(SLOW);
            if !gate.wait_entered(Duration::from_secs(10)) {
                gate.release();
                return Err("get(7) did not call compute(&7) within 10 s".to_string());
            }
            // compute(&7) runs now, and waits until released. A second
            // get(7) must wait for that value instead of computing it again.
            let same = spawn_get(SLOW);
            let (done_tx, done_rx) = mpsc::channel();
            let step = Arc::new(Mutex::new(""));
            let others = {
                let (cache, step) = (cache.clone(), step.clone());
                std::thread::spawn(move || {
                    let at = |what| *step.lock().unwrap() = what;
                    at("get(3), of a key already cached,");
                    let hit = cache.get(CACHED);
                    at("peek(&3), of a key already cached,");
                    let peeked = cache.peek(&CACHED);
                    at("get(11), of a key not cached yet,");
                    let fresh = cache.get(FRESH);
                    at("peek(&11), of a key just computed,");
                    let fresh_peeked = cache.peek(&FRESH);
                    at("len()");
                    let _ = cache.len();
                    let _ = done_tx.send(());
                    (hit, peeked, fresh, fresh_peeked)
                })
            };
            let blocked = match done_rx.recv_timeout(PATIENCE) {
                Ok(()) => None,
                Err(_) => Some(*step.lock().unwrap()),
            };
            gate.release();
            let join = |h: std::thread::JoinHandle<u64>| h.join().map_err(|_| "panicked");
            let slow = join(slow);
            let same = join(same);
            let others = others.join().map_err(|_| "panicked");
            let len = cache.len();
            Ok((blocked, slow, same, others, len))
        },
    );
    release.release();
    let (blocked, slow, same, others, len) =
        outcome?.map_err(|e| threadlings_kit::Stop::Fail(threadlings_kit::Failure::new(e)))?;
    if let Some(step) = blocked {
        fail!(
            "while compute(&7) was running (called by another thread's get(7)), {step} \
             did not return within {:.0} s. It returned only once compute(&7) finished: a \
             compute must not hold a lock that readers of other keys need. Hold the \
             cache-wide write lock only to add a slot for the key, and compute under that \
             key's own lock.",
            PATIENCE.as_secs_f64()
        );
    }
    let (Ok(slow), Ok(same), Ok(others)) = (slow, same, others) else {
        fail!("a get thread panicked (see its message above)");
    };
    ensure_eq!(
        others,
        (103, Some(103), 111, Some(111)),
        "get(3), peek(&3), get(11), peek(&11)"
    );
    ensure_eq!(
        (slow, same),
        (107, 107),
        "both get(7) calls return compute(&7)"
    );
    ensure_eq!(len, 3, "len() once keys 3, 7 and 11 are cached");
    let calls = calls.lock().unwrap().clone();
    ensure_eq!(
        calls.get(&SLOW).copied(),
        Some(1),
        "compute(&7) runs once: a get(7) that comes while it runs must wait for its value"
    );
    Ok(())
}
