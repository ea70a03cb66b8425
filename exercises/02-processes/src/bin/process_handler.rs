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
//! --meet DIR N    first wait (up to 10 s) until N children have arrived in DIR
//! ```
//!
//! `--meet` is how the tests see children run *at the same time* without a
//! clock: each child leaves a file in DIR and waits until N files are there. N
//! children can only all arrive if they are alive at once; the first one to run
//! out of patience leaves `gave-up` so later ones stop waiting. The child then
//! prints `process <i>: met N` or `process <i>: missed N`.
//!
//! Each run adds 1 to `processes::COUNTER` and prints the value it sees: every
//! process has its own copy of that variable, so every child prints 1 and the
//! parent's copy never changes (see the README).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long `--meet` waits for the others. Children started together meet as
/// soon as the last one starts; only children run one after another wait this long.
const PATIENCE: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut sleep_ms = 20_u64;
    let mut fail: Option<String> = None;
    let mut lines = 0_u64;
    let mut index: Option<String> = None;
    let mut meet_at: Option<(PathBuf, u64)> = None;
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
            "--meet" => {
                let dir = PathBuf::from(value("--meet"));
                meet_at = Some((dir, number(&value("--meet"))));
            }
            other if index.is_none() => index = Some(other.to_string()),
            other => usage(&format!("unexpected argument `{other}`")),
        }
    }
    let Some(index) = index else {
        usage("the index <i> is missing")
    };

    let met = meet_at
        .as_ref()
        .map(|(dir, parties)| (meet(dir, *parties, &index), *parties));
    std::thread::sleep(Duration::from_millis(sleep_ms));
    let counter = processes::COUNTER.fetch_add(1, Ordering::SeqCst) + 1;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "process {index}: pid {}, parent {}, counter {counter}",
        std::process::id(),
        std::os::unix::process::parent_id(),
    );
    if let Some((met, parties)) = met {
        let word = if met { "met" } else { "missed" };
        let _ = writeln!(out, "process {index}: {word} {parties}");
    }
    for line in 0..lines {
        let _ = writeln!(out, "process {index}: line {line}");
    }
    let _ = out.flush();
    if fail.as_deref() == Some(index.as_str()) {
        return ExitCode::from(3);
    }
    ExitCode::SUCCESS
}

/// Arrives in `dir` and waits until `parties` children arrived there (true),
/// or until someone ran out of patience (false).
fn meet(dir: &Path, parties: u64, index: &str) -> bool {
    let gave_up = dir.join("gave-up");
    if let Err(error) = fs::write(dir.join(format!("arrived-{index}")), "") {
        usage(&format!(
            "--meet cannot write in {}: {error}",
            dir.display()
        ));
    }
    let deadline = Instant::now() + PATIENCE;
    loop {
        // Checked before counting: once one child gave up, the children were
        // provably not all alive at once, and a late arrival must not "meet".
        if gave_up.exists() {
            return false;
        }
        let arrived = fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|entry| entry.file_name().to_string_lossy().starts_with("arrived-"))
                    .count() as u64
            })
            .unwrap_or(0);
        if arrived >= parties {
            return true;
        }
        if Instant::now() >= deadline {
            let _ = fs::write(&gave_up, "");
            return false;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn number(text: &str) -> u64 {
    text.parse()
        .unwrap_or_else(|_| usage(&format!("`{text}` is not a number")))
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "process_handler: {problem}\n\
         usage: process_handler [--sleep-ms MS] [--fail I] [--lines N] [--meet DIR N] <i>"
    );
    std::process::exit(2)
}
