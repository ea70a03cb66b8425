//! Lock-mode audits of 06: the operations whose contract says "read locks
//! only" are held to it, lock by lock (the facade records every acquisition
//! and its mode), instead of trusting an overlap probe to happen to need
//! them.

use rand::Rng;
use rwlock_cache::{Cache, Config};
use threadlings_kit::audit::read_locks_only;
use threadlings_kit::{CheckResult, Ctx, ensure_eq, t, within};

use crate::LIMIT;

/// Every read-only operation of both types, on a warm cache and a fresh
/// one: `Config::read`, `Config::snapshot`, `Cache::peek` (hit and miss),
/// `Cache::len`, `Cache::is_empty` and a cached `Cache::get` (the map lookup
/// and the value's clone) take read locks only.
pub fn reads_take_read_locks(ctx: &mut Ctx) -> CheckResult {
    let keys: Vec<u32> = (0..3).map(|_| ctx.rng().random_range(0..1000)).collect();
    let missing = 1000 + ctx.rng().random_range(0..1000_u32);
    within(
        LIMIT,
        t!(
            "auditing the locks of the read operations",
            "읽기 연산들의 락 감사"
        ),
        move || {
            let config = Config::new(vec![keys[0]]);
            let seen = read_locks_only("Config::read(f)", || config.read(|v| v.clone()))?;
            ensure_eq!(seen, vec![keys[0]], "Config::read(f)");
            read_locks_only("Config::snapshot()", || config.snapshot())?;

            let cache = Cache::new(|key: &u32| u64::from(*key) * 3 + 1);
            // A fresh cache: the lookups find nothing.
            ensure_eq!(
                read_locks_only(
                    t!(
                        "peek of a key never asked for, on an empty cache",
                        "빈 캐시에서, 한 번도 요청되지 않은 키에 대한 peek"
                    ),
                    || { cache.peek(&missing) }
                )?,
                None,
                t!(
                    "peek of a key never asked for",
                    "한 번도 요청되지 않은 키에 대한 peek"
                )
            );
            ensure_eq!(
                read_locks_only(t!("len() of an empty cache", "빈 캐시의 len()"), || {
                    cache.len()
                })?,
                0,
                "len()"
            );
            ensure_eq!(
                read_locks_only(
                    t!("is_empty() of an empty cache", "빈 캐시의 is_empty()"),
                    || cache.is_empty()
                )?,
                true,
                "is_empty()"
            );
            for &key in &keys {
                cache.get(key); // computes: write locks are fine here
            }
            for &key in &keys {
                let value = u64::from(key) * 3 + 1;
                ensure_eq!(
                    read_locks_only(
                        t!("get({key}) of a cached key", "캐시된 키에 대한 get({key})"),
                        || cache.get(key)
                    )?,
                    value,
                    t!("get of a cached key", "캐시된 키에 대한 get")
                );
                ensure_eq!(
                    read_locks_only(
                        t!(
                            "peek(&{key}) of a cached key",
                            "캐시된 키에 대한 peek(&{key})"
                        ),
                        || cache.peek(&key)
                    )?,
                    Some(value),
                    t!("peek of a cached key", "캐시된 키에 대한 peek")
                );
            }
            ensure_eq!(
                read_locks_only(
                    t!(
                        "peek of a key never asked for",
                        "한 번도 요청되지 않은 키에 대한 peek"
                    ),
                    || cache.peek(&missing)
                )?,
                None,
                t!(
                    "peek of a key never asked for",
                    "한 번도 요청되지 않은 키에 대한 peek"
                )
            );
            let distinct = {
                let mut k = keys.clone();
                k.sort_unstable();
                k.dedup();
                k.len()
            };
            ensure_eq!(read_locks_only("len()", || cache.len())?, distinct, "len()");
            ensure_eq!(
                read_locks_only("is_empty()", || cache.is_empty())?,
                false,
                "is_empty()"
            );
            Ok(())
        },
    )?
}
