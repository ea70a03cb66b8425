//! `ipc_worker`: the worker program of exercise 13. Given code, not a task.
//!
//! ```text
//! ipc_worker            serve tasks: read Tasks from stdin, answer on stdout
//!                       (with your framing from src/lib.rs) until stdin ends
//! ipc_worker --filter   copy stdin to stdout upper-cased, as it arrives
//! ipc_worker --sink     read stdin to the end, then print how many bytes came
//! ipc_worker --exit     exit at once (the cheapest possible process)
//! ```
//!
//! Task inputs it understands, for trying the pool out:
//!
//! ```text
//! square N     answers N*N
//! upper TEXT   answers TEXT upper-cased
//! sleep MS     sleeps MS milliseconds, answers "slept MS"
//! pid          answers its process id
//! crash        dies without answering (exit status 101)
//! hang         never answers
//! ```

use std::io::{self, BufRead, Read, Write};
use std::time::Duration;

fn main() -> io::Result<()> {
    match std::env::args().nth(1).as_deref() {
        None => ipc::serve(io::stdin().lock(), io::stdout().lock(), work),
        Some("--filter") => filter(),
        Some("--sink") => sink(),
        Some("--exit") => Ok(()),
        Some(other) => {
            eprintln!("ipc_worker: unknown option {other}; see src/bin/ipc_worker.rs");
            std::process::exit(2);
        }
    }
}

/// What a worker does with one task.
fn work(input: &str) -> String {
    let (command, rest) = input.split_once(' ').unwrap_or((input, ""));
    match command {
        "square" => match rest.trim().parse::<u64>() {
            Ok(n) => n.wrapping_mul(n).to_string(),
            Err(_) => format!("not a number: {rest}"),
        },
        "upper" => rest.to_uppercase(),
        "sleep" => {
            let ms = rest.trim().parse().unwrap_or(0);
            threadlings::thread::sleep(Duration::from_millis(ms));
            format!("slept {ms}")
        }
        "pid" => std::process::id().to_string(),
        "crash" => {
            eprintln!("ipc_worker {}: crashing on purpose", std::process::id());
            std::process::exit(101);
        }
        "hang" => loop {
            threadlings::thread::sleep(Duration::from_secs(3600));
        },
        _ => format!("unknown task: {input}"),
    }
}

fn filter() -> io::Result<()> {
    let mut input = io::stdin().lock();
    let mut output = io::stdout().lock();
    loop {
        let chunk = input.fill_buf()?;
        if chunk.is_empty() {
            return output.flush();
        }
        let upper = chunk.to_ascii_uppercase();
        let len = chunk.len();
        input.consume(len);
        output.write_all(&upper)?;
        output.flush()?;
    }
}

fn sink() -> io::Result<()> {
    let mut buffer = vec![0_u8; 64 * 1024];
    let mut total = 0_usize;
    let mut input = io::stdin().lock();
    loop {
        match input.read(&mut buffer)? {
            0 => break,
            n => total += n,
        }
    }
    println!("{total}");
    Ok(())
}
