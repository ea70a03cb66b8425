//! Runs the lab on a demo workload and prints the report:
//! `cargo run -p gil_lab --release --bin gil-lab`.
//!
//! The last row runs the same CPU tasks in processes (your
//! `cpu_processes`), Python's `multiprocessing` answer: this program is its
//! own worker, started as `gil-lab --worker i`.

use std::time::Duration;

use gil_lab::{Experiment, Gil, Run, Workload, cpu_processes, gil_lab};

/// CPU-bound: counts the primes below a bound, by trial division.
fn count_primes(i: usize) -> u64 {
    let bound = 400_000 + i as u64;
    (2..bound)
        .filter(|&n| (2..).take_while(|d| d * d <= n).all(|d| n % d != 0))
        .count() as u64
}

/// The Python part of a request: cheap.
fn build_request(i: usize) -> u64 {
    i as u64 * 7
}

/// The blocking part: waits 100 ms, as a slow server would make us.
fn wait_for_answer(request: u64) -> u64 {
    std::thread::sleep(Duration::from_millis(100));
    request + 1
}

fn main() {
    let mut args = std::env::args().skip(1);
    if let Some("--worker") = args.next().as_deref() {
        let i: usize = args
            .next()
            .and_then(|i| i.parse().ok())
            .expect("usage: gil-lab --worker <task index>");
        println!("{}", count_primes(i));
        return;
    }
    let tasks = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(4);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{tasks} tasks per run, {cores} cores\n");
    let work = Workload {
        tasks,
        cpu: &count_primes,
        python: &build_request,
        blocking: &wait_for_answer,
    };
    let report = gil_lab(&Gil::new(), &work);
    print!("{report}");
    let me = std::env::current_exe().expect("the lab knows its own path");
    let processes = Experiment {
        // The same tasks one after another, from the run just above.
        one_thread: report.cpu_without_gil.one_thread,
        threads: Run::measure(|| {
            let results = cpu_processes(tasks, &me, &["--worker"]).expect("the worker processes");
            assert_eq!(results.len(), tasks, "one result per task");
        }),
    };
    println!("{}", processes.row("CPU, processes"));
}
