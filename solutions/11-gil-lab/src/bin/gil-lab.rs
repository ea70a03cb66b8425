//! Runs the lab on a demo workload and prints the report:
//! `cargo run -p gil_lab --release --bin gil-lab`.

use std::time::Duration;

use gil_lab::{Gil, Workload, gil_lab};

/// CPU-bound: counts the primes below a bound, by trial division.
fn count_primes(i: usize) -> u64 {
    let bound = 60_000 + i as u64;
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
    print!("{}", gil_lab(&Gil::new(), &work));
}
