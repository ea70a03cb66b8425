//! Given: the worker process of `summarize_processes`.
//!
//! Reads log lines on stdin until it ends, summarizes them with your
//! `summarize_sequential`, and prints the summary as `Summary::to_text` on
//! stdout. Exits with status 1 (and a message on stderr) on an I/O error.

use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let stdin = std::io::stdin().lock();
    match data_processing::summarize_sequential(stdin) {
        Ok(summary) => {
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(summary.to_text().as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("dp_worker: {e}");
            ExitCode::FAILURE
        }
    }
}
