//! Benchmark of the CPU-bound reference solutions against `rayon`, on the same
//! inputs in the same run, and of what the timing checks cost per exercise.
//!
//! ```sh
//! cargo run --release -p threadlings-bench              # throughput vs rayon
//! cargo run --release -p threadlings-bench -- --checks  # and timing-check cost
//! ```
//!
//! Throughput: each contender runs the same work several times in
//! interleaved rounds; the best time of each is kept (the least disturbed by
//! other processes). The reference solution is compiled from
//! `solutions/09-parallel-compute/src/lib.rs` itself.

#[path = "../../../solutions/09-parallel-compute/src/lib.rs"]
#[allow(dead_code)]
mod reference;

use std::collections::HashMap;
use std::process::Command;
use std::time::{Duration, Instant};

use rayon::prelude::*;

const ROUNDS: usize = 9;

/// The per-item work of the speedup check of 09-parallel-compute.
fn heavy(x: &u64) -> u64 {
    let mut h = *x ^ 0x9e37_79b9_7f4a_7c15;
    for _ in 0..160 {
        h ^= h >> 31;
        h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
        h ^= h >> 27;
    }
    h >> 44
}

fn documents(count: usize) -> Vec<String> {
    const WORDS: &[&str] = &[
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
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    (0..count)
        .map(|_| {
            let len = 20 + next(40);
            let mut doc = String::new();
            for _ in 0..len {
                doc.push_str(WORDS[next(WORDS.len())]);
                if next(8) == 0 {
                    doc.push_str(&next(50).to_string());
                }
                doc.push_str([" ", ", ", ". ", "\n"][next(4)]);
            }
            doc
        })
        .collect()
}

fn rayon_counts(docs: &[String]) -> HashMap<String, usize> {
    docs.par_iter()
        .fold(HashMap::new, |mut counts, doc| {
            for word in reference::words_of(doc) {
                *counts.entry(word).or_insert(0) += 1;
            }
            counts
        })
        .reduce(HashMap::new, |mut a, b| {
            let (mut big, small) = if a.len() >= b.len() {
                (a, b)
            } else {
                (b, std::mem::take(&mut a))
            };
            for (word, count) in small {
                *big.entry(word).or_insert(0) += count;
            }
            big
        })
}

struct Row {
    task: &'static str,
    sequential: Duration,
    reference: Duration,
    rayon: Duration,
}

fn best_of<T: PartialEq + std::fmt::Debug>(
    contenders: &mut [(&str, &mut dyn FnMut() -> T)],
    expected: &T,
) -> Vec<Duration> {
    let mut best = vec![Duration::MAX; contenders.len()];
    for round in 0..ROUNDS {
        for step in 0..contenders.len() {
            // Rotate the order so a drift in load favours no one.
            let i = (step + round) % contenders.len();
            let (name, run) = &mut contenders[i];
            let started = Instant::now();
            let value = run();
            let took = started.elapsed();
            assert_eq!(&value, expected, "{name} computed a different result");
            best[i] = best[i].min(took);
        }
    }
    best
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let workers = cores;
    println!(
        "threadlings-bench: {cores} core(s), reference with worker_count = {workers}, rayon's \
         global pool ({} threads); best of {ROUNDS} interleaved rounds",
        rayon::current_num_threads()
    );

    let mut rows = Vec::new();

    let items: Vec<u64> = (0..3_000_000u64).collect();
    let expected: u64 = items.iter().map(heavy).sum();
    let times = best_of(
        &mut [
            ("sequential", &mut || items.iter().map(heavy).sum::<u64>()),
            ("reference", &mut || {
                reference::parallel_sum(&items, workers, heavy)
            }),
            ("rayon", &mut || items.par_iter().map(heavy).sum::<u64>()),
        ],
        &expected,
    );
    rows.push(Row {
        task: "parallel_sum (3M CPU-heavy items)",
        sequential: times[0],
        reference: times[1],
        rayon: times[2],
    });

    let docs = documents(200_000);
    let expected = rayon_counts(&docs);
    let times = best_of(
        &mut [
            ("sequential", &mut || {
                reference::word_frequencies(&docs, 1, |d: &String| reference::words_of(d))
            }),
            ("reference", &mut || {
                reference::word_frequencies(&docs, workers, |d: &String| reference::words_of(d))
            }),
            ("rayon", &mut || rayon_counts(&docs)),
        ],
        &expected,
    );
    rows.push(Row {
        task: "word_frequencies (200k documents)",
        sequential: times[0],
        reference: times[1],
        rayon: times[2],
    });

    println!(
        "\n{:<36} {:>12} {:>12} {:>12} {:>10} {:>16}",
        "task", "1 thread ms", "reference ms", "rayon ms", "speedup", "ref/rayon thrpt"
    );
    for row in &rows {
        println!(
            "{:<36} {:>12.1} {:>12.1} {:>12.1} {:>9.2}x {:>15.2}x",
            row.task,
            ms(row.sequential),
            ms(row.reference),
            ms(row.rayon),
            row.sequential.as_secs_f64() / row.reference.as_secs_f64(),
            row.rayon.as_secs_f64() / row.reference.as_secs_f64(),
        );
    }

    if std::env::args().any(|a| a == "--checks") {
        timing_check_costs();
    }
}

/// Grades the reference solutions of the exercises with timing checks and
/// prints what their timing checks cost (wall time of the check processes).
fn timing_check_costs() {
    println!("\ncost of the timing checks, grading the reference solutions (seed 1):");
    println!(
        "{:<22} {:>8} {:>14} {:>12}  slowest timing check",
        "exercise", "checks", "timing checks", "all checks"
    );
    for exercise in ["03-channels", "09-parallel-compute", "10-io-concurrency"] {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "run",
                "-q",
                "-p",
                "grader",
                "--",
                "--solutions",
                "--quiet",
                "--seed",
                "1",
            ])
            .args(["--format", "json", "--only", exercise])
            .output()
            .expect("run the grader");
        let Ok(report) = serde_json::from_slice::<serde_json::Value>(&output.stdout) else {
            println!(
                "{exercise:<22} (the grader failed: {})",
                String::from_utf8_lossy(&output.stderr).trim()
            );
            continue;
        };
        let checks = report["exercises"][0]["checks"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let ms_of = |c: &serde_json::Value| c["duration_ms"].as_u64().unwrap_or(0);
        let timing: Vec<&serde_json::Value> =
            checks.iter().filter(|c| c["kind"] == "timing").collect();
        let slowest = timing
            .iter()
            .max_by_key(|c| ms_of(c))
            .map_or(String::new(), |c| {
                format!(
                    "{} {} ms ({})",
                    c["name"].as_str().unwrap_or(""),
                    ms_of(c),
                    c["status"].as_str().unwrap_or("")
                )
            });
        println!(
            "{exercise:<22} {:>8} {:>11} ms {:>9} ms  {slowest}",
            checks.len(),
            timing.iter().map(|c| ms_of(c)).sum::<u64>(),
            checks.iter().map(ms_of).sum::<u64>(),
        );
    }
}
