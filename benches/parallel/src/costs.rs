//! What a thread and a process cost, measured on this machine: creating one
//! (start it, let it do nothing, wait for it) and a context-switch round trip
//! (one byte sent through a pipe and one byte sent back, between two threads
//! of one process and between two processes).
//!
//! ```sh
//! cargo run --release -p threadlings-bench --bin bench-costs
//! taskset -c 0 cargo run --release -p threadlings-bench --bin bench-costs   # one core
//! ```
//!
//! Both sides of each comparison do the same work through the same system
//! calls, so what differs is only what the lesson of 02-processes says
//! differs: a process brings a new address space and a program to load, and
//! switching to it switches the address space too. On one core (`taskset`)
//! every round trip is two real context switches; on several cores the
//! partner may already be running on another core, and a round trip is two
//! cross-core wake-ups instead. Each number is the median of several batches.
//!
//! The child side of the process measurements is this same binary started
//! with `--child-exit` (exit at once) or `--child-echo` (send back every byte
//! read), so both sides run the same compiled code.

use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Batches per measurement; the median batch is reported.
const BATCHES: usize = 7;

fn main() {
    match std::env::args().nth(1).as_deref() {
        Some("--child-exit") => return,
        Some("--child-echo") => return echo(std::io::stdin().lock(), std::io::stdout().lock()),
        _ => {}
    }
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("bench-costs: {cores} core(s) available; median of {BATCHES} batches\n");
    println!("| what | thread | process | process / thread |");
    println!("|---|---|---|---|");

    let thread = median(BATCHES, || per_op(200, spawn_join_thread));
    let process = median(BATCHES, || per_op(50, spawn_wait_process));
    row("create, run nothing, wait", thread, process);

    let thread = median(BATCHES, || ping_pong_threads(5_000));
    let process = median(BATCHES, || ping_pong_processes(5_000));
    row("pipe round trip (1 byte there, 1 back)", thread, process);
}

fn row(what: &str, thread: Duration, process: Duration) {
    println!(
        "| {what} | {} | {} | {:.1}x |",
        show(thread),
        show(process),
        process.as_secs_f64() / thread.as_secs_f64()
    );
}

fn show(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

/// The median of `batches` measurements (each already a per-operation time).
fn median(batches: usize, mut measure: impl FnMut() -> Duration) -> Duration {
    let mut times: Vec<Duration> = (0..batches).map(|_| measure()).collect();
    times.sort();
    times[times.len() / 2]
}

/// Time per call of `op`, over `count` calls.
fn per_op(count: u32, mut op: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..count {
        op();
    }
    start.elapsed() / count
}

fn spawn_join_thread() {
    std::thread::spawn(|| {})
        .join()
        .expect("the empty thread panicked");
}

fn spawn_wait_process() {
    let status = Command::new(std::env::current_exe().expect("no path to this benchmark"))
        .arg("--child-exit")
        .status()
        .expect("failed to start the child");
    assert!(status.success(), "the child failed: {status}");
}

/// Sends back every byte it reads until the other side closes the pipe.
fn echo(mut input: impl Read, mut output: impl Write) {
    let mut byte = [0u8; 1];
    while input.read_exact(&mut byte).is_ok() {
        if output
            .write_all(&byte)
            .and_then(|()| output.flush())
            .is_err()
        {
            break;
        }
    }
}

/// `rounds` one-byte round trips through `to` and `from`; time per round trip.
fn round_trips(rounds: u32, to: &mut impl Write, from: &mut impl Read) -> Duration {
    let mut byte = [7u8; 1];
    let start = Instant::now();
    for _ in 0..rounds {
        to.write_all(&byte)
            .and_then(|()| to.flush())
            .expect("write to the partner");
        from.read_exact(&mut byte).expect("read from the partner");
    }
    start.elapsed() / rounds
}

fn ping_pong_threads(rounds: u32) -> Duration {
    let (to_partner_read, mut to_partner) = std::io::pipe().expect("pipe");
    let (mut from_partner, from_partner_write) = std::io::pipe().expect("pipe");
    let partner = std::thread::spawn(move || echo(to_partner_read, from_partner_write));
    let time = round_trips(rounds, &mut to_partner, &mut from_partner);
    drop(to_partner);
    partner.join().expect("the echo thread panicked");
    time
}

fn ping_pong_processes(rounds: u32) -> Duration {
    let mut child = Command::new(std::env::current_exe().expect("no path to this benchmark"))
        .arg("--child-echo")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("failed to start the echo child");
    let mut to_partner = child.stdin.take().expect("piped stdin");
    let mut from_partner = child.stdout.take().expect("piped stdout");
    let time = round_trips(rounds, &mut to_partner, &mut from_partner);
    drop(to_partner);
    let status = child.wait().expect("wait for the echo child");
    assert!(status.success(), "the echo child failed: {status}");
    time
}
