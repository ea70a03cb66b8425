//! `process_handler`: the child program of exercise 02. Given code, not a task.
//!
//! It is the `process_handler(i)` of Python's
//! `multiprocessing.Process(target=process_handler, args=(i,))`:
//!
//! ```text
//! process_handler [OPTIONS] <i>
//! ```
//!
//! works a little, prints one line about itself and exits with status 0. The
//! options make it misbehave on purpose, for the tests:
//!
//! ```text
//! --sleep-ms MS   work for MS milliseconds before printing (default 20)
//! --fail I        exit with status 3 (after printing) when its index is I
//! --lines N       then print N numbered lines (a lot of output)
//! ```
//!
//! Each run adds 1 to `processes::COUNTER` and prints the value it sees: every
//! process has its own copy of that variable, so every child prints 1 and the
//! parent's copy never changes (see the README).

use std::io::Write;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Duration;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sleep_ms = 20_u64;
    let mut fail: Option<String> = None;
    let mut lines = 0_u64;
    let mut index: Option<String> = None;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let mut value = |name: &str| match rest.next() {
            Some(value) => value.clone(),
            None => usage(&format!("{name} needs a value")),
        };
        match arg.as_str() {
            "--sleep-ms" => sleep_ms = number(&value("--sleep-ms")),
            "--fail" => fail = Some(value("--fail")),
            "--lines" => lines = number(&value("--lines")),
            other if index.is_none() => index = Some(other.to_string()),
            other => usage(&format!("unexpected argument `{other}`")),
        }
    }
    let Some(index) = index else {
        usage("the index <i> is missing")
    };

    std::thread::sleep(Duration::from_millis(sleep_ms));
    let counter = processes::COUNTER.fetch_add(1, Ordering::SeqCst) + 1;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "process {index}: pid {}, parent {}, counter {counter}",
        std::process::id(),
        std::os::unix::process::parent_id(),
    );
    for line in 0..lines {
        let _ = writeln!(out, "process {index}: line {line}");
    }
    let _ = out.flush();
    if fail.as_deref() == Some(index.as_str()) {
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}

fn number(text: &str) -> u64 {
    text.parse()
        .unwrap_or_else(|_| usage(&format!("`{text}` is not a number")))
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "process_handler: {problem}\n\
         usage: process_handler [--sleep-ms MS] [--fail I] [--lines N] <i>"
    );
    std::process::exit(2)
}
