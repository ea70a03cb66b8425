//! `ipc_costs`: prints what threads, processes, channels and pipes cost on
//! this machine, with your functions from task 6. Given code, not a task.
//!
//! ```text
//! cargo run -p ipc --release --bin ipc_costs
//! ```

use std::io;
use std::time::Duration;

fn main() -> io::Result<()> {
    let worker = std::env::current_exe()?.with_file_name("ipc_worker");
    let n = 32;
    let data = vec![b'x'; 1 << 20];

    let threads = best_of(5, || Ok(ipc::time_threads(n, || {})))?;
    let processes = best_of(5, || ipc::time_processes(&worker, &["--exit"], n))?;
    let channel = best_of(5, || Ok(ipc::time_channel(&data, 64 * 1024).0))?;
    let pipe = best_of(5, || {
        Ok(ipc::time_pipe(&worker, &["--sink"], &data, 64 * 1024)?.0)
    })?;

    println!("start and join {n} threads      {:>10.3} ms", ms(threads));
    println!(
        "start and wait {n} processes    {:>10.3} ms   ({:.0}x the threads)",
        ms(processes),
        ratio(processes, threads)
    );
    println!("1 MiB through a channel         {:>10.3} ms", ms(channel));
    println!(
        "1 MiB through a pipe (+ child)  {:>10.3} ms   ({:.0}x the channel)",
        ms(pipe),
        ratio(pipe, channel)
    );
    Ok(())
}

fn best_of(runs: usize, mut measure: impl FnMut() -> io::Result<Duration>) -> io::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        best = best.min(measure()?);
    }
    Ok(best)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64().max(1e-9)
}
