//! Throughput of the reference pipeline against rayon and a plain loop.
//!
//! `bench [MIB] [ROUNDS]`: generates a seeded access log of MIB MiB in memory
//! (default 256), then runs, in interleaved rounds (default 5), and keeps the
//! best time of each:
//! - `sequential`: `Summary::add_lines` over the whole input on one thread;
//! - `reference threads`: `summarize_threads` (reader + bounded queue +
//!   workers) with one worker per core, reading the input through `Read`;
//! - `reference processes`: `summarize_processes` with one `dp_worker`
//!   process per core, every byte through a pipe;
//! - `rayon par_split`: `par_split` on line ends, `fold` + `reduce`;
//! - `rayon chunks`: line-aligned 256 KiB slices, `par_iter` + `fold`.
//!
//! Prints MB/s and the reference's throughput relative to rayon's best; the
//! goal is at least 0.9x (exit status 1 below it).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use data_processing::Summary;
use rayon::prelude::*;

fn log(size: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let methods = ["GET", "POST", "PUT", "DELETE"];
    let statuses = [200, 200, 200, 200, 201, 301, 304, 404, 500, 503];
    let mut out = Vec::with_capacity(size + 256);
    let mut i = 0u64;
    use std::io::Write;
    while out.len() < size {
        i += 1;
        if next() % 500 == 0 {
            out.extend_from_slice(b"-- log rotated --\n");
            continue;
        }
        let path = next() % 240;
        let path = match path % 3 {
            0 => format!("/api/items/{}", path / 3),
            1 => format!("/static/img/{}.png", path / 3),
            _ => format!("/users/{}/profile", path / 3),
        };
        writeln!(
            out,
            "{} {} {path} {} {} {}",
            1_700_000_000 + i,
            methods[(next() % 4) as usize],
            statuses[(next() % 10) as usize],
            next() % 200_000,
            next() % 300
        )
        .unwrap();
    }
    out
}

fn line_aligned(data: &[u8], size: usize) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let mut end = size.min(rest.len());
        if end < rest.len() {
            end = rest[end..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(rest.len(), |p| end + p + 1);
        }
        parts.push(&rest[..end]);
        rest = &rest[end..];
    }
    parts
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mib: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(256);
    let rounds: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(5);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let worker: PathBuf = std::env::current_exe().unwrap().with_file_name("dp_worker");
    let data = log(mib << 20, 42);
    println!(
        "input: {:.0} MB access log in memory; {cores} cores; best of {rounds} interleaved rounds",
        data.len() as f64 / 1e6
    );
    let mut expected = Summary::default();
    expected.add_lines(&data);

    type Run<'a> = Box<dyn Fn() -> Summary + 'a>;
    let variants: Vec<(&str, Run)> = vec![
        (
            "sequential (one thread)",
            Box::new(|| {
                let mut s = Summary::default();
                s.add_lines(&data);
                s
            }),
        ),
        (
            "reference threads",
            Box::new(|| data_processing::summarize_threads(&data[..], cores, 256 << 10).unwrap()),
        ),
        (
            "reference processes",
            Box::new(|| {
                data_processing::summarize_processes(&data[..], cores, 256 << 10, &worker)
                    .unwrap()
                    .summary
            }),
        ),
        (
            "rayon par_split",
            Box::new(|| {
                data.strip_suffix(b"\n")
                    .unwrap_or(&data)
                    .par_split(|&b| b == b'\n')
                    .fold(Summary::default, |mut s, line| {
                        s.add_line(line);
                        s
                    })
                    .reduce(Summary::default, |mut a, b| {
                        a.merge(b);
                        a
                    })
            }),
        ),
        (
            "rayon chunks",
            Box::new(|| {
                line_aligned(&data, 256 << 10)
                    .par_iter()
                    .fold(Summary::default, |mut s, part| {
                        s.add_lines(part);
                        s
                    })
                    .reduce(Summary::default, |mut a, b| {
                        a.merge(b);
                        a
                    })
            }),
        ),
    ];
    let mut best = vec![Duration::MAX; variants.len()];
    for round in 0..rounds {
        for k in 0..variants.len() {
            // Rotate the order so drifting load favours no one.
            let i = (k + round) % variants.len();
            let started = Instant::now();
            let summary = (variants[i].1)();
            let took = started.elapsed();
            assert_eq!(
                summary, expected,
                "{} computed a different summary",
                variants[i].0
            );
            best[i] = best[i].min(took);
        }
    }
    let mb = data.len() as f64 / 1e6;
    let rate = |d: Duration| mb / d.as_secs_f64();
    for (i, (name, _)) in variants.iter().enumerate() {
        println!(
            "{name:<24} {:>8.1} ms  {:>8.0} MB/s  {:>5.2}x vs one thread",
            best[i].as_secs_f64() * 1e3,
            rate(best[i]),
            best[0].as_secs_f64() / best[i].as_secs_f64()
        );
    }
    let rayon_best = best[3].min(best[4]);
    let ratio = rate(best[1]) / rate(rayon_best);
    println!(
        "reference threads / best rayon throughput: {ratio:.2}x (goal >= 0.90x): {}",
        if ratio >= 0.9 { "PASS" } else { "FAIL" }
    );
    if ratio < 0.9 {
        std::process::exit(1);
    }
}
