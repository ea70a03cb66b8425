//! Hidden checks of exercise 09-parallel-compute.
//!
//! Structural checks (any machine, one core too): the per-item closure the
//! check hands over records which threads call it (`Recorder::touch`), and
//! each worker's first call arrives at a rendezvous of `worker_count` parties,
//! which a lock held around the hot loop (or no threads at all) never fills.
//! Speedup checks (two usable cores or more): the student's code against the
//! check's own one-thread and parallel loops, in the same run.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use parallel_compute::{WorkerCounters, parallel_sum, word_frequencies, words_of};
use rand::Rng;
use threadlings_kit::timing::{
    LatestEvidence, PATIENCE, Recorder, Rendezvous, SpeedupTrial, scale_to,
};
use threadlings_kit::{CheckResult, Ctx, Stop, ensure, ensure_eq, fail, t, within};

threadlings_kit::checks![
    sum_is_correct,
    sum_uses_worker_count_threads,
    sum_workers_run_at_once,
    sum_speeds_up,
    words_counted_correctly,
    words_use_worker_count_threads,
    words_workers_run_at_once,
    words_speed_up,
    counters_count_correctly,
    counters_on_separate_cache_lines,
    counters_scale,
];

const LIMIT: Duration = Duration::from_secs(20);
/// Worker count of the speedup checks: more threads than cores is fine (and
/// fairer on a busy machine, where the scheduler shares cores per thread).
const SPEEDUP_WORKERS: usize = 4;

// ---------------------------------------------------------------- the work

/// CPU-bound work per item: a few hundred nanoseconds of mixing.
fn heavy(x: &u64) -> u64 {
    let mut h = *x ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..160 {
        h ^= h >> 31;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
    }
    h >> 44
}

/// The check's own parallel loop (the control): contiguous chunks, one scoped
/// thread each.
fn control_sum(items: &[u64], workers: usize, rec: &Recorder) -> u64 {
    let n = items.len();
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|i| {
                let chunk = &items[i * n / workers..(i + 1) * n / workers];
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|x| {
                            rec.touch();
                            heavy(x)
                        })
                        .sum::<u64>()
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).sum()
    })
}

const VOCABULARY: &[&str] = &[
    "thread",
    "process",
    "mutex",
    "channel",
    "atomic",
    "lock",
    "wait",
    "notify",
    "spawn",
    "join",
    "scope",
    "barrier",
    "semaphore",
    "Pipeline",
    "worker",
    "queue",
    "task",
    "core",
    "cache",
    "line",
    "race",
    "deadlock",
    "fair",
    "yield",
    "park",
    "unpark",
    "signal",
    "pipe",
    "fork",
    "exec",
];

fn documents(rng: &mut impl Rng, count: usize) -> Vec<String> {
    (0..count)
        .map(|i| {
            let len = rng.random_range(20..60);
            let mut doc = String::new();
            for j in 0..len {
                let word = VOCABULARY[rng.random_range(0..VOCABULARY.len())];
                let sep = [" ", ", ", ". ", "\n", " -- "][(i + j) % 5];
                doc.push_str(word);
                if rng.random_range(0..8) == 0 {
                    doc.push_str(&format!("{}", rng.random_range(0..50)));
                }
                doc.push_str(sep);
            }
            doc
        })
        .collect()
}

fn sequential_counts(docs: &[String], rec: &Recorder) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for doc in docs {
        rec.touch();
        for word in words_of(doc) {
            *counts.entry(word).or_insert(0) += 1;
        }
    }
    counts
}

fn control_counts(docs: &[String], workers: usize, rec: &Recorder) -> HashMap<String, usize> {
    let n = docs.len();
    let maps: Vec<HashMap<String, usize>> = thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|i| {
                let chunk = &docs[i * n / workers..(i + 1) * n / workers];
                scope.spawn(move || sequential_counts(chunk, rec))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut total = HashMap::new();
    for map in maps {
        for (word, count) in map {
            *total.entry(word).or_insert(0) += count;
        }
    }
    total
}

// ------------------------------------------------------------ parallel_sum

fn sum_is_correct(ctx: &mut Ctx) -> CheckResult {
    let rng = ctx.rng();
    let mut cases: Vec<(Vec<u64>, usize)> = vec![(Vec::new(), 3), (vec![7], 4), (vec![1, 2, 3], 8)];
    for workers in [1, 2, 3, 5, 8] {
        let len = rng.random_range(0..400);
        cases.push((
            (0..len).map(|_| rng.random_range(0..1 << 32)).collect(),
            workers,
        ));
    }
    for (items, workers) in cases {
        let expected: u64 = items.iter().map(|x| x * 3).sum();
        let input = items.clone();
        let len = items.len();
        let got = within(
            LIMIT,
            t!(
                "parallel_sum({} items, {workers}, ..)",
                "parallel_sum(항목 {0}개, {workers}, ..)",
                len
            ),
            move || parallel_sum(&input, workers, |x| x * 3),
        )?;
        ensure_eq!(
            got,
            expected,
            t!(
                "parallel_sum of {} items over {workers} workers (value = 3 x item)",
                "항목 {0}개, 워커 {workers}개의 parallel_sum(value = 3 x item)",
                len
            )
        );
    }
    Ok(())
}

/// Runs parallel_sum with a probed `value`: returns the recorder and the
/// rendezvous its workers' first calls arrived at.
fn probed_sum(
    ctx: &mut Ctx,
) -> Result<
    (
        Arc<Recorder>,
        Arc<Rendezvous>,
        usize,
        threadlings_kit::timing::EvidenceGuard,
    ),
    Stop,
> {
    let workers = ctx.rng().random_range(2..6);
    let n = workers * ctx.rng().random_range(50..200);
    let items: Vec<u64> = (0..n as u64).collect();
    let expected: u64 = items.iter().sum();
    let recorder = Recorder::new(t!(
        "parallel_sum({n} items, {workers} workers)",
        "parallel_sum(항목 {n}개, 워커 {workers}개)"
    ));
    let evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let got = within(
        LIMIT,
        t!(
            "parallel_sum({n} items, {workers})",
            "parallel_sum(항목 {n}개, {workers})"
        ),
        move || {
            rec.mark_caller();
            parallel_sum(&items, workers, |x| {
                if rec.touch() {
                    rv.arrive();
                }
                *x
            })
        },
    )?;
    ensure_eq!(
        got,
        expected,
        t!(
            "parallel_sum must still add up every item",
            "parallel_sum은 여전히 모든 항목을 더해야 합니다"
        )
    );
    Ok((recorder, rendezvous, workers, evidence))
}

fn sum_uses_worker_count_threads(ctx: &mut Ctx) -> CheckResult {
    let (recorder, _, workers, _evidence) = probed_sum(ctx)?;
    let threads = recorder.worker_threads();
    if threads == 0 {
        fail!(t!(
            "the sum was computed on the calling thread alone: no worker thread ever called \
             `value` (expected {workers} worker threads, one per chunk)",
            "호출자 스레드 혼자 합계를 계산했습니다: 어떤 워커 스레드도 `value`를 호출하지 \
             않았습니다(기대한 것은 조각마다 하나씩, 워커 스레드 {workers}개)"
        ));
    }
    ensure_eq!(
        threads,
        workers,
        t!(
            "parallel_sum(items, {workers}, ..) must compute on exactly {workers} worker threads, one \
             per chunk (not one per item)",
            "parallel_sum(items, {workers}, ..)은(는) 정확히 워커 스레드 {workers}개에서 조각마다 \
             하나씩 계산해야 합니다(항목마다 하나씩이 아닙니다)"
        )
    );
    Ok(())
}

fn sum_workers_run_at_once(ctx: &mut Ctx) -> CheckResult {
    let (recorder, rendezvous, workers, _evidence) = probed_sum(ctx)?;
    if recorder.worker_threads() == 0 {
        fail!(t!(
            "no worker thread ever ran the loop: the sum ran on the calling thread alone",
            "어떤 워커 스레드도 루프를 실행하지 않았습니다: 호출자 스레드 혼자 합계를 \
             계산했습니다"
        ));
    }
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        rendezvous.met(),
        t!(
            "your workers ran the hot loop one at a time, never {workers} at once (a worker inside \
             the loop waited {:.0} s for the others): is a lock held around the loop, or is each \
             thread joined before the next starts?",
            "워커들이 핫 루프를 한 번에 하나씩 실행했고, {workers}개가 동시에 실행된 적이 \
             없습니다(루프 안의 워커가 다른 워커들을 {0:.0}초 기다렸습니다): 루프를 감싸는 락을 \
             쥐고 있거나, 다음 스레드를 시작하기 전에 각 스레드를 조인하지 않나요?",
            patience
        )
    );
    Ok(())
}

fn sum_speeds_up(ctx: &mut Ctx) -> CheckResult {
    let workers = SPEEDUP_WORKERS;
    let seed: u64 = ctx.rng().random();
    let label = t!(
        "parallel_sum(items, {workers} workers) of CPU-heavy values",
        "CPU를 많이 쓰는 값들의 parallel_sum(items, 워커 {workers}개)"
    );
    // Sends the timeline of the candidate's latest round however the check ends.
    let evidence = LatestEvidence::new(ctx, Recorder::new(label.clone()));
    threadlings_kit::timing::require_cores(2)?;

    let scratch = Recorder::new("sizing");
    let n = scale_to(Duration::from_millis(200), 20_000, 20_000_000, |n| {
        let items: Vec<u64> = (0..n as u64).collect();
        let started = Instant::now();
        std::hint::black_box(
            items
                .iter()
                .map(|x| {
                    scratch.touch();
                    heavy(x)
                })
                .sum::<u64>(),
        );
        started.elapsed()
    });
    let items: Arc<Vec<u64>> = Arc::new((0..n as u64).map(|i| i ^ seed).collect());
    let expected: u64 = items.iter().map(heavy).sum();

    let trial = SpeedupTrial::default();
    let speedup = trial.run(
        workers,
        || {
            let rec = Recorder::new("baseline");
            let started = Instant::now();
            let sum: u64 = items
                .iter()
                .map(|x| {
                    rec.touch();
                    heavy(x)
                })
                .sum();
            let took = started.elapsed();
            ensure_eq!(sum, expected, t!("the check's own sum", "검사 자체의 합계"));
            Ok(took)
        },
        || {
            let rec = Recorder::new("control");
            let started = Instant::now();
            let sum = control_sum(&items, workers, &rec);
            let took = started.elapsed();
            ensure_eq!(
                sum,
                expected,
                t!("the check's own parallel sum", "검사 자체의 병렬 합계")
            );
            Ok(took)
        },
        || {
            let rec = Recorder::new(label.clone());
            evidence.set(rec.clone());
            let data = items.clone();
            let (sum, took) = within(
                LIMIT,
                t!(
                    "parallel_sum({n} items, {workers})",
                    "parallel_sum(항목 {n}개, {workers})"
                ),
                move || {
                    rec.mark_caller();
                    let started = Instant::now();
                    let sum = parallel_sum(&data, workers, |x| {
                        rec.touch();
                        heavy(x)
                    });
                    (sum, started.elapsed())
                },
            )?;
            ensure_eq!(
                sum,
                expected,
                t!(
                    "parallel_sum must add up every item",
                    "parallel_sum은 모든 항목을 더해야 합니다"
                )
            );
            Ok(took)
        },
    )?;
    let rec = evidence.current();
    for note in speedup.notes() {
        rec.note(note);
    }
    speedup.judge(t!(
        "parallel_sum({n} items, {workers} workers)",
        "parallel_sum(항목 {n}개, 워커 {workers}개)"
    ))
}

// -------------------------------------------------------- word_frequencies

fn words_counted_correctly(ctx: &mut Ctx) -> CheckResult {
    let mut cases: Vec<(Vec<String>, usize)> = vec![
        (Vec::new(), 2),
        (
            // data: a document word_frequencies counts the words of
            vec!["One fish, two fish; red fish: blue FISH.".to_string()],
            3,
        ),
    ];
    for workers in [1, 2, 3, 5] {
        let count = ctx.rng().random_range(0..60);
        cases.push((documents(ctx.rng(), count), workers));
    }
    for (docs, workers) in cases {
        let expected = sequential_counts(&docs, &Recorder::new("expected"));
        let input = docs.clone();
        let len = docs.len();
        let got = within(
            LIMIT,
            t!(
                "word_frequencies({} documents, {workers}, ..)",
                "word_frequencies(문서 {0}개, {workers}, ..)",
                len
            ),
            move || word_frequencies(&input, workers, |d: &String| words_of(d)),
        )?;
        if got != expected {
            // Per word: the expected and the actual count, or None for a
            // word that is not in the documents.
            let mut wrong: Vec<(&String, Option<(usize, usize)>)> = expected
                .iter()
                .filter(|(w, c)| got.get(*w) != Some(c))
                .map(|(w, c)| (w, Some((*c, got.get(w).copied().unwrap_or(0)))))
                .chain(
                    got.keys()
                        .filter(|w| !expected.contains_key(*w))
                        .map(|w| (w, None)),
                )
                .collect();
            // In the order of the lines "{w}: …" (each word appears once).
            wrong.sort_by_key(|(w, _)| format!("{w}:"));
            wrong.truncate(5);
            let wrong: Vec<String> = wrong
                .into_iter()
                .map(|(w, counts)| match counts {
                    Some((c, n)) => t!(
                        "{w}: expected {c}, got {n}",
                        "{w}: 기대한 값 {c}, 실제 값 {n}"
                    ),
                    None => t!("{w}: not in the documents", "{w}: 문서에 없는 단어"),
                })
                .collect();
            let miscounted = t!(
                "word_frequencies({} documents, {workers}, ..) miscounted",
                "word_frequencies(문서 {0}개, {workers}, ..)이(가) 단어를 잘못 셌습니다",
                len
            );
            fail!("{miscounted}: {}", wrong.join("; "));
        }
    }
    Ok(())
}

fn probed_words(
    ctx: &mut Ctx,
) -> Result<
    (
        Arc<Recorder>,
        Arc<Rendezvous>,
        usize,
        threadlings_kit::timing::EvidenceGuard,
    ),
    Stop,
> {
    let workers = ctx.rng().random_range(2..6);
    let n = workers * ctx.rng().random_range(10..40);
    let docs = documents(ctx.rng(), n);
    let expected = sequential_counts(&docs, &Recorder::new("expected"));
    let recorder = Recorder::new(t!(
        "word_frequencies({n} documents, {workers} workers)",
        "word_frequencies(문서 {n}개, 워커 {workers}개)"
    ));
    let evidence = recorder.evidence_on_exit(ctx);
    let rendezvous = Arc::new(Rendezvous::new(workers, PATIENCE));
    let (rec, rv) = (recorder.clone(), rendezvous.clone());
    let got = within(
        LIMIT,
        t!(
            "word_frequencies({n} documents, {workers})",
            "word_frequencies(문서 {n}개, {workers})"
        ),
        move || {
            rec.mark_caller();
            word_frequencies(&docs, workers, |doc: &String| {
                if rec.touch() {
                    rv.arrive();
                }
                words_of(doc)
            })
        },
    )?;
    ensure!(
        got == expected,
        t!(
            "word_frequencies must still count every word correctly",
            "word_frequencies는 여전히 모든 단어를 올바르게 세어야 합니다"
        )
    );
    Ok((recorder, rendezvous, workers, evidence))
}

fn words_use_worker_count_threads(ctx: &mut Ctx) -> CheckResult {
    let (recorder, _, workers, _evidence) = probed_words(ctx)?;
    let threads = recorder.worker_threads();
    if threads == 0 {
        fail!(t!(
            "the map ran on the calling thread alone: no worker thread ever called `words` \
             (expected {workers} worker threads, one per chunk)",
            "호출자 스레드 혼자 맵을 실행했습니다: 어떤 워커 스레드도 `words`를 호출하지 \
             않았습니다(기대한 것은 조각마다 하나씩, 워커 스레드 {workers}개)"
        ));
    }
    ensure_eq!(
        threads,
        workers,
        t!(
            "word_frequencies(documents, {workers}, ..) must map on exactly {workers} worker threads, \
             one per chunk",
            "word_frequencies(documents, {workers}, ..)은(는) 정확히 워커 스레드 {workers}개에서 \
             조각마다 하나씩 맵을 실행해야 합니다"
        )
    );
    Ok(())
}

fn words_workers_run_at_once(ctx: &mut Ctx) -> CheckResult {
    let (recorder, rendezvous, workers, _evidence) = probed_words(ctx)?;
    if recorder.worker_threads() == 0 {
        fail!(t!(
            "no worker thread ever ran the map: it ran on the calling thread alone",
            "어떤 워커 스레드도 맵을 실행하지 않았습니다: 호출자 스레드 혼자 실행했습니다"
        ));
    }
    let patience = PATIENCE.as_secs_f64();
    ensure!(
        rendezvous.met(),
        t!(
            "your workers ran the map one at a time, never {workers} at once (a worker inside the \
             loop waited {:.0} s for the others): is a lock held around the loop? Count into a map \
             per worker and merge after the join",
            "워커들이 맵을 한 번에 하나씩 실행했고, {workers}개가 동시에 실행된 적이 \
             없습니다(루프 안의 워커가 다른 워커들을 {0:.0}초 기다렸습니다): 루프를 감싸는 락을 \
             쥐고 있지 않나요? 워커마다 자기 맵에 세고, 조인한 뒤에 합치세요",
            patience
        )
    );
    Ok(())
}

fn words_speed_up(ctx: &mut Ctx) -> CheckResult {
    let workers = SPEEDUP_WORKERS;
    let label = t!(
        "word_frequencies(documents, {workers} workers)",
        "word_frequencies(documents, 워커 {workers}개)"
    );
    let evidence = LatestEvidence::new(ctx, Recorder::new(label.clone()));
    threadlings_kit::timing::require_cores(2)?;

    let pool = Arc::new(documents(ctx.rng(), 2_000));
    let scratch = Recorder::new("sizing");
    let n = scale_to(Duration::from_millis(200), 2_000, 2_000_000, |n| {
        let docs: Vec<String> = pool.iter().cycle().take(n).cloned().collect();
        let started = Instant::now();
        std::hint::black_box(sequential_counts(&docs, &scratch));
        started.elapsed()
    });
    let docs: Arc<Vec<String>> = Arc::new(pool.iter().cycle().take(n).cloned().collect());
    let expected = sequential_counts(&docs, &scratch);

    let trial = SpeedupTrial::default();
    let speedup = trial.run(
        workers,
        || {
            let rec = Recorder::new("baseline");
            let started = Instant::now();
            let counts = sequential_counts(&docs, &rec);
            let took = started.elapsed();
            ensure!(
                counts == expected,
                t!("the check's own count", "검사 자체가 센 결과")
            );
            Ok(took)
        },
        || {
            let rec = Recorder::new("control");
            let started = Instant::now();
            let counts = control_counts(&docs, workers, &rec);
            let took = started.elapsed();
            ensure!(
                counts == expected,
                t!(
                    "the check's own parallel count",
                    "검사 자체가 병렬로 센 결과"
                )
            );
            Ok(took)
        },
        || {
            let rec = Recorder::new(label.clone());
            evidence.set(rec.clone());
            let data = docs.clone();
            let (counts, took) = within(
                LIMIT,
                t!(
                    "word_frequencies({n} documents, {workers})",
                    "word_frequencies(문서 {n}개, {workers})"
                ),
                move || {
                    rec.mark_caller();
                    let started = Instant::now();
                    let counts = word_frequencies(&data, workers, |doc: &String| {
                        rec.touch();
                        words_of(doc)
                    });
                    (counts, started.elapsed())
                },
            )?;
            ensure!(
                counts == expected,
                t!(
                    "word_frequencies must count every word correctly",
                    "word_frequencies는 모든 단어를 올바르게 세어야 합니다"
                )
            );
            Ok(took)
        },
    )?;
    let rec = evidence.current();
    for note in speedup.notes() {
        rec.note(note);
    }
    speedup.judge(t!(
        "word_frequencies({n} documents, {workers} workers)",
        "word_frequencies(문서 {n}개, 워커 {workers}개)"
    ))
}

// -------------------------------------------------------- WorkerCounters

/// The block a slot must have to itself: two 64-byte lines, the pair Intel's
/// spatial prefetcher fetches together (and the line size of some aarch64 cores).
const BLOCK: usize = 128;

/// Makes `WorkerCounters::new(workers)` within the time limit.
fn counters(workers: usize) -> Result<Arc<WorkerCounters>, Stop> {
    within(
        LIMIT,
        format!("WorkerCounters::new({workers})"),
        move || Arc::new(WorkerCounters::new(workers)),
    )
}

fn counters_count_correctly(ctx: &mut Ctx) -> CheckResult {
    for workers in [1, 2, ctx.rng().random_range(3..9)] {
        let bumps: Vec<u64> = (0..workers)
            .map(|_| ctx.rng().random_range(0..5_000))
            .collect();
        let c = counters(workers)?;
        ensure_eq!(
            c.total(),
            0,
            t!(
                "WorkerCounters::new({workers}) starts at 0",
                "WorkerCounters::new({workers})은(는) 0에서 시작합니다"
            )
        );
        let (shared, each) = (c.clone(), bumps.clone());
        within(
            LIMIT,
            t!(
                "{workers} threads bumping their slots",
                "스레드 {workers}개가 각자 자기 슬롯을 올림"
            ),
            move || {
                thread::scope(|scope| {
                    for (i, &n) in each.iter().enumerate() {
                        let shared = &shared;
                        scope.spawn(move || {
                            for _ in 0..n {
                                shared.slot(i).fetch_add(1, Ordering::Relaxed);
                            }
                        });
                    }
                })
            },
        )?;
        for (i, &n) in bumps.iter().enumerate() {
            ensure_eq!(
                c.slot(i).load(Ordering::Relaxed),
                n,
                t!(
                    "slot({i}) of {workers} after worker {i} added 1 to it {n} times (each slot is \
                     one worker's own counter)",
                    "슬롯 {workers}개 중 slot({i}), 워커 {i}이(가) 1을 {n}번 더한 뒤(슬롯마다 한 \
                     워커만의 카운터입니다)"
                )
            );
        }
        ensure_eq!(
            c.total(),
            bumps.iter().sum::<u64>(),
            t!(
                "total() is the sum of the {workers} slots",
                "total()은 슬롯 {workers}개의 합이어야 합니다"
            )
        );
    }
    Ok(())
}

fn counters_on_separate_cache_lines(_ctx: &mut Ctx) -> CheckResult {
    for workers in [2, 3, 8, 17] {
        let c = counters(workers)?;
        let addresses: Vec<usize> = (0..workers)
            .map(|i| c.slot(i) as *const AtomicU64 as usize)
            .collect();
        for i in 0..workers {
            for j in i + 1..workers {
                let (a, b) = (addresses[i], addresses[j]);
                let apart = a.abs_diff(b);
                ensure!(
                    a / BLOCK != b / BLOCK,
                    t!(
                        "slot({i}) and slot({j}) of WorkerCounters::new({workers}) lie {} bytes \
                         apart, in the same {BLOCK}-byte block (0x{a:x} and 0x{b:x}): two workers \
                         writing them make the cores fight over one cache line (false sharing). \
                         Give every slot a {BLOCK}-byte block of its own, e.g. a wrapper with \
                         #[repr(align({BLOCK}))]",
                        "WorkerCounters::new({workers})의 slot({i})과(와) slot({j})이(가) {0}바이트 \
                         떨어져 같은 {BLOCK}바이트 블록 안에 있습니다(0x{a:x}, 0x{b:x}): 두 워커가 \
                         여기에 쓰면 코어들이 캐시 라인 하나를 두고 싸웁니다(거짓 공유, false \
                         sharing). 슬롯마다 자기만의 {BLOCK}바이트 블록을 주세요. 예: \
                         #[repr(align({BLOCK}))]을 붙인 래퍼",
                        apart
                    )
                );
            }
        }
    }
    Ok(())
}

/// Padded counters of the check's own: the control.
#[repr(align(128))]
struct Padded(AtomicU64);

/// `workers` threads, each adding 1 to its own counter `per_worker` times.
fn bump_in_parallel<'a>(
    workers: usize,
    per_worker: u64,
    slot: &(dyn Fn(usize) -> &'a AtomicU64 + Sync),
) {
    thread::scope(|scope| {
        for i in 0..workers {
            scope.spawn(move || {
                let counter = slot(i);
                for _ in 0..per_worker {
                    counter.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
}

fn counters_scale(_ctx: &mut Ctx) -> CheckResult {
    // One thread per usable core (at most 4), unlike the other speedup checks:
    // with more threads than cores, the scheduler may put the threads whose
    // counters share a line on one core, where false sharing costs nothing.
    let workers = threadlings_kit::timing::require_cores(2)?
        .usable()
        .clamp(2, 4);
    // Enough increments that one thread takes about 200 ms.
    let single = AtomicU64::new(0);
    let total = scale_to(Duration::from_millis(200), 1 << 20, 1 << 32, |n| {
        let started = Instant::now();
        for _ in 0..n {
            single.fetch_add(1, Ordering::Relaxed);
        }
        started.elapsed()
    }) as u64;
    let per_worker = total / workers as u64;
    let theirs = counters(workers)?;
    let ours: Vec<Padded> = (0..workers).map(|_| Padded(AtomicU64::new(0))).collect();

    let trial = SpeedupTrial::default();
    let speedup = trial.run(
        workers,
        || {
            let counter = Padded(AtomicU64::new(0));
            let started = Instant::now();
            for _ in 0..per_worker * workers as u64 {
                counter.0.fetch_add(1, Ordering::Relaxed);
            }
            let took = started.elapsed();
            ensure_eq!(
                counter.0.load(Ordering::Relaxed),
                per_worker * workers as u64,
                t!("the check's own count", "검사 자체가 센 결과")
            );
            Ok(took)
        },
        || {
            let started = Instant::now();
            bump_in_parallel(workers, per_worker, &|i| &ours[i].0);
            Ok(started.elapsed())
        },
        || {
            let c = theirs.clone();
            within(
                LIMIT,
                t!(
                    "{workers} threads bumping WorkerCounters",
                    "스레드 {workers}개가 WorkerCounters를 올림"
                ),
                move || {
                    let started = Instant::now();
                    bump_in_parallel(workers, per_worker, &|i| c.slot(i));
                    started.elapsed()
                },
            )
        },
    )?;
    ensure_eq!(
        theirs.total(),
        ours.iter()
            .map(|p| p.0.load(Ordering::Relaxed))
            .sum::<u64>(),
        t!(
            "WorkerCounters::total after as many increments as the check's own counters got",
            "검사 자체의 카운터가 받은 만큼 증가시킨 뒤의 WorkerCounters::total"
        )
    );
    speedup
        .judge(t!(
            "{workers} threads each adding 1 to their own WorkerCounters slot {per_worker} times",
            "스레드 {workers}개가 각자 자기 WorkerCounters 슬롯에 1을 {per_worker}번 더함"
        ))
        .map_err(|stop| match stop {
            // The generic hint of a slow candidate names per-item overhead;
            // here the one suspect is the layout of the slots.
            Stop::Fail(mut failure) => {
                failure.message.push_str(&t!(
                    " With one counter per thread, the usual cause is false sharing: slots \
                     that share a cache line make every increment wait for the line to come \
                     back from the other core.",
                    " 스레드마다 카운터가 하나씩이면, 흔한 원인은 거짓 공유입니다: 캐시 라인을 \
                     함께 쓰는 슬롯들은 증가할 때마다 그 라인이 다른 코어에서 돌아오기를 \
                     기다리게 합니다."
                ));
                Stop::Fail(failure)
            }
            other => other,
        })
}
