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
use threadlings_kit::{CheckResult, Ctx, ensure, ensure_eq, fail, t, within};

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
    within(
        LIMIT,
        t!(
            "Config::new, read, update, snapshot",
            "Config::new와 read, update, snapshot"
        ),
        move || {
            let config = Config::new(vec![first]);
            ensure_eq!(
                config.snapshot(),
                vec![first],
                t!("snapshot() of a new Config", "새 Config의 snapshot()")
            );
            ensure_eq!(
                config.read(|items| items.len()),
                1,
                t!(
                    "read(f) returns what f returns",
                    "read(f)는 f가 돌려준 값을 돌려줍니다"
                )
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
                    t!(
                        "update(change) returns what change returns",
                        "update(change)는 change가 돌려준 값을 돌려줍니다"
                    )
                );
            }
            ensure_eq!(
                config.snapshot(),
                expected,
                t!(
                    "snapshot() after the updates",
                    "갱신들이 끝난 뒤의 snapshot()"
                )
            );
            ensure_eq!(
                config.read(|items| items.iter().sum::<u64>()),
                expected.iter().sum::<u64>(),
                t!("read(f) sees every update", "read(f)는 모든 갱신을 봅니다")
            );
            let defaulted: Config<String> = Config::default();
            ensure_eq!(
                defaulted.snapshot(),
                "",
                t!(
                    "Config::default() holds T::default()",
                    "Config::default()는 T::default()를 담습니다"
                )
            );
            Ok(())
        },
    )?
}

fn cache_basics(ctx: &mut Ctx) -> CheckResult {
    let keys: Vec<u32> = (0..6).map(|_| ctx.rng().random_range(0..1000)).collect();
    within(
        LIMIT,
        t!("Cache::new, get, peek, len", "Cache::new와 get, peek, len"),
        move || {
            let calls = Arc::new(Mutex::new(HashMap::<String, usize>::new()));
            let counter = calls.clone();
            let cache = Cache::new(move |word: &String| {
                *counter.lock().unwrap().entry(word.clone()).or_default() += 1;
                format!("<{word}>")
            });
            ensure!(
                cache.is_empty(),
                t!("a new cache is empty", "새 캐시는 비어 있습니다")
            );
            ensure_eq!(
                cache.len(),
                0,
                t!("len() of a new cache", "새 캐시의 len()")
            );
            ensure_eq!(
                cache.peek(&"a".to_string()),
                None,
                t!("peek on an empty cache", "빈 캐시에 대한 peek")
            );
            let mut distinct = BTreeSet::new();
            for key in &keys {
                let key = key.to_string();
                distinct.insert(key.clone());
                ensure_eq!(
                    cache.get(key.clone()),
                    format!("<{key}>"),
                    t!(
                        "get(key) returns compute(&key)",
                        "get(key)는 compute(&key)를 돌려줍니다"
                    )
                );
                ensure_eq!(
                    cache.peek(&key),
                    Some(format!("<{key}>")),
                    t!("peek(&key) after get(key)", "get(key) 뒤의 peek(&key)")
                );
                ensure_eq!(
                    cache.len(),
                    distinct.len(),
                    t!(
                        "len() counts distinct keys",
                        "len()은 서로 다른 키의 수를 셉니다"
                    )
                );
            }
            for key in &keys {
                ensure_eq!(
                    cache.get(key.to_string()),
                    format!("<{key}>"),
                    t!("get of a cached key", "캐시된 키에 대한 get")
                );
            }
            ensure_eq!(
                cache.peek(&"never asked".to_string()), // data: a key passed to the student's cache
                None,
                t!(
                    "peek of a key never asked for",
                    "한 번도 요청되지 않은 키에 대한 peek"
                )
            );
            ensure!(
                !cache.is_empty(),
                t!(
                    "a cache holding keys is not empty",
                    "키를 담은 캐시는 비어 있지 않습니다"
                )
            );
            let calls = calls.lock().unwrap().clone();
            for key in &distinct {
                ensure_eq!(
                    calls.get(key).copied().unwrap_or(0),
                    1,
                    t!(
                        "compute(&{key:?}) runs once, however often get({key:?}) is called",
                        "get({key:?})을(를) 몇 번 호출하든 compute(&{key:?})는 한 번 실행됩니다"
                    )
                );
            }
            let computed: Vec<_> = calls.keys().collect();
            ensure_eq!(
                calls.len(),
                distinct.len(),
                t!(
                    "peek never calls compute (computed keys: {computed:?})",
                    "peek은 compute를 호출하지 않습니다(계산된 키: {computed:?})"
                )
            );
            Ok(())
        },
    )?
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
    Stress::new(
        ctx,
        t!(
            "concurrent Config updates and reads",
            "동시에 일어나는 Config 갱신과 읽기"
        ),
    )
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
                        t!(
                            "a reader sees the configuration between updates, never in the \
                                 middle of one",
                            "읽기 스레드는 갱신과 갱신 사이의 설정을 보며, 갱신 도중의 \
                                 설정은 보지 않습니다"
                        ),
                        t!(
                            "{s:?} (every update keeps b == 2 × a)",
                            "{s:?} (모든 갱신은 b == 2 × a를 유지합니다)"
                        ),
                    ));
                }
            }
            let last = config.snapshot();
            if last.a != added || last.version != updates {
                return Err(Violation::new(
                    t!(
                        "every update counts: after the round the configuration holds the \
                             sum of everything the updates added",
                        "모든 갱신이 반영되어야 합니다: 라운드가 끝난 뒤 설정에는 갱신들이 \
                             더한 값을 모두 합한 값이 들어 있어야 합니다"
                    ),
                    format!("a = {}, version = {}", last.a, last.version),
                )
                .expected(t!(
                    "a = {added}, version = {updates} ({updates} updates)",
                    "a = {added}, version = {updates} (갱신 {updates}번)"
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
                let version = pair[0];
                return Err(Violation::new(
                    t!(
                        "each update runs on the configuration every earlier update left, so \
                             no two updates return the same version",
                        "각 갱신은 앞선 모든 갱신이 남긴 설정 위에서 실행되므로, 두 갱신이 \
                             같은 version을 돌려주는 일은 없습니다"
                    ),
                    t!(
                        "two updates returned version {version}",
                        "두 갱신이 version {version}을(를) 돌려주었습니다"
                    ),
                ));
            }
            Ok(())
        },
    )
}

fn config_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "two threads calling Config::update(add 1) at once, with snapshot() alongside",
        "두 스레드가 동시에 Config::update(add 1)을 호출하고, 그 곁에서 snapshot()을 호출"
    ))
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
                .name(t!("update on thread 2", "두 번째 update"))
                .spawn(move || config.update(add))
                .unwrap()
        };
        let mine = config.update(add);
        let seen = config.snapshot();
        let theirs = other.join().unwrap();
        assert!(
            seen.b == 2 * seen.a && seen.version >= 1,
            "{}",
            t!(
                "snapshot() after this thread's update saw {seen:?}",
                "이 스레드의 update 뒤에 한 snapshot()이 {seen:?}을(를) 보았습니다"
            )
        );
        let last = config.snapshot();
        assert_eq!(
            (last.version, last.a),
            (2, 2),
            "{}",
            t!(
                "after two updates that each add 1, the configuration must hold 2: one \
                     update was lost",
                "각각 1을 더하는 갱신 두 번 뒤에 설정은 2여야 합니다: 갱신 하나가 \
                     사라졌습니다"
            )
        );
        let mut returned = [mine, theirs];
        returned.sort_unstable();
        assert_eq!(
            returned,
            [1, 2],
            "{}",
            t!(
                "the two updates must return versions 1 and 2",
                "두 갱신은 version 1과 2를 돌려주어야 합니다"
            )
        );
    })
}

/// Schedule exploration: three updaters and a reader of a fresh `Config`.
fn config_explore(ctx: &mut Ctx) -> CheckResult {
    Explore::new(t!(
        "three threads calling Config::update(add 1) and one calling snapshot()",
        "세 스레드가 Config::update(add 1)을, 한 스레드가 snapshot()을 호출"
    ))
    .iterations(1000)
    .check(ctx, || {
        let config = Arc::new(Config::new(Settings::default()));
        let updaters: Vec<_> = (0..3)
            .map(|t| {
                let config = config.clone();
                threadlings::thread::Builder::new()
                    .name(t!("update on thread {t}", "스레드 {t}의 update"))
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
                t!(
                    "snapshot() sees whole updates only",
                    "snapshot()은 완전히 끝난 갱신만 봅니다"
                ),
                t!(
                    "snapshot() saw {seen:?} while three updates ran",
                    "갱신 세 번이 실행되는 동안 snapshot()이 {seen:?}을(를) 보았습니다"
                ),
            )
            .expected(t!(
                "version == a and b == 2 × a",
                "version == a이고 b == 2 × a"
            )));
        }
        let last = config.snapshot();
        versions.sort_unstable();
        if (last.version, last.a, last.b) != (3, 3, 6) || versions != [1, 2, 3] {
            return Err(Violation::new(
                t!("no update is lost", "사라진 갱신이 없어야 합니다"),
                t!(
                    "after three updates: {last:?}, the updates returned versions {versions:?}",
                    "갱신 세 번 뒤: {last:?}, 갱신들이 돌려준 version은 {versions:?}"
                ),
            )
            .expected(t!(
                "Settings {{ version: 3, a: 3, b: 6 }}, versions [1, 2, 3]",
                "Settings {{ version: 3, a: 3, b: 6 }}, 돌려준 version [1, 2, 3]"
            )));
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
    Stress::new(
        ctx,
        t!(
            "4 threads asking a fresh cache for 5 keys",
            "스레드 4개가 새 캐시에 키 5개를 요청"
        ),
    )
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
                    t!(
                        "compute runs at most once per key, even when several threads miss \
                             the same key at the same time",
                        "여러 스레드가 같은 키를 동시에 찾지 못해도 compute는 키마다 최대 한 \
                             번 실행됩니다"
                    ),
                    t!(
                        "compute(&{key}) ran {n} times ({askers} threads asked for key \
                             {key}; compute calls per key: {calls:?})",
                        "compute(&{key})이(가) {n}번 실행되었습니다(스레드 {askers}개가 키 \
                             {key}을(를) 요청했습니다. 키별 compute 호출 수: {calls:?})"
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
                                t!(
                                    "get(key) returns compute(&key)",
                                    "get(key)는 compute(&key)를 돌려줍니다"
                                ),
                                t!(
                                    "get({key}) returned {value}",
                                    "get({key})이(가) {value}을(를) 돌려주었습니다"
                                ),
                            )
                            .expected(value_of(key).to_string()));
                        }
                    }
                    CacheOp::Peek {
                        key,
                        value: Some(value),
                    } if value != value_of(key) => {
                        let wanted = value_of(key);
                        return Err(Violation::new(
                            t!(
                                "peek(&key) returns None or the value of key",
                                "peek(&key)는 None 또는 key의 값을 돌려줍니다"
                            ),
                            t!(
                                "peek(&{key}) returned Some({value})",
                                "peek(&{key})이(가) Some({value})을(를) 돌려주었습니다"
                            ),
                        )
                        .expected(t!("None or Some({wanted})", "None 또는 Some({wanted})")));
                    }
                    CacheOp::Len(len) if len > KEYS => {
                        return Err(Violation::new(
                            t!(
                                "len() counts distinct keys (there are 5)",
                                "len()은 서로 다른 키의 수를 셉니다(키는 5개입니다)"
                            ),
                            t!("len() returned {len}", "len()이 {len}을(를) 돌려주었습니다"),
                        ));
                    }
                    _ => {}
                }
            }
            for (key, &n) in calls.iter().enumerate() {
                let expected = usize::from(asked.contains(&key));
                if n != expected {
                    return Err(Violation::new(
                        t!(
                            "compute runs once for each key get was called with, and never \
                                 for the others",
                            "compute는 get이 호출된 키마다 한 번 실행되고, 다른 키에 대해서는 \
                                 실행되지 않습니다"
                        ),
                        t!(
                            "compute(&{key}) ran {n} times",
                            "compute(&{key})이(가) {n}번 실행되었습니다"
                        ),
                    )
                    .expected(expected.to_string()));
                }
                let peeked = counted.cache.peek(&key);
                let wanted = asked.contains(&key).then(|| value_of(key));
                if peeked != wanted {
                    return Err(Violation::new(
                        t!(
                            "after the round, peek(&key) is Some(value) for every key get was \
                                 called with, None for the others",
                            "라운드가 끝난 뒤 peek(&key)는 get이 호출된 모든 키에 대해 \
                                 Some(value), 다른 키에 대해서는 None입니다"
                        ),
                        format!("peek(&{key}) = {peeked:?}"),
                    )
                    .expected(format!("{wanted:?}")));
                }
            }
            Violation::ensure_eq(
                &t!(
                    "after the round, len() is the number of distinct keys get was called with",
                    "라운드가 끝난 뒤 len()은 get이 호출된 서로 다른 키의 수입니다"
                ),
                counted.cache.len(),
                asked.len(),
            )
        },
    )
}

fn cache_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "two threads calling get(1) on an empty cache at once",
        "두 스레드가 빈 캐시에 동시에 get(1)을 호출"
    ))
    .check(ctx, || {
        let counted = Arc::new(counted_cache());
        let other = {
            let counted = counted.clone();
            threadlings::thread::Builder::new()
                .name(t!("get(1) on thread 2", "두 번째 get(1)"))
                .spawn(move || counted.cache.get(1))
                .unwrap()
        };
        let mine = counted.cache.get(1);
        let peeked = counted.cache.peek(&1);
        let theirs = other.join().unwrap();
        assert_eq!(
            [mine, theirs],
            [value_of(1); 2],
            "{}",
            t!(
                "both get(1) calls return compute(&1)",
                "두 get(1) 호출 모두 compute(&1)을 돌려줍니다"
            )
        );
        assert_eq!(
            peeked,
            Some(value_of(1)),
            "{}",
            t!(
                "peek(&1) after this thread's get(1) returned",
                "이 스레드의 get(1)이 반환된 뒤의 peek(&1)"
            )
        );
        assert_eq!(
            counted.calls[1].load(Ordering::SeqCst),
            1,
            "{}",
            t!(
                "compute(&1) must run once: both threads missed key 1 and both computed it",
                "compute(&1)은 한 번만 실행되어야 합니다: 두 스레드 모두 키 1을 찾지 못했고 둘 다 \
                 계산했습니다"
            )
        );
        assert_eq!(
            counted.cache.len(),
            1,
            "{}",
            t!(
                "len() after get(1) twice",
                "get(1)을 두 번 호출한 뒤의 len()"
            )
        );
    })
}

/// Schedule exploration: three threads asking overlapping keys of a fresh cache.
fn cache_explore(ctx: &mut Ctx) -> CheckResult {
    Explore::new(t!(
        "three threads calling get, peek and len on overlapping keys of an empty cache",
        "세 스레드가 빈 캐시의 겹치는 키에 get, peek, len을 호출"
    ))
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
                let (want_a, want_b) = (value_of(a), value_of(b));
                return Err(Violation::new(
                    t!(
                        "get(key) returns compute(&key)",
                        "get(key)는 compute(&key)를 돌려줍니다"
                    ),
                    format!("get({a}) = {first}, get({b}) = {second}"),
                )
                .expected(t!("{want_a} and {want_b}", "{want_a} 및 {want_b}")));
            }
            if peeked.is_some_and(|v| v != value_of(b)) {
                return Err(Violation::new(
                    t!(
                        "peek(&key) returns None or compute(&key)",
                        "peek(&key)는 None 또는 compute(&key)를 돌려줍니다"
                    ),
                    format!("peek(&{b}) = {peeked:?}"),
                ));
            }
            if !(1..=3).contains(&len) {
                return Err(Violation::new(
                    t!(
                        "len() counts the keys asked for so far",
                        "len()은 지금까지 요청된 키의 수를 셉니다"
                    ),
                    t!(
                        "len() = {len} right after two get calls",
                        "get 호출 두 번 직후 len() = {len}"
                    ),
                )
                .expected(t!("1 to 3", "1에서 3 사이")));
            }
        }
        let calls: Vec<usize> = (0..3)
            .map(|k| counted.calls[k].load(Ordering::SeqCst))
            .collect();
        if calls != [1, 1, 1] {
            return Err(Violation::new(
                t!("each key is computed once", "각 키는 한 번 계산됩니다"),
                t!(
                    "compute ran {calls:?} times for keys 0, 1, 2",
                    "키 0, 1, 2에 대해 compute가 각각 {calls:?}번 실행되었습니다"
                ),
            )
            .expected(t!(
                "[1, 1, 1]: a thread that misses must check again under the write lock",
                "[1, 1, 1]: 키를 찾지 못한 스레드는 쓰기 락 아래에서 다시 확인해야 합니다"
            )));
        }
        let len = counted.cache.len();
        if len != 3 {
            return Err(Violation::new(
                t!(
                    "len() counts distinct keys",
                    "len()은 서로 다른 키의 수를 셉니다"
                ),
                format!("len() = {len}"),
            )
            .expected("3"));
        }
        Ok(())
    })
}

fn compute_model(ctx: &mut Ctx) -> CheckResult {
    Model::new(t!(
        "get(1) on one thread, whose compute waits until get(2) of a cached key has returned \
         on another",
        "한 스레드의 get(1)(그 compute는 다른 스레드에서 캐시된 키에 대한 get(2)가 반환될 \
         때까지 기다림)"
    ))
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
        assert_eq!(
            cache.get(2),
            20,
            "{}",
            t!("get(2) on an empty cache", "빈 캐시에 대한 get(2)")
        );
        let held = gate.lock().unwrap();
        let slow = {
            let cache = cache.clone();
            threadlings::thread::Builder::new()
                .name(t!("get(1), computing", "get(1), 계산 중"))
                .spawn(move || cache.get(1))
                .unwrap()
        };
        // compute(&1) may be running now, and waits for this get(2). A
        // compute that holds a lock get(2) needs never ends (deadlock).
        let hit = cache.get(2);
        drop(held);
        assert_eq!(
            hit,
            20,
            "{}",
            t!("get(2) of a cached key", "캐시된 키에 대한 get(2)")
        );
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
            .map(|h| {
                h.join().expect(&t!(
                    "a reader thread panicked",
                    "읽기 스레드가 패닉했습니다"
                ))
            })
            .collect()
    })
}

fn snapshots_overlap(_ctx: &mut Ctx) -> CheckResult {
    const READERS: usize = 4;
    let probe = CloneProbe::new(READERS);
    let watched = probe.clone();
    let values = within(
        Duration::from_secs(25),
        t!(
            "2 snapshot() and 2 read(f) calls at once",
            "snapshot() 2번과 read(f) 2번을 동시에 호출"
        ),
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
        t!(
            "every reader sees the configuration",
            "모든 읽기 스레드가 설정을 봅니다"
        )
    );
    let peak = watched.in_flight.peak();
    ensure!(
        watched.rendezvous.met(),
        t!(
            "readers never read the configuration at the same time: at most {peak} of {READERS} \
             readers (2 cloning in snapshot(), 2 inside read(f)) were there at once. Readers \
             take the read lock (`self.current.read()`), which any number of threads hold \
             together; the write lock is for update only.",
            "읽기 스레드들이 한 번도 동시에 설정을 읽지 않았습니다: 읽기 스레드 {READERS}개\
             (snapshot()에서 복제하는 둘, read(f) 안의 둘) 중 한꺼번에 그곳에 있었던 것은 최대 \
             {peak}개였습니다. 읽기 스레드는 읽기 락(`self.current.read()`)을 잡아야 합니다. \
             읽기 락은 몇 개의 스레드든 함께 쥘 수 있습니다. 쓰기 락은 update에만 씁니다."
        )
    );
    Ok(())
}

fn cached_reads_overlap(_ctx: &mut Ctx) -> CheckResult {
    const READERS: usize = 4;
    let probe = CloneProbe::new(READERS);
    let watched = probe.clone();
    let values = within(
        Duration::from_secs(25),
        t!(
            "4 get calls of cached keys at once",
            "캐시된 키에 대한 get 4번을 동시에 호출"
        ),
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
        t!(
            "get of cached keys returns their values",
            "캐시된 키에 대한 get은 그 값을 돌려줍니다"
        )
    );
    let peak = watched.in_flight.peak();
    ensure!(
        watched.rendezvous.met(),
        t!(
            "hits never ran at the same time: at most {peak} of {READERS} get calls of cached keys \
             (two of key 0, one of 1, one of 2) were cloning their value at once. A hit must \
             take read locks only (any number of threads hold them together); keep the write \
             lock for adding what is missing.",
            "캐시 적중(hit)이 한 번도 동시에 실행되지 않았습니다: 캐시된 키에 대한 get 호출 \
             {READERS}개(키 0 둘, 키 1 하나, 키 2 하나) 중 한꺼번에 값을 복제하고 있던 것은 \
             최대 {peak}개였습니다. 적중한 get은 읽기 락만 잡아야 합니다(읽기 락은 몇 개의 \
             스레드든 함께 쥘 수 있습니다). 쓰기 락은 없는 것을 추가할 때만 쓰세요."
        )
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

/// Where the thread asking other keys was while `compute(&7)` ran.
#[derive(Debug, Clone, Copy)]
enum Step {
    CachedGet,
    CachedPeek,
    FreshGet,
    FreshPeek,
    Len,
}

impl Step {
    /// The first sentence of the failure when this step did not return
    /// within `secs` seconds.
    fn stuck(self, secs: f64) -> String {
        match self {
            Step::CachedGet => t!(
                "while compute(&7) was running (called by another thread's get(7)), get(3), of a \
                 key already cached, did not return within {secs:.0} s.",
                "(다른 스레드의 get(7)이 호출한) compute(&7)이 실행되는 동안, 이미 캐시된 키에 \
                 대한 get(3)이 {secs:.0}초 안에 반환되지 않았습니다."
            ),
            Step::CachedPeek => t!(
                "while compute(&7) was running (called by another thread's get(7)), peek(&3), of \
                 a key already cached, did not return within {secs:.0} s.",
                "(다른 스레드의 get(7)이 호출한) compute(&7)이 실행되는 동안, 이미 캐시된 키에 \
                 대한 peek(&3)이 {secs:.0}초 안에 반환되지 않았습니다."
            ),
            Step::FreshGet => t!(
                "while compute(&7) was running (called by another thread's get(7)), get(11), of \
                 a key not cached yet, did not return within {secs:.0} s.",
                "(다른 스레드의 get(7)이 호출한) compute(&7)이 실행되는 동안, 아직 캐시되지 않은 \
                 키에 대한 get(11)이 {secs:.0}초 안에 반환되지 않았습니다."
            ),
            Step::FreshPeek => t!(
                "while compute(&7) was running (called by another thread's get(7)), peek(&11), \
                 of a key just computed, did not return within {secs:.0} s.",
                "(다른 스레드의 get(7)이 호출한) compute(&7)이 실행되는 동안, 방금 계산된 키에 \
                 대한 peek(&11)이 {secs:.0}초 안에 반환되지 않았습니다."
            ),
            Step::Len => t!(
                "while compute(&7) was running (called by another thread's get(7)), len() did \
                 not return within {secs:.0} s.",
                "(다른 스레드의 get(7)이 호출한) compute(&7)이 실행되는 동안, len()이 \
                 {secs:.0}초 안에 반환되지 않았습니다."
            ),
        }
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
        t!(
            "get calls while compute(&7) runs",
            "compute(&7)이 실행되는 동안의 get 호출"
        ),
        move || {
            let _ = cache.get(CACHED);
            let spawn_get = |key: u32| {
                let cache = cache.clone();
                std::thread::spawn(move || cache.get(key))
            };
            let slow = spawn_get(SLOW);
            if !gate.wait_entered(Duration::from_secs(10)) {
                gate.release();
                return Err(t!(
                    "get(7) did not call compute(&7) within 10 s",
                    "get(7)이 10초 안에 compute(&7)을 호출하지 않았습니다"
                ));
            }
            // compute(&7) runs now, and waits until released. A second
            // get(7) must wait for that value instead of computing it again.
            let same = spawn_get(SLOW);
            let (done_tx, done_rx) = mpsc::channel();
            let step = Arc::new(Mutex::new(Step::CachedGet));
            let others = {
                let (cache, step) = (cache.clone(), step.clone());
                std::thread::spawn(move || {
                    let at = |what| *step.lock().unwrap() = what;
                    at(Step::CachedGet);
                    let hit = cache.get(CACHED);
                    at(Step::CachedPeek);
                    let peeked = cache.peek(&CACHED);
                    at(Step::FreshGet);
                    let fresh = cache.get(FRESH);
                    at(Step::FreshPeek);
                    let fresh_peeked = cache.peek(&FRESH);
                    at(Step::Len);
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
        let stuck = step.stuck(PATIENCE.as_secs_f64());
        let advice = t!(
            "It returned only once compute(&7) finished: a compute must not hold a lock that \
             readers of other keys need. Hold the cache-wide write lock only to add a slot for \
             the key, and compute under that key's own lock.",
            "compute(&7)이 끝난 뒤에야 반환되었습니다: compute는 다른 키를 읽는 스레드들에게 \
             필요한 락을 쥐고 있으면 안 됩니다. 캐시 전체의 쓰기 락은 그 키의 슬롯을 추가할 \
             때만 쥐고, 계산은 그 키 자신의 락 아래에서 하세요."
        );
        fail!("{stuck} {advice}");
    }
    let (Ok(slow), Ok(same), Ok(others)) = (slow, same, others) else {
        fail!(t!(
            "a get thread panicked (see its message above)",
            "get을 호출한 스레드가 패닉했습니다(위의 메시지를 보세요)"
        ));
    };
    ensure_eq!(
        others,
        (103, Some(103), 111, Some(111)),
        "get(3), peek(&3), get(11), peek(&11)"
    );
    ensure_eq!(
        (slow, same),
        (107, 107),
        t!(
            "both get(7) calls return compute(&7)",
            "두 get(7) 호출 모두 compute(&7)을 돌려줍니다"
        )
    );
    ensure_eq!(
        len,
        3,
        t!(
            "len() once keys 3, 7 and 11 are cached",
            "키 3, 7, 11이 캐시된 뒤의 len()"
        )
    );
    let calls = calls.lock().unwrap().clone();
    ensure_eq!(
        calls.get(&SLOW).copied(),
        Some(1),
        t!(
            "compute(&7) runs once: a get(7) that comes while it runs must wait for its value",
            "compute(&7)은 한 번 실행됩니다: 그것이 실행되는 동안 온 get(7)은 그 값을 기다려야 \
             합니다"
        )
    );
    Ok(())
}
